//! Tests of the .docx reader on small packages built in memory, one XML shape or guard each.

use std::path::Path;

use super::package::tests::zip_of;
use super::*;
use crate::document::{Document, Format, LoadOptions};
use crate::error::Error;

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

const SEPARATORS: &str = r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"#;

/// The parts of a test package; `None` leaves a part out.
#[derive(Default)]
struct Pkg<'a> {
    body: &'a str,
    footnotes: Option<&'a str>,
    endnotes: Option<&'a str>,
    settings: Option<&'a str>,
    footnote_rels: Option<&'a str>,
    endnote_rels: Option<&'a str>,
}

fn rels(pairs: &[(&str, &str)]) -> String {
    let mut s = String::from(r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#);
    for (id, target) in pairs {
        s.push_str(&format!(
            r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="{target}" TargetMode="External"/>"#
        ));
    }
    s.push_str("</Relationships>");
    s
}

fn build(p: &Pkg<'_>) -> Vec<u8> {
    let document = format!("<w:document {NS}><w:body>{}</w:body></w:document>", p.body);
    let footnotes = p.footnotes.map(|f| format!("<w:footnotes {NS}>{SEPARATORS}{f}</w:footnotes>"));
    let endnotes = p.endnotes.map(|f| format!("<w:endnotes {NS}>{f}</w:endnotes>"));
    let settings = p.settings.map(|s| format!("<w:settings {NS}>{s}</w:settings>"));
    let mut files: Vec<(&str, Vec<u8>)> = vec![("word/document.xml", document.into_bytes())];
    for (name, content) in [
        ("word/footnotes.xml", footnotes),
        ("word/endnotes.xml", endnotes),
        ("word/settings.xml", settings),
        ("word/_rels/footnotes.xml.rels", p.footnote_rels.map(str::to_owned)),
        ("word/_rels/endnotes.xml.rels", p.endnote_rels.map(str::to_owned)),
    ] {
        if let Some(c) = content {
            files.push((name, c.into_bytes()));
        }
    }
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (*n, c.as_slice())).collect();
    zip_of(&refs)
}

fn read(p: &Pkg<'_>) -> Document {
    crate::document::parse(Path::new("brief.docx"), &build(p), None).expect("reads")
}

