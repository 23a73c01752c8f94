//! `preau check`'s diagnostics for one document, placed at the form field
//! they concern, in the same French words.
//!
//! The document is checked as it would be saved (the same text [`save`]
//! writes), by the build's own stages: front matter and dates
//! ([`crate::content::pages`]), links, photos and alt texts
//! ([`crate::content::links`], against every other file of the school),
//! the image-rights rule ([`crate::site`]), agenda events
//! ([`crate::content::data`]). Each diagnostic's line is then mapped back
//! to the YAML key, list item or markdown section it falls in.
//!
//! [`save`]: super::files::save

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::files;
use super::forms::{split_sections, DocKind, Document};
use super::paths::{self, Location};
use super::yamledit;
use crate::content::{self, data, links, pages, walk, Kind};
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};

/// A problem of one field of a form, in `preau check`'s words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// The field, as the form's JSON names it: `title`, `date`, `body`,
    /// `photos[1].alt`, `homework[0].due`, `sessions[2].text`,
    /// `sections[0].entries[1].url`, `entries[3].end`… (`""`: the document
    /// as a whole).
    pub field: String,
    /// What is wrong (French).
    pub message: String,
    /// What to do (French `conseil`), when there is one.
    pub hint: Option<String>,
    /// `erreur` or `avertissement`.
    pub severity: String,
    /// The line of the file it was found at (as `preau check` says it).
    pub line: Option<usize>,
}

/// What `preau check` would say about `doc` saved at `rel`, by field.
pub fn check_document(school: &Path, rel: &str, doc: &Document) -> Vec<FieldProblem> {
    let whole = |message: String| {
        vec![FieldProblem {
            field: String::new(),
            message,
            hint: None,
            severity: "erreur".into(),
            line: None,
        }]
    };
    let (full, loc) = match paths::document(school, rel) {
        Ok(found) => found,
        Err(e) => return whole(format!("{e:#}")),
    };
    if doc.kind() != loc.kind {
        return whole("le formulaire ne correspond pas au type du fichier".into());
    }
    let base = std::fs::read_to_string(&full).ok();
    let stem = rel
        .rsplit('/')
        .next()
        .and_then(|n| n.rsplit_once('.'))
        .map(|(s, _)| s.to_string())
        .unwrap_or_default();
    let text = match files::render(loc.kind, base.as_deref(), doc, &stem)
        .or_else(|_| files::render(loc.kind, None, doc, &stem))
    {
        Ok(t) => t,
        Err(e) => return whole(format!("{e:#}")),
    };
    let scratch = Diagnostics::new();
    let Some(config) = crate::config::School::load(school, crate::dates::today(), &scratch) else {
        return whole(
            "ecole.yaml est illisible : lancez « preau check » pour voir pourquoi".into(),
        );
    };
    let found = match loc.kind {
        DocKind::Agenda => {
            let mine = Diagnostics::new();
            data::events_of(&text, Path::new(rel), loc.class.as_deref(), &config, &mine);
            mine.into_sorted()
        }
        _ => diagnose_page(school, &config, rel, &loc, &text),
    };
    found
        .into_iter()
        .map(|d| FieldProblem {
            field: field_of(loc.kind, &text, &d, doc),
            severity: match d.severity {
                Severity::Error => "erreur",
                Severity::Warning => "avertissement",
            }
            .into(),
            line: d.line,
            message: d.message,
            hint: d.hint,
        })
        .collect()
}

/// The problems of one markdown page given as `text`, checked among the
/// school's other files.
fn diagnose_page(
    root: &Path,
    school: &crate::config::School,
    rel: &str,
    loc: &Location,
    text: &str,
) -> Vec<Diagnostic> {
    let scratch = Diagnostics::new();
    let mut sources = walk::discover(root, school, &scratch);
    let me = PathBuf::from(rel);
    match sources.iter_mut().find(|s| s.rel == me) {
        Some(s) => s.embedded = Some(text.to_string()),
        None => sources.push(walk::Source {
            kind: match loc.kind {
                DocKind::CahierDay => Kind::CahierDay,
                DocKind::Resources => Kind::Resources,
                _ if loc.class.is_some() => Kind::Post,
                _ => Kind::News,
            },
            rel: me.clone(),
            class: loc.class.clone(),
            embedded: Some(text.to_string()),
        }),
    }
    let mine = Diagnostics::new();
    let parsed: Vec<(bool, Option<content::Page>)> = {
        use rayon::prelude::*;
        sources
            .par_iter()
            .map(|source| {
                let is_me = source.rel == me;
                let diags = if is_me { &mine } else { &scratch };
                (is_me, pages::parse(root, source, school, diags))
            })
            .collect()
    };
    let mut all = Vec::with_capacity(parsed.len());
    let mut mine_at = None;
    for (is_me, page) in parsed {
        if let Some(page) = page {
            if is_me {
                mine_at = Some(all.len());
            }
            all.push(page);
        }
    }
    if let Some(i) = mine_at {
        let documents = data::load_documents(root, school, &scratch);
        let table = links::LinkTable::new(root, school, &all, &documents, &sources);
        let mut page = all[i].clone();
        let (found, _) = links::render_page(&mut page, &table, &school.base_path);
        for d in found {
            mine.push(d);
        }
        let alone = content::Content {
            pages: vec![page],
            ..Default::default()
        };
        crate::site::check_image_rights(&alone, &mine);
    }
    mine.into_sorted()
}

