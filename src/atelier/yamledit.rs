//! Editing YAML as text: one key (or one list item) is rewritten, every
//! other byte stays as the teacher wrote it (comments, key order, quotes,
//! blank lines). The whole YAML is never re-serialised.

/// A value as a YAML scalar: plain when YAML reads it back as the same
/// string, double-quoted otherwise.
pub fn scalar(value: &str) -> String {
    if plain_is_safe(value) {
        value.to_string()
    } else {
        quoted(value)
    }
}

/// A value double-quoted, with YAML escapes.
pub fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn plain_is_safe(value: &str) -> bool {
    if value.is_empty()
        || value != value.trim()
        || value.contains(['\n', '\r', '\t'])
        || value.chars().any(char::is_control)
        || value.contains(": ")
        || value.contains(" #")
        || value.ends_with(':')
        || value.starts_with(|c: char| "!&*[]{}|>'\"%@`#,?:-~".contains(c))
    {
        return false;
    }
    // Whatever YAML would read as something else than this very string
    // (a number, a boolean, a date, null…) is quoted.
    matches!(
        serde_yaml::from_str::<serde_yaml::Value>(&format!("v: {value}")),
        Ok(serde_yaml::Value::Mapping(m))
            if m.get("v") == Some(&serde_yaml::Value::String(value.to_string()))
    ) && !looks_like_date(value)
        // YAML 1.1 readers (other editors, linters) take these for booleans.
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false"
        )
}

fn looks_like_date(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

/// The lines of a text, each with its line ending.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// A top-level key of a mapping text: its name and its lines `start..end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The key.
    pub key: String,
    /// First line (0-based).
    pub start: usize,
    /// One past its last line (blank lines and comments after it excluded).
    pub end: usize,
}

/// The key a line at column 0 starts, if any.
fn key_of(line: &str) -> Option<&str> {
    let name_end = line
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(line.len());
    if name_end == 0 || line.starts_with('-') {
        return None;
    }
    let rest = line[name_end..].trim_start_matches([' ', '\t']);
    rest.starts_with(':').then(|| &line[..name_end])
}

/// The top-level keys of a mapping text, in order, with their lines: a key
/// runs from its line to the last indented (or `-`) line before the next
/// key or column-0 comment.
pub fn regions(text: &str) -> Vec<Region> {
    let lines = lines(text);
    let starts: Vec<(usize, &str)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| key_of(l.trim_end_matches(['\n', '\r'])).map(|k| (i, k)))
        .collect();
    let mut out = Vec::with_capacity(starts.len());
    for (n, &(start, key)) in starts.iter().enumerate() {
        let limit = starts.get(n + 1).map(|x| x.0).unwrap_or(lines.len());
        let mut end = start + 1;
        for (i, line) in lines.iter().enumerate().take(limit).skip(start + 1) {
            let bare = line.trim_end_matches(['\n', '\r']);
            if bare.trim().is_empty() {
                continue;
            }
            if bare.starts_with([' ', '\t', '-']) {
                end = i + 1;
            } else {
                break;
            }
        }
        out.push(Region {
            key: key.to_string(),
            start,
            end,
        });
    }
    out
}

/// Sets (or removes, with `None`) the top-level `key` of a mapping text.
/// `rendered` is the key's whole text (`"key: value\n"`, or a key and its
/// indented block). A new key goes after the nearest existing key that
/// comes before it in `order`, else before the nearest one after it, else
/// at the end.
pub fn set_key(text: &str, key: &str, rendered: Option<&str>, order: &[&str]) -> String {
    let lines = lines(text);
    let regions = regions(text);
    let found = regions.iter().find(|r| r.key == key);
    let mut out = String::with_capacity(text.len() + 64);
    match (found, rendered) {
        (Some(r), new) => {
            for line in &lines[..r.start] {
                out.push_str(line);
            }
            if let Some(new) = new {
                out.push_str(new);
            }
            for line in &lines[r.end..] {
                out.push_str(line);
            }
        }
        (None, None) => out.push_str(text),
        (None, Some(new)) => {
            let rank = order.iter().position(|k| *k == key);
            let before = rank.and_then(|rank| {
                regions
                    .iter()
                    .filter(|r| order[..rank].contains(&r.key.as_str()))
                    .map(|r| r.end)
                    .max()
            });
            let after = rank.and_then(|rank| {
                regions
                    .iter()
                    .filter(|r| order[rank + 1..].contains(&r.key.as_str()))
                    .map(|r| r.start)
                    .min()
            });
            let at = before.or(after).unwrap_or(lines.len());
            for line in &lines[..at] {
                out.push_str(line);
            }
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(new);
            for line in &lines[at..] {
                out.push_str(line);
            }
        }
    }
    out
}

