//! A submission (`soumission-vN.tar`): what the directeur sends to the IEN,
//! written by [`write()`] and read back, safely, by [`unpack`].
//!
//! A submission comes from outside the IEN's machine and is read before
//! anything in it is trusted, so the reader accepts only what [`write()`]
//! makes: regular files and folders under `site/`, plus `rapport.html` and
//! `resume.json`, each name plain (no `..`, no absolute path, no control
//! character) and given once. Links (symbolic or hard), devices, fifos,
//! PAX headers and sparse files are refused, sizes and counts are bounded,
//! and every file is created new (never written through an existing name
//! or a symbolic link). Any refusal names the entry and leaves the
//! destination empty.

use std::collections::BTreeSet;
use std::fmt;
use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tar::EntryType;

/// The folder of the site inside a submission.
pub const SITE: &str = "site";
/// The review report inside a submission.
pub const REPORT: &str = "rapport.html";
/// The review summary inside a submission.
pub const SUMMARY: &str = "resume.json";
/// The areas' content keys inside a submission (never in the site): the
/// IEN reads every sealed item with them.
pub const KEYS: &str = "cles.json";

/// Bounds on what a submission may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Entries in the archive (files and folders).
    pub max_entries: usize,
    /// Bytes of one file.
    pub max_file: u64,
    /// Bytes of all files together.
    pub max_total: u64,
}

impl Default for Limits {
    /// Far above a school's site (a year is about 30,000 files and
    /// 1.5 GB of photos), far below what would fill a disk.
    fn default() -> Self {
        Limits {
            max_entries: 200_000,
            max_file: 512 * 1024 * 1024,
            max_total: 8 * 1024 * 1024 * 1024,
        }
    }
}

/// Longest entry name accepted, in bytes.
const MAX_NAME: usize = 1024;

/// Why an entry of a submission is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("entrée « {entry} » refusée : {reason}")]
pub struct Refused {
    /// The entry's name, control characters escaped.
    pub entry: String,
    /// Why, in French.
    pub reason: Reason,
}

/// The kinds of refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// A symbolic link.
    Symlink,
    /// A hard link.
    HardLink,
    /// A character or block device.
    Device,
    /// A named pipe.
    Fifo,
    /// Any other entry type (PAX, sparse, contiguous…).
    OtherType(char),
    /// An absolute path.
    Absolute,
    /// A `..` component.
    Parent,
    /// An empty, `.`, over-long or non-UTF-8 name, or one with a control character or `\`.
    BadName,
    /// A name outside `site/`, `rapport.html` and `resume.json`.
    Unexpected,
    /// The same name twice.
    Duplicate,
    /// A file above the per-file limit.
    TooBig(u64),
    /// The files together above the total limit.
    TotalTooBig,
    /// More entries than the limit.
    TooMany,
    /// A file shorter than its declared size.
    Truncated,
    /// A path component that is not a folder this reader made.
    NotAFolder,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Symlink => write!(f, "c'est un lien symbolique (une soumission ne contient que des fichiers et des dossiers)"),
            Reason::HardLink => write!(f, "c'est un lien physique (une soumission ne contient que des fichiers et des dossiers)"),
            Reason::Device => write!(f, "c'est un fichier de périphérique"),
            Reason::Fifo => write!(f, "c'est un tube nommé (fifo)"),
            Reason::OtherType(t) => write!(f, "type d'entrée non pris en charge ({})", t.escape_debug()),
            Reason::Absolute => write!(f, "chemin absolu"),
            Reason::Parent => write!(f, "chemin qui remonte hors du dossier (« .. »)"),
            Reason::BadName => write!(f, "nom de fichier invalide (vide, trop long, « . », « \\ » ou caractère de contrôle)"),
            Reason::Unexpected => write!(f, "une soumission ne contient que « site/ », « {REPORT} », « {SUMMARY} » et « {KEYS} »"),
            Reason::Duplicate => write!(f, "cette entrée apparaît deux fois"),
            Reason::TooBig(size) => write!(f, "taille déclarée de {size} octets, au-delà de la limite d'un fichier"),
            Reason::TotalTooBig => write!(f, "la taille totale des fichiers dépasse la limite d'une soumission"),
            Reason::TooMany => write!(f, "la soumission contient trop d'entrées"),
            Reason::Truncated => write!(f, "le fichier est plus court que sa taille déclarée (archive tronquée)"),
            Reason::NotAFolder => write!(f, "un élément du chemin n'est pas un dossier de la soumission"),
        }
    }
}

