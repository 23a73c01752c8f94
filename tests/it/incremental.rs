//! `preau build` after a change reuses what the previous build left in
//! `.preau/cache/construction`, and its output is byte for byte what a full
//! build makes of the same folder.

use std::path::{Path, PathBuf};

use crate::common::{copy_tree, files, preau, repo, text};

/// A copy of the example school, without its built site.
fn example_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let school = tmp.path().join("ecole");
    copy_tree(&repo().join("example-school"), &school);
    let _ = std::fs::remove_dir_all(school.join("public"));
    let _ = std::fs::remove_file(school.join(".preau/cache/construction"));
    (tmp, school)
}

/// `preau -v build SCHOOL --out OUT`; its log (stderr) on success.
fn build(school: &Path, out: &Path) -> String {
    let result = preau(
        school,
        &[
            "-v",
            "build",
            school.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let (stdout, stderr) = text(&result);
    assert!(result.status.success(), "{stdout}\n{stderr}");
    stderr
}

/// A build with no record of a previous one, into a new folder.
fn full_build(school: &Path, out: &Path) -> String {
    std::fs::remove_file(school.join(".preau/cache/construction")).unwrap();
    build(school, out)
}

/// The number before `word` on the last log line that starts with `line`.
fn count(log: &str, line: &str, word: &str) -> usize {
    let l = log
        .lines()
        .rfind(|l| l.starts_with(line))
        .unwrap_or_else(|| panic!("no « {line} » in the log:\n{log}"));
    let before = l.split(word).next().unwrap();
    before
        .rsplit(|c: char| !c.is_ascii_digit())
        .find(|w| !w.is_empty())
        .unwrap()
        .parse()
        .unwrap()
}

/// Both folders hold the same files with the same bytes.
fn assert_same_site(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    assert_eq!(fa, fb, "not the same files");
    let different: Vec<&String> = fa
        .iter()
        .filter(|f| std::fs::read(a.join(f)).unwrap() != std::fs::read(b.join(f)).unwrap())
        .collect();
    assert!(
        different.is_empty(),
        "{} file(s) differ from a full build: {different:?}",
        different.len()
    );
}

fn append(path: &Path, text: &str) {
    let mut body = std::fs::read_to_string(path).unwrap();
    body.push_str(text);
    std::fs::write(path, body).unwrap();
}

#[test]
fn a_changed_post_a_new_post_and_a_removed_day_build_what_a_full_build_makes() {
    let (_tmp, school) = example_copy();
    let out = school.join("public");
    let first = build(&school, &out);
    let sealed_first = count(&first, "fichiers réservés", "chiffré");
    assert!(sealed_first > 50, "{first}");
    let first_md = |dir: &Path| {
        let mut all: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        all.sort();
        all.remove(0)
    };

    // A teacher's day: one class post and the public news edited. Only
    // what shows them is rendered and sealed again.
    let cm1 = school.join("classes/cm1");
    append(
        &first_md(&cm1.join("blog")),
        "\nNous avons aussi planté des bulbes de tulipes.\n",
    );
    append(
        &first_md(&school.join("actualites")),
        "\nMerci aux parents venus nombreux.\n",
    );
    let again = build(&school, &out);
    let rendered = count(&again, "pages :", "rendue");
    let reused = count(&again, "pages :", "reprise");
    let sealed = count(&again, "fichiers réservés", "chiffré");
    let kept = count(&again, "fichiers réservés", "repris");
    assert!(
        rendered < 20 && reused > 100 && sealed < 10 && kept > 50,
        "the second build did not reuse the first one's work:\n{again}"
    );
    let full = school.join("public-complet");
    let log = full_build(&school, &full);
    assert_eq!(count(&log, "pages :", "reprise"), 0, "{log}");
    assert_eq!(count(&log, "fichiers réservés", "repris"), 0, "{log}");
    assert_same_site(&out, &full);

    // A new post in another class and a cahier day removed: the set of
    // restricted files changes, every page is rendered, but only what
    // changed is sealed again.
    build(&school, &out);
    std::fs::write(
        school.join("classes/ce1/blog/2026-11-20-bibliotheque.md"),
        "---\ntitre: À la bibliothèque\ndate: 2026-11-20\n---\nNous avons emprunté des albums.\n",
    )
    .unwrap();
    std::fs::remove_file(first_md(&cm1.join("cahier"))).unwrap();
    let third = build(&school, &out);
    let sealed = count(&third, "fichiers réservés", "chiffré");
    let kept = count(&third, "fichiers réservés", "repris");
    assert!(
        kept > sealed * 2,
        "the third build sealed again what did not change:\n{third}"
    );
    std::fs::remove_dir_all(&full).unwrap();
    full_build(&school, &full);
    assert_same_site(&out, &full);
}

#[test]
fn a_file_altered_in_the_output_is_made_again_and_a_damaged_record_is_ignored() {
    let (_tmp, school) = example_copy();
    let out = school.join("public");
    build(&school, &out);
    // Rewritten in place with the same size and its modification time
    // put back: only the change time tells.
    let blob = files(&out)
        .into_iter()
        .find(|f| f.starts_with("acces/") && f.ends_with(".bin"))
        .unwrap();
    for name in [blob.as_str(), "index.html"] {
        let path = out.join(name);
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        let len = std::fs::metadata(&path).unwrap().len() as usize;
        std::fs::write(&path, vec![b'x'; len]).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(modified)
            .unwrap();
    }
    build(&school, &out);
    let full = school.join("public-complet");
    full_build(&school, &full);
    assert_same_site(&out, &full);

    // A damaged record of `out`: the build does not fail, and makes the
    // same site.
    build(&school, &out);
    let record = school.join(".preau/cache/construction");
    let mut damaged = std::fs::read(&record).unwrap();
    damaged.truncate(damaged.len() / 2);
    std::fs::write(&record, &damaged).unwrap();
    build(&school, &out);
    assert_same_site(&out, &full);
}
