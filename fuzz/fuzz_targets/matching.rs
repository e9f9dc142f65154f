//! Fuzzes the title matcher: normalisation is idempotent and never panics, and comparing any
//! cited title with any page title (and with itself) gives a score in 0..=1 without a panic.

#![no_main]

use citecheck::matching::{TitleGrade, compare_titles, normalize};
use citecheck::page::{TitleCandidate, TitleSource};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The first line is the cited title, the second the page title, the third the site name.
    let mut parts = text.splitn(3, '\n');
    let cited = parts.next().unwrap_or_default();
    let page = parts.next().unwrap_or_default();
    let site = parts.next();
    let once = normalize(cited);
    assert_eq!(normalize(&once), once, "normalize is idempotent");
    let candidates = [TitleCandidate { source: TitleSource::HtmlTitle, text: page.to_owned() }];
    if let Some(m) = compare_titles(cited, &candidates, site, Some("www.news.test")) {
        assert!((0.0..=1.0).contains(&m.score), "score {} out of range", m.score);
    }
    let own = [TitleCandidate { source: TitleSource::HtmlTitle, text: cited.to_owned() }];
    if let Some(m) = compare_titles(cited, &own, None, None) {
        assert_eq!(m.grade, TitleGrade::Match, "a title matches itself");
    }
});
