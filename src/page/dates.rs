//! Publication dates as pages write them: ISO timestamps, "March 23, 2025", RFC 2822, and dates
//! in URL paths (`/2022/11/28/`, `/22-Mar-2025/`, `/2012/nov/30/`).

use crate::date::PartialDate;

/// Reads a date from metadata text. `None` when no plausible date is found.
pub(crate) fn parse_loose(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    if s.is_empty() || s.len() > 200 {
        return None;
    }
    if let Some(d) = PartialDate::parse_iso(s).filter(plausible) {
        return Some(d);
    }
    let parts = parts(s);
    if let Some(mi) = parts.iter().position(|p| matches!(p, Part::Month(_))) {
        let Part::Month(month) = parts[mi] else { return None };
        let year = parts.iter().find_map(|p| match p {
            Part::Num(n, 4) => Some(*n as i32),
            _ => None,
        })?;
        let day_at = |i: Option<usize>| match i.and_then(|i| parts.get(i)) {
            Some(Part::Num(n, 1 | 2)) if (1..=31).contains(n) => Some(*n as u8),
            _ => None,
        };
        let day = day_at(Some(mi + 1)).or_else(|| day_at(mi.checked_sub(1)));
        return PartialDate::new(year, Some(month), day)
            .or_else(|| PartialDate::new(year, Some(month), None))
            .filter(plausible);
    }
    // Numbers only: "23/03/2025", "03-23-2025" when unambiguous, else just the year.
    let nums: Vec<(u32, usize)> = parts
        .iter()
        .filter_map(|p| match p {
            Part::Num(n, w) => Some((*n, *w)),
            Part::Month(_) => None,
        })
        .collect();
    if let [(a, 1 | 2), (b, 1 | 2), (y, 4), ..] = nums.as_slice() {
        let y = *y as i32;
        let (a, b) = (*a as u8, *b as u8);
        let d = if a > 12 {
            PartialDate::ymd(y, b, a)
        } else if b > 12 || a == b {
            PartialDate::ymd(y, a, b)
        } else {
            PartialDate::new(y, None, None)
        };
        return d.filter(plausible);
    }
    None
}

/// A date written in a URL path. Only shapes that are clearly dates count: year/month(/day)
/// segments, or one segment such as `22-Mar-2025`, `2025-03-22` or `20250322`.
pub(crate) fn from_path(path: &str) -> Option<PartialDate> {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).take(32).collect();
    for (i, seg) in segs.iter().enumerate() {
        if let Some(d) = single_segment(seg) {
            return Some(d);
        }
        let Some(year) = year_of(seg) else { continue };
        let Some(month) = segs.get(i + 1).and_then(|m| month_of(m)) else { continue };
        let day = segs.get(i + 2).and_then(|d| {
            (d.len() <= 2 && d.bytes().all(|b| b.is_ascii_digit())).then(|| d.parse::<u8>().ok()).flatten()
        });
        if let Some(d) = day.and_then(|d| PartialDate::ymd(year, month, d)) {
            return Some(d);
        }
        // "/2022/11/slug": a month archive path only when something follows.
        if segs.len() > i + 2 {
            return PartialDate::new(year, Some(month), None);
        }
    }
    None
}

fn single_segment(seg: &str) -> Option<PartialDate> {
    let b = seg.as_bytes();
    // 20250322 (exactly eight digits).
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        return PartialDate::parse_iso(seg).filter(plausible);
    }
    // 2025-03-22, possibly followed by "-slug".
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b.get(10).is_none_or(|c| *c == b'-' || *c == b'_') {
        return PartialDate::parse_iso(seg.get(..10)?).filter(|d| d.day.is_some()).filter(plausible);
    }
    // 22-Mar-2025 / 22-March-2025.
    let fields: Vec<&str> = seg.split('-').collect();
    if let [d, m, y] = fields.as_slice() {
        let day = (d.len() <= 2).then(|| d.parse::<u8>().ok()).flatten()?;
        let month = month_name(m)?;
        return PartialDate::ymd(year_of(y)?, month, day);
    }
    None
}

