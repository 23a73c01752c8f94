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
/// The signed manifest and its signatures.
pub const MANIFEST_DIR: &str = "preau";
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

/// Files at the top of the site, beside the folders.
pub const TOP_FILES: [&str; 6] = ["index.html", NOT_FOUND, ATOM, SITEMAP, AGENDA_ICS, HTACCESS];

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
    format!("classes/{id}/")
}

/// The address of a post: a class's blog or the school's news.
pub fn post(class_id: Option<&str>, slug: &str) -> String {
    match class_id {
        Some(id) => format!("{}blog/{slug}/", class(id)),
        None => format!("actualites/{slug}/"),
    }
}

/// The address of one day of a class's cahier de textes (`2026-11-20`).
pub fn cahier_day(class_id: &str, iso_day: &str) -> String {
    format!("{}cahier/{iso_day}/", class(class_id))
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

/// The views of each class, under its address.
pub const CLASS_VIEWS: [&str; 7] = [
    "",
    "blog/",
    "cahier/",
    "cahier/matieres/",
    "cahier/a-faire/",
    "ressources/",
    "devoirs.ics",
];

/// The public address of an audience's area (its shell), as a site path.
pub fn area_path(audience: &Audience) -> String {
    match audience {
        Audience::Public => String::new(),
        Audience::Families => "familles/".into(),
        Audience::Class(id) => class(id),
        Audience::Staff => "equipe/".into(),
    }
}

/// Every address Préau generates for `school` (views, feeds, areas), with
/// who may read it. Pages written by the school are not in it.
pub fn generated(school: &School) -> Vec<(String, Audience)> {
    generated_with(
        &school.default_audience,
        school.class_list.iter().map(|c| (c.id.as_str(), &c.acces)),
    )
}

/// [`generated`] for a default audience and classes (id, audience).
fn generated_with<'a>(
    view: &Audience,
    classes: impl Iterator<Item = (&'a str, &'a Audience)>,
) -> Vec<(String, Audience)> {
    let public = Audience::Public;
    let mut paths: Vec<(String, Audience)> = vec![
        (String::new(), public.clone()),
        ("actualites/".into(), view.clone()),
        ("agenda/".into(), view.clone()),
        (AGENDA_ICS.into(), public.clone()),
        ("documents/".into(), view.clone()),
        ("classes/".into(), public.clone()),
        (format!("{SEARCH_DIR}/"), public.clone()),
        (ATOM.into(), public.clone()),
        (SITEMAP.into(), public.clone()),
        (NOT_FOUND.into(), public.clone()),
    ];
    for area in [Audience::Families, Audience::Staff] {
        paths.push((area_path(&area), area));
    }
    for (id, audience) in classes {
        for view in CLASS_VIEWS {
            paths.push((format!("{}{view}", class(id)), audience.clone()));
        }
    }
    paths
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
        assert!(crate::manifest::MANIFEST.starts_with(&format!("{MANIFEST_DIR}/")));
        assert_eq!(reserved("infos-pratiques"), None);
    }
}
