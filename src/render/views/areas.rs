//! The families' and the staff's areas (`area.html`), the staff's archives
//! of past years, and the public shell of every restricted area
//! (`shell.html`), which asks for the code and reveals nothing.

use std::collections::BTreeMap;

use serde::Serialize;

use super::context::{DocumentView, EventView, Link, PageView};
use super::{school_events, Job};
use crate::config::{Audience, School};
use crate::content::{archives, Content, Kind, Page};
use crate::dates::Date;
use crate::layout::{self, index_file};

/// The context of `area.html`.
#[derive(Serialize)]
struct Area<'a> {
    title: &'a str,
    news: Vec<PageView<'a>>,
    /// Its pages (in the staff area, also the archives of past years).
    pages: Vec<Link>,
    events: Vec<EventView<'a>>,
    documents: Vec<DocumentView<'a>>,
}

/// The areas of the families and of the staff, when they have content;
/// `news` is every school news item, newest first.
pub fn jobs(jobs: &mut Vec<Job>, school: &School, content: &Content, news: &[&Page], today: Date) {
    let school_events = school_events(content);
    for area in [Audience::Families, Audience::Staff] {
        if area == school.default_audience {
            continue;
        }
        let mine = |a: &Audience| a == &area;
        let area_news: Vec<&Page> = news.iter().copied().filter(|p| mine(&p.audience)).collect();
        // Archived classes (`preau annee`) are listed once each, not page by page.
        let mut pages: Vec<Link> = content
            .of_kind(Kind::Page)
            .filter(|p| mine(&p.audience) && !archives::is_archive(&p.source))
            .map(|p| Link::new(&p.title, &p.path))
            .collect();
        if area == Audience::Staff {
            pages.extend(archive_jobs(jobs, content));
        }
        let events: Vec<_> = school_events
            .iter()
            .copied()
            .filter(|e| mine(&e.audience))
            .collect();
        let documents: Vec<_> = content
            .documents
            .iter()
            .filter(|d| mine(&d.audience))
            .collect();
        if area_news.is_empty() && pages.is_empty() && events.is_empty() && documents.is_empty() {
            continue;
        }
        let context = Area {
            title: area_title(&area),
            news: PageView::all(&area_news),
            pages,
            events: EventView::all(&events, today),
            documents: DocumentView::all(&documents),
        };
        jobs.push(Job::new(
            index_file(&layout::area_path(&area)),
            "area.html",
            &context,
            &area,
        ));
    }
}

/// One page per archived class, listing its pages, in the staff area;
/// returns the links to them (newest year first).
fn archive_jobs(jobs: &mut Vec<Job>, content: &Content) -> Vec<Link> {
    let mut classes: BTreeMap<(String, String), Vec<&Page>> = BTreeMap::new();
    for page in content.of_kind(Kind::Page) {
        if let Some(key) = archives::year_and_class(&page.source) {
            classes.entry(key).or_default().push(page);
        }
    }
    let mut links = Vec::new();
    for ((year, class), pages) in classes.iter().rev() {
        let path = layout::archive(year, class, "");
        let title = format!("Archives {year} — classe {}", class.to_uppercase());
        let context = Area {
            title: &title,
            news: Vec::new(),
            pages: pages.iter().map(|p| Link::new(&p.title, &p.path)).collect(),
            events: Vec::new(),
            documents: Vec::new(),
        };
        jobs.push(Job::new(
            index_file(&path),
            "area.html",
            &context,
            &Audience::Staff,
        ));
        links.push(Link::new(title, path));
    }
    links
}

/// The title of the families' or the staff's area.
fn area_title(audience: &Audience) -> &'static str {
    match audience {
        Audience::Staff => "Espace de l'équipe",
        _ => "Espace des familles",
    }
}

/// The title of an area's shell.
fn shell_title(audience: &Audience, school: &School) -> String {
    match audience {
        Audience::Class(id) => format!(
            "Espace de la classe {}",
            school.class(id).map(|c| c.name.as_str()).unwrap_or(id)
        ),
        other => area_title(other).to_string(),
    }
}

/// The context of `shell.html`.
#[derive(Serialize)]
pub struct Shell {
    title: String,
    /// Every area of the school, for « Mes espaces » (the page shows
    /// those this browser opened).
    areas: Vec<AreaLink>,
    /// This area, for the script that opens it.
    area: AreaKeys,
}

/// An area in « Mes espaces ».
#[derive(Clone, Serialize)]
struct AreaLink {
    /// Its audience (`cm1`, `familles`, `equipe`).
    id: String,
    path: String,
    title: String,
}

/// Where the script finds an area's sealed index and key ring.
#[derive(Serialize)]
struct AreaKeys {
    id: String,
    /// Address of its sealed index.
    index: String,
    /// The index's id (associated data of its encryption).
    index_id: String,
    /// Address of the key ring.
    key_ring: String,
    /// True for a class's area.
    class: bool,
}

/// The shell of each area: (audience, its address, context); `areas`
/// gives each area's index blob (site path).
pub fn shell_contexts(
    school: &School,
    areas: &[(Audience, String)],
) -> Vec<(Audience, String, Shell)> {
    let links: Vec<AreaLink> = areas
        .iter()
        .map(|(a, _)| AreaLink {
            id: a.id(),
            path: layout::area_path(a),
            title: shell_title(a, school),
        })
        .collect();
    let base = &school.base_path;
    areas
        .iter()
        .map(|(audience, index)| {
            let shell = Shell {
                title: shell_title(audience, school),
                areas: links.clone(),
                area: AreaKeys {
                    id: audience.id(),
                    index: format!("{base}{index}"),
                    index_id: layout::index_id(audience),
                    key_ring: format!("{base}{}", layout::KEY_RING),
                    class: matches!(audience, Audience::Class(_)),
                },
            };
            (audience.clone(), layout::area_path(audience), shell)
        })
        .collect()
}
