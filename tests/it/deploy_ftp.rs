//! `preau deploy` to a real FTP server (Debian's pure-ftpd) on loopback,
//! with explicit TLS: only what changed goes, refusals send nothing, and a
//! server stopped in the middle of an upload leaves a site the rerun
//! completes.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::approval::setup;
use super::common::{files, require, school_copy};
use super::deploy_scenario::{
    change_one_post, deploy, puts_back_what_was_altered_online,
    sends_only_what_changed_and_refusals_send_nothing, verified_version_of, Online,
};

/// A pure-ftpd on 127.0.0.1 with one virtual user; stopped when dropped.
pub(super) struct FtpServer {
    child: Option<Child>,
    port: u16,
    dir: tempfile::TempDir,
}

impl FtpServer {
    pub(super) fn root(&self) -> PathBuf {
        self.dir.path().join("racine")
    }

    fn start(&mut self) {
        let d = self.dir.path();
        let child = Command::new("pure-ftpd")
            .args(["-S", &format!("127.0.0.1,{}", self.port), "-l"])
            .arg(format!("puredb:{}", d.join("pdb").display()))
            .args([
                "-E",
                "-j",
                "-p",
                "40000:40999",
                "-P",
                "127.0.0.1",
                "-Y",
                "2",
                "-2",
            ])
            .arg(d.join("tls.pem"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start pure-ftpd");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "pure-ftpd did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        // pure-ftpd forks a process per session, with another name: end every
        // pure-ftpd process (the FTP tests run one at a time, see SERIAL).
        let _ = Command::new("pkill").args(["-x", "pure-ftpd"]).status();
        let _ = Command::new("pkill").args(["-f", "^pure-ftpd"]).status();
    }
}

impl Drop for FtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The FTP tests run one at a time: stopping a server ends every pure-ftpd.
pub(super) static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Starts a server (the test fails when pure-ftpd is missing).
pub(super) fn ftp_server() -> FtpServer {
    require(&["pure-ftpd", "pure-pw", "openssl", "pkill", "root"]);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("racine")).unwrap();
    let ok = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "printf 'motdepasse\\nmotdepasse\\n' | pure-pw useradd ecole -u 65534 -g 65534 -d '{root}' -f '{d}/passwd' >/dev/null && pure-pw mkdb '{d}/pdb' -f '{d}/passwd' && chown 65534:65534 '{root}' && chmod 711 '{d}' && \
             openssl req -x509 -newkey rsa:2048 -nodes -keyout '{d}/key.pem' -out '{d}/ca.pem' -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null && cat '{d}/key.pem' '{d}/ca.pem' > '{d}/tls.pem' && chmod 600 '{d}/tls.pem'",
            root = d.join("racine").display(),
            d = d.display()
        ))
        .status()
        .unwrap()
        .success();
    assert!(ok, "could not prepare pure-ftpd");
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = FtpServer {
        child: None,
        port,
        dir,
    };
    server.start();
    server
}

pub(super) fn with_ftp_target(school: &Path, server: &FtpServer) {
    let mut yaml = std::fs::read_to_string(school.join("ecole.yaml")).unwrap();
    yaml.push_str(&format!(
        "publication:\n  type: ftp\n  hote: 127.0.0.1\n  port: {}\n  certificat_ca: {}\n",
        server.port,
        server.dir.path().join("ca.pem").display()
    ));
    std::fs::write(school.join("ecole.yaml"), yaml).unwrap();
    std::fs::write(
        school.join(".preau/publication.json"),
        r#"{"utilisateur": "ecole", "mot_de_passe": "motdepasse"}"#,
    )
    .unwrap();
}

#[test]
#[ignore = "needs pure-ftpd, openssl and root (bash .ci/run installs them)"]
fn ftps_deploy_sends_only_what_changed_and_refusals_send_nothing() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let server = ftp_server();
    let s = setup(school_copy("minimal"), "");
    with_ftp_target(&s.school, &server);
    let root = server.root();
    let list = || files(&root);
    let version = || verified_version_of(&s, &root);
    let online = Online {
        files: &list,
        verified_version: &version,
    };
    let v2 = sends_only_what_changed_and_refusals_send_nothing(&s, "ftp://127.0.0.1", online);
    // FTP gives no hash: a same-size change is seen by its time, compared
    // with the one the school recorded after sending.
    let alter = |path: &str, bytes: &[u8]| {
        std::fs::write(root.join(path), bytes).unwrap();
        let touched = Command::new("touch")
            .args(["-d", "2001-01-01 12:00"])
            .arg(root.join(path))
            .status()
            .unwrap();
        assert!(touched.success());
    };
    puts_back_what_was_altered_online(&s, &v2, &alter, online);
    // Same size and the same time: only the full check, which downloads
    // and hashes every file, sees it.
    let page = root.join("index.html");
    let bytes = std::fs::read(&page).unwrap();
    let mtime = std::fs::metadata(&page).unwrap().modified().unwrap();
    let mut altered = bytes.clone();
    altered[..12].copy_from_slice(b"<p>pirat</p>");
    std::fs::write(&page, &altered).unwrap();
    let secs = mtime
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let touched = Command::new("touch")
        .arg("-d")
        .arg(format!("@{secs}"))
        .arg(&page)
        .status()
        .unwrap();
    assert!(touched.success());
    let (ok, log) = deploy(&s.school, &v2, &[]);
    assert!(ok && !log.contains("Modifié en ligne"), "{log}");
    let (ok, log) = deploy(&s.school, &v2, &["--verification-complete"]);
    assert!(
        ok && log.contains("Modifié en ligne, remis en place : « index.html »"),
        "{log}"
    );
    assert_eq!(std::fs::read(&page).unwrap(), bytes);
    assert_eq!(verified_version_of(&s, &root), 2);
}

