//! `preau annee`, the school year's rollover, on a copy of the example
//! school: last year's class areas go to an archive only the staff code
//! opens, nothing is lost, a dry run changes nothing, a second run neither.

use std::collections::BTreeMap;
use std::path::Path;

use preau::access::crypto;
use sha2::{Digest, Sha256};

use super::access::{ring, unwrap_all};
use super::common::{base_path, copy_tree, preau, repo, text};

const CANARY: &str = "Mesangeqx41";
const CLASSES: &str = "cp,ce1,ce2,cm1,cm2,ulis";

/// A copy of the example school, with the canary in a CM1 post and in a
/// CM1 homework (a published reader must never meet it in clear).
fn example_copy() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let school = tmp.path().join("ecole");
    copy_tree(&repo().join("example-school"), &school);
    let _ = std::fs::remove_dir_all(school.join("public"));
    let post = school.join("classes/cm1/blog/correspondants.md");
    let mut text = std::fs::read_to_string(&post).unwrap();
    text.push_str(&format!(
        "\nNos correspondants de {CANARY} nous ont écrit.\n"
    ));
    std::fs::write(&post, text).unwrap();
    let day = school.join("classes/cm1/cahier/2026-11-20.md");
    let text = std::fs::read_to_string(&day).unwrap();
    let text = text.replacen(
        "a_faire:\n",
        &format!("a_faire:\n  - pour: 2026-11-23\n    matiere: Sciences\n    travail: Observer la {CANARY}.\n"),
        1,
    );
    std::fs::write(&day, text).unwrap();
    (tmp, school)
}

/// Every file of the folder (relative path → SHA-256), `.preau/cache` aside.
fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .filter(|e| !e.path().starts_with(dir.join(".preau/cache")))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let hash = Sha256::digest(std::fs::read(e.path()).unwrap());
            (rel, format!("{hash:x}"))
        })
        .collect()
}

fn code(school: &Path, role: &str) -> String {
    let secrets = preau::access::Secrets::load(school).unwrap().unwrap();
    secrets.roles[role].code.clone()
}

fn build(school: &Path, out: &Path) {
    let r = preau(school, &["build", ".", "--out", out.to_str().unwrap()]);
    assert!(r.status.success(), "{:?}", text(&r));
}

/// The text of every page a code opens, as the browser finds them: the
/// ring unwrapped with the code, the public list of areas, each area's
/// index, each page. `None` when the code opens nothing.
fn read_with_code(out: &Path, base: &str, code: &str) -> Option<(Vec<String>, String)> {
    let keys = unwrap_all(&ring(out), code).ok()?;
    let areas: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(out.join("acces/espaces.json")).unwrap()).unwrap();
    let local = |url: &str| out.join(url.strip_prefix(base).unwrap());
    let mut text = String::new();
    for area in &areas {
        let Some(key) = keys.get(area["espace"].as_str().unwrap()) else {
            continue;
        };
        let index = crypto::open(
            key,
            area["index_id"].as_str().unwrap(),
            &std::fs::read(local(area["index"].as_str().unwrap())).unwrap(),
        )
        .unwrap();
        let index: serde_json::Value = serde_json::from_slice(&index).unwrap();
        for entry in index["pages"].as_object().unwrap().values() {
            let page = crypto::open(
                key,
                entry["id"].as_str().unwrap(),
                &std::fs::read(local(entry["blob"].as_str().unwrap())).unwrap(),
            )
            .unwrap();
            text.push_str(&String::from_utf8_lossy(&page));
        }
    }
    Some((keys.keys().cloned().collect(), text))
}

