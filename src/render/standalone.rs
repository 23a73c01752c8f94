//! Pages made outside the site with the theme's templates and the same
//! Tera engine (escaping, filters): the family letters (`lettre.html`,
//! written next to the secrets, never published) and the preview's error
//! panel (`apercu-erreurs.html`). A school's `theme/` may override both.

use anyhow::{anyhow, Result};
use serde::Serialize;

use super::{chain, compile_one, compiled, LAST_COMPILED};
use crate::theme::Theme;

/// The policy of a family letter: a file opened from the disk to be
/// printed, holding a secret: no script, no request of any kind; only its
/// own inline styles.
pub const LETTER_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// The context of `lettre.html`: one class's letter.
#[derive(Debug, Clone, Serialize)]
pub struct Letter<'a> {
    /// The school (`name`, `address` on one line, `head`: the directeur·rice).
    pub school: LetterSchool<'a>,
    /// The class (`id`, `name`).
    pub class: LetterClass<'a>,
    /// The class's code.
    pub code: &'a str,
    /// An SVG QR code that opens the area with the code (`{{ qr_svg | safe }}`).
    pub qr_svg: String,
    /// The address of the class's area, to type.
    pub area_url: String,
    /// The letter's Content-Security-Policy (`{{ csp | safe }}`).
    pub csp: &'static str,
}

/// The school, as a letter names it.
#[derive(Debug, Clone, Serialize)]
pub struct LetterSchool<'a> {
    /// « École élémentaire Jean Jaurès ».
    pub name: &'a str,
    /// Street, postcode and town, on one line.
    pub address: String,
    /// The directeur·rice, who signs.
    pub head: &'a str,
}

/// The class of a letter.
#[derive(Debug, Clone, Serialize)]
pub struct LetterClass<'a> {
    /// Its folder name (`cm1`).
    pub id: &'a str,
    /// Its name (« CM1 de Mme Martin »).
    pub name: &'a str,
}

/// Renders a letter with the theme's `lettre.html`. Refused when the
/// template (a school's override) lost the letter's policy or added a script.
pub fn letter(theme: &Theme, letter: &Letter) -> Result<String> {
    let tera = compiled(theme)?;
    let html = tera
        .render("lettre.html", &tera::Context::from_serialize(letter)?)
        .map_err(|e| {
            anyhow!(
                "rendu de la lettre de la classe « {} » : {}",
                letter.class.id,
                chain(&e)
            )
        })?;
    let meta = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{LETTER_CSP}\">");
    if !html.contains(&meta) || html.to_ascii_lowercase().contains("<script") {
        anyhow::bail!(
            "la lettre de la classe « {} » n'a pas sa politique de sécurité, ou contient un script : le gabarit theme/templates/lettre.html de l'école l'a changée\n  conseil : dans son <head>, gardez la ligne du gabarit par défaut <meta http-equiv=\"Content-Security-Policy\" content=\"{{{{ csp | safe }}}}\"> et n'ajoutez aucun script",
            letter.class.id
        );
    }
    Ok(html)
}

/// One problem in the preview's error panel.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// `file:line:column` (or less when unknown).
    pub place: String,
    /// What is wrong, in French.
    pub message: String,
    /// The `conseil`, when there is one.
    pub hint: Option<String>,
}

/// The preview's error panel, rendered with `apercu-erreurs.html` of the
/// theme compiled last (the school's); the default theme's when that one
/// cannot render it (a broken override must not hide the errors).
pub fn preview_errors(problems: &[Problem]) -> String {
    let mut context = tera::Context::new();
    context.insert("problems", problems);
    let last = LAST_COMPILED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .map(|(_, tera)| tera.clone());
    if let Some(Ok(html)) = last.map(|tera| tera.render(PANEL, &context)) {
        return html.trim().to_string();
    }
    let default =
        compile_one(PANEL, DEFAULT_PANEL).and_then(|tera| Ok(tera.render(PANEL, &context)?));
    match default {
        Ok(html) => html.trim().to_string(),
        Err(e) => format!(
            "<div id=\"preau-erreurs\" role=\"alert\"><p>{}</p></div>",
            crate::html::escape(&format!("{e:#}"))
        ),
    }
}

/// The panel's template name.
const PANEL: &str = "apercu-erreurs.html";

/// The default theme's panel.
const DEFAULT_PANEL: &str = include_str!("../../themes/default/templates/apercu-erreurs.html");

/// One school on the commune's home page.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolCard {
    /// The school's name (its folder's name when its `ecole.yaml` is broken).
    pub name: String,
    /// Street, postcode and town, on one line (empty when unknown).
    pub address: String,
    /// The address of its site (empty when unknown).
    pub url: String,
    /// Its accessibility status (« partiellement conforme »), or empty.
    pub accessibility: String,
}

/// The context of `commune.html`.
#[derive(Serialize)]
struct CommuneHome<'a> {
    /// The commune (`name`).
    commune: CommuneName<'a>,
    /// Its schools, in the order of `commune.yaml`.
    schools: &'a [SchoolCard],
}

/// The commune's name.
#[derive(Serialize)]
struct CommuneName<'a> {
    name: &'a str,
}

/// The commune's home page, listing its schools, with the theme's
/// `commune.html` (a commune folder's own `theme/` may override it).
pub fn commune_home(theme: &Theme, name: &str, schools: &[SchoolCard]) -> Result<String> {
    let tera = compiled(theme)?;
    let context = CommuneHome {
        commune: CommuneName { name },
        schools,
    };
    tera.render("commune.html", &tera::Context::from_serialize(&context)?)
        .map_err(|e| anyhow!("gabarit commune.html : {}", chain(&e)))
}
