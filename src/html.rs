//! Escaping text for HTML, the one way every part of Préau does it.

/// Escapes text for HTML text and quoted attributes: `& < > " '` only.
/// (Tera's default also escapes `/`, which makes every URL unreadable in
/// the output.)
pub fn escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes_but_not_slashes() {
        assert_eq!(
            super::escape(r#"<a href="x">l'école & /a/</a>"#),
            "&lt;a href=&quot;x&quot;&gt;l&#39;école &amp; /a/&lt;/a&gt;"
        );
    }
}
