//! Command-line arguments (clap). Doc comments are the French help; the
//! field names are English, the flags users type are French
//! (`#[arg(long = "ecole")] school`). clap writes a few words of its own
//! (headings, « [default: …] », its error messages) in English: [`parse`]
//! gives them in French.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

mod french;

/// Préau : le site de l'école, construit à partir des textes des enseignant·es.
#[derive(Debug, Parser)]
#[command(name = "preau", version, about, long_about = None, disable_help_subcommand = true)]
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
    #[command(alias = "construire")]
    Build {
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(default_value = ".", hide_default_value = true, value_name = "DOSSIER")]
        dir: PathBuf,
        /// Dossier où écrire le site (par défaut : DOSSIER/public).
        #[arg(short, long, value_name = "SORTIE")]
        out: Option<PathBuf>,
    },
    /// Vérifie tout le dossier de l'école et signale chaque problème (alias : controler).
    #[command(alias = "controler")]
    Check {
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(default_value = ".", hide_default_value = true, value_name = "DOSSIER")]
        dir: PathBuf,
    },
    /// Crée le dossier d'une nouvelle école, prêt à construire (alias : creer).
    #[command(alias = "creer")]
    Init {
        /// Dossier à créer.
        #[arg(value_name = "DOSSIER")]
        dir: PathBuf,
    },
    /// Crée un fichier prêt à remplir : article, jour de cahier ou ressources (alias : nouveau).
    #[command(alias = "nouveau")]
    New {
        /// Ce qu'il faut créer.
        #[arg(value_enum, value_name = "TYPE")]
        kind: NewKind,
        /// Titre de l'article (pour un article).
        #[arg(value_name = "TITRE")]
        title: Option<String>,
        /// Identifiant de la classe (cp, ce1…) ; sans classe, un article est une actualité de l'école.
        #[arg(short = 'c', long = "classe", value_name = "ID")]
        class: Option<String>,
        /// Date du jour de cahier ou de l'article (AAAA-MM-JJ ; par défaut : aujourd'hui).
        #[arg(short, long, value_name = "DATE")]
        date: Option<String>,
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(
            short = 'e',
            long = "ecole",
            default_value = ".",
            hide_default_value = true,
            value_name = "DOSSIER"
        )]
        school: PathBuf,
    },
    /// Codes d'accès des familles : créer, renouveler, imprimer les lettres (alias : acces).
    #[command(alias = "acces")]
    Access {
        /// Ce qu'il faut faire.
        #[command(subcommand)]
        action: AccessAction,
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(
            short = 'e',
            long = "ecole",
            default_value = ".",
            hide_default_value = true,
            value_name = "DOSSIER",
            global = true
        )]
        school: PathBuf,
    },
    /// Prépare la nouvelle année scolaire : archives pour l'équipe, nouvelles classes, nouveaux codes (alias : rentree).
    #[command(alias = "rentree")]
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
        #[arg(long, alias = "essai")]
        dry_run: bool,
    },
    /// Clés de signature du directeur et de l'IEN (alias : cles).
    #[command(alias = "cles")]
    Keys {
        /// Ce qu'il faut faire.
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Directeur : construit, signe et prépare la soumission à l'IEN (alias : soumettre).
    #[command(alias = "soumettre")]
    Submit {
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(default_value = ".", hide_default_value = true, value_name = "DOSSIER")]
        dir: PathBuf,
        /// Clé secrète du directeur (par défaut : DOSSIER/.preau/cles/directeur.key).
        #[arg(long = "cle", value_name = "CLÉ")]
        key: Option<PathBuf>,
    },
    /// Enseignant·e : signe et publie le seul espace de sa classe, sans attendre l'IEN si la politique le permet.
    #[command(name = "publier-classe")]
    PublishClass {
        /// La classe dont l'espace a changé (cp, cm1…).
        #[arg(value_name = "CLASSE")]
        class: String,
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(
            long = "ecole",
            default_value = ".",
            hide_default_value = true,
            value_name = "DOSSIER"
        )]
        dir: PathBuf,
        /// Clé secrète de l'enseignant·e (par défaut : DOSSIER/.preau/cles/enseignant-CLASSE.key) ou du directeur.
        #[arg(long = "cle", value_name = "CLÉ")]
        key: Option<PathBuf>,
        /// Le site publié en dernier (par défaut : la destination si c'est un dossier, sinon celui que Préau a retenu).
        #[arg(long = "depuis", value_name = "SITE")]
        from: Option<PathBuf>,
        /// Dossier de destination, à la place de celui de ecole.yaml.
        #[arg(long = "vers", value_name = "DOSSIER")]
        to: Option<PathBuf>,
        /// Signe et vérifie sans publier.
        #[arg(long = "sans-publier")]
        no_deploy: bool,
    },
    /// IEN : vérifie une soumission, montre le rapport, signe l'approbation ou le refus (alias : approuver).
    #[command(alias = "approuver")]
    Approve {
        /// Le fichier de soumission reçu du directeur.
        #[arg(value_name = "SOUMISSION")]
        submission: PathBuf,
        /// Clé secrète de l'IEN.
        #[arg(
            long = "cle",
            value_name = "CLÉ",
            default_value = ".preau/cles/ien.key"
        )]
        key: PathBuf,
        /// Dossier de l'école, pour les clés de « confiance » de ecole.yaml.
        #[arg(long = "ecole", value_name = "DOSSIER")]
        school: Option<PathBuf>,
        /// Clé publique du directeur (fichier .pub ou ligne de la clé), à défaut de --ecole.
        #[arg(long = "directeur", value_name = "CLÉ")]
        director_key: Option<String>,
        /// Refuse la version, avec son motif (alias : --refuser).
        #[arg(long, alias = "refuser", value_name = "MOTIF")]
        refuse: Option<String>,
        /// Approuve sans poser la question (alias : --oui).
        #[arg(long, alias = "oui")]
        yes: bool,
    },
    /// Vérifie un site : fichiers, manifeste, signatures, expiration, version (alias : verifier).
    #[command(alias = "verifier")]
    Verify {
        /// Dossier du site à vérifier, ou le dossier d'une commune : la dernière version approuvée de chaque école.
        #[arg(value_name = "SITE")]
        site: PathBuf,
        /// Dossier de l'école, pour les clés de « confiance » et la dernière version connue.
        #[arg(long = "ecole", value_name = "DOSSIER")]
        school: Option<PathBuf>,
        /// Clé publique du directeur (fichier .pub ou ligne de la clé).
        #[arg(long = "directeur", value_name = "CLÉ")]
        director_key: Option<String>,
        /// Clé publique de l'IEN (fichier .pub ou ligne de la clé).
        #[arg(long = "ien", value_name = "CLÉ")]
        ien_key: Option<String>,
        /// Refuse une version plus ancienne que celle-ci (alias : --version-min).
        #[arg(long = "version-minimale", alias = "version-min", value_name = "N")]
        version_min: Option<u64>,
    },
    /// Publie un site approuvé : seulement ce qui a changé, le manifeste en dernier (alias : publier).
    #[command(alias = "publier")]
    Deploy {
        /// Le dossier du site approuvé (approuve-vN), ou le dossier d'une commune : la dernière version approuvée de chaque école.
        #[arg(value_name = "SITE")]
        site: PathBuf,
        /// Dossier de l'école : clés de « confiance » et destination « publication » de ecole.yaml.
        #[arg(
            long = "ecole",
            default_value = ".",
            hide_default_value = true,
            value_name = "DOSSIER"
        )]
        school: PathBuf,
        /// Dossier de destination, à la place de celui de ecole.yaml.
        #[arg(long = "vers", value_name = "DOSSIER")]
        to: Option<PathBuf>,
        /// Montre ce qui changerait, sans rien envoyer (alias : --essai).
        #[arg(long, alias = "essai")]
        dry_run: bool,
        /// Accepte de publier une version plus ancienne que celle en ligne (avec le dossier d'une commune : pour chaque école).
        #[arg(long = "forcer-retour-arriere")]
        force_rollback: bool,
        /// Télécharge et vérifie chaque fichier en ligne, au lieu de se fier aux tailles, dates ou empreintes que donne l'hébergeur.
        #[arg(long = "verification-complete")]
        full_check: bool,
    },
    /// Indicateurs d'usage tirés des journaux de l'hébergeur, sans donnée personnelle (alias : statistiques).
    #[command(alias = "statistiques")]
    Stats {
        /// Journaux d'accès (Apache ou nginx, compressés ou non) : fichiers ou dossiers.
        #[arg(value_name = "JOURNAUX", required = true)]
        logs: Vec<PathBuf>,
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(
            long = "ecole",
            default_value = ".",
            hide_default_value = true,
            value_name = "DOSSIER"
        )]
        school: PathBuf,
        /// Dossier où écrire statistiques.html et statistiques.csv (par défaut : DOSSIER/.preau/statistiques).
        #[arg(long = "sortie", value_name = "SORTIE")]
        out: Option<PathBuf>,
    },
    /// Aperçu du site dans le navigateur, sur cet ordinateur (alias : apercu).
    #[command(alias = "apercu")]
    Serve {
        /// Dossier de l'école (par défaut : le dossier courant).
        #[arg(default_value = ".", hide_default_value = true, value_name = "DOSSIER")]
        dir: PathBuf,
        /// Port d'écoute sur 127.0.0.1.
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Montre le site tel que les familles le verront : espaces chiffrés, avec demande du code (alias : --chiffre).
        #[arg(long, alias = "chiffre")]
        encrypted: bool,
        /// Ouvre l'atelier (les formulaires pour écrire, à côté de l'aperçu) dans le navigateur (alias : --ouvrir).
        #[arg(long, alias = "ouvrir")]
        open: bool,
    },
}

