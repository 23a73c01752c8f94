//! Issue 12, point 6: DNS rebinding on `preau serve`. A page the teacher
//! visits, through a domain that resolves to 127.0.0.1, must read nothing of
//! the preview (which shows the classes in clear): wrong `Host` → a French
//! refusal and nothing of the site; a write from a foreign page → refused;
//! the reload stream likewise. The server listens on loopback only.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::super::common::{copy_tree, fixture, school_copy};
use super::{raw, start, wait_for, Server};

const CANARY: &str = "Kanarizq7";

fn canary_server() -> (tempfile::TempDir, Server) {
    let (tmp, school) = school_copy("minimal");
    copy_tree(&fixture("canary"), &school);
    let server = start(&school, &[]);
    (tmp, server)
}

/// Paths that hold the class's text in clear, and the preview's own ones.
fn paths(server: &Server) -> Vec<String> {
    let base = server.base();
    vec![
        format!("{base}classes/cm1/blog/sortie-kanarizq7/"),
        format!("{base}recherche/classe-cm1.json"),
        format!("{base}actualites/"),
        "/__preau/recharger.js".into(),
        "/__preau/apercu.css".into(),
        "/__preau/evenements".into(),
    ]
}

#[test]
fn rebinding_hosts_and_no_host_get_nothing_of_the_site() {
    let (_tmp, server) = canary_server();
    let page = format!("{}classes/cm1/blog/sortie-kanarizq7/", server.address);
    // Control: by its own name, the preview shows the class in clear.
    wait_for(&page, "the class page", |s, b| {
        s == 200 && b.contains(CANARY)
    });
    let port = server.authority().rsplit_once(':').unwrap().1.to_string();
    let own_names = [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ];
    for host in &own_names {
        let r = raw(
            server.authority(),
            &format!(
                "GET {}classes/cm1/blog/sortie-kanarizq7/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n",
                server.base()
            ),
            5,
        );
        assert_eq!(r.status, 200, "Host: {host}\n{}", r.head);
        assert!(r.body.contains(CANARY), "Host: {host}");
        assert!(
            r.head.contains("Cache-Control: no-store"),
            "a class page in clear is kept in no cache:\n{}",
            r.head
        );
    }

    let foreign = [
        Some(format!("evil.example:{port}")),
        Some("127.0.0.1.nip.io".to_string()),
        Some(format!("127.0.0.1.nip.io:{port}")),
        Some(format!("127.0.0.1:{}", port.parse::<u16>().unwrap() ^ 1)),
        None,
    ];
    for host in &foreign {
        for path in paths(&server) {
            for version in ["HTTP/1.1", "HTTP/1.0"] {
                let host_line = host
                    .as_ref()
                    .map(|h| format!("Host: {h}\r\n"))
                    .unwrap_or_default();
                let r = raw(
                    server.authority(),
                    &format!("GET {path} {version}\r\n{host_line}Connection: close\r\n\r\n"),
                    3,
                );
                let what = format!("GET {path} {version} with Host {host:?}");
                assert_eq!(r.status, 421, "{what}:\n{}\n{}", r.head, r.body);
                assert!(
                    r.body
                        .contains("L'aperçu de Préau ne répond qu'à cet ordinateur"),
                    "{what}: French refusal page:\n{}",
                    r.body
                );
                assert!(!r.body.contains(CANARY), "{what} leaked the class");
                assert!(!r.body.contains("EventSource"), "{what} served the script");
                assert!(!r.body.contains("data:"), "{what} opened the stream");
                assert!(r.head.contains("Cache-Control: no-store"), "{what}");
            }
        }
    }
}

