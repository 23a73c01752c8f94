//! Who may read a piece of content.

use std::fmt;

use serde::{Serialize, Serializer};

/// An audience: who may read a page, a photo, a file or an event.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Audience {
    /// Anyone on the internet.
    Public,
    /// The families of every class.
    Families,
    /// The families and pupils of one class (its id).
    Class(String),
    /// The school's staff.
    Staff,
}

impl Audience {
    /// Parses an `acces:` value. `classe` alone means `current_class`.
    /// Errors are French, with the closest valid value as hint.
    pub fn parse(
        raw: &str,
        current_class: Option<&str>,
        known_classes: &[String],
    ) -> Result<Audience, (String, String)> {
        let raw = raw.trim();
        let valid = || {
            let mut all = vec!["public".to_string(), "familles".into(), "equipe".into()];
            all.extend(known_classes.iter().map(|c| format!("classe:{c}")));
            all
        };
        match raw {
            "public" => Ok(Audience::Public),
            "familles" => Ok(Audience::Families),
            "equipe" | "équipe" => Ok(Audience::Staff),
            "classe" => match current_class {
                Some(id) => Ok(Audience::Class(id.to_string())),
                None => Err((
                    "accès « classe » hors d'un dossier de classe".into(),
                    "précisez la classe, par exemple « classe:cm1 ».".into(),
                )),
            },
            _ => {
                if let Some(id) = raw.strip_prefix("classe:") {
                    let id = id.trim();
                    if known_classes.iter().any(|c| c == id) {
                        return Ok(Audience::Class(id.to_string()));
                    }
                    let hint = match crate::yaml::closest(id, known_classes) {
                        Some(best) => format!("vouliez-vous dire « classe:{best} » ? Les classes sont déclarées dans ecole.yaml (clé « classes »)."),
                        None => format!("classes connues : {}.", known_classes.join(", ")),
                    };
                    return Err((
                        format!("classe inconnue « {id} » dans l'accès « {raw} »"),
                        hint,
                    ));
                }
                let choices = valid();
                let hint = match crate::yaml::closest(raw, &choices) {
                    Some(best) => format!("vouliez-vous dire « {best} » ? Valeurs possibles : public, familles, classe:<id>, equipe."),
                    None => "valeurs possibles : public, familles, classe:<id>, equipe.".into(),
                };
                Err((format!("accès inconnu « {raw} »"), hint))
            }
        }
    }

    /// Parses a stable identifier written by [`Audience::id`] (no check that
    /// the class exists).
    pub fn from_id(id: &str) -> Option<Audience> {
        match id {
            "public" => Some(Audience::Public),
            "familles" => Some(Audience::Families),
            "equipe" => Some(Audience::Staff),
            _ => id
                .strip_prefix("classe:")
                .filter(|c| !c.is_empty())
                .map(|c| Audience::Class(c.to_string())),
        }
    }

    /// True for content anyone may read.
    pub fn is_public(&self) -> bool {
        matches!(self, Audience::Public)
    }

    /// The stable identifier, as written in `acces:` (`classe:cm1`).
    pub fn id(&self) -> String {
        match self {
            Audience::Public => "public".into(),
            Audience::Families => "familles".into(),
            Audience::Class(id) => format!("classe:{id}"),
            Audience::Staff => "equipe".into(),
        }
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id())
    }
}

impl Serialize for Audience {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes() -> Vec<String> {
        vec!["cp".into(), "cm1".into()]
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(
            Audience::parse("public", None, &classes()).unwrap(),
            Audience::Public
        );
        assert_eq!(
            Audience::parse("classe", Some("cp"), &classes()).unwrap(),
            Audience::Class("cp".into())
        );
        assert_eq!(
            Audience::parse("classe:cm1", None, &classes()).unwrap(),
            Audience::Class("cm1".into())
        );
        assert_eq!(
            Audience::parse("equipe", None, &classes()).unwrap(),
            Audience::Staff
        );
    }

    #[test]
    fn ids_round_trip() {
        for a in [
            Audience::Public,
            Audience::Families,
            Audience::Class("cm1".into()),
            Audience::Staff,
        ] {
            assert_eq!(Audience::from_id(&a.id()), Some(a));
        }
        assert_eq!(Audience::from_id("classe:"), None);
    }

    #[test]
    fn unknown_class_suggests() {
        let (msg, hint) = Audience::parse("classe:cm2", None, &classes()).unwrap_err();
        assert!(msg.contains("classe inconnue « cm2 »"));
        assert!(hint.contains("classe:cm1"), "{hint}");
        let (msg, hint) = Audience::parse("famille", None, &classes()).unwrap_err();
        assert!(msg.contains("accès inconnu"));
        assert!(hint.contains("« familles »"));
    }
}
