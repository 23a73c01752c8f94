//! The review report rendered from the sealed site itself (see
//! [`super::sealed`]): every page as families will see it, public pages
//! and each area's decrypted pages, with their photos embedded, a table of
//! contents and the points that need a human eye (photos on public pages
//! with their image-rights statement, pages whose readers changed,
//! external links, documents). The page is the theme's `rapport.html`
//! (a school may override it); this module gathers the facts. `preau
//! submit` and `preau approve` render it from the same bytes, so the
//! IEN's copy is the directeur's, and a report altered in the submission
//! is refused.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use anyhow::{anyhow, Context, Result};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use regex::Regex;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::report::Summary;
use super::scope::IEN;
use super::sealed::{sealed_refs, Opened};
use super::Manifest;
use crate::config::Audience;
use crate::html::escape;
use crate::theme::Theme;

/// The theme's template of the report.
pub const TEMPLATE: &str = "rapport.html";

/// Stands for the policy until the `<style>` blocks it allows are known.
const CSP_SLOT: &str = "preau-politique-du-rapport";

/// A rendered report and what it found changed.
pub struct Report {
    /// The HTML document (never published).
    pub html: String,
    /// What changed since the previous approved version, when known.
    pub summary: Summary,
}

/// The audience an area id names (`classe:cm1`, `familles`, `equipe`).
fn audience_of(area: &str) -> Audience {
    match area {
        "public" => Audience::Public,
        "familles" => Audience::Families,
        "equipe" => Audience::Staff,
        c => Audience::Class(c.trim_start_matches("classe:").to_string()),
    }
}

/// Who reads an area, in French.
fn area_label(area: &str) -> String {
    match audience_of(area) {
        Audience::Public => "Pages publiques".into(),
        Audience::Families => "Espace des familles de l'école".into(),
        Audience::Staff => "Espace de l'équipe".into(),
        Audience::Class(c) => format!("Espace de la classe {c}"),
    }
}

/// Who reads an area, inside a sentence.
fn readers(area: &str) -> String {
    match audience_of(area) {
        Audience::Public => "tout le monde (page publique)".into(),
        Audience::Families => "les familles de toute l'école".into(),
        Audience::Staff => "l'équipe".into(),
        Audience::Class(c) => format!("les familles de la classe {c}"),
    }
}

fn mime(name: &str) -> Option<&'static str> {
    let ext = name.rsplit('.').next()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "avif" => "image/avif",
        _ => return None,
    })
}

fn data_url(name: &str, bytes: &[u8]) -> Option<String> {
    Some(format!("data:{};base64,{}", mime(name)?, B64.encode(bytes)))
}

/// Text of HTML that was escaped (a `<title>`), back to plain text.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The file of the site a URL of a page points to (its longest suffix
/// that is a file of the manifest).
fn local_file<'a>(manifest: &'a Manifest, url: &str) -> Option<&'a str> {
    let path = url.split(['#', '?']).next()?;
    let mut rest = path.trim_start_matches('/');
    loop {
        if let Some((k, _)) = manifest.files.get_key_value(rest) {
            return Some(k.as_str());
        }
        rest = rest.split_once('/')?.1;
    }
}

/// The inside of `<main …>…</main>`, and the `<title>` (plain text).
fn main_of(html: &str) -> (String, String) {
    let title = html
        .find("<title>")
        .and_then(|s| {
            html[s + 7..]
                .find("</title>")
                .map(|e| unescape(&html[s + 7..s + 7 + e]))
        })
        .unwrap_or_default();
    let body = match (html.find("<main"), html.rfind("</main>")) {
        (Some(s), Some(e)) if s < e => {
            let start = html[s..].find('>').map(|g| s + g + 1).unwrap_or(s);
            html[start..e].to_string()
        }
        _ => String::new(),
    };
    (title, body)
}

