//! What changed since the last approved version, page by page: new,
//! modified (with their changed lines), moved to other readers, removed;
//! counted in the [`Summary`] as well.

use std::collections::{BTreeMap, BTreeSet};

use super::context::{area_label, fit, readers, view, AudienceFlag, Changes, Line};
use super::context::{PageView, Points, Removed};
use super::pages::{text_of, unescape, RPage};
use crate::manifest::report::Summary;

/// The lines added and removed between two versions of a page.
fn changed_lines(old: &RPage, new: &RPage) -> Vec<Line> {
    let (a, b) = (text_of(&old.body), text_of(&new.body));
    let mut lines = Vec::new();
    if old.title != new.title {
        lines.push(Line {
            added: false,
            text: format!("Titre : {}", old.title),
        });
        lines.push(Line {
            added: true,
            text: format!("Titre : {}", new.title),
        });
    }
    for c in similar::TextDiff::from_lines(&a, &b).iter_all_changes() {
        let text = unescape(c.value().trim_end());
        match c.tag() {
            similar::ChangeTag::Delete => lines.push(Line { added: false, text }),
            similar::ChangeTag::Insert => lines.push(Line { added: true, text }),
            similar::ChangeTag::Equal => {}
        }
    }
    lines
}

fn summary_key(p: &RPage) -> String {
    format!("{} — {}", area_label(&p.area), p.shown)
}

/// A page's identity across versions: its area and its path or route.
pub(super) type Key = (String, String);

pub(super) fn key(p: &RPage) -> Key {
    (p.area.clone(), p.key.clone())
}

/// What changed since `before`: the changes section, and the pages found
/// unchanged. A page found at the same address in another area is one
/// page whose readers changed, not one removed and one new.
pub(super) fn compare(
    now: &[RPage],
    before: &[RPage],
    points: &mut Points,
    summary: &mut Summary,
) -> (Changes, BTreeSet<Key>) {
    let old: BTreeMap<Key, &RPage> = before.iter().map(|p| (key(p), p)).collect();
    let mut at: BTreeMap<&str, &RPage> = BTreeMap::new();
    for p in before {
        for a in &p.addresses {
            at.entry(a.as_str()).or_insert(p);
        }
    }
    let mut changes = Changes {
        added: Vec::new(),
        modified: Vec::new(),
        removed: Vec::new(),
    };
    let now_keys: BTreeSet<Key> = now.iter().map(key).collect();
    let mut unchanged = BTreeSet::new();
    let mut moved = BTreeSet::new();
    for (n, p) in now.iter().enumerate() {
        let html = || fit(&p.body, 4, &format!("p{n}"));
        match old.get(&key(p)) {
            Some(o) if o.body == p.body && o.title == p.title => {
                unchanged.insert(key(p));
            }
            Some(o) => {
                summary.modified.push(summary_key(p));
                changes.modified.push(PageView {
                    lines: changed_lines(o, p),
                    ..view(p, html())
                });
            }
            None => {
                let from = p
                    .addresses
                    .iter()
                    .filter_map(|a| at.get(a.as_str()))
                    .find(|o| o.area != p.area && !now_keys.contains(&key(o)));
                match from {
                    Some(o) => {
                        moved.insert(key(o));
                        summary.modified.push(summary_key(p));
                        summary.audiences.push(summary_key(p));
                        points.audiences.push(AudienceFlag {
                            title: p.title.clone(),
                            key: p.shown.clone(),
                            before: readers(&o.area),
                            after: readers(&p.area),
                        });
                        changes.modified.push(PageView {
                            lines: changed_lines(o, p),
                            before: Some(readers(&o.area)),
                            ..view(p, html())
                        });
                    }
                    None => {
                        summary.added.push(summary_key(p));
                        changes.added.push(view(p, html()));
                    }
                }
            }
        }
    }
    for p in before {
        if !now_keys.contains(&key(p)) && !moved.contains(&key(p)) {
            summary.removed.push(summary_key(p));
            changes.removed.push(Removed {
                title: p.title.clone(),
                area: area_label(&p.area),
                key: p.shown.clone(),
            });
        }
    }
    (changes, unchanged)
}
