//! The preview server: the site served from memory on 127.0.0.1 (and only
//! to this computer, see `guard`), rebuilt when a file of the school
//! changes, the open page reloaded by itself, and build errors shown inside
//! the page over the last good version.
//!
//! State is passed as arguments (an `Arc` shared by the watcher and the
//! request threads), never kept in globals. Nothing is written to disk.

pub mod atelier;
mod guard;
mod http;
mod watch;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};

use crate::diagnostic::{Diagnostic, Severity};
use crate::site::Session;

pub use crate::mime::content_type;
pub use http::overlay;
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
    /// The pages of the last good load, rendered when asked for (the
    /// clear preview; the sealed one has them all in `files`).
    pub pages: Option<Arc<OnRequest>>,
}

/// The pages of one load of the school, rendered when asked for: each
/// page is made from this load alone.
pub struct OnRequest {
    site: crate::site::Site,
    pages: crate::render::LazyPages,
}

impl OnRequest {
    /// Is `path` a page of this load?
    pub fn has(&self, path: &str) -> bool {
        self.pages.has(&self.site.render_input(), path)
    }

    /// The page at `path`, rendered now if this load has not yet.
    pub fn page(&self, path: &str) -> Option<Result<Arc<Vec<u8>>>> {
        self.pages.page(&self.site.render_input(), path)
    }

