//! Issue 19, point 3: the clear preview renders a page when it is asked
//! for, from the state of the last save, and nothing else; a request that
//! comes right after a save (the reload event) already gets the new text.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::super::common::school_copy;
use super::{get, start_with_log, wait_for, Server};

/// The reload stream, opened: its `data:` lines are generations.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(server: &Server) -> Events {
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
        Events(stream)
    }

    /// The next generation announced, waiting at most ten seconds.
    fn next(&mut self) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut line = String::new();
        while Instant::now() < deadline {
            line.clear();
            match self.0.read_line(&mut line) {
                Ok(0) => panic!("the reload stream closed"),
                Ok(_) => {
                    if let Some(d) = line.strip_prefix("data: ") {
                        return d.trim().parse().unwrap();
                    }
                }
                Err(_) => {} // read timeout: look at the deadline again
            }
        }
        panic!("no reload event within 10 s");
    }
}

/// The pages the log says were rendered on request, in order.
fn rendered(log: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .filter_map(|l| l.split("page rendue à la demande : ").nth(1))
        .map(|rest| rest.split(' ').next().unwrap().to_string())
        .collect()
}

#[test]
fn pages_nobody_asks_for_are_never_rendered() {
    let (_tmp, school) = school_copy("minimal");
    let log_path = school.join("../serve.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let server = start_with_log(&school, &["-vv"], log);
    let page = format!("{}classes/cm1/blog/sortie/", server.address);
    wait_for(&page, "the post", |s, b| {
        s == 200 && b.contains("Sortie au musée")
    });
    let post = "classes/cm1/blog/sortie/index.html".to_string();
    let once = vec![post.clone()];
    assert_eq!(rendered(&log_path), once, "only the page asked for");

    let mut events = Events::open(&server);
    let before = events.next();
    let file = school.join("classes/cm1/blog/sortie/index.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("quelle journée", "quelle belle journée"),
    )
    .unwrap();
    assert!(events.next() > before);
    // Nothing rendered by the save itself: the site waits for requests.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(rendered(&log_path), once, "the save rendered pages");

    let (status, body) = get(&page);
    assert_eq!(status, 200);
    assert!(body.contains("quelle belle journée"), "{body}");
    // Twice more: the second is this save's page, not rendered again.
    get(&page);
    assert_eq!(rendered(&log_path), [post.clone(), post.clone()]);

    // Another class page: only its class's views were prepared, never
    // the school's own (home, news, agenda...), which nobody asked for.
    get(&format!("{}classes/cm1/", server.address));
    let log_text = std::fs::read_to_string(&log_path).unwrap();
    assert_eq!(
        rendered(&log_path),
        [post.clone(), post, "classes/cm1/index.html".into()]
    );
    assert!(
        log_text.contains("vues préparées (groupe 1)") && !log_text.contains("(groupe 0)"),
        "{log_text}"
    );
}

#[test]
fn a_request_right_after_a_save_gets_the_new_text() {
    let (_tmp, school) = school_copy("minimal");
    let server = start_with_log(&school, &[], std::process::Stdio::null());
    let post = format!("{}classes/cm1/blog/sortie/", server.address);
    let blog = format!("{}classes/cm1/blog/", server.address);
    // Both rendered once from the first load.
    wait_for(&post, "the post", |s, b| {
        s == 200 && b.contains("Sortie au musée")
    });
    wait_for(&blog, "the blog", |s, b| {
        s == 200 && b.contains("Sortie au musée")
    });

    let mut events = Events::open(&server);
    let mut generation = events.next();
    let file = school.join("classes/cm1/blog/sortie/index.md");
    let text = std::fs::read_to_string(&file).unwrap();
    for (i, title) in ["Sortie au musée des arts", "Visite du musée"]
        .iter()
        .enumerate()
    {
        std::fs::write(
            &file,
            text.replace("titre: Sortie au musée", &format!("titre: {title}"))
                .replace("quelle journée", &format!("quelle journée n°{i}")),
        )
        .unwrap();
        let now = events.next();
        assert!(now > generation);
        generation = now;
        // One request each, at once, as the reloading page makes it.
        let (status, body) = get(&post);
        assert_eq!(status, 200);
        assert!(
            body.contains(&format!("quelle journée n°{i}"))
                && body.contains(&format!("data-generation=\"{generation}\"")),
            "a stale post after the reload event:\n{body}"
        );
        let (_, body) = get(&blog);
        assert!(
            body.contains(title),
            "a stale list after the reload event:\n{body}"
        );
    }
}

#[test]
fn feeds_and_sitemap_are_made_on_request_from_the_last_save() {
    let (_tmp, school) = school_copy("minimal");
    let server = start_with_log(&school, &[], std::process::Stdio::null());
    let at = |path: &str| format!("{}{path}", server.address);
    let sitemap = wait_for(&at("sitemap.xml"), "the sitemap", |s, _| s == 200);
    assert!(
        sitemap.contains("<urlset") && sitemap.contains("/actualites/"),
        "{sitemap}"
    );
    assert!(
        !sitemap.contains("/classes/cm1/blog/"),
        "restricted pages listed: {sitemap}"
    );
    let (status, agenda) = get(&at("agenda.ics"));
    assert_eq!(status, 200);
    assert!(agenda.starts_with("BEGIN:VCALENDAR"), "{agenda}");
    let (status, homework) = get(&at("classes/cm1/devoirs.ics"));
    assert_eq!(status, 200);
    assert!(homework.starts_with("BEGIN:VCALENDAR"), "{homework}");
    let (status, _) = get(&at("classes/nulle-part/devoirs.ics"));
    assert_eq!(status, 404);
    let (status, atom) = get(&at("atom.xml"));
    assert_eq!(status, 200);
    assert!(atom.contains("<feed"), "{atom}");

    // A new public post: in the feed and the sitemap right after its save.
    let mut events = Events::open(&server);
    let before = events.next();
    std::fs::write(
        school.join("actualites/fete.md"),
        "---\ntitre: Fête des vendanges\ndate: 2026-10-10\n---\nTexte.\n",
    )
    .unwrap();
    assert!(events.next() > before);
    let (_, atom) = get(&at("atom.xml"));
    assert!(atom.contains("Fête des vendanges"), "{atom}");
    let (_, sitemap) = get(&at("sitemap.xml"));
    assert!(sitemap.contains("/actualites/fete/"), "{sitemap}");
}

/// A page that cannot be made from the last save (here a school template
/// that names an unknown variable): its last good version, under the
/// error panel that says why; the other pages are served as usual.
#[test]
fn a_page_that_fails_on_request_shows_the_panel_over_its_last_version() {
    let (_tmp, school) = school_copy("minimal");
    let server = start_with_log(&school, &[], std::process::Stdio::null());
    let post = format!("{}classes/cm1/blog/sortie/", server.address);
    wait_for(&post, "the post", |s, b| {
        s == 200 && b.contains("quelle journée")
    });
    let template = std::fs::read_to_string(
        super::super::common::repo().join("themes/default/templates/post.html"),
    )
    .unwrap();
    std::fs::create_dir_all(school.join("theme/templates")).unwrap();
    let mut events = Events::open(&server);
    let before = events.next();
    std::fs::write(
        school.join("theme/templates/post.html"),
        template.replacen(
            "{% block contenu %}",
            "{% block contenu %}{{ variable_inconnue }}",
            1,
        ),
    )
    .unwrap();
    assert!(events.next() > before);
    let (status, body) = get(&post);
    assert_eq!(status, 200);
    assert!(body.contains("preau-erreurs"), "no panel:\n{body}");
    assert!(
        body.contains(
            "rendu de « classes/cm1/blog/sortie/index.html » avec le gabarit « post.html »"
        ),
        "{body}"
    );
    assert!(
        body.contains("quelle journée"),
        "the last good page is underneath"
    );
    let (status, home) = get(&server.address);
    assert_eq!(status, 200);
    assert!(!home.contains("preau-erreurs"), "{home}");
}
