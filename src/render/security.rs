//! The site's security policy, in one place: the Content-Security-Policy
//! that every page carries in a `<meta>`, and the same policy with the
//! other security headers in the `.htaccess` written at the site root
//! (Apache applies it; the guide gives the nginx lines).

/// The policy of every page: scripts, styles, images and requests from the
/// site's own origin only (decrypted photos are `blob:` addresses), no
/// inline script or style, no plug-in, no `<base>`, forms sent to the site
/// only. Trusted Types (where the browser has them) refuse HTML written
/// into the page from a string, but through the one policy of `acces.js`
/// that parses a decrypted page into an inert document. A `<meta>` cannot
/// carry `frame-ancestors`: the headers add it.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
img-src 'self' blob:; media-src 'self' blob:; font-src 'self'; connect-src 'self'; \
manifest-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; \
require-trusted-types-for 'script'; trusted-types preau";

/// The `<meta>` every page carries, as the default theme writes it.
pub fn meta() -> String {
    format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">")
}

/// Refuses a page without the policy: a school's own `theme/` templates
/// (an overridden `base.html`) must keep it.
pub fn check_page(path: &str, html: &str) -> anyhow::Result<()> {
    if memchr::memmem::find(html.as_bytes(), meta().as_bytes()).is_none() {
        anyhow::bail!(
            "la page « {path} » n'a pas la politique de sécurité du site (Content-Security-Policy) : un gabarit du dossier theme/ de l'école l'a perdue\n  conseil : dans le <head> de votre theme/templates/base.html, juste après <meta charset=\"utf-8\">, recopiez la ligne du gabarit par défaut : <meta http-equiv=\"Content-Security-Policy\" content=\"{{{{ csp() | safe }}}}\">"
        );
    }
    Ok(())
}

pub use crate::layout::HTACCESS;

/// The `.htaccess` at the site root: the page policy as a real header
/// (with `frame-ancestors 'none'`, which only a header can give) and the
/// other security headers, and compression of the text files. Guarded by
/// `IfModule`: a host without `mod_headers` serves the site as before.
pub fn htaccess() -> String {
    format!(
        "# Préau : en-têtes de sécurité du site, pour Apache (module mod_headers).\n\
# Fichier réécrit à chaque construction ; voir le guide, chapitre « Publier le site ».\n\
<IfModule mod_headers.c>\n\
Header always set Content-Security-Policy \"{CSP}; frame-ancestors 'none'\"\n\
Header always set X-Content-Type-Options \"nosniff\"\n\
Header always set Referrer-Policy \"no-referrer\"\n\
Header always set X-Frame-Options \"DENY\"\n\
Header always set Cross-Origin-Opener-Policy \"same-origin\"\n\
Header always set Cross-Origin-Resource-Policy \"same-origin\"\n\
Header always set Permissions-Policy \"camera=(), microphone=(), geolocation=(), payment=(), usb=()\"\n\
</IfModule>\n\
# Pages, styles et scripts compressés à l'envoi (les fichiers chiffrés et la recherche le sont déjà).\n\
<IfModule mod_deflate.c>\n\
AddOutputFilterByType DEFLATE text/html text/css text/javascript application/javascript application/atom+xml text/calendar image/svg+xml\n\
</IfModule>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headers_carry_the_page_policy_and_forbid_framing() {
        let file = htaccess();
        assert!(file.contains(&format!(
            "Content-Security-Policy \"{CSP}; frame-ancestors 'none'\""
        )));
        assert!(file.contains("X-Content-Type-Options \"nosniff\""));
        for directive in ["script-src 'self'", "object-src 'none'", "base-uri 'none'"] {
            assert!(CSP.contains(directive), "{directive}");
        }
        assert!(!CSP.contains("unsafe"));
    }

    #[test]
    fn a_page_without_the_policy_is_refused_with_a_hint() {
        assert!(check_page("index.html", &format!("<head>{}</head>", meta())).is_ok());
        let err = check_page("index.html", "<head><title>x</title></head>")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("« index.html »") && err.contains("conseil :"),
            "{err}"
        );
        assert!(err.contains("{{ csp() | safe }}"), "{err}");
    }
}
