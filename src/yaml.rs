//! YAML parsing with French, located error messages.
//!
//! `serde_yaml` reports errors in English with a position inside the YAML
//! fragment. This module turns them into [`Diagnostic`]s that name the file
//! and the line in the school folder (front matter starts on line 2 of a
//! markdown file), in French, with a hint — including the closest known key
//! when a key is misspelt.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostic::Diagnostic;

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
    let source = if text.trim().is_empty() { "{}" } else { text };
    serde_yaml::from_str(source).map_err(|err| to_diagnostic(&err, text, file, first_line))
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

fn to_diagnostic(
    err: &serde_yaml::Error,
    text: &str,
    file: &Path,
    first_line: usize,
) -> Diagnostic {
    let raw = strip_position(&err.to_string());
    let (message, hint) = translate(&raw);
    let mut diagnostic = Diagnostic::error(file, message);
    if let Some(hint) = hint {
        diagnostic = diagnostic.hint(hint);
    }
    // Errors raised by our own value parsers (dates, times) are located by
    // serde_yaml at the start of the mapping: point at the value instead.
    if let Some(pos) = quoted_value(&diagnostic.message).and_then(|v| find_in(text, &v)) {
        return diagnostic.at(first_line + pos.0, pos.1 + 1);
    }
    match err.location() {
        Some(loc) => diagnostic.at(first_line + loc.line() - 1, loc.column()),
        None => diagnostic.at_line(first_line),
    }
}

/// The value quoted as « … » in a French message of ours.
fn quoted_value(message: &str) -> Option<String> {
    if !(message.contains("date ") || message.contains("heure ")) {
        return None;
    }
    let start = message.find("« ")? + "« ".len();
    let end = message[start..].find(" »")? + start;
    Some(message[start..end].to_string()).filter(|v| !v.is_empty())
}

/// (0-based line, 0-based char column) of the first occurrence of `needle`.
fn find_in(text: &str, needle: &str) -> Option<(usize, usize)> {
    text.lines()
        .enumerate()
        .find_map(|(i, line)| line.find(needle).map(|b| (i, line[..b].chars().count())))
}

/// Removes serde_yaml's own "at line L column C" from a message.
fn strip_position(message: &str) -> String {
    let mut text = message.to_string();
    if let Some(pos) = text.find(" at line ") {
        text.truncate(pos);
    }
    // Nested errors are prefixed by the path of the key, e.g. "a_faire[0]: ".
    text
}

