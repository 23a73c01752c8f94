//! Publishing an approved site to where families read it: only approved,
//! unaltered, not older than what the school knows, and only what changed.
//!
//! The web space is not trusted. What is online is compared with the
//! approved manifest itself (never with the unsigned manifest read back):
//! by hash where the protocol gives one, else by size and the time the
//! school recorded, or by downloading everything (`full_check`). What was
//! altered online is put back and named. Every path is checked before it
//! is used on the target (no `..`, no absolute path, no backslash, no NUL),
//! and folder and SFTP targets refuse symbolic links, so nothing outside
//! the target's root is touched. Every byte sent is read once from the
//! site, hashed and compared with the manifest, then sent as read.
//!
//! The order protects the site online at every moment: files first (new
//! content-addressed names nothing points to yet), then the pages that point
//! to them, then the manifest and its signatures, and only then the removal
//! of files no longer used. What is about to be sent and removed is written
//! first in the school's record of the target ([`journal`]), so that a run
//! interrupted at any point is finished by the next one.
//!
//! Targets live behind [`Target`]: a folder (a mounted share, a local web
//! root), FTP with explicit TLS, SFTP, and S3-compatible storage.

pub mod commune;
pub mod folder;
pub mod ftp;
pub mod journal;
mod online;
pub mod open;
pub mod s3;
pub mod school;
mod sending;
pub mod sftp;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};

use crate::dates::Date;
use crate::manifest::policy::{self, Trust};
use crate::manifest::state::{Approved, State};
use crate::manifest::{keys, sha256_hex, signature_path, FileEntry, SignerRole, MANIFEST};
use journal::{Journal, Recorded};
use online::{matches, read_online_manifest};
pub use online::{read_back, Seen};
pub use sending::read_checked;
use sending::{referrers, test_stop};

/// How long a network step may hang before the deploy gives up (and can
/// be run again).
pub const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// A TCP connection with time limits on connecting, reading and writing.
pub fn connect(host: &str, port: u16) -> std::io::Result<std::net::TcpStream> {
    use std::net::ToSocketAddrs;
    let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "adresse introuvable");
    for addr in (host, port).to_socket_addrs()? {
        match std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(15)) {
            Ok(stream) => {
                stream.set_read_timeout(Some(TIMEOUT))?;
                stream.set_write_timeout(Some(TIMEOUT))?;
                return Ok(stream);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Refuses a path that could leave the target's root or mean something
/// else on another system: empty, absolute, `.` or `..` parts, empty parts,
/// backslashes, NUL or other control characters.
pub fn check_path(path: &str) -> Result<()> {
    let bad = path.is_empty()
        || path.starts_with('/')
        || path.contains('\\')
        || path.chars().any(|c| c.is_control())
        || path
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..");
    if bad {
        bail!("chemin refusé : « {} »", path.escape_debug());
    }
    Ok(())
}

/// Where a site is published.
pub trait Target {
    /// A file's bytes, `None` when it does not exist.
    fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>>;
    /// Writes a file (creating folders); replaces it whole or not at all.
    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<()>;
    /// Removes a file, and what an interrupted write of it left (no error
    /// when it is already gone).
    fn delete(&mut self, path: &str) -> Result<()>;
    /// A description for messages (« le dossier /var/www/ecole »).
    fn describe(&self) -> String;
    /// What names this target in the school's record (its address and
    /// folder); the description by default.
    fn key(&self) -> String {
        self.describe()
    }
    /// What is online for each of `paths` (absent files are left out).
    /// By default each file is read back and hashed.
    fn inventory(&mut self, paths: &[String]) -> Result<BTreeMap<String, Seen>> {
        read_back(self, paths)
    }
    /// Whether [`Target::inventory`] gives only sizes and times, so that
    /// the school must record the times after sending.
    fn stamped(&self) -> bool {
        false
    }
}

/// What a deploy does or would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Version online before, if any (as its unsigned manifest says).
    pub online: Option<u64>,
    /// Version deployed.
    pub version: u64,
    /// Files to upload, in order.
    pub upload: Vec<String>,
    /// Files to remove at the end.
    pub remove: Vec<String>,
    /// Bytes to upload.
    pub bytes: u64,
    /// Files found altered online (put back when they are still used).
    pub altered: Vec<String>,
    /// Things the deploy noticed and ignored (unsafe paths online…).
    pub notes: Vec<String>,
}

/// The options of a deploy.
pub struct Options<'a> {
    /// The approved site folder.
    pub site: &'a Path,
    /// The school folder, whose `.preau/` holds the last approved version
    /// and the record of each target.
    pub school: &'a Path,
    /// Who must have signed.
    pub trust: &'a Trust,
    /// The day the deploy considers "today" (expiry).
    pub today: Date,
    /// Only say what would change.
    pub dry_run: bool,
    /// Accept a version lower than the one online or recorded.
    pub allow_rollback: bool,
    /// Download and hash every file online instead of trusting sizes,
    /// times or ETags.
    pub full_check: bool,
}

