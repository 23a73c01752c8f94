//! Writing a form into a file's text, the way a teacher would edit it:
//! only the front-matter keys whose value changed are rewritten (comments,
//! key order and quotes stay), the markdown only when it changed, an
//! agenda's events one by one. An unchanged form gives the same bytes.
//!
//! (About 380 lines of code; the rest is its unit tests.)

use anyhow::{anyhow, bail, Result};

use super::forms::{self, DocKind, Document, EventForm};
use super::yamledit;

/// The text `doc` gives when written over `base` (the file's current text;
/// `None` for a new file).
pub fn render(kind: DocKind, base: Option<&str>, doc: &Document, stem: &str) -> Result<String> {
    let empty = Document::empty(kind);
    let (base_text, old) = match base {
        Some(text) => (
            text.to_string(),
            Document::parse(kind, text, stem).map_err(|m| anyhow!("{m}"))?,
        ),
        None => (String::new(), empty),
    };
    Ok(match (old, doc) {
        (Document::Agenda(old), Document::Agenda(new)) => {
            render_agenda(&base_text, &old.entries, &new.entries)
        }
        (old, new) => render_markdown(&base_text, &old, new)?,
    })
}

fn render_markdown(base: &str, old: &Document, new: &Document) -> Result<String> {
    let split = crate::content::frontmatter::split(base).map_err(|m| anyhow!("{m}"))?;
    let has_front = split.body_line > 1;
    let yaml = split.yaml.to_string();
    let (yaml, body_changed, body) = match (old, new) {
        (Document::Post(o), Document::Post(n)) => (
            set_fields(
                yaml,
                &[
                    ("titre", o.title != n.title, Title(&n.title)),
                    ("date", o.date != n.date, Date(&n.date)),
                    ("resume", o.summary != n.summary, Text(&n.summary)),
                    ("auteur", o.author != n.author, Text(&n.author)),
                    ("acces", o.audience != n.audience, Text(&n.audience)),
                    (
                        "droit_image",
                        o.image_rights != n.image_rights,
                        Flag(n.image_rights),
                    ),
                    ("brouillon", o.draft != n.draft, Flag(n.draft)),
                    ("galerie", o.photos != n.photos, Lines(gallery(&n.photos))),
                ],
            ),
            o.body != n.body,
            text_block(&n.body),
        ),
        (Document::CahierDay(o), Document::CahierDay(n)) => (
            set_fields(
                yaml,
                &[
                    ("date", false, Kept), // the file's name
                    ("acces", o.audience != n.audience, Text(&n.audience)),
                    ("brouillon", o.draft != n.draft, Flag(n.draft)),
                    (
                        "a_faire",
                        o.homework != n.homework,
                        Lines(homework(&n.homework)),
                    ),
                ],
            ),
            o.intro != n.intro || o.sessions != n.sessions,
            forms::join_sections(
                &n.intro,
                n.sessions
                    .iter()
                    .map(|s| (s.subject.as_str(), s.text.clone())),
            ),
        ),
        (Document::Resources(o), Document::Resources(n)) => (
            set_fields(
                yaml,
                &[
                    ("titre", o.title != n.title, Text(&n.title)),
                    ("garder", o.keep != n.keep, Flag(n.keep)),
                    ("acces", o.audience != n.audience, Text(&n.audience)),
                    ("brouillon", o.draft != n.draft, Flag(n.draft)),
                ],
            ),
            o.intro != n.intro || o.sections != n.sections,
            forms::join_sections(
                &n.intro,
                n.sections
                    .iter()
                    .map(|s| (s.heading.as_str(), forms::resource_text(s))),
            ),
        ),
        _ => bail!("le formulaire ne correspond pas au type du fichier"),
    };
    let body = if body_changed {
        body
    } else {
        split.body.to_string()
    };
    let mut out = String::with_capacity(base.len() + 256);
    if has_front {
        // The opening and closing lines as they were (BOM, `---`).
        let yaml_start = split.yaml.as_ptr() as usize - base.as_ptr() as usize;
        let body_start = base.len() - split.body.len();
        out.push_str(&base[..yaml_start]);
        out.push_str(&yaml);
        out.push_str(&base[yaml_start + split.yaml.len()..body_start]);
    } else if !yaml.is_empty() || base.is_empty() {
        out.push_str("---\n");
        out.push_str(&yaml);
        out.push_str("---\n");
    }
    out.push_str(&body);
    Ok(out)
}

