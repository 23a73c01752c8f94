//! The targets: one test each, named after its corpus folder.

use std::path::{Path, PathBuf};

use preau::access::crypto::{self, Key};
use preau::config::School;
use preau::content::walk::Source;
use preau::content::{data, pages, Kind};
use preau::diagnostic::Diagnostics;

use crate::harness::{copy_tree, fuzz, repo};

const YAML_TOKENS: &[&[u8]] = &[
    b"\n",
    b": ",
    b"- ",
    b"  ",
    b"[",
    b"]",
    b"{",
    b"}",
    b", ",
    b"'",
    b"\"",
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"!!str ",
    b"!!binary ",
    b"!x ",
    b"|\n  ",
    b">-\n  ",
    b"? ",
    b"#",
    b"\t",
    b"---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"\xef\xbb\xbf",
    b"~",
    b"null",
    b"true",
    b"no",
    b"2026-02-30",
    b"2026-11-20",
    b"24:61",
    b"18:00",
    b"99999999999999999999999",
    b"-1",
    b"1e400",
    b".nan",
    b"255",
    b"titre: ",
    b"date: ",
    b"acces: ",
    b"classe:cm1",
    b"a_faire:\n",
    b"  - pour: ",
    b"matiere: ",
    b"travail: ",
    b"galerie:\n",
    b"photo: ",
    b"texte: ",
    b"classes: [",
    b"photos:\n  qualite: ",
    b"uai: ",
    b"url: https://",
    b"\xc3\xa9",
    b"\xff",
    b"\0",
    b"\r\n",
];

const MARKDOWN_TOKENS: &[&[u8]] = &[
    b"\n",
    b"\n\n",
    b"# ",
    b"## ",
    b"- ",
    b"1. ",
    b"> ",
    b"```\n",
    b"~~~",
    b"    ",
    b"*",
    b"**",
    b"_",
    b"`",
    b"[",
    b"](",
    b")",
    b"![",
    b"[^1]",
    b"[^1]: ",
    b"|",
    b"|---|",
    b"- [x] ",
    b"~~",
    b"<",
    b"<script>",
    b"<!--",
    b"-->",
    b"&amp;",
    b"&#0;",
    b"\\",
    b"https://exemple.fr/",
    b"/classes/cm1/",
    b"../",
    b"photo.jpg",
    b"casse.md",
    b"\xc2\xa0",
    b"\xe2\x80\xaf",
    b" : ",
    b" ; ",
    b"!",
    b"?",
    b"\xf0\x9f\x98\x80",
    b"\xef\xbb\xbf",
    b"\t",
    b"\r",
    b"\0",
    b"---\n",
];

/// A temporary copy of the `minimal` fixture school and its configuration.
fn minimal_school() -> (tempfile::TempDir, PathBuf, School) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("ecole");
    copy_tree(&repo().join("tests/fixtures/minimal"), &root);
    let school =
        School::load(&root, preau::dates::today(), &Diagnostics::new()).expect("the fixture loads");
    (tmp, root, school)
}

#[test]
fn front_matter() {
    // Every kind of markdown file, so that every front-matter schema and
    // its checks (dates, homework, audiences, gallery) are reached.
    let kinds: [(Kind, &str, Option<&str>); 5] = [
        (Kind::Page, "pages/essai.md", None),
        (Kind::News, "actualites/essai.md", None),
        (Kind::Post, "classes/cm1/blog/essai.md", Some("cm1")),
        (
            Kind::CahierDay,
            "classes/cm1/cahier/2026-11-20.md",
            Some("cm1"),
        ),
        (Kind::Resources, "classes/cm1/ressources.md", Some("cm1")),
    ];
    let mut tokens = YAML_TOKENS.to_vec();
    tokens.extend_from_slice(MARKDOWN_TOKENS);
    fuzz("front_matter", &tokens, Vec::new(), move || {
        let (tmp, root, school) = minimal_school();
        move |input: &[u8]| {
            let _keep = &tmp;
            let text = String::from_utf8_lossy(input).into_owned();
            for (kind, rel, class) in &kinds {
                let source = Source {
                    kind: *kind,
                    rel: PathBuf::from(rel),
                    class: class.map(str::to_string),
                    embedded: Some(text.clone()),
                };
                let diags = Diagnostics::new();
                let _ = pages::parse(&root, &source, &school, &diags);
                for d in diags.into_sorted() {
                    let _ = d.to_string();
                }
            }
        }
    });
}

