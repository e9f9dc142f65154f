//! The Markdown parser: `[^label]` markers and footnote definitions (GFM style), with the links
//! inside each definition.
//!
//! pulldown-cmark finds the definitions (multi-paragraph ones included) and the code to stay out
//! of; markers are then found by scanning the source, because pulldown-cmark turns a reference to
//! an undefined label into plain text, and such an orphan must still be reported.
//!
//! pulldown-cmark parses on one core; a document of a few megabytes is cut into sections parsed
//! on every core, only where each section provably parses as the whole document does ([`find`]).

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{Link, Parsed, RawMarker, RawNote};

pub(crate) fn parse(text: &str) -> Parsed {
    let Found { notes, code, defs } = find(text, MIN_BYTES_PER_SECTION);
    let mut markers = find_markers(text, &code, &defs);
    // Labels match case-insensitively, as in CommonMark's link labels (`[^Dawn]` → `[^dawn]:`):
    // a marker takes its definition's spelling so the two link.
    // When every note's label is already folded (numbers are), a marker whose label is folded
    // too can only find its own spelling: the map is needed only for the others.
    let notes_folded = notes.iter().all(|n| is_folded(&n.label));
    if !notes_folded || markers.iter().any(|m| !is_folded(&m.label)) {
        let folded: std::collections::HashMap<String, &str> =
            notes.iter().map(|n| (fold_label(&n.label).into_owned(), n.label.as_str())).collect();
        for m in &mut markers {
            if let Some(&label) = folded.get(fold_label(&m.label).as_ref())
                && label != m.label
            {
                m.label = label.to_owned();
            }
        }
    }
    let body = complement(text.len(), &defs);
    Parsed { notes, markers, body, cut: None }
}

/// A document at least twice this long is parsed in sections, one per core (see [`cuts`]).
const MIN_BYTES_PER_SECTION: usize = 1 << 20;

/// What the parser finds: the notes, the code and raw HTML to stay out of, and the definitions'
/// ranges, in document order.
#[derive(Debug, Default, PartialEq)]
struct Found {
    notes: Vec<RawNote>,
    code: Vec<Range<usize>>,
    defs: Vec<Range<usize>>,
}

/// What the whole of `text` parsed at once gives. A long document is parsed in sections, on
/// every core, when what each section gives can be shown to be what the whole gives (see
/// [`cuts`] and [`find_in`]); otherwise, or if a section cannot show it, it is parsed whole.
fn find(text: &str, min_bytes_per_section: usize) -> Found {
    let wanted = (text.len() / min_bytes_per_section.max(1)).min(crate::parallel::cores());
    find_in_sections(text, wanted).0
}

/// [`find`] in `sections` sections at most, and whether it was found in sections.
fn find_in_sections(text: &str, sections: usize) -> (Found, bool) {
    let cuts = if sections >= 2 { cuts(text, sections) } else { Vec::new() };
    if cuts.is_empty() {
        return (find_in(text, 0..text.len(), Part::Unchecked).0, false);
    }
    let bounds: Vec<usize> = std::iter::once(0).chain(cuts).chain(std::iter::once(text.len())).collect();
    let sections: Vec<(Range<usize>, bool)> =
        bounds.windows(2).enumerate().map(|(i, w)| (w[0]..w[1], i + 2 < bounds.len())).collect();
    let parts =
        crate::parallel::map(sections, 1, |(section, cut_after)| find_in(text, section, Part::Section { cut_after }));
    if parts.iter().any(|(_, sure)| !sure) {
        return (find_in(text, 0..text.len(), Part::Unchecked).0, false);
    }
    let mut found = Found::default();
    for (part, _) in parts {
        found.notes.extend(part.notes);
        found.code.extend(part.code);
        found.defs.extend(part.defs);
    }
    (found, true)
}

