//! The trusted comment of a signature (`version:3 role:ien approuve_le:…`):
//! every field is checked before it goes in, so that a value from a
//! submission or from `ecole.yaml` can neither add a line to the signature
//! file nor pass for another field. Numbers and dates are typed; a UAI is
//! 7 digits and a letter; a name is one bounded line, written in quotes.

use anyhow::{bail, Result};

use crate::config::signing::{free_text_problem, is_valid_uai};
use crate::dates::Date;

/// A trusted comment being built, field by field.
#[derive(Debug, Clone, Default)]
pub struct Comment {
    fields: Vec<String>,
}

impl Comment {
    /// An empty comment.
    pub fn new() -> Comment {
        Comment::default()
    }

    /// `key:N`.
    pub fn number(mut self, key: &'static str, n: u64) -> Comment {
        self.fields.push(format!("{key}:{n}"));
        self
    }

    /// `key:word`, for words written in the code (`role:ien`).
    pub fn word(mut self, key: &'static str, word: &'static str) -> Comment {
        self.fields.push(format!("{key}:{word}"));
        self
    }

    /// A bare word written in the code (`refus`).
    pub fn flag(mut self, word: &'static str) -> Comment {
        self.fields.push(word.to_string());
        self
    }

    /// `key:AAAA-MM-JJ`.
    pub fn date(mut self, key: &'static str, day: Date) -> Comment {
        self.fields.push(format!("{key}:{day}"));
        self
    }

    /// `key:2026-11-24T08:00:00Z`: a UTC time as written in the manifest.
    pub fn time(mut self, key: &'static str, time: &str) -> Result<Comment> {
        if chrono::NaiveDateTime::parse_from_str(time, "%Y-%m-%dT%H:%M:%SZ").is_err() {
            bail!(
                "date de construction invalide « {} » : elle ne peut pas être signée",
                time.escape_debug()
            );
        }
        self.fields.push(format!("{key}:{time}"));
        Ok(self)
    }

    /// `ecole:0751234A`, refused unless 7 digits and a letter.
    pub fn uai(mut self, uai: &str) -> Result<Comment> {
        if !is_valid_uai(uai) {
            bail!(
                "UAI invalide « {} » : une UAI compte exactement 7 chiffres et une lettre ; elle ne peut pas être signée",
                uai.escape_debug()
            );
        }
        self.fields.push(format!("ecole:{uai}"));
        Ok(self)
    }

    /// `key:"free text"`: one line, bounded, `"` and `\` escaped.
    pub fn text(mut self, key: &'static str, text: &str) -> Result<Comment> {
        if let Some(why) = free_text_problem(text) {
            bail!(
                "« {key} » ne peut pas être signé : {why} (« {} »)",
                text.escape_debug()
            );
        }
        let quoted = text.replace('\\', "\\\\").replace('"', "\\\"");
        self.fields.push(format!("{key}:\"{quoted}\""));
        Ok(self)
    }

    /// The comment, fields separated by spaces.
    pub fn finish(self) -> String {
        self.fields.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_cannot_add_a_line_or_pass_for_another() {
        let day = Date::parse("2026-11-24").unwrap();
        let c = Comment::new()
            .number("version", 3)
            .word("role", "directeur")
            .text("nom", "M. \"Paul\" Roux role:ien")
            .unwrap()
            .uai("0751234A")
            .unwrap()
            .date("signe_le", day)
            .finish();
        assert_eq!(
            c,
            r#"version:3 role:directeur nom:"M. \"Paul\" Roux role:ien" ecole:0751234A signe_le:2026-11-24"#
        );
        assert!(Comment::new().uai("0000000A; echo pwned").is_err());
        assert!(Comment::new().uai("0751234A\necho pwned").is_err());
        assert!(Comment::new().text("nom", "Roux\necho pwned").is_err());
        assert!(Comment::new()
            .time("le", "2026-11-24T08:00:00Z\nx")
            .is_err());
    }
}
