//! The plain-text parser, modelled on briefs converted from PDF: superscript or bracketed markers
//! in the prose, and notes that sit at page breaks (often mid-sentence), after separators or page
//! numbers, or under a trailing "Notes" heading.
//!
//! The parser walks the lines once, as a small state machine (body ↔ notes). Lines inside note
//! blocks become notes (joined across wraps); every other line is body, and the markers are then
//! looked for in the body only, so a note's own label is never taken for a marker.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::{Parsed, RawMarker, RawNote};

pub(crate) fn parse(text: &str) -> Parsed {
    let lines = split_lines(text);
    let mut parser = Parser { text, lines: &lines, notes: Vec::new(), body: Vec::new() };
    parser.run();
    let Parser { notes, body, .. } = parser;
    let markers = find_markers(text, &body, &notes);
    Parsed { notes: notes.into_iter().map(|n| n.finish()).collect(), markers, body, cut: None }
}

/// One line: `range` excludes the line ending, `full` includes it.
#[derive(Debug, Clone)]
struct Line {
    range: Range<usize>,
    full: Range<usize>,
}

fn split_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
        let end = if nl > start && text.as_bytes()[nl - 1] == b'\r' { nl - 1 } else { nl };
        lines.push(Line { range: start..end, full: start..nl + 1 });
        start = nl + 1;
    }
    if start < text.len() {
        lines.push(Line { range: start..text.len(), full: start..text.len() });
    }
    lines
}

/// How a note line announces its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelForm {
    /// `¹²` — trusted anywhere a paragraph starts.
    Superscript,
    /// `[12]` — trusted at a paragraph start when the line reads like a citation.
    Bracket,
    /// `^12`
    Caret,
    /// `12.` or `12)` — only inside a notes block.
    Dotted,
    /// `12 ` — only inside a notes block, and only as the next number.
    Bare,
}

#[derive(Debug)]
struct NoteStart {
    label: String,
    form: LabelForm,
    /// The label's byte range.
    at: Range<usize>,
    /// Where the note's text starts.
    text_start: usize,
}

#[derive(Debug)]
struct Building {
    label: String,
    at: Range<usize>,
    text: String,
    ignore: Option<String>,
}

impl Building {
    fn push_line(&mut self, piece: &str) {
        let piece = piece.trim();
        if piece.is_empty() {
            return;
        }
        if !self.text.is_empty() && !joins_without_space(&self.text, piece) {
            self.text.push(' ');
        }
        self.text.push_str(piece);
    }

    fn finish(self) -> RawNote {
        RawNote { label: self.label, at: self.at, text: self.text, links: Vec::new(), ignore: self.ignore }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Body,
    /// Notes at the foot of a page: they end where prose resumes.
    PageNotes,
    /// Notes under a trailing heading such as "Notes" or "References".
    Section,
}

struct Parser<'a> {
    text: &'a str,
    lines: &'a [Line],
    notes: Vec<Building>,
    body: Vec<Range<usize>>,
}

