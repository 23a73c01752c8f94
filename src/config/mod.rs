//! The school's configuration: `ecole.yaml` and each `classes/<id>/classe.yaml`.
//!
//! (Over 500 lines: every key of `ecole.yaml` and `classe.yaml` with its French name, in one place, is the format's reference; the checks live in `checks.rs`.)

mod audience;
pub mod checks;
pub mod commune_trust;
mod photos;
pub mod signing;

pub use audience::Audience;
pub use checks::is_valid_id;
use checks::{check_photo_settings, check_school_fields, class_line, load_class, parse_base_url};
pub use photos::PhotoSettings;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::dates::Date;
use crate::diagnostic::{Diagnostic, Diagnostics};

/// `ecole.yaml`: who the school is, where its site lives, its classes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolFile {
    /// « École élémentaire Jean Jaurès ».
    #[serde(rename = "nom")]
    pub name: String,
    /// Unité administrative immatriculée, e.g. `0751234A`.
    pub uai: String,
    /// Street address.
    #[serde(rename = "adresse")]
    pub address: String,
    /// Postal code, as text (leading zeros).
    #[serde(rename = "code_postal")]
    pub postal_code: String,
    /// Town.
    pub commune: String,
    /// Phone number, optional.
    #[serde(default, rename = "telephone")]
    pub phone: Option<String>,
    /// School e-mail, optional.
    #[serde(default, rename = "courriel")]
    pub email: Option<String>,
    /// Académie.
    pub academie: String,
    /// Circonscription of the IEN.
    pub circonscription: String,
    /// Name of the IEN.
    pub ien: String,
    /// Name of the directeur·rice.
    pub directeur: String,
    /// Who is directeur de publication: `directeur` (default) or `ien`.
    #[serde(default, rename = "directeur_publication")]
    pub publication_director: PublicationDirector,
    /// Base URL of the site, possibly with a sub-path.
    pub url: String,
    /// School year, `2026-2027`.
    #[serde(rename = "annee_scolaire")]
    pub school_year: String,
    /// Host of the site (LCEN); when absent, the one of the commune folder
    /// around the school (`../commune.yaml`), filled in by [`School::load`].
    #[serde(default, rename = "hebergeur")]
    pub host: Option<Host>,
    /// Accessibility statement.
    #[serde(default, rename = "accessibilite")]
    pub accessibility: Accessibility,
    /// Data protection officer of the académie.
    #[serde(default)]
    pub dpo: Option<Dpo>,
    /// Default audience of school-level content.
    #[serde(default, rename = "acces")]
    pub audience: Option<String>,
    /// Posts per list page.
    #[serde(default = "default_per_page", rename = "par_page")]
    pub per_page: usize,
    /// Class ids in display order.
    pub classes: Vec<String>,
    /// Who signs the site, with which public keys. After [`School::load`]
    /// (or [`commune_trust::effective`]), the effective policy: the
    /// school's own keys, completed by `confiance:` of the `commune.yaml`
    /// around it.
    #[serde(default, rename = "confiance")]
    pub trust: Option<TrustFile>,
    /// How photos are processed.
    #[serde(default)]
    pub photos: PhotoSettings,
    /// Where `preau deploy` publishes the site.
    #[serde(default)]
    pub publication: Option<PublishTarget>,
    /// The school's colours, instead of the theme's blue.
    #[serde(default, rename = "couleurs")]
    pub colours: Option<SchoolColours>,
    /// School days, French names (`lundi` … `dimanche`); when absent,
    /// Monday, Tuesday, Thursday and Friday. Checked by `checks::check_days_and_subjects`.
    #[serde(default, rename = "jours_de_classe")]
    pub school_days: Option<Vec<String>>,
    /// Disciplines offered in the cahier; when absent, [`checks::DEFAULT_SUBJECTS`].
    #[serde(default, rename = "matieres")]
    pub subjects: Option<Vec<String>>,
}

/// `couleurs:` in `ecole.yaml`; checked (and its darker shade derived) in `checks.rs`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolColours {
    /// `#rrggbb`: header, links, buttons, the phone's bars.
    #[serde(rename = "principale")]
    pub main: String,
}

