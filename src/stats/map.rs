//! The publication map: for every file a build published, the service it
//! belongs to and the audience of its content. Sealed files have opaque
//! names, so only the build can say what they are; it records this map in
//! the school folder (never published), merged with the maps of earlier
//! versions so that last month's logs still resolve.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::config::Audience;
use crate::output::Output;

/// Where the map lives, inside the school's secrets folder.
pub const MAP_FILE: &str = ".preau/statistiques/carte.json";

/// The nine services of the ENT usage indicators, as Préau publishes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// Home page, school news, school pages.
    #[serde(rename = "accueil")]
    Home,
    /// A class's blog (its news and its home).
    Blog,
    /// The cahier de textes.
    Cahier,
    /// Resource lists.
    #[serde(rename = "ressources")]
    Resources,
    /// The agenda and its calendar feeds.
    Agenda,
    /// Documents to download.
    Documents,
    /// Photos.
    Photos,
    /// The search page and its index.
    #[serde(rename = "recherche")]
    Search,
    /// Opening an area: its login page, key ring, index.
    #[serde(rename = "connexion")]
    Login,
}

impl Service {
    /// Every service, in the report's order.
    pub const ALL: [Service; 9] = [
        Service::Home,
        Service::Blog,
        Service::Cahier,
        Service::Resources,
        Service::Agenda,
        Service::Documents,
        Service::Photos,
        Service::Search,
        Service::Login,
    ];

    /// The identifier of the CSV (and of the book's list).
    pub fn id(self) -> &'static str {
        match self {
            Service::Home => "accueil",
            Service::Blog => "blog",
            Service::Cahier => "cahier",
            Service::Resources => "ressources",
            Service::Agenda => "agenda",
            Service::Documents => "documents",
            Service::Photos => "photos",
            Service::Search => "recherche",
            Service::Login => "connexion",
        }
    }

    /// The name a reader of the report sees.
    pub fn label(self) -> &'static str {
        match self {
            Service::Home => "Accueil et actualités",
            Service::Blog => "Blog de classe",
            Service::Cahier => "Cahier de textes",
            Service::Resources => "Ressources",
            Service::Agenda => "Agenda",
            Service::Documents => "Documents",
            Service::Photos => "Photos",
            Service::Search => "Recherche",
            Service::Login => "Connexion aux espaces",
        }
    }
}

/// What a published file is, for the statistics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The service a request for it counts for.
    pub service: Service,
    /// The audience of its content (`public`, `classe:cm1`, `equipe`…).
    pub audience: String,
}

/// Published path (relative to the site root) → what it is.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct PublicationMap {
    /// Format version.
    pub version: u32,
    /// The files.
    #[serde(rename = "fichiers")]
    pub files: BTreeMap<String, Entry>,
}

const PHOTO_EXTENSIONS: [&str; 7] = ["jpg", "jpeg", "png", "webp", "gif", "avif", "heic"];

/// The service of a site path as the render stage wrote it (before
/// sealing). `None` for what is no service: styles, scripts, fonts, the
/// sitemap.
pub fn classify(path: &str) -> Option<Service> {
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let first = path.split('/').next().unwrap_or("");
    if first == "static" || path == "sitemap.xml" || path == "robots.txt" {
        return None;
    }
    if first == "recherche" {
        return Some(Service::Search);
    }
    if first == "acces" || first == "aide-connexion" {
        return Some(Service::Login);
    }
    if PHOTO_EXTENSIONS.contains(&extension.as_str()) {
        return Some(Service::Photos);
    }
    if !matches!(
        extension.as_str(),
        "html" | "xml" | "ics" | "json" | "" | "txt"
    ) {
        return Some(Service::Documents);
    }
    if first == "documents" {
        return Some(Service::Documents);
    }
    if first == "agenda" || path == "agenda.ics" {
        return Some(Service::Agenda);
    }
    if first == "classes" {
        let mut parts = path.split('/').skip(2);
        return Some(match parts.next().unwrap_or("") {
            "cahier" => Service::Cahier,
            "ressources" => Service::Resources,
            "agenda" | "agenda.ics" => Service::Agenda,
            "documents" => Service::Documents,
            _ => Service::Blog,
        });
    }
    Some(Service::Home)
}

