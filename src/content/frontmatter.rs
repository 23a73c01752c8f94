//! Splitting a markdown file into its YAML front matter and its body, and
//! the front-matter schemas of each kind of file.

use serde::Deserialize;

use crate::dates::{Date, Time};

/// A markdown file cut in two, with the line where each part starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// YAML between the `---` lines (empty when there is none).
    pub yaml: &'a str,
    /// Line of the file where the YAML starts (2 when present).
    pub yaml_line: usize,
    /// Markdown after the closing `---`.
    pub body: &'a str,
    /// Line of the file where the body starts.
    pub body_line: usize,
}

/// Cuts `text`. A file that does not start with `---` has no front matter.
/// An opening `---` without a closing one is an error (French message).
pub fn split(text: &str) -> Result<Split<'_>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Ok(Split {
            yaml: "",
            yaml_line: 1,
            body: text,
            body_line: 1,
        });
    }
    let mut offset = first_end;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map(|i| offset + i + 1)
            .unwrap_or(text.len());
        if text[offset..end].trim_end() == "---" {
            return Ok(Split {
                yaml: &text[first_end..offset],
                yaml_line: 2,
                body: &text[end..],
                body_line: line + 1,
            });
        }
        offset = end;
        line += 1;
    }
    Err("l'en-tête commence par « --- » mais n'est jamais fermé".to_string())
}

/// Front matter of a school page (`pages/*.md`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    /// Title.
    pub titre: String,
    /// Audience (`acces:`), resolved later.
    #[serde(default)]
    pub acces: Option<String>,
    /// Position in the main menu.
    #[serde(default)]
    pub ordre: Option<i64>,
    /// Kept out of the build when true.
    #[serde(default, deserialize_with = "crate::yaml::boolean")]
    pub brouillon: bool,
    /// The image rights of the people in its photos were collected.
    #[serde(default, deserialize_with = "crate::yaml::boolean")]
    pub droit_image: bool,
}

/// Front matter of a news post (school or class).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostMeta {
    /// Title.
    pub titre: String,
    /// Publication date.
    pub date: Date,
    /// Summary for lists.
    #[serde(default)]
    pub resume: Option<String>,
    /// Audience.
    #[serde(default)]
    pub acces: Option<String>,
    /// Kept out of the build when true.
    #[serde(default, deserialize_with = "crate::yaml::boolean")]
    pub brouillon: bool,
    /// Author's name.
    #[serde(default)]
    pub auteur: Option<String>,
    /// The image rights of the people in its photos were collected.
    #[serde(default, deserialize_with = "crate::yaml::boolean")]
    pub droit_image: bool,
    /// Photos of the post folder shown as a gallery.
    #[serde(default)]
    pub galerie: Vec<GalleryItem>,
}

/// One photo of a gallery.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct GalleryItem {
    /// File name, beside the post.
    pub photo: String,
    /// Text alternative: what the photo shows.
    pub texte: String,
    /// Caption.
    #[serde(default)]
    pub legende: Option<String>,
}

/// Front matter of a cahier de textes day.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CahierMeta {
    /// The day (must agree with the file name).
    #[serde(default)]
    pub date: Option<Date>,
    /// Homework given that day.
    #[serde(default)]
    pub a_faire: Vec<Homework>,
    /// Audience.
    #[serde(default)]
    pub acces: Option<String>,
    /// Kept out of the build when true.
    #[serde(default, deserialize_with = "crate::yaml::boolean")]
    pub brouillon: bool,
}

/// One piece of homework.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Homework {
    /// Due date.
    pub pour: Date,
    /// Discipline.
    pub matiere: String,
    /// What to do.
    pub travail: String,
}

/// Front matter of a resource list.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourcesMeta {
    /// Title (default « Ressources »).
    #[serde(default)]
    pub titre: Option<String>,
    /// Kept for next year's class by `preau annee` when true.
    #[serde(default, deserialize_with = "crate::yaml::boolean")]
    pub garder: bool,
    /// Audience.
    #[serde(default)]
    pub acces: Option<String>,
    /// Kept out of the build when true.
    #[serde(default, deserialize_with = "crate::yaml::boolean")]
    pub brouillon: bool,
}

/// One event of an `agenda.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventMeta {
    /// Title.
    pub titre: String,
    /// First day.
    pub date: Date,
    /// Last day (inclusive).
    #[serde(default)]
    pub fin: Option<Date>,
    /// Start time.
    #[serde(default)]
    pub heure: Option<Time>,
    /// End time.
    #[serde(default)]
    pub heure_fin: Option<Time>,
    /// Place.
    #[serde(default)]
    pub lieu: Option<String>,
    /// Details.
    #[serde(default)]
    pub description: Option<String>,
    /// Audience.
    #[serde(default)]
    pub acces: Option<String>,
}

/// One entry of `documents.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentMeta {
    /// File name, relative to `documents/`.
    pub fichier: String,
    /// Title.
    pub titre: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Audience.
    #[serde(default)]
    pub acces: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_lines() {
        let s = split("---\ntitre: a\n---\n# Corps\n").unwrap();
        assert_eq!(s.yaml, "titre: a\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "# Corps\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn no_front_matter() {
        let s = split("# Corps\n").unwrap();
        assert_eq!(s.yaml, "");
        assert_eq!(s.body_line, 1);
    }

    #[test]
    fn unclosed_is_an_error() {
        assert!(split("---\ntitre: a\n").is_err());
    }
}
