//! The orchestrator: load the school, render it, write it. Each step is a
//! call into the stage that does the work; this file only says the order.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Result};

use crate::access::{bundle, Secrets};
use crate::config::{Audience, School};

use crate::build_cache::BuildCache;
use crate::content::{Content, ContentCache};
use crate::dates::{self, Date};
use crate::diagnostic::{Diagnostic, Diagnostics, InvalidSchool, Severity};
use crate::images::record::Record;
use crate::output::Output;
use crate::theme::Theme;

/// A loaded school: configuration, content and theme.
#[derive(Debug)]
pub struct Site {
    /// The school folder.
    pub root: PathBuf,
    /// `ecole.yaml` and the classes.
    pub school: School,
    /// Pages, events, documents, assets.
    pub content: Content,
    /// Templates and static files.
    pub theme: Theme,
    /// The day the build considers "today".
    pub today: Date,
    /// Rendered for the preview server: restricted pages say so in a banner.
    pub preview: bool,
    /// Processed photos, by the output path of their original.
    pub photos: BTreeMap<String, crate::images::Photo>,
    /// How many photos were processed, taken from the cache, or read.
    pub photo_stats: crate::images::Stats,
}

/// Folder of the photo cache, inside the school's secrets folder (never published).
pub const PHOTO_CACHE: &str = ".preau/cache/photos";

fn process_photos(
    root: &Path,
    school: &School,
    content: &Content,
    diags: &Diagnostics,
    record: &Record,
) -> (BTreeMap<String, crate::images::Photo>, crate::images::Stats) {
    let sources: BTreeMap<String, PathBuf> = content
        .assets
        .iter()
        .filter(|a| crate::images::is_photo(&a.path))
        .map(|a| (a.path.clone(), root.join(&a.source)))
        .collect();
    let (photos, stats, problems) = crate::images::process_all(
        &sources,
        root,
        &school.file.photos,
        &root.join(PHOTO_CACHE),
        record,
    );
    // Photos removed from the school leave the record.
    record.keep_only(sources.values().map(PathBuf::as_path));
    record.save(root);
    log::info!(
        "photos : {} traitée(s), {} reprise(s) du cache, {} fichier(s) photo lu(s) ({} octets)",
        stats.processed,
        stats.cached,
        stats.read,
        stats.bytes_read
    );
    for d in problems {
        diags.push(d);
    }
    (photos, stats)
}

/// A photo on a public page needs the page to say the image rights were collected.
pub(crate) fn check_image_rights(content: &Content, diags: &Diagnostics) {
    for page in &content.pages {
        let has_photo = page.content.contains("<img") || !page.gallery.is_empty();
        if has_photo && page.audience.is_public() && !page.image_rights {
            diags.push(
                Diagnostic::error(&page.source, "photo sur une page publique sans mention du droit à l'image")
                    .hint("si les familles ont autorisé cette publication (ou si la photo ne montre personne), ajoutez « droit_image: true » dans l'en-tête ; sinon réservez la page à la classe (« acces: classe ») ou retirez la photo.")
                    .at_line(1),
            );
        }
    }
}

/// What loading found: the site when it can be built, and every problem.
pub struct Loaded {
    /// `None` when an error prevents building.
    pub site: Option<Site>,
    /// Every problem, errors and warnings, sorted.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// True when at least one problem is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The site and its warnings when nothing stops the build; else every
    /// problem, errors and warnings, sorted.
    pub fn ready(self) -> std::result::Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
        match self.site {
            Some(site) if !self.has_errors() => Ok((site, self.diagnostics)),
            _ => Err(self.diagnostics),
        }
    }
}

/// One command's work on a school: `build`, `check` and `serve` load it
/// through here, once per run (once per save for the preview, reusing what
/// did not change), and publish it through here. The day is given by the
/// command: nothing below reads the clock.
pub struct Session {
    /// The school folder.
    pub root: PathBuf,
    /// The day the command considers "today".
    pub today: Date,
    /// Replaces the base URL of `ecole.yaml` (the preview's own address).
    pub base_url: Option<String>,
    /// Pages of unchanged files, from the previous load.
    content: ContentCache,
    /// The photos already read (from `.preau/cache/` at the first load).
    photos: Option<Record>,
}

impl Session {
    /// A session on the school at `root`, as of `today`.
    pub fn new(root: &Path, today: Date) -> Session {
        Session {
            root: root.to_path_buf(),
            today,
            base_url: None,
            content: ContentCache::default(),
            photos: None,
        }
    }

