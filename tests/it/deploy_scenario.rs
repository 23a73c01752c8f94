//! The deploy scenario every remote target runs (FTP, SFTP, S3), so that
//! each protocol is held to the same promises: only what changed is sent,
//! and a refused deploy sends nothing.

use std::path::{Path, PathBuf};

use super::approval::{planned, Setup};
use super::common::{preau, text};

/// `preau deploy SITE --ecole SCHOOL EXTRA…`: (success, stdout + stderr).
pub(super) fn deploy(school: &Path, site: &Path, extra: &[&str]) -> (bool, String) {
    let mut args = vec![
        "deploy",
        site.to_str().unwrap(),
        "--ecole",
        school.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let r = preau(school, &args);
    let (o, e) = text(&r);
    (r.status.success(), format!("{o}{e}"))
}

/// What the test can see of the site online.
#[derive(Clone, Copy)]
pub(super) struct Online<'a> {
    /// The names of the files online, sorted.
    pub(super) files: &'a dyn Fn() -> Vec<String>,
    /// Checks the site online against its manifest and signatures
    /// (panicking when it does not verify) and gives its version.
    pub(super) verified_version: &'a dyn Fn() -> u64,
}

/// Version 1 published and verified; a second deploy sends nothing; one
/// changed post sends its six files (listed first by `--essai`): its blob
/// and the class's search index under new names, the class's index, the
/// manifest and two signatures; an
/// unsigned site and an older version are refused and send nothing.
/// `target` is how the summary names the target (`ftp://127.0.0.1`).
/// Gives the folder of the version left online.
pub(super) fn sends_only_what_changed_and_refusals_send_nothing(
    s: &Setup,
    target: &str,
    online: Online,
) -> PathBuf {
    let v1 = s.approved_site();
    let first = version_of(&v1);
    let (ok, log) = deploy(&s.school, &v1, &[]);
    assert!(
        ok && log.contains(&format!("Version {first} publiée vers {target}")),
        "{log}"
    );
    assert_eq!((online.verified_version)(), first);
    let (ok, log) = deploy(&s.school, &v1, &[]);
    assert!(ok && log.contains("0 fichier(s) envoyé(s)"), "{log}");

    change_one_post(&s.school);
    let v2 = s.approved_site();
    let second = version_of(&v2);
    assert!(second > first);
    let (ok, log) = deploy(&s.school, &v2, &["--essai"]);
    assert!(ok && planned(&log).len() == 6, "{log}");
    let (ok, log) = deploy(&s.school, &v2, &[]);
    assert!(
        ok && log.contains("6 fichier(s) envoyé(s)") && log.contains("2 retiré(s)"),
        "{log}"
    );
    assert_eq!((online.verified_version)(), second);

    let before = (online.files)();
    let (ok, log) = deploy(&s.school, &s.school.join("public"), &[]);
    assert!(!ok && log.contains("signature manquante"), "{log}");
    let (ok, log) = deploy(&s.school, &v1, &[]);
    assert!(!ok && log.contains("retour en arrière refusé"), "{log}");
    assert_eq!((online.files)(), before, "a refused deploy sent something");
    assert_eq!((online.verified_version)(), second);
    v2
}

/// One word added to the CM1's post of the minimal fixture.
pub(super) fn change_one_post(school: &Path) {
    let post = school.join("classes/cm1/blog/sortie/index.md");
    let text = std::fs::read_to_string(&post).unwrap();
    assert!(text.contains("résume la sortie."), "the fixture changed");
    std::fs::write(
        &post,
        text.replace("résume la sortie.", "résume la sortie, bravo."),
    )
    .unwrap();
}

/// The version in a site's manifest.
fn version_of(site: &Path) -> u64 {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("preau/manifeste.json")).unwrap()).unwrap();
    manifest["version"].as_u64().unwrap()
}

/// The version of a site checked by `preau verify` in a local folder (the
/// folder a test server serves).
pub(super) fn verified_version_of(s: &Setup, dir: &Path) -> u64 {
    let (ok, log) = s.verify(dir, &[]);
    assert!(ok, "the site online does not verify: {log}");
    version_of(dir)
}

/// A page of the (deployed, latest) `site` altered online — same size,
/// other bytes — by `alter(path, bytes)`: the next deploy names it and puts
/// it back, and the site online verifies again.
pub(super) fn puts_back_what_was_altered_online(
    s: &Setup,
    site: &Path,
    alter: &dyn Fn(&str, &[u8]),
    online: Online,
) {
    let page = std::fs::read(site.join("index.html")).unwrap();
    let mut altered = page.clone();
    altered[..12].copy_from_slice(b"<p>pirat</p>");
    alter("index.html", &altered);
    let (ok, log) = deploy(&s.school, site, &[]);
    assert!(
        ok && log.contains("Modifié en ligne, remis en place : « index.html »"),
        "{log}"
    );
    assert_eq!((online.verified_version)(), version_of(site));
    // Nothing more to put back.
    let (ok, log) = deploy(&s.school, site, &[]);
    assert!(
        ok && log.contains("0 fichier(s) envoyé(s)") && !log.contains("Modifié en ligne"),
        "{log}"
    );
}
