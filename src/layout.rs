//! The site's addresses, in one place: which first segments of the site
//! Préau fills itself (a school page may not take them), where each kind
//! of page goes, and every view, feed and file Préau generates.
//!
//! Other stages ask this module instead of spelling paths themselves, so
//! that a teacher's `pages/familles.md` cannot hide the families' area and
//! a link to `/recherche/` is known to lead somewhere.

use crate::config::{Audience, School};

/// Folder of the sealed blobs, the key ring and the list of areas.
pub const BLOB_DIR: &str = "acces";
/// The search page and the pieces of the public search index.
pub const SEARCH_DIR: &str = "recherche";
/// The theme's styles, scripts and fonts.
pub const STATIC_DIR: &str = "static";
/// The public ring of wrapped keys.
pub const KEY_RING: &str = "acces/cles.json";
/// Where each area's index blob is, for the search page.
pub const AREAS_LIST: &str = "acces/espaces.json";
/// The signed manifest and its signatures.
pub const MANIFEST_DIR: &str = "preau";
/// The manifest, relative to the site root.
pub const MANIFEST: &str = "preau/manifeste.json";
/// The preview server's own files (never part of a built site).
pub const PREVIEW_DIR: &str = "__preau";
/// The preview's reload script, as served.
pub const PREVIEW_RELOAD_JS: &str = "/__preau/recharger.js";
/// The preview's styles, as served.
pub const PREVIEW_CSS: &str = "/__preau/apercu.css";
/// The preview's reload events, as served.
pub const PREVIEW_EVENTS: &str = "/__preau/evenements";

/// The school's home.
pub const HOME: &str = "";
/// The school's news.
pub const NEWS: &str = "actualites/";
/// The school's agenda.
pub const AGENDA: &str = "agenda/";
/// The documents to download.
pub const DOCUMENTS: &str = "documents/";
/// The list of the classes.
pub const CLASSES: &str = "classes/";
/// The families' area.
pub const FAMILIES: &str = "familles/";
/// The staff's area.
pub const STAFF: &str = "equipe/";
/// The search page.
pub const SEARCH_PAGE: &str = "recherche/";
/// The file naming the pieces of the public search index.
pub const SEARCH_INDEX: &str = "recherche/index.json";
/// Atom feed of the public news.
pub const ATOM: &str = "atom.xml";
/// Sitemap of the public pages.
pub const SITEMAP: &str = "sitemap.xml";
/// iCalendar of the school's agenda.
pub const AGENDA_ICS: &str = "agenda.ics";
/// The page shown for unknown addresses.
pub const NOT_FOUND: &str = "404.html";

/// The Apache settings with the security headers.
pub const HTACCESS: &str = ".htaccess";

/// The service worker that keeps opened areas readable offline (at the
/// top, so that its scope is the whole site).
pub const SERVICE_WORKER: &str = "sw.js";

/// The web app manifest (install on a phone's home screen).
pub const WEB_MANIFEST: &str = "manifest.webmanifest";

/// Files at the top of the site, beside the folders.
pub const TOP_FILES: [&str; 8] = [
    "index.html",
    NOT_FOUND,
    ATOM,
    SITEMAP,
    AGENDA_ICS,
    HTACCESS,
    SERVICE_WORKER,
    WEB_MANIFEST,
];

/// First segments of the site that Préau fills itself, with what lives
/// there (French, for error messages).
pub const RESERVED: [(&str, &str); 10] = [
    ("actualites", "les actualités de l'école"),
    ("agenda", "l'agenda de l'école"),
    ("documents", "les documents à télécharger"),
    ("classes", "les pages des classes"),
    (SEARCH_DIR, "la page de recherche"),
    ("familles", "l'espace des familles"),
    ("equipe", "l'espace de l'équipe"),
    (BLOB_DIR, "les fichiers chiffrés des espaces réservés"),
    (STATIC_DIR, "les styles et scripts du site"),
    (MANIFEST_DIR, "le manifeste signé du site"),
];

/// What Préau puts at the first segment `name`, when it is reserved.
pub fn reserved(name: &str) -> Option<&'static str> {
    RESERVED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, what)| *what)
}

/// The HTML file of the page at address `dir` (`agenda/` → `agenda/index.html`).
pub fn index_file(dir: &str) -> String {
    format!("{dir}index.html")
}

