//! A commune folder: three schools built in one command, one of them broken
//! (the two others are built all the same), a home page that lists them,
//! an unchanged school skipped, and one school's code opening nothing of
//! another's; the commune's approval policy, signed as applied and
//! refused once loosened; the home page deployed as rendered, never as
//! built; a forced rollback for every school.

use std::path::{Path, PathBuf};

use super::access::{ring, unwrap_all};
use super::approval::{setup, Setup};
use super::common::{class_code, copy_tree, files, fixture, preau, teacher_key, text};

const CANARY: &str = "CANARI-ECOLE-A-7391";

/// `ville/` with `commune.yaml` and the schools `a`, `b` (own codes) and
/// `c` (a post without title).
fn commune() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("ville");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("commune.yaml"), "nom: Ville de Villeneuve\n").unwrap();
    for (name, nom) in [
        ("a", "École des Acacias"),
        ("b", "École des Bouleaux"),
        ("c", "École des Cèdres"),
    ] {
        let dir = root.join(name);
        copy_tree(&fixture("minimal"), &dir);
        let yaml = std::fs::read_to_string(dir.join("ecole.yaml"))
            .unwrap()
            .replace("École élémentaire des Tilleuls", nom)
            .replace("/tilleuls/", &format!("/{name}/"));
        std::fs::write(dir.join("ecole.yaml"), yaml).unwrap();
        if name != "a" {
            // Each school its own codes and keys.
            std::fs::remove_file(dir.join(".preau/acces.json")).unwrap();
            let run = preau(&dir, &["access", "generer"]);
            assert!(run.status.success(), "{:?}", text(&run));
        }
    }
    let post = root.join("a/classes/cm1/blog/sortie/index.md");
    let text_a = std::fs::read_to_string(&post).unwrap();
    std::fs::write(&post, text_a.replace("quelle journée", CANARY)).unwrap();
    std::fs::write(
        root.join("c/classes/cm1/blog/sortie/index.md"),
        "---\ndate: 2026-11-12\n---\nSans titre.\n",
    )
    .unwrap();
    (tmp, root)
}

fn all_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, preau::output::readable(&bytes).into_owned())
        })
        .collect()
}