/// What `preau access` does.
#[derive(Debug, Subcommand)]
pub enum AccessAction {
    /// Crée les codes qui manquent (tous, la première fois) sans changer les autres (alias : generer).
    #[command(alias = "generer")]
    Generate,
    /// Change le code d'une classe (ou de l'équipe) : l'ancien n'ouvrira plus rien de nouveau (alias : renouveler).
    #[command(alias = "renouveler")]
    Rotate {
        /// La classe (cp, cm1…) ou « equipe ».
        #[arg(value_name = "CLASSE")]
        role: String,
    },
    /// Écrit les lettres aux familles, à imprimer, dans .preau/lettres/ (alias : lettres).
    #[command(alias = "lettres")]
    Letters,
    /// Affiche les codes de chaque classe et de l'équipe.
    Codes,
}

/// What `preau keys` does.
#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Crée une paire de clés minisign (alias : generer).
    #[command(alias = "generer")]
    Generate {
        /// Pour qui : directeur ou ien.
        #[arg(long, value_name = "RÔLE")]
        role: String,
        /// Dossier où écrire les clés.
        #[arg(
            long = "dossier",
            default_value = ".preau/cles",
            value_name = "DOSSIER"
        )]
        dir: PathBuf,
        /// Clé secrète sans mot de passe (protégée seulement par les droits du fichier).
        #[arg(long = "sans-mot-de-passe")]
        no_password: bool,
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