/// The items of a top-level YAML list: text before the first item, then
/// each item's lines `start..end` (comments and blank lines after an item
/// are left between items).
pub fn items(text: &str) -> Vec<(usize, usize)> {
    let lines = lines(text);
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("- ") || l.trim_end() == "-")
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let limit = starts.get(n + 1).copied().unwrap_or(lines.len());
        let mut end = start + 1;
        for (i, line) in lines.iter().enumerate().take(limit).skip(start + 1) {
            let bare = line.trim_end_matches(['\n', '\r']);
            if bare.trim().is_empty() {
                continue;
            }
            if bare.starts_with([' ', '\t']) {
                end = i + 1;
            } else {
                break;
            }
        }
        out.push((start, end));
    }
    out
}

/// An item's text (`- a: 1\n  b: 2\n`) as a mapping text (`a: 1\nb: 2\n`)
/// and the indentation removed.
pub fn item_to_mapping(item: &str) -> (String, usize) {
    let first = item.lines().next().unwrap_or("");
    let after_dash = &first[1..];
    let indent = 1 + (after_dash.len() - after_dash.trim_start_matches(' ').len());
    let mut out = String::with_capacity(item.len());
    for (i, line) in item.split_inclusive('\n').enumerate() {
        if i == 0 {
            out.push_str(line.get(indent..).unwrap_or("\n"));
        } else {
            let spaces = line.len() - line.trim_start_matches(' ').len();
            out.push_str(&line[spaces.min(indent)..]);
        }
    }
    (out, indent)
}

/// The reverse of [`item_to_mapping`].
pub fn mapping_to_item(mapping: &str, indent: usize) -> String {
    let mut out = String::with_capacity(mapping.len() + 16);
    let pad = " ".repeat(indent);
    for (i, line) in mapping.split_inclusive('\n').enumerate() {
        if i == 0 {
            out.push('-');
            out.push_str(&pad[1..]);
        } else if !line.trim().is_empty() {
            out.push_str(&pad);
        }
        out.push_str(line);
    }
    out
}

/// Indents a block by `n` spaces (blank lines stay empty).
pub fn indent(block: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    block
        .split_inclusive('\n')
        .map(|l| {
            if l.trim().is_empty() {
                l.to_string()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_quoted_only_when_needed() {
        assert_eq!(scalar("Sortie au musée"), "Sortie au musée");
        assert_eq!(scalar("« Sciences : l'eau »"), "\"« Sciences : l'eau »\"");
        assert_eq!(scalar("oui"), "oui");
        assert_eq!(scalar("Yes"), "\"Yes\"");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("12"), "\"12\"");
        assert_eq!(scalar("2026-11-20"), "\"2026-11-20\"");
        assert_eq!(scalar("- tiret"), "\"- tiret\"");
        assert_eq!(scalar("a # b"), "\"a # b\"");
        assert_eq!(scalar("L'Œil du loup"), "L'Œil du loup");
        for v in [
            "a: b", "x\ny", "\"q\"", "\\", "null", "~", "[1]", "@a", " a",
        ] {
            let yaml = format!("v: {}\n", scalar(v));
            let back: std::collections::BTreeMap<String, String> =
                serde_yaml::from_str(&yaml).unwrap();
            assert_eq!(back["v"], v, "{yaml}");
        }
    }

    #[test]
    fn one_key_changes_and_the_rest_stays() {
        let text = "titre: A # mon titre\n# un commentaire\ndate: 2026-01-01\ngalerie:\n  - photo: a.jpg\n\n    texte: A\n# fin\n";
        let r = regions(text);
        assert_eq!(
            r.iter()
                .map(|r| (r.key.as_str(), r.start, r.end))
                .collect::<Vec<_>>(),
            [("titre", 0, 1), ("date", 2, 3), ("galerie", 3, 7)]
        );
        let order = ["titre", "date", "resume", "galerie"];
        let edited = set_key(text, "date", Some("date: 2026-02-02\n"), &order);
        assert_eq!(edited, text.replace("2026-01-01", "2026-02-02"));
        let added = set_key(text, "resume", Some("resume: R\n"), &order);
        assert_eq!(
            added,
            "titre: A # mon titre\n# un commentaire\ndate: 2026-01-01\nresume: R\ngalerie:\n  - photo: a.jpg\n\n    texte: A\n# fin\n"
        );
        let removed = set_key(text, "galerie", None, &order);
        assert_eq!(
            removed,
            "titre: A # mon titre\n# un commentaire\ndate: 2026-01-01\n# fin\n"
        );
        assert_eq!(
            set_key("", "titre", Some("titre: X\n"), &order),
            "titre: X\n"
        );
    }

    #[test]
    fn items_round_trip_through_mappings() {
        let text =
            "# agenda\n- titre: A\n  date: 2026-01-01\n\n# entre\n-   titre: B\n    lieu: C\n";
        let found = items(text);
        assert_eq!(found, [(1, 3), (5, 7)]);
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let second: String = lines[5..7].concat();
        let (m, indent) = item_to_mapping(&second);
        assert_eq!(m, "titre: B\nlieu: C\n");
        assert_eq!(mapping_to_item(&m, indent), second);
    }
}
