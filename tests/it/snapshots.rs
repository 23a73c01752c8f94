//! Snapshots of every template's HTML (insta): the example school rendered
//! in memory as of 2026-11-24, one page per template of the default theme.
//! A page whose HTML changes fails `cargo test` with its diff; review and
//! accept a wanted change with `cargo insta review` (or
//! `INSTA_UPDATE=always cargo test --test it snapshots::`). Under `CI=true`
//! insta writes nothing and a missing snapshot fails too.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use super::common::{copy_tree, fixture, repo};

/// "Today" for every snapshot (the same day as `common::preau`).
const TODAY: &str = "2026-11-24";

/// Every HTML page of the example school, restricted ones in clear, and
/// the public shells of its areas (sealed build): path → HTML.
fn pages() -> &'static BTreeMap<String, String> {
    static PAGES: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    PAGES.get_or_init(|| {
        // A copy: loading writes the photo cache under `.preau/`.
        let tmp = tempfile::tempdir().unwrap();
        let school = tmp.path().join("ecole");
        copy_tree(&repo().join("example-school"), &school);
        let today = preau::dates::Date::parse(TODAY).unwrap();
        let loaded = preau::site::Session::new(&school, today).load().unwrap();
        let (site, _) = loaded
            .ready()
            .unwrap_or_else(|d| panic!("the example school does not load: {d:?}"));
        let mut pages = BTreeMap::new();
        for (output, prefix) in [
            (site.render().unwrap(), ""),
            (site.publish().unwrap(), "sealed:"),
        ] {
            for path in output.files.keys().filter(|p| p.ends_with(".html")) {
                let bytes = output.read(path).unwrap();
                pages.insert(format!("{prefix}{path}"), String::from_utf8(bytes).unwrap());
            }
        }
        pages
    })
}

/// The page at `path`, or a failure listing the pages there are.
fn page(path: &str) -> &'static str {
    let pages = pages();
    pages.get(path).unwrap_or_else(|| {
        panic!(
            "no page {path}; pages: {:?}",
            pages.keys().collect::<Vec<_>>()
        )
    })
}

/// Asserts the snapshot `name` of the page at `path`.
fn snapshot(name: &str, path: &str) {
    insta::assert_snapshot!(name, page(path));
}

#[test]
fn home() {
    snapshot("home", "index.html");
}

#[test]
fn school_news_list_and_post() {
    snapshot("post_list", "actualites/index.html");
    snapshot("post", "actualites/marche-de-noel/index.html");
}

#[test]
fn school_pages_and_legal_pages() {
    snapshot("page", "infos-pratiques/index.html");
    snapshot("mentions-legales", "mentions-legales/index.html");
    snapshot("accessibilite", "accessibilite/index.html");
    snapshot("donnees-personnelles", "donnees-personnelles/index.html");
}

#[test]
fn agenda_documents_classes_search_404() {
    snapshot("agenda", "agenda/index.html");
    snapshot("documents", "documents/index.html");
    snapshot("classes", "classes/index.html");
    snapshot("search", "recherche/index.html");
    snapshot("404", "404.html");
}

#[test]
fn class_pages() {
    snapshot("class", "classes/cm1/index.html");
    snapshot("class_post_list", "classes/cm1/blog/index.html");
    let post = pages()
        .keys()
        .find(|p| p.starts_with("classes/cm1/blog/") && p.matches('/').count() == 4)
        .expect("a post of the CM1");
    snapshot("class_post", post);
    snapshot("resources", "classes/cm1/ressources/index.html");
}

#[test]
fn cahier_de_textes() {
    snapshot("cahier_days", "classes/cm1/cahier/index.html");
    snapshot("cahier_day", "classes/cm1/cahier/2026-11-20/index.html");
    snapshot("cahier_subjects", "classes/cm1/cahier/matieres/index.html");
    snapshot(
        "cahier_subject",
        "classes/cm1/cahier/matieres/francais/index.html",
    );
    snapshot("cahier_todo", "classes/cm1/cahier/a-faire/index.html");
}

#[test]
fn areas_and_their_public_shells() {
    snapshot("area", "familles/index.html");
    snapshot("shell_class", "sealed:classes/cm1/index.html");
    snapshot("shell_families", "sealed:familles/index.html");
}

#[test]
fn commune_home_page() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("ville");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("commune.yaml"), "nom: Ville de Villeneuve\n").unwrap();
    copy_tree(&fixture("minimal"), &root.join("tilleuls"));
    let commune = preau::commune::Commune::load(&root).unwrap();
    let output = preau::commune::home_page(&commune).unwrap();
    let html = String::from_utf8(output.read("index.html").unwrap()).unwrap();
    insta::assert_snapshot!("commune", html);
}

/// The snapshots are of a fixed input: loading the school twice gives the
/// same bytes (no clock, no random id in a page).
#[test]
fn pages_do_not_depend_on_the_run() {
    let again = {
        let tmp = tempfile::tempdir().unwrap();
        let school = tmp.path().join("ecole");
        copy_tree(&repo().join("example-school"), &school);
        let today = preau::dates::Date::parse(TODAY).unwrap();
        let (site, _) = preau::site::Session::new(&school, today)
            .load()
            .unwrap()
            .ready()
            .unwrap_or_else(|d| panic!("{d:?}"));
        site.render().unwrap()
    };
    let first = pages();
    let html = again
        .files
        .keys()
        .filter(|p| Path::new(p).extension().is_some_and(|e| e == "html"));
    for path in html {
        let text = String::from_utf8(again.read(path).unwrap()).unwrap();
        assert_eq!(
            first.get(path.as_str()),
            Some(&text),
            "{path} changed between two renders"
        );
    }
}

/// The family letter of the minimal school's CM1 (`lettre.html`), with a
/// made-up code.
#[test]
fn family_letter() {
    let school_dir = fixture("minimal");
    let today = preau::dates::Date::parse(TODAY).unwrap();
    let diags = preau::diagnostic::Diagnostics::new();
    let school = preau::config::School::load(&school_dir, today, &diags).unwrap();
    let theme = preau::theme::Theme::load(&school_dir).unwrap();
    let letter =
        preau::access::letters::letter(&theme, &school, "cm1", "bakoti-lumipa-rosufa").unwrap();
    insta::assert_snapshot!("lettre", letter);
}

/// The preview's error panel (`apercu-erreurs.html`), with text that must
/// be escaped.
#[test]
fn preview_error_panel() {
    use preau::render::standalone::{preview_errors, Problem};
    let panel = preview_errors(&[
        Problem {
            place: "classes/cm1/blog/sortie/index.md:2:1".into(),
            message: "clé inconnue « titr » <script>".into(),
            hint: Some("écrivez « titre » & enregistrez".into()),
        },
        Problem {
            place: "agenda.yaml".into(),
            message: "date invalide".into(),
            hint: None,
        },
    ]);
    insta::assert_snapshot!("apercu-erreurs", panel);
}
