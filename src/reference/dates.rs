//! Dates written in citations ("March 24, 2025", "24 Mar. 2025", "(2025, March 23)",
//! "22/03/2025", "Spring 2020", "(2025)") and what each one dates: the publication, the
//! author's access, an archive copy or an update.
//!
//! All-numeric dates: `22/03/2025` is read day-first because 22 cannot be a month, `03/22/2025`
//! month-first for the same reason; `22.03.2025` is always day-first (the dotted form is
//! European). When both readings are possible (`05/06/2025`), the note's other dates decide:
//! "24 March 2025" elsewhere in the note means day-first, "March 24, 2025" month-first. With no
//! such evidence only the year is kept: a wrong day would be worse than a coarse date.

use std::ops::Range;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::pattern::WordRegex;
use crate::date::PartialDate;

/// What a date in a citation dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The publication date (the default).
    Published,
    /// "Accessed …", "Retrieved …", "viewed …".
    Accessed,
    /// "Archived on …".
    Archived,
    /// "Updated …", "last modified …".
    Updated,
}

/// A date found in a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dated {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) date: PartialDate,
    pub(crate) role: Role,
}

const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b";

static DATE: WordRegex = WordRegex::new(|| {
    let pattern = r"(?xi)
          \b(?P<m1>MONTH)\.?\s+(?P<d1>[0-9]{1,2})(?:st|nd|rd|th)?\b(?:\s*[-–—]\s*[0-9]{1,2}\b)?(?:,\s*|\s+)(?P<y1>[0-9]{4})\b
        | \b(?P<d2>[0-9]{1,2})(?:st|nd|rd|th)?\b(?:\s*[-–—]\s*[0-9]{1,2}\b)?\s+(?:of\s+)?(?P<m2>MONTH)\.?,?\s+(?P<y2>[0-9]{4})\b
        | \b(?P<y3>[0-9]{4}),?\s+(?P<m3>MONTH)\.?(?:\s+(?P<d3>[0-9]{1,2})\b)?
        | \b(?P<m4>MONTH)\.?,?\s+(?P<y4>[0-9]{4})\b
        | \b(?P<y5>[0-9]{4})[-/](?P<mo5>[0-9]{1,2})[-/](?P<d5>[0-9]{1,2})(?:T[0-9:.]+(?:Z|[+\-][0-9:]+)?)?\b
        | \b(?P<a6>[0-9]{1,2})/(?P<b6>[0-9]{1,2})/(?P<y6>[0-9]{4})\b
        | \b(?P<a7>[0-9]{1,2})\.(?P<b7>[0-9]{1,2})\.(?P<y7>[0-9]{4})\b
        | \b(?P<a8>[0-9]{1,2})-(?P<b8>[0-9]{1,2})-(?P<y8>[0-9]{4})\b
        | \b(?P<season>spring|summer|autumn|fall|winter)\s+(?P<y9>[0-9]{4})\b
        | \((?P<y10>[0-9]{4})[a-z]?\)
    ";
    pattern.replace("MONTH", MONTH)
});

// A year on its own in a citation position: ", 2000." "(2000)" "2000)", and Vancouver's
// "; 2024 [cited …]".
static BARE_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s(\[,;])(?P<y>[0-9]{4})[a-z]?(?:[,.;)\]:]|\s+\[|\s*$)").expect("static regex")
});

// Harvard gives the year in the author's parentheses and the day and month later: "23 March".
static DAY_MONTH: WordRegex = WordRegex::new(|| {
    let pattern = r"(?xi)
          \b(?P<d1>[0-9]{1,2})(?:st|nd|rd|th)?\s+(?P<m1>MONTH)\.?
        | \b(?P<m2>MONTH)\.?\s+(?P<d2>[0-9]{1,2})(?:st|nd|rd|th)?\b
    ";
    pattern.replace("MONTH", MONTH)
});

