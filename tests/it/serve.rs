//! `preau serve` as a teacher uses it: edit a post and see the page change;
//! break the front matter and see the overlay with file and line; fix it
//! and see the overlay go. Waits up to a bound; asserts no speed.
//! `guard`: only this computer, by its own name, may read the preview;
//! `browser`: the same in Chromium, the page reloading by itself.

mod browser;
mod guard;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::common::school_copy;

/// The server, stopped when dropped.
struct Server {
    child: Child,
    address: String,
    /// Kept open: the server keeps printing, and a closed pipe would stop it.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(school: &std::path::Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_preau"))
        .args(["serve", ".", "--port", "0"])
        .args(extra)
        .current_dir(school)
        .env("SOURCE_DATE_EPOCH", "1795478400")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start preau serve");
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    let address = line
        .trim()
        .trim_start_matches("Aperçu de l'école : ")
        .to_string();
    assert!(
        address.starts_with("http://127.0.0.1:"),
        "unexpected first line: {line}"
    );
    Server {
        child,
        address,
        _stdout: stdout,
    }
}

impl Server {
    /// `127.0.0.1:PORT`.
    fn authority(&self) -> &str {
        let rest = self.address.trim_start_matches("http://");
        &rest[..rest.find('/').unwrap()]
    }

    /// The site's base path (`/` or `/ecole/`).
    fn base(&self) -> &str {
        let rest = self.address.trim_start_matches("http://");
        &rest[rest.find('/').unwrap()..]
    }
}

/// An HTTP response as read from the socket.
struct Reply {
    status: u16,
    head: String,
    body: String,
}

/// Sends `raw` (a whole request) to `authority` and reads the answer until
/// the server closes or `seconds` pass.
fn raw(authority: &str, raw: &str, seconds: u64) -> Reply {
    let mut stream = TcpStream::connect(authority).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(seconds)))
        .unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let response = String::from_utf8_lossy(&bytes).into_owned();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (head, body) = response
        .split_once("\r\n\r\n")
        .map(|(h, b)| (h.to_string(), b.to_string()))
        .unwrap_or((response.clone(), String::new()));
    Reply { status, head, body }
}

/// A plain HTTP GET on loopback: (status, body).
fn get(url: &str) -> (u16, String) {
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let r = raw(
        host,
        &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        5,
    );
    (r.status, r.body)
}

/// Polls `url` until `check` holds, for at most ten seconds.
fn wait_for(url: &str, what: &str, check: impl Fn(u16, &str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body) = get(url);
        if check(status, &body) {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "waited 10 s for {what}; last response {status}:\n{}",
            &body[..body.len().min(2000)]
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn edit_break_and_fix_a_post_while_previewing() {
    let (_tmp, school) = school_copy("minimal");
    let server = start(&school, &[]);
    let page = format!("{}classes/cm1/blog/sortie/", server.address);
    let body = wait_for(&page, "the post", |s, b| {
        s == 200 && b.contains("Sortie au musée")
    });
    assert!(
        body.contains("Aperçu — visible par : CM1 de Mme Martin"),
        "restricted pages carry the preview banner"
    );
    assert!(body.contains("/__preau/recharger.js"), "live reload script");

    let post = school.join("classes/cm1/blog/sortie/index.md");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(
        &post,
        text.replace("quelle journée", "quelle magnifique journée"),
    )
    .unwrap();
    wait_for(&page, "the edited text", |_, b| {
        b.contains("quelle magnifique journée")
    });

    // Broken front matter: the last good page stays, with the overlay.
    let broken = text.replace("titre: Sortie au musée", "titr: Sortie au musée");
    std::fs::write(&post, &broken).unwrap();
    let body = wait_for(&page, "the error overlay", |_, b| {
        b.contains("preau-erreurs")
    });
    assert!(
        body.contains("classes/cm1/blog/sortie/index.md:2:1"),
        "overlay names file and line:\n{body}"
    );
    assert!(body.contains("clé inconnue « titr »"), "{body}");
    assert!(
        body.contains("quelle magnifique journée"),
        "the last good page stays underneath"
    );

    // Fixed: the overlay goes.
    std::fs::write(&post, text).unwrap();
    wait_for(&page, "the overlay to go", |_, b| {
        !b.contains("preau-erreurs") && b.contains("quelle journée")
    });
    assert!(
        !school.join("public").exists(),
        "the preview writes nothing to disk"
    );
}

#[test]
fn new_renamed_and_deleted_files_are_picked_up() {
    let (_tmp, school) = school_copy("minimal");
    let server = start(&school, &[]);
    let list = format!("{}actualites/", server.address);
    wait_for(&list, "the news list", |s, _| s == 200);
    // An editor that writes a temporary file, then renames it.
    let tmp = school.join("actualites/.nouvelle.md.tmp");
    std::fs::write(
        &tmp,
        "---\ntitre: Fête des vendanges\ndate: 2026-10-10\n---\nTexte.\n",
    )
    .unwrap();
    std::fs::rename(&tmp, school.join("actualites/fete.md")).unwrap();
    wait_for(&list, "the new post", |_, b| {
        b.contains("Fête des vendanges")
    });
    std::fs::rename(
        school.join("actualites/fete.md"),
        school.join("actualites/fete-automne.md"),
    )
    .unwrap();
    wait_for(
        &format!("{}actualites/fete-automne/", server.address),
        "the renamed post",
        |s, _| s == 200,
    );
    std::fs::remove_file(school.join("actualites/fete-automne.md")).unwrap();
    wait_for(&list, "the post to go", |_, b| {
        !b.contains("Fête des vendanges")
    });
}

#[test]
fn encrypted_preview_serves_the_sealed_site() {
    let (_tmp, school) = school_copy("minimal");
    let server = start(&school, &["--chiffre"]);
    let shell = wait_for(
        &format!("{}classes/cm1/", server.address),
        "the class shell",
        |s, _| s == 200,
    );
    assert!(
        shell.contains("Code d'accès") && !shell.contains("Sortie au musée"),
        "{shell}"
    );
    let (status, _) = get(&format!("{}acces/cles.json", server.address));
    assert_eq!(status, 200);
}

#[test]
fn search_indexes_follow_the_pages_in_the_preview() {
    let (_tmp, school) = school_copy("minimal");
    let server = start(&school, &[]);
    // The public index: its list, and the pieces it names, served in clear.
    let list = wait_for(
        &format!("{}recherche/index.json", server.address),
        "the search index list",
        |s, _| s == 200,
    );
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let base = wait_for(
        &format!(
            "{}recherche/{}",
            server.address,
            list["base"].as_str().unwrap()
        ),
        "the index base",
        |s, _| s == 200,
    );
    assert!(
        base.starts_with('{'),
        "not compressed in the preview: {base}"
    );
    // The class's index (sealed only in the published site) follows an edit.
    let class_index = format!("{}recherche/classe-cm1.json", server.address);
    wait_for(&class_index, "the class index", |s, b| {
        s == 200 && b.contains("quelle journée")
    });
    let post = school.join("classes/cm1/blog/sortie/index.md");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(
        &post,
        text.replace("quelle journée", "quelle journée pluvieuse"),
    )
    .unwrap();
    wait_for(
        &class_index,
        "the edited text in the class index",
        |_, b| b.contains("pluvieuse"),
    );
}
