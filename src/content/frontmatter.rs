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
    #[serde(rename = "titre")]
    pub title: String,
    /// Audience (`acces:`), resolved later.
    #[serde(default, rename = "acces")]
    pub audience: Option<String>,
    /// Position in the main menu.
    #[serde(default, rename = "ordre")]
    pub order: Option<i64>,
    /// Kept out of the build when true.
    #[serde(
        default,
        rename = "brouillon",
        deserialize_with = "crate::yaml::boolean"
    )]
    pub draft: bool,
    /// The image rights of the people in its photos were collected.
    #[serde(
        default,
        rename = "droit_image",
        deserialize_with = "crate::yaml::boolean"
    )]
    pub image_rights: bool,
}

/// Front matter of a news post (school or class).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostMeta {
    /// Title.
    #[serde(rename = "titre")]
    pub title: String,
    /// Publication date.
    pub date: Date,
    /// Summary for lists.
    #[serde(default, rename = "resume")]
    pub summary: Option<String>,
    /// Audience.
    #[serde(default, rename = "acces")]
    pub audience: Option<String>,
    /// Kept out of the build when true.
    #[serde(
        default,
        rename = "brouillon",
        deserialize_with = "crate::yaml::boolean"
    )]
    pub draft: bool,
    /// Author's name.
    #[serde(default, rename = "auteur")]
    pub author: Option<String>,
    /// The image rights of the people in its photos were collected.
    #[serde(
        default,
        rename = "droit_image",
        deserialize_with = "crate::yaml::boolean"
    )]
    pub image_rights: bool,
    /// Photos of the post folder shown as a gallery.
    #[serde(default, rename = "galerie")]
    pub gallery: Vec<GalleryItem>,
}

/// One photo of a gallery.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct GalleryItem {
    /// File name, beside the post.
    pub photo: String,
    /// Text alternative: what the photo shows.
    #[serde(rename = "texte")]
    pub alt: String,
    /// Caption.
    #[serde(default, rename = "legende")]
    pub caption: Option<String>,
}

/// Front matter of a cahier de textes day.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CahierMeta {
    /// The day (must agree with the file name).
    #[serde(default)]
    pub date: Option<Date>,
    /// Homework given that day.
    #[serde(default, rename = "a_faire")]
    pub homework: Vec<Homework>,
    /// Audience.
    #[serde(default, rename = "acces")]
    pub audience: Option<String>,
    /// Kept out of the build when true.
    #[serde(
        default,
        rename = "brouillon",
        deserialize_with = "crate::yaml::boolean"
    )]
    pub draft: bool,
}

/// One piece of homework.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Homework {
    /// Due date.
    #[serde(rename = "pour")]
    pub due: Date,
    /// Discipline.
    #[serde(rename = "matiere")]
    pub subject: String,
    /// What to do.
    #[serde(rename = "travail")]
    pub work: String,
}

/// Front matter of a resource list.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourcesMeta {
    /// Title (default « Ressources »).
    #[serde(default, rename = "titre")]
    pub title: Option<String>,
    /// Kept for next year's class by `preau annee` when true.
    #[serde(default, rename = "garder", deserialize_with = "crate::yaml::boolean")]
    pub keep: bool,
    /// Audience.
    #[serde(default, rename = "acces")]
    pub audience: Option<String>,
    /// Kept out of the build when true.
    #[serde(
        default,
        rename = "brouillon",
        deserialize_with = "crate::yaml::boolean"
    )]
    pub draft: bool,
}

/// One event of an `agenda.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventMeta {
    /// Title.
    #[serde(rename = "titre")]
    pub title: String,
    /// First day.
    pub date: Date,
    /// Last day (inclusive).
    #[serde(default, rename = "fin")]
    pub end: Option<Date>,
    /// Start time.
    #[serde(default, rename = "heure")]
    pub time: Option<Time>,
    /// End time.
    #[serde(default, rename = "heure_fin")]
    pub end_time: Option<Time>,
    /// Place.
    #[serde(default, rename = "lieu")]
    pub place: Option<String>,
    /// Details.
    #[serde(default)]
    pub description: Option<String>,
    /// Audience.
    #[serde(default, rename = "acces")]
    pub audience: Option<String>,
}

/// One entry of `documents.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentMeta {
    /// File name, relative to `documents/`.
    #[serde(rename = "fichier")]
    pub file: String,
    /// Title.
    #[serde(rename = "titre")]
    pub title: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Audience.
    #[serde(default, rename = "acces")]
    pub audience: Option<String>,
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
