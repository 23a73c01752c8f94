//! The preview server: the site served from memory on 127.0.0.1, rebuilt
//! when a file of the school changes, the open page reloaded by itself, and
//! build errors shown inside the page over the last good version.
//!
//! State is passed as arguments (an `Arc` shared by the watcher and the
//! request threads), never kept in globals. Nothing is written to disk.

mod watch;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};

use crate::diagnostic::{Diagnostic, Severity};
use crate::site::Site;

pub use watch::ChangeKind;

/// What the server serves: the last good site, and the problems of the
/// last attempt (shown over it).
#[derive(Default)]
pub struct Preview {
    /// Output path → bytes, from the last successful build.
    pub files: HashMap<String, Arc<Vec<u8>>>,
    /// Problems of the last build (empty when it succeeded).
    pub problems: Vec<Diagnostic>,
    /// Grows at each rebuild; the pages reload when it changes.
    pub generation: u64,
    /// How long the last rebuild took.
    pub last_rebuild: Duration,
}

/// The shared state and the signal that wakes the reload streams.
#[derive(Clone)]
pub struct Shared {
    state: Arc<RwLock<Preview>>,
    changed: Arc<(Mutex<u64>, Condvar)>,
}

impl Shared {
    fn new() -> Self {
        Shared {
            state: Arc::new(RwLock::new(Preview::default())),
            changed: Arc::new((Mutex::new(0), Condvar::new())),
        }
    }

    fn publish(&self, update: impl FnOnce(&mut Preview)) {
        let generation = {
            let mut state = self.state.write().expect("preview lock");
            update(&mut state);
            state.generation += 1;
            state.generation
        };
        let (lock, signal) = &*self.changed;
        *lock.lock().expect("signal lock") = generation;
        signal.notify_all();
    }
}

/// A rebuild: the files of the site, or the errors that stopped it.
type Attempt = std::result::Result<HashMap<String, Arc<Vec<u8>>>, Vec<Diagnostic>>;

/// What the preview keeps from one rebuild to the next.
#[derive(Default)]
pub struct Caches {
    /// Pages of unchanged files.
    pub content: crate::content::ContentCache,
    /// Compiled templates and unchanged rendered pages.
    pub render: crate::render::RenderCache,
}

/// How the preview is made.
pub struct Options {
    /// The school folder.
    pub root: PathBuf,
    /// Port on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// Serve the sealed site (as families see it) instead of the clear preview.
    pub encrypted: bool,
}

/// Rebuilds the site in memory, reusing what did not change; on failure
/// keeps the last good files.
pub fn rebuild(shared: &Shared, opt: &Options, base_url: &str, cache: &mut Caches) {
    let start = Instant::now();
    // The clear preview serves the pages first and adds the search indexes
    // right after, so that a save shows up without waiting for them.
    cache.render.defer_search = !opt.encrypted;
    let mut deferred = None;
    let result = (|| -> Result<Attempt> {
        let loaded = Site::load_cached(&opt.root, Some(base_url), &mut cache.content)?;
        let errors: Vec<Diagnostic> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect();
        let Some(mut site) = loaded.site.filter(|_| errors.is_empty()) else {
            return Ok(Err(errors));
        };
        site.preview = !opt.encrypted;
        let output = if opt.encrypted {
            site.publish()?
        } else {
            site.render_cached(&mut cache.render)?
        };
        if cache.render.defer_search {
            deferred = Some(site);
        }
        Ok(Ok(output.into_shared()))
    })();
    let elapsed = start.elapsed();
    shared.publish(|state| {
        state.last_rebuild = elapsed;
        match result {
            Ok(Ok(mut files)) => {
                // Until the new indexes come, the previous ones stay.
                for (path, bytes) in state.files.drain() {
                    if deferred.is_some() && crate::render::is_search_index(&path) {
                        files.insert(path, bytes);
                    }
                }
                state.files = files;
                state.problems.clear();
            }
            Ok(Err(problems)) => state.problems = problems,
            Err(e) => state.problems = vec![Diagnostic::error("", format!("{e:#}"))],
        }
    });
    log::info!("site reconstruit en {} ms", elapsed.as_millis());
    if let Some(site) = deferred {
        let search = site.search_cached(&mut cache.render).into_shared();
        // No new generation: the pages need not reload for the indexes.
        let mut state = shared.state.write().expect("preview lock");
        state
            .files
            .retain(|path, _| !crate::render::is_search_index(path));
        state.files.extend(search);
        log::info!(
            "index de recherche prêts en {} ms",
            start.elapsed().as_millis()
        );
    }
}

