//! Search: one index per audience, built in Rust in MiniSearch's serialized
//! format (version 2), so that the browser only calls `MiniSearch.loadJS`
//! and does no indexing work. Each restricted index is sealed whole inside
//! its area. The public index, which can cover thousands of pages, is split
//! for the web (see [`public_files`]): a first query fetches only the terms
//! that start like its words and the result cards it shows.
//!
//! Terms are split like MiniSearch's default tokenizer and folded like the
//! `processTerm` the theme gives MiniSearch in the browser: Unicode NFD,
//! combining marks removed, lower case — so « Noël » and « noel » meet.
//!
//! (About 417 lines of code; the rest of the file is its unit tests.)

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::json;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::config::Audience;
use crate::content::{Content, Kind, Page};

/// The indexed fields, in MiniSearch's field order.
pub const FIELDS: [&str; 2] = ["titre", "texte"];

/// One searchable document.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Document {
    /// Unique id: the page's path.
    pub id: String,
    /// Title.
    #[serde(rename = "titre")]
    pub title: String,
    /// Plain text of the page.
    #[serde(rename = "texte")]
    pub text: String,
    /// Where it leads, for restricted pages (their area route); empty for
    /// public pages, whose URL is the base path and the id.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// « actualité », « cahier », « ressources », « page ».
    #[serde(rename = "genre")]
    pub kind: String,
    /// A short excerpt shown under the title, cut on a word boundary.
    #[serde(rename = "extrait")]
    pub excerpt: String,
    /// The class's name, for a class's page (« CM1 de Mme Roux »).
    #[serde(rename = "classe", skip_serializing_if = "String::is_empty")]
    pub class_name: String,
    /// The disciplines of a cahier day, shown apart from its text.
    #[serde(rename = "matieres", skip_serializing_if = "String::is_empty")]
    pub subjects: String,
}

/// Longest excerpt shown under a result's title, in characters.
const EXCERPT_CHARS: usize = 160;

/// The first `EXCERPT_CHARS` characters of `text`, cut after the last whole
/// word that fits, with « … » when something was left out.
pub fn excerpt(text: &str) -> String {
    let text = text.trim();
    let Some((cut, _)) = text.char_indices().nth(EXCERPT_CHARS) else {
        return text.to_string();
    };
    let head = &text[..cut];
    // The next character starts a word: the last one is whole.
    let whole = if text[cut..].starts_with(char::is_whitespace) {
        head
    } else {
        head.rfind(char::is_whitespace)
            .map_or(head, |at| &head[..at])
    };
    let whole = whole
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '—' | '-'));
    format!("{whole} …")
}

fn splitter() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"[\n\r\p{Z}\p{P}]+").expect("valid regex"))
}

/// MiniSearch's default tokenizer: `text.split(/[\n\r\p{Z}\p{P}]+/u)`.
pub fn tokenize(text: &str) -> Vec<&str> {
    splitter().split(text).collect()
}

/// The term folding shared with the browser.
pub fn process_term(term: &str) -> String {
    // Most French words are ASCII: nothing to decompose.
    if term.is_ascii() {
        return term.to_ascii_lowercase();
    }
    term.nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// Plain text of rendered HTML: tags dropped, entities decoded.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The kind of a page, in French, as search results show it.
fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Page => "page",
        Kind::News | Kind::Post => "actualité",
        Kind::CahierDay => "cahier",
        Kind::Resources => "ressources",
    }
}

/// Where a search result leads: the page itself when public, else its
/// route inside its area (`classes/cm1/#/blog/sortie/`).
pub fn link(base: &str, page: &Page) -> String {
    if page.audience.is_public() {
        return format!("{base}{}", page.path);
    }
    let area = crate::layout::area_path(&page.audience);
    let route = page.path.strip_prefix(area.as_str()).unwrap_or(&page.path);
    format!("{base}{area}#/{route}")
}

