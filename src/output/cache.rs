//! What a build leaves for the next one, in `.preau/cache/construction`:
//! the fingerprint and disk stamp of every file it published, the sealed
//! blobs by the plaintext they were sealed from, and the rendered pages and
//! search indexes by the fingerprint of their data (the render step's own
//! [`RenderCache`]). A `preau build` after one post changed then renders,
//! seals and writes only what that post touches; every other file is
//! hard-linked from the output being replaced, which the record vouches
//! for: same size, modification and change times and inode as when it was
//! written (a file changed in `public/` since then is made again). The result is
//! byte for byte a full build's (`tests/it/incremental.rs`).
//!
//! The record is trusted only by the program that wrote it (the program's
//! own size and modification time are part of it) and for the output
//! folder it describes; anything else starts from nothing. A record that
//! cannot be read is a cache miss, never an error.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::render::RenderCache;

/// Where the record lives, inside the school's private folder.
pub const CACHE_FILE: &str = ".preau/cache/construction";

/// Bumped when the layout of the record changes.
const FORMAT: u64 = 1;

/// A published file as the previous build left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileRecord {
    /// Fingerprint of what it was made from: its bytes when generated, the
    /// stamp of its source when copied (see [`content_print`]).
    pub content: u64,
    /// Size, modification time and inode on disk, as written.
    pub disk: u64,
}

/// A sealed blob: where it went and which file it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealRecord {
    /// Its site path (content-named blobs depend on the ciphertext).
    pub blob: String,
    /// Its [`FileRecord::content`].
    pub content: u64,
    /// Its size in bytes.
    pub size: u64,
}

/// Everything a build keeps for the next.
#[derive(Default)]
pub struct BuildCache {
    /// The output folder the file records describe.
    out: PathBuf,
    /// Each published file of the previous build whose disk stamp still
    /// matches (site path → record).
    pub files: HashMap<String, FileRecord>,
    /// Sealed blobs by [`seal_key`].
    pub seals: HashMap<u64, SealRecord>,
    /// Rendered pages and search indexes by the fingerprint of their data.
    pub render: RenderCache,
}

impl BuildCache {
    /// The record left in the school at `root` for the output `out`, with
    /// every file that changed on disk since left out; empty when there is
    /// none, when another program wrote it, or when it cannot be read.
    pub fn load(root: &Path, out: &Path) -> BuildCache {
        let out = absolute(out);
        let empty = || BuildCache {
            out: out.clone(),
            render: RenderCache::for_build(),
            ..BuildCache::default()
        };
        let Ok(bytes) = std::fs::read(root.join(CACHE_FILE)) else {
            return empty();
        };
        match decode(&bytes, &out) {
            Some(mut cache) => {
                cache.keep_intact_files();
                cache
            }
            None => {
                log::info!("cache de construction ignoré : d'un autre programme ou illisible");
                empty()
            }
        }
    }

    /// Leaves out every file record whose file on disk is not exactly the
    /// one written (changed, replaced, removed), and the seals that point
    /// to such a file.
    fn keep_intact_files(&mut self) {
        let out = &self.out;
        let intact: HashMap<String, FileRecord> = std::mem::take(&mut self.files)
            .into_par_iter()
            .filter(|(path, record)| still_on_disk(&out.join(path), record))
            .collect();
        self.files = intact;
        let files = &self.files;
        self.seals.retain(|_, seal| {
            files
                .get(&seal.blob)
                .is_some_and(|f| f.content == seal.content)
        });
    }

    /// Writes the record for the next build (best effort: a cache that
    /// cannot be written only makes the next build longer).
    pub fn save(&self, root: &Path) {
        let path = root.join(CACHE_FILE);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                let tmp = path.with_extension("tmp");
                std::fs::write(&tmp, encode(self))?;
                std::fs::rename(&tmp, &path)
            });
        if let Err(e) = written {
            log::warn!(
                "cache de construction non enregistré ({}) : {e}",
                path.display()
            );
        }
    }

    /// Records the files just written into `out` (site path → content
    /// fingerprint), with their stamps on disk.
    pub fn record_output(&mut self, out: &Path, written: HashMap<String, u64>) {
        self.out = absolute(out);
        let dir = &self.out;
        self.files = written
            .into_par_iter()
            .filter_map(|(path, content)| {
                let meta = std::fs::symlink_metadata(dir.join(&path)).ok()?;
                let disk = disk_stamp(&meta);
                Some((path, FileRecord { content, disk }))
            })
            .collect();
    }
}

