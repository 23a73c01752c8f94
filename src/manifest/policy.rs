//! Whether a site folder may go online: every file matches the manifest,
//! nothing is missing or extra, every required role signed with its trusted
//! key, the manifest has not expired, and its version is not lower than one
//! already known (no rollback). Every problem is reported, each in its own
//! words.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use minisign::PublicKey;

use super::keys::{self, SignatureError};
use super::{hash_site, sha256_hex, signature_path, Manifest, Role};
use crate::dates::Date;

/// Who must sign, with which key.
pub struct Trust {
    /// The trusted public key of each role.
    pub keys: BTreeMap<Role, PublicKey>,
    /// The roles whose signature is required.
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
            Problem::Extra(p) => write!(f, "fichier en trop, absent du manifeste : « {p} »"),
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

/// Checks a site folder; `Ok` only when there is no problem at all.
pub fn verify(
    site: &Path,
    trust: &Trust,
    min_version: Option<u64>,
    today: Date,
) -> Result<Verified, Vec<Problem>> {
    let (manifest, bytes) = match Manifest::read(site) {
        Ok(m) => m,
        Err(e) => return Err(vec![Problem::NoManifest(format!("{e:#}"))]),
    };
    let mut problems = Vec::new();
    match hash_site(site) {
        Ok(actual) => {
            for (path, entry) in &manifest.fichiers {
                match actual.get(path) {
                    None => problems.push(Problem::Missing(path.clone())),
                    Some(found) if found != entry => problems.push(Problem::Modified(path.clone())),
                    Some(_) => {}
                }
            }
            for path in actual
                .keys()
                .filter(|p| !manifest.fichiers.contains_key(*p))
            {
                problems.push(Problem::Extra(path.clone()));
            }
        }
        Err(e) => problems.push(Problem::NoManifest(format!("{e:#}"))),
    }
    let mut comments = BTreeMap::new();
    for &role in &trust.required {
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

impl Trust {
    /// The trust declared in `dir/ecole.yaml` (when a school folder is
    /// given), with keys given on the command line taking precedence.
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
                file.confiance
            }
            None => None,
        };
        Trust::from_school(confiance.as_ref(), directeur, ien)
    }

    /// The trust of `ecole.yaml` (`confiance:`), with keys given on the
    /// command line taking precedence.
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
        let required = match &file.signataires {
            None => vec![Role::Directeur, Role::Ien],
            Some(list) => list
                .iter()
                .map(|r| {
                    Role::parse(r).ok_or_else(|| {
                        anyhow::anyhow!(
                            "signataire inconnu « {r} » dans « confiance » (directeur ou ien)"
                        )
                    })
                })
                .collect::<anyhow::Result<Vec<Role>>>()?,
        };
        Ok(Trust { keys, required })
    }
}
