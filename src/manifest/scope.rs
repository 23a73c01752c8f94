//! Scopes: who may approve which files of a site.
//!
//! Every file of a format-2 manifest carries a scope (`portee`):
//!
//! - `ien`: every file in clear (public pages, school pages, feeds, the
//!   area shells, the key ring, the theme) — the school's public face,
//!   whose editorial authority is the IEN;
//! - `classe:<id>`, `familles`, `equipe`: a sealed blob
//!   (`acces/xx/….bin`) of that area, readable only with its key;
//! - `reference`: the manifests and signatures of earlier versions,
//!   carried under `preau/references/vN/` as evidence (see
//!   [`super::policy`]).
//!
//! The scope of a file in clear is decided by its path, never by the
//! manifest: only a blob can be labelled with an area. The policy (who
//! signs each kind of area, the teachers' keys) is written in the manifest
//! and is itself of the IEN's scope.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{FileEntry, Manifest, SignerRole};

/// The scope of the files in clear and of the policy.
pub const IEN: &str = "ien";
/// The scope of the carried evidence.
pub const REFERENCE: &str = "reference";
/// Where earlier manifests and their signatures are carried.
pub const REFERENCES_DIR: &str = "preau/references";

pub use crate::config::signing::{scope_value_problem, Requirement};

/// The policy written in a manifest (`politique`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Each class's area.
    pub classes: Requirement,
    /// The area of every class's families.
    #[serde(rename = "familles")]
    pub families: Requirement,
    /// The staff's area.
    #[serde(rename = "equipe")]
    pub staff: Requirement,
    /// Each class's teacher key (minisign public key, base64), by class id.
    #[serde(default, rename = "enseignants")]
    pub teachers: BTreeMap<String, String>,
    /// The roles a version the IEN approves needs the signature of
    /// (`confiance.signataires`: sorted, the IEN always in). Absent from
    /// the manifests written before it was.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "signataires"
    )]
    pub signers: Option<Vec<String>>,
}

impl Default for Policy {
    /// The policy of a format-1 manifest: everything by the IEN.
    fn default() -> Policy {
        Policy {
            classes: Requirement::Ien,
            families: Requirement::Ien,
            staff: Requirement::Ien,
            teachers: BTreeMap::new(),
            signers: None,
        }
    }
}

impl Policy {
    /// The policy of `confiance` in ecole.yaml; an unknown value is an error.
    pub fn from_trust(file: Option<&crate::config::TrustFile>) -> anyhow::Result<Policy> {
        let default = crate::config::TrustFile::default();
        let file = file.unwrap_or(&default);
        let parse = |key: &str, value: &str, classes: bool| {
            match Requirement::parse(value) {
                Some(Requirement::Enseignant) if !classes => None,
                other => other,
            }
            .ok_or_else(|| anyhow::anyhow!("{}", scope_value_problem(key, value)))
        };
        Ok(Policy {
            classes: parse("classes", &file.scopes.classes, true)?,
            families: parse("familles", &file.scopes.families, false)?,
            staff: parse("equipe", &file.scopes.staff, false)?,
            teachers: file
                .teachers
                .iter()
                .map(|(k, v)| (k.clone(), v.trim().to_string()))
                .collect(),
            signers: Some(signer_ids(file.signers.as_deref())),
        })
    }

    /// One French line saying who signs what, for the IEN who approves it.
    pub fn summary_fr(&self) -> String {
        let signers = match &self.signers {
            Some(ids) => ids
                .iter()
                .map(|r| {
                    if r == "ien" {
                        "l'IEN"
                    } else {
                        "le directeur ou la directrice"
                    }
                })
                .collect::<Vec<_>>()
                .join(" et "),
            None => "non précisé".into(),
        };
        format!(
            "Politique de signature approuvée avec cette version : espaces des classes : {} ; espace des familles : {} ; espace de l'équipe : {} ; {} clé(s) d'enseignant·e déclarée(s) ; signatures exigées d'une version complète : {signers}.",
            self.classes.label(),
            self.families.label(),
            self.staff.label(),
            self.teachers.len()
        )
    }

