//! `preau serve`: a local preview on 127.0.0.1, served from memory.
//!
//! Restricted pages are shown in clear with a banner naming who may read
//! them (`--chiffre` shows the sealed site). This version builds once at
//! start; live reload and errors in the page come with the preview issue.

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, Result};

use crate::site::Site;

/// Builds the site in memory and serves it until interrupted.
pub fn run(dir: &Path, port: u16, encrypted: bool) -> Result<ExitCode> {
    let probe = Site::load(dir, None)?;
    let base_path = match &probe.site {
        Some(site) => site.school.base_path.clone(),
        None => {
            super::print_diagnostics(dir, &probe.diagnostics);
            eprintln!(
                "\nAperçu impossible : {}.",
                super::count_words(&probe.diagnostics)
            );
            return Ok(ExitCode::from(1));
        }
    };
    let address = format!("http://127.0.0.1:{port}{base_path}");
    let loaded = Site::load(dir, Some(&address))?;
    let site = loaded
        .site
        .ok_or_else(|| anyhow!("le site n'a pas pu être chargé"))?;
    let output = if encrypted {
        site.publish()?
    } else {
        site.render()?
    };
    let files: HashMap<String, Vec<u8>> = output
        .files
        .keys()
        .filter_map(|path| output.read(path).map(|bytes| (path.clone(), bytes)))
        .collect();
    let server = tiny_http::Server::http(("127.0.0.1", port))
        .map_err(|e| anyhow!("impossible d'écouter sur 127.0.0.1:{port} : {e}\n  conseil : choisissez un autre port avec --port"))?;
    println!("Aperçu de l'école : {address}");
    if encrypted {
        println!("Espaces des classes chiffrés, comme en ligne : « preau access codes » affiche les codes.");
    } else {
        println!("Les pages réservées sont montrées en clair, avec un bandeau (--chiffre pour voir le site comme les familles).");
    }
    println!("(Ctrl+C pour arrêter ; relancez la commande après une modification.)");
    for request in server.incoming_requests() {
        let url = request
            .url()
            .split(['?', '#'])
            .next()
            .unwrap_or("/")
            .to_string();
        let response = respond(&files, &base_path, &url);
        let _ = request.respond(response);
    }
    Ok(ExitCode::SUCCESS)
}

fn respond(
    files: &HashMap<String, Vec<u8>>,
    base_path: &str,
    url: &str,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let header = |k: &str, v: &str| {
        tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("valid header")
    };
    let Some(rel) = url
        .strip_prefix(base_path)
        .or_else(|| (url.trim_end_matches('/') == base_path.trim_end_matches('/')).then_some(""))
    else {
        return tiny_http::Response::from_data(Vec::new())
            .with_status_code(302)
            .with_header(header("Location", base_path));
    };
    let rel = crate::slug::percent_decode(rel);
    let candidates = [
        rel.clone(),
        format!("{rel}index.html"),
        format!("{rel}/index.html"),
    ];
    for candidate in &candidates {
        if let Some(bytes) = files.get(candidate.as_str()) {
            if candidate.ends_with("index.html") && !rel.is_empty() && !rel.ends_with('/') {
                return tiny_http::Response::from_data(Vec::new())
                    .with_status_code(301)
                    .with_header(header("Location", &format!("{base_path}{rel}/")));
            }
            return tiny_http::Response::from_data(bytes.clone())
                .with_header(header("Content-Type", content_type(candidate)));
        }
    }
    let body = files
        .get("404.html")
        .cloned()
        .unwrap_or_else(|| b"Page introuvable".to_vec());
    tiny_http::Response::from_data(body)
        .with_status_code(404)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
}

/// The MIME type of a file, from its extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
