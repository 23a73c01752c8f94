//! The web app manifest: what a phone needs to put the school's site on its
//! home screen (name, start address, colours, icons). The icons are the
//! theme's `static/icone-192.png` and `static/icone-512.png`, which a
//! school replaces by putting its own in its `theme/static/` folder.

use serde_json::json;

use crate::config::School;
use crate::layout;

/// The theme's accent colour (the header's blue), for the phone's bars,
/// when the school gives none (`couleurs` in `ecole.yaml`).
const THEME_COLOUR: &str = "#1d4f91";

/// `static/couleurs.css`, when the school gives its colours: only then,
/// so a school theme that sets `--accent` in its own `style.css` keeps it.
pub fn colours_stylesheet(school: &School) -> Option<Vec<u8>> {
    school
        .file
        .colours
        .as_ref()
        .map(|c| c.stylesheet().into_bytes())
}

/// A name short enough for under an icon: the school's name without the
/// kind of school in front (« École élémentaire Jean Jaurès » → « Jean
/// Jaurès »), when that leaves something.
fn short_name(name: &str) -> String {
    let lower = name.to_lowercase();
    for prefix in [
        "école élémentaire ",
        "école maternelle ",
        "école primaire ",
        "groupe scolaire ",
        "école ",
    ] {
        if lower.starts_with(prefix) && name.len() > prefix.len() {
            // The prefixes are of the same length in both cases.
            return name[prefix.len()..].trim().to_string();
        }
    }
    name.to_string()
}

/// The `manifest.webmanifest` of a school's site.
pub fn manifest(school: &School) -> Vec<u8> {
    let base = &school.base_path;
    let icon = |size: u32| {
        json!({
            "src": format!("{base}{}", layout::static_file(&format!("icone-{size}.png"))),
            "sizes": format!("{size}x{size}"),
            "type": "image/png",
            "purpose": "any maskable",
        })
    };
    let value = json!({
        "name": school.file.name,
        "short_name": short_name(&school.file.name),
        "lang": "fr",
        "dir": "ltr",
        "start_url": base,
        "scope": base,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": school.file.colours.as_ref().map_or_else(|| THEME_COLOUR.to_string(), |c| c.main_hex()),
        "icons": [icon(192), icon(512)],
    });
    let mut out = serde_json::to_vec_pretty(&value).expect("a JSON value serialises");
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::short_name;

    #[test]
    fn short_names_drop_the_kind_of_school() {
        assert_eq!(short_name("École élémentaire Jean Jaurès"), "Jean Jaurès");
        assert_eq!(short_name("école maternelle Les Tilleuls"), "Les Tilleuls");
        assert_eq!(short_name("Groupe scolaire Pasteur"), "Pasteur");
        assert_eq!(short_name("École"), "École");
        assert_eq!(short_name("Les Tilleuls"), "Les Tilleuls");
    }
}
