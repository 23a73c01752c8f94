//! The approval policy a town hall gives all its schools: `confiance:` of
//! the `commune.yaml` around a school folder, merged key by key under the
//! school's own `confiance:` of `ecole.yaml`.
//!
//! A key the school writes always wins; a key it does not write (`ien`,
//! `signataires`, `expiration`, and each of `portees.classes`,
//! `portees.familles`, `portees.equipe` on its own) is the commune's. The
//! directeur's key and the teachers' keys belong to one school: the
//! commune may not give them.
//!
//! Every reader of a school's policy (build, submit, approve, verify,
//! deploy, `publier-classe`) goes through [`effective`], so a school
//! handled alone and a school handled through its commune have the same
//! policy, the one written in the signed manifest.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::signing::{scope_value_problem, signers_problem, Requirement};
use super::TrustFile;
use crate::diagnostic::Diagnostic;

/// `commune.yaml` around a school folder, relative to the school folder.
pub fn commune_file() -> PathBuf {
    Path::new("..").join("commune.yaml")
}

/// The commune's `confiance:` for the school folder `root`, checked;
/// `Ok(None)` when the school is not in a commune folder or the commune
/// gives no policy. An unreadable `commune.yaml`, or a `confiance:` in it
/// that is not valid, is an error (never silently no policy: that would
/// loosen it). The error's file is relative to `root`.
pub fn commune_trust(root: &Path) -> Result<Option<TrustFile>, Diagnostic> {
    let rel = commune_file();
    let text = match std::fs::read_to_string(root.join(&rel)) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Diagnostic::error(
                &rel,
                format!(
                    "impossible de lire commune.yaml, qui donne la politique de signature des écoles : {}",
                    crate::diagnostic::io_words(&e)
                ),
            ))
        }
    };
    parse(&text, &rel)
}

/// The `confiance:` of the text of a `commune.yaml` (named `rel` in
/// messages), checked: no directeur's or teachers' keys, known roles and
/// scope values, the IEN among the signers.
pub fn parse(text: &str, rel: &Path) -> Result<Option<TrustFile>, Diagnostic> {
    /// Only what a school takes from its commune (the rest of the file is
    /// checked by `preau` given the commune folder).
    #[derive(Deserialize)]
    struct Shared {
        #[serde(default)]
        confiance: Option<TrustFile>,
    }
    let shared: Shared = crate::yaml::parse(text, rel, 1)?;
    let Some(trust) = shared.confiance else {
        return Ok(None);
    };
    let line = |key: &str| {
        crate::yaml::key_line(text, key, 1)
            .or_else(|| crate::yaml::key_line(text, "confiance", 1))
            .unwrap_or(1)
    };
    let own = "chaque école déclare la sienne dans la « confiance: » de son ecole.yaml ; commune.yaml ne donne que ce qui vaut pour toutes (ien, signataires, expiration, portees).";
    if trust.directeur.is_some() {
        return Err(Diagnostic::error(rel, "« confiance.directeur » ne peut pas être donné par la commune : la clé du directeur ou de la directrice est propre à son école")
            .hint(own)
            .at_line(line("directeur")));
    }
    if !trust.teachers.is_empty() {
        return Err(Diagnostic::error(rel, "« confiance.enseignants » ne peut pas être donné par la commune : les clés des enseignant·es sont propres à leur école")
            .hint(own)
            .at_line(line("enseignants")));
    }
    if let Some(problem) = signers_problem(trust.signers.as_deref()) {
        return Err(Diagnostic::error(rel, problem)
            .hint("l'IEN signe toujours ; écrivez « signataires: [directeur, ien] » (ou « [ien] »), ou retirez la ligne.")
            .at_line(line("signataires")));
    }
    for (key, value, classes) in [
        ("classes", &trust.scopes.classes, true),
        ("familles", &trust.scopes.families, false),
        ("equipe", &trust.scopes.staff, false),
    ] {
        let ok = match Requirement::parse(value) {
            Some(Requirement::Enseignant) => classes,
            Some(_) => true,
            None => false,
        };
        if !ok {
            return Err(Diagnostic::error(rel, scope_value_problem(key, value))
                .hint("les pages publiques relèvent toujours de l'IEN ; un espace de classe peut relever de l'enseignant·e, du directeur ou de l'IEN.")
                .at_line(line("portees")));
        }
    }
    if let Some(key) = &trust.ien {
        if minisign::PublicKey::from_base64(key.trim()).is_err() {
            return Err(Diagnostic::error(
                rel,
                "« confiance.ien » n'est pas une clé publique minisign",
            )
            .hint("copiez la deuxième ligne du fichier ien.pub de l'IEN.")
            .at_line(line("ien")));
        }
    }
    Ok(Some(trust))
}