fn para(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

fn note(kind: &str, id: &str, inner: &str) -> String {
    format!(
        "<w:{kind} w:id=\"{id}\"><w:p><w:r><w:{kind}Ref/></w:r><w:r><w:t xml:space=\"preserve\"> {inner}</w:t></w:r></w:p></w:{kind}>"
    )
}

fn fref(id: &str) -> String {
    format!("<w:r><w:footnoteReference w:id=\"{id}\"/></w:r>")
}

fn eref(id: &str) -> String {
    format!("<w:r><w:endnoteReference w:id=\"{id}\"/></w:r>")
}

fn labels(doc: &Document) -> Vec<&str> {
    doc.notes.iter().map(|n| n.label.as_str()).collect()
}

#[test]
fn footnotes_are_numbered_in_reference_order_and_rendered_one_paragraph_per_line() {
    // Ids out of order: Word numbers by where the references are, not by id.
    let body = format!(
        "{}<w:p><w:r><w:t>Talks resumed.</w:t></w:r>{}<w:r><w:t xml:space=\"preserve\"> Trade grew.</w:t></w:r>{}</w:p>",
        para("Title"),
        fref("7"),
        fref("3")
    );
    let footnotes = format!("{}{}", note("footnote", "3", "Second note."), note("footnote", "7", "First note."));
    let doc = read(&Pkg { body: &body, footnotes: Some(&footnotes), ..Pkg::default() });
    assert_eq!(doc.format, Format::Docx);
    assert_eq!(doc.text, "Title\nTalks resumed.1 Trade grew.2\n1 First note.\n2 Second note.\n");
    assert_eq!(labels(&doc), ["1", "2"]);
    assert_eq!(doc.notes[0].text, "First note.");
    assert_eq!((doc.notes[0].span.line, doc.notes[0].span.column), (3, 1));
    let m: Vec<(&str, u32, u32)> = doc.markers.iter().map(|m| (m.label.as_str(), m.span.line, m.span.column)).collect();
    assert_eq!(m, [("1", 2, 15), ("2", 2, 28)]);
    assert_eq!(doc.notes[1].markers.len(), 1);
    // The body is the paragraphs without their markers, and without the notes.
    assert_eq!(doc.body_text(), "Title\nTalks resumed. Trade grew.\n");
}

#[test]
fn endnotes_default_to_lower_roman_and_settings_and_sections_choose_formats() {
    let body = format!("<w:p>{}{}{}{}</w:p>", fref("1"), eref("1"), fref("2"), eref("2"));
    let footnotes = format!("{}{}", note("footnote", "1", "F1."), note("footnote", "2", "F2."));
    let endnotes = format!("{}{}", note("endnote", "1", "E1."), note("endnote", "2", "E2."));
    let doc = read(&Pkg { body: &body, footnotes: Some(&footnotes), endnotes: Some(&endnotes), ..Pkg::default() });
    assert_eq!(labels(&doc), ["1", "2", "i", "ii"]);

    let settings = r#"<w:footnotePr><w:numFmt w:val="upperLetter"/><w:numStart w:val="3"/></w:footnotePr><w:endnotePr><w:numFmt w:val="decimal"/></w:endnotePr>"#;
    let doc = read(&Pkg {
        body: &body,
        footnotes: Some(&footnotes),
        endnotes: Some(&endnotes),
        settings: Some(settings),
        ..Pkg::default()
    });
    assert_eq!(labels(&doc), ["C", "D", "1", "2"]);

    // A section's own properties win over the settings; the last section's sectPr closes the body.
    let body = format!(
        "<w:p>{}<w:pPr><w:sectPr><w:footnotePr><w:numFmt w:val=\"chicago\"/></w:footnotePr></w:sectPr></w:pPr></w:p><w:p>{}</w:p><w:sectPr><w:footnotePr><w:numFmt w:val=\"lowerRoman\"/><w:numRestart w:val=\"eachSect\"/></w:footnotePr></w:sectPr>",
        fref("1"),
        fref("2")
    );
    let doc = read(&Pkg { body: &body, footnotes: Some(&footnotes), ..Pkg::default() });
    assert_eq!(labels(&doc), ["*", "i"]);
}

#[test]
fn decimal_endnotes_beside_decimal_footnotes_keep_their_own_markers() {
    let body = format!("<w:p>{}{}</w:p>", fref("1"), eref("1"));
    let footnotes = note("footnote", "1", "A footnote.");
    let endnotes = note("endnote", "1", "An endnote.");
    let settings = r#"<w:endnotePr><w:numFmt w:val="decimal"/></w:endnotePr>"#;
    let doc = read(&Pkg {
        body: &body,
        footnotes: Some(&footnotes),
        endnotes: Some(&endnotes),
        settings: Some(settings),
        ..Pkg::default()
    });
    assert_eq!(labels(&doc), ["1", "endnote 1"]);
    assert_eq!(doc.notes[1].markers.len(), 1, "the endnote's marker links to the endnote");
    assert_eq!(doc.notes[0].markers.len(), 1);
}

#[test]
fn custom_marks_are_the_text_after_the_reference() {
    let body = format!(
        "<w:p><w:r><w:t>Claim</w:t></w:r><w:r><w:footnoteReference w:customMarkFollows=\"1\" w:id=\"4\"/><w:t>†</w:t></w:r>{}</w:p>",
        fref("5")
    );
    // The custom mark is typed at the start of its note as well.
    let footnotes = format!(
        "<w:footnote w:id=\"4\"><w:p><w:r><w:t>†</w:t></w:r><w:r><w:tab/><w:t>Dagger note.</w:t></w:r></w:p></w:footnote>{}",
        note("footnote", "5", "Numbered note.")
    );
    let doc = read(&Pkg { body: &body, footnotes: Some(&footnotes), ..Pkg::default() });
    assert_eq!(labels(&doc), ["†", "1"]);
    assert_eq!(doc.notes[0].text, "Dagger note.");
    assert_eq!(doc.text.lines().next(), Some("Claim†1"));
    assert_eq!(doc.markers[0].span.column, 6);
    assert_eq!(doc.markers[1].span.column, 7);

    // The mark in the run after the reference's own.
    let body = "<w:p><w:r><w:footnoteReference w:customMarkFollows=\"true\" w:id=\"4\"/></w:r><w:r><w:t>‡</w:t></w:r><w:r><w:t xml:space=\"preserve\"> after</w:t></w:r></w:p>";
    let footnotes = "<w:footnote w:id=\"4\"><w:p><w:r><w:t>Note.</w:t></w:r></w:p></w:footnote>";
    let doc = read(&Pkg { body, footnotes: Some(footnotes), ..Pkg::default() });
    assert_eq!(labels(&doc), ["‡"]);
    assert_eq!(doc.text, "‡ after\n‡ Note.\n");
}

#[test]
fn hyperlinks_come_from_each_notes_part_own_relationships() {
    let body = format!("<w:p>{}{}</w:p>", fref("1"), eref("1"));
    let footnotes = r#"<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">Dawn, </w:t></w:r><w:hyperlink r:id="rId1"><w:r><w:t>the story</w:t></w:r></w:hyperlink><w:hyperlink w:anchor="_Toc1"><w:r><w:t> (above)</w:t></w:r></w:hyperlink></w:p></w:footnote>"#;
    let endnotes = r#"<w:endnote w:id="1"><w:p><w:hyperlink r:id="rId1"><w:r><w:t>report</w:t></w:r></w:hyperlink></w:p></w:endnote>"#;
    let frels = rels(&[("rId1", "https://www.dawn.com/news/1?a=1&amp;b=2")]);
    let erels = rels(&[("rId1", "https://example.org/report")]);
    let doc = read(&Pkg {
        body: &body,
        footnotes: Some(footnotes),
        endnotes: Some(endnotes),
        footnote_rels: Some(&frels),
        endnote_rels: Some(&erels),
        ..Pkg::default()
    });
    let links: Vec<(&str, &str)> =
        doc.notes.iter().flat_map(|n| &n.links).map(|l| (l.href.as_str(), l.text.as_str())).collect();
    assert_eq!(links, [("https://www.dawn.com/news/1?a=1&b=2", "the story"), ("https://example.org/report", "report")]);
    let refs = crate::reference::references(&doc);
    assert_eq!(refs[0].urls, ["https://www.dawn.com/news/1?a=1&b=2"]);
}

#[test]
fn field_code_hyperlinks_simple_and_complex() {
    let body = format!("<w:p>{}{}{}</w:p>", fref("1"), fref("2"), fref("3"));
    let footnotes = [
        r#"<w:footnote w:id="1"><w:p><w:fldSimple w:instr=" HYPERLINK &quot;https://a.example/simple&quot; "><w:r><w:t>simple</w:t></w:r></w:fldSimple></w:p></w:footnote>"#,
        // The code split over runs, a tooltip, and a result in two runs.
        r#"<w:footnote w:id="2"><w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "https://b.example/</w:instrText></w:r><w:r><w:instrText>complex" \o "tip"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>com</w:t></w:r><w:r><w:t>plex</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:footnote>"#,
        // A link to a bookmark is no citation; the field's code is never shown.
        r#"<w:footnote w:id="3"><w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK \l "_Ref1" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>see above</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:footnote>"#,
    ]
    .concat();
    let doc = read(&Pkg { body: &body, footnotes: Some(&footnotes), ..Pkg::default() });
    let links: Vec<Vec<(&str, &str)>> =
        doc.notes.iter().map(|n| n.links.iter().map(|l| (l.href.as_str(), l.text.as_str())).collect()).collect();
    assert_eq!(
        links,
        [vec![("https://a.example/simple", "simple")], vec![("https://b.example/complex", "complex")], vec![]]
    );
    assert_eq!(doc.notes[2].text, "see above");
    assert!(!doc.text.contains("HYPERLINK"));
}

#[test]
fn hyperlink_field_codes() {
    assert_eq!(
        story::hyperlink_field(r#"HYPERLINK "https://x.example/a b""#).as_deref(),
        Some("https://x.example/a b")
    );
    assert_eq!(story::hyperlink_field("hyperlink https://x.example/ \\o tip").as_deref(), Some("https://x.example/"));
    assert_eq!(
        story::hyperlink_field(r#"HYPERLINK \o "tip" "https://x.example/""#).as_deref(),
        Some("https://x.example/")
    );
    assert_eq!(story::hyperlink_field(r#"HYPERLINK \l "_Toc12""#), None);
    assert_eq!(story::hyperlink_field("PAGEREF _Toc1"), None);
    assert_eq!(story::hyperlink_field("HYPERLINK \""), None);
    assert_eq!(story::hyperlink_field("HYPERLINKé"), None);
}

#[test]
fn what_word_does_not_show_is_left_out() {
    let body = concat!(
        // Tracked changes: deleted text out, inserted text in.
        r#"<w:p><w:r><w:t xml:space="preserve">Kept </w:t></w:r><w:del><w:r><w:delText>gone </w:delText></w:r></w:del><w:ins><w:r><w:t>added</w:t></w:r></w:ins></w:p>"#,
        // Alternate content: the choice, not its fallback copy.
        r#"<w:p><mc:AlternateContent><mc:Choice Requires="wps"><w:r><w:t>choice</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>fallback</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>"#,
        // A field shows its result, not its code; tabs and breaks are white space.
        r#"<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:tab/><w:t>a</w:t><w:br/><w:t>b</w:t></w:r></w:p>"#,
        // Text outside w:t (white space between elements) is not text.
        "<w:p>\n  <w:r>\n <w:t>x</w:t>\n </w:r>\n</w:p>",
    );
    let doc = read(&Pkg { body, ..Pkg::default() });
    assert_eq!(doc.text, "Kept added\nchoice\n7\ta b\nx\n");
}

#[test]
fn tables_and_text_boxes_give_one_line_per_paragraph() {
    let body = format!(
        "<w:tbl><w:tr><w:tc>{}{}</w:tc><w:tc><w:p><w:r><w:t>cell</w:t></w:r>{}</w:p></w:tc></w:tr></w:tbl>{}",
        para("a1"),
        para("a2"),
        fref("1"),
        // A text box: its paragraph ends first, so it comes first.
        "<w:p><w:r><w:t>outer</w:t></w:r><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>in box</w:t></w:r></w:p></w:txbxContent></w:pict></w:r></w:p>"
    );
    let footnotes = note("footnote", "1", "Table note.");
    let doc = read(&Pkg { body: &body, footnotes: Some(&footnotes), ..Pkg::default() });
    assert_eq!(doc.text, "a1\na2\ncell1\nin box\nouter\n1 Table note.\n");
    assert_eq!((doc.markers[0].span.line, doc.markers[0].span.column), (3, 5));
}

#[test]
fn italics_are_marked_for_the_citation_reader_and_old_formatting_is_ignored() {
    let body = format!("<w:p>{}</w:p>", fref("1"));
    let footnotes = concat!(
        r#"<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">A. Writer, “Title”, </w:t></w:r>"#,
        r#"<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve"> The </w:t></w:r><w:r><w:rPr><w:i w:val="1"/></w:rPr><w:t>Paper</w:t></w:r>"#,
        // Not italic now, only before a tracked format change.
        r#"<w:r><w:rPr><w:rPrChange w:id="9"><w:rPr><w:i/></w:rPr></w:rPrChange></w:rPr><w:t xml:space="preserve">, 2024, </w:t></w:r>"#,
        r#"<w:r><w:rPr><w:i w:val="false"/></w:rPr><w:t>roman</w:t></w:r></w:p></w:footnote>"#,
    );
    let doc = read(&Pkg { body: &body, footnotes: Some(footnotes), ..Pkg::default() });
    assert_eq!(doc.notes[0].text, "A. Writer, “Title”, *The Paper*, 2024, roman");
    assert!(!doc.text.contains('*'));
    let refs = crate::reference::references(&doc);
    assert_eq!(refs[0].container.as_deref(), Some("The Paper"));
}

#[test]
fn unreferenced_notes_and_references_to_missing_notes_are_kept_for_the_lint() {
    let body = format!("<w:p>{}{}</w:p>", fref("1"), fref("8"));
    let footnotes = format!("{}{}", note("footnote", "1", "Used."), note("footnote", "9", "Never referenced."));
    let doc = read(&Pkg { body: &body, footnotes: Some(&footnotes), ..Pkg::default() });
    assert_eq!(labels(&doc), ["1", "footnote id 9"]);
    let refs = crate::reference::references(&doc);
    let rules: Vec<&str> = crate::lint::lint(&doc, &refs).iter().map(|f| f.rule.id()).collect();
    assert!(rules.contains(&"orphan-marker"), "{rules:?}");
    assert!(rules.contains(&"unreferenced-note"), "{rules:?}");
}

#[test]
fn malformed_xml_never_panics_and_names_the_part() {
    // Unbalanced tags are read as they come.
    let body = "<w:p><w:r><w:t>open</w:t></w:p></w:r></w:tbl><w:p><w:r><w:t>next</w:t>";
    let doc = read(&Pkg { body, ..Pkg::default() });
    assert_eq!(doc.text, "open\nnext\n");
    // An unterminated tag is an error naming file and part.
    let bad = zip_of(&[("word/document.xml", b"<w:document><w:body><w:p")]);
    let err = crate::document::parse(Path::new("brief.docx"), &bad, None).unwrap_err();
    let shown = err.to_string();
    assert!(matches!(err, Error::Docx { problem: DocxError::Xml { .. }, .. }), "{shown}");
    assert!(shown.starts_with("brief.docx: word/document.xml: "), "{shown}");
}

#[test]
fn entities_are_never_expanded_beyond_the_predefined_ones() {
    // A document type that defines entities (the "billion laughs") defines nothing here.
    let document = format!(
        r#"<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><w:document {NS}><w:body><w:p><w:r><w:t>&b; &amp; &#x263A; &#65;</w:t></w:r></w:p></w:body></w:document>"#
    );
    let bytes = zip_of(&[("word/document.xml", document.as_bytes())]);
    let doc = crate::document::parse(Path::new("x.docx"), &bytes, None).unwrap();
    assert_eq!(doc.text, "&b; & ☺ A\n");
}

#[test]
fn utf16_parts_are_read() {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-16"?><w:document {NS}><w:body><w:p><w:r><w:t>Ünïcode</w:t></w:r></w:p></w:body></w:document>"#
    );
    let mut bytes = vec![0xFF, 0xFE];
    for u in document.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let zip = zip_of(&[("word/document.xml", &bytes)]);
    let doc = crate::document::parse(Path::new("x.docx"), &zip, None).unwrap();
    assert_eq!(doc.text, "Ünïcode\n");
}

#[test]
fn the_main_part_is_found_through_the_package_relationships() {
    let document = format!("<w:document {NS}><w:body>{}</w:body></w:document>", para("Moved"));
    let pkg_rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
    let zip = zip_of(&[("_rels/.rels", pkg_rels.as_bytes()), ("word/document2.xml", document.as_bytes())]);
    assert!(is_docx(&zip));
    let doc = crate::document::parse(Path::new("x.docx"), &zip, None).unwrap();
    assert_eq!(doc.text, "Moved\n");
}

#[test]
fn relationship_targets_resolve_against_their_part() {
    assert_eq!(resolve("word", "footnotes.xml"), "word/footnotes.xml");
    assert_eq!(resolve("word", "../customXml/item.xml"), "customXml/item.xml");
    assert_eq!(resolve("word", "/word/endnotes.xml"), "word/endnotes.xml");
    assert_eq!(resolve("", "word/document.xml"), "word/document.xml");
}

#[test]
fn detection_by_content_and_by_name() {
    let zip = build(&Pkg { body: &para("Hello"), ..Pkg::default() });
    // A Word document is read as one whatever it is called, or from standard input.
    for name in ["brief.txt", "<stdin>", "brief.docx"] {
        let doc = crate::document::parse(Path::new(name), &zip, None).unwrap();
        assert_eq!(doc.format, Format::Docx, "{name}");
    }
    // A zip without a Word document is not one; named .docx, it is an error that says so.
    let other = zip_of(&[("content.xml", b"<x/>")]);
    assert!(!is_docx(&other));
    let err = crate::document::parse(Path::new("a.docx"), &other, None).unwrap_err();
    assert!(matches!(err, Error::Docx { problem: DocxError::NotWord, .. }), "{err}");
    let err = crate::document::parse(Path::new("a.docx"), b"not a zip at all", None).unwrap_err();
    assert!(matches!(err, Error::Docx { problem: DocxError::NotZip { .. }, .. }), "{err}");
    // An explicit format wins: the same bytes read as text are binary.
    let options = LoadOptions { format: Some(Format::Text), ..LoadOptions::default() };
    assert!(crate::document::parse_with(Path::new("a.docx"), &zip, &options).is_err());
    // An empty document is empty.
    let empty = build(&Pkg { body: "<w:p/>", ..Pkg::default() });
    assert!(matches!(crate::document::parse(Path::new("e.docx"), &empty, None), Err(Error::Empty { .. })));
}

#[test]
fn the_limits_of_load_options_reach_the_package() {
    let zip = build(&Pkg { body: &para(&"word ".repeat(2000)), ..Pkg::default() });
    let options =
        LoadOptions { docx: DocxLimits { max_part_bytes: 1000, ..DocxLimits::default() }, ..LoadOptions::default() };
    let err = crate::document::parse_with(Path::new("big.docx"), &zip, &options).unwrap_err();
    assert!(err.to_string().contains("word/document.xml"), "{err}");
    assert!(matches!(err, Error::Docx { problem: DocxError::PartTooLarge { .. }, .. }));
}

#[test]
fn every_prefix_and_every_byte_flip_of_a_package_is_an_answer_not_a_panic() {
    let body = format!("<w:p><w:r><w:t>Text</w:t></w:r>{}</w:p>", fref("1"));
    let footnotes = note("footnote", "1", "Note https://a.example/x");
    let zip = build(&Pkg { body: &body, footnotes: Some(&footnotes), ..Pkg::default() });
    for end in 0..zip.len() {
        let _ = crate::document::parse(Path::new("p.docx"), &zip[..end], None);
    }
    let mut flipped = zip.clone();
    for (i, &original) in zip.iter().enumerate() {
        flipped[i] = original ^ 0x5A;
        let _ = crate::document::parse(Path::new("p.docx"), &flipped, None);
        flipped[i] = original;
    }
}

#[test]
fn a_paragraph_of_a_note_can_silence_it() {
    let body = format!("<w:p>{}{}</w:p>", fref("1"), fref("2"));
    let footnotes = format!(
        "{}{}",
        r#"<w:footnote w:id="1"><w:p><w:r><w:t>Paywalled report, https://x.example/r</w:t></w:r></w:p><w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>citecheck-ignore: checked against the print edition</w:t></w:r></w:p></w:footnote>"#,
        note("footnote", "2", "Kept.")
    );
    let doc = read(&Pkg { body: &body, footnotes: Some(&footnotes), ..Pkg::default() });
    assert_eq!(doc.notes[0].ignore.as_deref(), Some("checked against the print edition"));
    assert_eq!(doc.notes[0].text, "Paywalled report, https://x.example/r");
    assert_eq!(doc.notes[1].ignore, None);
}