    /// Reads and checks the whole school folder, reusing what the previous
    /// load of this session read and did not change.
    pub fn load(&mut self) -> Result<Loaded> {
        let root = self.root.as_path();
        let diags = Diagnostics::new();
        let Some(mut school) = School::load(root, self.today, &diags) else {
            return Ok(Loaded {
                site: None,
                diagnostics: diags.into_sorted(),
            });
        };
        if let Some(url) = &self.base_url {
            school.set_base_url(url);
        }
        let theme = Theme::load(root)?;
        let content = Content::load_cached(root, &school, &diags, &mut self.content);
        check_image_rights(&content, &diags);
        let record = self.photos.get_or_insert_with(|| Record::load(root));
        let (photos, photo_stats) = timed("traitement des photos", || {
            process_photos(root, &school, &content, &diags, record)
        });
        let failed = diags.has_errors();
        let site = Site {
            root: root.to_path_buf(),
            school,
            content,
            theme,
            today: self.today,
            preview: false,
            photos,
            photo_stats,
        };
        Ok(Loaded {
            site: (!failed).then_some(site),
            diagnostics: diags.into_sorted(),
        })
    }

    /// Loads, renders and writes the school into `out`. On any error,
    /// prints nothing itself: the diagnostics are returned inside the error.
    pub fn build(&mut self, out: &Path) -> std::result::Result<BuildReport, BuildError> {
        let start = Instant::now();
        let (site, warnings) = self.load_ready()?;
        self.write(&site, warnings, out, start)
    }

    /// Loads the school when nothing stops its build: the site and its
    /// warnings, else every problem inside the error.
    pub fn load_ready(&mut self) -> std::result::Result<(Site, Vec<Diagnostic>), BuildError> {
        let loaded = timed("lecture de l'école", || self.load()).map_err(BuildError::Other)?;
        loaded.ready().map_err(BuildError::invalid)
    }

    /// Renders, seals and writes a loaded `site` into `out` (a build begun
    /// at `start`, with these warnings).
    pub fn write(
        &self,
        site: &Site,
        warnings: Vec<Diagnostic>,
        out: &Path,
        start: Instant,
    ) -> std::result::Result<BuildReport, BuildError> {
        let root = self.root.as_path();
        let mut cache = timed("lecture du cache de construction", || {
            BuildCache::load(root, out)
        });
        let output = site.publish_with(&mut cache).map_err(BuildError::Other)?;
        let written = timed("écriture du site", || {
            output.write_atomically(out, root, &cache.files)
        })
        .map_err(BuildError::Other)?;
        timed("enregistrement du cache de construction", || {
            cache.record_output(out, written);
            cache.save(root);
        });
        timed("carte de publication (statistiques)", || {
            crate::stats::PublicationMap::of(&output).record(root)
        })
        .map_err(BuildError::Other)?;
        Ok(BuildReport {
            out: out.to_path_buf(),
            pages: output.page_count(),
            sealed_pages: output.sealed_pages,
            bytes: output.total_bytes(),
            photos: site.photo_stats.clone(),
            files: output.files.len(),
            warnings,
            elapsed: start.elapsed(),
            base_url: site.school.base_url.clone(),
        })
    }
}

impl Site {
    /// Reads and checks the whole school folder as of today. `base_url`
    /// replaces the one of `ecole.yaml`.
    pub fn load(root: &Path, base_url: Option<&str>) -> Result<Loaded> {
        let mut session = Session::new(root, dates::today());
        session.base_url = base_url.map(str::to_string);
        session.load()
    }

    /// Renders every page, feed and file into memory, restricted content
    /// in clear (for the preview and for checks; never published as is).
    pub fn render(&self) -> Result<Output> {
        crate::render::render(&self.render_input())
    }

