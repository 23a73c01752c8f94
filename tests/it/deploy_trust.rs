//! `preau deploy` does not trust the web space: what was altered online is
//! put back and named; an older version is refused even when the online
//! manifest is gone or the target is new; a symbolic link or a `..` path
//! planted online never makes deploy touch anything outside the target; a
//! file of the site changed during the deploy never goes online.

use std::path::Path;

use super::approval::{setup, Setup};
use super::common::{copy_tree, files, school_copy};
use super::deploy_scenario::{change_one_post, deploy};

fn to_folder(s: &Setup, site: &Path, web: &Path, extra: &[&str]) -> (bool, String) {
    let mut args = vec!["--vers", web.to_str().unwrap()];
    args.extend_from_slice(extra);
    deploy(&s.school, site, &args)
}

/// Every file of a folder with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

#[test]
fn a_file_altered_online_is_put_back_and_named() {
    let s = setup(school_copy("minimal"), "");
    let web = s.school.parent().unwrap().join("web");
    let v1 = s.approved_site();
    assert!(to_folder(&s, &v1, &web, &[]).0);
    // Same size, other bytes: only a hash sees it.
    let page = std::fs::read(web.join("index.html")).unwrap();
    let mut altered = page.clone();
    altered[..12].copy_from_slice(b"<p>pirat</p>");
    std::fs::write(web.join("index.html"), &altered).unwrap();
    let (ok, log) = to_folder(&s, &v1, &web, &["--essai"]);
    assert!(
        ok && log.contains("Modifié en ligne, serait remis en place : « index.html »"),
        "{log}"
    );
    let (ok, log) = to_folder(&s, &v1, &web, &[]);
    assert!(
        ok && log.contains("Modifié en ligne, remis en place : « index.html »"),
        "{log}"
    );
    assert_eq!(std::fs::read(web.join("index.html")).unwrap(), page);
    let (ok, log) = s.verify(&web, &[]);
    assert!(ok, "{log}");
}

#[test]
fn an_older_version_is_refused_when_the_online_manifest_is_deleted_or_the_target_is_new() {
    let s = setup(school_copy("minimal"), "");
    let web = s.school.parent().unwrap().join("web");
    let v1 = s.approved_site();
    change_one_post(&s.school);
    let v2 = s.approved_site();
    assert!(to_folder(&s, &v2, &web, &[]).0);
    // The manifest online deleted: the school's record still knows version 2.
    std::fs::remove_file(web.join("preau/manifeste.json")).unwrap();
    let before = snapshot(&web);
    let (ok, log) = to_folder(&s, &v1, &web, &[]);
    assert!(
        !ok && log.contains("retour en arrière refusé : l'école a déjà approuvé la version 2"),
        "{log}"
    );
    assert_eq!(
        snapshot(&web),
        before,
        "a refused deploy changed the target"
    );
    // A new, empty target: refused too.
    let other = s.school.parent().unwrap().join("autre");
    let (ok, log) = to_folder(&s, &v1, &other, &[]);
    assert!(!ok && log.contains("retour en arrière refusé"), "{log}");
    assert!(files(&other).is_empty(), "{:?}", files(&other));
    // On purpose, it goes.
    let (ok, log) = to_folder(&s, &v1, &other, &["--forcer-retour-arriere"]);
    assert!(ok, "{log}");
}

#[test]
#[cfg(unix)]
fn a_symbolic_link_on_the_target_is_never_followed() {
    let s = setup(school_copy("minimal"), "");
    let web = s.school.parent().unwrap().join("web");
    let outside = s.school.parent().unwrap().join("ailleurs");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("garder.txt"), "à ne pas toucher").unwrap();
    let v1 = s.approved_site();
    assert!(to_folder(&s, &v1, &web, &[]).0);
    change_one_post(&s.school);
    let v2 = s.approved_site();
    // The host (or an intruder) replaces the blobs' folder with a link out,
    // where the next version's blobs would be written.
    std::fs::remove_dir_all(web.join("acces")).unwrap();
    std::os::unix::fs::symlink(&outside, web.join("acces")).unwrap();
    let (ok, log) = to_folder(&s, &v2, &web, &[]);
    assert!(!ok && log.contains("lien symbolique refusé"), "{log}");
    assert_eq!(
        files(&outside),
        ["garder.txt"],
        "deploy wrote through the link"
    );
    assert_eq!(
        std::fs::read_to_string(outside.join("garder.txt")).unwrap(),
        "à ne pas toucher"
    );
}

