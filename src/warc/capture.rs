//! What a run hands to the archive writer: per fetched URL, the outcome with its exchanges and the
//! verdicts of the references that cite it.

use crate::fetch::FetchOutcome;

/// One fetched URL as the run saw it.
#[derive(Debug, Clone)]
pub struct Capture {
    /// The URL as cited (before `--remap`); the archive files the exchange under it.
    pub cited: String,
    /// What fetching it gave, with [`FetchOutcome::exchanges`] filled.
    pub outcome: FetchOutcome,
    /// The references that cite it, in document order.
    pub citations: Vec<Citation>,
}

/// A reference citing a captured URL, with what was concluded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Citation {
    /// The document, as the report names it.
    pub document: String,
    /// The note's label.
    pub label: String,
    /// 1-based line of the note.
    pub line: u32,
    /// 1-based column of the note.
    pub column: u32,
    /// Whether this is the note's first URL (judged in full) or a further one (checked to
    /// resolve).
    pub primary: bool,
    /// The reference's check (for a further URL, its status), as the JSON report gives it.
    pub check: serde_json::Value,
}