#[test]
fn markdown() {
    fuzz("markdown", MARKDOWN_TOKENS, Vec::new(), || {
        |input: &[u8]| {
            let text = String::from_utf8_lossy(input);
            let resolve = |url: &str, _kind: preau::markdown::LinkKind| {
                if url.contains("casse") {
                    Err(("lien cassé".to_string(), "corrigez-le".to_string()))
                } else {
                    Ok(format!("/ecole/{}", url.trim_start_matches('/')))
                }
            };
            let rendered = preau::markdown::render(&text, &resolve);
            assert!(
                !rendered.html.contains("<script"),
                "raw HTML reached the page"
            );
            let _ = preau::markdown::typography(&text);
        }
    });
}

/// Fuzzes one YAML file of the school folder through its real loader.
fn config_target(target: &str, file: &'static str) {
    fuzz(target, YAML_TOKENS, Vec::new(), move || {
        let (tmp, root, school) = minimal_school();
        let original = std::fs::read(root.join("ecole.yaml")).unwrap();
        move |input: &[u8]| {
            let _keep = &tmp;
            std::fs::write(root.join(file), input).unwrap();
            let diags = Diagnostics::new();
            match file {
                "agenda.yaml" => {
                    let _ = data::load_events(&root, &school, &diags);
                }
                "documents.yaml" => {
                    let _ = data::load_documents(&root, &school, &diags);
                }
                _ => {
                    let _ = School::load(&root, preau::dates::today(), &diags);
                }
            }
            for d in diags.into_sorted() {
                let _ = d.to_string();
            }
            if file == "ecole.yaml" {
                std::fs::write(root.join(file), &original).unwrap();
            }
        }
    });
}

#[test]
fn ecole_yaml() {
    config_target("ecole_yaml", "ecole.yaml");
}

#[test]
fn classe_yaml() {
    config_target("classe_yaml", "classes/cm1/classe.yaml");
}

#[test]
fn agenda_yaml() {
    config_target("agenda_yaml", "agenda.yaml");
}

#[test]
fn documents_yaml() {
    config_target("documents_yaml", "documents.yaml");
}

/// The content key of `classe:cm1` in the `minimal` fixture.
fn fixture_keys() -> (Key, Key) {
    let secrets = preau::access::Secrets::load(&repo().join("tests/fixtures/minimal"))
        .unwrap()
        .unwrap();
    let cm1 = preau::config::Audience::Class("cm1".into());
    (
        secrets.content_key(&cm1).unwrap(),
        secrets.nonce_key(&cm1).unwrap(),
    )
}

const INDEX_ID: &str = "classe:cm1/index";

/// A blob with a valid tag around any `body`, whatever `flag` says: lets
/// the fuzzer reach what comes after decryption (inflate, JSON).
fn seal_raw(key: &Key, flag: u8, id: &str, body: &[u8]) -> Vec<u8> {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    let nonce = [3u8; crypto::NONCE_LEN];
    let mut aad = crypto::MAGIC.to_vec();
    aad.push(flag);
    aad.extend_from_slice(id.as_bytes());
    let ct = aes_gcm::Aes256Gcm::new(key.into())
        .encrypt(
            aes_gcm::Nonce::from_slice(&nonce),
            Payload {
                msg: body,
                aad: &aad,
            },
        )
        .unwrap();
    [crypto::MAGIC.as_slice(), &[flag], &nonce, &ct].concat()
}

