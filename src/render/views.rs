//! The views of the site: which page is rendered with which template and
//! which data. Plain functions from the site model to [`Job`]s.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde_json::{json, Value};

use super::{feeds, Job};
use crate::config::{Audience, Class, School};
use crate::content::{Content, Event, Kind, Page};
use crate::dates::Date;
use crate::layout::{self, index_file};
use crate::output::Output;

/// Data every template sees as `site`.
pub fn site_context(school: &School, content: &Content, today: Date) -> Value {
    let base = &school.base_path;
    let mut menu = vec![
        json!({"titre": "Accueil", "chemin": ""}),
        json!({"titre": "Actualités", "chemin": layout::NEWS}),
        json!({"titre": "Les classes", "chemin": layout::CLASSES}),
        json!({"titre": "Agenda", "chemin": layout::AGENDA}),
        json!({"titre": "Documents", "chemin": layout::DOCUMENTS}),
    ];
    let mut ordered: Vec<&Page> = content
        .of_kind(Kind::Page)
        .filter(|p| p.order.is_some() && !p.path.is_empty() && p.audience.is_public())
        .collect();
    ordered.sort_by_key(|p| (p.order, p.title.clone()));
    menu.extend(
        ordered
            .iter()
            .map(|p| json!({"titre": p.title, "chemin": p.path})),
    );
    let has_families_area = content
        .pages
        .iter()
        .any(|p| p.audience == Audience::Families && p.class.is_none())
        || content
            .events
            .iter()
            .any(|e| e.audience == Audience::Families && e.class.is_none())
        || content
            .documents
            .iter()
            .any(|d| d.audience == Audience::Families);
    if has_families_area {
        menu.push(json!({"titre": "Espace des familles", "chemin": layout::FAMILIES}));
    }
    let directeur_publication = match school.file.publication_director {
        crate::config::PublicationDirector::Directeur => {
            format!("{}, directeur·rice de l'école", school.file.directeur)
        }
        crate::config::PublicationDirector::Ien => format!(
            "{}, inspecteur·rice de l'Éducation nationale de la circonscription {}",
            school.file.ien, school.file.circonscription
        ),
    };
    json!({
        "ecole": school,
        "base": base,
        "menu": menu,
        "classes": school.class_list.iter().map(class_json).collect::<Vec<_>>(),
        "aujourdhui": today,
        "directeur_publication": directeur_publication,
        "contact_accessibilite": school.file.accessibility.contact.clone().or_else(|| school.file.email.clone()),
    })
}

fn class_json(class: &Class) -> Value {
    json!({
        "id": class.id,
        "nom": class.name,
        "niveau": class.level,
        "enseignants": class.teachers,
        "chemin": layout::class(&class.id),
    })
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

fn job(path: impl Into<String>, template: &str, context: Value, audience: &Audience) -> Job {
    Job {
        path: path.into(),
        template: template.to_string(),
        context,
        audience: audience.clone(),
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

/// Calls `f` on each group of pages that share an audience, so that
/// "previous/next" links never cross from one audience to another.
fn by_audience<'a>(pages: &[&'a Page]) -> BTreeMap<Audience, Vec<&'a Page>> {
    let mut groups: BTreeMap<Audience, Vec<&Page>> = BTreeMap::new();
    for p in pages {
        groups.entry(p.audience.clone()).or_default().push(p);
    }
    groups
}

