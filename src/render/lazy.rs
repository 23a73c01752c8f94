//! The clear preview's pages, rendered when asked for: a save publishes
//! the new state of the school at once, every page stale, and a page is
//! made (its view prepared, fingerprinted, rendered) only when the browser
//! asks for it; so are the feeds and the sitemap. What nobody asks for is
//! never rendered.
//!
//! A [`LazyPages`] belongs to one load of the school (one save): every page
//! it gives is made from that load alone. Its views are prepared by group
//! (the school's own pages, then one group per class) the first time a
//! page of the group is asked for. A page whose data did not change since
//! it was last rendered (same fingerprint) is not rendered again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::{anyhow, Result};
use serde_json::Value;
use tera::Tera;

use super::views::{self, Job};
use super::{fingerprint, other_files, page_print, render_page, site_context, Input, RenderCache};
use crate::layout;
use crate::output::Output;

/// Pages rendered for the preview, across saves: by output path, the
/// fingerprint of the data each was made from and its bytes.
pub type KeptPages = Arc<Mutex<HashMap<String, (u64, Arc<Vec<u8>>)>>>;

/// The pages of one load of the school, rendered on request.
pub struct LazyPages {
    tera: Arc<Tera>,
    theme_print: u64,
    /// The `site` context and the fingerprint of everything a page shares
    /// (site, photos, theme), made at the first page asked for.
    site: OnceLock<std::result::Result<(Value, [u8; 8]), String>>,
    /// Views by output path: group 0 the school's own pages, group `i + 1`
    /// the pages of the school's `i`-th class.
    groups: Vec<OnceLock<HashMap<String, Job>>>,
    /// The pages of this load already given.
    given: Mutex<HashMap<String, Arc<Vec<u8>>>>,
    /// Pages rendered by earlier loads, reused when their data is the same.
    kept: KeptPages,
    sitemap: OnceLock<Arc<Vec<u8>>>,
    /// The Atom and iCalendar feeds, made at the first one asked for.
    feeds: OnceLock<HashMap<String, Arc<Vec<u8>>>>,
}

impl LazyPages {
    /// Prepares the pages of `input` (nothing rendered yet) and renders
    /// every other file (copies, static files; no search index; the feeds
    /// and the sitemap are made on request too).
    pub fn new(input: &Input, cache: &mut RenderCache) -> Result<(LazyPages, Output)> {
        let theme_print = super::theme_fingerprint(input.theme);
        if cache.theme != theme_print || cache.tera.is_none() {
            cache.tera = Some(super::compiled(input.theme)?);
            cache.theme = theme_print;
        }
        let tera = cache.tera.clone().expect("compiled above");
        let mut output = Output::default();
        other_files(input, &mut output);
        let pages = LazyPages {
            tera,
            theme_print,
            site: OnceLock::new(),
            groups: (0..=input.school.class_list.len())
                .map(|_| OnceLock::new())
                .collect(),
            given: Mutex::new(HashMap::new()),
            kept: cache.on_request.clone(),
            sitemap: OnceLock::new(),
            feeds: OnceLock::new(),
        };
        Ok((pages, output))
    }

    /// Is `path` a page (or the sitemap) of this load? Prepares the views
    /// of the groups it may belong to.
    pub fn has(&self, input: &Input, path: &str) -> bool {
        path == layout::SITEMAP || is_feed(input, path) || self.job(input, path).is_some()
    }

    /// The page at `path` (`None`: no such page), rendered now unless this
    /// load or an earlier one with the same data already did.
    pub fn page(&self, input: &Input, path: &str) -> Option<Result<Arc<Vec<u8>>>> {
        if path == layout::SITEMAP {
            return Some(Ok(self.sitemap(input)));
        }
        if is_feed(input, path) {
            let feeds = self.feeds.get_or_init(|| {
                let mut output = Output::default();
                views::feeds_but_sitemap(input.school, input.content, input.today, &mut output);
                output.into_shared()
            });
            return feeds.get(path).cloned().map(Ok);
        }
        if let Some(bytes) = lock(&self.given).get(path) {
            return Some(Ok(bytes.clone()));
        }
        let job = self.job(input, path)?;
        let made = self.render(input, job);
        if let Ok(bytes) = &made {
            lock(&self.given).insert(path.to_string(), bytes.clone());
        }
        Some(made)
    }

