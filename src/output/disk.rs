//! Writing the site to disk: into a temporary folder beside the
//! destination, identical files hard-linked from the previous site, then
//! swapped in at once.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use std::collections::HashMap;

use super::cache::{self, FileRecord};
use super::{BuildLock, Data, Output, LOCK_WAIT, MARKER};

impl Output {
    /// Writes every file into `out`, replacing its previous content only
    /// once everything is written. Two builds of the same output take turns
    /// (see [`BuildLock`]); `out` is swapped in atomically (see [`swap_in`]).
    ///
    /// `record` describes the output being replaced (see [`super::cache`]):
    /// a file whose fingerprint it holds is hard-linked from there without
    /// being read. Returns each written file's fingerprint, for the next
    /// build's record.
    pub fn write_atomically(
        &self,
        out: &Path,
        school_root: &Path,
        record: &HashMap<String, FileRecord>,
    ) -> Result<HashMap<String, u64>> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .with_context(|| format!("création du dossier « {} »", parent.display()))?;
        let _lock = BuildLock::acquire(out, LOCK_WAIT)?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let tmp = parent.join(format!(".{name}.preau-tmp"));
        let old = parent.join(format!(".{name}.preau-old"));
        // A build stopped between the two renames of the fallback swap left
        // the previous site under its old name only: put it back first.
        if !out.exists() && old.join(MARKER).exists() {
            std::fs::rename(&old, out)
                .with_context(|| format!("remise en place de « {} »", out.display()))?;
        }
        guard_destination(out, school_root)?;
        for leftover in [&tmp, &old] {
            if leftover.exists() {
                std::fs::remove_dir_all(leftover)
                    .with_context(|| format!("nettoyage de « {} »", leftover.display()))?;
            }
        }
        std::fs::create_dir_all(&tmp)
            .with_context(|| format!("création de « {} »", tmp.display()))?;
        let previous = out.join(MARKER).exists().then_some(out);
        let written = match self.write_into(&tmp, previous, record) {
            Ok(written) => written,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(e);
            }
        };
        swap_in(&tmp, out, &old)?;
        if old.exists() {
            std::fs::remove_dir_all(&old)
                .with_context(|| format!("suppression de l'ancien site « {} »", old.display()))?;
        }
        Ok(written)
    }

    /// Writes every file into the empty folder `dir`. A file identical to
    /// the one in `previous` (the site being replaced) is hard-linked
    /// instead of written: a rebuild then costs metadata, not data. The
    /// record of `previous` says which are identical without reading them;
    /// a file it does not know is compared byte for byte.
    fn write_into(
        &self,
        dir: &Path,
        previous: Option<&Path>,
        record: &HashMap<String, FileRecord>,
    ) -> Result<HashMap<String, u64>> {
        std::fs::write(
            dir.join(MARKER),
            "Dossier fabriqué par preau : il est remplacé à chaque construction.\n",
        )?;
        let dirs: std::collections::BTreeSet<PathBuf> = self
            .files
            .keys()
            .filter_map(|p| Path::new(p).parent().map(|d| dir.join(d)))
            .collect();
        for d in dirs {
            std::fs::create_dir_all(&d)
                .with_context(|| format!("création de « {} »", d.display()))?;
        }
        self.files
            .par_iter()
            .map(|(path, file)| {
                let dest = dir.join(path);
                let content = match &file.data {
                    Data::Bytes(b) => Some(cache::bytes_print(b)),
                    Data::Copy(src) => cache::source_print(src),
                    Data::Previous { content, .. } => Some(*content),
                    Data::Unchanged => None,
                };
                let context = || format!("écriture de « {} »", dest.display());
                if let Some(old) = previous.map(|p| p.join(path)) {
                    // Checked again here, under the build lock: another
                    // build may have replaced the output since the record
                    // was read.
                    let known = record
                        .get(path.as_str())
                        .filter(|r| cache::still_on_disk(&old, r));
                    let same = match (&file.data, known) {
                        (_, Some(r)) if Some(r.content) == content => true,
                        (Data::Bytes(b), None) => std::fs::read(&old).is_ok_and(|o| o == **b),
                        (Data::Copy(src), None) => same_file_content(src, &old),
                        _ => false,
                    };
                    if same && std::fs::hard_link(&old, &dest).is_ok() {
                        return Ok((path.clone(), content.unwrap_or(0)));
                    }
                }
                match &file.data {
                    Data::Bytes(b) => std::fs::write(&dest, b.as_slice()).map(|_| ()),
                    Data::Copy(src) => std::fs::copy(src, &dest).map(|_| ()),
                    Data::Unchanged => bail!("« {path} » n'a pas été fabriquée"),
                    Data::Previous { .. } => {
                        // The record vouched for a file that could not be
                        // linked: it cannot be made again from here.
                        bail!(
                            "« {path} » du site précédent a changé pendant cette construction (une autre construction du même dossier ?)\n  conseil : relancez « preau build »"
                        )
                    }
                }
                .with_context(context)?;
                Ok((path.clone(), content.unwrap_or(0)))
            })
            .collect()
    }
}

