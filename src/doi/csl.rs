//! A DOI's registered metadata read from CSL JSON, the format DOI content negotiation serves.
//!
//! Real answers vary: Crossref sends `title` and `container-title` as strings (its REST API as
//! arrays), DataCite adds `literal` authors for organisations, dates come as `date-parts` with
//! numbers or strings, or as `raw`/`literal` text, and titles may carry inline markup
//! (`<i>E. coli</i>`). The body is untrusted: it is already bounded in size by the fetch, JSON
//! nesting is bounded by serde_json's recursion limit (an error, never a stack overflow), and
//! every string kept is cut to a length and stripped of control characters.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::date::PartialDate;
use crate::matching::normalize::decode_entities;
use crate::sanitize::strip_controls;

/// Longest text kept of one field, in characters.
const MAX_FIELD_CHARS: usize = 1000;

/// Most authors kept (consortium papers list thousands).
const MAX_AUTHORS: usize = 100;

/// What a DOI's registration agency says about the work.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DoiMetadata {
    /// The work's title (markup removed).
    pub title: Option<String>,
    /// The journal, book, blog or repository it appeared in (`container-title`).
    pub container: Option<String>,
    /// When it was issued, at the precision registered.
    pub date: Option<PartialDate>,
    /// Its authors, "Given Family" or as registered for organisations.
    pub authors: Vec<String>,
    /// The DOI as registered, normalised.
    pub doi: Option<String>,
    /// The URL the DOI resolves to, as registered.
    pub url: Option<String>,
    /// The publisher.
    pub publisher: Option<String>,
    /// The CSL item type (`article-journal`, `report`, `dataset`…).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Every date registered (issued, published, in print, online): a cited date that is any
    /// of them is right.
    #[serde(skip)]
    pub(crate) dates: Vec<PartialDate>,
}

impl DoiMetadata {
    /// Every date registered for the work, `date` first.
    pub fn all_dates(&self) -> impl Iterator<Item = PartialDate> + '_ {
        self.date.into_iter().chain(self.dates.iter().copied())
    }
}

/// Why a body is not CSL JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CslError {
    /// Not JSON at all, or nested deeper than the parser allows.
    #[error("not JSON: {0}")]
    NotJson(String),
    /// JSON, but not a CSL item (an object, or an array holding one).
    #[error("JSON, but not a CSL item")]
    NotAnItem,
}

/// The fields read; everything else is skipped without being kept.
#[derive(Deserialize)]
struct Raw {
    title: Option<Value>,
    #[serde(rename = "container-title")]
    container_title: Option<Value>,
    #[serde(rename = "container-title-short")]
    container_title_short: Option<Value>,
    issued: Option<Value>,
    published: Option<Value>,
    #[serde(rename = "published-print")]
    published_print: Option<Value>,
    #[serde(rename = "published-online")]
    published_online: Option<Value>,
    author: Option<Value>,
    #[serde(rename = "DOI")]
    doi: Option<Value>,
    #[serde(rename = "URL")]
    url: Option<Value>,
    publisher: Option<Value>,
    #[serde(rename = "type")]
    kind: Option<Value>,
}

/// Reads the registered metadata from a CSL JSON body (an item, or an array whose first element
/// is one).
///
/// ```
/// let body = r#"{"type":"article-journal","title":"Border trade after the closure",
///   "container-title":"Journal of Regional Studies","issued":{"date-parts":[[2023,5]]},
///   "author":[{"given":"Sana","family":"Mirza"}],"DOI":"10.5555/JRS.2023.17"}"#;
/// let m = citecheck::doi::parse_csl(body).unwrap();
/// assert_eq!(m.title.as_deref(), Some("Border trade after the closure"));
/// assert_eq!(m.date.unwrap().to_string(), "2023-05");
/// assert_eq!(m.authors, ["Sana Mirza"]);
/// assert_eq!(m.doi.as_deref(), Some("10.5555/jrs.2023.17"));
/// ```
pub fn parse_csl(body: &str) -> Result<DoiMetadata, CslError> {
    let body = body.trim_start_matches('\u{feff}');
    let value: Value = serde_json::from_str(body).map_err(|e| CslError::NotJson(e.to_string()))?;
    let item = match value {
        Value::Object(_) => value,
        Value::Array(mut items) if !items.is_empty() && items[0].is_object() => items.swap_remove(0),
        _ => return Err(CslError::NotAnItem),
    };
    let raw: Raw = serde_json::from_value(item).map_err(|_| CslError::NotAnItem)?;
    let mut dates: Vec<PartialDate> = [&raw.issued, &raw.published, &raw.published_print, &raw.published_online]
        .into_iter()
        .flatten()
        .filter_map(date)
        .collect();
    dates.dedup();
    let date = (!dates.is_empty()).then(|| dates.remove(0));
    let authors = match &raw.author {
        Some(Value::Array(list)) => list.iter().filter_map(author).take(MAX_AUTHORS).collect(),
        _ => Vec::new(),
    };
    Ok(DoiMetadata {
        title: raw.title.as_ref().and_then(text),
        container: raw
            .container_title
            .as_ref()
            .and_then(text)
            .or_else(|| raw.container_title_short.as_ref().and_then(text)),
        date,
        authors,
        doi: raw.doi.as_ref().and_then(text).and_then(|d| super::normalize(&d)),
        url: raw.url.as_ref().and_then(text),
        publisher: raw.publisher.as_ref().and_then(text),
        kind: raw.kind.as_ref().and_then(text),
        dates,
    })
}

