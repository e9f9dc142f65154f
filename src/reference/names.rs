//! Authors as written in a citation: "Kamran Yousaf", "Khan, T.", "Khan, T., & Yousaf, K.",
//! "T. Khan, K. Yousaf, and J. Boone", "Tahir Khan et al.", or an organisation in author
//! position ("Ministry of Foreign Affairs").

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use super::markup::URL_MARK;

static SPLIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*(?:;|,?\s+(?:and|&)\s+|,?\s*&\s*)\s*").expect("static regex"));

// Harvard/APA put the year after the authors: "Khan, T. (2025)", "(2025, March 23)", "(n.d.)";
// Wikipedia's citation templates the whole date: "Qureshi, Farhan (22 March 2025)".
static YEAR_PAREN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*\((?:[^()]{0,30}?\b)?(?:[0-9]{4}[a-z]?|n\.\s?d\.?)[^()]{0,40}\)\s*[.,:]?$")
        .expect("static regex")
});

// Chicago author-date: "Yousaf, Kamran. 2025."
static YEAR_TAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\s+(?:[0-9]{4}[a-z]?|n\.\s?d)\.?$").expect("static regex"));

static EDITOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i),?\s*\(?\b(?:eds?|editors?|comp|trans)\b\.?\)?\s*[.,]?$").expect("static regex"));

static LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:See also|See|see also|see|Cf\.|cf\.|E\.g\.,?|e\.g\.,?|Compare)\s+").expect("static regex")
});

static ET_AL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i),?\s*\bet\s+al\b\.?$").expect("static regex"));

const PARTICLES: [&str; 30] = [
    "al", "el", "de", "del", "della", "der", "den", "di", "da", "das", "do", "dos", "du", "la", "le", "van", "von",
    "bin", "ibn", "bint", "ul", "ud", "ur", "e", "y", "zu", "ter", "ten", "st.", "abu",
];

const FUNCTION_WORDS: [&str; 18] =
    ["of", "for", "the", "and", "on", "in", "at", "to", "de", "du", "des", "la", "le", "et", "&", "y", "und", "für"];

/// The authors in the text before a title, as written and in order; empty when that text does
/// not read as names (prose such as "As reported by").
pub(crate) fn authors(prefix: &str) -> Vec<String> {
    let mut s = prefix.trim().trim_end_matches([',', '،', ';', ':', ' ', '-', '–', '—']).trim();
    // Each regex runs only when the text has what any match of it must contain (the letters
    // looked for fold only onto ASCII ones under (?i)): most author texts have none of it.
    if matches!(s.as_bytes().first(), Some(b'S' | b's' | b'C' | b'c' | b'E' | b'e'))
        && let Some(m) = LEAD.find(s)
    {
        s = &s[m.end()..];
    }
    let year_paren = || s.contains(')').then(|| YEAR_PAREN.find(s)).flatten();
    let year_tail = || s.bytes().any(|b| b.is_ascii_digit() || b == b'.').then(|| YEAR_TAIL.find(s)).flatten();
    if let Some(m) = year_paren().or_else(year_tail) {
        s = s[..m.start()].trim_end();
    }
    if (has_ascii_ci(s, b"ed") || has_ascii_ci(s, b"comp") || has_ascii_ci(s, b"tran"))
        && let Some(m) = EDITOR.find(s)
        && m.start() > 0
    {
        s = s[..m.start()].trim_end();
    }
    s = s.trim_end_matches([',', '،', ';', ':', ' ']);
    let mut et_al = false;
    if has_ascii_ci(s, b"et")
        && has_ascii_ci(s, b"al")
        && let Some(m) = ET_AL.find(s)
    {
        et_al = true;
        s = s[..m.start()].trim_end();
    }
    let s = strip_final_period(s);
    if s.is_empty()
        || s.len() > 240
        || s.contains(URL_MARK)
        || s.chars().any(|c| c.is_ascii_digit() || is_quote(c) || matches!(c, '[' | ']' | '?' | '!' | '"'))
    {
        return Vec::new();
    }
    let mut names = match organisation(s) {
        // "Karachi Water and Sewerage Corporation" is one body, not two people.
        Some(o) if !s.contains([',', ';']) && s.split_whitespace().any(is_corporate_word) => vec![o],
        o => personal(s).or_else(|| o.map(|o| vec![o])).unwrap_or_default(),
    };
    if et_al && !names.is_empty() {
        names.push("et al.".to_owned());
    }
    names
}

