//! Markdown to HTML with comrak: GFM tables, task lists, autolinks,
//! footnotes, heading anchors, French typography, and links rewritten to
//! site URLs. Raw HTML written in content is escaped, never rendered.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Mutex;

use comrak::adapters::{HeadingAdapter, HeadingMeta};
use comrak::nodes::{NodeValue, Sourcepos};
use comrak::options::Plugins;
use comrak::{Arena, Options};

/// A problem found while rendering, at a position inside the markdown text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// 1-based line inside the markdown text.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: String,
    /// Blocks the build when true; a warning otherwise.
    pub is_error: bool,
}

/// What a link or image points to, as the resolver sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `[texte](…)`
    Link,
    /// `![alt](…)`
    Image,
}

/// Turns a URL written in markdown into the URL to emit, or explains why
/// it points nowhere: `(message, hint)`.
pub type Resolver<'r> = dyn Fn(&str, LinkKind) -> Result<String, (String, String)> + 'r;

/// The result of rendering one markdown text.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The HTML fragment.
    pub html: String,
    /// Plain text of the first paragraph (for summaries).
    pub first_paragraph: String,
    /// Problems found (broken links, images without alt text).
    pub issues: Vec<Issue>,
}

fn options() -> Options<'static> {
    let mut options = Options::default();
    options.extension.table = true;
    options.extension.tasklist = true;
    options.extension.autolink = true;
    options.extension.footnotes = true;
    options.extension.strikethrough = true;
    options.render.r#unsafe = false;
    options.render.escape = true;
    options.render.tasklist_classes = true;
    options
}

/// `![La classe](photo de classe.jpg)`: CommonMark ends a link destination
/// at the first space, so a file name with spaces (as phones and WhatsApp
/// write them) left the raw markdown on the page and the photo unchecked. A
/// destination with spaces that ends like a file name (`.jpg`, `.pdf`…) is
/// written `<photo de classe.jpg>`, the CommonMark way. Code is left alone.
fn wrap_spaced_destinations(markdown: &str) -> Cow<'_, str> {
    if !markdown.contains("](") {
        return Cow::Borrowed(markdown);
    }
    let mut out = String::with_capacity(markdown.len() + 16);
    let mut fence: Option<&str> = None;
    for line in markdown.split_inclusive('\n') {
        let trimmed = line.trim_start();
        match fence {
            Some(f) if trimmed.starts_with(f) => fence = None,
            Some(_) => {}
            None if trimmed.starts_with("```") => fence = Some("```"),
            None if trimmed.starts_with("~~~") => fence = Some("~~~"),
            None => {
                out.push_str(&wrap_line(line));
                continue;
            }
        }
        out.push_str(line);
    }
    Cow::Owned(out)
}

/// [`wrap_spaced_destinations`] for one line, outside `code` spans.
fn wrap_line(line: &str) -> Cow<'_, str> {
    if !line.contains("](") {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 4);
    let mut in_code = false;
    let mut i = 0;
    while i < line.len() {
        let rest = &line[i..];
        if rest.starts_with('`') {
            in_code = !in_code;
        } else if !in_code && rest.starts_with("](") {
            let inner_start = i + 2;
            if let Some(close) = line[inner_start..].find(')') {
                let inner = &line[inner_start..inner_start + close];
                if let Some((dest, title)) = spaced_file_name(inner) {
                    out.push_str("](<");
                    out.push_str(dest);
                    out.push('>');
                    out.push_str(title);
                    out.push(')');
                    i = inner_start + close + 1;
                    continue;
                }
            }
        }
        let c = rest.chars().next().expect("inside the line");
        out.push(c);
        i += c.len_utf8();
    }
    Cow::Owned(out)
}

