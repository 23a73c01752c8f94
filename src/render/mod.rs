//! Rendering the site model into files: Tera templates (compiled once,
//! rendered in parallel), feeds, and the theme's static files.

mod facts;
mod feeds;
mod filters;
mod lazy;
pub mod security;
pub mod standalone;
mod views;
mod webapp;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, Result};
use rayon::prelude::*;
use serde_json::Value;
use tera::Tera;

use crate::config::{Audience, School};
use crate::content::Content;
use crate::dates::Date;
use crate::images::Photo;
use crate::layout;
use crate::output::cache::{fingerprint, hasher_of};
use crate::output::{Output, RenderedPage};
use crate::theme::Theme;

pub use facts::page_facts;
pub use filters::file_size;
pub use lazy::{KeptPages, LazyPages};
use views::context::Frame;

/// The theme's templates, compiled once per theme: the last compiled
/// theme is kept, so that the pages and the areas' shells of one build
/// share one compilation.
fn compiled(theme: &Theme) -> Result<Arc<Tera>> {
    let print = theme_fingerprint(theme);
    let mut last = LAST_COMPILED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((p, tera)) = &*last {
        if *p == print {
            return Ok(tera.clone());
        }
    }
    let tera = Arc::new(compile(theme)?);
    *last = Some((print, tera.clone()));
    Ok(tera)
}

/// The last compiled theme: its fingerprint and templates.
static LAST_COMPILED: std::sync::Mutex<Option<(u64, Arc<Tera>)>> = std::sync::Mutex::new(None);

/// Fingerprint of the theme's templates (names and text).
fn theme_fingerprint(theme: &Theme) -> u64 {
    fingerprint(
        &theme
            .templates
            .iter()
            .flat_map(|(n, t)| [n.as_bytes(), t.as_bytes()])
            .collect::<Vec<_>>(),
    )
}

/// An engine with Préau's escaping, filters and functions, and no template.
fn engine() -> Tera {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(crate::html::escape);
    filters::register(&mut tera);
    tera.register_function("csp", |_: &HashMap<String, Value>| Ok(security::CSP.into()));
    tera
}

/// An engine holding the one template `name`.
fn compile_one(name: &str, source: &str) -> Result<Tera> {
    let mut tera = engine();
    tera.add_raw_template(name, source)
        .map_err(|e| anyhow!("gabarit invalide : {}", chain(&e)))?;
    Ok(tera)
}

/// Compiles the theme's templates; errors name the template file.
fn compile(theme: &Theme) -> Result<Tera> {
    let mut tera = engine();
    let templates: Vec<(&str, &str)> = theme
        .templates
        .iter()
        .map(|(n, s)| (n.as_str(), s.as_str()))
        .collect();
    tera.add_raw_templates(templates)
        .map_err(|e| anyhow!("gabarit invalide : {}", chain(&e)))?;
    Ok(tera)
}

/// Every message of a Tera error chain, joined (the report uses it too).
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(" : ")
}

/// The public shell of each restricted area: the page at the area's
/// address that asks for the code. `areas` gives each area's index blob
/// (site path). Nothing of the area's content is in it.
pub fn shells(
    school: &School,
    theme: &Theme,
    content: &Content,
    today: Date,
    areas: &[(Audience, String)],
) -> Result<BTreeMap<Audience, Vec<u8>>> {
    let tera = compiled(theme)?;
    let site = serde_json::to_value(views::context::site(school, content, today))?;
    let mut shells = BTreeMap::new();
    for (audience, path, shell) in views::shell_contexts(school, areas) {
        let frame = Frame {
            path: &path,
            restricted: false,
            audience_label: views::audience_label(school, &audience),
            audience_name: views::audience_name(school, &audience),
            preview: false,
        };
        let ctx = context(serde_json::to_value(&shell)?, &frame, &site)?;
        let html = tera
            .render("shell.html", &ctx)
            .map_err(|e| anyhow!("rendu de l'espace « {audience} » : {}", chain(&e)))?;
        security::check_page(&layout::index_file(&path), &html)?;
        shells.insert(audience, html.into_bytes());
    }
    Ok(shells)
}

