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
///
/// Its JSON form is also written by hand for extraction (`report::json`, for speed): a field
/// added here goes there too (that module's tests compare the two).
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

/// Fewest notes worth a thread of their own: reading a note's fields takes a few microseconds,
/// starting a thread some tens, so only long documents are shared between the cores.
const MIN_NOTES_PER_THREAD: usize = 512;

/// Reads the fields of every note of a document, and resolves repeats ("Ibid.").
///
/// Notes are read independently of each other, so a long document's are shared between the
/// cores (`parallel::map`); repeats are resolved afterwards, in document order.
pub fn references(doc: &Document) -> Vec<Reference> {
    references_sharing(doc, MIN_NOTES_PER_THREAD)
}

fn references_sharing(doc: &Document, min_notes_per_thread: usize) -> Vec<Reference> {
    let notes: Vec<&crate::document::Note> = doc.notes.iter().collect();
    // Each note becomes its reference where it is read, so that its fields are moved once and
    // no list of every note's fields is held beside the references.
    let read = crate::parallel::map(notes, min_notes_per_thread, |note| {
        let f = fields::parse(&note.text, &note.links);
        let reference = Reference {
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
        Read { reference, repeat: f.repeat }
    });
    let labels: Vec<&str> = doc.notes.iter().map(|n| n.label.as_str()).collect();
    let targets = ibid::resolve(&read, &labels);
    let mut refs: Vec<Reference> = read.into_iter().map(|r| r.reference).collect();
    for (i, target) in targets.into_iter().enumerate() {
        // A repeat cites what its target cites; it keeps its own label, position and text. The
        // target is an earlier note and never itself a repeat.
        let Some(t) = target.filter(|&t| t < i) else { continue };
        let (before, rest) = refs.split_at_mut(i);
        let (base, r) = (&before[t], &mut rest[0]);
        r.repeats = Some(base.label.clone());
        if r.urls.is_empty() {
            r.url = base.url.clone();
            r.urls = base.urls.clone();
        }
        if r.title.is_none() {
            r.title = base.title.clone();
        }
        if r.authors.is_empty() {
            r.authors = base.authors.clone();
        }
        if r.container.is_none() {
            r.container = base.container.clone();
        }
        r.date = r.date.or(base.date);
        if r.doi.is_none() {
            r.doi = base.doi.clone();
        }
    }
    refs
}

/// A note read: its reference before repeats are resolved, and what makes it a repeat.
struct Read {
    reference: Reference,
    repeat: Option<fields::Repeat>,
}

impl ibid::Cited for Read {
    fn repeat(&self) -> Option<&fields::Repeat> {
        self.repeat.as_ref()
    }
    fn authors(&self) -> &[String] {
        &self.reference.authors
    }
    fn title(&self) -> Option<&str> {
        self.reference.title.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_shared_between_threads_give_the_references_of_one_thread() {
        // Repeats ("Ibid.", "op. cit.") point across the shares' borders.
        let mut md = String::new();
        let mut defs = String::new();
        for i in 1..=1500 {
            md.push_str(&format!("Claim {i}.[^{i}]\n\n"));
            let def = match i % 5 {
                0 => "Ibid., 4.".to_owned(),
                1 => format!(
                    "Ana Ruiz, \"Report number {i},\" *The Herald*, March {d}, 2024, https://example.com/{i}.",
                    d = i % 28 + 1
                ),
                2 => "Ruiz, op. cit., 7.".to_owned(),
                3 => format!("See [the data](https://example.org/data/{i}), accessed May 2, 2025."),
                _ => format!("World Bank, *Annual review {i}* (Washington, 2023), doi:10.1000/{i}."),
            };
            defs.push_str(&format!("[^{i}]: {def}\n"));
        }
        md.push_str(&defs);
        let doc = crate::document::parse(std::path::Path::new("long.md"), md.as_bytes(), None).unwrap();
        assert_eq!(doc.notes.len(), 1500);
        let alone = references_sharing(&doc, usize::MAX);
        assert!(alone.iter().filter(|r| r.repeats.is_some()).count() >= 500);
        assert_eq!(references_sharing(&doc, 1), alone);
        assert_eq!(references(&doc), alone);
    }
}
