//! IEN approval as signatures: every refusal of `preau verify` has its own
//! message, the standalone `minisign` tool agrees, and the whole path
//! directeur → IEN → verify runs on the example school.

use std::path::{Path, PathBuf};

use super::common::{copy_tree, files, preau, repo, require, school_copy, text};

/// A school with keys for both roles, trust declared in ecole.yaml.
pub(super) struct Setup {
    _tmp: tempfile::TempDir,
    pub(super) school: PathBuf,
    pub(super) ien_dir: PathBuf,
}

pub(super) fn setup(school: (tempfile::TempDir, PathBuf), extra_trust: &str) -> Setup {
    let (tmp, school) = school;
    let ien_dir = tmp.path().join("ien");
    std::fs::create_dir_all(&ien_dir).unwrap();
    let r = preau(
        &school,
        &[
            "keys",
            "generate",
            "--role",
            "directeur",
            "--sans-mot-de-passe",
        ],
    );
    assert!(r.status.success(), "{:?}", text(&r));
    let r = preau(
        &ien_dir,
        &[
            "cles",
            "generer",
            "--role",
            "ien",
            "--dossier",
            ".",
            "--sans-mot-de-passe",
        ],
    );
    assert!(r.status.success(), "{:?}", text(&r));
    let key = |p: &Path| {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
            .to_string()
    };
    let mut yaml = std::fs::read_to_string(school.join("ecole.yaml")).unwrap();
    // Expiry is checked against the real clock: far away unless a test sets it.
    let extra_trust = if extra_trust.contains("expiration:") {
        extra_trust.to_string()
    } else {
        format!("  expiration: 2099-08-31\n{extra_trust}")
    };
    yaml.push_str(&format!(
        "confiance:\n  directeur: {}\n  ien: {}\n{extra_trust}",
        key(&school.join(".preau/cles/directeur.pub")),
        key(&ien_dir.join("ien.pub"))
    ));
    std::fs::write(school.join("ecole.yaml"), yaml).unwrap();
    Setup {
        _tmp: tmp,
        school,
        ien_dir,
    }
}

impl Setup {
    pub(super) fn submit(&self) -> PathBuf {
        let r = preau(&self.school, &["submit"]);
        assert!(r.status.success(), "{:?}", text(&r));
        let (out, _) = text(&r);
        let line = out
            .lines()
            .find(|l| l.starts_with("Envoyez à l'IEN le fichier : "))
            .expect("submission path");
        self.school
            .join(line.trim_start_matches("Envoyez à l'IEN le fichier : "))
    }

