//! Rewriting: each page's markdown rendered with its links resolved
//! through the [`LinkTable`], in parallel, and the files the pages use.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use rayon::prelude::*;

use super::{LinkTable, Linking, Resolved};
use crate::config::School;
use crate::content::{Asset, Kind, Page, Session};
use crate::diagnostic::Diagnostic;
use crate::markdown::{self, LinkKind};
use crate::slug::{encode_path, slugify};

/// What rendering one page found: its problems and the files it uses.
pub type PageFindings = (Vec<Diagnostic>, Vec<Asset>);

/// Renders one page's markdown with its links resolved.
pub fn render_page(page: &mut Page, table: &LinkTable<'_>, base: &str) -> PageFindings {
    let used: Mutex<Vec<Asset>> = Mutex::new(Vec::new());
    let mut found = Vec::new();
    {
        let source = page.source.clone();
        let audience = page.audience.clone();
        let path = page.path.clone();
        let from = Linking {
            source: &source,
            path: &path,
            audience: &audience,
        };
        let resolve = |url: &str, kind: LinkKind| -> Result<String, (String, String)> {
            match table.resolve(&from, url, kind, base)? {
                Resolved::Url(u) => Ok(u),
                Resolved::Asset(path, fragment) => {
                    used.lock().expect("assets lock").push(Asset {
                        source: PathBuf::from(&path),
                        path: path.clone(),
                        audience: audience.clone(),
                    });
                    Ok(format!("{base}{}{fragment}", encode_path(&path)))
                }
            }
        };
        for photo in &mut page.gallery {
            match resolve(&photo.file, LinkKind::Image) {
                Ok(src) => photo.src = src,
                Err((message, hint)) => found.push(
                    Diagnostic::error(&source, format!("galerie : {message}"))
                        .hint(hint)
                        .at_line(1),
                ),
            }
            if photo.alt.is_empty() {
                found.push(
                    Diagnostic::warning(
                        &source,
                        format!(
                            "la photo « {} » de la galerie n'a pas de texte alternatif",
                            photo.file
                        ),
                    )
                    .hint("décrivez-la avec « texte: … »")
                    .at_line(1),
                );
            }
        }
        let mut report = |issues: Vec<markdown::Issue>, first_line: usize| {
            for issue in issues {
                let d = if issue.is_error {
                    Diagnostic::error(&source, issue.message)
                } else {
                    Diagnostic::warning(&source, issue.message)
                };
                found.push(
                    d.hint(issue.hint)
                        .at(first_line + issue.line - 1, issue.column),
                );
            }
        };
        if page.kind == Kind::CahierDay {
            let mut html = String::new();
            page.sessions.clear();
            // One page: its séances' headings share their ids.
            let ids = markdown::HeadingIds::default();
            for (matiere, body, line) in split_sessions(&page.body, page.body_line) {
                let rendered = markdown::render_part(&body, &resolve, &ids);
                report(rendered.issues, line);
                html.push_str(&rendered.html);
                page.sessions.push(Session {
                    slug: slugify(&matiere),
                    subject: matiere,
                    html: rendered.html,
                });
            }
            page.content = html;
        } else {
            let rendered = markdown::render(&page.body, &resolve);
            report(rendered.issues, page.body_line);
            page.content = rendered.html;
            if page.summary.is_empty() {
                page.summary = truncate(&rendered.first_paragraph, 220);
            }
        }
    }
    (found, used.into_inner().expect("assets lock"))
}

/// Renders the pages for which `fresh` is true, in parallel; returns each
/// rendered page's findings by index.
pub fn render_some(
    pages: &mut [Page],
    fresh: &[bool],
    table: &LinkTable<'_>,
    school: &School,
) -> Vec<(usize, PageFindings)> {
    let base = school.base_path.as_str();
    pages
        .par_iter_mut()
        .enumerate()
        .filter(|(i, _)| fresh[*i])
        .map(|(i, page)| (i, render_page(page, table, base)))
        .collect()
}

/// One asset per output path; a public use wins so that a public page's
/// photo is never hidden.
pub fn merge_assets(all: impl IntoIterator<Item = Asset>) -> Vec<Asset> {
    let mut by_path: BTreeMap<String, Asset> = BTreeMap::new();
    for asset in all {
        by_path
            .entry(asset.path.clone())
            .and_modify(|a| {
                if asset.audience < a.audience {
                    a.audience = asset.audience.clone();
                }
            })
            .or_insert(asset);
    }
    by_path.into_values().collect()
}

/// Splits a cahier body at its `## ` headings: (discipline, markdown, first line).
fn split_sessions(body: &str, first_line: usize) -> Vec<(String, String, usize)> {
    let mut sessions: Vec<(String, String, usize)> = Vec::new();
    let mut in_fence = false;
    for (i, line) in body.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        let heading = (!in_fence).then(|| line.strip_prefix("## ")).flatten();
        if let Some(title) = heading {
            let matiere = title.trim().trim_end_matches('#').trim().to_string();
            sessions.push((matiere, String::new(), first_line + i));
        } else if sessions.is_empty() {
            if line.trim().is_empty() {
                continue;
            }
            sessions.push((String::new(), String::new(), first_line + i));
        }
        let current = sessions.last_mut().expect("just pushed");
        current.1.push_str(line);
        current.1.push('\n');
    }
    sessions
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!(
        "{}…",
        cut.trim_end_matches([',', ';', ':', '.', ' ', '\u{a0}', '\u{202f}'])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_split_at_h2() {
        let s = split_sessions(
            "Intro\n## Français\nLecture\n### Détail\n## Maths\nCalcul\n",
            5,
        );
        assert_eq!(s.len(), 3);
        assert_eq!(s[1].0, "Français");
        assert_eq!(s[1].2, 6);
        assert!(s[1].1.contains("### Détail"));
        assert_eq!(s[2].0, "Maths");
    }
}