/// Where to cut `text` into about `sections` sections of equal work ([`Work`]): at the start of
/// a line that follows a blank line and begins with an ASCII letter or `[`, or of a note's head
/// that follows another's ([`cut_after`]). Nothing the Markdown before such a line opened goes
/// on into it but a fenced code block or a raw HTML block (a paragraph, a list, a quote, a
/// table or a note ends at the blank line or the next note's head, and the line is no list
/// item); [`find_in`] checks for those, and for what reaches across any cut (link reference
/// definitions, notes defined in another section).
fn cuts(text: &str, sections: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let work = Work::of(bytes);
    let mut out = Vec::new();
    for i in 1..sections {
        let target = work.position(work.total() / sections as u64 * i as u64);
        let from = out.last().map_or(target, |&last: &usize| last.max(target));
        let Some(at) = cut_after(bytes, from) else { break };
        out.push(at);
    }
    out
}

/// The blocks a text's work is estimated by, and the bytes read at the start of each.
const WORK_BLOCK: usize = 64 * 1024;
const WORK_SAMPLE: usize = 2 * 1024;

/// How much more a byte of note definitions costs than a byte of prose: pulldown-cmark's
/// definitions and the notes read from them (measured on a 40 MB brief: about three times).
const DEFINITION_WEIGHT: u64 = 3;

/// An estimate of the work of parsing a text, block by block: each block's bytes, those on
/// lines that start a note (`[^`) weighing [`DEFINITION_WEIGHT`] times, as its first
/// [`WORK_SAMPLE`] bytes show. A sample is enough to balance the sections; reading every byte
/// would cost a part of what cutting saves.
struct Work {
    /// The work up to the end of each block.
    cumulative: Vec<u64>,
    len: usize,
}

impl Work {
    fn of(bytes: &[u8]) -> Work {
        let mut total = 0u64;
        let cumulative = bytes
            .chunks(WORK_BLOCK)
            .map(|block| {
                let sample = &block[..block.len().min(WORK_SAMPLE)];
                let notes: usize =
                    sample.split(|&b| b == b'\n').filter(|line| line.starts_with(b"[^")).map(|l| l.len() + 1).sum();
                let share = notes.min(sample.len()) as u64 * block.len() as u64 / sample.len().max(1) as u64;
                total += block.len() as u64 + (DEFINITION_WEIGHT - 1) * share;
                total
            })
            .collect();
        Work { cumulative, len: bytes.len() }
    }

