//! URL-safe names from French text (« Éducation musicale » → `education-musicale`),
//! and the paths of the site written the same way on every system.

/// Lower-case ASCII letters and digits separated by single dashes.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_lowercase();
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Percent-encodes what cannot stand in a URL path (spaces, quotes, non-ASCII).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@%#?".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%20` and the like (invalid sequences are kept as written).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// A relative path written with `/` whatever the system: the form of
/// every path of the site and of the school folder in messages and maps.
pub fn slashed(path: &std::path::Path) -> String {
    path.iter()
        .map(|p| p.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_slugs() {
        assert_eq!(slugify("Éducation musicale"), "education-musicale");
        assert_eq!(slugify("  L'Œil du loup !"), "l-oeil-du-loup");
        assert_eq!(slugify("Questionner le monde"), "questionner-le-monde");
    }

    #[test]
    fn decodes_percent() {
        assert_eq!(percent_decode("menu%20cantine.pdf"), "menu cantine.pdf");
    }

    #[test]
    fn encodes_spaces_and_accents() {
        assert_eq!(
            encode_path("documents/menu cantine é.pdf"),
            "documents/menu%20cantine%20%C3%A9.pdf"
        );
    }
}
