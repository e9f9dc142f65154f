//! PDF documents: the page layout read back into notes and markers.
//!
//! The text of a PDF document ([`Document::text`](super::Document::text)) is rendered here: one
//! line per text line, top to bottom, pages separated by a line holding only a form feed; running
//! headers, running footers and page numbers are left out. Every span points into that text, and
//! the page of each position is kept for people ([`Document::page_of`](super::Document::page_of)).
//!
//! - **Markers** are raised runs of digits in the body (smaller than their line and above its
//!   baseline): `January¹`, `trip.¹²`, `2011⁸`. They are rendered as superscript digits.
//! - **The note zone** of a page is the run of lines at its foot set smaller than the body,
//!   under a separator rule when the page has one; a line there starts a note when it begins
//!   with a raised number, or with the number expected next. Lines before the first label of a
//!   page continue the last note of the page before (a note that runs over a page break).
//! - **Links**: the URI of each link annotation (`/Annots`, `/Link`, `/A /URI`) is attached to
//!   the note whose line its rectangle covers, with the covered text as the link's text; it is
//!   more reliable than the printed URL, which wraps and is sometimes not printed at all.

use std::ops::Range;
use std::sync::Arc;

use super::{Link, Parsed, RawMarker, RawNote};
use crate::pdf::layout::{self, Line};
use crate::pdf::{self, LinkArea, Page, PdfError, PdfLimits, Want};

/// A line smaller than this fraction of the body size is small print (notes, captions).
const SMALL: f64 = 0.92;

/// What a PDF document gives: the rendered text, positions, and where each page starts.
#[derive(Debug, Default)]
pub(crate) struct PdfText {
    pub(crate) text: String,
    pub(crate) parsed: Parsed,
    /// Byte offset where each page read starts, in order.
    pub(crate) pages: Vec<usize>,
    /// Pages the PDF has and pages read (fewer when the pages limit cut it).
    pub(crate) page_count: u32,
    pub(crate) pages_read: u32,
    /// Glyphs were left out (the glyphs limit).
    pub(crate) glyphs_cut: bool,
}

/// Reads a PDF document.
pub(crate) fn parse(bytes: &[u8], limits: PdfLimits) -> Result<PdfText, PdfError> {
    let pdf = pdf::read(Arc::from(bytes), limits, Want::Pages(limits.max_pages))?;
    let mut out = layout_pages(&pdf.pages);
    out.page_count = pdf.page_count;
    out.pages_read = u32::try_from(pdf.pages.len()).unwrap_or(u32::MAX);
    out.glyphs_cut = pdf.glyphs_cut;
    Ok(out)
}

/// A line of a page with its role.
struct Placed {
    line: Line,
    /// In the page's note zone.
    note_zone: bool,
    /// The URI of the link under the line's first and last characters.
    first_uri: Option<String>,
    last_uri: Option<String>,
    /// Links on this line: (uri, covered text).
    links: Vec<(String, String)>,
}

/// The document's layout, pure: pages of glyphs → text, notes, markers, body ranges.
pub(crate) fn layout_pages(pages: &[Page]) -> PdfText {
    let lined: Vec<Vec<Line>> = pages.iter().map(layout::lines).collect();
    let all: Vec<Line> = lined.iter().flatten().cloned().collect();
    let body_size = crate::pdf::meta::body_size(&all).unwrap_or(10.0);
    let running = running_lines(pages, &lined);
    let mut out = PdfText::default();
    let mut note: Option<Building> = None;
    let mut notes: Vec<RawNote> = Vec::new();
    let mut last_label: Option<u32> = None;
    for (p, (page, lines)) in pages.iter().zip(&lined).enumerate() {
        if p > 0 {
            out.text.push_str("\u{c}\n");
        }
        out.pages.push(out.text.len());
        let kept: Vec<&Line> =
            lines.iter().enumerate().filter(|(i, _)| !running.contains(&(p, *i))).map(|(_, l)| l).collect();
        let zone_start = note_zone(page, &kept, body_size);
        let placed: Vec<Placed> =
            kept.iter().enumerate().map(|(i, l)| place((*l).clone(), i >= zone_start, &page.links)).collect();
        for line in placed {
            let start = out.text.len();
            let rendered = render(&line.line, !line.note_zone);
            out.text.push_str(&rendered.text);
            out.text.push('\n');
            if !line.note_zone {
                out.parsed.body.push(start..start + rendered.text.len() + 1);
                for (label, r) in rendered.markers {
                    out.parsed.markers.push(RawMarker { label, at: start + r.start..start + r.end });
                }
                continue;
            }
            let label = note_label(&line.line, last_label);
            match label {
                Some((label, r, number)) => {
                    if let Some(n) = note.take() {
                        notes.push(n.finish());
                    }
                    last_label = number.or(last_label);
                    let rest = line.line.text[r.end..].trim();
                    let mut b = Building {
                        label,
                        at: start + r.start..start + r.end,
                        text: String::new(),
                        links: Vec::new(),
                        last_uri: None,
                    };
                    b.push(rest, &line);
                    note = Some(b);
                }
                None => match note.as_mut() {
                    // A line with no label continues the note above it, or, at the top of a
                    // page's notes, the last note of the page before.
                    Some(b) => b.push(line.line.text.trim(), &line),
                    None => {
                        out.parsed.body.push(start..start + rendered.text.len() + 1);
                    }
                },
            }
        }
    }
    if let Some(n) = note.take() {
        notes.push(n.finish());
    }
    out.parsed.notes = notes;
    out
}