    fn total(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// About the byte where the work done reaches `work`, the work being spread evenly over
    /// each block.
    fn position(&self, work: u64) -> usize {
        let block = self.cumulative.partition_point(|&w| w < work);
        let Some(&end) = self.cumulative.get(block) else { return self.len };
        let before = if block == 0 { 0 } else { self.cumulative[block - 1] };
        let start = block * WORK_BLOCK;
        let len = (self.len - start).min(WORK_BLOCK) as u64;
        let within = (work - before) * len / (end - before).max(1);
        start + within as usize
    }
}

/// The first cut at or after `from` (see [`cuts`]).
fn cut_after(bytes: &[u8], from: usize) -> Option<usize> {
    let mut pos = from;
    loop {
        // The line from `line` to `end` is followed by the one starting at `next`.
        let line = pos + memchr::memchr(b'\n', bytes.get(pos..)?)? + 1;
        let end = line + memchr::memchr(b'\n', bytes.get(line..)?)?;
        let next = end + 1;
        let after = bytes.get(next..)?;
        if is_blank(&bytes[line..end]) && after.first().is_some_and(|b| b.is_ascii_alphabetic() || *b == b'[') {
            return Some(next);
        }
        // Notes one a line, one after the other (as most long briefs end): a note's head ends
        // the note before it.
        if bytes[line..end].starts_with(b"[^") && after.starts_with(b"[^") {
            return Some(next);
        }
        pos = line;
    }
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

/// Whether `at` lies inside an open `[^` (a marker's label not yet closed), looking back no
/// further than `floor` and than the longest label (999 characters). A marker whose note is
/// defined in another section is text to that section, which reads the code spans, raw HTML
/// and links inside its label; the whole document reads the marker, and them not.
fn inside_open_label(bytes: &[u8], floor: usize, at: usize) -> bool {
    let low = floor.max(at.saturating_sub(4 * 999 + 8));
    let mut i = at;
    while i > low {
        i -= 1;
        // An escaped bracket ends nothing; a bracket after a backslash is taken as escaped,
        // which at worst sends the document whole.
        let escaped = i > 0 && bytes[i - 1] == b'\\';
        match bytes[i] {
            b'[' if bytes.get(i + 1) == Some(&b'^') => return true,
            b'[' | b']' if !escaped => return false,
            _ => {}
        }
    }
    false
}

/// Where the last line of `text[..end]` starts (`end` follows a line end, `\n`).
fn last_line_start(text: &str, end: usize) -> usize {
    memchr::memrchr(b'\n', &text.as_bytes()[..end.saturating_sub(1)]).map_or(0, |i| i + 1)
}

/// How a part of the text is parsed.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    /// Taken as it is: the whole text (or, in tests, a section parsed without the checks).
    Unchecked,
    /// A section of a cut text, `cut_after` when another section follows it.
    Section { cut_after: bool },
}

/// What parsing the `section` of `text` finds, in ranges of the whole text, and whether it is
/// sure to be what parsing the whole text finds there: always for [`Part::Unchecked`]. A
/// [`Part::Section`] is sure when:
/// - it defines no link reference (those reach the whole document);
/// - none of its links holds `[^`, and no link, code span or raw HTML lies inside a marker's
///   label (a note defined in another section makes its marker close the brackets opened
///   before it, and hide what its label holds; a section alone cannot know);
/// - when the text is cut after it, no code block or raw HTML block reaches its end (it could
///   go on past the cut);
/// - where the cut follows no blank line, the section before it ends with a note that starts
///   on its last line, and the one after starts with a note.
fn find_in(text: &str, section: Range<usize>, part: Part) -> (Found, bool) {
    let offset = section.start;
    let source = &text[section.clone()];
    let (checked, cut_after) = match part {
        Part::Unchecked => (false, false),
        Part::Section { cut_after } => (true, cut_after),
    };
    // A section cut between two notes' heads: where the last note must start, and whether the
    // section must start with one.
    let end_note = if cut_after {
        let last = last_line_start(text, section.end);
        (!is_blank(&text.as_bytes()[last..section.end - 1])).then_some(last)
    } else {
        None
    };
    let starts_with_note =
        checked && offset > 0 && !is_blank(&text.as_bytes()[last_line_start(text, offset)..offset - 1]);
    let mut last_note_start = None;
    let mut first_event = true;
    let mut links_scanned_to = 0;
    // Where the section's last line with anything on it ends: a block reaching it may go on
    // past the cut.
    let content_end =
        if cut_after { source.trim_end_matches([' ', '\t', '\r', '\n']).len() + offset } else { usize::MAX };
    let options = Options::ENABLE_FOOTNOTES | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(source, options).into_offset_iter();
    if checked && events.reference_definitions().iter().next().is_some() {
        return (Found::default(), false);
    }
    let mut found = Found::default();
    let mut current: Option<(String, Range<usize>, Vec<Link>)> = None;
    let mut link: Option<(String, String)> = None;
    for (event, range) in events {
        let range = range.start + offset..range.end + offset;
        if checked {
            let unsure = match &event {
                Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                    // Links nest (images in images): what an enclosing link's scan covered is
                    // not scanned again, which keeps the check linear.
                    let from = range.start.max(links_scanned_to);
                    links_scanned_to = links_scanned_to.max(range.end);
                    text.get(from..range.end).is_some_and(|rest| rest.contains("[^"))
                        || inside_open_label(text.as_bytes(), offset, range.start)
                }
                Event::Code(_) | Event::InlineHtml(_) => inside_open_label(text.as_bytes(), offset, range.start),
                Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock) => range.end >= content_end,
                _ => false,
            } || (first_event
                && starts_with_note
                && !(matches!(event, Event::Start(Tag::FootnoteDefinition(_))) && range.start == offset));
            if unsure {
                return (found, false);
            }
            if let Event::Start(Tag::FootnoteDefinition(_)) = &event {
                last_note_start = Some(range.start);
            }
            first_event = false;
        }
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                // Definitions do not nest in a document; where the parser nests them (a line of
                // `[^1]:[^1]:…`), the outer one ends where the inner begins, which also keeps
                // the work linear.
                if let Some((label, outer, links)) = current.take() {
                    let cut = outer.start..range.start;
                    found.defs.push(cut.clone());
                    found.notes.push(note(text, label, cut, links));
                }
                current = Some((label.into_string(), range, Vec::new()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, range, links)) = current.take() {
                    found.defs.push(range.clone());
                    found.notes.push(note(text, label, range, links));
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) if current.is_some() => {
                link = Some((dest_url.to_string(), String::new()));
            }
            Event::End(TagEnd::Link) => {
                if let (Some((href, label)), Some((_, _, links))) = (link.take(), current.as_mut()) {
                    links.push(Link { href, text: label.split_whitespace().collect::<Vec<_>>().join(" ") });
                }
            }
            Event::Text(t) => {
                if let Some((_, label)) = link.as_mut() {
                    label.push_str(&t);
                }
            }
            Event::Code(t) => {
                if let Some((_, label)) = link.as_mut() {
                    label.push_str(&t);
                }
                found.code.push(range);
            }
            Event::Start(Tag::CodeBlock(_)) => found.code.push(range),
            Event::Html(_) | Event::InlineHtml(_) => found.code.push(range),
            _ => {}
        }
    }
    let sure = end_note.is_none_or(|start| last_note_start == Some(start));
    (found, sure)
}