#[test]
fn one_command_builds_every_school_and_a_broken_one_stops_no_other() {
    let (_tmp, root) = commune();
    let run = preau(&root, &["build"]);
    let (stdout, stderr) = text(&run);
    let all = format!("{stdout}\n{stderr}");
    assert_eq!(run.status.code(), Some(1), "one school failed:\n{all}");
    for built in ["a", "b"] {
        assert!(
            root.join(built).join("public/index.html").exists(),
            "{built} built:\n{all}"
        );
    }
    assert!(!root.join("c/public").exists(), "c failed:\n{all}");
    assert!(
        all.contains("✗ c :") && all.contains("c/classes/cm1/blog/sortie/index.md"),
        "c's problem is named under c:\n{all}"
    );
    assert!(
        all.contains("2 construite(s), 0 inchangée(s), 1 en échec"),
        "{all}"
    );
    // Not a terminal: no bar drawn, one plain line a school as it
    // finishes, counted against the whole commune.
    assert!(!all.contains('\x1b'), "terminal codes in a pipe:\n{all}");
    for n in 1..=3 {
        let lines = stdout
            .lines()
            .filter(|l| l.starts_with(&format!("[{n}/3] ")))
            .count();
        assert_eq!(lines, 1, "[{n}/3]:\n{stdout}");
    }
    // The commune's home page lists the three schools.
    let home = std::fs::read_to_string(root.join("public/index.html")).unwrap();
    for expected in [
        "École des Acacias",
        "href=\"https://ecoles.villeneuve.example/a/\"",
        "École des Bouleaux",
        "1 place de la Mairie, 99000 Villeneuve",
        "Accessibilité : site non conforme",
        "École des Cèdres",
    ] {
        assert!(home.contains(expected), "{expected} missing:\n{home}");
    }
    assert!(home.contains("Content-Security-Policy"));

    // Run again after fixing c: a and b are unchanged and not rebuilt.
    std::fs::write(
        root.join("c/classes/cm1/blog/sortie/index.md"),
        "---\ntitre: Sortie\ndate: 2026-11-12\n---\nAvec titre.\n",
    )
    .unwrap();
    let before = std::fs::metadata(root.join("a/public/index.html"))
        .unwrap()
        .modified()
        .unwrap();
    let run = preau(&root, &["build"]);
    let (stdout, stderr) = text(&run);
    assert!(run.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 construite(s), 2 inchangée(s), 0 en échec"),
        "{stdout}"
    );
    let after = std::fs::metadata(root.join("a/public/index.html"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after, "a was not rewritten");
    // A change in a rebuilds a alone.
    std::fs::write(
        root.join("a/actualites/rentree.md"),
        "---\ntitre: Rentrée\ndate: 2026-09-01\n---\nC'est la rentrée, autrement.\n",
    )
    .unwrap();
    let run = preau(&root, &["build"]);
    let (stdout, _) = text(&run);
    assert!(
        stdout.contains("1 construite(s), 2 inchangée(s)") && stdout.contains("✓ a :"),
        "{stdout}"
    );
}

#[test]
fn one_schools_code_opens_nothing_of_another() {
    let (_tmp, root) = commune();
    std::fs::remove_dir_all(root.join("c")).unwrap();
    let run = preau(&root, &["build"]);
    assert!(run.status.success(), "{:?}", text(&run));
    let (a, b) = (root.join("a/public"), root.join("b/public"));
    // The canary of a: nowhere in clear, in a's output or b's.
    for (name, bytes) in all_bytes(&a).into_iter().chain(all_bytes(&b)) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(CANARY),
            "{CANARY} in clear in {name}"
        );
    }
    let code_a = class_code(&root.join("a"), "cm1");
    let code_b = class_code(&root.join("b"), "cm1");
    assert_ne!(code_a, code_b);
    assert!(unwrap_all(&ring(&a), &code_a).is_ok(), "a's code opens a");
    assert!(
        unwrap_all(&ring(&b), &code_a).is_err(),
        "a's code opens nothing of b"
    );
    // b's class index opens with b's key, not with a's.
    let keys_a = unwrap_all(&ring(&a), &code_a).unwrap();
    let keys_b = unwrap_all(&ring(&b), &code_b).unwrap();
    let secrets_b = preau::access::Secrets::load(&root.join("b"))
        .unwrap()
        .unwrap();
    let cm1 = preau::config::Audience::Class("cm1".into());
    let index = std::fs::read(b.join(preau::access::bundle::index_blob(&cm1, &secrets_b).unwrap()))
        .unwrap();
    let id = preau::access::bundle::index_id(&cm1);
    assert!(preau::access::crypto::open(&keys_b["classe:cm1"], &id, &index).is_ok());
    for key in keys_a.values() {
        assert!(
            preau::access::crypto::open(key, &id, &index).is_err(),
            "b's index opened with a key of a"
        );
    }
}

