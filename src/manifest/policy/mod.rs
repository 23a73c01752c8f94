//! Whether a site folder may go online: every file matches the manifest,
//! nothing is missing or extra (any name, dotfiles included; no link, no
//! special file; no signature file but the two expected), every required
//! role signed with its trusted key — the IEN always, whatever `ecole.yaml`
//! says —, the manifest's fields are well formed, it has not expired by
//! the real clock, and its version is not lower than one already known (no
//! rollback). Every problem is reported, each in its own words.

mod problem;
mod references;
mod trust;

use std::collections::BTreeMap;
use std::path::Path;

use super::keys::{self, SignatureError};
use super::scope::checked_scope;
use super::{scan_site, sha256_hex, signature_path, Manifest, SignerRole};
use crate::config::signing::{free_text_problem, is_valid_uai};
use crate::dates::Date;

pub use problem::Problem;
use references::scopes;
pub use references::signers;
pub use trust::{school_policy, school_trust_file, Trust};

/// A site that passed.
#[derive(Debug, Clone)]
pub struct Verified {
    /// Its manifest.
    pub manifest: Manifest,
    /// SHA-256 of the manifest file.
    pub manifest_sha256: String,
    /// The trusted comment of each signature.
    pub comments: BTreeMap<SignerRole, String>,
}

/// Checks a site folder for publication; `Ok` only when there is no
/// problem at all. The expiry is checked against the later of `today` and
/// the real clock, so that neither `SOURCE_DATE_EPOCH` nor a caller can
/// make an expired approval pass.
///
/// A version the IEN signed needs every role of `trust.required` (the IEN
/// always, whatever `trust.required` says). A version the IEN did not sign
/// (a teacher's or the directeur's daily publication) passes only when
/// every file of the IEN's scope, and the policy, are byte-identical to a
/// version the IEN signed (carried under `preau/references/`), and each
/// area that changed is signed by whom its policy names (see [`scopes`]).
pub fn verify(
    site: &Path,
    trust: &Trust,
    min_version: Option<u64>,
    today: Date,
) -> Result<Verified, Vec<Problem>> {
    let daily = site_manifest_has_references(site) && !ien_signature_holds(site, trust);
    if !daily {
        let mut required = trust.required.clone();
        if !required.contains(&SignerRole::Ien) {
            required.push(SignerRole::Ien);
        }
        return check(site, trust, &required, min_version, today);
    }
    let mut verified = check(site, trust, &[], min_version, today)?;
    let bytes = std::fs::read(site.join(super::MANIFEST))
        .map_err(|e| vec![Problem::NoManifest(e.to_string())])?;
    let mut problems = Vec::new();
    verified.comments = scopes(
        site,
        &verified.manifest,
        &bytes,
        trust,
        today,
        &mut problems,
    );
    if problems.is_empty() {
        Ok(verified)
    } else {
        Err(problems)
    }
}

fn site_manifest_has_references(site: &Path) -> bool {
    Manifest::read(site).is_ok_and(|(m, _)| !m.references.is_empty())
}

/// Whether the IEN's signature of the site's manifest holds.
fn ien_signature_holds(site: &Path, trust: &Trust) -> bool {
    let (Some(key), Ok(bytes), Ok(signature)) = (
        trust.keys.get(&SignerRole::Ien),
        std::fs::read(site.join(super::MANIFEST)),
        std::fs::read_to_string(site.join(signature_path(SignerRole::Ien))),
    ) else {
        return false;
    };
    keys::verify(key, &bytes, &signature).is_ok()
}

/// Checks a submitted site before the IEN signs it: as [`verify`], but only
/// the directeur's signature is required (the IEN's is not there yet).
pub fn verify_submission(
    site: &Path,
    trust: &Trust,
    today: Date,
) -> Result<Verified, Vec<Problem>> {
    check(site, trust, &[SignerRole::Directeur], None, today)
}

/// The real day, from the system clock (never `SOURCE_DATE_EPOCH`).
pub fn real_today() -> Date {
    Date(chrono::Local::now().date_naive())
}

fn check(
    site: &Path,
    trust: &Trust,
    required: &[SignerRole],
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
            for (path, entry) in &manifest.files {
                match scan.files.get(path) {
                    None => problems.push(Problem::Missing(path.clone())),
                    Some(found) if !found.same_bytes(entry) => {
                        problems.push(Problem::Modified(path.clone()))
                    }
                    Some(_) => {}
                }
            }
            for path in scan
                .files
                .keys()
                .filter(|p| !manifest.files.contains_key(*p))
            {
                problems.push(Problem::Extra(path.clone()));
            }
            problems.extend(scan.links.into_iter().map(Problem::Link));
            problems.extend(scan.special.into_iter().map(Problem::Special));
        }
        Err(e) => problems.push(Problem::NoManifest(format!("{e:#}"))),
    }
    problems.extend(field_problems(&manifest));
    if manifest.version_format >= 2 {
        for (path, entry) in &manifest.files {
            if let Err(why) = checked_scope(path, entry.scope.as_deref()) {
                problems.push(Problem::BadScope {
                    path: path.clone(),
                    why,
                });
            }
        }
    }
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
    match Date::parse(&manifest.expires_on) {
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
    if let Some(why) = free_text_problem(&m.school) {
        problems.push(Problem::BadField {
            field: "ecole",
            why: why.to_string(),
        });
    }
    if chrono::NaiveDateTime::parse_from_str(&m.built_at, "%Y-%m-%dT%H:%M:%SZ").is_err() {
        problems.push(Problem::BadField {
            field: "construit_le",
            why: format!("« {} » n'est pas une date", m.built_at.escape_debug()),
        });
    }
    let is_hash = |h: &str| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit());
    if m.previous_approved.as_deref().is_some_and(|h| !is_hash(h)) {
        problems.push(Problem::BadField {
            field: "precedent_approuve",
            why: "ce n'est pas une empreinte SHA-256".into(),
        });
    }
    problems
}
