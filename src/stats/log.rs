//! Reading web-server access logs: Apache and nginx "combined" and
//! "common" formats, plain or gzip-compressed, one line at a time.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// One request, as much of it as the statistics need. Borrowed from the
/// line: nothing of it is kept once the line is counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    /// Client address.
    pub ip: &'a str,
    /// Day of the request (days since 1970-01-01, in the log's time zone).
    pub day: i64,
    /// Minute of the day.
    pub minute: u32,
    /// `AAAA-MM`.
    pub month: [u8; 7],
    /// `GET`, `HEAD`…
    pub method: &'a str,
    /// The path and query, as requested.
    pub target: &'a str,
    /// HTTP status.
    pub status: u16,
    /// User agent (`None` in the "common" format).
    pub user_agent: Option<&'a str>,
}

/// Parses one line; `None` when it is not a log line of a known format.
pub fn parse(line: &str) -> Option<Request<'_>> {
    let (ip, rest) = line.split_once(' ')?;
    let open = rest.find('[')?;
    let close = open + rest[open..].find(']')?;
    let (day, minute, month) = parse_time(&rest[open + 1..close])?;
    let rest = rest[close + 1..].trim_start().strip_prefix('"')?;
    let (request, rest) = split_quoted(rest)?;
    let mut parts = request.split(' ');
    let method = parts.next()?;
    let target = parts.next()?;
    let mut fields = rest.trim_start().splitn(3, ' ');
    let status: u16 = fields.next()?.parse().ok()?;
    let _bytes = fields.next()?;
    let user_agent = match fields.next().map(str::trim_start) {
        Some(tail) if tail.starts_with('"') => {
            let (_referer, tail) = split_quoted(&tail[1..])?;
            let tail = tail.trim_start().strip_prefix('"')?;
            Some(split_quoted(tail)?.0)
        }
        _ => None,
    };
    Some(Request {
        ip,
        day,
        minute,
        month,
        method,
        target,
        status,
        user_agent,
    })
}

/// `"…"` with `\"` escapes: the inside, and what follows the closing quote.
fn split_quoted(s: &str) -> Option<(&str, &str)> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some((&s[..i], &s[i + 1..])),
            _ => i += 1,
        }
    }
    None
}

/// `10/Oct/2026:13:55:36 +0200` → (day number, minute of day, `2026-10`).
fn parse_time(s: &str) -> Option<(i64, u32, [u8; 7])> {
    let b = s.as_bytes();
    if b.len() < 20 || b[2] != b'/' || b[6] != b'/' || b[11] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        std::str::from_utf8(&b[r]).ok()?.parse().ok()
    };
    let day = num(0..2)?;
    let month = match &b[3..6] {
        b"Jan" => 1,
        b"Feb" => 2,
        b"Mar" => 3,
        b"Apr" => 4,
        b"May" => 5,
        b"Jun" => 6,
        b"Jul" => 7,
        b"Aug" => 8,
        b"Sep" => 9,
        b"Oct" => 10,
        b"Nov" => 11,
        b"Dec" => 12,
        _ => return None,
    };
    let year = num(7..11)?;
    let hour = num(12..14)?;
    let min = num(15..17)?;
    if hour > 23 || min > 59 {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(year as i32, month, day)?;
    let days = date
        .signed_duration_since(chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?)
        .num_days();
    let mut label = [0u8; 7];
    label[..4].copy_from_slice(&b[7..11]);
    label[4] = b'-';
    label[5] = b'0' + (month / 10) as u8;
    label[6] = b'0' + (month % 10) as u8;
    Some((days, hour * 60 + min, label))
}

/// Opens a log file, inflating it when it is gzip-compressed.
pub fn open(path: &Path) -> Result<Box<dyn BufRead>> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("lecture de « {} »", path.display()))?;
    let mut magic = [0u8; 2];
    let n = file.read(&mut magic).unwrap_or(0);
    let file =
        std::fs::File::open(path).with_context(|| format!("lecture de « {} »", path.display()))?;
    Ok(if n == 2 && magic == [0x1f, 0x8b] {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(file),
        ))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, file))
    })
}

/// The log files named on the command line (a folder stands for every file
/// in it), oldest first: ordered by the first date each one holds, so that
/// rotated logs (`access.log.3.gz`, `access.log.2.gz`, `access.log.1`,
/// `access.log`) are read in time order.
pub fn files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut all = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(input)
                .with_context(|| format!("lecture du dossier « {} »", input.display()))?
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect();
            entries.sort();
            all.extend(entries);
        } else if input.is_file() {
            all.push(input.clone());
        } else {
            anyhow::bail!(
                "« {} » n'existe pas\n  conseil : indiquez les journaux d'accès téléchargés chez l'hébergeur (fichiers ou dossier)",
                input.display()
            );
        }
    }
    let mut keyed: Vec<(i64, u32, PathBuf)> = all
        .into_iter()
        .map(|path| {
            let first = open(&path)
                .ok()
                .and_then(|reader| {
                    reader
                        .lines()
                        .take(1000)
                        .map_while(|l| l.ok())
                        .find_map(|l| parse(&l).map(|r| (r.day, r.minute)))
                })
                .unwrap_or((i64::MAX, 0));
            (first.0, first.1, path)
        })
        .collect();
    keyed.sort();
    Ok(keyed.into_iter().map(|(_, _, p)| p).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_and_common_lines_parse() {
        let combined = r#"203.0.113.7 - - [03/Nov/2026:18:42:05 +0100] "GET /jean-jaures/classes/cm1/?x=1 HTTP/1.1" 200 5120 "https://ecole.example/" "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) \"quoted\"""#;
        let r = parse(combined).unwrap();
        assert_eq!(r.ip, "203.0.113.7");
        assert_eq!(r.method, "GET");
        assert_eq!(r.target, "/jean-jaures/classes/cm1/?x=1");
        assert_eq!(r.status, 200);
        assert_eq!(&r.month, b"2026-11");
        assert_eq!(r.minute, 18 * 60 + 42);
        assert!(r.user_agent.unwrap().starts_with("Mozilla/5.0 (iPhone"));
        let common =
            r#"2001:db8::1 - - [30/Sep/2026:07:00:00 +0200] "HEAD /index.html HTTP/1.0" 304 -"#;
        let r = parse(common).unwrap();
        assert_eq!(r.user_agent, None);
        assert_eq!(&r.month, b"2026-09");
        for bad in [
            "",
            "garbage",
            r#"1.2.3.4 - - [99/Foo/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 1"#,
            r#"1.2.3.4 - - [03/Nov/2026:18:42:05 +0100] "GET / HTTP/1.1"#,
            r#"1.2.3.4 - - [03/Nov/2026:18:42:05 +0100] "GET / HTTP/1.1" abc 1"#,
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }
}
