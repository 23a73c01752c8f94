//! Usage indicators from the host's access logs, without personal data.
//!
//! The ENT indicators count use across nine services and four user
//! profiles. A static site has no accounts, so the profile is inferred from
//! what a visit fetched: a visit that opened a class area (or the families'
//! area) is a family's (parents and pupils share the code: they are one
//! profile, `familles`), one that opened the staff area is a teacher's
//! (`enseignants`), any other is `autres`. A visit is one visitor's requests
//! with no gap of more than thirty minutes; a visitor is a keyed hash of
//! address and user agent whose key lives in memory for one day of log and
//! is never written, so nothing links two days, and no address, user agent
//! or full URL reaches any output.

pub mod log;
pub mod map;
pub mod report;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Result;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Audience;
pub use map::{PublicationMap, Service};

/// The profiles a request can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Profile {
    /// Public pages read without opening any area.
    Others,
    /// A class's (or every class's) families: parents and pupils.
    Families,
    /// The staff code's use.
    Teachers,
}

impl Profile {
    /// Every profile, in the report's order.
    pub const ALL: [Profile; 3] = [Profile::Families, Profile::Teachers, Profile::Others];

    /// The identifier of the CSV.
    pub fn id(self) -> &'static str {
        match self {
            Profile::Others => "autres",
            Profile::Families => "familles",
            Profile::Teachers => "enseignants",
        }
    }

    /// The name a reader of the report sees.
    pub fn label(self) -> &'static str {
        match self {
            Profile::Others => "Autres visiteurs",
            Profile::Families => "Familles (parents et élèves)",
            Profile::Teachers => "Enseignants",
        }
    }

    fn of(audience: &Audience) -> Profile {
        match audience {
            Audience::Public => Profile::Others,
            Audience::Staff => Profile::Teachers,
            Audience::Families | Audience::Class(_) => Profile::Families,
        }
    }
}

/// Page views and visits of one month, service and profile.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    /// Requests for the service's pages and files.
    pub views: u64,
    /// Visits that used the service.
    pub visits: u64,
}

/// What the logs showed.
#[derive(Debug, Default, Clone)]
pub struct Usage {
    /// (`AAAA-MM`, service, profile) → counts.
    pub counts: BTreeMap<(String, Service, Profile), Count>,
    /// (`AAAA-MM`, profile) → visitors, counted once a day each.
    pub daily_visitors: BTreeMap<(String, Profile), u64>,
    /// Lines read.
    pub lines: u64,
    /// Lines in no known format (counted, never fatal).
    pub bad_lines: u64,
    /// Requests from robots (user agent, or asked for `robots.txt`).
    pub bots: u64,
    /// Requests for nothing the site published (errors, other sites, old
    /// files unknown to the map, styles and scripts).
    pub other: u64,
    /// Log files read.
    pub files: Vec<PathBuf>,
    /// Log files that ended early (a truncated archive).
    pub truncated: Vec<PathBuf>,
}

impl Usage {
    /// Months seen, in order.
    pub fn months(&self) -> Vec<String> {
        let mut months: Vec<String> = self.counts.keys().map(|k| k.0.clone()).collect();
        months.dedup();
        months
    }

    /// Counts of a cell (zero when nothing was seen).
    pub fn get(&self, month: &str, service: Service, profile: Profile) -> Count {
        self.counts
            .get(&(month.to_string(), service, profile))
            .copied()
            .unwrap_or_default()
    }
}

/// Gap after which a visitor's next request starts a new visit.
const VISIT_GAP_MINUTES: i64 = 30;

/// One visit in progress.
struct Visit {
    start_month: String,
    last: i64,
    profile: Profile,
    services: BTreeMap<Service, u64>,
}

/// The counting state for the day being read.
struct Day {
    day: i64,
    key: [u8; 32],
    visits: HashMap<[u8; 32], Visit>,
    bots: HashSet<[u8; 32]>,
    seen: HashSet<([u8; 32], Profile)>,
}

impl Day {
    fn new(day: i64) -> Day {
        let mut key = [0u8; 32];
        getrandom::getrandom(&mut key).expect("the system's random generator works");
        Day {
            day,
            key,
            visits: HashMap::new(),
            bots: HashSet::new(),
            seen: HashSet::new(),
        }
    }

