//! The shape of the code (issue 13, point 2): layers go one way. No
//! top-level module of `src/` reaches itself again through `crate::…`
//! paths, and the clock is read by the commands, never by the stages that
//! check configuration, read content or render.
//!
//! `cargo test --test it layers::` prints a circle as
//! `config → images (src/config/mod.rs) → …`, each step with a file that makes it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::common::repo;

/// A module's code without its tests and comments (a doc link is not a use).
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules a piece of code names: `crate::x::…` and
/// `use crate::{x, y::…}`.
fn used_modules(code: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level names of the group, nested groups skipped.
            let mut depth = 0;
            let mut start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && depth == 0 && !c.is_whitespace() => {
                        used.insert(ident(&group[j..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            used.insert(ident(rest));
        }
    }
    used.remove("");
    used
}

/// Module → module it uses → one file that does.
fn graph(src: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(src) {
        let path = entry.unwrap().into_path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(src).unwrap();
        let first = rel.iter().next().unwrap().to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let edges = graph.entry(module.clone()).or_default();
        for used in used_modules(&code(&text)) {
            if used != module {
                edges
                    .entry(used)
                    .or_insert_with(|| format!("src/{}", rel.display()));
            }
        }
    }
    graph
}

/// A circle of the graph, if there is one, as the modules in order (the
/// first repeated at the end).
fn find_circle(graph: &BTreeMap<String, BTreeMap<String, String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeMap<String, String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|n| n == node) {
            let mut circle = path[i..].to_vec();
            circle.push(node.to_string());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flat_map(|e| e.keys()) {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

fn describe(circle: &[String], graph: &BTreeMap<String, BTreeMap<String, String>>) -> String {
    let mut text = circle[0].clone();
    for pair in circle.windows(2) {
        text.push_str(&format!(" → {} ({})", pair[1], graph[&pair[0]][&pair[1]]));
    }
    text
}

#[test]
fn no_import_circle_between_modules() {
    let graph = graph(&repo().join("src"));
    assert!(
        graph.contains_key("config") && graph.contains_key("site"),
        "{graph:?}"
    );
    if let Some(circle) = find_circle(&graph) {
        panic!("import circle: {}", describe(&circle, &graph));
    }
}

#[test]
fn the_circle_finder_finds_circles() {
    let uses = used_modules(
        "use crate::{access::{bundle, Secrets}, config::Audience};\nlet x = crate::images::is_photo(p);",
    );
    assert_eq!(
        uses.into_iter().collect::<Vec<_>>(),
        ["access", "config", "images"]
    );
    assert!(used_modules(&code("// see crate::site\nfn f() {}")).is_empty());
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (from, to) in [
        ("config", "images"),
        ("images", "manifest"),
        ("manifest", "output"),
        ("output", "config"),
        ("site", "config"),
    ] {
        graph
            .entry(from.into())
            .or_default()
            .insert(to.into(), format!("src/{from}.rs"));
    }
    let circle = find_circle(&graph).expect("a circle");
    assert_eq!(
        describe(&circle, &graph),
        "config → images (src/config.rs) → manifest (src/images.rs) → output (src/manifest.rs) → config (src/output.rs)"
    );
    graph.get_mut("output").unwrap().clear();
    assert_eq!(find_circle(&graph), None);
}

/// The day is given by the command (`Session::new(dir, today)`): a stage
/// that read the clock itself could not be tested on another day.
#[test]
fn no_stage_below_the_commands_reads_the_clock() {
    let mut readers = Vec::new();
    for stage in ["config", "content", "render"] {
        for entry in walkdir::WalkDir::new(repo().join("src").join(stage)) {
            let path = entry.unwrap().into_path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let code = code(&std::fs::read_to_string(&path).unwrap());
            for clock in ["today()", "Local::now", "Utc::now", "SystemTime::now"] {
                if code.contains(clock) {
                    readers.push(format!("{}: {clock}", path.display()));
                }
            }
        }
    }
    assert!(
        readers.is_empty(),
        "the clock read below the commands: {readers:?}"
    );
}