/// The groups of [`DATE`] by number (a named lookup hashes the name, six times a note): the
/// order they are written in, held to the names by a test.
mod g {
    pub(super) const M1: usize = 1;
    pub(super) const D1: usize = 2;
    pub(super) const Y1: usize = 3;
    pub(super) const D2: usize = 4;
    pub(super) const M2: usize = 5;
    pub(super) const Y2: usize = 6;
    pub(super) const Y3: usize = 7;
    pub(super) const M3: usize = 8;
    pub(super) const D3: usize = 9;
    pub(super) const M4: usize = 10;
    pub(super) const Y4: usize = 11;
    pub(super) const Y5: usize = 12;
    pub(super) const MO5: usize = 13;
    pub(super) const D5: usize = 14;
    pub(super) const A6: usize = 15;
    pub(super) const B6: usize = 16;
    pub(super) const Y6: usize = 17;
    pub(super) const A7: usize = 18;
    pub(super) const B7: usize = 19;
    pub(super) const Y7: usize = 20;
    pub(super) const A8: usize = 21;
    pub(super) const B8: usize = 22;
    pub(super) const Y8: usize = 23;
    pub(super) const SEASON: usize = 24;
    pub(super) const Y9: usize = 25;
    pub(super) const Y10: usize = 26;
}

/// The groups of [`DAY_MONTH`] by number.
mod dm {
    pub(super) const D1: usize = 1;
    pub(super) const M1: usize = 2;
    pub(super) const M2: usize = 3;
    pub(super) const D2: usize = 4;
}

static WHOLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:n\.\s?d\.?|undated|no date|\(?[0-9]{4}[a-z]?\)?)$").expect("static regex"));