#[test]
fn stats_of_a_commune_give_each_school_its_own_figures() {
    let (_tmp, root) = commune();
    std::fs::remove_dir_all(root.join("c")).unwrap();
    let run = preau(&root, &["build"]);
    assert!(run.status.success(), "{:?}", text(&run));
    // One host, one log for every school: a reads its home page twice, b once.
    let line = |path: &str, minute: u32| {
        format!("192.0.2.7 - - [03/Nov/2026:10:{minute:02}:00 +0100] \"GET {path} HTTP/1.1\" 200 900 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"\n")
    };
    let log = [line("/a/", 0), line("/a/actualites/", 1), line("/b/", 2)].concat();
    std::fs::write(root.join("access.log"), log).unwrap();
    let out = root.join("rapports");
    let run = preau(
        &root,
        &[
            "stats",
            "access.log",
            "--ecole",
            ".",
            "--sortie",
            out.to_str().unwrap(),
        ],
    );
    assert!(run.status.success(), "{:?}", text(&run));
    for (school, views) in [("a", 2), ("b", 1)] {
        let csv = std::fs::read_to_string(out.join(school).join("statistiques.csv")).unwrap();
        assert!(
            csv.contains(&format!("2026-11,accueil,autres,{views},1")),
            "{school}:\n{csv}"
        );
    }
}

/// The commune of [`commune`] with its deploy root (`web/`, one folder per
/// school), each school with its own directeur and IEN keys; `c` fixed.
fn commune_to_publish() -> (tempfile::TempDir, PathBuf, Vec<Setup>) {
    let (tmp, root) = commune();
    std::fs::write(
        root.join("commune.yaml"),
        "nom: Ville de Villeneuve\npublication:\n  type: dossier\n  chemin: web\n",
    )
    .unwrap();
    std::fs::write(
        root.join("c/classes/cm1/blog/sortie/index.md"),
        "---\ntitre: Sortie\ndate: 2026-11-12\n---\nAvec titre.\n",
    )
    .unwrap();
    let schools = ["a", "b", "c"]
        .iter()
        .map(|name| setup((tempfile::tempdir().unwrap(), root.join(name)), ""))
        .collect();
    (tmp, root, schools)
}

#[test]
fn one_command_verifies_and_deploys_every_school_and_an_unapproved_one_stops_no_other() {
    let (_tmp, root, schools) = commune_to_publish();
    let (a, b, c) = (&schools[0], &schools[1], &schools[2]);
    a.approved_site();
    b.approved_site();
    // c is submitted, never approved; its unsigned build is put where an
    // approved version would be.
    c.submit();
    copy_tree(
        &root.join("c/public"),
        &root.join("c/.preau/soumissions/approuve-v9"),
    );

    let run = preau(&root, &["verify", "."]);
    let (stdout, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("✓ a")
            && stdout.contains("✓ b")
            && stdout.contains("✗ c : ne doit pas être publiée"),
        "{stdout}"
    );
    assert!(stdout.contains("2 vérifiée(s), 1 refusée(s)"), "{stdout}");

    let run = preau(&root, &["deploy", "."]);
    let (stdout, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(1), "{stdout}\n{stderr}");
    let c_part = stdout.split("✗ c").nth(1).unwrap_or_default();
    assert!(
        c_part.contains("refusée, rien n'a été envoyé") && c_part.contains("signature"),
        "c's refusal is told under c:\n{stdout}"
    );
    assert!(
        stdout.contains("2 publiée(s), 1 refusée(s), 0 inchangée(s)"),
        "{stdout}"
    );
    let web = root.join("web");
    assert!(
        !web.join("c").exists() || files(&web.join("c")).is_empty(),
        "nothing of c was sent"
    );
    for (s, name) in [(a, "a"), (b, "b")] {
        let (ok, log) = s.verify(&web.join(name), &[]);
        assert!(ok, "{name} online does not verify: {log}");
    }
    // Online too, a's canary is nowhere in clear and a's code opens
    // nothing of b.
    for (name, bytes) in all_bytes(&web) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(CANARY),
            "{CANARY} in clear in {name}"
        );
    }
    let code_a = class_code(&root.join("a"), "cm1");
    assert!(unwrap_all(&ring(&web.join("a")), &code_a).is_ok());
    assert!(unwrap_all(&ring(&web.join("b")), &code_a).is_err());

    // Again, after a build: nothing to send; and what deploy recorded
    // makes no school look changed to the next build.
    let run = preau(&root, &["build"]);
    assert!(run.status.success(), "{:?}", text(&run));
    let run = preau(&root, &["deploy", "."]);
    let (stdout, _) = text(&run);
    assert!(
        stdout.contains("0 publiée(s), 1 refusée(s), 2 inchangée(s)"),
        "{stdout}"
    );
    let run = preau(&root, &["build"]);
    let (stdout, _) = text(&run);
    assert!(
        stdout.contains("0 construite(s), 3 inchangée(s)"),
        "a deploy made the next build rebuild:\n{stdout}"
    );

    // One school changed: only it is rebuilt and only it is redeployed.
    std::fs::remove_dir_all(root.join("c")).unwrap();
    let run = preau(&root, &["build"]);
    assert!(run.status.success(), "{:?}", text(&run));
    super::deploy_scenario::change_one_post(&root.join("b"));
    let run = preau(&root, &["build"]);
    let (stdout, _) = text(&run);
    assert!(
        stdout.contains("1 construite(s), 1 inchangée(s)") && stdout.contains("✓ b :"),
        "{stdout}"
    );
    let before_a = all_bytes(&web.join("a"));
    b.approved_site();
    let run = preau(&root, &["deploy", "."]);
    let (stdout, stderr) = text(&run);
    assert!(run.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 publiée(s), 0 refusée(s), 1 inchangée(s)")
            && stdout.contains("= a")
            && stdout.contains("6 fichier(s) envoyé(s)"),
        "{stdout}"
    );
    assert_eq!(all_bytes(&web.join("a")), before_a, "a was not touched");
    let (ok, log) = b.verify(&web.join("b"), &[]);
    assert!(ok, "{log}");
}

