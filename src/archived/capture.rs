//! When an archive captured a page, and how that moment stands against the date a note gives
//! (before it, within it, after it), at the note's own precision.

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

use crate::date::{PartialDate, days_in_month};

/// The moment a snapshot was captured, to the second, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Capture {
    year: i32,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

impl Capture {
    /// A capture time, when every part is in range.
    pub fn new(year: i32, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<Capture> {
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day)
            && hour < 24
            && minute < 60
            && second < 61;
        valid.then_some(Capture { year, month, day, hour, minute, second: second.min(59) })
    }

    /// A Wayback timestamp: `YYYYMMDDhhmmss`, or a prefix of it of at least four digits (the
    /// missing parts are the earliest: `2025` is the first second of 2025).
    pub fn from_wayback(digits: &str) -> Option<Capture> {
        let digits = digits.trim();
        if !(4..=14).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let part = |from: usize, len: usize, missing: u32| -> Option<u32> {
            match digits.get(from..from + len) {
                Some(s) => s.parse().ok(),
                None if digits.len() <= from => Some(missing),
                // A part cut in the middle (`20253`) is no timestamp.
                None => None,
            }
        };
        Capture::new(
            part(0, 4, 0)? as i32,
            part(4, 2, 1)? as u8,
            part(6, 2, 1)? as u8,
            part(8, 2, 0)? as u8,
            part(10, 2, 0)? as u8,
            part(12, 2, 0)? as u8,
        )
    }

    /// A Memento datetime: ISO 8601 in UTC as TimeTravel's JSON writes it
    /// (`2013-01-15T09:42:04Z`), or the HTTP date of a `Memento-Datetime` header
    /// (`Tue, 15 Jan 2013 09:42:04 GMT`).
    pub fn from_memento(text: &str) -> Option<Capture> {
        let text = text.trim();
        if let Ok(time) = httpdate::parse_http_date(text) {
            let secs = time.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
            let iso = crate::date::rfc3339(i64::try_from(secs).ok()?);
            return Capture::from_iso(&iso);
        }
        Capture::from_iso(text)
    }

    /// `YYYY-MM-DDThh:mm:ssZ` (the `Z` or a `+00:00` offset; other offsets are not UTC and are
    /// refused rather than misread).
    fn from_iso(text: &str) -> Option<Capture> {
        let b = text.as_bytes();
        if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
            return None;
        }
        if b[13] != b':' || b[16] != b':' {
            return None;
        }
        let rest = &text[19..];
        let rest = rest.strip_prefix('.').map_or(rest, |r| r.trim_start_matches(|c: char| c.is_ascii_digit()));
        if !matches!(rest, "Z" | "z" | "" | "+00:00" | "-00:00") {
            return None;
        }
        let n = |r: std::ops::Range<usize>| -> Option<u32> {
            let s = text.get(r)?;
            if s.bytes().all(|c| c.is_ascii_digit()) { s.parse().ok() } else { None }
        };
        Capture::new(
            n(0..4)? as i32,
            n(5..7)? as u8,
            n(8..10)? as u8,
            n(11..13)? as u8,
            n(14..16)? as u8,
            n(17..19)? as u8,
        )
    }

    /// The calendar day of the capture.
    pub fn date(&self) -> PartialDate {
        PartialDate { year: self.year, month: Some(self.month), day: Some(self.day) }
    }

    /// How the capture stands against `date`, compared at `date`'s precision: a capture in
    /// March 2025 is [`Within`](Relation::Within) a note dated "March 2025".
    pub fn relation_to(&self, date: &PartialDate) -> Relation {
        let mine = (self.year, date.month.map_or(0, |_| self.month), date.day.map_or(0, |_| self.day));
        let theirs = (date.year, date.month.unwrap_or(0), date.day.unwrap_or(0));
        match mine.cmp(&theirs) {
            Ordering::Less => Relation::Before,
            Ordering::Equal => Relation::Within,
            Ordering::Greater => Relation::After,
        }
    }
}

impl fmt::Display for Capture {
    /// RFC 3339 in UTC: `2025-03-24T10:12:00Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

impl Serialize for Capture {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where a snapshot falls against the date the note gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// Captured before the date: what the author could have seen.
    Before,
    /// Captured within the date at its precision (the same day, month or year).
    Within,
    /// Captured after it: no copy from before was found.
    After,
    /// The note gives no date to compare with.
    Undated,
}

impl Relation {
    /// Whether the snapshot shows the page as it was by the note's date.
    pub fn by_the_date(self) -> bool {
        matches!(self, Relation::Before | Relation::Within)
    }
}

/// The last second of the period a date names, as a 14-digit Wayback timestamp: a note dated
/// "March 2025" asks for the copy closest to 2025-03-31 23:59:59, so that any copy from within
/// March counts as "at or before" it.
pub fn end_of(date: &PartialDate) -> String {
    let month = date.month.unwrap_or(12);
    let day = date.day.unwrap_or_else(|| days_in_month(date.year, month));
    format!("{:04}{month:02}{day:02}235959", date.year)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse_iso(s).unwrap()
    }

    #[test]
    fn wayback_timestamps_at_every_length() {
        assert_eq!(Capture::from_wayback("20130919044612").unwrap().to_string(), "2013-09-19T04:46:12Z");
        assert_eq!(Capture::from_wayback("2013").unwrap().to_string(), "2013-01-01T00:00:00Z");
        assert_eq!(Capture::from_wayback("201309").unwrap().to_string(), "2013-09-01T00:00:00Z");
        for bad in ["", "201", "20131", "2013091904461x", "201309190446121", "20130231000000", "20131319"] {
            assert_eq!(Capture::from_wayback(bad), None, "{bad}");
        }
    }

    #[test]
    fn memento_datetimes_iso_and_http() {
        assert_eq!(Capture::from_memento("2013-01-15T09:42:04Z").unwrap().to_string(), "2013-01-15T09:42:04Z");
        assert_eq!(Capture::from_memento("Tue, 15 Jan 2013 09:42:04 GMT").unwrap().to_string(), "2013-01-15T09:42:04Z");
        assert_eq!(Capture::from_memento("2013-01-15T09:42:04.250Z").unwrap().to_string(), "2013-01-15T09:42:04Z");
        for bad in ["", "2013-01-15", "2013-01-15T09:42:04+05:00", "yesterday", "2013-02-30T00:00:00Z"] {
            assert_eq!(Capture::from_memento(bad), None, "{bad}");
        }
    }

    #[test]
    fn relation_is_judged_at_the_notes_precision() {
        let c = Capture::from_wayback("20250324101200").unwrap();
        assert_eq!(c.relation_to(&d("2025-03-24")), Relation::Within);
        assert_eq!(c.relation_to(&d("2025-03-25")), Relation::Before);
        assert_eq!(c.relation_to(&d("2025-03-23")), Relation::After);
        assert_eq!(c.relation_to(&d("2025-03")), Relation::Within);
        assert_eq!(c.relation_to(&d("2025-02")), Relation::After);
        assert_eq!(c.relation_to(&d("2025")), Relation::Within);
        assert_eq!(c.relation_to(&d("2026")), Relation::Before);
        assert!(Relation::Within.by_the_date() && !Relation::After.by_the_date());
    }

    #[test]
    fn the_end_of_a_period() {
        assert_eq!(end_of(&d("2025-03-24")), "20250324235959");
        assert_eq!(end_of(&d("2025-02")), "20250228235959");
        assert_eq!(end_of(&d("2024-02")), "20240229235959");
        assert_eq!(end_of(&d("2025")), "20251231235959");
    }
}
