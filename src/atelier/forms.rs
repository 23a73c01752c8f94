//! The atelier's form values (JSON between the browser and this library)
//! and how they are read from a file's text.
//!
//! Field names are English; the files keep the French keys the book shows
//! (`titre`, `date`, `acces`, `a_faire`…). Optional values are strings where
//! `""` means "the key is absent" (the default applies), so that a form
//! never has to tell `null` from an empty box.
//!
//! (About 540 lines of code, the rest its tests: the four forms and their reading from the files, each beside the format it mirrors.)

use serde::{Deserialize, Serialize};
use serde_yaml::{Mapping, Value};

use super::yamledit;

/// The kind of a file the atelier edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// A class post (`classes/<id>/blog/…`) or school news (`actualites/…`).
    Post,
    /// A day of the cahier de textes (`classes/<id>/cahier/AAAA-MM-JJ.md`).
    CahierDay,
    /// A class's resource list (`classes/<id>/ressources.md`).
    Resources,
    /// An agenda (`agenda.yaml`, `classes/<id>/agenda.yaml`).
    Agenda,
}

/// A post: front matter keys `titre`, `date`, `acces`, `resume`, `auteur`,
/// `droit_image`, `brouillon`, `galerie`, then the markdown text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PostForm {
    /// `titre`.
    pub title: String,
    /// `date`, `AAAA-MM-JJ`.
    pub date: String,
    /// `acces`: `""` (default: the class, or the school's default for
    /// school news), `public`, `classe`, `familles`, `equipe`, `classe:<id>`.
    pub audience: String,
    /// `resume` (`""`: the first paragraph is used).
    pub summary: String,
    /// `auteur` (`""`: none shown).
    pub author: String,
    /// The markdown text after the front matter.
    pub body: String,
    /// `galerie`, in gallery order.
    pub photos: Vec<PhotoForm>,
    /// `droit_image: true`: the families' image-rights consent was collected
    /// (required for a photo on a public page).
    pub image_rights: bool,
    /// `brouillon: true`: kept out of the site.
    pub draft: bool,
}

/// One photo of a post's gallery (`galerie:` item).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PhotoForm {
    /// `photo`: the file name, beside the post.
    pub file: String,
    /// `texte`: the text alternative (what the photo shows).
    pub alt: String,
    /// `legende` (`""`: no caption).
    pub caption: String,
}

/// A cahier de textes day: `a_faire` in the front matter, one `## Matière`
/// section per séance in the text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CahierDayForm {
    /// The day, `AAAA-MM-JJ`: the file name (read only once the file exists).
    pub date: String,
    /// Markdown before the first `## ` heading (usually empty).
    pub intro: String,
    /// The séances, in order.
    pub sessions: Vec<SessionForm>,
    /// `a_faire`, in order.
    pub homework: Vec<HomeworkForm>,
    /// `acces` (`""`: the class).
    pub audience: String,
    /// `brouillon: true`.
    pub draft: bool,
}

/// One séance: `## {subject}` then its markdown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionForm {
    /// The discipline (the heading).
    pub subject: String,
    /// The markdown under the heading.
    pub text: String,
}

/// One `a_faire` item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HomeworkForm {
    /// `pour`: the due date, `AAAA-MM-JJ`.
    pub due: String,
    /// `matiere`.
    pub subject: String,
    /// `travail`.
    pub work: String,
}

/// A resource list: sections (`## Rubrique`) of links `- [titre](adresse) — description`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResourcesForm {
    /// `titre` (`""`: « Ressources »).
    pub title: String,
    /// `garder: true`: kept for next year's class by `preau annee`.
    pub keep: bool,
    /// `acces` (`""`: the class).
    pub audience: String,
    /// `brouillon: true`.
    pub draft: bool,
    /// Markdown before the first section.
    pub intro: String,
    /// The sections, in order.
    pub sections: Vec<ResourceSection>,
}

/// One `## ` section of a resource list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResourceSection {
    /// The heading.
    pub heading: String,
    /// Its links, in order.
    pub entries: Vec<ResourceEntry>,
    /// Any other markdown of the section (written after the links).
    pub notes: String,
}

