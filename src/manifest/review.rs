//! The review report rendered from the sealed site itself (see
//! [`super::sealed`]): every page as families will see it, public pages
//! and each area's decrypted pages, with their photos embedded, a table of
//! contents and the points that need a human eye (photos on public pages,
//! external links, documents). `preau submit` and `preau approve` render
//! it from the same bytes, so the IEN's copy is the directeur's, and a
//! report altered in the submission is refused.

use std::collections::BTreeMap;
use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use super::scope::IEN;
use super::sealed::{sealed_refs, Opened};
use super::Manifest;

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn area_fr(id: &str) -> String {
    match id {
        "familles" => "Espace des familles de l'école".into(),
        "equipe" => "Espace de l'équipe".into(),
        c => format!("Espace de la classe {}", c.trim_start_matches("classe:")),
    }
}

fn mime(name: &str) -> Option<&'static str> {
    let ext = name.rsplit('.').next()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        _ => return None,
    })
}

fn data_url(name: &str, bytes: &[u8]) -> Option<String> {
    Some(format!("data:{};base64,{}", mime(name)?, B64.encode(bytes)))
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

/// The inside of `<main …>…</main>`, and the `<title>`.
fn main_of(html: &str) -> (String, String) {
    let title = html
        .find("<title>")
        .and_then(|s| {
            html[s + 7..]
                .find("</title>")
                .map(|e| html[s + 7..s + 7 + e].to_string())
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

/// Replaces every `src="URL"` by the image's bytes (public pages).
fn embed_public(html: &str, site: &Path, manifest: &Manifest, photos: &mut Vec<String>) -> String {
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
            photos.push(f.to_string());
            Some(data)
        });
        out.push_str(&embedded.unwrap_or_else(|| url.to_string()));
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    // srcset would load other widths from the site: the embedded one is enough.
    out.replace(" srcset=\"", " data-srcset=\"")
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
                    &format!("href=\"#\" title=\"document joint : {}\"", esc(name)),
                );
            }
        }
    }
    out
}

fn links(html: &str, external: &mut Vec<String>, documents: &mut Vec<String>) {
    for part in html.split("href=\"").skip(1) {
        let Some(url) = part.split('"').next() else {
            continue;
        };
        if url.starts_with("http://") || url.starts_with("https://") {
            external.push(url.to_string());
        }
        let lower = url.to_ascii_lowercase();
        if [
            ".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".zip",
        ]
        .iter()
        .any(|e| lower.ends_with(e))
        {
            documents.push(url.to_string());
        }
    }
}

/// One page of the report.
struct RPage {
    /// `public` or the area id.
    area: String,
    /// Path (public) or route (area).
    key: String,
    titre: String,
    body: String,
}

/// What needs a human eye.
#[derive(Default)]
struct Flags {
    public_photos: Vec<(String, String)>,
    external: Vec<String>,
    documents: Vec<String>,
}

fn pages(site: &Path, manifest: &Manifest, opened: &Opened, flags: &mut Flags) -> Vec<RPage> {
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
        let mut photos = Vec::new();
        let body = embed_public(&body, site, manifest, &mut photos);
        links(&body, &mut flags.external, &mut flags.documents);
        flags
            .public_photos
            .extend(photos.into_iter().map(|p| (path.clone(), p)));
        all.push(RPage {
            area: "public".into(),
            key: path.clone(),
            titre: if title.is_empty() { esc(path) } else { title },
            body,
        });
    }
    for (id, area) in &opened.areas {
        for page in &area.pages {
            let body = embed_sealed(&page.html, &area.files);
            links(&body, &mut flags.external, &mut flags.documents);
            all.push(RPage {
                area: id.clone(),
                key: page.route.clone(),
                titre: esc(&page.title),
                body,
            });
        }
        if !area.extra.is_empty() {
            let mut body = String::from("<p>Ces fichiers chiffrés ne sont montrés par aucune page (autres tailles des photos, agenda des devoirs) ; les voici tels qu'ils sont.</p><ul>");
            for (name, bytes) in area.extra.values() {
                match data_url(name, bytes) {
                    Some(data) => body.push_str(&format!(
                        "<li><img src=\"{data}\" alt=\"{}\" loading=\"lazy\"></li>",
                        esc(name)
                    )),
                    None => body.push_str(&format!(
                        "<li><code>{}</code> ({} octets)</li>",
                        esc(name),
                        bytes.len()
                    )),
                }
            }
            body.push_str("</ul>");
            all.push(RPage {
                area: id.clone(),
                key: "(fichiers sans page)".into(),
                titre: "Autres fichiers de l'espace".into(),
                body,
            });
        }
    }
    all
}

