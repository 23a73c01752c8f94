//! The checks of what `ecole.yaml` and each `classe.yaml` say: the
//! school's fields, its base URL, its photo settings, each class. Every
//! problem goes to the diagnostics, with its line.

use std::path::Path;

use super::{signing, Audience, Class, ClassFile, SchoolFile};
use crate::dates::Date;
use crate::diagnostic::{Diagnostic, Diagnostics};

pub(super) fn class_line(text: &str, id: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start_matches([' ', '-']).trim();
            l == id
                || l.contains(&format!("[{id}"))
                || l.contains(&format!(" {id},"))
                || l.contains(&format!(" {id}]"))
                || l.contains(&format!(",{id}"))
        })
        .map(|i| i + 1)
        .or_else(|| crate::yaml::key_line(text, "classes", 1))
        .unwrap_or(1)
}

/// A class id: lower-case ASCII letters, digits and dashes.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

pub(super) fn load_class(
    root: &Path,
    id: &str,
    known: &[String],
    diags: &Diagnostics,
) -> Option<Class> {
    let rel = Path::new("classes").join(id).join("classe.yaml");
    let text = std::fs::read_to_string(root.join(&rel)).ok()?;
    let file: ClassFile = match crate::yaml::parse(&text, &rel, 1) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let acces = match &file.audience {
        None => Audience::Class(id.to_string()),
        Some(raw) => match Audience::parse(raw, Some(id), known) {
            Ok(a) => a,
            Err((msg, hint)) => {
                let line = crate::yaml::key_line(&text, "acces", 1).unwrap_or(1);
                diags.push(Diagnostic::error(&rel, msg).hint(hint).at_line(line));
                Audience::Class(id.to_string())
            }
        },
    };
    Some(Class {
        id: id.to_string(),
        name: file.name,
        level: file.level,
        teachers: file.teachers,
        audience: acces,
    })
}

/// Splits `https://host/sub/` into (base URL with trailing slash, base path).
pub(super) fn parse_base_url(url: &str) -> Result<(String, String), (String, String)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            (
                format!("adresse du site invalide « {url} »"),
                "écrivez l'adresse complète, par exemple « https://ecoles.ville.fr/jean-jaures/ »."
                    .to_string(),
            )
        })?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() || host.contains(' ') || url.contains(['?', '#']) {
        return Err((
            format!("adresse du site invalide « {url} »"),
            "écrivez l'adresse complète, sans espace ni « ? », par exemple « https://ecoles.ville.fr/jean-jaures/ ».".into(),
        ));
    }
    let path = path.trim_matches('/');
    let base_path = if path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}/")
    };
    let scheme = if url.starts_with("https://") {
        "https"
    } else {
        "http"
    };
    Ok((format!("{scheme}://{host}{base_path}"), base_path))
}

pub(super) fn check_school_fields(file: &SchoolFile, text: &str, today: Date, diags: &Diagnostics) {
    let rel = Path::new("ecole.yaml");
    let line = |key: &str| crate::yaml::key_line(text, key, 1).unwrap_or(1);
    signing::check(file, text, diags);
    let year_ok = file
        .school_year
        .split_once('-')
        .and_then(|(a, b)| Some((a.parse::<i32>().ok()?, b.parse::<i32>().ok()?)))
        .is_some_and(|(a, b)| b == a + 1);
    if !year_ok {
        diags.push(
            Diagnostic::error(
                rel,
                format!("année scolaire invalide « {} »", file.school_year),
            )
            .hint("écrivez-la sous la forme « 2026-2027 ».")
            .at_line(line("annee_scolaire")),
        );
    } else if file.school_year < today.school_year() {
        diags.push(
            Diagnostic::warning(rel, format!("l'année scolaire « {} » est passée : les mentions légales sont peut-être périmées", file.school_year))
                .hint("à chaque rentrée, lancez « preau annee --date AAAA-MM-JJ --essai » (archives, classes, codes, « annee_scolaire »), puis vérifiez le directeur, l'IEN et l'hébergeur.")
                .at_line(line("annee_scolaire")),
        );
    }
    for (key, value) in [
        ("nom", &file.name),
        ("adresse", &file.address),
        ("commune", &file.commune),
        ("ien", &file.ien),
        ("directeur", &file.directeur),
        ("circonscription", &file.circonscription),
    ] {
        if value.trim().is_empty() {
            diags.push(
                Diagnostic::error(rel, format!("« {key} » est vide"))
                    .hint("les mentions légales en ont besoin : remplissez-le.")
                    .at_line(line(key)),
            );
        }
    }
    if file.per_page == 0 {
        diags.push(
            Diagnostic::error(rel, "« par_page » doit être au moins 1").at_line(line("par_page")),
        );
    }
    if file.accessibility.date.is_none() {
        diags.push(
            Diagnostic::warning(
                rel,
                "la date de la déclaration d'accessibilité n'est pas renseignée",
            )
            .hint("ajoutez « date: AAAA-MM-JJ » sous « accessibilite ».")
            .at_line(crate::yaml::key_line(text, "accessibilite", 1).unwrap_or(1)),
        );
    }
}

/// `photos.qualite` is a JPEG quality: 1 to 100 (a `u8` would take 255).
pub(super) fn check_photo_settings(file: &SchoolFile, text: &str, diags: &Diagnostics) {
    let quality = file.photos.quality;
    if !(1..=100).contains(&quality) {
        let line = crate::yaml::key_line(text, "qualite", 1)
            .or_else(|| crate::yaml::key_line(text, "photos", 1))
            .unwrap_or(1);
        diags.push(
            Diagnostic::error(
                Path::new("ecole.yaml"),
                format!("la qualité des photos « {quality} » est hors des limites (de 1 à 100)"),
            )
            .hint("85 convient à presque toutes les photos ; retirez la ligne pour garder cette valeur.")
            .at_line(line),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_with_sub_path() {
        let (url, path) = parse_base_url("https://ecoles.ville.fr/jean-jaures").unwrap();
        assert_eq!(url, "https://ecoles.ville.fr/jean-jaures/");
        assert_eq!(path, "/jean-jaures/");
        let (_, path) = parse_base_url("https://ecole.fr").unwrap();
        assert_eq!(path, "/");
        assert!(parse_base_url("ecole.fr").is_err());
    }
}
