//! `init`, `new`, `check` and the French help, as a user runs them.

use super::common::{preau, school_copy, text};

#[test]
fn init_creates_a_school_that_builds_straight_away() {
    let tmp = tempfile::tempdir().unwrap();
    let r = preau(tmp.path(), &["init", "mon-ecole"]);
    assert!(r.status.success(), "{:?}", text(&r));
    let school = tmp.path().join("mon-ecole");
    for f in [
        "ecole.yaml",
        "pages/accueil.md",
        "pages/mentions-legales.md",
        ".gitignore",
    ] {
        assert!(school.join(f).exists(), "init did not write {f}");
    }
    // The starter's sample texts block publication until replaced.
    assert_eq!(preau(&school, &["check"]).status.code(), Some(1));
    super::french::fill_placeholders(&school);
    let r = preau(&school, &["check"]);
    assert!(r.status.success(), "{:?}", text(&r));
    let r = preau(&school, &["construire"]);
    assert!(r.status.success(), "{:?}", text(&r));
    assert!(school.join("public/index.html").exists());
}

#[test]
fn init_never_writes_into_a_folder_with_files() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "à garder").unwrap();
    let r = preau(tmp.path(), &["creer", "."]);
    assert!(!r.status.success());
    assert!(text(&r).1.contains("n'est pas vide"), "{:?}", text(&r));
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn new_article_has_front_matter_and_never_overwrites() {
    let (_tmp, school) = school_copy("minimal");
    let r = preau(
        &school,
        &["new", "article", "--classe", "cm1", "Sciences : l'eau"],
    );
    assert!(r.status.success(), "{:?}", text(&r));
    let file = school.join("classes/cm1/blog/sciences-l-eau.md");
    let content = std::fs::read_to_string(&file).unwrap();
    assert!(
        content.starts_with("---\ntitre: \"Sciences : l'eau\"\ndate: 2026-11-24\n"),
        "{content}"
    );
    std::fs::write(&file, "mon texte").unwrap();
    let r = preau(
        &school,
        &["nouveau", "article", "--classe", "cm1", "Sciences : l'eau"],
    );
    assert!(!r.status.success());
    assert!(text(&r).1.contains("existe déjà"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mon texte");
    // The new file builds once its sample text is replaced.
    std::fs::write(&file, &content).unwrap();
    assert_eq!(preau(&school, &["check"]).status.code(), Some(1));
    std::fs::write(
        &file,
        content.replace("Écrivez ici votre article.", "Nous avons observé l'eau."),
    )
    .unwrap();
    assert!(preau(&school, &["check"]).status.success());
}

#[test]
fn new_cahier_day_and_resources() {
    let (_tmp, school) = school_copy("minimal");
    let r = preau(&school, &["new", "cahier", "--classe", "cm1"]);
    assert!(r.status.success(), "{:?}", text(&r));
    let day = std::fs::read_to_string(school.join("classes/cm1/cahier/2026-11-24.md")).unwrap();
    assert!(
        day.contains("a_faire:") && day.contains("pour: 2026-11-26"),
        "{day}"
    );
    let r = preau(&school, &["new", "ressource", "--classe", "cm1"]);
    assert!(
        !r.status.success(),
        "ressources.md exists in the fixture and must not be replaced"
    );
    let r = preau(&school, &["new", "cahier", "--classe", "cm2"]);
    assert!(!r.status.success());
    assert!(
        text(&r).1.contains("classe inconnue « cm2 »"),
        "{:?}",
        text(&r)
    );
    let r = preau(&school, &["new", "cahier"]);
    assert!(!r.status.success());
    // The day's sample texts must be replaced before it is published.
    assert_eq!(preau(&school, &["check"]).status.code(), Some(1));
    let day = day
        .replace("Décrivez ici le travail à faire.", "Relire la leçon.")
        .replace("Ce qui a été fait en classe.", "Les fractions.");
    std::fs::write(school.join("classes/cm1/cahier/2026-11-24.md"), day).unwrap();
    let r = preau(&school, &["check"]);
    assert!(r.status.success(), "{:?}", text(&r));
}

#[test]
fn help_is_in_french_with_aliases() {
    let tmp = tempfile::tempdir().unwrap();
    let r = preau(tmp.path(), &["--help"]);
    let (stdout, _) = text(&r);
    assert!(stdout.contains("Construit le site"), "{stdout}");
    for alias in ["construire", "controler", "creer", "nouveau", "apercu"] {
        assert!(
            stdout.contains(alias),
            "alias {alias} missing from help:\n{stdout}"
        );
    }
}

#[test]
fn check_outside_a_school_says_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let r = preau(tmp.path(), &["check"]);
    assert_eq!(r.status.code(), Some(1));
    let (_, stderr) = text(&r);
    assert!(
        stderr.contains("ecole.yaml") && stderr.contains("conseil : "),
        "{stderr}"
    );
}