/// The form field a diagnostic concerns.
fn field_of(kind: DocKind, text: &str, d: &Diagnostic, doc: &Document) -> String {
    if kind == DocKind::Agenda {
        return agenda_field(text, d);
    }
    if d.message.contains("droit à l'image") {
        return "image_rights".into();
    }
    if let Some(field) = gallery_field(d, doc) {
        return field;
    }
    let Ok(split) = content::frontmatter::split(text) else {
        return String::new();
    };
    let line = d.line.unwrap_or(0);
    let has_front = split.body_line > 1;
    if has_front && line >= 2 && line < split.body_line - 1 {
        if let Some(field) = yaml_field(kind, split.yaml, line - 2) {
            return field;
        }
    }
    if line >= split.body_line && !(line == 1 && has_front) {
        return body_field(kind, split.body, line - split.body_line);
    }
    by_key_in_message(kind, &d.message).unwrap_or_default()
}

/// The French key → form field of each kind.
fn field_name(kind: DocKind, key: &str) -> Option<&'static str> {
    Some(match (kind, key) {
        (_, "acces") => "audience",
        (_, "brouillon") => "draft",
        (DocKind::Post, "titre") | (DocKind::Resources, "titre") => "title",
        (DocKind::Post, "date") | (DocKind::CahierDay, "date") => "date",
        (DocKind::Post, "resume") => "summary",
        (DocKind::Post, "auteur") => "author",
        (DocKind::Post, "droit_image") => "image_rights",
        (DocKind::Post, "galerie") => "photos",
        (DocKind::CahierDay, "a_faire") => "homework",
        (DocKind::Resources, "garder") => "keep",
        (DocKind::Agenda, "titre") => "title",
        (DocKind::Agenda, "date") => "date",
        (DocKind::Agenda, "fin") => "end",
        (DocKind::Agenda, "heure") => "time",
        (DocKind::Agenda, "heure_fin") => "end_time",
        (DocKind::Agenda, "lieu") => "place",
        (DocKind::Agenda, "description") => "description",
        _ => return None,
    })
}

/// Keys of list items: galerie's and a_faire's.
fn item_field(key: &str) -> Option<&'static str> {
    Some(match key {
        "photo" => "file",
        "texte" => "alt",
        "legende" => "caption",
        "pour" => "due",
        "matiere" => "subject",
        "travail" => "work",
        _ => return None,
    })
}

