//! The atelier's JSON API: each route reads its parameters, calls the file
//! library (`crate::atelier`) and answers in JSON, errors as
//! `{"error": "…", "hint": "…"}` in French.
//!
//! | route | does |
//! | --- | --- |
//! | `GET api/ecole` | the school's name, classes, school days, disciplines |
//! | `GET api/classe?id=` | a class's posts, cahier days, resources, agenda, newest first |
//! | `GET api/fichier?chemin=` | a file as a form, its version, who changed it, its preview |
//! | `GET api/modele?classe=&kind=` | what a new document starts from |
//! | `POST api/nouveau` | where a new document goes (nothing written) |
//! | `PUT api/fichier?chemin=` | save: `preau check`'s problems (422), stale (409 with both texts), or saved |
//! | `DELETE api/fichier?chemin=` | to the bin (`.preau/corbeille/`) |
//! | `GET api/corbeille`, `POST api/restaurer?id=` | the bin |
//! | `POST api/photo?chemin=&nom=`, `POST api/document?chemin=&nom=` | an upload beside a post / in a class's `ressources/` |
//!
//! (About 600 lines of code, the rest its tests: one handler per route of the table above, each short.)

use std::io::Read;
use std::path::Path;

use serde::Deserialize;
use serde_json::{json, Value};

use super::{query_value, Atelier};
use crate::atelier::{self as files, DocKind, Document, SaveError};
use crate::serve::http::reply;

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

/// The largest JSON body taken (a form with its text): 2 MB.
const MAX_JSON: u64 = 2 * 1024 * 1024;

/// A JSON answer.
fn ok(status: u16, value: Value) -> Response {
    reply(
        status,
        "application/json; charset=utf-8",
        serde_json::to_vec(&value).expect("JSON"),
    )
}

/// A French error: the message, and the `conseil` when there is one.
pub fn error(status: u16, message: &str, hint: &str) -> Response {
    ok(status, json!({"error": message, "hint": hint}))
}

/// An error of the library (`message\n  conseil : hint`), split in two.
fn refused(status: u16, e: impl std::fmt::Display) -> Response {
    let text = format!("{e:#}");
    let (message, hint) = match text.split_once("\n  conseil : ") {
        Some((m, h)) => (m.to_string(), h.to_string()),
        None => (text, String::new()),
    };
    ok(status, json!({"error": message, "hint": hint}))
}

/// Answers one API request (`route` is what follows `api/`).
pub fn handle(
    request: &mut tiny_http::Request,
    atelier: &Atelier,
    _shared: &crate::serve::Shared,
    method: &str,
    route: &str,
    query: &str,
) -> Response {
    let school = atelier.root.as_path();
    let param = |key: &str| query_value(query, key).unwrap_or_default();
    match (method, route) {
        ("GET", "ecole") => school_info(school),
        ("GET", "classe") => class_entries(school, atelier, &param("id")),
        ("GET", "fichier") => open(school, atelier, &param("chemin")),
        ("GET", "modele") => template(school, atelier, &param("classe"), &param("kind")),
        ("POST", "nouveau") => match json_body::<NewRequest>(request) {
            Ok(body) => new_path(school, &body),
            Err(r) => r,
        },
        ("PUT", "fichier") => match json_body::<SaveRequest>(request) {
            Ok(body) => save(school, atelier, &param("chemin"), body),
            Err(r) => r,
        },
        ("DELETE", "fichier") => match safe_rel(&param("chemin")) {
            Err(r) => r,
            Ok(rel) => match files::delete(school, rel, &param("version")) {
                Ok(entry) => ok(200, json!({"deleted": rel, "trash": entry})),
                Err(SaveError::Stale { .. }) => error(
                    409,
                    "le fichier a été modifié depuis que vous l'avez ouvert : il n'a pas été mis à la corbeille",
                    "rouvrez-le pour voir la version actuelle.",
                ),
                Err(e) => refused(422, e),
            },
        },
        ("GET", "corbeille") => match files::list_trash(school) {
            Ok(list) => ok(200, json!(list)),
            Err(e) => refused(500, e),
        },
        ("POST", "restaurer") => match files::restore(school, &param("id")) {
            Ok(path) => ok(200, json!({"path": path})),
            Err(e) => refused(422, e),
        },
        ("POST", "photo") | ("POST", "document") => {
            upload(request, school, &param("chemin"), &param("nom"), route)
        }
        _ => error(
            404,
            "cette demande n'existe pas dans l'atelier",
            "rechargez la page de l'atelier.",
        ),
    }
}

