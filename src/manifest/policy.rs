//! Whether a site folder may go online: every file matches the manifest,
//! nothing is missing or extra (any name, dotfiles included; no link, no
//! special file; no signature file but the two expected), every required
//! role signed with its trusted key — the IEN always, whatever `ecole.yaml`
//! says —, the manifest's fields are well formed, it has not expired by
//! the real clock, and its version is not lower than one already known (no
//! rollback). Every problem is reported, each in its own words.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use minisign::PublicKey;

use super::keys::{self, SignatureError};
use super::{scan_site, sha256_hex, signature_path, Manifest, Role};
use crate::config::signing::{free_text_problem, is_valid_uai, signers_problem};
use crate::dates::Date;

/// Who must sign, with which key.
pub struct Trust {
    /// The trusted public key of each role.
    pub keys: BTreeMap<Role, PublicKey>,
    /// The roles whose signature is required. [`verify`] requires the IEN
    /// even when this list leaves it out.
    pub required: Vec<Role>,
}

/// One reason to refuse a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// No readable manifest.
    NoManifest(String),
    /// A file differs from the manifest.
    Modified(String),
    /// A file of the manifest is missing.
    Missing(String),
    /// A file is not in the manifest.
    Extra(String),
    /// A symbolic link in the site.
    Link(String),
    /// Something that is neither a file nor a folder (fifo, socket, device).
    Special(String),
    /// A field of the manifest is malformed.
    BadField {
        /// The field.
        field: &'static str,
        /// What is wrong, in French.
        why: String,
    },
    /// A required signature is missing.
    MissingSignature(Role),
    /// A signature is by another key than the trusted one.
    UntrustedKey(Role),
    /// The manifest changed after being signed.
    Tampered(Role),
    /// A signature file is not a minisign signature.
    Unreadable(Role),
    /// No trusted key is declared for a required role.
    NoTrustedKey(Role),
    /// The manifest expired.
    Expired(String),
    /// The version is lower than one already known.
    Rollback {
        /// Version of this site.
        found: u64,
        /// Version known.
        known: u64,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NoManifest(why) => write!(f, "pas de manifeste valable : {why}"),
            Problem::Modified(p) => write!(f, "fichier modifié depuis la signature : « {p} »"),
            Problem::Missing(p) => write!(f, "fichier manquant : « {p} »"),
            Problem::Extra(p) => write!(f, "fichier en trop, absent du manifeste : « {} »", p.escape_debug()),
            Problem::Link(p) => write!(f, "lien symbolique refusé : « {} » (un site ne contient que des fichiers)", p.escape_debug()),
            Problem::Special(p) => write!(f, "fichier spécial refusé (tube, socket ou périphérique) : « {} »", p.escape_debug()),
            Problem::BadField { field, why } => write!(f, "champ « {field} » du manifeste invalide : {why}"),
            Problem::MissingSignature(r) => write!(f, "signature manquante : {} n'a pas signé", r.label()),
            Problem::UntrustedKey(r) => write!(f, "la signature attribuée à {} a été faite avec une clé qui n'est pas la sienne (clé non reconnue)", r.label()),
            Problem::Tampered(r) => write!(f, "le manifeste a été modifié après la signature de {}", r.label()),
            Problem::Unreadable(r) => write!(f, "la signature de {} est illisible", r.label()),
            Problem::NoTrustedKey(r) => write!(f, "aucune clé de confiance n'est déclarée pour {} (« confiance » dans ecole.yaml)", r.label()),
            Problem::Expired(d) => write!(f, "le manifeste a expiré le {d} : le site doit être approuvé à nouveau"),
            Problem::Rollback { found, known } => write!(f, "retour en arrière refusé : ce site est la version {found}, mais la version {known} est déjà connue"),
        }
    }
}