/// The key a YAML line holds (`  - pour: 2026-…` → `pour`).
fn key_on(line: &str) -> Option<&str> {
    let t = line.trim_start().trim_start_matches("- ").trim_start();
    let (key, _) = t.split_once(':')?;
    (!key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(key)
}

/// The field of line `index` (0-based) of a front matter.
fn yaml_field(kind: DocKind, yaml: &str, index: usize) -> Option<String> {
    let lines: Vec<&str> = yaml.lines().collect();
    let region = yamledit::regions(yaml)
        .into_iter()
        .find(|r| r.start <= index && index < r.end.max(r.start + 1))?;
    let field = field_name(kind, &region.key)?;
    if index == region.start || !matches!(field, "photos" | "homework") {
        return Some(field.to_string());
    }
    let item = lines[region.start + 1..=index]
        .iter()
        .filter(|l| l.trim_start().starts_with("- ") || l.trim() == "-")
        .count();
    let Some(item) = item.checked_sub(1) else {
        return Some(field.to_string());
    };
    match key_on(lines[index]).and_then(item_field) {
        Some(sub) => Some(format!("{field}[{item}].{sub}")),
        None => Some(format!("{field}[{item}]")),
    }
}

/// The field of line `index` (0-based) of the markdown text.
fn body_field(kind: DocKind, body: &str, index: usize) -> String {
    match kind {
        DocKind::Post => "body".into(),
        DocKind::CahierDay | DocKind::Resources => {
            let before: String = body
                .lines()
                .take(index + 1)
                .map(|l| format!("{l}\n"))
                .collect();
            let (_, sections) = split_sections(&before);
            let this = body.lines().nth(index).unwrap_or("");
            let Some(n) = sections.len().checked_sub(1) else {
                return "intro".into();
            };
            let (list, heading, text) = if kind == DocKind::CahierDay {
                ("sessions", "subject", "text")
            } else {
                ("sections", "heading", "notes")
            };
            if this.starts_with("## ") {
                return format!("{list}[{n}].{heading}");
            }
            if kind == DocKind::Resources && this.starts_with(['-', '*']) {
                let entry = sections[n]
                    .1
                    .lines()
                    .filter(|l| l.starts_with("- ") || l.starts_with("* "))
                    .count();
                if let Some(entry) = entry.checked_sub(1) {
                    return format!("{list}[{n}].entries[{entry}].url");
                }
            }
            format!("{list}[{n}].{text}")
        }
        DocKind::Agenda => String::new(),
    }
}

/// A gallery problem names its photo: `photos[i].file` or `.alt`.
fn gallery_field(d: &Diagnostic, doc: &Document) -> Option<String> {
    let Document::Post(post) = doc else {
        return None;
    };
    if !d.message.contains("galerie") {
        return None;
    }
    let i = post
        .photos
        .iter()
        .position(|p| d.message.contains(&format!("« {} »", p.file)))
        .or_else(|| {
            post.photos
                .iter()
                .position(|p| !p.file.is_empty() && d.message.contains(&p.file))
        })?;
    let sub = if d.message.contains("texte alternatif") {
        "alt"
    } else {
        "file"
    };
    Some(format!("photos[{i}].{sub}"))
}

/// The first « key » of the message that is a key of this kind.
fn by_key_in_message(kind: DocKind, message: &str) -> Option<String> {
    message
        .split('«')
        .skip(1)
        .filter_map(|part| part.split('»').next())
        .map(str::trim)
        .find_map(|key| field_name(kind, key))
        .map(str::to_string)
}

/// An agenda problem: its event, and the key of its line when there is one.
fn agenda_field(text: &str, d: &Diagnostic) -> String {
    let Some(line) = d.line else {
        return String::new();
    };
    let index = line.saturating_sub(1);
    let Some(item) = yamledit::items(text)
        .iter()
        .position(|&(s, e)| s <= index && index < e)
    else {
        return String::new();
    };
    let this = text.lines().nth(index).unwrap_or("");
    let key = if d.message.contains("avant de commencer") {
        Some("end".to_string())
    } else if d.message.contains("« heure_fin » sans « heure »") {
        Some("time".to_string())
    } else {
        by_key_in_message(DocKind::Agenda, &d.message).or_else(|| {
            key_on(this)
                .and_then(|k| field_name(DocKind::Agenda, k))
                .map(str::to_string)
        })
    };
    match key {
        Some(k) => format!("entries[{item}].{k}"),
        None => format!("entries[{item}]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_lines_map_to_fields() {
        let yaml = "titre: A\ngalerie:\n  - photo: a.jpg\n    texte: A\n  - photo: b.jpg\n    legende: B\n";
        assert_eq!(yaml_field(DocKind::Post, yaml, 0).as_deref(), Some("title"));
        assert_eq!(
            yaml_field(DocKind::Post, yaml, 1).as_deref(),
            Some("photos")
        );
        assert_eq!(
            yaml_field(DocKind::Post, yaml, 3).as_deref(),
            Some("photos[0].alt")
        );
        assert_eq!(
            yaml_field(DocKind::Post, yaml, 5).as_deref(),
            Some("photos[1].caption")
        );
    }

    #[test]
    fn body_lines_map_to_sessions() {
        let body = "## Français\nLecture.\n\n## Maths\nCalcul.\n";
        assert_eq!(body_field(DocKind::CahierDay, body, 1), "sessions[0].text");
        assert_eq!(
            body_field(DocKind::CahierDay, body, 3),
            "sessions[1].subject"
        );
        assert_eq!(body_field(DocKind::CahierDay, body, 4), "sessions[1].text");
        let list = "Intro\n\n## Lecture\n- [A](https://a.fr)\n- [B](b.pdf) — fiche\n";
        assert_eq!(body_field(DocKind::Resources, list, 0), "intro");
        assert_eq!(
            body_field(DocKind::Resources, list, 4),
            "sections[0].entries[1].url"
        );
    }
}
