//! Every internal link and asset of the built example school resolves, and
//! no emitted HTML, CSS or JS points to another host (links a teacher wrote
//! in content excepted).

use std::collections::BTreeSet;
use std::path::Path;

use super::common::{example_site, files, open_areas, preau, repo, school_copy, text};

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

/// The site path of an audience's area (its id, `classe:cm1`).
fn area_of(audience: &str) -> String {
    preau::layout::area_path(&preau::config::Audience::from_id(audience).expect("an audience id"))
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

/// Issue 13: the search page is a page of the site; a link to it is fine.
#[test]
fn a_link_to_the_search_page_is_not_broken() {
    let (_tmp, school) = school_copy("minimal");
    std::fs::write(
        school.join("pages/chercher.md"),
        "---\ntitre: Chercher\n---\nUtilisez [la recherche](/recherche/) ou [celle-ci](/recherche).\n",
    )
    .unwrap();
    let r = preau(&school, &["check"]);
    let (out, err) = text(&r);
    assert!(r.status.success(), "{out}\n{err}");
    assert!(!err.contains("recherche"), "{err}");
}

/// Issue 13: a teacher's page at an address Préau fills itself (the
/// families' area, the staff's, the sealed files, the manifest) is an
/// error naming the file and the address, never silently replaced.
#[test]
fn a_school_page_may_not_take_a_reserved_address() {
    let (_tmp, school) = school_copy("minimal");
    for name in ["familles", "equipe", "acces", "preau", "recherche"] {
        std::fs::write(
            school.join(format!("pages/{name}.md")),
            "---\ntitre: Une page\n---\nTexte.\n",
        )
        .unwrap();
    }
    let r = preau(&school, &["check"]);
    let (_, err) = text(&r);
    assert!(!r.status.success(), "{err}");
    for name in ["familles", "equipe", "acces", "preau", "recherche"] {
        let found = err.lines().any(|l| {
            l.starts_with(&format!("pages/{name}.md"))
                && l.contains("erreur")
                && l.contains(&format!("« /tilleuls/{name}/ »"))
        });
        assert!(found, "no error for pages/{name}.md:\n{err}");
    }
}

/// Every address of the example school's build belongs to the layout:
/// under a reserved folder, a top-level file Préau writes, or a school
/// page; no school page takes a reserved name; and every address the
/// layout says Préau generates exists (in clear, or as a route of its area).
#[test]
fn every_generated_address_belongs_to_the_layout() {
    use preau::layout;
    let (out, _) = example_site();
    let school_dir = repo().join("example-school");
    let mut pages: BTreeSet<String> = std::fs::read_dir(school_dir.join("pages"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_suffix(".md")
                .map(str::to_string)
        })
        .collect();
    pages.extend(
        preau::content::walk::LEGAL_PAGES
            .iter()
            .map(|p| p.to_string()),
    );
    for page in &pages {
        assert!(layout::reserved(page).is_none(), "page {page} is reserved");
    }
    let all: BTreeSet<String> = files(out).into_iter().collect();
    for file in &all {
        if file == preau::output::MARKER {
            continue;
        }
        match file.split_once('/') {
            None => assert!(
                layout::TOP_FILES.contains(&file.as_str()),
                "{file}: a top-level file the layout does not know"
            ),
            Some((first, _)) => assert!(
                layout::reserved(first).is_some() || pages.contains(first),
                "{file}: neither under a reserved folder nor a school page"
            ),
        }
    }
    let opened = open_areas(out, &school_dir);
    let diags = preau::diagnostic::Diagnostics::new();
    let school = preau::config::School::load(&school_dir, preau::dates::today(), &diags).unwrap();
    let generated = layout::generated(&school);
    assert!(generated.len() > 20);
    for (path, audience) in generated {
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.clone()
        };
        let area = layout::area_path(&audience);
        let in_area = opened.iter().any(|p| {
            p.audience == audience.id() && Some(p.route.as_str()) == path.strip_prefix(&area)
        });
        // Areas with no content have no shell, and calendars are files
        // of their area, not routes.
        let optional = path == area || path.ends_with(".ics");
        assert!(
            all.contains(&file) || in_area || optional,
            "{path} ({audience}) is generated but not in the build"
        );
    }
}