/// `photo de classe.jpg "Légende"` → (`photo de classe.jpg`, ` "Légende"`),
/// when the destination has a space and ends with a file extension.
fn spaced_file_name(inner: &str) -> Option<(&str, &str)> {
    if inner.starts_with('<') {
        return None;
    }
    let (dest, title) = match inner.rfind([' ', '\t']) {
        Some(at)
            if inner.len() > at + 2
                && (inner.ends_with('"') && inner[at + 1..].starts_with('"')
                    || inner.ends_with('\'') && inner[at + 1..].starts_with('\'')) =>
        {
            (&inner[..at], &inner[at..])
        }
        _ => (inner, ""),
    };
    let dest = dest.trim();
    let extension = dest.rsplit_once('.').map(|(_, e)| e)?;
    let is_file =
        (1..=5).contains(&extension.len()) && extension.chars().all(|c| c.is_ascii_alphanumeric());
    (dest.contains(' ') && is_file && !dest.contains(['<', '>', '(', '"'])).then_some((dest, title))
}

/// Renders `markdown`, resolving every link and image through `resolve`.
pub fn render(markdown: &str, resolve: &Resolver<'_>) -> Rendered {
    render_part(markdown, resolve, &HeadingIds::default())
}

/// Renders `markdown`, one part of a page rendered apart (a cahier day's
/// séance): its headings' ids are unique among all the parts that share
/// `ids`.
pub fn render_part(markdown: &str, resolve: &Resolver<'_>, ids: &HeadingIds) -> Rendered {
    let options = options();
    let arena = Arena::new();
    let markdown = &*wrap_spaced_destinations(markdown);
    let root = comrak::parse_document(&arena, markdown, &options);
    let mut issues = Vec::new();
    let mut first_paragraph = None;

    for node in root.descendants() {
        let mut data = node.data_mut();
        let pos = data.sourcepos;
        match &mut data.value {
            NodeValue::Text(text) => {
                // Only the parent: climbing every ancestor of every text
                // is quadratic in the nesting (10,000 nested emphases took
                // 35 s). Code and code blocks are leaves in comrak anyway.
                let inside_code_or_link = node.parent().is_some_and(|p| {
                    matches!(p.data().value, NodeValue::Code(_) | NodeValue::CodeBlock(_))
                });
                if !inside_code_or_link {
                    let fixed = typography(text);
                    if fixed != **text {
                        *text = fixed.into();
                    }
                }
            }
            NodeValue::Link(link) => match resolve(&link.url, LinkKind::Link) {
                Ok(url) => link.url = url,
                Err((message, hint)) => issues.push(issue(pos, message, hint, true)),
            },
            NodeValue::Image(link) => {
                match resolve(&link.url, LinkKind::Image) {
                    Ok(url) => link.url = url,
                    Err((message, hint)) => issues.push(issue(pos, message, hint, true)),
                }
                drop(data);
                if node.collect_text().trim().is_empty() {
                    issues.push(issue(
                        pos,
                        "image sans texte alternatif".into(),
                        "décrivez l'image entre les crochets : ![Les élèves plantent des bulbes](photo.jpg).".into(),
                        false,
                    ));
                }
                continue;
            }
            NodeValue::Paragraph if first_paragraph.is_none() => {
                drop(data);
                let text = node.collect_text();
                if !text.trim().is_empty() {
                    first_paragraph = Some(typography(text.trim()));
                }
                continue;
            }
            _ => {}
        }
    }

    let adapter = Headings(ids);
    let mut plugins = Plugins::default();
    plugins.render.heading_adapter = Some(&adapter);
    let mut html = String::with_capacity(markdown.len() * 2);
    comrak::format_html_with_plugins(root, &options, &mut html, &plugins)
        .expect("writing to a String");
    Rendered {
        html: captioned(html),
        first_paragraph: first_paragraph.unwrap_or_default(),
        issues,
    }
}

