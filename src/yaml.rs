//! YAML parsing with French, located error messages.
//!
//! `serde_yaml` reports errors in English with a position inside the YAML
//! fragment. This module turns them into [`Diagnostic`]s that name the file
//! and the line in the school folder (front matter starts on line 2 of a
//! markdown file), in French, with a hint — including the closest known key
//! when a key is misspelt. A few things teachers write the French way just
//! work: `brouillon: oui` ([`boolean`]) and a value with « : » inside, such
//! as `titre: « Sciences : l'eau »` ([`quote_colon_value`]).

use std::borrow::Cow;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostic::Diagnostic;

mod messages;

use messages::to_diagnostic;

/// Largest YAML text read (a year of agenda is a few dozen kilobytes).
pub const MAX_BYTES: usize = 1024 * 1024;
/// Deepest nesting accepted (lists and keys inside each other); the
/// school's files need fewer than ten levels.
pub const MAX_DEPTH: usize = 64;

/// Parses `text` (which starts at line `first_line` of `file`) into `T`.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: usize,
) -> Result<T, Diagnostic> {
    // Editors on Windows may start a file with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    check_shape(text, file, first_line)?;
    // An empty document is an empty mapping: every key optional or missing.
    let mut source = Cow::Borrowed(if text.trim().is_empty() { "{}" } else { text });
    // Each round quotes one more value that holds « : » (a title, a summary).
    for _ in 0..MAX_QUOTED {
        match serde_yaml::from_str(&source) {
            Ok(value) => return Ok(value),
            Err(err) => match quote_colon_value(&source, &err) {
                Some(fixed) => source = Cow::Owned(fixed),
                None => return Err(to_diagnostic(&err, &source, file, first_line)),
            },
        }
    }
    serde_yaml::from_str(&source).map_err(|err| to_diagnostic(&err, &source, file, first_line))
}

/// Most values with « : » inside quoted in one text (a cahier day has one
/// line per homework; beyond this, the text is not a slip of typing).
const MAX_QUOTED: usize = 32;

/// `titre: Sciences : l'eau` or `titre: « Sciences : l'eau »` is a YAML
/// error (« mapping values are not allowed »), yet what the teacher meant
/// is plain: the line with `err`, if it is `key: text with : inside`,
/// becomes `key: "text with : inside"` (a trailing `# comment` kept
/// outside). `None` when the line is anything else (an indentation
/// mistake, a quoted or list value): that error is reported.
pub fn quote_colon_value(text: &str, err: &serde_yaml::Error) -> Option<String> {
    if !err
        .to_string()
        .starts_with("mapping values are not allowed")
    {
        return None;
    }
    let index = err.location()?.line().checked_sub(1)?;
    let line = text.lines().nth(index)?;
    let indent = line.len() - line.trim_start_matches(' ').len();
    let after_dash = line[indent..].strip_prefix("- ").unwrap_or(&line[indent..]);
    let head = line.len() - after_dash.len();
    let key_len = after_dash
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|&n| n > 0)?;
    let rest = after_dash[key_len..].strip_prefix(": ")?;
    let (value, comment) = match rest.find(" #") {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let value = value.trim();
    let plain = !value.starts_with(['"', '\'', '[', '{', '|', '>', '&', '*', '!', '%', '@', '`']);
    if !plain || !(value.contains(": ") || value.ends_with(':')) {
        return None;
    }
    let quoted = value.replace('\\', "\\\\").replace('"', "\\\"");
    let fixed = format!(
        "{}{}: \"{quoted}\"{comment}",
        &line[..head],
        &after_dash[..key_len]
    );
    let mut out = String::with_capacity(text.len() + 2);
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i == index {
            out.push_str(&fixed);
            if l.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(l);
        }
    }
    Some(out)
}

/// A yes/no key (`brouillon`, `droit_image`, `garder`): `true`/`false`,
/// and the French words teachers write, `oui`/`non`, `vrai`/`faux`.
pub fn boolean<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    struct YesNo;
    impl serde::de::Visitor<'_> for YesNo {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            // Translated by `french_type` like serde's own « a boolean ».
            f.write_str("a boolean")
        }
        fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<bool, E> {
            Ok(b)
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<bool, E> {
            match text.trim().to_lowercase().as_str() {
                "oui" | "vrai" | "true" => Ok(true),
                "non" | "faux" | "false" => Ok(false),
                _ => Err(E::custom(format!(
                    "la valeur « {text} » n'est ni oui ni non"
                ))),
            }
        }
    }
    deserializer.deserialize_any(YesNo)
}

