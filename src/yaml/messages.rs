//! serde_yaml's English messages, said in French: where the parser
//! stopped and why (« un texte ne peut pas commencer par « @ » »), a
//! missing key in a teacher's words (« dans le devoir n° 2, il manque la
//! date « pour : » »), each with the line and a `conseil`.

use std::path::Path;

use super::{closest, key_line};
use crate::diagnostic::Diagnostic;

pub(super) fn to_diagnostic(
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
    if msg.starts_with("data did not match any variant") {
        return (
            format!("{prefix}valeur d'une forme inattendue"),
            Some("comparez avec l'exemple du livre (Référence, configuration) : texte, liste ou clés indentées.".into()),
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid length ") {
        let count = rest.split(',').next().unwrap_or("").trim();
        return (
            format!("{prefix}nombre d'éléments inattendu ({count})"),
            Some("comparez avec l'exemple du livre (Référence, configuration).".into()),
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
