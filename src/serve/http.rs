//! Answering the browser: the guard first (only this computer, by its own
//! name), then the preview's own files under `/__preau/`, the reload event
//! stream, and the pages of the site with the reload script and the error
//! panel added.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use super::guard;
use super::Shared;
use crate::diagnostic::Diagnostic;

/// The reload script, a plain file (the pages' CSP allows no inline script).
const RELOAD_JS: &str = include_str!("assets/recharger.js");
/// The error panel's styles, a plain file (no inline style either).
const PREVIEW_CSS: &str = include_str!("assets/apercu.css");

use crate::layout::NOT_FOUND;

// Where the preview's own files live (outside the site's base path).
use crate::layout::{
    PREVIEW_CSS as PREVIEW_CSS_URL, PREVIEW_EVENTS as EVENTS_URL,
    PREVIEW_RELOAD_JS as RELOAD_JS_URL,
};

/// A comment line sent when nothing happens, so that a closed page is
/// noticed (the write fails) and its thread ends.
const KEEPALIVE: Duration = Duration::from_secs(15);

pub(super) fn header(k: &str, v: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("valid header")
}

/// A response with the headers every answer of the preview carries: the
/// class pages are in clear, so nothing is kept in a cache.
pub(super) fn reply(
    status: u16,
    kind: &str,
    body: Vec<u8>,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    tiny_http::Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

/// Answers one request.
pub fn respond(
    request: tiny_http::Request,
    shared: &Shared,
    base_path: &str,
    port: u16,
    atelier: &super::atelier::Atelier,
) {
    let method = request.method().as_str().to_string();
    let checked = guard::check(
        &method,
        request
            .headers()
            .iter()
            .map(|h| (h.field.as_str().as_str(), h.value.as_str())),
        port,
    );
    if let Err(refusal) = checked {
        log::warn!(
            "requête refusée ({refusal:?}) : {method} {} depuis {:?}",
            request.url(),
            request.remote_addr()
        );
        let page = refusal.page().into_bytes();
        let _ = request.respond(reply(refusal.status(), "text/html; charset=utf-8", page));
        return;
    }
    if request.url().starts_with(super::atelier::PREFIX) {
        super::atelier::respond(request, atelier, shared, &method);
        return;
    }
    let head = method == "HEAD";
    if method != "GET" && !head {
        // Nothing in the preview takes a write (the atelier, above, does).
        let page = b"<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>M\xc3\xa9thode refus\xc3\xa9e</title></head><body><p>L'aper\xc3\xa7u ne fait que montrer le site.</p></body></html>\n".to_vec();
        let r =
            reply(405, "text/html; charset=utf-8", page).with_header(header("Allow", "GET, HEAD"));
        let _ = request.respond(r);
        return;
    }
    let url = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    match url.as_str() {
        RELOAD_JS_URL => {
            let r = reply(200, "text/javascript; charset=utf-8", RELOAD_JS.into());
            let _ = request.respond(r);
        }
        PREVIEW_CSS_URL => {
            let r = reply(200, "text/css; charset=utf-8", PREVIEW_CSS.into());
            let _ = request.respond(r);
        }
        EVENTS_URL if head => {
            let _ = request.respond(reply(200, "text/event-stream", Vec::new()));
        }
        EVENTS_URL => event_stream(request, shared),
        _ => site_file(request, &url, shared, base_path),
    }
}

/// A file of the site (HTML pages get the reload script and the panel).
fn site_file(request: tiny_http::Request, url: &str, shared: &Shared, base_path: &str) {
    let redirect = |to: &str, status: u16| {
        reply(status, "text/html; charset=utf-8", Vec::new()).with_header(header("Location", to))
    };
    let Some(rel) = url
        .strip_prefix(base_path)
        .or_else(|| (url.trim_end_matches('/') == base_path.trim_end_matches('/')).then_some(""))
    else {
        let _ = request.respond(redirect(base_path, 302));
        return;
    };
    let rel = crate::slug::percent_decode(rel);
    let candidates = [
        rel.clone(),
        format!("{rel}index.html"),
        format!("{rel}/index.html"),
    ];
    // One state for the whole answer: what the lock shows now, the pages
    // of the same load rendered after it is released.
    let (files, pages, generation, mut problems) = {
        let state = shared.state.read().expect("preview lock");
        let files: Vec<Option<Arc<Vec<u8>>>> = candidates
            .iter()
            .chain([&NOT_FOUND.to_string()])
            .map(|c| state.files.get(c).cloned())
            .collect();
        (
            files,
            state.pages.clone(),
            state.generation,
            state.problems.clone(),
        )
    };
    let is_page = |path: &str| pages.as_ref().is_some_and(|p| p.has(path));
    let found = candidates
        .iter()
        .enumerate()
        .find(|(i, c)| files[*i].is_some() || is_page(c));
    let (status, path, file) = match found {
        Some((_, p))
            if p.ends_with("index.html") && !rel.is_empty() && !rel.ends_with('/') && *p != rel =>
        {
            let _ = request.respond(redirect(&format!("{base_path}{rel}/"), 301));
            return;
        }
        Some((i, p)) => (200, p.clone(), files[i].clone()),
        None => (404, NOT_FOUND.to_string(), files[candidates.len()].clone()),
    };
    let body = match (file, &pages) {
        (Some(bytes), _) => Some(bytes),
        (None, Some(pages)) => match pages.page(&path) {
            Some(Ok(bytes)) => Some(bytes),
            Some(Err(e)) => {
                // This page could not be made from this load: its last
                // good version, under the panel that says why.
                problems.push(Diagnostic::error("", format!("{e:#}")));
                pages.last_good(&path)
            }
            None => None,
        },
        (None, None) => None,
    };
    let mut body = body
        .map(|b| b.to_vec())
        .unwrap_or_else(|| b"<!DOCTYPE html><html lang=\"fr\"><body></body></html>".to_vec());
    let kind = if status == 404 {
        "text/html; charset=utf-8"
    } else {
        crate::mime::content_type(&path)
    };
    if kind.starts_with("text/html") {
        body = inject(&body, generation, &problems);
    }
    let _ = request.respond(reply(status, kind, body));
}

/// Adds the panel's stylesheet and the reload script (external files, with
/// the generation the page was made from) in the head, and the error panel
/// at the end of the body when the last build failed.
pub fn inject(html: &[u8], generation: u64, problems: &[Diagnostic]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let head = format!(
        "<link rel=\"stylesheet\" href=\"{PREVIEW_CSS_URL}\">\
         <script src=\"{RELOAD_JS_URL}\" data-generation=\"{generation}\" defer></script>"
    );
    let panel = if problems.is_empty() {
        String::new()
    } else {
        overlay(problems)
    };
    let (head_at, body_at) = (text.find("</head>"), text.rfind("</body>"));
    let mut out = String::with_capacity(text.len() + head.len() + panel.len());
    match (head_at, body_at) {
        (Some(h), Some(b)) if h < b => {
            out.push_str(&text[..h]);
            out.push_str(&head);
            out.push_str(&text[h..b]);
            out.push_str(&panel);
            out.push_str(&text[b..]);
        }
        (_, Some(b)) => {
            out.push_str(&text[..b]);
            out.push_str(&head);
            out.push_str(&panel);
            out.push_str(&text[b..]);
        }
        _ => {
            out.push_str(&text);
            out.push_str(&head);
            out.push_str(&panel);
        }
    }
    out.into_bytes()
}

/// The French error panel shown over the last good page, made with the
/// theme's `apercu-erreurs.html` (styled by `apercu.css`: no inline style).
pub fn overlay(problems: &[Diagnostic]) -> String {
    use crate::render::standalone::Problem;
    let problems: Vec<Problem> = problems
        .iter()
        .map(|d| Problem {
            place: match (d.line, d.column) {
                (Some(l), Some(c)) => format!("{}:{l}:{c}", d.file.display()),
                (Some(l), None) => format!("{}:{l}", d.file.display()),
                _ => d.file.display().to_string(),
            },
            message: d.message.clone(),
            hint: d.hint.clone(),
        })
        .collect();
    crate::render::standalone::preview_errors(&problems)
}

/// The reload stream (server-sent events): one `data:` line with the
/// generation now, then one at each rebuild, each written and flushed at
/// once. Written by hand on the socket: tiny_http's chunked responses
/// hold back the first 8 KiB, so the page would never hear of a save.
fn event_stream(request: tiny_http::Request, shared: &Shared) {
    let mut out = request.into_writer();
    let mut sent = shared.state.read().expect("preview lock").generation;
    let head = format!(
        "HTTP/1.1 200 OK\r\n\
         Content-Type: text/event-stream; charset=utf-8\r\n\
         Cache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\n\
         Connection: close\r\n\r\n\
         retry: 500\ndata: {sent}\n\n"
    );
    if send(&mut out, &head).is_err() {
        return;
    }
    let (lock, signal) = &*shared.changed;
    loop {
        let message = {
            let generation = lock.lock().expect("signal lock");
            let (generation, wait) = signal
                .wait_timeout_while(generation, KEEPALIVE, |g| *g <= sent)
                .expect("signal lock");
            if wait.timed_out() {
                ": attente\n\n".to_string()
            } else {
                sent = *generation;
                format!("data: {sent}\n\n")
            }
        };
        if send(&mut out, &message).is_err() {
            return; // the page was closed or reloaded
        }
    }
}

fn send(out: &mut Box<dyn Write + Send>, text: &str) -> std::io::Result<()> {
    out.write_all(text.as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reload_script_and_stylesheet_go_in_the_head_as_files() {
        let page = b"<html><head><title>t</title></head><body><p>x</p></body></html>";
        let out = String::from_utf8(inject(page, 7, &[])).unwrap();
        assert_eq!(
            out,
            "<html><head><title>t</title><link rel=\"stylesheet\" href=\"/__preau/apercu.css\">\
             <script src=\"/__preau/recharger.js\" data-generation=\"7\" defer></script></head>\
             <body><p>x</p></body></html>"
        );
    }

    #[test]
    fn the_panel_has_no_inline_script_or_style_and_escapes() {
        let problems = [Diagnostic::error("a<b>.md", "clé \"x\" & <y>").at(2, 1)];
        let out = String::from_utf8(inject(b"<head></head><body></body>", 1, &problems)).unwrap();
        assert!(out.contains("<code>a&lt;b&gt;.md:2:1</code> : clé &quot;x&quot; &amp; &lt;y&gt;"));
        assert!(out.ends_with("</ul></div></body>"), "{out}");
        assert!(!out.contains("style="), "{out}");
        assert!(!out.contains("<script>"), "{out}");
        assert!(!out.contains("<style"), "{out}");
    }
}