/// What [`unpack`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unpacked {
    /// Files written, relative to the destination, `/`-separated.
    pub files: Vec<String>,
    /// Bytes written.
    pub bytes: u64,
}

/// Reads the submission `reader` into `dest`, an existing empty folder.
/// On any error (a [`Refused`] entry, an unreadable archive, a failed
/// write) every thing written into `dest` is removed again.
pub fn unpack(reader: impl Read, dest: &Path, limits: &Limits) -> Result<Unpacked> {
    let empty = std::fs::read_dir(dest)
        .with_context(|| format!("lecture du dossier « {} »", dest.display()))?
        .next()
        .is_none();
    anyhow::ensure!(
        empty,
        "le dossier « {} » n'est pas vide : la soumission n'y est pas ouverte",
        dest.display()
    );
    let result = unpack_into(reader, dest, limits);
    if result.is_err() {
        clear(dest);
    }
    result
}

/// Removes everything inside `dir` (never following a link).
fn clear(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => {
                    let _ = std::fs::remove_dir_all(&path);
                }
                _ => {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
    }
}

fn refuse(entry: &str, reason: Reason) -> anyhow::Error {
    Refused {
        entry: entry.to_string(),
        reason,
    }
    .into()
}

fn unpack_into(reader: impl Read, dest: &Path, limits: &Limits) -> Result<Unpacked> {
    let mut archive = tar::Archive::new(reader);
    // Raw: GNU long names are handled here, with a bound, and PAX headers
    // (which could override a name or a size) are refused.
    let entries = archive
        .entries()
        .context("la soumission n'est pas une archive tar lisible")?
        .raw(true);
    let mut seen = BTreeSet::new();
    let mut out = Unpacked::default();
    let mut count = 0usize;
    let mut long_name: Option<Vec<u8>> = None;
    for entry in entries {
        let mut entry = entry.context("la soumission n'est pas une archive tar lisible")?;
        count += 1;
        let kind = entry.header().entry_type();
        let raw_name = match long_name.take() {
            Some(name) => name,
            None => entry.header().path_bytes().into_owned(),
        };
        let shown = show(&raw_name);
        if count > limits.max_entries {
            return Err(refuse(&shown, Reason::TooMany));
        }
        let size = entry
            .header()
            .entry_size()
            .map_err(|_| refuse(&shown, Reason::BadName))?;
        if size > limits.max_file {
            return Err(refuse(&shown, Reason::TooBig(size)));
        }
        if out.bytes.saturating_add(size) > limits.max_total {
            return Err(refuse(&shown, Reason::TotalTooBig));
        }
        match kind {
            EntryType::GNULongName => {
                if size > MAX_NAME as u64 + 1 {
                    return Err(refuse(&shown, Reason::BadName));
                }
                let mut name = Vec::new();
                (&mut entry).take(size).read_to_end(&mut name)?;
                if name.last() == Some(&0) {
                    name.pop();
                }
                long_name = Some(name);
                continue;
            }
            EntryType::Regular | EntryType::Directory => {}
            EntryType::Symlink => return Err(refuse(&shown, Reason::Symlink)),
            EntryType::Link => return Err(refuse(&shown, Reason::HardLink)),
            EntryType::Char | EntryType::Block => return Err(refuse(&shown, Reason::Device)),
            EntryType::Fifo => return Err(refuse(&shown, Reason::Fifo)),
            other => return Err(refuse(&shown, Reason::OtherType(other.as_byte() as char))),
        }
        let is_dir = kind == EntryType::Directory;
        let name = checked_name(&raw_name, is_dir).map_err(|r| refuse(&shown, r))?;
        let allowed = name.starts_with(&format!("{SITE}/"))
            || if is_dir {
                name == SITE
            } else {
                name == REPORT || name == SUMMARY || name == KEYS
            };
        if !allowed {
            return Err(refuse(&shown, Reason::Unexpected));
        }
        if !seen.insert(name.clone()) {
            return Err(refuse(&shown, Reason::Duplicate));
        }
        if is_dir {
            make_dirs(dest, &name).map_err(|r| refuse(&shown, r))?;
            continue;
        }
        let path = match name.rsplit_once('/') {
            Some((parent, _)) => {
                make_dirs(dest, parent).map_err(|r| refuse(&shown, r))?;
                dest.join(&name)
            }
            None => dest.join(&name),
        };
        // create_new: never an existing name, never through a link.
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|_| refuse(&shown, Reason::Duplicate))?;
        let written = std::io::copy(&mut (&mut entry).take(size), &mut file)
            .with_context(|| format!("lecture de l'entrée « {shown} »"))?;
        if written != size {
            return Err(refuse(&shown, Reason::Truncated));
        }
        file.flush()?;
        out.bytes += size;
        out.files.push(name);
    }
    if let Some(name) = long_name {
        return Err(refuse(&show(&name), Reason::Truncated));
    }
    Ok(out)
}