/// Whether `s` contains `needle` (ASCII), ignoring ASCII case.
fn has_ascii_ci(s: &str, needle: &[u8]) -> bool {
    let b = s.as_bytes();
    let Some(&first) = needle.first() else { return true };
    memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), b)
        .any(|i| b.get(i..i + needle.len()).is_some_and(|w| w.eq_ignore_ascii_case(needle)))
}

/// The key an author is matched on for "op. cit.": the family name, lower-cased, without
/// diacritics ("Khan, T." → "khan", "Tahir Khan" → "khan", "T. Khan" → "khan").
pub(crate) fn surname(author: &str) -> Option<String> {
    let a = author.trim();
    if a.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("et al")) {
        return None;
    }
    let family = a.split_once(',').map_or(a, |(f, _)| f);
    let last = family.split_whitespace().rfind(|w| !is_initials(w) && !is_suffix(w))?;
    if last.is_ascii() {
        // NFD and combining marks change nothing in ASCII.
        let key: String =
            last.bytes().filter(u8::is_ascii_alphanumeric).map(|b| char::from(b.to_ascii_lowercase())).collect();
        return (!key.is_empty()).then_some(key);
    }
    let key: String = last
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    (!key.is_empty()).then_some(key)
}

/// Words that name a kind of organisation, never a person.
const CORPORATE_WORDS: [&str; 43] = [
    "agency",
    "alliance",
    "assembly",
    "association",
    "authority",
    "bank",
    "board",
    "bureau",
    "centre",
    "center",
    "commission",
    "committee",
    "company",
    "corporation",
    "council",
    "department",
    "directorate",
    "division",
    "embassy",
    "federation",
    "forum",
    "foundation",
    "fund",
    "government",
    "group",
    "initiative",
    "institute",
    "institution",
    "ministry",
    "network",
    "office",
    "organisation",
    "organization",
    "parliament",
    "programme",
    "program",
    "secretariat",
    "service",
    "services",
    "society",
    "trust",
    "union",
    "university",
];

fn is_corporate_word(w: &str) -> bool {
    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
    if w.is_ascii() {
        return CORPORATE_WORDS.iter().any(|c| c.eq_ignore_ascii_case(w));
    }
    CORPORATE_WORDS.contains(&w.to_lowercase().as_str())
}

fn is_function_word(w: &str) -> bool {
    if w.is_ascii() {
        return FUNCTION_WORDS.iter().any(|f| f.eq_ignore_ascii_case(w));
    }
    FUNCTION_WORDS.contains(&w.to_lowercase().as_str())
}

fn is_quote(c: char) -> bool {
    matches!(c, '“' | '”' | '„' | '«' | '»' | '‘' | '’' | '‚' | '‹' | '›' | '「' | '」')
}

/// Drops the period that separates authors from what follows ("Yousaf, Kamran."), but not
/// the one of an initial ("Khan, T."), of "Jr." or of a company abbreviation.
fn strip_final_period(s: &str) -> &str {
    let Some(body) = s.strip_suffix('.') else { return s };
    let last = body.rsplit([' ', ',', '.']).next().unwrap_or("");
    let keep = (last.chars().count() == 1 && last.chars().all(char::is_uppercase))
        || ["Jr", "Sr", "Inc", "Ltd", "Co", "Corp", "St"].contains(&last);
    if keep { s } else { body.trim_end() }
}