fn year_of(s: &str) -> Option<i32> {
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
        .filter(|y| (1990..=2100).contains(y))
}

fn month_of(s: &str) -> Option<u8> {
    if s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok().filter(|m| (1..=12).contains(m));
    }
    month_name(s)
}

/// English month names and their usual abbreviations.
pub(crate) fn month_name(s: &str) -> Option<u8> {
    let s = s.trim_end_matches('.').to_ascii_lowercase();
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if s.len() < 3 {
        return None;
    }
    if s == "sept" {
        return Some(9);
    }
    NAMES.iter().position(|n| *n == s || (s.len() == 3 && n.starts_with(s.as_str()))).map(|i| i as u8 + 1)
}

fn plausible(d: &PartialDate) -> bool {
    (1900..=2100).contains(&d.year)
}

enum Part {
    /// A number and its digit count.
    Num(u32, usize),
    Month(u8),
}

fn parts(s: &str) -> Vec<Part> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find(|c: char| c.is_ascii_alphanumeric()) {
        rest = &rest[start..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let len = if digits > 0 { digits } else { rest.bytes().take_while(u8::is_ascii_alphabetic).count() };
        let tok = &rest[..len];
        if digits > 0 {
            if digits <= 9 {
                out.push(Part::Num(tok.parse().unwrap_or(0), digits));
            }
        } else if let Some(m) = month_name(tok) {
            out.push(Part::Month(m));
        }
        rest = &rest[len..];
        if out.len() > 16 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loose(s: &str) -> Option<String> {
        parse_loose(s).map(|d| d.to_string())
    }

    #[test]
    fn reads_metadata_dates() {
        assert_eq!(loose("2025-03-23T10:00:00+05:00").as_deref(), Some("2025-03-23"));
        assert_eq!(loose("2012/11/30").as_deref(), Some("2012-11-30"));
        assert_eq!(loose("March 23, 2025").as_deref(), Some("2025-03-23"));
        assert_eq!(loose("23rd Mar 2025 10:00 AM").as_deref(), Some("2025-03-23"));
        assert_eq!(loose("Sun, 23 Mar 2025 10:00:00 +0500").as_deref(), Some("2025-03-23"));
        assert_eq!(loose("Updated: November 2022").as_deref(), Some("2022-11"));
        assert_eq!(loose("23/03/2025").as_deref(), Some("2025-03-23"));
        assert_eq!(loose("03/04/2025").as_deref(), Some("2025"));
    }

    #[test]
    fn rejects_non_dates() {
        for s in ["", "yesterday", "1899846", "0000-00-00", "May", "12:30", "Maybe 2025"] {
            assert_eq!(loose(s), None, "{s}");
        }
    }

    #[test]
    fn reads_url_paths() {
        let p = |s: &str| from_path(s).map(|d| d.to_string());
        assert_eq!(p("/news/2022/11/28/pakistan-taliban-ends-ceasefire").as_deref(), Some("2022-11-28"));
        assert_eq!(p("/22-Mar-2025/torkham-border-reopens").as_deref(), Some("2025-03-22"));
        assert_eq!(p("/world/2012/nov/30/pakistan-walking-walk").as_deref(), Some("2012-11-30"));
        assert_eq!(p("/2022/11/slug").as_deref(), Some("2022-11"));
        assert_eq!(p("/blog/2024-01-05-new-year").as_deref(), Some("2024-01-05"));
        assert_eq!(p("/story/20250322/x").as_deref(), Some("2025-03-22"));
        for s in ["/story/2536087/envoy", "/news/amp/1899846", "/article/8253", "/2022", "/2022/11", "/a/1999/13/01"] {
            assert_eq!(p(s), None, "{s}");
        }
    }
}
