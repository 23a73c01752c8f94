//! Helpers: copy a fixture school to a temporary folder, run `preau`,
//! build the example school once for every test that only reads it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Copies `from` into `to` (merging, files of `from` win).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().map(|e| e.expect("walk fixture")) {
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A temporary copy of a fixture school.
pub fn school_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let school = tmp.path().join("ecole");
    copy_tree(&fixture(name), &school);
    (tmp, school)
}

/// Runs `preau` with `args` in `cwd`, with a fixed "today".
pub fn preau(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_preau"))
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", "1795478400") // 2026-11-24
        .env_remove("RUST_LOG")
        .output()
        .expect("run preau")
}

/// Text of stdout and stderr.
pub fn text(output: &Output) -> (String, String) {
    (String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// The example school, built once into a temporary folder shared by the
/// tests that only read it: (output dir, base path).
pub fn example_site() -> &'static (PathBuf, String) {
    static SITE: OnceLock<(PathBuf, String)> = OnceLock::new();
    SITE.get_or_init(|| {
        let out = std::env::temp_dir().join(format!("preau-it-example-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let school = repo().join("example-school");
        let result = preau(&repo(), &["build", school.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        let (stdout, stderr) = text(&result);
        assert!(result.status.success(), "example school build failed:\n{stdout}\n{stderr}");
        (out, base_path(&school))
    })
}

/// The path part of `url:` in a school's ecole.yaml (`/jean-jaures/`).
pub fn base_path(school: &Path) -> String {
    let yaml = std::fs::read_to_string(school.join("ecole.yaml")).unwrap();
    let value: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
    let url = value["url"].as_str().unwrap();
    let rest = url.split_once("://").unwrap().1;
    let path = rest.split_once('/').map(|(_, p)| p).unwrap_or("").trim_matches('/');
    if path.is_empty() { "/".into() } else { format!("/{path}/") }
}

/// Every file under `dir`, as paths relative to it with `/`.
pub fn files(dir: &Path) -> Vec<String> {
    let mut list: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>().join("/"))
        .collect();
    list.sort();
    list
}
