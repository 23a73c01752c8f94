//! French everywhere a user looks (issue 14, point 6): the help of every
//! command, clap's errors, YAML errors, the key password prompt and the
//! examples of the book's list of common mistakes never show English; and
//! what teachers write the French way (`brouillon: oui`, a title in « »,
//! a WhatsApp photo name with spaces) just works, while `preau init`'s
//! sample texts cannot be published by mistake.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use clap::CommandFactory;

use super::common::{fixture, preau, repo, school_copy, text};

/// English that clap, serde_yaml or minisign print on their own.
const ENGLISH: &[&str] = &[
    "Usage",
    "Options:",
    "Arguments:",
    "Commands:",
    "Commandes:",
    "Print help",
    "Print version",
    "Possible values",
    "possible values",
    "default:",
    "aliases:",
    "alias:",
    "error:",
    "tip:",
    "For more information",
    "unexpected argument",
    "unrecognized subcommand",
    "required arguments",
    "invalid value",
    "a value is required",
    "cannot be used",
    "mapping values",
    "found character",
    "did not find expected",
    "cannot start any token",
    "while parsing",
    "while scanning",
    "expected",
    "Please enter",
    "Password",
    "password",
    "Deriving",
    "invalid type",
    "missing field",
    "unknown field",
    "unknown variant",
    "duplicate",
    "YAML illisible :",
    "No such file",
    "os error",
    "Permission denied",
];

/// The English strings found in `output`.
fn english(output: &str) -> Vec<&'static str> {
    ENGLISH
        .iter()
        .copied()
        .filter(|word| output.contains(word))
        .collect()
}

fn assert_french(what: &str, output: &str) {
    let found = english(output);
    assert!(
        found.is_empty(),
        "{what}: English in what the user reads: {found:?}\n---\n{output}"
    );
}

fn both(r: &Output) -> String {
    let (out, err) = text(r);
    format!("{out}{err}")
}

/// Every command path of the CLI, from clap's own description: a new
/// command is covered without touching this test.
fn command_paths(cmd: &clap::Command, prefix: &[String], paths: &mut Vec<Vec<String>>) {
    paths.push(prefix.to_vec());
    for sub in cmd.get_subcommands() {
        let mut path = prefix.to_vec();
        path.push(sub.get_name().to_string());
        command_paths(sub, &path, paths);
    }
}

#[test]
fn help_of_every_command_is_french() {
    let mut paths = Vec::new();
    command_paths(&preau::cli::Cli::command(), &[], &mut paths);
    assert!(paths.len() > 15, "{paths:?}");
    let tmp = tempfile::tempdir().unwrap();
    for path in &paths {
        for flag in ["--help", "-h"] {
            let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
            args.push(flag);
            let r = preau(tmp.path(), &args);
            let shown = both(&r);
            assert!(r.status.success(), "preau {args:?}: {shown}");
            assert!(shown.contains("Utilisation :"), "preau {args:?}: {shown}");
            assert_french(&format!("preau {}", args.join(" ")), &shown);
        }
    }
    let r = preau(tmp.path(), &["--version"]);
    assert!(r.status.success());
    assert_french("preau --version", &both(&r));
}

#[test]
fn clap_errors_are_french() {
    let tmp = tempfile::tempdir().unwrap();
    let bad: &[&[&str]] = &[
        &[],
        &["build", "--foo"],
        &["build", "a", "b"],
        &["buidl"],
        &["nouveau", "bidule"],
        &["new", "article", "--ecole"],
        &["keys"],
        &["keys", "generate"],
        &["access", "rotate"],
        &["stats"],
        &["serve", "--port", "abc"],
        &["serve", "--port", "99999"],
        &["deploy", "site", "--essai", "--essai"],
        &["verify", "site", "--version-minimale", "-3"],
    ];
    for args in bad {
        let r = preau(tmp.path(), args);
        let shown = both(&r);
        assert_eq!(r.status.code(), Some(2), "preau {args:?}: {shown}");
        assert!(
            shown.contains("erreur :") || shown.contains("Utilisation :"),
            "preau {args:?}: {shown}"
        );
        assert_french(&format!("preau {}", args.join(" ")), &shown);
    }
    // The errors say what to do.
    let r = preau(tmp.path(), &["nouveau", "bidule"]);
    let (_, err) = text(&r);
    assert!(
        err.contains("valeurs possibles : article, cahier, ressource"),
        "{err}"
    );
    let r = preau(tmp.path(), &["buidl"]);
    assert!(text(&r).1.contains("« build »"), "{:?}", text(&r));
}