/// True when the file at `path` is still the one `record` describes.
pub fn still_on_disk(path: &Path, record: &FileRecord) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && disk_stamp(&m) == record.disk)
}

/// The folder as an absolute path (the record names the folder it describes).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Fingerprint of generated bytes.
pub fn bytes_print(bytes: &[u8]) -> u64 {
    let mut h = hasher();
    bytes.hash(&mut h);
    h.finish()
}

/// Fingerprint of a file copied from the school folder: its path, size,
/// modification time and inode (read once, not its bytes).
pub fn source_print(source: &Path) -> Option<u64> {
    let meta = std::fs::metadata(source).ok()?;
    let mut h = hasher();
    source.hash(&mut h);
    disk_stamp(&meta).hash(&mut h);
    Some(h.finish())
}

/// The key of a sealed blob: everything its bytes are a function of (the
/// item id, whether it is compressed, the plaintext, and the area's keys,
/// by their fingerprint).
pub fn seal_key(id: &str, compress: bool, plaintext: &[u8], keys: &[&[u8]]) -> u64 {
    let mut h = hasher();
    (id, compress, plaintext).hash(&mut h);
    keys.hash(&mut h);
    h.finish()
}

/// The hasher of every fingerprint here. SipHash with fixed keys: stable
/// for one program, which is all the record needs (it names its program).
fn hasher() -> std::collections::hash_map::DefaultHasher {
    std::collections::hash_map::DefaultHasher::new()
}

/// Size, modification time and, on Unix, inode and change time of a
/// file. The change time cannot be set back by anyone: a file rewritten in
/// place with its old size and modification time restored is still seen.
fn disk_stamp(meta: &std::fs::Metadata) -> u64 {
    let mut h = hasher();
    meta.len().hash(&mut h);
    meta.modified().ok().hash(&mut h);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.ino(), meta.ctime(), meta.ctime_nsec()).hash(&mut h);
    }
    h.finish()
}

/// What only this very program would have written: the format, and the
/// program's size and modification time (a new build of `preau` renders
/// differently, and its fingerprints may differ).
fn program_stamp() -> u64 {
    let mut h = hasher();
    FORMAT.hash(&mut h);
    env!("CARGO_PKG_VERSION").hash(&mut h);
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| (m.len(), m.modified().ok()))
        .ok()
        .hash(&mut h);
    h.finish()
}

fn encode(cache: &BuildCache) -> Vec<u8> {
    let mut w = Writer::default();
    w.u64(program_stamp());
    w.str(&cache.out.to_string_lossy());
    w.u64(cache.files.len() as u64);
    for (path, f) in &cache.files {
        w.str(path);
        w.u64(f.content);
        w.u64(f.disk);
    }
    w.u64(cache.seals.len() as u64);
    for (key, s) in &cache.seals {
        w.u64(*key);
        w.str(&s.blob);
        w.u64(s.content);
        w.u64(s.size);
    }
    cache.render.encode(&mut w);
    w.0
}

fn decode(bytes: &[u8], out: &Path) -> Option<BuildCache> {
    let mut r = Reader { buf: bytes, pos: 0 };
    if r.u64()? != program_stamp() || Path::new(r.str()?) != out {
        return None;
    }
    let mut cache = BuildCache {
        out: out.to_path_buf(),
        ..BuildCache::default()
    };
    // Read last: the render step's part.
    for _ in 0..r.u64()? {
        let path = r.str()?.to_string();
        let (content, disk) = (r.u64()?, r.u64()?);
        cache.files.insert(path, FileRecord { content, disk });
    }
    for _ in 0..r.u64()? {
        let key = r.u64()?;
        let blob = r.str()?.to_string();
        let (content, size) = (r.u64()?, r.u64()?);
        cache.seals.insert(
            key,
            SealRecord {
                blob,
                content,
                size,
            },
        );
    }
    cache.render = RenderCache::decode(&mut r)?;
    (r.pos == bytes.len()).then_some(cache)
}