/// Refuses what cannot be a path of the school folder before the library
/// even looks: absolute, `..`, backslashes, NUL, empty.
fn safe_rel(rel: &str) -> Result<&str, Response> {
    let bad = rel.is_empty()
        || rel.starts_with('/')
        || rel.contains('\\')
        || rel.contains('\0')
        || rel.contains(':')
        || rel
            .split('/')
            .any(|p| p == ".." || p == "." || p.is_empty());
    if bad {
        log::warn!("atelier : chemin refusé « {rel} »");
        return Err(error(
            400,
            &format!(
                "chemin refusé « {rel} » : l'atelier n'écrit que dans les dossiers de l'école"
            ),
            "ouvrez le fichier depuis la liste de sa classe.",
        ));
    }
    Ok(rel)
}

/// Reads a JSON body (bounded).
fn json_body<T: for<'de> Deserialize<'de>>(
    request: &mut tiny_http::Request,
) -> Result<T, Response> {
    let mut bytes = Vec::new();
    request
        .as_reader()
        .take(MAX_JSON + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| error(400, &format!("demande illisible : {e}"), ""))?;
    if bytes.len() as u64 > MAX_JSON {
        return Err(error(
            413,
            "texte trop long pour un seul enregistrement (plus de 2 Mo)",
            "coupez-le en plusieurs articles.",
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        error(
            400,
            &format!("formulaire illisible : {e}"),
            "rechargez la page de l'atelier (votre texte est gardé dans ce navigateur).",
        )
    })
}

/// The school's disciplines (its `matieres`, or the programmes' list), from
/// `ecole.yaml`'s typed settings; the defaults when it cannot be read.
fn school_subjects(school: &Path) -> Vec<String> {
    std::fs::read_to_string(school.join("ecole.yaml"))
        .ok()
        .and_then(|t| serde_yaml::from_str::<crate::config::SchoolFile>(&t).ok())
        .map(|f| f.subject_list())
        .unwrap_or_else(|| {
            crate::config::checks::DEFAULT_SUBJECTS
                .map(str::to_string)
                .to_vec()
        })
}

fn school_info(school: &Path) -> Response {
    let diags = crate::diagnostic::Diagnostics::new();
    let Some(config) = crate::config::School::load(school, crate::dates::today(), &diags) else {
        let problems: Vec<String> = diags.into_sorted().iter().map(|d| d.to_string()).collect();
        return error(
            500,
            &format!("ecole.yaml ne peut pas être lu : {}", problems.join(" ; ")),
            "corrigez ecole.yaml (« preau check » dit quoi), puis rechargez la page.",
        );
    };
    // The school's days (ISO weekday numbers) and disciplines, as `check` reads them.
    let (days, subjects) = (config.file.school_weekdays(), config.file.subject_list());
    let classes: Vec<Value> = config
        .class_list
        .iter()
        .map(|c| json!({"id": c.id, "name": c.name, "level": c.level, "teachers": c.teachers}))
        .collect();
    ok(
        200,
        json!({
            "name": config.file.name,
            "classes": classes,
            "school_days": days,
            "subjects": subjects,
            "default_author": Some(files::files::os_user()).filter(|u| u != "inconnu"),
        }),
    )
}

/// The preview's address of a document (the iframe beside the form).
pub fn preview_url(base_path: &str, rel: &str) -> Option<String> {
    use crate::layout;
    let parts: Vec<&str> = rel.split('/').collect();
    let address = match parts.as_slice() {
        ["classes", id, "blog", name] => layout::post(Some(id), name.strip_suffix(".md")?),
        ["classes", id, "blog", dir, "index.md"] => layout::post(Some(id), dir),
        ["actualites", name] => layout::post(None, name.strip_suffix(".md")?),
        ["actualites", dir, "index.md"] => layout::post(None, dir),
        ["classes", id, "cahier", day] => layout::cahier_day(id, day.strip_suffix(".md")?),
        ["classes", id, "ressources.md"] => layout::resources(id),
        ["classes", id, "agenda.yaml"] => layout::class(id),
        ["agenda.yaml"] => layout::AGENDA.to_string(),
        _ => return None,
    };
    Some(format!("{base_path}{}", crate::slug::encode_path(&address)))
}

fn entry(atelier: &Atelier, e: &files::Entry) -> Value {
    let mut v = json!(e);
    v["preview"] = json!(preview_url(&atelier.base_path, &e.path));
    // « Modifié par … le … » in the lists, when the library gives it.
    v["changed"] = changed(v["modified_by"].as_str(), v["modified_at"].as_str());
    v
}

fn class_entries(school: &Path, atelier: &Atelier, id: &str) -> Response {
    let all = match files::list(school) {
        Ok(all) => all,
        Err(e) => return refused(500, e),
    };
    let Some(class) = all.iter().find(|c| c.id.as_deref() == Some(id)) else {
        return error(
            404,
            &format!("classe inconnue « {id} »"),
            "les classes sont déclarées dans ecole.yaml ; revenez à la liste des classes.",
        );
    };
    let list = |v: &[files::Entry]| v.iter().map(|e| entry(atelier, e)).collect::<Vec<_>>();
    ok(
        200,
        json!({
            "id": id,
            "name": class.name,
            "posts": list(&class.posts),
            "cahier": list(&class.cahier),
            "resources": list(&class.resources),
            "agenda": list(&class.agenda),
        }),
    )
}

/// The class of a path (`classes/<id>/…`) and its display name.
fn class_of(school: &Path, rel: &str) -> (Option<String>, String) {
    let id = rel
        .strip_prefix("classes/")
        .and_then(|r| r.split('/').next())
        .map(str::to_string);
    let name = id
        .as_deref()
        .and_then(|id| {
            let text = std::fs::read_to_string(school.join("classes").join(id).join("classe.yaml"))
                .ok()?;
            let yaml: serde_yaml::Value = serde_yaml::from_str(&text).ok()?;
            yaml["nom"].as_str().map(str::to_string)
        })
        .unwrap_or_else(|| id.clone().unwrap_or_else(|| "École".into()));
    (id, name)
}

/// The disciplines offered in a class's forms: those its cahier already
/// uses (most used first), then the school's list.
fn class_subjects(school: &Path, class: Option<&str>) -> Vec<String> {
    let mut list = class
        .and_then(|id| files::files::subjects(school, id).ok())
        .unwrap_or_default();
    for s in school_subjects(school) {
        if !list.contains(&s) {
            list.push(s);
        }
    }
    list
}

fn changed(by: Option<&str>, at: Option<&str>) -> Value {
    match (by, at) {
        (None, None) => Value::Null,
        _ => json!({"by": by, "at": at}),
    }
}

fn open(school: &Path, atelier: &Atelier, rel: &str) -> Response {
    match opened(school, atelier, rel) {
        Ok(value) => ok(200, value),
        Err(r) => r,
    }
}

/// A file as the form shows it.
fn opened(school: &Path, atelier: &Atelier, rel: &str) -> Result<Value, Response> {
    let rel = safe_rel(rel)?;
    let opened = files::open(school, rel).map_err(|e| refused(404, e))?;
    let (class_id, class_name) = class_of(school, rel);
    let problems = files::check_document(school, rel, &opened.document);
    Ok(json!({
        "path": opened.path,
        "version": opened.version,
        "document": opened.document,
        "changed": changed(opened.modified_by.as_deref(), opened.modified_at.as_deref()),
        "preview": preview_url(&atelier.base_path, rel),
        "subjects": class_subjects(school, class_id.as_deref()),
        "class_id": class_id,
        "class_name": class_name,
        "problems": problems,
    }))
}

fn kind_of(name: &str) -> Option<DocKind> {
    serde_json::from_value(json!(name)).ok()
}

/// A new document: an empty form (a post dated today), or, for the
/// resources and the agenda, which are one file per class, that file with
/// one more row to fill.
fn template(school: &Path, atelier: &Atelier, class: &str, kind: &str) -> Response {
    let Some(kind) = kind_of(kind) else {
        return error(400, &format!("type de document inconnu « {kind} »"), "");
    };
    let class = (!class.is_empty()).then_some(class);
    let today = crate::dates::today().iso();
    if matches!(kind, DocKind::Resources | DocKind::Agenda) {
        if let Ok(rel) = files::new_path(school, class, kind, &today, "") {
            if school.join(&rel).exists() {
                // One file per class: it opens with one more row to fill.
                return match opened(school, atelier, &rel) {
                    Ok(mut value) => {
                        value["add_one"] = json!(true);
                        ok(200, value)
                    }
                    Err(r) => r,
                };
            }
        }
    }
    let mut doc = Document::empty(kind);
    if let Document::Post(p) = &mut doc {
        p.date = today.clone();
    }
    let (class_id, class_name) = match class {
        Some(id) => class_of(school, &format!("classes/{id}/")),
        None => (None, "École".into()),
    };
    ok(
        200,
        json!({
            "path": null,
            "version": null,
            "document": doc,
            "changed": null,
            "preview": null,
            "subjects": class_subjects(school, class_id.as_deref()),
            "class_id": class_id,
            "class_name": class_name,
            "add_one": matches!(kind, DocKind::Resources | DocKind::Agenda),
            "problems": [],
        }),
    )
}

/// `POST api/nouveau`.
#[derive(Deserialize)]
struct NewRequest {
    class_id: Option<String>,
    document: Document,
}

fn new_path(school: &Path, body: &NewRequest) -> Response {
    let (date, title) = match &body.document {
        Document::Post(p) => (p.date.clone(), p.title.clone()),
        Document::CahierDay(d) => (d.date.clone(), String::new()),
        _ => (crate::dates::today().iso(), String::new()),
    };
    let date = if date.is_empty() {
        crate::dates::today().iso()
    } else {
        date
    };
    if let Document::Post(p) = &body.document {
        if p.title.trim().is_empty() {
            return ok(
                422,
                json!({"error": "l'article n'a pas de titre", "hint": "", "problems": [{"field": "title", "message": "donnez un titre à l'article"}]}),
            );
        }
    }
    match files::new_path(
        school,
        body.class_id.as_deref().filter(|c| !c.is_empty()),
        body.document.kind(),
        &date,
        &title,
    ) {
        Ok(path) => ok(200, json!({"path": path})),
        Err(e) => refused(422, e),
    }
}

/// `PUT api/fichier`.
#[derive(Deserialize)]
struct SaveRequest {
    /// The version opened (`None`: a new file).
    version: Option<String>,
    document: Document,
    #[serde(default)]
    author: String,
}

/// The author recorded: what the teacher typed (one line, bounded), else
/// this computer's user name.
fn author_name(given: &str) -> String {
    let clean: String = given.chars().filter(|c| !c.is_control()).take(80).collect();
    let clean = clean.trim();
    if clean.is_empty() {
        files::files::os_user()
    } else {
        clean.to_string()
    }
}

fn save(school: &Path, atelier: &Atelier, rel: &str, body: SaveRequest) -> Response {
    let rel = match safe_rel(rel) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let problems = files::check_document(school, rel, &body.document);
    let errors = problems
        .iter()
        .filter(|p| p.severity != "avertissement")
        .count();
    if errors > 0 {
        let n = errors;
        return ok(
            422,
            json!({
                "error": if n > 1 { format!("{n} problèmes à corriger : rien n'a été enregistré (votre texte est gardé dans ce navigateur)") }
                         else { "un problème à corriger : rien n'a été enregistré (votre texte est gardé dans ce navigateur)".to_string() },
                "hint": "",
                "problems": problems,
            }),
        );
    }
    let author = author_name(&body.author);
    match files::save(
        school,
        rel,
        body.version.as_deref(),
        &body.document,
        &author,
    ) {
        Ok(saved) => {
            let opened = files::open(school, &saved.path).ok();
            ok(
                200,
                json!({
                    "path": saved.path,
                    "version": saved.version,
                    "written": saved.written,
                    "changed": opened.as_ref().map(|o| changed(o.modified_by.as_deref(), o.modified_at.as_deref())),
                    "preview": preview_url(&atelier.base_path, &saved.path),
                    "problems": problems,
                }),
            )
        }
        Err(SaveError::Stale { on_disk, yours }) => {
            let version =
                (!on_disk.is_empty()).then(|| crate::hash::sha256_hex(on_disk.as_bytes()));
            let disk_changed = files::open(school, rel)
                .ok()
                .map(|o| changed(o.modified_by.as_deref(), o.modified_at.as_deref()));
            let (message, hint) = split_hint(
                &SaveError::Stale {
                    on_disk: String::new(),
                    yours: String::new(),
                }
                .to_string(),
            );
            ok(
                409,
                json!({
                    "error": message,
                    "hint": hint,
                    "on_disk": {"text": on_disk, "version": version, "changed": disk_changed},
                    "yours": {"text": yours},
                }),
            )
        }
        Err(e @ SaveError::Exists { .. }) => refused(409, e),
        Err(e) => refused(422, e),
    }
}

fn split_hint(text: &str) -> (String, String) {
    match text.split_once("\n  conseil : ") {
        Some((m, h)) => (m.to_string(), h.to_string()),
        None => (text.to_string(), String::new()),
    }
}

/// An upload: a photo beside a post, or a document in a class's
/// `ressources/`. The size is bounded before reading; the library checks
/// the content as the build does (type by its first bytes, image bombs).
fn upload(
    request: &mut tiny_http::Request,
    school: &Path,
    rel: &str,
    name: &str,
    what: &str,
) -> Response {
    let rel = match safe_rel(rel) {
        Ok(r) => r,
        Err(r) => return r,
    };
    if name.is_empty() || name.contains(['/', '\\', '\0']) || name.starts_with('.') {
        return error(
            400,
            &format!("nom de fichier refusé « {name} »"),
            "renommez le fichier sur l'ordinateur (lettres, chiffres, tirets), puis déposez-le de nouveau.",
        );
    }
    let limit = files::MAX_UPLOAD_BYTES as u64;
    let too_big = || {
        error(
            413,
            &format!(
                "« {name} » est trop lourd : l'atelier accepte des fichiers de {} Mo au plus",
                limit / (1024 * 1024)
            ),
            "réduisez la photo (ou exportez-la en JPEG depuis le téléphone), puis déposez-la de nouveau.",
        )
    };
    if request.body_length().is_some_and(|n| n as u64 > limit) {
        return too_big();
    }
    let mut bytes = Vec::new();
    if let Err(e) = request.as_reader().take(limit + 1).read_to_end(&mut bytes) {
        return error(
            400,
            &format!("envoi interrompu : {e}"),
            "déposez le fichier de nouveau.",
        );
    }
    if bytes.len() as u64 > limit {
        return too_big();
    }
    match files::store_upload(school, rel, name, &bytes) {
        Ok(stored) => {
            log::info!("atelier : {what} « {} » enregistré", stored.path);
            ok(200, json!(stored))
        }
        Err(e) => refused(422, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_follow_the_site_addresses() {
        assert_eq!(
            preview_url("/ecole/", "classes/cm1/blog/sortie/index.md").as_deref(),
            Some("/ecole/classes/cm1/blog/sortie/")
        );
        assert_eq!(
            preview_url("/", "classes/cm1/cahier/2026-11-24.md").as_deref(),
            Some("/classes/cm1/cahier/2026-11-24/")
        );
        assert_eq!(
            preview_url("/", "classes/cm1/ressources.md").as_deref(),
            Some("/classes/cm1/ressources/")
        );
        assert_eq!(preview_url("/", "ecole.yaml"), None);
    }

    #[test]
    fn only_plain_relative_paths_pass() {
        for bad in [
            "",
            "/etc/passwd",
            "../secret.md",
            "classes/../../x.md",
            "classes/cm1/./blog/x.md",
            "classes\\cm1\\x.md",
            "C:/x.md",
            "classes//cm1/x.md",
        ] {
            assert!(safe_rel(bad).is_err(), "{bad}");
        }
        assert!(safe_rel("classes/cm1/blog/sortie/index.md").is_ok());
    }
}