#[test]
fn paths_of_the_online_manifest_cannot_leave_the_target() {
    let s = setup(school_copy("minimal"), "");
    let web = s.school.parent().unwrap().join("web");
    let victim = s.school.parent().unwrap().join("victime.txt");
    std::fs::write(&victim, "à ne pas toucher").unwrap();
    let v1 = s.approved_site();
    assert!(to_folder(&s, &v1, &web, &[]).0);
    // The online manifest (unsigned) lists paths out of the target: as files
    // of the previous version, deploy would remove them.
    let path = web.join("preau/manifeste.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let entry = serde_json::json!({"taille": 1, "sha256": "00"});
    for bad in [
        "../victime.txt",
        "/tmp/x",
        "a\\..\\..\\victime.txt",
        "a\u{0}b",
    ] {
        manifest["fichiers"][bad] = entry.clone();
    }
    std::fs::write(&path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    change_one_post(&s.school);
    let v2 = s.approved_site();
    let (ok, log) = to_folder(&s, &v2, &web, &[]);
    assert!(
        ok && log.contains(
            "le manifeste en ligne nomme un chemin dangereux, ignoré : « ../victime.txt »"
        ),
        "{log}"
    );
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "à ne pas toucher"
    );
    let (ok, log) = s.verify(&web, &[]);
    assert!(ok, "{log}");
}

/// A folder target that, at its first write, changes a file of the site
/// that is yet to be sent: a file swapped between verification and upload.
struct Swapper {
    inner: preau::deploy::folder::Folder,
    site: std::path::PathBuf,
    swapped: bool,
}

impl preau::deploy::Target for Swapper {
    fn read(&mut self, path: &str) -> anyhow::Result<Option<Vec<u8>>> {
        self.inner.read(path)
    }
    fn write(&mut self, path: &str, bytes: &[u8]) -> anyhow::Result<()> {
        if !self.swapped {
            self.swapped = true;
            std::fs::write(
                self.site.join("index.html"),
                "<p>glissé pendant l'envoi</p>",
            )?;
        }
        self.inner.write(path, bytes)
    }
    fn delete(&mut self, path: &str) -> anyhow::Result<()> {
        self.inner.delete(path)
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

#[test]
fn a_site_file_changed_during_the_deploy_never_goes_online() {
    let s = setup(school_copy("minimal"), "");
    let web = s.school.parent().unwrap().join("web");
    let approved = s.approved_site();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&approved, &site);
    let trust =
        preau::manifest::policy::Trust::from_school_dir(Some(&s.school), None, None).unwrap();
    let opt = preau::deploy::Options {
        site: &site,
        school: &s.school,
        trust: &trust,
        today: preau::dates::Date::parse("2026-11-24").unwrap(),
        dry_run: false,
        allow_rollback: false,
        full_check: false,
    };
    let mut target = Swapper {
        inner: preau::deploy::folder::Folder::new(&web).unwrap(),
        site: site.clone(),
        swapped: false,
    };
    let err = preau::deploy::deploy(&opt, &mut target, &mut |_, _, _| {}).unwrap_err();
    assert!(
        format!("{err:#}").contains("« index.html » a changé depuis la vérification du site"),
        "{err:#}"
    );
    assert!(target.swapped, "the swap did not happen");
    for f in files(&web) {
        let bytes = std::fs::read(web.join(&f)).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("glissé pendant l'envoi"),
            "the swapped file went online as {f}"
        );
    }
    assert!(!web.join("preau/manifeste.json").exists());
}