    pub(super) fn approve(&self, submission: &Path, extra: &[&str]) -> (bool, String, String) {
        let mut args = vec![
            "approve",
            submission.to_str().unwrap(),
            "--cle",
            "ien.key",
            "--ecole",
            self.school.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let r = preau(&self.ien_dir, &args);
        let (o, e) = text(&r);
        (r.status.success(), o, e)
    }

    pub(super) fn approved_site(&self) -> PathBuf {
        let submission = self.submit();
        let (ok, o, e) = self.approve(&submission, &["--oui"]);
        assert!(ok, "{o}\n{e}");
        let line = o
            .lines()
            .find(|l| l.starts_with("Site approuvé, prêt à publier : "))
            .expect("approved site");
        PathBuf::from(line.trim_start_matches("Site approuvé, prêt à publier : "))
    }

    pub(super) fn verify(&self, site: &Path, extra: &[&str]) -> (bool, String) {
        let mut args = vec![
            "verify",
            site.to_str().unwrap(),
            "--ecole",
            self.school.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let r = preau(&self.school, &args);
        let (o, e) = text(&r);
        (r.status.success(), format!("{o}{e}"))
    }
}

/// A copy of an approved site, to damage.
fn copy_site(site: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("site");
    copy_tree(site, &dest);
    (tmp, dest)
}

fn refused(s: &Setup, site: &Path, extra: &[&str], expected: &str) {
    let (ok, log) = s.verify(site, extra);
    assert!(!ok, "verify must refuse ({expected}):\n{log}");
    assert!(log.contains(expected), "expected « {expected} » in:\n{log}");
}

#[test]
fn a_good_site_verifies() {
    let s = setup(school_copy("minimal"), "");
    let site = s.approved_site();
    let (ok, log) = s.verify(&site, &[]);
    assert!(ok, "{log}");
    assert!(log.contains("Site vérifié : version 1"), "{log}");
}

#[test]
fn each_refusal_has_its_own_message() {
    let s = setup(school_copy("minimal"), "");
    let site = s.approved_site();

    let (_t1, one_byte) = copy_site(&site);
    let target = files(&one_byte)
        .into_iter()
        .find(|f| f.starts_with("acces/") && f.ends_with(".bin"))
        .unwrap();
    let mut bytes = std::fs::read(one_byte.join(&target)).unwrap();
    bytes[20] ^= 1;
    std::fs::write(one_byte.join(&target), bytes).unwrap();
    refused(
        &s,
        &one_byte,
        &[],
        &format!("fichier modifié depuis la signature : « {target} »"),
    );

    let (_t2, extra) = copy_site(&site);
    std::fs::write(extra.join("pirate.html"), "<p>publicité</p>").unwrap();
    refused(
        &s,
        &extra,
        &[],
        "fichier en trop, absent du manifeste : « pirate.html »",
    );

    let (_t3, missing) = copy_site(&site);
    std::fs::remove_file(missing.join("mentions-legales/index.html")).unwrap();
    refused(
        &s,
        &missing,
        &[],
        "fichier manquant : « mentions-legales/index.html »",
    );

    let (_t4, unsigned) = copy_site(&site);
    std::fs::remove_file(unsigned.join("preau/manifeste.json.ien.minisig")).unwrap();
    refused(
        &s,
        &unsigned,
        &[],
        "signature manquante : l'IEN n'a pas signé",
    );

    // Signed by someone else's key (a key the school does not trust).
    let (_t5, impostor) = copy_site(&site);
    let other = tempfile::tempdir().unwrap();
    assert!(preau(
        other.path(),
        &[
            "keys",
            "generate",
            "--role",
            "ien",
            "--dossier",
            ".",
            "--sans-mot-de-passe"
        ]
    )
    .status
    .success());
    let sk = preau::manifest::keys::load_secret(&other.path().join("ien.key")).unwrap();
    let manifest = std::fs::read(impostor.join("preau/manifeste.json")).unwrap();
    std::fs::write(
        impostor.join("preau/manifeste.json.ien.minisig"),
        preau::manifest::keys::sign(&sk, &manifest, "version:1 role:ien").unwrap(),
    )
    .unwrap();
    refused(
        &s,
        &impostor,
        &[],
        "la signature attribuée à l'IEN a été faite avec une clé qui n'est pas la sienne",
    );

    // The manifest edited after signing (to hide a changed file).
    let (_t6, tampered) = copy_site(&site);
    let m = std::fs::read_to_string(tampered.join("preau/manifeste.json")).unwrap();
    std::fs::write(
        tampered.join("preau/manifeste.json"),
        m.replacen("\"version\": 1", "\"version\": 9", 1),
    )
    .unwrap();
    refused(
        &s,
        &tampered,
        &[],
        "le manifeste a été modifié après la signature de l'IEN",
    );

    // Rollback: a version lower than the one given.
    refused(
        &s,
        &site,
        &["--version-minimale", "2"],
        "retour en arrière refusé : ce site est la version 1, mais la version 2 est déjà connue",
    );
}

#[test]
fn an_expired_manifest_is_refused() {
    let s = setup(school_copy("minimal"), "  expiration: 2026-11-01\n");
    let site = s.approved_site_expired();
    refused(
        &s,
        &site,
        &[],
        "le manifeste a expiré le dimanche 1er novembre 2026",
    );
}

impl Setup {
    /// The IEN cannot approve an expired manifest either; sign by hand.
    fn approved_site_expired(&self) -> PathBuf {
        let submission = self.submit();
        let (ok, _, e) = self.approve(&submission, &["--oui"]);
        assert!(
            !ok && e.contains("a expiré"),
            "approve must refuse an expired submission: {e}"
        );
        let dir = submission.parent().unwrap().join("manuel");
        std::fs::create_dir_all(&dir).unwrap();
        let status = std::process::Command::new("tar")
            .arg("-xf")
            .arg(&submission)
            .arg("-C")
            .arg(&dir)
            .status()
            .unwrap();
        assert!(status.success());
        let site = dir.join("site");
        let sk = preau::manifest::keys::load_secret(&self.ien_dir.join("ien.key")).unwrap();
        let manifest = std::fs::read(site.join("preau/manifeste.json")).unwrap();
        std::fs::write(
            site.join("preau/manifeste.json.ien.minisig"),
            preau::manifest::keys::sign(&sk, &manifest, "version:1 role:ien").unwrap(),
        )
        .unwrap();
        site
    }
}

#[test]
#[ignore = "needs minisign (apt-get install minisign; bash .ci/run installs it)"]
fn standalone_minisign_checks_the_signatures() {
    require(&["minisign"]);
    let minisign = std::path::Path::new("minisign");
    let s = setup(school_copy("minimal"), "");
    let site = s.approved_site();
    let check = |site: &Path, role: &str, key: &Path| {
        std::process::Command::new(minisign)
            .args(["-V", "-q", "-m"])
            .arg(site.join("preau/manifeste.json"))
            .arg("-x")
            .arg(site.join(format!("preau/manifeste.json.{role}.minisig")))
            .arg("-p")
            .arg(key)
            .status()
            .unwrap()
            .success()
    };
    assert!(check(&site, "ien", &s.ien_dir.join("ien.pub")));
    assert!(check(
        &site,
        "directeur",
        &s.school.join(".preau/cles/directeur.pub")
    ));
    let (_t, tampered) = copy_site(&site);
    let m = std::fs::read_to_string(tampered.join("preau/manifeste.json")).unwrap();
    std::fs::write(
        tampered.join("preau/manifeste.json"),
        m.replace("\"version\": 1", "\"version\": 2"),
    )
    .unwrap();
    assert!(
        !check(&tampered, "ien", &s.ien_dir.join("ien.pub")),
        "minisign must refuse a tampered manifest"
    );
}

#[test]
fn directeur_to_ien_to_verify_on_the_example_school_with_a_refusal_and_a_resubmission() {
    let tmp = tempfile::tempdir().unwrap();
    let school = tmp.path().join("ecole");
    copy_tree(&repo().join("example-school"), &school);
    let _ = std::fs::remove_dir_all(school.join("public"));
    let s = setup((tmp, school), "");

    // Version 1: approved.
    let site1 = s.approved_site();
    let (ok, log) = s.verify(&site1, &[]);
    assert!(ok, "{log}");

    // Version 2: a teacher adds a post; the IEN refuses it.
    std::fs::write(
        s.school.join("classes/cm1/blog/le-marche-des-fractions.md"),
        "---\ntitre: Le marché des fractions\ndate: 2026-12-15\n---\nLes élèves ont vendu des parts de tarte : la moitié, le tiers, le quart.\n",
    )
    .unwrap();
    let sub2 = s.submit();
    let report =
        std::fs::read_to_string(sub2.parent().unwrap().join("rapport-v2.html")).unwrap_or_default();
    assert!(
        report.is_empty(),
        "the report is extracted by the IEN, not left in clear by submit"
    );
    let (ok, o, e) = s.approve(&sub2, &["--refuser", "Le titre doit préciser la classe."]);
    assert!(ok, "{o}\n{e}");
    assert!(
        o.contains("Depuis la version 1 approuvée : 1 nouveauté(s)"),
        "{o}"
    );
    let refusal = std::fs::read_to_string(sub2.parent().unwrap().join("refus-v2.txt")).unwrap();
    assert!(
        refusal.contains("Motif : Le titre doit préciser la classe."),
        "{refusal}"
    );
    // The IEN's report holds the restricted post in clear; the published site does not.
    let report = std::fs::read_to_string(sub2.parent().unwrap().join("rapport-v2.html")).unwrap();
    assert!(
        report.contains("Les élèves ont vendu des parts de tarte"),
        "report misses the new restricted post"
    );
    assert!(
        report.find("Nouveau : Le marché des fractions").unwrap()
            < report.find("Tout le contenu").unwrap()
    );
    for f in files(&s.school.join("public")) {
        let bytes = std::fs::read(s.school.join("public").join(&f)).unwrap();
        assert!(
            memchr::memmem::find(&bytes, "vendu des parts de tarte".as_bytes()).is_none(),
            "restricted text in clear in public/{f}"
        );
    }

    // Version 3: corrected and approved.
    std::fs::remove_file(s.school.join("classes/cm1/blog/le-marche-des-fractions.md")).unwrap();
    std::fs::write(
        s.school.join("classes/cm1/blog/le-marche-des-fractions-cm1.md"),
        "---\ntitre: Le marché des fractions du CM1\ndate: 2026-12-15\n---\nLes élèves ont vendu des parts de tarte : la moitié, le tiers, le quart.\n",
    )
    .unwrap();
    let sub3 = s.submit();
    assert!(sub3.ends_with("soumission-v3.tar"), "{}", sub3.display());
    let (ok, o, e) = s.approve(&sub3, &["--oui"]);
    assert!(ok, "{o}\n{e}");
    let site3 = sub3.parent().unwrap().join("approuve-v3");
    let (ok, log) = s.verify(&site3, &[]);
    assert!(ok, "{log}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site3.join("preau/manifeste.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["version"], 3);
    assert!(
        manifest["precedent_approuve"].is_string(),
        "v3 names v1, the last approved"
    );
    // Once v3 is known, v1 is a rollback.
    let (ok, log) = s.verify(&site1, &[]);
    assert!(
        !ok && log
            .contains("retour en arrière refusé : ce site est la version 1, mais la version 3"),
        "{log}"
    );
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn the_footer_shows_who_approved_and_when() {
    require(&["browser"]);
    let s = setup(school_copy("minimal"), "");
    let site = s.approved_site();
    super::common::on_site(&site, "/tilleuls/")
        .args(&[
            "--path",
            "",
            "--expect",
            "Version 1 du site, approuvée par Mme Inès Garnier (IEN) le 24 novembre 2026",
            "--expect",
            "Manifeste du site",
        ])
        .pass("page.mjs", 90);
    // An unapproved build says nothing of an approval.
    let unapproved = s.school.join("public");
    super::common::on_site(&unapproved, "/tilleuls/")
        .args(&[
            "--path",
            "",
            "--absent",
            "approuvée par",
            "--absent",
            "Manifeste du site",
        ])
        .pass("page.mjs", 90);
}

// ---- Publishing (preau deploy, folder target) ----

fn deploy(s: &Setup, site: &Path, web: &Path, extra: &[&str]) -> (bool, String) {
    let mut args = vec![
        "deploy",
        site.to_str().unwrap(),
        "--ecole",
        s.school.to_str().unwrap(),
        "--vers",
        web.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let r = preau(&s.school, &args);
    let (o, e) = text(&r);
    (r.status.success(), format!("{o}{e}"))
}

pub(super) fn planned(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(|l| l.strip_prefix("  + "))
        .map(str::to_string)
        .collect()
}

#[test]
fn deploy_sends_only_what_changed_and_the_manifest_last() {
    let s = setup(school_copy("minimal"), "");
    let web = s.school.parent().unwrap().join("web");
    let v1 = s.approved_site();
    let (ok, log) = deploy(&s, &v1, &web, &[]);
    assert!(ok, "{log}");
    assert!(
        log.contains("Version 1 publiée") && log.contains("en ligne auparavant : rien"),
        "{log}"
    );
    let (ok, log) = s.verify(&web, &[]);
    assert!(ok, "the published folder verifies: {log}");
    // Again, no change: nothing.
    let (ok, log) = deploy(&s, &v1, &web, &["--essai"]);
    assert!(ok && planned(&log).is_empty(), "{log}");
    let (ok, log) = deploy(&s, &v1, &web, &[]);
    assert!(ok && log.contains("0 fichier(s) envoyé(s)"), "{log}");
    // One post changed: its blob, the class search index (both under new
    // names), the class's index that names them, then the manifest and
    // signatures.
    super::deploy_scenario::change_one_post(&s.school);
    let v2 = s.approved_site();
    let (ok, log) = deploy(&s, &v2, &web, &["--essai"]);
    assert!(ok, "{log}");
    let plan = planned(&log);
    assert_eq!(plan.len(), 6, "{plan:?}");
    assert!(
        plan[..3]
            .iter()
            .all(|p| p.starts_with("acces/") && p.ends_with(".bin")),
        "{plan:?}"
    );
    assert_eq!(
        &plan[3..],
        [
            "preau/manifeste.json",
            "preau/manifeste.json.directeur.minisig",
            "preau/manifeste.json.ien.minisig"
        ]
    );
    let (ok, log) = deploy(&s, &v2, &web, &[]);
    assert!(
        ok && log.contains("Version 2 publiée") && log.contains("en ligne auparavant : version 1"),
        "{log}"
    );
    let (ok, log) = s.verify(&web, &[]);
    assert!(ok && log.contains("version 2"), "{log}");
}

#[test]
fn deploy_refuses_unapproved_tampered_and_older_sites_and_sends_nothing() {
    let s = setup(school_copy("minimal"), "");
    let web = s.school.parent().unwrap().join("web");
    let v1 = s.approved_site();
    super::deploy_scenario::change_one_post(&s.school);
    let v2 = s.approved_site();
    assert!(deploy(&s, &v2, &web, &[]).0);
    let online = files(&web);
    let snapshot: Vec<Vec<u8>> = online
        .iter()
        .map(|f| std::fs::read(web.join(f)).unwrap())
        .collect();
    let unchanged = |what: &str| {
        assert_eq!(files(&web), online, "{what}: files changed online");
        for (f, before) in online.iter().zip(&snapshot) {
            assert_eq!(
                &std::fs::read(web.join(f)).unwrap(),
                before,
                "{what}: {f} changed online"
            );
        }
    };
    // Unapproved: the directeur's build, without the IEN's signature.
    let (ok, log) = deploy(&s, &s.school.join("public"), &web, &[]);
    assert!(
        !ok && log.contains("signature manquante : l'IEN n'a pas signé")
            && log.contains("rien n'a été envoyé"),
        "{log}"
    );
    unchanged("unapproved");
    // Tampered.
    let (_t, tampered) = copy_site(&v2);
    std::fs::write(tampered.join("index.html"), "<p>piraté</p>").unwrap();
    let (ok, log) = deploy(&s, &tampered, &web, &[]);
    assert!(
        !ok && log.contains("fichier modifié depuis la signature : « index.html »"),
        "{log}"
    );
    unchanged("tampered");
    // Older than what is online.
    let (ok, log) = deploy(&s, &v1, &web, &[]);
    assert!(
        !ok && log.contains(
            "retour en arrière refusé : la version 2 est en ligne, ce site est la version 1"
        ),
        "{log}"
    );
    unchanged("rollback");
    let (ok, log) = deploy(&s, &v1, &web, &["--forcer-retour-arriere"]);
    assert!(
        ok && log.contains("Version 1 publiée"),
        "a rollback on purpose: {log}"
    );
}

/// A folder that fails after a number of writes, like a connection lost.
struct Flaky {
    inner: preau::deploy::folder::Folder,
    writes_left: usize,
}

impl preau::deploy::Target for Flaky {
    fn read(&mut self, path: &str) -> anyhow::Result<Option<Vec<u8>>> {
        self.inner.read(path)
    }
    fn write(&mut self, path: &str, bytes: &[u8]) -> anyhow::Result<()> {
        if self.writes_left == 0 {
            anyhow::bail!("connexion perdue");
        }
        self.writes_left -= 1;
        self.inner.write(path, bytes)
    }
    fn delete(&mut self, path: &str) -> anyhow::Result<()> {
        self.inner.delete(path)
    }
    fn describe(&self) -> String {
        "un serveur instable".into()
    }
}

#[test]
fn an_interrupted_deploy_leaves_the_old_version_online_and_the_rerun_finishes() {
    let s = setup(school_copy("minimal"), "");
    let web = s.school.parent().unwrap().join("web");
    let v1 = s.approved_site();
    assert!(deploy(&s, &v1, &web, &[]).0);
    for name in ["pages/infos.md", "pages/cantine.md"] {
        std::fs::write(
            s.school.join(name),
            "---\ntitre: Une page de plus\n---\nTexte.\n",
        )
        .unwrap();
    }
    let v2 = s.approved_site();
    let trust =
        preau::manifest::policy::Trust::from_school_dir(Some(&s.school), None, None).unwrap();
    let today = preau::dates::Date::parse("2026-11-24").unwrap();
    let opt = preau::deploy::Options {
        site: &v2,
        school: &s.school,
        trust: &trust,
        today,
        dry_run: false,
        allow_rollback: false,
        full_check: false,
    };
    let mut flaky = Flaky {
        inner: preau::deploy::folder::Folder::new(&web).unwrap(),
        writes_left: 2,
    };
    let err = preau::deploy::deploy(&opt, &mut flaky, &mut |_, _, _| {}).unwrap_err();
    assert!(format!("{err:#}").contains("connexion perdue"), "{err:#}");
    // The manifest online is still version 1's.
    let online: serde_json::Value =
        serde_json::from_slice(&std::fs::read(web.join("preau/manifeste.json")).unwrap()).unwrap();
    assert_eq!(online["version"], 1);
    // The rerun finishes the job.
    let (ok, log) = deploy(&s, &v2, &web, &[]);
    assert!(ok, "{log}");
    let (ok, log) = s.verify(&web, &[]);
    assert!(ok && log.contains("version 2"), "{log}");
}
