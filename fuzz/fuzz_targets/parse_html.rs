//! Fuzzes the html parser: any bytes, forced to the html format, must parse without a panic
//! into notes and markers whose spans lie inside the text.

#![no_main]

use std::path::Path;

use citecheck::document::{Format, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = parse(Path::new("fuzz.input"), data, Some(Format::Html)) else { return };
    for span in doc.notes.iter().map(|n| n.span).chain(doc.markers.iter().map(|m| m.span)) {
        assert!(span.start <= span.end && span.end <= doc.text.len(), "span {span:?} outside the text");
        assert!(doc.text.is_char_boundary(span.start) && doc.text.is_char_boundary(span.end));
        assert!(span.line >= 1 && span.column >= 1);
    }
    for range in &doc.body {
        assert!(range.start <= range.end && range.end <= doc.text.len(), "body range {range:?} outside the text");
    }
    let _ = doc.body_text();
});
