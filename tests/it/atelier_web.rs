//! Issue 14, points 1 to 3: the atelier served by `preau serve`, attacked
//! over HTTP as a foreign page or program would (no session secret, a
//! foreign `Host`, a foreign `Origin`, a traversal path, a bomb or a
//! mislabelled upload, a stale write), and checked on disk: a refused
//! request changes nothing. The browser side is in `atelier_browser`.

mod browser;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::common::{fixture, school_copy};

/// `preau serve` with its two addresses, stopped when dropped.
pub struct Served {
    child: Child,
    /// The site's address (`http://127.0.0.1:PORT/base/`).
    pub site: String,
    /// The atelier's address, with the session's secret.
    pub atelier: String,
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `preau serve` in `school` on a free port.
pub fn serve(school: &Path) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_preau"))
        .args(["serve", ".", "--port", "0"])
        .current_dir(school)
        .env("SOURCE_DATE_EPOCH", "1795478400") // 2026-11-24
        .env("USER", "mme.martin")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start preau serve");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let site = line
        .trim()
        .trim_start_matches("Aperçu de l'école : ")
        .to_string();
    line.clear();
    stdout.read_line(&mut line).unwrap();
    let atelier = line
        .trim()
        .trim_start_matches("Atelier (pour écrire) : ")
        .to_string();
    assert!(
        atelier.starts_with("http://127.0.0.1:") && atelier.contains("/__atelier/?jeton="),
        "unexpected second line: {line}"
    );
    Served {
        child,
        site,
        atelier,
        _stdout: stdout,
    }
}

impl Served {
    /// `127.0.0.1:PORT`.
    pub fn authority(&self) -> String {
        let rest = self.atelier.trim_start_matches("http://");
        rest[..rest.find('/').unwrap()].to_string()
    }

    /// The session's secret.
    pub fn secret(&self) -> String {
        self.atelier.rsplit_once("jeton=").unwrap().1.to_string()
    }

    /// Trades the secret for the session's cookie (`name=value`).
    pub fn cookie(&self) -> String {
        let path = format!("/__atelier/?jeton={}", self.secret());
        let r = self.send("GET", &path, &[], b"");
        assert_eq!(r.status, 303, "{}", r.head);
        let set = r
            .header("set-cookie")
            .expect("the secret is traded for a cookie");
        assert!(set.contains("HttpOnly"), "{set}");
        assert!(set.contains("SameSite=Strict"), "{set}");
        set.split(';').next().unwrap().trim().to_string()
    }

    /// The headers a page of the atelier sends: its Host, Origin and cookie.
    pub fn own(&self, cookie: &str) -> Vec<(String, String)> {
        vec![
            ("Host".into(), self.authority()),
            ("Origin".into(), format!("http://{}", self.authority())),
            ("Cookie".into(), cookie.to_string()),
        ]
    }

    /// Sends a request with exactly `headers` (plus Content-Length and
    /// Connection), or with `Host` added when `headers` has none.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Reply {
        let mut request = format!("{method} {path} HTTP/1.1\r\n");
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            request.push_str(&format!("Host: {}\r\n", self.authority()));
        }
        for (k, v) in headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        request.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        ));
        let mut stream = TcpStream::connect(self.authority()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let _ = stream.write_all(body);
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        Reply::parse(&bytes)
    }

    /// A request of the atelier's own page (its Host, Origin and cookie).
    pub fn api(&self, cookie: &str, method: &str, route: &str, body: &[u8]) -> Reply {
        self.send(
            method,
            &format!("/__atelier/api/{route}"),
            &self.own(cookie),
            body,
        )
    }
}

/// An HTTP answer.
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Reply {
    fn parse(bytes: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let (head, body) = text
            .split_once("\r\n\r\n")
            .map(|(h, b)| (h.to_string(), b.to_string()))
            .unwrap_or((text.clone(), String::new()));
        Reply { status, head, body }
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }
}