/// How a form's value is written as a front-matter key.
enum Value<'a> {
    /// A title: always written (see [`title_value`]).
    Title(&'a str),
    /// A string; the key goes away when it is empty.
    Text(&'a str),
    /// A date: plain when it is one, quoted otherwise.
    Date(&'a str),
    /// A time, quoted (`"08:45"`).
    Time(&'a str),
    /// `true`; the key goes away when false.
    Flag(bool),
    /// A list already written as the key and its lines; none: no key.
    Lines(Option<String>),
    /// Not in the form: the key's place only orders the others.
    Kept,
}
use Value::*;

impl Value<'_> {
    /// The key's whole text (`key: value\n`), or `None` to remove it.
    fn yaml(&self, key: &str) -> Option<String> {
        match self {
            Title(title) => Some(format!("{key}: {}\n", title_value(title))),
            Text(value) => forms::scalar_key(key, value),
            Date(value) => forms::date_key(key, value),
            Time(value) => forms::time_key(key, value),
            Flag(on) => forms::flag_key(key, *on),
            Lines(text) => text.clone(),
            Kept => None,
        }
    }
}

/// `yaml` with each changed key of `fields` rewritten (or removed), the
/// others untouched. `fields` lists a kind's keys in the order a new key
/// is inserted: its name, whether the form changed it, its new value.
fn set_fields(mut yaml: String, fields: &[(&str, bool, Value)]) -> String {
    let order: Vec<&str> = fields.iter().map(|(key, _, _)| *key).collect();
    for (key, changed, value) in fields {
        if *changed {
            yaml = yamledit::set_key(&yaml, key, value.yaml(key).as_deref(), &order);
        }
    }
    yaml
}

/// A title is always written (`titre: ""` when empty, so that `preau
/// check` names the empty title rather than a missing key).
fn title_value(title: &str) -> String {
    if title.trim().is_empty() {
        "\"\"".to_string()
    } else {
        yamledit::scalar(title.trim())
    }
}

/// Markdown text as written in a file: ends with one newline.
fn text_block(text: &str) -> String {
    let trimmed = text.trim_end();
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("{trimmed}\n")
    }
}

fn gallery(photos: &[forms::PhotoForm]) -> Option<String> {
    if photos.is_empty() {
        return None;
    }
    let mut out = String::from("galerie:\n");
    for p in photos {
        let mut item = String::new();
        item.push_str(&format!("photo: {}\n", yamledit::scalar(p.file.trim())));
        item.push_str(&format!("texte: {}\n", quoted_or_empty(&p.alt)));
        item.extend(forms::scalar_key("legende", &p.caption));
        out.push_str(&yamledit::indent(&yamledit::mapping_to_item(&item, 2), 2));
    }
    Some(out)
}

fn homework(items: &[forms::HomeworkForm]) -> Option<String> {
    if items.is_empty() {
        return None;
    }
    let mut out = String::from("a_faire:\n");
    for h in items {
        let mut item = String::new();
        item.push_str(&forms::date_key("pour", &h.due).unwrap_or("pour: \"\"\n".into()));
        item.push_str(&format!("matiere: {}\n", quoted_or_empty(&h.subject)));
        item.push_str(&format!("travail: {}\n", quoted_or_empty(&h.work)));
        out.push_str(&yamledit::indent(&yamledit::mapping_to_item(&item, 2), 2));
    }
    Some(out)
}

fn quoted_or_empty(value: &str) -> String {
    if value.trim().is_empty() {
        "\"\"".to_string()
    } else {
        yamledit::scalar(value.trim())
    }
}

/// An agenda's new text. Old and new events are matched by title (longest
/// common subsequence; unmatched ones in the same gap are paired in
/// order): a matched event is edited key by key, an unmatched old one is
/// removed, a new one added where it stands. Everything else (comments,
/// blank lines, other events) stays as it was.
fn render_agenda(base: &str, old: &[EventForm], new: &[EventForm]) -> String {
    let lines: Vec<&str> = base.split_inclusive('\n').collect();
    let spans = yamledit::items(base);
    if spans.len() != old.len() {
        // Items written in a way we cannot find (flow style…): write the list again.
        let out: String = new.iter().map(|e| event_item(None, e)).collect();
        return if out.is_empty() { "[]\n".into() } else { out };
    }
    let mut out = String::with_capacity(base.len() + 256);
    let keep = |from: usize, to: usize, out: &mut String| {
        for line in &lines[from..to] {
            if line.trim() != "[]" {
                out.push_str(line);
            }
        }
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
    };
    let mut cursor = spans.first().map(|s| s.0).unwrap_or(lines.len());
    keep(0, cursor, &mut out);
    for op in align(old, new) {
        match op {
            Op::Pair(o, n) => {
                let (s, e) = spans[o];
                keep(cursor, s, &mut out);
                cursor = e;
                if old[o] == new[n] {
                    keep(s, e, &mut out);
                } else {
                    let item: String = lines[s..e].concat();
                    out.push_str(&event_item(Some((&item, &old[o])), &new[n]));
                }
            }
            Op::Delete(o) => {
                let (s, e) = spans[o];
                keep(cursor, s, &mut out);
                cursor = e;
            }
            Op::Insert(n) => out.push_str(&event_item(None, &new[n])),
        }
    }
    keep(cursor, lines.len(), &mut out);
    if new.is_empty() {
        out.push_str("[]\n");
    }
    out
}

/// One step from the old list of events to the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Pair(usize, usize),
    Delete(usize),
    Insert(usize),
}