/// The system's own words (a missing folder or key file) are English.
#[test]
fn system_errors_are_french() {
    let (tmp, school) = school_copy("minimal");
    let missing = tmp.path().join("absent");
    let missing = missing.to_str().unwrap();
    let key = format!("{missing}.key");
    let runs: &[&[&str]] = &[
        &["check", missing],
        &["build", missing],
        &["submit", ".", "--cle", &key],
        &["publier-classe", "cm1", "--cle", &key],
    ];
    for args in runs {
        let r = preau(&school, args);
        let shown = both(&r);
        assert!(!r.status.success(), "preau {args:?}: {shown}");
        assert!(shown.contains("introuvable"), "preau {args:?}: {shown}");
        assert_french(&format!("preau {}", args.join(" ")), &shown);
    }
    // A public key given for the secret one.
    let public = school.join("directeur.pub");
    std::fs::write(
        &public,
        "untrusted comment: minisign public key\nRWRIrCed0StVhXuph9nUOgB064zeXkZAA5RbCZVTW7iciFmk9zCl6nqU\n",
    )
    .unwrap();
    let r = preau(&school, &["submit", ".", "--cle", "directeur.pub"]);
    let shown = both(&r);
    assert!(shown.contains("est une clé publique"), "{shown}");
    assert_french("preau submit --cle directeur.pub", &shown);
}

/// YAML mistakes a teacher makes, each with the line it must name.
#[test]
fn yaml_errors_are_french_with_file_line_and_hint() {
    let cases: &[(&str, &str, usize)] = &[
        // mapping values are not allowed in this context
        (
            "actualites/a.md",
            "---\ntitre: Ok\nresume: Une sortie\n  acces: public\ndate: 2026-11-20\n---\nTexte.\n",
            4,
        ),
        // found character that cannot start any token
        (
            "actualites/b.md",
            "---\ntitre: Ok\ndate: 2026-11-20\nresume: @ la piscine\n---\nTexte.\n",
            4,
        ),
        // did not find expected ',' or ']'
        (
            "actualites/c.md",
            "---\ntitre: Ok\ndate: 2026-11-20\ngalerie: [a, b\n---\nTexte.\n",
            4,
        ),
        // did not find expected key
        (
            "actualites/d.md",
            "---\ntitre: \"Ok\" en plus\ndate: 2026-11-20\n---\nTexte.\n",
            2,
        ),
        // invalid type: sequence, expected a string
        (
            "actualites/e.md",
            "---\ntitre: [a, b]\ndate: 2026-11-20\n---\nTexte.\n",
            2,
        ),
        // missing field `pour`
        (
            "classes/cm1/cahier/2026-11-23.md",
            "---\na_faire:\n  - matiere: Français\n    travail: Relire.\n---\n## Français\nLu.\n",
            3,
        ),
        // tabulation
        (
            "actualites/f.md",
            "---\ntitre: Ok\n\tdate: 2026-11-20\n---\nTexte.\n",
            3,
        ),
        // unknown variant / duplicate key
        (
            "actualites/g.md",
            "---\ntitre: Ok\ntitre: Encore\ndate: 2026-11-20\n---\nTexte.\n",
            3,
        ),
    ];
    for (file, content, line) in cases {
        let (_tmp, school) = school_copy("minimal");
        std::fs::write(school.join(file), content).unwrap();
        let r = preau(&school, &["check"]);
        let shown = both(&r);
        assert_eq!(r.status.code(), Some(1), "{file}: {shown}");
        assert_french(file, &shown);
        assert!(
            shown.contains(&format!("{file}:{line}:")),
            "{file}: line {line} not named\n{shown}"
        );
        assert!(shown.contains("conseil :"), "{file}: no hint\n{shown}");
    }
}

#[test]
fn homework_without_due_date_says_it_in_words() {
    let (_tmp, school) = school_copy("minimal");
    let file = "classes/cm1/cahier/2026-11-23.md";
    std::fs::write(
        school.join(file),
        "---\na_faire:\n  - pour: 2026-11-24\n    matiere: Maths\n    travail: Fiche.\n  - matiere: Français\n    travail: Relire.\n---\n## Français\nLu.\n",
    )
    .unwrap();
    let r = preau(&school, &["check"]);
    let (_, err) = text(&r);
    assert!(
        err.contains(&format!(
            "{file}:6:5: erreur : dans le devoir n° 2, il manque la date « pour : » (le jour où le travail est à rendre)"
        )),
        "{err}"
    );
    assert!(!err.contains("a_faire[1]"), "{err}");
    assert!(!err.contains("clé obligatoire"), "{err}");
}

#[test]
fn password_prompt_is_french() {
    let tmp = tempfile::tempdir().unwrap();
    let r = Command::new(env!("CARGO_BIN_EXE_preau"))
        .args(["keys", "generate", "--role", "ien", "--dossier", "cles"])
        .current_dir(tmp.path())
        .env_remove("PREAU_MOT_DE_PASSE")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let shown = both(&r);
    assert!(!r.status.success(), "{shown}");
    assert_french("preau keys generate", &shown);
    assert!(shown.contains("PREAU_MOT_DE_PASSE"), "{shown}");
    assert!(!tmp.path().join("cles/ien.key").exists());
}