/// Every date in `text` except bare years, with the role the words before it give it.
pub(crate) fn find(text: &str) -> Vec<Dated> {
    let mut raw: Vec<(Range<usize>, Captures<'_>)> = Vec::new();
    for caps in DATE.of(text).captures_iter(text) {
        if let Some(m) = caps.get(0) {
            raw.push((m.range(), caps));
        }
    }
    let day_first = raw.iter().find_map(|(_, c)| {
        if c.get(g::D2).is_some() {
            Some(true)
        } else if c.get(g::M1).is_some() {
            Some(false)
        } else {
            None
        }
    });
    let mut out = Vec::new();
    let mut prev_end = 0;
    for (range, caps) in &raw {
        if let Some(date) = interpret(caps, day_first) {
            let role = role_before(text, range.start, prev_end);
            out.push(Dated { start: range.start, end: range.end, date, role });
        }
        prev_end = range.end;
    }
    out
}

/// Years standing alone in a citation position (", 2000." "(2000)"), outside `taken` ranges
/// (the full dates already found), not a page or volume number.
pub(crate) fn bare_years(text: &str, taken: &[Dated]) -> Vec<Dated> {
    let mut out = Vec::new();
    for caps in BARE_YEAR.captures_iter(text) {
        let Some(m) = caps.get(1) else { continue };
        if taken.iter().any(|d| d.start < m.end() && m.start() < d.end) {
            continue;
        }
        let Ok(year) = m.as_str().parse::<i32>() else { continue };
        if !(1600..=2100).contains(&year) {
            continue;
        }
        let before = tail(text, m.start(), 8).to_ascii_lowercase();
        let before = before.trim_end_matches([' ', '(', '[', ',']);
        if ["p.", "pp.", "no.", "vol.", "at", "§", "para.", "n.", "fn."].iter().any(|w| before.ends_with(w)) {
            continue;
        }
        let Some(date) = PartialDate::new(year, None, None) else { continue };
        out.push(Dated { start: m.start(), end: m.end(), date, role: role_before(text, m.start(), 0) });
    }
    out
}

/// Whether the whole of `s` is a date (or "n.d."): such a segment is no publication name.
pub(crate) fn is_date(s: &str) -> bool {
    let s = s.trim().trim_end_matches(['.', ',', ';']).trim();
    if s.is_empty() || s.len() > 64 {
        return false;
    }
    if WHOLE.is_match(s) {
        return true;
    }
    // Every date pattern but WHOLE's "n.d." and "undated" needs an ASCII digit.
    if !s.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let whole =
        |re: &Regex| re.find(s).is_some_and(|m| m.start() == 0 && s[m.end()..].trim_matches(['.', ')']).is_empty());
    let inner = s.trim_start_matches('(');
    whole(DATE.of(s))
        || whole(DAY_MONTH.of(s))
        || DATE.of(inner).find(inner).is_some_and(|m| m.start() == 0 && m.end() == inner.len())
}

/// The first "23 March" / "March 23" in `text` (a day and month without a year) that is not
/// an access date: Harvard's newspaper date, whose year is in the author's parentheses.
pub(crate) fn day_month(text: &str) -> Option<(u8, u8)> {
    for caps in DAY_MONTH.of(text).captures_iter(text) {
        let m = caps.get(0)?;
        if role_before(text, m.start(), 0) != Role::Published {
            continue;
        }
        let month_tok = caps.get(dm::M1).or_else(|| caps.get(dm::M2))?.as_str();
        let Some(month) = month_number(month_tok) else { continue };
        let Some(day) = caps.get(dm::D1).or_else(|| caps.get(dm::D2)).and_then(|d| d.as_str().parse().ok()) else {
            continue;
        };
        return Some((month, day));
    }
    None
}

fn interpret(c: &Captures<'_>, day_first: Option<bool>) -> Option<PartialDate> {
    let num = |group: usize| c.get(group).and_then(|m| m.as_str().parse::<u32>().ok());
    let year = |group: usize| num(group).and_then(|y| i32::try_from(y).ok()).filter(|y| (1000..=2999).contains(y));
    let month = |group: usize| c.get(group).and_then(|m| month_number(m.as_str()));
    let small = |v: Option<u32>| v.and_then(|v| u8::try_from(v).ok());
    if c.get(g::M1).is_some() {
        return PartialDate::ymd(year(g::Y1)?, month(g::M1)?, small(num(g::D1))?);
    }
    if c.get(g::D2).is_some() {
        return PartialDate::ymd(year(g::Y2)?, month(g::M2)?, small(num(g::D2))?);
    }
    if c.get(g::Y3).is_some() {
        let m = month(g::M3)?;
        return match small(num(g::D3)) {
            Some(d) => PartialDate::ymd(year(g::Y3)?, m, d).or_else(|| PartialDate::new(year(g::Y3)?, Some(m), None)),
            None => PartialDate::new(year(g::Y3)?, Some(m), None),
        };
    }
    if c.get(g::M4).is_some() {
        return PartialDate::new(year(g::Y4)?, Some(month(g::M4)?), None);
    }
    if c.get(g::Y5).is_some() {
        return PartialDate::ymd(year(g::Y5)?, small(num(g::MO5))?, small(num(g::D5))?);
    }
    if c.get(g::SEASON).is_some() {
        return PartialDate::new(year(g::Y9)?, None, None);
    }
    if c.get(g::Y10).is_some() {
        return PartialDate::new(year(g::Y10)?, None, None);
    }
    if c.get(g::Y7).is_some() {
        return PartialDate::ymd(year(g::Y7)?, small(num(g::B7))?, small(num(g::A7))?);
    }
    let (a, b, y) = if c.get(g::Y6).is_some() { (g::A6, g::B6, g::Y6) } else { (g::A8, g::B8, g::Y8) };
    let (a, b, y) = (small(num(a))?, small(num(b))?, year(y)?);
    match (a > 12, b > 12) {
        (true, true) => None,
        (true, false) => PartialDate::ymd(y, b, a),
        (false, true) => PartialDate::ymd(y, a, b),
        (false, false) if a == b => PartialDate::ymd(y, a, b),
        (false, false) => match day_first {
            Some(true) => PartialDate::ymd(y, b, a),
            Some(false) => PartialDate::ymd(y, a, b),
            None => PartialDate::new(y, None, None),
        },
    }
}

/// The month a name or abbreviation stands for. "may" and "march" in lower case are verbs.
fn month_number(tok: &str) -> Option<u8> {
    if tok == "may" || tok == "march" {
        return None;
    }
    let head = tok.as_bytes().get(..3)?;
    let n = match [head[0].to_ascii_lowercase(), head[1].to_ascii_lowercase(), head[2].to_ascii_lowercase()] {
        [b'j', b'a', b'n'] => 1,
        [b'f', b'e', b'b'] => 2,
        [b'm', b'a', b'r'] => 3,
        [b'a', b'p', b'r'] => 4,
        [b'm', b'a', b'y'] => 5,
        [b'j', b'u', b'n'] => 6,
        [b'j', b'u', b'l'] => 7,
        [b'a', b'u', b'g'] => 8,
        [b's', b'e', b'p'] => 9,
        [b'o', b'c', b't'] => 10,
        [b'n', b'o', b'v'] => 11,
        [b'd', b'e', b'c'] => 12,
        _ => return None,
    };
    Some(n)
}

/// Up to `n` bytes of `text` before `end`, on a character boundary.
fn tail(text: &str, end: usize, n: usize) -> &str {
    let mut start = end.saturating_sub(n);
    while start < end && !text.is_char_boundary(start) {
        start += 1;
    }
    text.get(start..end).unwrap_or("")
}

/// Where the clause ending `window` starts: after its last ". ", "; ", "(" or ")". Of these the
/// one that starts last also ends last (no two start at one byte), so a backward scan finds it.
fn clause_start(window: &str) -> usize {
    let b = window.as_bytes();
    for j in (0..b.len()).rev() {
        match b[j] {
            b'(' | b')' => return j + 1,
            b'.' | b';' if b.get(j + 1) == Some(&b' ') => return j + 2,
            _ => {}
        }
    }
    0
}

// Every word `role_before` looks for, in one search: most clauses hold none of them, and one
// DFA pass over the clause is cheaper than a substring search for each word.
const ROLE_PATTERN: &str = r"accessed|access date|retrieved|viewed|visited|consulted|checked|downloaded|abgerufen|zugriff|consulté|\[cited|archive|wayback|updated|modified|revised|last edited";

static ROLE_WORDS: LazyLock<Regex> = LazyLock::new(|| Regex::new(ROLE_PATTERN).expect("static regex"));

static ROLE_WORDS_ANY_CASE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i){ROLE_PATTERN}")).expect("static regex"));

