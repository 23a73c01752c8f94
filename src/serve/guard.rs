//! Who may talk to the preview: only this computer, by its own name.
//!
//! The preview shows the class areas in clear. Listening on 127.0.0.1 keeps
//! other computers out, but not a web page the teacher opens: through a
//! domain that resolves to 127.0.0.1 (DNS rebinding) it could read the
//! preview as its own origin. So every request must name the preview by a
//! loopback `Host` with the right port, and anything but a read must come
//! from a page of the preview itself (`Origin`). A foreign `Origin` is
//! refused even on a read.

/// Why a request is turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Missing, repeated or foreign `Host`: 421, nothing of the site.
    Host,
    /// Foreign `Origin`, or no `Origin` on a write: 403.
    Origin,
}

impl Refusal {
    /// The HTTP status sent back.
    pub fn status(self) -> u16 {
        match self {
            Refusal::Host => 421,
            Refusal::Origin => 403,
        }
    }

    /// The French page sent back (nothing of the site in it).
    pub fn page(self) -> String {
        let (title, text) = match self {
            Refusal::Host => (
                "Adresse refusée",
                "L'aperçu de Préau ne répond qu'à cet ordinateur, à l'adresse affichée \
                 par « preau serve » (http://127.0.0.1:…). Ouvrez cette adresse-là.",
            ),
            Refusal::Origin => (
                "Demande refusée",
                "Cette demande ne vient pas d'une page de l'aperçu : elle est refusée. \
                 Ouvrez l'adresse affichée par « preau serve » (http://127.0.0.1:…).",
            ),
        };
        format!(
            "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
             <title>{title} — aperçu Préau</title></head>\
             <body><h1>{title}</h1><p>{text}</p></body></html>\n"
        )
    }
}

/// The names this computer answers to, with the port: `127.0.0.1:PORT`,
/// `localhost:PORT`, `[::1]:PORT` (and without the port when it is 80).
fn is_loopback_authority(authority: &str, port: u16) -> bool {
    let authority = authority.to_ascii_lowercase();
    let (host, given) = match authority.rsplit_once(':') {
        Some((host, p)) if !host.is_empty() && !p.contains(']') => (host, Some(p)),
        _ => (authority.as_str(), None),
    };
    let port_ok = match given {
        Some(p) => p.parse::<u16>().ok() == Some(port) && p.bytes().all(|b| b.is_ascii_digit()),
        None => port == 80,
    };
    port_ok && matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// Checks one request: its method, and every `Host` and `Origin` header
/// it carries (names case-insensitive).
pub fn check<'a>(
    method: &str,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    port: u16,
) -> Result<(), Refusal> {
    let mut hosts = Vec::new();
    let mut origins = Vec::new();
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("host") {
            hosts.push(value.trim());
        } else if name.eq_ignore_ascii_case("origin") {
            origins.push(value.trim());
        }
    }
    match hosts.as_slice() {
        [host] if is_loopback_authority(host, port) => {}
        _ => return Err(Refusal::Host),
    }
    let read = method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD");
    match origins.as_slice() {
        [] if read => Ok(()),
        [origin] => match origin.strip_prefix("http://") {
            Some(authority) if is_loopback_authority(authority, port) => Ok(()),
            _ => Err(Refusal::Origin),
        },
        _ => Err(Refusal::Origin),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(value: &str) -> Result<(), Refusal> {
        check("GET", [("Host", value)], 8123)
    }

    #[test]
    fn only_loopback_names_with_the_port_are_answered() {
        for ok in [
            "127.0.0.1:8123",
            "localhost:8123",
            "LocalHost:8123",
            "[::1]:8123",
        ] {
            assert_eq!(host(ok), Ok(()), "{ok}");
        }
        for bad in [
            "evil.example:8123",
            "127.0.0.1.nip.io:8123",
            "127.0.0.1.nip.io",
            "127.0.0.1",
            "127.0.0.1:8124",
            "127.0.0.1:08123x",
            "localhost.:8123",
            "127.0.0.2:8123",
            "0.0.0.0:8123",
            "[::1]",
            "::1:8123",
            "",
        ] {
            assert_eq!(host(bad), Err(Refusal::Host), "{bad}");
        }
        assert_eq!(check("GET", [], 8123), Err(Refusal::Host), "no Host");
        assert_eq!(
            check(
                "GET",
                [("Host", "127.0.0.1:8123"), ("host", "evil.example")],
                8123
            ),
            Err(Refusal::Host),
            "two Hosts"
        );
        assert_eq!(check("GET", [("Host", "localhost")], 80), Ok(()));
    }

    #[test]
    fn writes_need_the_preview_as_origin() {
        let h = ("Host", "127.0.0.1:8123");
        for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
            assert_eq!(check(method, [h], 8123), Err(Refusal::Origin), "{method}");
            assert_eq!(
                check(method, [h, ("Origin", "http://evil.example:8123")], 8123),
                Err(Refusal::Origin)
            );
            assert_eq!(
                check(method, [h, ("Origin", "null")], 8123),
                Err(Refusal::Origin)
            );
            assert_eq!(
                check(method, [h, ("Origin", "https://127.0.0.1:8123")], 8123),
                Err(Refusal::Origin)
            );
            assert_eq!(
                check(method, [h, ("Origin", "http://localhost:8123")], 8123),
                Ok(())
            );
        }
        // A read from a foreign page is refused too; a plain read passes.
        assert_eq!(
            check("GET", [h, ("Origin", "http://evil.example")], 8123),
            Err(Refusal::Origin)
        );
        assert_eq!(check("HEAD", [h], 8123), Ok(()));
    }
}
