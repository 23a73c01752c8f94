//! Each folder of `tests/fixtures/invalid/` holds the files that break the
//! `minimal` school in one way, and `attendu.txt`: lines that must appear in
//! what `preau check` prints. Every case must fail with a non-zero exit.

use super::common::{copy_tree, fixture, preau, school_copy, text};

fn check_case(case: &str) {
    let (_tmp, school) = school_copy("minimal");
    let overlay = fixture("invalid").join(case);
    copy_tree(&overlay, &school);
    std::fs::remove_file(school.join("attendu.txt")).unwrap();
    let expected = std::fs::read_to_string(overlay.join("attendu.txt")).unwrap();

    let result = preau(&school, &["check"]);
    let (stdout, stderr) = text(&result);
    assert_eq!(
        result.status.code(),
        Some(1),
        "case {case}: check must fail\n{stdout}\n{stderr}"
    );
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            stderr.contains(line),
            "case {case}: expected «{line}» in:\n{stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "case {case}: {stderr}");

    // build reports the same problems and writes nothing.
    let result = preau(&school, &["build"]);
    let (_, build_err) = text(&result);
    assert_eq!(
        result.status.code(),
        Some(1),
        "case {case}: build must fail\n{build_err}"
    );
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            build_err.contains(line),
            "case {case}: build: expected «{line}» in:\n{build_err}"
        );
    }
    assert!(
        !school.join("public").exists(),
        "case {case}: a failed build wrote output"
    );
}

macro_rules! cases {
    ($($name:ident => $dir:literal),* $(,)?) => {
        $( #[test] fn $name() { check_case($dir); } )*

        /// Every folder of invalid/ has a test above.
        #[test]
        fn every_fixture_has_a_test() {
            let known = [$($dir),*];
            for entry in std::fs::read_dir(fixture("invalid")).unwrap() {
                let name = entry.unwrap().file_name().to_string_lossy().into_owned();
                assert!(known.contains(&name.as_str()), "invalid/{name} has no test");
            }
        }
    };
}

cases! {
    unreadable_yaml => "yaml-illisible",
    unknown_key_suggests_closest => "cle-inconnue",
    unknown_key_in_school_file => "ecole-cle-inconnue",
    impossible_date => "date-impossible",
    missing_title => "titre-manquant",
    unknown_class_in_audience => "classe-inconnue",
    class_folder_not_declared => "classe-non-declaree",
    unknown_audience => "acces-inconnu",
    broken_page_link => "lien-casse",
    broken_site_link => "lien-site-casse",
    missing_image => "image-manquante",
    missing_files => "fichier-manquant",
    link_outside_school_folder => "sortie-du-dossier",
    homework_due_before_the_day => "devoir-avant-le-jour",
    every_problem_at_once => "tout-a-la-fois",
    active_content_is_refused => "fichier-actif",
    video_and_sound_are_refused => "video-et-son",
}

#[test]
fn the_minimal_school_is_valid() {
    // On a copy: check keeps a photo cache, and fixtures stay untouched.
    let (_tmp, school) = school_copy("minimal");
    let result = preau(&school, &["check"]);
    let (stdout, stderr) = text(&result);
    assert!(result.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("Contrôle terminé"), "{stdout}");
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let (_tmp, school) = school_copy("minimal");
    assert!(preau(&school, &["build"]).status.success());
    let before = std::fs::read(school.join("public/index.html")).unwrap();
    copy_tree(&fixture("invalid/cle-inconnue"), &school);
    std::fs::write(
        school.join("pages/accueil.md"),
        "---\ntitre: Accueil modifié\n---\nNouveau texte.\n",
    )
    .unwrap();
    let result = preau(&school, &["build"]);
    assert_eq!(result.status.code(), Some(1));
    assert!(text(&result)
        .1
        .contains("Le site précédent n'a pas été modifié"));
    assert_eq!(
        std::fs::read(school.join("public/index.html")).unwrap(),
        before
    );
}

#[test]
fn a_cahier_day_on_a_wednesday_needs_mercredi_in_the_school_days() {
    let (_tmp, school) = school_copy("minimal");
    let cahier = school.join("classes/cm1/cahier");
    std::fs::write(
        cahier.join("2026-11-25.md"),
        "---\na_faire:\n  - pour: 2026-12-02\n    matiere: Français\n    travail: Relire.\n---\n## Français\nLecture.\n",
    )
    .unwrap();
    let result = preau(&school, &["check"]);
    let (stdout, stderr) = text(&result);
    let all = format!("{stdout}\n{stderr}");
    assert!(!result.status.success(), "{all}");
    assert!(
        all.contains("n'est pas un jour de classe de l'école") && all.contains("2026-11-25.md"),
        "{all}"
    );
    assert!(
        all.contains("2026-11-25.md:3"),
        "the homework due on a Wednesday, at its line: {all}"
    );
    let yaml = std::fs::read_to_string(school.join("ecole.yaml")).unwrap();
    std::fs::write(
        school.join("ecole.yaml"),
        format!("{yaml}jours_de_classe: [lundi, mardi, mercredi, jeudi, vendredi]\n"),
    )
    .unwrap();
    let result = preau(&school, &["check"]);
    let (stdout, stderr) = text(&result);
    assert!(result.status.success(), "{stdout}\n{stderr}");
}