    fn visitor(&self, ip: &str, agent: Option<&str>) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("any key size");
        mac.update(ip.as_bytes());
        mac.update(&[0]);
        mac.update(agent.unwrap_or("").as_bytes());
        mac.finalize().into_bytes().into()
    }
}

fn close(visit: Visit, visitor: [u8; 32], day: &mut Day, usage: &mut Usage) {
    for (service, views) in &visit.services {
        let count = usage
            .counts
            .entry((visit.start_month.clone(), *service, visit.profile))
            .or_default();
        count.views += views;
        count.visits += 1;
    }
    if day.seen.insert((visitor, visit.profile)) {
        *usage
            .daily_visitors
            .entry((visit.start_month, visit.profile))
            .or_default() += 1;
    }
}

fn close_day(day: &mut Day, usage: &mut Usage) {
    let visits: Vec<([u8; 32], Visit)> = day.visits.drain().collect();
    for (visitor, visit) in visits {
        close(visit, visitor, day, usage);
    }
}

/// Substrings of the user agents of robots, crawlers and scripts.
const BOT_MARKERS: [&str; 16] = [
    "bot",
    "crawl",
    "spider",
    "slurp",
    "curl",
    "wget",
    "python",
    "go-http",
    "java/",
    "libwww",
    "httpclient",
    "headless",
    "monitor",
    "uptime",
    "scan",
    "facebookexternalhit",
];

fn is_bot(agent: Option<&str>) -> bool {
    match agent {
        None => false,
        Some("") | Some("-") => true,
        Some(agent) => {
            let lower = agent.to_ascii_lowercase();
            BOT_MARKERS.iter().any(|m| lower.contains(m))
        }
    }
}

/// The published path a request asks for, relative to the site root.
fn site_path(target: &str, base_path: &str) -> Option<String> {
    let path = target.split(['?', '#']).next()?;
    let path = percent_decode(path)?;
    let rest = path.strip_prefix(base_path).or_else(|| {
        (path.len() + 1 == base_path.len() && base_path.starts_with(path.as_str())).then_some("")
    })?;
    if rest.split('/').any(|part| part == "..") {
        return None;
    }
    Some(if rest.is_empty() || rest.ends_with('/') {
        format!("{rest}index.html")
    } else {
        rest.to_string()
    })
}

fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Reads every log and counts use, with the school's publication map and
/// the site's base path (`/jean-jaures/`).
pub fn analyse(logs: &[PathBuf], map: &PublicationMap, base_path: &str) -> Result<Usage> {
    let mut usage = Usage {
        files: log::files(logs)?,
        ..Usage::default()
    };
    let mut day: Option<Day> = None;
    let mut line = String::new();
    for path in usage.files.clone() {
        let mut reader = log::open(&path)?;
        loop {
            line.clear();
            match std::io::BufRead::read_line(&mut reader, &mut line) {
                Ok(0) => break,
                Ok(_) => {}
                // Invalid UTF-8 or a truncated archive: count the line as bad.
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    usage.lines += 1;
                    usage.bad_lines += 1;
                    continue;
                }
                // A truncated archive: what was read counts, the file is named.
                Err(_) => {
                    usage.truncated.push(path.clone());
                    break;
                }
            }
            usage.lines += 1;
            let Some(request) = log::parse(line.trim_end()) else {
                usage.bad_lines += 1;
                continue;
            };
            count(&request, map, base_path, &mut day, &mut usage);
        }
    }
    if let Some(mut d) = day {
        close_day(&mut d, &mut usage);
    }
    Ok(usage)
}

