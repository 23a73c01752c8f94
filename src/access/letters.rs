//! Family letters: one printable HTML page per class with the school, the
//! class, the code, a QR code that logs in when scanned, and short
//! instructions in French. Letters hold a secret: they are written next to
//! the secrets, never into the site.

use std::path::{Path, PathBuf};

use anyhow::Result;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use super::secrets::{write_private, CodeHolder, Secrets, SECRETS_DIR};
use crate::config::School;

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

/// The letter of one class, as a standalone HTML page (styles inline, for printing).
pub fn letter(school: &School, class_id: &str, code: &str) -> String {
    let class = school
        .class(class_id)
        .map(|c| c.name.as_str())
        .unwrap_or(class_id);
    let url = login_url(school, class_id, code);
    let area = format!("{}{}", school.base_url, crate::layout::class(class_id));
    let s = &school.file;
    format!(
        r#"<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Code d'accès — {class_e} — {school_e}</title>
<style>
body {{ font-family: system-ui, "Liberation Sans", Arial, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #111; }}
h1 {{ font-size: 1.5rem; margin-bottom: 0.25rem; }}
.code {{ font-family: "DejaVu Sans Mono", monospace; font-size: 1.8rem; letter-spacing: 0.08em; border: 2px solid #111; padding: 0.5rem 1rem; display: inline-block; margin: 0.5rem 0; }}
.qr {{ float: right; margin: 0 0 1rem 1rem; text-align: center; font-size: 0.9rem; }}
.qr svg {{ width: 220px; height: 220px; }}
ol li {{ margin-bottom: 0.4rem; }}
.discret {{ color: #444; font-size: 0.9rem; }}
@media print {{ body {{ margin: 0; }} .ne-pas-imprimer {{ display: none; }} }}
</style>
</head>
<body>
<p>{school_e}<br>{address_e}</p>
<h1>Espace de la classe {class_e}</h1>
<p>Madame, Monsieur,</p>
<p>Les actualités, les photos et le cahier de textes de la classe sont publiés sur le site de l'école, dans un espace réservé aux familles de la classe. Voici le code qui l'ouvre :</p>
<div class="qr">{qr}<br>Scannez pour ouvrir l'espace</div>
<p class="code">{code_e}</p>
<h2>Pour ouvrir l'espace</h2>
<ol>
<li>Avec un téléphone : scannez le code QR ci-contre avec l'appareil photo. L'espace s'ouvre directement.</li>
<li>Sinon : allez à l'adresse <strong>{area_e}</strong> et tapez le code ci-dessus (les tirets et les majuscules ne comptent pas).</li>
<li>Sur votre appareil personnel, vous pouvez choisir « se souvenir de moi sur cet appareil » pour ne plus avoir à taper le code.</li>
</ol>
<h2>À savoir</h2>
<ul>
<li>Ce code est propre à la classe. Ne le publiez pas sur les réseaux sociaux et ne le transmettez pas en dehors de la famille : il protège les photos des enfants.</li>
<li>Si vous l'avez perdu, demandez-le à l'enseignant·e de la classe.</li>
<li>Le code peut être changé en cours d'année ; vous recevrez alors une nouvelle lettre.</li>
</ul>
<p class="discret">{director_e}, directeur·rice de l'école.</p>
</body>
</html>
"#,
        class_e = crate::html::escape(class),
        school_e = crate::html::escape(&s.name),
        address_e = crate::html::escape(&format!("{}, {} {}", s.address, s.postal_code, s.commune)),
        qr = qr_svg(&url),
        code_e = crate::html::escape(code),
        area_e = crate::html::escape(&area),
        director_e = crate::html::escape(&s.directeur),
    )
}

/// Writes one letter per class into `.preau/lettres/` (mode 0600); returns the paths.
pub fn write_all(root: &Path, school: &School, secrets: &Secrets) -> Result<Vec<PathBuf>> {
    let dir = root.join(SECRETS_DIR).join("lettres");
    std::fs::create_dir_all(&dir)?;
    super::secrets::set_mode(&dir, 0o700)?;
    let mut written = Vec::new();
    for class in &school.class_list {
        let Some(code) = secrets.code(&CodeHolder::Class(class.id.clone())) else {
            continue;
        };
        let path = dir.join(format!("lettre-{}.html", class.id));
        write_private(&path, letter(school, &class.id, code).as_bytes())?;
        written.push(path);
    }
    Ok(written)
}
