//! Reading one markdown file into a [`Page`]: front matter by kind, output
//! path, audience.

use std::path::Path;

use serde::de::DeserializeOwned;

use super::frontmatter::{self, CahierMeta, PageMeta, PostMeta, ResourcesMeta};
use super::walk::Source;
use super::{Kind, Page};
use crate::config::{Audience, School};
use crate::dates::Date;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::layout;
use crate::slug::slugify;

/// Parses one source; `None` for drafts and unreadable files (reported).
pub fn parse(root: &Path, source: &Source, school: &School, diags: &Diagnostics) -> Option<Page> {
    if super::archives::is_archive(&source.rel) {
        return super::archives::parse(root, source, diags);
    }
    let rel = &source.rel;
    let text = match &source.embedded {
        Some(text) => text.clone(),
        None => match std::fs::read_to_string(root.join(rel)) {
            Ok(t) => t,
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        rel,
                        format!(
                            "impossible de lire le fichier : {}",
                            crate::diagnostic::io_words(&e)
                        ),
                    )
                    .hint("vérifiez qu'il est enregistré en UTF-8."),
                );
                return None;
            }
        },
    };
    if source.embedded.is_none() {
        super::placeholders::scan(rel, &text, diags);
    }
    let split = match frontmatter::split(&text) {
        Ok(s) => s,
        Err(msg) => {
            diags.push(
                Diagnostic::error(rel, msg)
                    .hint("ajoutez une ligne « --- » après les clés de l'en-tête.")
                    .at_line(1),
            );
            return None;
        }
    };
    let meta = |kind_needs_front_matter: bool| -> bool {
        if kind_needs_front_matter && split.yaml.is_empty() && !text.starts_with("---") {
            diags.push(
                Diagnostic::error(rel, "l'en-tête manque : le fichier doit commencer par une ligne « --- »")
                    .hint("commencez le fichier par ---, puis « titre: … », puis --- (voir « preau new »).")
                    .at_line(1),
            );
            return false;
        }
        true
    };
    let class = source.class.as_deref();
    let slug = page_slug(rel, source.kind);
    let mut page = Page {
        kind: source.kind,
        source: rel.clone(),
        path: String::new(),
        slug: slug.clone(),
        title: String::new(),
        date: None,
        summary: String::new(),
        audience: Audience::Public,
        class: class.map(str::to_string),
        author: None,
        order: None,
        content: String::new(),
        homework: Vec::new(),
        sessions: Vec::new(),
        image_rights: false,
        gallery: Vec::new(),
        body: split.body.to_string(),
        body_line: split.body_line,
    };
    let acces = match source.kind {
        super::Kind::Page => {
            if !meta(true) {
                return None;
            }
            let m: PageMeta = parse_meta(split.yaml, rel, split.yaml_line, diags)?;
            if m.draft {
                return None;
            }
            page.path = layout::school_page(&slug);
            if let Some(what) = layout::reserved(&slug) {
                diags.push(
                    Diagnostic::error(
                        rel,
                        format!(
                            "le nom de page « {slug} » est réservé : à l'adresse « {} », Préau publie {what}",
                            school.url(&page.path)
                        ),
                    )
                    .hint(format!("renommez le fichier, par exemple « infos-{slug}.md »."))
                    .at_line(1),
                );
            }
            page.title = m.title;
            page.order = m.order;
            page.image_rights = m.image_rights;
            m.audience
        }
        Kind::News | Kind::Post => {
            if !meta(true) {
                return None;
            }
            let m: PostMeta = parse_meta(split.yaml, rel, split.yaml_line, diags)?;
            if m.draft {
                return None;
            }
            page.path = layout::post(class, &slug);
            page.title = m.title;
            page.date = Some(m.date);
            page.summary = m
                .summary
                .map(|r| crate::markdown::typography(r.trim()))
                .unwrap_or_default();
            page.author = m.author;
            page.image_rights = m.image_rights;
            page.gallery = m
                .gallery
                .into_iter()
                .map(|g| super::GalleryPhoto {
                    file: g.photo,
                    src: String::new(),
                    alt: crate::markdown::typography(g.alt.trim()),
                    caption: g.caption.map(|l| crate::markdown::typography(l.trim())),
                })
                .collect();
            m.audience
        }
        Kind::CahierDay => {
            let m: CahierMeta = parse_meta(split.yaml, rel, split.yaml_line, diags)?;
            if m.draft {
                return None;
            }
            let stem = rel
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let day = match Date::parse(&stem) {
                Ok(d) => d,
                Err(msg) => {
                    diags.push(
                        Diagnostic::error(
                            rel,
                            format!("nom de fichier du cahier invalide : {msg}"),
                        )
                        .hint("nommez chaque jour du cahier d'après sa date : 2026-11-20.md."),
                    );
                    return None;
                }
            };
            let school_days = school.file.school_weekdays();
            let is_school_day = |d: Date| {
                school_days.contains(&chrono::Datelike::weekday(&d.0).number_from_monday())
            };
            if !is_school_day(day) {
                diags.push(
                    Diagnostic::error(rel, format!("le {} n'est pas un jour de classe de l'école", day.long_fr()))
                        .hint("vérifiez la date du fichier ; si l'école a classe ce jour-là (le mercredi matin par exemple), ajoutez-le à « jours_de_classe » dans ecole.yaml."),
                );
            }
            if let Some(date) = m.date {
                if date != day {
                    let line =
                        crate::yaml::key_line(split.yaml, "date", split.yaml_line).unwrap_or(1);
                    diags.push(
                        Diagnostic::error(rel, format!("la date « {date} » ne correspond pas au nom du fichier « {stem}.md »"))
                            .hint("retirez la clé « date » (le nom du fichier suffit) ou corrigez-la.")
                            .at_line(line),
                    );
                }
            }
            for hw in &m.homework {
                let line = homework_line(split.yaml, hw, split.yaml_line);
                if hw.due < day {
                    diags.push(
                        Diagnostic::error(rel, format!("devoir « pour » le {} alors que la séance est du {}", hw.due.long_fr(), day.long_fr()))
                            .hint("un travail ne peut pas être dû avant le jour où il est donné : vérifiez la date « pour ».")
                            .at_line(line),
                    );
                }
                if !is_school_day(hw.due) {
                    diags.push(
                        Diagnostic::error(rel, format!("devoir « pour » le {}, qui n'est pas un jour de classe de l'école", hw.due.long_fr()))
                            .hint("choisissez un jour de classe ; si l'école a classe ce jour-là, ajoutez-le à « jours_de_classe » dans ecole.yaml.")
                            .at_line(line),
                    );
                }
                if hw.work.trim().is_empty() || hw.subject.trim().is_empty() {
                    diags.push(
                        Diagnostic::error(rel, "devoir sans « travail » ou sans « matiere »")
                            .hint("chaque devoir a une date « pour », une « matiere » et un « travail ».")
                            .at_line(line),
                    );
                }
            }
            let id = class.unwrap_or_default();
            page.path = layout::cahier_day(id, &day.iso());
            page.slug = day.iso();
            page.title = format!("Cahier de textes du {}", day.long_fr());
            page.date = Some(day);
            page.homework = m
                .homework
                .into_iter()
                .map(|mut h| {
                    h.work = crate::markdown::typography(h.work.trim());
                    h.subject = h.subject.trim().to_string();
                    h
                })
                .collect();
            m.audience
        }
        Kind::Resources => {
            let m: ResourcesMeta = parse_meta(split.yaml, rel, split.yaml_line, diags)?;
            if m.draft {
                return None;
            }
            page.path = layout::resources(class.unwrap_or_default());
            page.title = m.title.unwrap_or_else(|| "Ressources".to_string());
            m.audience
        }
    };
    page.title = crate::markdown::typography(page.title.trim());
    if page.title.is_empty() && page.kind != Kind::CahierDay {
        let line = crate::yaml::key_line(split.yaml, "titre", split.yaml_line).unwrap_or(1);
        diags.push(
            Diagnostic::error(rel, "le titre est vide")
                .hint("écrivez un titre après « titre: ».")
                .at_line(line),
        );
    }
    page.audience = resolve_audience(
        acces.as_deref(),
        class,
        school,
        split.yaml,
        split.yaml_line,
        rel,
        diags,
    );
    Some(page)
}

