//! News lists (`post_list.html`, paginated) and posts (`post.html`), of
//! the school and of each class.

use serde::Serialize;

use super::context::{ClassView, Link, PageView};
use super::{by_audience, visible, Job};
use crate::config::{Audience, School};
use crate::content::Page;
use crate::layout::{self, index_file};

/// Where a list of posts belongs: the class and breadcrumbs of a class blog.
#[derive(Clone, Default, Serialize)]
pub struct Place<'a> {
    /// The class, on a class's blog.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<ClassView<'a>>,
    /// The breadcrumbs (after « Accueil »).
    pub breadcrumbs: Vec<Link>,
}

/// The context of `post_list.html`.
#[derive(Serialize)]
struct PostList<'a> {
    title: String,
    /// The posts of this page of the list.
    posts: Vec<PageView<'a>>,
    pagination: Pagination,
    #[serde(flatten)]
    place: Place<'a>,
}

/// Where a page of a list stands among the others.
#[derive(Serialize)]
struct Pagination {
    /// This page's number, from 1.
    current: usize,
    total: usize,
    /// Site path of the previous page (newer posts).
    previous: Option<String>,
    /// Site path of the next page (older posts).
    next: Option<String>,
}

/// The context of `post.html`.
#[derive(Serialize)]
struct Post<'a> {
    title: &'a str,
    page: PageView<'a>,
    /// The next newer post of the same audience.
    newer: Option<Link>,
    /// The next older post of the same audience.
    older: Option<Link>,
    /// The list it belongs to.
    back: Link,
    #[serde(flatten)]
    place: Place<'a>,
}

/// The school's news: the list readers of the school's default audience
/// see, and every news item.
pub fn school_jobs(jobs: &mut Vec<Job>, school: &School, news: &[&Page]) {
    let view = &school.default_audience;
    let listed: Vec<&Page> = news
        .iter()
        .copied()
        .filter(|p| visible(&p.audience, view))
        .collect();
    let list = List {
        path: layout::NEWS,
        title: "Actualités de l'école",
        per_page: school.file.per_page,
        audience: view,
    };
    paginate(jobs, &list, &listed, &Place::default());
    for group in by_audience(news).values() {
        posts(
            jobs,
            group,
            &Link::new("Actualités", layout::NEWS),
            &Place::default(),
        );
    }
}

/// A paginated list of posts.
pub struct List<'a> {
    /// Site path of its first page.
    pub path: &'a str,
    pub title: &'a str,
    pub per_page: usize,
    /// Who reads it.
    pub audience: &'a Audience,
}

/// The pages of `list`, holding `items`.
pub fn paginate(jobs: &mut Vec<Job>, list: &List, items: &[&Page], place: &Place) {
    let per_page = list.per_page.max(1);
    let total = items.len().div_ceil(per_page).max(1);
    let page_path = |n: usize| layout::list_page(list.path, n);
    for n in 1..=total {
        let slice: Vec<&Page> = items
            .iter()
            .copied()
            .skip((n - 1) * per_page)
            .take(per_page)
            .collect();
        let title = list.title;
        let context = PostList {
            title: if n == 1 {
                title.to_string()
            } else {
                format!("{title} (page {n} sur {total})")
            },
            posts: PageView::all(&slice),
            pagination: Pagination {
                current: n,
                total,
                previous: (n > 1).then(|| page_path(n - 1)),
                next: (n < total).then(|| page_path(n + 1)),
            },
            place: place.clone(),
        };
        jobs.push(Job::new(
            index_file(&page_path(n)),
            "post_list.html",
            &context,
            list.audience,
        ));
    }
}

/// One page per post of `list` (one audience, newest first).
pub fn posts(jobs: &mut Vec<Job>, list: &[&Page], back: &Link, place: &Place) {
    let link = |p: &&Page| Link::new(&p.title, &p.path);
    for (i, post) in list.iter().enumerate() {
        let context = Post {
            title: &post.title,
            page: PageView::of(post),
            newer: i.checked_sub(1).and_then(|j| list.get(j)).map(link),
            older: list.get(i + 1).map(link),
            back: back.clone(),
            place: place.clone(),
        };
        jobs.push(Job::new(
            index_file(&post.path),
            "post.html",
            &context,
            &post.audience,
        ));
    }
}
