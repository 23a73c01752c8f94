//! The record of the photos already read: for each source file, the size
//! and modification time it had and the cache key its bytes gave. A photo
//! whose size and time are the recorded ones is not opened again: its key
//! comes from the record, and its resized copies from the photo cache. So a
//! rebuild (a save in the preview) reads no unchanged photo, however many
//! the school has.
//!
//! The record is kept in `.preau/cache/photos.json` (never published) and,
//! by the preview, in memory from one rebuild to the next. Files are named
//! there by a hash of their path: the record names no photo of a class.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// The record's file, relative to the school folder.
pub const RECORD: &str = ".preau/cache/photos.json";

/// A file changed less than this long before it was read may change again
/// within the same tick of a coarse clock (FAT keeps two seconds) without
/// its time moving: it is read again next time rather than trusted.
const SETTLE: Duration = Duration::from_secs(2);

/// What identifies one version of a source file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    /// Size in bytes.
    size: u64,
    /// Modification time, nanoseconds since 1970.
    mtime_ns: u64,
}

impl Stamp {
    /// The stamp of `path`, `None` when it cannot be read from the file system.
    fn of(path: &Path) -> Option<(Stamp, SystemTime)> {
        let meta = std::fs::metadata(path).ok()?;
        let modified = meta.modified().ok()?;
        let mtime_ns = modified.duration_since(UNIX_EPOCH).ok()?.as_nanos() as u64;
        Some((
            Stamp {
                size: meta.len(),
                mtime_ns,
            },
            modified,
        ))
    }
}

/// One recorded photo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    /// The file as it was when it was read.
    stamp: Stamp,
    /// The processing settings the key was made for.
    settings: String,
    /// The cache key: SHA-256 of the bytes and the settings.
    key: String,
}

/// Source file (by [`path_key`]) → what it was when last read. Shared by
/// the threads that process photos; counts what they really read.
#[derive(Debug, Default)]
pub struct Record {
    entries: Mutex<BTreeMap<String, Entry>>,
    changed: Mutex<bool>,
    read: AtomicUsize,
    bytes_read: AtomicU64,
}

/// How the record names a source file: a hash of its path.
fn path_key(path: &Path) -> String {
    crate::hash::sha256_hex(path.as_os_str().as_encoded_bytes())
}

/// The cache key of a photo's bytes under some settings.
pub fn key_of(bytes: &[u8], settings: &str) -> String {
    crate::hash::sha256_hex(&[bytes, settings.as_bytes()].concat())
}

impl Record {
    /// The record of the school at `root` (empty when there is none yet or
    /// it cannot be read: everything is then read once more).
    pub fn load(root: &Path) -> Record {
        let entries = std::fs::read(root.join(RECORD))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Record {
            entries: Mutex::new(entries),
            ..Record::default()
        }
    }

