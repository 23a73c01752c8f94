//! What a build leaves for the next one, in `.preau/cache/construction`:
//! the fingerprint and disk stamp of every file it published, the sealed
//! blobs by the plaintext they were sealed from, and each page's and
//! area search index's data fingerprint (the render step's
//! [`RenderCache`]). A `preau build` after one post changed then renders,
//! seals and writes only what that post touches; every other file is
//! hard-linked from the output being replaced, which the record vouches
//! for: same size, modification and change times and inode as when it was
//! written (a file changed in `public/` since then is made again). The
//! result is byte for byte a full build's (`tests/it/incremental.rs`).
//!
//! The record is trusted only by the program that wrote it (the program's
//! own size and modification time are part of it) and for the output
//! folder it describes; anything else starts from nothing. A record that
//! cannot be read is a cache miss, never an error. It names no restricted
//! page and holds none of their text (`access::the_build_cache_holds_no_canary`).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::output::cache::{
    disk_stamp, hasher, still_on_disk, FileRecord, Reader, SealRecord, Writer,
};
use crate::render::RenderCache;

/// Where the record lives, inside the school's private folder.
pub const CACHE_FILE: &str = ".preau/cache/construction";

/// Bumped when the layout of the record changes.
const FORMAT: u64 = 1;

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

/// The folder as an absolute path (the record names the folder it describes).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
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
    w.into_bytes()
}

fn decode(bytes: &[u8], out: &Path) -> Option<BuildCache> {
    let mut r = Reader::new(bytes);
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
    r.at_end().then_some(cache)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::cache::SealRecord;

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
