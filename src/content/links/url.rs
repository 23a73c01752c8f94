//! Address arithmetic for links: relative URLs, the site's own host,
//! external schemes, school-folder paths, and who may follow a link.

use std::path::{Component, Path, PathBuf};

use crate::config::Audience;

/// True when every reader of a page of audience `from` may read content
/// of audience `target` (a class's code opens the families' area too; the
/// staff's opens everything).
pub(super) fn covers(target: &Audience, from: &Audience) -> bool {
    match (target, from) {
        (Audience::Public, _) | (_, Audience::Staff) => true,
        (Audience::Families, Audience::Class(_)) => true,
        (t, f) => t == f,
    }
}

/// `host/base/` of a base URL, the host in lower case.
pub(super) fn own_site(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        format!("{}/", host.to_ascii_lowercase())
    } else {
        format!("{}/{path}/", host.to_ascii_lowercase())
    }
}

/// `rel` (`../../classes/cm1/`) read from the page at site path `dir`
/// (`actualites/sortie/`); `None` when it climbs above the site.
pub(super) fn join_url(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let mut joined = parts.join("/");
    if rel.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

pub(super) fn is_external(url: &str) -> bool {
    url.starts_with('#')
        || url.starts_with("//")
        || url.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && scheme != "@"
        })
}

/// `a/./b/../c` → `a/c`; `None` when it climbs above the school folder.
pub(super) fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for comp in path.components() {
        match comp {
            Component::Normal(c) => out.push(c),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_and_refuses_traversal() {
        assert_eq!(
            normalize(Path::new("classes/cm1/blog/../cahier/x.md")),
            Some(PathBuf::from("classes/cm1/cahier/x.md"))
        );
        assert_eq!(normalize(Path::new("../../etc/passwd")), None);
        assert_eq!(normalize(Path::new("/etc/passwd")), None);
    }

    #[test]
    fn external_urls() {
        assert!(is_external("https://lumni.fr"));
        assert!(is_external("mailto:a@b.fr"));
        assert!(is_external("#section"));
        assert!(!is_external("photo.jpg"));
        assert!(!is_external("@/pages/x.md"));
    }

    #[test]
    fn urls_relative_to_the_page_address() {
        assert_eq!(
            join_url("actualites/sortie/", "../../classes/cm1/blog/x/"),
            Some("classes/cm1/blog/x/".into())
        );
        assert_eq!(
            join_url("actualites/sortie/", "../autre"),
            Some("actualites/autre".into())
        );
        assert_eq!(join_url("actualites/sortie/", "../../../x/"), None);
    }

    #[test]
    fn own_site_addresses() {
        assert_eq!(
            own_site("https://Ecoles.Ville.fr/jean-jaures/"),
            "ecoles.ville.fr/jean-jaures/"
        );
        assert_eq!(own_site("https://ecole.fr/"), "ecole.fr/");
    }

    #[test]
    fn who_may_follow_a_link() {
        let cm1 = Audience::Class("cm1".into());
        let cm2 = Audience::Class("cm2".into());
        assert!(covers(&Audience::Public, &cm1));
        assert!(covers(&Audience::Families, &cm1));
        assert!(covers(&cm1, &cm1));
        assert!(covers(&cm1, &Audience::Staff));
        assert!(!covers(&cm1, &Audience::Public));
        assert!(!covers(&cm1, &Audience::Families));
        assert!(!covers(&cm1, &cm2));
        assert!(!covers(&Audience::Staff, &cm1));
    }
}