/// The real prompt, typed in a terminal (`script` gives the program one).
#[test]
#[ignore = "needs script (util-linux) for a terminal (bash .ci/run installs it)"]
fn password_prompt_in_a_terminal_is_french() {
    super::common::require(&["script"]);
    let tmp = tempfile::tempdir().unwrap();
    let command = format!(
        "{} keys generate --role ien --dossier {}",
        env!("CARGO_BIN_EXE_preau"),
        tmp.path().join("cles").display()
    );
    let mut child = Command::new("timeout")
        .args(["60", "script", "-qec", &command, "/dev/null"])
        .env_remove("PREAU_MOT_DE_PASSE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        // Typed after each prompt, as a person would.
        for _ in 0..2 {
            std::thread::sleep(std::time::Duration::from_secs(1));
            stdin.write_all(b"un mot de passe\n").unwrap();
            stdin.flush().unwrap();
        }
        std::thread::sleep(std::time::Duration::from_secs(2));
    }
    let r = child.wait_with_output().unwrap();
    let shown = both(&r);
    assert!(r.status.success(), "{shown}");
    assert!(
        shown.contains("Mot de passe qui protégera la clé secrète : "),
        "{shown}"
    );
    assert!(shown.contains("Retapez-le pour vérifier : "), "{shown}");
    assert_french("preau keys generate (terminal)", &shown);
    let secret = std::fs::read_to_string(tmp.path().join("cles/ien.key")).unwrap();
    let sk_box = minisign::SecretKeyBox::from_string(&secret).unwrap();
    assert!(sk_box
        .clone()
        .into_secret_key(Some("un mot de passe".into()))
        .is_ok());
    assert!(sk_box.into_secret_key(Some("autre".into())).is_err());
}

#[test]
fn brouillon_oui_and_non_are_understood() {
    let (_tmp, school) = school_copy("minimal");
    for (name, value) in [("a", "oui"), ("b", "non"), ("c", "Vrai"), ("d", "faux")] {
        std::fs::write(
            school.join(format!("actualites/{name}.md")),
            format!(
                "---\ntitre: Article {name}\ndate: 2026-11-20\nbrouillon: {value}\n---\nTexte.\n"
            ),
        )
        .unwrap();
    }
    let r = preau(&school, &["build"]);
    assert!(r.status.success(), "{:?}", text(&r));
    let published = |name: &str| {
        walkdir::WalkDir::new(school.join("public"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
            .any(|e| {
                std::fs::read_to_string(e.path())
                    .unwrap_or_default()
                    .contains(&format!("Article {name}"))
            })
    };
    assert!(!published("a"), "brouillon: oui was published");
    assert!(published("b"), "brouillon: non was not published");
    assert!(!published("c"), "brouillon: Vrai was published");
    assert!(published("d"), "brouillon: faux was not published");
}

#[test]
fn title_in_guillemets_with_a_colon_just_works() {
    let (_tmp, school) = school_copy("minimal");
    std::fs::write(
        school.join("actualites/eau.md"),
        "---\ntitre: « Sciences : l'eau »\ndate: 2026-11-20\nresume: Voir : la classe # commentaire\n---\nTexte.\n",
    )
    .unwrap();
    let r = preau(&school, &["build"]);
    assert!(r.status.success(), "{:?}", text(&r));
    let page = std::fs::read_to_string(school.join("public/actualites/eau/index.html"))
        .unwrap()
        .replace(['\u{a0}', '\u{202f}'], " ");
    assert!(page.contains("<h1>« Sciences : l&#39;eau »</h1>"), "{page}");
}

#[test]
fn photo_name_with_spaces_is_found() {
    let (_tmp, school) = school_copy("minimal");
    let post = school.join("classes/cm1/blog/sortie");
    std::fs::copy(post.join("tableau.jpg"), post.join("photo de classe.jpg")).unwrap();
    std::fs::write(
        post.join("index.md"),
        "---\ntitre: Sortie au musée\ndate: 2026-11-12\n---\n![La classe au musée](photo de classe.jpg)\n\n![Absente](pas la.jpg)\n",
    )
    .unwrap();
    let r = preau(&school, &["check"]);
    let (_, err) = text(&r);
    // The missing one is reported, with its name; the present one is not.
    assert!(err.contains("« pas la.jpg »"), "{err}");
    assert!(!err.contains("photo de classe"), "{err}");
    std::fs::remove_file(post.join("index.md")).unwrap();
    std::fs::write(
        post.join("index.md"),
        "---\ntitre: Sortie au musée\ndate: 2026-11-12\n---\n![La classe au musée](photo de classe.jpg)\n",
    )
    .unwrap();
    let r = preau(&school, &["build"]);
    assert!(r.status.success(), "{:?}", text(&r));
    let shown = super::common::open_areas(&school.join("public"), &school)
        .into_iter()
        .map(|p| p.html)
        .collect::<String>();
    assert!(shown.contains("La classe au musée"), "photo not shown");
    assert!(
        !shown.contains("](photo de classe.jpg)"),
        "raw markdown shown"
    );
}

#[test]
fn init_placeholders_block_check_and_build() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(preau(tmp.path(), &["init", "ecole"]).status.success());
    let school = tmp.path().join("ecole");
    let r = preau(&school, &["check"]);
    let (_, err) = text(&r);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert_french("check", &err);
    for expected in [
        "ecole.yaml:5:",
        "ecole.yaml:7:",
        "(à compléter)",
        "0000000A",
        "pages/accueil.md:4:",
        "Écrivez ici",
    ] {
        assert!(err.contains(expected), "{expected} not reported\n{err}");
    }
    assert!(!preau(&school, &["build"]).status.success());
    assert!(!school.join("public/index.html").exists());
    // Once every sample text is replaced, it builds.
    fill_placeholders(&school);
    let r = preau(&school, &["check"]);
    assert!(r.status.success(), "{:?}", text(&r));
}

/// `preau init`'s sample texts and what a directeur writes instead.
const FILLED: &[(&str, &str)] = &[
    (
        "École élémentaire (à compléter)",
        "École élémentaire Jean Moulin",
    ),
    ("0000000A", "0751234B"),
    ("0000000a", "0751234b"),
    ("\"00000\"", "\"75011\""),
    ("00000 Ma commune", "75011 Paris"),
    ("Ma commune", "Paris"),
    ("Ma circonscription", "Paris 11e"),
    ("Prénom Nom", "Claire Martin"),
    ("ac-exemple.fr", "ac-paris.fr"),
    ("exemple.fr", "ecole-jean-moulin.fr"),
    ("academie: Exemple", "academie: Paris"),
    ("01 00 00 00 00", "01 43 00 00 10"),
    ("01 00 00 00 01", "01 43 00 00 20"),
    (
        "Écrivez ici quelques lignes de présentation :",
        "Bienvenue !",
    ),
    (
        "Le premier article de la classe, à remplacer par les vôtres.",
        "La rentrée.",
    ),
];

/// Replaces `preau init`'s sample texts as a directeur would.
pub fn fill_placeholders(school: &Path) {
    for entry in walkdir::WalkDir::new(school)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let path = entry.path();
        if !matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("md" | "yaml")
        ) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let filled = FILLED
            .iter()
            .fold(text.clone(), |t, (sample, real)| t.replace(sample, real));
        if filled != text {
            std::fs::write(path, filled).unwrap();
        }
    }
}