    /// The last page rendered at `path`, by this load or an earlier one
    /// (shown under the error panel when this load's fails).
    pub fn last_good(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        lock(&self.kept).get(path).map(|(_, bytes)| bytes.clone())
    }

    /// How many groups of views were prepared (for the log).
    fn prepared(&self) -> usize {
        self.groups.iter().filter(|g| g.get().is_some()).count()
    }

    fn render(&self, input: &Input, job: &Job) -> Result<Arc<Vec<u8>>> {
        let start = std::time::Instant::now();
        let (site, shared_print) = self
            .site
            .get_or_init(|| {
                let (site, print) = site_context(input).map_err(|e| format!("{e:#}"))?;
                let print = fingerprint(&[&print, &self.theme_print.to_le_bytes()]);
                Ok((site, print.to_le_bytes()))
            })
            .as_ref()
            .map_err(|e| anyhow!("{e}"))?;
        let print = page_print(shared_print, input.preview, job);
        if let Some((p, bytes)) = lock(&self.kept).get(&job.path) {
            if *p == print {
                log::debug!("page reprise sans rendu : {}", job.path);
                return Ok(bytes.clone());
            }
        }
        let copy = Job {
            path: job.path.clone(),
            template: job.template.clone(),
            context: job.context.clone(),
            audience: job.audience.clone(),
        };
        let (bytes, _) = render_page(&self.tera, input, site, print, copy)?;
        lock(&self.kept).insert(job.path.clone(), (print, bytes.clone()));
        log::debug!(
            "page rendue à la demande : {} en {} ms ({} groupe(s) de vues préparé(s))",
            job.path,
            start.elapsed().as_millis(),
            self.prepared()
        );
        Ok(bytes)
    }

    /// The view of the page at `path`: first in its class's group when the
    /// address is a class's, then in the school's, then in every group.
    fn job(&self, input: &Input, path: &str) -> Option<&Job> {
        if !path.ends_with(".html") {
            return None; // every page is an HTML file: no view to prepare
        }
        let classes = &input.school.class_list;
        let own = classes
            .iter()
            .position(|c| path.starts_with(&layout::class(&c.id)))
            .map(|i| i + 1);
        own.into_iter()
            .chain(0..self.groups.len())
            .find_map(|g| self.group(input, g).get(path))
    }

    /// The views of group `g`, prepared at the first call.
    fn group(&self, input: &Input, g: usize) -> &HashMap<String, Job> {
        self.groups[g].get_or_init(|| {
            let start = std::time::Instant::now();
            let Input {
                school,
                content,
                today,
                ..
            } = *input;
            let jobs = match g {
                0 => views::school_jobs(school, content, today),
                _ => views::class_jobs(school, content, &school.class_list[g - 1], today),
            };
            log::debug!(
                "vues préparées (groupe {g}) : {} pages en {} ms",
                jobs.len(),
                start.elapsed().as_millis()
            );
            jobs.into_iter().map(|j| (j.path.clone(), j)).collect()
        })
    }

    /// The sitemap: every public page, so every view is prepared.
    fn sitemap(&self, input: &Input) -> Arc<Vec<u8>> {
        self.sitemap
            .get_or_init(|| {
                let public: Vec<&str> = (0..self.groups.len())
                    .flat_map(|g| self.group(input, g).values())
                    .filter(|job| job.audience.is_public())
                    .map(|job| job.path.as_str())
                    .collect();
                Arc::new(views::sitemap(input.school, public.into_iter()))
            })
            .clone()
    }
}

/// Is `path` one of the feeds (Atom, the agenda's and each class's
/// homework iCalendar)?
fn is_feed(input: &Input, path: &str) -> bool {
    path == layout::ATOM
        || path == layout::AGENDA_ICS
        || (path.ends_with(".ics")
            && (input.school.class_list.iter()).any(|c| layout::homework_ics(&c.id) == path))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