/// Starts the server and the watcher; returns the address it listens on
/// and a handle that serves requests until the process ends.
pub fn start(opt: Options) -> Result<(String, std::thread::JoinHandle<()>)> {
    let probe = Site::load(&opt.root, None)?;
    let base_path = match &probe.site {
        Some(site) => site.school.base_path.clone(),
        None => "/".into(),
    };
    let server = tiny_http::Server::http(("127.0.0.1", opt.port))
        .map_err(|e| anyhow!("impossible d'écouter sur 127.0.0.1:{} : {e}\n  conseil : choisissez un autre port avec --port", opt.port))?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .unwrap_or(opt.port);
    let address = format!("http://127.0.0.1:{port}{base_path}");
    let shared = Shared::new();
    let mut cache = Caches::default();
    rebuild(&shared, &opt, &address, &mut cache);
    watch::spawn(opt, address.clone(), shared.clone(), cache)?;
    let server = Arc::new(server);
    let handle = std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let shared = shared.clone();
            let base_path = base_path.clone();
            std::thread::spawn(move || respond(request, &shared, &base_path));
        }
    });
    Ok((address, handle))
}

const RELOAD_JS: &str = r#"// Préau — aperçu : recharge la page quand le site a été reconstruit.
(function () {
  var first = null;
  var source = new EventSource("/__preau/evenements");
  source.onmessage = function (event) {
    if (first === null) { first = event.data; return; }
    if (event.data !== first) { location.reload(); }
  };
})();
"#;

fn header(k: &str, v: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("valid header")
}

fn respond(request: tiny_http::Request, shared: &Shared, base_path: &str) {
    let url = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    if url == "/__preau/recharger.js" {
        let r = tiny_http::Response::from_string(RELOAD_JS)
            .with_header(header("Content-Type", "text/javascript; charset=utf-8"));
        let _ = request.respond(r);
        return;
    }
    if url == "/__preau/evenements" {
        let stream = EventStream {
            shared: shared.clone(),
            sent: None,
        };
        let r = tiny_http::Response::new(
            tiny_http::StatusCode(200),
            vec![
                header("Content-Type", "text/event-stream"),
                header("Cache-Control", "no-cache"),
            ],
            stream,
            None,
            None,
        );
        let _ = request.respond(r);
        return;
    }
    let state = shared.state.read().expect("preview lock");
    let Some(rel) = url
        .strip_prefix(base_path)
        .or_else(|| (url.trim_end_matches('/') == base_path.trim_end_matches('/')).then_some(""))
    else {
        let _ = request.respond(
            tiny_http::Response::from_data(Vec::new())
                .with_status_code(302)
                .with_header(header("Location", base_path)),
        );
        return;
    };
    let rel = crate::slug::percent_decode(rel);
    let found = [
        rel.clone(),
        format!("{rel}index.html"),
        format!("{rel}/index.html"),
    ]
    .into_iter()
    .find(|c| state.files.contains_key(c));
    let (status, path) = match found {
        Some(p)
            if p.ends_with("index.html") && !rel.is_empty() && !rel.ends_with('/') && p != rel =>
        {
            let _ = request.respond(
                tiny_http::Response::from_data(Vec::new())
                    .with_status_code(301)
                    .with_header(header("Location", &format!("{base_path}{rel}/"))),
            );
            return;
        }
        Some(p) => (200, p),
        None => (404, "404.html".to_string()),
    };
    let mut body = state
        .files
        .get(&path)
        .map(|b| b.to_vec())
        .unwrap_or_else(|| b"<!DOCTYPE html><html lang=\"fr\"><body></body></html>".to_vec());
    let kind = if status == 404 {
        "text/html; charset=utf-8"
    } else {
        content_type(&path)
    };
    if kind.starts_with("text/html") {
        body = inject(&body, &state.problems);
    }
    drop(state);
    let r = tiny_http::Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"));
    let _ = request.respond(r);
}

