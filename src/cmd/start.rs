//! `preau` started without arguments, as a double-click starts it: finds the
//! school folder (remembered from last time, or asked once in the console,
//! where a folder can be dropped) and opens the atelier on it, exactly as
//! `preau serve DOSSIER --ouvrir` would. A folder that does not exist yet,
//! or an empty one, can become a new school (`preau init`).

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Parser;

/// Name of the file, in the user's configuration folder, that remembers
/// the school folder (one line: its path).
const REMEMBERED: &str = "ecole";

/// Finds the school, then serves it until the window is closed.
pub fn run() -> Result<ExitCode> {
    println!("Préau {}", env!("CARGO_PKG_VERSION"));
    let memory = memory_file();
    let remembered = memory.as_deref().and_then(read_remembered);
    let dir = match remembered {
        Some(dir) if is_school(&dir) => dir,
        other => {
            if let Some(dir) = other {
                println!(
                    "Le dossier de l'école retenu la dernière fois, « {} », n'est plus là ou n'a plus de fichier ecole.yaml (clé USB retirée ? dossier déplacé ?).",
                    dir.display()
                );
            }
            let dir = ask(&mut std::io::stdin().lock())?;
            if let Some(memory) = &memory {
                if let Err(err) = remember(memory, &dir) {
                    eprintln!(
                        "attention : le dossier ne sera pas retenu pour la prochaine fois ({err:#})"
                    );
                }
            }
            dir
        }
    };
    println!("École : {}", dir.display());
    if let Some(memory) = &memory {
        println!(
            "(Pour ouvrir une autre école au prochain lancement, supprimez le fichier « {} ».)",
            memory.display()
        );
    }
    let dir = dir.to_string_lossy().into_owned();
    let serve = crate::cli::Cli::try_parse_from(["preau", "serve", &dir, "--port", "0", "--open"])
        .context("lancement de l'aperçu")?;
    super::run(serve.command)
}

/// After a failure in a window opened by a double-click, keeps the message
/// on screen until the teacher has read it.
pub fn pause_before_closing() {
    if std::io::stdin().is_terminal() {
        println!("Appuyez sur Entrée pour fermer cette fenêtre.");
        let _ = std::io::stdin().lock().read_line(&mut String::new());
    }
}

/// Asks in the console until a school folder is given (or a new school
/// created); fails when the input ends.
fn ask(input: &mut impl BufRead) -> Result<PathBuf> {
    println!();
    println!("Où se trouve le dossier de l'école ?");
    println!("Faites glisser le dossier dans cette fenêtre (ou tapez son chemin), puis appuyez sur Entrée.");
    println!("Pour une nouvelle école, donnez un dossier vide ou qui n'existe pas encore : il sera préparé.");
    loop {
        let Some(line) = prompt(input, "Dossier de l'école : ")? else {
            bail!("aucun dossier d'école n'a été donné\n  conseil : relancez Préau et faites glisser le dossier de l'école dans la fenêtre, puis appuyez sur Entrée");
        };
        let Some(dir) = dropped_path(&line) else {
            continue;
        };
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        if is_school(&dir) {
            return Ok(dir);
        }
        // A class folder dropped instead of the school: open its school.
        if let Some(school) = dir.ancestors().skip(1).find(|d| is_school(d)) {
            println!(
                "« {} » est à l'intérieur de l'école « {} » : c'est elle qui est ouverte.",
                dir.display(),
                school.display()
            );
            return Ok(school.to_path_buf());
        }
        if could_be_new_school(&dir) {
            let question = format!(
                "« {} » ne contient pas encore d'école. Y créer une nouvelle école ? (o/n) : ",
                dir.display()
            );
            match prompt(input, &question)? {
                Some(answer) if is_yes(&answer) => {
                    super::init::run(&dir)?;
                    return Ok(dir);
                }
                Some(_) => continue,
                None => bail!("aucune école n'a été créée"),
            }
        }
        println!(
            "« {} » n'est pas le dossier d'une école : il n'y a pas de fichier ecole.yaml dedans.\n  conseil : donnez le dossier qui contient ecole.yaml (celui que le directeur ou la directrice a partagé), pas un de ses sous-dossiers.",
            dir.display()
        );
    }
}

/// Prints `question`, reads one line; `None` at the end of the input.
fn prompt(input: &mut impl BufRead, question: &str) -> Result<Option<String>> {
    print!("{question}");
    std::io::stdout().flush().ok();
    let mut line = String::new();
    let read = input
        .read_line(&mut line)
        .context("lecture de la réponse")?;
    Ok((read > 0).then_some(line))
}

fn is_yes(answer: &str) -> bool {
    matches!(
        answer.trim().to_lowercase().as_str(),
        "o" | "oui" | "y" | "yes"
    )
}