/// Puts the folder `new` in place of `out`; the previous `out`, if there
/// was one, ends up at `old` (which must not exist). `out` is never missing
/// on the way: on Linux the two folders are exchanged in one step
/// (`renameat2(RENAME_EXCHANGE)`); elsewhere, or on a file system that
/// cannot exchange, two renames follow each other, and a build stopped
/// between them leaves the previous site at `old`, where the next build
/// finds it and puts it back.
pub fn swap_in(new: &Path, out: &Path, old: &Path) -> Result<()> {
    let context = || format!("mise en place de « {} »", out.display());
    if !out.exists() {
        return std::fs::rename(new, out).with_context(context);
    }
    match exchange(new, out) {
        Ok(true) => {
            // `new` now holds the previous site.
            return std::fs::rename(new, old)
                .with_context(|| format!("mise de côté de l'ancien site « {} »", old.display()));
        }
        Ok(false) => {}
        Err(e) => return Err(e).with_context(context),
    }
    std::fs::rename(out, old).with_context(|| format!("remplacement de « {} »", out.display()))?;
    if let Err(e) = std::fs::rename(new, out) {
        // Put the previous site back before reporting.
        let _ = std::fs::rename(old, out);
        return Err(e).with_context(context);
    }
    Ok(())
}

/// Exchanges two paths atomically; `Ok(false)` when this system or file
/// system cannot (the caller falls back to two renames).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))
    };
    let (a, b) = (c(a)?, c(b)?);
    // The raw system call: glibc only wraps it since 2.28.
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let result = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(err),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// True when two files have the same size and bytes.
fn same_file_content(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    ma.len() == mb.len() && std::fs::read(a).ok() == std::fs::read(b).ok()
}