/// Adds the reload script, and the error overlay when the last build failed.
fn inject(html: &[u8], problems: &[Diagnostic]) -> Vec<u8> {
    let mut extra = String::from("<script src=\"/__preau/recharger.js\"></script>");
    if !problems.is_empty() {
        extra.push_str(&overlay(problems));
    }
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The French error panel shown over the last good page.
pub fn overlay(problems: &[Diagnostic]) -> String {
    let mut items = String::new();
    for d in problems {
        let place = match (d.line, d.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", d.file.display()),
            (Some(l), None) => format!("{}:{l}", d.file.display()),
            _ => d.file.display().to_string(),
        };
        items.push_str(&format!(
            "<li><code>{}</code> : {}",
            escape(&place),
            escape(&d.message)
        ));
        if let Some(h) = &d.hint {
            items.push_str(&format!("<br><small>conseil : {}</small>", escape(h)));
        }
        items.push_str("</li>");
    }
    format!(
        "<div id=\"preau-erreurs\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;background:#fff4f4;color:#1b1b1b;border-top:4px solid #b00020;padding:1rem 1.5rem;font:16px/1.5 system-ui,sans-serif;z-index:9999;box-shadow:0 -4px 16px rgba(0,0,0,.2)\">\
         <p style=\"margin:0 0 .5rem;font-weight:700\">Le site n'a pas pu être reconstruit ({} problème{}). La dernière version correcte est affichée dessous ; corrigez puis enregistrez : la page se mettra à jour.</p><ul style=\"margin:0;padding-left:1.2rem\">{items}</ul></div>",
        problems.len(),
        if problems.len() > 1 { "s" } else { "" }
    )
}

/// A server-sent event stream: one `data:` line per rebuild.
struct EventStream {
    shared: Shared,
    sent: Option<u64>,
}

impl Read for EventStream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let (lock, signal) = &*self.shared.changed;
        let mut generation = lock.lock().expect("signal lock");
        let message = match self.sent {
            None => {
                let current = self.shared.state.read().expect("preview lock").generation;
                self.sent = Some(current);
                format!("retry: 500\ndata: {current}\n\n")
            }
            Some(sent) => {
                let (g, timeout) = signal
                    .wait_timeout_while(generation, Duration::from_secs(20), |g| *g <= sent)
                    .expect("signal lock");
                generation = g;
                if timeout.timed_out() {
                    ": attente\n\n".to_string()
                } else {
                    self.sent = Some(*generation);
                    format!("data: {}\n\n", *generation)
                }
            }
        };
        let bytes = message.as_bytes();
        let n = bytes.len().min(buf.len());
        buf[..n].copy_from_slice(&bytes[..n]);
        Ok(n)
    }
}

/// The MIME type of a file, from its extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Opens the address in the user's browser (best effort).
pub fn open_browser(address: &str) {
    let command = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(command)
        .arg(address)
        .spawn()
        .is_err()
    {
        eprintln!("Le navigateur n'a pas pu être ouvert : ouvrez {address}");
    }
}

/// A changed path relative to the school: (relative path, first
/// component, file name).
fn parts(root: &Path, path: &Path) -> (PathBuf, String, String) {
    let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let first = rel
        .iter()
        .next()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (rel, first, name)
}

/// Is this path the school's own output or a temporary editor file?
pub fn is_noise(root: &Path, path: &Path) -> bool {
    let (rel, first, name) = parts(root, path);
    let in_cache = rel.starts_with(".preau/cache");
    first == "public"
        || in_cache
        || first.starts_with(".preau-")
        || (first.starts_with('.') && first != ".preau")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.starts_with(".#")
        || name.ends_with(".tmp")
        || name == "4913"
}