    /// How the policy `applied` differs from this one (the one signed),
    /// one French line a key; empty when they are the same. The signers
    /// are compared only when this policy names them.
    pub fn changes_to(&self, applied: &Policy) -> Vec<String> {
        let word = |r: Requirement| {
            serde_json::to_value(r)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let mut changes = Vec::new();
        for (key, signed, now) in [
            ("portees.classes", self.classes, applied.classes),
            ("portees.familles", self.families, applied.families),
            ("portees.equipe", self.staff, applied.staff),
        ] {
            if signed != now {
                changes.push(format!(
                    "« {key} » : « {} » dans le manifeste signé, « {} » en vigueur",
                    word(signed),
                    word(now)
                ));
            }
        }
        let classes: std::collections::BTreeSet<&String> = self
            .teachers
            .keys()
            .chain(applied.teachers.keys())
            .collect();
        for class in classes {
            match (self.teachers.get(class), applied.teachers.get(class)) {
                (Some(a), Some(b)) if a == b => {}
                (None, Some(_)) => changes.push(format!(
                    "« enseignants.{class} » : une clé en vigueur, aucune dans le manifeste signé"
                )),
                (Some(_), None) => changes.push(format!(
                    "« enseignants.{class} » : une clé dans le manifeste signé, aucune en vigueur"
                )),
                _ => changes.push(format!("« enseignants.{class} » : une autre clé en vigueur que dans le manifeste signé")),
            }
        }
        if let (Some(signed), Some(now)) = (&self.signers, &applied.signers) {
            if signed != now {
                changes.push(format!(
                    "« signataires » : [{}] dans le manifeste signé, [{}] en vigueur",
                    signed.join(", "),
                    now.join(", ")
                ));
            }
        }
        changes
    }

    /// What a scope requires; `None` for the IEN's and the evidence.
    pub fn requirement(&self, scope: &str) -> Requirement {
        match scope {
            "familles" => self.families,
            "equipe" => self.staff,
            s if s.starts_with("classe:") => self.classes,
            _ => Requirement::Ien,
        }
    }

    /// Whether a signer (role, and for a teacher the classes its key was
    /// declared for) approves the files of `scope`.
    pub fn covers(&self, signer: &Signer, scope: &str) -> bool {
        match signer {
            Signer::Ien => true,
            Signer::Directeur => scope != IEN && self.requirement(scope) != Requirement::Ien,
            Signer::Teacher(classes) => {
                self.requirement(scope) == Requirement::Enseignant
                    && scope
                        .strip_prefix("classe:")
                        .is_some_and(|c| classes.iter().any(|k| k == c))
            }
        }
    }

    /// The classes whose declared teacher key is `key`.
    pub fn classes_of_key(&self, key: &minisign::PublicKey) -> Vec<String> {
        self.teachers
            .iter()
            .filter(|(_, k)| {
                minisign::PublicKey::from_base64(k).is_ok_and(|pk| pk.keynum() == key.keynum())
            })
            .map(|(c, _)| c.clone())
            .collect()
    }
}

/// The roles of `confiance.signataires` (absent: directeur and IEN),
/// sorted, the IEN always in.
fn signer_ids(list: Option<&[String]>) -> Vec<String> {
    let mut ids: Vec<String> = match list {
        None => vec!["directeur".into(), "ien".into()],
        Some(list) => list
            .iter()
            .filter_map(|r| crate::config::signing::signer_id(r))
            .map(str::to_string)
            .collect(),
    };
    ids.push("ien".into());
    ids.sort();
    ids.dedup();
    ids
}

/// Who signed a manifest, as far as scopes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signer {
    /// The IEN: approves every scope.
    Ien,
    /// The directeur: every area whose policy is not `ien`.
    Directeur,
    /// A teacher: the areas of these classes, when their policy is `enseignant`.
    Teacher(Vec<String>),
}

impl Signer {
    /// The role whose signature file it is.
    pub fn role(&self) -> SignerRole {
        match self {
            Signer::Ien => SignerRole::Ien,
            Signer::Directeur => SignerRole::Directeur,
            Signer::Teacher(_) => SignerRole::Enseignant,
        }
    }
}

