//! `preau serve`: the preview on 127.0.0.1, rebuilt on every save, and the
//! atelier (the teachers' forms) beside it.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::serve::{self, Options};

/// Serves until interrupted.
pub fn run(dir: &Path, port: u16, encrypted: bool, open: bool) -> Result<ExitCode> {
    let running = serve::start(Options {
        root: dir.to_path_buf(),
        port,
        encrypted,
    })?;
    let address = &running.address;
    println!("Aperçu de l'école : {address}");
    println!("Atelier (pour écrire) : {}", running.atelier);
    if encrypted {
        println!("Espaces des classes chiffrés, comme en ligne : « preau access codes » affiche les codes.");
    } else {
        println!("Les pages réservées sont montrées en clair, avec un bandeau (--chiffre pour voir le site comme les familles).");
    }
    println!("La page se met à jour à chaque enregistrement. Ctrl+C pour arrêter. Rien n'est écrit dans le site publié.");
    println!("Seul cet ordinateur peut ouvrir l'aperçu (127.0.0.1, localhost) : les autres adresses sont refusées.");
    println!("Le lien de l'atelier contient un jeton secret, nouveau à chaque lancement : ne le partagez pas.");
    if open {
        serve::open_browser(&running.atelier);
    }
    let _ = running.handle.join();
    Ok(ExitCode::SUCCESS)
}