/// The examples of the book's « fautes les plus courantes »: each is run
/// through `preau check`, and what Préau says is French, names the file
/// and gives a hint — or the example just works.
#[test]
fn book_common_mistakes_get_french_answers() {
    let book = std::fs::read_to_string(repo().join("book/src/enseignants/verifier.md")).unwrap();
    let start = book
        .find("## Les fautes les plus courantes")
        .expect("the book's list of common mistakes");
    // Up to the next heading of the same level, outside the examples.
    let mut section = String::new();
    let mut in_fence = false;
    for (i, line) in book[start..].lines().enumerate() {
        in_fence ^= line.starts_with("```");
        if i > 0 && !in_fence && line.starts_with("## ") {
            break;
        }
        section.push_str(line);
        section.push('\n');
    }
    let mut examples = Vec::new();
    let mut rest = section.as_str();
    while let Some(i) = rest.find("Dans `") {
        rest = &rest[i + "Dans `".len()..];
        let file = &rest[..rest.find('`').unwrap()];
        let fence = rest.find("```text\n").unwrap() + "```text\n".len();
        let end = rest[fence..].find("```").unwrap() + fence;
        examples.push((file.to_string(), rest[fence..end].to_string()));
        rest = &rest[end..];
    }
    assert!(examples.len() >= 6, "{examples:?}");
    for (file, content) in &examples {
        let (_tmp, school) = school_copy("minimal");
        let path = school.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        // A photo the example names is there, as the teacher put it.
        for name in content.split("](").skip(1) {
            let name = &name[..name.find(')').unwrap()];
            let photo = path.parent().unwrap().join(name);
            if !photo.exists() {
                std::fs::copy(
                    fixture("minimal").join("classes/cm1/blog/sortie/tableau.jpg"),
                    photo,
                )
                .unwrap();
            }
        }
        let r = preau(&school, &["check"]);
        let shown = both(&r);
        assert_french(file, &shown);
        if shown.contains(file.as_str()) {
            assert!(shown.contains("conseil :"), "{file}: no hint\n{shown}");
        }
    }
}
