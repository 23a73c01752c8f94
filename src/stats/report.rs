//! The outputs of `preau stats`: a CSV with one row per month, service and
//! profile, and an HTML report a directeur or a town hall can read (French,
//! charts as inline SVG with their figures in tables, no external request).

use std::fmt::Write;

use crate::html::escape;

use super::{school_year, Profile, Service, Usage};

/// `mois,service,profil,pages_vues,visites`, every month × service × profile.
pub fn csv(usage: &Usage) -> String {
    let mut out = String::from("mois,service,profil,pages_vues,visites\n");
    for month in usage.months() {
        for service in Service::ALL {
            for profile in Profile::ALL {
                let c = usage.get(&month, service, profile);
                let _ = writeln!(
                    out,
                    "{month},{},{},{},{}",
                    service.id(),
                    profile.id(),
                    c.views,
                    c.visits
                );
            }
        }
    }
    out
}

/// « novembre 2026 ».
fn month_label(month: &str) -> String {
    const NAMES: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let m: usize = month[5..].parse().unwrap_or(1);
    format!("{} {}", NAMES[m.clamp(1, 12) - 1], &month[..4])
}

/// « nov. » under a bar of the chart.
fn short_month(month: &str) -> &'static str {
    const NAMES: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    let m: usize = month[5..].parse().unwrap_or(1);
    NAMES[m.clamp(1, 12) - 1]
}

fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

const COLOURS: [&str; 3] = ["#1d5fa8", "#b8430b", "#4d5b2c"];

/// A bar chart of each month's page views, stacked by profile.
fn chart(usage: &Usage, months: &[String], id: &str) -> String {
    let totals: Vec<[u64; 3]> = months
        .iter()
        .map(|m| {
            let mut t = [0u64; 3];
            for (i, p) in Profile::ALL.iter().enumerate() {
                t[i] = Service::ALL
                    .iter()
                    .map(|s| usage.get(m, *s, *p).views)
                    .sum();
            }
            t
        })
        .collect();
    let max = totals
        .iter()
        .map(|t| t.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let (width, height, bar) = (640u64, 240u64, 40u64);
    let step = (width - 60) / months.len().max(1) as u64;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {width} {}\" role=\"img\" aria-labelledby=\"{id}-titre {id}-desc\" class=\"graphique\">\
         <title id=\"{id}-titre\">Pages vues par mois et par profil</title>\
         <desc id=\"{id}-desc\">Barres empilées, une par mois ; les chiffres sont dans le tableau qui suit.</desc>",
        height + 40
    );
    for (i, (month, t)) in months.iter().zip(&totals).enumerate() {
        let x = 50 + i as u64 * step;
        let mut y = height;
        for (p, value) in t.iter().enumerate() {
            let h = value * (height - 20) / max;
            y -= h;
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{h}\" fill=\"{}\"></rect>",
                bar.min(step.saturating_sub(8)).max(4),
                COLOURS[p]
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">{}</text>",
            x + bar / 2,
            height + 20,
            short_month(month)
        );
    }
    let _ = write!(
        svg,
        "<text x=\"4\" y=\"16\" font-size=\"12\">{}</text></svg>",
        number(max)
    );
    svg
}