/// The path in a line typed or dropped into a console: Windows' console
/// quotes a path with spaces (`"C:\…\Mon école"`), PowerShell may add `& '…'`,
/// Linux terminals quote it (`'/home/…/Mon école' `), macOS' Terminal
/// escapes spaces (`/Users/…/Mon\ école`).
fn dropped_path(line: &str) -> Option<PathBuf> {
    let mut text = line.trim();
    if let Some(rest) = text.strip_prefix("& ") {
        text = rest.trim_start();
    }
    for quote in ['"', '\''] {
        if text.len() >= 2 && text.starts_with(quote) && text.ends_with(quote) {
            text = &text[1..text.len() - 1];
            return (!text.is_empty()).then(|| PathBuf::from(text));
        }
    }
    if text.is_empty() {
        return None;
    }
    if cfg!(windows) {
        return Some(PathBuf::from(text));
    }
    let mut unescaped = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => unescaped.extend(chars.next()),
            c => unescaped.push(c),
        }
    }
    Some(PathBuf::from(unescaped))
}

fn is_school(dir: &Path) -> bool {
    dir.join("ecole.yaml").is_file()
}

/// A folder `preau init` may fill: missing, or empty.
fn could_be_new_school(dir: &Path) -> bool {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(err) => err.kind() == std::io::ErrorKind::NotFound,
    }
}

/// `<configuration folder>/preau/ecole`, where the school folder is kept.
fn memory_file() -> Option<PathBuf> {
    Some(config_dir()?.join("preau").join(REMEMBERED))
}

/// The user's configuration folder: `%APPDATA%` on Windows,
/// `~/Library/Application Support` on macOS, `$XDG_CONFIG_HOME` or
/// `~/.config` elsewhere.
fn config_dir() -> Option<PathBuf> {
    let var = |name| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    if cfg!(windows) {
        var("APPDATA")
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|home| home.join("Library/Application Support"))
    } else {
        var("XDG_CONFIG_HOME").or_else(|| var("HOME").map(|home| home.join(".config")))
    }
}

fn read_remembered(file: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(file).ok()?;
    let line = text.lines().next()?.trim_end_matches('\r');
    (!line.is_empty()).then(|| PathBuf::from(line))
}

/// Writes the school folder to `file` (through a temporary file, so that a
/// crash never leaves half a path).
fn remember(file: &Path, dir: &Path) -> Result<()> {
    let parent = file.parent().context("dossier de configuration")?;
    std::fs::create_dir_all(parent)
        .with_context(|| format!("création de « {} »", parent.display()))?;
    let text = dir
        .to_str()
        .context("le chemin du dossier n'est pas un texte Unicode valide")?;
    let tmp = file.with_extension("tmp");
    std::fs::write(&tmp, format!("{text}\n"))
        .with_context(|| format!("écriture de « {} »", tmp.display()))?;
    std::fs::rename(&tmp, file).with_context(|| format!("écriture de « {} »", file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_paths_as_consoles_drop_them() {
        let p = |s: &str| dropped_path(s).map(|p| p.to_string_lossy().into_owned());
        assert_eq!(
            p("\"C:\\Users\\Anne\\Mon école\"\r\n").as_deref(),
            Some("C:\\Users\\Anne\\Mon école")
        );
        assert_eq!(
            p("& 'C:\\Ecole du Parc'\n").as_deref(),
            Some("C:\\Ecole du Parc")
        );
        assert_eq!(
            p("'/home/anne/Mon école' \n").as_deref(),
            Some("/home/anne/Mon école")
        );
        assert_eq!(p("/srv/ecole\n").as_deref(), Some("/srv/ecole"));
        assert_eq!(p("  \n"), None);
        assert_eq!(p("\"\"\n"), None);
        #[cfg(not(windows))]
        assert_eq!(
            p("/Users/anne/Mon\\ école \n").as_deref(),
            Some("/Users/anne/Mon école")
        );
    }

    #[test]
    fn asks_again_until_a_school_is_given() {
        let tmp = tempfile::tempdir().unwrap();
        let school = tmp.path().join("ecole");
        std::fs::create_dir_all(school.join("classes")).unwrap();
        std::fs::write(school.join("ecole.yaml"), "nom: École\n").unwrap();
        std::fs::write(school.join("classes/cp.yaml"), "nom: CP\n").unwrap();
        let other = tmp.path().join("autre");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("notes.txt"), "").unwrap();
        let answers = format!("\n{}\n{}\n", other.display(), school.display());
        let dir = ask(&mut answers.as_bytes()).unwrap();
        assert_eq!(dir, school);
        // A folder inside the school (even an empty one) opens the school.
        let answers = format!("{}\n", school.join("classes").display());
        assert_eq!(ask(&mut answers.as_bytes()).unwrap(), school);
        // A refused answer "n" to creating a school asks for the folder again.
        let answers = format!("{}\nn\n", tmp.path().join("nouvelle").display());
        let err = ask(&mut answers.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("aucun dossier"), "{err}");
        assert!(!tmp.path().join("nouvelle").exists());
    }

    #[test]
    fn remembers_one_line() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("conf/preau/ecole");
        remember(&file, Path::new("/srv/École du Parc")).unwrap();
        assert_eq!(
            read_remembered(&file).as_deref(),
            Some(Path::new("/srv/École du Parc"))
        );
        assert_eq!(read_remembered(&tmp.path().join("absent")), None);
    }
}
