//! Links to sealed files, rewritten: to the route of an area, or to a
//! `data-chiffre-*` attribute the browser decrypts.

use std::collections::HashMap;

use super::{area_path, Sealed};

/// Rewrites `href="…"` and `src="…"` that point to sealed files. In public
/// pages a link to a restricted page only names its area (never its route,
/// which carries a slug); inside an area the route is kept.
pub(super) fn rewrite_references(
    html: &str,
    base: &str,
    sealed: &HashMap<String, Sealed>,
    public_page: bool,
) -> String {
    const ATTRS: [&str; 3] = ["href=\"", "src=\"", "srcset=\""];
    let mut out = String::with_capacity(html.len());
    // Where the rewritten text stops, and the next occurrence of each
    // attribute at or after it: each search resumes where it stopped, so
    // the page is read once whatever its number of links.
    let mut done = 0;
    let mut next: [Option<usize>; 3] = ATTRS.map(|a| find_attr(html, a, 0));
    loop {
        for (k, attr) in ATTRS.iter().enumerate() {
            if next[k].is_some_and(|at| at < done) {
                next[k] = find_attr(html, attr, done);
            }
        }
        let Some((i, k)) = next
            .iter()
            .enumerate()
            .filter_map(|(k, at)| at.map(|at| (at, k)))
            .min()
        else {
            break;
        };
        let attr = ATTRS[k];
        let value_start = i + attr.len();
        let Some(len) = html[value_start..].find('"') else {
            break;
        };
        let value = &html[value_start..value_start + len];
        out.push_str(&html[done..i]);
        done = value_start + len + 1;
        if attr == "srcset=\"" {
            // A sealed photo is decrypted at one width: its other widths
            // would name sealed files, so the whole srcset goes.
            let any_sealed = value
                .split(',')
                .filter_map(|c| c.split_whitespace().next())
                .any(|u| lookup(u, base, sealed).is_some());
            if !any_sealed {
                out.push_str(attr);
                out.push_str(value);
                out.push('"');
            }
            continue;
        }
        match lookup(value, base, sealed) {
            Some(target) => match &target.route {
                Some(route) => {
                    let area = format!("{base}{}", area_path(&target.audience));
                    if public_page {
                        out.push_str(&format!("href=\"{area}\""));
                    } else {
                        // A place in the page (`#francais-1`) follows its route.
                        let place = value.find('#').map_or("", |at| &value[at..]);
                        out.push_str(&format!("href=\"{area}#/{route}{place}\""));
                    }
                }
                None if public_page => {
                    out.push_str(&format!("{attr}{base}{}\"", area_path(&target.audience)))
                }
                None => {
                    let kind = if attr == "src=\"" {
                        "data-chiffre-src"
                    } else {
                        "href=\"#\" data-chiffre-href"
                    };
                    let name = value.rsplit('/').next().unwrap_or("fichier");
                    out.push_str(&format!(
                        "{kind}=\"{base}{}\" data-chiffre-id=\"{}\" data-espace=\"{}\" data-nom=\"{}\"",
                        target.blob, target.id, target.audience, name
                    ));
                }
            },
            None => {
                out.push_str(attr);
                out.push_str(value);
                out.push('"');
            }
        }
    }
    out.push_str(&html[done..]);
    out
}

/// Position of attribute `attr` (`href="`) at or after `from`, standing
/// alone, not as the end of a longer name such as `data-href="`.
fn find_attr(text: &str, attr: &str, mut from: usize) -> Option<usize> {
    while let Some(i) = text[from..].find(attr) {
        let at = from + i;
        if at > 0 && text.as_bytes()[at - 1].is_ascii_whitespace() {
            return Some(at);
        }
        from = at + attr.len();
    }
    None
}

fn lookup<'a>(value: &str, base: &str, sealed: &'a HashMap<String, Sealed>) -> Option<&'a Sealed> {
    let value = value.replace("&amp;", "&");
    let path = value.strip_prefix(base)?.split(['#', '?']).next()?;
    let path = crate::slug::percent_decode(path);
    if path.is_empty() || path.ends_with('/') {
        sealed.get(&crate::layout::index_file(&path))
    } else {
        // A page written without its final slash is still that page.
        sealed
            .get(&path)
            .or_else(|| sealed.get(&crate::layout::index_file(&format!("{path}/"))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Audience;

    #[test]
    fn rewrites_links_to_sealed_pages_and_files() {
        let mut sealed = HashMap::new();
        sealed.insert(
            "classes/cm1/blog/sortie/index.html".to_string(),
            Sealed {
                audience: Audience::Class("cm1".into()),
                id: "classe:cm1/page/blog/sortie/".into(),
                blob: "acces/aa.bin".into(),
                route: Some("blog/sortie/".into()),
            },
        );
        sealed.insert(
            "classes/cm1/blog/sortie/photo.jpg".to_string(),
            Sealed {
                audience: Audience::Class("cm1".into()),
                id: "classe:cm1/fichier/x".into(),
                blob: "acces/bb.bin".into(),
                route: None,
            },
        );
        let html = r#"<a href="/b/classes/cm1/blog/sortie/">Sortie</a><img src="/b/classes/cm1/blog/sortie/photo.jpg" alt="x"><a href="/b/agenda/">A</a> <a href="/b/classes/cm1/blog/sortie">Sans barre</a>"#;
        let inside = rewrite_references(html, "/b/", &sealed, false);
        assert!(
            inside.contains(r#"href="/b/classes/cm1/#/blog/sortie/""#),
            "{inside}"
        );
        assert!(
            inside.contains(r#"data-chiffre-src="/b/acces/bb.bin""#),
            "{inside}"
        );
        assert!(!inside.contains("src=\"/b/classes"), "{inside}");
        assert!(inside.contains(r#"href="/b/agenda/""#));
        assert!(!inside.contains("blog/sortie\""), "{inside}");
        let public = rewrite_references(html, "/b/", &sealed, true);
        assert!(!public.contains("sortie"), "{public}");
        assert_eq!(public.matches(r#"href="/b/classes/cm1/""#).count(), 2);
        // Many links, some attributes absent: every one is rewritten.
        let many = r#"<a href="/b/classes/cm1/blog/sortie/">S</a> "#.repeat(1000);
        let public = rewrite_references(&many, "/b/", &sealed, true);
        assert_eq!(public.matches(r#"href="/b/classes/cm1/""#).count(), 1000);
        // A place in the page follows the route inside the area; a public
        // page names only the area.
        let html = r#"<a href="/b/classes/cm1/blog/sortie/#francais-1">Dictée</a>"#;
        let inside = rewrite_references(html, "/b/", &sealed, false);
        assert!(
            inside.contains(r#"href="/b/classes/cm1/#/blog/sortie/#francais-1""#),
            "{inside}"
        );
        let public = rewrite_references(html, "/b/", &sealed, true);
        assert!(public.contains(r#"href="/b/classes/cm1/""#), "{public}");
    }
}
