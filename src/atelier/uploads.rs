//! Photos and documents added from the atelier: stored beside the document
//! that uses them (a post's photos in its folder, as the build expects;
//! a resource list's documents in `classes/<id>/ressources/`), under a safe
//! name, if the build would accept them: the build's own allow-list
//! ([`crate::content::attachments`]) and photo checks
//! ([`crate::images::check_photo`], with its decompression-bomb limits).

use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};

use super::files;
use super::forms::DocKind;
use super::paths;
use crate::content::attachments::{self, Attachment};

/// Largest file accepted (a phone's photo is 2 to 12 Mo).
pub const MAX_UPLOAD_BYTES: usize = 40 * 1024 * 1024;

/// A stored upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    /// Its path relative to the school folder.
    pub path: String,
    /// How the document names it (relative to the document's folder):
    /// what goes in `galerie`'s `photo` or in a markdown link.
    pub link: String,
    /// True for a photo (re-encoded by the build), false for a document.
    pub photo: bool,
}

/// Stores `bytes` (a file the teacher picked, named `original_name`) for
/// the document `doc_rel` (which may not be saved yet). The name is made
/// safe (`Photo de classe.JPG` → `photo-de-classe.jpg`: a markdown link
/// cannot hold a space) and never replaces a file (`-2`, `-3`… added).
pub fn store_upload(
    school: &Path,
    doc_rel: &str,
    original_name: &str,
    bytes: &[u8],
) -> Result<Stored> {
    let (_, loc) = paths::document(school, doc_rel)?;
    if bytes.len() > MAX_UPLOAD_BYTES {
        bail!(
            "« {original_name} » est trop lourd ({} Mo, au plus {} Mo)\n  conseil : réduisez la photo (partage « taille moyenne » du téléphone) ou le document avant de l'ajouter.",
            bytes.len().div_ceil(1024 * 1024),
            MAX_UPLOAD_BYTES / (1024 * 1024)
        );
    }
    if bytes.is_empty() {
        bail!("« {original_name} » est vide");
    }
    let name = safe_name(original_name);
    let kind = attachments::by_name(&name)
        .or_else(|_| attachments::by_name(original_name))
        .map_err(|(message, hint)| anyhow!("{message}\n  conseil : {hint}"))?;
    // The document's folder (or the class's `ressources/`).
    let doc_dir = doc_rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let (dir, prefix) = match loc.kind {
        DocKind::Agenda => bail!("l'agenda n'a pas de pièces jointes : ajoutez le document à une page ou aux documents de l'école"),
        DocKind::Resources => (format!("{doc_dir}/ressources"), "ressources/"),
        DocKind::Post | DocKind::CahierDay => (doc_dir.to_string(), ""),
    };
    if kind == Attachment::Photo {
        crate::images::check_photo(bytes).map_err(|m| {
            anyhow!("« {original_name} » est refusé : {m}\n  conseil : ouvrez la photo sur l'ordinateur et enregistrez-la de nouveau en JPEG.")
        })?;
    }
    let dir_full = paths::inside(school, &dir)?;
    std::fs::create_dir_all(&dir_full).with_context(|| format!("création de « {dir} »"))?;
    // Written under a temporary name first, so that documents are checked
    // by the build's own content check before they get their name.
    let mut tmp = tempfile::Builder::new()
        .prefix(".preau-envoi-")
        .tempfile_in(&dir_full)
        .context("fichier temporaire")?;
    tmp.write_all(bytes).context("écriture")?;
    tmp.as_file().sync_all().context("écriture sur le disque")?;
    if kind == Attachment::Document {
        let check_dir = tempfile::tempdir().context("dossier temporaire")?;
        std::fs::write(check_dir.path().join(&name), bytes).context("écriture")?;
        attachments::check(check_dir.path(), Path::new(&name))
            .map_err(|(message, hint)| anyhow!("{message}\n  conseil : {hint}"))?;
    }
    let (stem, ext) = name.rsplit_once('.').expect("safe names have an extension");
    let _lock = files::lock(school)?;
    let mut n = 1;
    loop {
        let candidate = if n == 1 {
            name.clone()
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let full = dir_full.join(&candidate);
        match tmp.persist_noclobber(&full) {
            Ok(_) => {
                files::sync_dir(&dir_full);
                let path = if dir.is_empty() {
                    candidate.clone()
                } else {
                    format!("{dir}/{candidate}")
                };
                return Ok(Stored {
                    path,
                    link: format!("{prefix}{candidate}"),
                    photo: kind == Attachment::Photo,
                });
            }
            Err(e) if n < 1000 && e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                tmp = e.file;
                n += 1;
            }
            Err(e) => return Err(anyhow!("enregistrement de « {candidate} » : {}", e.error)),
        }
    }
}

/// A file name a markdown link and every system take: the stem slugified
/// (`fichier` when nothing is left), the extension in lower case.
pub fn safe_name(original: &str) -> String {
    let base = original.rsplit(['/', '\\']).next().unwrap_or(original);
    let (stem, ext) = match base.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, e.to_ascii_lowercase()),
        _ => (base, String::new()),
    };
    let mut stem = crate::slug::slugify(stem);
    if stem.is_empty() {
        stem = "fichier".to_string();
    }
    let ext: String = ext.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if ext.is_empty() {
        stem
    } else {
        format!("{stem}.{ext}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_safe() {
        assert_eq!(safe_name("Photo de classe.JPG"), "photo-de-classe.jpg");
        assert_eq!(safe_name("IMG_0003.HEIC"), "img-0003.heic");
        assert_eq!(safe_name("../../ecole.yaml"), "ecole.yaml");
        assert_eq!(safe_name("été 2026 (1).pdf"), "ete-2026-1.pdf");
        assert_eq!(safe_name("«».png"), "fichier.png");
        assert_eq!(safe_name("sans"), "sans");
    }
}