/// `publication:` in `ecole.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PublishTarget {
    /// `dossier`, `ftp`, `sftp` or `s3`.
    #[serde(rename = "type")]
    pub kind: String,
    /// For `dossier`: the folder the web server serves.
    #[serde(default, rename = "chemin")]
    pub path: Option<String>,
    /// For `ftp` and `sftp`: the server's name or address.
    #[serde(default, rename = "hote")]
    pub host: Option<String>,
    /// For `ftp` and `sftp`: the port (21, 22).
    #[serde(default)]
    pub port: Option<u16>,
    /// For `ftp` and `sftp`: the site's folder on the server (`/`).
    #[serde(default, rename = "dossier")]
    pub folder: Option<String>,
    /// For `ftp`: `tls` (default, FTPS with AUTH TLS) or `aucun` (plain FTP, only if the host offers nothing else).
    #[serde(default, rename = "chiffrement")]
    pub encryption: Option<String>,
    /// For `ftp`: a certificate authority to trust (PEM), for a host with its own certificate.
    #[serde(default, rename = "certificat_ca")]
    pub ca_certificate: Option<String>,
    /// For `sftp`: the server's key fingerprint (`SHA256:…`).
    #[serde(default, rename = "empreinte")]
    pub fingerprint: Option<String>,
    /// For `s3`: the endpoint URL (`https://s3.fr-par.scw.cloud`).
    #[serde(default, rename = "adresse")]
    pub endpoint: Option<String>,
    /// For `s3`: the region (`fr-par`).
    #[serde(default)]
    pub region: Option<String>,
    /// For `s3`: the bucket.
    #[serde(default, rename = "compartiment")]
    pub bucket: Option<String>,
    /// For `s3`: the key prefix of the site in the bucket.
    #[serde(default, rename = "prefixe")]
    pub prefix: Option<String>,
}

/// `confiance:` in `ecole.yaml`: the public keys of the directeur and the
/// IEN (the base64 line of their `.pub` files) and who must sign.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TrustFile {
    /// Public key of the directeur·rice.
    #[serde(default)]
    pub directeur: Option<String>,
    /// Public key of the IEN.
    #[serde(default)]
    pub ien: Option<String>,
    /// Roles that must sign (default: directeur and ien).
    #[serde(default, rename = "signataires")]
    pub signers: Option<Vec<String>>,
    /// Last day an approval is valid (default: 31 August, end of the school year).
    #[serde(default)]
    pub expiration: Option<Date>,
    /// Teachers' public keys, by class id, declared by the directeur: a
    /// teacher signs their class area alone when `portees.classes` allows it.
    #[serde(default, rename = "enseignants")]
    pub teachers: std::collections::BTreeMap<String, String>,
    /// Who signs each kind of area (see [`ScopesFile`]).
    #[serde(default, rename = "portees")]
    pub scopes: ScopesFile,
}

/// `confiance.portees`: who signs the changes of each kind of sealed area.
/// Public files (and the policy) always need the IEN. Each value is
/// `ien` (only a version the IEN approved), `directeur` (the directeur, or
/// the IEN), or, for classes, `enseignant` (the class's teacher with a key
/// of `enseignants`, or the directeur, or the IEN).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ScopesFile {
    /// Each class's area (default `enseignant`).
    #[serde(default = "default_classes_scope")]
    pub classes: String,
    /// The area of every class's families (default `directeur`).
    #[serde(default = "default_directeur_scope", rename = "familles")]
    pub families: String,
    /// The staff's area (default `directeur`).
    #[serde(default = "default_directeur_scope", rename = "equipe")]
    pub staff: String,
}

impl Default for ScopesFile {
    fn default() -> ScopesFile {
        ScopesFile {
            classes: default_classes_scope(),
            families: default_directeur_scope(),
            staff: default_directeur_scope(),
        }
    }
}

fn default_classes_scope() -> String {
    "enseignant".into()
}

fn default_directeur_scope() -> String {
    "directeur".into()
}

fn default_per_page() -> usize {
    10
}

/// Who is directeur de publication.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PublicationDirector {
    /// The school's directeur·rice.
    #[default]
    Directeur,
    /// The IEN of the circonscription.
    Ien,
}

/// The host of the site, required by the LCEN.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Host {
    /// Name of the host.
    #[serde(rename = "nom")]
    pub name: String,
    /// Postal address of the host.
    #[serde(rename = "adresse")]
    pub address: String,
    /// Phone number of the host.
    #[serde(rename = "telephone")]
    pub phone: String,
}

/// The host a town hall declares once for all its schools: `hebergeur:` of
/// the `commune.yaml` in the folder around the school, if any.
fn commune_host(root: &Path) -> Option<Host> {
    #[derive(Deserialize)]
    struct Shared {
        #[serde(default)]
        hebergeur: Option<Host>,
    }
    let text = std::fs::read_to_string(root.join("..").join("commune.yaml")).ok()?;
    let shared: Shared = serde_yaml::from_str(&text).ok()?;
    shared.hebergeur
}

/// The accessibility statement's status (RGAA).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Accessibility {
    /// `non conforme`, `partiellement conforme` or `totalement conforme`.
    #[serde(default = "default_status", rename = "statut")]
    pub status: AccessibilityStatus,
    /// Date of the statement.
    #[serde(default)]
    pub date: Option<Date>,
    /// Contact for accessibility problems (defaults to the school e-mail).
    #[serde(default)]
    pub contact: Option<String>,
}

