//! The daily path: a version the IEN did not sign passes only when every
//! file of the IEN's scope is the one of a version the IEN signed (carried
//! under `preau/references/`), and each changed area is signed by whom its
//! policy names.

use std::collections::BTreeMap;
use std::path::Path;

use super::{real_today, Problem, Trust};
use crate::dates::Date;
use crate::manifest::keys::{self, SignatureError};
use crate::manifest::scope::{
    self, by_scope, changed_paths, reference_dir, same_files, Policy, Signer,
};
use crate::manifest::{Manifest, SignerRole, DIR};

/// Who signed `dir/manifeste.json` (the carried manifests of a site, or
/// the `preau/` folder of a published one), with the trusted keys and the
/// teachers' keys of `policy`. A signature that does not hold counts for
/// nothing.
pub fn signers(dir: &Path, trust: &Trust, policy: &Policy) -> Vec<Signer> {
    let Ok(bytes) = std::fs::read(dir.join("manifeste.json")) else {
        return Vec::new();
    };
    signers_of(
        dir,
        "manifeste.json",
        &bytes,
        trust,
        policy,
        &mut Vec::new(),
    )
    .0
}

/// A carried earlier version: its manifest and who signed it.
struct Reference {
    manifest: Manifest,
    signers: Vec<Signer>,
    comments: BTreeMap<SignerRole, String>,
}