fn is_initials(w: &str) -> bool {
    let mut n = 0;
    for c in w.chars().filter(|c| !matches!(c, '.' | '-' | ' ' | '‐')) {
        if !(c.is_alphabetic() && c.is_uppercase()) {
            return false;
        }
        n += 1;
    }
    (1..=4).contains(&n) && (w.contains('.') || n <= 2)
}

fn is_suffix(w: &str) -> bool {
    matches!(w.trim_end_matches('.'), "Jr" | "Sr" | "II" | "III" | "IV")
}

fn is_particle(w: &str) -> bool {
    if w.is_ascii() {
        // What lower-casing would compare, without the copy (the non-ASCII prefixes cannot match).
        let starts = |p: &str| w.get(..p.len()).is_some_and(|x| x.eq_ignore_ascii_case(p));
        return PARTICLES.iter().any(|p| p.eq_ignore_ascii_case(w))
            || ["al-", "el-", "ad-", "ar-", "as-", "at-", "az-", "d'", "l'"].iter().any(|p| starts(p));
    }
    let lower = w.to_lowercase();
    PARTICLES.contains(&lower.as_str())
        || ["al-", "el-", "ad-", "ar-", "as-", "at-", "az-", "d'", "d’", "l'", "l’"]
            .iter()
            .any(|p| lower.starts_with(p))
}

fn name_word_ok(w: &str) -> bool {
    let Some(first) = w.chars().next() else { return false };
    let shape = w.chars().all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’' | '‐'));
    shape && ((first.is_alphabetic() && !first.is_lowercase()) || is_particle(w))
}

fn name_ok(name: &str) -> bool {
    let (family, given) = name.split_once(',').unwrap_or((name, ""));
    let words: Vec<&str> = family.split_whitespace().chain(given.split_whitespace()).collect();
    let core = words.iter().filter(|w| !is_particle(w)).count();
    (1..=5).contains(&core)
        && words.len() <= 7
        && name.chars().count() <= 60
        && words.iter().all(|w| name_word_ok(w) || is_suffix(w))
        && name.matches(',').count() <= 1
}

/// Personal names: split at `;`, "and", "&", then commas, regrouping "Family, Given" pairs.
fn personal(s: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    // Every separator SPLIT matches holds ";", "&" or "and".
    let parts: Vec<&str> = if s.contains([';', '&']) || s.contains("and") { SPLIT.split(s).collect() } else { vec![s] };
    for part in parts {
        let pieces: Vec<&str> = part.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
        let mut i = 0;
        while i < pieces.len() {
            let a = pieces[i];
            if is_suffix(a) {
                let prev: &mut String = names.last_mut()?;
                prev.push_str(", ");
                prev.push_str(a);
                i += 1;
                continue;
            }
            let b = pieces.get(i + 1).copied();
            let inverted = b.is_some_and(|b| {
                !is_suffix(b)
                    && (b.split_whitespace().all(is_initials)
                        || (a.split_whitespace().filter(|w| !is_particle(w)).count() == 1
                            && b.split_whitespace().count() <= 3
                            && !a.split_whitespace().all(is_initials)))
            });
            match b {
                Some(b) if inverted => {
                    names.push(format!("{a}, {b}"));
                    i += 2;
                }
                _ => {
                    names.push(a.to_owned());
                    i += 1;
                }
            }
        }
    }
    (!names.is_empty() && names.iter().all(|n| name_ok(n))).then_some(names)
}

