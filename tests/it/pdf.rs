//! PDFs: documents read from their layout (the fixtures LibreOffice made in
//! `fixtures/docs/pdf/`), and cited PDFs served on loopback (`fixtures/web/pdf.test/`).

use serde_json::Value;

use crate::harness::{citecheck, root};
use crate::support::{Reply, TestServer};

/// A one-page PDF whose font makes the PDF library panic (an encoding it does not know), with a
/// correct cross-reference table so that the library gets as far as the text.
fn panicking_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /NoSuchEncoding >>".to_owned(),
        "<< /Length 33 >>\nstream\nBT /F1 12 Tf 72 720 Td (x) Tj ET\nendstream".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 6\n0000000000 65535 f \n");
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    out
}

fn formats_pdf(name: &str) -> Vec<u8> {
    std::fs::read(root().join("fixtures/web/formats.test/2024").join(name)).expect("fixture PDF")
}

fn web_pdf(name: &str) -> Vec<u8> {
    std::fs::read(root().join("fixtures/web/pdf.test").join(name)).expect("fixture PDF")
}

/// A Markdown brief citing each (title, URL), in a temporary directory.
fn brief(dir: &tempfile::TempDir, cites: &[(&str, String)]) -> String {
    let mut text = String::from("# Brief\n\n");
    for i in 0..cites.len() {
        text.push_str(&format!("Claim {}.[^{}]\n", i + 1, i + 1));
    }
    text.push('\n');
    for (i, (title, url)) in cites.iter().enumerate() {
        text.push_str(&format!("[^{}]: Policy Desk, “{title}”, <{url}>\n", i + 1));
    }
    let path = dir.path().join("brief.md");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn check(extra: &[&str], path: &str) -> (crate::harness::Output, Value) {
    let mut run =
        citecheck(["check", "--format", "json", "--allow-private", "--no-progress", "--host-interval", "0ms"]);
    for a in extra {
        run = run.arg(a);
    }
    run.arg(path).json()
}

fn references(report: &Value) -> Vec<Value> {
    report["documents"][0]["references"].as_array().cloned().unwrap_or_default()
}

fn messages(reference: &Value) -> String {
    reference["check"]["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| format!("{}: {}", f["rule"].as_str().unwrap_or(""), f["message"].as_str().unwrap_or("")))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn cited_pdfs_are_judged_by_their_titles() {
    let server = TestServer::builder()
        .route("/report.pdf", Reply::bytes(200, "application/pdf", web_pdf("commission-report.pdf")))
        .route("/glacial.pdf", Reply::bytes(200, "application/pdf", web_pdf("first-page-title.pdf")))
        .route("/floods.pdf", Reply::bytes(200, "application/pdf", web_pdf("junk-title.pdf")))
        // A PDF sent as a download, with no name saying what it is.
        .route("/download/7", Reply::bytes(200, "application/octet-stream", web_pdf("commission-report.pdf")))
        .route("/revue.pdf", Reply::bytes(200, "application/pdf", formats_pdf("revue-annuelle.pdf")))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let path = brief(
        &dir,
        &[
            ("Report of the Permanent Indus Commission 2014–2024", server.url("/report.pdf")),
            ("Annual Report of the Indus River System Authority", server.url("/report.pdf")),
            ("Glacial Melt and the Upper Indus Basin", server.url("/glacial.pdf")),
            ("Flood Preparedness in the Lower Indus", server.url("/floods.pdf")),
            ("Report of the Permanent Indus Commission 2014-2024", server.url("/download/7")),
            // A UTF-16BE title with a byte order mark.
            ("Revue annuelle du commerce frontalier — 2024", server.url("/revue.pdf")),
        ],
    );
    let (out, report) = check(&[], &path);
    out.code(1);
    let refs = references(&report);
    let verdicts: Vec<&str> = refs.iter().map(|r| r["check"]["verdict"].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["ok", "title-mismatch", "ok", "ok", "ok", "ok"], "{report:#}");
    // The title comes from the document information dictionary…
    assert_eq!(refs[0]["check"]["page_title"], "Report of the Permanent Indus Commission 2014–2024");
    assert_eq!(refs[0]["check"]["title_match"], "match");
    // …a different one is a mismatch, shown with the PDF's title…
    assert_eq!(refs[1]["check"]["page_title"], "Report of the Permanent Indus Commission 2014–2024");
    assert!(messages(&refs[1]).contains("title-mismatch"), "{}", messages(&refs[1]));
    // …with no title in the metadata, the largest text on the first page is the title…
    assert_eq!(refs[2]["check"]["page_title"], "Glacial Melt and the Upper Indus Basin");
    // …and a word processor's junk title gives way to the first page's heading.
    assert_eq!(refs[3]["check"]["page_title"], "Flood Preparedness in the Lower Indus");
    assert!(!messages(&refs[3]).contains("Microsoft Word"), "{}", messages(&refs[3]));
    assert_eq!(refs[4]["check"]["title_match"], "match");
    assert_eq!(refs[5]["check"]["page_title"], "Revue annuelle du commerce frontalier — 2024");
    for r in &refs {
        let m = messages(r);
        assert!(!m.contains("no-page-title"), "note {}: {m}", r["label"]);
        // The files were made when the fixtures were generated, after the (uncited) dates.
        assert!(!m.contains("date-differs"), "note {}: {m}", r["label"]);
    }
}

#[test]
fn a_pdf_over_the_limit_or_unreadable_is_reported_not_read() {
    let big = web_pdf("commission-report.pdf");
    let mut garbage = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n".to_vec();
    garbage.extend(std::iter::repeat_n(b'x', 4000));
    let server = TestServer::builder()
        .route("/big.pdf", Reply::bytes(200, "application/pdf", big.clone()))
        .route("/broken.pdf", Reply::bytes(200, "application/pdf", garbage))
        .route("/empty.pdf", Reply::bytes(200, "application/pdf", Vec::new()))
        .route("/panics.pdf", Reply::bytes(200, "application/pdf", panicking_pdf()))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let path = brief(
        &dir,
        &[
            ("Report of the Permanent Indus Commission 2014–2024", server.url("/big.pdf")),
            ("A Broken Report on Rivers", server.url("/broken.pdf")),
            ("An Empty Report on Rivers", server.url("/empty.pdf")),
            ("A Report the Library Fails On", server.url("/panics.pdf")),
        ],
    );
    let (out, report) = check(&["--max-pdf-bytes", "10000"], &path);
    out.code(0);
    let refs = references(&report);
    assert_eq!(refs.len(), 4);
    for r in &refs {
        assert_eq!(r["check"]["verdict"], "ok", "the link resolves: {r:#}");
        assert_eq!(r["check"]["status"], 200);
    }
    let big_message = messages(&refs[0]);
    assert!(
        big_message.contains("no-page-title")
            && big_message.contains("larger than the 10000 bytes read")
            && big_message.contains("--max-pdf-bytes"),
        "{big_message}"
    );
    let broken = messages(&refs[1]);
    assert!(broken.contains("no-page-title") && broken.contains("PDF"), "{broken}");
    assert!(messages(&refs[2]).contains("no-page-title"), "{}", messages(&refs[2]));
    let panicked = messages(&refs[3]);
    assert!(panicked.contains("no-page-title") && panicked.contains("PDF library failed"), "{panicked}");
    assert!(!out.stderr.contains("panicked"), "the caught panic stays quiet: {}", out.stderr);
    // The whole file under the default limit is read.
    let (_, report) = check(&[], &path);
    assert_eq!(references(&report)[0]["check"]["title_match"], "match");
}

#[test]
fn pdf_documents_are_extracted_with_pages() {
    let path = root().join("fixtures/docs/pdf/indus-waters-runover.pdf");
    let (out, report) = citecheck(["extract", "--format", "json"]).arg(&path).json();
    out.code(0);
    let doc = &report["documents"][0];
    assert_eq!(doc["format"], "pdf");
    let refs = doc["references"].as_array().unwrap();
    assert_eq!(refs.len(), 12);
    let pages: Vec<u64> = refs.iter().map(|r| r["page"].as_u64().unwrap()).collect();
    assert_eq!(pages, [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2]);
    // Note 5 runs over from page 1 to page 2: one note, its text whole and in order.
    let five = refs[4]["text"].as_str().unwrap();
    assert!(five.starts_with("Syed Ali, “Kishanganga"), "{five}");
    assert!(
        five.contains("allow India to manipulate the flow of the Jhelum and the Chenab at times that matter"),
        "{five}"
    );
    assert!(five.ends_with("have not been published for three years running."), "{five}");
    // Note 6 starts after it on page 2, not inside it.
    assert!(refs[5]["text"].as_str().unwrap().starts_with("Indus River System Authority"));
    // The human table shows the page beside the line.
    citecheck(["extract"]).arg(&path).run().code(0).stdout_has("(p. 2)");
    // A text document has no pages.
    let (_, report) = citecheck(["extract", "--format", "json", "fixtures/docs/lint/clean.md"]).json();
    assert!(report["documents"][0]["references"][0].get("page").is_none());
}

#[test]
fn unreadable_pdf_documents_stop_with_one_line_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.pdf");
    std::fs::write(&broken, b"%PDF-1.4\nthis is not a PDF at all\n").unwrap();
    let out = citecheck(["extract"]).arg(&broken).run();
    out.code(2).stderr_has("broken.pdf");
    assert!(out.stderr.contains("PDF"), "{}", out.stderr);
    assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    // A file the PDF library panics on: the same one line, and no panic message.
    let panics = dir.path().join("panics.pdf");
    std::fs::write(&panics, panicking_pdf()).unwrap();
    let out = citecheck(["extract"]).arg(&panics).run();
    out.code(2).stderr_has("panics.pdf").stderr_has("the PDF library failed on it");
    assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    std::fs::remove_file(&panics).unwrap();
    // Read from standard input, a PDF is recognised by its bytes.
    let pdf = std::fs::read(root().join("fixtures/docs/pdf/issi-brief-resetting-ties.pdf")).unwrap();
    let (out, report) = citecheck(["extract", "--format", "json", "-"]).stdin(pdf).json();
    out.code(0);
    assert_eq!(report["documents"][0]["format"], "pdf");
    assert_eq!(report["documents"][0]["references"].as_array().unwrap().len(), 9);
    // A directory walk picks PDFs up.
    std::fs::copy(root().join("fixtures/docs/pdf/issi-brief-resetting-ties.pdf"), dir.path().join("a.pdf")).unwrap();
    std::fs::remove_file(&broken).unwrap();
    let (out, report) = citecheck(["extract", "--format", "json"]).arg(dir.path()).json();
    out.code(0);
    assert_eq!(report["documents"][0]["format"], "pdf");
}

#[test]
fn findings_in_a_pdf_document_name_their_page() {
    let server = TestServer::builder().fallback(Reply::status(404)).start();
    let path = root().join("fixtures/docs/pdf/indus-waters-runover.pdf");
    let out = citecheck(["check", "--format", "github", "--allow-private", "--no-progress", "--attempts", "1"])
        .arg("--host-interval")
        .arg("0ms")
        .arg("--remap")
        .arg(format!(r"^https?://([^/]+)/(.*)$ {}/$1/$2", server.base_url()))
        .arg(&path)
        .run();
    out.code(1);
    assert!(out.stdout.contains("note 1 (page 1): "), "{}", out.stdout);
    assert!(out.stdout.contains("note 12 (page 2): "), "{}", out.stdout);
}