impl Parser<'_> {
    fn line(&self, i: usize) -> &str {
        &self.text[self.lines[i].range.clone()]
    }

    fn push_body(&mut self, i: usize) {
        let full = self.lines[i].full.clone();
        match self.body.last_mut() {
            Some(last) if last.end == full.start => last.end = full.end,
            _ => self.body.push(full),
        }
    }

    fn next_nonblank(&self, from: usize) -> Option<usize> {
        (from..self.lines.len()).find(|&j| !self.line(j).trim().is_empty())
    }

    /// Does a note block start at line `j` (the first non-blank line after a break)?
    fn notes_follow(&self, j: Option<usize>) -> bool {
        // After the first notes, a bare or dotted number only opens a block when it is the number
        // expected next: "12 people died…" after a page number is prose.
        let expected = self.last_numeric_label().map(|n| n + 1);
        j.is_some_and(|j| note_start(self.text, self.lines[j].range.clone(), Some(expected)).is_some())
    }

    fn last_numeric_label(&self) -> Option<u32> {
        self.notes.last().and_then(|n| n.label.parse().ok())
    }

    fn run(&mut self) {
        let mut mode = Mode::Body;
        // Whether the previous line was blank (or there was none): a paragraph starts here.
        let mut at_paragraph_start = true;
        // Whether the current note may take continuation lines.
        let mut open_note = false;
        // The reason of a `citecheck-ignore:` line waiting for the note right after it.
        let mut pending_ignore: Option<String> = None;
        for i in 0..self.lines.len() {
            let text = self.text;
            let line = &text[self.lines[i].range.clone()];
            let trimmed = line.trim();
            if trimmed.is_empty() {
                if mode == Mode::Body {
                    self.push_body(i);
                }
                at_paragraph_start = true;
                continue;
            }
            let ignore = pending_ignore.take();
            let directive = super::ignore_directive(trimmed).or_else(|| {
                let comment = trimmed.strip_prefix("<!--")?.strip_suffix("-->")?;
                super::ignore_directive(comment)
            });
            if directive.is_some() {
                // Neither prose nor a note: the line leaves the paragraph state as it found it.
                pending_ignore = directive;
                continue;
            }
            let was_paragraph_start = at_paragraph_start;
            at_paragraph_start = false;

            if is_notes_heading(trimmed) && self.notes_follow(self.next_nonblank(i + 1)) {
                mode = Mode::Section;
                open_note = false;
                continue;
            }
            if is_page_number(trimmed) || is_separator(trimmed) {
                let follows = self.notes_follow(self.next_nonblank(i + 1));
                match mode {
                    Mode::Body if follows => mode = Mode::PageNotes,
                    Mode::Body if is_separator(trimmed) => self.push_body(i),
                    // A page number in prose is page furniture: left out of the body.
                    Mode::Body => {}
                    Mode::PageNotes | Mode::Section if follows => {}
                    Mode::PageNotes => mode = Mode::Body,
                    Mode::Section => {}
                }
                open_note = false;
                at_paragraph_start = true;
                continue;
            }

            let expected = self.last_numeric_label().map(|n| n + 1);
            let start = match mode {
                Mode::Body if was_paragraph_start => {
                    note_start(self.text, self.lines[i].range.clone(), None).filter(|s| match s.form {
                        LabelForm::Superscript => true,
                        LabelForm::Bracket | LabelForm::Caret => looks_like_citation(&self.text[s.text_start..]),
                        LabelForm::Dotted | LabelForm::Bare => false,
                    })
                }
                Mode::Body => None,
                Mode::PageNotes | Mode::Section => {
                    // A bare number is a label only when it is the one expected next, so a
                    // wrapped line that opens with a number ("2025, <https://…>") stays text.
                    note_start(self.text, self.lines[i].range.clone(), Some(expected))
                }
            };
            if let Some(s) = start {
                if mode == Mode::Body {
                    mode = Mode::PageNotes;
                }
                let end = self.lines[i].range.end;
                let mut b = Building { label: s.label, at: s.at, text: String::new(), ignore };
                b.push_line(&self.text[s.text_start..end]);
                self.notes.push(b);
                open_note = true;
                continue;
            }
            match mode {
                Mode::Body => self.push_body(i),
                Mode::PageNotes | Mode::Section => {
                    let indented = line.starts_with([' ', '\t']);
                    if open_note && (!was_paragraph_start || indented) {
                        if let Some(note) = self.notes.last_mut() {
                            note.push_line(line);
                        }
                    } else {
                        // Prose resumes after the notes (mid-sentence after a page break).
                        mode = Mode::Body;
                        open_note = false;
                        self.push_body(i);
                    }
                }
            }
        }
    }
}

const SUPERSCRIPTS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

fn superscript_digit(c: char) -> Option<char> {
    SUPERSCRIPTS.iter().position(|&s| s == c).and_then(|d| char::from_digit(d as u32, 10))
}

