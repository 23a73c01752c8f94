//! The orchestrator: load the school, render it, write it. Each step is a
//! call into the stage that does the work; this file only says the order.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Result};

use crate::access::{bundle, Secrets};
use crate::config::{Audience, School};

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
    /// How many photos were processed or taken from the cache.
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
    let kept: BTreeSet<&PathBuf> = sources.values().collect();
    record.retain(|path| kept.contains(&path.to_path_buf()));
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
fn check_image_rights(content: &Content, diags: &Diagnostics) {
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

impl Site {
    /// Reads and checks the whole school folder. `base_url` replaces the
    /// one of `ecole.yaml` (the preview server uses its own address).
    pub fn load(root: &Path, base_url: Option<&str>) -> Result<Loaded> {
        Site::load_cached(
            root,
            base_url,
            &mut ContentCache::default(),
            &Record::load(root),
        )
    }

    /// Like [`Site::load`], reusing the pages of unchanged files and the
    /// record of the photos already read (preview).
    pub fn load_cached(
        root: &Path,
        base_url: Option<&str>,
        cache: &mut ContentCache,
        record: &Record,
    ) -> Result<Loaded> {
        let diags = Diagnostics::new();
        let Some(mut school) = School::load(root, &diags) else {
            return Ok(Loaded {
                site: None,
                diagnostics: diags.into_sorted(),
            });
        };
        if let Some(url) = base_url {
            school.set_base_url(url);
        }
        let theme = Theme::load(root)?;
        let content = Content::load_cached(root, &school, &diags, cache);
        check_image_rights(&content, &diags);
        let (photos, photo_stats) = timed("traitement des photos", || {
            process_photos(root, &school, &content, &diags, record)
        });
        let failed = diags.has_errors();
        let site = Site {
            root: root.to_path_buf(),
            school,
            content,
            theme,
            today: dates::today(),
            preview: false,
            photos,
            photo_stats,
        };
        Ok(Loaded {
            site: (!failed).then_some(site),
            diagnostics: diags.into_sorted(),
        })
    }

    /// Renders every page, feed and file into memory, restricted content
    /// in clear (for the preview and for checks; never published as is).
    pub fn render(&self) -> Result<Output> {
        crate::render::render(
            &self.school,
            &self.content,
            &self.theme,
            &self.root,
            self.today,
            self.preview,
            &self.photos,
        )
    }

    /// The search indexes alone (the preview adds them after the pages).
    pub fn search_cached(&self, cache: &mut crate::render::RenderCache) -> Output {
        crate::render::search_cached(&self.school, &self.content, self.preview, cache)
    }

    /// Like [`Site::render`], re-rendering only what changed (preview).
    pub fn render_cached(&self, cache: &mut crate::render::RenderCache) -> Result<Output> {
        crate::render::render_cached(
            &self.school,
            &self.content,
            &self.theme,
            &self.root,
            self.today,
            self.preview,
            &self.photos,
            cache,
        )
    }

    /// Renders the site and seals every restricted audience: what `build`
    /// publishes. Refuses when keys are missing or a secret would leak.
    pub fn publish(&self) -> Result<Output> {
        let output = timed("rendu des pages", || self.render())?;
        let restricted: BTreeSet<Audience> = output
            .files
            .values()
            .map(|f| f.audience.clone())
            .filter(|a| !a.is_public())
            .collect();
        if restricted.is_empty() {
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
        let sealed = timed("chiffrement des espaces réservés", || {
            bundle::seal(output, &self.school, &secrets, &shells)
        })?;
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

/// Loads, renders and writes the school at `root` into `out`. On any error,
/// prints nothing itself: the diagnostics are returned inside the error.
pub fn build(root: &Path, out: &Path) -> std::result::Result<BuildReport, BuildError> {
    let start = Instant::now();
    let loaded =
        timed("lecture de l'école", || Site::load(root, None)).map_err(BuildError::Other)?;
    let (errors, warnings): (Vec<_>, Vec<_>) = loaded
        .diagnostics
        .into_iter()
        .partition(|d| d.severity == Severity::Error);
    let Some(site) = loaded.site.filter(|_| errors.is_empty()) else {
        return Err(BuildError::Invalid { errors, warnings });
    };
    let output = site.publish().map_err(BuildError::Other)?;
    timed("écriture du site", || output.write_atomically(out, root)).map_err(BuildError::Other)?;
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
