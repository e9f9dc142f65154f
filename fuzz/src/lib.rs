//! What every document-parser fuzz target asserts, in one place: any bytes, forced to a format,
//! parse without a panic into notes, markers and body ranges that lie inside the text.

use std::path::Path;

use citecheck::document::{Format, parse};

/// Parses `data` as `format` and checks every span and body range against the text.
pub fn check_document(data: &[u8], format: Format) {
    let Ok(doc) = parse(Path::new("fuzz.input"), data, Some(format)) else { return };
    for span in doc.notes.iter().map(|n| n.span).chain(doc.markers.iter().map(|m| m.span)) {
        assert!(span.start <= span.end && span.end <= doc.text.len(), "span {span:?} outside the text");
        assert!(doc.text.is_char_boundary(span.start) && doc.text.is_char_boundary(span.end));
        assert!(span.line >= 1 && span.column >= 1);
    }
    for range in &doc.body {
        assert!(range.start <= range.end && range.end <= doc.text.len(), "body range {range:?} outside the text");
    }
    let _ = doc.body_text();
}
