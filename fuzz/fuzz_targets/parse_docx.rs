//! Fuzzes the Word reader two ways: the input as a whole .docx file (the zip reader, the guards),
//! and the input as the XML parts of a package built around it, split at `\n----\n` into
//! document, footnotes, endnotes, settings and the footnotes' relationships (the XML walker,
//! numbering, links). Either must parse without a panic into spans inside the text.

#![no_main]

use std::io::Write;

use citecheck::document::Format;
use libfuzzer_sys::fuzz_target;

const PARTS: [&str; 5] = [
    "word/document.xml",
    "word/footnotes.xml",
    "word/endnotes.xml",
    "word/settings.xml",
    "word/_rels/footnotes.xml.rels",
];

fuzz_target!(|data: &[u8]| {
    if let Some((&first, rest)) = data.split_first()
        && first & 1 == 1
    {
        citecheck_fuzz::check_document(&package(rest), Format::Docx);
    } else {
        citecheck_fuzz::check_document(data, Format::Docx);
    }
});

/// A stored (uncompressed) zip with the input's pieces as its parts.
fn package(data: &[u8]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut rest = data;
    for name in PARTS {
        let (piece, after) = match rest.windows(6).position(|w| w == b"\n----\n") {
            Some(i) => (&rest[..i], &rest[i + 6..]),
            None => (rest, &[][..]),
        };
        if w.start_file(name, options).is_err() || w.write_all(piece).is_err() {
            break;
        }
        rest = after;
        if rest.is_empty() {
            break;
        }
    }
    let _ = w.finish();
    out.into_inner()
}