/// Checks the site, compares it with what is online, and uploads.
pub fn deploy(
    opt: &Options<'_>,
    target: &mut dyn Target,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<Plan> {
    // 1. The site: approved, unaltered, not older than what is known.
    let verified = match policy::verify(opt.site, opt.trust, None, opt.today) {
        Ok(v) => v,
        Err(problems) => {
            let list: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
            bail!(
                "ce site ne peut pas être publié : rien n'a été envoyé.\n{}",
                list.join("\n")
            );
        }
    };
    let local = &verified.manifest;
    for path in local.files.keys() {
        check_path(path).context("le manifeste du site nomme un chemin dangereux")?;
    }
    // The manifest and its signatures, read once: what is sent is what passed.
    let mut last: Vec<(String, Vec<u8>)> = Vec::new();
    let manifest_bytes = std::fs::read(opt.site.join(MANIFEST))
        .with_context(|| format!("lecture de « {MANIFEST} »"))?;
    if sha256_hex(&manifest_bytes) != verified.manifest_sha256 {
        bail!("« {MANIFEST} » a changé pendant la publication : rien de lui n'a été envoyé\n  conseil : relancez la publication quand plus rien ne modifie le dossier du site");
    }
    last.push((MANIFEST.to_string(), manifest_bytes.clone()));
    for role in SignerRole::ALL {
        let path = signature_path(role);
        let Ok(bytes) = std::fs::read(opt.site.join(&path)) else {
            continue;
        };
        if let Some(key) = opt.trust.keys.get(&role) {
            let text = String::from_utf8_lossy(&bytes);
            if keys::verify(key, &manifest_bytes, &text).is_err()
                && opt.trust.required.contains(&role)
            {
                bail!("« {path} » a changé pendant la publication : rien de lui n'a été envoyé");
            }
        }
        last.push((path, bytes));
    }

    let mut plan = Plan {
        version: local.version,
        ..Plan::default()
    };
    let online_manifest = read_online_manifest(target, &mut plan)?;
    plan.online = online_manifest.as_ref().map(|m| m.version);
    if let Some(remote) = &online_manifest {
        if remote.version > local.version && !opt.allow_rollback {
            bail!(
                "retour en arrière refusé : la version {} est en ligne, ce site est la version {} ; rien n'a été envoyé.\n  conseil : publiez la dernière version approuvée ; pour revenir volontairement en arrière, ajoutez --forcer-retour-arriere",
                remote.version,
                local.version
            );
        }
    }
    let mut state = State::load(opt.school)?;
    let known = state.approved.as_ref().map(|a| a.version);
    if let Some(known) = known.filter(|k| local.version < *k && !opt.allow_rollback) {
        bail!(
            "retour en arrière refusé : l'école a déjà approuvé la version {known} (dossier .preau), ce site est la version {} ; rien n'a été envoyé.\n  conseil : publiez la dernière version approuvée ; pour revenir volontairement en arrière, ajoutez --forcer-retour-arriere",
            local.version
        );
    }
    // A rollback the user asked for is said, every time.
    let newer = plan.online.into_iter().chain(known).max();
    if let Some(newer) = newer.filter(|n| *n > local.version) {
        plan.notes.push(format!(
            "retour en arrière volontaire (--forcer-retour-arriere) : la version {} remplace la version {newer}",
            local.version
        ));
    }

    // 2. What is online, checked against the approved manifest.
    let key = target.key();
    let mut journal = Journal::load(opt.school, &key)?;
    let wanted: Vec<String> = local.files.keys().cloned().collect();
    let seen = if opt.full_check {
        read_back(target, &wanted)?
    } else {
        target.inventory(&wanted)?
    };
    let mut md5_cache: BTreeMap<String, String> = BTreeMap::new();
    let mut local_md5 = |path: &str| -> Option<String> {
        if let Some(m) = md5_cache.get(path) {
            return Some(m.clone());
        }
        let bytes = std::fs::read(opt.site.join(path)).ok()?;
        let m = format!("{:x}", md5::compute(&bytes));
        md5_cache.insert(path.to_string(), m.clone());
        Some(m)
    };
    let mut changed = Vec::new();
    for (path, entry) in &local.files {
        let Some(found) = seen.get(path) else {
            changed.push(path.clone());
            continue;
        };
        // What should be online: the school's record, else the hint of the
        // online manifest (a web space that gives only sizes and times
        // cannot tell two files of one size apart by itself).
        let expected = journal.online.get(path).cloned().or_else(|| {
            online_manifest
                .as_ref()
                .and_then(|m| m.files.get(path))
                .map(Recorded::of)
        });
        let same = matches(found, entry, expected.as_ref(), &mut || local_md5(path));
        // Altered: neither this version nor what should be online, and not
        // a file an interrupted run was sending.
        if let Some(expected) = expected.filter(|_| !same && !journal.sending.contains(path)) {
            let entry = FileEntry {
                size: expected.size,
                sha256: expected.sha256.clone(),
                scope: None,
            };
            let md5 = expected.md5.clone();
            if !matches(found, &entry, Some(&expected), &mut || md5.clone()) {
                plan.altered.push(path.clone());
            }
        }
        if !same {
            changed.push(path.clone());
        }
    }
    // Files first (pages' blobs and search pieces have new names: nothing
    // online points to them yet), then the files that name others (area
    // indexes, the areas' list, the public search index, the key ring),
    // then the pages, which point to all of them.
    let referrers = referrers(opt.site, local);
    let (pages, files): (Vec<String>, Vec<String>) =
        changed.into_iter().partition(|p| p.ends_with(".html"));
    let (named, files): (Vec<String>, Vec<String>) =
        files.into_iter().partition(|p| referrers.contains(p));
    plan.upload = files.into_iter().chain(named).chain(pages).collect();
    // The manifest and its signatures last, and only when they changed.
    for (path, bytes) in &last {
        if !plan.upload.is_empty() || target.read(path)?.as_deref() != Some(bytes.as_slice()) {
            plan.upload.push(path.clone());
        }
    }
    // Removals: what the previous version had, what an interrupted run
    // sent or had to remove, minus what this version keeps.
    let keep: BTreeSet<&str> = local
        .files
        .keys()
        .map(String::as_str)
        .chain(last.iter().map(|(p, _)| p.as_str()))
        .collect();
    let mut remove: BTreeSet<String> = BTreeSet::new();
    if let Some(m) = &online_manifest {
        remove.extend(m.files.keys().cloned());
    }
    remove.extend(journal.online.keys().cloned());
    remove.extend(journal.to_remove.iter().cloned());
    remove.extend(journal.sending.iter().cloned());
    // A role's signature this version does not carry (the IEN's, once a
    // teacher published a class alone; a teacher's, once the IEN approved
    // again) goes too: it signed a manifest that is no longer online.
    let unsigned: Vec<String> = SignerRole::ALL
        .iter()
        .map(|r| signature_path(*r))
        .filter(|p| !keep.contains(p.as_str()))
        .collect();
    remove.extend(target.inventory(&unsigned)?.into_keys());
    plan.remove = remove
        .into_iter()
        .filter(|p| !keep.contains(p.as_str()) && check_path(p).is_ok())
        .collect();
    plan.bytes = plan
        .upload
        .iter()
        .filter_map(|p| local.files.get(p).map(|e| e.size))
        .sum();
    if opt.dry_run {
        return Ok(plan);
    }

    // 3. The school records the version and what is about to happen first.
    if known.is_none_or(|k| local.version > k) {
        state.approved = Some(Approved {
            version: local.version,
            manifest_sha256: verified.manifest_sha256.clone(),
        });
        state.save(opt.school)?;
    }
    journal.sending = plan.upload.clone();
    journal.to_remove = plan.remove.clone();
    journal.save(opt.school, &key)?;

    // 4. Files, pages, the manifest, each read once and checked.
    let total = plan.upload.len();
    let mut sent: BTreeMap<String, Recorded> = BTreeMap::new();
    for (i, path) in plan.upload.iter().enumerate() {
        let (data, phase) = match local.files.get(path) {
            Some(entry) => {
                let data = read_checked(opt.site, path, entry)?;
                (
                    data,
                    if path.ends_with(".html") {
                        "pages"
                    } else {
                        "fichiers"
                    },
                )
            }
            None => {
                let data = last
                    .iter()
                    .find(|(p, _)| p == path)
                    .map(|(_, b)| b.clone())
                    .ok_or_else(|| anyhow!("« {path} » absent du site"))?;
                (data, "manifeste")
            }
        };
        target
            .write(path, &data)
            .with_context(|| format!("envoi de « {path} » vers {}", target.describe()))?;
        if let Some(entry) = local.files.get(path) {
            sent.insert(
                path.clone(),
                Recorded {
                    size: entry.size,
                    sha256: entry.sha256.clone(),
                    md5: Some(format!("{:x}", md5::compute(&data))),
                    date: None,
                },
            );
        }
        progress(i + 1, total, path);
        test_stop(phase, path);
    }

    // 5. Removals, once the new manifest is online.
    for path in &plan.remove {
        target
            .delete(path)
            .with_context(|| format!("suppression de « {path} » sur {}", target.describe()))?;
        test_stop("retraits", path);
    }
    // Read back what is online now.
    if target.read(MANIFEST)?.as_deref() != Some(manifest_bytes.as_slice()) {
        bail!(
            "le manifeste relu sur {} n'est pas celui envoyé : relancez la publication",
            target.describe()
        );
    }

    // 6. The record of what is online, with the server's times if it has no hashes.
    let mut online: BTreeMap<String, Recorded> = BTreeMap::new();
    for (path, entry) in &local.files {
        let r = sent
            .remove(path)
            .or_else(|| {
                journal
                    .online
                    .get(path)
                    .filter(|r| r.sha256 == entry.sha256)
                    .cloned()
            })
            .unwrap_or_else(|| Recorded::of(entry));
        online.insert(path.clone(), r);
    }
    if target.stamped() {
        let now = target.inventory(&wanted)?;
        for (path, r) in online.iter_mut() {
            let fresh = now.get(path).filter(|s| s.size == r.size);
            r.date = fresh.and_then(|s| s.stamp.clone());
        }
    }
    journal.online = online;
    journal.version = Some(local.version);
    journal.sending.clear();
    journal.to_remove.clear();
    journal.save(opt.school, &key)?;
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_root_are_refused() {
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a\\..\\x",
            "a\0b",
            "",
            "a//b",
            "./a",
            "a/.",
            "..",
        ] {
            assert!(check_path(bad).is_err(), "{bad:?}");
        }
        for good in ["index.html", "acces/ab/cd.bin", "classes/cm1/index.html"] {
            assert!(check_path(good).is_ok(), "{good}");
        }
    }
}
