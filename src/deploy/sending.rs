//! What is sent, and in which order: bytes read once and checked against
//! the manifest, the files that name others after what they name, and the
//! test hook that stops a deploy at an exact point.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::manifest::{sha256_hex, FileEntry, Manifest};

/// The files of a site that name other files under fixed names of their
/// own: each area's index (listed in `acces/espaces.json`), that list, the
/// key ring and the public search index. They go online after what they
/// name and before the pages.
pub(super) fn referrers(site: &Path, manifest: &Manifest) -> BTreeSet<String> {
    use crate::access::bundle::BLOB_DIR;
    let areas_list = format!("{BLOB_DIR}/espaces.json");
    let mut named: BTreeSet<String> = [
        areas_list.clone(),
        format!("{BLOB_DIR}/cles.json"),
        "recherche/index.json".to_string(),
    ]
    .into_iter()
    .collect();
    let areas: Vec<serde_json::Value> = std::fs::read(site.join(&areas_list))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    for area in areas {
        if let Some(index) = area["index"].as_str() {
            named.extend(
                manifest
                    .files
                    .keys()
                    .filter(|p| index.ends_with(&format!("/{p}")))
                    .cloned(),
            );
        }
    }
    named
}

/// A file of the site, read once into memory and checked against the
/// manifest: the bytes returned are the ones that may be sent.
pub fn read_checked(site: &Path, path: &str, entry: &FileEntry) -> Result<Vec<u8>> {
    let data = std::fs::read(site.join(path)).with_context(|| format!("lecture de « {path} »"))?;
    if data.len() as u64 != entry.size || sha256_hex(&data) != entry.sha256 {
        bail!("« {path} » a changé depuis la vérification du site : rien de lui n'a été envoyé\n  conseil : le dossier du site approuvé ne doit pas être modifié ; reprenez-le de l'approbation et relancez la publication");
    }
    Ok(data)
}

/// Test hook, for the interrupted-deploy tests only:
/// `PREAU_DEPLOY_STOP_AFTER=<phase>:<n>` ends the process, as a kill would
/// (no clean-up, no message but one line), right after the `n`-th
/// operation of a phase: `fichiers` (files nothing online names yet),
/// `pages` (the files that name others, then the pages), `manifeste` (the
/// manifest, then its signatures), `retraits` (removals).
/// Harmless: someone who sets it only stops their own deploy, which the
/// next run finishes like any interrupted one.
pub(super) fn test_stop(phase: &str, path: &str) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static DONE: [AtomicUsize; 4] = [const { AtomicUsize::new(0) }; 4];
    let Ok(spec) = std::env::var("PREAU_DEPLOY_STOP_AFTER") else {
        return;
    };
    let Some((want, n)) = spec.split_once(':') else {
        return;
    };
    let index = ["fichiers", "pages", "manifeste", "retraits"]
        .iter()
        .position(|p| *p == phase)
        .expect("known phase");
    let done = DONE[index].fetch_add(1, Ordering::SeqCst) + 1;
    if want == phase && n.parse::<usize>().ok() == Some(done) {
        eprintln!("arrêt d'essai (PREAU_DEPLOY_STOP_AFTER={spec}) après « {path} »");
        std::process::exit(3);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_after_verification_is_not_read_for_sending() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.html"), b"approved").unwrap();
        let entry = FileEntry {
            size: 8,
            sha256: sha256_hex(b"approved"),
            scope: None,
        };
        assert_eq!(
            read_checked(dir.path(), "a.html", &entry).unwrap(),
            b"approved"
        );
        std::fs::write(dir.path().join("a.html"), b"swapped!").unwrap();
        let err = read_checked(dir.path(), "a.html", &entry).unwrap_err();
        assert!(format!("{err}").contains("a changé depuis la vérification"));
    }
}
