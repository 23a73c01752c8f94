//! The user guide stays whole and complete: every chapter of SUMMARY.md
//! exists, no chapter is left out, and the reference names every key the
//! code accepts.

use std::collections::BTreeSet;

use super::common::repo;

fn summary_links() -> Vec<String> {
    let summary = std::fs::read_to_string(repo().join("book/src/SUMMARY.md")).unwrap();
    summary
        .split("](")
        .skip(1)
        .map(|rest| rest[..rest.find(')').unwrap()].to_string())
        .collect()
}

#[test]
fn every_chapter_exists_and_is_listed() {
    let links: BTreeSet<String> = summary_links().into_iter().collect();
    for link in &links {
        assert!(
            repo().join("book/src").join(link).exists(),
            "SUMMARY.md links to a missing chapter: {link}"
        );
    }
    for entry in walkdir::WalkDir::new(repo().join("book/src"))
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let rel = entry
            .path()
            .strip_prefix(repo().join("book/src"))
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with(".md") && rel != "SUMMARY.md" {
            assert!(links.contains(&rel), "{rel} is not in SUMMARY.md");
        }
    }
}

/// The keys a YAML schema accepts, read from serde's own error message.
fn keys_of<T: serde::de::DeserializeOwned>() -> Vec<String> {
    let err = serde_yaml::from_str::<T>("cle_qui_n_existe_pas: 1")
        .err()
        .expect("unknown key refused")
        .to_string();
    let list = err
        .split("expected one of ")
        .nth(1)
        .or_else(|| err.split("expected ").nth(1))
        .unwrap_or("");
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_reference_names_every_key() {
    use preau::config::{
        Accessibility, ClassFile, Dpo, Host, PublishTarget, SchoolFile, TrustFile,
    };
    use preau::content::frontmatter::{
        CahierMeta, DocumentMeta, EventMeta, Homework, PageMeta, PostMeta, ResourcesMeta,
    };
    let config =
        std::fs::read_to_string(repo().join("book/src/reference/configuration.md")).unwrap();
    let headers = std::fs::read_to_string(repo().join("book/src/reference/en-tetes.md")).unwrap();
    let mut missing = Vec::new();
    let mut check = |doc: &str, prefix: &str, keys: Vec<String>| {
        assert!(!keys.is_empty(), "could not read the keys");
        for key in keys {
            let written = format!("`{prefix}{key}`");
            if !doc.contains(&written) {
                missing.push(written);
            }
        }
    };
    check(&config, "", keys_of::<SchoolFile>());
    check(&config, "hebergeur.", keys_of::<Host>());
    check(&config, "accessibilite.", keys_of::<Accessibility>());
    check(&config, "dpo.", keys_of::<Dpo>());
    check(&config, "", keys_of::<ClassFile>());
    check(&config, "confiance.", keys_of::<TrustFile>());
    check(&config, "publication.", keys_of::<PublishTarget>());
    check(&headers, "", keys_of::<PageMeta>());
    check(&headers, "", keys_of::<PostMeta>());
    check(&headers, "", keys_of::<CahierMeta>());
    check(&headers, "a_faire[].", keys_of::<Homework>());
    check(&headers, "", keys_of::<ResourcesMeta>());
    check(&headers, "", keys_of::<EventMeta>());
    check(&headers, "", keys_of::<DocumentMeta>());
    assert!(
        missing.is_empty(),
        "keys missing from the book's reference: {missing:?}"
    );
}

#[test]
fn the_reference_names_every_command() {
    let commands = std::fs::read_to_string(repo().join("book/src/reference/commandes.md")).unwrap();
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_preau"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    let mut seen = 0;
    for line in help
        .lines()
        .skip_while(|l| !l.starts_with("Commandes"))
        .skip(1)
    {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with("   ") {
            continue; // the wrapped end of a description
        }
        let name = line.split_whitespace().next().unwrap();
        assert!(
            commands.contains(&format!("preau {name}")),
            "the book does not describe « preau {name} »"
        );
        seen += 1;
    }
    assert!(
        seen >= 6,
        "could not read the commands from --help:\n{help}"
    );
    let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
    for alias in flat
        .split("(alias : ")
        .skip(1)
        .map(|rest| rest.split(')').next().unwrap())
    {
        assert!(
            commands.contains(&format!("`{alias}")),
            "the book does not give the alias « {alias} »"
        );
    }
}
