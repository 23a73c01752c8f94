//! Issue 14, point 1, where a teacher meets it: Chromium drives the atelier
//! (tests/browser/atelier.mjs), then the school is built and the class area
//! unlocked in Chromium as a family does; and axe-core on every screen.

use std::path::Path;

use super::super::common::{
    class_code, fixture, node_script, on_site, preau, require, school_copy, text,
};
use super::serve;

/// The iPhone photo the teacher uploads (kept as it came).
const HEIC: &str = "heic/actualites/iphone/IMG_0003.HEIC";

/// Runs tests/browser/atelier.mjs on the atelier at `address` serving
/// `school`, with the fixtures' HEIC and JPEG photos to upload and `more`
/// arguments: (success, its report).
fn drive_atelier(address: &str, school: &Path, more: &[&str], seconds: u64) -> (bool, String) {
    let heic = fixture(HEIC);
    let jpeg = fixture("photos/actualites/atelier/tournee.jpg");
    let mut args = vec![
        "--atelier",
        address,
        "--school",
        school.to_str().unwrap(),
        "--heic",
        heic.to_str().unwrap(),
        "--jpeg",
        jpeg.to_str().unwrap(),
    ];
    args.extend_from_slice(more);
    node_script("atelier.mjs", &args, seconds)
}

/// The post as the atelier must write it: what the book shows for a post
/// written by hand (front matter keys in the book's order, the gallery,
/// then the markdown text).
const POST: &str = "---
titre: Le potager d'automne
date: 2026-11-24
galerie:
  - photo: tournee.jpg
    texte: Deux élèves arrosent les plantations
  - photo: img-0003.heic
    texte: Des bulbes posés sur la terre du potager
    legende: Les bulbes avant la plantation
---
Nous avons planté des **bulbes** de tulipes.
";

/// The cahier day, as the book's chapter on the cahier writes one.
const CAHIER: &str = "---
a_faire:
  - pour: 2026-11-26
    matiere: Français
    travail: Relire le chapitre 2 et répondre aux questions 1 à 3.
  - pour: 2026-11-27
    matiere: Mathématiques
    travail: Apprendre la leçon sur les fractions.
---
## Français
Lecture du chapitre 1 de *L'Œil du loup*.
";

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn a_teacher_writes_a_post_with_photos_a_cahier_day_and_resources_in_chromium() {
    require(&["browser"]);
    let (tmp, school) = school_copy("minimal");
    let server = serve(&school);
    let (ok, log) = drive_atelier(&server.atelier, &school, &[], 240);
    println!("{log}");
    assert!(ok, "the teacher could not do it in Chromium:\n{log}");
    drop(server);

    // The files are the ones a teacher would write by hand.
    let post = school.join("classes/cm1/blog/le-potager-d-automne/index.md");
    assert_eq!(std::fs::read_to_string(&post).unwrap(), POST);
    assert_eq!(
        std::fs::read(school.join("classes/cm1/blog/le-potager-d-automne/img-0003.heic")).unwrap(),
        std::fs::read(fixture(HEIC)).unwrap(),
        "the photo is stored as it came"
    );
    assert_eq!(
        std::fs::read_to_string(school.join("classes/cm1/cahier/2026-11-24.md")).unwrap(),
        CAHIER
    );
    let resources = std::fs::read_to_string(school.join("classes/cm1/ressources.md")).unwrap();
    assert_eq!(
        resources,
        "---\ntitre: Ressources\n---\n## Lecture\n- [Lumni](https://www.lumni.fr) — vidéos.\n\n\
         ## Sciences\n- [La main à la pâte](https://fondation-lamap.org) — expériences à refaire à la maison.\n"
    );

    // Built, and read in Chromium as the class's families read it.
    let out = tmp.path().join("site");
    let r = preau(&school, &["build", ".", "--out", out.to_str().unwrap()]);
    assert!(r.status.success(), "{:?}", text(&r));
    let code = class_code(&school, "cm1");
    for (route, expect, images) in [
        (
            "blog/le-potager-d-automne/",
            vec![
                "Le potager d'automne",
                "Des bulbes posés sur la terre du potager",
                "Deux élèves arrosent les plantations",
                "Les bulbes avant la plantation",
            ],
            "2",
        ),
        (
            "cahier/a-faire/",
            vec![
                "Relire le chapitre 2 et répondre aux questions 1 à 3.",
                "Apprendre la leçon sur les fractions.",
            ],
            "0",
        ),
        ("ressources/", vec!["La main à la pâte"], "0"),
    ] {
        let mut args = vec!["--route", route, "--images", images];
        for e in &expect {
            args.extend(["--expect", e]);
        }
        on_site(&out, "/tilleuls/")
            .area("classes/cm1/", &code)
            .args(&args)
            .pass("unlock.mjs", 120);
    }
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn every_atelier_screen_passes_axe_at_desktop_and_tablet_sizes() {
    require(&["browser"]);
    let (_tmp, school) = school_copy("minimal");
    let server = serve(&school);
    let (ok, log) = drive_atelier(&server.atelier, &school, &["--axe"], 300);
    println!("{log}");
    assert!(ok, "axe-core found problems:\n{log}");
    let audits = log.matches("ok axe ").count();
    assert!(
        audits >= 20,
        "every screen at both sizes ({audits} audits):\n{log}"
    );
}
