//! Every internal link and asset of the built example school resolves, and
//! no emitted HTML, CSS or JS points to another host (links a teacher wrote
//! in content excepted).

use std::collections::BTreeSet;
use std::path::Path;

use super::common::{example_site, files, open_areas, repo};

/// Values of `href="…"`, `src="…"` and CSS `url(…)` in a text.
fn references(text: &str) -> Vec<String> {
    let mut refs = Vec::new();
    for attr in [
        "href=\"",
        "src=\"",
        "srcset=\"",
        "data-chiffre-src=\"",
        "data-chiffre-href=\"",
    ] {
        let mut rest = text;
        while let Some(i) = rest.find(attr) {
            let standalone = i > 0 && rest.as_bytes()[i - 1].is_ascii_whitespace();
            rest = &rest[i + attr.len()..];
            if !standalone {
                continue;
            }
            let end = rest.find('"').unwrap_or(rest.len());
            let value = &rest[..end];
            if attr == "srcset=\"" {
                refs.extend(
                    value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .map(str::to_string),
                );
            } else {
                refs.push(value.to_string());
            }
        }
    }
    let mut rest = text;
    while let Some(i) = rest.find("url(") {
        rest = &rest[i + 4..];
        let end = rest.find(')').unwrap_or(rest.len());
        refs.push(rest[..end].trim_matches(['"', '\'']).to_string());
    }
    refs.into_iter().map(|r| r.replace("&amp;", "&")).collect()
}

fn decode(path: &str) -> String {
    preau::slug::percent_decode(path)
}

#[test]
fn every_internal_link_and_asset_resolves() {
    let (out, base) = example_site();
    let all: BTreeSet<String> = files(out).into_iter().collect();
    let opened = open_areas(out, &repo().join("example-school"));
    let routes: BTreeSet<(String, String)> = opened
        .iter()
        .map(|p| (area_of(&p.audience), p.route.clone()))
        .collect();
    // Public pages and styles, then every page of every area once opened.
    let mut documents: Vec<(String, String)> = all
        .iter()
        .filter(|f| f.ends_with(".html") || f.ends_with(".css"))
        .map(|f| (f.clone(), std::fs::read_to_string(out.join(f)).unwrap()))
        .collect();
    documents.extend(
        opened
            .iter()
            .map(|p| (format!("{}#/{}", p.audience, p.route), p.html.clone())),
    );
    let mut broken = Vec::new();
    let mut checked = 0;
    for (name, text) in &documents {
        for r in references(text) {
            if r.starts_with("http://")
                || r.starts_with("https://")
                || r.starts_with("mailto:")
                || r.starts_with("tel:")
                || r.starts_with('#')
                || r.starts_with("data:")
            {
                continue;
            }
            let Some(rel) = r
                .strip_prefix(base.as_str())
                .or((r == base.trim_end_matches('/')).then_some(""))
            else {
                broken.push(format!("{name}: « {r} » is not under the base path {base}"));
                continue;
            };
            checked += 1;
            // The manifest and its signatures exist once a version is
            // submitted and approved; the footer links to them (hidden
            // until the IEN's signature is there).
            if rel.starts_with("preau/manifeste.json") {
                continue;
            }
            // A route inside an area: the area's index must have it.
            if let Some((area, route)) = rel.split_once("#/") {
                if !routes.contains(&(area.to_string(), decode(route))) {
                    broken.push(format!("{name}: route « {r} »"));
                }
                continue;
            }
            let rel = decode(rel.split(['#', '?']).next().unwrap());
            let target = if rel.is_empty() || rel.ends_with('/') {
                format!("{rel}index.html")
            } else {
                rel.clone()
            };
            if !all.contains(&target) {
                broken.push(format!("{name}: « {r} »"));
            }
        }
    }
    assert!(
        checked > 1000,
        "too few links checked ({checked}): is the example school complete?"
    );
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

/// The site path of an audience's area.
fn area_of(audience: &str) -> String {
    match audience {
        "familles" => "familles/".into(),
        "equipe" => "equipe/".into(),
        c => format!("classes/{}/", c.trim_start_matches("classe:")),
    }
}

/// External URLs written by teachers in the school's markdown and YAML.
fn content_urls(school: &Path) -> BTreeSet<String> {
    let mut urls = BTreeSet::new();
    for entry in walkdir::WalkDir::new(school)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let name = entry.file_name().to_string_lossy();
        if !(name.ends_with(".md") || name.ends_with(".yaml")) {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for scheme in ["https://", "http://"] {
            let mut rest = text.as_str();
            while let Some(i) = rest.find(scheme) {
                rest = &rest[i..];
                let end = rest
                    .find(|c: char| c.is_whitespace() || ")>]\"'".contains(c))
                    .unwrap_or(rest.len());
                urls.insert(rest[..end].trim_end_matches(['.', ',', ';']).to_string());
                rest = &rest[end..];
            }
        }
    }
    urls
}

#[test]
fn no_request_to_another_host() {
    let (out, _) = example_site();
    // Links written in content: the school's, and the starter legal pages'.
    let mut allowed = content_urls(&repo().join("example-school"));
    allowed.extend(content_urls(&repo().join("content")));
    let mut offenders = Vec::new();
    for file in files(out)
        .into_iter()
        .filter(|f| f.ends_with(".html") || f.ends_with(".css") || f.ends_with(".js"))
    {
        let text = std::fs::read_to_string(out.join(&file)).unwrap();
        for r in references(&text) {
            let external =
                r.starts_with("http://") || r.starts_with("https://") || r.starts_with("//");
            if external && !allowed.contains(&r) {
                offenders.push(format!("{file}: {r}"));
            }
        }
        // Scripts, images, styles and frames never come from elsewhere, even from content.
        for tag in [
            "<script src=\"http",
            "<img src=\"http",
            "<link rel=\"stylesheet\" href=\"http",
            "<iframe",
            "@import",
        ] {
            if text.contains(tag) {
                offenders.push(format!("{file}: {tag}"));
            }
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
fn reference_scanner_finds_all_forms() {
    let refs = references("<a href=\"/a/\"><img src=\"/b.jpg\" srcset=\"/c.jpg 1x, /d.jpg 2x\" data-chiffre-src=\"/f.bin\"> body{background:url('/e.png')}");
    assert_eq!(
        refs,
        vec!["/a/", "/b.jpg", "/c.jpg", "/d.jpg", "/f.bin", "/e.png"]
    );
}