/// Every file of the school (but the build's caches) with its bytes.
fn snapshot(school: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(school)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(school)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .filter(|(rel, _)| !rel.starts_with(".preau/cache"))
        .collect()
}

const POST: &str = "classes/cm1/blog/sortie/index.md";

/// Request headers, as sent.
type Headers = Vec<(String, String)>;

/// The JSON of a save of the post with its title changed.
fn edited_post(server: &Served, cookie: &str, title: &str) -> Vec<u8> {
    let opened = server.api(cookie, "GET", &format!("fichier?chemin={POST}"), b"");
    assert_eq!(opened.status, 200, "{}", opened.body);
    let opened = opened.json();
    let mut document = opened["document"].clone();
    document["title"] = serde_json::json!(title);
    serde_json::to_vec(&serde_json::json!({
        "version": opened["version"],
        "document": document,
        "author": "Mme Martin",
    }))
    .unwrap()
}

#[test]
fn writes_without_the_secret_or_from_a_foreign_page_change_nothing() {
    let (_tmp, school) = school_copy("minimal");
    let server = serve(&school);
    let cookie = server.cookie();
    let body = edited_post(&server, &cookie, "Titre piraté");
    let before = snapshot(&school);
    let authority = server.authority();
    let port = authority.rsplit_once(':').unwrap().1.to_string();
    let save = format!("/__atelier/api/fichier?chemin={POST}");
    let h = |k: &str, v: &str| (k.to_string(), v.to_string());
    let own_host = h("Host", &authority);
    let own_origin = h("Origin", &format!("http://{authority}"));
    let attempts: Vec<(&str, Headers, u16)> = vec![
        (
            "no secret at all",
            vec![own_host.clone(), own_origin.clone()],
            401,
        ),
        (
            "a wrong secret",
            vec![
                own_host.clone(),
                own_origin.clone(),
                h(
                    "Cookie",
                    &format!("preau_atelier_{port}={}", "0".repeat(64)),
                ),
            ],
            401,
        ),
        (
            "the secret of the cookie's name only",
            vec![
                own_host.clone(),
                own_origin.clone(),
                h("Cookie", &format!("preau_atelier_{port}=")),
            ],
            401,
        ),
        (
            "a foreign Host (DNS rebinding)",
            vec![
                h("Host", &format!("evil.example:{port}")),
                h("Origin", &format!("http://evil.example:{port}")),
                h("Cookie", &cookie),
            ],
            421,
        ),
        (
            "a foreign Origin",
            vec![
                own_host.clone(),
                h("Origin", "http://evil.example"),
                h("Cookie", &cookie),
            ],
            403,
        ),
        (
            "no Origin",
            vec![own_host.clone(), h("Cookie", &cookie)],
            403,
        ),
        (
            "an https Origin",
            vec![
                own_host.clone(),
                h("Origin", &format!("https://{authority}")),
                h("Cookie", &cookie),
            ],
            403,
        ),
    ];
    for (what, headers, status) in &attempts {
        for (method, path, payload) in [
            ("PUT", save.as_str(), body.as_slice()),
            (
                "DELETE",
                &*format!("/__atelier/api/fichier?chemin={POST}&version=x"),
                b"".as_slice(),
            ),
            (
                "POST",
                "/__atelier/api/photo?chemin=classes/cm1/blog/sortie/index.md&nom=x.jpg",
                b"\xff\xd8\xff".as_slice(),
            ),
            (
                "POST",
                "/__atelier/api/nouveau",
                br#"{"class_id":"cm1","document":{"kind":"post","title":"Nouveau","date":"2026-11-24"}}"#.as_slice(),
            ),
            ("POST", "/__atelier/api/restaurer?id=x", b"".as_slice()),
        ] {
            let r = server.send(method, path, headers, payload);
            assert_eq!(r.status, *status, "{what}: {method} {path}\n{}\n{}", r.head, r.body);
            assert!(
                r.body.contains("refusée") || r.body.contains("refusé"),
                "{what}: the refusal is French: {}",
                r.body
            );
        }
    }
    // Reads of the class files need the secret too.
    let r = server.send(
        "GET",
        &format!("/__atelier/api/fichier?chemin={POST}"),
        std::slice::from_ref(&own_host),
        b"",
    );
    assert_eq!(r.status, 401, "{}", r.body);
    assert!(!r.body.contains("Sortie"), "{}", r.body);
    // A wrong secret in the address gets no cookie.
    let r = server.send("GET", "/__atelier/?jeton=0123", &[], b"");
    assert_eq!(r.status, 403);
    assert!(r.header("set-cookie").is_none());
    // The page without the secret: a French hint, not the atelier.
    let r = server.send("GET", "/__atelier/", &[], b"");
    assert_eq!(r.status, 401);
    assert!(
        r.body.contains("jeton") && !r.body.contains("atelier.js"),
        "{}",
        r.body
    );

    assert!(
        before == snapshot(&school),
        "a refused request changed the school folder"
    );

    // Control: the same save from the atelier's own page is written.
    let r = server.send("PUT", &save, &server.own(&cookie), &body);
    assert_eq!(r.status, 200, "{}", r.body);
    let text = std::fs::read_to_string(school.join(POST)).unwrap();
    assert!(text.contains("titre: Titre piraté"), "{text}");
    // Every answer carries the strict policy.
    assert!(
        r.header("content-security-policy")
            .is_some_and(|c| c.contains("script-src 'self'") && !c.contains("unsafe")),
        "{}",
        r.head
    );
}