impl Default for Accessibility {
    fn default() -> Self {
        Accessibility {
            status: default_status(),
            date: None,
            contact: None,
        }
    }
}

fn default_status() -> AccessibilityStatus {
    AccessibilityStatus::NonCompliant
}

/// The three statuses the law allows.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
pub enum AccessibilityStatus {
    /// « non conforme »
    #[serde(rename = "non conforme")]
    NonCompliant,
    /// « partiellement conforme »
    #[serde(rename = "partiellement conforme")]
    PartiallyCompliant,
    /// « totalement conforme »
    #[serde(rename = "totalement conforme")]
    FullyCompliant,
}

/// The académie's data protection officer.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dpo {
    /// Name or title.
    #[serde(rename = "nom")]
    pub name: String,
    /// E-mail address.
    #[serde(rename = "courriel")]
    pub email: String,
}

/// `classes/<id>/classe.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClassFile {
    /// « CM1 de Mme Martin ».
    #[serde(rename = "nom")]
    pub name: String,
    /// « CM1 », « CE2-CM1 »…
    #[serde(rename = "niveau")]
    pub level: String,
    /// Teachers' names.
    #[serde(rename = "enseignants")]
    pub teachers: Vec<String>,
    /// Default audience of this class's content (default: the class).
    #[serde(default, rename = "acces")]
    pub audience: Option<String>,
}

/// A class, ready to use.
#[derive(Debug, Clone, Serialize)]
pub struct Class {
    /// Folder name and URL segment: `cm1`.
    pub id: String,
    /// Display name.
    #[serde(rename = "nom")]
    pub name: String,
    /// Level.
    #[serde(rename = "niveau")]
    pub level: String,
    /// Teachers.
    #[serde(rename = "enseignants")]
    pub teachers: Vec<String>,
    /// Default audience of the class's content.
    #[serde(rename = "acces")]
    pub audience: Audience,
}

/// The whole configuration, validated.
#[derive(Debug, Clone, Serialize)]
pub struct School {
    /// `ecole.yaml` as written.
    #[serde(flatten)]
    pub file: SchoolFile,
    /// The classes, in the order of `ecole.yaml`.
    #[serde(rename = "liste_classes")]
    pub class_list: Vec<Class>,
    /// Default audience of school-level content.
    #[serde(skip)]
    pub default_audience: Audience,
    /// Path part of the base URL, always with leading and trailing `/`.
    pub base_path: String,
    /// Base URL, always with a trailing `/`.
    pub base_url: String,
}

/// The base path (`/tilleuls/`) of the school at `root`, from the `url` of
/// its `ecole.yaml` alone (no school loaded, nothing checked); `None` when
/// it cannot be read, [`School::load`] saying why.
pub fn base_path(root: &Path) -> Option<String> {
    #[derive(Deserialize)]
    struct UrlOnly {
        url: String,
    }
    let text = std::fs::read_to_string(root.join("ecole.yaml")).ok()?;
    let file: UrlOnly = serde_yaml::from_str(&text).ok()?;
    parse_base_url(&file.url).ok().map(|(_, path)| path)
}