/// One link of a resource list: `- [title](url) — description`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResourceEntry {
    /// The link text.
    pub title: String,
    /// A web address or a file of the class (`ressources/fiche.pdf`).
    pub url: String,
    /// What it is (`""`: none).
    pub description: String,
}

/// An agenda file: a list of events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AgendaForm {
    /// The events, in the file's order.
    pub entries: Vec<EventForm>,
}

/// One event (`- titre: …`); `""` is an absent key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventForm {
    /// `titre`.
    pub title: String,
    /// `date`: first day, `AAAA-MM-JJ`.
    pub date: String,
    /// `fin`: last day.
    pub end: String,
    /// `heure`: `HH:MM`.
    pub time: String,
    /// `heure_fin`: `HH:MM`.
    pub end_time: String,
    /// `lieu`.
    pub place: String,
    /// `description`.
    pub description: String,
    /// `acces`.
    pub audience: String,
}

/// A file of the atelier, as a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Document {
    /// A post or school news.
    Post(PostForm),
    /// A cahier day.
    CahierDay(CahierDayForm),
    /// A resource list.
    Resources(ResourcesForm),
    /// An agenda.
    Agenda(AgendaForm),
}

impl Document {
    /// Its kind.
    pub fn kind(&self) -> DocKind {
        match self {
            Document::Post(_) => DocKind::Post,
            Document::CahierDay(_) => DocKind::CahierDay,
            Document::Resources(_) => DocKind::Resources,
            Document::Agenda(_) => DocKind::Agenda,
        }
    }

    /// An empty document of a kind (what a new file starts from).
    pub fn empty(kind: DocKind) -> Document {
        match kind {
            DocKind::Post => Document::Post(PostForm::default()),
            DocKind::CahierDay => Document::CahierDay(CahierDayForm::default()),
            DocKind::Resources => Document::Resources(ResourcesForm::default()),
            DocKind::Agenda => Document::Agenda(AgendaForm::default()),
        }
    }

    /// Reads a file's text as a form of `kind`. `stem` is the file name
    /// without extension (a cahier day's date). Errors are French.
    pub fn parse(kind: DocKind, text: &str, stem: &str) -> Result<Document, String> {
        if kind == DocKind::Agenda {
            let list = parse_yaml(text)?;
            let items = match list {
                Value::Null => Vec::new(),
                Value::Sequence(items) => items,
                _ => {
                    return Err(
                        "le fichier d'agenda doit être une liste d'événements (« - titre: … »)"
                            .into(),
                    )
                }
            };
            let mut entries = Vec::new();
            for item in items {
                let Value::Mapping(m) = item else {
                    return Err("chaque événement de l'agenda commence par « - titre: … »".into());
                };
                entries.push(EventForm {
                    title: text_of(&m, "titre"),
                    date: text_of(&m, "date"),
                    end: text_of(&m, "fin"),
                    time: text_of(&m, "heure"),
                    end_time: text_of(&m, "heure_fin"),
                    place: text_of(&m, "lieu"),
                    description: text_of(&m, "description"),
                    audience: text_of(&m, "acces"),
                });
            }
            return Ok(Document::Agenda(AgendaForm { entries }));
        }
        let split = crate::content::frontmatter::split(text)?;
        let meta = match parse_yaml(split.yaml)? {
            Value::Null => Mapping::new(),
            Value::Mapping(m) => m,
            _ => return Err("l'en-tête doit être une suite de clés « clé: valeur »".into()),
        };
        let body = split.body;
        Ok(match kind {
            DocKind::Post => Document::Post(PostForm {
                title: text_of(&meta, "titre"),
                date: text_of(&meta, "date"),
                audience: text_of(&meta, "acces"),
                summary: text_of(&meta, "resume"),
                author: text_of(&meta, "auteur"),
                body: body.to_string(),
                photos: list_of(&meta, "galerie")
                    .iter()
                    .map(|m| PhotoForm {
                        file: text_of(m, "photo"),
                        alt: text_of(m, "texte"),
                        caption: text_of(m, "legende"),
                    })
                    .collect(),
                image_rights: flag(&meta, "droit_image"),
                draft: flag(&meta, "brouillon"),
            }),
            DocKind::CahierDay => {
                let (intro, sections) = split_sections(body);
                Document::CahierDay(CahierDayForm {
                    date: stem.to_string(),
                    intro,
                    sessions: sections
                        .into_iter()
                        .map(|(subject, text)| SessionForm { subject, text })
                        .collect(),
                    homework: list_of(&meta, "a_faire")
                        .iter()
                        .map(|m| HomeworkForm {
                            due: text_of(m, "pour"),
                            subject: text_of(m, "matiere"),
                            work: text_of(m, "travail"),
                        })
                        .collect(),
                    audience: text_of(&meta, "acces"),
                    draft: flag(&meta, "brouillon"),
                })
            }
            DocKind::Resources => {
                let (intro, sections) = split_sections(body);
                Document::Resources(ResourcesForm {
                    title: text_of(&meta, "titre"),
                    keep: flag(&meta, "garder"),
                    audience: text_of(&meta, "acces"),
                    draft: flag(&meta, "brouillon"),
                    intro,
                    sections: sections
                        .into_iter()
                        .map(|(heading, text)| resource_section(heading, &text))
                        .collect(),
                })
            }
            DocKind::Agenda => unreachable!("handled above"),
        })
    }
}

