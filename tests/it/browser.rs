//! axe-core in Debian's Chromium on every page type of the example school,
//! public pages and the pages of a class area once its code is typed, on a
//! phone (where the title must start in the first 40 % of the screen and
//! every page of an area leads back to its home) and on a desktop screen.
//! Also fails on any request to another host and on any missing file.

use super::common::{class_code, example_site, files, on_site, open_areas, repo, require};

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn axe_core_finds_no_violation_on_every_page_type_on_a_phone_and_a_desktop() {
    require(&["browser"]);
    let (out, base) = example_site();
    let school = repo().join("example-school");
    let all = files(out);
    let first = |prefix: &str| -> String {
        all.iter()
            .filter(|f| {
                f.starts_with(prefix)
                    && f.ends_with("/index.html")
                    && f.matches('/').count() == prefix.matches('/').count() + 1
            })
            .map(|f| f.trim_end_matches("index.html").to_string())
            .next()
            .unwrap_or_else(|| panic!("no page under {prefix}"))
    };
    let mut paths: Vec<String> = [
        "",
        "actualites/",
        "agenda/",
        "documents/",
        "mentions-legales/",
        "accessibilite/",
        "donnees-personnelles/",
        "classes/",
        "classes/cm1/",
        "404.html",
        "recherche/?q=noel",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    paths.push(first("actualites/"));
    // Routes of the CM1 area, found by opening it.
    let opened = open_areas(out, &school);
    let routes: Vec<&str> = opened
        .iter()
        .filter(|p| p.audience == "classe:cm1")
        .map(|p| p.route.as_str())
        .collect();
    let pick = |prefix: &str, depth: usize| -> String {
        routes
            .iter()
            .find(|r| {
                r.starts_with(prefix) && r.len() > prefix.len() && r.matches('/').count() == depth
            })
            .unwrap_or_else(|| panic!("no route under {prefix}"))
            .to_string()
    };
    let mut area: Vec<String> = [
        "",
        "blog/",
        "cahier/",
        "cahier/matieres/",
        "cahier/a-faire/",
        "ressources/",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    area.push(pick("blog/", 2));
    area.push(pick("cahier/20", 2));
    area.push(pick("cahier/matieres/", 3));
    paths.extend(area.iter().map(|r| format!("#/{r}")));
    let code = class_code(&school, "cm1");
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    let pages = || on_site(out, base).area("classes/cm1/", &code).args(&paths);
    // A phone (375×812), the title high enough and the way back home.
    let (ok, log) = pages().args(&["--layout"]).run("axe.mjs", 240);
    assert!(
        ok,
        "on a phone, axe-core or the layout check found problems:\n{log}"
    );
    assert!(
        log.contains(&format!("axe: {} pages, 0 violations", paths.len())),
        "{log}"
    );
    // A desktop screen.
    let (ok, log) = pages()
        .args(&["--width", "1280", "--height", "800"])
        .run("axe.mjs", 240);
    assert!(ok, "on a desktop, axe-core found problems:\n{log}");
    assert!(
        log.contains(&format!("axe: {} pages, 0 violations", paths.len())),
        "{log}"
    );
}
