//! The review report for the IEN: a readable HTML document of all the
//! content, restricted audiences included and in clear, that puts first
//! what changed since the last approved version. Never published.

use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};

use super::state::{PageText, Snapshot};

/// Counts shown in the terminal by `preau approve`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// The version submitted.
    pub version: u64,
    /// The approved version it is compared with.
    pub depuis: Option<u64>,
    /// New pages.
    pub nouvelles: Vec<String>,
    /// Changed pages.
    pub modifiees: Vec<String>,
    /// Removed pages.
    pub supprimees: Vec<String>,
    /// Every page of the version.
    pub total: usize,
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn audience_fr(id: &str) -> String {
    match id {
        "public" => "public".into(),
        "familles" => "familles de l'école".into(),
        "equipe" => "équipe".into(),
        c => format!("familles de la classe {}", c.trim_start_matches("classe:")),
    }
}

/// Builds the report and its summary.
pub fn build(
    school: &str,
    version: u64,
    now: &Snapshot,
    previous: Option<(u64, &Snapshot)>,
) -> (String, Summary) {
    let empty = Snapshot::new();
    let (since, before) = match previous {
        Some((v, s)) => (Some(v), s),
        None => (None, &empty),
    };
    let mut summary = Summary {
        version,
        depuis: since,
        total: now.len(),
        ..Summary::default()
    };
    let mut changes = String::new();
    for (key, page) in now {
        match before.get(key) {
            None => {
                summary.nouvelles.push(key.clone());
                changes.push_str(&format!(
                    "<article class=\"nouveau\"><h3>Nouveau : {}</h3>{}<pre>{}</pre></article>\n",
                    esc(&page.title),
                    meta(key, page),
                    esc(&page.text)
                ));
            }
            Some(old) if old != page => {
                summary.modifiees.push(key.clone());
                changes.push_str(&format!(
                    "<article class=\"modifie\"><h3>Modifié : {}</h3>{}{}</article>\n",
                    esc(&page.title),
                    meta(key, page),
                    diff(old, page)
                ));
            }
            Some(_) => {}
        }
    }
    for (key, old) in before {
        if !now.contains_key(key) {
            summary.supprimees.push(key.clone());
            changes.push_str(&format!(
                "<article class=\"supprime\"><h3>Retiré : {}</h3>{}</article>\n",
                esc(&old.title),
                meta(key, old)
            ));
        }
    }
    let mut all = String::new();
    for (key, page) in now {
        all.push_str(&format!(
            "<article><h3>{}</h3>{}<pre>{}</pre></article>\n",
            esc(&page.title),
            meta(key, page),
            esc(&page.text)
        ));
    }
    let since_text = match since {
        Some(v) => format!("depuis la version {v}, la dernière approuvée"),
        None => "aucune version n'a encore été approuvée : tout est nouveau".into(),
    };
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rapport de relecture — {school} — version {version}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}
pre {{ white-space: pre-wrap; background: #f4f6fa; padding: 0.5rem; }}
.meta {{ color: #444; font-size: 0.9rem; }}
ins {{ background: #d7f5dd; text-decoration: none; display: block; }}
del {{ background: #fbdada; display: block; }}
article {{ border-top: 1px solid #ccc; }}
.avertissement {{ border: 2px solid #b35c00; padding: 0.5rem 1rem; }}
</style></head>
<body>
<h1>Rapport de relecture</h1>
<p><strong>{school}</strong> — version {version} soumise à l'approbation de l'IEN.</p>
<p class="avertissement">Ce document contient le contenu des espaces réservés en clair : il est destiné à l'IEN et ne doit pas être diffusé.</p>
<h2>Ce qui a changé</h2>
<p>{since_text} : {n} nouveau(x), {m} modifié(s), {r} retiré(s).</p>
{changes}
<h2>Tout le contenu de la version {version}</h2>
{all}
</body></html>
"#,
        school = esc(school),
        n = summary.nouvelles.len(),
        m = summary.modifiees.len(),
        r = summary.supprimees.len(),
    );
    (html, summary)
}

fn meta(key: &str, page: &PageText) -> String {
    format!(
        "<p class=\"meta\">{} — lisible par : {} — fichier {}</p>",
        esc(&page.kind),
        esc(&audience_fr(&page.audience)),
        esc(key)
    )
}

fn diff(old: &PageText, new: &PageText) -> String {
    let mut out = String::new();
    if old.title != new.title {
        out.push_str(&format!(
            "<p>Titre : <del>{}</del><ins>{}</ins></p>",
            esc(&old.title),
            esc(&new.title)
        ));
    }
    if old.audience != new.audience {
        out.push_str(&format!(
            "<p>Lisible par : <del>{}</del><ins>{}</ins></p>",
            esc(&audience_fr(&old.audience)),
            esc(&audience_fr(&new.audience))
        ));
    }
    out.push_str("<pre>");
    for change in TextDiff::from_lines(&old.text, &new.text).iter_all_changes() {
        let line = esc(change.value().trim_end_matches('\n'));
        match change.tag() {
            ChangeTag::Delete => out.push_str(&format!("<del>− {line}</del>")),
            ChangeTag::Insert => out.push_str(&format!("<ins>+ {line}</ins>")),
            ChangeTag::Equal => out.push_str(&format!("  {line}\n")),
        }
    }
    out.push_str("</pre>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(title: &str, text: &str) -> PageText {
        PageText {
            title: title.into(),
            audience: "classe:cm1".into(),
            kind: "actualité de classe".into(),
            text: text.into(),
        }
    }

    #[test]
    fn changes_come_first_with_a_diff() {
        let mut before = Snapshot::new();
        before.insert("a.md".into(), page("A", "ligne 1\nligne 2\n"));
        before.insert("b.md".into(), page("B", "b"));
        let mut now = Snapshot::new();
        now.insert("a.md".into(), page("A", "ligne 1\nligne deux\n"));
        now.insert("c.md".into(), page("C", "nouveau"));
        let (html, summary) = build("École", 3, &now, Some((2, &before)));
        assert_eq!(summary.nouvelles, vec!["c.md"]);
        assert_eq!(summary.modifiees, vec!["a.md"]);
        assert_eq!(summary.supprimees, vec!["b.md"]);
        assert!(
            html.contains("<del>− ligne 2</del>") && html.contains("<ins>+ ligne deux</ins>"),
            "{html}"
        );
        assert!(html.find("Ce qui a changé").unwrap() < html.find("Tout le contenu").unwrap());
    }
}
