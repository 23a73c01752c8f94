//! `preau serve` as a teacher uses it: edit a post and see the page change;
//! break the front matter and see the overlay with file and line; fix it
//! and see the overlay go. Waits up to a bound; asserts no speed.
//! `guard`: only this computer, by its own name, may read the preview;
//! `browser`: the same in Chromium, the page reloading by itself.

mod browser;
mod guard;
mod lazy;

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
    start_with_log(school, extra, Stdio::null())
}

/// Like [`start`], the log (`-v`) going to `log`.
fn start_with_log(school: &std::path::Path, extra: &[&str], log: impl Into<Stdio>) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_preau"))
        .args(["serve", ".", "--port", "0"])
        .args(extra)
        .current_dir(school)
        .env("SOURCE_DATE_EPOCH", "1795478400")
        .stdout(Stdio::piped())
        .stderr(log)
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

/// Issue 13: every save re-read and re-hashed every photo of the school
/// (gigabytes per save at a school year's 5,000 photos). After a text save,
/// no photo file is read: the record of `.preau/cache/` knows them.
#[test]
fn a_text_save_reads_no_photo() {
    let (_tmp, school) = school_copy("minimal");
    let post = school.join("classes/cm1/blog/sortie");
    for i in 0..40u8 {
        let image = image::RgbImage::from_pixel(64, 48, image::Rgb([i * 6, 100, 255 - i * 6]));
        image.save(post.join(format!("photo-{i:02}.jpg"))).unwrap();
    }
    // Photos copied from a camera long ago (a file written this very second
    // is read again on the next save: its time may not move on a change).
    let index = post.join("index.md");
    let text = std::fs::read_to_string(&index).unwrap();
    let gallery: String = (0..40)
        .map(|i| format!("  - photo: photo-{i:02}.jpg\n    texte: Photo {i}\n"))
        .collect();
    let text = text.replacen(
        "date: 2026-11-12\n",
        &format!("date: 2026-11-12\ngalerie:\n{gallery}"),
        1,
    );
    std::fs::write(&index, &text).unwrap();
    let past = std::time::SystemTime::now() - Duration::from_secs(3600);
    for entry in std::fs::read_dir(&post).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jpg") {
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(past).unwrap();
        }
    }
    let log_path = school.join("../serve.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let server = start_with_log(&school, &["-v"], log);
    let page = format!("{}classes/cm1/blog/sortie/", server.address);
    wait_for(&page, "the post", |s, b| {
        s == 200 && b.contains("Sortie au musée")
    });
    let reads = || -> Vec<String> {
        std::fs::read_to_string(&log_path)
            .unwrap()
            .lines()
            .filter(|l| l.contains("fichier(s) photo lu(s)"))
            .map(str::to_string)
            .collect()
    };
    let first = reads();
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(
        first[0].contains(" 41 fichier(s) photo lu(s)"),
        "every photo read once: {first:?}"
    );

    let mut loads = first.len();
    for word in ["belle", "très belle"] {
        std::fs::write(
            &index,
            text.replace("quelle journée", &format!("quelle {word} journée")),
        )
        .unwrap();
        wait_for(&page, "the edited text", |_, b| {
            b.contains(&format!("quelle {word} journée"))
        });
        let after = reads();
        assert!(after.len() > loads, "the save was loaded: {after:?}");
        loads = after.len();
        assert!(
            after[1..]
                .iter()
                .all(|l| l.contains(" 0 fichier(s) photo lu(s) (0 octets)")),
            "a text save read photos: {after:?}"
        );
    }
    assert!(
        school.join(".preau/cache/photos.json").is_file(),
        "the record is kept on disk"
    );
}

/// The error panel comes from the theme's `apercu-erreurs.html`: a school
/// may override it, and what it shows is still escaped.
#[test]
fn a_school_theme_overrides_the_error_panel() {
    let (_tmp, school) = school_copy("minimal");
    let default = std::fs::read_to_string(
        super::common::repo().join("themes/default/templates/apercu-erreurs.html"),
    )
    .unwrap();
    std::fs::create_dir_all(school.join("theme/templates")).unwrap();
    std::fs::write(
        school.join("theme/templates/apercu-erreurs.html"),
        default.replace(
            "Le site n'a pas pu être reconstruit",
            "Oups, notre site est cassé",
        ),
    )
    .unwrap();
    let server = start(&school, &[]);
    let page = format!("{}classes/cm1/blog/sortie/", server.address);
    wait_for(&page, "the post", |s, b| {
        s == 200 && b.contains("Sortie au musée")
    });
    let post = school.join("classes/cm1/blog/sortie/index.md");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(
        &post,
        text.replace("titre: Sortie au musée", "<titr>: Sortie"),
    )
    .unwrap();
    let body = wait_for(&page, "the error overlay", |_, b| {
        b.contains("preau-erreurs")
    });
    assert!(body.contains("Oups, notre site est cassé"), "{body}");
    assert!(
        !body.contains("<titr>") && body.contains("&lt;titr&gt;"),
        "{body}"
    );
}

/// The preview loads the school once when it starts: its address needs
/// only the base path of `ecole.yaml`, and the first build loads the rest
/// (like `session::submit_loads_the_school_once`).
#[test]
fn serve_loads_the_school_once_when_it_starts() {
    let (_tmp, school) = school_copy("minimal");
    let log_path = school.join("../serve.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let server = start_with_log(&school, &["-vv"], log);
    // The address printed once the first build is done, on the school's path.
    assert_eq!(server.base(), "/tilleuls/");
    drop(server);
    let log = std::fs::read_to_string(&log_path).unwrap();
    let loads = log
        .lines()
        .filter(|l| l.contains("lecture de l'école : ecole.yaml et les classes"))
        .count();
    assert_eq!(loads, 1, "{log}");
}