#[test]
fn last_years_class_areas_open_with_the_staff_code_only() {
    let (tmp, school) = example_copy();
    let old_cm1 = code(&school, "classe:cm1");
    let before = snapshot(&school);

    let r = preau(
        &school,
        &["annee", "--date", "2027-09-01", "--classes", CLASSES],
    );
    let (stdout, stderr) = text(&r);
    assert!(r.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("Rentrée 2027-2028 préparée"), "{stdout}");
    assert!(
        stdout.contains("nouvelle approbation de l'IEN"),
        "the new year asks for the IEN's approval:\n{stdout}"
    );

    // Nothing anyone wrote is lost: every file's bytes are still somewhere.
    let after = snapshot(&school);
    let present: std::collections::BTreeSet<&String> = after.values().collect();
    let lost: Vec<&String> = before
        .iter()
        .filter(|(_, h)| !present.contains(h))
        .map(|(rel, _)| rel)
        .collect();
    assert!(lost.is_empty(), "files lost by the rollover: {lost:?}");
    assert!(school
        .join("archives/2026-2027/classes/cm1/blog/correspondants.md")
        .is_file());
    assert!(!school.join("classes/cm1/blog/correspondants.md").exists());

    // The new year: its classes, its codes, its letters.
    let ecole = std::fs::read_to_string(school.join("ecole.yaml")).unwrap();
    assert!(ecole.contains("annee_scolaire: 2027-2028"), "{ecole}");
    assert!(
        ecole.contains("classes: [cp, ce1, ce2, cm1, cm2, ulis]"),
        "{ecole}"
    );
    assert!(school.join("classes/ulis/classe.yaml").is_file());
    let new_cm1 = code(&school, "classe:cm1");
    let ulis = code(&school, "classe:ulis");
    let staff = code(&school, "equipe");
    assert_ne!(new_cm1, old_cm1);
    for class in ["cm1", "ulis"] {
        assert!(school
            .join(format!(".preau/lettres/lettre-{class}.html"))
            .is_file());
    }

    let out = tmp.path().join("site");
    build(&school, &out);
    let base = base_path(&school);
    // The legal notice is dated by the new year.
    let notice = std::fs::read_to_string(out.join("mentions-legales/index.html")).unwrap();
    assert!(
        notice.contains("Informations valables pour l'année scolaire 2027-2028"),
        "{notice}"
    );
    // The canary is nowhere in clear.
    for (rel, _) in snapshot(&out) {
        let bytes = std::fs::read(out.join(&rel)).unwrap();
        let lower = String::from_utf8_lossy(&bytes).to_lowercase();
        assert!(
            !lower.contains(&CANARY.to_lowercase()) && !rel.contains(CANARY),
            "the canary is in clear in {rel}"
        );
    }
    // The staff code finds it; this year's CM1 code does not; last year's opens nothing.
    let (opened, pages) = read_with_code(&out, &base, &staff).expect("the staff code opens");
    assert!(opened.contains(&"equipe".to_string()), "{opened:?}");
    assert!(
        pages.contains(CANARY),
        "the archive does not hold the canary"
    );
    assert!(
        pages.contains("Archives 2026-2027 — classe CM1"),
        "the staff area does not list the archived CM1"
    );
    let (opened, pages) = read_with_code(&out, &base, &new_cm1).expect("the new CM1 code opens");
    assert_eq!(opened, ["classe:cm1", "familles"]);
    assert!(
        !pages.contains(CANARY),
        "this year's CM1 code opens last year's post"
    );
    assert!(read_with_code(&out, &base, &ulis).is_some());
    assert!(
        read_with_code(&out, &base, &old_cm1).is_none(),
        "last year's CM1 code still opens something"
    );
}

