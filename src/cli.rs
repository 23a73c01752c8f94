//! Command-line arguments (clap). Doc comments are the French help.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Préau : le site de l'école, construit à partir des textes des enseignant·es.
#[derive(Debug, Parser)]
#[command(name = "preau", version, about, long_about = None, disable_help_subcommand = true)]
#[command(help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}")]
#[command(
    subcommand_help_heading = "Commandes",
    subcommand_value_name = "COMMANDE"
)]
#[command(disable_help_flag = true, disable_version_flag = true)]
pub struct Cli {
    /// Affiche l'aide.
    #[arg(short = 'h', long = "help", action = clap::ArgAction::Help, global = true)]
    help: Option<bool>,

    /// Affiche la version.
    #[arg(short = 'V', long = "version", action = clap::ArgAction::Version)]
    version: Option<bool>,

    /// Affiche plus de détails (répéter pour encore plus : -vv).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// La commande à lancer.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands, with the French aliases of DESIGN.md.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Construit le site dans DOSSIER/public (alias : construire).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "construire"
    )]
    Build {
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(default_value = ".", hide_default_value = true, value_name = "DOSSIER")]
        dir: PathBuf,
        /// Dossier où écrire le site (par défaut : DOSSIER/public).
        #[arg(short, long, value_name = "SORTIE")]
        out: Option<PathBuf>,
    },
    /// Vérifie tout le dossier de l'école et signale chaque problème (alias : controler).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "controler"
    )]
    Check {
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(default_value = ".", hide_default_value = true, value_name = "DOSSIER")]
        dir: PathBuf,
    },
    /// Crée le dossier d'une nouvelle école, prêt à construire (alias : creer).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "creer"
    )]
    Init {
        /// Dossier à créer.
        #[arg(value_name = "DOSSIER")]
        dir: PathBuf,
    },
    /// Crée un fichier prêt à remplir : article, jour de cahier ou ressources (alias : nouveau).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "nouveau"
    )]
    New {
        /// Ce qu'il faut créer.
        #[arg(value_enum, value_name = "TYPE")]
        kind: NewKind,
        /// Titre de l'article (pour un article).
        #[arg(value_name = "TITRE")]
        title: Option<String>,
        /// Identifiant de la classe (cp, ce1…) ; sans classe, un article est une actualité de l'école.
        #[arg(short, long, value_name = "ID")]
        classe: Option<String>,
        /// Date du jour de cahier ou de l'article (AAAA-MM-JJ ; par défaut : aujourd'hui).
        #[arg(short, long, value_name = "DATE")]
        date: Option<String>,
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(
            short,
            long,
            default_value = ".",
            hide_default_value = true,
            value_name = "DOSSIER"
        )]
        ecole: PathBuf,
    },
    /// Codes d'accès des familles : créer, renouveler, imprimer les lettres (alias : acces).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "acces"
    )]
    Access {
        /// Ce qu'il faut faire.
        #[command(subcommand)]
        action: AccessAction,
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(
            short,
            long,
            default_value = ".",
            value_name = "DOSSIER",
            global = true
        )]
        ecole: PathBuf,
    },
    /// Aperçu du site dans le navigateur, sur cet ordinateur (alias : apercu).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "apercu"
    )]
    Serve {
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(default_value = ".", hide_default_value = true, value_name = "DOSSIER")]
        dir: PathBuf,
        /// Port d'écoute sur 127.0.0.1.
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Montre le site tel que les familles le verront : espaces chiffrés, avec demande du code (alias : --chiffre).
        #[arg(long, visible_alias = "chiffre")]
        encrypted: bool,
    },
}

/// What `preau access` does.
#[derive(Debug, Subcommand)]
pub enum AccessAction {
    /// Crée les codes qui manquent (tous, la première fois) sans changer les autres (alias : generer).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "generer"
    )]
    Generate,
    /// Change le code d'une classe (ou de l'équipe) : l'ancien n'ouvrira plus rien de nouveau (alias : renouveler).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "renouveler"
    )]
    Rotate {
        /// La classe (cp, cm1…) ou « equipe ».
        #[arg(value_name = "CLASSE")]
        role: String,
    },
    /// Écrit les lettres aux familles, à imprimer, dans .preau/lettres/ (alias : lettres).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "lettres"
    )]
    Letters,
    /// Affiche les codes de chaque classe et de l'équipe.
    Codes,
}

/// What `preau new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    /// Un article (actualité de la classe ou de l'école).
    Article,
    /// Un jour du cahier de textes.
    Cahier,
    /// La liste de ressources d'une classe.
    Ressource,
}
