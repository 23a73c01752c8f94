//! Last years' class areas, kept by `preau annee` under
//! `archives/<année>/classes/<id>/` and published for the staff only.
//!
//! An archived post, cahier day or resource list becomes a plain page of
//! the staff area (`equipe/archives/<année>/classes/<id>/…`), sealed with
//! the staff's key: last year's families no longer hold a code that opens
//! it. The archive never blocks a build: what a teacher wrote last year is
//! shown as well as it can be, and its problems are only warnings.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::frontmatter::{self, GalleryItem, Homework};
use super::walk::Source;
use super::{Kind, Page};
use crate::config::Audience;
use crate::dates::Date;
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::slug::slugify;

/// Folder of the archives, at the top of the school folder.
pub const ARCHIVE_DIR: &str = "archives";

/// Where an archived markdown file lives: its year, its class and what it was.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    year: String,
    class: String,
    what: What,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    Post,
    CahierDay,
    Resources,
}

/// The path parts of a markdown file under `archives/`, classified: the
/// source to load, or `None` for a file that is no page (notes inside a
/// post folder, a copy of `ecole.yaml`'s pages…).
pub fn source(rel: &Path, parts: &[&str]) -> Option<Source> {
    place(parts)?;
    Some(Source {
        kind: Kind::Page,
        rel: rel.to_path_buf(),
        class: None,
        embedded: None,
    })
}

/// True for a file of the archives.
pub fn is_archive(rel: &Path) -> bool {
    rel.iter().next().is_some_and(|first| first == ARCHIVE_DIR)
}

fn place(parts: &[&str]) -> Option<Place> {
    let (year, class, what) = match parts {
        [ARCHIVE_DIR, year, "classes", id, "blog", _]
        | [ARCHIVE_DIR, year, "classes", id, "blog", _, "index.md"] => (year, id, What::Post),
        [ARCHIVE_DIR, year, "classes", id, "cahier", _] => (year, id, What::CahierDay),
        [ARCHIVE_DIR, year, "classes", id, "ressources.md"] => (year, id, What::Resources),
        _ => return None,
    };
    Some(Place {
        year: year.to_string(),
        class: class.to_string(),
        what,
    })
}

/// The front matter of any archived file, read leniently: a key that is
/// no longer known is ignored rather than refused.
#[derive(Debug, Default, Deserialize)]
struct ArchivedMeta {
    #[serde(default, rename = "titre")]
    title: Option<String>,
    #[serde(default)]
    date: Option<Date>,
    #[serde(default, rename = "resume")]
    summary: Option<String>,
    #[serde(default, rename = "auteur")]
    author: Option<String>,
    #[serde(default, rename = "a_faire")]
    homework: Vec<Homework>,
    #[serde(default, rename = "galerie")]
    gallery: Vec<GalleryItem>,
    #[serde(
        default,
        rename = "brouillon",
        deserialize_with = "crate::yaml::boolean"
    )]
    draft: bool,
}

