//! Tera filters for French dates, times and file sizes.

use std::collections::HashMap;

use tera::{Result, Tera, Value};

use crate::dates::{Date, Time};

/// Registers every filter on `tera`.
pub fn register(tera: &mut Tera) {
    tera.register_filter("date_longue", date_filter(|d| d.long_fr()));
    tera.register_filter("jour_mois", date_filter(|d| d.weekday_day_month()));
    tera.register_filter("date_courte", date_filter(|d| d.day_month_year()));
    tera.register_filter(
        "mois",
        date_filter(|d| {
            let m =
                d.0.format_localized("%B %Y", chrono::Locale::fr_FR)
                    .to_string();
            let mut c = m.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }),
    );
    tera.register_filter(
        "heure",
        |value: &Value, _: &HashMap<String, Value>| -> Result<Value> {
            let text = value.as_str().unwrap_or_default();
            Ok(Value::String(Time(text.to_string()).fr()))
        },
    );
    tera.register_filter(
        "taille",
        |value: &Value, _: &HashMap<String, Value>| -> Result<Value> {
            Ok(Value::String(file_size(value.as_u64().unwrap_or(0))))
        },
    );
}

fn date_filter(f: fn(&Date) -> String) -> impl tera::Filter {
    move |value: &Value, _: &HashMap<String, Value>| -> Result<Value> {
        let text = value
            .as_str()
            .ok_or_else(|| tera::Error::msg("date attendue"))?;
        let date = Date::parse(text).map_err(tera::Error::msg)?;
        Ok(Value::String(f(&date)))
    }
}

/// « 12 Ko », « 1,4 Mo », as French writes sizes.
pub fn file_size(bytes: u64) -> String {
    const KO: f64 = 1000.0;
    let b = bytes as f64;
    if b < KO {
        format!("{bytes}\u{a0}octets")
    } else if b < KO * KO {
        format!("{}\u{a0}Ko", (b / KO).round())
    } else {
        format!("{:.1}\u{a0}Mo", b / KO / KO).replace('.', ",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(file_size(512), "512\u{a0}octets");
        assert_eq!(file_size(12_400), "12\u{a0}Ko");
        assert_eq!(file_size(1_400_000), "1,4\u{a0}Mo");
    }
}
