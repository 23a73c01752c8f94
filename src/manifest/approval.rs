//! The IEN's side of a submission: open it safely (see [`submission`]),
//! check the directeur's signature and every file, then sign the approval
//! or a refusal. Every file written is new: nothing is replaced, nothing is
//! written through a link.
//!
//! [`submission`]: super::submission

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use minisign::SecretKey;

use super::comment::Comment;
use super::policy::{self, Problem, Trust, Verified};
use super::report::Summary;
use super::submission::{self, Limits};
use super::{keys, signature_path, write_new, SignerRole, MANIFEST};
use crate::dates::Date;

/// A submission opened and checked, waiting for the IEN's decision.
pub struct Review {
    /// Removed with the review.
    _work: tempfile::TempDir,
    /// The submitted site, unpacked.
    pub site: PathBuf,
    /// Its manifest, checked against the directeur's signature.
    pub verified: Verified,
    /// What changed since the last approved version.
    pub summary: Summary,
    /// The report, rendered from what the keys opened.
    report: String,
}

/// What opening a submission gave.
pub enum Opened {
    /// Readable and signed by the directeur: ready for a decision.
    Ready(Box<Review>),
    /// Readable, but the site does not hold.
    Refused(Vec<Problem>),
}

/// Unpacks `path` next to it (in a private temporary folder that is
/// removed whatever happens) and checks the site against the directeur's
/// key of `trust`. An entry the safe reader refuses is an `Err` naming it.
pub fn open(path: &Path, trust: &Trust, today: Date) -> Result<Opened> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let work = tempfile::Builder::new()
        .prefix(".preau-relecture-")
        .tempdir_in(parent)
        .with_context(|| {
            format!(
                "création d'un dossier de relecture dans « {} »",
                parent.display()
            )
        })?;
    let file = std::fs::File::open(path)
        .with_context(|| format!("la soumission « {} » est introuvable", path.display()))?;
    submission::unpack(
        std::io::BufReader::new(file),
        work.path(),
        &Limits::default(),
    )
    .with_context(|| {
        format!(
            "« {} » n'est pas une soumission acceptable : rien n'a été approuvé ni écrit\n  conseil : ne l'ouvrez pas autrement ; demandez au directeur ou à la directrice une nouvelle soumission faite par « preau submit »",
            path.display()
        )
    })?;
    let site = work.path().join(submission::SITE);
    // The IEN's signature is written by approve, never brought by the submission.
    let ien = signature_path(SignerRole::Ien);
    if std::fs::symlink_metadata(site.join(&ien)).is_ok() {
        return Ok(Opened::Refused(vec![Problem::Extra(ien)]));
    }
    let verified = match policy::verify_submission(&site, trust, today) {
        Ok(v) => v,
        Err(problems) => return Ok(Opened::Refused(problems)),
    };
    let report = match read_sealed(work.path(), &site, &verified.manifest, parent) {
        Ok(report) => report,
        Err(problems) => return Ok(Opened::Refused(problems)),
    };
    let summary = std::fs::read(work.path().join(submission::SUMMARY))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    Ok(Opened::Ready(Box::new(Review {
        _work: work,
        site,
        verified,
        summary,
        report,
    })))
}

/// Reads every sealed item with the submission's keys and renders the
/// report from what was read; refuses a submission whose keys are
/// missing, whose items do not open under their ids or are left unread,
/// whose site holds a key, or whose report is not the one rendered here.
fn read_sealed(
    work: &Path,
    site: &Path,
    manifest: &super::Manifest,
    beside: &Path,
) -> Result<String, Vec<Problem>> {
    let sealed = |why: String| vec![Problem::Sealed(why)];
    let bytes = std::fs::read(work.join(submission::KEYS)).map_err(|_| {
        sealed(format!("la soumission ne contient pas les clés des espaces (« {} ») : l'IEN ne pourrait pas lire ce qu'il signe ; demandez une soumission faite par « preau submit »", submission::KEYS))
    })?;
    let keys = super::sealed::parse_keys(&bytes).map_err(sealed)?;
    let opened = super::sealed::open_all(site, manifest, &keys)
        .map_err(|list| list.into_iter().map(Problem::Sealed).collect::<Vec<_>>())?;
    let mut found = Vec::new();
    let needles: Vec<(String, Vec<u8>)> = keys
        .iter()
        .flat_map(|(area, k)| {
            use base64::Engine;
            let b64 = base64::engine::general_purpose::STANDARD.encode(k.content);
            [
                (area.clone(), k.content.to_vec()),
                (area.clone(), b64.into_bytes()),
            ]
        })
        .collect();
    for path in manifest.files.keys() {
        let Ok(data) = std::fs::read(site.join(path)) else {
            continue;
        };
        for (area, needle) in &needles {
            if memchr::memmem::find(&data, needle).is_some() {
                found.push(Problem::Sealed(format!("la clé de l'espace « {area} » se trouve en clair dans « {path} » : le site ne doit jamais contenir de clé")));
            }
        }
    }
    if !found.is_empty() {
        return Err(found);
    }
    let report = super::review::render(site, manifest, &opened, None);
    if let Ok(given) = std::fs::read(work.join(submission::REPORT)) {
        if given != report.as_bytes() {
            return Err(sealed(format!(
                "le rapport « {} » de la soumission n'est pas celui que Préau rend du site scellé : il a été modifié ; la soumission est refusée",
                submission::REPORT
            )));
        }
    }
    // What changed since the last approved version, when the IEN kept it
    // beside the submission (approuve-vN), read with the same keys.
    let Some((previous, pmanifest)) = previous_approved(beside, manifest) else {
        return Ok(report);
    };
    let (popened, _) = super::sealed::open_lenient(&previous, &pmanifest, &keys);
    Ok(super::review::render(
        site,
        manifest,
        &opened,
        Some((pmanifest.version, &previous, &pmanifest, &popened)),
    ))
}

