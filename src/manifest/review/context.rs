//! What `rapport.html` reads: typed context values in the theme's
//! vocabulary (English keys, French words), and the sections built from
//! the pages read back from the site (every area's pages, fitted into the
//! report).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use super::diff::{key, Key};
use super::pages::{audience_of, data_url, RPage};
use crate::config::Audience;
use crate::manifest::sealed::Opened;

/// Who reads an area, in French.
pub(super) fn area_label(area: &str) -> String {
    match audience_of(area) {
        Audience::Public => "Pages publiques".into(),
        Audience::Families => "Espace des familles de l'école".into(),
        Audience::Staff => "Espace de l'équipe".into(),
        Audience::Class(c) => format!("Espace de la classe {c}"),
    }
}

/// Who reads an area, inside a sentence.
pub(super) fn readers(area: &str) -> String {
    match audience_of(area) {
        Audience::Public => "tout le monde (page publique)".into(),
        Audience::Families => "les familles de toute l'école".into(),
        Audience::Staff => "l'équipe".into(),
        Audience::Class(c) => format!("les familles de la classe {c}"),
    }
}

/// A photo on a public page.
#[derive(Serialize)]
pub(super) struct PhotoFlag {
    /// Site path of the photo.
    pub photo: String,
    /// Its bytes, as a data URL.
    pub image: String,
    /// The page that shows it.
    pub page: String,
    pub title: String,
    /// The page's image-rights statement, if it has one.
    pub rights: Option<String>,
}

/// A page whose readers changed since the last approved version.
#[derive(Serialize)]
pub(super) struct AudienceFlag {
    pub title: String,
    pub key: String,
    pub before: String,
    pub after: String,
}

/// What needs a human eye.
#[derive(Serialize, Default)]
pub(super) struct Points {
    pub photos: Vec<PhotoFlag>,
    pub audiences: Vec<AudienceFlag>,
    pub links: BTreeSet<String>,
    pub documents: BTreeSet<String>,
}

/// A changed line of a page's text.
#[derive(Serialize)]
pub(super) struct Line {
    /// Added (else removed).
    pub added: bool,
    pub text: String,
}

/// A page as the template shows it.
#[derive(Serialize)]
pub(super) struct PageView {
    pub title: String,
    /// Its area, in French.
    pub area: String,
    /// Where it is read.
    pub key: String,
    /// Its HTML fitted into the report (headings, ids).
    pub html: String,
    /// Changed lines (modified pages).
    pub lines: Vec<Line>,
    /// Who could read it before, when that changed.
    pub before: Option<String>,
    /// Who reads it now.
    pub readers: String,
    /// Unchanged since the last approved version.
    pub unchanged: bool,
    /// Shown folded (an area's page in a first version: the IEN opens
    /// what it wants to read, the table of contents stays short).
    pub folded: bool,
}

/// A page removed since the last approved version.
#[derive(Serialize)]
pub(super) struct Removed {
    pub title: String,
    pub area: String,
    pub key: String,
}

#[derive(Serialize)]
pub(super) struct Changes {
    pub added: Vec<PageView>,
    pub modified: Vec<PageView>,
    pub removed: Vec<Removed>,
}

/// A file of an area no page shows.
#[derive(Serialize)]
pub(super) struct ExtraFile {
    pub name: String,
    pub image: Option<String>,
    pub size: usize,
}

#[derive(Serialize)]
pub(super) struct AreaView {
    pub anchor: String,
    pub name: String,
    pub pages: Vec<PageView>,
    pub files: Vec<ExtraFile>,
}

#[derive(Serialize)]
pub(super) struct ReportContext {
    pub school: String,
    pub version: u64,
    pub built_on: String,
    pub csp: &'static str,
    pub style: String,
    pub since: Option<u64>,
    pub changes: Option<Changes>,
    pub points: Points,
    pub areas: Vec<AreaView>,
}

/// A page's HTML made to sit inside the report: its headings start at
/// `top`, its landmarks become plain blocks (the report has its own), its
/// ids are made unique with `prefix`, an empty table header becomes a cell.
pub(super) fn fit(body: &str, top: usize, prefix: &str) -> String {
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

pub(super) fn view(p: &RPage, html: String) -> PageView {
    PageView {
        title: p.title.clone(),
        area: area_label(&p.area),
        key: p.shown.clone(),
        html,
        lines: Vec::new(),
        before: None,
        readers: readers(&p.area),
        unchanged: false,
        folded: false,
    }
}

/// Every area's pages for the "everything" section.
pub(super) fn areas(
    now: &[RPage],
    opened: &Opened,
    unchanged: Option<&BTreeSet<Key>>,
) -> Vec<AreaView> {
    let mut out: Vec<AreaView> = Vec::new();
    for (n, p) in now.iter().enumerate() {
        if out.last().is_none_or(|a| a.anchor != anchor(&p.area)) {
            out.push(AreaView {
                anchor: anchor(&p.area),
                name: area_label(&p.area),
                pages: Vec::new(),
                files: extra_files(opened, &p.area),
            });
        }
        let page = match unchanged {
            None if p.area == "public" => view(p, fit(&p.body, 5, &format!("c{n}"))),
            None => PageView {
                folded: true,
                ..view(p, fit(&p.body, 4, &format!("c{n}")))
            },
            Some(same) if same.contains(&key(p)) => PageView {
                unchanged: true,
                ..view(p, fit(&p.body, 4, &format!("c{n}")))
            },
            // Shown with the changes.
            Some(_) => view(p, String::new()),
        };
        out.last_mut().expect("pushed").pages.push(page);
    }
    // An area whose files no page shows still has them read.
    for id in opened.areas.keys() {
        if !out.iter().any(|a| a.anchor == anchor(id)) {
            let files = extra_files(opened, id);
            if !files.is_empty() {
                out.push(AreaView {
                    anchor: anchor(id),
                    name: area_label(id),
                    pages: Vec::new(),
                    files,
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
                .map(|(name, bytes)| ExtraFile {
                    name: name.clone(),
                    image: data_url(name, bytes),
                    size: bytes.len(),
                })
                .collect()
        })
        .unwrap_or_default()
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
}