#[test]
fn a_dry_run_changes_nothing_a_run_keeps_what_goes_on_and_a_second_run_has_nothing_to_do() {
    let (_tmp, school) = example_copy();
    let before = snapshot(&school);
    let r = preau(
        &school,
        &[
            "annee",
            "--date",
            "2027-09-01",
            "--essai",
            "--classes",
            CLASSES,
        ],
    );
    let (stdout, stderr) = text(&r);
    assert!(r.status.success(), "{stdout}\n{stderr}");
    for words in [
        "Rentrée 2027-2028",
        "archives/2026-2027/",
        "ulis : nouvelle classe",
        "cm1 : continue",
        "annee_scolaire 2026-2027 → 2027-2028",
        "Essai : aucun fichier n'a été modifié",
    ] {
        assert!(
            stdout.contains(words),
            "« {words} » missing from:\n{stdout}"
        );
    }
    assert_eq!(snapshot(&school), before, "the dry run changed the folder");

    // The real run: cm1 goes on as cm2 with the resources its teacher
    // keeps; a cahier day already of the new year stays in its class.
    let resources = school.join("classes/cm1/ressources.md");
    let kept =
        std::fs::read_to_string(&resources)
            .unwrap()
            .replacen("---\n", "---\ngarder: true\n", 1);
    std::fs::write(&resources, &kept).unwrap();
    let early = "---\n---\n## Accueil\nPremier jour.\n";
    std::fs::write(school.join("classes/cp/cahier/2027-09-01.md"), early).unwrap();
    let old_cm2 = std::fs::read(school.join("classes/cm2/classe.yaml")).unwrap();
    let old_cm1 = std::fs::read(school.join("classes/cm1/classe.yaml")).unwrap();
    let renamed = "cp,ce1,ce2,cm2=cm1,ulis";
    let r = preau(
        &school,
        &["annee", "--date", "2027-09-01", "--classes", renamed],
    );
    assert!(r.status.success(), "{:?}", text(&r));
    assert_eq!(
        std::fs::read_to_string(school.join("classes/cm2/ressources.md")).unwrap(),
        kept
    );
    assert!(school
        .join("classes/cm2/ressources/fractions.pdf")
        .is_file());
    assert_eq!(
        std::fs::read(school.join("classes/cm2/classe.yaml")).unwrap(),
        old_cm1
    );
    assert_eq!(
        std::fs::read(school.join("archives/2026-2027/classes/cm2/classe.yaml")).unwrap(),
        old_cm2
    );
    assert!(!school.join("classes/cm1").exists(), "cm1 went on as cm2");
    // A list its teacher did not mark kept goes to the archive alone.
    assert!(!school.join("classes/cp/ressources.md").exists());
    assert!(school
        .join("archives/2026-2027/classes/cp/ressources.md")
        .is_file());
    assert_eq!(
        std::fs::read_to_string(school.join("classes/cp/cahier/2027-09-01.md")).unwrap(),
        early
    );
    assert!(!school
        .join("archives/2026-2027/classes/cp/cahier/2027-09-01.md")
        .exists());
    assert!(!school.join("classes/cp/cahier/2026-09-01.md").exists());
    let done = snapshot(&school);
    let r = preau(
        &school,
        &["annee", "--date", "2027-09-02", "--classes", renamed],
    );
    let (stdout, stderr) = text(&r);
    assert!(r.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("Rien à faire"), "{stdout}");
    assert_eq!(snapshot(&school), done, "the second run changed the folder");
}

#[test]
fn every_problem_is_reported_at_once_and_nothing_is_overwritten() {
    let (_tmp, school) = example_copy();
    // Last year's archive already holds another version of a CM1 post.
    let clash = school.join("archives/2026-2027/classes/cm1/blog/correspondants.md");
    std::fs::create_dir_all(clash.parent().unwrap()).unwrap();
    std::fs::write(
        &clash,
        "---\ntitre: Une autre version\ndate: 2026-10-01\n---\nÀ garder.\n",
    )
    .unwrap();
    let before = snapshot(&school);
    let r = preau(
        &school,
        &[
            "annee",
            "--date",
            "2027-09-01",
            "--classes",
            "cp,cm2=cm9,CE1",
        ],
    );
    let (stdout, stderr) = text(&r);
    assert_eq!(r.status.code(), Some(1), "{stdout}\n{stderr}");
    for words in [
        "l'archive contient déjà une autre version de « classes/cm1/blog/correspondants.md »",
        "la classe « cm9 » n'existe pas",
        "identifiant de classe invalide « CE1 »",
        "conseil :",
        "Rien n'a été modifié",
    ] {
        assert!(
            stderr.contains(words),
            "« {words} » missing from:\n{stderr}"
        );
    }
    assert_eq!(
        snapshot(&school),
        before,
        "a refused rollover changed the folder"
    );
}

#[test]
fn a_commune_plans_each_school_and_refuses_one_class_list_for_all() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("ville");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("commune.yaml"), "nom: Ville de Villeneuve\n").unwrap();
    for name in ["a", "b"] {
        copy_tree(&super::common::fixture("minimal"), &root.join(name));
    }
    let before = snapshot(&root);
    let r = preau(&root, &["annee", "--date", "2027-09-01", "--essai"]);
    let (stdout, stderr) = text(&r);
    assert!(r.status.success(), "{stdout}\n{stderr}");
    assert_eq!(stdout.matches("Rentrée 2027-2028").count(), 2, "{stdout}");
    assert!(
        stdout.contains("== a ==") && stdout.contains("== b =="),
        "{stdout}"
    );
    let r = preau(&root, &["annee", "--date", "2027-09-01", "--classes", "cp"]);
    let (stdout, stderr) = text(&r);
    assert!(!r.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("conseil :"), "{stderr}");
    assert_eq!(snapshot(&root), before, "the commune folder changed");
}