/// A note's label at the start of the line `range`, if there is one. `expected` is `Some` inside a
/// notes block (carrying the next number expected, if any), `None` elsewhere.
fn note_start(text: &str, range: Range<usize>, expected: Option<Option<u32>>) -> Option<NoteStart> {
    let line = &text[range.clone()];
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    if indent > 8 {
        return None;
    }
    let rest = &line[indent..];
    let base = range.start + indent;
    let first = rest.chars().next()?;

    let finish = |label: String, form, label_len: usize, skip: usize| -> Option<NoteStart> {
        let after = &rest[skip..];
        let body = after.trim_start();
        if body.is_empty() {
            return None;
        }
        let text_start = base + skip + (after.len() - body.len());
        Some(NoteStart { label, form, at: base..base + label_len, text_start })
    };

    if superscript_digit(first).is_some() {
        let label: String = rest.chars().map_while(superscript_digit).collect();
        let len: usize = rest.chars().take(label.len()).map(char::len_utf8).sum();
        return finish(label, LabelForm::Superscript, len, len);
    }
    let digits = |s: &str| -> usize { s.bytes().take_while(u8::is_ascii_digit).count() };
    if let Some(inner) = rest.strip_prefix('[') {
        let n = digits(inner);
        if (1..=4).contains(&n) && inner[n..].starts_with(']') {
            return finish(inner[..n].to_owned(), LabelForm::Bracket, n + 2, n + 2);
        }
        return None;
    }
    if let Some(inner) = rest.strip_prefix('^') {
        let n = digits(inner);
        if (1..=4).contains(&n) {
            return finish(inner[..n].to_owned(), LabelForm::Caret, n + 1, n + 1);
        }
        return None;
    }
    let expected = expected?;
    let n = digits(rest);
    if !(1..=4).contains(&n) {
        return None;
    }
    let label = &rest[..n];
    let value: u32 = label.parse().ok()?;
    // Four digits look like a year ("2025, <https://…>"): a label only as the number expected next.
    if n == 4 && expected != Some(value) {
        return None;
    }
    let after = &rest[n..];
    let form = if after.starts_with(['.', ')']) && after[1..].starts_with([' ', '\t']) {
        LabelForm::Dotted
    } else if after.starts_with([' ', '\t']) {
        LabelForm::Bare
    } else {
        return None;
    };
    // A bare "12 " is only a label when it is the number expected next (or opens a block).
    if form == LabelForm::Bare && expected.is_some_and(|e| e != value) {
        return None;
    }
    let skip = if form == LabelForm::Dotted { n + 1 } else { n };
    finish(label.to_owned(), form, n, skip)
}

fn looks_like_citation(s: &str) -> bool {
    static CITE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)https?://|www\.|doi:|\b(?:1[5-9]|20)\d\d\b|[“"«].{3,}[”"»]"#).expect("valid regex")
    });
    CITE.is_match(&s[..crate::span::floor_char_boundary(s, 2000)])
}

fn is_notes_heading(line: &str) -> bool {
    let l = line.trim_start_matches('#').trim().trim_end_matches(':').trim();
    if l.len() > 40 {
        return false;
    }
    let l = l.to_lowercase();
    matches!(
        l.as_str(),
        "notes"
            | "endnotes"
            | "end notes"
            | "footnotes"
            | "references"
            | "reference list"
            | "bibliography"
            | "sources"
            | "works cited"
            | "literature cited"
            | "citations"
            | "notes and references"
            | "references and notes"
    )
}

/// `— 3 —`, `- 3 -`, `3`, `Page 3`, `Page 3 of 10`, `3 / 10`.
fn is_page_number(line: &str) -> bool {
    static PAGE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4}|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|\d{1,4}\s*/\s*\d{1,4})$")
            .expect("valid regex")
    });
    line.len() < 32 && PAGE.is_match(line)
}

/// `____`, `-----`, `* * *`, `———`.
fn is_separator(line: &str) -> bool {
    let mark = |c: char| matches!(c, '_' | '-' | '–' | '—' | '*' | '=' | '·' | '•');
    // The shape first: it fails at a prose line's first letter, the count reads the whole line.
    line.chars().all(|c| c.is_whitespace() || mark(c)) && line.chars().filter(|&c| mark(c)).count() >= 3
}