/// The role the words just before a date give it: "Accessed", "Retrieved", "viewed",
/// "(Accessed: …)", "Archived from the original on", "Updated". The look-back stops at the end
/// of the previous date and at the previous sentence or parenthesis, so "Accessed" never leaks
/// into the next clause.
fn role_before(text: &str, start: usize, prev_end: usize) -> Role {
    let window = tail(text, start, 64);
    let window_start = start - window.len();
    let window = if prev_end > window_start { text.get(prev_end.min(start)..start).unwrap_or("") } else { window };
    let clause = window.get(clause_start(window)..).unwrap_or(window);
    // An ASCII clause lower-cases to its ASCII lower case, where a case-blind search finds
    // what the search of the lower-cased copy does.
    if clause.is_ascii() && !ROLE_WORDS_ANY_CASE.is_match(clause) {
        return Role::Published;
    }
    let clause = clause.to_lowercase();
    if !ROLE_WORDS.is_match(&clause) {
        return Role::Published;
    }
    const ACCESSED: [&str; 11] = [
        "accessed",
        "access date",
        "retrieved",
        "viewed",
        "visited",
        "consulted",
        "checked",
        "downloaded",
        "abgerufen",
        "zugriff",
        "consulté",
    ];
    // Vancouver writes the access date as "[cited 2025 Jun 30]".
    if ACCESSED.iter().any(|w| clause.contains(w)) || clause.contains("[cited") {
        Role::Accessed
    } else if clause.contains("archive") || clause.contains("wayback") {
        Role::Archived
    } else if ["updated", "modified", "revised", "last edited"].iter().any(|w| clause.contains(w)) {
        Role::Updated
    } else {
        Role::Published
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_numbers_are_the_named_groups_in_both_builds() {
        let date = [
            ("m1", g::M1),
            ("d1", g::D1),
            ("y1", g::Y1),
            ("d2", g::D2),
            ("m2", g::M2),
            ("y2", g::Y2),
            ("y3", g::Y3),
            ("m3", g::M3),
            ("d3", g::D3),
            ("m4", g::M4),
            ("y4", g::Y4),
            ("y5", g::Y5),
            ("mo5", g::MO5),
            ("d5", g::D5),
            ("a6", g::A6),
            ("b6", g::B6),
            ("y6", g::Y6),
            ("a7", g::A7),
            ("b7", g::B7),
            ("y7", g::Y7),
            ("a8", g::A8),
            ("b8", g::B8),
            ("y8", g::Y8),
            ("season", g::SEASON),
            ("y9", g::Y9),
            ("y10", g::Y10),
        ];
        let day_month = [("d1", dm::D1), ("m1", dm::M1), ("m2", dm::M2), ("d2", dm::D2)];
        for (re, groups) in [(&DATE, &date[..]), (&DAY_MONTH, &day_month[..])] {
            for build in [re.unicode(), re.of("plain words")] {
                for &(name, number) in groups {
                    assert_eq!(build.capture_names().position(|n| n == Some(name)), Some(number), "{name}");
                }
                assert_eq!(build.captures_len(), groups.len() + 1);
            }
        }
        assert_eq!(BARE_YEAR.capture_names().position(|n| n == Some("y")), Some(1));
    }

    fn dates(text: &str) -> Vec<(String, Role)> {
        find(text).into_iter().map(|d| (d.date.to_string(), d.role)).collect()
    }

    fn one(text: &str) -> String {
        let found = find(text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        found[0].date.to_string()
    }

    #[test]
    fn every_written_form() {
        assert_eq!(one("Dawn, March 24, 2025,"), "2025-03-24");
        assert_eq!(one("Dawn, 24 March 2025."), "2025-03-24");
        assert_eq!(one("Dawn, Mar. 24, 2025."), "2025-03-24");
        assert_eq!(one("Dawn, 24 Mar. 2025,"), "2025-03-24");
        assert_eq!(one("Dawn, Sept. 3rd, 2024"), "2024-09-03");
        assert_eq!(one("the 3rd of September, 2024"), "2024-09-03");
        assert_eq!(one("March 24–25, 2025"), "2025-03-24");
        assert_eq!(one("Dawn, March 2025."), "2025-03");
        assert_eq!(one("Khan, T. (2025). Title."), "2025");
        assert_eq!(one("Khan, T. (2025b). Title."), "2025");
        assert_eq!(one("Khan, T. (2025, March 23). Title."), "2025-03-23");
        assert_eq!(one("Khan, T. (2025, March). Title."), "2025-03");
        assert_eq!(one("posted 2025-03-22 at"), "2025-03-22");
        assert_eq!(one("posted 2025/3/22 at"), "2025-03-22");
        assert_eq!(one("Reuters, 2025-03-22T10:00:00Z,"), "2025-03-22");
        assert_eq!(one("Reuters, 2025-03-22T10:00:00+05:00,"), "2025-03-22");
        assert_eq!(one("Journal 4, Spring 2020,"), "2020");
        assert_eq!(one("SEPTEMBER 3, 2024"), "2024-09-03");
    }

    #[test]
    fn numeric_dates_follow_the_documented_rule() {
        assert_eq!(one("on 22/03/2025"), "2025-03-22");
        assert_eq!(one("on 03/22/2025"), "2025-03-22");
        assert_eq!(one("on 22.03.2025"), "2025-03-22");
        assert_eq!(one("on 05.06.2025"), "2025-06-05");
        assert_eq!(one("on 05/06/2025"), "2025");
        assert_eq!(one("on 05/05/2025"), "2025-05-05");
        assert_eq!(dates("05/06/2025. Accessed 7 June 2025")[0].0, "2025-06-05");
        assert_eq!(dates("05/06/2025. Accessed June 7, 2025")[0].0, "2025-05-06");
        assert!(find("on 31/02/2025 or 13/13/2025").is_empty());
    }

    #[test]
    fn roles_come_from_the_words_before() {
        use Role::*;
        let t = "Dawn, 23 March 2025. Accessed March 25, 2025. Archived from the original on 26 March 2025; \
                 updated 27 March 2025 (Accessed: 28 March 2025) Retrieved March 29, 2025, from x; viewed 30 March 2025";
        let roles: Vec<Role> = find(t).into_iter().map(|d| d.role).collect();
        assert_eq!(roles, [Published, Accessed, Archived, Updated, Accessed, Accessed, Accessed]);
        assert_eq!(dates("Ministry. accessed on 25 March 2025")[0].1, Accessed);
        assert_eq!(dates("Accessed 25 Mar. 2025. October 4, 2011")[1].1, Published);
        assert_eq!(
            dates("Dawn [Internet]. 2024 Jun 26 [cited 2025 Jun 30]"),
            [("2024-06-26".to_owned(), Published), ("2025-06-30".to_owned(), Accessed)]
        );
    }

    #[test]
    fn words_that_are_not_months() {
        assert!(find("we may 2025 march 2025").is_empty());
        assert!(find("in 2024 pushes").is_empty());
        assert_eq!(one("May 2025"), "2025-05");
    }

    #[test]
    fn bare_years_only_in_citation_positions() {
        let ys = |t: &str| bare_years(t, &find(t)).into_iter().map(|d| d.date.to_string()).collect::<Vec<_>>();
        assert_eq!(ys("New Haven: Yale University Press, 2000), 45."), ["2000"]);
        assert!(ys("Rise in terrorism in 2024 pushes").is_empty());
        assert!(ys("Dawn, March 24, 2025.").is_empty());
        assert!(ys("pp. 1234, 5678.").is_empty());
        assert!(ys("report 1899846.").is_empty());
        assert_eq!(ys("Geneva: WHO; 2024 [cited 2025 Jun 30]."), ["2024"]);
    }

    #[test]
    fn ascii_boundaries_capture_what_unicode_ones_do() {
        let texts = [
            "Dawn, 23 March 2025. Accessed March 25, 2025. Archived 26/03/2025; 2025-03-27T10:00Z \u{E000}",
            "“Title,” Dawn, Sept. 3rd–4th, 2024, 3rd of September, 2024 (2025b) Spring 2020 05.06.2025 5-6-2025",
            "x2025 March 3 Mar 12 2024, 12 mar. 2024 may 2025 May 2025 1 June2025 2025,June 2",
        ];
        for t in texts {
            assert!(super::super::pattern::ascii_words(t));
            for re in [&DATE, &DAY_MONTH] {
                let groups = |r: &Regex| -> Vec<Vec<Option<Range<usize>>>> {
                    r.captures_iter(t).map(|c| c.iter().map(|m| m.map(|m| m.range())).collect()).collect()
                };
                assert_eq!(groups(re.of(t)), groups(re.unicode()), "{t}");
            }
        }
    }

    #[test]
    fn whole_segment_dates() {
        for s in ["March 24, 2025", " 24 Mar. 2025.", "2025", "(2025)", "n.d.", "23 March", "Mar. 23", "2025, March 23"]
        {
            assert!(is_date(s), "{s}");
        }
        for s in ["Dawn", "Al Jazeera", "March 2025 report", "", "The Nation"] {
            assert!(!is_date(s), "{s}");
        }
        assert_eq!(day_month("Dawn, 23 March. Available at: x (Accessed: 25 March)"), Some((3, 23)));
    }
}