fn parse_meta<T: DeserializeOwned>(
    yaml: &str,
    rel: &Path,
    line: usize,
    diags: &Diagnostics,
) -> Option<T> {
    match crate::yaml::parse(yaml, rel, line) {
        Ok(m) => Some(m),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// The audience of a page: front matter, else its class, else the school.
pub fn resolve_audience(
    acces: Option<&str>,
    class: Option<&str>,
    school: &School,
    yaml: &str,
    yaml_line: usize,
    rel: &Path,
    diags: &Diagnostics,
) -> Audience {
    let fallback = || match class.and_then(|id| school.class(id)) {
        Some(c) => c.audience.clone(),
        None => school.default_audience.clone(),
    };
    match acces {
        None => fallback(),
        Some(raw) => match Audience::parse(raw, class, school.class_ids()) {
            Ok(a) => a,
            Err((msg, hint)) => {
                let line = crate::yaml::key_line(yaml, "acces", yaml_line).unwrap_or(yaml_line);
                diags.push(Diagnostic::error(rel, msg).hint(hint).at_line(line));
                // Never fall back to something more open than the default.
                fallback()
            }
        },
    }
}

fn page_slug(rel: &Path, kind: Kind) -> String {
    let is_index = rel.file_name().is_some_and(|n| n == "index.md");
    let name = if is_index && kind != Kind::Page {
        rel.parent().and_then(|p| p.file_name())
    } else {
        rel.file_stem()
    };
    slugify(
        &name
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    )
}

fn homework_line(yaml: &str, hw: &super::Homework, first_line: usize) -> usize {
    let needle = hw.due.iso();
    yaml.lines()
        .position(|l| l.contains("pour") && l.contains(&needle))
        .map(|i| first_line + i)
        .or_else(|| crate::yaml::key_line(yaml, "a_faire", first_line))
        .unwrap_or(first_line)
}
