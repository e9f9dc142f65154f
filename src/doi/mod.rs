//! DOIs: the one way a DOI is normalised, the resolver URL it is looked up at, and its
//! registered metadata read from CSL JSON ([`csl`]). Pure: the checker does the fetching.
//!
//! A DOI is looked up by content negotiation: `GET {resolver}/{doi}` with
//! `Accept: application/vnd.citationstyles.csl+json`. The resolver (`https://doi.org` by
//! default) redirects to the registration agency (Crossref, DataCite, mEDRA…), which answers
//! with the metadata the publisher registered; agencies that do not negotiate send the landing
//! page instead, or refuse (406).

use std::sync::LazyLock;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use regex::Regex;
use url::Url;

pub mod csl;
pub(crate) mod judge;

pub use csl::{CslError, DoiMetadata, parse_csl};
pub use judge::{DoiCheck, MetadataSource};

/// The media type asked for: CSL JSON, which Crossref, DataCite and mEDRA all serve.
pub const CSL_JSON: &str = "application/vnd.citationstyles.csl+json";

/// The resolver used unless configured otherwise.
pub const DEFAULT_RESOLVER: &str = "https://doi.org";

static SHAPE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^10\.[0-9]{4,9}/\S+$").expect("static regex"));

/// Longest DOI accepted, in bytes (the longest registered ones are a few hundred).
const MAX_DOI: usize = 1024;

/// A DOI as written (`doi:10.…`, `DOI 10.…`, `https://doi.org/10.…`, `http://dx.doi.org/10.…`,
/// `info:doi/10.…`, percent-encoded or not, followed by prose punctuation) → `10.…`,
/// lower-cased (DOIs are case-insensitive), or `None` when it is no DOI.
///
/// A closing bracket is kept when the DOI opened it (`10.1016/s0920-9964(08)70275-5`).
///
/// ```
/// use citecheck::doi::normalize;
/// assert_eq!(normalize("https://dx.doi.org/10.1000%2F182.").as_deref(), Some("10.1000/182"));
/// assert_eq!(normalize("DOI: 10.1016/S0920-9964(08)70275-5)").as_deref(), Some("10.1016/s0920-9964(08)70275-5"));
/// assert_eq!(normalize("10.12/x"), None); // a DOI prefix has four digits or more
/// ```
pub fn normalize(written: &str) -> Option<String> {
    let mut s = written.trim();
    if s.len() > MAX_DOI * 3 {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    for prefix in [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "https://www.doi.org/",
        "http://www.doi.org/",
        "doi.org/",
        "dx.doi.org/",
        "info:doi/",
        "urn:doi:",
        "doi:",
        "doi ",
    ] {
        if lower.starts_with(prefix) {
            s = s.get(prefix.len()..).unwrap_or("").trim_start();
            break;
        }
    }
    let decoded = percent_encoding::percent_decode_str(s).decode_utf8_lossy();
    let trimmed = trim_trailing(decoded.trim());
    let doi = trimmed.to_lowercase();
    (doi.len() <= MAX_DOI && SHAPE.is_match(&doi)).then_some(doi)
}

/// Prose punctuation and unbalanced closing brackets off the end.
fn trim_trailing(s: &str) -> &str {
    let mut s = s;
    loop {
        let before = s.len();
        s = s.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"', '”', '’', '»', '>', '*', '_']);
        for (open, close) in [('(', ')'), ('[', ']'), ('{', '}')] {
            if s.ends_with(close) && s.matches(close).count() > s.matches(open).count() {
                s = &s[..s.len() - 1];
            }
        }
        if s.len() == before {
            return s;
        }
    }
}

/// Characters escaped in the path of a resolver URL (the DOI Handbook's list): everything else,
/// `/` included, is sent as is.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Where `doi` is looked up: `{resolver}/{doi}`, the DOI escaped where a URL needs it.
///
/// ```
/// use citecheck::doi::resolver_url;
/// let resolver = url::Url::parse("https://doi.org/").unwrap();
/// assert_eq!(resolver_url(&resolver, "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0").as_str(),
///     "https://doi.org/10.1002/(sici)1097-4571(199806)49:8%3C693::aid-asi4%3E3.0.co;2-0");
/// ```
pub fn resolver_url(resolver: &Url, doi: &str) -> Url {
    let base = resolver.as_str().trim_end_matches('/');
    let joined = format!("{base}/{}", utf8_percent_encode(doi, PATH));
    Url::parse(&joined).unwrap_or_else(|_| resolver.clone())
}

/// Whether `url` is a DOI resolver's address for a DOI (`doi.org`, `dx.doi.org`), so that the
/// note cites the DOI itself rather than a page of the publisher's.
pub(crate) fn is_resolver_link(url: &str) -> bool {
    Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .is_some_and(|h| (h == "doi.org" || h.ends_with(".doi.org")) && normalize(url).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_forms_normalise_to_one_doi() {
        for written in [
            "doi:10.1234/ABC.5",
            "DOI: 10.1234/abc.5.",
            "doi 10.1234/abc.5,",
            "https://doi.org/10.1234/abc.5",
            "http://dx.doi.org/10.1234/ABC.5;",
            "https://doi.org/10.1234%2Fabc.5",
            "info:doi/10.1234/abc.5",
            "10.1234/abc.5”",
            "(10.1234/abc.5)",
        ] {
            let w = written.trim_start_matches('(');
            assert_eq!(normalize(w).as_deref(), Some("10.1234/abc.5"), "{written}");
        }
    }

    #[test]
    fn brackets_that_belong_to_the_doi_stay() {
        assert_eq!(normalize("10.1016/S0920-9964(08)70275-5").as_deref(), Some("10.1016/s0920-9964(08)70275-5"));
        assert_eq!(normalize("10.1016/S0920-9964(08)70275-5).").as_deref(), Some("10.1016/s0920-9964(08)70275-5"));
    }

    #[test]
    fn what_is_not_a_doi() {
        for s in ["", "doi:", "10.1/abc", "11.1234/abc", "10.1234", "10.1234/", "https://example.org/10.1234/x"] {
            assert_eq!(normalize(s), None, "{s}");
        }
        assert_eq!(normalize(&format!("10.1234/{}", "a".repeat(5000))), None);
    }

    #[test]
    fn resolver_urls_escape_what_a_path_cannot_hold() {
        let r = Url::parse("http://127.0.0.1:9/").unwrap();
        assert_eq!(resolver_url(&r, "10.1234/a b#c?d").as_str(), "http://127.0.0.1:9/10.1234/a%20b%23c%3Fd");
        assert_eq!(resolver_url(&r, "10.1234/é").as_str(), "http://127.0.0.1:9/10.1234/%C3%A9");
        let sub = Url::parse("https://resolver.example/handle").unwrap();
        assert_eq!(resolver_url(&sub, "10.1234/x").as_str(), "https://resolver.example/handle/10.1234/x");
    }

    #[test]
    fn resolver_links_are_told_from_publisher_pages() {
        assert!(is_resolver_link("https://doi.org/10.1234/abc"));
        assert!(is_resolver_link("http://dx.doi.org/10.1234/abc"));
        assert!(!is_resolver_link("https://onlinelibrary.wiley.com/doi/10.1002/ajs.4"));
        assert!(!is_resolver_link("https://doi.org/"));
    }
}