/// An organisation: capitalised words joined by function words ("Ministry of External
/// Affairs", "Pakistan Institute for Peace Studies (PIPS)").
fn organisation(s: &str) -> Option<String> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let first_ok = words.first().and_then(|w| w.chars().next()).is_some_and(|c| c.is_alphabetic() && !c.is_lowercase());
    let ok = first_ok
        && words.len() <= 12
        && s.chars().count() <= 120
        && words.iter().all(|w| {
            let w = w.trim_matches(|c: char| matches!(c, '(' | ')' | ',' | '.'));
            is_function_word(w)
                || w.chars().next().is_some_and(|c| c.is_alphabetic() && !c.is_lowercase())
                || is_particle(w)
        });
    ok.then(|| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citation_styles() {
        assert_eq!(authors("Kamran Yousaf, "), ["Kamran Yousaf"]);
        assert_eq!(authors("Jon Boone , "), ["Jon Boone"]);
        assert_eq!(authors("Khan, T. "), ["Khan, T."]);
        assert_eq!(authors("Khan, T., & Yousaf, K. "), ["Khan, T.", "Yousaf, K."]);
        assert_eq!(authors("Khan, T., Yousaf, K., & Boone, J."), ["Khan, T.", "Yousaf, K.", "Boone, J."]);
        assert_eq!(authors("Khan, T. and Yousaf, K. (2025) "), ["Khan, T.", "Yousaf, K."]);
        assert_eq!(authors("Qureshi, Farhan (22 March 2025). "), ["Qureshi, Farhan"]);
        assert_eq!(authors("Qureshi, Farhan (March 22, 2025). "), ["Qureshi, Farhan"]);
        assert_eq!(authors("T. Khan, K. Yousaf, and J. Boone, "), ["T. Khan", "K. Yousaf", "J. Boone"]);
        assert_eq!(authors("Yousaf, Kamran. "), ["Yousaf, Kamran"]);
        assert_eq!(authors("Yousaf, Kamran. 2025. "), ["Yousaf, Kamran"]);
        assert_eq!(authors("Yousaf, K. 2025. "), ["Yousaf, K."]);
        assert_eq!(authors("Yousaf, Kamran, and Tahir Khan. "), ["Yousaf, Kamran", "Tahir Khan"]);
        assert_eq!(authors("Kamran Yousaf and Tahir Khan, "), ["Kamran Yousaf", "Tahir Khan"]);
        assert_eq!(authors("Tahir Khan et al., "), ["Tahir Khan", "et al."]);
        assert_eq!(authors("Khan, T., et al. (2025). "), ["Khan, T.", "et al."]);
        assert_eq!(authors("Martin Luther King, Jr., "), ["Martin Luther King, Jr."]);
        assert_eq!(authors("Ahmed al-Rashid and Pieter van der Berg, "), ["Ahmed al-Rashid", "Pieter van der Berg"]);
        assert_eq!(authors("کامران یوسف، "), ["کامران یوسف"]);
    }

    #[test]
    fn organisations_and_prose() {
        assert_eq!(authors("Ministry of External Affairs. "), ["Ministry of External Affairs"]);
        assert_eq!(
            authors("Pakistan Institute for Peace Studies (PIPS), "),
            ["Pakistan Institute for Peace Studies (PIPS)"]
        );
        assert_eq!(authors("Karachi Water and Sewerage Corporation, "), ["Karachi Water and Sewerage Corporation"]);
        assert_eq!(
            authors("National Database and Registration Authority, "),
            ["National Database and Registration Authority"]
        );
        assert!(authors("As reported by the press, ").is_empty());
        assert!(authors("See the discussion in chapter 2 and ").is_empty());
        assert!(authors("").is_empty());
        assert_eq!(authors("See Kamran Yousaf, "), ["Kamran Yousaf"]);
    }

    #[test]
    fn surnames() {
        assert_eq!(surname("Khan, T.").as_deref(), Some("khan"));
        assert_eq!(surname("Tahir Khan").as_deref(), Some("khan"));
        assert_eq!(surname("T. Khan").as_deref(), Some("khan"));
        assert_eq!(surname("Martin Luther King, Jr.").as_deref(), Some("king"));
        assert_eq!(surname("José Müller").as_deref(), Some("muller"));
        assert_eq!(surname("et al."), None);
    }
}