impl School {
    /// Reads and validates `ecole.yaml` and every `classe.yaml` under `root`;
    /// `today` (given by the command, never read here) dates the school year.
    /// Problems go to `diags`; `None` when `ecole.yaml` itself is unusable.
    pub fn load(root: &Path, today: Date, diags: &Diagnostics) -> Option<School> {
        log::debug!("lecture de l'école : ecole.yaml et les classes");
        let rel = Path::new("ecole.yaml");
        let text = match std::fs::read_to_string(root.join(rel)) {
            Ok(t) => t,
            Err(e) => {
                diags.push(
                    Diagnostic::error(rel, format!("impossible de lire ecole.yaml : {}", crate::diagnostic::io_words(&e)))
                        .hint("lancez la commande dans le dossier de l'école, ou créez-en un avec « preau init ».")
                        .at_line(1),
                );
                return None;
            }
        };
        let mut file: SchoolFile = match crate::yaml::parse(&text, rel, 1) {
            Ok(f) => f,
            Err(d) => {
                diags.push(d);
                return None;
            }
        };
        if file.host.is_none() {
            file.host = commune_host(root);
        }
        if file.host.is_none() {
            diags.push(
                Diagnostic::error(rel, "« hebergeur » manque : les mentions légales doivent nommer l'hébergeur du site")
                    .hint("ajoutez « hebergeur: » (nom, adresse, telephone) dans ecole.yaml, ou une fois pour toutes les écoles dans le commune.yaml du dossier de la commune.")
                    .at_line(1),
            );
        }
        let (base_url, base_path) = match parse_base_url(&file.url) {
            Ok(v) => v,
            Err((msg, hint)) => {
                let line = crate::yaml::key_line(&text, "url", 1).unwrap_or(1);
                diags.push(Diagnostic::error(rel, msg).hint(hint).at_line(line));
                ("https://exemple.invalid/".into(), "/".into())
            }
        };
        if file.url.starts_with("http://") {
            let line = crate::yaml::key_line(&text, "url", 1).unwrap_or(1);
            diags.push(
                Diagnostic::error(rel, "l'adresse du site commence par http:// : les espaces de classe ne pourront pas s'ouvrir (le navigateur n'autorise le déchiffrement qu'en HTTPS)")
                    .hint("demandez à l'hébergeur d'activer HTTPS (un certificat gratuit Let's Encrypt suffit) et écrivez l'adresse en https://.")
                    .at_line(line),
            );
        }
        check_school_fields(&file, &text, today, diags);
        check_photo_settings(&file, &text, diags);
        checks::check_days_and_subjects(&file, &text, diags);
        // The school's own `confiance` is checked above, at its lines; the
        // commune's completes it key by key (checked in commune.yaml).
        match commune_trust::commune_trust(root) {
            Ok(commune) => {
                file.trust = commune_trust::merge(file.trust.take(), &text, commune.as_ref())
            }
            Err(d) => diags.push(d),
        }
        let mut class_list = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for id in &file.classes {
            let line = class_line(&text, id);
            if !seen.insert(id.clone()) {
                diags.push(
                    Diagnostic::error(rel, format!("la classe « {id} » est déclarée deux fois"))
                        .at_line(line),
                );
                continue;
            }
            if !is_valid_id(id) {
                diags.push(
                    Diagnostic::error(rel, format!("identifiant de classe invalide « {id} »"))
                        .hint("utilisez des minuscules sans accent, des chiffres et des tirets, par exemple « cm1 » ou « ce2-cm1 ».")
                        .at_line(line),
                );
                continue;
            }
            if let Some(class) = load_class(root, id, &file.classes, diags) {
                class_list.push(class);
            } else if !root.join("classes").join(id).join("classe.yaml").exists() {
                diags.push(
                    Diagnostic::error(rel, format!("la classe « {id} » n'a pas de fichier classes/{id}/classe.yaml"))
                        .hint(format!("créez classes/{id}/classe.yaml (nom, niveau, enseignants) ou retirez « {id} » de la liste."))
                        .at_line(line),
                );
            }
        }
        // A class folder that ecole.yaml does not list is most likely a mistake.
        if let Ok(entries) = std::fs::read_dir(root.join("classes")) {
            let mut extra: Vec<String> = entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| !name.starts_with('.') && !file.classes.contains(name))
                .collect();
            extra.sort();
            for name in extra {
                let mut d = Diagnostic::error(
                    Path::new("classes").join(&name),
                    format!("le dossier de classe « {name} » n'est pas déclaré dans ecole.yaml"),
                );
                d = match crate::yaml::closest(&name, &file.classes) {
                    Some(best) => d.hint(format!("renommez le dossier en « {best} », ou ajoutez « {name} » à la liste « classes » de ecole.yaml.")),
                    None => d.hint(format!("ajoutez « {name} » à la liste « classes » de ecole.yaml.")),
                };
                diags.push(d);
            }
        }
        let default_audience = match &file.audience {
            None => Audience::Public,
            Some(raw) => match Audience::parse(raw, None, &file.classes) {
                Ok(a) => a,
                Err((msg, hint)) => {
                    let line = crate::yaml::key_line(&text, "acces", 1).unwrap_or(1);
                    diags.push(Diagnostic::error(rel, msg).hint(hint).at_line(line));
                    Audience::Public
                }
            },
        };
        Some(School {
            file,
            class_list,
            default_audience,
            base_path,
            base_url,
        })
    }

    /// The class with this id.
    pub fn class(&self, id: &str) -> Option<&Class> {
        self.class_list.iter().find(|c| c.id == id)
    }

    /// Known class ids.
    pub fn class_ids(&self) -> &[String] {
        &self.file.classes
    }

    /// A site path (`classes/cm1/`) as an absolute URL path with the base path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// A site path as a full URL (for feeds and sitemaps).
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }

    /// Replaces the base URL (the preview server serves from its own address).
    pub fn set_base_url(&mut self, url: &str) {
        if let Ok((base_url, base_path)) = parse_base_url(url) {
            self.base_url = base_url;
            self.base_path = base_path;
        }
    }
}
