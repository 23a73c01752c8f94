//! An interrupted deploy never mixes versions, on real servers (pure-ftpd
//! and OpenSSH on loopback): stopped while sending files, after the
//! manifest, and while removing, the class page a family opens in Chromium
//! shows one version whole; the next run finishes the job — the site online
//! verifies, no file of an older version is left, the recorded removals
//! are done.
//!
//! The deploy is stopped at an exact point by `PREAU_DEPLOY_STOP_AFTER`
//! (a test hook that ends the process as a kill would); the FTP test of a
//! server stopped mid-upload (`deploy_ftp`) covers the real kill.

use std::path::Path;
use std::process::Command;

use super::approval::{setup, Setup};
use super::common::{class_code, files, on_site, require, school_copy};
use super::deploy_scenario::{deploy, verified_version_of};

/// `preau deploy SITE` stopped after the `n`-th operation of `phase`.
fn deploy_stopped(school: &Path, site: &Path, stop: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_preau"))
        .args(["deploy", site.to_str().unwrap(), "--ecole"])
        .arg(school)
        .current_dir(school)
        .env("SOURCE_DATE_EPOCH", "1795478400")
        .env("PREAU_DEPLOY_STOP_AFTER", stop)
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() == Some(3) && log.contains("arrêt d'essai"),
        "the deploy did not stop at {stop}: {log}"
    );
}

/// The CM1 post opened in Chromium with the class's code, from `web`
/// served on loopback: it must show `text` and not `not`.
fn post_shows(school: &Path, web: &Path, text: &str, not: &str) {
    let code = class_code(school, "cm1");
    on_site(web, "/tilleuls/")
        .area("classes/cm1/", &code)
        .args(&[
            "--route",
            "blog/sortie/",
            "--expect",
            "Sortie au musée",
            "--expect",
            text,
            "--absent",
            not,
            "--images",
            "1",
        ])
        .pass("unlock.mjs", 120);
}

/// The CM1 post opens in Chromium with the class's code, with its photo.
pub(super) fn post_opens(school: &Path, web: &Path) {
    post_shows(school, web, "Nous sommes allés au musée", "piraté");
}

/// The CM1 post's last sentence becomes `to`.
fn rewrite_post(school: &Path, to: &str) {
    let post = school.join("classes/cm1/blog/sortie/index.md");
    let text = std::fs::read_to_string(&post).unwrap();
    let start = text.find("résume la sortie").expect("the post's sentence");
    std::fs::write(&post, format!("{}{to}\n", &text[..start])).unwrap();
}

/// After the run that finishes `site`: the site online verifies as `version`, holds
/// nothing else, and the school's record has nothing left to do.
fn finished(s: &Setup, web: &Path, site: &Path, version: u64) {
    let (ok, log) = deploy(&s.school, site, &[]);
    assert!(ok, "{log}");
    assert_eq!(verified_version_of(s, web), version);
    let records = s.school.join(".preau/publication");
    for record in std::fs::read_dir(&records).unwrap() {
        let record: serde_json::Value =
            serde_json::from_slice(&std::fs::read(record.unwrap().path()).unwrap()).unwrap();
        if record["version"] == version {
            assert_eq!(record["a_retirer"], serde_json::json!([]), "{record}");
            assert_eq!(record["envoi_en_cours"], serde_json::json!([]), "{record}");
        }
    }
}

/// The scenario: version 1 online with three extra pages; versions 2, 3 and
/// 4 each change the post and drop a page, and each deploy is stopped —
/// while sending files, right after the manifest, while removing.
fn interrupted_at_three_points(s: &Setup, web: &Path) {
    for i in 1..=3 {
        std::fs::write(
            s.school.join(format!("pages/extra-{i}.md")),
            format!("---\ntitre: Page en plus {i}\n---\nTexte {i}.\n"),
        )
        .unwrap();
    }
    let v1 = s.approved_site();
    let (ok, log) = deploy(&s.school, &v1, &[]);
    assert!(ok, "{log}");
    let before = files(web);
    assert!(
        before.iter().any(|f| f == "extra-1/index.html"),
        "{before:?}"
    );

    // Stopped while sending the files, before any page: version 1 whole.
    rewrite_post(&s.school, "résume la sortie, deuxième version.");
    std::fs::remove_file(s.school.join("pages/extra-1.md")).unwrap();
    let v2 = s.approved_site();
    deploy_stopped(&s.school, &v2, "fichiers:2");
    post_shows(&s.school, web, "résume la sortie.", "deuxième version");
    finished(s, web, &v2, 2);
    assert!(!web.join("extra-1/index.html").exists());

    // Stopped right after the manifest, before the signatures and removals:
    // the pages are version 3's, and the next run removes version 2's files.
    rewrite_post(&s.school, "résume la sortie, troisième version.");
    std::fs::remove_file(s.school.join("pages/extra-2.md")).unwrap();
    let v3 = s.approved_site();
    deploy_stopped(&s.school, &v3, "manifeste:1");
    post_shows(&s.school, web, "troisième version", "deuxième version");
    assert!(web.join("extra-2/index.html").exists(), "removed too early");
    finished(s, web, &v3, 3);
    assert!(!web.join("extra-2/index.html").exists());

    // Stopped while removing: version 4 whole, the rest removed next time.
    rewrite_post(&s.school, "résume la sortie, quatrième version.");
    std::fs::remove_file(s.school.join("pages/extra-3.md")).unwrap();
    let v4 = s.approved_site();
    deploy_stopped(&s.school, &v4, "retraits:1");
    post_shows(&s.school, web, "quatrième version", "troisième version");
    finished(s, web, &v4, 4);
    assert!(!web.join("extra-3/index.html").exists());
}

#[test]
#[ignore = "needs pure-ftpd, openssl, root, chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn ftp_deploy_stopped_at_three_points_never_mixes_versions() {
    require(&["browser"]);
    let _serial = super::deploy_ftp::SERIAL
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let server = super::deploy_ftp::ftp_server();
    let s = setup(school_copy("minimal"), "");
    super::deploy_ftp::with_ftp_target(&s.school, &server);
    interrupted_at_three_points(&s, &server.root());
}

#[test]
#[ignore = "needs openssh-server, root, chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn sftp_deploy_stopped_at_three_points_never_mixes_versions() {
    require(&["browser"]);
    let server = super::deploy_sftp::sshd();
    let s = setup(school_copy("minimal"), "");
    super::deploy_sftp::with_sftp_target(&s.school, &server, &server.fingerprint);
    interrupted_at_three_points(&s, &server.dir.path().join("web"));
}