/// A photo alone in its paragraph with a caption (`![texte](photo.jpg
/// "légende")`) becomes a figure whose caption is shown, not a tooltip
/// that a phone never shows. (The caption is already escaped by comrak.)
fn captioned(html: String) -> String {
    static FIGURE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let figure = FIGURE.get_or_init(|| {
        regex::Regex::new(r#"<p><img src="([^"]*)" alt="([^"]*)" title="([^"]+)" /></p>"#)
            .expect("valid regex")
    });
    if !html.contains("\" title=\"") {
        return html;
    }
    figure
        .replace_all(
            &html,
            r#"<figure class="photo"><img src="$1" alt="$2" /><figcaption>$3</figcaption></figure>"#,
        )
        .into_owned()
}

fn issue(pos: Sourcepos, message: String, hint: String, is_error: bool) -> Issue {
    Issue {
        line: pos.start.line,
        column: pos.start.column,
        message,
        hint,
        is_error,
    }
}

/// The ids a page's headings were given so far, so that each is unique on
/// the page (and `page/#section` links work): the slug of the heading's
/// text, then `-1`, `-2`… for the next ones alike, skipping any id the
/// page already has (`## Maths 1` after two `## Maths`).
#[derive(Default)]
pub struct HeadingIds(Mutex<IdsGiven>);

#[derive(Default)]
struct IdsGiven {
    /// Per slug, the last number tried.
    next: HashMap<String, usize>,
    used: HashSet<String>,
}

impl HeadingIds {
    /// A new id for a heading whose text is `text`.
    fn give(&self, text: &str) -> String {
        let base = crate::slug::slugify(text);
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let mut given = self.0.lock().expect("heading ids lock");
        let IdsGiven { next, used } = &mut *given;
        let n = next.entry(base.clone()).or_insert(0);
        let mut id = base.clone();
        while used.contains(&id) {
            *n += 1;
            id = format!("{base}-{n}");
        }
        used.insert(id.clone());
        id
    }
}

/// Writes each heading with its id from the page's [`HeadingIds`].
struct Headings<'a>(&'a HeadingIds);

impl HeadingAdapter for Headings<'_> {
    fn enter(
        &self,
        output: &mut dyn fmt::Write,
        heading: &HeadingMeta,
        _: Option<Sourcepos>,
    ) -> fmt::Result {
        let id = self.0.give(&heading.content);
        write!(output, "<h{} id=\"{}\">", heading.level, id)
    }

    fn exit(&self, output: &mut dyn fmt::Write, heading: &HeadingMeta) -> fmt::Result {
        write!(output, "</h{}>", heading.level)
    }
}