/// Every page of the site, with its template and data.
pub fn jobs(school: &School, content: &Content, today: Date) -> Vec<Job> {
    let public = Audience::Public;
    let mut jobs = Vec::new();
    let view = &school.default_audience;

    // School home: public content only.
    let news = newest_first(content.of_kind(Kind::News));
    let public_news: Vec<&&Page> = news.iter().filter(|p| p.audience.is_public()).collect();
    let school_events: Vec<&Event> = content
        .events
        .iter()
        .filter(|e| e.class.is_none())
        .collect();
    let upcoming: Vec<&&Event> = school_events
        .iter()
        .filter(|e| e.audience.is_public() && is_upcoming(e, today))
        .take(5)
        .collect();
    let home = content
        .pages
        .iter()
        .find(|p| p.kind == Kind::Page && p.path.is_empty());
    jobs.push(job(
        index_file(layout::HOME),
        "home.html",
        json!({"page": home, "actualites": public_news.iter().take(4).collect::<Vec<_>>(), "evenements": upcoming, "titre": school.file.name}),
        &public,
    ));

    // School news.
    let listed: Vec<&Page> = news
        .iter()
        .copied()
        .filter(|p| visible(&p.audience, view))
        .collect();
    paginate(
        &mut jobs,
        layout::NEWS,
        "Actualités de l'école",
        &listed,
        school.file.per_page,
        json!({}),
        view,
    );
    for group in by_audience(&news).values() {
        posts(
            &mut jobs,
            group,
            json!({"chemin": layout::NEWS, "titre": "Actualités"}),
            json!({}),
        );
    }

    // School pages (legal pages have their own templates).
    for page in content.of_kind(Kind::Page).filter(|p| !p.path.is_empty()) {
        let template = format!("{}.html", page.slug);
        let template = if ["mentions-legales", "accessibilite", "donnees-personnelles"]
            .contains(&page.slug.as_str())
        {
            template
        } else {
            "page.html".to_string()
        };
        jobs.push(job(
            index_file(&page.path),
            &template,
            json!({"page": page, "titre": page.title}),
            &page.audience,
        ));
    }

    // Agenda and documents.
    let events: Vec<&Event> = school_events
        .iter()
        .copied()
        .filter(|e| visible(&e.audience, view))
        .collect();
    jobs.push(job(
        index_file(layout::AGENDA),
        "agenda.html",
        json!({"titre": "Agenda", "mois": by_month(&events, today), "fil": [{"titre": "Agenda", "chemin": layout::AGENDA}]}),
        view,
    ));
    let documents: Vec<&crate::content::Document> = content
        .documents
        .iter()
        .filter(|d| visible(&d.audience, view))
        .collect();
    jobs.push(job(
        index_file(layout::DOCUMENTS),
        "documents.html",
        json!({"titre": "Documents à télécharger", "documents": documents}),
        view,
    ));
    jobs.push(job(
        index_file(layout::CLASSES),
        "classes.html",
        json!({"titre": "Les classes"}),
        &public,
    ));
    jobs.push(job(
        layout::NOT_FOUND,
        "404.html",
        json!({"titre": "Page introuvable"}),
        &public,
    ));
    jobs.push(job(
        index_file(layout::SEARCH_PAGE),
        "search.html",
        json!({"titre": "Rechercher"}),
        &public,
    ));

    // Areas of the families and of the staff, when they have content.
    for area in [Audience::Families, Audience::Staff] {
        if &area == view {
            continue;
        }
        let mine = |a: &Audience| a == &area;
        let area_news: Vec<&&Page> = news.iter().filter(|p| mine(&p.audience)).collect();
        // Archived classes (`preau annee`) are listed once each, not page by page.
        let archived = |p: &Page| crate::content::archives::is_archive(&p.source);
        let mut area_pages: Vec<Value> = content
            .of_kind(Kind::Page)
            .filter(|p| mine(&p.audience) && !archived(p))
            .map(|p| json!({"path": p.path, "title": p.title}))
            .collect();
        if area == Audience::Staff {
            area_pages.extend(archive_jobs(&mut jobs, content));
        }
        let area_events: Vec<&&Event> =
            school_events.iter().filter(|e| mine(&e.audience)).collect();
        let area_docs: Vec<&crate::content::Document> = content
            .documents
            .iter()
            .filter(|d| mine(&d.audience))
            .collect();
        if area_news.is_empty()
            && area_pages.is_empty()
            && area_events.is_empty()
            && area_docs.is_empty()
        {
            continue;
        }
        let title = match area {
            Audience::Staff => "Espace de l'équipe",
            _ => "Espace des familles",
        };
        jobs.push(job(
            index_file(&layout::area_path(&area)),
            "area.html",
            json!({"titre": title, "actualites": area_news, "pages": area_pages, "evenements": area_events, "documents": area_docs}),
            &area,
        ));
    }

    // Classes are independent: their pages are prepared in parallel.
    let classes: Vec<Vec<Job>> = school
        .class_list
        .par_iter()
        .map(|class| {
            let mut own = Vec::new();
            class_jobs(&mut own, school, content, class, today);
            own
        })
        .collect();
    jobs.extend(classes.into_iter().flatten());
    jobs
}

