//! `preau deploy` to a real S3-compatible server (moto's standalone server,
//! from PyPI) on loopback: every object matches the manifest, only what
//! changed is sent, refusals send nothing.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::approval::setup;
use super::common::{require, school_copy};
use super::deploy_scenario::{
    puts_back_what_was_altered_online, sends_only_what_changed_and_refusals_send_nothing, Online,
};

struct Moto {
    child: Child,
    port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP request on loopback: (status, body).
fn http(method: &str, port: u16, path: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
        .unwrap_or(response.len());
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut body = response[split..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    (status, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 4 + size..];
    }
    out
}

fn moto() -> Moto {
    require(&["moto_server"]);
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Moto { child, port };
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto_server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(http("PUT", port, "/site-ecole").0, 200, "bucket creation");
    server
}

fn keys(port: u16) -> Vec<String> {
    let (_, body) = http("GET", port, "/site-ecole?list-type=2&max-keys=10000");
    let xml = String::from_utf8_lossy(&body);
    let mut keys: Vec<String> = xml
        .split("<Key>")
        .skip(1)
        .map(|k| k.split("</Key>").next().unwrap().to_string())
        .collect();
    keys.sort();
    keys
}

/// The test's own signed access to the bucket.
fn bucket(port: u16) -> preau::deploy::s3::S3 {
    preau::deploy::s3::S3::open(&preau::deploy::s3::S3Settings {
        endpoint: format!("http://127.0.0.1:{port}"),
        region: "us-east-1".into(),
        bucket: "site-ecole".into(),
        prefix: "jean-jaures".into(),
        access_key: "essai".into(),
        secret_key: "essai".into(),
    })
    .unwrap()
}

/// Every object of the manifest online has the manifest's SHA-256 (read
/// with signed requests, as the bucket is private).
fn online_matches_manifest(port: u16) -> u64 {
    use preau::deploy::Target;
    let mut bucket = bucket(port);
    let manifest = bucket
        .read("preau/manifeste.json")
        .unwrap()
        .expect("a manifest online");
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    for (path, entry) in manifest["fichiers"].as_object().unwrap() {
        let body = bucket
            .read(path)
            .unwrap()
            .unwrap_or_else(|| panic!("{path} missing online"));
        let hex: String = Sha256::digest(&body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            entry["sha256"].as_str().unwrap(),
            "{path} differs online"
        );
    }
    manifest["version"].as_u64().unwrap()
}

#[test]
#[ignore = "needs moto_server (pip install 'moto[server]==5.0.28'; bash .ci/run installs it)"]
fn s3_deploy_sends_only_what_changed_and_refusals_send_nothing() {
    let server = moto();
    let s = setup(school_copy("minimal"), "");
    let mut yaml = std::fs::read_to_string(s.school.join("ecole.yaml")).unwrap();
    yaml.push_str(&format!("publication:\n  type: s3\n  adresse: http://127.0.0.1:{}\n  region: us-east-1\n  compartiment: site-ecole\n  prefixe: jean-jaures\n", server.port));
    std::fs::write(s.school.join("ecole.yaml"), yaml).unwrap();
    std::fs::write(
        s.school.join(".preau/publication.json"),
        r#"{"cle": "essai", "secret": "essai"}"#,
    )
    .unwrap();

    let list = || keys(server.port);
    let version = || online_matches_manifest(server.port);
    let online = Online {
        files: &list,
        verified_version: &version,
    };
    let v2 = sends_only_what_changed_and_refusals_send_nothing(&s, "http://127.0.0.1", online);
    // Seen by its ETag (the MD5 of an object written by one PUT).
    let alter = |path: &str, bytes: &[u8]| {
        use preau::deploy::Target;
        bucket(server.port).write(path, bytes).unwrap();
    };
    puts_back_what_was_altered_online(&s, &v2, &alter, online);
}
