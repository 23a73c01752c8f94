//! What a page just rendered holds, read once from the HTML the theme
//! made (a school may override the templates): its title and the range
//! of its main content, which the search and the sealing steps use.

use crate::output::RenderedPage;

/// The title and main-content range of a page just rendered, read once
/// from the HTML the theme made (a school may override the templates).
pub fn page_facts(html: &str) -> RenderedPage {
    RenderedPage {
        title: unescape(between(html, "<title>", "</title>").unwrap_or_default()),
        main: main_range(html),
        print: 0,
    }
}

/// Text between two markers.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

/// The range of the inside of `<main …>…</main>` (the whole text when there is none).
fn main_range(html: &str) -> std::ops::Range<usize> {
    let Some(open) = html.find("<main") else {
        return 0..html.len();
    };
    let Some(gt) = html[open..].find('>') else {
        return 0..html.len();
    };
    let start = open + gt + 1;
    let end = html
        .rfind("</main>")
        .filter(|e| *e >= start)
        .unwrap_or(html.len());
    start..end
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_says_its_title_and_main_content() {
        let html = "<title>Sortie &amp; pique-nique — École</title><body><main id=\"contenu\" tabindex=\"-1\">X<p>y</p></main></body>";
        let facts = page_facts(html);
        assert_eq!(facts.title, "Sortie & pique-nique — École");
        assert_eq!(&html[facts.main], "X<p>y</p>");
        assert_eq!(page_facts("<p>z</p>").main, 0..8);
    }
}
