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
use super::scope::{
    self, by_scope, changed_paths, checked_scope, reference_dir, same_files, Policy, Signer,
};
use super::{scan_site, sha256_hex, signature_path, Manifest, SignerRole};
use crate::config::signing::{free_text_problem, is_valid_uai, signers_problem};
use crate::dates::Date;

/// Who must sign, with which key.
pub struct Trust {
    /// The trusted public key of each role.
    pub keys: BTreeMap<SignerRole, PublicKey>,
    /// The roles whose signature is required. [`verify`] requires the IEN
    /// even when this list leaves it out.
    pub required: Vec<SignerRole>,
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
    MissingSignature(SignerRole),
    /// A signature is by another key than the trusted one.
    UntrustedKey(SignerRole),
    /// The manifest changed after being signed.
    Tampered(SignerRole),
    /// A signature file is not a minisign signature.
    Unreadable(SignerRole),
    /// No trusted key is declared for a required role.
    NoTrustedKey(SignerRole),
    /// The manifest expired.
    Expired(String),
    /// A file's scope is not allowed for its path, or changed.
    BadScope {
        /// The file.
        path: String,
        /// Why, in French.
        why: String,
    },
    /// Files of the IEN's scope differ from the last version the IEN approved.
    IenScopeChanged(Vec<String>),
    /// An area changed without the signature its policy requires.
    ScopeNotApproved {
        /// The scope (`classe:cm1`).
        scope: String,
        /// Who may approve it.
        who: &'static str,
        /// Its files that changed.
        paths: Vec<String>,
    },
    /// The policy of the manifest is not the one the IEN approved.
    PolicyChanged,
    /// A carried reference does not hold.
    BadReference {
        /// Its version.
        version: u64,
        /// Why, in French.
        why: String,
    },
    /// Nobody trusted signed this version.
    NoPublisher,
    /// A sealed item of a submission cannot be read as announced, or the
    /// report does not hold (see [`super::sealed`]).
    Sealed(String),
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
            Problem::BadScope { path, why } => write!(f, "portée refusée pour « {} » : {why}", path.escape_debug()),
            Problem::IenScopeChanged(paths) => write!(f, "signature manquante : l'IEN n'a pas signé cette version, et des fichiers de son périmètre (pages publiques, pages de l'école, politique) ne sont pas ceux de la dernière version qu'il ou elle a approuvée : {}", list(paths)),
            Problem::ScopeNotApproved { scope, who, paths } => write!(f, "l'espace « {scope} » a changé sans la signature requise ({who}) : {}", list(paths)),
            Problem::PolicyChanged => write!(f, "la politique de signature (« politique » du manifeste) n'est pas celle que l'IEN a approuvée"),
            Problem::BadReference { version, why } => write!(f, "la version de référence {version} (preau/references/v{version}/) ne tient pas : {why}"),
            Problem::Sealed(why) => write!(f, "{why}"),
            Problem::NoPublisher => write!(f, "signature manquante : ni l'IEN, ni le directeur, ni un·e enseignant·e déclaré·e n'a signé cette version"),
            Problem::Rollback { found, known } => write!(f, "retour en arrière refusé : ce site est la version {found}, mais la version {known} est déjà connue"),
        }
    }
}

/// At most five paths, quoted, and how many more.
fn list(paths: &[String]) -> String {
    let mut shown: Vec<String> = paths
        .iter()
        .take(5)
        .map(|p| format!("« {} »", p.escape_debug()))
        .collect();
    if paths.len() > 5 {
        shown.push(format!("et {} autre(s)", paths.len() - 5));
    }
    shown.join(", ")
}

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
fn scopes(
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
        &site.join(super::DIR),
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
                let signers = file.trust.as_ref().and_then(|c| c.signers.as_deref());
                if let Some(problem) = signers_problem(signers) {
                    let line = crate::yaml::key_line(&text, "signataires", 1).unwrap_or(1);
                    anyhow::bail!("{}:{line}: erreur : {problem}\n  conseil : l'IEN signe toujours ; écrivez « signataires: [directeur, ien] » (ou « [ien] »), ou retirez la ligne.", path.display());
                }
                file.trust
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
            (SignerRole::Directeur, directeur, &file.directeur),
            (SignerRole::Ien, ien, &file.ien),
        ] {
            if let Some(text) = given.or(declared.as_deref()) {
                keys.insert(role, keys::parse_public(text)?);
            }
        }
        if let Some(problem) = signers_problem(file.signers.as_deref()) {
            anyhow::bail!("ecole.yaml : {problem}");
        }
        let mut required: Vec<SignerRole> = match &file.signers {
            None => vec![SignerRole::Directeur, SignerRole::Ien],
            Some(list) => list.iter().filter_map(|r| SignerRole::parse(r)).collect(),
        };
        required.retain(|r| *r != SignerRole::Enseignant);
        required.sort();
        required.dedup();
        if !required.contains(&SignerRole::Ien) {
            required.push(SignerRole::Ien);
        }
        Ok(Trust { keys, required })
    }
}
