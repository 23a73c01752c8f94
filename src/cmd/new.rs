//! `preau new`: a file with the right front matter and today's date,
//! never overwriting an existing file.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use crate::cli::NewKind;
use crate::dates::{self, Date};
use crate::diagnostic::Diagnostics;

/// Creates the file and prints its path.
pub fn run(
    kind: NewKind,
    title: Option<&str>,
    class: Option<&str>,
    date: Option<&str>,
    school_dir: &Path,
) -> Result<ExitCode> {
    let diags = Diagnostics::new();
    let Some(school) = crate::config::School::load(school_dir, dates::today(), &diags) else {
        for d in diags.into_sorted() {
            eprintln!("{d}");
        }
        bail!("« {} » n'est pas un dossier d'école utilisable\n  conseil : indiquez le dossier de l'école avec --ecole", school_dir.display());
    };
    let date = match date {
        Some(text) => Date::parse(text).map_err(|m| anyhow::anyhow!(m))?,
        None => dates::today(),
    };
    if let Some(id) = class {
        if school.class(id).is_none() {
            let hint = match crate::yaml::closest(id, school.class_ids()) {
                Some(best) => format!("vouliez-vous dire « {best} » ?"),
                None => format!("classes connues : {}.", school.class_ids().join(", ")),
            };
            bail!("classe inconnue « {id} »\n  conseil : {hint}");
        }
    }
    let Ok(path) =
        crate::atelier::relative_path(kind, class, date, title.unwrap_or("Nouvel article"))
    else {
        bail!(
            "indiquez la classe avec --classe (classes : {})",
            school.class_ids().join(", ")
        );
    };
    let text: String = match kind {
        NewKind::Article => {
            let title = title.unwrap_or("Nouvel article");
            format!(
                "---\ntitre: {}\ndate: {}\n# resume: Une phrase qui donne envie de lire (facultatif).\n# brouillon: true   # retirez le # pour ne pas encore publier\n# Pour une photo : placez le fichier à côté de cet article et écrivez dans le texte\n# ![Description de la photo pour qui ne la voit pas](photo.jpg)\n---\nÉcrivez ici votre article.\n",
                yaml_string(title),
                date.iso()
            )
        }
        NewKind::Cahier => {
            format!(
                "---\na_faire:\n  - pour: {}\n    matiere: Français\n    travail: Décrivez ici le travail à faire.\n---\n## Français\nCe qui a été fait en classe.\n\n## Mathématiques\nCe qui a été fait en classe.\n",
                next_school_day(date).iso()
            )
        }
        NewKind::Ressource => "---\ntitre: Ressources\n---\n## Lecture\n- [Lumni](https://www.lumni.fr) — vidéos et jeux éducatifs du service public.\n".to_string(),
    };
    let full = school_dir.join(&path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("création de « {} »", parent.display()))?;
    }
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&full)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!("« {} » existe déjà : il n'a pas été modifié\n  conseil : ouvrez-le pour le compléter, ou choisissez un autre titre ou une autre date", full.display())
        }
        Err(e) => return Err(e).with_context(|| format!("création de « {} »", full.display())),
    };
    file.write_all(text.as_bytes())
        .with_context(|| format!("écriture de « {} »", full.display()))?;
    println!("Fichier créé : {}", full.display());
    Ok(ExitCode::SUCCESS)
}

/// Quotes a title when YAML would misread it.
fn yaml_string(text: &str) -> String {
    let needs_quotes = text.contains(": ")
        || text.contains(" #")
        || text.starts_with(|c: char| "!&*[]{}|>'\"%@`#-?,".contains(c));
    if needs_quotes {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        text.to_string()
    }
}

/// The next day with school (not Wednesday, Saturday or Sunday).
fn next_school_day(day: Date) -> Date {
    use chrono::{Datelike, Weekday};
    let mut d = day.0;
    loop {
        d = d.succ_opt().expect("date in range");
        if !matches!(d.weekday(), Weekday::Wed | Weekday::Sat | Weekday::Sun) {
            return Date(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_when_needed() {
        assert_eq!(yaml_string("Sortie au musée"), "Sortie au musée");
        assert_eq!(yaml_string("Sciences : l'eau"), "\"Sciences : l'eau\"");
    }

    #[test]
    fn skips_wednesday_and_weekend() {
        let tue = Date::parse("2026-11-24").unwrap();
        assert_eq!(next_school_day(tue).iso(), "2026-11-26");
        let fri = Date::parse("2026-11-27").unwrap();
        assert_eq!(next_school_day(fri).iso(), "2026-11-30");
    }
}