/// Translates serde's English message into French, with a hint.
fn translate(raw: &str) -> (String, Option<String>) {
    let (path, msg) = split_key_path(raw);
    let prefix = path.map(|p| format!("dans « {p} » : ")).unwrap_or_default();
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let names = backticked(rest);
        let unknown = names.first().cloned().unwrap_or_default();
        let expected: Vec<String> = names.into_iter().skip(1).collect();
        let hint = match closest(&unknown, &expected) {
            Some(best) => format!(
                "vouliez-vous dire « {best} » ? Clés possibles : {}.",
                expected.join(", ")
            ),
            None if expected.is_empty() => "retirez cette clé.".to_string(),
            None => format!("clés possibles : {}.", expected.join(", ")),
        };
        return (format!("{prefix}clé inconnue « {unknown} »"), Some(hint));
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        let name = backticked(rest).first().cloned().unwrap_or_default();
        return (
            format!("{prefix}la clé obligatoire « {name} » manque"),
            Some(format!(
                "ajoutez une ligne « {name}: … » entre les lignes ---."
            )),
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "autre chose"));
        return (
            format!(
                "{prefix}valeur de type inattendu : {} alors qu'il faut {}",
                french_type(found),
                french_type(expected)
            ),
            Some("vérifiez la valeur et son indentation (deux espaces par niveau).".into()),
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid value: ") {
        // `invalid value: integer `300`, expected u8`
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let value = backticked(found)
            .first()
            .cloned()
            .unwrap_or_else(|| found.to_string());
        let range = match expected.trim() {
            "u8" => "un nombre entier de 0 à 255".to_string(),
            "u16" => "un nombre entier de 0 à 65535".to_string(),
            "u32" | "u64" | "usize" => "un nombre entier positif".to_string(),
            other => french_type(other),
        };
        return (
            format!("{prefix}valeur impossible « {value} » : il faut {range}"),
            Some("corrigez la valeur.".into()),
        );
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let names = backticked(rest);
        let unknown = names.first().cloned().unwrap_or_default();
        let expected: Vec<String> = names.into_iter().skip(1).collect();
        return (
            format!("{prefix}valeur inconnue « {unknown} »"),
            Some(format!("valeurs possibles : {}.", expected.join(", "))),
        );
    }
    if msg.starts_with("duplicate entry") || msg.starts_with("duplicate field") {
        let name = backticked(msg).first().cloned().unwrap_or_default();
        return (
            format!("{prefix}la clé « {name} » apparaît deux fois"),
            Some("gardez une seule ligne pour cette clé.".into()),
        );
    }
    // Messages raised by our own Deserialize impls are already French.
    if msg.chars().next().is_some_and(|c| !c.is_ascii()) || is_french(msg) {
        return (format!("{prefix}{msg}"), None);
    }
    (
        format!("{prefix}YAML illisible : {msg}"),
        Some(
            "vérifiez l'indentation (des espaces, pas de tabulation) et mettez entre guillemets \
             un texte qui contient « : » ou commence par un caractère spécial."
                .into(),
        ),
    )
}

fn is_french(msg: &str) -> bool {
    ["date ", "heure ", "accès ", "la ", "le ", "l'", "valeur "]
        .iter()
        .any(|p| msg.starts_with(p))
}

/// serde_yaml prefixes nested errors with the key path (`a_faire[0].pour: …`).
fn split_key_path(raw: &str) -> (Option<&str>, &str) {
    if let Some((path, rest)) = raw.split_once(": ") {
        let looks_like_path = !path.is_empty()
            && !path.contains(' ')
            && path
                .chars()
                .all(|c| c.is_alphanumeric() || "_.[]".contains(c));
        if looks_like_path {
            return (Some(path), rest);
        }
    }
    (None, raw)
}

fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn french_type(text: &str) -> String {
    let text = text.trim();
    let kind = text.split_whitespace().next().unwrap_or(text);
    let label = match kind {
        "string" | "a" if text.contains("string") => "un texte",
        "sequence" | "a sequence" => "une liste",
        "map" | "a map" => "des clés",
        "boolean" => "vrai ou faux (true/false)",
        "integer" | "u32" | "u64" | "usize" | "i64" => "un nombre entier",
        "floating" => "un nombre",
        "unit" => "une valeur vide",
        _ => "",
    };
    if !label.is_empty() {
        return label.to_string();
    }
    match text {
        t if t.contains("sequence") => "une liste".into(),
        t if t.contains("map") || t.contains("struct") => "des clés".into(),
        t if t.contains("bool") => "vrai ou faux (true/false)".into(),
        t if t.contains("integer") || t.contains("u32") || t.contains("usize") => {
            "un nombre entier".into()
        }
        t if t.contains("string") || t.contains("str") => "un texte".into(),
        t => t.to_string(),
    }
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
        brouillon: Option<bool>,
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
        assert_eq!(err.message, "la clé obligatoire « titre » manque");
    }

    #[test]
    fn wrong_type_is_french() {
        let err = parse::<Sample>("titre: x\nbrouillon: [1]\n", Path::new("a.md"), 2).unwrap_err();
        assert!(err.message.contains("vrai ou faux"), "{}", err.message);
        assert_eq!(err.line, Some(3));
    }

    #[test]
    fn syntax_error_has_line() {
        let err = parse::<Sample>("titre: x\n  : : y\n\tz", Path::new("a.md"), 2).unwrap_err();
        assert!(err.message.contains("YAML illisible"), "{}", err.message);
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
