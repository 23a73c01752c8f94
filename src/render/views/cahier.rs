//! A class's cahier de textes: by day (`cahier_days.html`, one
//! `cahier_day.html` per day), by discipline (`cahier_subjects.html`, one
//! `cahier_subject.html` per discipline) and homework to do (`cahier_todo.html`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::classes::crumbs;
use super::context::{ClassView, Link, PageView};
use super::{by_audience, Job};
use crate::config::Class;
use crate::content::Page;
use crate::dates::Date;
use crate::layout::{self, index_file};

/// A day of the cahier in a list.
#[derive(Clone, Serialize)]
pub struct DaySummary<'a> {
    pub date: Option<Date>,
    pub path: &'a str,
    /// The disciplines of its séances.
    pub subjects: Vec<&'a str>,
    /// How many pieces of homework it gives.
    pub homework_count: usize,
}

impl<'a> DaySummary<'a> {
    /// The summary of `day`.
    pub fn of(day: &'a Page) -> DaySummary<'a> {
        DaySummary {
            date: day.date,
            path: &day.path,
            subjects: day
                .sessions
                .iter()
                .filter(|s| !s.subject.is_empty())
                .map(|s| s.subject.as_str())
                .collect(),
            homework_count: day.homework.len(),
        }
    }
}

/// Homework due on one day.
#[derive(Clone, Serialize)]
pub struct HomeworkGroup<'a> {
    pub due: Date,
    pub items: Vec<HomeworkItem<'a>>,
}

/// One piece of homework, with the day that gave it.
#[derive(Clone, Serialize)]
pub struct HomeworkItem<'a> {
    pub subject: &'a str,
    pub work: &'a str,
    /// The day it was given.
    pub given_on: Option<Date>,
    /// Site path of that day.
    pub path: &'a str,
}

/// The context of `cahier_days.html`.
#[derive(Serialize)]
struct Days<'a> {
    title: String,
    class: ClassView<'a>,
    /// The days, month by month, newest first.
    months: Vec<DaysOfMonth<'a>>,
    breadcrumbs: Vec<Link>,
}

/// The days of one month.
#[derive(Serialize)]
struct DaysOfMonth<'a> {
    /// Its first day (`{{ m.month | mois }}`).
    month: String,
    days: Vec<DaySummary<'a>>,
}

/// The context of `cahier_day.html`.
#[derive(Serialize)]
struct Day<'a> {
    title: String,
    page: PageView<'a>,
    class: ClassView<'a>,
    previous: Option<DayLink<'a>>,
    next: Option<DayLink<'a>>,
    breadcrumbs: Vec<Link>,
}

/// A neighbouring day.
#[derive(Serialize)]
struct DayLink<'a> {
    date: Option<Date>,
    path: &'a str,
}

/// The context of `cahier_subjects.html`.
#[derive(Serialize)]
struct Subjects<'a> {
    title: String,
    class: ClassView<'a>,
    subjects: Vec<SubjectLink>,
    breadcrumbs: Vec<Link>,
}

/// A discipline in the list.
#[derive(Serialize)]
struct SubjectLink {
    name: String,
    slug: String,
    /// How many séances it has.
    session_count: usize,
    path: String,
}

/// The context of `cahier_subject.html`.
#[derive(Serialize)]
struct Subject<'a> {
    title: String,
    class: ClassView<'a>,
    /// The discipline's name.
    subject: &'a str,
    sessions: &'a [SessionView<'a>],
    /// Its homework, every due date.
    homework: Vec<HomeworkGroup<'a>>,
    breadcrumbs: Vec<Link>,
}

/// One séance of a discipline.
#[derive(Serialize)]
struct SessionView<'a> {
    date: Option<Date>,
    /// Site path of its day.
    path: &'a str,
    /// Its HTML, without its `<h2>`.
    html: &'a str,
}

/// The context of `cahier_todo.html`.
#[derive(Serialize)]
struct Todo<'a> {
    title: String,
    class: ClassView<'a>,
    /// Homework due from today, nearest first.
    homework: Vec<HomeworkGroup<'a>>,
    breadcrumbs: Vec<Link>,
}

