//! The bin: a deleted file moves to `.preau/corbeille/<date-heure>/<chemin>`
//! (never published, never erased by Préau) and can be put back.

use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};

use super::files::{self, SaveError};
use super::paths;
use crate::hash::sha256_hex;

/// The bin folder, in the school folder.
pub const TRASH_DIR: &str = ".preau/corbeille";

/// A file in the bin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashEntry {
    /// What [`restore`] takes: `<date-heure>/<chemin>`.
    pub id: String,
    /// Where it was (and goes back), relative to the school folder.
    pub path: String,
    /// When it was deleted, `AAAA-MM-JJTHH-MM-SS` (UTC).
    pub deleted_at: String,
}

/// Moves the file `rel` (and nothing else: a post's photos stay) to the
/// bin, if it is still the version the teacher saw.
pub fn delete(school: &Path, rel: &str, expected_version: &str) -> Result<TrashEntry, SaveError> {
    let (full, _) = paths::document(school, rel)?;
    let _lock = files::lock(school)?;
    let bytes = match std::fs::read(&full) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(SaveError::Stale {
                on_disk: String::new(),
                yours: String::new(),
            })
        }
        Err(e) => return Err(anyhow!("lecture de « {rel} » : {e}").into()),
    };
    if sha256_hex(&bytes) != expected_version {
        return Err(SaveError::Stale {
            on_disk: String::from_utf8_lossy(&bytes).into_owned(),
            yours: String::new(),
        });
    }
    let base = chrono::Utc::now().format("%Y-%m-%dT%H-%M-%S").to_string();
    let mut stamp = base.clone();
    let mut n = 1;
    while school.join(TRASH_DIR).join(&stamp).join(rel).exists() {
        n += 1;
        stamp = format!("{base}-{n}");
    }
    let target = school.join(TRASH_DIR).join(&stamp).join(rel);
    let parent = target.parent().expect("inside the bin");
    std::fs::create_dir_all(parent)
        .with_context(|| format!("création de « {} »", parent.display()))?;
    std::fs::rename(&full, &target).with_context(|| format!("mise à la corbeille de « {rel} »"))?;
    files::sync_dir(parent);
    if let Some(dir) = full.parent() {
        files::sync_dir(dir);
    }
    Ok(TrashEntry {
        id: format!("{stamp}/{rel}"),
        path: rel.to_string(),
        deleted_at: stamp,
    })
}

/// Everything in the bin, most recently deleted first.
pub fn list_trash(school: &Path) -> Result<Vec<TrashEntry>> {
    let root = school.join(TRASH_DIR);
    let mut out = Vec::new();
    if !root.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(&root)
        .min_depth(2)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
    {
        let id = crate::content::links::slashed(
            entry
                .path()
                .strip_prefix(&root)
                .expect("walked under the bin"),
        );
        if let Some((stamp, rel)) = id.split_once('/') {
            out.push(TrashEntry {
                id: id.clone(),
                path: rel.to_string(),
                deleted_at: stamp.to_string(),
            });
        }
    }
    out.sort_by(|a, b| (&b.deleted_at, &a.path).cmp(&(&a.deleted_at, &b.path)));
    Ok(out)
}

/// Puts a file of the bin back where it was; refuses to replace a file
/// that exists there now. Returns its path.
pub fn restore(school: &Path, id: &str) -> Result<String> {
    let Some((stamp, rel)) = id.split_once('/') else {
        bail!("« {id} » n'est pas dans la corbeille");
    };
    if stamp.is_empty() || stamp.starts_with('.') || stamp.contains(['\\', '\0']) {
        bail!("« {id} » n'est pas dans la corbeille");
    }
    let (full, _) = paths::document(school, rel)?;
    let source = school.join(TRASH_DIR).join(stamp).join(rel);
    if !std::fs::symlink_metadata(&source).is_ok_and(|m| m.is_file()) {
        bail!("« {id} » n'est pas dans la corbeille");
    }
    let _lock = files::lock(school)?;
    if std::fs::symlink_metadata(&full).is_ok() {
        bail!("« {rel} » existe de nouveau : la version de la corbeille n'a pas été remise\n  conseil : renommez ou supprimez d'abord le fichier actuel.");
    }
    let parent = full.parent().expect("inside the school");
    std::fs::create_dir_all(parent)
        .with_context(|| format!("création de « {} »", parent.display()))?;
    // A hard link fails if the name was taken meanwhile: never overwrites.
    std::fs::hard_link(&source, &full).with_context(|| format!("remise de « {rel} »"))?;
    std::fs::remove_file(&source).with_context(|| format!("corbeille : « {id} »"))?;
    files::sync_dir(parent);
    Ok(rel.to_string())
}
