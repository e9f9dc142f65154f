//! Fuzzes the reference field parser: any text as the one note of a document must give fields
//! without a panic (through `reference::references`, so repeats and links are exercised too).

#![no_main]

use std::path::Path;

use citecheck::document::{Format, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(note) = std::str::from_utf8(data) else { return };
    // One note, as Markdown writes it: the note's text is the input, lines indented to stay in it.
    let body = note.replace('\n', "\n    ");
    let doc_text = format!("A claim.[^1]\n\n[^1]: {body}\n");
    let Ok(doc) = parse(Path::new("fuzz.md"), doc_text.as_bytes(), Some(Format::Markdown)) else { return };
    for r in citecheck::reference::references(&doc) {
        if let Some(url) = &r.url {
            assert!(r.urls.contains(url));
        }
    }
    // The same text as a plain-text note, which the text parser and field parser read differently.
    let doc_text = format!("A claim.¹\n\n¹ {note}\n");
    if let Ok(doc) = parse(Path::new("fuzz.txt"), doc_text.as_bytes(), Some(Format::Text)) {
        let _ = citecheck::reference::references(&doc);
    }
});