/// The address a page's HTML file is served at (its folder).
pub fn address_of(file: &str) -> &str {
    file.trim_end_matches("index.html")
}

/// Page `n` (from 2) of a paginated list at `dir`.
pub fn list_page(dir: &str, n: usize) -> String {
    if n == 1 {
        dir.to_string()
    } else {
        format!("{dir}page/{n}/")
    }
}

/// The school's colours (`couleurs` in `ecole.yaml`), after the theme's `style.css`.
pub const COLOURS_STYLESHEET: &str = "static/couleurs.css";

/// A file of the theme (`style.css` → `static/style.css`).
pub fn static_file(name: &str) -> String {
    format!("{STATIC_DIR}/{name}")
}

/// A piece of the public search index (`termes/61-….bin`).
pub fn search_piece(name: &str) -> String {
    format!("{SEARCH_DIR}/{name}")
}

/// The search index of a restricted audience, sealed with its area.
pub fn restricted_search_index(audience: &Audience) -> String {
    format!("{SEARCH_DIR}/{}.json", crate::slug::slugify(&audience.id()))
}

/// Whether a site path is a search index file (not the search page).
pub fn is_search_index(path: &str) -> bool {
    path.starts_with(SEARCH_PAGE) && !path.ends_with(".html")
}

/// Site path of a sealed blob named `name` (hex): `acces/ab/cdef….bin`,
/// spread over 256 folders so that no folder holds thousands of files
/// (slow to create on many file systems and to list on FTP servers).
pub fn blob(name: &str) -> String {
    format!("{BLOB_DIR}/{}/{}.bin", &name[..2], &name[2..])
}

/// The address of a school page (`pages/<slug>.md`); `accueil` is the home.
pub fn school_page(slug: &str) -> String {
    if slug == "accueil" {
        String::new()
    } else {
        format!("{slug}/")
    }
}

/// The address of a class (`classes/cm1/`).
pub fn class(id: &str) -> String {
    format!("{CLASSES}{id}/")
}

/// The address of a class's blog.
pub fn class_blog(id: &str) -> String {
    format!("{}blog/", class(id))
}

/// The address of a post: a class's blog or the school's news.
pub fn post(class_id: Option<&str>, slug: &str) -> String {
    match class_id {
        Some(id) => format!("{}{slug}/", class_blog(id)),
        None => format!("{NEWS}{slug}/"),
    }
}

/// The address of a class's cahier de textes (its days).
pub fn cahier(class_id: &str) -> String {
    format!("{}cahier/", class(class_id))
}

/// The cahier de textes by discipline.
pub fn cahier_subjects(class_id: &str) -> String {
    format!("{}matieres/", cahier(class_id))
}

/// One discipline of the cahier de textes (`slug` of its name).
pub fn cahier_subject(class_id: &str, slug: &str) -> String {
    format!("{}{slug}/", cahier_subjects(class_id))
}

/// The homework to do of a class.
pub fn cahier_todo(class_id: &str) -> String {
    format!("{}a-faire/", cahier(class_id))
}

/// The iCalendar of a class's homework.
pub fn homework_ics(class_id: &str) -> String {
    format!("{}devoirs.ics", class(class_id))
}

/// The address of one day of a class's cahier de textes (`2026-11-20`).
pub fn cahier_day(class_id: &str, iso_day: &str) -> String {
    format!("{}{iso_day}/", cahier(class_id))
}

/// The address of a class's resource list.
pub fn resources(class_id: &str) -> String {
    format!("{}ressources/", class(class_id))
}

/// The address of a page of an archived class (`preau annee`): inside the
/// staff's area, `rest` being its place in the class (`blog/sortie/`).
pub fn archive(year: &str, class_id: &str, rest: &str) -> String {
    format!(
        "{}archives/{year}/{}{rest}",
        area_path(&Audience::Staff),
        class(class_id)
    )
}

/// The views of a class, its home first.
pub fn class_views(id: &str) -> [String; 7] {
    [
        class(id),
        class_blog(id),
        cahier(id),
        cahier_subjects(id),
        cahier_todo(id),
        resources(id),
        homework_ics(id),
    ]
}

/// The public address of an audience's area (its shell), as a site path.
pub fn area_path(audience: &Audience) -> String {
    match audience {
        Audience::Public => String::new(),
        Audience::Families => FAMILIES.into(),
        Audience::Class(id) => class(id),
        Audience::Staff => STAFF.into(),
    }
}