fn count(
    request: &log::Request<'_>,
    map: &PublicationMap,
    base_path: &str,
    day: &mut Option<Day>,
    usage: &mut Usage,
) {
    if day.as_ref().is_none_or(|d| d.day != request.day) {
        if let Some(mut old) = day.take() {
            close_day(&mut old, usage);
        }
        *day = Some(Day::new(request.day));
    }
    let day = day.as_mut().expect("set above");
    let visitor = day.visitor(request.ip, request.user_agent);
    let path = site_path(request.target, base_path);
    if path.as_deref() == Some("robots.txt") {
        day.bots.insert(visitor);
    }
    if is_bot(request.user_agent) || day.bots.contains(&visitor) {
        usage.bots += 1;
        return;
    }
    let served = matches!(request.status, 200..=299 | 304);
    let entry = path
        .as_deref()
        .filter(|_| served && matches!(request.method, "GET" | "HEAD"))
        .and_then(|p| map.get(p));
    let Some(entry) = entry else {
        usage.other += 1;
        return;
    };
    let profile = map::audience_of(entry)
        .map(|a| Profile::of(&a))
        .unwrap_or(Profile::Others);
    let now = request.day * 1440 + i64::from(request.minute);
    let month = String::from_utf8_lossy(&request.month).into_owned();
    if let Some(visit) = day.visits.get(&visitor) {
        if now - visit.last > VISIT_GAP_MINUTES {
            let visit = day.visits.remove(&visitor).expect("just seen");
            close(visit, visitor, day, usage);
        }
    }
    let visit = day.visits.entry(visitor).or_insert_with(|| Visit {
        start_month: month,
        last: now,
        profile: Profile::Others,
        services: BTreeMap::new(),
    });
    visit.last = now;
    visit.profile = visit.profile.max(profile);
    *visit.services.entry(entry.service).or_default() += 1;
}

/// `2026-11` → `2026-2027` (a school year runs from September to August).
pub fn school_year(month: &str) -> String {
    let year: i32 = month[..4].parse().unwrap_or(0);
    let m: u32 = month[5..].parse().unwrap_or(1);
    if m >= 9 {
        format!("{year}-{}", year + 1)
    } else {
        format!("{}-{year}", year - 1)
    }
}

/// Runs the whole command for one school: reads its map, the logs, and
/// writes the CSV and the HTML report into `out`. Returns their paths.
pub fn run(school: &Path, logs: &[PathBuf], out: &Path) -> Result<(Usage, PathBuf, PathBuf)> {
    let map = PublicationMap::load(school)?;
    if map.files.is_empty() {
        anyhow::bail!(
            "l'école « {} » n'a pas encore de carte de publication\n  conseil : construisez le site une fois (preau build) : la carte qui relie chaque fichier publié à son service est écrite dans .preau/",
            school.display()
        );
    }
    let diags = crate::diagnostic::Diagnostics::new();
    let Some(config) = crate::config::School::load(school, crate::dates::today(), &diags) else {
        anyhow::bail!(
            "ecole.yaml de « {} » a des erreurs\n  conseil : lancez « preau check » pour les voir",
            school.display()
        );
    };
    let usage = analyse(logs, &map, &config.base_path)?;
    std::fs::create_dir_all(out)
        .map_err(|e| anyhow::anyhow!("création de « {} » : {e}", out.display()))?;
    let csv = out.join("statistiques.csv");
    let html = out.join("statistiques.html");
    std::fs::write(&csv, report::csv(&usage))
        .map_err(|e| anyhow::anyhow!("écriture de « {} » : {e}", csv.display()))?;
    std::fs::write(&html, report::html(&usage, &config.file.name))
        .map_err(|e| anyhow::anyhow!("écriture de « {} » : {e}", html.display()))?;
    Ok((usage, csv, html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_targets_become_site_paths() {
        let base = "/jean-jaures/";
        assert_eq!(
            site_path("/jean-jaures/", base).as_deref(),
            Some("index.html")
        );
        assert_eq!(
            site_path("/jean-jaures", base).as_deref(),
            Some("index.html")
        );
        assert_eq!(
            site_path("/jean-jaures/classes/cm1/?code=x#y", base).as_deref(),
            Some("classes/cm1/index.html")
        );
        assert_eq!(
            site_path("/jean-jaures/documents/sortie%20mus%C3%A9e.pdf", base).as_deref(),
            Some("documents/sortie musée.pdf")
        );
        assert_eq!(site_path("/autre/", base), None);
        assert_eq!(site_path("/jean-jaures/../etc/passwd", base), None);
        assert_eq!(site_path("/jean-jaures/%zz", base), None);
    }

    #[test]
    fn school_years_run_from_september() {
        assert_eq!(school_year("2026-09"), "2026-2027");
        assert_eq!(school_year("2027-06"), "2026-2027");
    }

    #[test]
    fn robots_are_recognised() {
        assert!(is_bot(Some(
            "Googlebot/2.1 (+http://www.google.com/bot.html)"
        )));
        assert!(is_bot(Some("curl/8.5.0")));
        assert!(is_bot(Some("-")));
        assert!(!is_bot(Some(
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36"
        )));
        assert!(!is_bot(None));
    }
}
