//! The checks of what `ecole.yaml` and each `classe.yaml` say: the
//! school's fields, its base URL, its photo settings, each class. Every
//! problem goes to the diagnostics, with its line.
//!
//! (About 445 lines of code; the rest of the file is its unit tests.)

use std::path::Path;

use super::{signing, Audience, Class, ClassFile, SchoolColours, SchoolFile};
use crate::dates::Date;
use crate::diagnostic::{Diagnostic, Diagnostics};

pub(super) fn class_line(text: &str, id: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start_matches([' ', '-']).trim();
            l == id
                || l.contains(&format!("[{id}"))
                || l.contains(&format!(" {id},"))
                || l.contains(&format!(" {id}]"))
                || l.contains(&format!(",{id}"))
        })
        .map(|i| i + 1)
        .or_else(|| crate::yaml::key_line(text, "classes", 1))
        .unwrap_or(1)
}

/// A class id: lower-case ASCII letters, digits and dashes.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

pub(super) fn load_class(
    root: &Path,
    id: &str,
    known: &[String],
    diags: &Diagnostics,
) -> Option<Class> {
    let rel = Path::new("classes").join(id).join("classe.yaml");
    let text = std::fs::read_to_string(root.join(&rel)).ok()?;
    let file: ClassFile = match crate::yaml::parse(&text, &rel, 1) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let acces = match &file.audience {
        None => Audience::Class(id.to_string()),
        Some(raw) => match Audience::parse(raw, Some(id), known) {
            Ok(a) => a,
            Err((msg, hint)) => {
                let line = crate::yaml::key_line(&text, "acces", 1).unwrap_or(1);
                diags.push(Diagnostic::error(&rel, msg).hint(hint).at_line(line));
                Audience::Class(id.to_string())
            }
        },
    };
    Some(Class {
        id: id.to_string(),
        name: file.name,
        level: file.level,
        teachers: file.teachers,
        audience: acces,
    })
}

/// Splits `https://host/sub/` into (base URL with trailing slash, base path).
pub(super) fn parse_base_url(url: &str) -> Result<(String, String), (String, String)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            (
                format!("adresse du site invalide « {url} »"),
                "écrivez l'adresse complète, par exemple « https://ecoles.ville.fr/jean-jaures/ »."
                    .to_string(),
            )
        })?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() || host.contains(' ') || url.contains(['?', '#']) {
        return Err((
            format!("adresse du site invalide « {url} »"),
            "écrivez l'adresse complète, sans espace ni « ? », par exemple « https://ecoles.ville.fr/jean-jaures/ ».".into(),
        ));
    }
    let path = path.trim_matches('/');
    let base_path = if path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}/")
    };
    let scheme = if url.starts_with("https://") {
        "https"
    } else {
        "http"
    };
    Ok((format!("{scheme}://{host}{base_path}"), base_path))
}

pub(super) fn check_school_fields(file: &SchoolFile, text: &str, today: Date, diags: &Diagnostics) {
    let rel = Path::new("ecole.yaml");
    let line = |key: &str| crate::yaml::key_line(text, key, 1).unwrap_or(1);
    signing::check(file, text, diags);
    let year_ok = file
        .school_year
        .split_once('-')
        .and_then(|(a, b)| Some((a.parse::<i32>().ok()?, b.parse::<i32>().ok()?)))
        .is_some_and(|(a, b)| b == a + 1);
    if !year_ok {
        diags.push(
            Diagnostic::error(
                rel,
                format!("année scolaire invalide « {} »", file.school_year),
            )
            .hint("écrivez-la sous la forme « 2026-2027 ».")
            .at_line(line("annee_scolaire")),
        );
    } else if file.school_year < today.school_year() {
        diags.push(
            Diagnostic::warning(rel, format!("l'année scolaire « {} » est passée : les mentions légales sont peut-être périmées", file.school_year))
                .hint("à chaque rentrée, lancez « preau annee --date AAAA-MM-JJ --essai » (archives, classes, codes, « annee_scolaire »), puis vérifiez le directeur, l'IEN et l'hébergeur.")
                .at_line(line("annee_scolaire")),
        );
    }
    for (key, value) in [
        ("nom", &file.name),
        ("adresse", &file.address),
        ("commune", &file.commune),
        ("ien", &file.ien),
        ("directeur", &file.directeur),
        ("circonscription", &file.circonscription),
    ] {
        if value.trim().is_empty() {
            diags.push(
                Diagnostic::error(rel, format!("« {key} » est vide"))
                    .hint("les mentions légales en ont besoin : remplissez-le.")
                    .at_line(line(key)),
            );
        }
    }
    if file.per_page == 0 {
        diags.push(
            Diagnostic::error(rel, "« par_page » doit être au moins 1").at_line(line("par_page")),
        );
    }
    if file.accessibility.date.is_none() {
        diags.push(
            Diagnostic::warning(
                rel,
                "la date de la déclaration d'accessibilité n'est pas renseignée",
            )
            .hint("ajoutez « date: AAAA-MM-JJ » sous « accessibilite ».")
            .at_line(crate::yaml::key_line(text, "accessibilite", 1).unwrap_or(1)),
        );
    }
    if let Some(colours) = &file.colours {
        check_colours(colours, text, diags);
    }
}