/// A site that passed.
#[derive(Debug, Clone)]
pub struct Verified {
    /// Its manifest.
    pub manifest: Manifest,
    /// SHA-256 of the manifest file.
    pub manifest_sha256: String,
    /// The trusted comment of each signature.
    pub comments: BTreeMap<Role, String>,
}

/// Checks a site folder for publication; `Ok` only when there is no
/// problem at all. The IEN's signature is required whatever
/// `trust.required` says; the expiry is checked against the later of
/// `today` and the real clock, so that neither `SOURCE_DATE_EPOCH` nor a
/// caller can make an expired approval pass.
pub fn verify(
    site: &Path,
    trust: &Trust,
    min_version: Option<u64>,
    today: Date,
) -> Result<Verified, Vec<Problem>> {
    let mut required = trust.required.clone();
    if !required.contains(&Role::Ien) {
        required.push(Role::Ien);
    }
    check(site, trust, &required, min_version, today)
}

/// Checks a submitted site before the IEN signs it: as [`verify`], but only
/// the directeur's signature is required (the IEN's is not there yet).
pub fn verify_submission(
    site: &Path,
    trust: &Trust,
    today: Date,
) -> Result<Verified, Vec<Problem>> {
    check(site, trust, &[Role::Directeur], None, today)
}

/// The real day, from the system clock (never `SOURCE_DATE_EPOCH`).
pub fn real_today() -> Date {
    Date(chrono::Local::now().date_naive())
}

fn check(
    site: &Path,
    trust: &Trust,
    required: &[Role],
    min_version: Option<u64>,
    today: Date,
) -> Result<Verified, Vec<Problem>> {
    let (manifest, bytes) = match Manifest::read(site) {
        Ok(m) => m,
        Err(e) => return Err(vec![Problem::NoManifest(format!("{e:#}"))]),
    };
    let mut problems = Vec::new();
    match scan_site(site) {
        Ok(scan) => {
            for (path, entry) in &manifest.fichiers {
                match scan.files.get(path) {
                    None => problems.push(Problem::Missing(path.clone())),
                    Some(found) if found != entry => problems.push(Problem::Modified(path.clone())),
                    Some(_) => {}
                }
            }
            for path in scan
                .files
                .keys()
                .filter(|p| !manifest.fichiers.contains_key(*p))
            {
                problems.push(Problem::Extra(path.clone()));
            }
            problems.extend(scan.links.into_iter().map(Problem::Link));
            problems.extend(scan.special.into_iter().map(Problem::Special));
        }
        Err(e) => problems.push(Problem::NoManifest(format!("{e:#}"))),
    }
    problems.extend(field_problems(&manifest));
    let mut comments = BTreeMap::new();
    for &role in required {
        let Some(key) = trust.keys.get(&role) else {
            problems.push(Problem::NoTrustedKey(role));
            continue;
        };
        let Ok(signature) = std::fs::read_to_string(site.join(signature_path(role))) else {
            problems.push(Problem::MissingSignature(role));
            continue;
        };
        match keys::verify(key, &bytes, &signature) {
            Ok(comment) => {
                comments.insert(role, comment);
            }
            Err(SignatureError::UntrustedKey) => problems.push(Problem::UntrustedKey(role)),
            Err(SignatureError::Tampered) => problems.push(Problem::Tampered(role)),
            Err(SignatureError::Unreadable) => problems.push(Problem::Unreadable(role)),
        }
    }
    let today = today.max(real_today());
    match Date::parse(&manifest.expire_le) {
        Ok(expiry) if expiry < today => problems.push(Problem::Expired(expiry.long_fr())),
        Ok(_) => {}
        Err(e) => problems.push(Problem::NoManifest(e)),
    }
    if let Some(known) = min_version.filter(|k| manifest.version < *k) {
        problems.push(Problem::Rollback {
            found: manifest.version,
            known,
        });
    }
    if problems.is_empty() {
        Ok(Verified {
            manifest_sha256: sha256_hex(&bytes),
            manifest,
            comments,
        })
    } else {
        Err(problems)
    }
}

