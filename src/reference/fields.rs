//! Citation fields from a note's text: URLs, title, authors, publication, dates, DOI.

use crate::date::PartialDate;
use crate::document::Link;

/// The fields of one note, before repeats are resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Fields {
    pub(crate) urls: Vec<String>,
    pub(crate) malformed: Vec<(String, String)>,
    pub(crate) title: Option<String>,
    pub(crate) authors: Vec<String>,
    pub(crate) container: Option<String>,
    pub(crate) date: Option<PartialDate>,
    pub(crate) accessed: Option<PartialDate>,
    pub(crate) doi: Option<String>,
    pub(crate) repeat: Option<Repeat>,
}

/// A note that repeats an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// "Ibid." / "Ibid., p. 4": the note just before.
    Ibid { pinpoint: Option<String> },
    /// "Smith, op. cit., p. 4": the last note by that author.
    OpCit { author: Option<String>, pinpoint: Option<String> },
}

pub(crate) fn parse(text: &str, links: &[Link]) -> Fields {
    let mut f = Fields::default();
    for l in links {
        f.urls.push(l.href.clone());
    }
    for word in text.split_whitespace() {
        let w = word.trim_start_matches('<').trim_end_matches(['>', '.', ',', ')']);
        if (w.starts_with("http://") || w.starts_with("https://")) && !f.urls.iter().any(|u| u == w) {
            f.urls.push(w.to_owned());
        }
    }
    f
}