/// The documents of each audience. `link` gives the URL of a page,
/// `class_name` the name of a class from its id.
pub fn documents(
    content: &Content,
    link: &dyn Fn(&Page) -> String,
    class_name: &dyn Fn(&str) -> Option<String>,
) -> BTreeMap<Audience, Vec<Document>> {
    let mut all: BTreeMap<Audience, Vec<Document>> = BTreeMap::new();
    for page in &content.pages {
        let mut texte = plain_text(&page.content);
        for hw in &page.homework {
            texte.push_str(&format!(" {} : {}", hw.subject, hw.work));
        }
        // A cahier day's excerpt is its text without the disciplines'
        // headings: they are shown apart.
        let extrait = if !page.summary.is_empty() {
            excerpt(&page.summary)
        } else if page.sessions.iter().any(|s| !s.subject.is_empty()) {
            let sessions: Vec<String> = page
                .sessions
                .iter()
                .map(|s| {
                    let text = plain_text(&s.html);
                    text.strip_prefix(s.subject.as_str())
                        .unwrap_or(&text)
                        .trim()
                        .to_string()
                })
                .collect();
            excerpt(&sessions.join(" "))
        } else {
            excerpt(&texte)
        };
        let mut matieres: Vec<&str> = Vec::new();
        for m in page
            .sessions
            .iter()
            .map(|s| s.subject.as_str())
            .chain(page.homework.iter().map(|h| h.subject.as_str()))
        {
            if !m.is_empty() && !matieres.contains(&m) {
                matieres.push(m);
            }
        }
        all.entry(page.audience.clone())
            .or_default()
            .push(Document {
                id: page.path.clone(),
                title: page.title.clone(),
                text: texte,
                // Public pages: the browser rebuilds the URL from the id.
                url: if page.audience.is_public() {
                    String::new()
                } else {
                    link(page)
                },
                kind: kind_label(page.kind).to_string(),
                excerpt: extrait,
                class_name: page
                    .class
                    .as_deref()
                    .and_then(class_name)
                    .unwrap_or_default(),
                subjects: matieres.join(", "),
            });
    }
    all
}

/// For one term: field id → document short id → frequency.
type Postings = BTreeMap<usize, BTreeMap<usize, u64>>;

/// What MiniSearch stores of a document to show it in the results.
#[derive(Debug, Serialize)]
struct Stored<'a> {
    #[serde(rename = "titre")]
    title: &'a str,
    url: &'a str,
    #[serde(rename = "genre")]
    kind: &'a str,
    #[serde(rename = "extrait")]
    excerpt: &'a str,
    #[serde(rename = "classe", skip_serializing_if = "str::is_empty")]
    class_name: &'a str,
    #[serde(rename = "matieres", skip_serializing_if = "str::is_empty")]
    subjects: &'a str,
}

/// MiniSearch's serialization (version 2) as typed data: serde writes
/// integer map keys as strings and tuples as arrays, as `toJSON()` does.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Index<'a> {
    document_count: usize,
    next_id: usize,
    document_ids: BTreeMap<usize, &'a str>,
    field_ids: BTreeMap<&'static str, usize>,
    field_length: BTreeMap<usize, [usize; FIELDS.len()]>,
    average_field_length: [f64; FIELDS.len()],
    stored_fields: BTreeMap<usize, Stored<'a>>,
    dirt_count: usize,
    index: Vec<(String, Postings)>,
    serialization_version: u32,
}

/// Indexes `docs` exactly as `new MiniSearch({fields: ['titre','texte'],
/// storeFields: ['titre','url','genre','extrait','classe','matieres'], processTerm})` followed
/// by `addAll(docs)` would.
fn index(docs: &[Document]) -> Index<'_> {
    let mut document_ids = BTreeMap::new();
    let mut field_length = BTreeMap::new();
    let mut stored = BTreeMap::new();
    let mut average = [0f64; FIELDS.len()];
    // term → fieldId → shortId → frequency, in first-seen order like the JS map.
    let mut index: Vec<(String, Postings)> = Vec::new();
    let mut position: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (short, doc) in docs.iter().enumerate() {
        document_ids.insert(short, doc.id.as_str());
        stored.insert(
            short,
            Stored {
                title: &doc.title,
                url: &doc.url,
                kind: &doc.kind,
                excerpt: &doc.excerpt,
                class_name: &doc.class_name,
                subjects: &doc.subjects,
            },
        );
        let mut lengths = [0; FIELDS.len()];
        for (field_id, value) in [&doc.title, &doc.text].into_iter().enumerate() {
            let tokens = tokenize(value);
            let unique = tokens
                .iter()
                .collect::<std::collections::HashSet<_>>()
                .len();
            lengths[field_id] = unique;
            average[field_id] =
                (average[field_id] * short as f64 + unique as f64) / (short as f64 + 1.0);
            for token in tokens {
                let term = process_term(token);
                if term.is_empty() {
                    continue;
                }
                let at = match position.get(&term) {
                    Some(at) => *at,
                    None => {
                        position.insert(term.clone(), index.len());
                        index.push((term, BTreeMap::new()));
                        index.len() - 1
                    }
                };
                *index[at]
                    .1
                    .entry(field_id)
                    .or_default()
                    .entry(short)
                    .or_default() += 1;
            }
        }
        field_length.insert(short, lengths);
    }
    Index {
        document_count: docs.len(),
        next_id: docs.len(),
        document_ids,
        field_ids: FIELDS.iter().enumerate().map(|(i, f)| (*f, i)).collect(),
        field_length,
        average_field_length: average,
        stored_fields: stored,
        dirt_count: 0,
        index,
        serialization_version: 2,
    }
}