/// The manifest's fields that are shown or signed, checked.
fn field_problems(m: &Manifest) -> Vec<Problem> {
    let mut problems = Vec::new();
    if !is_valid_uai(&m.uai) {
        problems.push(Problem::BadField {
            field: "uai",
            why: format!(
                "« {} » n'est pas une UAI (7 chiffres et une lettre)",
                m.uai.escape_debug()
            ),
        });
    }
    if let Some(why) = free_text_problem(&m.ecole) {
        problems.push(Problem::BadField {
            field: "ecole",
            why: why.to_string(),
        });
    }
    if chrono::NaiveDateTime::parse_from_str(&m.construit_le, "%Y-%m-%dT%H:%M:%SZ").is_err() {
        problems.push(Problem::BadField {
            field: "construit_le",
            why: format!("« {} » n'est pas une date", m.construit_le.escape_debug()),
        });
    }
    let is_hash = |h: &str| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit());
    if m.precedent_approuve.as_deref().is_some_and(|h| !is_hash(h)) {
        problems.push(Problem::BadField {
            field: "precedent_approuve",
            why: "ce n'est pas une empreinte SHA-256".into(),
        });
    }
    problems
}

impl Trust {
    /// The trust declared in `dir/ecole.yaml` (when a school folder is
    /// given), with keys given on the command line taking precedence. An
    /// empty or IEN-less `signataires` is an error naming the line.
    pub fn from_school_dir(
        dir: Option<&Path>,
        directeur: Option<&str>,
        ien: Option<&str>,
    ) -> anyhow::Result<Trust> {
        let confiance = match dir {
            Some(dir) => {
                let path = dir.join("ecole.yaml");
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| anyhow::anyhow!("lecture de « {} » : {e}", path.display()))?;
                let file: crate::config::SchoolFile =
                    crate::yaml::parse(&text, Path::new("ecole.yaml"), 1).map_err(|d| {
                        anyhow::anyhow!("« {} » est invalide :\n{d}", path.display())
                    })?;
                let signers = file
                    .confiance
                    .as_ref()
                    .and_then(|c| c.signataires.as_deref());
                if let Some(problem) = signers_problem(signers) {
                    let line = crate::yaml::key_line(&text, "signataires", 1).unwrap_or(1);
                    anyhow::bail!("{}:{line}: erreur : {problem}\n  conseil : l'IEN signe toujours ; écrivez « signataires: [directeur, ien] » (ou « [ien] »), ou retirez la ligne.", path.display());
                }
                file.confiance
            }
            None => None,
        };
        Trust::from_school(confiance.as_ref(), directeur, ien)
    }

    /// The trust of `ecole.yaml` (`confiance:`), with keys given on the
    /// command line taking precedence. The IEN is always among the
    /// required roles; a `signataires` list without it is an error.
    pub fn from_school(
        confiance: Option<&crate::config::TrustFile>,
        directeur: Option<&str>,
        ien: Option<&str>,
    ) -> anyhow::Result<Trust> {
        let default = crate::config::TrustFile::default();
        let file = confiance.unwrap_or(&default);
        let mut keys = BTreeMap::new();
        for (role, given, declared) in [
            (Role::Directeur, directeur, &file.directeur),
            (Role::Ien, ien, &file.ien),
        ] {
            if let Some(text) = given.or(declared.as_deref()) {
                keys.insert(role, keys::parse_public(text)?);
            }
        }
        if let Some(problem) = signers_problem(file.signataires.as_deref()) {
            anyhow::bail!("ecole.yaml : {problem}");
        }
        let mut required: Vec<Role> = match &file.signataires {
            None => vec![Role::Directeur, Role::Ien],
            Some(list) => list.iter().filter_map(|r| Role::parse(r)).collect(),
        };
        required.sort();
        required.dedup();
        if !required.contains(&Role::Ien) {
            required.push(Role::Ien);
        }
        Ok(Trust { keys, required })
    }
}