/// The Tera context of a page: its own `page` context (an object), the
/// keys of its `frame`, and `site`.
fn context(page: Value, frame: &Frame, site: &Value) -> Result<tera::Context> {
    let mut map = match page {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    if let Value::Object(keys) = serde_json::to_value(frame)? {
        map.extend(keys);
    }
    map.insert("site".into(), site.clone());
    Ok(tera::Context::from_value(Value::Object(map))?)
}

/// What a render reads: the loaded school, as of a day.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    /// `ecole.yaml` and the classes.
    pub school: &'a School,
    /// Pages, events, documents and assets.
    pub content: &'a Content,
    /// Templates and static files.
    pub theme: &'a Theme,
    /// The school folder (assets and documents are copied from it).
    pub school_root: &'a Path,
    /// The day the site is built for.
    pub today: Date,
    /// True for `preau serve`.
    pub preview: bool,
    /// The processed photos, by site path of their original.
    pub photos: &'a BTreeMap<String, Photo>,
}

/// Renders the whole site into an [`Output`].
pub fn render(input: &Input) -> Result<Output> {
    render_cached(input, &mut RenderCache::default())
}

/// Fingerprints of what a build made, by the fingerprint of its path.
type Prints = HashMap<u64, u64>;

/// One MiniSearch index per audience: the public one split under
/// `recherche/` (named by `recherche/index.json`; compressed unless
/// previewing), restricted ones whole at `recherche/<audience>.json`
/// (sealed later with their area). Built in parallel; an audience whose
/// documents did not change keeps its files from the cache. For a build
/// (`built`: the previous build's fingerprints, and this one's), a
/// restricted index whose documents did not change is not made at all
/// (see [`Data::Unchanged`](crate::output::Data::Unchanged)).
fn search_indexes(
    school: &School,
    content: &Content,
    preview: bool,
    cache: &mut HashMap<Audience, (u64, SearchFiles)>,
    built: Option<(&Prints, &mut Prints)>,
    output: &mut Output,
) {
    let base = &school.base_path;
    let link = |page: &crate::content::Page| crate::search::link(base, page);
    let class_name = |id: &str| {
        let class = school.class_list.iter().find(|c| c.id == id)?;
        Some(class.name.clone())
    };
    let audiences: Vec<_> = crate::search::documents(content, &link, &class_name)
        .into_iter()
        .collect();
    let previous = &*cache;
    let (before, mut now) = match built {
        Some((before, now)) => (Some(before), Some(now)),
        None => (None, None),
    };
    let made: Vec<(Audience, u64, Option<SearchFiles>)> = audiences
        .into_par_iter()
        .map(|(audience, docs)| {
            let print = fingerprint_with_json(&[&[preview as u8]], &docs);
            if !audience.is_public() {
                let path = layout::restricted_search_index(&audience);
                if before.and_then(|b| b.get(&fingerprint(&[path.as_bytes()]))) == Some(&print) {
                    return (audience, print, None);
                }
            }
            if let Some((p, files)) = previous.get(&audience) {
                if *p == print {
                    return (audience, print, Some(files.clone()));
                }
            }
            let files = if audience.is_public() {
                crate::search::public_files(&docs, !preview)
            } else {
                let json = crate::search::index_json(&docs);
                vec![(layout::restricted_search_index(&audience), json)]
            };
            let files: SearchFiles = files
                .into_iter()
                .map(|(path, bytes)| (path, Arc::new(bytes)))
                .collect();
            (audience, print, Some(files))
        })
        .collect();
    cache.clear();
    for (audience, print, files) in made {
        if !audience.is_public() {
            if let Some(now) = now.as_deref_mut() {
                // What the sealing step keys the index's blob by.
                let path = layout::restricted_search_index(&audience);
                now.insert(fingerprint(&[path.as_bytes()]), print);
                let facts = RenderedPage {
                    print,
                    ..RenderedPage::default()
                };
                output.pages.insert(path, facts);
            }
        }
        let Some(files) = files else {
            output.unchanged(layout::restricted_search_index(&audience), audience);
            continue;
        };
        for (path, bytes) in &files {
            output.add_shared(path.clone(), audience.clone(), bytes.clone());
        }
        // A build keeps no restricted index in memory (nor on disk).
        if now.is_none() || audience.is_public() {
            cache.insert(audience, (print, files));
        }
    }
}