/// Whether a wrapped line continues a URL that the previous line broke (no space between).
pub(crate) fn joins_without_space(prev: &str, next: &str) -> bool {
    let token = prev.rsplit(char::is_whitespace).next().unwrap_or("");
    let url_like = token.contains("://") || token.starts_with("www.") || token.starts_with("<www.");
    if !url_like {
        return false;
    }
    if token.starts_with('<') && !token.contains('>') {
        return true;
    }
    let next_token = next.split(char::is_whitespace).next().unwrap_or("");
    let prose_word = {
        let mut cs = next_token.chars();
        matches!((cs.next(), cs.next()), (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase())
    };
    // The next piece continues the URL when the break fell after a URL separator, or when the
    // piece itself reads as the rest of a path ("us/", "index.html", "id=7>").
    let inner = next_token.trim_end_matches(['.', ',', ';', ')']);
    let path_like = inner.contains(['/', '?', '=', '&', '#', '>'])
        || inner.trim_end_matches(|c: char| c.is_ascii_alphanumeric()).ends_with('.') && inner.len() > 2;
    (token.ends_with(['/', '-', '_', '=', '&', '?', '#', '%', '~', '+', '.']) || path_like)
        && !prose_word
        && next_token.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '%' | '_' | '-'))
}

/// Markers in the body ranges. Superscripts are always markers (but not units such as `km²`);
/// bracketed styles count only when the document has no superscripts and the style's labels
/// match its notes, so "(2021)" or a numbered list is not taken for a marker.
fn find_markers(text: &str, body: &[Range<usize>], notes: &[Building]) -> Vec<RawMarker> {
    let labels: std::collections::HashSet<&str> = notes.iter().map(|n| n.label.as_str()).collect();
    let mut supers = Vec::new();
    for r in body {
        let chunk = &text[r.clone()];
        let mut iter = chunk.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            if superscript_digit(c).is_none() {
                continue;
            }
            let mut label = String::new();
            let mut end = i;
            label.extend(superscript_digit(c));
            end += c.len_utf8();
            while let Some(&(j, d)) = iter.peek() {
                match superscript_digit(d) {
                    Some(digit) => {
                        label.push(digit);
                        end = j + d.len_utf8();
                        iter.next();
                    }
                    None => break,
                }
            }
            let before = &chunk[..i];
            if is_unit_exponent(before) || (!labels.contains(label.as_str()) && is_exponent(before)) {
                continue;
            }
            supers.push(RawMarker { label, at: r.start + i..r.start + end });
        }
    }
    if !supers.is_empty() {
        return supers;
    }
    let max_label = notes.iter().filter_map(|n| n.label.parse::<u32>().ok()).max().unwrap_or(0);
    static STYLES: LazyLock<[Regex; 3]> = LazyLock::new(|| {
        [
            Regex::new(r"\[(\d{1,4})\]").expect("valid regex"),
            Regex::new(r"\((\d{1,3})\)").expect("valid regex"),
            Regex::new(r"\^(\d{1,4})\b").expect("valid regex"),
        ]
    });
    let mut best: Vec<RawMarker> = Vec::new();
    let mut best_hits = 0;
    for re in STYLES.iter() {
        let mut found = Vec::new();
        let mut hits = 0;
        for r in body {
            for cap in re.captures_iter(&text[r.clone()]) {
                let (Some(whole), Some(num)) = (cap.get(0), cap.get(1)) else { continue };
                let value: u32 = num.as_str().parse().unwrap_or(u32::MAX);
                // Only labels in the range the notes use (plus a little, to catch a lost last note).
                if value == 0 || value > max_label + 3 {
                    continue;
                }
                if labels.contains(num.as_str()) {
                    hits += 1;
                }
                found.push(RawMarker {
                    label: num.as_str().to_owned(),
                    at: r.start + whole.start()..r.start + whole.end(),
                });
            }
        }
        if hits > best_hits {
            best_hits = hits;
            best = found;
        }
    }
    best
}