/// The cahier's pages of `class`: `all_days` its days, `days` those its
/// readers see, `todo` their homework due from today.
pub fn jobs<'a>(
    jobs: &mut Vec<Job>,
    class: &'a Class,
    all_days: &[&'a Page],
    days: &[&'a Page],
    todo: Vec<HomeworkGroup<'a>>,
) {
    let id = &class.id;
    let audience = &class.audience;
    let cahier = layout::cahier(id);
    let crumbs = || crumbs(class, "Cahier de textes", &cahier);

    // By day.
    let mut months: BTreeMap<String, Vec<DaySummary>> = BTreeMap::new();
    for d in days.iter().rev() {
        let key = d.date.expect("day").0.format("%Y-%m-01").to_string();
        months.entry(key).or_default().push(DaySummary::of(d));
    }
    let context = Days {
        title: format!("Cahier de textes — {}", class.name),
        class: ClassView::of(class),
        months: months
            .into_iter()
            .rev()
            .map(|(month, days)| DaysOfMonth { month, days })
            .collect(),
        breadcrumbs: crumbs(),
    };
    jobs.push(Job::new(
        index_file(&cahier),
        "cahier_days.html",
        &context,
        audience,
    ));
    let link = |p: &&'a Page| {
        let p: &'a Page = p;
        DayLink {
            date: p.date,
            path: &p.path,
        }
    };
    for group in by_audience(all_days).values() {
        for (i, day) in group.iter().enumerate() {
            let context = Day {
                title: format!("{} — {}", day.title, class.name),
                page: PageView::of(day),
                class: ClassView::of(class),
                previous: i.checked_sub(1).and_then(|j| group.get(j)).map(link),
                next: group.get(i + 1).map(link),
                breadcrumbs: crumbs(),
            };
            jobs.push(Job::new(
                index_file(&day.path),
                "cahier_day.html",
                &context,
                &day.audience,
            ));
        }
    }

    // By discipline.
    let mut subjects: BTreeMap<&str, (&str, Vec<SessionView>)> = BTreeMap::new();
    for day in days {
        for s in day.sessions.iter().filter(|s| !s.slug.is_empty()) {
            let entry = subjects
                .entry(&s.slug)
                .or_insert_with(|| (&s.subject, Vec::new()));
            entry.1.push(SessionView {
                date: day.date,
                path: &day.path,
                html: without_heading(&s.html),
            });
        }
    }
    let context = Subjects {
        title: format!("Cahier de textes par matière — {}", class.name),
        class: ClassView::of(class),
        subjects: subjects
            .iter()
            .map(|(slug, (name, sessions))| SubjectLink {
                name: name.to_string(),
                slug: slug.to_string(),
                session_count: sessions.len(),
                path: layout::cahier_subject(id, slug),
            })
            .collect(),
        breadcrumbs: crumbs(),
    };
    jobs.push(Job::new(
        index_file(&layout::cahier_subjects(id)),
        "cahier_subjects.html",
        &context,
        audience,
    ));
    for (slug, (name, sessions)) in &subjects {
        let context = Subject {
            title: format!("{name} — cahier de textes — {}", class.name),
            class: ClassView::of(class),
            subject: name,
            sessions,
            homework: homework_due(days, Date(chrono::NaiveDate::MIN), Some(slug)),
            breadcrumbs: crumbs(),
        };
        jobs.push(Job::new(
            index_file(&layout::cahier_subject(id, slug)),
            "cahier_subject.html",
            &context,
            audience,
        ));
    }

    // Homework to do.
    let context = Todo {
        title: format!("À faire — {}", class.name),
        class: ClassView::of(class),
        homework: todo,
        breadcrumbs: crumbs(),
    };
    jobs.push(Job::new(
        index_file(&layout::cahier_todo(id)),
        "cahier_todo.html",
        &context,
        audience,
    ));
}

/// A séance's HTML without its `<h2>` (the discipline view titles by date).
fn without_heading(html: &str) -> &str {
    match (html.starts_with("<h2"), html.find("</h2>")) {
        (true, Some(end)) => html[end + 5..].trim_start(),
        _ => html,
    }
}

/// Homework due on or after `from`, grouped by due date, nearest first;
/// only one discipline when `subject` (a slug) is given.
pub fn homework_due<'a>(
    days: &[&'a Page],
    from: Date,
    subject: Option<&str>,
) -> Vec<HomeworkGroup<'a>> {
    let mut groups: BTreeMap<Date, Vec<HomeworkItem>> = BTreeMap::new();
    for day in days {
        for hw in &day.homework {
            if hw.due < from || subject.is_some_and(|s| crate::slug::slugify(&hw.subject) != s) {
                continue;
            }
            groups.entry(hw.due).or_default().push(HomeworkItem {
                subject: &hw.subject,
                work: &hw.work,
                given_on: day.date,
                path: &day.path,
            });
        }
    }
    groups
        .into_iter()
        .map(|(due, items)| HomeworkGroup { due, items })
        .collect()
}