/// Parses YAML leniently (any keys), with the build's size and depth limits
/// and French messages.
fn parse_yaml(text: &str) -> Result<Value, String> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    crate::yaml::parse::<Value>(text, std::path::Path::new(""), 1).map_err(|d| {
        let at = d.line.map(|l| format!(" (ligne {l})")).unwrap_or_default();
        format!("{}{at}", d.message)
    })
}

/// A scalar as text (`""` when absent or null).
fn text_of(m: &Mapping, key: &str) -> String {
    match m.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Tagged(t)) => match &t.value {
            Value::String(s) => s.clone(),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

fn flag(m: &Mapping, key: &str) -> bool {
    matches!(m.get(key), Some(Value::Bool(true)))
}

fn list_of(m: &Mapping, key: &str) -> Vec<Mapping> {
    match m.get(key) {
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::Mapping(m) => Some(m.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Splits markdown at its `## ` headings (outside code fences), as the
/// build splits a cahier day: the text before the first heading, then
/// (heading, text under it). Texts lose their surrounding blank lines.
pub fn split_sections(body: &str) -> (String, Vec<(String, String)>) {
    let mut intro = String::new();
    let mut sections: Vec<(String, String)> = Vec::new();
    let mut in_fence = false;
    for line in body.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        let trimmed = bare.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        match (!in_fence).then(|| bare.strip_prefix("## ")).flatten() {
            Some(title) => {
                let heading = title.trim().trim_end_matches('#').trim().to_string();
                sections.push((heading, String::new()));
            }
            None => match sections.last_mut() {
                Some(s) => s.1.push_str(line),
                None => intro.push_str(line),
            },
        }
    }
    let tidy = |t: &str| t.trim_start_matches(['\n', '\r']).trim_end().to_string();
    (
        tidy(&intro),
        sections.into_iter().map(|(h, t)| (h, tidy(&t))).collect(),
    )
}

/// Joins what [`split_sections`] split: intro, then `## heading` and text,
/// sections separated by a blank line, the file ending with one newline.
pub fn join_sections<'a>(intro: &str, sections: impl Iterator<Item = (&'a str, String)>) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !intro.trim().is_empty() {
        parts.push(intro.trim_end().to_string());
    }
    for (heading, text) in sections {
        let text = text.trim_end();
        if text.is_empty() {
            parts.push(format!("## {}", heading.trim()));
        } else {
            parts.push(format!("## {}\n{}", heading.trim(), text));
        }
    }
    if parts.is_empty() {
        return String::new();
    }
    format!("{}\n", parts.join("\n\n"))
}

fn resource_section(heading: String, text: &str) -> ResourceSection {
    let mut entries = Vec::new();
    let mut notes = Vec::new();
    for line in text.lines() {
        match resource_line(line) {
            Some(entry) if notes.iter().all(|n: &&str| n.trim().is_empty()) => entries.push(entry),
            _ => notes.push(line),
        }
    }
    ResourceSection {
        heading,
        entries,
        notes: notes.join("\n").trim().to_string(),
    }
}

