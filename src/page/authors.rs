//! Author names from bylines and metadata: "By A and B", "A, B & C", "Khan, Tahir".

use crate::matching::normalize::normalize;

/// Names kept per page.
const MAX_AUTHORS: usize = 50;
/// Longest name kept, in characters.
const MAX_NAME_CHARS: usize = 120;

/// Adds the names in `byline` to `out`, skipping URLs and names already there (compared
/// normalised). `split` is false for sources that hold exactly one name per value
/// (`citation_author`), which write "Surname, Given".
pub(crate) fn add(out: &mut Vec<String>, byline: &str, split: bool) {
    let names = if split { split_names(byline) } else { vec![clean(byline)] };
    for name in names.into_iter().flatten() {
        if out.len() >= MAX_AUTHORS {
            return;
        }
        let key = normalize(&name);
        if !key.is_empty() && !out.iter().any(|n| normalize(n) == key) {
            out.push(name);
        }
    }
}

/// A URL or handle rather than a name (`article:author` often holds a profile link).
pub(crate) fn is_url(s: &str) -> bool {
    let s = s.trim();
    s.starts_with("http://")
        || s.starts_with("https://")
        || s.starts_with("www.")
        || s.starts_with('/')
        || s.contains("://")
}

fn clean(s: &str) -> Option<String> {
    let s = super::title::strip_controls(s).split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s = s
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '|' | '-' | '–' | '—' | ':' | '.'))
        .to_string();
    for prefix in ["by ", "By ", "BY ", "by:", "By:", "BY:"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.trim().to_string();
        }
    }
    if s.is_empty() || is_url(&s) || s.chars().count() > MAX_NAME_CHARS {
        return None;
    }
    Some(s)
}

fn split_names(byline: &str) -> Vec<Option<String>> {
    let Some(byline) = clean(byline) else { return Vec::new() };
    // "A and B", "A & B", "A; B", "A | B", then commas: a list of several names, unless the
    // value is one inverted name ("Khan, Tahir").
    let mut parts: Vec<String> = vec![byline];
    for sep in [" and ", " And ", " AND ", " & ", ";", " | ", " / "] {
        parts = parts.iter().flat_map(|p| p.split(sep).map(str::to_string).collect::<Vec<_>>()).collect();
    }
    let mut out = Vec::new();
    for p in parts {
        let pieces: Vec<&str> = p.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        let inverted =
            pieces.len() == 2 && pieces.iter().all(|s| s.split_whitespace().count() <= 2) && !pieces[1].contains(' ');
        if pieces.len() <= 1 || inverted {
            out.push(clean(&p));
        } else {
            out.extend(pieces.into_iter().map(clean));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(bylines: &[(&str, bool)]) -> Vec<String> {
        let mut out = Vec::new();
        for (b, split) in bylines {
            add(&mut out, b, *split);
        }
        out
    }

    #[test]
    fn splits_lists() {
        assert_eq!(names(&[("By Kamran Yousaf and Tahir Khan", true)]), ["Kamran Yousaf", "Tahir Khan"]);
        assert_eq!(
            names(&[("Jon Boone, Saeed Shah & Emma Graham-Harrison", true)]),
            ["Jon Boone", "Saeed Shah", "Emma Graham-Harrison"]
        );
        assert_eq!(names(&[("Khan, Tahir", true)]), ["Khan, Tahir"]);
        assert_eq!(names(&[("Khan, Tahir", false), ("Yousaf, Kamran", false)]), ["Khan, Tahir", "Yousaf, Kamran"]);
    }

    #[test]
    fn skips_urls_and_duplicates() {
        assert_eq!(
            names(&[
                ("https://www.facebook.com/someone", true),
                ("Tahir Khan", true),
                ("TAHIR KHAN", true),
                ("  ", true)
            ]),
            ["Tahir Khan"]
        );
    }
}