/// French typography: non-breaking spaces before `: ; ! ?` and inside « ».
///
/// Only spaces the author typed are replaced (so `10:30` and URLs stay as
/// they are); a missing space inside guillemets is added.
pub fn typography(text: &str) -> String {
    const NBSP: char = '\u{a0}';
    const NNBSP: char = '\u{202f}';
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            ' ' | NBSP | NNBSP if matches!(next, Some(':' | ';' | '!' | '?' | '»')) => {
                let punct = next.unwrap_or(' ');
                out.push(if matches!(punct, ':' | '»') {
                    NBSP
                } else {
                    NNBSP
                });
            }
            '«' => {
                out.push('«');
                if matches!(next, Some(' ' | NBSP | NNBSP)) {
                    i += 1;
                }
                out.push(NBSP);
            }
            '»' => {
                if !out.ends_with(NBSP) && !out.ends_with(NNBSP) {
                    out.push(NBSP);
                }
                out.push('»');
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn file_names_with_spaces_are_destinations() {
        assert_eq!(
            wrap_spaced_destinations("![La classe](photo de classe.jpg)\n"),
            "![La classe](<photo de classe.jpg>)\n"
        );
        assert_eq!(
            wrap_spaced_destinations("[Le compte rendu](compte rendu.pdf \"CR\") et ![a](b.jpg)"),
            "[Le compte rendu](<compte rendu.pdf> \"CR\") et ![a](b.jpg)"
        );
        for unchanged in [
            "`![a](photo de classe.jpg)`",
            "```\n![a](photo de classe.jpg)\n```\n",
            "[voir](la page suivante)",
            "[a](<déjà bon.jpg>)",
        ] {
            assert_eq!(wrap_spaced_destinations(unchanged), unchanged);
        }
    }

    use super::*;

    fn plain(md: &str) -> Rendered {
        render(md, &|url, _| Ok(url.to_string()))
    }

    #[test]
    fn french_spaces() {
        assert_eq!(
            typography("Attention : il pleut !"),
            "Attention\u{a0}: il pleut\u{202f}!"
        );
        assert_eq!(typography("« Bonjour »"), "«\u{a0}Bonjour\u{a0}»");
        assert_eq!(typography("«Bonjour»"), "«\u{a0}Bonjour\u{a0}»");
        assert_eq!(typography("à 10:30"), "à 10:30");
    }

    #[test]
    fn a_photo_with_a_caption_becomes_a_figure() {
        let r = plain("Avant.\n\n![Une mosaïque](mosaique.jpg \"Une mosaïque <du> musée\")\n\nAprès ![en ligne](x.jpg \"t\").");
        assert!(
            r.html.contains("<figure class=\"photo\"><img src=\"mosaique.jpg\" alt=\"Une mosaïque\" /><figcaption>Une mosaïque &lt;du&gt; musée</figcaption></figure>"),
            "{}",
            r.html
        );
        // An image inside a sentence keeps its place (and its title).
        assert!(r.html.contains("title=\"t\""), "{}", r.html);
    }

    #[test]
    fn raw_html_is_escaped() {
        let r = plain("<script>alert(1)</script>\n\nTexte <b>gras</b>");
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(!r.html.contains("<b>"), "{}", r.html);
    }

    #[test]
    fn gfm_features() {
        let r = plain("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] fait\n- [ ] à faire\n\nvoir https://exemple.fr\n\nNote[^1].\n\n[^1]: La note.\n\n## Français\n");
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("<a href=\"https://exemple.fr\">"));
        assert!(r.html.contains("footnote"));
        assert!(
            r.html.contains("<h2 id=\"francais\">Français</h2>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn duplicate_headings_get_unique_ids() {
        let ids = |md: &str| -> Vec<String> {
            plain(md)
                .html
                .split(" id=\"")
                .skip(1)
                .map(|s| s[..s.find('"').unwrap()].to_string())
                .collect()
        };
        assert_eq!(
            ids("## Français\n\n## Français\n\n### Français\n"),
            ["francais", "francais-1", "francais-2"]
        );
        // Never an id the page already has, whichever comes first.
        assert_eq!(
            ids("## Maths\n\n## Maths 1\n\n## Maths\n\n## Maths\n"),
            ["maths", "maths-1", "maths-2", "maths-3"]
        );
        assert_eq!(
            ids("## Maths 1\n\n## Maths\n\n## Maths\n"),
            ["maths-1", "maths", "maths-2"]
        );
        assert_eq!(ids("## !\n\n## ?\n"), ["section", "section-1"]);
    }

    #[test]
    fn parts_of_a_page_rendered_apart_share_their_ids() {
        let ids = HeadingIds::default();
        let resolve = |url: &str, _| Ok(url.to_string());
        let first = render_part("## Français\nLecture.\n", &resolve, &ids);
        let second = render_part("## Français\nDictée.\n", &resolve, &ids);
        assert!(
            first.html.contains("<h2 id=\"francais\">"),
            "{}",
            first.html
        );
        assert!(
            second.html.contains("<h2 id=\"francais-1\">"),
            "{}",
            second.html
        );
    }

    #[test]
    fn broken_link_reported_with_position() {
        let r = render("Texte\n\nvoir [ici](absent.md)", &|_, _| {
            Err(("lien cassé".into(), "conseil".into()))
        });
        assert_eq!(r.issues.len(), 1);
        assert_eq!((r.issues[0].line, r.issues[0].column), (3, 6));
    }

    #[test]
    fn image_without_alt_is_a_warning() {
        let r = plain("![](photo.jpg)");
        assert_eq!(r.issues.len(), 1);
        assert!(!r.issues[0].is_error);
    }

    #[test]
    fn first_paragraph_for_summaries() {
        assert_eq!(
            plain("## Titre\n\nPremier *paragraphe*.\n\nSecond.").first_paragraph,
            "Premier paragraphe."
        );
    }
}