/// The JSON that MiniSearch's `toJSON()` gives for `docs` (see [`index`]).
pub fn index_json(docs: &[Document]) -> Vec<u8> {
    to_json(&index(docs))
}

/// Documents per result-card file of the public index.
pub const CARDS_PER_FILE: usize = 16;

/// The public index as files under `recherche/`, each a piece of the
/// MiniSearch serialization of [`index_json`], gzip-compressed when
/// `compress` (so that a host which does not compress JSON still sends few
/// bytes; the preview skips it, to stay quick) and named by its content
/// hash (so that a browser never mixes pieces of two versions):
///
/// - `base-<hash>.bin`: the serialization with `index` and `storedFields`
///   empty (document ids, field lengths, averages);
/// - `termes/<first letter, hex code point>-<hash>.bin`: the `index`
///   entries of the terms that start with that letter;
/// - `fiches/<n>-<hash>.bin`: the `storedFields` of documents
///   `n × CARDS_PER_FILE` to `(n + 1) × CARDS_PER_FILE − 1`;
/// - `index.json`: plain JSON naming the others.
///
/// Putting the pieces back together gives exactly the whole serialization.
/// The price of the split: a typo on the first letter of a word is not
/// forgiven, since only the terms starting with the typed letter are loaded.
pub fn public_files(docs: &[Document], compress: bool) -> Vec<(String, Vec<u8>)> {
    let mut base = index(docs);
    let entries = std::mem::take(&mut base.index);
    let stored = std::mem::take(&mut base.stored_fields);
    let mut files = Vec::new();
    let mut piece = |stem: String, json: Vec<u8>| -> String {
        let bytes = if compress { gzip(&json) } else { json };
        let name = format!("{stem}-{}.bin", &crate::hash::sha256_hex(&bytes)[..12]);
        files.push((crate::layout::search_piece(&name), bytes));
        name
    };
    let base_name = piece("base".into(), to_json(&base));
    let mut by_letter: BTreeMap<String, Vec<(String, Postings)>> = BTreeMap::new();
    for entry in entries {
        let first = entry.0.chars().next().unwrap_or(' ');
        by_letter
            .entry(format!("{:x}", first as u32))
            .or_default()
            .push(entry);
    }
    let terms: BTreeMap<String, String> = by_letter
        .into_iter()
        .map(|(letter, entries)| {
            let name = piece(format!("termes/{letter}"), to_json(&entries));
            (letter, name)
        })
        .collect();
    let mut cards: Vec<BTreeMap<usize, Stored>> = Vec::new();
    for (short, fields) in stored {
        let n = short / CARDS_PER_FILE;
        if cards.len() <= n {
            cards.resize_with(n + 1, BTreeMap::new);
        }
        cards[n].insert(short, fields);
    }
    let cards: Vec<String> = cards
        .into_iter()
        .enumerate()
        .map(|(n, group)| piece(format!("fiches/{n}"), to_json(&group)))
        .collect();
    let manifest = json!({
        "format": "preau-recherche-1",
        "base": base_name,
        "termes": terms,
        "fiches": {"taille": CARDS_PER_FILE, "fichiers": cards},
    });
    files.push((
        crate::layout::SEARCH_INDEX.into(),
        manifest.to_string().into_bytes(),
    ));
    files
}

fn to_json(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).expect("a search piece serializes")
}

