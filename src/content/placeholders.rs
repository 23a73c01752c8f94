//! The sample texts of `preau init`'s starter school and of `preau new`
//! (« (à compléter) », the UAI `0000000A`, « Écrivez ici votre article. »…)
//! must not reach the families: each one left is an error, with its file
//! and line, so `check` lists them and `build`/`submit` refuse to publish.

use std::path::Path;

use crate::config::School;
use crate::diagnostic::{Diagnostic, Diagnostics};

/// Each sample text and what to write instead.
pub const SAMPLES: &[(&str, &str)] = &[
    ("(à compléter)", "le vrai texte"),
    (
        "0000000A",
        "le numéro UAI de l'école (7 chiffres et une lettre, sur les courriers de l'académie)",
    ),
    ("0000000a", "l'adresse réelle"),
    ("Prénom Nom", "le vrai nom"),
    ("Écrivez ici", "votre propre texte"),
    ("Décrivez ici", "le travail à faire"),
    (
        "Ce qui a été fait en classe.",
        "ce qui a été fait en classe ce jour-là",
    ),
    ("à remplacer par", "votre propre texte"),
    (
        "exemple.fr",
        "l'adresse réelle (celle que donne l'hébergeur pour le site)",
    ),
    ("Ma commune", "le nom de la commune"),
    ("Ma circonscription", "le nom de la circonscription"),
    ("00000", "le vrai code postal"),
];

/// Reports every sample text left in `text` (the file `rel`), one per line.
/// A draft (`brouillon: oui`) is not published: its samples may wait.
pub fn scan(rel: &Path, text: &str, diags: &Diagnostics) {
    let is_yaml = rel.extension().is_some_and(|e| e == "yaml");
    let mut in_front_matter = false;
    for (index, line) in text.lines().enumerate() {
        if !is_yaml && line.trim_end() == "---" {
            in_front_matter = index == 0;
            continue;
        }
        let yaml_line = is_yaml || in_front_matter;
        if yaml_line && is_draft_line(line) {
            return;
        }
        if yaml_line && line.trim_start().starts_with('#') {
            continue;
        }
        if let Some((column, sample, instead)) = find_sample(line) {
            diags.push(
                Diagnostic::error(rel, format!("texte d'exemple à remplacer : « {sample} »"))
                    .hint(format!(
                        "écrivez à la place {instead}. Tant qu'il reste un texte d'exemple, le site ne se construit pas."
                    ))
                    .at(index + 1, column),
            );
        }
    }
}

/// Scans the school's YAML files (ecole.yaml, each classe.yaml, agenda and
/// documents); markdown files are scanned as they are read.
pub fn scan_yaml_files(root: &Path, school: &School, diags: &Diagnostics) {
    let mut files = vec![
        "ecole.yaml".to_string(),
        "agenda.yaml".to_string(),
        "documents.yaml".to_string(),
    ];
    files.extend(
        school
            .class_list
            .iter()
            .map(|c| format!("classes/{}/classe.yaml", c.id)),
    );
    for rel in files {
        if let Ok(text) = std::fs::read_to_string(root.join(&rel)) {
            scan(Path::new(&rel), &text, diags);
        }
    }
}

/// `brouillon: oui` (or true, vrai).
fn is_draft_line(line: &str) -> bool {
    line.trim()
        .strip_prefix("brouillon:")
        .map(|v| v.split('#').next().unwrap_or("").trim().to_lowercase())
        .is_some_and(|v| matches!(v.as_str(), "oui" | "true" | "vrai"))
}

/// (1-based char column, sample, what to write) of the first sample in `line`.
fn find_sample(line: &str) -> Option<(usize, &'static str, &'static str)> {
    SAMPLES.iter().find_map(|(sample, instead)| {
        line.match_indices(sample)
            .find(|(at, _)| {
                let before = line[..*at].chars().next_back();
                let after = line[at + sample.len()..].chars().next();
                if sample.chars().all(|c| c.is_ascii_digit()) {
                    // « 00000 » is a sample postcode, not part of a longer number.
                    !before.is_some_and(|c| c.is_ascii_digit())
                        && !after.is_some_and(|c| c.is_ascii_alphanumeric())
                } else if *sample == "exemple.fr" {
                    // The starter's domain, not « ville-exemple.fr ».
                    !before.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '.')
                } else {
                    true
                }
            })
            .map(|(at, _)| (line[..at].chars().count() + 1, *sample, *instead))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(rel: &str, text: &str) -> Vec<(usize, String)> {
        let diags = Diagnostics::new();
        scan(Path::new(rel), text, &diags);
        diags
            .into_sorted()
            .into_iter()
            .map(|d| (d.line.unwrap(), d.message))
            .collect()
    }

    #[test]
    fn each_sample_is_found_with_its_line() {
        let text = "# Nom (à compléter) dans un commentaire\nnom: École (à compléter)\nuai: 0000000A\ncode_postal: \"00000\"\ntelephone: 01 00 00 00 00\nvrai: 100000 élèves\nurl: https://ville-exemple.fr/\nurl: https://exemple.fr/ecole/\n";
        assert_eq!(
            found("ecole.yaml", text),
            vec![
                (
                    2,
                    "texte d'exemple à remplacer : « (à compléter) »".to_string()
                ),
                (3, "texte d'exemple à remplacer : « 0000000A »".to_string()),
                (4, "texte d'exemple à remplacer : « 00000 »".to_string()),
                (
                    8,
                    "texte d'exemple à remplacer : « exemple.fr »".to_string()
                ),
            ]
        );
    }

    #[test]
    fn markdown_body_and_front_matter() {
        let text =
            "---\ntitre: Prénom Nom\n# brouillon: oui\n---\n# Titre\nÉcrivez ici votre article.\n";
        let lines: Vec<usize> = found("a.md", text).into_iter().map(|f| f.0).collect();
        assert_eq!(lines, vec![2, 6]);
    }

    #[test]
    fn drafts_may_keep_samples() {
        let text = "---\ntitre: Essai\nbrouillon: oui\n---\nÉcrivez ici votre article.\n";
        assert!(found("a.md", text).is_empty());
    }
}
