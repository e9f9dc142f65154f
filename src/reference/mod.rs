//! References: a note's text turned into citation fields (URL, title, authors, publication, dates).

use serde::Serialize;

use crate::date::PartialDate;
use crate::document::Document;
use crate::span::Span;

mod dates;
pub(crate) mod fields;
pub(crate) mod ibid;
mod markup;
mod names;
mod pattern;
mod url;

/// A footnoted reference: one note, its markers, and the citation fields read from its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// The note's label as written.
    pub label: String,
    /// Where the note starts.
    #[serde(flatten)]
    pub span: Span,
    /// The note's text, joined across lines.
    pub text: String,
    /// The first cited URL.
    pub url: Option<String>,
    /// Every cited URL, in order.
    pub urls: Vec<String>,
    /// The cited title.
    pub title: Option<String>,
    /// The cited authors, as written.
    pub authors: Vec<String>,
    /// The publication (newspaper, journal, site, publisher).
    pub container: Option<String>,
    /// The publication date, at the precision cited.
    pub date: Option<PartialDate>,
    /// When the author accessed the source.
    pub accessed: Option<PartialDate>,
    /// A DOI (`10.…`), lower-cased.
    pub doi: Option<String>,
    /// For "Ibid." and "op. cit." notes: the label of the note repeated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeats: Option<String>,
    /// Markers pointing at this note.
    pub markers: Vec<Span>,
    /// The page the note starts on, for paged documents (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Why this reference is ignored (configuration or an inline comment), when it is: an
    /// ignored reference is neither linted nor fetched, and reports show the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
    /// URLs in the note that could not be parsed, with the reason.
    #[serde(skip)]
    pub malformed: Vec<(String, String)>,
}

/// Reads the fields of every note of a document, and resolves repeats ("Ibid.").
pub fn references(doc: &Document) -> Vec<Reference> {
    let parsed: Vec<fields::Fields> = doc.notes.iter().map(|n| fields::parse(&n.text, &n.links)).collect();
    let labels: Vec<&str> = doc.notes.iter().map(|n| n.label.as_str()).collect();
    let targets = ibid::resolve(&parsed, &labels);
    let mut refs: Vec<Reference> = Vec::with_capacity(parsed.len());
    for ((note, f), target) in doc.notes.iter().zip(parsed).zip(&targets) {
        let mut r = Reference {
            label: note.label.clone(),
            span: note.span,
            text: note.text.clone(),
            url: f.urls.first().cloned(),
            urls: f.urls,
            title: f.title,
            authors: f.authors,
            container: f.container,
            date: f.date,
            accessed: f.accessed,
            doi: f.doi,
            repeats: None,
            markers: note.markers.clone(),
            page: doc.page_of(note.span.start),
            ignored: note.ignore.clone(),
            malformed: f.malformed,
        };
        if let Some(t) = *target {
            // A repeat cites what its target cites; it keeps its own label, position and text.
            let base: &Reference = &refs[t];
            r.repeats = Some(base.label.clone());
            if r.urls.is_empty() {
                r.url = base.url.clone();
                r.urls = base.urls.clone();
            }
            r.title = r.title.or_else(|| base.title.clone());
            if r.authors.is_empty() {
                r.authors = base.authors.clone();
            }
            r.container = r.container.or_else(|| base.container.clone());
            r.date = r.date.or(base.date);
            r.doi = r.doi.or_else(|| base.doi.clone());
        }
        refs.push(r);
    }
    refs
}