impl PublicationMap {
    /// The map of a built site: sealed and access files by their origin,
    /// the others by their own path.
    pub fn of(output: &Output) -> PublicationMap {
        let mut fichiers = BTreeMap::new();
        for (path, file) in &output.files {
            let entry = match output.origins.get(path) {
                Some(origin) => Entry {
                    service: origin
                        .source
                        .as_deref()
                        .and_then(classify)
                        .unwrap_or(Service::Login),
                    audience: origin.audience.id(),
                },
                None => match classify(path) {
                    Some(service) => Entry {
                        service,
                        audience: file.audience.id(),
                    },
                    None => continue,
                },
            };
            fichiers.insert(path.clone(), entry);
        }
        PublicationMap {
            version: 1,
            files: fichiers,
        }
    }

    /// Reads the school's map (empty when there is none yet).
    pub fn load(school: &Path) -> Result<PublicationMap> {
        let path = school.join(MAP_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("lecture de « {} » : fichier abîmé\n  conseil : reconstruisez le site (preau build), il sera réécrit", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(PublicationMap::default()),
            Err(e) => Err(e).with_context(|| format!("lecture de « {} »", path.display())),
        }
    }

    /// Merges this build's map into the school's (newer entries win, older
    /// ones stay for older logs) and writes it atomically.
    pub fn record(&self, school: &Path) -> Result<PathBuf> {
        let mut all = PublicationMap::load(school).unwrap_or_default();
        all.version = 1;
        all.files
            .extend(self.files.iter().map(|(k, v)| (k.clone(), v.clone())));
        let path = school.join(MAP_FILE);
        let dir = path.parent().expect("map has a folder");
        std::fs::create_dir_all(dir)
            .with_context(|| format!("création de « {} »", dir.display()))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("écriture dans « {} »", dir.display()))?;
        std::io::Write::write_all(&mut tmp, &serde_json::to_vec(&all).expect("map serializes"))?;
        tmp.persist(&path)
            .with_context(|| format!("écriture de « {} »", path.display()))?;
        Ok(path)
    }

    /// The entry of a published path.
    pub fn get(&self, path: &str) -> Option<&Entry> {
        self.files.get(path)
    }
}

/// The audience of a map entry, parsed back.
pub fn audience_of(entry: &Entry) -> Option<Audience> {
    Audience::from_id(&entry.audience)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fall_into_their_service() {
        let cases = [
            ("index.html", Some(Service::Home)),
            ("actualites/kermesse/index.html", Some(Service::Home)),
            ("atom.xml", Some(Service::Home)),
            ("classes/cm1/index.html", Some(Service::Blog)),
            ("classes/cm1/blog/sortie/index.html", Some(Service::Blog)),
            (
                "classes/cm1/blog/sortie/foret-960.jpg",
                Some(Service::Photos),
            ),
            (
                "classes/cm1/cahier/2026-11-20/index.html",
                Some(Service::Cahier),
            ),
            ("classes/cm1/cahier/devoirs.ics", Some(Service::Cahier)),
            (
                "classes/cm1/ressources/index.html",
                Some(Service::Resources),
            ),
            ("agenda/index.html", Some(Service::Agenda)),
            ("agenda.ics", Some(Service::Agenda)),
            ("documents/circulaire.pdf", Some(Service::Documents)),
            (
                "classes/cm1/blog/sortie/autorisation.pdf",
                Some(Service::Documents),
            ),
            ("recherche/index.html", Some(Service::Search)),
            ("recherche/termes/a-1f2e.json", Some(Service::Search)),
            ("acces/cles.json", Some(Service::Login)),
            ("aide-connexion/index.html", Some(Service::Login)),
            ("static/style.css", None),
            ("sitemap.xml", None),
        ];
        for (path, service) in cases {
            assert_eq!(classify(path), service, "{path}");
        }
    }
}
