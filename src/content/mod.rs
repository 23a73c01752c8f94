//! The school's content: every markdown page, agenda event and document,
//! read from the school folder into plain data (the site model).
//!
//! Loading happens in three passes: find the files ([`walk`]), parse each
//! one's front matter ([`pages`], [`data`]), then render markdown with every
//! link resolved against the full list of pages ([`links`]). Problems never
//! stop the load; they go to [`Diagnostics`] so that all are reported at once.

pub mod data;
pub mod frontmatter;
pub mod links;
pub mod pages;
pub mod walk;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

pub use frontmatter::Homework;

use crate::config::{Audience, School};
use crate::dates::{Date, Time};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// What kind of page a markdown file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A school page (`pages/*.md`), legal pages included.
    Page,
    /// School news (`actualites/`).
    News,
    /// A class blog post.
    Post,
    /// A cahier de textes day.
    CahierDay,
    /// A class resource list.
    Resources,
}

/// One séance of a cahier day: the body under one `## Matière` heading.
#[derive(Debug, Clone, Serialize)]
pub struct Session {
    /// The discipline, as written in the heading (empty for text before any heading).
    pub matiere: String,
    /// URL-safe discipline name.
    pub slug: String,
    /// Rendered HTML of the section, heading included.
    pub html: String,
}

/// A markdown page of the site.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// Its kind.
    pub kind: Kind,
    /// Source path relative to the school folder (`classes/cm1/blog/sortie.md`).
    #[serde(skip)]
    pub source: PathBuf,
    /// Output path relative to the site root, ending with `/` (`classes/cm1/blog/sortie/`).
    pub path: String,
    /// Last path segment (file stem or date).
    pub slug: String,
    /// Title, with French typography.
    pub title: String,
    /// Publication date (posts) or day (cahier).
    pub date: Option<Date>,
    /// Summary for lists: `resume` or the first paragraph.
    pub summary: String,
    /// Who may read it.
    pub audience: Audience,
    /// Class id, for class content.
    pub class: Option<String>,
    /// Author's name.
    pub author: Option<String>,
    /// Position in the main menu.
    pub order: Option<i64>,
    /// Rendered HTML.
    pub content: String,
    /// Homework given that day (cahier).
    pub homework: Vec<Homework>,
    /// Séances (cahier).
    pub sessions: Vec<Session>,
    /// Markdown body (before rendering).
    #[serde(skip)]
    pub body: String,
    /// Line of the source file where the body starts.
    #[serde(skip)]
    pub body_line: usize,
}

/// An event of the agenda.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// Title.
    pub title: String,
    /// First day.
    pub date: Date,
    /// Last day, inclusive.
    pub end: Option<Date>,
    /// Start time.
    pub time: Option<Time>,
    /// End time.
    pub end_time: Option<Time>,
    /// Place.
    pub place: Option<String>,
    /// Details.
    pub description: Option<String>,
    /// Who may see it.
    pub audience: Audience,
    /// The class it belongs to, when from `classes/<id>/agenda.yaml`.
    pub class: Option<String>,
    /// Stable identifier (for iCalendar UIDs).
    pub uid: String,
}

/// A file offered for download on the documents page.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Output path (`documents/menu.pdf`).
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Who may download it.
    pub audience: Audience,
    /// Source path relative to the school folder.
    #[serde(skip)]
    pub source: PathBuf,
}

/// A file copied to the output because a page links to it (photo, PDF…).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Asset {
    /// Source path relative to the school folder.
    pub source: PathBuf,
    /// Output path relative to the site root (mirrors the source path).
    pub path: String,
    /// Who may read it: the audience of the page that uses it.
    pub audience: Audience,
}

/// Everything the school wrote.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Every page, sorted by output path.
    pub pages: Vec<Page>,
    /// Agenda events, sorted by date.
    pub events: Vec<Event>,
    /// Downloadable documents, sorted by title.
    pub documents: Vec<Document>,
    /// Files linked from pages, by output path.
    pub assets: Vec<Asset>,
}

impl Content {
    /// Reads the whole school folder. Problems go to `diags`.
    pub fn load(root: &Path, school: &School, diags: &Diagnostics) -> Content {
        let sources = walk::discover(root, school, diags);
        let mut pages: Vec<Page> = sources
            .par_iter()
            .filter_map(|source| pages::parse(root, source, school, diags))
            .collect();
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        check_duplicate_paths(&pages, diags);

        let events = data::load_events(root, school, diags);
        let documents = data::load_documents(root, school, diags);

        let table = links::LinkTable::new(root, school, &pages, &documents, &sources);
        let assets = links::render_all(&mut pages, &table, school, diags);
        Content {
            pages,
            events,
            documents,
            assets,
        }
    }

    /// Pages of one kind, in output-path order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Page> {
        self.pages.iter().filter(move |p| p.kind == kind)
    }
}

fn check_duplicate_paths(pages: &[Page], diags: &Diagnostics) {
    let mut by_path: BTreeMap<&str, Vec<&Page>> = BTreeMap::new();
    for page in pages {
        by_path.entry(&page.path).or_default().push(page);
    }
    for (path, same) in by_path {
        if same.len() > 1 {
            let names: Vec<String> = same
                .iter()
                .map(|p| p.source.display().to_string())
                .collect();
            for page in &same[1..] {
                diags.push(
                    Diagnostic::error(
                        &page.source,
                        format!(
                            "deux fichiers donnent la même page « /{path} » : {}",
                            names.join(" et ")
                        ),
                    )
                    .hint("renommez l'un des deux fichiers.")
                    .at_line(1),
                );
            }
        }
    }
}