    /// What rendering reads of the site.
    pub fn render_input(&self) -> crate::render::Input<'_> {
        crate::render::Input {
            school: &self.school,
            content: &self.content,
            theme: &self.theme,
            school_root: &self.root,
            today: self.today,
            preview: self.preview,
            photos: &self.photos,
        }
    }

    /// The search indexes alone (the preview adds them after the pages).
    pub fn search_cached(&self, cache: &mut crate::render::RenderCache) -> Output {
        crate::render::search_cached(&self.school, &self.content, self.preview, cache)
    }

    /// Like [`Site::render`], re-rendering only what changed (preview).
    pub fn render_cached(&self, cache: &mut crate::render::RenderCache) -> Result<Output> {
        crate::render::render_cached(&self.render_input(), cache)
    }

    /// Renders the site and seals every restricted audience: what `build`
    /// publishes. Refuses when keys are missing or a secret would leak.
    pub fn publish(&self) -> Result<Output> {
        self.publish_with(&mut BuildCache::default())
    }

    /// Like [`Site::publish`], taking from `cache` the pages, search indexes
    /// and blobs whose data did not change since the previous build, and
    /// leaving there this build's for the next.
    pub fn publish_with(&self, cache: &mut BuildCache) -> Result<Output> {
        let output = timed("rendu des pages", || self.render_cached(&mut cache.render))?;
        let restricted: BTreeSet<Audience> = output
            .files
            .values()
            .map(|f| f.audience.clone())
            .filter(|a| !a.is_public())
            .collect();
        if restricted.is_empty() {
            if output.has_unchanged() {
                // Nothing is sealed, so nothing records what the pages not
                // rendered again became: render them (a public-only site).
                cache.render.forget_built_pages();
                return self.publish_with(cache);
            }
            cache.seals.clear();
            return Ok(output);
        }
        let Some(secrets) = Secrets::load(&self.root)? else {
            bail!(
                "le site a des espaces réservés ({}) mais l'école n'a pas encore de codes d'accès\n  conseil : lancez « preau access generer » pour créer les codes et les lettres aux familles",
                restricted.iter().map(|a| a.id()).collect::<Vec<_>>().join(", ")
            );
        };
        let mut areas = Vec::new();
        for audience in &restricted {
            let Some(index) = bundle::index_blob(audience, &secrets) else {
                bail!(
                    "l'espace « {audience} » n'a pas encore de code d'accès\n  conseil : lancez « preau access generer » : il crée les codes qui manquent sans changer les autres"
                );
            };
            areas.push((audience.clone(), index));
        }
        let shells =
            crate::render::shells(&self.school, &self.theme, &self.content, self.today, &areas)?;
        let sealing = timed("chiffrement des espaces réservés", || {
            bundle::seal(output, &self.school, &secrets, &shells, &cache.seals)
        })?;
        let sealed = match sealing {
            bundle::Sealing::Done(sealed, seals) => {
                cache.seals = seals;
                sealed
            }
            bundle::Sealing::NeedsEveryPage => {
                // The set of restricted files changed (a page added or
                // removed): every page is rendered, and what is sealed from
                // the same bytes as before is still not sealed again.
                log::info!(
                    "pages non rendues sans trace dans le site précédent : toutes sont rendues"
                );
                cache.render.forget_built_pages();
                return self.publish_with(cache);
            }
        };
        timed("recherche de secrets dans le site", || {
            bundle::assert_no_secret(&sealed, &secrets)
        })?;
        Ok(sealed)
    }
}

/// Runs one step of the build and logs its duration (`preau -v build`).
fn timed<T>(step: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let result = f();
    log::info!("{step} : {} ms", start.elapsed().as_millis());
    result
}

/// What a build did, for the one-line summary.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Where the site was written.
    pub out: PathBuf,
    /// Public HTML pages written.
    pub pages: usize,
    /// Pages sealed into restricted areas.
    pub sealed_pages: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Photos processed or taken from the cache.
    pub photos: crate::images::Stats,
    /// Files written.
    pub files: usize,
    /// Warnings found.
    pub warnings: Vec<Diagnostic>,
    /// Wall time.
    pub elapsed: Duration,
    /// The site's base URL.
    pub base_url: String,
}

/// Loads, renders and writes the school at `root` into `out`, as of
/// today (see [`Session::build`]).
pub fn build(root: &Path, out: &Path) -> std::result::Result<BuildReport, BuildError> {
    Session::new(root, dates::today()).build(out)
}

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The school folder has errors (every one is listed).
    #[error("{}", InvalidSchool { errors: errors.len() })]
    Invalid {
        /// The errors.
        errors: Vec<Diagnostic>,
        /// The warnings found alongside.
        warnings: Vec<Diagnostic>,
    },
    /// Anything else (I/O, templates).
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl BuildError {
    /// The school's problems, split into errors and warnings.
    fn invalid(diagnostics: Vec<Diagnostic>) -> BuildError {
        let (errors, warnings) = diagnostics
            .into_iter()
            .partition(|d| d.severity == Severity::Error);
        BuildError::Invalid { errors, warnings }
    }

    /// Every problem of an invalid school, errors and warnings, sorted.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            BuildError::Invalid { errors, warnings } => {
                let mut all: Vec<Diagnostic> = errors.iter().chain(warnings).cloned().collect();
                all.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
                all
            }
            BuildError::Other(_) => Vec::new(),
        }
    }
}
