//! The folder target: a local web root or a mounted share.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Target;

/// Publishes into a folder; each file is written to a temporary name then
/// renamed, so a reader never sees half a file.
pub struct Folder {
    root: PathBuf,
}

impl Folder {
    /// The folder `root` (created when missing).
    pub fn new(root: &Path) -> Result<Folder> {
        std::fs::create_dir_all(root).with_context(|| {
            format!("création du dossier de publication « {} »", root.display())
        })?;
        Ok(Folder {
            root: root.to_path_buf(),
        })
    }

    fn path(&self, rel: &str) -> Result<PathBuf> {
        if rel.starts_with('/') || rel.split('/').any(|c| c == "..") {
            anyhow::bail!("chemin refusé : « {rel} »");
        }
        Ok(self.root.join(rel))
    }
}

impl Target for Folder {
    fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>> {
        match std::fs::read(self.path(path)?) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        let dest = self.path(path)?;
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = dest.with_file_name(format!(
            ".{}.preau-envoi",
            dest.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &dest)?;
        Ok(())
    }

    fn delete(&mut self, path: &str) -> Result<()> {
        match std::fs::remove_file(self.path(path)?) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    fn describe(&self) -> String {
        format!("le dossier « {} »", self.root.display())
    }
}