    /// The last page rendered at `path`, by this load or an earlier one.
    pub fn last_good(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        self.pages.last_good(path)
    }
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

/// A rebuild: the files of the site (and its pages, when rendered on
/// request), or the errors that stopped it.
type Attempt =
    std::result::Result<(HashMap<String, Arc<Vec<u8>>>, Option<Arc<OnRequest>>), Vec<Diagnostic>>;

/// What the preview keeps from one rebuild to the next.
pub struct Caches {
    /// The school, loaded at each save through one session: unchanged
    /// pages and photos are not read again.
    pub session: Session,
    /// Compiled templates and unchanged rendered pages.
    pub render: crate::render::RenderCache,
    /// Files copied into the site (resized photos, documents), by source,
    /// with the size and time they had when read: unchanged, not read again.
    pub copies: HashMap<PathBuf, (u64, std::time::SystemTime, Arc<Vec<u8>>)>,
}

impl Caches {
    /// Empty caches for the school at `root`.
    pub fn new(root: &Path) -> Caches {
        Caches {
            session: Session::new(root, crate::dates::today()),
            render: Default::default(),
            copies: HashMap::new(),
        }
    }
}

/// The output's files as the preview serves them; a copied file is read
/// only when it is new or changed since the last rebuild.
fn served_files(
    output: crate::output::Output,
    copies: &mut HashMap<PathBuf, (u64, std::time::SystemTime, Arc<Vec<u8>>)>,
) -> HashMap<String, Arc<Vec<u8>>> {
    let previous = std::mem::take(copies);
    let mut kept: HashMap<PathBuf, (u64, std::time::SystemTime, Arc<Vec<u8>>)> = HashMap::new();
    let files = output
        .files
        .into_iter()
        .filter_map(|(path, file)| {
            let bytes = match file.data {
                crate::output::Data::Bytes(b) => b,
                crate::output::Data::Copy(source) => {
                    let meta = std::fs::metadata(&source).ok()?;
                    let stamp = (meta.len(), meta.modified().ok()?);
                    // The same file may be copied under several names.
                    let known = kept.get(&source).or_else(|| previous.get(&source));
                    let bytes = match known {
                        Some((len, time, bytes)) if (*len, *time) == stamp => bytes.clone(),
                        _ => Arc::new(std::fs::read(&source).ok()?),
                    };
                    kept.insert(source, (stamp.0, stamp.1, bytes.clone()));
                    bytes
                }
                // The preview publishes without a build record: never made.
                crate::output::Data::Previous { .. } | crate::output::Data::Unchanged => {
                    return None
                }
            };
            Some((path, bytes))
        })
        .collect();
    *copies = kept;
    files
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
    let result = (|| -> Result<Attempt> {
        // The preview may run across midnight: the day is read at each save.
        cache.session.today = crate::dates::today();
        cache.session.base_url = Some(base_url.to_string());
        let loaded = cache.session.load()?;
        let mut site = match loaded.ready() {
            Ok((site, _warnings)) => site,
            Err(problems) => {
                return Ok(Err(problems
                    .into_iter()
                    .filter(|d| d.severity == Severity::Error)
                    .collect()))
            }
        };
        site.preview = !opt.encrypted;
        if opt.encrypted {
            let output = site.publish()?;
            return Ok(Ok((served_files(output, &mut cache.copies), None)));
        }
        // The clear preview renders no page here: each is rendered when
        // the browser asks for it, from this load.
        log::debug!("école relue en {} ms", start.elapsed().as_millis());
        let (pages, output) =
            crate::render::LazyPages::new(&site.render_input(), &mut cache.render)?;
        log::debug!(
            "fichiers hors pages faits en {} ms",
            start.elapsed().as_millis()
        );
        let files = served_files(output, &mut cache.copies);
        Ok(Ok((files, Some(Arc::new(OnRequest { site, pages })))))
    })();
    let elapsed = start.elapsed();
    let mut deferred = None;
    shared.publish(|state| {
        state.last_rebuild = elapsed;
        match result {
            Ok(Ok((mut files, pages))) => {
                deferred = pages.clone();
                // Until the new indexes come, the previous ones stay.
                for (path, bytes) in state.files.drain() {
                    if deferred.is_some() && crate::render::is_search_index(&path) {
                        files.insert(path, bytes);
                    }
                }
                state.files = files;
                state.pages = pages;
                state.problems.clear();
            }
            Ok(Err(problems)) => state.problems = problems,
            Err(e) => state.problems = vec![Diagnostic::error("", format!("{e:#}"))],
        }
    });
    log::info!("site reconstruit en {} ms", elapsed.as_millis());
    if let Some(published) = deferred {
        let search = published
            .site
            .search_cached(&mut cache.render)
            .into_shared();
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

/// A running preview.
pub struct Running {
    /// The site's address (`http://127.0.0.1:PORT/base/`).
    pub address: String,
    /// The atelier's address, with the session's secret.
    pub atelier: String,
    /// Serves requests until the process ends.
    pub handle: std::thread::JoinHandle<()>,
}

/// Starts the server and the watcher; returns the addresses it answers
/// on and a handle that serves requests until the process ends.
pub fn start(opt: Options) -> Result<Running> {
    // The address needs the site's base path: the `url` of ecole.yaml
    // alone gives it (the school is loaded once, by the first rebuild).
    let base_path = crate::config::base_path(&opt.root).unwrap_or_else(|| "/".into());
    let server = tiny_http::Server::http(("127.0.0.1", opt.port))
        .map_err(|e| anyhow!("impossible d'écouter sur 127.0.0.1:{} : {e}\n  conseil : choisissez un autre port avec --port", opt.port))?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .unwrap_or(opt.port);
    let address = format!("http://127.0.0.1:{port}{base_path}");
    let atelier = Arc::new(atelier::Atelier::new(
        opt.root.clone(),
        base_path.clone(),
        port,
    ));
    let atelier_address = atelier.address();
    let shared = Shared::new();
    let mut cache = Caches::new(&opt.root);
    rebuild(&shared, &opt, &address, &mut cache);
    watch::spawn(opt, address.clone(), shared.clone(), cache)?;
    let server = Arc::new(server);
    let handle = std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let shared = shared.clone();
            let base_path = base_path.clone();
            let atelier = atelier.clone();
            std::thread::spawn(move || http::respond(request, &shared, &base_path, port, &atelier));
        }
    });
    Ok(Running {
        address,
        atelier: atelier_address,
        handle,
    })
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

/// Is this path the school's own output, a temporary editor file, or the
/// atelier's own records (who saved what, the bin: nothing of the site)?
pub fn is_noise(root: &Path, path: &Path) -> bool {
    let (rel, first, name) = parts(root, path);
    let in_cache = rel.starts_with(".preau/cache")
        || rel.starts_with(crate::atelier::files::ATELIER_DIR)
        || rel.starts_with(crate::atelier::trash::TRASH_DIR);
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