#[test]
fn the_town_halls_host_and_theme_are_every_schools_unless_a_school_names_its_own() {
    let (_tmp, root) = commune();
    std::fs::remove_dir_all(root.join("c")).unwrap();
    std::fs::write(
        root.join("commune.yaml"),
        "nom: Ville de Villeneuve\nhebergeur:\n  nom: Hébergement municipal de Villeneuve\n  adresse: 3 rue des Serveurs, 99000 Villeneuve\n  telephone: 01 99 99 99 99\n",
    )
    .unwrap();
    // a names no host; b keeps its own.
    let yaml = std::fs::read_to_string(root.join("a/ecole.yaml")).unwrap();
    let start = yaml.find("hebergeur:").unwrap();
    let end = yaml.find("accessibilite:").unwrap();
    std::fs::write(
        root.join("a/ecole.yaml"),
        format!("{}{}", &yaml[..start], &yaml[end..]),
    )
    .unwrap();
    // The commune's theme is every school's, unless a school has its own.
    for (dir, css) in [("theme", "commune"), ("b/theme", "b")] {
        std::fs::create_dir_all(root.join(dir).join("static")).unwrap();
        std::fs::write(
            root.join(dir).join("static/style.css"),
            format!("/* thème {css} */ body {{ color: #222; }}\n"),
        )
        .unwrap();
    }
    let run = preau(&root, &["build"]);
    assert!(run.status.success(), "{:?}", text(&run));
    let has = |school: &str, text: &str| {
        all_bytes(&root.join(school).join("public"))
            .iter()
            .any(|(_, b)| String::from_utf8_lossy(b).contains(text))
    };
    assert!(has("a", "/* thème commune */") && !has("a", "/* thème b */"));
    assert!(has("b", "/* thème b */") && !has("b", "/* thème commune */"));
    let notice = |school: &str| {
        std::fs::read_to_string(root.join(school).join("public/mentions-legales/index.html"))
            .unwrap()
    };
    let (a, b) = (notice("a"), notice("b"));
    assert!(
        a.contains("Hébergement municipal de Villeneuve")
            && a.contains("3 rue des Serveurs")
            && a.contains("01 99 99 99 99"),
        "{a}"
    );
    assert!(
        b.contains("Mairie de Villeneuve") && !b.contains("Hébergement municipal"),
        "{b}"
    );
    // Built alone, a still names the commune's host.
    let run = preau(&root.join("a"), &["build"]);
    assert!(run.status.success(), "{:?}", text(&run));
    assert!(notice("a").contains("Hébergement municipal de Villeneuve"));
    // The town hall changes host: its schools are rebuilt with the new one.
    let run = preau(&root, &["build"]);
    assert!(run.status.success(), "{:?}", text(&run));
    std::fs::write(
        root.join("commune.yaml"),
        "nom: Ville de Villeneuve\nhebergeur:\n  nom: Hébergement intercommunal\n  adresse: 3 rue des Serveurs, 99000 Villeneuve\n  telephone: 01 99 99 99 99\n",
    )
    .unwrap();
    let run = preau(&root, &["build"]);
    let (stdout, _) = text(&run);
    assert!(run.status.success() && stdout.contains("✓ a :"), "{stdout}");
    assert!(notice("a").contains("Hébergement intercommunal"));
    // Without a host anywhere, the school is told where to write one.
    std::fs::write(root.join("commune.yaml"), "nom: Ville de Villeneuve\n").unwrap();
    let run = preau(&root.join("a"), &["check"]);
    let (stdout, stderr) = text(&run);
    assert!(!run.status.success());
    assert!(
        format!("{stdout}{stderr}").contains("« hebergeur » manque"),
        "{stdout}{stderr}"
    );
}