/// Replaces every `src="URL"` of a public page by the image's bytes, and
/// returns the photos it embedded (site paths, data URLs).
fn embed_public(html: &str, site: &Path, manifest: &Manifest) -> (String, Vec<(String, String)>) {
    let mut photos = Vec::new();
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(" src=\"") {
        let start = i + 6;
        let Some(len) = rest[start..].find('"') else {
            break;
        };
        let url = &rest[start..start + len];
        out.push_str(&rest[..start]);
        let embedded = local_file(manifest, url).and_then(|f| {
            let bytes = std::fs::read(site.join(f)).ok()?;
            let data = data_url(f, &bytes)?;
            photos.push((f.to_string(), data.clone()));
            Some(data)
        });
        out.push_str(&embedded.unwrap_or_else(|| url.to_string()));
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    // srcset would load other widths from the site: the embedded one is enough.
    (out.replace(" srcset=\"", " data-srcset=\""), photos)
}

/// Replaces the sealed references of an area page by the decrypted bytes.
fn embed_sealed(html: &str, files: &BTreeMap<String, (String, Vec<u8>)>) -> String {
    let mut out = html.to_string();
    for (url, _, _) in sealed_refs(html) {
        let path = match url.find("acces/") {
            Some(i) => &url[i..],
            None => continue,
        };
        if let Some((name, bytes)) = files.get(path) {
            if let Some(data) = data_url(name, bytes) {
                out = out.replace(
                    &format!("data-chiffre-src=\"{url}\""),
                    &format!("src=\"{data}\""),
                );
            } else {
                out = out.replace(
                    &format!("href=\"#\" data-chiffre-href=\"{url}\""),
                    &format!("href=\"#\" title=\"document joint : {}\"", escape(name)),
                );
            }
        }
    }
    out
}

/// The page's own statement about image rights (the default theme writes
/// it in `<p class="droit-image">` when the page says `droit_image: true`).
fn image_rights(html: &str) -> Option<String> {
    static RIGHTS: OnceLock<Regex> = OnceLock::new();
    let re = RIGHTS.get_or_init(|| {
        Regex::new(r#"(?s)<p class="droit-image\b[^"]*"[^>]*>(.*?)</p>"#).expect("regex")
    });
    let inner = re.captures(html)?.get(1)?.as_str();
    let text = unescape(text_of(inner).trim()).replace('\n', " ");
    (!text.is_empty()).then_some(text)
}

fn links(html: &str, external: &mut BTreeSet<String>, documents: &mut BTreeSet<String>) {
    for part in html.split("href=\"").skip(1) {
        let Some(url) = part.split('"').next() else {
            continue;
        };
        if url.starts_with("http://") || url.starts_with("https://") {
            external.insert(unescape(url));
        }
        let lower = url.to_ascii_lowercase();
        if [
            ".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".zip",
        ]
        .iter()
        .any(|e| lower.ends_with(e))
        {
            documents.insert(unescape(url));
        }
    }
}

/// One page of the report, as read from the site.
struct RPage {
    /// `public` or the area id.
    area: String,
    /// Path (public) or route (area).
    key: String,
    /// Plain text.
    titre: String,
    /// Its HTML, images embedded.
    body: String,
    /// The site addresses it may stand at (to follow a page whose area
    /// changed).
    addresses: Vec<String>,
    /// Where it is read: its file (public) or its address in the area
    /// (`classes/cm1/#/blog/sortie/`).
    shown: String,
}

/// A photo on a public page.
#[derive(Serialize)]
struct PhotoFlag {
    /// Site path of the photo.
    photo: String,
    /// Its bytes, as a data URL.
    image: String,
    /// The page that shows it.
    page: String,
    titre: String,
    /// The page's image-rights statement, if it has one.
    mention: Option<String>,
}

/// A page whose readers changed since the last approved version.
#[derive(Serialize)]
struct AudienceFlag {
    titre: String,
    cle: String,
    avant: String,
    apres: String,
}

/// What needs a human eye.
#[derive(Serialize, Default)]
struct Points {
    photos: Vec<PhotoFlag>,
    audiences: Vec<AudienceFlag>,
    liens: BTreeSet<String>,
    documents: BTreeSet<String>,
}

/// A changed line of a page's text.
#[derive(Serialize)]
struct Line {
    ajout: bool,
    texte: String,
}

/// A page as the template shows it.
#[derive(Serialize)]
struct PageView {
    titre: String,
    espace: String,
    cle: String,
    /// Its HTML fitted into the report (headings, ids).
    html: String,
    /// Changed lines (modified pages).
    lignes: Vec<Line>,
    /// Who could read it before, when that changed.
    avant: Option<String>,
    /// Who reads it now.
    lecteurs: String,
    /// Unchanged since the last approved version.
    inchange: bool,
    /// Shown folded (an area's page in a first version: the IEN opens
    /// what it wants to read, the table of contents stays short).
    plie: bool,
}

/// A page removed since the last approved version.
#[derive(Serialize)]
struct Removed {
    titre: String,
    espace: String,
    cle: String,
}

#[derive(Serialize)]
struct Changes {
    nouvelles: Vec<PageView>,
    modifiees: Vec<PageView>,
    retirees: Vec<Removed>,
}

/// A file of an area no page shows.
#[derive(Serialize)]
struct ExtraFile {
    nom: String,
    image: Option<String>,
    taille: usize,
}

#[derive(Serialize)]
struct AreaView {
    ancre: String,
    nom: String,
    pages: Vec<PageView>,
    fichiers: Vec<ExtraFile>,
}

#[derive(Serialize)]
struct ReportContext {
    ecole: String,
    version: u64,
    construit_le: String,
    csp: &'static str,
    style: String,
    depuis: Option<u64>,
    changements: Option<Changes>,
    points: Points,
    espaces: Vec<AreaView>,
}

/// Every page of a version: the public pages of the IEN's scope, then each
/// area's decrypted pages. With `points`, the public photos and the links
/// are gathered there.
fn pages(
    site: &Path,
    manifest: &Manifest,
    opened: &Opened,
    mut points: Option<&mut Points>,
) -> Vec<RPage> {
    let mut all = Vec::new();
    for (path, entry) in &manifest.files {
        if !path.ends_with(".html") || entry.scope.as_deref().is_some_and(|p| p != IEN) {
            continue;
        }
        let Ok(html) = std::fs::read_to_string(site.join(path)) else {
            continue;
        };
        let (title, body) = main_of(&html);
        if body.trim().is_empty() {
            continue;
        }
        let (body, photos) = embed_public(&body, site, manifest);
        let titre = if title.is_empty() {
            path.clone()
        } else {
            title
        };
        if let Some(points) = points.as_deref_mut() {
            links(&body, &mut points.liens, &mut points.documents);
            let mention = image_rights(&body);
            for (photo, image) in photos {
                points.photos.push(PhotoFlag {
                    photo,
                    image,
                    page: path.clone(),
                    titre: titre.clone(),
                    mention: mention.clone(),
                });
            }
        }
        all.push(RPage {
            area: "public".into(),
            key: path.clone(),
            titre,
            body,
            addresses: vec![crate::layout::address_of(path).to_string()],
            shown: path.clone(),
        });
    }
    for (id, area) in &opened.areas {
        let base = crate::layout::area_path(&audience_of(id));
        for page in &area.pages {
            let body = embed_sealed(&page.html, &area.files);
            if let Some(points) = points.as_deref_mut() {
                links(&body, &mut points.liens, &mut points.documents);
            }
            all.push(RPage {
                area: id.clone(),
                key: page.route.clone(),
                titre: page.title.clone(),
                body,
                addresses: vec![format!("{base}{}", page.route), page.route.clone()],
                shown: format!("{base}#/{}", page.route),
            });
        }
    }
    all
}

/// The text of a page, one line per block, for the changed lines.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push('\n');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The lines added and removed between two versions of a page.
fn changed_lines(old: &RPage, new: &RPage) -> Vec<Line> {
    let (a, b) = (text_of(&old.body), text_of(&new.body));
    let mut lines = Vec::new();
    if old.titre != new.titre {
        lines.push(Line {
            ajout: false,
            texte: format!("Titre : {}", old.titre),
        });
        lines.push(Line {
            ajout: true,
            texte: format!("Titre : {}", new.titre),
        });
    }
    for c in similar::TextDiff::from_lines(&a, &b).iter_all_changes() {
        let texte = unescape(c.value().trim_end());
        match c.tag() {
            similar::ChangeTag::Delete => lines.push(Line {
                ajout: false,
                texte,
            }),
            similar::ChangeTag::Insert => lines.push(Line { ajout: true, texte }),
            similar::ChangeTag::Equal => {}
        }
    }
    lines
}

/// A page's HTML made to sit inside the report: its headings start at
/// `top`, its landmarks become plain blocks (the report has its own), its
/// ids are made unique with `prefix`, an empty table header becomes a cell.
fn fit(body: &str, top: usize, prefix: &str) -> String {
    static HEADING: OnceLock<Regex> = OnceLock::new();
    static LANDMARK: OnceLock<Regex> = OnceLock::new();
    static EMPTY_TH: OnceLock<Regex> = OnceLock::new();
    static DIV_LABEL: OnceLock<Regex> = OnceLock::new();
    static SCRIPT: OnceLock<Regex> = OnceLock::new();
    let script =
        SCRIPT.get_or_init(|| Regex::new(r"(?is)<script\b.*?</script\s*>").expect("regex"));
    let heading = HEADING.get_or_init(|| Regex::new(r"<(/?)h([1-6])\b").expect("regex"));
    let landmark = LANDMARK.get_or_init(|| {
        Regex::new(r"<(/?)(nav|section|aside|header|footer|main)\b").expect("regex")
    });
    let empty_th = EMPTY_TH.get_or_init(|| Regex::new(r"<th([^>]*)>\s*</th>").expect("regex"));
    let div_label = DIV_LABEL
        .get_or_init(|| Regex::new(r#"<div([^>]*?) aria-label(ledby)?="[^"]*""#).expect("regex"));
    let lowest = heading
        .captures_iter(body)
        .filter_map(|c| c[2].parse::<usize>().ok())
        .min()
        .unwrap_or(top);
    let out = heading.replace_all(body, |c: &regex::Captures| {
        let level: usize = c[2].parse().unwrap_or(lowest);
        format!("<{}h{}", &c[1], (level + top - lowest).min(6))
    });
    // The report runs no script (its policy would refuse it anyway).
    let out = script.replace_all(&out, "");
    let out = landmark.replace_all(&out, "<${1}div");
    let out = div_label.replace_all(&out, "<div${1}");
    let out = empty_th.replace_all(&out, "<td${1}></td>");
    out.replace(" id=\"", &format!(" id=\"{prefix}-"))
        .replace(
            " aria-labelledby=\"",
            &format!(" aria-labelledby=\"{prefix}-"),
        )
        .replace(
            " aria-describedby=\"",
            &format!(" aria-describedby=\"{prefix}-"),
        )
        .replace(" for=\"", &format!(" for=\"{prefix}-"))
        .replace(" href=\"#", &format!(" href=\"#{prefix}-"))
}

fn view(p: &RPage, html: String) -> PageView {
    PageView {
        titre: p.titre.clone(),
        espace: area_label(&p.area),
        cle: p.shown.clone(),
        html,
        lignes: Vec::new(),
        avant: None,
        lecteurs: readers(&p.area),
        inchange: false,
        plie: false,
    }
}

fn summary_key(p: &RPage) -> String {
    format!("{} — {}", area_label(&p.area), p.shown)
}

type Key = (String, String);

fn key(p: &RPage) -> Key {
    (p.area.clone(), p.key.clone())
}

/// What changed since `before`: the changes section, and the pages found
/// unchanged. A page found at the same address in another area is one
/// page whose readers changed, not one removed and one new.
fn compare(
    now: &[RPage],
    before: &[RPage],
    points: &mut Points,
    summary: &mut Summary,
) -> (Changes, BTreeSet<Key>) {
    let old: BTreeMap<Key, &RPage> = before.iter().map(|p| (key(p), p)).collect();
    let mut at: BTreeMap<&str, &RPage> = BTreeMap::new();
    for p in before {
        for a in &p.addresses {
            at.entry(a.as_str()).or_insert(p);
        }
    }
    let mut changes = Changes {
        nouvelles: Vec::new(),
        modifiees: Vec::new(),
        retirees: Vec::new(),
    };
    let now_keys: BTreeSet<Key> = now.iter().map(key).collect();
    let mut unchanged = BTreeSet::new();
    let mut moved = BTreeSet::new();
    for (n, p) in now.iter().enumerate() {
        let html = || fit(&p.body, 4, &format!("p{n}"));
        match old.get(&key(p)) {
            Some(o) if o.body == p.body && o.titre == p.titre => {
                unchanged.insert(key(p));
            }
            Some(o) => {
                summary.modifiees.push(summary_key(p));
                changes.modifiees.push(PageView {
                    lignes: changed_lines(o, p),
                    ..view(p, html())
                });
            }
            None => {
                let from = p
                    .addresses
                    .iter()
                    .filter_map(|a| at.get(a.as_str()))
                    .find(|o| o.area != p.area && !now_keys.contains(&key(o)));
                match from {
                    Some(o) => {
                        moved.insert(key(o));
                        summary.modifiees.push(summary_key(p));
                        summary.audiences.push(summary_key(p));
                        points.audiences.push(AudienceFlag {
                            titre: p.titre.clone(),
                            cle: p.shown.clone(),
                            avant: readers(&o.area),
                            apres: readers(&p.area),
                        });
                        changes.modifiees.push(PageView {
                            lignes: changed_lines(o, p),
                            avant: Some(readers(&o.area)),
                            ..view(p, html())
                        });
                    }
                    None => {
                        summary.nouvelles.push(summary_key(p));
                        changes.nouvelles.push(view(p, html()));
                    }
                }
            }
        }
    }
    for p in before {
        if !now_keys.contains(&key(p)) && !moved.contains(&key(p)) {
            summary.supprimees.push(summary_key(p));
            changes.retirees.push(Removed {
                titre: p.titre.clone(),
                espace: area_label(&p.area),
                cle: p.shown.clone(),
            });
        }
    }
    (changes, unchanged)
}

/// Every area's pages for the "everything" section.
fn areas(now: &[RPage], opened: &Opened, unchanged: Option<&BTreeSet<Key>>) -> Vec<AreaView> {
    let mut out: Vec<AreaView> = Vec::new();
    for (n, p) in now.iter().enumerate() {
        if out.last().is_none_or(|a| a.ancre != anchor(&p.area)) {
            out.push(AreaView {
                ancre: anchor(&p.area),
                nom: area_label(&p.area),
                pages: Vec::new(),
                fichiers: extra_files(opened, &p.area),
            });
        }
        let page = match unchanged {
            None if p.area == "public" => view(p, fit(&p.body, 5, &format!("c{n}"))),
            None => PageView {
                plie: true,
                ..view(p, fit(&p.body, 4, &format!("c{n}")))
            },
            Some(same) if same.contains(&key(p)) => PageView {
                inchange: true,
                ..view(p, fit(&p.body, 4, &format!("c{n}")))
            },
            // Shown with the changes.
            Some(_) => view(p, String::new()),
        };
        out.last_mut().expect("pushed").pages.push(page);
    }
    // An area whose files no page shows still has them read.
    for id in opened.areas.keys() {
        if !out.iter().any(|a| a.ancre == anchor(id)) {
            let fichiers = extra_files(opened, id);
            if !fichiers.is_empty() {
                out.push(AreaView {
                    ancre: anchor(id),
                    nom: area_label(id),
                    pages: Vec::new(),
                    fichiers,
                });
            }
        }
    }
    out
}

fn anchor(area: &str) -> String {
    format!("espace-{}", area.replace(':', "-"))
}

fn extra_files(opened: &Opened, area: &str) -> Vec<ExtraFile> {
    opened
        .areas
        .get(area)
        .map(|a| {
            a.extra
                .values()
                .map(|(nom, bytes)| ExtraFile {
                    nom: nom.clone(),
                    image: data_url(nom, bytes),
                    taille: bytes.len(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The report's own policy: nothing but its embedded images and its own
/// `<style>` blocks (by hash), no script, no request.
fn policy(html: &str) -> String {
    let mut styles = String::new();
    let mut rest = html;
    while let Some(s) = rest.find("<style>") {
        let from = s + "<style>".len();
        let Some(len) = rest[from..].find("</style>") else {
            break;
        };
        let hash = B64.encode(Sha256::digest(&rest.as_bytes()[from..from + len]));
        styles.push_str(&format!(" 'sha256-{hash}'"));
        rest = &rest[from + len..];
    }
    format!(
        "default-src 'none'; img-src data:; style-src{styles}; base-uri 'none'; form-action 'none'"
    )
}

/// Every message of an error chain, joined.
fn chain(err: &dyn std::error::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(" : ")
}

/// The report (HTML, in French) of the site in `site` and its decrypted
/// areas, with the theme's `rapport.html`; with `previous` (the last
/// approved version, read with the same keys), what changed comes first.
pub fn render(
    theme: &Theme,
    site: &Path,
    manifest: &Manifest,
    opened: &Opened,
    previous: Option<(u64, &Path, &Manifest, &Opened)>,
) -> Result<Report> {
    let mut points = Points::default();
    let now = pages(site, manifest, opened, Some(&mut points));
    let mut summary = Summary {
        version: manifest.version,
        depuis: previous.map(|p| p.0),
        total: now.len(),
        ..Summary::default()
    };
    let (changements, unchanged) = match previous {
        Some((_, psite, pmanifest, popened)) => {
            let before = pages(psite, pmanifest, popened, None);
            let (c, u) = compare(&now, &before, &mut points, &mut summary);
            (Some(c), Some(u))
        }
        None => (None, None),
    };
    let construit_le =
        chrono::NaiveDateTime::parse_from_str(&manifest.built_at, "%Y-%m-%dT%H:%M:%SZ")
            .map(|t| crate::dates::Date(t.date()).long_fr())
            .unwrap_or_else(|_| manifest.built_at.clone());
    let style = theme
        .statics
        .get("style.css")
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .unwrap_or_default();
    let context = ReportContext {
        ecole: manifest.school.clone(),
        version: manifest.version,
        construit_le,
        csp: CSP_SLOT,
        style,
        depuis: summary.depuis,
        espaces: areas(&now, opened, unchanged.as_ref()),
        changements,
        points,
    };
    let source = theme.templates.get(TEMPLATE).ok_or_else(|| {
        anyhow!("le gabarit « {TEMPLATE} » du rapport de relecture manque au thème")
    })?;
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(escape);
    tera.add_raw_template(TEMPLATE, source).map_err(|e| {
        anyhow!(
            "gabarit « theme/templates/{TEMPLATE} » invalide : {}",
            chain(&e)
        )
    })?;
    let context = tera::Context::from_serialize(&context).context("contexte du rapport")?;
    let html = tera
        .render(TEMPLATE, &context)
        .map_err(|e| anyhow!("gabarit « theme/templates/{TEMPLATE} » : {}", chain(&e)))?;
    let html = html.replacen(CSP_SLOT, &policy(&html), 1);
    Ok(Report { html, summary })
}

/// The areas' content keys of a school (`cles.json` of a submission) and
/// the report of the site built in `out`, read back through those keys,
/// with the school's theme.
pub fn for_submission(dir: &Path, out: &Path, manifest: &Manifest) -> Result<(String, Vec<u8>)> {
    let (bytes, keys) = super::sealed::school_keys(dir)?;
    let opened = super::sealed::open_all(out, manifest, &keys).map_err(|problems| {
        anyhow!(
            "le site construit ne se relit pas avec ses propres clés :\n  - {}",
            problems.join("\n  - ")
        )
    })?;
    let theme = Theme::load(dir)?;
    Ok((render(&theme, out, manifest, &opened, None)?.html, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_fits_in_the_report_without_its_scripts_and_landmarks() {
        let body = r##"<h1 id="t">Titre</h1><nav aria-label="Onglets"><a href="#t">x</a></nav><script src="/static/acces.js" defer></script><h2>Sous-titre</h2>"##;
        let out = fit(body, 4, "p1");
        assert_eq!(
            out,
            r##"<h4 id="p1-t">Titre</h4><div><a href="#p1-t">x</a></div><h5>Sous-titre</h5>"##
        );
    }

    #[test]
    fn the_image_rights_statement_is_read_from_the_page() {
        let html = "<p>Texte</p><p class=\"droit-image discret\">Droit à l&#39;image : accord\n des familles.</p>";
        assert_eq!(
            image_rights(html).as_deref(),
            Some("Droit à l'image : accord des familles.")
        );
        assert_eq!(image_rights("<p class=\"date\">x</p>"), None);
    }

    #[test]
    fn the_policy_allows_exactly_the_report_s_own_styles() {
        let html = "<style>a{}</style><p>x</p><style>b{}</style>";
        let csp = policy(html);
        let hash = |s: &str| B64.encode(Sha256::digest(s.as_bytes()));
        assert_eq!(
            csp,
            format!(
                "default-src 'none'; img-src data:; style-src 'sha256-{}' 'sha256-{}'; base-uri 'none'; form-action 'none'",
                hash("a{}"),
                hash("b{}")
            )
        );
    }

    #[test]
    fn titles_come_back_as_plain_text() {
        let (title, body) =
            main_of("<title>L&#39;école &amp; la cour</title><main id=\"c\"><p>x</p></main>");
        assert_eq!(title, "L'école & la cour");
        assert_eq!(body, "<p>x</p>");
    }
}