/// `- [title](url) — description` (also `*` bullets and `-`/`–` dashes).
fn resource_line(line: &str) -> Option<ResourceEntry> {
    let rest = line
        .strip_prefix("- ")
        .or_else(|| line.strip_prefix("* "))?;
    let rest = rest.strip_prefix('[')?;
    let close = rest.find("](")?;
    let title = &rest[..close];
    let after = &rest[close + 2..];
    let end = after.find(')')?;
    let url = &after[..end];
    if url.contains(char::is_whitespace) || title.contains('[') || title.contains(']') {
        return None;
    }
    let tail = after[end + 1..].trim();
    let description = if tail.is_empty() {
        String::new()
    } else {
        tail.strip_prefix('—')
            .or_else(|| tail.strip_prefix('–'))
            .or_else(|| tail.strip_prefix("- "))?
            .trim()
            .to_string()
    };
    Some(ResourceEntry {
        title: title.to_string(),
        url: url.to_string(),
        description,
    })
}

/// The markdown of a resource section's body.
pub fn resource_text(section: &ResourceSection) -> String {
    let mut lines: Vec<String> = section
        .entries
        .iter()
        .map(|e| {
            let mut line = format!("- [{}]({})", e.title.trim(), e.url.trim());
            if !e.description.trim().is_empty() {
                line.push_str(" — ");
                line.push_str(e.description.trim());
            }
            line
        })
        .collect();
    if !section.notes.trim().is_empty() {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(section.notes.trim().to_string());
    }
    lines.join("\n")
}

/// Renders an optional scalar key: `None` when the value is empty (the key
/// goes away).
pub(crate) fn scalar_key(key: &str, value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| format!("{key}: {}\n", yamledit::scalar(value)))
}

/// Renders a date key: plain when it is a date, quoted otherwise (kept as
/// typed so that nothing is lost; `preau check` reports it).
pub(crate) fn date_key(key: &str, value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let plain = crate::dates::Date::parse(value).is_ok_and(|d| d.iso() == value);
    Some(if plain {
        format!("{key}: {value}\n")
    } else {
        format!("{key}: {}\n", yamledit::quoted(value))
    })
}

/// Renders a time key, always quoted as the book writes it (`"08:45"`).
pub(crate) fn time_key(key: &str, value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| format!("{key}: {}\n", yamledit::quoted(value)))
}

/// Renders a boolean key: `key: true`, or nothing for false.
pub(crate) fn flag_key(key: &str, on: bool) -> Option<String> {
    on.then(|| format!("{key}: true\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_split_and_join_back() {
        let body = "## Français\nLecture.\n\n## Mathématiques\nFractions.\n";
        let (intro, sections) = split_sections(body);
        assert_eq!(intro, "");
        assert_eq!(
            sections,
            vec![
                ("Français".to_string(), "Lecture.".to_string()),
                ("Mathématiques".to_string(), "Fractions.".to_string())
            ]
        );
        let joined = join_sections(
            &intro,
            sections.iter().map(|(h, t)| (h.as_str(), t.clone())),
        );
        assert_eq!(joined, body);
    }

    #[test]
    fn headings_in_code_fences_are_text() {
        let (_, sections) = split_sections("## A\n```\n## pas un titre\n```\n");
        assert_eq!(sections.len(), 1);
    }

    #[test]
    fn resource_lines_are_entries() {
        let s = resource_section(
            "Lecture".into(),
            "- [Lumni](https://www.lumni.fr) — vidéos.\n- [Fiche](ressources/f.pdf)",
        );
        assert_eq!(s.entries.len(), 2);
        assert_eq!(s.entries[0].description, "vidéos.");
        assert_eq!(
            resource_text(&s),
            "- [Lumni](https://www.lumni.fr) — vidéos.\n- [Fiche](ressources/f.pdf)"
        );
    }

    #[test]
    fn document_json_is_tagged_by_kind() {
        let doc = Document::Post(PostForm {
            title: "Sortie".into(),
            ..Default::default()
        });
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(json["kind"], "post");
        assert_eq!(json["title"], "Sortie");
        let back: Document =
            serde_json::from_str(r#"{"kind":"cahier_day","date":"2026-11-20"}"#).unwrap();
        assert_eq!(back.kind(), DocKind::CahierDay);
    }
}
