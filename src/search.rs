//! Search: one index per audience, built in Rust in MiniSearch's serialized
//! format (version 2), so that the browser only calls
//! `MiniSearch.loadJSON` and does no indexing work. The public index is a
//! public file; each restricted index is sealed inside its area.
//!
//! Terms are split like MiniSearch's default tokenizer and folded like the
//! `processTerm` the theme gives MiniSearch in the browser: Unicode NFD,
//! combining marks removed, lower case — so « Noël » and « noel » meet.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::{json, Map, Value};
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
    pub titre: String,
    /// Plain text of the page.
    pub texte: String,
    /// Where it leads, for restricted pages (their area route); empty for
    /// public pages, whose URL is the base path and the id.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// « actualité », « cahier », « ressources », « page ».
    pub genre: String,
    /// A short excerpt shown under the title.
    pub extrait: String,
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

fn genre(kind: Kind) -> &'static str {
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
    let area = crate::access::bundle::area_path(&page.audience);
    let route = page.path.strip_prefix(area.as_str()).unwrap_or(&page.path);
    format!("{base}{area}#/{route}")
}

/// The documents of each audience. `link` gives the URL of a page.
pub fn documents(
    content: &Content,
    link: &dyn Fn(&Page) -> String,
) -> BTreeMap<Audience, Vec<Document>> {
    let mut all: BTreeMap<Audience, Vec<Document>> = BTreeMap::new();
    for page in &content.pages {
        let mut texte = plain_text(&page.content);
        for hw in &page.homework {
            texte.push_str(&format!(" {} : {}", hw.matiere, hw.travail));
        }
        let extrait: String = if page.summary.is_empty() {
            texte.chars().take(160).collect()
        } else {
            page.summary.clone()
        };
        all.entry(page.audience.clone())
            .or_default()
            .push(Document {
                id: page.path.clone(),
                titre: page.title.clone(),
                texte,
                // Public pages: the browser rebuilds the URL from the id.
                url: if page.audience.is_public() {
                    String::new()
                } else {
                    link(page)
                },
                genre: genre(page.kind).to_string(),
                extrait,
            });
    }
    all
}

/// For one term: field id → document short id → frequency.
type Postings = BTreeMap<usize, BTreeMap<usize, u64>>;

/// Serializes `docs` exactly as `new MiniSearch({fields: ['titre','texte'],
/// storeFields: ['titre','url','genre','extrait'], processTerm})` followed
/// by `addAll(docs)` and `toJSON()` would.
pub fn index_json(docs: &[Document]) -> Value {
    let mut document_ids = Map::new();
    let mut field_length = Map::new();
    let mut stored = Map::new();
    let mut average = [0f64; FIELDS.len()];
    // term → fieldId → shortId → frequency, in first-seen order like the JS map.
    let mut index: Vec<(String, Postings)> = Vec::new();
    let mut position: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (short, doc) in docs.iter().enumerate() {
        document_ids.insert(short.to_string(), json!(doc.id));
        stored.insert(
            short.to_string(),
            json!({"titre": doc.titre, "url": doc.url, "genre": doc.genre, "extrait": doc.extrait}),
        );
        let mut lengths = Vec::with_capacity(FIELDS.len());
        for (field_id, value) in [&doc.titre, &doc.texte].into_iter().enumerate() {
            let tokens = tokenize(value);
            let unique = tokens
                .iter()
                .collect::<std::collections::HashSet<_>>()
                .len();
            lengths.push(unique);
            average[field_id] =
                (average[field_id] * short as f64 + unique as f64) / (short as f64 + 1.0);
            for token in tokens {
                let term = process_term(token);
                if term.is_empty() {
                    continue;
                }
                let at = *position.entry(term.clone()).or_insert_with(|| {
                    index.push((term.clone(), BTreeMap::new()));
                    index.len() - 1
                });
                *index[at]
                    .1
                    .entry(field_id)
                    .or_default()
                    .entry(short)
                    .or_default() += 1;
            }
        }
        field_length.insert(short.to_string(), json!(lengths));
    }
    let index: Vec<Value> = index
        .into_iter()
        .map(|(term, fields)| {
            let data: Map<String, Value> = fields
                .into_iter()
                .map(|(f, docs)| {
                    (
                        f.to_string(),
                        Value::Object(
                            docs.into_iter()
                                .map(|(d, n)| (d.to_string(), json!(n)))
                                .collect(),
                        ),
                    )
                })
                .collect();
            json!([term, data])
        })
        .collect();
    json!({
        "documentCount": docs.len(),
        "nextId": docs.len(),
        "documentIds": document_ids,
        "fieldIds": {"titre": 0, "texte": 1},
        "fieldLength": field_length,
        "averageFieldLength": average,
        "storedFields": stored,
        "dirtCount": 0,
        "index": index,
        "serializationVersion": 2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_like_minisearch() {
        assert_eq!(
            tokenize("« Noël », l'école !"),
            vec!["", "Noël", "l", "école", ""]
        );
    }

    #[test]
    fn folds_accents_and_case() {
        assert_eq!(process_term("Élève"), "eleve");
        assert_eq!(process_term("Noël"), "noel");
        assert_eq!(process_term("ÇA"), "ca");
    }

    #[test]
    fn plain_text_drops_tags() {
        assert_eq!(
            plain_text("<p>Un <em>loup</em> &amp; un renard</p>"),
            "Un loup & un renard"
        );
    }
}
