//! Building the example school: every page type exists, the output is
//! byte-identical from one build to the next, and output folders the build
//! did not make are never replaced.

use super::common::{example_site, files, open_areas, preau, repo, school_copy, text};

#[test]
fn example_school_has_every_page_type() {
    let (out, _) = example_site();
    let all = files(out);
    let has = |p: &str| all.iter().any(|f| f == p);
    for page in [
        "index.html",
        "actualites/index.html",
        "agenda/index.html",
        "agenda.ics",
        "documents/index.html",
        "classes/index.html",
        "mentions-legales/index.html",
        "accessibilite/index.html",
        "donnees-personnelles/index.html",
        "atom.xml",
        "sitemap.xml",
        "404.html",
        "static/style.css",
        "acces/cles.json",
    ] {
        assert!(has(page), "missing {page}");
    }
    assert!(
        all.iter().any(|f| f.starts_with("actualites/")
            && f.ends_with("/index.html")
            && f != "actualites/index.html"),
        "no news post"
    );
    assert!(
        all.iter()
            .any(|f| f.starts_with("documents/") && f.ends_with(".pdf")),
        "no public document"
    );
    // Class pages live in the sealed class areas: open them as a family would.
    let opened = open_areas(out, &repo().join("example-school"));
    for class in ["cp", "ce1", "ce2", "cm1", "cm2"] {
        assert!(
            has(&format!("classes/{class}/index.html")),
            "no shell for {class}"
        );
        let audience = format!("classe:{class}");
        let routes: Vec<&str> = opened
            .iter()
            .filter(|p| p.audience == audience)
            .map(|p| p.route.as_str())
            .collect();
        for view in [
            "",
            "blog/",
            "cahier/",
            "cahier/matieres/",
            "cahier/a-faire/",
            "ressources/",
        ] {
            assert!(
                routes.contains(&view),
                "{class}: no « {view} » in the area ({routes:?})"
            );
        }
        let count = |prefix: &str| {
            routes
                .iter()
                .filter(|r| r.starts_with(prefix) && r.len() > prefix.len())
                .count()
        };
        assert!(count("blog/") >= 7, "{class}: fewer than 7 posts");
        assert!(
            count("cahier/20") >= 40,
            "{class}: less than a trimester of cahier"
        );
        assert!(
            count("cahier/matieres/") >= 3,
            "{class}: fewer than 3 disciplines"
        );
    }
}

#[test]
fn pages_are_in_french_with_french_dates() {
    let (out, _) = example_site();
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("<html lang=\"fr\">"));
    let opened = open_areas(out, &repo().join("example-school"));
    let day = opened
        .iter()
        .find(|p| p.audience == "classe:cm1" && p.route.starts_with("cahier/2026-11-"))
        .expect("a November day");
    assert!(day.title.contains(" novembre 2026"), "{}", day.title);
    let legal = std::fs::read_to_string(out.join("mentions-legales/index.html")).unwrap();
    assert!(legal.contains("Directeur de la publication") && legal.contains("Hébergeur"));
}

#[test]
fn building_twice_gives_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let school = repo().join("example-school");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for out in [&a, &b] {
        let r = preau(
            &repo(),
            &[
                "build",
                school.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(r.status.success(), "{:?}", text(&r));
    }
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa, fb);
    for f in &fa {
        assert!(
            std::fs::read(a.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn rebuild_replaces_output_atomically() {
    let (_tmp, school) = school_copy("minimal");
    assert!(preau(&school, &["build"]).status.success());
    std::fs::write(school.join("public/stale.html"), "ancien").unwrap();
    let r = preau(&school, &["build"]);
    assert!(r.status.success());
    let (stdout, _) = text(&r);
    assert!(stdout.starts_with("Site construit dans"), "{stdout}");
    assert!(
        !school.join("public/stale.html").exists(),
        "old files must not survive a rebuild"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&school)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("preau-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary folders left behind");
}

#[test]
fn never_replaces_a_folder_it_did_not_make() {
    let (_tmp, school) = school_copy("minimal");
    let mine = school.parent().unwrap().join("mes-documents");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("lettre.txt"), "important").unwrap();
    let r = preau(&school, &["build", ".", "--out", mine.to_str().unwrap()]);
    assert!(!r.status.success());
    assert!(
        text(&r).1.contains("n'a pas été fabriqué par preau"),
        "{:?}",
        text(&r)
    );
    assert_eq!(
        std::fs::read_to_string(mine.join("lettre.txt")).unwrap(),
        "important"
    );
    // Nor the school folder itself.
    let r = preau(&school, &["build", ".", "--out", "."]);
    assert!(!r.status.success());
    assert!(school.join("ecole.yaml").exists());
}

#[test]
fn raw_html_in_content_is_not_rendered() {
    let (_tmp, school) = school_copy("minimal");
    std::fs::write(school.join("actualites/rentree.md"), "---\ntitre: La rentrée\ndate: 2026-09-01\n---\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n").unwrap();
    assert!(preau(&school, &["build"]).status.success());
    let html =
        std::fs::read_to_string(school.join("public/actualites/rentree/index.html")).unwrap();
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
}

#[test]
fn drafts_are_left_out() {
    let (_tmp, school) = school_copy("minimal");
    std::fs::write(
        school.join("actualites/brouillon.md"),
        "---\ntitre: Pas encore\ndate: 2026-10-01\nbrouillon: true\n---\nTexte.\n",
    )
    .unwrap();
    assert!(preau(&school, &["build"]).status.success());
    assert!(!school.join("public/actualites/brouillon").exists());
    let list = std::fs::read_to_string(school.join("public/actualites/index.html")).unwrap();
    assert!(!list.contains("Pas encore"));
}

#[test]
fn school_theme_overrides_default_file_by_file() {
    let (_tmp, school) = school_copy("minimal");
    std::fs::create_dir_all(school.join("theme/static")).unwrap();
    std::fs::write(
        school.join("theme/static/style.css"),
        "body { color: black; } /* école */",
    )
    .unwrap();
    assert!(preau(&school, &["build"]).status.success());
    assert!(
        std::fs::read_to_string(school.join("public/static/style.css"))
            .unwrap()
            .contains("/* école */")
    );
    assert!(
        school.join("public/static/preau.js").exists(),
        "other theme files stay"
    );
}