#[test]
fn writes_from_a_foreign_page_are_refused() {
    let (_tmp, server) = canary_server();
    let own = format!("http://{}", server.authority());
    let path = format!("{}classes/cm1/blog/sortie-kanarizq7/", server.base());
    wait_for(&format!("{own}{path}"), "the class page", |s, b| {
        s == 200 && b.contains(CANARY)
    });
    let send = |method: &str, origin: Option<&str>| {
        let origin = origin
            .map(|o| format!("Origin: {o}\r\n"))
            .unwrap_or_default();
        raw(
            server.authority(),
            &format!(
                "{method} {path} HTTP/1.1\r\nHost: {}\r\n{origin}Content-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
                server.authority()
            ),
            3,
        )
    };
    for method in ["POST", "PUT", "DELETE"] {
        for origin in [
            Some("http://evil.example"),
            Some("null"),
            Some(&format!(
                "http://evil.example:{}",
                server.authority().rsplit_once(':').unwrap().1
            )),
            None,
        ] {
            let r = send(method, origin);
            assert_eq!(
                r.status, 403,
                "{method} with Origin {origin:?}:\n{}",
                r.head
            );
            assert!(r.body.contains("Demande refusée"), "{}", r.body);
            assert!(
                !r.body.contains(CANARY),
                "{method} {origin:?} leaked the class"
            );
        }
        // From the preview's own page, the check passes: nothing takes a
        // write all the same.
        let r = send(method, Some(&own));
        assert_eq!(
            r.status, 405,
            "{method} from the preview itself:\n{}",
            r.head
        );
        assert!(!r.body.contains(CANARY));
    }
    // A read that a foreign page makes (it sends its Origin) is refused too.
    let r = raw(
        server.authority(),
        &format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n",
            server.authority()
        ),
        3,
    );
    assert_eq!(r.status, 403);
    assert!(!r.body.contains(CANARY));
}

/// Reads the event stream line by line until `want` data lines came.
fn events(
    stream: &mut BufReader<TcpStream>,
    want: usize,
    bound: Duration,
) -> (Vec<String>, String) {
    let deadline = Instant::now() + bound;
    let mut data = Vec::new();
    let mut all = String::new();
    while data.len() < want && Instant::now() < deadline {
        let mut line = String::new();
        match stream.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {
                if let Some(d) = line.strip_prefix("data: ") {
                    data.push(d.trim().to_string());
                }
                all.push_str(&line);
            }
            Err(_) => {} // read timeout: look at the deadline again
        }
    }
    (data, all)
}

#[test]
fn the_reload_stream_speaks_at_once_and_at_each_save_only_to_this_computer() {
    let (_tmp, school) = school_copy("minimal");
    let server = start(&school, &[]);
    wait_for(&server.address, "the home page", |s, _| s == 200);

    // A foreign Host: refused, no stream.
    let r = raw(
        server.authority(),
        "GET /__preau/evenements HTTP/1.1\r\nHost: evil.example\r\nAccept: text/event-stream\r\n\r\n",
        3,
    );
    assert_eq!(r.status, 421, "{}\n{}", r.head, r.body);
    assert!(!r.body.contains("data:"));

    // By its own name: the current generation right away (not after 8 KiB
    // of buffer), then a new one within a bound of the save.
    let tcp = TcpStream::connect(server.authority()).unwrap();
    tcp.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut stream = BufReader::new(tcp);
    write!(
        stream.get_mut(),
        "GET /__preau/evenements HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
        server.authority()
    )
    .unwrap();
    let (first, head) = events(&mut stream, 1, Duration::from_secs(2));
    assert_eq!(first.len(), 1, "no event within 2 s of opening:\n{head}");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains("Content-Type: text/event-stream"), "{head}");
    assert!(head.contains("Cache-Control: no-store"), "{head}");

    let post = school.join("classes/cm1/blog/sortie/index.md");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(
        &post,
        text.replace("quelle journée", "quelle belle journée"),
    )
    .unwrap();
    let (next, all) = events(&mut stream, 1, Duration::from_secs(5));
    assert_eq!(next.len(), 1, "no event within 5 s of a save:\n{all}");
    assert_ne!(next[0], first[0], "the generation changed");
}

#[test]
fn the_preview_listens_on_loopback_only() {
    let (_tmp, school) = school_copy("minimal");
    let server = start(&school, &[]);
    assert!(server.address.starts_with("http://127.0.0.1:"));
    let port = server.authority().rsplit_once(':').unwrap().1;
    TcpStream::connect(server.authority()).expect("reachable on 127.0.0.1");
    // Bound to 127.0.0.1 itself, not to every address: 127.0.0.2 (another
    // loopback address on Linux) stands for any other interface.
    if cfg!(target_os = "linux") {
        let other = TcpStream::connect_timeout(
            &format!("127.0.0.2:{port}").parse().unwrap(),
            Duration::from_secs(2),
        );
        assert!(other.is_err(), "the preview answers on 127.0.0.2:{port}");
    }
}