fn area_label(area: &str) -> String {
    if area == "public" {
        "Pages publiques".into()
    } else {
        area_fr(area)
    }
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

/// A page's HTML made to sit inside the report: its headings start at
/// `top`, its landmarks become plain blocks (the report has its own), its
/// ids are made unique with `prefix`, an empty table header becomes a cell.
fn fit(body: &str, top: usize, prefix: &str) -> String {
    use std::sync::OnceLock;
    static HEADING: OnceLock<regex::Regex> = OnceLock::new();
    static LANDMARK: OnceLock<regex::Regex> = OnceLock::new();
    static EMPTY_TH: OnceLock<regex::Regex> = OnceLock::new();
    let heading = HEADING.get_or_init(|| regex::Regex::new(r"<(/?)h([1-6])\b").expect("regex"));
    let landmark = LANDMARK.get_or_init(|| {
        regex::Regex::new(r"<(/?)(nav|section|aside|header|footer|main)\b").expect("regex")
    });
    let empty_th =
        EMPTY_TH.get_or_init(|| regex::Regex::new(r"<th([^>]*)>\s*</th>").expect("regex"));
    let lowest = heading
        .captures_iter(body)
        .filter_map(|c| c[2].parse::<usize>().ok())
        .min()
        .unwrap_or(top);
    let out = heading.replace_all(body, |c: &regex::Captures| {
        let level: usize = c[2].parse().unwrap_or(lowest);
        format!("<{}h{}", &c[1], (level + top - lowest).min(6))
    });
    let out = landmark.replace_all(&out, "<${1}div");
    static DIV_LABEL: OnceLock<regex::Regex> = OnceLock::new();
    let div_label = DIV_LABEL.get_or_init(|| {
        regex::Regex::new(r#"<div([^>]*?) aria-label(ledby)?="[^"]*""#).expect("regex")
    });
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

fn article(p: &RPage, heading: &str, extra: &str, level: usize, n: usize) -> String {
    format!(
        "<article><h{level}>{heading}{}</h{level}><p class=\"chemin\">{} — <code>{}</code></p>{extra}<div class=\"page\">{}</div></article>\n",
        p.titre,
        esc(&area_label(&p.area)),
        esc(&p.key),
        fit(&p.body, level + 1, &format!("p{n}"))
    )
}

/// The report (HTML, in French), from the site and its decrypted areas;
/// with `previous` (the last approved version, read with the same keys),
/// what changed comes first.
pub fn render(
    site: &Path,
    manifest: &Manifest,
    opened: &Opened,
    previous: Option<(u64, &Path, &Manifest, &Opened)>,
) -> String {
    let mut flags = Flags::default();
    let now = pages(site, manifest, opened, &mut flags);
    let mut toc = String::new();
    let mut changes = String::new();
    let mut shown: std::collections::BTreeSet<(String, String)> = Default::default();
    if let Some((v, psite, pmanifest, popened)) = previous {
        let before = pages(psite, pmanifest, popened, &mut Flags::default());
        let old: BTreeMap<(String, String), &RPage> = before
            .iter()
            .map(|p| ((p.area.clone(), p.key.clone()), p))
            .collect();
        let mut new_items = String::new();
        let mut changed = String::new();
        let mut counts = (0, 0, 0);
        for (n, p) in now.iter().enumerate() {
            let k = (p.area.clone(), p.key.clone());
            match old.get(&k) {
                None => {
                    counts.0 += 1;
                    new_items.push_str(&article(p, "Nouveau : ", "", 3, n));
                    shown.insert(k);
                }
                Some(o) if o.body != p.body || o.titre != p.titre => {
                    counts.1 += 1;
                    let (a, b) = (text_of(&o.body), text_of(&p.body));
                    let diff = similar::TextDiff::from_lines(&a, &b);
                    let mut lines = String::new();
                    for c in diff.iter_all_changes() {
                        let line = esc(c.value().trim_end());
                        match c.tag() {
                            similar::ChangeTag::Delete => {
                                lines.push_str(&format!("<del>− {line}</del>\n"))
                            }
                            similar::ChangeTag::Insert => {
                                lines.push_str(&format!("<ins>+ {line}</ins>\n"))
                            }
                            similar::ChangeTag::Equal => {}
                        }
                    }
                    changed.push_str(&article(
                        p,
                        "Modifié : ",
                        &format!("<p><strong>Lignes changées</strong></p><pre class=\"diff\">{lines}</pre><p><strong>La page telle que les familles la verront</strong></p>"),
                        3,
                        n,
                    ));
                    shown.insert(k);
                }
                Some(_) => {}
            }
        }
        let now_keys: std::collections::BTreeSet<(String, String)> = now
            .iter()
            .map(|p| (p.area.clone(), p.key.clone()))
            .collect();
        let mut removed = String::new();
        for p in &before {
            if !now_keys.contains(&(p.area.clone(), p.key.clone())) {
                counts.2 += 1;
                removed.push_str(&format!(
                    "<li>Retiré : {} — {} (<code>{}</code>)</li>",
                    p.titre,
                    esc(&area_label(&p.area)),
                    esc(&p.key)
                ));
            }
        }
        toc.push_str(&format!("<li><a href=\"#changements\">Ce qui a changé depuis la version {v} approuvée : {} nouveauté(s), {} modification(s), {} retrait(s)</a></li>", counts.0, counts.1, counts.2));
        changes = format!(
            "<section id=\"changements\" aria-labelledby=\"t-changements\"><h2 id=\"t-changements\">Ce qui a changé depuis la version {v} approuvée</h2>\n{new_items}{changed}{}</section>\n",
            if removed.is_empty() { String::new() } else { format!("<h3>Pages retirées</h3><ul>{removed}</ul>") }
        );
    }
    flags.external.sort();
    flags.external.dedup();
    flags.documents.sort();
    flags.documents.dedup();
    let list = |items: Vec<String>| {
        if items.is_empty() {
            "<p>Aucun.</p>".to_string()
        } else {
            format!(
                "<ul>{}</ul>",
                items
                    .iter()
                    .map(|i| format!("<li>{i}</li>"))
                    .collect::<String>()
            )
        }
    };
    let flag_html = format!(
        "<section id=\"points\" aria-labelledby=\"t-points\"><h2 id=\"t-points\">Points à regarder</h2>\
<h3>Photos sur des pages publiques ({})</h3><p>Vérifiez que chaque personne reconnaissable a donné son droit à l'image.</p>{}\
<h3>Liens vers d'autres sites ({})</h3>{}\
<h3>Documents ({})</h3>{}</section>\n",
        flags.public_photos.len(),
        list(flags.public_photos.iter().map(|(page, photo)| format!("<code>{}</code> sur la page <code>{}</code>", esc(photo), esc(page))).collect()),
        flags.external.len(),
        list(flags.external.iter().map(|u| format!("<code>{}</code>", esc(u))).collect()),
        flags.documents.len(),
        list(flags.documents.iter().map(|u| format!("<code>{}</code>", esc(u))).collect()),
    );
    toc.push_str("<li><a href=\"#points\">Points à regarder</a></li>");
    // Everything, by area; with a previous version, what did not change
    // is folded away.
    let mut all = String::from(
        "<section id=\"tout\" aria-labelledby=\"t-tout\"><h2 id=\"t-tout\">Tout le contenu</h2>\n",
    );
    let mut areas: Vec<&str> = now.iter().map(|p| p.area.as_str()).collect();
    areas.dedup();
    let mut sub = String::new();
    for area in areas {
        let anchor = format!("espace-{}", area.replace(':', "-"));
        let items: Vec<(usize, &RPage)> = now
            .iter()
            .enumerate()
            .filter(|(_, p)| p.area == area)
            .collect();
        sub.push_str(&format!(
            "<li><a href=\"#{anchor}\">{} ({} pages)</a></li>",
            esc(&area_label(area)),
            items.len()
        ));
        all.push_str(&format!(
            "<h3 id=\"{anchor}\">{}</h3>\n",
            esc(&area_label(area))
        ));
        for (n, p) in items {
            let k = (p.area.clone(), p.key.clone());
            if previous.is_some() {
                if shown.contains(&k) {
                    continue;
                }
                all.push_str(&format!(
                    "<details><summary>{} (inchangé) — <code>{}</code></summary><div class=\"page\">{}</div></details>\n",
                    p.titre,
                    esc(&p.key),
                    fit(&p.body, 4, &format!("c{n}"))
                ));
            } else {
                all.push_str(&article(p, "", "", 4, n));
            }
        }
    }
    all.push_str("</section>\n");
    toc.push_str(&format!(
        "<li><a href=\"#tout\">L'ensemble du site, espace par espace</a><ul>{sub}</ul></li>"
    ));
    let built = chrono::NaiveDateTime::parse_from_str(&manifest.built_at, "%Y-%m-%dT%H:%M:%SZ")
        .map(|t| crate::dates::Date(t.date()).long_fr())
        .unwrap_or_else(|_| esc(&manifest.built_at));
    format!(
        "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Rapport de relecture — {ecole} — version {v}</title>\
<style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:auto;padding:1rem;line-height:1.5;color:#1a1a1a;background:#fff}}\
article,details{{border:1px solid #767676;border-radius:.4rem;padding:.5rem 1rem;margin:1rem 0}}.chemin{{color:#404040;font-size:.9rem}}\
img{{max-width:100%;height:auto}}code{{word-break:break-all}}ins{{color:#005a00;text-decoration:none}}del{{color:#8b0000}}pre.diff{{white-space:pre-wrap}}</style></head>\
<body><header><h1>Rapport de relecture — {ecole}</h1><p>Version {v}, construite le {built}. Ce rapport, rendu du site scellé lui-même, contient les espaces réservés en clair : il n'est jamais publié.</p></header>\
<main><nav aria-label=\"Sommaire\"><h2>Sommaire</h2><ul>{toc}</ul></nav>\n{changes}{flag_html}{all}</main></body></html>\n",
        ecole = esc(&manifest.school),
        v = manifest.version,
    )
}

/// The areas' content keys of a school (`cles.json` of a submission) and
/// the report of the site built in `out`, read back through those keys.
pub fn for_submission(
    dir: &Path,
    out: &Path,
    manifest: &Manifest,
) -> anyhow::Result<(String, Vec<u8>)> {
    let secrets = crate::access::secrets::Secrets::load(dir)?;
    let mut file = super::sealed::KeyFile::default();
    for (id, k) in secrets.iter().flat_map(|s| s.audiences.iter()) {
        file.content.insert(id.clone(), k.content_key.clone());
        file.names.insert(id.clone(), k.nonce_key.clone());
    }
    let bytes = serde_json::to_vec_pretty(&file).expect("keys serialize");
    let keys = super::sealed::parse_keys(&bytes).map_err(|e| anyhow::anyhow!(e))?;
    let opened = super::sealed::open_all(out, manifest, &keys).map_err(|problems| {
        anyhow::anyhow!(
            "le site construit ne se relit pas avec ses propres clés :\n  - {}",
            problems.join("\n  - ")
        )
    })?;
    Ok((render(out, manifest, &opened, None), bytes))
}
