//! Search: the indexes preau writes are real MiniSearch indexes (same
//! results as MiniSearch indexing the same documents, with the pinned npm
//! package), accents, prefixes and typos are forgiven, and a class's code
//! reveals only what that code may read.

use sha2::{Digest, Sha256};

use super::common::{
    class_code, copy_tree, example_site, fixture, node_script, on_site, preau, repo, require,
    school_copy, text,
};

/// SHA-256 of `dist/umd/index.js` of minisearch 7.2.0 on the npm registry:
/// the file the theme's minified build is made from.
const MINISEARCH_7_2_0_UMD: &str =
    "03c27931eb603af1d3358579e9885eafdb6a2f5fa9929557b3e77d7e99d06d03";

/// SHA-256 of the theme's `minisearch.js`: that file minified by terser
/// 5.44.1 with `tests/browser/vendor.mjs` (pinned here, so that a changed
/// build is seen even where Node is missing).
const MINISEARCH_SHIPPED: &str = "6ad38231f9ef13abbf3751a980be56f09f91c700a307b71dae988b96d5dfdc93";

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_theme_ships_the_pinned_minified_minisearch_with_its_licence() {
    let shipped = std::fs::read(repo().join("themes/default/static/minisearch.js")).unwrap();
    assert_eq!(
        sha256_hex(&shipped),
        MINISEARCH_SHIPPED,
        "themes/default/static/minisearch.js is not the pinned build: run node tests/browser/vendor.mjs"
    );
    let header = String::from_utf8_lossy(&shipped[..300]).into_owned();
    assert!(
        header.contains(MINISEARCH_7_2_0_UMD) && header.contains("MIT"),
        "the header names its source and licence: {header}"
    );
    assert!(
        repo()
            .join("themes/default/static/minisearch.LICENSE.txt")
            .exists(),
        "its licence ships beside it"
    );
}

