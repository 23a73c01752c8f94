//! The atelier: the teachers' French web forms, served by `preau serve`
//! under `/__atelier/`, that write the same markdown and YAML files a
//! teacher would write by hand (through `crate::atelier`, the file library).
//!
//! Only the teacher at this computer may write. The preview's guard has
//! already checked `Host` (a loopback name with the right port) and, for
//! anything but a read, `Origin`. On top of it the atelier asks for the
//! session's secret: 32 random bytes made at start, printed in the address
//! the command opens (`/__atelier/?jeton=…`, like Jupyter's token). The
//! first visit trades it for an `HttpOnly`, `SameSite=Strict` cookie and
//! takes it out of the address bar; every request of the API (reads too:
//! they show the class areas' files) needs that cookie, compared in
//! constant time. The pages run under a strict Content-Security-Policy, and
//! their script and styles are plain files embedded in the binary (no
//! inline code, no CDN: it works offline).
//!
//! `api` turns requests into calls of the file library; this file holds
//! the session and the routing.

mod api;

use std::path::PathBuf;

use super::http::{header, reply};

/// The atelier's page, script and styles (`src/serve/assets/atelier/`).
const PAGE_HTML: &str = include_str!("../assets/atelier/atelier.html");
const SCRIPT_JS: &str = include_str!("../assets/atelier/atelier.js");
const STYLE_CSS: &str = include_str!("../assets/atelier/atelier.css");

/// Where the atelier lives (outside any site's base path: `__` is reserved).
pub const PREFIX: &str = "/__atelier/";

/// The policy of every atelier answer: nothing but the preview's own
/// files; the preview page may be framed beside the form, nothing else.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' blob: data:; connect-src 'self'; frame-src 'self'; \
    form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// One running atelier: the school and the session's secret.
pub struct Atelier {
    /// The school folder.
    pub root: PathBuf,
    /// The site's base path in the preview (`/ecole/`).
    pub base_path: String,
    /// The port, which names the cookie (cookies ignore ports: two
    /// previews on one computer must not overwrite each other's).
    pub port: u16,
    /// The session's secret, 64 hexadecimal digits.
    secret: String,
}

impl Atelier {
    /// A new session for the school at `root`, with a fresh secret.
    pub fn new(root: PathBuf, base_path: String, port: u16) -> Atelier {
        let mut bytes = [0u8; 32];
        getrandom::getrandom(&mut bytes).expect("the system's random generator works");
        let secret = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Atelier {
            root,
            base_path,
            port,
            secret,
        }
    }

    /// The address that opens the atelier: it carries the secret.
    pub fn address(&self) -> String {
        format!(
            "http://127.0.0.1:{}{PREFIX}?jeton={}",
            self.port, self.secret
        )
    }

    fn cookie_name(&self) -> String {
        format!("preau_atelier_{}", self.port)
    }

    /// Does the request carry the session's cookie?
    fn signed_in(&self, request: &tiny_http::Request) -> bool {
        let name = self.cookie_name();
        request
            .headers()
            .iter()
            .filter(|h| h.field.equiv("Cookie"))
            .flat_map(|h| h.value.as_str().split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(k, v)| k == name && same(v.as_bytes(), self.secret.as_bytes()))
    }
}

/// Compares two secrets in a time that does not depend on where they
/// differ (only on the length, which is public: 64 digits).
pub fn same(given: &[u8], expected: &[u8]) -> bool {
    if given.len() != expected.len() {
        return false;
    }
    given
        .iter()
        .zip(expected)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

/// The value of `key` in a query string (`a=1&b=2`), percent-decoded.
pub fn query_value(query: &str, key: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| crate::slug::percent_decode(&v.replace('+', " ")))
}

/// A French page for the browser (refusals, the sign-in hint).
fn page(title: &str, text: &str) -> Vec<u8> {
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} — atelier Préau</title>\
         <link rel=\"stylesheet\" href=\"{PREFIX}atelier.css\"></head>\
         <body><main id=\"principal\"><h1>{title}</h1><p>{text}</p></main></body></html>\n"
    )
    .into_bytes()
}