/// A string, or the first non-empty string of an array, cleaned.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => clean(s),
        Value::Array(items) => items.iter().find_map(|i| i.as_str().and_then(clean)),
        _ => None,
    }
}

/// Markup out, entities decoded, white space collapsed, controls stripped, length bounded.
fn clean(s: &str) -> Option<String> {
    let s = &s[..crate::span::floor_char_boundary(s, 8 * MAX_FIELD_CHARS)];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt..];
        match tag_len(after) {
            Some(n) => rest = &after[n..],
            None => {
                out.push('<');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    let decoded = decode_entities(&out);
    let collapsed = strip_controls(&decoded.split_whitespace().collect::<Vec<_>>().join(" "));
    let cut: String = collapsed.chars().take(MAX_FIELD_CHARS).collect();
    (!cut.is_empty()).then_some(cut)
}

/// The length of the inline tag `s` starts with (`<i>`, `</sub>`, `<mml:math display="x">`), or
/// `None` when its `<` is text ("p < 0.05").
fn tag_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let name = usize::from(b.get(1) == Some(&b'/')) + 1;
    if !b.get(name).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let end = s.get(..s.len().min(300))?.find('>')?;
    (!s[1..end].contains('<')).then_some(end + 1)
}

/// A CSL date: `date-parts` (numbers or strings; the first part of a range), else `raw`,
/// `literal` or `date-time` text read as ISO.
fn date(v: &Value) -> Option<PartialDate> {
    let parts = v.get("date-parts").and_then(|p| p.get(0)).and_then(Value::as_array);
    if let Some(parts) = parts {
        let num = |i: usize| -> Option<i64> {
            match parts.get(i)? {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            }
        };
        if let Some(year) = num(0).and_then(|y| i32::try_from(y).ok()) {
            let month = num(1).and_then(|m| u8::try_from(m).ok());
            let day = month.and(num(2)).and_then(|d| u8::try_from(d).ok());
            if let Some(d) = PartialDate::new(year, month, day).or_else(|| PartialDate::new(year, month, None)) {
                return Some(d);
            }
            return PartialDate::new(year, None, None);
        }
    }
    ["raw", "literal", "date-time"]
        .into_iter()
        .find_map(|k| v.get(k).and_then(Value::as_str).and_then(PartialDate::parse_iso))
}

