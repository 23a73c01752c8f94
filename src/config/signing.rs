//! The fields of `ecole.yaml` that end up in a signature's trusted comment
//! or decide who must sign: the UAI, the names, and `confiance.signataires`.
//! They are checked when `ecole.yaml` is loaded, with the same rules the
//! manifest module applies when it signs or verifies.

use serde::{Deserialize, Serialize};
use std::path::Path;

use super::SchoolFile;
use crate::diagnostic::{Diagnostic, Diagnostics};

/// Longest free text (a name) copied into a signature, in characters.
pub const MAX_TEXT: usize = 120;

/// A UAI: exactly 7 ASCII digits and an ASCII letter (`0751234A`).
pub fn is_valid_uai(uai: &str) -> bool {
    let b = uai.as_bytes();
    b.len() == 8 && b[..7].iter().all(u8::is_ascii_digit) && b[7].is_ascii_alphabetic()
}

/// Why a free text may not go into a signature: empty, too long, or with
/// a control character (a new line above all) or a bidirectional override.
pub fn free_text_problem(text: &str) -> Option<&'static str> {
    if text.trim().is_empty() {
        Some("le texte est vide")
    } else if text.chars().count() > MAX_TEXT {
        Some("le texte est trop long (120 caractères au plus)")
    } else if text.chars().any(|c| {
        c.is_control()
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    }) {
        Some("le texte contient un retour à la ligne ou un caractère de contrôle")
    } else {
        None
    }
}

/// Checks the UAI, the names that are signed, and the signers policy.
pub(super) fn check(file: &SchoolFile, text: &str, diags: &Diagnostics) {
    let rel = Path::new("ecole.yaml");
    let line = |key: &str| crate::yaml::key_line(text, key, 1).unwrap_or(1);
    if !is_valid_uai(&file.uai) {
        diags.push(
            Diagnostic::error(rel, format!("UAI invalide « {} »", file.uai.escape_debug()))
                .hint("l'UAI de l'école compte exactement 7 chiffres et une lettre, sans espace, par exemple « 0751234A ».")
                .at_line(line("uai")),
        );
    }
    for (key, value) in [("nom", &file.name), ("directeur", &file.directeur)] {
        if value.trim().is_empty() {
            continue; // reported as empty with the other legal fields
        }
        if let Some(why) = free_text_problem(value) {
            diags.push(
                Diagnostic::error(rel, format!("« {key} » ne peut pas être signé : {why}"))
                    .hint("écrivez-le sur une seule ligne, sans caractère spécial.")
                    .at_line(line(key)),
            );
        }
    }
    check_scopes(file, text, diags);
    if let Some(problem) = file
        .trust
        .as_ref()
        .and_then(|c| signers_problem(c.signers.as_deref()))
    {
        diags.push(
            Diagnostic::error(rel, problem)
                .hint("l'IEN signe toujours ; écrivez « signataires: [directeur, ien] » (ou « [ien] »), ou retirez la ligne.")
                .at_line(
                    crate::yaml::key_line(text, "signataires", 1)
                        .or_else(|| crate::yaml::key_line(text, "confiance", 1))
                        .unwrap_or(1),
                ),
        );
    }
}

/// Checks `confiance.portees` and `confiance.enseignants`: known values,
/// known classes, readable keys.
fn check_scopes(file: &SchoolFile, text: &str, diags: &Diagnostics) {
    let Some(c) = file.trust.as_ref() else {
        return;
    };
    let rel = Path::new("ecole.yaml");
    let line = |key: &str| {
        crate::yaml::key_line(text, key, 1)
            .or_else(|| crate::yaml::key_line(text, "confiance", 1))
            .unwrap_or(1)
    };
    for (key, value, classes) in [
        ("classes", &c.scopes.classes, true),
        ("familles", &c.scopes.families, false),
        ("equipe", &c.scopes.staff, false),
    ] {
        let ok = match Requirement::parse(value) {
            Some(Requirement::Enseignant) => classes,
            Some(_) => true,
            None => false,
        };
        if !ok {
            diags.push(
                Diagnostic::error(rel, scope_value_problem(key, value))
                    .hint("les pages publiques relèvent toujours de l'IEN ; un espace de classe peut relever de l'enseignant·e, du directeur ou de l'IEN.")
                    .at_line(line("portees")),
            );
        }
    }
    for (class, key) in &c.teachers {
        if !file.classes.iter().any(|k| k == class) {
            diags.push(
                Diagnostic::error(
                    rel,
                    format!(
                        "« enseignants » nomme la classe « {} », absente de « classes »",
                        class.escape_debug()
                    ),
                )
                .hint("écrivez l'identifiant d'une classe de « classes » (cp, cm1…).")
                .at_line(line(class)),
            );
        }
        if minisign::PublicKey::from_base64(key.trim()).is_err() {
            diags.push(
                Diagnostic::error(rel, format!("la clé déclarée pour la classe « {} » n'est pas une clé publique minisign", class.escape_debug()))
                    .hint("copiez la deuxième ligne du fichier .pub créé par « preau keys generate --role enseignant ».")
                    .at_line(line(class)),
            );
        }
    }
}

