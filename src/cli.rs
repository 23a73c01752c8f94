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
    /// Prépare la nouvelle année scolaire : archives pour l'équipe, nouvelles classes, nouveaux codes (alias : rentree).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "rentree"
    )]
    Annee {
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(default_value = ".", hide_default_value = true, value_name = "DOSSIER")]
        dir: PathBuf,
        /// Jour de la rentrée, AAAA-MM-JJ (par défaut : aujourd'hui) : ce qui est daté d'avant part aux archives.
        #[arg(short, long, value_name = "DATE")]
        date: Option<String>,
        /// Classes de la nouvelle année, séparées par des virgules : « cp,ce1,cm2=cm1 » (cm2=cm1 : la classe cm1 continue sous le nom cm2) ; par défaut, les mêmes.
        #[arg(short, long, value_name = "LISTE")]
        classes: Option<String>,
        /// Montre ce qui changerait, sans rien modifier (alias : --essai).
        #[arg(long, visible_alias = "essai")]
        dry_run: bool,
    },
    /// Clés de signature du directeur et de l'IEN (alias : cles).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "cles"
    )]
    Keys {
        /// Ce qu'il faut faire.
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Directeur : construit, signe et prépare la soumission à l'IEN (alias : soumettre).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "soumettre"
    )]
    Submit {
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(default_value = ".", hide_default_value = true, value_name = "DOSSIER")]
        dir: PathBuf,
        /// Clé secrète du directeur (par défaut : DOSSIER/.preau/cles/directeur.key).
        #[arg(long, value_name = "CLÉ")]
        cle: Option<PathBuf>,
    },
    /// Enseignant·e : signe et publie le seul espace de sa classe, sans attendre l'IEN si la politique le permet.
    #[command(
        name = "publier-classe",
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}"
    )]
    PublishClass {
        /// La classe dont l'espace a changé (cp, cm1…).
        #[arg(value_name = "CLASSE")]
        classe: String,
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(
            long = "ecole",
            default_value = ".",
            hide_default_value = true,
            value_name = "DOSSIER"
        )]
        dir: PathBuf,
        /// Clé secrète de l'enseignant·e (par défaut : DOSSIER/.preau/cles/enseignant-CLASSE.key) ou du directeur.
        #[arg(long, value_name = "CLÉ")]
        cle: Option<PathBuf>,
        /// Le site publié en dernier (par défaut : la destination si c'est un dossier, sinon celui que Préau a retenu).
        #[arg(long, value_name = "SITE")]
        depuis: Option<PathBuf>,
        /// Dossier de destination, à la place de celui de ecole.yaml.
        #[arg(long, value_name = "DOSSIER")]
        vers: Option<PathBuf>,
        /// Signe et vérifie sans publier.
        #[arg(long)]
        sans_publier: bool,
    },
    /// IEN : vérifie une soumission, montre le rapport, signe l'approbation ou le refus (alias : approuver).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "approuver"
    )]
    Approve {
        /// Le fichier de soumission reçu du directeur.
        #[arg(value_name = "SOUMISSION")]
        submission: PathBuf,
        /// Clé secrète de l'IEN.
        #[arg(long, value_name = "CLÉ", default_value = ".preau/cles/ien.key")]
        cle: PathBuf,
        /// Dossier de l'école, pour les clés de « confiance » de ecole.yaml.
        #[arg(long, value_name = "DOSSIER")]
        ecole: Option<PathBuf>,
        /// Clé publique du directeur (fichier .pub ou ligne de la clé), à défaut de --ecole.
        #[arg(long, value_name = "CLÉ")]
        directeur: Option<String>,
        /// Refuse la version, avec son motif (alias : --refuser).
        #[arg(long, visible_alias = "refuser", value_name = "MOTIF")]
        refuse: Option<String>,
        /// Approuve sans poser la question (alias : --oui).
        #[arg(long, visible_alias = "oui")]
        yes: bool,
    },
    /// Vérifie un site : fichiers, manifeste, signatures, expiration, version (alias : verifier).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "verifier"
    )]
    Verify {
        /// Dossier du site à vérifier, ou le dossier d'une commune : la dernière version approuvée de chaque école.
        #[arg(value_name = "SITE")]
        site: PathBuf,
        /// Dossier de l'école, pour les clés de « confiance » et la dernière version connue.
        #[arg(long, value_name = "DOSSIER")]
        ecole: Option<PathBuf>,
        /// Clé publique du directeur (fichier .pub ou ligne de la clé).
        #[arg(long, value_name = "CLÉ")]
        directeur: Option<String>,
        /// Clé publique de l'IEN (fichier .pub ou ligne de la clé).
        #[arg(long, value_name = "CLÉ")]
        ien: Option<String>,
        /// Refuse une version plus ancienne que celle-ci (alias : --version-min).
        #[arg(
            long = "version-minimale",
            visible_alias = "version-min",
            value_name = "N"
        )]
        version_min: Option<u64>,
    },
    /// Publie un site approuvé : seulement ce qui a changé, le manifeste en dernier (alias : publier).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "publier"
    )]
    Deploy {
        /// Le dossier du site approuvé (approuve-vN), ou le dossier d'une commune : la dernière version approuvée de chaque école.
        #[arg(value_name = "SITE")]
        site: PathBuf,
        /// Dossier de l'école : clés de « confiance » et destination « publication » de ecole.yaml.
        #[arg(
            long,
            default_value = ".",
            hide_default_value = true,
            value_name = "DOSSIER"
        )]
        ecole: PathBuf,
        /// Dossier de destination, à la place de celui de ecole.yaml.
        #[arg(long, value_name = "DOSSIER")]
        vers: Option<PathBuf>,
        /// Montre ce qui changerait, sans rien envoyer (alias : --essai).
        #[arg(long, visible_alias = "essai")]
        dry_run: bool,
        /// Accepte de publier une version plus ancienne que celle en ligne.
        #[arg(long = "forcer-retour-arriere")]
        force_rollback: bool,
        /// Télécharge et vérifie chaque fichier en ligne, au lieu de se fier aux tailles, dates ou empreintes que donne l'hébergeur.
        #[arg(long = "verification-complete")]
        full_check: bool,
    },
    /// Indicateurs d'usage tirés des journaux de l'hébergeur, sans donnée personnelle (alias : statistiques).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "statistiques"
    )]
    Stats {
        /// Journaux d'accès (Apache ou nginx, compressés ou non) : fichiers ou dossiers.
        #[arg(value_name = "JOURNAUX", required = true)]
        logs: Vec<PathBuf>,
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(
            long,
            default_value = ".",
            hide_default_value = true,
            value_name = "DOSSIER"
        )]
        ecole: PathBuf,
        /// Dossier où écrire statistiques.html et statistiques.csv (par défaut : DOSSIER/.preau/statistiques).
        #[arg(long, value_name = "SORTIE")]
        sortie: Option<PathBuf>,
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
        /// Ouvre l'aperçu dans le navigateur (alias : --ouvrir).
        #[arg(long, visible_alias = "ouvrir")]
        open: bool,
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

/// What `preau keys` does.
#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Crée une paire de clés minisign (alias : generer).
    #[command(
        disable_help_flag = true,
        help_template = "{about}\n\nUtilisation : {usage}\n\n{all-args}",
        alias = "generer"
    )]
    Generate {
        /// Pour qui : directeur ou ien.
        #[arg(long, value_name = "RÔLE")]
        role: String,
        /// Dossier où écrire les clés.
        #[arg(long, default_value = ".preau/cles", value_name = "DOSSIER")]
        dossier: PathBuf,
        /// Clé secrète sans mot de passe (protégée seulement par les droits du fichier).
        #[arg(long)]
        sans_mot_de_passe: bool,
    },
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