/// "Given Family", a family name alone, or an organisation's `literal` / `name`.
fn author(v: &Value) -> Option<String> {
    let field = |k: &str| v.get(k).and_then(Value::as_str).and_then(clean);
    if let Some(literal) = field("literal").or_else(|| field("name")) {
        return Some(literal);
    }
    let family = field("family")?;
    let particle = field("non-dropping-particle");
    let family = match particle {
        Some(p) => format!("{p} {family}"),
        None => family,
    };
    Some(match field("given") {
        Some(given) => format!("{given} {family}"),
        None => family,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape Crossref serves by content negotiation.
    const CROSSREF: &str = include_str!("../../fixtures/doi/crossref-article.json");

    /// The shape DataCite serves: an `id`, organisation authors as `literal`, no container.
    const DATACITE: &str = include_str!("../../fixtures/doi/datacite-dataset.json");

    #[test]
    fn crossref_shape() {
        let m = parse_csl(CROSSREF).unwrap();
        assert_eq!(m.title.as_deref(), Some("Cross-border trade after the Torkham closure"));
        assert_eq!(m.container.as_deref(), Some("Journal of Regional Studies"));
        assert_eq!(m.date, PartialDate::ymd(2023, 3, 1), "issued comes first, not created or indexed");
        assert_eq!(m.authors, ["Sana Mirza", "Omar Haider"]);
        assert_eq!(m.doi.as_deref(), Some("10.5555/jrs.2023.1187"));
        assert_eq!(m.publisher.as_deref(), Some("Regional Policy Press"));
        assert_eq!(m.kind.as_deref(), Some("article-journal"));
    }

    #[test]
    fn datacite_shape() {
        let m = parse_csl(DATACITE).unwrap();
        assert_eq!(m.authors, ["World Health Organization", "Benjamin Ollomo"]);
        assert_eq!(m.date, PartialDate::new(2011, None, None), "date parts written as strings");
        assert_eq!(m.container, None);
        assert_eq!(m.url.as_deref(), Some("http://datadryad.org/stash/dataset/doi:10.5061/dryad.8515"));
    }

    #[test]
    fn arrays_of_titles_and_a_list_of_items() {
        let m =
            parse_csl(r#"[{"title":["", "Second &amp; only"],"container-title":[],"container-title-short":"J. X"}]"#)
                .unwrap();
        assert_eq!(m.title.as_deref(), Some("Second & only"));
        assert_eq!(m.container.as_deref(), Some("J. X"));
    }

    #[test]
    fn raw_dates_invalid_parts_and_ranges() {
        let d = |v: &str| parse_csl(&format!(r#"{{"issued":{v}}}"#)).unwrap().date;
        assert_eq!(d(r#"{"raw":"2020-02-30"}"#), None);
        assert_eq!(d(r#"{"raw":"2020-02"}"#), PartialDate::new(2020, Some(2), None));
        assert_eq!(d(r#"{"date-parts":[[2020,2,30]]}"#), PartialDate::new(2020, Some(2), None));
        assert_eq!(d(r#"{"date-parts":[[2020,13]]}"#), PartialDate::new(2020, None, None));
        assert_eq!(d(r#"{"date-parts":[[2019,5],[2020,1]]}"#), PartialDate::new(2019, Some(5), None));
        assert_eq!(d(r#"{"date-parts":[[null]]}"#), None);
        assert_eq!(d(r#""2020""#), None);
    }

    #[test]
    fn what_is_not_metadata() {
        assert!(matches!(parse_csl("<html><title>Landing page</title></html>"), Err(CslError::NotJson(_))));
        assert_eq!(parse_csl("[1, 2]"), Err(CslError::NotAnItem));
        assert_eq!(parse_csl("\"title\""), Err(CslError::NotAnItem));
        assert!(parse_csl(r#"{"title": "cut sho"#).is_err());
        // Strange types in known fields are skipped, not errors.
        let m = parse_csl(r#"{"title": 5, "author": "Someone", "issued": [2020]}"#).unwrap();
        assert_eq!(m, DoiMetadata::default());
    }

    #[test]
    fn bombs_are_errors_not_crashes() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(parse_csl(&deep), Err(CslError::NotJson(_))));
        let deep_title = format!(r#"{{"title":{}"x"{}}}"#, "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse_csl(&deep_title).is_err());
        let many = format!(r#"{{"author":[{}]}}"#, vec![r#"{"family":"X"}"#; 50_000].join(","));
        assert_eq!(parse_csl(&many).unwrap().authors.len(), MAX_AUTHORS);
        let long = format!(r#"{{"title":"{}"}}"#, "word ".repeat(100_000));
        assert_eq!(parse_csl(&long).unwrap().title.unwrap().chars().count(), MAX_FIELD_CHARS);
        let hostile = parse_csl("{\"title\":\"Safe\\u001b[31m title\\u202e\"}").unwrap();
        assert_eq!(hostile.title.as_deref(), Some("Safe title"));
    }

    #[test]
    fn markup_is_removed_but_comparisons_stay() {
        let m = parse_csl(r#"{"title":"Effect of <sub>CO2</sub> where p < 0.05 and <scp>Dna</scp>"}"#).unwrap();
        assert_eq!(m.title.as_deref(), Some("Effect of CO2 where p < 0.05 and Dna"));
    }
}