/// Reads an area index as the browser does: page routes to blob and id,
/// and the search index entry.
fn read_index(plain: &[u8]) {
    let Ok(index) = serde_json::from_slice::<serde_json::Value>(plain) else {
        return;
    };
    if let Some(pages) = index.get("pages").and_then(|p| p.as_object()) {
        for (route, entry) in pages {
            let blob = entry.get("blob").and_then(|b| b.as_str()).unwrap_or("");
            let id = entry.get("id").and_then(|b| b.as_str()).unwrap_or("");
            let _ = (route.len(), blob.strip_prefix("/"), id.split_once('/'));
        }
    }
    let _ = index.get("recherche").and_then(|r| r.get("blob"));
}

#[test]
fn bundle() {
    let (key, nonce_key) = fixture_keys();
    // Valid blobs of the corpus plaintexts: the mutations then tamper with
    // real ciphertexts, headers and tags.
    let extra: Vec<Vec<u8>> = std::fs::read_dir(repo().join("tests/fuzz/corpus/bundle"))
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .flat_map(|plain| {
            [
                crypto::seal(&key, &nonce_key, INDEX_ID, &plain, true),
                crypto::seal(&key, &nonce_key, INDEX_ID, &plain, false),
            ]
        })
        .collect();
    let tokens: &[&[u8]] = &[
        crypto::MAGIC,
        b"PREAU\x02",
        b"\x00",
        b"\x01",
        b"\x02",
        b"{\"pages\":{",
        b"\"blob\":",
        b"\"id\":",
        b"}",
        b"\xff\xff\xff\xff",
    ];
    fuzz("bundle", tokens, extra, move || {
        move |input: &[u8]| {
            // A tampered blob: refused, never a panic.
            if let Ok(plain) = crypto::open(&key, INDEX_ID, input) {
                read_index(&plain);
            }
            // What follows decryption, on any bytes: inflate and JSON.
            for flag in [crypto::FLAG_STORED, crypto::FLAG_DEFLATE, 7] {
                if let Ok(plain) =
                    crypto::open(&key, INDEX_ID, &seal_raw(&key, flag, INDEX_ID, input))
                {
                    read_index(&plain);
                }
            }
            // Sealing round-trips any plaintext.
            for compress in [true, false] {
                let blob = crypto::seal(&key, &nonce_key, INDEX_ID, input, compress);
                assert_eq!(
                    crypto::open(&key, INDEX_ID, &blob).as_deref(),
                    Ok(input),
                    "sealed then opened, the bytes changed"
                );
                assert!(crypto::open(&key, "classe:cm1/autre", &blob).is_err());
            }
            // A tampered wrapped key of the public ring.
            let _ = crypto::unwrap(&key, "classe:cm1", input);
        }
    });
}

#[test]
fn submission() {
    let tokens: &[&[u8]] = &[
        b"../",
        b"/",
        b"site/",
        b"ustar\x00",
        b"ustar  \x00",
        b"0000644\x00",
        b"00000000000\x00",
        b"77777777777\x00",
        b"\x00\x00\x00\x00\x00\x00\x00\x00",
        b"././@LongLink",
        b"PaxHeader",
        b"manifeste.json",
        b"1",
        b"2",
        b"5",
        b"L",
        b"x",
    ];
    fuzz("submission", tokens, Vec::new(), || {
        let tmp = tempfile::tempdir().unwrap();
        let mut n = 0u64;
        move |input: &[u8]| {
            n += 1;
            let outer = tmp.path().join(n.to_string());
            let into = outer.join("soumission");
            std::fs::create_dir_all(&into).unwrap();
            let _ = preau::manifest::submission::unpack(
                input,
                &into,
                &preau::manifest::submission::Limits::default(),
            );
            // Nothing written beside the folder it unpacks into.
            let beside: Vec<String> = std::fs::read_dir(&outer)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name != "soumission")
                .collect();
            assert!(beside.is_empty(), "unpacked outside its folder: {beside:?}");
            remove_all(&outer);
        }
    });
}

/// Removes a folder even when an archive made parts of it read-only.
fn remove_all(dir: &Path) {
    if std::fs::remove_dir_all(dir).is_ok() {
        return;
    }
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if entry.file_type().is_dir() {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ =
                    std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o700));
            }
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}