/// Whether a label is its own lower case (ASCII, no capital): most labels (numbers) are.
fn is_folded(label: &str) -> bool {
    label.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase())
}

/// A label lower-cased for matching.
fn fold_label(label: &str) -> std::borrow::Cow<'_, str> {
    if is_folded(label) { std::borrow::Cow::Borrowed(label) } else { std::borrow::Cow::Owned(label.to_lowercase()) }
}

fn note(text: &str, label: String, range: Range<usize>, links: Vec<Link>) -> RawNote {
    let src = &text[range.clone()];
    // The definition starts with `[^label]:`; the note's position is its `[`.
    let head_len = src.find("]:").map_or(0, |i| i + 2);
    let body = &src[head_len..];
    let within = super::ignore_comment_within(body);
    let joined = match &within {
        // The directive is no part of the citation.
        Some((_, r)) => super::collapse(&format!("{} {}", &body[..r.start], &body[r.end..])),
        None => super::collapse(body),
    };
    let ignore = within.map(|(reason, _)| reason).or_else(|| super::ignore_comment_before(text, range.start));
    RawNote { label, at: range.start..range.start + head_len.saturating_sub(1).max(1), text: joined, links, ignore }
}

/// Every `[^label]` in `text` (a label of 1 to 64 characters, none of them `]` or white space),
/// left to right and not overlapping: what the regex `\[\^([^\]\s]{1,64})\]` finds, found
/// with a substring search for `[^` instead, as a pair of ranges (the whole, the label).
fn marker_candidates(text: &str) -> impl Iterator<Item = (Range<usize>, Range<usize>)> + '_ {
    let finder = memchr::memmem::Finder::new(b"[^");
    let mut pos = 0;
    std::iter::from_fn(move || {
        while let Some(i) = finder.find(text.as_bytes().get(pos..)?) {
            let open = pos + i;
            let label_start = open + 2;
            let mut end = label_start;
            let mut count = 0;
            let mut closed = false;
            for c in text.get(label_start..)?.chars() {
                if c == ']' {
                    closed = true;
                    break;
                }
                if c.is_whitespace() || count == 64 {
                    break;
                }
                count += 1;
                end += c.len_utf8();
            }
            if closed && count > 0 {
                pos = end + 1;
                return Some((open..end + 1, label_start..end));
            }
            // No marker starts here; the next may start inside this one's would-be label.
            pos = open + 1;
        }
        None
    })
}