/// The entry's name as shown in a message: lossy UTF-8, controls escaped.
fn show(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let text: String = text.chars().take(MAX_NAME).collect();
    text.escape_debug().to_string()
}

/// A plain relative name, `/`-separated, without a trailing slash.
fn checked_name(raw: &[u8], is_dir: bool) -> std::result::Result<String, Reason> {
    let text = std::str::from_utf8(raw).map_err(|_| Reason::BadName)?;
    if text.starts_with('/') {
        return Err(Reason::Absolute);
    }
    let text = if is_dir {
        text.strip_suffix('/').unwrap_or(text)
    } else {
        text
    };
    if text.is_empty() || text.len() > MAX_NAME || text.chars().any(|c| c.is_control() || c == '\\')
    {
        return Err(Reason::BadName);
    }
    for part in text.split('/') {
        match part {
            ".." => return Err(Reason::Parent),
            "" | "." => return Err(Reason::BadName),
            p if p.len() > 255 => return Err(Reason::BadName),
            _ => {}
        }
    }
    Ok(text.to_string())
}

/// Creates `rel` under `dest` one folder at a time, each a real folder
/// (never a link, never a file).
fn make_dirs(dest: &Path, rel: &str) -> std::result::Result<(), Reason> {
    let mut path = dest.to_path_buf();
    for part in rel.split('/') {
        path.push(part);
        match std::fs::create_dir(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(_) => return Err(Reason::NotAFolder),
        }
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_dir() => {}
            _ => return Err(Reason::NotAFolder),
        }
    }
    Ok(())
}

/// Writes a submission: the files of `site` that `files` lists (the
/// manifest's, then the manifest and the directeur's signature), the
/// report, the summary and the areas' content keys. Nothing else of the
/// build folder goes in.
pub fn write(
    site: &Path,
    files: impl IntoIterator<Item = String>,
    report: &str,
    summary: &[u8],
    keys: &[u8],
) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    {
        let mut tar = tar::Builder::new(&mut bytes);
        tar.mode(tar::HeaderMode::Deterministic);
        let mut dirs = BTreeSet::new();
        for rel in files {
            let mut parent = PathBuf::from(SITE);
            let folders = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or_default();
            for part in folders.split('/').filter(|p| !p.is_empty()) {
                parent.push(part);
                if dirs.insert(parent.clone()) {
                    let mut header = tar::Header::new_gnu();
                    header.set_entry_type(EntryType::Directory);
                    header.set_size(0);
                    header.set_mode(0o700);
                    tar.append_data(&mut header, &parent, std::io::empty())
                        .with_context(|| format!("archive de « {} »", parent.display()))?;
                }
            }
            let data = std::fs::read(site.join(&rel))
                .with_context(|| format!("lecture de « {} »", site.join(&rel).display()))?;
            append(&mut tar, &format!("{SITE}/{rel}"), &data)?;
        }
        append(&mut tar, REPORT, report.as_bytes())?;
        append(&mut tar, SUMMARY, summary)?;
        append(&mut tar, KEYS, keys)?;
        tar.finish()?;
    }
    Ok(bytes)
}

