//! Properties that hold for every input, checked on generated ones: extraction never panics and
//! its positions stay inside the text and agree with it; normalisation is idempotent; a title
//! matches itself; dates survive display and parsing.

use std::path::Path;

use citecheck::PartialDate;
use citecheck::document::{Document, Format, parse};
use citecheck::matching::{TitleGrade, compare_titles, normalize};
use citecheck::page::{TitleCandidate, TitleSource};
use citecheck::span::Span;
use proptest::prelude::*;

/// Pieces that footnoted documents are made of, in every format, plus awkward characters, so
/// that generated texts are full of markers, notes and near-misses rather than random noise.
fn piece() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "¹",
        "²",
        "³",
        "¹²",
        "⁴⁵",
        "⁰",
        "[1]",
        "[2]",
        "[12]",
        "(1)",
        "(3)",
        "^1",
        "^2",
        "[^1]",
        "[^2]",
        "[^note]",
        "[^1]: ",
        "[^2]: ",
        "\n[^1]: ",
        "\n¹ ",
        "\n² ",
        "\n[1] ",
        "\n1. ",
        "\n12 ",
        "\nNotes\n",
        "\nReferences\n",
        "\n____\n",
        "\n\n",
        "\n",
        "\r\n",
        "\t",
        " ",
        "    ",
        ". ",
        ", ",
        "“",
        "”",
        "‘",
        "’",
        "\"",
        "'",
        "é",
        "中文",
        "🙂",
        "\u{200b}",
        "\u{feff}",
        "\u{301}",
        "Ibid.",
        "op. cit.",
        "https://news.test/a",
        "<https://x.test/b>",
        "http://",
        "www.",
        "doi:10.1000/182",
        "2025",
        "March 23, 2025",
        "Accessed 1 May 2024",
        "*Dawn*",
        "_The Times_",
        "<sup>",
        "</sup>",
        "<sup><a href=\"#fn1\">1</a></sup>",
        "<a href=\"#fn2\" id=\"r2\">2</a>",
        "<li id=\"fn1\">",
        "</li>",
        "<ol>",
        "</ol>",
        "<p>",
        "</p>",
        "<br>",
        "<!--",
        "-->",
        "<",
        ">",
        "&amp;",
        "&#x2;",
        "<a href=\"",
        "\">",
        "[",
        "]",
        "(",
        ")",
        "^",
        ":",
        "-",
        "—",
        "…",
        "...",
        "word",
        "Title of a page",
        "A. Author",
    ]);
    prop_oneof![
        6 => fixed.prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
        1 => prop::collection::vec(prop::sample::select(('a'..='z').chain('A'..='Z').chain('0'..='9').chain([' ']).collect::<Vec<char>>()), 1..12)
            .prop_map(|cs| cs.into_iter().collect::<String>()),
    ]
}

fn document_text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..60).prop_map(|pieces| pieces.concat())
}

/// Line and column (1-based, characters) of byte `at` in `text`, counted the slow, obvious way.
fn position(text: &str, at: usize) -> (u32, u32) {
    let before = &text[..at];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..at].chars().count() as u32 + 1)
}

fn check_span(doc: &Document, span: Span, what: &str) -> Result<(), TestCaseError> {
    let text = &doc.text;
    prop_assert!(span.start <= span.end && span.end <= text.len(), "{what} {span:?} outside {} bytes", text.len());
    prop_assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} {span:?} splits a character"
    );
    prop_assert_eq!((span.line, span.column), position(text, span.start), "{} {:?}", what, span);
    Ok(())
}

fn check_document(text: &str, format: Format) -> Result<(), TestCaseError> {
    let Ok(doc) = parse(Path::new("generated"), text.as_bytes(), Some(format)) else {
        // Empty or binary input is refused with an error, which is fine; a panic is not.
        return Ok(());
    };
    for note in &doc.notes {
        check_span(&doc, note.span, "note")?;
        for m in &note.markers {
            check_span(&doc, *m, "note marker")?;
        }
    }
    for marker in &doc.markers {
        check_span(&doc, marker.span, "marker")?;
    }
    let mut last = 0;
    for range in &doc.body {
        prop_assert!(range.start >= last && range.start <= range.end && range.end <= doc.text.len(), "body {range:?}");
        prop_assert!(doc.text.is_char_boundary(range.start) && doc.text.is_char_boundary(range.end));
        last = range.end;
    }
    let refs = citecheck::reference::references(&doc);
    prop_assert_eq!(refs.len(), doc.notes.len());
    for r in &refs {
        check_span(&doc, r.span, "reference")?;
    }
    let _ = citecheck::lint::lint(&doc, &refs);
    let _ = citecheck::DocumentReport::extract(&doc);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn text_extraction_keeps_positions_inside_the_input(text in document_text()) {
        check_document(&text, Format::Text)?;
    }

    #[test]
    fn markdown_extraction_keeps_positions_inside_the_input(text in document_text()) {
        check_document(&text, Format::Markdown)?;
    }

    #[test]
    fn html_extraction_keeps_positions_inside_the_input(text in document_text()) {
        check_document(&text, Format::Html)?;
    }

    #[test]
    fn normalisation_is_idempotent(text in document_text()) {
        let once = normalize(&text);
        prop_assert_eq!(normalize(&once), once.clone(), "normalize({:?})", text);
    }

    #[test]
    fn normalisation_of_any_characters_is_idempotent(chars in prop::collection::vec(any::<char>(), 0..40)) {
        let text: String = chars.into_iter().collect();
        let once = normalize(&text);
        prop_assert_eq!(normalize(&once), once.clone(), "normalize({:?})", text);
    }

    #[test]
    fn a_title_matches_itself(title in document_text()) {
        let page = [TitleCandidate { source: TitleSource::HtmlTitle, text: title.clone() }];
        if let Some(m) = compare_titles(&title, &page, None, None) {
            prop_assert_eq!(m.grade, TitleGrade::Match, "{:?} against itself: {:?}", title, m);
            prop_assert!((m.score - 1.0).abs() < 1e-9, "{title:?}: score {}", m.score);
        }
        // And with the page's site and host known, which enables affix stripping.
        if let Some(m) = compare_titles(&title, &page, Some("The Daily Ledger"), Some("www.ledger.test")) {
            prop_assert_eq!(m.grade, TitleGrade::Match, "{:?} against itself with a site: {:?}", title, m);
        }
    }

    #[test]
    fn partial_dates_round_trip_through_display(
        year in 1i32..=9999,
        month in prop::option::of(1u8..=12),
        day in 1u8..=31,
        with_day in any::<bool>(),
    ) {
        let day = (with_day && month.is_some()).then_some(day);
        if let Some(date) = PartialDate::new(year, month, day) {
            let shown = date.to_string();
            prop_assert_eq!(PartialDate::parse_iso(&shown), Some(date), "{}", shown);
        }
    }
}