/// What is wrong with `confiance.signataires`, if anything: an unknown
/// role, an empty list, or a list without the IEN (whose signature is
/// always required).
pub fn signers_problem(list: Option<&[String]>) -> Option<String> {
    let list = list?;
    if let Some(unknown) = list.iter().find(|r| signer_id(r).is_none()) {
        return Some(format!(
            "signataire inconnu « {} » dans « confiance » (directeur ou ien)",
            unknown.escape_debug()
        ));
    }
    if list.is_empty() {
        return Some("« signataires » est vide : la signature de l'IEN est toujours exigée".into());
    }
    if !list.iter().any(|r| signer_id(r) == Some("ien")) {
        return Some(
            "« signataires » ne nomme pas l'IEN : sa signature est toujours exigée".into(),
        );
    }
    None
}

/// The role a word of `signataires` names: `directeur` or `ien`.
pub fn signer_id(text: &str) -> Option<&'static str> {
    match text {
        "directeur" | "directrice" => Some("directeur"),
        "ien" | "IEN" => Some("ien"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uai_is_seven_digits_and_a_letter_and_nothing_else() {
        assert!(is_valid_uai("0751234A"));
        for bad in [
            "0751234A\n",
            " 0751234A",
            "0000000A; echo pwned",
            "000000é",
            "07512345",
            "",
        ] {
            assert!(!is_valid_uai(bad), "{bad:?}");
        }
    }

    #[test]
    fn free_text_has_one_line() {
        assert_eq!(free_text_problem("M. Paul Roux"), None);
        assert!(free_text_problem("Roux\nrole:ien").is_some());
        assert!(free_text_problem("Roux\u{1b}[2J").is_some());
        assert!(free_text_problem(&"a".repeat(121)).is_some());
    }

    #[test]
    fn the_ien_always_signs() {
        let list = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(signers_problem(Some(&list(&[]))).is_some());
        assert!(signers_problem(Some(&list(&["directeur"]))).is_some());
        assert!(signers_problem(Some(&list(&["ien", "maire"]))).is_some());
        assert_eq!(signers_problem(Some(&list(&["ien"]))), None);
        assert_eq!(signers_problem(None), None);
    }
}

/// Who approves the changes of a kind of area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Requirement {
    /// Only a version the IEN signed.
    Ien,
    /// The directeur (or the IEN).
    Directeur,
    /// The class's declared teacher, the directeur, or the IEN (classes only).
    Enseignant,
}

impl Requirement {
    /// Parses a value of `confiance.portees`.
    pub fn parse(text: &str) -> Option<Requirement> {
        match text {
            "ien" | "IEN" => Some(Requirement::Ien),
            "directeur" | "directrice" => Some(Requirement::Directeur),
            "enseignant" | "enseignante" => Some(Requirement::Enseignant),
            _ => None,
        }
    }

    /// For messages.
    pub fn label(self) -> &'static str {
        match self {
            Requirement::Ien => "l'IEN",
            Requirement::Directeur => "le directeur ou la directrice (ou l'IEN)",
            Requirement::Enseignant => {
                "l'enseignant·e de la classe, le directeur ou la directrice (ou l'IEN)"
            }
        }
    }
}

/// Why a value of `confiance.portees` is refused.
pub fn scope_value_problem(key: &str, value: &str) -> String {
    if key == "classes" {
        format!("« portees.classes » vaut « {} » : les valeurs possibles sont enseignant, directeur ou ien", value.escape_debug())
    } else {
        format!(
            "« portees.{key} » vaut « {} » : les valeurs possibles sont directeur ou ien",
            value.escape_debug()
        )
    }
}
