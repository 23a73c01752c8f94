//! Issue 14, point 4: a preview that reloads by itself, seen in Chromium
//! under the pages' strict Content-Security-Policy. The test only writes
//! files; the page must follow alone (tests/browser/preview.mjs).

use super::super::common::{copy_tree, fixture, node_script, require, school_copy};
use super::start;

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn the_open_page_follows_saves_errors_and_fixes_in_chromium() {
    require(&["browser"]);
    let (_tmp, school) = school_copy("minimal");
    let server = start(&school, &[]);
    let school_dir = school.to_string_lossy().into_owned();
    let (ok, log) = node_script(
        "preview.mjs",
        &[
            "--address",
            &server.address,
            "--school",
            &school_dir,
            "--page",
            "classes/cm1/blog/sortie/",
            "--file",
            "classes/cm1/blog/sortie/index.md",
            "--from",
            "quelle journée",
            "--within",
            "1000",
        ],
        120,
    );
    println!("{log}");
    assert!(ok, "the preview did not follow the saves:\n{log}");
    assert!(
        log.contains("classes/cm1/blog/sortie/index.md") && log.contains("clé inconnue"),
        "the panel names the file and says what is wrong:\n{log}"
    );
    drop(server); // killed and waited for: no stray process
}

/// Issue 12, point 6, as the attack happens: Chromium believes a foreign
/// name resolves to 127.0.0.1 (what a rebinding domain achieves) and opens
/// the preview under it; the page and what its scripts fetch are refusals.
#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn a_rebinding_name_reads_nothing_in_chromium() {
    require(&["browser"]);
    let (_tmp, school) = school_copy("minimal");
    copy_tree(&fixture("canary"), &school);
    let server = start(&school, &[]);
    let (ok, log) = node_script(
        "rebinding.mjs",
        &[
            "--address",
            &server.address,
            "--page",
            "classes/cm1/blog/sortie-kanarizq7/",
            "--canary",
            "Kanarizq7",
        ],
        120,
    );
    println!("{log}");
    assert!(ok, "a rebinding name read the preview:\n{log}");
    drop(server);
}
