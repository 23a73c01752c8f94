//! The encrypted areas in real headless Chromium: the right code shows the
//! class's posts, homework and photos; a wrong code shows nothing; the QR
//! link logs in and leaves the address bar clean; the canary comes back.

use super::common::{
    browser_ready, class_code, copy_tree, fixture, node_script, preau, school_copy, text,
};

fn built_canary_school() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
    String,
) {
    let (tmp, school) = school_copy("minimal");
    copy_tree(&fixture("canary"), &school);
    let out = tmp.path().join("site");
    let r = preau(&school, &["build", ".", "--out", out.to_str().unwrap()]);
    assert!(r.status.success(), "{:?}", text(&r));
    let code = class_code(&school, "cm1");
    (tmp, school, out, code)
}

#[test]
fn right_code_shows_posts_homework_and_photos_in_chromium() {
    if !browser_ready("right_code_shows_posts_homework_and_photos_in_chromium") {
        return;
    }
    let (_tmp, _school, out, code) = built_canary_school();
    let site = out.to_str().unwrap();
    let (ok, log) = node_script(
        "unlock.mjs",
        &[
            "--site",
            site,
            "--base",
            "/tilleuls/",
            "--area",
            "classes/cm1/",
            "--route",
            "blog/sortie-kanarizq7/",
            "--code",
            &code,
            "--expect",
            "Nous avons vu le Kanarizq7",
            "--expect",
            "Sortie Kanarizq7 au parc",
            "--expect",
            "Photo du Kanarizq7 sur sa branche",
            "--images",
            "1",
        ],
        120,
    );
    assert!(ok, "{log}");
    let (ok, log) = node_script(
        "unlock.mjs",
        &[
            "--site",
            site,
            "--base",
            "/tilleuls/",
            "--area",
            "classes/cm1/",
            "--route",
            "cahier/a-faire/",
            "--code",
            &code,
            "--expect",
            "Dessiner le Kanarizq7",
        ],
        120,
    );
    assert!(ok, "{log}");
}

#[test]
fn wrong_code_shows_nothing_in_chromium() {
    if !browser_ready("wrong_code_shows_nothing_in_chromium") {
        return;
    }
    let (_tmp, _school, out, code) = built_canary_school();
    let mut wrong = code.clone();
    wrong.replace_range(0..1, if code.starts_with('b') { "d" } else { "b" });
    let (ok, log) = node_script(
        "unlock.mjs",
        &[
            "--site",
            out.to_str().unwrap(),
            "--base",
            "/tilleuls/",
            "--area",
            "classes/cm1/",
            "--route",
            "blog/sortie-kanarizq7/",
            "--code",
            &wrong,
            "--denied",
            "--absent",
            "Kanarizq7",
            "--absent",
            "kanarizq7",
        ],
        120,
    );
    assert!(ok, "{log}");
}

#[test]
fn qr_link_logs_in_and_clears_the_address_bar() {
    if !browser_ready("qr_link_logs_in_and_clears_the_address_bar") {
        return;
    }
    let (_tmp, _school, out, code) = built_canary_school();
    let (ok, log) = node_script(
        "unlock.mjs",
        &[
            "--site",
            out.to_str().unwrap(),
            "--base",
            "/tilleuls/",
            "--area",
            "classes/cm1/",
            "--route",
            "blog/sortie-kanarizq7/",
            "--qr",
            &code,
            "--expect",
            "Nous avons vu le Kanarizq7",
            "--images",
            "1",
        ],
        120,
    );
    assert!(ok, "{log}");
}

#[test]
fn example_school_class_area_opens_in_chromium() {
    if !browser_ready("example_school_class_area_opens_in_chromium") {
        return;
    }
    let (out, base) = super::common::example_site();
    let school = super::common::repo().join("example-school");
    let code = class_code(&school, "cm1");
    let site = out.to_str().unwrap();
    // A post with its photo.
    let (ok, log) = node_script(
        "unlock.mjs",
        &[
            "--site",
            site,
            "--base",
            base,
            "--area",
            "classes/cm1/",
            "--route",
            "blog/sortie-au-musee/",
            "--code",
            &code,
            "--expect",
            "la classe a visité le musée gallo-romain",
            "--expect",
            "Une mosaïque romaine aux motifs géométriques",
            "--images",
            "1",
        ],
        120,
    );
    assert!(ok, "{log}");
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
        .expect("homework on that day")
        .split(['&', '.'])
        .next()
        .unwrap()
        .to_string();
    let (ok, log) = node_script(
        "unlock.mjs",
        &[
            "--site",
            site,
            "--base",
            base,
            "--area",
            "classes/cm1/",
            "--route",
            "cahier/2026-11-20/",
            "--code",
            &code,
            "--expect",
            "Travail à faire",
            "--expect",
            &homework,
        ],
        120,
    );
    assert!(ok, "{log}");
    // The CE1 code does not open the CM1 area; a made-up code opens nothing.
    let (ok, log) = node_script(
        "unlock.mjs",
        &[
            "--site",
            site,
            "--base",
            base,
            "--area",
            "classes/cm1/",
            "--route",
            "blog/sortie-au-musee/",
            "--code",
            "bakoti-lumipa-rosufa",
            "--denied",
            "--absent",
            "gallo-romain",
        ],
        120,
    );
    assert!(ok, "{log}");
    // The QR link of the letter.
    let (ok, log) = node_script(
        "unlock.mjs",
        &[
            "--site",
            site,
            "--base",
            base,
            "--area",
            "classes/cm1/",
            "--route",
            "blog/sortie-au-musee/",
            "--qr",
            &code,
            "--expect",
            "la classe a visité le musée gallo-romain",
            "--images",
            "1",
        ],
        120,
    );
    assert!(ok, "{log}");
}