/// The layout of every help page.
const HELP_TEMPLATE: &str = "{about}\n\nUtilisation : {usage}\n\n{all-args}";

/// The command line as clap sees it: every command, however deep, gets the
/// French help page and the French `-h, --help` of [`Cli`] (so a new
/// command cannot show clap's « Print help »).
pub fn command() -> clap::Command {
    fn french(cmd: clap::Command) -> clap::Command {
        cmd.help_template(HELP_TEMPLATE)
            .subcommand_help_heading("Commandes")
            .subcommand_value_name("COMMANDE")
            .disable_help_flag(true)
            .mut_subcommands(french)
    }
    french(Cli::command())
}

/// Why the program stops before running a command: a help page, the
/// version, or a mistake on the command line, already in French.
#[derive(Debug)]
pub struct Stop {
    /// What to print.
    pub text: String,
    /// 0 for help and version (printed on stdout), 2 for a mistake (stderr).
    pub code: u8,
}

/// Parses the command line (`args` starts with the program name).
pub fn parse<I, T>(args: I) -> Result<Cli, Stop>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    command()
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches))
        .map_err(|err| french::stop(&err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_english_flags_french() {
        let cli = parse([
            "preau",
            "publier-classe",
            "cm1",
            "--ecole",
            "e",
            "--cle",
            "k",
            "--vers",
            "v",
            "--depuis",
            "d",
            "--sans-publier",
        ])
        .unwrap();
        match cli.command {
            Command::PublishClass {
                class,
                dir,
                key,
                to,
                from,
                no_deploy,
            } => {
                assert_eq!(class, "cm1");
                assert_eq!(dir, PathBuf::from("e"));
                assert_eq!(key, Some(PathBuf::from("k")));
                assert_eq!(to, Some(PathBuf::from("v")));
                assert_eq!(from, Some(PathBuf::from("d")));
                assert!(no_deploy);
            }
            other => panic!("{other:?}"),
        }
    }
}