#[test]
#[ignore = "needs node and tests/browser/node_modules (bash .ci/run installs them)"]
fn the_minified_minisearch_is_rebuilt_byte_for_byte_from_the_pinned_package() {
    require(&["browser"]);
    let installed =
        std::fs::read(repo().join("tests/browser/node_modules/minisearch/dist/umd/index.js"))
            .unwrap();
    assert_eq!(
        sha256_hex(&installed),
        MINISEARCH_7_2_0_UMD,
        "the installed minisearch is not 7.2.0's published build"
    );
    let (ok, out) = node_script("vendor.mjs", &["--check"], 60);
    assert!(ok, "{out}");
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn public_index_matches_minisearch_indexing_the_same_documents() {
    require(&["browser"]);
    let (out, base) = example_site();
    let loaded = preau::site::Site::load(&repo().join("example-school"), None).unwrap();
    let site = loaded.site.expect("example school loads");
    let docs =
        preau::search::documents(&site.content, &|p| preau::search::link(base, p), &|_| None);
    let public = &docs[&preau::config::Audience::Public];
    let tmp = tempfile::tempdir().unwrap();
    let docs_path = tmp.path().join("documents.json");
    std::fs::write(&docs_path, serde_json::to_vec(public).unwrap()).unwrap();
    let queries = serde_json::json!({
        "compare": ["école", "ecole", "noel", "Noël", "cantine", "canti", "élèves", "réunion des parents", "marché", "la", "vacances toussaint", "accessibilité", "zzzz"],
        "expect": [
            {"q": "noel", "id": "actualites/marche-de-noel/"},
            {"q": "eleves", "id": ""},
            {"q": "cantin", "id": "infos-pratiques/"},
            {"q": "cantinne", "id": "infos-pratiques/"},
            {"q": "recreation", "id": "actualites/travaux-de-la-cour/"}
        ]
    });
    let queries_path = tmp.path().join("queries.json");
    std::fs::write(&queries_path, queries.to_string()).unwrap();
    let index = out.join("recherche/index.json");
    let (ok, log) = node_script(
        "search_format.mjs",
        &[
            index.to_str().unwrap(),
            docs_path.to_str().unwrap(),
            queries_path.to_str().unwrap(),
        ],
        60,
    );
    assert!(ok, "{log}");
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn a_class_code_reveals_search_results_it_may_read_and_nothing_else() {
    require(&["browser"]);
    let (tmp, school) = school_copy("minimal");
    copy_tree(&fixture("canary"), &school);
    let out = tmp.path().join("site");
    let r = preau(&school, &["build", ".", "--out", out.to_str().unwrap()]);
    assert!(r.status.success(), "{:?}", text(&r));
    let code = class_code(&school, "cm1");
    // With the class code: the class's post and the families' news, not the staff's note.
    on_site(&out, "/tilleuls/")
        .area("classes/cm1/", &code)
        .args(&[
            "--then",
            "recherche/?q=kanarizq",
            "--expect",
            "Sortie Kanarizq7 au parc",
            "--expect",
            "Réunion des familles Kanarizq7",
            "--absent",
            "Note de l'équipe",
            "--absent",
            "nourri par M. Roux",
        ])
        .pass("unlock.mjs", 120);
    // Without any code: nothing of the class.
    on_site(&out, "/tilleuls/")
        .args(&[
            "--path",
            "recherche/?q=kanarizq7",
            "--expect",
            "Aucun résultat",
            "--absent",
            "Kanarizq7 au parc",
        ])
        .pass("page.mjs", 60);
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn public_results_show_their_card_and_come_twenty_at_a_time_in_chromium() {
    require(&["browser"]);
    let (tmp, school) = school_copy("minimal");
    for n in 1..=25 {
        std::fs::write(
            school.join(format!("actualites/verger-{n}.md")),
            format!(
                "---\ntitre: Sortie numéro {n}\ndate: 2026-10-{n:02}\nresume: Résumé de la sortie {n}.\n---\nNous sommes allés au verger.\n"
            ),
        )
        .unwrap();
    }
    let out = tmp.path().join("site");
    let r = preau(&school, &["build", ".", "--out", out.to_str().unwrap()]);
    assert!(r.status.success(), "{:?}", text(&r));
    let page = |extra: &[&str]| {
        on_site(&out, "/tilleuls/")
            // A typo, and no accent: still the 25 posts.
            .args(&["--path", "recherche/?q=vergeer"])
            .args(extra)
            .run("page.mjs", 60)
    };
    let (ok, log) = page(&[
        "--expect",
        "25 résultats, les 20 premiers affichés.",
        "--expect",
        "Sortie numéro",
        "--expect",
        "actualité",
        "--expect",
        "Résumé de la sortie",
        "--expect",
        "Afficher plus de résultats",
    ]);
    assert!(ok, "{log}");
    let (ok, log) = page(&[
        "--click",
        "#plus-de-resultats",
        "--expect",
        "25 résultats.",
        "--absent",
        "premiers affichés",
        "--absent",
        "Afficher plus de résultats",
    ]);
    assert!(ok, "{log}");
}

#[test]
#[ignore = "needs chromium, node and tests/browser/node_modules (bash .ci/run installs them)"]
fn results_mark_the_words_found_name_the_class_and_set_the_disciplines_apart_in_chromium() {
    require(&["browser"]);
    let (tmp, school) = school_copy("minimal");
    let class = school.join("classes/cm1/classe.yaml");
    let mut yaml = std::fs::read_to_string(&class).unwrap();
    yaml.push_str("acces: public\n");
    std::fs::write(&class, yaml).unwrap();
    // (Its photo post has no image-rights statement: not for a public class.)
    std::fs::remove_dir_all(school.join("classes/cm1/blog/sortie")).unwrap();
    std::fs::write(
        school.join("classes/cm1/cahier/2026-11-23.md"),
        "## Français\nLecture du conte du renard et du corbeau.\n\n## Mathématiques\nLes fractions simples.\n",
    )
    .unwrap();
    let long = "Nous avons cueilli des pommes au verger de la commune, puis nous les avons pesées, comptées et rangées dans des cagettes pour la cantine de l'école et pour les familles ";
    std::fs::write(
        school.join("actualites/verger.md"),
        format!("---\ntitre: Au verger\ndate: 2026-10-02\n---\n{long}{long}\n"),
    )
    .unwrap();
    let out = tmp.path().join("site");
    let r = preau(&school, &["build", ".", "--out", out.to_str().unwrap()]);
    assert!(r.status.success(), "{:?}", text(&r));
    let search = |query: &str, extra: &[&str]| {
        let path = format!("recherche/?q={query}");
        on_site(&out, "/tilleuls/")
            .args(&["--path", &path])
            .args(extra)
            .run("page.mjs", 60)
    };
    // A cahier day: the word found is marked, the class named, the
    // disciplines apart from the text (not glued to it as headings).
    let (ok, log) = search(
        "renard",
        &[
            "--html",
            "<mark>renard</mark>",
            "--expect",
            "cahier · CM1 de Mme Martin · Français, Mathématiques",
            "--expect",
            "Lecture du conte du renard et du corbeau. Les fractions simples.",
            "--absent",
            "Français Lecture",
        ],
    );
    assert!(ok, "{log}");
    // A long post: the excerpt stops after a whole word, and a prefix
    // marks the whole word found.
    let (ok, log) = search(
        "pomm",
        &[
            "--html",
            "<mark>pommes</mark>",
            "--expect",
            "pour la cantine de l'école et pour les …",
        ],
    );
    assert!(ok, "{log}");
}
