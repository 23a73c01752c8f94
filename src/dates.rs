//! Dates as teachers write them (`2026-11-20`) and as families read them
//! (« jeudi 20 novembre 2026 »), through chrono's French locale.

use std::fmt;

use chrono::{Datelike, Locale, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar day, written `AAAA-MM-JJ` in the school folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Date {
    /// Parses `AAAA-MM-JJ`, with a French message on failure.
    pub fn parse(text: &str) -> Result<Date, String> {
        let text = text.trim();
        let shape_ok = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(format!(
                "date invalide « {text} » : attendu AAAA-MM-JJ, par exemple 2026-11-20"
            ));
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Date)
            .map_err(|_| {
                format!("date impossible « {text} » : ce jour n'existe pas dans le calendrier")
            })
    }

    /// `2026-11-20`.
    pub fn iso(&self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }

    /// « jeudi 20 novembre 2026 » (« 1er » for the first of the month).
    pub fn long_fr(&self) -> String {
        format!(
            "{} {}",
            self.0.format_localized("%A", Locale::fr_FR),
            self.day_month_year()
        )
    }

    /// « 20 novembre 2026 ».
    pub fn day_month_year(&self) -> String {
        format!(
            "{} {}",
            self.day_fr(),
            self.0.format_localized("%B %Y", Locale::fr_FR)
        )
    }

    /// « jeudi 20 novembre ».
    pub fn weekday_day_month(&self) -> String {
        format!(
            "{} {} {}",
            self.0.format_localized("%A", Locale::fr_FR),
            self.day_fr(),
            self.0.format_localized("%B", Locale::fr_FR)
        )
    }

    fn day_fr(&self) -> String {
        match self.0.day() {
            1 => "1er".to_string(),
            d => d.to_string(),
        }
    }

    /// The school year (« 2026-2027 ») this day belongs to: it starts in August.
    pub fn school_year(&self) -> String {
        let start = if self.0.month() >= 8 {
            self.0.year()
        } else {
            self.0.year() - 1
        };
        format!("{start}-{}", start + 1)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_yaml::Value::deserialize(deserializer)?;
        let text = match &value {
            serde_yaml::Value::String(s) => s.clone(),
            serde_yaml::Value::Number(n) => n.to_string(),
            _ => {
                return Err(serde::de::Error::custom(
                    "date invalide : attendu AAAA-MM-JJ, par exemple 2026-11-20",
                ))
            }
        };
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.iso())
    }
}

/// The day the build considers "today": `SOURCE_DATE_EPOCH` when set (for
/// reproducible builds), else the local date.
pub fn today() -> Date {
    if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
    {
        if let Some(dt) = chrono::DateTime::from_timestamp(epoch, 0) {
            return Date(dt.date_naive());
        }
    }
    Date(chrono::Local::now().date_naive())
}

/// A time of day, written `"09:00"`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Time(pub String);

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_yaml::Value::deserialize(deserializer)?;
        let text = match &value {
            serde_yaml::Value::String(s) => s.trim().to_string(),
            serde_yaml::Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        let ok = chrono::NaiveTime::parse_from_str(&text, "%H:%M").is_ok()
            || chrono::NaiveTime::parse_from_str(&text.replace('h', ":"), "%H:%M").is_ok();
        if !ok {
            return Err(serde::de::Error::custom(format!(
                "heure invalide « {text} » : attendu HH:MM entre guillemets, par exemple \"09:30\""
            )));
        }
        Ok(Time(text.replace('h', ":")))
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl Time {
    /// « 9 h 30 », as French typography writes times.
    pub fn fr(&self) -> String {
        let (h, m) = self.0.split_once(':').unwrap_or((&self.0, "00"));
        let h = h.trim_start_matches('0');
        let h = if h.is_empty() { "0" } else { h };
        if m == "00" {
            format!("{h}\u{a0}h")
        } else {
            format!("{h}\u{a0}h\u{a0}{m}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_long_date() {
        let d = Date::parse("2026-11-20").unwrap();
        assert_eq!(d.long_fr(), "vendredi 20 novembre 2026");
        assert_eq!(
            Date::parse("2026-10-01").unwrap().long_fr(),
            "jeudi 1er octobre 2026"
        );
    }

    #[test]
    fn impossible_and_malformed_dates() {
        assert!(Date::parse("2026-02-30")
            .unwrap_err()
            .starts_with("date impossible"));
        assert!(Date::parse("20/11/2026")
            .unwrap_err()
            .starts_with("date invalide"));
    }

    #[test]
    fn school_year_starts_in_august() {
        assert_eq!(
            Date::parse("2027-03-01").unwrap().school_year(),
            "2026-2027"
        );
        assert_eq!(
            Date::parse("2026-09-01").unwrap().school_year(),
            "2026-2027"
        );
    }

    #[test]
    fn times_in_french() {
        assert_eq!(Time("09:00".into()).fr(), "9\u{a0}h");
        assert_eq!(Time("18:30".into()).fr(), "18\u{a0}h\u{a0}30");
    }
}