/// Refuses, before parsing, a text too big or nested too deep: the parser
/// would spend minutes (or all the memory) on it, and no school file
/// legitimately looks like that.
fn check_shape(text: &str, file: &Path, first_line: usize) -> Result<(), Diagnostic> {
    if text.len() > MAX_BYTES {
        return Err(Diagnostic::error(
            file,
            format!(
                "le YAML est trop gros ({} Ko, au plus {} Ko)",
                text.len() / 1024,
                MAX_BYTES / 1024
            ),
        )
        .hint("découpez ce fichier, ou vérifiez qu'un autre fichier n'a pas été collé dedans.")
        .at_line(first_line));
    }
    if let Some((line, column)) = too_deep(text) {
        return Err(Diagnostic::error(
            file,
            format!("le YAML est imbriqué trop profondément (plus de {MAX_DEPTH} niveaux)"),
        )
        .hint("une clé ou une liste de l'école ne s'imbrique que sur quelques niveaux : vérifiez l'indentation et les crochets [ ] et accolades { }.")
        .at(first_line + line, column));
    }
    Ok(())
}

/// (0-based line, 1-based column) where the nesting of `text` first passes
/// [`MAX_DEPTH`]: flow brackets outside quotes, plus block levels (each
/// deeper indentation, each `- ` or `? ` that opens a nested item on the
/// same line). An over-estimate is fine: the limit is far above real files.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let mut flow = 0usize;
    // Indentations of the open block levels.
    let mut indents: Vec<usize> = Vec::new();
    let mut in_block_scalar: Option<usize> = None;
    for (number, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = &line[indent..];
        if let Some(level) = in_block_scalar {
            if content.is_empty() || indent > level {
                continue;
            }
            in_block_scalar = None;
        }
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if flow == 0 {
            while indents.last().is_some_and(|&i| i >= indent) {
                indents.pop();
            }
            indents.push(indent);
        }
        let mut depth = indents.len() + flow;
        let mut quote: Option<char> = None;
        let mut at_item_start = flow == 0;
        let mut previous = ' ';
        for (column, c) in content.chars().enumerate() {
            match quote {
                Some(q) => {
                    if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '#' if previous == ' ' => break,
                    '\'' | '"' if previous == ' ' || "[{,:".contains(previous) => quote = Some(c),
                    '[' | '{' => {
                        flow += 1;
                        depth += 1;
                    }
                    ']' | '}' => {
                        flow = flow.saturating_sub(1);
                        depth = depth.saturating_sub(1);
                    }
                    '-' | '?' if at_item_start => depth += 1,
                    '|' | '>' if flow == 0 && previous == ' ' => {
                        in_block_scalar = Some(indent);
                    }
                    _ => {}
                },
            }
            if depth > MAX_DEPTH {
                return Some((number, indent + column + 1));
            }
            at_item_start = at_item_start && (c == ' ' || c == '-' || c == '?');
            previous = c;
        }
    }
    None
}

/// The known name closest to `word`, if it is close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.as_str())
}

