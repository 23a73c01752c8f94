//! The school's agenda (`agenda.html`) and documents (`documents.html`),
//! as readers of the school's default audience see them.

use std::collections::BTreeMap;

use serde::Serialize;

use super::context::{DocumentView, EventView, Link};
use super::{school_events, visible, Job};
use crate::config::School;
use crate::content::{Content, Event};
use crate::dates::Date;
use crate::layout::{self, index_file};

/// The context of `agenda.html`.
#[derive(Serialize)]
struct Agenda<'a> {
    title: &'a str,
    /// The events, month by month.
    months: Vec<Month<'a>>,
    breadcrumbs: Vec<Link>,
}

/// The events of one month.
#[derive(Serialize)]
struct Month<'a> {
    /// Its first day (`{{ m.month | mois }}` writes « Novembre 2026 »).
    month: String,
    events: Vec<EventView<'a>>,
}

/// The context of `documents.html`.
#[derive(Serialize)]
struct Documents<'a> {
    title: &'a str,
    documents: Vec<DocumentView<'a>>,
}

/// The agenda and the documents pages.
pub fn jobs(jobs: &mut Vec<Job>, school: &School, content: &Content, today: Date) {
    let view = &school.default_audience;
    let events: Vec<&Event> = school_events(content)
        .into_iter()
        .filter(|e| visible(&e.audience, view))
        .collect();
    let agenda = Agenda {
        title: "Agenda",
        months: by_month(&events, today),
        breadcrumbs: vec![Link::new("Agenda", layout::AGENDA)],
    };
    jobs.push(Job::new(
        index_file(layout::AGENDA),
        "agenda.html",
        &agenda,
        view,
    ));
    let documents: Vec<_> = content
        .documents
        .iter()
        .filter(|d| visible(&d.audience, view))
        .collect();
    let documents = Documents {
        title: "Documents à télécharger",
        documents: DocumentView::all(&documents),
    };
    jobs.push(Job::new(
        index_file(layout::DOCUMENTS),
        "documents.html",
        &documents,
        view,
    ));
}

fn by_month<'a>(events: &[&'a Event], today: Date) -> Vec<Month<'a>> {
    let mut months: BTreeMap<String, Vec<EventView>> = BTreeMap::new();
    for e in events {
        let key = e.date.0.format("%Y-%m-01").to_string();
        months.entry(key).or_default().push(EventView::of(e, today));
    }
    months
        .into_iter()
        .map(|(month, events)| Month { month, events })
        .collect()
}