/// `50 km²`, `3 m³`: a superscript after a number and a unit is an exponent, whatever notes
/// there are.
fn is_unit_exponent(before: &str) -> bool {
    let word: String =
        before.chars().rev().take_while(|c| c.is_alphabetic()).collect::<String>().chars().rev().collect();
    let unit = matches!(word.as_str(), "m" | "km" | "cm" | "mm" | "ft" | "mi" | "in" | "yd" | "kg");
    if !unit {
        return false;
    }
    let rest = &before[..before.len() - word.len()];
    rest.trim_end().chars().next_back().is_some_and(|c| c.is_ascii_digit())
}

/// `E = mc²`, `10¹²`: a superscript glued to a number or to a short symbol is an
/// exponent, not a marker, when no note has its label. A note's label always wins, and a
/// superscript after a word ("Azizi¹") stays a marker, so a missing note is still reported.
fn is_exponent(before: &str) -> bool {
    let Some(last) = before.chars().next_back() else { return false };
    if last.is_ascii_digit() {
        return true;
    }
    if !last.is_alphabetic() {
        return false;
    }
    let word = before.chars().rev().take_while(|c| c.is_alphanumeric()).count();
    word <= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(p: &Parsed) -> Vec<&str> {
        p.notes.iter().map(|n| n.label.as_str()).collect()
    }

    fn marker_labels(p: &Parsed) -> Vec<&str> {
        p.markers.iter().map(|m| m.label.as_str()).collect()
    }

    fn body(text: &str, p: &Parsed) -> String {
        p.body.iter().map(|r| &text[r.clone()]).collect()
    }

    #[test]
    fn superscript_notes_at_a_page_break_mid_sentence() {
        let text = "Talks went well.¹ Trade resumed.²\nwhich led to armed\n\n¹ A. Author, “Title one”, *Dawn*, March 2, 2025, <https://a.example/1>\n\n² “Title two”, 2024, <https://b.example/2>\n\nclashes. Then peace.\n";
        let p = parse(text);
        assert_eq!(labels(&p), ["1", "2"]);
        assert_eq!(marker_labels(&p), ["1", "2"]);
        assert_eq!(p.notes[1].text, "“Title two”, 2024, <https://b.example/2>");
        assert_eq!(body(text, &p), "Talks went well.¹ Trade resumed.²\nwhich led to armed\n\nclashes. Then peace.\n");
        assert!(!p.body.is_empty());
    }

    #[test]
    fn multi_digit_superscripts_and_marker_after_a_space() {
        let text = "Azizi. ¹² Both sides.\n\n¹² Note text 2020.\n";
        let p = parse(text);
        assert_eq!(labels(&p), ["12"]);
        assert_eq!(marker_labels(&p), ["12"]);
        assert_eq!(&text[p.markers[0].at.clone()], "¹²");
    }

    #[test]
    fn wrapped_note_and_url_broken_across_lines() {
        let text = "Claim.¹\n\n¹ Kamran Yousaf, “Envoy wraps up”, *Express Tribune*,\n   March 24, 2025, <https://tribune.com.pk/story/2536087/envoy-\nwraps-up-fruitful-kabul-trip>\n";
        let p = parse(text);
        assert_eq!(
            p.notes[0].text,
            "Kamran Yousaf, “Envoy wraps up”, *Express Tribune*, March 24, 2025, <https://tribune.com.pk/story/2536087/envoy-wraps-up-fruitful-kabul-trip>"
        );
    }

    #[test]
    fn notes_after_a_separator_and_a_page_number() {
        let text = "Trade grew[1] and fell[2] in the\n\n____\n1. “One”, 2020, https://a.example/1\n2. “Two”, 2021, https://a.example/2\n\n— 3 —\n\nsame year.\n";
        let p = parse(text);
        assert_eq!(labels(&p), ["1", "2"]);
        assert_eq!(marker_labels(&p), ["1", "2"]);
        assert_eq!(body(text, &p), "Trade grew[1] and fell[2] in the\n\n\nsame year.\n");
    }

    #[test]
    fn trailing_notes_heading_with_bare_numbers() {
        let text = "Prose (1) and more (2).\n\nNotes\n\n1 First source, 2019.\n2 Second source, 2020,\n2025 edition.\n";
        let p = parse(text);
        assert_eq!(labels(&p), ["1", "2"]);
        assert_eq!(p.notes[1].text, "Second source, 2020, 2025 edition.");
        assert_eq!(marker_labels(&p), ["1", "2"]);
    }

    #[test]
    fn numbered_lists_and_years_are_not_notes_or_markers() {
        let text = "Steps:\n1. Trade\n2. Security\nIn (2021) things changed. See (3) below.\n";
        let p = parse(text);
        assert!(p.notes.is_empty());
        assert!(p.markers.is_empty());
    }

    #[test]
    fn four_digit_labels_continue_a_long_list_but_years_do_not_start_notes() {
        let mut text = String::from("Body[998] and[999] then[1000] end[1001].\n\nNotes\n\n");
        for n in 998..=1001 {
            text.push_str(&format!("{n}. “Title {n}”, 2020, https://a.example/{n}\n2024 edition.\n"));
        }
        let p = parse(&text);
        assert_eq!(labels(&p), ["998", "999", "1000", "1001"]);
        assert!(p.notes[2].text.ends_with("2024 edition."), "{}", p.notes[2].text);
    }

    #[test]
    fn a_paragraph_opening_with_a_number_after_a_page_number_is_prose() {
        let text = "Claim.¹\n\n¹ “T”, 2020, https://a.example/1\n\n— 2 —\n\n12 people died in the floods of 2024.\n";
        let p = parse(text);
        assert_eq!(labels(&p), ["1"]);
        assert!(body(text, &p).contains("12 people died"));
    }

    #[test]
    fn unit_exponents_are_not_markers() {
        let p = parse("An area of 50 km² was ceded.³\n\n³ Source, 2020.\n");
        assert_eq!(marker_labels(&p), ["3"]);
        let p = parse("E = mc² here, 10¹² there.¹ A lost note.²\n\n¹ “A title here”, 2020, https://a.example/x\n");
        assert_eq!(marker_labels(&p), ["1", "2"]);
    }

    #[test]
    fn url_broken_inside_a_word_is_rejoined_but_prose_is_not() {
        assert!(joins_without_space("2023, https://www.app.com.pk/national/x-according-to-seventh-cens", "us/"));
        assert!(!joins_without_space("2023, https://a.example/x", "Accessed March 2, 2025."));
        assert!(!joins_without_space("2023, https://a.example/x", "accessed March 2, 2025."));
        assert!(joins_without_space("see <https://a.example/x-", "y>"));
    }

    #[test]
    fn crlf_line_endings() {
        let text = "A claim.¹\r\n\r\n¹ “T”, 2020, <https://a.example/x>\r\n";
        let p = parse(text);
        assert_eq!(p.notes[0].text, "“T”, 2020, <https://a.example/x>");
    }

    #[test]
    fn an_ignore_line_silences_the_note_right_after_it() {
        let text = "A claim.¹ Another.² A third.³\n\ncitecheck-ignore: paywalled archive\n¹ “T”, 2020, <https://a.example/1>\n² “U”, 2021, <https://a.example/2>\n\n<!-- citecheck-ignore -->\n\n³ “V”, 2022, <https://a.example/3>\n";
        let p = parse(text);
        assert_eq!(labels(&p), ["1", "2", "3"]);
        let ignores: Vec<_> = p.notes.iter().map(|n| n.ignore.as_deref()).collect();
        assert_eq!(ignores, [Some("paywalled archive"), None, Some("no reason given")]);
        assert_eq!(p.notes[1].text, "“U”, 2021, <https://a.example/2>");
        assert!(!body(text, &p).contains("citecheck-ignore"));
        // Prose between the directive and the note cancels it.
        let p = parse("A.¹\n\ncitecheck-ignore: x\nSome prose.\n\n¹ “T”, 2020, <https://a.example/1>\n");
        assert_eq!(p.notes[0].ignore, None);
    }

    #[test]
    fn never_panics_on_prefixes() {
        let text = "Claim.¹ ² [3] (4) ^5\n\n¹ “T”, 2020\n— 2 —\n____\n2. x\n\nNotes\n3 y\n";
        for i in 0..=text.len() {
            if text.is_char_boundary(i) {
                let _ = parse(&text[..i]);
            }
        }
    }
}