/// Gzip at the default level (the best level costs five times the time for
/// 1.5 % fewer bytes), with no file name and no time in the header, so that
/// the same input always gives the same bytes.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.try_finish())
        .expect("writing to memory does not fail");
    encoder.finish().expect("writing to memory does not fail")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value};

    #[test]
    fn tokenizes_like_minisearch() {
        assert_eq!(
            tokenize("« Noël », l'école !"),
            vec!["", "Noël", "l", "école", ""]
        );
    }

    #[test]
    fn excerpts_end_on_a_whole_word() {
        assert_eq!(excerpt("Court."), "Court.");
        let long = "Nous sommes allés au verger ramasser des pommes ".repeat(6);
        let cut = excerpt(&long);
        assert!(cut.ends_with(" …"), "{cut}");
        assert!(cut.chars().count() <= EXCERPT_CHARS + 2, "{cut}");
        let body = cut.trim_end_matches(" …");
        assert!(long.starts_with(body), "{cut}");
        // The word before « … » is whole: the text goes on with a space.
        assert!(long[body.len()..].starts_with(' '), "{cut}");
        let accents = "é".repeat(200);
        assert_eq!(excerpt(&accents), format!("{} …", "é".repeat(160)));
    }

    #[test]
    fn folds_accents_and_case() {
        assert_eq!(process_term("Élève"), "eleve");
        assert_eq!(process_term("Noël"), "noel");
        assert_eq!(process_term("ÇA"), "ca");
        assert_eq!(process_term("CANTINE"), "cantine");
    }

    #[test]
    fn the_split_public_index_is_the_whole_index_in_pieces() {
        use std::io::Read;
        let docs: Vec<Document> = (0..40)
            .map(|i| Document {
                id: format!("p{i}/"),
                title: format!("Page {i}"),
                text: format!("Élève numéro {i}, cantine et zoo"),
                url: String::new(),
                kind: "page".into(),
                excerpt: format!("Extrait {i}"),
                class_name: String::new(),
                subjects: String::new(),
            })
            .collect();
        for compress in [true, false] {
            let files: BTreeMap<String, Vec<u8>> =
                public_files(&docs, compress).into_iter().collect();
            let read = |name: &str| -> Value {
                let bytes = &files[&format!("recherche/{name}")];
                assert_eq!(bytes.starts_with(&[0x1f, 0x8b]), compress);
                let mut text = String::new();
                if compress {
                    flate2::read::GzDecoder::new(&bytes[..])
                        .read_to_string(&mut text)
                        .unwrap();
                } else {
                    text = String::from_utf8(bytes.clone()).unwrap();
                }
                serde_json::from_str(&text).unwrap()
            };
            check_pieces(&files, &read, &docs);
        }
        assert_eq!(
            public_files(&docs, true),
            public_files(&docs, true),
            "reproducible"
        );
    }

    fn check_pieces(
        files: &BTreeMap<String, Vec<u8>>,
        read: &dyn Fn(&str) -> Value,
        docs: &[Document],
    ) {
        let manifest: Value = serde_json::from_slice(&files["recherche/index.json"]).unwrap();
        let mut whole = read(manifest["base"].as_str().unwrap());
        let mut index = Vec::new();
        for (letter, name) in manifest["termes"].as_object().unwrap() {
            for entry in read(name.as_str().unwrap()).as_array().unwrap() {
                let first = entry[0].as_str().unwrap().chars().next().unwrap();
                assert_eq!(format!("{:x}", first as u32), *letter);
                index.push(entry.clone());
            }
        }
        let mut stored = Map::new();
        let cards = manifest["fiches"]["fichiers"].as_array().unwrap();
        assert_eq!(cards.len(), 3, "40 documents, 16 a file");
        for name in cards {
            stored.extend(read(name.as_str().unwrap()).as_object().unwrap().clone());
        }
        whole["index"] = Value::Array(index);
        whole["storedFields"] = Value::Object(stored);
        let mut expected: Value = serde_json::from_slice(&index_json(docs)).unwrap();
        let sort = |v: &mut Value| {
            v["index"]
                .as_array_mut()
                .unwrap()
                .sort_by(|a, b| a[0].as_str().cmp(&b[0].as_str()))
        };
        sort(&mut whole);
        sort(&mut expected);
        assert_eq!(whole, expected);
    }

    #[test]
    fn plain_text_drops_tags() {
        assert_eq!(
            plain_text("<p>Un <em>loup</em> &amp; un renard</p>"),
            "Un loup & un renard"
        );
    }
}