/// The search indexes alone, reusing those of unchanged audiences.
pub fn search_cached(
    school: &School,
    content: &Content,
    preview: bool,
    cache: &mut RenderCache,
) -> Output {
    let mut output = Output::default();
    search_indexes(
        school,
        content,
        preview,
        &mut cache.search,
        None,
        &mut output,
    );
    output
}

pub use layout::is_search_index;

/// The files of one audience's search index: (path, bytes), shared
/// between the cache and the outputs.
type SearchFiles = Vec<(String, Arc<Vec<u8>>)>;

/// A rendered page: path, audience, its bytes (`None`: unchanged since the
/// previous build, not rendered again), what it holds.
type Rendered = (String, Audience, Option<Arc<Vec<u8>>>, RenderedPage);

/// What the preview server keeps between two renders: the compiled
/// templates while the theme is unchanged, and each page and each
/// audience's search index with the fingerprint of the data it was made from.
#[derive(Default)]
pub struct RenderCache {
    theme: u64,
    tera: Option<Arc<Tera>>,
    pages: HashMap<String, (u64, Arc<Vec<u8>>, RenderedPage)>,
    search: HashMap<Audience, (u64, SearchFiles)>,
    /// The preview's pages rendered on request (see [`LazyPages`]).
    on_request: KeptPages,
    /// Leave the search indexes out of [`render_cached`]: the preview serves
    /// the pages first, then adds them with [`search_cached`].
    pub defer_search: bool,
    /// For `build` only: the fingerprint of each page's data in the
    /// previous build, by the fingerprint of its path (the record names no
    /// restricted page), and no bytes. A page whose data did not change is
    /// not rendered again: it comes out as
    /// [`Data::Unchanged`](crate::output::Data::Unchanged), and the steps
    /// after rendering take what they made of it from the previous build.
    pub built: Option<Prints>,
}

impl RenderCache {
    /// The cache of a build (see [`RenderCache::built`]).
    pub fn for_build() -> RenderCache {
        RenderCache {
            built: Some(HashMap::new()),
            ..RenderCache::default()
        }
    }

    /// Writes what the next build reuses (see [`crate::output::cache`]):
    /// the theme's fingerprint, each page's data fingerprint and the public
    /// search index. Nothing a restricted page says: not its address, not
    /// its title, not its area's search index (rebuilt each time, and not
    /// sealed again when it did not change).
    pub fn encode(&self, w: &mut crate::output::cache::Writer) {
        w.u64(self.theme);
        let built = self.built.as_ref();
        w.u64(built.map_or(0, HashMap::len) as u64);
        for (path, print) in built.into_iter().flatten() {
            w.u64(*path);
            w.u64(*print);
        }
        let public: Vec<_> = self.search.iter().filter(|(a, _)| a.is_public()).collect();
        w.u64(public.len() as u64);
        for (audience, (print, files)) in public {
            w.str(&audience.id());
            w.u64(*print);
            w.u64(files.len() as u64);
            for (path, bytes) in files {
                w.str(path);
                w.bytes(bytes);
            }
        }
    }

    /// Reads what [`RenderCache::encode`] wrote (a build's cache); `None`
    /// on bad data.
    pub fn decode(r: &mut crate::output::cache::Reader) -> Option<RenderCache> {
        let mut cache = RenderCache {
            theme: r.u64()?,
            ..RenderCache::for_build()
        };
        let built = cache.built.get_or_insert_with(HashMap::new);
        for _ in 0..r.u64()? {
            let (path, print) = (r.u64()?, r.u64()?);
            built.insert(path, print);
        }
        for _ in 0..r.u64()? {
            let audience = Audience::from_id(r.str()?)?;
            let print = r.u64()?;
            let mut files = Vec::new();
            for _ in 0..r.u64()? {
                files.push((r.str()?.to_string(), Arc::new(r.bytes()?.to_vec())));
            }
            cache.search.insert(audience, (print, files));
        }
        Some(cache)
    }

    /// Forgets the pages of the previous build: the next render renders
    /// every page.
    pub fn forget_built_pages(&mut self) {
        if let Some(built) = &mut self.built {
            built.clear();
        }
    }
}

