//! Calendar dates kept at the precision they were written with ("2025", "2025-03", "2025-03-22").

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date that may lack its day, or its month and day.
///
/// Serialised and displayed as ISO 8601 at its own precision: `2025`, `2025-03`, `2025-03-22`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    /// The year (1000–2999 when parsed from text).
    pub year: i32,
    /// 1–12, when known.
    pub month: Option<u8>,
    /// 1–31 and valid for the month, when known (only with a month).
    pub day: Option<u8>,
}

impl PartialDate {
    /// A validated date; `None` when month or day is out of range, or a day is given without a month.
    pub fn new(year: i32, month: Option<u8>, day: Option<u8>) -> Option<Self> {
        if !(1..=9999).contains(&year) {
            return None;
        }
        match (month, day) {
            (None, Some(_)) => None,
            (Some(m), _) if !(1..=12).contains(&m) => None,
            (Some(m), Some(d)) if d == 0 || d > days_in_month(year, m) => None,
            _ => Some(PartialDate { year, month, day }),
        }
    }

    /// A full date.
    pub fn ymd(year: i32, month: u8, day: u8) -> Option<Self> {
        Self::new(year, Some(month), Some(day))
    }

    /// Parses the leading ISO 8601 date of `s`: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or a timestamp
    /// such as `2025-03-22T10:00:00+05:00` (the time is ignored). Also accepts `YYYY/MM/DD` and
    /// `YYYYMMDD` as some sites write them in metadata.
    pub fn parse_iso(s: &str) -> Option<Self> {
        let s = s.trim();
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            if part.bytes().all(|c| c.is_ascii_digit()) { part.parse().ok() } else { None }
        };
        let year = digits(0..4)? as i32;
        match b.get(4) {
            None => return Self::new(year, None, None),
            Some(b'-' | b'/') => {}
            Some(c) if c.is_ascii_digit() && b.len() >= 8 => {
                let month = digits(4..6)? as u8;
                let day = digits(6..8)? as u8;
                if b.get(8).is_some_and(|c| c.is_ascii_digit()) {
                    return None;
                }
                return Self::ymd(year, month, day);
            }
            Some(b'T' | b' ') => return Self::new(year, None, None),
            _ => return None,
        }
        let sep = b[4];
        let month_end = s[5..].find(|c: char| !c.is_ascii_digit()).map_or(s.len(), |i| i + 5);
        if month_end - 5 != 2 {
            return None;
        }
        let month = digits(5..7)? as u8;
        if b.get(7) != Some(&sep) {
            return if b.get(7).is_none_or(|c| !c.is_ascii_alphanumeric()) {
                Self::new(year, Some(month), None)
            } else {
                None
            };
        }
        let day = digits(8..10)? as u8;
        if b.get(10).is_some_and(|&c| c.is_ascii_alphanumeric() && c != b'T') {
            return None;
        }
        Self::ymd(year, month, day)
    }

    /// The precision both dates share, compared there: `Some(days)` apart when both have a day,
    /// `Some(0)` when they agree at the coarser precision, `None` when they differ at it.
    ///
    /// So "2025-03" and "2025-03-22" agree (0), "2025-03-22" and "2025-03-23" are 1 day apart,
    /// "2012-11-30" and "2012-12-01" are 1 day apart, and "2024" against "2025-01-01" differ.
    pub fn distance_days(&self, other: &PartialDate) -> Option<i64> {
        match (self.month, other.month, self.day, other.day) {
            (Some(m1), Some(m2), Some(d1), Some(d2)) => {
                Some((days_from_civil(self.year, m1, d1) - days_from_civil(other.year, m2, d2)).abs())
            }
            (Some(m1), Some(m2), _, _) => (self.year == other.year && m1 == m2).then_some(0),
            _ => (self.year == other.year).then_some(0),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Reads back what [`Serialize`] wrote (the ISO form at its precision); anything else, including
/// a timestamp or another spelling [`PartialDate::parse_iso`] would accept, is an error, so a
/// value always comes back exactly as it was written.
impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        PartialDate::parse_iso(&text)
            .filter(|date| date.to_string() == text)
            .ok_or_else(|| serde::de::Error::custom(format!("not an ISO 8601 date at its precision: {text:?}")))
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (the inverse of `days_from_civil`).
fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// A moment as RFC 3339 in UTC, to the second (`2025-03-24T09:30:00Z`), from seconds since the
/// Unix epoch. Reports use it for when a run happened.
pub fn rfc3339(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// Seconds since the Unix epoch of an RFC 3339 time in UTC to the second
/// (`2025-03-24T09:30:00Z`), the form [`rfc3339`] writes.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20 || b[10] != b'T' || b[19] != b'Z' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = PartialDate::parse_iso(&s[..10])?;
    let number = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (h, m, sec) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let days = days_from_civil(date.year, date.month?, date.day?);
    Some(days * 86_400 + h * 3600 + m * 60 + sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialised_dates_read_back_exactly() {
        for date in [
            PartialDate::new(2025, None, None),
            PartialDate::new(2025, Some(3), None),
            PartialDate::ymd(2024, 2, 29),
            PartialDate::new(5, None, None),
        ] {
            let date = date.unwrap();
            let json = serde_json::to_string(&date).unwrap();
            assert_eq!(serde_json::from_str::<PartialDate>(&json).unwrap(), date, "{json}");
        }
        for other in ["\"2025-03-22T10:00:00Z\"", "\"2025/03/22\"", "\"20250322\"", "\"2025-02-30\"", "\"\"", "7"] {
            assert!(serde_json::from_str::<PartialDate>(other).is_err(), "{other}");
        }
    }

    #[test]
    fn rfc3339_round_trips_through_the_calendar() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_742_808_600), "2025-03-24T09:30:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(parse_rfc3339("2025-03-24T09:30:00Z"), Some(1_742_808_600));
        assert_eq!(parse_rfc3339("2025-02-30T09:30:00Z"), None);
        assert_eq!(parse_rfc3339("2025-03-24T24:00:00Z"), None);
        assert_eq!(parse_rfc3339("2025-03-24 09:30:00Z"), None);
        for days in [-800_000i64, -1, 0, 59, 11_016, 20_000, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y as i32, m, d), days);
        }
    }

    fn d(s: &str) -> PartialDate {
        PartialDate::parse_iso(s).unwrap_or_else(|| panic!("{s} should parse"))
    }

    #[test]
    fn parses_iso_at_each_precision() {
        assert_eq!(d("2025").to_string(), "2025");
        assert_eq!(d("2025-03").to_string(), "2025-03");
        assert_eq!(d("2025-03-22").to_string(), "2025-03-22");
        assert_eq!(d("2025-03-22T10:00:00+05:00").to_string(), "2025-03-22");
        assert_eq!(d("2012/11/30").to_string(), "2012-11-30");
        assert_eq!(d("20250322").to_string(), "2025-03-22");
    }

    #[test]
    fn rejects_impossible_dates() {
        for s in ["2025-02-30", "2025-13", "20x5", "2025-3-22", "202503221", "", "2025-03-22x"] {
            assert_eq!(PartialDate::parse_iso(s), None, "{s}");
        }
        assert!(PartialDate::parse_iso("2024-02-29").is_some());
    }

    #[test]
    fn distance_respects_precision() {
        assert_eq!(d("2012-11-30").distance_days(&d("2012-12-01")), Some(1));
        assert_eq!(d("2025-03").distance_days(&d("2025-03-22")), Some(0));
        assert_eq!(d("2025-04").distance_days(&d("2025-03-22")), None);
        assert_eq!(d("2024").distance_days(&d("2025-01-01")), None);
        assert_eq!(d("2024-12-31").distance_days(&d("2025-01-01")), Some(1));
    }
}