/// WCAG AA for normal text: white on the colour (the header) and the
/// colour on white (links) both need this contrast ratio.
pub const MIN_CONTRAST: f64 = 4.5;

/// How much light the darker shade keeps, in linear RGB: one half, which
/// turns the theme's `#1d4f91` into `#123869`, next to its `#133766`.
const DARK_FACTOR: f64 = 0.5;

/// `#rrggbb` (either case) as three bytes.
pub fn parse_hex_colour(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

fn to_linear(channel: u8) -> f64 {
    let c = f64::from(channel) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

fn from_linear(l: f64) -> u8 {
    let c = if l <= 0.003_130_8 {
        l * 12.92
    } else {
        1.055 * l.powf(1.0 / 2.4) - 0.055
    };
    // In 0..=255 after the clamp, so the cast is exact.
    (c.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// The WCAG relative luminance of an sRGB colour.
fn luminance(rgb: [u8; 3]) -> f64 {
    0.2126 * to_linear(rgb[0]) + 0.7152 * to_linear(rgb[1]) + 0.0722 * to_linear(rgb[2])
}

/// The WCAG contrast ratio of `rgb` against white (1 to 21).
pub fn contrast_with_white(rgb: [u8; 3]) -> f64 {
    1.05 / (luminance(rgb) + 0.05)
}

/// `rgb` with its light scaled by `factor` in linear RGB.
fn scaled(rgb: [u8; 3], factor: f64) -> [u8; 3] {
    rgb.map(|c| from_linear(to_linear(c) * factor))
}

fn hex(rgb: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2])
}

/// The darker shade of `rgb` (menu bar, hovers).
pub fn darker_shade(rgb: [u8; 3]) -> [u8; 3] {
    scaled(rgb, DARK_FACTOR)
}

/// The lightest shade of `rgb` that reaches [`MIN_CONTRAST`] against white.
fn readable_shade(rgb: [u8; 3]) -> [u8; 3] {
    (0..=100)
        .map(|step| scaled(rgb, 1.0 - f64::from(step) / 100.0))
        .find(|c| contrast_with_white(*c) >= MIN_CONTRAST)
        .unwrap_or([0, 0, 0])
}

impl SchoolColours {
    /// The main colour, lower-case `#rrggbb`, once checked.
    pub fn main_hex(&self) -> String {
        parse_hex_colour(&self.main).map_or_else(|| self.main.clone(), hex)
    }

    /// The darker shade, `#rrggbb`, once checked.
    pub fn dark_hex(&self) -> String {
        parse_hex_colour(&self.main).map_or_else(|| self.main.clone(), |c| hex(darker_shade(c)))
    }

    /// `static/couleurs.css`: the theme's custom properties, set to the school's colours.
    pub fn stylesheet(&self) -> String {
        format!(
            "/* Couleurs de l'école (ecole.yaml, « couleurs »), produites par Préau. */\n:root {{\n  --accent: {};\n  --accent-fonce: {};\n}}\n",
            self.main_hex(),
            self.dark_hex()
        )
    }
}

/// `couleurs.principale`: a `#rrggbb` colour readable in white and on white.
fn check_colours(colours: &SchoolColours, text: &str, diags: &Diagnostics) {
    let rel = Path::new("ecole.yaml");
    let line = crate::yaml::key_line(text, "principale", 1)
        .or_else(|| crate::yaml::key_line(text, "couleurs", 1))
        .unwrap_or(1);
    let Some(rgb) = parse_hex_colour(&colours.main) else {
        diags.push(
            Diagnostic::error(rel, format!("couleur invalide « {} »", colours.main))
                .hint("écrivez-la sous la forme « \"#2e7d32\" » : un croisillon et six chiffres hexadécimaux, entre guillemets.")
                .at_line(line),
        );
        return;
    };
    for (what, shade) in [("la couleur", rgb), ("sa teinte foncée", darker_shade(rgb))] {
        let ratio = contrast_with_white(shade);
        if ratio < MIN_CONTRAST {
            let suggestion = hex(readable_shade(rgb));
            diags.push(
                Diagnostic::error(
                    rel,
                    format!(
                        "{what} « {} » est trop claire : contraste de {} pour 1 avec le blanc, il faut au moins 4,5 pour 1",
                        hex(shade),
                        format!("{ratio:.2}").replace('.', ",")
                    ),
                )
                .hint(format!(
                    "le texte blanc de l'en-tête et les liens sur fond blanc seraient difficiles à lire : choisissez une teinte plus foncée, par exemple « \"{suggestion}\" »."
                ))
                .at_line(line),
            );
            return;
        }
    }
}

/// `photos.qualite` is a JPEG quality: 1 to 100 (a `u8` would take 255).
pub(super) fn check_photo_settings(file: &SchoolFile, text: &str, diags: &Diagnostics) {
    let quality = file.photos.quality;
    if !(1..=100).contains(&quality) {
        let line = crate::yaml::key_line(text, "qualite", 1)
            .or_else(|| crate::yaml::key_line(text, "photos", 1))
            .unwrap_or(1);
        diags.push(
            Diagnostic::error(
                Path::new("ecole.yaml"),
                format!("la qualité des photos « {quality} » est hors des limites (de 1 à 100)"),
            )
            .hint("85 convient à presque toutes les photos ; retirez la ligne pour garder cette valeur.")
            .at_line(line),
        );
    }
}

/// French day names, Monday first (ISO weekday number = index + 1).
pub const DAY_NAMES: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

/// The usual school week: Monday, Tuesday, Thursday, Friday.
pub const DEFAULT_SCHOOL_DAYS: [&str; 4] = ["lundi", "mardi", "jeudi", "vendredi"];

/// Disciplines of the primary school's programmes, offered when
/// `matieres` is absent.
pub const DEFAULT_SUBJECTS: [&str; 13] = [
    "Français",
    "Mathématiques",
    "Questionner le monde",
    "Sciences et technologie",
    "Histoire",
    "Géographie",
    "Enseignement moral et civique",
    "Langues vivantes",
    "Anglais",
    "Arts plastiques",
    "Éducation musicale",
    "Éducation physique et sportive",
    "Histoire des arts",
];

impl SchoolFile {
    /// The school days as ISO weekday numbers (1 = Monday), unknown
    /// names left out (the check reports them).
    pub fn school_weekdays(&self) -> Vec<u32> {
        let days: Vec<u32> = match &self.school_days {
            Some(list) => list.iter().filter_map(|d| day_number(d)).collect(),
            None => Vec::new(),
        };
        if days.is_empty() {
            DEFAULT_SCHOOL_DAYS
                .iter()
                .filter_map(|d| day_number(d))
                .collect()
        } else {
            days
        }
    }

    /// The disciplines offered in the cahier.
    pub fn subject_list(&self) -> Vec<String> {
        match &self.subjects {
            Some(list) if !list.is_empty() => list.clone(),
            _ => DEFAULT_SUBJECTS.map(str::to_string).to_vec(),
        }
    }
}

/// `lundi` → 1 … `dimanche` → 7 (case and surrounding spaces ignored).
pub fn day_number(name: &str) -> Option<u32> {
    let name = name.trim().to_lowercase();
    DAY_NAMES
        .iter()
        .position(|n| *n == name)
        .map(|i| i as u32 + 1)
}

/// `jours_de_classe` names French days, each once, at least one;
/// `matieres` names at least one discipline, none empty or twice.
pub(super) fn check_days_and_subjects(file: &SchoolFile, text: &str, diags: &Diagnostics) {
    let rel = Path::new("ecole.yaml");
    // The line of the `nth` (0-based) line naming `value` after `key`.
    let line_of = |key: &str, value: &str, nth: usize| {
        let start = crate::yaml::key_line(text, key, 1).unwrap_or(1);
        text.lines()
            .enumerate()
            .skip(start - 1)
            .filter(|(_, l)| l.contains(value))
            .nth(nth)
            .map(|(i, _)| i + 1)
            .unwrap_or(start)
    };
    if let Some(days) = &file.school_days {
        if days.is_empty() {
            diags.push(
                Diagnostic::error(rel, "« jours_de_classe » est vide")
                    .hint("écrivez par exemple « jours_de_classe: [lundi, mardi, jeudi, vendredi] », ou retirez la ligne.")
                    .at_line(crate::yaml::key_line(text, "jours_de_classe", 1).unwrap_or(1)),
            );
        }
        let mut seen = Vec::new();
        for (i, day) in days.iter().enumerate() {
            let nth = days[..i].iter().filter(|d| *d == day).count();
            match day_number(day) {
                None => diags.push(
                    Diagnostic::error(rel, format!("jour de classe inconnu « {day} »"))
                        .hint("écrivez les jours en toutes lettres : lundi, mardi, mercredi, jeudi, vendredi, samedi.")
                        .at_line(line_of("jours_de_classe", day, nth)),
                ),
                Some(n) if seen.contains(&n) => diags.push(
                    Diagnostic::error(rel, format!("le jour « {day} » est écrit deux fois dans « jours_de_classe »"))
                        .hint("gardez-le une seule fois.")
                        .at_line(line_of("jours_de_classe", day, nth)),
                ),
                Some(n) => seen.push(n),
            }
        }
    }
    if let Some(subjects) = &file.subjects {
        let key_line = crate::yaml::key_line(text, "matieres", 1).unwrap_or(1);
        if subjects.is_empty() {
            diags.push(
                Diagnostic::error(rel, "« matieres » est vide")
                    .hint("écrivez par exemple « matieres: [Français, Mathématiques] », ou retirez la ligne pour garder la liste habituelle.")
                    .at_line(key_line),
            );
        }
        let mut seen: Vec<String> = Vec::new();
        for (i, subject) in subjects.iter().enumerate() {
            let nth = subjects[..i].iter().filter(|s| *s == subject).count();
            let key = subject.trim().to_lowercase();
            if key.is_empty() {
                diags.push(
                    Diagnostic::error(rel, "une matière de « matieres » est vide")
                        .hint("retirez-la ou écrivez son nom.")
                        .at_line(key_line),
                );
            } else if seen.contains(&key) {
                diags.push(
                    Diagnostic::error(
                        rel,
                        format!("la matière « {subject} » est écrite deux fois dans « matieres »"),
                    )
                    .hint("gardez-la une seule fois.")
                    .at_line(line_of("matieres", subject, nth)),
                );
            } else {
                seen.push(key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_with_sub_path() {
        let (url, path) = parse_base_url("https://ecoles.ville.fr/jean-jaures").unwrap();
        assert_eq!(url, "https://ecoles.ville.fr/jean-jaures/");
        assert_eq!(path, "/jean-jaures/");
        let (_, path) = parse_base_url("https://ecole.fr").unwrap();
        assert_eq!(path, "/");
        assert!(parse_base_url("ecole.fr").is_err());
    }

    #[test]
    fn contrast_ratios_match_wcag() {
        assert!((contrast_with_white([0, 0, 0]) - 21.0).abs() < 1e-9);
        assert!((contrast_with_white([255, 255, 255]) - 1.0).abs() < 1e-9);
        // Known values: #767676 is the lightest grey passing AA (4.54),
        // #777777 just fails (4.48).
        let grey = |v| contrast_with_white([v, v, v]);
        assert!((grey(0x76) - 4.54).abs() < 0.01, "{}", grey(0x76));
        assert!(grey(0x77) < MIN_CONTRAST);
        let green = contrast_with_white(parse_hex_colour("#2e7d32").unwrap());
        assert!((green - 5.13).abs() < 0.01, "{green}");
        let yellow = contrast_with_white(parse_hex_colour("#FFCC00").unwrap());
        assert!((yellow - 1.51).abs() < 0.01, "{yellow}");
    }

    #[test]
    fn darker_shade_halves_the_light() {
        let blue = parse_hex_colour("#1d4f91").unwrap();
        assert_eq!(hex(darker_shade(blue)), "#123869");
        assert_eq!(darker_shade([0, 0, 0]), [0, 0, 0]);
        assert_eq!(hex(darker_shade([255, 255, 255])), "#bcbcbc");
        for c in [
            blue,
            [0x2e, 0x7d, 0x32],
            [0xff, 0xcc, 0x00],
            [0x80, 0x10, 0xf0],
        ] {
            assert!(contrast_with_white(darker_shade(c)) > contrast_with_white(c));
        }
    }

    #[test]
    fn colours_are_checked() {
        let check = |main: &str| {
            let diags = Diagnostics::new();
            let text = format!("nom: X\ncouleurs:\n  principale: \"{main}\"\n");
            check_colours(&SchoolColours { main: main.into() }, &text, &diags);
            diags
                .into_sorted()
                .into_iter()
                .map(|d| format!("{d}"))
                .collect::<Vec<_>>()
        };
        assert!(check("#2e7d32").is_empty());
        assert!(check("#1D4F91").is_empty());
        for bad in ["2e7d32", "#2e7d3", "#2e7d3g", "vert", "#2e7d32ff"] {
            let errs = check(bad);
            assert_eq!(errs.len(), 1, "{bad}: {errs:?}");
            assert!(errs[0].contains("couleur invalide"), "{errs:?}");
        }
        let errs = check("#ffcc00");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].contains("1,51 pour 1"), "{errs:?}");
        // The suggestion passes itself.
        let suggested = errs[0].split('"').nth(1).unwrap().to_string();
        assert!(
            check(&suggested).is_empty(),
            "{suggested}: {:?}",
            check(&suggested)
        );
        let colours = SchoolColours {
            main: "#2E7D32".into(),
        };
        assert_eq!(
            colours
                .stylesheet()
                .lines()
                .filter(|l| l.contains("--"))
                .collect::<Vec<_>>(),
            [
                "  --accent: #2e7d32;",
                &format!("  --accent-fonce: {};", colours.dark_hex())
            ]
        );
    }

    fn school(extra: &str) -> (SchoolFile, String) {
        let text = format!(
            "nom: École\nuai: 0751234A\nadresse: 1 rue\ncode_postal: '75001'\ncommune: Paris\nacademie: Paris\ncirconscription: Paris 1\nien: M. Ien\ndirecteur: Mme Dir\nurl: https://ecole.fr/\nannee_scolaire: 2026-2027\nclasses: [cp]\n{extra}"
        );
        let file: SchoolFile = serde_yaml::from_str(&text).unwrap();
        (file, text)
    }

    fn problems(extra: &str) -> Vec<String> {
        let (file, text) = school(extra);
        let diags = Diagnostics::default();
        check_days_and_subjects(&file, &text, &diags);
        diags
            .into_sorted()
            .iter()
            .map(|d| format!("{d:?}"))
            .collect()
    }

    #[test]
    fn days_default_to_the_usual_week() {
        let (file, _) = school("");
        assert_eq!(file.school_weekdays(), vec![1, 2, 4, 5]);
        assert_eq!(file.subject_list()[1], "Mathématiques");
        assert!(problems("").is_empty());
    }

    #[test]
    fn wednesday_mornings_are_school_days() {
        let (file, _) = school("jours_de_classe: [lundi, mardi, Mercredi, jeudi, vendredi]\nmatieres: [Français, Anglais]\n");
        assert_eq!(file.school_weekdays(), vec![1, 2, 3, 4, 5]);
        assert_eq!(file.subject_list(), vec!["Français", "Anglais"]);
        assert!(problems("jours_de_classe: [lundi, mercredi]\n").is_empty());
    }

    #[test]
    fn a_wrong_day_name_is_a_french_error_at_its_line() {
        let found = problems("jours_de_classe:\n  - lundi\n  - monday\n  - lundi\n");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].contains("jour de classe inconnu « monday »"),
            "{found:?}"
        );
        assert!(found[0].contains("15"), "line of « monday »: {found:?}");
        assert!(found[1].contains("deux fois"), "{found:?}");
    }

    #[test]
    fn empty_or_repeated_subjects_are_errors() {
        let found = problems("matieres: []\n");
        assert!(
            found.iter().any(|f| f.contains("« matieres » est vide")),
            "{found:?}"
        );
        let found = problems("matieres: [Français, français]\n");
        assert!(found.iter().any(|f| f.contains("deux fois")), "{found:?}");
        let found = problems("jours_de_classe: []\n");
        assert!(
            found
                .iter()
                .any(|f| f.contains("« jours_de_classe » est vide")),
            "{found:?}"
        );
    }
}
