//! The school's own pages (`page.html`, and the legal pages' templates
//! `mentions-legales.html`, `accessibilite.html`,
//! `donnees-personnelles.html`), the list of classes, the search page and
//! the 404 page.

use serde::Serialize;

use super::context::{PageView, TitleOnly};
use super::Job;
use crate::config::Audience;
use crate::content::{Content, Kind};
use crate::layout::{self, index_file};

/// The legal pages: each has its own template, which extends `page.html`.
const LEGAL: [&str; 3] = ["mentions-legales", "accessibilite", "donnees-personnelles"];

/// The context of `page.html` and of the legal pages.
#[derive(Serialize)]
struct PageContext<'a> {
    title: &'a str,
    page: PageView<'a>,
}

/// The school's pages, `classes/`, `404.html` and `recherche/`.
pub fn jobs(jobs: &mut Vec<Job>, content: &Content) {
    for page in content.of_kind(Kind::Page).filter(|p| !p.path.is_empty()) {
        let template = if LEGAL.contains(&page.slug.as_str()) {
            format!("{}.html", page.slug)
        } else {
            "page.html".to_string()
        };
        let context = PageContext {
            title: &page.title,
            page: PageView::of(page),
        };
        jobs.push(Job::new(
            index_file(&page.path),
            &template,
            &context,
            &page.audience,
        ));
    }
    let public = &Audience::Public;
    let title_only = |title| TitleOnly { title };
    jobs.push(Job::new(
        index_file(layout::CLASSES),
        "classes.html",
        &title_only("Les classes"),
        public,
    ));
    jobs.push(Job::new(
        layout::NOT_FOUND,
        "404.html",
        &title_only("Page introuvable"),
        public,
    ));
    jobs.push(Job::new(
        index_file(layout::SEARCH_PAGE),
        "search.html",
        &title_only("Rechercher"),
        public,
    ));
}