/// The 1-based line of `key:` at the start of a line in a YAML text
/// (`first_line` is the line of the text's first line in its file).
pub fn key_line(text: &str, key: &str, first_line: usize) -> Option<usize> {
    text.lines().enumerate().find_map(|(i, line)| {
        let trimmed = line.trim_start().trim_start_matches("- ");
        let rest = trimmed.strip_prefix(key)?;
        rest.trim_start().starts_with(':').then_some(first_line + i)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        titre: String,
        date: Option<String>,
        #[serde(default, deserialize_with = "boolean")]
        brouillon: bool,
    }

    #[test]
    fn unknown_key_suggests_closest() {
        let err = parse::<Sample>("titr: Bonjour\n", Path::new("a.md"), 2).unwrap_err();
        assert_eq!(err.message, "clé inconnue « titr »");
        assert!(err
            .hint
            .as_deref()
            .unwrap()
            .starts_with("vouliez-vous dire « titre » ?"));
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn missing_key_is_named() {
        let err = parse::<Sample>("date: x\n", Path::new("a.md"), 2).unwrap_err();
        assert_eq!(
            err.message,
            "il manque le titre « titre : » (ce qui s'affiche en gros en haut de la page)"
        );
        assert_eq!(
            err.hint.as_deref(),
            Some("ajoutez une ligne « titre: … » entre les lignes ---.")
        );
    }

    #[test]
    fn colon_in_a_value_is_quoted() {
        let s: Sample = parse(
            "titre: « Sciences : l'eau » # la séance\nbrouillon: oui\n",
            Path::new("a.md"),
            2,
        )
        .unwrap();
        assert_eq!(s.titre, "« Sciences : l'eau »");
        let s: Sample = parse("titre: Voir: \"ici\" \\o/\n", Path::new("a.md"), 2).unwrap();
        assert_eq!(s.titre, "Voir: \"ici\" \\o/");
        // An indentation mistake is not "fixed".
        let err = parse::<Sample>("titre: x\n  date: y\n", Path::new("a.md"), 2).unwrap_err();
        assert!(err.message.contains("deux-points"), "{}", err.message);
        assert_eq!(err.line, Some(3));
    }

    #[test]
    fn french_booleans() {
        #[derive(Debug, Deserialize)]
        struct Flag {
            #[serde(default, deserialize_with = "boolean")]
            brouillon: bool,
        }
        for (text, value) in [
            ("oui", true),
            ("Non", false),
            ("vrai", true),
            ("faux", false),
            ("true", true),
            ("false", false),
        ] {
            let f: Flag = parse(&format!("brouillon: {text}\n"), Path::new("a.md"), 2).unwrap();
            assert_eq!(f.brouillon, value, "{text}");
        }
        let f: Flag = parse("{}", Path::new("a.md"), 2).unwrap();
        assert!(!f.brouillon);
        let err = parse::<Flag>("brouillon: peut-être\n", Path::new("a.md"), 2).unwrap_err();
        assert!(
            err.message.contains("« peut-être » n'est ni oui ni non"),
            "{}",
            err.message
        );
    }

    #[test]
    fn serde_shapes_are_french() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Shapes {
            #[serde(default)]
            pair: Option<(u8, u8)>,
            #[serde(default)]
            either: Option<Either>,
        }
        #[derive(Debug, Deserialize)]
        #[serde(untagged)]
        #[allow(dead_code)]
        enum Either {
            Number(u8),
            List(Vec<u8>),
        }
        let err = parse::<Shapes>("pair: [1]\n", Path::new("ecole.yaml"), 1).unwrap_err();
        assert!(
            err.message.contains("nombre d'éléments inattendu (1)"),
            "{}",
            err.message
        );
        let err = parse::<Shapes>("either: {a: b}\n", Path::new("ecole.yaml"), 1).unwrap_err();
        assert!(err.message.contains("forme inattendue"), "{}", err.message);
    }

    #[test]
    fn syntax_errors_say_what_to_do_in_french() {
        for (text, expected, line) in [
            (
                "titre: @ la piscine\n",
                "un texte ne peut pas commencer par « @ »",
                2,
            ),
            ("titre: x\n\tdate: y\n", "tabulation", 3),
            ("titre: \"Ok\" en plus\n", "clé: valeur", 2),
            ("titre: 'a\n", "guillemet", 2),
        ] {
            let err = parse::<Sample>(text, Path::new("a.md"), 2).unwrap_err();
            assert!(err.message.contains(expected), "{text:?}: {}", err.message);
            assert!(err.hint.is_some(), "{text:?}");
            assert_eq!(err.line.map(|l| l >= line), Some(true), "{text:?}");
        }
    }

    #[test]
    fn wrong_type_is_french() {
        let err = parse::<Sample>("titre: x\nbrouillon: [1]\n", Path::new("a.md"), 2).unwrap_err();
        assert!(err.message.contains("oui ou non"), "{}", err.message);
        assert_eq!(err.line, Some(3));
    }

    #[test]
    fn syntax_error_has_line() {
        let err = parse::<Sample>("titre: x\n  : : y\n\tz", Path::new("a.md"), 2).unwrap_err();
        assert!(err.message.contains("clé: valeur"), "{}", err.message);
        assert!(err.line.unwrap() >= 3);
    }

    #[test]
    fn value_errors_point_at_the_value() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct WithDate {
            titre: String,
            date: crate::dates::Date,
        }
        let err =
            parse::<WithDate>("titre: x\ndate: 2026-02-30\n", Path::new("a.md"), 2).unwrap_err();
        assert_eq!(
            (err.line, err.column),
            (Some(3), Some(7)),
            "{}",
            err.message
        );
    }

    #[test]
    fn out_of_range_number_is_french() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Photos {
            qualite: u8,
        }
        let err = parse::<Photos>("qualite: 300\n", Path::new("ecole.yaml"), 1).unwrap_err();
        assert_eq!(
            err.message,
            "dans « qualite » : valeur impossible « 300 » : il faut un nombre entier de 0 à 255"
        );
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let s: Sample = parse("\u{feff}titre: x\n", Path::new("a.md"), 2).unwrap();
        assert_eq!(s.titre, "x");
    }

    #[test]
    fn nesting_is_measured_before_parsing() {
        let ok = "titre: x\na_faire:\n  - pour: 2026-11-20\n    matiere: \"[a]\"\n    travail: '{'\nb: [[1, 2], {c: [d]}]\nd: |\n  [[[[[[\n";
        assert_eq!(too_deep(ok), None);
        let flow = format!("titre: {}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(too_deep(&flow), Some((0, 7 + MAX_DEPTH)));
        let block = format!("titre: x\nb:\n  {}x\n", "- ".repeat(100));
        assert_eq!(too_deep(&block).map(|p| p.0), Some(2));
        let indented: String = (0..100)
            .map(|i| format!("{}a{i}:\n", " ".repeat(i)))
            .collect();
        assert!(too_deep(&indented).is_some());
        let err = parse::<Sample>(&flow, Path::new("a.md"), 2).unwrap_err();
        assert!(
            err.message.contains("imbriqué trop profondément"),
            "{}",
            err.message
        );
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn size_is_limited_before_parsing() {
        let big = format!("titre: x\n# {}\n", "a".repeat(MAX_BYTES));
        let err = parse::<Sample>(&big, Path::new("a.md"), 2).unwrap_err();
        assert!(err.message.contains("trop gros"), "{}", err.message);
    }

    #[test]
    fn finds_key_line() {
        assert_eq!(key_line("titre: a\nacces: b\n", "acces", 2), Some(3));
        assert_eq!(key_line("titre: a\n", "acces", 2), None);
    }
}