/// Like [`fingerprint`], followed by the JSON of `data`, streamed into the
/// hasher rather than written out (large contexts, thousands of pages).
fn fingerprint_with_json(parts: &[&[u8]], data: &impl serde::Serialize) -> u64 {
    use std::hash::Hasher;
    struct Feed(std::collections::hash_map::DefaultHasher);
    impl std::io::Write for Feed {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut feed = Feed(hasher_of(parts));
    // Serializing a Value into memory cannot fail; an error only ends the feed early.
    let _ = serde_json::to_writer(&mut feed, data);
    feed.0.finish()
}

/// Like [`render`], re-rendering only the pages whose data changed.
pub fn render_cached(input: &Input, cache: &mut RenderCache) -> Result<Output> {
    let Input {
        school,
        content,
        theme,
        today,
        preview,
        ..
    } = *input;
    let theme_print = theme_fingerprint(theme);
    if cache.theme != theme_print {
        cache.theme = theme_print;
        cache.tera = None;
        cache.pages.clear();
    }
    let start = std::time::Instant::now();
    if cache.tera.is_none() {
        cache.tera = Some(compiled(theme)?);
        log::debug!("gabarits compilés en {} ms", start.elapsed().as_millis());
    }
    let tera = cache.tera.clone().expect("compiled above");
    let (site, site_print) = site_context(input)?;
    log::debug!("données du site en {} ms", start.elapsed().as_millis());
    let mut output = Output::default();
    let start = std::time::Instant::now();
    let previous = &cache.pages;
    let built = cache.built.as_ref();
    let render_job = |job: views::Job| -> Result<Rendered> {
        let print = page_print(&site_print, preview, &job);
        if built.and_then(|b| b.get(&fingerprint(&[job.path.as_bytes()]))) == Some(&print) {
            // Not read again either: only its fingerprint is needed.
            let facts = RenderedPage {
                print,
                ..RenderedPage::default()
            };
            return Ok((job.path, job.audience, None, facts));
        }
        if let Some((p, bytes, facts)) = previous.get(&job.path) {
            if *p == print {
                return Ok((job.path, job.audience, Some(bytes.clone()), facts.clone()));
            }
        }
        let (path, audience) = (job.path.clone(), job.audience.clone());
        let (bytes, facts) = render_page(&tera, input, &site, print, job)?;
        Ok((path, audience, Some(bytes), facts))
    };
    // The school's pages, then each class's: the views (large JSON
    // contexts) of one group at a time are in memory, not every page's.
    let mut rendered: Vec<Result<Rendered>> = Vec::new();
    let mut prepared = std::time::Duration::ZERO;
    for group in 0..=school.class_list.len() {
        let start = std::time::Instant::now();
        let jobs = match group.checked_sub(1) {
            None => views::school_jobs(school, content, today),
            Some(i) => views::class_jobs(school, content, &school.class_list[i], today),
        };
        prepared += start.elapsed();
        rendered.par_extend(jobs.into_par_iter().map(render_job));
    }
    log::debug!(
        "vues préparées : {} pages en {} ms",
        rendered.len(),
        prepared.as_millis()
    );
    let rendered: Vec<Rendered> = rendered.into_iter().collect::<Result<_>>()?;
    let reused = rendered
        .iter()
        .filter(|(path, _, bytes, _)| match bytes {
            None => true,
            Some(bytes) => previous
                .get(path)
                .is_some_and(|(_, old, _)| Arc::ptr_eq(old, bytes)),
        })
        .count();
    log::info!(
        "pages : {} rendue(s), {reused} reprise(s) du cache",
        rendered.len() - reused
    );
    let mut pages = HashMap::new();
    let mut now_built = HashMap::new();
    for (path, audience, bytes, facts) in rendered {
        match bytes {
            Some(bytes) => {
                output.add_shared(path.clone(), audience, bytes.clone());
                if cache.built.is_none() {
                    pages.insert(path.clone(), (facts.print, bytes, facts.clone()));
                }
            }
            None => output.unchanged(path.clone(), audience),
        }
        if cache.built.is_some() {
            now_built.insert(fingerprint(&[path.as_bytes()]), facts.print);
        }
        output.pages.insert(path, facts);
    }
    cache.pages = pages;

    log::debug!("pages rendues en {} ms", start.elapsed().as_millis());
    let start = std::time::Instant::now();
    views::feeds(school, content, today, &mut output);
    if !cache.defer_search {
        let built = cache.built.as_ref().map(|b| (b, &mut now_built));
        search_indexes(
            school,
            content,
            preview,
            &mut cache.search,
            built,
            &mut output,
        );
    }
    if let Some(built) = &mut cache.built {
        *built = now_built;
    }
    log::debug!(
        "flux et index de recherche en {} ms",
        start.elapsed().as_millis()
    );

    other_files(input, &mut output);
    Ok(output)
}

/// The site context shared by every page (as JSON) and its fingerprint,
/// with the photos' (hashed once, not once a page: it is large on a large
/// school).
fn site_context(input: &Input) -> Result<(Value, [u8; 8])> {
    let site = serde_json::to_value(views::context::site(
        input.school,
        input.content,
        input.today,
    ))?;
    let print = fingerprint(&[
        &serde_json::to_vec(&site).unwrap_or_default(),
        &serde_json::to_vec(input.photos).unwrap_or_default(),
    ])
    .to_le_bytes();
    Ok((site, print))
}

/// The fingerprint of what a page is made from: the site's, the page's
/// address, template, audience and own context.
fn page_print(site_print: &[u8; 8], preview: bool, job: &views::Job) -> u64 {
    fingerprint_with_json(
        &[
            site_print,
            job.path.as_bytes(),
            job.template.as_bytes(),
            job.audience.id().as_bytes(),
            &[preview as u8],
        ],
        &job.context,
    )
}

/// Renders one page: its bytes, and what it holds.
fn render_page(
    tera: &Tera,
    input: &Input,
    site: &Value,
    print: u64,
    job: views::Job,
) -> Result<(Arc<Vec<u8>>, RenderedPage)> {
    let school = input.school;
    let frame = Frame {
        path: layout::address_of(&job.path),
        restricted: !job.audience.is_public(),
        audience_label: views::audience_label(school, &job.audience),
        audience_name: views::audience_name(school, &job.audience),
        preview: input.preview,
    };
    // The page's own data is moved, not copied; only `site` is cloned.
    let ctx = context(job.context, &frame, site)?;
    let html = tera.render(&job.template, &ctx).map_err(|e| {
        anyhow!(
            "rendu de « {} » avec le gabarit « {} » : {}",
            job.path,
            job.template,
            chain(&e)
        )
    })?;
    let html = crate::images::rewrite_html(&html, &school.base_path, input.photos);
    security::check_page(&job.path, &html)?;
    let facts = RenderedPage {
        print,
        ..page_facts(&html)
    };
    Ok((Arc::new(html.into_bytes()), facts))
}

/// Every file that is not a page, feed or search index: photos' copies,
/// other assets, documents, the theme's static files, the web manifest.
fn other_files(input: &Input, output: &mut Output) {
    let Input {
        theme,
        content,
        school,
        school_root,
        preview,
        photos,
        ..
    } = *input;
    for asset in &content.assets {
        match photos.get(&asset.path) {
            // A photo: its resized copies, never the original.
            Some(photo) => {
                for v in &photo.variants {
                    output.copy(v.path.clone(), asset.audience.clone(), v.cached.clone());
                }
            }
            None => output.copy(
                asset.path.clone(),
                asset.audience.clone(),
                school_root.join(&asset.source),
            ),
        }
    }
    for doc in &content.documents {
        output.copy(
            doc.path.clone(),
            doc.audience.clone(),
            school_root.join(&doc.source),
        );
    }
    for (name, data) in &theme.statics {
        if name == layout::SERVICE_WORKER {
            // At the top, for its scope; not in the preview, where a
            // worker kept by the browser would outlive the session.
            if !preview {
                output.add(layout::SERVICE_WORKER, Audience::Public, data.to_vec());
            }
            continue;
        }
        output.add(layout::static_file(name), Audience::Public, data.to_vec());
    }
    output.add(
        layout::WEB_MANIFEST,
        Audience::Public,
        webapp::manifest(school),
    );
    if let Some(css) = webapp::colours_stylesheet(school) {
        output.add(layout::COLOURS_STYLESHEET, Audience::Public, css);
    }
    if !preview {
        output.add(
            security::HTACCESS,
            Audience::Public,
            security::htaccess().into_bytes(),
        );
    }
}
