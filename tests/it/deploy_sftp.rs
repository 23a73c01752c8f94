//! `preau deploy` by SFTP to Debian's OpenSSH server, run as a process of
//! the test on a loopback port: the server's identity is checked, only what
//! changed is sent, refusals send nothing.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::approval::setup;
use super::common::{files, require, school_copy};
use super::deploy_scenario::{
    deploy, puts_back_what_was_altered_online, sends_only_what_changed_and_refusals_send_nothing,
    verified_version_of, Online,
};

pub(super) struct Sshd {
    child: Child,
    port: u16,
    pub(super) dir: tempfile::TempDir,
    pub(super) fingerprint: String,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(super) fn sshd() -> Sshd {
    require(&["sshd", "root"]);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _ = std::fs::create_dir_all("/run/sshd");
    let ok = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "cd '{d}' && mkdir web && ssh-keygen -q -t ed25519 -N '' -f hostkey && ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -f client && cp client.pub authorized_keys",
            d = d.display()
        ))
        .status()
        .unwrap()
        .success();
    assert!(ok, "could not prepare the keys");
    std::fs::write(
        d.join("sshd_config"),
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/hostkey\nPidFile none\nAuthorizedKeysFile {d}/authorized_keys\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\nStrictModes no\nUsePAM no\nPermitRootLogin prohibit-password\nSubsystem sftp internal-sftp\n",
            d = d.display()
        ),
    )
    .unwrap();
    let child = Command::new("/usr/sbin/sshd")
        .args(["-D", "-e", "-f"])
        .arg(d.join("sshd_config"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "sshd did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = Command::new("ssh-keygen")
        .arg("-lf")
        .arg(d.join("hostkey.pub"))
        .output()
        .unwrap();
    let fingerprint = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string();
    Sshd {
        child,
        port,
        dir,
        fingerprint,
    }
}

pub(super) fn with_sftp_target(school: &Path, server: &Sshd, fingerprint: &str) {
    let yaml = std::fs::read_to_string(school.join("ecole.yaml")).unwrap();
    let yaml = match yaml.find("publication:") {
        Some(i) => yaml[..i].to_string(),
        None => yaml,
    };
    std::fs::write(
        school.join("ecole.yaml"),
        format!(
            "{yaml}publication:\n  type: sftp\n  hote: 127.0.0.1\n  port: {}\n  dossier: {}\n  empreinte: \"{fingerprint}\"\n",
            server.port,
            server.dir.path().join("web").display()
        ),
    )
    .unwrap();
    let user = String::from_utf8_lossy(&Command::new("id").arg("-un").output().unwrap().stdout)
        .trim()
        .to_string();
    std::fs::write(
        school.join(".preau/publication.json"),
        serde_json::json!({"utilisateur": user, "cle_ssh": server.dir.path().join("client")})
            .to_string(),
    )
    .unwrap();
}

#[test]
#[ignore = "needs openssh-server and root (bash .ci/run installs it)"]
fn sftp_deploy_checks_the_server_and_sends_only_what_changed() {
    let server = sshd();
    let s = setup(school_copy("minimal"), "");
    let web = server.dir.path().join("web");
    let v1 = s.approved_site();
    // A server that is not the one declared: nothing is sent.
    with_sftp_target(
        &s.school,
        &server,
        "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    );
    let (ok, log) = deploy(&s.school, &v1, &[]);
    assert!(
        !ok && log.contains("l'identité du serveur 127.0.0.1 a changé"),
        "{log}"
    );
    assert!(files(&web).is_empty());
    with_sftp_target(&s.school, &server, &server.fingerprint);
    let list = || files(&web);
    let version = || verified_version_of(&s, &web);
    let online = Online {
        files: &list,
        verified_version: &version,
    };
    let v2 = sends_only_what_changed_and_refusals_send_nothing(&s, "sftp://127.0.0.1", online);
    let alter = |path: &str, bytes: &[u8]| std::fs::write(web.join(path), bytes).unwrap();
    puts_back_what_was_altered_online(&s, &v2, &alter, online);
}

#[test]
#[ignore = "needs openssh-server and root (bash .ci/run installs it)"]
fn sftp_deploy_never_follows_a_symbolic_link_on_the_server() {
    let server = sshd();
    let s = setup(school_copy("minimal"), "");
    let web = server.dir.path().join("web");
    let outside = server.dir.path().join("ailleurs");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("garder.txt"), "à ne pas toucher").unwrap();
    with_sftp_target(&s.school, &server, &server.fingerprint);
    let v1 = s.approved_site();
    let (ok, log) = deploy(&s.school, &v1, &[]);
    assert!(ok, "{log}");
    super::deploy_scenario::change_one_post(&s.school);
    let v2 = s.approved_site();
    // The blobs' folder on the server replaced by a link out of the site.
    std::fs::remove_dir_all(web.join("acces")).unwrap();
    std::os::unix::fs::symlink(&outside, web.join("acces")).unwrap();
    let (ok, log) = deploy(&s.school, &v2, &[]);
    assert!(!ok && log.contains("lien symbolique refusé"), "{log}");
    assert_eq!(
        files(&outside),
        ["garder.txt"],
        "deploy wrote through the link"
    );
}
