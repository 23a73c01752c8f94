//! The views of the site: which page is rendered with which template and
//! which typed context, one file per area of the site. Plain functions from
//! the site model to [`Job`]s; the vocabulary shared by every template is
//! in [`context`].

mod agenda;
mod areas;
mod cahier;
mod classes;
pub mod context;
mod home;
mod news;
mod pages;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::feeds;
use crate::config::{Audience, School};
use crate::content::{Content, Event, Kind, Page};
use crate::dates::Date;
use crate::layout;
use crate::output::Output;

pub use areas::shell_contexts;

/// One HTML page to render.
pub struct Job {
    /// Output file path (`classes/cm1/index.html`).
    pub path: String,
    /// Template name.
    pub template: String,
    /// The page's own context (typed where it is made), merged over the
    /// [`context::Frame`] and `site`.
    pub context: Value,
    /// Who may read it.
    pub audience: Audience,
}

impl Job {
    /// The page at `path` rendered with `template` and `context`.
    fn new(
        path: impl Into<String>,
        template: &str,
        context: &impl Serialize,
        audience: &Audience,
    ) -> Job {
        Job {
            path: path.into(),
            template: template.to_string(),
            // Contexts are plain structs of strings, numbers and dates.
            context: serde_json::to_value(context).expect("a template context serializes"),
            audience: audience.clone(),
        }
    }
}

/// Who may read, as a short name (« CM1 de Mme Martin »), for the preview banner.
pub fn audience_name(school: &School, audience: &Audience) -> String {
    match audience {
        Audience::Public => "tout le monde".into(),
        Audience::Families => "les familles de l'école".into(),
        Audience::Class(id) => school
            .class(id)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| id.clone()),
        Audience::Staff => "l'équipe de l'école".into(),
    }
}

/// Who may read, in words (« aux familles de la classe … »), for banners.
pub fn audience_label(school: &School, audience: &Audience) -> String {
    match audience {
        Audience::Public => "à tout le monde".into(),
        Audience::Families => "aux familles de l'école".into(),
        Audience::Class(id) => match school.class(id) {
            Some(c) => format!("aux familles de la classe {}", c.name),
            None => format!("aux familles de la classe {id}"),
        },
        Audience::Staff => "à l'équipe de l'école".into(),
    }
}

/// Newest first, then by title for a stable order.
fn newest_first<'a>(pages: impl Iterator<Item = &'a Page>) -> Vec<&'a Page> {
    let mut list: Vec<&Page> = pages.collect();
    list.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title)));
    list
}

fn is_upcoming(event: &Event, today: Date) -> bool {
    event.end.unwrap_or(event.date) >= today
}

/// True when readers of `view` may see an item of audience `item`.
fn visible(item: &Audience, view: &Audience) -> bool {
    item.is_public() || item == view
}

/// The pages grouped by audience, so that "previous/next" links never
/// cross from one audience to another.
fn by_audience<'a>(pages: &[&'a Page]) -> BTreeMap<Audience, Vec<&'a Page>> {
    let mut groups: BTreeMap<Audience, Vec<&Page>> = BTreeMap::new();
    for p in pages {
        groups.entry(p.audience.clone()).or_default().push(p);
    }
    groups
}

/// The school's events (not a class's).
fn school_events(content: &Content) -> Vec<&Event> {
    content
        .events
        .iter()
        .filter(|e| e.class.is_none())
        .collect()
}

/// The pages that belong to no class: home, school news, pages, agenda,
/// areas. With [`class_jobs`] of every class, every page of the site.
pub fn school_jobs(school: &School, content: &Content, today: Date) -> Vec<Job> {
    let mut jobs = Vec::new();
    let news = newest_first(content.of_kind(Kind::News));
    home::jobs(&mut jobs, school, content, &news, today);
    news::school_jobs(&mut jobs, school, &news);
    pages::jobs(&mut jobs, content);
    agenda::jobs(&mut jobs, school, content, today);
    areas::jobs(&mut jobs, school, content, &news, today);
    jobs
}

/// The pages of one class (its home, blog, cahier, resources).
pub fn class_jobs(
    school: &School,
    content: &Content,
    class: &crate::config::Class,
    today: Date,
) -> Vec<Job> {
    let mut own = Vec::new();
    classes::jobs(&mut own, school, content, class, today);
    own
}

/// Atom, iCalendar feeds and the sitemap (of the pages already in `output`).
pub fn feeds(school: &School, content: &Content, today: Date, output: &mut Output) {
    feeds_but_sitemap(school, content, today, output);
    let public_pages = output
        .files
        .iter()
        .filter(|(_, f)| f.audience.is_public())
        .map(|(path, _)| path.as_str());
    let sitemap = sitemap(school, public_pages);
    output.add(layout::SITEMAP, Audience::Public, sitemap);
}

/// Atom and iCalendar feeds.
pub fn feeds_but_sitemap(school: &School, content: &Content, today: Date, output: &mut Output) {
    let public_news: Vec<&Page> = newest_first(
        content
            .pages
            .iter()
            .filter(|p| matches!(p.kind, Kind::News | Kind::Post) && p.audience.is_public()),
    )
    .into_iter()
    .take(30)
    .collect();
    output.add(
        layout::ATOM,
        Audience::Public,
        feeds::atom(school, &public_news).into_bytes(),
    );

    let school_events: Vec<&Event> = school_events(content)
        .into_iter()
        .filter(|e| e.audience.is_public())
        .collect();
    let name = format!("{} — agenda", school.file.name);
    output.add(
        layout::AGENDA_ICS,
        Audience::Public,
        feeds::events_ics(&name, &school_events, today).into_bytes(),
    );

    for class in &school.class_list {
        let mut days: Vec<&Page> = content
            .of_kind(Kind::CahierDay)
            .filter(|p| {
                p.class.as_deref() == Some(class.id.as_str())
                    && visible(&p.audience, &class.audience)
            })
            .collect();
        days.sort_by_key(|p| p.date);
        let name = format!("Devoirs — {}", class.name);
        output.add(
            layout::homework_ics(&class.id),
            class.audience.clone(),
            feeds::homework_ics(&name, &class.id, &days, today).into_bytes(),
        );
    }
}

/// The sitemap of the public files given (only pages are listed).
pub fn sitemap<'a>(school: &School, public_files: impl Iterator<Item = &'a str>) -> Vec<u8> {
    let mut public_paths: Vec<String> = public_files
        .filter(|path| path.ends_with("index.html"))
        .map(|path| layout::address_of(path).to_string())
        .collect();
    public_paths.sort();
    feeds::sitemap(school, &public_paths).into_bytes()
}