fn politique(site: &Path) -> serde_json::Value {
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("preau/manifeste.json")).unwrap()).unwrap();
    m["politique"].clone()
}

/// The commune's deploy root and approval policy; `a` takes it, `b` writes
/// its own `portees.classes`. Each school with its CM1 teacher's key.
fn commune_with_policy(policy: &str) -> (tempfile::TempDir, PathBuf, Vec<(Setup, PathBuf)>) {
    let (tmp, root) = commune();
    std::fs::remove_dir_all(root.join("c")).unwrap();
    write_commune_yaml(&root, policy);
    let schools = [("a", ""), ("b", "  portees:\n    classes: enseignant\n")]
        .iter()
        .map(|(name, own)| {
            let keys = tmp.path().join(format!("cles-{name}"));
            let k = teacher_key(&keys);
            let s = setup(
                (tempfile::tempdir().unwrap(), root.join(name)),
                &format!("  enseignants:\n    cm1: {k}\n{own}"),
            );
            (s, keys.join("enseignant.key"))
        })
        .collect();
    (tmp, root, schools)
}

fn write_commune_yaml(root: &Path, policy: &str) {
    std::fs::write(
        root.join("commune.yaml"),
        format!("nom: Ville de Villeneuve\npublication:\n  type: dossier\n  chemin: web\nconfiance:\n{policy}"),
    )
    .unwrap();
}

/// `preau publier-classe cm1` in `school` with `key`, into the commune's
/// folder for it.
fn publish_cm1(root: &Path, school: &Path, key: &Path) -> (bool, String) {
    let cahier = school.join("classes/cm1/cahier/2026-11-20.md");
    let text_before = std::fs::read_to_string(&cahier).unwrap();
    std::fs::write(
        &cahier,
        text_before.replacen("chapitre 2", "chapitre 2 puis 3", 1),
    )
    .unwrap();
    let web = root.join("web").join(Commune::name(school));
    let r = preau(
        school,
        &[
            "publier-classe",
            "cm1",
            "--ecole",
            school.to_str().unwrap(),
            "--cle",
            key.to_str().unwrap(),
            "--vers",
            web.to_str().unwrap(),
        ],
    );
    let (o, e) = text(&r);
    (r.status.success(), format!("{o}{e}"))
}

use preau::commune::Commune;