/// Answers a request under `/__atelier/` (the guard has passed).
pub fn respond(
    mut request: tiny_http::Request,
    atelier: &Atelier,
    shared: &super::Shared,
    method: &str,
) {
    let full = request.url().to_string();
    let (path, query) = full.split_once('?').unwrap_or((&full, ""));
    let rest = path.strip_prefix(PREFIX).unwrap_or("");
    let with_policy = |r: tiny_http::Response<std::io::Cursor<Vec<u8>>>| {
        r.with_header(header("Content-Security-Policy", CSP))
            .with_header(header("Referrer-Policy", "no-referrer"))
            .with_header(header("X-Frame-Options", "DENY"))
    };
    let read = method == "GET" || method == "HEAD";
    match rest {
        "atelier.js" if read => {
            let r = reply(200, "text/javascript; charset=utf-8", SCRIPT_JS.into());
            let _ = request.respond(with_policy(r));
        }
        "atelier.css" if read => {
            let r = reply(200, "text/css; charset=utf-8", STYLE_CSS.into());
            let _ = request.respond(with_policy(r));
        }
        "" if read => {
            if let Some(given) = query_value(query, "jeton") {
                if same(given.as_bytes(), atelier.secret.as_bytes()) {
                    // Traded for a cookie the page's scripts cannot read,
                    // and taken out of the address bar and the history.
                    let cookie = format!(
                        "{}={}; HttpOnly; SameSite=Strict; Path={}",
                        atelier.cookie_name(),
                        atelier.secret,
                        PREFIX.trim_end_matches('/')
                    );
                    let r = reply(303, "text/html; charset=utf-8", Vec::new())
                        .with_header(header("Set-Cookie", &cookie))
                        .with_header(header("Location", PREFIX));
                    let _ = request.respond(with_policy(r));
                } else {
                    log::warn!("atelier : jeton erroné");
                    let body = page(
                        "Jeton refusé",
                        "Ce lien ne correspond pas à l'atelier en cours : chaque lancement de \
                         « preau serve » donne un nouveau lien. Ouvrez l'adresse qu'il vient d'afficher.",
                    );
                    let r = reply(403, "text/html; charset=utf-8", body);
                    let _ = request.respond(with_policy(r));
                }
            } else if atelier.signed_in(&request) {
                let r = reply(200, "text/html; charset=utf-8", PAGE_HTML.into());
                let _ = request.respond(with_policy(r));
            } else {
                let _ = request.respond(with_policy(signed_out()));
            }
        }
        _ if rest.starts_with("api/") => {
            if !atelier.signed_in(&request) {
                log::warn!("atelier : {method} {path} sans le jeton de la session, refusé");
                let r = api::error(
                    401,
                    "demande refusée : l'atelier ne répond qu'à la page ouverte par « preau serve » sur cet ordinateur",
                    "ouvrez l'adresse complète affichée par « preau serve » (elle contient le jeton de la session).",
                );
                let _ = request.respond(with_policy(r));
                return;
            }
            let r = api::handle(&mut request, atelier, shared, method, &rest[4..], query);
            let _ = request.respond(with_policy(r));
        }
        _ => {
            let r = reply(
                404,
                "text/html; charset=utf-8",
                page("Page introuvable", "Cette page de l'atelier n'existe pas."),
            );
            let _ = request.respond(with_policy(r));
        }
    }
}

/// The answer to a visit without the session's cookie.
fn signed_out() -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let body = page(
        "Ouvrez l'atelier par son lien",
        "Pour que vous seul·e puissiez écrire dans les fichiers de l'école, l'atelier ne \
         s'ouvre qu'avec le lien complet affiché par « preau serve » (il se termine par \
         « ?jeton=… »). Copiez ce lien dans la barre d'adresse, ou relancez « preau serve --ouvrir ».",
    );
    reply(401, "text/html; charset=utf-8", body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same(b"abcd", b"abcd"));
        assert!(!same(b"abcd", b"abce"));
        assert!(!same(b"abc", b"abcd"));
        assert!(!same(b"", b"abcd"));
    }

    #[test]
    fn each_session_has_its_own_32_byte_secret() {
        let a = Atelier::new(PathBuf::from("."), "/".into(), 1111);
        let b = Atelier::new(PathBuf::from("."), "/".into(), 1111);
        assert_eq!(a.secret.len(), 64);
        assert!(a.secret.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.secret, b.secret);
        assert!(a.address().ends_with(&a.secret));
    }

    #[test]
    fn query_values_are_decoded() {
        assert_eq!(
            query_value("a=1&chemin=classes%2Fcm1%2Fblog%2Fx.md", "chemin").as_deref(),
            Some("classes/cm1/blog/x.md")
        );
        assert_eq!(query_value("a=1", "b"), None);
    }
}
