//! The pages of a version read back from the sealed site: public pages
//! from their files, each area's pages from its decrypted bundle, their
//! images embedded, and while reading, the public photos, links and
//! documents that need a human eye.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use regex::Regex;

use super::context::{PhotoFlag, Points};
use crate::config::Audience;
use crate::html::escape;
use crate::manifest::scope::IEN;
use crate::manifest::sealed::{sealed_refs, Opened};
use crate::manifest::Manifest;

/// The audience an area id names (`classe:cm1`, `familles`, `equipe`).
pub(super) fn audience_of(area: &str) -> Audience {
    match area {
        "public" => Audience::Public,
        "familles" => Audience::Families,
        "equipe" => Audience::Staff,
        c => Audience::Class(c.trim_start_matches("classe:").to_string()),
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

pub(super) fn data_url(name: &str, bytes: &[u8]) -> Option<String> {
    Some(format!("data:{};base64,{}", mime(name)?, B64.encode(bytes)))
}

/// Text of HTML that was escaped (a `<title>`), back to plain text.
pub(super) fn unescape(text: &str) -> String {
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
pub(super) struct RPage {
    /// `public` or the area id.
    pub area: String,
    /// Path (public) or route (area).
    pub key: String,
    /// Plain text.
    pub title: String,
    /// Its HTML, images embedded.
    pub body: String,
    /// The site addresses it may stand at (to follow a page whose area
    /// changed).
    pub addresses: Vec<String>,
    /// Where it is read: its file (public) or its address in the area
    /// (`classes/cm1/#/blog/sortie/`).
    pub shown: String,
}

/// Every page of a version: the public pages of the IEN's scope, then each
/// area's decrypted pages. With `points`, the public photos and the links
/// are gathered there.
pub(super) fn pages(
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
        let title = if title.is_empty() {
            path.clone()
        } else {
            title
        };
        if let Some(points) = points.as_deref_mut() {
            links(&body, &mut points.links, &mut points.documents);
            let rights = image_rights(&body);
            for (photo, image) in photos {
                points.photos.push(PhotoFlag {
                    photo,
                    image,
                    page: path.clone(),
                    title: title.clone(),
                    rights: rights.clone(),
                });
            }
        }
        all.push(RPage {
            area: "public".into(),
            key: path.clone(),
            title,
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
                links(&body, &mut points.links, &mut points.documents);
            }
            all.push(RPage {
                area: id.clone(),
                key: page.route.clone(),
                title: page.title.clone(),
                body,
                addresses: vec![format!("{base}{}", page.route), page.route.clone()],
                shown: format!("{base}#/{}", page.route),
            });
        }
    }
    all
}

/// The text of a page, one line per block, for the changed lines.
pub(super) fn text_of(html: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn titles_come_back_as_plain_text() {
        let (title, body) =
            main_of("<title>L&#39;école &amp; la cour</title><main id=\"c\"><p>x</p></main>");
        assert_eq!(title, "L'école & la cour");
        assert_eq!(body, "<p>x</p>");
    }
}