/// The HTML report.
pub fn html(usage: &Usage, school: &str) -> String {
    let mut body = String::new();
    let months = usage.months();
    let mut years: Vec<String> = months.iter().map(|m| school_year(m)).collect();
    years.dedup();
    let _ = write!(
        body,
        "<h1>Statistiques d'usage — {}</h1>\
         <p class=\"chapo\">Fréquentation du site de l'école d'après les journaux de l'hébergeur : \
         neuf services, trois profils, mois par mois. Aucune donnée personnelle n'est conservée.</p>",
        escape(school)
    );
    if months.is_empty() {
        body.push_str("<p>Aucune visite trouvée dans ces journaux pour ce site.</p>");
    }
    let legend: String = Profile::ALL
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                "<li><span class=\"pastille\" style=\"background:{}\"></span>{}</li>",
                COLOURS[i],
                p.label()
            )
        })
        .collect();
    for (n, year) in years.iter().enumerate() {
        let in_year: Vec<String> = months
            .iter()
            .filter(|m| &school_year(m) == year)
            .cloned()
            .collect();
        let _ = write!(
            body,
            "<section><h2>Année scolaire {year}</h2><figure>{}<figcaption><ul class=\"legende\">{legend}</ul></figcaption></figure>",
            chart(usage, &in_year, &format!("g{n}"))
        );
        // Evolution over the year: one row per service, one column per month.
        let _ = write!(
            body,
            "<table><caption>Pages vues par service et par mois, tous profils ({year})</caption><thead><tr><th scope=\"col\">Service</th>"
        );
        for m in &in_year {
            let _ = write!(body, "<th scope=\"col\">{}</th>", month_label(m));
        }
        body.push_str("</tr></thead><tbody>");
        for s in Service::ALL {
            let _ = write!(body, "<tr><th scope=\"row\">{}</th>", s.label());
            for m in &in_year {
                let v: u64 = Profile::ALL.iter().map(|p| usage.get(m, s, *p).views).sum();
                let _ = write!(body, "<td>{}</td>", number(v));
            }
            body.push_str("</tr>");
        }
        body.push_str("</tbody></table>");
        for m in &in_year {
            let _ = write!(
                body,
                "<table><caption>{} : pages vues (visites) par service et par profil</caption><thead><tr><th scope=\"col\">Service</th>",
                month_label(m)
            );
            for p in Profile::ALL {
                let _ = write!(body, "<th scope=\"col\">{}</th>", p.label());
            }
            body.push_str("</tr></thead><tbody>");
            for s in Service::ALL {
                let _ = write!(body, "<tr><th scope=\"row\">{}</th>", s.label());
                for p in Profile::ALL {
                    let c = usage.get(m, s, p);
                    let _ = write!(
                        body,
                        "<td>{} <span class=\"visites\">({})</span></td>",
                        number(c.views),
                        number(c.visits)
                    );
                }
                body.push_str("</tr>");
            }
            let visitors: String = Profile::ALL
                .iter()
                .map(|p| {
                    format!(
                        "<td>{}</td>",
                        number(
                            usage
                                .daily_visitors
                                .get(&(m.clone(), *p))
                                .copied()
                                .unwrap_or(0)
                        )
                    )
                })
                .collect();
            let _ = write!(
                body,
                "<tr><th scope=\"row\">Visiteurs (comptés une fois par jour)</th>{visitors}</tr></tbody></table>"
            );
        }
        body.push_str("</section>");
    }
    let _ = write!(
        body,
        "<section><h2>Comment ces chiffres sont établis</h2>\
         <ul>\
         <li>Chaque demande d'une page ou d'un fichier du site compte pour le service auquel il appartient ; \
         les fichiers chiffrés ont des noms opaques, Préau les relie à leur service grâce à la carte écrite à chaque construction, \
         qui reste dans le dossier de l'école.</li>\
         <li><strong>Profils.</strong> Une visite qui ouvre l'espace d'une classe ou l'espace des familles compte pour les \
         <em>familles</em> : parents et élèves partagent le même code, ils ne peuvent pas être distingués et forment un seul profil. \
         Une visite qui ouvre l'espace de l'équipe compte pour les <em>enseignants</em>. Toute autre visite compte pour les \
         <em>autres visiteurs</em> (une famille qui lit seulement les pages publiques y figure aussi).</li>\
         <li><strong>Visites et visiteurs.</strong> Une visite regroupe les demandes d'un même appareil sans pause de plus de trente minutes. \
         L'appareil est reconnu par une empreinte de son adresse et de son navigateur, calculée avec une clé tirée au hasard pour un seul jour \
         de journal, gardée en mémoire et jamais écrite : d'un jour à l'autre, rien ne relie deux visites. C'est pourquoi les visiteurs \
         sont comptés une fois par jour.</li>\
         <li>Aucune adresse IP, aucun navigateur, aucune adresse de page complète ne figure dans ce rapport ni dans le fichier CSV.</li>\
         <li>Les robots (moteurs de recherche, scripts, demandes de <code>robots.txt</code>) sont écartés : {} demandes.</li>\
         <li>Lignes lues : {} ; lignes illisibles (ignorées) : {} ; demandes hors du site ou sans service (erreurs, styles, scripts) : {}.</li>\
         </ul></section>",
        number(usage.bots),
        number(usage.lines),
        number(usage.bad_lines),
        number(usage.other)
    );
    if !usage.truncated.is_empty() {
        let _ = write!(
            body,
            "<p><strong>Attention :</strong> {} fichier(s) de journal se sont arrêtés avant la fin (archive incomplète) ; \
             ce qui précède a été compté.</p>",
            usage.truncated.len()
        );
    }
    format!(
        "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\">\
         <title>Statistiques d'usage — {}</title><style>{STYLE}</style></head>\
         <body><main>{body}</main></body></html>\n",
        escape(school)
    )
}

const STYLE: &str =
    "body{font-family:system-ui,sans-serif;color:#1b1b1b;background:#fff;margin:0;line-height:1.5}\
main{max-width:60rem;margin:0 auto;padding:1rem}\
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2rem}\
table{border-collapse:collapse;margin:1rem 0;width:100%;font-variant-numeric:tabular-nums}\
caption{text-align:left;font-weight:600;padding:.25rem 0}\
th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:right}\
th[scope=row],thead th:first-child{text-align:left}\
.visites{color:#4a4a4a}\
.graphique{width:100%;max-width:40rem;height:auto}\
.legende{list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap}\
.pastille{display:inline-block;width:.9rem;height:.9rem;margin-right:.3rem;vertical-align:middle}";