/// True for a sealed blob's path: `acces/xx/<hex>.bin`.
pub fn is_blob(path: &str) -> bool {
    let mut parts = path.split('/');
    let (Some("acces"), Some(dir), Some(name), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Some(stem) = name.strip_suffix(".bin") else {
        return false;
    };
    dir.len() == 2
        && !stem.is_empty()
        && dir
            .bytes()
            .chain(stem.bytes())
            .all(|b| b.is_ascii_hexdigit())
}

/// True for an area scope: `familles`, `equipe`, `classe:<id>`.
pub fn is_area(scope: &str) -> bool {
    scope == "familles"
        || scope == "equipe"
        || scope.strip_prefix("classe:").is_some_and(|c| {
            !c.is_empty()
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The scope a file must have, given its path and its label: `Err` with
/// the reason when the label is not allowed for that path.
pub fn checked_scope(path: &str, label: Option<&str>) -> Result<String, String> {
    if path.starts_with(&format!("{REFERENCES_DIR}/")) {
        return match label {
            Some(REFERENCE) => Ok(REFERENCE.into()),
            _ => Err("un fichier de « preau/references/ » a la portée « reference »".into()),
        };
    }
    match label {
        None | Some(IEN) => Ok(IEN.into()),
        Some(area) if is_area(area) && is_blob(path) => Ok(area.into()),
        Some(other) => Err(format!(
            "la portée « {} » n'est pas permise pour ce fichier (seul un fichier chiffré « acces/…/….bin » appartient à un espace ; tout fichier en clair relève de l'IEN)",
            other.escape_debug()
        )),
    }
}

/// The files of each scope of a manifest (labels checked by the caller).
pub fn by_scope(manifest: &Manifest) -> BTreeMap<String, BTreeMap<String, FileEntry>> {
    let mut all: BTreeMap<String, BTreeMap<String, FileEntry>> = BTreeMap::new();
    for (path, entry) in &manifest.files {
        let scope = checked_scope(path, entry.scope.as_deref()).unwrap_or_else(|_| IEN.into());
        all.entry(scope)
            .or_default()
            .insert(path.clone(), entry.clone());
    }
    all
}

/// Whether two sets of files hold the same paths with the same bytes.
pub fn same_files(
    a: Option<&BTreeMap<String, FileEntry>>,
    b: Option<&BTreeMap<String, FileEntry>>,
) -> bool {
    let empty = BTreeMap::new();
    let (a, b) = (a.unwrap_or(&empty), b.unwrap_or(&empty));
    a.len() == b.len()
        && a.iter()
            .all(|(p, e)| b.get(p).is_some_and(|f| f.same_bytes(e)))
}

/// The paths that differ between two sets of files (added, changed, removed).
pub fn changed_paths(
    a: Option<&BTreeMap<String, FileEntry>>,
    b: Option<&BTreeMap<String, FileEntry>>,
) -> Vec<String> {
    let empty = BTreeMap::new();
    let (a, b) = (a.unwrap_or(&empty), b.unwrap_or(&empty));
    let mut out: Vec<String> = a
        .iter()
        .filter(|(p, e)| !b.get(*p).is_some_and(|f| f.same_bytes(e)))
        .map(|(p, _)| p.clone())
        .collect();
    out.extend(b.keys().filter(|p| !a.contains_key(*p)).cloned());
    out.sort();
    out
}

/// Folder of the carried evidence of version `n`.
pub fn reference_dir(n: u64) -> String {
    format!("{REFERENCES_DIR}/v{n}")
}

/// Labels the files of a build: blobs with the audience they were sealed
/// for (from the build's publication map), everything else `ien`.
pub fn label(
    fichiers: &mut BTreeMap<String, FileEntry>,
    audience_of: impl Fn(&str) -> Option<String>,
) {
    for (path, entry) in fichiers.iter_mut() {
        let scope = if path.starts_with(&format!("{REFERENCES_DIR}/")) {
            REFERENCE.to_string()
        } else if is_blob(path) {
            audience_of(path)
                .filter(|a| is_area(a))
                .unwrap_or_else(|| IEN.to_string())
        } else {
            IEN.to_string()
        };
        entry.scope = Some(scope);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_blob_belongs_to_an_area() {
        assert_eq!(
            checked_scope("acces/ab/cdef01.bin", Some("classe:cm1")).unwrap(),
            "classe:cm1"
        );
        assert!(checked_scope("actualites/fete/index.html", Some("classe:cm1")).is_err());
        assert!(checked_scope("acces/cles.json", Some("familles")).is_err());
        assert!(checked_scope("acces/ab/cd.bin", Some("public")).is_err());
        assert_eq!(checked_scope("index.html", None).unwrap(), IEN);
        assert!(checked_scope("preau/references/v1/manifeste.json", Some(IEN)).is_err());
    }

    #[test]
    fn a_teacher_covers_only_their_class_when_the_policy_says_so() {
        let mut policy = Policy {
            classes: Requirement::Enseignant,
            families: Requirement::Directeur,
            staff: Requirement::Directeur,
            teachers: BTreeMap::new(),
            signers: None,
        };
        let t = Signer::Teacher(vec!["cm1".into()]);
        assert!(policy.covers(&t, "classe:cm1"));
        assert!(!policy.covers(&t, "classe:cm2"));
        assert!(!policy.covers(&t, "familles"));
        assert!(!policy.covers(&t, IEN));
        assert!(!policy.covers(&Signer::Directeur, IEN));
        assert!(policy.covers(&Signer::Directeur, "classe:cm2"));
        policy.classes = Requirement::Ien;
        assert!(!policy.covers(&t, "classe:cm1"));
        assert!(!policy.covers(&Signer::Directeur, "classe:cm1"));
        assert!(policy.covers(&Signer::Ien, "classe:cm1"));
    }

    #[test]
    fn a_loosened_policy_names_each_change() {
        let signed = Policy::from_trust(Some(
            &serde_yaml::from_str("signataires: [directeur, ien]\nportees:\n  classes: ien\n")
                .unwrap(),
        ))
        .unwrap();
        assert!(signed.changes_to(&signed.clone()).is_empty());
        let loose = Policy::from_trust(Some(
            &serde_yaml::from_str("signataires: [ien]\nportees:\n  classes: enseignant\n").unwrap(),
        ))
        .unwrap();
        let changes = signed.changes_to(&loose);
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert_eq!(
            changes[0],
            "« portees.classes » : « ien » dans le manifeste signé, « enseignant » en vigueur"
        );
        assert_eq!(
            changes[1],
            "« signataires » : [directeur, ien] dans le manifeste signé, [ien] en vigueur"
        );
        // A manifest written before the signers were: not compared.
        let older = Policy {
            signers: None,
            ..signed.clone()
        };
        let mut now = signed;
        now.signers = Some(vec!["ien".into()]);
        assert!(older.changes_to(&now).is_empty());
    }
}