/// A note being read.
struct Building {
    label: String,
    at: Range<usize>,
    text: String,
    links: Vec<Link>,
    /// The link the text so far ends inside, to join a URL wrapped over two lines.
    last_uri: Option<String>,
}

impl Building {
    fn push(&mut self, piece: &str, line: &Placed) {
        if piece.is_empty() {
            return;
        }
        // A link wrapped over the line end: a URL goes on with no space, link text in words
        // goes on after one.
        let continued = self.last_uri.as_ref().filter(|u| line.first_uri.as_ref() == Some(*u));
        let url_wrapped = continued.is_some_and(|uri| {
            self.links
                .iter()
                .find(|l| &l.href == uri)
                .is_some_and(|l| !l.text.contains(' ') && l.text.contains(['/', '.']))
        });
        let glue = if self.text.is_empty() || url_wrapped || super::text::joins_without_space(&self.text, piece) {
            ""
        } else {
            " "
        };
        self.text.push_str(glue);
        self.text.push_str(piece);
        for (uri, shown) in &line.links {
            match self.links.iter_mut().find(|l| &l.href == uri) {
                // The same link wrapped onto this line: its text goes on.
                Some(l) if continued == Some(uri) => {
                    l.text.push_str(if url_wrapped { "" } else { " " });
                    l.text.push_str(shown);
                }
                Some(_) => {}
                None => self.links.push(Link { href: uri.clone(), text: shown.clone() }),
            }
        }
        self.last_uri = line.last_uri.clone();
    }

    fn finish(self) -> RawNote {
        RawNote { label: self.label, at: self.at, text: self.text, links: self.links, ignore: None }
    }
}

/// A line with the links whose rectangles cover it.
fn place(line: Line, note_zone: bool, links: &[LinkArea]) -> Placed {
    let mut placed = Placed { line, note_zone, first_uri: None, last_uri: None, links: Vec::new() };
    let l = &placed.line;
    let top = l.y - l.size * 0.8;
    let bottom = l.y + l.size * 0.2;
    for a in links {
        if a.y1 < top || a.y0 > bottom {
            continue;
        }
        // The rectangle must cover the line's middle, not just graze it.
        let overlap = bottom.min(a.y1) - top.max(a.y0);
        if overlap < (bottom - top) * 0.4 {
            continue;
        }
        let Some(r) = l.range_within(a.x0, a.x1) else { continue };
        let shown = l.text[r.clone()].trim().to_owned();
        if r.start == 0 || l.text[..r.start].trim().is_empty() {
            placed.first_uri = Some(a.uri.clone());
        }
        if l.text[r.end..].trim().is_empty() {
            placed.last_uri = Some(a.uri.clone());
        }
        if !placed.links.iter().any(|(u, _)| u == &a.uri) {
            placed.links.push((a.uri.clone(), shown));
        }
    }
    placed
}

/// A line rendered for the document's text: body superscripts become superscript digits.
struct Rendered {
    text: String,
    /// Marker labels with their byte ranges in `text`.
    markers: Vec<(String, Range<usize>)>,
}

fn render(line: &Line, body: bool) -> Rendered {
    if !body || line.raised.is_empty() {
        return Rendered { text: line.text.clone(), markers: Vec::new() };
    }
    let mut text = String::with_capacity(line.text.len() + 8);
    let mut markers = Vec::new();
    let mut from = 0;
    for r in &line.raised {
        text.push_str(&line.text[from..r.start]);
        let raised = &line.text[r.clone()];
        // Markers are digits; several notes at one place are written 1,2 or 1–3.
        let is_marker = raised.chars().all(|c| c.is_ascii_digit() || matches!(c, ',' | ' ' | '–' | '-'))
            && raised.chars().any(|c| c.is_ascii_digit());
        if !is_marker {
            text.push_str(raised);
            from = r.end;
            continue;
        }
        let mut label = String::new();
        let mut label_start = text.len();
        for c in raised.chars() {
            if c.is_ascii_digit() {
                if label.is_empty() {
                    label_start = text.len();
                }
                label.push(c);
                text.push(superscript(c));
            } else {
                if !label.is_empty() && label.len() <= 4 {
                    markers.push((std::mem::take(&mut label), label_start..text.len()));
                }
                label.clear();
                text.push(c);
            }
        }
        if !label.is_empty() && label.len() <= 4 {
            markers.push((label, label_start..text.len()));
        }
        from = r.end;
    }
    text.push_str(&line.text[from..]);
    Rendered { text, markers }
}