#[test]
fn traversal_paths_are_refused_in_french() {
    let (tmp, school) = school_copy("minimal");
    std::fs::write(
        tmp.path().join("secret.md"),
        "---\ntitre: secret\ndate: 2026-11-24\n---\nsecret\n",
    )
    .unwrap();
    let server = serve(&school);
    let cookie = server.cookie();
    let before = snapshot(tmp.path());
    let document = br#"{"version":null,"document":{"kind":"post","title":"x","date":"2026-11-24","body":"x"},"author":"x"}"#;
    for path in [
        "../secret.md",
        "classes/cm1/blog/../../../../secret.md",
        "%2E%2E/secret.md",
        "classes/cm1/blog/..%2F..%2F..%2F..%2Fsecret.md",
        "%2Fetc%2Fpasswd",
        "classes/cm1/blog/sortie/..\\..\\..\\..\\secret.md",
        ".preau/acces.json",
        "ecole.yaml",
    ] {
        let r = server.api(&cookie, "GET", &format!("fichier?chemin={path}"), b"");
        assert!(
            matches!(r.status, 400 | 404),
            "GET {path}: {} {}",
            r.status,
            r.body
        );
        assert!(
            !r.body.contains("secret\\n") && !r.body.contains("content_key"),
            "{}",
            r.body
        );
        let message = r.json()["error"].as_str().unwrap_or_default().to_string();
        assert!(
            message.contains("refusé") || message.contains("n'est pas un fichier que l'atelier"),
            "GET {path}: not a French refusal: {message}"
        );
        let r = server.api(&cookie, "PUT", &format!("fichier?chemin={path}"), document);
        assert!(
            matches!(r.status, 400 | 422),
            "PUT {path}: {} {}",
            r.status,
            r.body
        );
        let r = server.api(
            &cookie,
            "DELETE",
            &format!("fichier?chemin={path}&version=x"),
            b"",
        );
        assert!(
            matches!(r.status, 400 | 422),
            "DELETE {path}: {} {}",
            r.status,
            r.body
        );
    }
    // An upload named to climb out of the post's folder.
    let jpeg = std::fs::read(fixture("photos/actualites/atelier/jardin.jpg")).unwrap();
    for name in [
        "../../../../evil.jpg",
        "..%2F..%2Fevil.jpg",
        "/tmp/evil.jpg",
        ".htaccess",
    ] {
        let r = server.api(
            &cookie,
            "POST",
            &format!("photo?chemin={POST}&nom={name}"),
            &jpeg,
        );
        assert!(
            matches!(r.status, 400 | 422),
            "upload {name}: {} {}",
            r.status,
            r.body
        );
        assert!(
            r.json()["error"].as_str().unwrap().contains("refusé"),
            "{}",
            r.body
        );
    }
    assert!(
        before == snapshot(tmp.path()),
        "a traversal attempt changed a file"
    );
    assert!(!tmp.path().join("evil.jpg").exists());
}

