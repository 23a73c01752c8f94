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

mod context;
mod diff;
mod pages;

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use sha2::{Digest, Sha256};

use self::context::{areas, Points, ReportContext};
use super::report::Summary;
use super::sealed::Opened;
use super::Manifest;
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
    let now = pages::pages(site, manifest, opened, Some(&mut points));
    let mut summary = Summary {
        version: manifest.version,
        since: previous.map(|p| p.0),
        total: now.len(),
        ..Summary::default()
    };
    let (changes, unchanged) = match previous {
        Some((_, psite, pmanifest, popened)) => {
            let before = pages::pages(psite, pmanifest, popened, None);
            let (c, u) = diff::compare(&now, &before, &mut points, &mut summary);
            (Some(c), Some(u))
        }
        None => (None, None),
    };
    let built_on = chrono::NaiveDateTime::parse_from_str(&manifest.built_at, "%Y-%m-%dT%H:%M:%SZ")
        .map(|t| crate::dates::Date(t.date()).long_fr())
        .unwrap_or_else(|_| manifest.built_at.clone());
    let style = theme
        .statics
        .get("style.css")
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .unwrap_or_default();
    let context = ReportContext {
        school: manifest.school.clone(),
        version: manifest.version,
        built_on,
        csp: CSP_SLOT,
        style,
        since: summary.since,
        areas: areas(&now, opened, unchanged.as_ref()),
        changes,
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
            crate::render::chain(&e)
        )
    })?;
    let context = tera::Context::from_serialize(&context).context("contexte du rapport")?;
    let html = tera.render(TEMPLATE, &context).map_err(|e| {
        anyhow!(
            "gabarit « theme/templates/{TEMPLATE} » : {}",
            crate::render::chain(&e)
        )
    })?;
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
}