/// Writes numbers and length-prefixed bytes.
#[derive(Default)]
pub struct Writer(Vec<u8>);

impl Writer {
    /// A number, little-endian.
    pub fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    /// Bytes, after their length.
    pub fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.0.extend_from_slice(b);
    }

    /// A string, as its UTF-8 bytes.
    pub fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
}

/// Reads what a [`Writer`] wrote; `None` at the end or on bad data.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A number.
    pub fn u64(&mut self) -> Option<u64> {
        let b = self.buf.get(self.pos..self.pos.checked_add(8)?)?;
        self.pos += 8;
        Some(u64::from_le_bytes(b.try_into().ok()?))
    }

    /// Length-prefixed bytes.
    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.u64()?).ok()?;
        let b = self.buf.get(self.pos..self.pos.checked_add(len)?)?;
        self.pos += len;
        Some(b)
    }

    /// A string.
    pub fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codec_reads_back_what_it_wrote_and_refuses_a_truncated_record() {
        let mut w = Writer::default();
        w.u64(7);
        w.str("été");
        w.bytes(&[0, 1, 2]);
        let mut r = Reader { buf: &w.0, pos: 0 };
        assert_eq!(r.u64(), Some(7));
        assert_eq!(r.str(), Some("été"));
        assert_eq!(r.bytes(), Some(&[0u8, 1, 2][..]));
        assert_eq!(r.u64(), None);
        let cut = &w.0[..w.0.len() - 1];
        let mut r = Reader { buf: cut, pos: 0 };
        assert_eq!((r.u64(), r.str()), (Some(7), Some("été")));
        assert_eq!(r.bytes(), None);
        // A length larger than the data is refused, not allocated.
        let mut w = Writer::default();
        w.u64(u64::MAX);
        assert_eq!(Reader { buf: &w.0, pos: 0 }.bytes(), None);
    }

    #[test]
    fn a_record_from_another_folder_or_program_is_ignored() {
        let tmp = tempfile::tempdir().unwrap();
        let (root, out) = (tmp.path().join("ecole"), tmp.path().join("public"));
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("a.html"), "a").unwrap();
        let mut cache = BuildCache::load(&root, &out);
        cache.record_output(&out, HashMap::from([("a.html".to_string(), 1)]));
        cache.save(&root);
        assert_eq!(BuildCache::load(&root, &out).files.len(), 1);
        assert!(BuildCache::load(&root, &tmp.path().join("autre"))
            .files
            .is_empty());
        // Another program's record (here: a changed stamp) starts from nothing.
        let mut bytes = std::fs::read(root.join(CACHE_FILE)).unwrap();
        bytes[0] ^= 1;
        std::fs::write(root.join(CACHE_FILE), &bytes).unwrap();
        assert!(BuildCache::load(&root, &out).files.is_empty());
    }

    #[test]
    fn a_file_changed_in_the_output_leaves_the_record() {
        let tmp = tempfile::tempdir().unwrap();
        let (root, out) = (tmp.path().join("ecole"), tmp.path().join("public"));
        std::fs::create_dir_all(&out).unwrap();
        for name in ["a.html", "b.html", "c.html"] {
            std::fs::write(out.join(name), name).unwrap();
        }
        let mut cache = BuildCache::default();
        cache.record_output(
            &out,
            HashMap::from([
                ("a.html".into(), 1),
                ("b.html".into(), 2),
                ("c.html".into(), 3),
            ]),
        );
        cache.seals.insert(
            9,
            SealRecord {
                blob: "b.html".into(),
                content: 2,
                size: 6,
            },
        );
        cache.save(&root);
        // Same size, new bytes and time: the stamp tells.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(out.join("b.html"), "B.html").unwrap();
        std::fs::remove_file(out.join("c.html")).unwrap();
        let cache = BuildCache::load(&root, &out);
        assert_eq!(cache.files.keys().collect::<Vec<_>>(), ["a.html"]);
        assert!(cache.seals.is_empty(), "a seal pointing to a changed file");
    }
}
