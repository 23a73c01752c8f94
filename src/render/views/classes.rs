//! Each class's pages: its home (`class.html`), its blog (`post_list.html`,
//! `post.html`), its resources (`resources.html`) and its cahier de textes
//! (see [`super::cahier`]).

use serde::Serialize;

use super::cahier::{self, DaySummary, HomeworkGroup};
use super::context::{ClassView, DocumentView, EventView, Link, PageView};
use super::news::{self, List, Place};
use super::{is_upcoming, newest_first, visible, Job};
use crate::config::{Class, School};
use crate::content::{Content, Event, Kind, Page};
use crate::dates::Date;
use crate::layout::{self, index_file};

/// The context of `class.html`.
#[derive(Serialize)]
struct ClassHome<'a> {
    title: &'a str,
    class: ClassView<'a>,
    /// The three latest posts.
    posts: Vec<PageView<'a>>,
    /// Homework still to do, the four nearest due dates.
    homework: Vec<HomeworkGroup<'a>>,
    /// The three latest days of the cahier de textes.
    recent_days: Vec<DaySummary<'a>>,
    /// The class's upcoming events.
    events: Vec<EventView<'a>>,
    /// The class's resource list, when it has one.
    resources: Option<Link>,
    /// School news addressed to this class only.
    school_news: Vec<PageView<'a>>,
    /// Documents addressed to this class only.
    documents: Vec<DocumentView<'a>>,
    breadcrumbs: Vec<Link>,
}

/// The context of `resources.html`.
#[derive(Serialize)]
struct Resources<'a> {
    title: String,
    page: PageView<'a>,
    class: ClassView<'a>,
    breadcrumbs: Vec<Link>,
}

/// The breadcrumbs of a class's page: « Les classes › CM1 › `title` ».
pub fn crumbs(class: &Class, title: &str, path: &str) -> Vec<Link> {
    let mut crumbs = home_crumbs(class);
    crumbs.push(Link::new(title, path));
    crumbs
}

fn home_crumbs(class: &Class) -> Vec<Link> {
    vec![
        Link::new("Les classes", layout::CLASSES),
        Link::new(&class.name, layout::class(&class.id)),
    ]
}

/// Every page of `class`.
pub fn jobs(jobs: &mut Vec<Job>, school: &School, content: &Content, class: &Class, today: Date) {
    let id = class.id.as_str();
    let audience = &class.audience;
    let in_class = |p: &&Page| p.class.as_deref() == Some(id);

    let all_posts = newest_first(content.of_kind(Kind::Post).filter(in_class));
    let blog: Vec<&Page> = all_posts
        .iter()
        .copied()
        .filter(|p| visible(&p.audience, audience))
        .collect();
    let mut all_days: Vec<&Page> = content.of_kind(Kind::CahierDay).filter(in_class).collect();
    all_days.sort_by_key(|p| p.date);
    let days: Vec<&Page> = all_days
        .iter()
        .copied()
        .filter(|p| visible(&p.audience, audience))
        .collect();
    let resources = content.of_kind(Kind::Resources).find(in_class);
    let events: Vec<&Event> = content
        .events
        .iter()
        .filter(|e| e.class.as_deref() == Some(id) && visible(&e.audience, audience))
        .filter(|e| is_upcoming(e, today))
        .collect();
    let todo = cahier::homework_due(&days, today, None);
    // School news and documents addressed to this class only.
    let from_school: Vec<&Page> = newest_first(
        content
            .of_kind(Kind::News)
            .filter(|p| !p.audience.is_public() && &p.audience == audience),
    );
    let documents: Vec<_> = content
        .documents
        .iter()
        .filter(|d| !d.audience.is_public() && &d.audience == audience)
        .collect();

    let recent: Vec<&Page> = blog.iter().copied().take(3).collect();
    let home = ClassHome {
        title: &class.name,
        class: ClassView::of(class),
        posts: PageView::all(&recent),
        homework: todo.iter().take(4).cloned().collect(),
        recent_days: days
            .iter()
            .rev()
            .take(3)
            .map(|d| DaySummary::of(d))
            .collect(),
        events: EventView::all(&events, today),
        resources: resources.map(|r| Link::new(&r.title, &r.path)),
        school_news: PageView::all(&from_school),
        documents: DocumentView::all(&documents),
        breadcrumbs: home_crumbs(class),
    };
    jobs.push(Job::new(
        index_file(&layout::class(id)),
        "class.html",
        &home,
        audience,
    ));

    // Blog.
    let blog_path = layout::class_blog(id);
    let blog_title = format!("Actualités — {}", class.name);
    let place = Place {
        class: Some(ClassView::of(class)),
        breadcrumbs: crumbs(class, "Actualités", &blog_path),
    };
    let list = List {
        path: &blog_path,
        title: &blog_title,
        per_page: school.file.per_page,
        audience,
    };
    news::paginate(jobs, &list, &blog, &place);
    let back = Link::new("Actualités de la classe", &blog_path);
    for group in super::by_audience(&all_posts).values() {
        news::posts(jobs, group, &back, &place);
    }

    cahier::jobs(jobs, class, &all_days, &days, todo);

    if let Some(r) = resources {
        let context = Resources {
            title: format!("{} — {}", r.title, class.name),
            page: PageView::of(r),
            class: ClassView::of(class),
            breadcrumbs: crumbs(class, &r.title, &r.path),
        };
        jobs.push(Job::new(
            index_file(&r.path),
            "resources.html",
            &context,
            &r.audience,
        ));
    }
}