fn append(tar: &mut tar::Builder<&mut Vec<u8>>, name: &str, data: &[u8]) -> Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(data.len() as u64);
    header.set_mode(0o600);
    tar.append_data(&mut header, name, data)
        .with_context(|| format!("archive de « {name} »"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(kind: EntryType, name: &str, size: u64) -> tar::Header {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(kind);
        h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        h.set_size(size);
        h.set_mode(0o644);
        h.set_cksum();
        h
    }

    fn archive(entries: &[(tar::Header, &[u8])]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for (h, data) in entries {
            bytes.extend_from_slice(h.as_bytes());
            bytes.extend_from_slice(data);
            bytes.resize(bytes.len().div_ceil(512) * 512, 0);
        }
        bytes.resize(bytes.len() + 1024, 0);
        bytes
    }

    fn refused(bytes: &[u8], limits: &Limits) -> Refused {
        let dir = tempfile::tempdir().unwrap();
        let err = unpack(bytes, dir.path(), limits).unwrap_err();
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "partial files left"
        );
        err.downcast::<Refused>().expect("a refusal")
    }

    #[test]
    fn a_written_submission_reads_back() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("a/b")).unwrap();
        std::fs::write(site.path().join("a/b/c.html"), "c").unwrap();
        std::fs::write(site.path().join("index.html"), "i").unwrap();
        let long = format!("{}/page.html", "x".repeat(150));
        std::fs::create_dir_all(site.path().join("x".repeat(150))).unwrap();
        std::fs::write(site.path().join(&long), "long").unwrap();
        let bytes = write(
            site.path(),
            ["a/b/c.html".to_string(), "index.html".into(), long.clone()],
            "<p>r</p>",
            b"{}",
            b"{}",
        )
        .unwrap();
        let dest = tempfile::tempdir().unwrap();
        let got = unpack(&bytes[..], dest.path(), &Limits::default()).unwrap();
        assert_eq!(got.files.len(), 6, "{got:?}");
        assert_eq!(
            std::fs::read_to_string(dest.path().join("site").join(&long)).unwrap(),
            "long"
        );
    }

    #[test]
    fn sizes_and_counts_are_bounded() {
        let small = Limits {
            max_entries: 2,
            max_file: 10,
            max_total: 15,
        };
        let f = |n: &str, s| header(EntryType::Regular, n, s);
        let r = refused(&archive(&[(f("site/a", 11), &[0; 11])]), &small);
        assert_eq!(r.reason, Reason::TooBig(11));
        let r = refused(
            &archive(&[(f("site/a", 8), &[0; 8]), (f("site/b", 8), &[0; 8])]),
            &small,
        );
        assert_eq!(
            (r.entry.as_str(), r.reason),
            ("site/b", Reason::TotalTooBig)
        );
        let r = refused(
            &archive(&[
                (f("site/a", 0), &[]),
                (f("site/b", 0), &[]),
                (f("site/c", 0), &[]),
            ]),
            &small,
        );
        assert_eq!((r.entry.as_str(), r.reason), ("site/c", Reason::TooMany));
        // A declared size with no data behind it.
        let r = refused(
            &archive(&[(f("site/a", 5), &[])])[..512],
            &Limits::default(),
        );
        assert_eq!(r.reason, Reason::Truncated);
    }

    #[test]
    fn names_are_plain() {
        let f = |n: &str| archive(&[(header(EntryType::Regular, n, 0), &[])]);
        let l = Limits::default();
        assert_eq!(refused(&f("/etc/x"), &l).reason, Reason::Absolute);
        assert_eq!(refused(&f("site/../x"), &l).reason, Reason::Parent);
        assert_eq!(refused(&f("site/./x"), &l).reason, Reason::BadName);
        assert_eq!(refused(&f("site//x"), &l).reason, Reason::BadName);
        assert_eq!(refused(&f("site/a\nb"), &l).reason, Reason::BadName);
        assert_eq!(refused(&f("autre.txt"), &l).reason, Reason::Unexpected);
        assert_eq!(refused(&f("site"), &l).reason, Reason::Unexpected);
    }
}