/// Every address Préau generates for `school` (views, feeds, areas), with
/// who may read it. Pages written by the school are not in it.
pub fn generated(school: &School) -> Vec<(String, Audience)> {
    generated_with(
        &school.default_audience,
        school
            .class_list
            .iter()
            .map(|c| (c.id.as_str(), &c.audience)),
    )
}

/// [`generated`] for a default audience and classes (id, audience).
fn generated_with<'a>(
    view: &Audience,
    classes: impl Iterator<Item = (&'a str, &'a Audience)>,
) -> Vec<(String, Audience)> {
    let public = Audience::Public;
    let mut paths: Vec<(String, Audience)> = vec![
        (HOME.into(), public.clone()),
        (NEWS.into(), view.clone()),
        (AGENDA.into(), view.clone()),
        (AGENDA_ICS.into(), public.clone()),
        (DOCUMENTS.into(), view.clone()),
        (CLASSES.into(), public.clone()),
        (SEARCH_PAGE.into(), public.clone()),
        (ATOM.into(), public.clone()),
        (SITEMAP.into(), public.clone()),
        (NOT_FOUND.into(), public.clone()),
    ];
    for area in [Audience::Families, Audience::Staff] {
        paths.push((area_path(&area), area));
    }
    for (id, audience) in classes {
        for view in class_views(id) {
            paths.push((view, audience.clone()));
        }
    }
    paths
}

/// Item id of an area's sealed index (its associated data).
pub fn index_id(audience: &Audience) -> String {
    format!("{audience}/index")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_area_and_generated_folder_is_reserved() {
        for audience in [
            Audience::Families,
            Audience::Staff,
            Audience::Class("cm1".into()),
        ] {
            let first = area_path(&audience);
            let first = first.split('/').next().unwrap();
            assert!(reserved(first).is_some(), "{first}");
        }
        let cm1 = Audience::Class("cm1".into());
        for (path, _) in generated_with(&Audience::Public, [("cm1", &cm1)].into_iter()) {
            match path.split_once('/') {
                Some((first, _)) => assert!(reserved(first).is_some(), "{path}"),
                None => assert!(
                    path.is_empty() || TOP_FILES.contains(&path.as_str()),
                    "{path}"
                ),
            }
        }
        for first in [BLOB_DIR, SEARCH_DIR, STATIC_DIR, MANIFEST_DIR] {
            assert!(reserved(first).is_some());
        }
        assert!(MANIFEST.starts_with(&format!("{MANIFEST_DIR}/")));
        assert_eq!(crate::manifest::MANIFEST, MANIFEST);
        for file in [KEY_RING, AREAS_LIST, &blob("abcdef")] {
            assert!(file.starts_with(&format!("{BLOB_DIR}/")), "{file}");
        }
        for url in [PREVIEW_RELOAD_JS, PREVIEW_CSS, PREVIEW_EVENTS] {
            assert!(url.starts_with(&format!("/{PREVIEW_DIR}/")), "{url}");
        }
        assert!(reserved(PREVIEW_DIR).is_none() && reserved("__preau").is_none());
        // Search: the page is a page, every other file under it an index.
        assert_eq!(SEARCH_PAGE, format!("{SEARCH_DIR}/"));
        assert!(!is_search_index(&index_file(SEARCH_PAGE)));
        for piece in [
            SEARCH_INDEX.to_string(),
            search_piece("termes/61-abc.bin"),
            restricted_search_index(&cm1),
        ] {
            assert!(is_search_index(&piece), "{piece}");
        }
        assert!(static_file("style.css").starts_with(&format!("{STATIC_DIR}/")));
        // Every view of a class is under the class's address, and the
        // pages of its cahier under the cahier.
        for view in class_views("cm1") {
            assert!(view.starts_with(&class("cm1")), "{view}");
        }
        for view in [
            cahier_day("cm1", "2026-11-20"),
            cahier_subject("cm1", "maths"),
            cahier_todo("cm1"),
        ] {
            assert!(view.starts_with(&cahier("cm1")), "{view}");
        }
        assert_eq!(list_page(NEWS, 1), NEWS);
        assert_eq!(list_page(NEWS, 2), "actualites/page/2/");
        assert_eq!(address_of(&index_file(&class("cm1"))), "classes/cm1/");
        assert_eq!(reserved("infos-pratiques"), None);
    }
}