/// Aligns two lists of events: longest common subsequence of titles, and
/// in each gap between matches, pairs in order then deletions or insertions.
fn align(old: &[EventForm], new: &[EventForm]) -> Vec<Op> {
    let (n, m) = (old.len(), new.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i].title == new[j].title {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut matches = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if old[i].title == new[j].title && lcs[i][j] == lcs[i + 1][j + 1] + 1 {
            matches.push((i, j));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    matches.push((n, m));
    let mut ops = Vec::new();
    let (mut oi, mut ni) = (0, 0);
    for (mo, mn) in matches {
        let (gap_old, gap_new) = (mo - oi, mn - ni);
        for k in 0..gap_old.max(gap_new) {
            match (k < gap_old, k < gap_new) {
                (true, true) => ops.push(Op::Pair(oi + k, ni + k)),
                (true, false) => ops.push(Op::Delete(oi + k)),
                _ => ops.push(Op::Insert(ni + k)),
            }
        }
        if mo < n {
            ops.push(Op::Pair(mo, mn));
        }
        oi = mo + 1;
        ni = mn + 1;
    }
    ops
}

/// One agenda item, edited from its old text (key by key) or new.
fn event_item(old: Option<(&str, &EventForm)>, new: &EventForm) -> String {
    let empty = EventForm::default();
    let (mapping, indent, old_form) = match old {
        Some((text, form)) => {
            let (m, indent) = yamledit::item_to_mapping(text);
            (m, indent, form)
        }
        None => (String::new(), 2, &empty),
    };
    let mapping = set_fields(
        mapping,
        &[
            (
                "titre",
                old_form.title != new.title || old.is_none(),
                Title(&new.title),
            ),
            ("date", old_form.date != new.date, Date(&new.date)),
            ("fin", old_form.end != new.end, Date(&new.end)),
            ("heure", old_form.time != new.time, Time(&new.time)),
            (
                "heure_fin",
                old_form.end_time != new.end_time,
                Time(&new.end_time),
            ),
            ("lieu", old_form.place != new.place, Text(&new.place)),
            (
                "description",
                old_form.description != new.description,
                Text(&new.description),
            ),
            (
                "acces",
                old_form.audience != new.audience,
                Text(&new.audience),
            ),
        ],
    );
    yamledit::mapping_to_item(&mapping, indent)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POST: &str = "---\n# commentaire\ntitre: Sortie # le titre\ndate: 2026-10-02\nauteur: Mme Martin\n---\nTexte.\n";

    #[test]
    fn unchanged_post_gives_the_same_bytes() {
        let doc = Document::parse(DocKind::Post, POST, "x").unwrap();
        assert_eq!(render(DocKind::Post, Some(POST), &doc, "x").unwrap(), POST);
    }

    #[test]
    fn one_changed_key_is_the_only_change() {
        let Document::Post(mut p) = Document::parse(DocKind::Post, POST, "x").unwrap() else {
            panic!()
        };
        p.date = "2026-10-03".into();
        p.draft = true;
        p.summary = "Une « sortie » : super".into();
        let out = render(DocKind::Post, Some(POST), &Document::Post(p), "x").unwrap();
        assert_eq!(
            out,
            "---\n# commentaire\ntitre: Sortie # le titre\ndate: 2026-10-03\nresume: \"Une « sortie » : super\"\nauteur: Mme Martin\nbrouillon: true\n---\nTexte.\n"
        );
    }

    #[test]
    fn a_new_cahier_day_is_what_the_book_shows() {
        let doc = Document::CahierDay(forms::CahierDayForm {
            date: "2026-11-20".into(),
            sessions: vec![
                forms::SessionForm {
                    subject: "Français".into(),
                    text: "Lecture du chapitre 1 de *L'Œil du loup*.".into(),
                },
                forms::SessionForm {
                    subject: "Mathématiques".into(),
                    text: "Les fractions : partage d'une pizza.".into(),
                },
            ],
            homework: vec![forms::HomeworkForm {
                due: "2026-11-24".into(),
                subject: "Français".into(),
                work: "Relire le chapitre 2 et répondre aux questions 1 à 3.".into(),
            }],
            ..Default::default()
        });
        let out = render(DocKind::CahierDay, None, &doc, "2026-11-20").unwrap();
        assert_eq!(
            out,
            "---\na_faire:\n  - pour: 2026-11-24\n    matiere: Français\n    travail: Relire le chapitre 2 et répondre aux questions 1 à 3.\n---\n## Français\nLecture du chapitre 1 de *L'Œil du loup*.\n\n## Mathématiques\nLes fractions : partage d'une pizza.\n"
        );
        assert_eq!(
            Document::parse(DocKind::CahierDay, &out, "2026-11-20").unwrap(),
            doc
        );
    }

    #[test]
    fn agenda_items_are_edited_in_place() {
        let base =
            "# L'agenda\n- titre: A\n  date: 2026-01-01 # jour\n\n- titre: B\n  date: 2026-02-01\n";
        let Document::Agenda(old) = Document::parse(DocKind::Agenda, base, "agenda").unwrap()
        else {
            panic!()
        };
        let mut new = old.clone();
        new.entries[1].place = "Salle".into();
        assert_eq!(
            render_agenda(base, &old.entries, &new.entries),
            "# L'agenda\n- titre: A\n  date: 2026-01-01 # jour\n\n- titre: B\n  date: 2026-02-01\n  lieu: Salle\n"
        );
        new.entries.remove(0);
        assert_eq!(
            render_agenda(base, &old.entries, &new.entries),
            "# L'agenda\n\n- titre: B\n  date: 2026-02-01\n  lieu: Salle\n"
        );
        let mut added = old.clone();
        added.entries.insert(
            1,
            EventForm {
                title: "Kermesse".into(),
                date: "2026-06-20".into(),
                time: "14:00".into(),
                ..Default::default()
            },
        );
        let out = render_agenda(base, &old.entries, &added.entries);
        assert_eq!(
            out,
            "# L'agenda\n- titre: A\n  date: 2026-01-01 # jour\n- titre: Kermesse\n  date: 2026-06-20\n  heure: \"14:00\"\n\n- titre: B\n  date: 2026-02-01\n"
        );
        assert_eq!(
            Document::parse(DocKind::Agenda, &out, "agenda").unwrap(),
            Document::Agenda(added)
        );
        assert_eq!(render_agenda(base, &old.entries, &[]), "# L'agenda\n\n[]\n");
    }

    #[test]
    fn a_file_without_front_matter_gets_one_and_a_bom_is_kept() {
        let base = "## Français\nLecture.\n";
        let Document::CahierDay(mut day) =
            Document::parse(DocKind::CahierDay, base, "2026-11-20").unwrap()
        else {
            panic!()
        };
        assert_eq!(
            render(
                DocKind::CahierDay,
                Some(base),
                &Document::CahierDay(day.clone()),
                "2026-11-20"
            )
            .unwrap(),
            base
        );
        day.draft = true;
        assert_eq!(
            render(
                DocKind::CahierDay,
                Some(base),
                &Document::CahierDay(day),
                "2026-11-20"
            )
            .unwrap(),
            "---\nbrouillon: true\n---\n## Français\nLecture.\n"
        );
        let bom = "\u{feff}---\ntitre: A\ndate: 2026-01-01\n---\nTexte.\n";
        let Document::Post(mut post) = Document::parse(DocKind::Post, bom, "a").unwrap() else {
            panic!()
        };
        post.audience = "classe:cm1".into();
        assert_eq!(
            render(DocKind::Post, Some(bom), &Document::Post(post), "a").unwrap(),
            "\u{feff}---\ntitre: A\ndate: 2026-01-01\nacces: classe:cm1\n---\nTexte.\n"
        );
    }

    #[test]
    fn homework_written_at_column_zero_is_replaced_whole() {
        let base = "---\na_faire:\n- pour: 2026-11-24\n  matiere: Français\n  travail: Lire.\n# fin\n---\n";
        let Document::CahierDay(mut day) =
            Document::parse(DocKind::CahierDay, base, "2026-11-20").unwrap()
        else {
            panic!()
        };
        day.homework[0].work = "Relire.".into();
        assert_eq!(
            render(DocKind::CahierDay, Some(base), &Document::CahierDay(day), "2026-11-20").unwrap(),
            "---\na_faire:\n  - pour: 2026-11-24\n    matiere: Français\n    travail: Relire.\n# fin\n---\n"
        );
    }

    #[test]
    fn a_resource_list_edit_keeps_the_other_sections() {
        let base = "---\ntitre: Ressources\n---\nIntro.\n\n## Lecture\n- [Lumni](https://www.lumni.fr) — vidéos.\n\n## Maths\n- [Fiche](ressources/f.pdf)\n";
        let Document::Resources(mut list) =
            Document::parse(DocKind::Resources, base, "ressources").unwrap()
        else {
            panic!()
        };
        list.sections[1].entries.push(forms::ResourceEntry {
            title: "Calcul@TICE".into(),
            url: "https://calculatice.ac-lille.fr".into(),
            description: String::new(),
        });
        assert_eq!(
            render(
                DocKind::Resources,
                Some(base),
                &Document::Resources(list),
                "ressources"
            )
            .unwrap(),
            format!("{base}- [Calcul@TICE](https://calculatice.ac-lille.fr)\n")
        );
    }
}