/// The signatures of `bytes` found in `dir` (`<name>.<role>.minisig`),
/// checked against the trusted keys and the policy's teacher keys.
fn signers_of(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    trust: &Trust,
    policy: &Policy,
    problems: &mut Vec<Problem>,
) -> (Vec<Signer>, BTreeMap<SignerRole, String>) {
    let mut signers = Vec::new();
    let mut comments = BTreeMap::new();
    for role in SignerRole::ALL {
        let Ok(signature) =
            std::fs::read_to_string(dir.join(format!("{name}.{}.minisig", role.id())))
        else {
            continue;
        };
        let candidates: Vec<(minisign::PublicKey, Signer)> = match role {
            SignerRole::Ien | SignerRole::Directeur => match trust.keys.get(&role) {
                Some(k) => vec![(
                    k.clone(),
                    if role == SignerRole::Ien {
                        Signer::Ien
                    } else {
                        Signer::Directeur
                    },
                )],
                None => {
                    problems.push(Problem::NoTrustedKey(role));
                    continue;
                }
            },
            SignerRole::Enseignant => policy
                .teachers
                .values()
                .filter_map(|k| keys::parse_public(k).ok())
                .map(|k| {
                    let classes = policy.classes_of_key(&k);
                    (k, Signer::Teacher(classes))
                })
                .collect(),
        };
        let mut outcome = Err(SignatureError::UntrustedKey);
        for (key, signer) in candidates {
            match keys::verify(&key, bytes, &signature) {
                Ok(comment) => {
                    outcome = Ok((comment, signer));
                    break;
                }
                Err(SignatureError::UntrustedKey) => {}
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
        }
        match outcome {
            Ok((comment, signer)) => {
                comments.insert(role, comment);
                signers.push(signer);
            }
            Err(SignatureError::UntrustedKey) => problems.push(Problem::UntrustedKey(role)),
            Err(SignatureError::Tampered) => problems.push(Problem::Tampered(role)),
            Err(SignatureError::Unreadable) => problems.push(Problem::Unreadable(role)),
        }
    }
    (signers, comments)
}

fn load_reference(
    site: &Path,
    version: u64,
    trust: &Trust,
    policy: &Policy,
    problems: &mut Vec<Problem>,
) -> Option<Reference> {
    let dir = site.join(reference_dir(version));
    let bad = |why: String| Problem::BadReference { version, why };
    let bytes = match std::fs::read(dir.join("manifeste.json")) {
        Ok(b) => b,
        Err(_) => {
            problems.push(bad("son manifeste manque".into()));
            return None;
        }
    };
    let manifest: Manifest = match serde_json::from_slice(&bytes) {
        Ok(m) => m,
        Err(e) => {
            problems.push(bad(format!("son manifeste est illisible ({e})")));
            return None;
        }
    };
    if manifest.version != version {
        problems.push(bad(format!(
            "son manifeste est celui de la version {}",
            manifest.version
        )));
        return None;
    }
    let mut own = Vec::new();
    let (signers, comments) = signers_of(&dir, "manifeste.json", &bytes, trust, policy, &mut own);
    problems.extend(own.into_iter().map(|p| bad(p.to_string())));
    Some(Reference {
        manifest,
        signers,
        comments,
    })
}

/// The scope rules of a version the IEN did not sign; returns the
/// trusted comments of its own signatures.
pub(super) fn scopes(
    site: &Path,
    manifest: &Manifest,
    bytes: &[u8],
    trust: &Trust,
    today: Date,
    problems: &mut Vec<Problem>,
) -> BTreeMap<SignerRole, String> {
    // 1. The IEN's reference: its signature, its policy, its expiry.
    let Some(&ien_version) = manifest.references.get(scope::IEN) else {
        problems.push(Problem::MissingSignature(SignerRole::Ien));
        return BTreeMap::new();
    };
    // The IEN's signature needs no policy; the reference's own policy
    // (once its IEN signature holds) gives the teachers' keys.
    let provisional = Policy::default();
    let Some(mut ien_ref) = load_reference(site, ien_version, trust, &provisional, &mut Vec::new())
    else {
        problems.push(Problem::BadReference {
            version: ien_version,
            why: "son manifeste manque ou est illisible".into(),
        });
        return BTreeMap::new();
    };
    if !ien_ref.signers.contains(&Signer::Ien) {
        problems.push(Problem::BadReference {
            version: ien_version,
            why: "elle n'est pas signée par l'IEN (clé de confiance)".into(),
        });
        return BTreeMap::new();
    }
    let policy = ien_ref.manifest.policy.clone().unwrap_or_default();
    if manifest.policy.as_ref() != Some(&policy) {
        problems.push(Problem::PolicyChanged);
    }
    if ien_ref.manifest.uai != manifest.uai {
        problems.push(Problem::BadReference {
            version: ien_version,
            why: format!(
                "elle est celle d'une autre école (UAI {})",
                ien_ref.manifest.uai.escape_debug()
            ),
        });
    }
    let real = today.max(real_today());
    // 2. Every reference, with the trusted policy.
    let mut refs: BTreeMap<u64, Reference> = BTreeMap::new();
    for &v in manifest
        .references
        .values()
        .collect::<std::collections::BTreeSet<_>>()
    {
        if let Some(r) = load_reference(site, v, trust, &policy, problems) {
            if let Ok(expiry) = Date::parse(&r.manifest.expires_on) {
                if expiry < real {
                    problems.push(Problem::BadReference {
                        version: v,
                        why: format!("elle a expiré le {}", expiry.long_fr()),
                    });
                }
            }
            if v == ien_version {
                ien_ref.signers = r.signers.clone();
            }
            refs.insert(v, r);
        }
    }
    let _ = &ien_ref.comments;
    // 3. Who signed this version.
    // A signature of an earlier version left online does not hold and
    // counts for nothing; at least one must hold.
    let mut own = Vec::new();
    let (signers, comments) = signers_of(
        &site.join(DIR),
        "manifeste.json",
        bytes,
        trust,
        &policy,
        &mut own,
    );
    if signers.is_empty() {
        problems.extend(own);
        problems.push(Problem::NoPublisher);
    }
    // 4. Each scope, here or in the IEN's reference.
    let here = by_scope(manifest);
    let ien_files = by_scope(&ien_ref.manifest);
    let mut all: std::collections::BTreeSet<&String> = here.keys().collect();
    all.extend(ien_files.keys());
    for s in all {
        if s == scope::REFERENCE {
            continue;
        }
        if s == scope::IEN {
            if !same_files(here.get(s), ien_files.get(s)) {
                problems.push(Problem::IenScopeChanged(changed_paths(
                    here.get(s),
                    ien_files.get(s),
                )));
            }
            continue;
        }
        if signers.iter().any(|g| policy.covers(g, s)) {
            continue;
        }
        let covered_by = manifest
            .references
            .get(s.as_str())
            .and_then(|v| refs.get(v));
        let ok = covered_by.is_some_and(|r| {
            r.signers.iter().any(|g| policy.covers(g, s))
                && same_files(here.get(s), by_scope(&r.manifest).get(s))
        });
        if !ok {
            let against = covered_by
                .map(|r| by_scope(&r.manifest))
                .unwrap_or_else(|| ien_files.clone());
            problems.push(Problem::ScopeNotApproved {
                scope: s.clone(),
                who: policy.requirement(s).label(),
                paths: changed_paths(here.get(s), against.get(s)),
            });
        }
    }
    // 5. A file keeps its scope: a blob the IEN's reference put in one
    //    area cannot be moved to another by relabelling it.
    for (path, entry) in &manifest.files {
        if let Some(before) = ien_ref.manifest.files.get(path) {
            if before.scope.is_some() && before.scope != entry.scope {
                problems.push(Problem::BadScope {
                    path: path.clone(),
                    why: format!(
                        "sa portée était « {} » dans la version {ien_version} approuvée par l'IEN",
                        before.scope.as_deref().unwrap_or_default()
                    ),
                });
            }
        }
    }
    comments
}