fn superscript(c: char) -> char {
    match c {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4' => '⁴',
        '5' => '⁵',
        '6' => '⁶',
        '7' => '⁷',
        '8' => '⁸',
        '9' => '⁹',
        other => other,
    }
}

/// The label a note-zone line starts with: a raised run of digits or symbols, or a number
/// (`12`, `12.`, `12)`) that is the one expected next (or any small number before the first
/// note). Returns the label, its byte range in the line, and its number.
fn note_label(line: &Line, last: Option<u32>) -> Option<(String, Range<usize>, Option<u32>)> {
    if let Some(r) = line.leading_raised() {
        let label = line.text[r.clone()].trim();
        let ok = !label.is_empty()
            && label.chars().count() <= 4
            && label
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '*' | '†' | '‡' | '§') || c.is_ascii_lowercase());
        if ok {
            let number = label.parse().ok();
            return Some((label.to_owned(), r.start..r.start + label.len(), number));
        }
    }
    let digits: String = line.text.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    let after = &line.text[digits.len()..];
    let after = after.strip_prefix(['.', ')']).unwrap_or(after);
    if !after.starts_with(char::is_whitespace) && !after.is_empty() {
        return None;
    }
    let number: u32 = digits.parse().ok()?;
    let expected = match last {
        Some(n) => number == n + 1,
        None => number <= 999,
    };
    expected.then(|| (digits.clone(), 0..digits.len(), Some(number)))
}

/// Where a page's note zone starts, as an index into its lines (`lines.len()` for none): the
/// run of small lines at the foot of the page, below the separator rule when there is one, and
/// holding a label or following one.
fn note_zone(page: &Page, lines: &[&Line], body_size: f64) -> usize {
    let small = |l: &Line| l.size < SMALL * body_size;
    let mut start = lines.len();
    while start > 0 && small(lines[start - 1]) {
        start -= 1;
    }
    if start == lines.len() {
        return start;
    }
    // A separator rule (short, in the lower part of the page) between the body and the zone
    // moves the start to the first line below it.
    let lower = page.height * 0.3;
    let rule = page
        .rules
        .iter()
        .filter(|r| r.y > lower && r.x1 - r.x0 < page.width.max(1.0) * 0.7)
        .filter(|r| lines.get(start).is_some_and(|l| r.y < l.y))
        .map(|r| r.y)
        .fold(f64::NEG_INFINITY, f64::max);
    if rule.is_finite() {
        // Small lines above the rule are small print in the body (a caption), not notes.
        let below = lines.iter().position(|l| l.y - l.size * 0.8 > rule).unwrap_or(lines.len());
        return below.max(start);
    }
    // Without a rule, small print at the foot of a page is notes only if it has a label.
    let labelled = lines[start..].iter().any(|l| l.leading_raised().is_some() || note_label(l, None).is_some());
    if labelled { start } else { lines.len() }
}

/// Running headers, running footers and page numbers: (page index, line index) of lines in the
/// top or bottom tenth of a page that repeat on other pages (digits aside) or are only a page
/// number.
fn running_lines(pages: &[Page], lined: &[Vec<Line>]) -> std::collections::HashSet<(usize, usize)> {
    use std::collections::{HashMap, HashSet};
    let band = |page: &Page, l: &Line| page.height > 0.0 && (l.y < page.height * 0.1 || l.y > page.height * 0.9);
    let key = |l: &Line| -> String {
        l.text
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c.to_ascii_lowercase() })
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    let mut counts: HashMap<String, HashSet<usize>> = HashMap::new();
    for (p, (page, lines)) in pages.iter().zip(lined).enumerate() {
        for l in lines.iter().filter(|l| band(page, l)) {
            counts.entry(key(l)).or_default().insert(p);
        }
    }
    let mut out = HashSet::new();
    for (p, (page, lines)) in pages.iter().zip(lined).enumerate() {
        for (i, l) in lines.iter().enumerate().filter(|(_, l)| band(page, l)) {
            let repeats = pages.len() > 1 && counts.get(&key(l)).is_some_and(|s| s.len() > 1);
            if repeats || is_page_number(&l.text) {
                out.insert((p, i));
            }
        }
    }
    out
}

