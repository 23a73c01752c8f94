//! clap's own words in French: the headings and brackets it adds to a help
//! page (« Options: », « [default: .] », « [possible values: …] ») and its
//! error messages, rebuilt from the error's context with a `conseil`.

use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::Stop;

/// clap's error, help or version, in French.
pub(super) fn stop(err: &clap::Error) -> Stop {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Stop {
            text: french_help(&err.render().to_string()),
            code: 0,
        },
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Stop {
            text: french_help(&err.render().to_string()),
            code: 2,
        },
        _ => Stop {
            text: french_error(err),
            code: 2,
        },
    }
}

/// The few words clap adds to a help page, in French.
fn french_help(text: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("Possible values:", "Valeurs possibles :"),
        ("[possible values: ", "[valeurs possibles : "),
        ("[default: ", "[par défaut : "),
        ("[aliases:", "[alias :"),
        ("[alias:", "[alias :"),
        ("[short aliases:", "[alias courts :"),
        ("[short alias:", "[alias court :"),
        ("[env:", "[variable d'environnement :"),
        ("Usage: ", "Utilisation : "),
    ];
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        // Headings (« Options: », « Arguments: », « Commandes: »): French
        // typography puts a space before the colon.
        let heading = !body.starts_with(' ')
            && body
                .strip_suffix(':')
                .is_some_and(|h| !h.is_empty() && !h.contains(':') && !h.ends_with(' '));
        let mut body = if heading {
            format!("{} :", &body[..body.len() - 1])
        } else {
            body.to_string()
        };
        for (english, french) in WORDS {
            body = body.replace(english, french);
        }
        out.push_str(&body);
        out.push_str(end);
    }
    out
}

/// A mistake on the command line, said in French with a hint.
fn french_error(err: &clap::Error) -> String {
    let string = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        _ => None,
    };
    let usage = string(ContextKind::Usage).unwrap_or_default();
    let usage = usage.trim().trim_start_matches("Usage:").trim().to_string();
    let path = command_path(&usage);
    let help = format!("« {path} --help » montre tout ce que la commande accepte.");
    let arg = string(ContextKind::InvalidArg).unwrap_or_default();
    let value = string(ContextKind::InvalidValue).unwrap_or_default();
    let suggested = string(ContextKind::SuggestedArg)
        .or_else(|| string(ContextKind::SuggestedSubcommand))
        .or_else(|| string(ContextKind::SuggestedValue))
        .map(|s| format!("vouliez-vous dire « {s} » ?"));
    let (message, hint) = match err.kind() {
        ErrorKind::UnknownArgument => (
            format!("argument inattendu « {arg} »"),
            suggested.unwrap_or(if arg.starts_with('-') {
                format!("{help} (Pour donner « {arg} » comme valeur, écrivez « -- {arg} ».)")
            } else {
                help.clone()
            }),
        ),
        ErrorKind::InvalidSubcommand => {
            let sub = string(ContextKind::InvalidSubcommand).unwrap_or_default();
            (
                format!("commande inconnue « {sub} »"),
                suggested.unwrap_or(help.clone()),
            )
        }
        ErrorKind::InvalidValue if value.is_empty() => {
            (format!("il manque la valeur de « {arg} »"), help.clone())
        }
        ErrorKind::InvalidValue => (
            format!("valeur impossible « {value} » pour « {arg} »"),
            match string(ContextKind::ValidValue) {
                Some(valid) => format!(
                    "{}valeurs possibles : {valid}.",
                    suggested.map(|s| format!("{s} ")).unwrap_or_default()
                ),
                None => suggested.unwrap_or(help.clone()),
            },
        ),
        ErrorKind::ValueValidation => (
            format!("valeur impossible « {value} » pour « {arg} »"),
            validation_hint(err).unwrap_or(help.clone()),
        ),
        ErrorKind::MissingRequiredArgument => (
            format!(
                "il manque {}",
                string(ContextKind::InvalidArg)
                    .map(|a| format!("« {a} »"))
                    .unwrap_or_else(|| "un argument".into())
            ),
            help.clone(),
        ),
        ErrorKind::MissingSubcommand => (
            format!(
                "« {} » attend une commande",
                string(ContextKind::InvalidSubcommand).unwrap_or(path.clone())
            ),
            string(ContextKind::ValidSubcommand)
                .map(|v| format!("commandes possibles : {v}."))
                .unwrap_or(help.clone()),
        ),
        ErrorKind::ArgumentConflict => {
            let prior = string(ContextKind::PriorArg);
            if prior.as_deref() == Some(arg.as_str()) || prior.is_none() {
                (
                    format!("« {arg} » est donné plusieurs fois"),
                    "gardez-le une seule fois.".to_string(),
                )
            } else {
                (
                    format!(
                        "« {arg} » ne peut pas aller avec « {} »",
                        prior.unwrap_or_default()
                    ),
                    "choisissez l'un ou l'autre.".to_string(),
                )
            }
        }
        ErrorKind::TooManyValues => (
            format!("valeur en trop « {value} » pour « {arg} »"),
            help.clone(),
        ),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => (
            format!("nombre de valeurs incorrect pour « {arg} »"),
            help.clone(),
        ),
        ErrorKind::NoEquals => (
            format!("il faut un signe = après « {arg} »"),
            format!("écrivez « {arg}=VALEUR »."),
        ),
        ErrorKind::InvalidUtf8 => (
            "un argument contient des caractères illisibles (pas de l'UTF-8)".to_string(),
            "renommez le fichier ou le dossier avec des lettres simples.".to_string(),
        ),
        _ => (
            "la ligne de commande est illisible".to_string(),
            help.clone(),
        ),
    };
    let mut text = format!("erreur : {message}\n  conseil : {hint}\n");
    if !usage.is_empty() {
        text.push_str(&format!("\nUtilisation : {usage}\n"));
    }
    text
}

