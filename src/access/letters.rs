//! Family letters: one printable HTML page per class with the school, the
//! class, the code, a QR code that logs in when scanned, and short
//! instructions in French, made with the theme's `lettre.html` (a school's
//! `theme/` may override it). Letters hold a secret: they are written next to
//! the secrets, never into the site.

use std::path::{Path, PathBuf};

use anyhow::Result;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use super::secrets::{write_private, CodeHolder, Secrets, SECRETS_DIR};
use crate::config::School;
use crate::render::standalone::{Letter, LetterClass, LetterSchool, LETTER_CSP};
use crate::theme::Theme;

/// The URL a QR code carries: the class area, the code in the fragment
/// (never sent to the server).
pub fn login_url(school: &School, class_id: &str, code: &str) -> String {
    format!(
        "{}{}#code={code}",
        school.base_url,
        crate::layout::class(class_id)
    )
}

/// An SVG QR code for `text`.
pub fn qr_svg(text: &str) -> String {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .expect("a URL fits in a QR code");
    code.render::<svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build()
}

/// The letter of one class, as a standalone HTML page (styles inline, for
/// printing), made with the theme's `lettre.html`.
pub fn letter(theme: &Theme, school: &School, class_id: &str, code: &str) -> Result<String> {
    let class = school
        .class(class_id)
        .map(|c| c.name.as_str())
        .unwrap_or(class_id);
    let s = &school.file;
    let context = Letter {
        school: LetterSchool {
            name: &s.name,
            address: format!("{}, {} {}", s.address, s.postal_code, s.commune),
            head: &s.directeur,
        },
        class: LetterClass {
            id: class_id,
            name: class,
        },
        code,
        qr_svg: qr_svg(&login_url(school, class_id, code)),
        area_url: format!("{}{}", school.base_url, crate::layout::class(class_id)),
        csp: LETTER_CSP,
    };
    crate::render::standalone::letter(theme, &context)
}

/// Writes one letter per class into `.preau/lettres/` (mode 0600); returns the paths.
pub fn write_all(root: &Path, school: &School, secrets: &Secrets) -> Result<Vec<PathBuf>> {
    let dir = root.join(SECRETS_DIR).join("lettres");
    std::fs::create_dir_all(&dir)?;
    super::secrets::set_mode(&dir, 0o700)?;
    let theme = Theme::load(root)?;
    let mut written = Vec::new();
    for class in &school.class_list {
        let Some(code) = secrets.code(&CodeHolder::Class(class.id.clone())) else {
            continue;
        };
        let path = dir.join(format!("lettre-{}.html", class.id));
        write_private(&path, letter(&theme, school, &class.id, code)?.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}
