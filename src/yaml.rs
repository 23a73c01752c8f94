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

fn to_diagnostic(
    err: &serde_yaml::Error,
    text: &str,
    file: &Path,
    first_line: usize,
) -> Diagnostic {
    let raw = strip_position(&err.to_string());
    // The character the parser stopped at, named in the message.
    let line = err
        .location()
        .and_then(|loc| text.lines().nth(loc.line().checked_sub(1)?))
        .unwrap_or("");
    let found = err
        .location()
        .and_then(|loc| line.chars().nth(loc.column().checked_sub(1)?));
    let (message, hint) = match translate_syntax(&raw, found, line) {
        Some((message, hint)) => (message, Some(hint)),
        None => translate(&raw, file),
    };
    let mut diagnostic = Diagnostic::error(file, message);
    if let Some(hint) = hint {
        diagnostic = diagnostic.hint(hint);
    }
    // Errors raised by our own value parsers (dates, times) are located by
    // serde_yaml at the start of the mapping: point at the value instead.
    if let Some(pos) = quoted_value(&diagnostic.message).and_then(|v| find_in(text, &v)) {
        return diagnostic.at(first_line + pos.0, pos.1 + 1);
    }
    // A key given twice: point at its second line.
    if raw.starts_with("duplicate") {
        let name = raw.split(['`', '"']).nth(1).unwrap_or("");
        let second = key_line(text, name, 0).and_then(|first| {
            key_line(
                &text.lines().skip(first + 1).collect::<Vec<_>>().join("\n"),
                name,
                first + 1,
            )
        });
        if let Some(line) = second {
            return diagnostic.at_line(first_line + line);
        }
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

/// The parser's own messages (the text is not YAML), in French with a
/// hint; `found` is the character the parser stopped at.
fn translate_syntax(raw: &str, found: Option<char>, line: &str) -> Option<(String, String)> {
    // The line itself, quoted as it should be: « resume: "@ la piscine" ».
    let quoted = line.trim_start().trim_start_matches("- ").split_once(": ");
    let quote = match quoted {
        Some((key, value)) if !key.contains(' ') && !value.trim().is_empty() => format!(
            "mettez le texte entre guillemets : {key}: \"{}\".",
            value.trim().replace('"', "\\\"")
        ),
        _ => "mettez le texte entre guillemets, par exemple : titre: \"@ la piscine\".".into(),
    };
    const ALIGN: &str = "les clés d'un même niveau commencent à la même colonne, avec des espaces (jamais la touche Tab) ; vérifiez l'alignement de cette ligne et de la précédente.";
    let said = |m: &str, h: &str| Some((m.to_string(), h.to_string()));
    if found == Some('\t') || raw.contains("tab character") {
        return said(
            "la ligne est décalée avec une tabulation",
            "remplacez la tabulation par des espaces (deux par niveau).",
        );
    }
    if raw.starts_with("mapping values are not allowed") {
        return said(
            "un deux-points suivi d'une espace ne peut pas rester tel quel ici",
            "si c'est une nouvelle clé, commencez la ligne à la même colonne que les autres clés ; si le deux-points fait partie du texte, mettez le texte entre guillemets, par exemple : titre: \"Sciences : l'eau\".",
        );
    }
    if raw.starts_with("found character that cannot start any token")
        || raw.starts_with("unknown anchor")
        || raw.starts_with("found undefined tag handle")
        || raw.starts_with("did not find expected alphabetic or numeric character")
    {
        let what = found.map_or("ce caractère".to_string(), |c| format!("« {c} »"));
        return Some((format!("un texte ne peut pas commencer par {what}"), quote));
    }
    if raw.starts_with("did not find expected ',' or ']'") {
        return said(
            "un crochet « [ » est ouvert mais jamais fermé",
            "fermez la liste par « ] » sur la même ligne ; si le texte commence par « [ », mettez-le entre guillemets.",
        );
    }
    if raw.starts_with("did not find expected ',' or '}'") {
        return said(
            "une accolade « { » est ouverte mais jamais fermée",
            "fermez-la par « } » sur la même ligne ; si le texte commence par « { », mettez-le entre guillemets.",
        );
    }
    if raw.starts_with("found unexpected end of stream") || raw.contains("quoted scalar") {
        return said(
            "un guillemet est ouvert mais jamais fermé",
            "fermez le guillemet à la fin du texte, sur la même ligne.",
        );
    }
    if raw.starts_with("did not find expected key") {
        return said(
            "cette ligne n'est pas de la forme « clé: valeur » attendue à cet endroit",
            "un texte entre guillemets s'arrête au guillemet fermant : mettez tout le texte entre les guillemets ; sinon, les clés d'un même niveau commencent à la même colonne.",
        );
    }
    if raw.starts_with("block sequence entries are not allowed")
        || raw.starts_with("did not find expected '-' indicator")
    {
        return said("un tiret de liste « - » est mal placé", ALIGN);
    }
    if raw.starts_with("could not find expected ':'") {
        return said(
            "il manque le deux-points après la clé",
            "écrivez « clé: valeur », avec un deux-points collé à la clé puis une espace.",
        );
    }
    if raw.starts_with("found unknown escape character") {
        return said(
            "une barre oblique inversée « \\ » dans un texte entre guillemets doubles",
            "doublez-la (\\\\) ou mettez le texte entre guillemets simples (').",
        );
    }
    if raw.starts_with("control characters are not allowed")
        || raw.starts_with("invalid leading UTF-8")
        || raw.starts_with("invalid trailing UTF-8")
    {
        return said(
            "le fichier contient un caractère invisible ou mal encodé",
            "enregistrez le fichier en UTF-8 depuis votre éditeur, ou retapez cette ligne.",
        );
    }
    if raw.starts_with("recursion limit exceeded") {
        return said(
            "le YAML est imbriqué trop profondément",
            "vérifiez l'indentation et les crochets [ ] et accolades { }.",
        );
    }
    if raw.contains("document") && !raw.contains('`') {
        return said(
            "le fichier contient plusieurs blocs séparés par « --- »",
            "gardez un seul bloc : retirez la ligne « --- » en trop.",
        );
    }
    None
}

/// Translates serde's English message into French, with a hint.
fn translate(raw: &str, file: &Path) -> (String, Option<String>) {
    let (path, msg) = split_key_path(raw);
    if let Some(rest) = msg.strip_prefix("missing field ") {
        let name = backticked(rest).first().cloned().unwrap_or_default();
        return missing(path, &name, file);
    }
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
        let hint = if msg.starts_with("date ") {
            "une date s'écrit AAAA-MM-JJ : l'année, le mois puis le jour, par exemple 2026-11-20."
        } else if msg.starts_with("heure ") {
            "une heure s'écrit HH:MM entre guillemets, par exemple \"18:00\"."
        } else {
            "corrigez la valeur."
        };
        return (format!("{prefix}{msg}"), Some(hint.into()));
    }
    // Never show the parser's English: say what usually goes wrong.
    log::debug!("YAML: {msg}");
    (
        format!("{prefix}le texte ne se lit pas (YAML illisible)"),
        Some(
            "vérifiez l'indentation (des espaces, pas de tabulation) et mettez entre guillemets \
             un texte qui contient « : » ou commence par un caractère spécial."
                .into(),
        ),
    )
}

/// What a required key is, in a teacher's words: (name with its article, what it holds).
fn required_key(name: &str) -> (String, &'static str) {
    let (what, detail) = match name {
        "pour" => ("la date", "le jour où le travail est à rendre"),
        "matiere" => ("la matière", "Français, Mathématiques…"),
        "travail" => ("le travail", "ce qu'il y a à faire"),
        "titre" => ("le titre", "ce qui s'affiche en gros en haut de la page"),
        "date" => ("la date", "AAAA-MM-JJ, par exemple 2026-11-20"),
        "photo" => ("le nom du fichier", "la photo placée à côté de l'article"),
        "texte" => (
            "le texte alternatif",
            "ce que montre la photo, pour qui ne la voit pas",
        ),
        "fichier" => ("le nom du fichier", "placé dans le dossier documents/"),
        "nom" => ("le nom", ""),
        "uai" => ("le numéro UAI", "7 chiffres et une lettre"),
        _ => ("la ligne", ""),
    };
    let detail = if detail.is_empty() {
        String::new()
    } else {
        format!(" ({detail})")
    };
    (format!("{what} « {name} : »{detail}"), "")
}

/// « Dans le devoir n° 2, il manque la date « pour : » (…) ».
fn missing(path: Option<&str>, name: &str, file: &Path) -> (String, Option<String>) {
    let (what, _) = required_key(name);
    // `a_faire[1]` → the list and the 1-based position.
    let item = path.and_then(|p| {
        let (list, rest) = p.rsplit_once('[')?;
        let n: usize = rest.strip_suffix(']')?.parse().ok()?;
        Some((list.rsplit('.').next().unwrap_or(list), n + 1))
    });
    let file_name = file.file_name().and_then(|f| f.to_str()).unwrap_or("");
    let place = match item {
        Some(("a_faire", n)) => format!("dans le devoir n° {n}, "),
        Some(("galerie", n)) => format!("dans la photo n° {n} de la galerie, "),
        Some(("", n)) if file_name == "agenda.yaml" => format!("dans l'événement n° {n}, "),
        Some(("", n)) if file_name == "documents.yaml" => format!("dans le document n° {n}, "),
        Some((list, n)) => format!("dans l'élément n° {n} de « {list} », "),
        None => match path {
            Some(p) => format!("dans « {p} », "),
            None => String::new(),
        },
    };
    let hint = if item.is_some() {
        format!("ajoutez une ligne « {name}: … », alignée sous les autres lignes de cet élément.")
    } else if file.extension().is_some_and(|e| e == "md") && path.is_none() {
        format!("ajoutez une ligne « {name}: … » entre les lignes ---.")
    } else {
        format!("ajoutez une ligne « {name}: … ».")
    };
    (format!("{place}il manque {what}"), Some(hint))
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
        "boolean" => "oui ou non (vrai ou faux)",
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
        t if t.contains("bool") => "oui ou non (vrai ou faux)".into(),
        t if t.contains("integer") || t.contains("u32") || t.contains("usize") => {
            "un nombre entier".into()
        }
        t if t.contains("string") || t.contains("str") => "un texte".into(),
        t if t.contains("float") => "un nombre".into(),
        t if t.contains("unit") || t.contains("null") => "une valeur vide".into(),
        t if t.contains("date") => "une date (AAAA-MM-JJ)".into(),
        t if t.contains("time") || t.contains("heure") => "une heure (HH:MM)".into(),
        t if t.chars().next().is_some_and(|c| !c.is_ascii()) || is_french(t) => t.to_string(),
        _ => "une autre sorte de valeur".into(),
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