/// A hint for a value clap could not convert (a port, a version number).
fn validation_hint(err: &clap::Error) -> Option<String> {
    use std::num::IntErrorKind;
    let source = std::error::Error::source(err)?;
    // clap's range check: « 99999 is not in 0..=65535 ».
    if let Some((_, range)) = source.to_string().split_once(" is not in ") {
        let (low, high) = range.split_once("..=")?;
        return Some(format!("il faut un nombre de {low} à {high}."));
    }
    let int = source.downcast_ref::<std::num::ParseIntError>()?;
    Some(
        match int.kind() {
            IntErrorKind::PosOverflow => "ce nombre est trop grand.",
            IntErrorKind::NegOverflow => "ce nombre est trop petit.",
            IntErrorKind::Empty => "il faut un nombre.",
            _ => "il faut un nombre entier positif, en chiffres (par exemple 8080).",
        }
        .to_string(),
    )
}

/// « preau build » from clap's usage line « preau build [OPTIONS] [DOSSIER] ».
fn command_path(usage: &str) -> String {
    let words: Vec<&str> = usage
        .split_whitespace()
        .take_while(|w| w.starts_with(|c: char| c.is_ascii_lowercase()))
        .collect();
    if words.is_empty() {
        "preau".to_string()
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn run(args: &[&str]) -> Stop {
        parse(std::iter::once("preau").chain(args.iter().copied())).unwrap_err()
    }

    #[test]
    fn help_and_errors_are_french() {
        let help = run(&["access", "--help"]);
        assert_eq!(help.code, 0);
        assert!(help.text.contains("Options :"), "{}", help.text);
        assert!(!help.text.contains("[default"), "{}", help.text);
        let err = run(&["build", "--foo"]);
        assert_eq!(err.code, 2);
        assert!(
            err.text.starts_with(
                "erreur : argument inattendu « --foo »\n  conseil : « preau build --help »"
            ),
            "{}",
            err.text
        );
        let err = run(&["serve", "--port", "99999"]);
        assert!(
            err.text.contains("il faut un nombre de 0 à 65535"),
            "{}",
            err.text
        );
    }

    #[test]
    fn headings_get_a_space_before_the_colon() {
        assert_eq!(
            french_help("Options:\n  -p <N>  Port [default: 1111]\n"),
            "Options :\n  -p <N>  Port [par défaut : 1111]\n"
        );
    }
}