/// One page per archived class, listing its pages, in the staff area;
/// returns the links to them (newest year first).
fn archive_jobs(jobs: &mut Vec<Job>, content: &Content) -> Vec<Value> {
    let mut classes: BTreeMap<(String, String), Vec<&Page>> = BTreeMap::new();
    for page in content.of_kind(Kind::Page) {
        if let Some(key) = crate::content::archives::year_and_class(&page.source) {
            classes.entry(key).or_default().push(page);
        }
    }
    let mut links = Vec::new();
    for ((year, class), pages) in classes.iter().rev() {
        let path = crate::layout::archive(year, class, "");
        let title = format!("Archives {year} — classe {}", class.to_uppercase());
        let list: Vec<Value> = pages
            .iter()
            .map(|p| json!({"path": p.path, "title": p.title}))
            .collect();
        jobs.push(job(
            format!("{path}index.html"),
            "area.html",
            json!({"titre": title, "pages": list}),
            &Audience::Staff,
        ));
        links.push(json!({"path": path, "title": title}));
    }
    links
}

fn paginate(
    jobs: &mut Vec<Job>,
    path: &str,
    title: &str,
    items: &[&Page],
    per_page: usize,
    extra: Value,
    audience: &Audience,
) {
    let per_page = per_page.max(1);
    let total = items.len().div_ceil(per_page).max(1);
    let page_path = |n: usize| layout::list_page(path, n);
    for n in 1..=total {
        let slice: Vec<&&Page> = items
            .iter()
            .skip((n - 1) * per_page)
            .take(per_page)
            .collect();
        let mut ctx = json!({
            "titre": if n == 1 { title.to_string() } else { format!("{title} (page {n} sur {total})") },
            "articles": slice,
            "pagination": {
                "courante": n,
                "total": total,
                "precedente": (n > 1).then(|| page_path(n - 1)),
                "suivante": (n < total).then(|| page_path(n + 1)),
            },
        });
        merge(&mut ctx, &extra);
        jobs.push(job(
            index_file(&page_path(n)),
            "post_list.html",
            ctx,
            audience,
        ));
    }
}

fn posts(jobs: &mut Vec<Job>, list: &[&Page], back: Value, extra: Value) {
    for (i, post) in list.iter().enumerate() {
        let newer = i.checked_sub(1).and_then(|j| list.get(j));
        let older = list.get(i + 1);
        let mut ctx = json!({
            "page": post,
            "titre": post.title,
            "plus_recent": newer.map(|p| json!({"titre": p.title, "chemin": p.path})),
            "plus_ancien": older.map(|p| json!({"titre": p.title, "chemin": p.path})),
            "retour": back,
        });
        merge(&mut ctx, &extra);
        jobs.push(job(
            index_file(&post.path),
            "post.html",
            ctx,
            &post.audience,
        ));
    }
}

fn merge(target: &mut Value, extra: &Value) {
    if let (Value::Object(t), Value::Object(e)) = (target, extra) {
        for (k, v) in e {
            t.insert(k.clone(), v.clone());
        }
    }
}

fn by_month(events: &[&Event], today: Date) -> Vec<Value> {
    let mut months: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for e in events {
        let key = e.date.0.format("%Y-%m-01").to_string();
        let mut v = serde_json::to_value(e).expect("events serialize");
        v["passe"] = json!(!is_upcoming(e, today));
        months.entry(key).or_default().push(v);
    }
    months
        .into_iter()
        .map(|(m, items)| json!({"mois": m, "evenements": items}))
        .collect()
}

