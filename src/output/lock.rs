//! The lock of an output folder: two builds of the same folder take turns.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// How long a build waits for another build of the same output.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

/// The lock of an output folder, held while a build writes and swaps it in:
/// a second build of the same folder waits its turn instead of deleting the
/// first one's temporary folder. The lock is a file beside the output
/// (`.public.preau-lock`, removed when the build is done) that names the
/// build holding it; on Unix it is an
/// advisory lock (`flock`), on Windows an open without write sharing: the
/// system releases either if the build dies.
#[derive(Debug)]
pub struct BuildLock {
    /// Held open while the lock is held.
    file: Option<std::fs::File>,
    path: PathBuf,
}

impl BuildLock {
    /// Takes the lock of `out`, waiting at most `wait` for another build;
    /// says in the log that it waits, and whom for.
    pub fn acquire(out: &Path, wait: std::time::Duration) -> Result<BuildLock> {
        let path = lock_path(out);
        let start = std::time::Instant::now();
        let mut told = false;
        loop {
            match BuildLock::try_acquire(&path)? {
                Some(lock) => return Ok(lock),
                None => {
                    let holder = std::fs::read_to_string(&path)
                        .ok()
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                        .unwrap_or_else(|| "un autre processus preau".into());
                    if start.elapsed() >= wait {
                        bail!(
                            "une autre construction de « {} » est en cours depuis plus de {} minutes ({holder}) : celle-ci est abandonnée\n  conseil : attendez la fin de l'autre construction ou arrêtez-la, puis relancez « preau build » ; le verrou est « {} »",
                            out.display(),
                            wait.as_secs() / 60,
                            path.display()
                        );
                    }
                    if !told {
                        log::warn!(
                            "une autre construction de « {} » est en cours ({holder}) : celle-ci attend qu'elle se termine.",
                            out.display()
                        );
                        told = true;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
            }
        }
    }

    #[cfg(unix)]
    fn try_acquire(path: &Path) -> Result<Option<BuildLock>> {
        use std::io::Write;
        use std::os::unix::fs::MetadataExt;
        use std::os::unix::io::AsRawFd;
        loop {
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .with_context(|| format!("ouverture du verrou « {} »", path.display()))?;
            // SAFETY: flock on a file descriptor this function owns.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
                let err = std::io::Error::last_os_error();
                if err.kind() == std::io::ErrorKind::WouldBlock {
                    return Ok(None);
                }
                return Err(err).with_context(|| format!("verrou « {} »", path.display()));
            }
            // The build before removed the file between our open and our
            // lock: this lock is on a file nobody else sees. Start again.
            let same = match (file.metadata(), std::fs::metadata(path)) {
                (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
                _ => false,
            };
            if !same {
                continue;
            }
            file.set_len(0)
                .and_then(|_| file.write_all(holder_text().as_bytes()))
                .with_context(|| format!("écriture du verrou « {} »", path.display()))?;
            return Ok(Some(BuildLock {
                file: Some(file),
                path: path.to_path_buf(),
            }));
        }
    }

    /// Windows: a file opened without write sharing is locked until its
    /// handle closes, which the system does if the build dies.
    #[cfg(windows)]
    fn try_acquire(path: &Path) -> Result<Option<BuildLock>> {
        use std::io::Write;
        use std::os::windows::fs::OpenOptionsExt;
        const FILE_SHARE_READ: u32 = 1;
        const ERROR_SHARING_VIOLATION: i32 = 32;
        match std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .share_mode(FILE_SHARE_READ)
            .open(path)
        {
            Ok(mut file) => {
                file.set_len(0)
                    .and_then(|_| file.write_all(holder_text().as_bytes()))
                    .with_context(|| format!("écriture du verrou « {} »", path.display()))?;
                Ok(Some(BuildLock {
                    file: Some(file),
                    path: path.to_path_buf(),
                }))
            }
            Err(e) if e.raw_os_error() == Some(ERROR_SHARING_VIOLATION) => Ok(None),
            Err(e) => Err(e).with_context(|| format!("verrou « {} »", path.display())),
        }
    }

    /// Elsewhere: the file's existence is the lock.
    #[cfg(not(any(unix, windows)))]
    fn try_acquire(path: &Path) -> Result<Option<BuildLock>> {
        use std::io::Write;
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
        {
            Ok(mut file) => {
                file.write_all(holder_text().as_bytes())
                    .with_context(|| format!("écriture du verrou « {} »", path.display()))?;
                Ok(Some(BuildLock {
                    file: Some(file),
                    path: path.to_path_buf(),
                }))
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(None),
            Err(e) => Err(e).with_context(|| format!("verrou « {} »", path.display())),
        }
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        // Unix: the file is removed while still locked, then closing it
        // releases the lock (a build that opened it meanwhile sees it gone
        // and starts again). Elsewhere: closed, then removed (a build that
        // opened it meanwhile keeps it open, and the removal fails).
        #[cfg(unix)]
        let _ = std::fs::remove_file(&self.path);
        drop(self.file.take());
        #[cfg(not(unix))]
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The lock file of an output folder: `.public.preau-lock` beside it.
fn lock_path(out: &Path) -> PathBuf {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    parent.join(format!(".{name}.preau-lock"))
}

/// Who holds the lock, in French: « preau build, processus 1234, depuis 18:20:03 ».
fn holder_text() -> String {
    format!(
        "preau, processus {}, depuis {}\n",
        std::process::id(),
        chrono::Local::now().format("%H:%M:%S")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_build_waits_for_the_lock_then_takes_it() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = BuildLock::acquire(&out, LOCK_WAIT).unwrap();
        let holder = std::fs::read_to_string(lock_path(&out)).unwrap();
        assert!(holder.contains(&format!("processus {}", std::process::id())));
        // While held: refused after the wait, with a French message naming it.
        let refused = BuildLock::acquire(&out, std::time::Duration::from_millis(200))
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("une autre construction")
                && refused.contains(&format!("processus {}", std::process::id())),
            "{refused}"
        );
        let waiter = {
            let out = out.clone();
            std::thread::spawn(move || {
                let start = std::time::Instant::now();
                let lock = BuildLock::acquire(&out, LOCK_WAIT).unwrap();
                (start.elapsed(), lock)
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(400));
        drop(first);
        let (waited, _second) = waiter.join().unwrap();
        assert!(
            waited >= std::time::Duration::from_millis(350),
            "{waited:?}"
        );
    }
}