/// The folder `approuve-vN` beside the submission whose manifest is the
/// one `manifest` names as the previously approved, else the latest
/// earlier one the IEN approved there.
fn previous_approved(
    beside: &Path,
    manifest: &super::Manifest,
) -> Option<(PathBuf, super::Manifest)> {
    let wanted = manifest.previous_approved.as_deref();
    let mut latest: Option<(PathBuf, super::Manifest)> = None;
    for entry in std::fs::read_dir(beside).ok()?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("approuve-v") {
            continue;
        }
        let dir = entry.path();
        if let Ok((m, bytes)) = super::Manifest::read(&dir) {
            if Some(super::sha256_hex(&bytes).as_str()) == wanted {
                return Some((dir, m));
            }
            if m.version < manifest.version
                && dir.join(signature_path(SignerRole::Ien)).is_file()
                && latest.as_ref().is_none_or(|(_, l)| l.version < m.version)
            {
                latest = Some((dir, m));
            }
        }
    }
    latest
}

/// The trusted comment of the IEN's approval.
pub fn approval_comment(version: u64, uai: &str, day: Date) -> Result<String> {
    Ok(Comment::new()
        .number("version", version)
        .word("role", "ien")
        .date("approuve_le", day)
        .uai(uai)?
        .finish())
}

/// Where [`Review::approve`] put things.
pub struct Approved {
    /// The approved site, ready to publish.
    pub site: PathBuf,
    /// The signature alone.
    pub signature: PathBuf,
    /// The signature's text.
    pub signature_text: String,
}

impl Review {
    /// The review report's bytes (HTML, never published), rendered here
    /// from the sealed site.
    pub fn report(&self) -> Result<Vec<u8>> {
        Ok(self.report.clone().into_bytes())
    }

    /// Signs the manifest as the IEN on `day`, moves the site to
    /// `dir/approuve-TAG` and writes `dir/approbation-TAG.minisig`.
    pub fn approve(self, secret: &SecretKey, day: Date, dir: &Path, tag: &str) -> Result<Approved> {
        let m = &self.verified.manifest;
        let comment = approval_comment(m.version, &m.uai, day)?;
        let bytes = std::fs::read(self.site.join(MANIFEST))?;
        let signature = keys::sign(secret, &bytes, &comment)?;
        let own = minisign::PublicKey::from_secret_key(secret).map_err(|e| anyhow!("{e}"))?;
        keys::verify(&own, &bytes, &signature).map_err(|e| anyhow!("{e}"))?;
        let approved = dir.join(format!("approuve-{tag}"));
        if std::fs::symlink_metadata(&approved).is_ok() {
            bail!(
                "« {} » existe déjà : il n'a pas été remplacé",
                approved.display()
            );
        }
        let signature_file = dir.join(format!("approbation-{tag}.minisig"));
        if std::fs::symlink_metadata(&signature_file).is_ok() {
            bail!(
                "« {} » existe déjà : il n'a pas été remplacé",
                signature_file.display()
            );
        }
        write_new(
            &self.site.join(signature_path(SignerRole::Ien)),
            signature.as_bytes(),
        )?;
        std::fs::rename(&self.site, &approved).context("mise en place du site approuvé")?;
        write_new(&signature_file, signature.as_bytes())?;
        Ok(Approved {
            site: approved,
            signature: signature_file,
            signature_text: signature,
        })
    }

    /// Writes `dir/refus-TAG.txt` with its signature; returns its path.
    pub fn refuse(
        &self,
        secret: &SecretKey,
        day: Date,
        reason: &str,
        dir: &Path,
        tag: &str,
    ) -> Result<PathBuf> {
        let m = &self.verified.manifest;
        let text = format!(
            "Version {} de « {} » refusée le {} par l'IEN.\nMotif : {reason}\n",
            m.version,
            m.school,
            day.long_fr()
        );
        let comment = Comment::new()
            .number("version", m.version)
            .word("role", "ien")
            .flag("refus")
            .date("signe_le", day)
            .finish();
        let path = dir.join(format!("refus-{tag}.txt"));
        write_new(&path, text.as_bytes())?;
        write_new(
            Path::new(&format!("{}.minisig", path.display())),
            keys::sign(secret, text.as_bytes(), &comment)?.as_bytes(),
        )?;
        Ok(path)
    }
}

/// Writes `bytes` to `dir/STEM.EXT`, or `STEM-2.EXT`, `STEM-3.EXT`… when
/// the name is taken: never over an existing file or through a link.
pub fn write_beside(dir: &Path, stem: &str, ext: &str, bytes: &[u8]) -> Result<PathBuf> {
    for n in 1..100 {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let path = dir.join(name);
        if std::fs::symlink_metadata(&path).is_err() {
            write_new(&path, bytes)?;
            return Ok(path);
        }
    }
    bail!(
        "trop de fichiers « {stem}-N.{ext} » dans « {} »",
        dir.display()
    )
}