/// `7`, `- 7 -`, `Page 7`, `Page 7 of 12`, `7 / 12`, `vii`.
fn is_page_number(text: &str) -> bool {
    let t = text.trim().trim_matches(['-', '–', '—', ' ']).to_lowercase();
    let t = t.strip_prefix("page").map_or(t.as_str(), str::trim);
    let mut parts = t.split(|c: char| c == '/' || c.is_whitespace()).filter(|s| !s.is_empty() && *s != "of");
    let numeral = |s: &str| {
        !s.is_empty()
            && s.len() <= 6
            && (s.chars().all(|c| c.is_ascii_digit()) || s.chars().all(|c| "ivxlc".contains(c)))
    };
    match (parts.next(), parts.next(), parts.next()) {
        (Some(a), None, None) => numeral(a),
        (Some(a), Some(b), None) => numeral(a) && b.chars().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::{Glyph, Rule};

    fn glyphs(s: &str, x: f64, y: f64, size: f64) -> Vec<Glyph> {
        let w = size * 0.5;
        s.chars()
            .enumerate()
            .map(|(i, c)| Glyph { x: x + i as f64 * w, y, width: w, size, text: c.to_string() })
            .collect()
    }

    fn page(number: u32, parts: Vec<Vec<Glyph>>, rules: Vec<Rule>, links: Vec<LinkArea>) -> Page {
        Page { number, width: 600.0, height: 800.0, glyphs: parts.concat(), rules, links }
    }

    fn body(y: f64) -> Vec<Glyph> {
        glyphs("Body text of the brief goes on here", 50.0, y, 11.0)
    }

    #[test]
    fn markers_notes_runover_links_and_running_lines() {
        let p1 = page(
            1,
            vec![
                glyphs("Brief No. 4", 400.0, 40.0, 9.0),
                body(100.0),
                glyphs("A claim.", 50.0, 114.0, 11.0),
                glyphs("12", 94.0, 110.3, 6.4),
                body(128.0),
                glyphs("12", 50.0, 700.0, 9.0),
                glyphs("A note that runs on", 62.0, 700.0, 9.0),
                glyphs("1", 300.0, 780.0, 9.0),
            ],
            vec![Rule { x0: 50.0, x1: 150.0, y: 690.0 }],
            vec![LinkArea { x0: 62.0, y0: 690.0, x1: 100.0, y1: 703.0, uri: "https://a.example/x".into() }],
        );
        let p2 = page(
            2,
            vec![
                glyphs("Brief No. 4", 400.0, 40.0, 9.0),
                body(100.0),
                glyphs("to the next page.", 50.0, 700.0, 9.0),
                glyphs("13", 50.0, 712.0, 9.0),
                glyphs("Another.", 62.0, 712.0, 9.0),
                glyphs("2", 300.0, 780.0, 9.0),
            ],
            vec![Rule { x0: 50.0, x1: 150.0, y: 690.0 }],
            vec![],
        );
        let out = layout_pages(&[p1, p2]);
        assert!(!out.text.contains("Brief No."), "{}", out.text);
        assert_eq!(out.pages.len(), 2);
        assert!(out.text.contains("A claim.¹²\n"), "{}", out.text);
        assert_eq!(out.parsed.markers.len(), 1);
        assert_eq!(out.parsed.markers[0].label, "12");
        assert_eq!(&out.text[out.parsed.markers[0].at.clone()], "¹²");
        let labels: Vec<&str> = out.parsed.notes.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(labels, ["12", "13"]);
        assert_eq!(out.parsed.notes[0].text, "A note that runs on to the next page.");
        assert_eq!(out.parsed.notes[0].links[0].href, "https://a.example/x");
        assert_eq!(out.parsed.notes[1].text, "Another.");
        let body: String = out.parsed.body.iter().map(|r| &out.text[r.clone()]).collect();
        assert!(!body.contains("note"), "{body}");
        assert!(out.text.contains("\u{c}\n"));
    }

    #[test]
    fn page_numbers() {
        for yes in ["7", "- 7 -", "Page 7", "Page 7 of 12", "7 / 12", "vii"] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in ["7 people", "Chapter 7", "2025 Report", ""] {
            assert!(!is_page_number(no), "{no}");
        }
    }

    #[test]
    fn labels() {
        let l = |s: &str| layout::lines(&page(1, vec![glyphs(s, 50.0, 700.0, 9.0)], vec![], vec![])).remove(0);
        assert_eq!(note_label(&l("3 Text"), Some(2)).map(|x| x.0), Some("3".into()));
        assert_eq!(note_label(&l("2025, https://x"), Some(2)), None);
        assert_eq!(note_label(&l("12. Text"), None).map(|x| (x.0, x.1)), Some(("12".into(), 0..2)));
        assert_eq!(note_label(&l("Text"), None), None);
    }
}
