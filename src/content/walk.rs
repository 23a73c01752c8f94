//! Finding the school's markdown files and sorting them by kind.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::Kind;
use crate::config::School;
use crate::diagnostic::{Diagnostic, Diagnostics};

/// Legal pages every site has; the embedded starter text is used when the
/// school has not written its own.
pub const LEGAL_PAGES: [&str; 3] = ["mentions-legales", "accessibilite", "donnees-personnelles"];

/// A markdown file to load.
#[derive(Debug, Clone)]
pub struct Source {
    /// Its kind.
    pub kind: Kind,
    /// Path relative to the school folder.
    pub rel: PathBuf,
    /// The class it belongs to.
    pub class: Option<String>,
    /// Text of an embedded starter page (legal pages the school did not write).
    pub embedded: Option<String>,
}

/// Folders of a school folder that hold no content.
pub fn is_ignored_dir(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "public" | "theme" | "node_modules" | "target")
}

/// Every markdown file of the school, classified; strays are warned about.
pub fn discover(root: &Path, school: &School, diags: &Diagnostics) -> Vec<Source> {
    let mut sources = Vec::new();
    let walker = WalkDir::new(root)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            !(e.file_type().is_dir() && is_ignored_dir(&e.file_name().to_string_lossy()))
        });
    for entry in walker.filter_map(|e| e.ok()) {
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root)
            .expect("walked under root")
            .to_path_buf();
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        let classified = match parts.as_slice() {
            [_] => continue, // README.md and the like at the root are not pages
            ["pages", _] => Some((Kind::Page, None)),
            ["actualites", _] | ["actualites", _, "index.md"] => Some((Kind::News, None)),
            ["classes", id, "blog", _] | ["classes", id, "blog", _, "index.md"] => {
                Some((Kind::Post, Some(*id)))
            }
            ["classes", id, "cahier", _] => Some((Kind::CahierDay, Some(*id))),
            ["classes", id, "ressources.md"] => Some((Kind::Resources, Some(*id))),
            _ => None,
        };
        match classified {
            Some((kind, class)) => {
                if let Some(id) = class {
                    if school.class(id).is_none() {
                        // Already reported by the configuration for the folder.
                        continue;
                    }
                }
                sources.push(Source { kind, rel, class: class.map(str::to_string), embedded: None });
            }
            None if is_inside_bundle(&parts) => {}
            None => diags.push(
                Diagnostic::warning(&rel, "fichier markdown ignoré : il n'est dans aucun dossier connu")
                    .hint("les pages vont dans pages/, les actualités dans actualites/, les articles de classe dans classes/<id>/blog/, le cahier dans classes/<id>/cahier/."),
            ),
        }
    }
    for slug in LEGAL_PAGES {
        let rel = PathBuf::from("pages").join(format!("{slug}.md"));
        if !root.join(&rel).exists() {
            let text = crate::theme::starter_page(slug).expect("legal pages are embedded");
            sources.push(Source {
                kind: Kind::Page,
                rel,
                class: None,
                embedded: Some(text),
            });
        }
    }
    sources
}

/// A markdown file inside a post folder (other than index.md) is part of
/// the bundle, e.g. notes the teacher keeps beside the photos.
fn is_inside_bundle(parts: &[&str]) -> bool {
    matches!(parts, ["actualites", _, _] | ["classes", _, "blog", _, _])
}
