//! Word documents end to end: `extract` on the committed .docx fixtures (made by pandoc and
//! LibreOffice, see fixtures/docs/docx-src), from standard input and in directories, and the
//! errors a damaged or hostile package gives.

use std::io::Write;

use serde_json::Value;

use crate::harness::{citecheck, root};

const SEED: &str = "fixtures/docs/docx/resetting-ties.docx";
const LIBREOFFICE: &str = "fixtures/docs/docx/libreoffice-notes.docx";

fn refs(report: &Value) -> &Vec<Value> {
    report["documents"][0]["references"].as_array().expect("references array")
}

#[test]
fn extract_reads_the_seed_brief_written_in_word() {
    let (out, report) = citecheck(["extract", "--format", "json", SEED]).json();
    out.code(0);
    assert_eq!(report["documents"][0]["format"], "docx");
    let docx = refs(&report);
    assert_eq!(docx.len(), 9);
    // The same nine references as the text the PDF became, URLs from the hyperlinks.
    let (_, text) = citecheck(["extract", "--format", "json", "seeds/issi-brief-resetting-ties.txt"]).json();
    for (d, t) in docx.iter().zip(refs(&text)) {
        for key in ["label", "url", "title", "authors", "container", "date", "accessed"] {
            assert_eq!(d[key], t[key], "note {}: {key}", d["label"]);
        }
    }
    // Positions follow the convention: marker 1 is in paragraph 5; the notes follow the body.
    assert_eq!(docx[0]["markers"][0]["line"], 5);
    assert_eq!(docx[0]["line"], 25);
}

#[test]
fn extract_human_output_names_the_notes_as_word_shows_them() {
    let out = citecheck(["extract", LIBREOFFICE]).run();
    out.code(0)
        .stdout_has("libreoffice-notes.docx · docx · 7 references")
        .stdout_has("lines are paragraphs")
        .stdout_has("iii")
        .stdout_has("https://www.mea.gov.in/press-releases.htm?dtl/39450")
        .stdout_has("libreoffice-notes.docx:11:1: info[no-url] note * cites no URL");
}

#[test]
fn a_word_document_on_standard_input_or_misnamed_is_recognised_by_its_content() {
    let bytes = std::fs::read(root().join(LIBREOFFICE)).unwrap();
    let (out, report) = citecheck(["extract", "--format", "json", "-"]).stdin(bytes.clone()).json();
    out.code(0);
    assert_eq!(report["documents"][0]["format"], "docx");
    assert_eq!(refs(&report).len(), 7);

    let dir = tempfile::tempdir().unwrap();
    let misnamed = dir.path().join("brief.txt");
    std::fs::write(&misnamed, &bytes).unwrap();
    let (out, report) = citecheck(["extract", "--format", "json"]).arg(&misnamed).json();
    out.code(0);
    assert_eq!(report["documents"][0]["format"], "docx");
}

#[test]
fn directories_include_word_documents() {
    let (out, report) = citecheck(["extract", "--format", "json", "fixtures/docs/docx"]).json();
    out.code(0);
    let formats: Vec<&str> =
        report["documents"].as_array().unwrap().iter().map(|d| d["format"].as_str().unwrap()).collect();
    assert_eq!(formats, ["docx", "docx", "docx"]);
}

#[test]
fn a_damaged_or_oversized_word_document_is_exit_2_naming_the_file_and_part() {
    let dir = tempfile::tempdir().unwrap();
    // Not a zip at all.
    let broken = dir.path().join("broken.docx");
    std::fs::write(&broken, b"PK\x03\x04 this is not the rest of a zip").unwrap();
    citecheck(["extract"]).arg(&broken).run().code(2).stderr_has("broken.docx: not a readable .docx (zip) file");

    // A zip bomb: 64 MiB of one byte deflates to about 64 KiB.
    let bomb = dir.path().join("bomb.docx");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("word/document.xml", options).unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..64 {
            zip.write_all(&chunk).unwrap();
        }
        zip.finish().unwrap();
    }
    let out = citecheck(["extract"]).arg(&bomb).run();
    out.code(2).stderr_has("bomb.docx: word/document.xml: inflates more than 200 times its compressed size");

    // The file-size limit applies to Word documents like any input.
    citecheck(["extract", "--max-document-bytes", "1000", SEED])
        .run()
        .code(2)
        .stderr_has("over the limit of 1000 bytes");
}