/// The school's effective `confiance`: `own` (parsed from `school_text`,
/// the text of its `ecole.yaml`) completed key by key by the commune's.
pub fn merge(
    own: Option<TrustFile>,
    school_text: &str,
    commune: Option<&TrustFile>,
) -> Option<TrustFile> {
    let Some(commune) = commune else {
        return own;
    };
    // Which keys the school wrote (a parsed TrustFile has its defaults
    // filled in and cannot tell).
    let value: serde_yaml::Value = serde_yaml::from_str(school_text).unwrap_or_default();
    let written = value.get("confiance");
    let has = |key: &str| written.and_then(|c| c.get(key)).is_some();
    let scopes = written.and_then(|c| c.get("portees"));
    let has_scope = |key: &str| scopes.and_then(|s| s.get(key)).is_some();
    let mut trust = own.unwrap_or_default();
    if !has("ien") {
        trust.ien = commune.ien.clone();
    }
    if !has("signataires") {
        trust.signers = commune.signers.clone();
    }
    if !has("expiration") {
        trust.expiration = commune.expiration;
    }
    if !has_scope("classes") {
        trust.scopes.classes = commune.scopes.classes.clone();
    }
    if !has_scope("familles") {
        trust.scopes.families = commune.scopes.families.clone();
    }
    if !has_scope("equipe") {
        trust.scopes.staff = commune.scopes.staff.clone();
    }
    Some(trust)
}

/// The effective `confiance` of the school folder `root`, whose
/// `ecole.yaml` has the text `school_text` and parsed to `own`.
pub fn effective(
    root: &Path,
    own: Option<TrustFile>,
    school_text: &str,
) -> Result<Option<TrustFile>, Diagnostic> {
    let commune = commune_trust(root)?;
    Ok(merge(own, school_text, commune.as_ref()))
}

/// How messages name where the policy of the school folder `root` is
/// written: « ecole.yaml », or « ecole.yaml et commune.yaml » when the
/// commune around it gives one.
pub fn where_written(root: &Path) -> &'static str {
    if matches!(commune_trust(root), Ok(Some(_))) {
        "la « confiance » de ecole.yaml et de commune.yaml"
    } else {
        "la « confiance » de ecole.yaml"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trust(yaml: &str) -> TrustFile {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn a_school_key_wins_and_a_missing_one_is_the_communes() {
        let commune = trust("signataires: [ien]\nexpiration: 2027-06-30\nportees:\n  classes: ien\n  familles: ien\n");
        // A school with no confiance at all: everything is the commune's.
        let all = merge(None, "nom: X\n", Some(&commune)).unwrap();
        assert_eq!(all.signers.as_deref(), Some(&["ien".to_string()][..]));
        assert_eq!(all.scopes.classes, "ien");
        assert_eq!(all.scopes.families, "ien");
        assert_eq!(all.scopes.staff, "directeur");
        assert_eq!(
            all.expiration.map(|d| d.iso()).as_deref(),
            Some("2027-06-30")
        );
        // A school writing portees.classes keeps it, takes familles.
        let text = "confiance:\n  ien: K\n  portees:\n    classes: enseignant\n";
        let own = trust("ien: K\nportees:\n  classes: enseignant\n");
        let merged = merge(Some(own), text, Some(&commune)).unwrap();
        assert_eq!(merged.scopes.classes, "enseignant");
        assert_eq!(merged.scopes.families, "ien");
        assert_eq!(merged.ien.as_deref(), Some("K"));
        // Without a commune, the school's own is untouched.
        assert!(merge(None, "nom: X\n", None).is_none());
    }
}
