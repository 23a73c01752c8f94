//! The school's home page (`home.html`): public content only.

use serde::Serialize;

use super::context::{EventView, PageView};
use super::{is_upcoming, school_events, Job};
use crate::config::{Audience, School};
use crate::content::{Content, Kind, Page};
use crate::dates::Date;
use crate::layout::{self, index_file};

/// The context of `home.html`.
#[derive(Serialize)]
struct Home<'a> {
    /// The school's name.
    title: &'a str,
    /// `pages/accueil.md`, when there is one.
    page: Option<PageView<'a>>,
    /// The four latest public news.
    news: Vec<PageView<'a>>,
    /// The next five public events of the school.
    events: Vec<EventView<'a>>,
}

/// The home page; `news` is every school news item, newest first.
pub fn jobs(jobs: &mut Vec<Job>, school: &School, content: &Content, news: &[&Page], today: Date) {
    let public_news: Vec<&Page> = news
        .iter()
        .copied()
        .filter(|p| p.audience.is_public())
        .take(4)
        .collect();
    let upcoming: Vec<_> = school_events(content)
        .into_iter()
        .filter(|e| e.audience.is_public() && is_upcoming(e, today))
        .take(5)
        .collect();
    let home = content
        .pages
        .iter()
        .find(|p| p.kind == Kind::Page && p.path.is_empty());
    let context = Home {
        title: &school.file.name,
        page: home.map(PageView::of),
        news: PageView::all(&public_news),
        events: EventView::all(&upcoming, today),
    };
    jobs.push(Job::new(
        index_file(layout::HOME),
        "home.html",
        &context,
        &Audience::Public,
    ));
}