fn find_markers(text: &str, code: &[Range<usize>], defs: &[Range<usize>]) -> Vec<RawMarker> {
    let mut code_sorted = code.to_vec();
    code_sorted.sort_by_key(|r| r.start);
    let mut def_starts: Vec<usize> = defs.iter().map(|d| d.start).collect();
    def_starts.sort_unstable();
    // Matches come in order, so the code ranges and the current line's start are found with
    // forward cursors: linear however many markers a line holds.
    let mut code_i = 0;
    let mut line_start = 0;
    let mut scanned = 0;
    let mut out = Vec::new();
    for (whole, label) in marker_candidates(text) {
        let at = whole.start;
        while code_i < code_sorted.len() && code_sorted[code_i].end <= at {
            code_i += 1;
        }
        if code_sorted.get(code_i).is_some_and(|r| r.start <= at) || text[..at].ends_with('\\') {
            continue;
        }
        if let Some(nl) = memchr::memrchr(b'\n', &text.as_bytes()[scanned..at]) {
            line_start = scanned + nl + 1;
        }
        scanned = at;
        // A definition's own head is not a marker.
        let before = text[line_start..at].trim();
        let head = text[whole.end..].starts_with(':') && (before.is_empty() || before == ">");
        if def_starts.binary_search(&at).is_ok() || head {
            continue;
        }
        out.push(RawMarker { label: text[label].to_owned(), at: whole });
    }
    out
}