fn class_jobs(jobs: &mut Vec<Job>, school: &School, content: &Content, class: &Class, today: Date) {
    let id = &class.id;
    let base = layout::class(id);
    let blog_path = layout::class_blog(id);
    let audience = &class.audience;
    let classe = class_json(class);
    let crumbs = |title: &str, path: &str| json!([{"titre": "Les classes", "chemin": layout::CLASSES}, {"titre": class.name, "chemin": base}, {"titre": title, "chemin": path}]);
    let in_class = |p: &&Page| p.class.as_deref() == Some(id.as_str());

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
        .filter(|e| e.class.as_deref() == Some(id.as_str()) && visible(&e.audience, audience))
        .collect();
    let todo = homework_due(&days, today, None);
    // School news and documents addressed to this class only.
    let from_school: Vec<&Page> = newest_first(
        content
            .of_kind(Kind::News)
            .filter(|p| !p.audience.is_public() && &p.audience == audience),
    );
    let class_docs: Vec<&crate::content::Document> = content
        .documents
        .iter()
        .filter(|d| !d.audience.is_public() && &d.audience == audience)
        .collect();

    // Class home.
    jobs.push(job(
        index_file(&base),
        "class.html",
        json!({
            "titre": class.name,
            "classe": classe,
            "articles": blog.iter().take(3).collect::<Vec<_>>(),
            "a_faire": todo.iter().take(4).collect::<Vec<_>>(),
            "derniers_jours": days.iter().rev().take(3).map(|d| day_summary(d)).collect::<Vec<_>>(),
            "evenements": events.iter().filter(|e| is_upcoming(e, today)).collect::<Vec<_>>(),
            "ressources": resources.map(|r| json!({"titre": r.title, "chemin": r.path})),
            "de_l_ecole": from_school,
            "documents": class_docs,
            "fil": [{"titre": "Les classes", "chemin": layout::CLASSES}, {"titre": class.name, "chemin": base}],
        }),
        audience,
    ));

    // Blog.
    let blog_title = format!("Actualités — {}", class.name);
    let extra = json!({"classe": classe, "fil": crumbs("Actualités", &blog_path)});
    paginate(
        jobs,
        &blog_path,
        &blog_title,
        &blog,
        school.file.per_page,
        extra.clone(),
        audience,
    );
    for group in by_audience(&all_posts).values() {
        posts(
            jobs,
            group,
            json!({"chemin": blog_path, "titre": "Actualités de la classe"}),
            extra.clone(),
        );
    }

    // Cahier de textes: by day.
    let mut months: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for d in days.iter().rev() {
        let key = d.date.expect("day").0.format("%Y-%m-01").to_string();
        months.entry(key).or_default().push(day_summary(d));
    }
    let months: Vec<Value> = months
        .into_iter()
        .rev()
        .map(|(m, jours)| json!({"mois": m, "jours": jours}))
        .collect();
    let cahier = layout::cahier(id);
    jobs.push(job(
        index_file(&cahier),
        "cahier_days.html",
        json!({"titre": format!("Cahier de textes — {}", class.name), "classe": classe, "mois": months, "fil": crumbs("Cahier de textes", &cahier)}),
        audience,
    ));
    for group in by_audience(&all_days).values() {
        for (i, day) in group.iter().enumerate() {
            let prev = i.checked_sub(1).and_then(|j| group.get(j));
            let next = group.get(i + 1);
            jobs.push(job(
                index_file(&day.path),
                "cahier_day.html",
                json!({
                    "titre": format!("{} — {}", day.title, class.name),
                    "page": day,
                    "classe": classe,
                    "precedent": prev.map(|p| json!({"date": p.date, "chemin": p.path})),
                    "suivant": next.map(|p| json!({"date": p.date, "chemin": p.path})),
                    "fil": crumbs("Cahier de textes", &cahier),
                }),
                &day.audience,
            ));
        }
    }

    // Cahier by discipline.
    let mut subjects: BTreeMap<String, (String, Vec<Value>)> = BTreeMap::new();
    for day in &days {
        for s in day.sessions.iter().filter(|s| !s.slug.is_empty()) {
            let entry = subjects
                .entry(s.slug.clone())
                .or_insert_with(|| (s.subject.clone(), Vec::new()));
            entry.1.push(
                json!({"date": day.date, "chemin": day.path, "html": without_heading(&s.html)}),
            );
        }
    }
    let list: Vec<Value> = subjects
        .iter()
        .map(|(slug, (name, sessions))| json!({"nom": name, "slug": slug, "seances": sessions.len(), "chemin": layout::cahier_subject(id, slug)}))
        .collect();
    jobs.push(job(
        index_file(&layout::cahier_subjects(id)),
        "cahier_subjects.html",
        json!({"titre": format!("Cahier de textes par matière — {}", class.name), "classe": classe, "matieres": list, "fil": crumbs("Cahier de textes", &cahier)}),
        audience,
    ));
    for (slug, (name, sessions)) in &subjects {
        jobs.push(job(
            index_file(&layout::cahier_subject(id, slug)),
            "cahier_subject.html",
            json!({
                "titre": format!("{name} — cahier de textes — {}", class.name),
                "classe": classe,
                "matiere": name,
                "seances": sessions,
                "devoirs": homework_due(&days, Date(chrono::NaiveDate::MIN), Some(slug)),
                "fil": crumbs("Cahier de textes", &cahier),
            }),
            audience,
        ));
    }

    // Homework to do.
    jobs.push(job(
        index_file(&layout::cahier_todo(id)),
        "cahier_todo.html",
        json!({"titre": format!("À faire — {}", class.name), "classe": classe, "groupes": todo, "fil": crumbs("Cahier de textes", &cahier)}),
        audience,
    ));

    // Resources.
    if let Some(r) = resources {
        jobs.push(job(
            index_file(&r.path),
            "resources.html",
            json!({"titre": format!("{} — {}", r.title, class.name), "page": r, "classe": classe, "fil": crumbs(&r.title, &r.path)}),
            &r.audience,
        ));
    }
}

