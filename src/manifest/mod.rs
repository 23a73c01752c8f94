//! The manifest of a built site and the signatures that approve it.
//!
//! The manifest lists every published file with its size and SHA-256, the
//! site's version (a number that only grows), its build time, an expiry
//! date and the hash of the previously approved manifest. The directeur
//! signs it when submitting, the IEN when approving, both with minisign
//! (Ed25519), so that anyone can check a site with the standalone
//! `minisign` tool. [`policy`] decides whether a site may go online.

pub mod approval;
pub mod comment;
pub mod daily;
pub mod keys;
pub mod policy;
pub mod report;
pub mod review;
pub mod scope;
pub mod sealed;
pub mod state;
pub mod submission;
pub mod submit;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

/// Folder of the site that holds the manifest and its signatures.
pub const DIR: &str = "preau";
/// The manifest, relative to the site root (the site's addresses live in [`crate::layout`]).
pub use crate::layout::MANIFEST;

/// Path of a role's signature of the manifest, relative to the site root.
pub fn signature_path(role: SignerRole) -> String {
    format!("{MANIFEST}.{}.minisig", role.id())
}

/// A role that signs manifests (not [`crate::access::CodeHolder`], who holds a passphrase).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignerRole {
    /// The directeur·rice, who submits.
    Directeur,
    /// The IEN, who approves.
    Ien,
    /// A class's teacher, with a key the directeur declared
    /// (`confiance.enseignants`): signs their class area alone.
    Enseignant,
}

impl SignerRole {
    /// Every role, in the order their signatures are written.
    pub const ALL: [SignerRole; 3] = [
        SignerRole::Directeur,
        SignerRole::Ien,
        SignerRole::Enseignant,
    ];

    /// `directeur`, `ien` or `enseignant`.
    pub fn id(self) -> &'static str {
        match self {
            SignerRole::Directeur => "directeur",
            SignerRole::Ien => "ien",
            SignerRole::Enseignant => "enseignant",
        }
    }

    /// « le directeur » / « l'IEN », for messages.
    pub fn label(self) -> &'static str {
        match self {
            SignerRole::Directeur => "le directeur ou la directrice",
            SignerRole::Ien => "l'IEN",
            SignerRole::Enseignant => "l'enseignant·e de la classe",
        }
    }

    /// Parses `directeur`, `ien` or `enseignant`.
    pub fn parse(text: &str) -> Option<SignerRole> {
        if matches!(text, "enseignant" | "enseignante") {
            return Some(SignerRole::Enseignant);
        }
        match crate::config::signing::signer_id(text)? {
            "ien" => Some(SignerRole::Ien),
            _ => Some(SignerRole::Directeur),
        }
    }
}

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Bytes.
    #[serde(rename = "taille")]
    pub size: u64,
    /// SHA-256, hex.
    pub sha256: String,
    /// Its scope (format 2): `ien`, `familles`, `equipe`, `classe:<id>`
    /// or `reference` (see [`scope`]).
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "portee")]
    pub scope: Option<String>,
}

impl FileEntry {
    /// Same bytes (size and SHA-256), whatever the scope.
    pub fn same_bytes(&self, other: &FileEntry) -> bool {
        self.size == other.size && self.sha256 == other.sha256
    }
}

/// The manifest (`preau/manifeste.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always `preau-manifeste`.
    pub format: String,
    /// Format version: 2 (1, without scopes, is still read).
    pub version_format: u32,
    /// The school's name.
    #[serde(rename = "ecole")]
    pub school: String,
    /// The school's UAI.
    pub uai: String,
    /// The site's version: grows at each submission.
    pub version: u64,
    /// When the site was built (RFC 3339, UTC).
    #[serde(rename = "construit_le")]
    pub built_at: String,
    /// After this day the site must be approved again.
    #[serde(rename = "expire_le")]
    pub expires_on: String,
    /// SHA-256 of the previously approved manifest, if any.
    #[serde(rename = "precedent_approuve")]
    pub previous_approved: Option<String>,
    /// Who signs which scope (format 2), as the IEN approved it.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "politique")]
    pub policy: Option<scope::Policy>,
    /// For each scope this version's own signature does not cover, the
    /// version whose manifest and signatures (carried under
    /// `preau/references/vN/`) approved its files (format 2).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub references: BTreeMap<String, u64>,
    /// Every published file but the manifest and its signatures.
    #[serde(rename = "fichiers")]
    pub files: BTreeMap<String, FileEntry>,
}

impl Manifest {
    /// Reads a manifest file.
    pub fn read(site: &Path) -> Result<(Manifest, Vec<u8>)> {
        let path = site.join(MANIFEST);
        let bytes = std::fs::read(&path)
            .with_context(|| format!("le manifeste « {} » est introuvable", path.display()))?;
        let manifest: Manifest = serde_json::from_slice(&bytes)
            .with_context(|| format!("le manifeste « {} » est illisible", path.display()))?;
        if manifest.format != "preau-manifeste" || !(1..=2).contains(&manifest.version_format) {
            bail!(
                "« {} » n'est pas un manifeste Préau (format 1 ou 2)",
                path.display()
            );
        }
        Ok((manifest, bytes))
    }

    /// The bytes written to disk (and signed).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("manifest serializes");
        bytes.push(b'\n');
        bytes
    }
}