    /// Writes the record back when it changed (best effort: a record that
    /// could not be written only costs a read next time).
    pub fn save(&self, root: &Path) {
        let mut changed = self.changed.lock().expect("record lock");
        if !*changed {
            return;
        }
        let path = root.join(RECORD);
        let bytes = serde_json::to_vec(&*self.entries.lock().expect("record lock"))
            .expect("record serializes");
        let tmp = path.with_extension(format!("json.tmp{}", std::process::id()));
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&tmp, &bytes))
            .and_then(|()| std::fs::rename(&tmp, &path));
        match written {
            Ok(()) => *changed = false,
            Err(e) => log::warn!(
                "registre des photos non enregistré ({}) : {e}",
                path.display()
            ),
        }
    }

    /// The cache key of `source` under `settings`. From the record when the
    /// file has the recorded size and time; else the file is read and
    /// hashed, and its bytes are returned too (to spare a second read).
    pub fn key(&self, source: &Path, settings: &str) -> Result<(String, Option<Vec<u8>>), String> {
        let stamp = Stamp::of(source);
        if let Some((stamp, _)) = stamp {
            let entries = self.entries.lock().expect("record lock");
            if let Some(entry) = entries.get(&path_key(source)) {
                if entry.stamp == stamp && entry.settings == settings {
                    return Ok((entry.key.clone(), None));
                }
            }
        }
        let before = SystemTime::now();
        let bytes = self.read(source)?;
        let key = key_of(&bytes, settings);
        match stamp {
            Some((stamp, modified))
                if stamp.size == bytes.len() as u64
                    && before
                        .duration_since(modified)
                        .is_ok_and(|age| age > SETTLE) =>
            {
                let entry = Entry {
                    stamp,
                    settings: settings.to_string(),
                    key: key.clone(),
                };
                let previous = self
                    .entries
                    .lock()
                    .expect("record lock")
                    .insert(path_key(source), entry.clone());
                if previous.as_ref() != Some(&entry) {
                    *self.changed.lock().expect("record lock") = true;
                }
            }
            _ => {}
        }
        Ok((key, Some(bytes)))
    }

    /// Reads a photo, counting it.
    pub fn read(&self, source: &Path) -> Result<Vec<u8>, String> {
        let bytes = std::fs::read(source).map_err(|e| format!("photo illisible : {e}"))?;
        self.read.fetch_add(1, Ordering::Relaxed);
        self.bytes_read
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(bytes)
    }

    /// Forgets the files that are no longer photos of the school: only
    /// those of `kept` stay.
    pub fn keep_only<'a>(&self, kept: impl IntoIterator<Item = &'a Path>) {
        let kept: std::collections::BTreeSet<String> = kept.into_iter().map(path_key).collect();
        let mut entries = self.entries.lock().expect("record lock");
        let before = entries.len();
        entries.retain(|key, _| kept.contains(key));
        if entries.len() != before {
            *self.changed.lock().expect("record lock") = true;
        }
    }

    /// Photo files read (and bytes) since the last call; resets the counts.
    pub fn take_reads(&self) -> (usize, u64) {
        (
            self.read.swap(0, Ordering::Relaxed),
            self.bytes_read.swap(0, Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn old_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(3600))
            .unwrap();
        path
    }

    #[test]
    fn an_unchanged_photo_is_not_read_again_even_after_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let photo = old_file(dir.path(), "a.jpg", b"not really a jpeg");
        let record = Record::load(dir.path());
        let (key, bytes) = record.key(&photo, "q85").unwrap();
        assert_eq!(key, key_of(b"not really a jpeg", "q85"));
        assert!(bytes.is_some());
        assert_eq!(record.take_reads(), (1, 17));
        let (again, bytes) = record.key(&photo, "q85").unwrap();
        assert_eq!((again.as_str(), bytes), (key.as_str(), None));
        assert_eq!(record.take_reads(), (0, 0));
        record.save(dir.path());
        let reloaded = Record::load(dir.path());
        assert_eq!(reloaded.key(&photo, "q85").unwrap().1, None);
        assert_eq!(
            reloaded.take_reads(),
            (0, 0),
            "the record survives a restart"
        );
    }

    #[test]
    fn a_changed_photo_or_setting_is_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let photo = old_file(dir.path(), "a.jpg", b"first");
        let record = Record::default();
        record.key(&photo, "q85").unwrap();
        assert!(
            record.key(&photo, "q90").unwrap().1.is_some(),
            "new settings"
        );
        old_file(dir.path(), "a.jpg", b"second, longer");
        let (key, bytes) = record.key(&photo, "q90").unwrap();
        assert!(bytes.is_some(), "new content");
        assert_eq!(key, key_of(b"second, longer", "q90"));
    }

    #[test]
    fn a_photo_written_just_now_is_not_trusted_yet() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("a.jpg");
        std::fs::write(&photo, b"fresh").unwrap();
        let record = Record::default();
        record.key(&photo, "q85").unwrap();
        assert!(
            record.key(&photo, "q85").unwrap().1.is_some(),
            "its time may not move on the next change"
        );
    }
}