/// A séance's HTML without its `<h2>` (the discipline view titles by date).
fn without_heading(html: &str) -> &str {
    match (html.starts_with("<h2"), html.find("</h2>")) {
        (true, Some(end)) => html[end + 5..].trim_start(),
        _ => html,
    }
}

fn day_summary(day: &Page) -> Value {
    let subjects: Vec<&str> = day
        .sessions
        .iter()
        .filter(|s| !s.subject.is_empty())
        .map(|s| s.subject.as_str())
        .collect();
    json!({"date": day.date, "chemin": day.path, "matieres": subjects, "devoirs": day.homework.len()})
}

/// Homework due on or after `from`, grouped by due date, nearest first;
/// only one discipline when `subject` (a slug) is given.
fn homework_due(days: &[&Page], from: Date, subject: Option<&str>) -> Vec<Value> {
    let mut groups: BTreeMap<Date, Vec<Value>> = BTreeMap::new();
    for day in days {
        for hw in &day.homework {
            if hw.due < from || subject.is_some_and(|s| crate::slug::slugify(&hw.subject) != s) {
                continue;
            }
            groups.entry(hw.due).or_default().push(json!({
                "matiere": hw.subject,
                "travail": hw.work,
                "donne_le": day.date,
                "chemin": day.path,
            }));
        }
    }
    groups
        .into_iter()
        .map(|(pour, devoirs)| json!({"pour": pour, "devoirs": devoirs}))
        .collect()
}

/// Atom, iCalendar feeds and the sitemap.
pub fn feeds(school: &School, content: &Content, today: Date, output: &mut Output) {
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

    let school_events: Vec<&Event> = content
        .events
        .iter()
        .filter(|e| e.class.is_none() && e.audience.is_public())
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

    let mut public_paths: Vec<String> = output
        .files
        .iter()
        .filter(|(path, f)| f.audience.is_public() && path.ends_with("index.html"))
        .map(|(path, _)| layout::address_of(path).to_string())
        .collect();
    public_paths.sort();
    output.add(
        layout::SITEMAP,
        Audience::Public,
        feeds::sitemap(school, &public_paths).into_bytes(),
    );
}