fn complement(len: usize, ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|r| r.start);
    let mut out = Vec::new();
    let mut pos = 0;
    for r in sorted {
        if r.start > pos {
            out.push(pos..r.start);
        }
        pos = pos.max(r.end);
    }
    if pos < len {
        out.push(pos..len);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_markers_and_links() {
        let text = "Trade resumed.[^1] Talks[^dawn] went on.\n\n[^1]: Kamran Yousaf, “Envoy wraps up”, *Express Tribune*, <https://tribune.com.pk/story/1>\n[^dawn]: [Peace and progress](https://www.dawn.com/news/1899846), *Dawn*, 2025.\n";
        let p = parse(text);
        let labels: Vec<_> = p.notes.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(labels, ["1", "dawn"]);
        let markers: Vec<_> = p.markers.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(markers, ["1", "dawn"]);
        assert_eq!(p.notes[1].links[0].href, "https://www.dawn.com/news/1899846");
        assert_eq!(p.notes[1].links[0].text, "Peace and progress");
        assert_eq!(&text[p.notes[0].at.clone()], "[^1]");
    }

    #[test]
    fn labels_match_case_insensitively() {
        let p = parse("A claim.[^Dawn]\n\n[^dawn]: “T”, 2020, <https://a.example/x>\n");
        assert_eq!(p.markers[0].label, "dawn");
    }

    #[test]
    fn multi_paragraph_definition_is_one_note() {
        let text =
            "A.[^1]\n\n[^1]: First paragraph, 2020.\n\n    Second paragraph <https://a.example/x>.\n\nBody again.\n";
        let p = parse(text);
        assert_eq!(p.notes.len(), 1);
        assert_eq!(p.notes[0].text, "First paragraph, 2020. Second paragraph <https://a.example/x>.");
        let body: String = p.body.iter().map(|r| &text[r.clone()]).collect();
        assert!(body.contains("Body again."));
        assert!(!body.contains("First paragraph"));
    }

    #[test]
    fn ignore_comments_before_or_inside_a_definition() {
        let text = "A.[^1] B.[^2] C.[^3]\n\n<!-- citecheck-ignore: paywalled -->\n[^1]: One <https://a.example/1>\n[^2]: Two <!-- citecheck-ignore: moved --> <https://a.example/2>\n\n<!--\n  citecheck-ignore: spans lines\n-->\n\n[^3]: Three\n";
        let p = parse(text);
        let ignores: Vec<_> = p.notes.iter().map(|n| n.ignore.as_deref()).collect();
        assert_eq!(ignores, [Some("paywalled"), Some("moved"), Some("spans lines")]);
        assert_eq!(p.notes[1].text, "Two <https://a.example/2>");
        let plain = parse("A.[^1]\n\n<!-- a note to self -->\n[^1]: One\n");
        assert_eq!(plain.notes[0].ignore, None);
    }

    #[test]
    fn marker_candidates_are_what_the_regex_finds() {
        let re = regex::Regex::new(r"\[\^([^\]\s]{1,64})\]").unwrap();
        let long = "x".repeat(64);
        let longer = "é".repeat(65);
        let texts = [
            "a[^1] b[^22][^3]".to_owned(),
            "[^a[^b] [^ x] [^] [^\u{3000}y] [^é] [^[^] ]]".to_owned(),
            format!("[^{long}] [^{long}x] [^{longer}] [^{}]", &longer[..128]),
            "[^[^[^1]]] [^1:]: [^^] [ ^1] [^1\n] [^".to_owned(),
        ];
        for t in &texts {
            let want: Vec<_> = re.captures_iter(t).map(|c| (c[0].to_owned(), c[1].to_owned())).collect();
            let got: Vec<_> = marker_candidates(t).map(|(w, l)| (t[w].to_owned(), t[l].to_owned())).collect();
            assert_eq!(got, want, "{t}");
        }
    }

    #[test]
    fn undefined_reference_is_still_a_marker_but_code_is_not() {
        let text = "See[^9] and `[^1]`.\n\n```\n[^2]\n```\n";
        let p = parse(text);
        let markers: Vec<_> = p.markers.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(markers, ["9"]);
        assert!(p.notes.is_empty());
    }

    /// Markdown blocks that end at the blank line after them: notes over several paragraphs,
    /// lists, quotes, tables, closed fences, code spans and raw HTML around markers.
    const BLOCKS: &[&str] = &[
        "Trade resumed.[^1] Talks[^2] went on, *said* `code [^9]` <span>[^3]</span>.",
        "[^1]: A. Author, \"Title,\" *Paper*, 2020, [the page](https://a.example/1).",
        "[^2]: First paragraph, 2021.\n\n    Second paragraph <https://a.example/2>.",
        "[^3]: [^4]: nested heads on one line",
        "```\n[^5]: not a note\n```",
        "<!-- citecheck-ignore: paywalled -->\n[^8]: Ignored note <https://a.example/8>.",
        "<div>\n[^2] in a div\n</div>",
        "- item[^1]\n\n  continued[^2]\n- [^9]: a note in a list",
        "> quoted[^3]\n> [^10]: a note in a quote\n>\n> more",
        "| a | b |\n|---|---|\n| [^1] | c |",
        "    indented code [^4]",
        "# Heading [^2]",
        "Plain prose with no marker at all, long enough to be a paragraph of its own.",
        "[^12]: Last note, *Site*, March 3, 2024, https://a.example/12.\n",
        "1. numbered[^1]\n\n2. item",
        "Emphasis *across [^1]* and **bold [^2]**.",
        "[^13]:\n    Indented body, 2020.",
        "  [^14]: indented two spaces, 2020.",
        "\\[^15] escaped and [^\u{00e9}t\u{00e9}] labelled.",
        "[^20]: One, 2020.\n[^21]: Two, 2021.\n[^22] not a head\n[^23]: Three.",
        "[^24]: A note\nwith a lazy line\n[^25]: and the next",
        "[^26]: A note\n    indented on\n[^27]: the next\n[^28]:",
        "Prose line\n[^29]: after prose, no blank line",
        "> [^30]: quoted\n[^31]: after a quote",
        "- [^32]: in a list\n[^33]: after a list",
        "| a | b |\n|---|---|\n[^34]: after a table",
        "<div>\n[^35]: in a div\n[^36]: still in it\n</div>",
    ];

    /// Blocks that go on past blank lines: a cut after one of them is not taken.
    const OPEN_BLOCKS: &[&str] = &[
        "```\n[^5]: not a note\n\ninside the fence",
        "~~~ text\n\nlong fence\n\n[^6]: still code\n~~~",
        "<!--\n\n[^7]: inside a comment\n\n-->",
        "<pre>\n\nkept [^1]\n\n</pre>",
        "<script>\n\nvar x = '[^1]';\n\n</script>",
    ];

    /// Blocks that reach the whole document: a section alone cannot parse them as the whole
    /// does, and the document is parsed whole.
    const GLOBAL_BLOCKS: &[&str] = &[
        "[ref]: https://r.example/x",
        "See [the report][ref] and [^1].",
        "[see [^1] here](https://l.example/1) and ![^2](https://i.example/2.png)",
        "[^11](https://x.example/11)",
        "[^16]: See [the report][ref], 2020.",
        "[^17]: See [this [^1] page](https://l.example/17), 2020.",
        "Markers with things in their labels: [^`c`], [^<b>] and [^<http://a.b>].",
        "[^`c`]: Code in a label, 2020.\n[^<b>]: HTML in one.\n[^<http://a.b>]: A link in one.",
    ];

    /// A small deterministic generator (xorshift), so that a failure names its seed.
    fn document(seed: u64) -> String {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        let blocks = 4 + next(40);
        // A document has now and then a block that goes on, or one that reaches the whole
        // document, or both, or neither.
        let (open, global) = (next(2) == 0, next(2) == 0);
        let mut out = String::new();
        for _ in 0..blocks {
            if open && next(16) == 0 {
                out.push_str(OPEN_BLOCKS[next(OPEN_BLOCKS.len())]);
            } else if global && next(16) == 0 {
                out.push_str(GLOBAL_BLOCKS[next(GLOBAL_BLOCKS.len())]);
            } else {
                out.push_str(BLOCKS[next(BLOCKS.len())]);
            }
            out.push_str(["\n\n", "\n", "\n\n\n", "\n \n"][next(4)]);
        }
        if next(5) == 0 { out.replace('\n', "\r\n") } else { out }
    }

    #[test]
    fn sections_find_what_the_whole_finds() {
        let mut sectioned = 0;
        for seed in 0..600u64 {
            let text = document(seed);
            let whole = find_in(&text, 0..text.len(), Part::Unchecked).0;
            for sections in [2, 3, 5] {
                let (found, in_sections) = find_in_sections(&text, sections);
                assert_eq!(found, whole, "seed {seed}, {sections} sections:\n{text}");
                sectioned += usize::from(in_sections);
            }
        }
        // Many documents are cut somewhere safe; the rest are parsed whole.
        assert!(sectioned > 450, "only {sectioned} of 1800 parses were in sections");
    }

    #[test]
    fn a_long_document_is_parsed_in_sections_with_the_same_result() {
        let mut text = String::new();
        for i in 1..=3000 {
            text.push_str(&format!("Claim number {i} stands here.[^{i}]\n\n"));
        }
        for i in 1..=3000 {
            text.push_str(&format!("[^{i}]: A. Author, \"Title {i},\" *Paper*, 2020, https://a.example/{i}.\n\n"));
        }
        let whole = find_in(&text, 0..text.len(), Part::Unchecked).0;
        let (found, in_sections) = find_in_sections(&text, 4);
        assert!(in_sections);
        assert_eq!(found, whole);
        assert_eq!(find(&text, 1024), whole);
    }

    #[test]
    fn what_a_section_cannot_know_sends_the_document_whole() {
        // A link reference defined in one section and used in a note of another; a note
        // defined in the second section, whose marker in a note of the first closes the
        // brackets opened before it; a fence or a comment opened before the cut that goes on
        // after it. Each, parsed in sections without the checks, differs from the whole.
        let filler = "Filler prose that makes the sections long enough to be cut.\n\n".repeat(40);
        let cases = [
            format!("{filler}[^1]: See [the report][ref].\n\n{filler}[ref]: https://r.example/x\n"),
            format!("{filler}[^1]: See [this [^2] page](https://l.example/1).\n\n{filler}[^2]: Other.\n"),
            format!("{filler}```\n\n{filler}[^3]: Not a note.\n\n```\n"),
            format!("{filler}<!--\n\n{filler}[^4]: Not a note.\n\n-->\n"),
        ];
        for text in &cases {
            let whole = find_in(text, 0..text.len(), Part::Unchecked).0;
            let (found, in_sections) = find_in_sections(text, 2);
            assert!(!in_sections, "{text}");
            assert_eq!(found, whole);
            let cut = cuts(text, 2)[0];
            let mut unchecked = find_in(text, 0..cut, Part::Unchecked).0;
            let rest = find_in(text, cut..text.len(), Part::Unchecked).0;
            unchecked.notes.extend(rest.notes);
            unchecked.code.extend(rest.code);
            unchecked.defs.extend(rest.defs);
            assert_ne!(unchecked, whole, "{text}");
        }
    }

    #[test]
    fn sections_are_cut_for_equal_work_not_equal_bytes() {
        // A megabyte of prose, then a megabyte of notes, which weigh three times as much: half
        // the work is done a third of the way into the notes.
        let prose = "Prose that cites nothing, line after line of it.\n".repeat(1 << 20 >> 6);
        let notes = "[^1]: A note of about sixty-four bytes, 2020, https://a.b/.\n".repeat(1 << 20 >> 6);
        let text = format!("{prose}{notes}");
        let work = Work::of(text.as_bytes());
        let half = work.position(work.total() / 2);
        let expected = prose.len() + notes.len() / 3;
        assert!(half.abs_diff(expected) < WORK_BLOCK, "{half} against {expected}");
        assert_eq!(work.position(0), 0);
        assert_eq!(work.position(work.total()), text.len());
        assert_eq!(Work::of(b"").position(0), 0);
    }

    #[test]
    fn what_a_marker_label_holds_sends_the_document_whole() {
        // Found by an adversarial review: a marker whose note is defined in another section is
        // text there, and the code span, raw HTML or autolink inside its label is read; parsed
        // whole, the marker hides them.
        let cases: [(&str, usize); 6] = [
            ("[^1]:[^<http://a.b>]\n\n[^<http://a.b>]:", 2),
            ("[^`c`]\n\n[^`c`]:", 3),
            ("[^<b>]\n\n[^<b>]:", 3),
            ("See [^a\\]`c`].\n\n[^a\\]`c`]: d\n", 2),
            ("[^a <!-- c -->] x\n\n[^a <!-- c -->]: d\n", 2),
            ("![^<http://a.b>] x\n\n[^<http://a.b>]: d\n", 2),
        ];
        for (text, sections) in cases {
            let whole = find_in(text, 0..text.len(), Part::Unchecked).0;
            assert_eq!(find_in_sections(text, sections).0, whole, "{text:?}");
        }
    }

    #[test]
    fn deeply_nested_links_in_a_note() {
        // Each image's text is scanned once for `[^`, not once per image around it (found by
        // an adversarial review: 16 000 nested images took 2.5 s in sections, 19 ms whole).
        let depth = 20_000;
        let note = format!("[^1]: {}x{}\n", "![".repeat(depth), "](u)".repeat(depth));
        let text = format!("Claim.[^1]\n\n{note}\nMore prose after the note.\n");
        let (found, _) = find_in_sections(&text, 2);
        assert_eq!(found, find_in(&text, 0..text.len(), Part::Unchecked).0);
    }
}