/// A PNG whose header claims 60,000 × 60,000 pixels (10.8 GB once decoded)
/// in a few dozen bytes: an image bomb.
fn png_bomb() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let chunk = |png: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        png.extend_from_slice(&crc.sum().to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&60_000u32.to_be_bytes());
    ihdr.extend_from_slice(&60_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![0u8; 1 << 20]).unwrap();
    chunk(&mut png, b"IDAT", &z.finish().unwrap());
    chunk(&mut png, b"IEND", b"");
    png
}

#[test]
fn bomb_mislabelled_and_oversized_uploads_are_refused() {
    let (_tmp, school) = school_copy("minimal");
    let server = serve(&school);
    let cookie = server.cookie();
    let before = snapshot(&school);
    let route = |name: &str| format!("photo?chemin={POST}&nom={name}");
    let r = server.api(&cookie, "POST", &route("bombe.png"), &png_bomb());
    assert_eq!(r.status, 422, "{}", r.body);
    let message = r.json()["error"].as_str().unwrap().to_string();
    assert!(message.contains("bombe.png"), "{message}");
    // A web page named like a photo.
    let r = server.api(
        &cookie,
        "POST",
        &route("photo.jpg"),
        b"<html><script>alert(1)</script></html>",
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.json()["error"].as_str().unwrap().contains("photo.jpg"),
        "{}",
        r.body
    );
    // A type the site never publishes.
    let r = server.api(
        &cookie,
        "POST",
        &route("dessin.svg"),
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    assert_eq!(r.status, 422, "{}", r.body);
    // Bigger than the limit: refused from its announced length, unread.
    let mut request = format!("POST /__atelier/api/{} HTTP/1.1\r\n", route("enorme.jpg"));
    for (k, v) in server.own(&cookie) {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("Content-Length: 4000000000\r\nConnection: close\r\n\r\n");
    let mut stream = TcpStream::connect(server.authority()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(b"\xff\xd8\xff").unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let r = Reply::parse(&bytes);
    assert_eq!(r.status, 413, "{}", r.head);
    assert!(
        r.json()["error"].as_str().unwrap().contains("trop lourd"),
        "{}",
        r.body
    );
    assert!(before == snapshot(&school), "a refused upload left a file");
    // Control: a real photo is stored beside the post.
    let jpeg = std::fs::read(fixture("photos/actualites/atelier/jardin.jpg")).unwrap();
    let r = server.api(&cookie, "POST", &route("jardin.jpg"), &jpeg);
    assert_eq!(r.status, 200, "{}", r.body);
    let stored = r.json()["path"].as_str().unwrap().to_string();
    assert_eq!(std::fs::read(school.join(&stored)).unwrap(), jpeg);
}

#[test]
fn a_stale_write_is_refused_with_both_versions() {
    let (_tmp, school) = school_copy("minimal");
    let server = serve(&school);
    let cookie = server.cookie();
    let body = edited_post(&server, &cookie, "Ma version du titre");
    // Meanwhile, a colleague's editor changes the file.
    let file = school.join(POST);
    let theirs = std::fs::read_to_string(&file)
        .unwrap()
        .replace("quelle journée", "quelle journée, écrit par une collègue");
    std::fs::write(&file, &theirs).unwrap();
    let r = server.api(&cookie, "PUT", &format!("fichier?chemin={POST}"), &body);
    assert_eq!(r.status, 409, "{}", r.body);
    let v = r.json();
    assert!(v["error"].as_str().unwrap().contains("modifié"), "{v}");
    assert_eq!(v["on_disk"]["text"].as_str().unwrap(), theirs);
    let yours = v["yours"]["text"].as_str().unwrap();
    assert!(yours.contains("titre: Ma version du titre"), "{yours}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        theirs,
        "nothing was written"
    );
    // Keeping one's own version means saving over the version now seen.
    let mut again: serde_json::Value = serde_json::from_slice(&body).unwrap();
    again["version"] = v["on_disk"]["version"].clone();
    let r = server.api(
        &cookie,
        "PUT",
        &format!("fichier?chemin={POST}"),
        &serde_json::to_vec(&again).unwrap(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let reopened = server
        .api(&cookie, "GET", &format!("fichier?chemin={POST}"), b"")
        .json();
    assert_eq!(reopened["document"]["title"], "Ma version du titre");
    assert_eq!(reopened["changed"]["by"], "Mme Martin", "{reopened}");
}

#[test]
fn the_atelier_pages_are_files_of_the_binary_under_a_strict_policy() {
    let (_tmp, school) = school_copy("minimal");
    let server = serve(&school);
    let cookie = server.cookie();
    let r = server.send(
        "GET",
        "/__atelier/",
        &[("Cookie".into(), cookie.clone())],
        b"",
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("lang=\"fr\""));
    assert!(
        r.body.contains("<script src=\"/__atelier/atelier.js\""),
        "{}",
        r.body
    );
    assert!(
        !r.body.contains("<script>") && !r.body.contains("style="),
        "no inline code"
    );
    assert!(
        !r.body.contains("http://") && !r.body.contains("https://"),
        "no CDN"
    );
    let csp = r.header("content-security-policy").unwrap();
    for needed in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(needed), "{csp}");
    }
    for asset in ["atelier.js", "atelier.css"] {
        let r = server.send("GET", &format!("/__atelier/{asset}"), &[], b"");
        assert_eq!(r.status, 200, "{asset}");
        assert!(
            !r.body.contains("https://cdn") && !r.body.contains("innerHTML"),
            "{asset}"
        );
    }
    // The school and its classes, for the first screen.
    let school_info = server.api(&cookie, "GET", "ecole", b"").json();
    assert_eq!(school_info["classes"][0]["id"], "cm1");
    assert_eq!(school_info["school_days"], serde_json::json!([1, 2, 4, 5]));
    // The class's files, newest first.
    let class = server.api(&cookie, "GET", "classe?id=cm1", b"").json();
    assert_eq!(class["posts"][0]["path"], POST, "{class}");
    // Beside the form, the post's page in the preview.
    let opened = server
        .api(&cookie, "GET", &format!("fichier?chemin={POST}"), b"")
        .json();
    let preview = opened["preview"].as_str().unwrap();
    assert_eq!(
        format!("http://{}{preview}", server.authority()),
        format!("{}classes/cm1/blog/sortie/", server.site)
    );
}

#[test]
fn deleted_files_go_to_the_bin_and_come_back() {
    let (_tmp, school) = school_copy("minimal");
    let server = serve(&school);
    let cookie = server.cookie();
    let original = std::fs::read(school.join(POST)).unwrap();
    let version = server
        .api(&cookie, "GET", &format!("fichier?chemin={POST}"), b"")
        .json()["version"]
        .as_str()
        .unwrap()
        .to_string();
    // A version that is not the one on disk: nothing moves.
    let r = server.api(
        &cookie,
        "DELETE",
        &format!("fichier?chemin={POST}&version=0000"),
        b"",
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(school.join(POST).exists());
    let r = server.api(
        &cookie,
        "DELETE",
        &format!("fichier?chemin={POST}&version={version}"),
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!school.join(POST).exists());
    let bin = server.api(&cookie, "GET", "corbeille", b"").json();
    assert_eq!(bin[0]["path"], POST, "{bin}");
    let id = bin[0]["id"].as_str().unwrap().to_string();
    let encoded: String = id
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let r = server.api(&cookie, "POST", &format!("restaurer?id={encoded}"), b"");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        std::fs::read(school.join(POST)).unwrap(),
        original,
        "restored as it was"
    );
}

#[test]
fn a_document_added_to_the_resources_goes_to_the_class_folder() {
    let (_tmp, school) = school_copy("minimal");
    let server = serve(&school);
    let cookie = server.cookie();
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let r = server.api(
        &cookie,
        "POST",
        "document?chemin=classes/cm1/ressources.md&nom=Fiche%20de%20lecture.pdf",
        pdf,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let stored = r.json();
    assert_eq!(
        stored["link"], "ressources/fiche-de-lecture.pdf",
        "{stored}"
    );
    assert_eq!(
        std::fs::read(school.join("classes/cm1/ressources/fiche-de-lecture.pdf")).unwrap(),
        pdf
    );
    // A web page named like a PDF is not a document.
    let r = server.api(
        &cookie,
        "POST",
        "document?chemin=classes/cm1/ressources.md&nom=piege.pdf",
        b"<html><script>alert(1)</script></html>",
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(!school.join("classes/cm1/ressources/piege.pdf").exists());
}

/// `GET api/ecole`: the school's days (ISO weekday numbers) and
/// disciplines, from `jours_de_classe` and `matieres` in ecole.yaml, else
/// the usual week and the programmes' list; read again at each request.
/// A class's form offers the disciplines its cahier uses, then the school's.
#[test]
fn the_settings_endpoint_gives_the_school_days_and_disciplines_of_ecole_yaml() {
    let (_tmp, school) = school_copy("minimal");
    let server = serve(&school);
    let cookie = server.cookie();
    let settings = || {
        let r = server.api(&cookie, "GET", "ecole", b"");
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
    };
    let strings =
        |v: &serde_json::Value| -> Vec<String> { serde_json::from_value(v.clone()).unwrap() };
    // Without the keys: Monday, Tuesday, Thursday, Friday, and the programmes.
    let usual = settings();
    assert_eq!(
        usual["school_days"],
        serde_json::json!([1, 2, 4, 5]),
        "{usual}"
    );
    let subjects = strings(&usual["subjects"]);
    assert_eq!(
        subjects,
        preau::config::checks::DEFAULT_SUBJECTS.to_vec(),
        "{usual}"
    );
    assert_eq!(usual["classes"][0]["id"], "cm1", "{usual}");

    // With them: the school's own week and list.
    let yaml = std::fs::read_to_string(school.join("ecole.yaml")).unwrap();
    std::fs::write(
        school.join("ecole.yaml"),
        format!(
            "{yaml}jours_de_classe: [lundi, mardi, mercredi, jeudi, vendredi]\n\
             matieres: [Français, Mathématiques, Occitan]\n"
        ),
    )
    .unwrap();
    let own = settings();
    assert_eq!(
        own["school_days"],
        serde_json::json!([1, 2, 3, 4, 5]),
        "{own}"
    );
    assert_eq!(
        strings(&own["subjects"]),
        ["Français", "Mathématiques", "Occitan"],
        "{own}"
    );
    // A new cahier day of the CM1: what its cahier uses first, then the school's.
    let r = server.api(&cookie, "GET", "modele?classe=cm1&kind=cahier_day", b"");
    assert_eq!(r.status, 200, "{}", r.body);
    let offered = strings(&r.json()["subjects"]);
    assert_eq!(
        offered,
        ["Français", "Mathématiques", "Occitan"],
        "{offered:?}"
    );
}