#[test]
fn the_communes_policy_is_signed_and_a_loosened_one_stops_publications_and_deploys() {
    let strict = "  signataires: [directeur, ien]\n  portees:\n    classes: ien\n";
    let (_tmp, root, schools) = commune_with_policy(strict);
    let ((a, key_a), (b, key_b)) = (&schools[0], &schools[1]);
    let run = preau(&root, &["build"]);
    assert!(run.status.success(), "{:?}", text(&run));
    // The effective policy is in each signed manifest: a's is the
    // commune's, b's own portees.classes stays its own.
    let (site_a, site_b) = (a.approved_site(), b.approved_site());
    let (pa, pb) = (politique(&site_a), politique(&site_b));
    assert_eq!(pa["classes"], "ien", "{pa}");
    assert_eq!(pa["signataires"], serde_json::json!(["directeur", "ien"]));
    assert_eq!(pb["classes"], "enseignant", "{pb}");
    let run = preau(&root, &["deploy", "."]);
    let (stdout, stderr) = text(&run);
    assert!(run.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("2 publiée(s)"), "{stdout}");
    // The commune's policy applies to a: its teacher cannot publish alone;
    // b's teacher can, b's own policy says so.
    let (ok, log) = publish_cm1(&root, &a.school, key_a);
    assert!(!ok && log.contains("ne permet pas"), "{log}");
    let (ok, log) = publish_cm1(&root, &b.school, key_b);
    assert!(ok, "{log}");

    // The town hall loosens the policy after the IEN's approval.
    write_commune_yaml(
        &root,
        "  signataires: [directeur, ien]\n  portees:\n    classes: enseignant\n",
    );
    let online_a = all_bytes(&root.join("web/a"));
    // a's teacher: refused, the change named.
    let (ok, log) = publish_cm1(&root, &a.school, key_a);
    assert!(!ok, "a teacher published under a loosened policy:\n{log}");
    assert!(
        log.contains("politique de signature en vigueur")
            && log.contains("commune.yaml")
            && log.contains(
                "« portees.classes » : « ien » dans le manifeste signé, « enseignant » en vigueur"
            ),
        "{log}"
    );
    // The commune's deploy: a refused, b (its own policy) unaffected.
    let run = preau(&root, &["deploy", "."]);
    let (stdout, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(1), "{stdout}\n{stderr}");
    let a_part = stdout.split("✗ a").nth(1).unwrap_or_default();
    assert!(
        a_part.contains("rien n'a été envoyé")
            && a_part.contains("commune.yaml")
            && a_part.contains("« portees.classes » : « ien » dans le manifeste signé"),
        "{stdout}"
    );
    assert!(stdout.contains("= b"), "{stdout}");
    // a alone, as its own folder: the same refusal.
    let (ok, log) = super::deploy_scenario::deploy(&a.school, &site_a, &[]);
    assert!(!ok && log.contains("« portees.classes »"), "{log}");
    let (ok, log) = a.verify(&site_a, &[]);
    assert!(!ok && log.contains("« portees.classes »"), "{log}");
    assert_eq!(
        all_bytes(&root.join("web/a")),
        online_a,
        "nothing of a was sent"
    );
    // b's teacher still publishes.
    let (ok, log) = publish_cm1(&root, &b.school, key_b);
    assert!(ok, "{log}");

    // Dropping the directeur from the signers is a change too.
    write_commune_yaml(
        &root,
        "  signataires: [ien]\n  portees:\n    classes: ien\n",
    );
    let run = preau(&root, &["deploy", "."]);
    let (stdout, _) = text(&run);
    assert_eq!(run.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "« signataires » : [directeur, ien] dans le manifeste signé, [ien] en vigueur"
        ),
        "{stdout}"
    );
    // Back to the approved policy: a deploys again (nothing to send).
    write_commune_yaml(&root, strict);
    let run = preau(&root, &["deploy", "."]);
    let (stdout, stderr) = text(&run);
    assert!(run.status.success(), "{stdout}\n{stderr}");
}

