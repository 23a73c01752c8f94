//! Feeds: Atom for public news, iCalendar for the agenda and homework, and
//! the sitemap of public pages. Hand-written: the formats are small and a
//! dependency would not make them clearer.

use crate::config::School;
use crate::content::{Event, Homework, Page};
use crate::dates::Date;

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Atom feed of the given posts (newest first). The feed is public: a post
/// that is not is left out whatever the caller passed, and the posts' HTML
/// already leads to an area's entry, never to a restricted page (see
/// `content::links`).
pub fn atom(school: &School, posts: &[&Page]) -> String {
    let posts: Vec<&Page> = posts
        .iter()
        .copied()
        .filter(|p| p.audience.is_public())
        .collect();
    let updated = posts
        .first()
        .and_then(|p| p.date)
        .map(|d| d.iso())
        .unwrap_or_else(|| "2000-01-01".into());
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">\n");
    out.push_str(&format!(
        "  <title>{} — Actualités</title>\n",
        xml_escape(&school.file.name)
    ));
    out.push_str(&format!(
        "  <link href=\"{}\"/>\n",
        xml_escape(&school.permalink(""))
    ));
    out.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n",
        xml_escape(&school.permalink(crate::layout::ATOM))
    ));
    out.push_str(&format!(
        "  <id>{}</id>\n  <updated>{updated}T00:00:00Z</updated>\n",
        xml_escape(&school.permalink(""))
    ));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml_escape(&school.file.name)
    ));
    for post in &posts {
        let link = school.permalink(&post.path);
        let date = post.date.map(|d| d.iso()).unwrap_or_default();
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", xml_escape(&post.title)));
        out.push_str(&format!(
            "    <link href=\"{}\"/>\n    <id>{}</id>\n",
            xml_escape(&link),
            xml_escape(&link)
        ));
        out.push_str(&format!("    <updated>{date}T00:00:00Z</updated>\n"));
        out.push_str(&format!(
            "    <summary>{}</summary>\n",
            xml_escape(&post.summary)
        ));
        out.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml_escape(&post.content)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// Escapes a text value for iCalendar and folds long lines at 75 octets.
fn ics_line(name: &str, value: &str) -> String {
    let escaped = value
        .replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n");
    let line = format!("{name}:{escaped}");
    let mut out = String::new();
    let mut count = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if count + len > 74 {
            out.push_str("\r\n ");
            count = 1;
        }
        out.push(c);
        count += len;
    }
    out.push_str("\r\n");
    out
}

fn ics_date(d: Date) -> String {
    d.0.format("%Y%m%d").to_string()
}

fn calendar(name: &str, body: String) -> String {
    let mut out = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Preau//Preau//FR\r\nCALSCALE:GREGORIAN\r\n",
    );
    out.push_str(&ics_line("X-WR-CALNAME", name));
    out.push_str("X-WR-TIMEZONE:Europe/Paris\r\n");
    out.push_str(&body);
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// iCalendar of agenda events. Timed events are floating local times (the
/// school's time), all-day events use DATE values.
pub fn events_ics(name: &str, events: &[&Event], stamp: Date) -> String {
    let mut body = String::new();
    for e in events {
        body.push_str("BEGIN:VEVENT\r\n");
        body.push_str(&ics_line("UID", &e.uid));
        body.push_str(&format!("DTSTAMP:{}T000000Z\r\n", ics_date(stamp)));
        match &e.time {
            Some(t) => {
                let hm = t.0.replace(':', "");
                body.push_str(&format!("DTSTART:{}T{hm}00\r\n", ics_date(e.date)));
                let end_day = e.end.unwrap_or(e.date);
                if let Some(et) = &e.end_time {
                    body.push_str(&format!(
                        "DTEND:{}T{}00\r\n",
                        ics_date(end_day),
                        et.0.replace(':', "")
                    ));
                }
            }
            None => {
                body.push_str(&format!("DTSTART;VALUE=DATE:{}\r\n", ics_date(e.date)));
                let after = e
                    .end
                    .unwrap_or(e.date)
                    .0
                    .succ_opt()
                    .map(Date)
                    .unwrap_or(e.date);
                body.push_str(&format!("DTEND;VALUE=DATE:{}\r\n", ics_date(after)));
            }
        }
        body.push_str(&ics_line("SUMMARY", &e.title));
        if let Some(place) = &e.place {
            body.push_str(&ics_line("LOCATION", place));
        }
        if let Some(desc) = &e.description {
            body.push_str(&ics_line("DESCRIPTION", desc));
        }
        body.push_str("END:VEVENT\r\n");
    }
    calendar(name, body)
}

/// iCalendar of a class's homework: one all-day event on each due date.
pub fn homework_ics(name: &str, class_id: &str, days: &[&Page], stamp: Date) -> String {
    let mut body = String::new();
    for day in days {
        let given = day.date.expect("cahier days have a date");
        for (i, hw) in day.homework.iter().enumerate() {
            let Homework {
                due: pour,
                subject: matiere,
                work: travail,
            } = hw;
            body.push_str("BEGIN:VEVENT\r\n");
            body.push_str(&ics_line(
                "UID",
                &format!("{class_id}-{}-{i}@preau", given.iso()),
            ));
            body.push_str(&format!("DTSTAMP:{}T000000Z\r\n", ics_date(stamp)));
            body.push_str(&format!("DTSTART;VALUE=DATE:{}\r\n", ics_date(*pour)));
            let after = pour.0.succ_opt().map(Date).unwrap_or(*pour);
            body.push_str(&format!("DTEND;VALUE=DATE:{}\r\n", ics_date(after)));
            body.push_str(&ics_line("SUMMARY", &format!("{matiere} : {travail}")));
            body.push_str(&ics_line(
                "DESCRIPTION",
                &format!("Donné le {}.", given.long_fr()),
            ));
            body.push_str("END:VEVENT\r\n");
        }
    }
    calendar(name, body)
}

/// Sitemap of the given public paths.
pub fn sitemap(school: &School, paths: &[String]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for path in paths {
        out.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            xml_escape(&school.permalink(&crate::slug::encode_path(path)))
        ));
    }
    out.push_str("</urlset>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ics_lines_are_escaped_and_folded() {
        let line = ics_line("SUMMARY", "Français : lire, écrire; compter");
        assert!(line.contains("lire\\, écrire\\; compter"));
        let long = ics_line("DESCRIPTION", &"é".repeat(100));
        assert!(long.lines().all(|l| l.len() <= 75));
    }
}
