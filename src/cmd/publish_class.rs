//! `preau publier-classe` (enseignant·e or directeur): build, sign one
//! class area's change alone and publish it, the IEN's last approval
//! carried for everything else. The work is in
//! [`crate::manifest::daily`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::manifest::daily::{self, Previous};
use crate::manifest::{keys, state};
use crate::site::{self, BuildError};

/// The options of `preau publier-classe`.
pub struct Options<'a> {
    /// The school folder.
    pub dir: &'a Path,
    /// The class whose area changed.
    pub class: &'a str,
    /// The signing key (the class's teacher's, or the directeur's).
    pub key: Option<&'a Path>,
    /// The site last published (its folder), instead of the one remembered.
    pub from: Option<&'a Path>,
    /// A destination folder instead of ecole.yaml's `publication`.
    pub to: Option<&'a Path>,
    /// Sign and check, but do not publish.
    pub no_deploy: bool,
}

/// Builds, signs, checks and deploys.
pub fn run(opt: Options<'_>) -> Result<ExitCode> {
    let dir = opt.dir;
    let key_path = opt.key.map(Path::to_path_buf).unwrap_or_else(|| {
        let own = dir.join(format!(".preau/cles/enseignant-{}.key", opt.class));
        if own.exists() {
            own
        } else {
            dir.join(".preau/cles/enseignant.key")
        }
    });
    let secret = keys::load_secret(&key_path).context("la clé de l'enseignant·e (ou du directeur) est nécessaire pour publier\n  conseil : indiquez-la avec --cle ; une clé d'enseignant·e se crée une fois avec « preau keys generate --role enseignant » et sa clé publique est déclarée par le directeur dans ecole.yaml (confiance.enseignants)")?;
    let previous_dir = previous_dir(dir, opt.from, opt.to);
    let previous = Previous::read(&previous_dir)?;
    let build = dir.join("public");
    match site::build(dir, &build) {
        Ok(_) => {}
        Err(BuildError::Invalid { errors, warnings }) => {
            return Ok(super::invalid_school(dir, errors, warnings, "Publication"));
        }
        Err(BuildError::Other(e)) => return Err(e),
    }
    let school = daily::school_file(dir)?;
    // The site to sign: the build without its marker.
    let out = dir.join(".preau/publication-classe");
    daily::stage(&build, &out)?;
    let mut st = state::State::load(dir)?;
    let version = st.last_submitted.max(previous.manifest.version) + 1;
    let signed = daily::sign_class_version(daily::ClassRequest {
        dir,
        out: &out,
        school: &school,
        class: opt.class,
        secret: &secret,
        previous: &previous,
        next_version: version,
        today: crate::dates::today(),
    })?;
    st.last_submitted = version;
    st.save(dir)?;
    println!(
        "Version {version} signée par {} pour l'espace de la classe « {} » ; l'approbation de l'IEN de la version {} reste valable pour le reste du site.",
        signed.role.label(),
        opt.class,
        signed.references.get("ien").copied().unwrap_or_default()
    );
    if opt.no_deploy {
        println!("Site signé, non publié : {}", out.display());
        return Ok(ExitCode::SUCCESS);
    }
    let code = super::deploy::run(&out, dir, opt.to, false, false, false)?;
    if code == ExitCode::SUCCESS {
        daily::remember_published(dir, &out)?;
    }
    Ok(code)
}

/// The `preau/` folder of the last published version: `--depuis`, else the
/// destination folder when it is one, else what Préau remembered.
fn previous_dir(dir: &Path, from: Option<&Path>, to: Option<&Path>) -> PathBuf {
    if let Some(site) = from {
        return site.join(crate::manifest::DIR);
    }
    let folder = to.map(Path::to_path_buf).or_else(|| {
        let file = daily::school_file(dir).ok()?;
        let target = file.publication?;
        let chemin = target.path.filter(|_| target.kind == "dossier")?;
        Some(dir.join(chemin))
    });
    if let Some(f) = folder {
        let online = f.join(crate::manifest::DIR);
        if online.join("manifeste.json").is_file() {
            return online;
        }
    }
    daily::remembered(dir)
}
