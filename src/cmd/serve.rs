//! `preau serve`: the preview on 127.0.0.1, rebuilt on every save.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::serve::{self, Options};

/// Serves until interrupted.
pub fn run(dir: &Path, port: u16, encrypted: bool, open: bool) -> Result<ExitCode> {
    let (address, handle) = serve::start(Options {
        root: dir.to_path_buf(),
        port,
        encrypted,
    })?;
    println!("Aperçu de l'école : {address}");
    if encrypted {
        println!("Espaces des classes chiffrés, comme en ligne : « preau access codes » affiche les codes.");
    } else {
        println!("Les pages réservées sont montrées en clair, avec un bandeau (--chiffre pour voir le site comme les familles).");
    }
    println!("La page se met à jour à chaque enregistrement. Ctrl+C pour arrêter. Rien n'est écrit dans le site publié.");
    println!("Seul cet ordinateur peut ouvrir l'aperçu (127.0.0.1, localhost) : les autres adresses sont refusées.");
    if open {
        serve::open_browser(&address);
    }
    let _ = handle.join();
    Ok(ExitCode::SUCCESS)
}
