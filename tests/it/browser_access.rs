//! The encrypted areas in real headless Chromium: the right code shows the
//! class's posts, homework and photos; a wrong code shows nothing; the QR
//! link logs in and leaves the address bar clean; the canary comes back.

use std::path::{Path, PathBuf};

use super::common::{class_code, copy_tree, fixture, on_site, preau, require, school_copy, text};

fn built_canary_school() -> (tempfile::TempDir, PathBuf, PathBuf, String) {
    let (tmp, school) = school_copy("minimal");
    copy_tree(&fixture("canary"), &school);
    let out = tmp.path().join("site");
    let r = preau(&school, &["build", ".", "--out", out.to_str().unwrap()]);
    assert!(r.status.success(), "{:?}", text(&r));
    let code = class_code(&school, "cm1");
    (tmp, school, out, code)
}

/// Opens `route` of the CM1 area of `site` in Chromium: `how` is `--code`
/// (typed in the form) or `--qr` (the letter's link); `checks` are more
/// arguments of unlock.mjs. Panics with the script's report on failure.
fn open_cm1(site: &Path, base: &str, route: &str, how: &str, code: &str, checks: &[&str]) {
    on_site(site, base)
        .args(&["--area", "classes/cm1/", "--route", route, how, code])
        .args(checks)
        .pass("unlock.mjs", 120);
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn right_code_shows_posts_homework_and_photos_in_chromium() {
    require(&["browser"]);
    let (_tmp, _school, out, code) = built_canary_school();
    let post = "blog/sortie-kanarizq7/";
    open_cm1(
        &out,
        "/tilleuls/",
        post,
        "--code",
        &code,
        &[
            "--expect",
            "Nous avons vu le Kanarizq7",
            "--expect",
            "Sortie Kanarizq7 au parc",
            "--expect",
            "Photo du Kanarizq7 sur sa branche",
            "--images",
            "1",
        ],
    );
    open_cm1(
        &out,
        "/tilleuls/",
        "cahier/a-faire/",
        "--code",
        &code,
        &["--expect", "Dessiner le Kanarizq7"],
    );
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn wrong_code_shows_nothing_in_chromium() {
    require(&["browser"]);
    let (_tmp, _school, out, code) = built_canary_school();
    let mut wrong = code.clone();
    wrong.replace_range(0..1, if code.starts_with('b') { "d" } else { "b" });
    open_cm1(
        &out,
        "/tilleuls/",
        "blog/sortie-kanarizq7/",
        "--code",
        &wrong,
        &["--denied", "--absent", "Kanarizq7", "--absent", "kanarizq7"],
    );
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn qr_link_logs_in_and_clears_the_address_bar() {
    require(&["browser"]);
    let (_tmp, _school, out, code) = built_canary_school();
    open_cm1(
        &out,
        "/tilleuls/",
        "blog/sortie-kanarizq7/",
        "--qr",
        &code,
        &["--expect", "Nous avons vu le Kanarizq7", "--images", "1"],
    );
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn a_qr_link_offers_to_remember_the_code_on_this_device_like_the_form() {
    require(&["browser"]);
    let (_tmp, _school, out, code) = built_canary_school();
    open_cm1(
        &out,
        "/tilleuls/",
        "blog/sortie-kanarizq7/",
        "--qr",
        &code,
        &[
            "--remember",
            "appareil",
            "--expect",
            "Nous avons vu le Kanarizq7",
        ],
    );
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn example_school_class_area_opens_in_chromium() {
    require(&["browser"]);
    let (out, base) = super::common::example_site();
    let school = super::common::repo().join("example-school");
    let code = class_code(&school, "cm1");
    let post = "blog/sortie-au-musee/";
    // A post with its photo.
    open_cm1(
        out,
        base,
        post,
        "--code",
        &code,
        &[
            "--expect",
            "la classe a visité le musée gallo-romain",
            "--expect",
            "Une mosaïque romaine aux motifs géométriques",
            "--images",
            "1",
        ],
    );
    // A cahier day with its homework (the « à faire » view hides what is past on the device's date).
    let day = super::common::open_areas(out, &school)
        .into_iter()
        .find(|p| p.audience == "classe:cm1" && p.route == "cahier/2026-11-20/")
        .expect("the CM1 cahier of 20 November");
    let homework = day
        .html
        .split("<strong>Pour le")
        .nth(1)
        .and_then(|s| s.split(" : ").nth(1))
        .and_then(|s| s.split('<').next())
        .expect("homework on that day");
    let homework = homework.split(['&', '.']).next().unwrap();
    open_cm1(
        out,
        base,
        "cahier/2026-11-20/",
        "--code",
        &code,
        &["--expect", "Travail à faire", "--expect", homework],
    );
    // Another class's code does not open the CM1 area; a made-up code opens nothing.
    open_cm1(
        out,
        base,
        post,
        "--code",
        &class_code(&school, "ce1"),
        &["--denied", "--absent", "gallo-romain"],
    );
    open_cm1(
        out,
        base,
        post,
        "--code",
        "bakoti-lumipa-rosufa",
        &["--denied", "--absent", "gallo-romain"],
    );
    // The QR link of the letter.
    open_cm1(
        out,
        base,
        post,
        "--qr",
        &code,
        &[
            "--expect",
            "la classe a visité le musée gallo-romain",
            "--images",
            "1",
        ],
    );
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn an_opened_class_area_reads_offline_after_a_reload_in_chromium() {
    require(&["browser"]);
    let (out, base) = super::common::example_site();
    let school = super::common::repo().join("example-school");
    let sw =
        std::fs::read_to_string(out.join("sw.js")).expect("the worker is at the top of the site");
    assert!(sw.contains("hors-ligne"), "{sw}");
    let pages = super::common::open_areas(out, &school);
    let cm1: Vec<_> = pages
        .iter()
        .filter(|p| p.audience == "classe:cm1")
        .collect();
    let post = cm1
        .iter()
        .find(|p| {
            p.route.starts_with("blog/") && p.route.len() > 5 && p.html.contains("data-chiffre-src")
        })
        .expect("a CM1 post with a photo");
    let day = cm1
        .iter()
        .find(|p| p.route.starts_with("cahier/20"))
        .expect("a CM1 cahier day");
    let code = class_code(&school, "cm1");
    on_site(out, base)
        .area("classes/cm1/", &code)
        .args(&[
            "--post",
            &post.route,
            "--cahier",
            &day.route,
            "--expect-post",
            post.title.split(" — ").next().unwrap(),
            "--expect-cahier",
            day.title.split(" — ").next().unwrap(),
        ])
        .pass("offline.mjs", 150);
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn the_site_can_be_installed_on_a_phone_home_screen_in_chromium() {
    require(&["browser"]);
    let (out, base) = super::common::example_site();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.webmanifest")).unwrap()).unwrap();
    assert_eq!(manifest["short_name"], "Jean Jaurès");
    assert_eq!(manifest["start_url"], base.as_str());
    let log = on_site(out, base).pass("webapp.mjs", 90);
    assert!(log.contains("École élémentaire Jean Jaurès"), "{log}");
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn nouveautes_lists_exactly_the_post_and_the_homework_a_new_version_added_in_chromium() {
    require(&["browser"]);
    let tmp = tempfile::tempdir().unwrap();
    let school = tmp.path().join("ecole");
    copy_tree(&super::common::repo().join("example-school"), &school);
    let build = |out: &Path| {
        let r = preau(&school, &["build", ".", "--out", out.to_str().unwrap()]);
        assert!(r.status.success(), "{:?}", text(&r));
    };
    let v1 = tmp.path().join("v1");
    build(&v1);
    // Version 2: one new post, and one homework row added to a day that
    // already had one (the old row is not new).
    std::fs::write(
        school.join("classes/cm1/blog/kermesse.md"),
        "---\ntitre: La kermesse de juin\ndate: 2026-12-01\n---\nTout le monde est invité.\n",
    )
    .unwrap();
    let day = school.join("classes/cm1/cahier/2026-09-24.md");
    let before = std::fs::read_to_string(&day).unwrap();
    assert!(before.contains("Préparer la dictée de la semaine."));
    let after = before.replacen(
        "a_faire:\n",
        "a_faire:\n  - pour: 2026-09-28\n    matiere: Mathématiques\n    travail: Apprendre la table de 7.\n",
        1,
    );
    std::fs::write(&day, after).unwrap();
    let v2 = tmp.path().join("v2");
    build(&v2);
    let code = class_code(&school, "cm1");
    let base = "/jean-jaures/";
    let log = on_site(&v1, base)
        .area("classes/cm1/", &code)
        .args(&["--then", v2.to_str().unwrap()])
        .pass("nouveautes.mjs", 150);
    let shown: serde_json::Value =
        serde_json::from_str(log.trim().lines().last().unwrap()).unwrap();
    assert_eq!(
        shown["before"],
        serde_json::json!([]),
        "nothing is new at the first visit: {log}"
    );
    let after: Vec<String> = serde_json::from_value(shown["after"].clone()).unwrap();
    assert_eq!(
        after.len(),
        2,
        "exactly the post and the homework: {after:?}"
    );
    assert_eq!(after[0], "Article : La kermesse de juin");
    assert!(
        after[1].starts_with("Travail à faire : Pour le")
            && after[1].contains("Mathématiques : Apprendre la table de 7."),
        "{after:?}"
    );
    assert_eq!(
        shown["again"], shown["after"],
        "a reload shows the same list: {log}"
    );
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn photos_show_captions_open_full_screen_and_lists_show_thumbnails_in_chromium() {
    require(&["browser"]);
    let (out, base) = super::common::example_site();
    let school = super::common::repo().join("example-school");
    let code = class_code(&school, "cm1");
    on_site(out, base)
        .area("classes/cm1/", &code)
        .args(&[
            "--route",
            "blog/sortie-au-musee/",
            "--caption",
            "Une mosaïque du musée",
        ])
        .pass("photos.mjs", 120);
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn agenda_cahier_and_homework_follow_the_devices_date_in_chromium() {
    require(&["browser"]);
    // Built on that day too (the « À faire » list starts from the build's day).
    let tmp = tempfile::tempdir().unwrap();
    let school = tmp.path().join("ecole");
    copy_tree(&super::common::repo().join("example-school"), &school);
    let out = tmp.path().join("site");
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_preau"))
        .args(["build", ".", "--out", out.to_str().unwrap()])
        .current_dir(&school)
        .env("SOURCE_DATE_EPOCH", "1790244000")
        .output()
        .unwrap();
    assert!(r.status.success(), "{:?}", text(&r));
    let base = "/jean-jaures/";
    let code = class_code(&school, "cm1");
    on_site(&out, base)
        .area("classes/cm1/", &code)
        // A CM1 cahier day whose homework is due the next day.
        .args(&["--today", "2026-09-24"])
        .pass("dates.mjs", 120);
}

/// A place in a page of an area (`#francais-1`, the second « Français »
/// séance of a day): an in-page link, a link from another page of the
/// area, and a deep link all bring it on screen with the focus, in the
/// area's own address (`#/cahier/…/#francais-1`), not the area's home.
#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn links_to_a_place_in_an_area_page_reach_it_in_chromium() {
    require(&["browser"]);
    let (tmp, school) = school_copy("minimal");
    std::fs::write(
        school.join("classes/cm1/cahier/2026-11-24.md"),
        format!(
            "---\na_faire: []\n---\n## Français\nLecture ; [voir la dictée](#francais-1).\n\n\
             ## Mathématiques\n{}\n\n## Français\nDictée du jour.\n",
            "Des fractions, encore des fractions. ".repeat(200)
        ),
    )
    .unwrap();
    std::fs::write(
        school.join("classes/cm1/blog/dictee.md"),
        "---\ntitre: La dictée\ndate: 2026-11-24\n---\n\
         [La dictée du jour](@/classes/cm1/cahier/2026-11-24.md#francais-1)\n",
    )
    .unwrap();
    let out = tmp.path().join("site");
    let r = preau(&school, &["build", ".", "--out", out.to_str().unwrap()]);
    assert!(r.status.success(), "{:?}", text(&r));
    let code = class_code(&school, "cm1");
    let open = |route: &str, more: &[&str]| {
        on_site(&out, "/tilleuls/")
            .area("classes/cm1/", &code)
            .args(&["--route", route, "--focused", "francais-1"])
            .args(more)
            .pass("unlock.mjs", 120)
    };
    let day = open(
        "cahier/2026-11-24/",
        &["--follow", "voir la dictée", "--expect", "Dictée du jour."],
    );
    assert!(
        day.contains("\"hash\":\"#/cahier/2026-11-24/#francais-1\""),
        "{day}"
    );
    let post = open("blog/dictee/", &["--follow", "La dictée du jour"]);
    assert!(
        post.contains("\"hash\":\"#/cahier/2026-11-24/#francais-1\""),
        "{post}"
    );
    open("cahier/2026-11-24/#francais-1", &[]);
}
