//! The school's content: every markdown page, agenda event and document,
//! read from the school folder into plain data (the site model).
//!
//! Loading happens in three passes: find the files ([`walk`]), parse each
//! one's front matter ([`pages`], [`data`]), then render markdown with every
//! link resolved against the full list of pages ([`links`]). Problems never
//! stop the load; they go to [`Diagnostics`] so that all are reported at once.

pub mod archives;
pub mod attachments;
pub mod data;
pub mod frontmatter;
pub mod links;
pub mod pages;
pub mod placeholders;
pub mod walk;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

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
    #[serde(rename = "matiere")]
    pub subject: String,
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
    /// The page states that image rights were collected (`droit_image`);
    /// the theme says so under the page, where the IEN's report finds it.
    pub image_rights: bool,
    /// Gallery photos (URL resolved when rendered).
    pub gallery: Vec<GalleryPhoto>,
    /// Markdown body (before rendering).
    #[serde(skip)]
    pub body: String,
    /// Line of the source file where the body starts.
    #[serde(skip)]
    pub body_line: usize,
}

/// A photo of a post's gallery.
#[derive(Debug, Clone, Serialize)]
pub struct GalleryPhoto {
    /// File name as written.
    #[serde(skip)]
    pub file: String,
    /// Resolved URL.
    pub src: String,
    /// Text alternative.
    pub alt: String,
    /// Caption.
    pub caption: Option<String>,
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

/// Pages rendered by a previous load, reused by the preview server for the
/// files that did not change (same size and modification time) as long as
/// the set of files and the configuration did not change either.
#[derive(Default)]
pub struct ContentCache {
    shape: u64,
    entries: HashMap<PathBuf, Cached>,
}

struct Cached {
    stamp: (Option<SystemTime>, u64),
    page: Option<Page>,
    findings: Vec<Diagnostic>,
    assets: Vec<Asset>,
}

impl Content {
    /// Reads the whole school folder. Problems go to `diags`.
    pub fn load(root: &Path, school: &School, diags: &Diagnostics) -> Content {
        Content::load_cached(root, school, diags, &mut ContentCache::default())
    }

    /// Like [`Content::load`], reusing what `cache` holds for unchanged files.
    pub fn load_cached(
        root: &Path,
        school: &School,
        diags: &Diagnostics,
        cache: &mut ContentCache,
    ) -> Content {
        let sources = walk::discover(root, school, diags);
        placeholders::scan_yaml_files(root, school, diags);
        let shape = shape_of(root, school);
        if shape != cache.shape {
            cache.entries.clear();
            cache.shape = shape;
        }
        // Parse what changed; take the rest from the cache.
        let stamps: Vec<(Option<SystemTime>, u64)> =
            sources.iter().map(|s| stamp(root, s)).collect();
        let parsed: Vec<(Option<Page>, Option<Vec<Diagnostic>>)> = sources
            .par_iter()
            .enumerate()
            .map(|(i, source)| {
                match cache
                    .entries
                    .get(&source.rel)
                    .filter(|c| c.stamp == stamps[i])
                {
                    Some(c) => (c.page.clone(), None),
                    None => {
                        let local = Diagnostics::new();
                        let page = pages::parse(root, source, school, &local);
                        (page, Some(local.into_sorted()))
                    }
                }
            })
            .collect();
        let mut pages = Vec::new();
        for (i, (page, fresh)) in parsed.into_iter().enumerate() {
            let is_fresh = fresh.is_some();
            if let Some(found) = fresh {
                cache.entries.insert(
                    sources[i].rel.clone(),
                    Cached {
                        stamp: stamps[i],
                        page: None,
                        findings: found,
                        assets: Vec::new(),
                    },
                );
            }
            if let Some(page) = page {
                pages.push((page, is_fresh));
            }
        }
        pages.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        let fresh: Vec<bool> = pages.iter().map(|(_, f)| *f).collect();
        let mut pages: Vec<Page> = pages.into_iter().map(|(p, _)| p).collect();
        check_duplicate_paths(&pages, diags);

        let events = data::load_events(root, school, diags);
        let documents = data::load_documents(root, school, diags);

        let table = links::LinkTable::new(root, school, &pages, &documents, &sources);
        for (i, (found, assets)) in links::render_some(&mut pages, &fresh, &table, school) {
            let entry = cache
                .entries
                .get_mut(&pages[i].source)
                .expect("parsed above");
            entry.findings.extend(found);
            entry.assets = assets;
            entry.page = Some(pages[i].clone());
        }
        // Every source's problems and assets, cached or fresh.
        let mut assets = Vec::new();
        for source in &sources {
            if let Some(entry) = cache.entries.get(&source.rel) {
                for d in &entry.findings {
                    diags.push(archives::soften_if_archived(&source.rel, d.clone()));
                }
                assets.extend(entry.assets.iter().cloned());
            }
        }
        Content {
            pages,
            events,
            documents,
            assets: links::merge_assets(assets),
        }
    }

    /// Pages of one kind, in output-path order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Page> {
        self.pages.iter().filter(move |p| p.kind == kind)
    }
}

/// Size and modification time of a source (embedded pages: their length).
fn stamp(root: &Path, source: &walk::Source) -> (Option<SystemTime>, u64) {
    match &source.embedded {
        Some(text) => (None, text.len() as u64),
        None => std::fs::metadata(root.join(&source.rel))
            .map(|m| (m.modified().ok(), m.len()))
            .unwrap_or((None, u64::MAX)),
    }
}

/// A fingerprint of what every page's rendering depends on besides its own
/// file: the list of all files of the school (links and photos must exist)
/// and the configuration.
fn shape_of(root: &Path, school: &School) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(school)
        .unwrap_or_default()
        .hash(&mut h);
    let walker = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            !(e.depth() > 0
                && e.file_type().is_dir()
                && walk::is_ignored_dir(&e.file_name().to_string_lossy()))
        });
    for entry in walker.filter_map(|e| e.ok()) {
        entry.path().hash(&mut h);
    }
    h.finish()
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