/// Issue 12: sealing rewrites each page's links in one pass, and a cahier
/// day is split into its séances in one pass, so that a page with 20,000
/// links or 20,000 headings builds (the time is measured by hand, not
/// asserted: see the report of the change).
#[test]
fn huge_pages_build() {
    let (tmp, school) = school_copy("minimal");
    let mut links = String::from("---\ntitre: Beaucoup de liens\ndate: 2026-11-02\n---\n");
    let mut public = String::from("---\ntitre: Beaucoup de liens publics\n---\n");
    for i in 0..20_000 {
        let target = match i % 3 {
            0 => "/agenda/",
            1 => "/classes/cm1/cahier/2026-11-20/",
            _ => "@/classes/cm1/blog/sortie/index.md",
        };
        links.push_str(&format!("[lien {i}]({target}) "));
        public.push_str(&format!("[lien {i}]({target}) "));
    }
    std::fs::write(school.join("classes/cm1/blog/liens.md"), links).unwrap();
    std::fs::write(school.join("pages/liens.md"), public).unwrap();
    let mut day = String::from("---\na_faire: []\n---\n");
    for i in 0..20_000 {
        day.push_str(&format!("## Matière {}\nSéance {i}.\n\n", i % 40));
    }
    // (A Tuesday: a cahier day must fall on one of the school's days.)
    std::fs::write(school.join("classes/cm1/cahier/2026-11-24.md"), day).unwrap();
    let out = tmp.path().join("site");
    let r = preau(&school, &["build", ".", "--out", out.to_str().unwrap()]);
    assert!(r.status.success(), "{:?}", text(&r));
    let page = std::fs::read_to_string(out.join("liens/index.html")).unwrap();
    let page = &page[page.find("<main").unwrap()..page.find("</main>").unwrap()];
    assert_eq!(page.matches("href=\"/tilleuls/agenda/\"").count(), 6_667);
    assert_eq!(
        page.matches("href=\"/tilleuls/classes/cm1/\"").count(),
        13_333
    );
    let opened = open_areas(&out, &school);
    let day = opened
        .iter()
        .find(|p| p.route == "cahier/2026-11-24/")
        .expect("the long day is in the class area");
    assert_eq!(day.html.matches("<h2").count(), 20_000);
    let post = opened.iter().find(|p| p.route == "blog/liens/").unwrap();
    assert_eq!(
        post.html
            .matches("href=\"/tilleuls/classes/cm1/#/cahier/2026-11-20/\"")
            .count(),
        6_667
    );
}

/// Two séances of one discipline on a cahier day (each séance is rendered
/// apart), or two headings alike on a page: distinct ids, `francais` then
/// `francais-1`, and a link to the second one resolves (`preau check`
/// passes) and keeps its `#francais-1`.
#[test]
fn two_headings_alike_get_distinct_ids_that_links_reach() {
    let (tmp, school) = school_copy("minimal");
    std::fs::write(
        school.join("classes/cm1/cahier/2026-11-24.md"),
        "---\na_faire: []\n---\n## Français\nLecture ; [voir la dictée](#francais-1).\n\n\
         ## Mathématiques\nFractions.\n\n## Français\nDictée.\n",
    )
    .unwrap();
    std::fs::write(
        school.join("pages/langues.md"),
        "---\ntitre: Les langues\n---\n## Français\nÀ l'école.\n\n## Français\nÀ la maison.\n",
    )
    .unwrap();
    std::fs::write(
        school.join("pages/liens.md"),
        "---\ntitre: Liens\n---\n[Le français à la maison](@/pages/langues.md#francais-1)\n",
    )
    .unwrap();
    let r = preau(&school, &["check", "."]);
    assert!(r.status.success(), "{:?}", text(&r));
    let out = tmp.path().join("site");
    let r = preau(&school, &["build", ".", "--out", out.to_str().unwrap()]);
    assert!(r.status.success(), "{:?}", text(&r));
    let h2_ids = |html: &str| -> Vec<String> {
        html.split("<h2 id=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].to_string())
            .collect()
    };
    let opened = open_areas(&out, &school);
    let day = opened
        .iter()
        .find(|p| p.route == "cahier/2026-11-24/")
        .expect("the day is in the class area");
    assert_eq!(
        h2_ids(&day.html),
        ["francais", "mathematiques", "francais-1"],
        "{}",
        day.html
    );
    assert!(day.html.contains("href=\"#francais-1\""), "{}", day.html);
    let page = std::fs::read_to_string(out.join("langues/index.html")).unwrap();
    let main = &page[page.find("<main").unwrap()..];
    assert_eq!(h2_ids(main)[..2], ["francais", "francais-1"], "{main}");
    let links = std::fs::read_to_string(out.join("liens/index.html")).unwrap();
    assert!(
        links.contains("href=\"/tilleuls/langues/#francais-1\""),
        "{links}"
    );
}