#[test]
#[ignore = "needs pure-ftpd, openssl and root (bash .ci/run installs them)"]
fn ftp_paths_of_the_online_manifest_cannot_leave_the_site_folder() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let server = ftp_server();
    let s = setup(school_copy("minimal"), "");
    with_ftp_target(&s.school, &server);
    let mut yaml = std::fs::read_to_string(s.school.join("ecole.yaml")).unwrap();
    yaml.push_str("  dossier: /site\n");
    std::fs::write(s.school.join("ecole.yaml"), yaml).unwrap();
    // A file of the account, beside the site's folder.
    let root = server.root();
    let victim = root.join("victime.txt");
    std::fs::write(&victim, "à ne pas toucher").unwrap();
    std::fs::create_dir(root.join("site")).unwrap();
    let chown = Command::new("chown")
        .arg("65534:65534")
        .arg(&victim)
        .arg(root.join("site"))
        .status()
        .unwrap();
    assert!(chown.success());
    let v1 = s.approved_site();
    let (ok, log) = deploy(&s.school, &v1, &[]);
    assert!(ok, "{log}");
    // The online manifest (unsigned) names it as a file of the last version.
    let path = root.join("site/preau/manifeste.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    manifest["fichiers"]["../victime.txt"] = serde_json::json!({"taille": 1, "sha256": "00"});
    std::fs::write(&path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    change_one_post(&s.school);
    let v2 = s.approved_site();
    let (ok, log) = deploy(&s.school, &v2, &[]);
    assert!(
        ok && log.contains("chemin dangereux, ignoré : « ../victime.txt »"),
        "{log}"
    );
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "à ne pas toucher"
    );
    assert_eq!(verified_version_of(&s, &root.join("site")), 2);
}

#[test]
#[ignore = "needs pure-ftpd, openssl, root, chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn a_server_stopped_mid_upload_leaves_a_site_the_rerun_completes() {
    require(&["browser"]);
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut server = ftp_server();
    let s = setup(school_copy("minimal"), "");
    with_ftp_target(&s.school, &server);
    let v1 = s.approved_site();
    assert!(deploy(&s.school, &v1, &[]).0);
    // Version 2: two hundred new pages, so that the upload takes a while.
    for i in 0..200 {
        std::fs::write(
            s.school.join(format!("pages/page-{i}.md")),
            format!("---\ntitre: Page {i}\n---\nTexte de la page {i}.\n"),
        )
        .unwrap();
    }
    let v2 = s.approved_site();
    let root = server.root();
    let before = files(&root).len();
    let child = Command::new(env!("CARGO_BIN_EXE_preau"))
        .args([
            "deploy",
            v2.to_str().unwrap(),
            "--ecole",
            s.school.to_str().unwrap(),
        ])
        .current_dir(&s.school)
        .env("SOURCE_DATE_EPOCH", "1795478400")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while files(&root).len() < before + 20 {
        assert!(Instant::now() < deadline, "the upload did not start");
        std::thread::sleep(Duration::from_millis(5));
    }
    server.stop();
    let out = child.wait_with_output().unwrap();
    assert!(
        !out.status.success(),
        "the deploy must fail when the server stops"
    );
    // The manifest online is still version 1's: the new pages are not announced yet.
    let online: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("preau/manifeste.json")).unwrap()).unwrap();
    assert_eq!(
        online["version"],
        1,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A family opens the class's post on the half-sent site (served from
    // the FTP folder on loopback) with the class's code: it works.
    super::deploy_interrupted::post_opens(&s.school, &root);
    // The server is back; the rerun completes.
    server.start();
    let (ok, log) = deploy(&s.school, &v2, &[]);
    assert!(ok, "{log}");
    assert_eq!(verified_version_of(&s, &root), 2);
}