/// Refuses to replace a folder that a build did not make, or the school itself.
fn guard_destination(out: &Path, school_root: &Path) -> Result<()> {
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let school = abs(school_root);
    if out.exists() {
        let out_abs = abs(out);
        if school.starts_with(&out_abs) {
            bail!(
                "le dossier de sortie « {} » contient le dossier de l'école : il serait effacé",
                out.display()
            );
        }
        let is_empty = std::fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !is_empty && !out.join(MARKER).exists() {
            bail!(
                "le dossier de sortie « {} » existe et n'a pas été fabriqué par preau : il n'est pas remplacé, pour ne rien effacer",
                out.display()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Audience;
    use std::sync::Arc;

    /// A folder holding one file `site.txt` with `text`.
    fn site(dir: &Path, text: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(MARKER), "").unwrap();
        std::fs::write(dir.join("site.txt"), text).unwrap();
    }

    fn content(dir: &Path) -> String {
        std::fs::read_to_string(dir.join("site.txt")).unwrap()
    }

    #[test]
    fn swap_puts_the_new_site_in_place_and_the_old_one_aside() {
        let tmp = tempfile::tempdir().unwrap();
        let (new, out, old) = (
            tmp.path().join("new"),
            tmp.path().join("public"),
            tmp.path().join("old"),
        );
        site(&new, "première");
        swap_in(&new, &out, &old).unwrap();
        assert_eq!(content(&out), "première");
        assert!(!new.exists() && !old.exists());
        site(&new, "deuxième");
        swap_in(&new, &out, &old).unwrap();
        assert_eq!(content(&out), "deuxième");
        assert_eq!(content(&old), "première");
        assert!(!new.exists());
    }

    /// A watcher looks at `public/` all along many swaps: it never finds
    /// it missing (the exchange is one step; two renames would leave a gap).
    #[cfg(target_os = "linux")]
    #[test]
    fn public_is_never_missing_during_a_swap() {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let tmp = tempfile::tempdir().unwrap();
        let (new, out, old) = (
            tmp.path().join("new"),
            tmp.path().join("public"),
            tmp.path().join("old"),
        );
        site(&out, "0");
        let done = Arc::new(AtomicBool::new(false));
        let (looks, missing) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let watcher = {
            let (out, done, looks, missing) =
                (out.clone(), done.clone(), looks.clone(), missing.clone());
            std::thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    if std::fs::read_to_string(out.join("site.txt")).is_err() {
                        missing.fetch_add(1, Ordering::Relaxed);
                    }
                    looks.fetch_add(1, Ordering::Relaxed);
                }
            })
        };
        for i in 1..=300 {
            site(&new, &i.to_string());
            swap_in(&new, &out, &old).unwrap();
            assert_eq!(content(&old), (i - 1).to_string());
            std::fs::remove_dir_all(&old).unwrap();
        }
        done.store(true, Ordering::Relaxed);
        watcher.join().unwrap();
        assert_eq!(content(&out), "300");
        assert!(
            looks.load(Ordering::Relaxed) > 300,
            "the watcher barely looked"
        );
        assert_eq!(missing.load(Ordering::Relaxed), 0, "public/ went missing");
    }

    /// Two builds of one school: the second read the record before the
    /// first replaced the output. A file the record knew, but that is no
    /// longer the one on disk, is written, not linked: the second build
    /// makes its own bytes, not the first one's.
    #[test]
    fn a_record_read_before_another_build_replaced_the_output_links_nothing_stale() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("ecole");
        std::fs::create_dir_all(&root).unwrap();
        let out = root.join("public");
        let site_with = |text: &str| {
            let mut output = Output::default();
            output.add("page.html", Audience::Public, text.as_bytes().to_vec());
            output
        };
        let written = site_with("v0")
            .write_atomically(&out, &root, &HashMap::new())
            .unwrap();
        let mut record = crate::build_cache::BuildCache::default();
        record.record_output(&out, written);
        // Build A (another process) replaces page.html with "v1"…
        site_with("v1")
            .write_atomically(&out, &root, &HashMap::new())
            .unwrap();
        // …while build B, which read the record of "v0", writes "v0".
        site_with("v0")
            .write_atomically(&out, &root, &record.files)
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("page.html")).unwrap(),
            "v0"
        );
    }

    /// The fallback's gap: a build killed between its two renames left the
    /// previous site only at `.public.preau-old`; the next build puts it
    /// back (and so keeps its hard links) before replacing it.
    #[test]
    fn a_site_left_aside_by_a_killed_build_is_put_back() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("ecole");
        std::fs::create_dir_all(&root).unwrap();
        let out = root.join("public");
        site(&root.join(".public.preau-old"), "ancien");
        let mut output = Output::default();
        output.add("site.txt", Audience::Public, b"nouveau".to_vec());
        output.add("index.html", Audience::Public, b"<p>".to_vec());
        output
            .write_atomically(&out, &root, &HashMap::new())
            .unwrap();
        assert_eq!(content(&out), "nouveau");
        assert!(out.join("index.html").exists() && out.join(MARKER).exists());
        assert!(!root.join(".public.preau-old").exists());
        assert!(!root.join(".public.preau-tmp").exists());
    }
}
