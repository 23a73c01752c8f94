//! Publishing an approved site to where families read it: only approved,
//! unaltered, not older than what is online, and only what changed.
//!
//! The order protects the site online at every moment: new files first
//! (nothing points to them yet), then the pages that point to them, then
//! the manifest and its signatures, and only then the removal of files no
//! longer used. An interrupted deploy leaves the previous manifest online;
//! running it again finishes the job.
//!
//! Targets live behind [`Target`]: a folder (a mounted share, a local web
//! root), FTP with explicit TLS, SFTP, and S3-compatible storage.

pub mod folder;
pub mod ftp;
pub mod s3;
pub mod sftp;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::dates::Date;
use crate::manifest::policy::{self, Trust};
use crate::manifest::{signature_path, Manifest, Role, MANIFEST};

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

/// Where a site is published.
pub trait Target {
    /// A file's bytes, `None` when it does not exist.
    fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>>;
    /// Writes a file (creating folders); replaces it whole or not at all.
    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<()>;
    /// Removes a file (no error when it is already gone).
    fn delete(&mut self, path: &str) -> Result<()>;
    /// A description for messages (« le dossier /var/www/ecole »).
    fn describe(&self) -> String;
}

/// What a deploy does or would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Version online before, if any.
    pub online: Option<u64>,
    /// Version deployed.
    pub version: u64,
    /// Files to upload, in order.
    pub upload: Vec<String>,
    /// Files to remove at the end.
    pub remove: Vec<String>,
    /// Bytes to upload.
    pub bytes: u64,
}

/// The options of a deploy.
pub struct Options<'a> {
    /// The approved site folder.
    pub site: &'a Path,
    /// Who must have signed.
    pub trust: &'a Trust,
    /// The day the deploy considers "today" (expiry).
    pub today: Date,
    /// Only say what would change.
    pub dry_run: bool,
    /// Accept a version lower than the one online.
    pub allow_rollback: bool,
}

/// Checks the site, compares it with what is online, and uploads.
pub fn deploy(
    opt: &Options<'_>,
    target: &mut dyn Target,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<Plan> {
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
    let local = verified.manifest;
    let online: Option<Manifest> = match target.read(MANIFEST)? {
        Some(bytes) => {
            Some(serde_json::from_slice(&bytes).context("le manifeste en ligne est illisible")?)
        }
        None => None,
    };
    if let Some(remote) = &online {
        if remote.version > local.version && !opt.allow_rollback {
            bail!(
                "retour en arrière refusé : la version {} est en ligne, ce site est la version {} ; rien n'a été envoyé.\n  conseil : publiez la dernière version approuvée ; pour revenir volontairement en arrière, ajoutez --forcer-retour-arriere",
                remote.version,
                local.version
            );
        }
    }
    let before: BTreeMap<String, String> = online
        .as_ref()
        .map(|m| {
            m.fichiers
                .iter()
                .map(|(p, e)| (p.clone(), e.sha256.clone()))
                .collect()
        })
        .unwrap_or_default();
    let changed: Vec<String> = local
        .fichiers
        .iter()
        .filter(|(p, e)| before.get(*p) != Some(&e.sha256))
        .map(|(p, _)| p.clone())
        .collect();
    // New names first, pages that point to them next.
    let (pages, files): (Vec<String>, Vec<String>) =
        changed.into_iter().partition(|p| p.ends_with(".html"));
    let mut upload: Vec<String> = files.into_iter().chain(pages).collect();
    // The manifest and its signatures last, and only when they changed.
    let mut last = vec![MANIFEST.to_string()];
    last.extend(
        Role::ALL
            .into_iter()
            .map(signature_path)
            .filter(|p| opt.site.join(p).exists()),
    );
    for path in last {
        let here = std::fs::read(opt.site.join(&path))
            .with_context(|| format!("lecture de « {path} »"))?;
        if !upload.is_empty() || target.read(&path)?.as_deref() != Some(here.as_slice()) {
            upload.push(path);
        }
    }
    let remove: Vec<String> = before
        .keys()
        .filter(|p| !local.fichiers.contains_key(*p))
        .cloned()
        .collect();
    let bytes = upload
        .iter()
        .filter_map(|p| local.fichiers.get(p).map(|e| e.taille))
        .sum();
    let plan = Plan {
        online: online.as_ref().map(|m| m.version),
        version: local.version,
        upload,
        remove,
        bytes,
    };
    if opt.dry_run {
        return Ok(plan);
    }
    let total = plan.upload.len();
    for (i, path) in plan.upload.iter().enumerate() {
        let data =
            std::fs::read(opt.site.join(path)).with_context(|| format!("lecture de « {path} »"))?;
        target
            .write(path, &data)
            .with_context(|| format!("envoi de « {path} » vers {}", target.describe()))?;
        progress(i + 1, total, path);
    }
    for path in &plan.remove {
        target
            .delete(path)
            .with_context(|| format!("suppression de « {path} » sur {}", target.describe()))?;
    }
    // Read back what is online now.
    let sent = std::fs::read(opt.site.join(MANIFEST))?;
    if target.read(MANIFEST)?.as_deref() != Some(sent.as_slice()) {
        bail!(
            "le manifeste relu sur {} n'est pas celui envoyé : relancez la publication",
            target.describe()
        );
    }
    Ok(plan)
}