/// Reads one archived file into a staff page; `None` for drafts.
pub fn parse(root: &Path, source: &Source, diags: &Diagnostics) -> Option<Page> {
    let rel = &source.rel;
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let place = place(&parts)?;
    let text = match std::fs::read_to_string(root.join(rel)) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                Diagnostic::warning(rel, format!("archive illisible : {}", crate::diagnostic::io_words(&e)))
                    .hint("vérifiez que le fichier est enregistré en UTF-8 ; il reste dans le dossier archives/ même s'il n'est pas publié."),
            );
            return None;
        }
    };
    let (meta, body, body_line) = match frontmatter::split(&text) {
        Ok(split) => {
            let meta = match crate::yaml::parse::<ArchivedMeta>(split.yaml, rel, split.yaml_line) {
                Ok(m) => m,
                Err(d) => {
                    diags.push(soften(d));
                    ArchivedMeta::default()
                }
            };
            (meta, split.body.to_string(), split.body_line)
        }
        Err(_) => (ArchivedMeta::default(), text.clone(), 1),
    };
    if meta.draft {
        return None;
    }
    let stem = if rel.file_name().is_some_and(|n| n == "index.md") {
        rel.parent().and_then(|p| p.file_name())
    } else {
        rel.file_stem()
    }
    .map(|s| s.to_string_lossy().into_owned())
    .unwrap_or_default();
    let label = format!("{}, {}", place.class.to_uppercase(), place.year);
    let (rest, title, date, body) = match place.what {
        What::Post => {
            let title = meta.title.clone().unwrap_or_else(|| stem.clone());
            let mut body = body;
            for photo in &meta.gallery {
                body.push_str(&format!(
                    "\n\n![{}](<{}>)",
                    photo.alt.replace(['[', ']'], " "),
                    photo.photo
                ));
            }
            (
                format!("blog/{}/", slugify(&stem)),
                format!("{} ({label})", title.trim()),
                meta.date,
                body,
            )
        }
        What::CahierDay => {
            let day = Date::parse(&stem).ok().or(meta.date);
            let title = match day {
                Some(d) => format!("Cahier de textes du {} ({label})", d.long_fr()),
                None => format!("Cahier de textes : {stem} ({label})"),
            };
            let mut text = String::new();
            if !meta.homework.is_empty() {
                text.push_str("**À faire :**\n\n");
                for hw in &meta.homework {
                    text.push_str(&format!(
                        "- pour le {} ({}) : {}\n",
                        hw.due.long_fr(),
                        hw.subject.trim(),
                        hw.work.trim()
                    ));
                }
                text.push('\n');
            }
            text.push_str(&body);
            (format!("cahier/{}/", slugify(&stem)), title, day, text)
        }
        What::Resources => {
            let title = meta.title.clone().unwrap_or_else(|| "Ressources".into());
            (
                "ressources/".to_string(),
                format!("{} ({label})", title.trim()),
                None,
                body,
            )
        }
    };
    Some(Page {
        kind: Kind::Page,
        source: rel.clone(),
        path: crate::layout::archive(&place.year, &place.class, &rest),
        slug: format!("archive-{}", slugify(&stem)),
        title: crate::markdown::typography(&title),
        date,
        summary: meta
            .summary
            .map(|r| crate::markdown::typography(r.trim()))
            .unwrap_or_default(),
        audience: Audience::Staff,
        class: None,
        author: meta.author,
        order: None,
        content: String::new(),
        homework: Vec::new(),
        sessions: Vec::new(),
        image_rights: false,
        gallery: Vec::new(),
        body,
        body_line,
    })
}

/// A problem of an archived file is a warning: last year's texts never
/// block this year's site.
pub fn soften(mut d: Diagnostic) -> Diagnostic {
    if d.severity == Severity::Error {
        d.severity = Severity::Warning;
        d.message = format!("archive : {}", d.message);
    }
    d
}

/// [`soften`] for a problem of `file` when it is in the archives.
pub fn soften_if_archived(file: &Path, d: Diagnostic) -> Diagnostic {
    if is_archive(file) {
        soften(d)
    } else {
        d
    }
}

/// The year and class of an archived page's source.
pub fn year_and_class(rel: &Path) -> Option<(String, String)> {
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    place(&parts).map(|p| (p.year, p.class))
}

/// `archives/<année>` in the school folder.
pub fn year_dir(year: &str) -> PathBuf {
    Path::new(ARCHIVE_DIR).join(year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_class_pages_of_an_archive_are_pages() {
        let p = |s: &str| {
            let parts: Vec<&str> = s.split('/').collect();
            place(&parts).map(|p| p.what)
        };
        assert_eq!(
            p("archives/2026-2027/classes/cm1/blog/sortie.md"),
            Some(What::Post)
        );
        assert_eq!(
            p("archives/2026-2027/classes/cm1/blog/sortie/index.md"),
            Some(What::Post)
        );
        assert_eq!(
            p("archives/2026-2027/classes/cm1/cahier/2026-09-01.md"),
            Some(What::CahierDay)
        );
        assert_eq!(
            p("archives/2026-2027/classes/cm1/ressources.md"),
            Some(What::Resources)
        );
        assert_eq!(
            p("archives/2026-2027/classes/cm1/blog/sortie/notes.md"),
            None
        );
        assert_eq!(p("archives/2026-2027/pages/mentions-legales.md"), None);
    }
}