/// True for the files of a *build folder* that the manifest does not list:
/// the manifest itself, its signatures, and the build marker. (A site being
/// verified is stricter: see [`scan_site`].)
pub fn is_unlisted(path: &str) -> bool {
    path == MANIFEST
        || path == crate::output::MARKER
        || (path.starts_with("preau/manifeste.json.") && path.ends_with(".minisig"))
}

/// Every file of a site folder with its size and SHA-256, in parallel.
pub fn hash_site(site: &Path) -> Result<BTreeMap<String, FileEntry>> {
    let paths: Vec<String> = WalkDir::new(site)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| crate::slug::slashed(e.path().strip_prefix(site).expect("under site")))
        .filter(|p| !is_unlisted(p))
        .collect();
    paths.into_par_iter().map(|p| hash_file(site, p)).collect()
}

/// One file of a site folder, read and hashed.
fn hash_file(site: &Path, path: String) -> Result<(String, FileEntry)> {
    let bytes =
        std::fs::read(site.join(&path)).with_context(|| format!("lecture de « {path} »"))?;
    let entry = FileEntry {
        size: bytes.len() as u64,
        sha256: sha256_hex(&bytes),
        scope: None,
    };
    Ok((path, entry))
}

/// What a site folder holds, seen without following any link.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Every regular file but the manifest and the two role signatures.
    pub files: BTreeMap<String, FileEntry>,
    /// Symbolic links (wherever they point).
    pub links: Vec<String>,
    /// Anything else that is neither a file nor a folder (fifo, socket, device).
    pub special: Vec<String>,
}

/// True for the only files of a site that the manifest does not list: the
/// manifest and the signatures of the roles.
pub fn is_manifest_or_signature(path: &str) -> bool {
    path == MANIFEST || SignerRole::ALL.iter().any(|r| path == signature_path(*r))
}

/// Every entry of a site folder, for verification: regular files hashed
/// (any name, dotfiles and build marker included), links and special files
/// listed, nothing followed.
pub fn scan_site(site: &Path) -> Result<Scan> {
    let mut scan = Scan::default();
    let mut paths = Vec::new();
    for entry in WalkDir::new(site).follow_links(false).min_depth(1) {
        let entry = entry.with_context(|| format!("lecture du dossier « {} »", site.display()))?;
        let rel = crate::slug::slashed(entry.path().strip_prefix(site).expect("under site"));
        let kind = entry.file_type();
        if kind.is_symlink() {
            scan.links.push(rel);
        } else if kind.is_file() {
            if !is_manifest_or_signature(&rel) {
                paths.push(rel);
            }
        } else if !kind.is_dir() {
            scan.special.push(rel);
        }
    }
    scan.files = paths
        .into_par_iter()
        .map(|p| hash_file(site, p))
        .collect::<Result<_>>()?;
    Ok(scan)
}

/// Writes a new file: never replaces an existing one, never writes through
/// a symbolic link.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| {
            format!(
                "« {} » n'a pas pu être créé (il existe peut-être déjà : il n'est jamais remplacé)",
                path.display()
            )
        })?;
    file.write_all(bytes)
        .with_context(|| format!("écriture de « {} »", path.display()))
}

/// The build time written in a manifest, UTC: `SOURCE_DATE_EPOCH` when set
/// (reproducible builds), else the clock. Only the build time: a check's
/// "now" is always the real clock ([`policy::real_today`]).
pub fn build_time() -> String {
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .unwrap_or_else(chrono::Utc::now);
    now.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub use crate::hash::sha256_hex;

#[cfg(test)]
mod tests {
    use super::*;

    /// The Rust fields are English; the file that is signed, published and
    /// read by other versions of Préau keeps its French keys.
    #[test]
    fn manifest_keeps_its_french_keys_on_disk() {
        let manifest = Manifest {
            format: "preau-manifeste".into(),
            version_format: 2,
            school: "École Jean Jaurès".into(),
            uai: "0751234A".into(),
            version: 3,
            built_at: "2026-11-20T18:00:00Z".into(),
            expires_on: "2027-08-31".into(),
            previous_approved: Some("ab".into()),
            policy: Some(scope::Policy::default()),
            references: BTreeMap::from([("ien".to_string(), 2)]),
            files: BTreeMap::from([(
                "index.html".to_string(),
                FileEntry {
                    size: 5,
                    sha256: "cd".into(),
                    scope: Some("ien".into()),
                },
            )]),
        };
        let value: serde_json::Value = serde_json::from_slice(&manifest.to_bytes()).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "construit_le",
                "ecole",
                "expire_le",
                "fichiers",
                "format",
                "politique",
                "precedent_approuve",
                "references",
                "uai",
                "version",
                "version_format"
            ]
        );
        let entry = value["fichiers"]["index.html"].as_object().unwrap();
        assert_eq!(
            entry.keys().map(String::as_str).collect::<Vec<_>>(),
            ["portee", "sha256", "taille"]
        );
        let policy = value["politique"].as_object().unwrap();
        assert_eq!(
            policy.keys().map(String::as_str).collect::<Vec<_>>(),
            ["classes", "enseignants", "equipe", "familles"]
        );
        let back: Manifest = serde_json::from_value(value).unwrap();
        assert_eq!(back, manifest);
    }
}
