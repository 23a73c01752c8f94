//! The school's colours (`couleurs.principale` in `ecole.yaml`): the
//! stylesheet, the phone's theme colour and the manifest carry it; a colour
//! too light to read in white or on white is refused; Chromium paints the
//! header with it, and axe-core still finds no contrast problem.

use std::path::Path;

use super::common::{on_site, preau, require, school_copy, text};

const GREEN: &str = "couleurs:\n  principale: \"#2e7d32\"\n";

fn with_colours(school: &Path, colours: &str) {
    let file = school.join("ecole.yaml");
    let mut yaml = std::fs::read_to_string(&file).unwrap();
    yaml.push_str(colours);
    std::fs::write(file, yaml).unwrap();
}

fn read(school: &Path, file: &str) -> String {
    std::fs::read_to_string(school.join("public").join(file)).unwrap()
}

#[test]
fn a_school_colour_reaches_the_stylesheet_the_meta_and_the_manifest() {
    let (_tmp, school) = school_copy("minimal");
    with_colours(&school, GREEN);
    let r = preau(&school, &["build"]);
    assert!(r.status.success(), "{:?}", text(&r));
    let css = read(&school, "static/couleurs.css");
    assert!(css.contains("--accent: #2e7d32;"), "{css}");
    assert!(css.contains("--accent-fonce: #"), "{css}");
    assert!(!css.contains("#1d4f91"), "{css}");
    let home = read(&school, "index.html");
    let style = home.find("static/style.css").unwrap();
    let colours = home
        .find(r#"<link rel="stylesheet" href="/tilleuls/static/couleurs.css">"#)
        .expect("couleurs.css linked");
    assert!(style < colours, "couleurs.css must come after style.css");
    assert!(home.contains(r##"<meta name="theme-color" content="#2e7d32">"##));
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&school, "manifest.webmanifest")).unwrap();
    assert_eq!(manifest["theme_color"], "#2e7d32");
}

#[test]
fn without_a_colour_the_theme_keeps_its_blue() {
    let (_tmp, school) = school_copy("minimal");
    let r = preau(&school, &["build"]);
    assert!(r.status.success(), "{:?}", text(&r));
    assert!(!school.join("public/static/couleurs.css").exists());
    let home = read(&school, "index.html");
    assert!(!home.contains("couleurs.css"));
    assert!(home.contains(r##"<meta name="theme-color" content="#1d4f91">"##));
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&school, "manifest.webmanifest")).unwrap();
    assert_eq!(manifest["theme_color"], "#1d4f91");
}

#[test]
fn a_colour_too_light_or_malformed_is_refused_at_its_line() {
    let (_tmp, school) = school_copy("minimal");
    let lines = std::fs::read_to_string(school.join("ecole.yaml"))
        .unwrap()
        .lines()
        .count();
    with_colours(&school, "couleurs:\n  principale: \"#ffcc00\"\n");
    let r = preau(&school, &["build"]);
    assert!(!r.status.success());
    let (_, stderr) = text(&r);
    let at = format!("ecole.yaml:{}", lines + 2);
    assert!(stderr.contains(&at), "{at}: {stderr}");
    assert!(stderr.contains("contraste de 1,51 pour 1"), "{stderr}");
    assert!(stderr.contains("conseil :"), "{stderr}");
    assert!(stderr.contains("plus foncée"), "{stderr}");
    assert!(!school.join("public/index.html").exists());

    let (_tmp, school) = school_copy("minimal");
    with_colours(&school, "couleurs:\n  principale: \"vert\"\n");
    let r = preau(&school, &["build"]);
    assert!(!r.status.success());
    let (_, stderr) = text(&r);
    assert!(stderr.contains("couleur invalide « vert »"), "{stderr}");
    assert!(
        stderr.contains(&format!("ecole.yaml:{}", lines + 2)),
        "{stderr}"
    );
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn chromium_paints_the_header_in_the_school_colour_and_axe_finds_no_problem() {
    require(&["browser"]);
    let (_tmp, school) = school_copy("minimal");
    with_colours(&school, GREEN);
    let r = preau(&school, &["build"]);
    assert!(r.status.success(), "{:?}", text(&r));
    let site = school.join("public");
    let dark = read(&school, "static/couleurs.css")
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("--accent-fonce: #")?
                .strip_suffix(';')
                .map(str::to_string)
        })
        .unwrap();
    let rgb = |hex: &str| {
        let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
        format!("rgb({}, {}, {})", c(0), c(2), c(4))
    };
    let home = || on_site(&site, "/tilleuls/");
    let (ok, log) = home().run("colours.mjs", 90);
    assert!(ok, "{log}");
    let seen: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(seen["header"], "rgb(46, 125, 50)", "{log}");
    assert_eq!(seen["menu"], rgb(&dark).as_str(), "{log}");
    let (ok, log) = home().args(&[""]).run("axe.mjs", 120);
    assert!(
        ok,
        "axe-core found problems with the school's colour:\n{log}"
    );
    assert!(log.contains("axe: 1 pages, 0 violations"), "{log}");
}