#[test]
fn a_commune_may_not_give_a_directeurs_key_nor_a_wrong_scope() {
    let (_tmp, root) = commune();
    std::fs::remove_dir_all(root.join("c")).unwrap();
    for (policy, expected) in [
        (
            "  directeur: RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3\n",
            "« confiance.directeur » ne peut pas être donné par la commune",
        ),
        (
            "  portees:\n    familles: enseignant\n",
            "« portees.familles » vaut « enseignant »",
        ),
        ("  signataires: [directeur]\n", "ne nomme pas l'IEN"),
    ] {
        std::fs::write(
            root.join("commune.yaml"),
            format!("nom: Ville de Villeneuve\nconfiance:\n{policy}"),
        )
        .unwrap();
        for dir in [root.clone(), root.join("a")] {
            let run = preau(&dir, &["build"]);
            let (stdout, stderr) = text(&run);
            assert!(
                !run.status.success(),
                "{}: {stdout}\n{stderr}",
                dir.display()
            );
            assert!(
                format!("{stdout}{stderr}").contains(expected)
                    && format!("{stdout}{stderr}").contains("commune.yaml"),
                "{expected}:\n{stdout}\n{stderr}"
            );
        }
    }
}

#[test]
fn deploy_renders_the_communes_page_itself_and_never_sends_a_tampered_build() {
    const PAGE_CANARY: &str = "CANARI-PAGE-COMMUNE-5150";
    let (_tmp, root, schools) = commune_to_publish();
    schools[0].approved_site();
    schools[1].approved_site();
    // c is never approved: its deploy is refused.
    let run = preau(&root, &["build"]);
    assert!(run.status.success(), "{:?}", text(&run));
    // Someone alters the built page and its style sheet on disk.
    let built = root.join("public/index.html");
    let page = std::fs::read_to_string(&built).unwrap();
    std::fs::write(
        &built,
        page.replacen(
            "</h1>",
            &format!("</h1><script>alert('{PAGE_CANARY}')</script>"),
            1,
        ),
    )
    .unwrap();
    let css = root.join("public/static/style.css");
    let sheet = std::fs::read_to_string(&css).unwrap();
    std::fs::write(&css, format!("/* {PAGE_CANARY} */\n{sheet}")).unwrap();

    let run = preau(&root, &["deploy", "."]);
    let (stdout, stderr) = text(&run);
    assert_eq!(
        run.status.code(),
        Some(1),
        "c is refused:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("✓ page des écoles : publiée") && stdout.contains("2 fichier(s)"),
        "{stdout}"
    );
    let web = root.join("web");
    let online = std::fs::read_to_string(web.join("index.html")).unwrap();
    for expected in [
        "École des Acacias",
        "href=\"https://ecoles.villeneuve.example/a/\"",
        "École des Bouleaux",
        // Refused today, listed all the same: its previous version (if
        // any) stays online.
        "École des Cèdres",
        "Accessibilité : site non conforme",
        "script-src 'none'",
    ] {
        assert!(online.contains(expected), "{expected} missing:\n{online}");
    }
    assert!(!online.contains("<script"), "{online}");
    assert!(web.join("static/style.css").is_file());
    for (name, bytes) in all_bytes(&web) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(PAGE_CANARY),
            "{PAGE_CANARY} online in {name}"
        );
    }

    // Again, nothing changed: nothing of the page is sent.
    let before = std::fs::metadata(web.join("index.html"))
        .unwrap()
        .modified()
        .unwrap();
    let run = preau(&root, &["deploy", "."]);
    let (stdout, _) = text(&run);
    assert!(stdout.contains("= page des écoles : inchangée"), "{stdout}");
    let after = std::fs::metadata(web.join("index.html"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after, "the page was rewritten");

    // Altered online: put back.
    std::fs::write(web.join("index.html"), format!("<p>{PAGE_CANARY}</p>")).unwrap();
    let run = preau(&root, &["deploy", "."]);
    let (stdout, _) = text(&run);
    assert!(
        stdout.contains("✓ page des écoles : publiée") && stdout.contains("index.html"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(web.join("index.html")).unwrap(),
        online
    );

    // A school whose ecole.yaml cannot be read: the listing would be
    // wrong, the page online stays as it is.
    std::fs::write(root.join("b/ecole.yaml"), "nom: [\n").unwrap();
    let run = preau(&root, &["deploy", "."]);
    let (stdout, _) = text(&run);
    assert_eq!(run.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("✗ page des écoles : non publiée")
            && stdout.contains("b : ecole.yaml est illisible"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(web.join("index.html")).unwrap(),
        online
    );
}

#[test]
fn forcing_a_rollback_in_a_commune_works_as_for_one_school() {
    let (_tmp, root, schools) = commune_to_publish();
    std::fs::remove_dir_all(root.join("c")).unwrap();
    let (a, b) = (&schools[0], &schools[1]);
    let v1 = a.approved_site();
    b.approved_site();
    let run = preau(&root, &["deploy", "."]);
    assert!(run.status.success(), "{:?}", text(&run));
    // a's version 2 goes online; then its folder is taken away, so that
    // a's newest approved version is 1 again.
    super::deploy_scenario::change_one_post(&root.join("a"));
    let v2 = a.approved_site();
    let run = preau(&root, &["deploy", "."]);
    assert!(run.status.success(), "{:?}", text(&run));
    let version_online = || {
        let m: serde_json::Value = serde_json::from_slice(
            &std::fs::read(root.join("web/a/preau/manifeste.json")).unwrap(),
        )
        .unwrap();
        m["version"].as_u64().unwrap()
    };
    assert_eq!(version_online(), 2);
    std::fs::remove_dir_all(&v2).unwrap();
    assert!(v1.is_dir());

    // Without the flag: refused, nothing of a sent; b unchanged.
    let run = preau(&root, &["deploy", "."]);
    let (stdout, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(1), "{stdout}\n{stderr}");
    let a_part = stdout.split("✗ a").nth(1).unwrap_or_default();
    assert!(
        a_part.contains("retour en arrière refusé") && a_part.contains("--forcer-retour-arriere"),
        "{stdout}"
    );
    assert!(stdout.contains("= b"), "{stdout}");
    assert_eq!(version_online(), 2);

    // With it: a goes back to version 1, and says so.
    let run = preau(&root, &["deploy", ".", "--forcer-retour-arriere"]);
    let (stdout, stderr) = text(&run);
    assert!(run.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("--forcer-retour-arriere vaut pour chaque école")
            && stdout.contains("Attention : retour en arrière volontaire (--forcer-retour-arriere) : la version 1 remplace la version 2."),
        "{stdout}"
    );
    assert!(stdout.contains("✓ a") && stdout.contains("= b"), "{stdout}");
    assert_eq!(version_online(), 1);
    let (ok, log) = a.verify(&root.join("web/a"), &[]);
    assert!(
        !ok && log.contains("retour en arrière refusé"),
        "the school still knows version 2: {log}"
    );
}

#[test]
fn the_ien_sees_the_policy_it_signs_and_cannot_sign_one_the_school_no_longer_applies() {
    let strict = "  portees:\n    classes: ien\n";
    let (_tmp, root, schools) = commune_with_policy(strict);
    let a = &schools[0].0;
    let submission = a.submit();
    // The town hall loosens the policy while the IEN reviews.
    write_commune_yaml(&root, "  portees:\n    classes: enseignant\n");
    let (ok, o, e) = a.approve(&submission, &["--oui"]);
    assert!(!ok, "{o}\n{e}");
    assert!(
        e.contains("n'est pas celle que l'école applique maintenant")
            && e.contains("commune.yaml")
            && e.contains(
                "« portees.classes » : « ien » dans le manifeste signé, « enseignant » en vigueur"
            ),
        "{e}"
    );
    assert!(!o.contains("approuvée"), "{o}");
    // Back as submitted: the IEN is shown the policy, then signs it.
    write_commune_yaml(&root, strict);
    let (ok, o, e) = a.approve(&submission, &["--oui"]);
    assert!(ok, "{o}\n{e}");
    assert!(
        o.contains(
            "Politique de signature approuvée avec cette version : espaces des classes : l'IEN"
        ),
        "{o}"
    );
}
