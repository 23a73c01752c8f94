//! One session loads the school for `build`, `check` and `serve`: the day
//! comes from the command (nothing below reads the clock), and the photos
//! already read are not read again (issue 13, point 4).

use std::time::{Duration, SystemTime};

use preau::dates::Date;
use preau::site::Session;

use super::common::{copy_tree, fixture, school_copy};

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

fn stale_year_warnings(session: &mut Session) -> usize {
    session
        .load()
        .unwrap()
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("« 2026-2027 » est passée"))
        .count()
}

#[test]
fn the_day_comes_from_the_command() {
    let (_tmp, school) = school_copy("minimal");
    let mut session = Session::new(&school, day("2026-11-20"));
    assert_eq!(stale_year_warnings(&mut session), 0);
    let site = session.load().unwrap().site.unwrap();
    assert_eq!(site.today, day("2026-11-20"));
    // The same folder seen from a later school year: the legal mentions are stale.
    session.today = day("2027-09-02");
    assert_eq!(stale_year_warnings(&mut session), 1);
    assert_eq!(
        stale_year_warnings(&mut Session::new(&school, day("2027-07-10"))),
        0
    );
}

#[test]
fn a_second_load_reads_no_unchanged_photo() {
    let (_tmp, school) = school_copy("minimal");
    copy_tree(&fixture("photos"), &school);
    let past = SystemTime::now() - Duration::from_secs(3600);
    for entry in walkdir::WalkDir::new(&school) {
        let path = entry.unwrap().into_path();
        if path.extension().is_some_and(|e| e == "jpg") {
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(past).unwrap();
        }
    }
    let mut session = Session::new(&school, day("2026-11-20"));
    let first = session.load().unwrap().site.unwrap().photo_stats;
    assert_eq!((first.processed, first.read), (3, 3), "{first:?}");
    let second = session.load().unwrap().site.unwrap().photo_stats;
    assert_eq!(
        (second.cached, second.read, second.bytes_read),
        (3, 0, 0),
        "{second:?}"
    );
    // A new session (the next `preau build`) finds the record in .preau/cache/.
    let third = Session::new(&school, day("2026-11-20"))
        .load()
        .unwrap()
        .site
        .unwrap()
        .photo_stats;
    assert_eq!((third.cached, third.read), (3, 0), "{third:?}");
    // A photo replaced: read again, alone.
    let jardin = school.join("actualites/atelier/jardin.jpg");
    let tournee = std::fs::read(school.join("actualites/atelier/tournee.jpg")).unwrap();
    std::fs::write(&jardin, tournee).unwrap();
    let fourth = session.load().unwrap().site.unwrap().photo_stats;
    assert_eq!(fourth.read, 1, "{fourth:?}");
}

/// `submit` loads the school once through its session (it loaded it a
/// second time to sign): each load logs its photo stage once.
#[test]
fn submit_loads_the_school_once() {
    let s = super::approval::setup(school_copy("minimal"), "");
    let r = super::common::preau(&s.school, &["submit", "-v"]);
    let (o, e) = super::common::text(&r);
    assert!(r.status.success(), "{o}{e}");
    let loads = e.lines().filter(|l| l.starts_with("photos : ")).count();
    assert_eq!(loads, 1, "{e}");
}
