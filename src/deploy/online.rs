//! What is online, seen without trusting the web space: what each target
//! can tell of a file (hash, ETag, size and time), and whether that is the
//! file the approved manifest lists.

use anyhow::Result;
use std::collections::BTreeMap;

use super::journal::Recorded;
use super::{check_path, Plan, Target};
use crate::manifest::{sha256_hex, FileEntry, Manifest, MANIFEST};

/// What a target tells about a file online without trusting anything
/// written there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    /// Bytes.
    pub size: u64,
    /// SHA-256 of the bytes, when the target read them back.
    pub sha256: Option<String>,
    /// MD5 of the bytes, when the target gives it (an S3 ETag).
    pub md5: Option<String>,
    /// The modification time the server gives (FTP), to compare with the
    /// one the school recorded after sending.
    pub stamp: Option<String>,
}

impl Seen {
    /// What reading `bytes` back tells.
    pub fn of(bytes: &[u8]) -> Seen {
        Seen {
            size: bytes.len() as u64,
            sha256: Some(sha256_hex(bytes)),
            md5: None,
            stamp: None,
        }
    }
}

/// Every file of `paths` read back and hashed: the full check.
pub fn read_back<T: Target + ?Sized>(
    target: &mut T,
    paths: &[String],
) -> Result<BTreeMap<String, Seen>> {
    let mut seen = BTreeMap::new();
    for path in paths {
        if let Some(bytes) = target.read(path)? {
            seen.insert(path.clone(), Seen::of(&bytes));
        }
    }
    Ok(seen)
}

/// The manifest online, unsigned and so only a hint: for the version shown,
/// and the files of the previous version to remove. Unsafe paths in it are
/// left out and noted; an unreadable one is noted and ignored.
pub(super) fn read_online_manifest(
    target: &mut dyn Target,
    plan: &mut Plan,
) -> Result<Option<Manifest>> {
    let Some(bytes) = target.read(MANIFEST)? else {
        return Ok(None);
    };
    let mut manifest: Manifest = match serde_json::from_slice(&bytes) {
        Ok(m) => m,
        Err(e) => {
            plan.notes.push(format!(
                "le manifeste en ligne est illisible ({e}) : ignoré"
            ));
            return Ok(None);
        }
    };
    let unsafe_paths: Vec<String> = manifest
        .files
        .keys()
        .filter(|p| check_path(p).is_err())
        .cloned()
        .collect();
    for p in unsafe_paths {
        manifest.files.remove(&p);
        plan.notes.push(format!(
            "le manifeste en ligne nomme un chemin dangereux, ignoré : « {} »",
            p.escape_debug()
        ));
    }
    Ok(Some(manifest))
}

/// Whether what a target saw online is the file `entry`: by hash when the
/// target gave one, by MD5 (S3 ETag), else by size and what should be
/// online (`recorded`): another version when the record says so, else the
/// same when the server's time is the one recorded after sending (size
/// alone when no time was recorded).
pub(super) fn matches(
    seen: &Seen,
    entry: &FileEntry,
    recorded: Option<&Recorded>,
    md5: &mut dyn FnMut() -> Option<String>,
) -> bool {
    if seen.size != entry.size {
        return false;
    }
    if let Some(h) = &seen.sha256 {
        return *h == entry.sha256;
    }
    if let Some(m) = &seen.md5 {
        return md5().is_some_and(|local| local == *m);
    }
    match recorded {
        Some(r) if r.sha256 != entry.sha256 => false,
        Some(r) => match (&r.date, &seen.stamp) {
            (Some(then), Some(now)) => then == now,
            _ => true,
        },
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_times_are_compared_with_the_record() {
        let entry = FileEntry {
            size: 3,
            sha256: sha256_hex(b"abc"),
            scope: None,
        };
        let mut recorded = Recorded::of(&entry);
        recorded.date = Some("20261125120000".into());
        let seen = |size: u64, stamp: &str| Seen {
            size,
            stamp: Some(stamp.into()),
            ..Seen::default()
        };
        let none = &mut || None;
        assert!(matches(
            &seen(3, "20261125120000"),
            &entry,
            Some(&recorded),
            none
        ));
        assert!(!matches(
            &seen(3, "20261125130000"),
            &entry,
            Some(&recorded),
            none
        ));
        assert!(!matches(
            &seen(4, "20261125120000"),
            &entry,
            Some(&recorded),
            none
        ));
        let mut other = recorded.clone();
        other.sha256 = sha256_hex(b"abd");
        assert!(!matches(
            &seen(3, "20261125120000"),
            &entry,
            Some(&other),
            none
        ));
        assert!(matches(&Seen::of(b"abc"), &entry, None, none));
        assert!(!matches(&Seen::of(b"abd"), &entry, None, none));
        let etag = Seen {
            size: 3,
            md5: Some(format!("{:x}", md5::compute(b"abc"))),
            ..Seen::default()
        };
        assert!(matches(&etag, &entry, None, &mut || Some(format!(
            "{:x}",
            md5::compute(b"abc")
        ))));
        assert!(!matches(&etag, &entry, None, &mut || Some(format!(
            "{:x}",
            md5::compute(b"abd")
        ))));
    }
}
