//! The folder target: a local web root or a mounted share.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::{check_path, Target};

/// Publishes into a folder; each file is written to a temporary name then
/// renamed, so a reader never sees half a file. No symbolic link inside the
/// folder is followed: a path that goes through one is refused, so nothing
/// outside the folder is read, written or removed.
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

    /// The file system path of `rel`, after checking that `rel` stays in
    /// the folder and that no part of it that exists is a symbolic link.
    fn path(&self, rel: &str) -> Result<PathBuf> {
        check_path(rel)?;
        let mut at = self.root.clone();
        for part in rel.split('/') {
            at.push(part);
            match std::fs::symlink_metadata(&at) {
                Ok(m) if m.file_type().is_symlink() => bail!(
                    "lien symbolique refusé dans {} : « {} » (rien n'est lu ni écrit à travers un lien)\n  conseil : retirez ce lien du dossier de publication",
                    self.describe(),
                    at.display()
                ),
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
                Err(e) => {
                    return Err(e).with_context(|| format!("lecture de « {} »", at.display()))
                }
            }
        }
        Ok(self.root.join(rel))
    }

    fn temporary(dest: &Path) -> PathBuf {
        dest.with_file_name(format!(
            ".{}.preau-envoi",
            dest.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ))
    }
}

impl Target for Folder {
    fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>> {
        let file = self.path(path)?;
        match std::fs::read(&file) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("lecture de « {} »", file.display())),
        }
    }

    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        let dest = self.path(path)?;
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("création de « {} »", parent.display()))?;
        }
        // Checked again now that the folders exist.
        let dest = self.path(path)?;
        let tmp = Folder::temporary(&dest);
        // A link left at the temporary name is removed, never written through.
        let _ = std::fs::remove_file(&tmp);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .with_context(|| format!("écriture de « {} »", tmp.display()))?;
        std::io::Write::write_all(&mut file, bytes)
            .with_context(|| format!("écriture de « {} »", tmp.display()))?;
        drop(file);
        std::fs::rename(&tmp, &dest)
            .with_context(|| format!("mise en place de « {} »", dest.display()))?;
        Ok(())
    }

    fn delete(&mut self, path: &str) -> Result<()> {
        let file = self.path(path)?;
        let _ = std::fs::remove_file(Folder::temporary(&file));
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("suppression de « {} »", file.display()))
            }
            _ => Ok(()),
        }
    }

    fn describe(&self) -> String {
        format!("le dossier « {} »", self.root.display())
    }

    fn key(&self) -> String {
        let root = std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        format!("file://{}", root.display())
    }
}
