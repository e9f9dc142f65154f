//! The Markdown parser: `[^label]` markers and footnote definitions (GFM style), with the links
//! inside each definition.
//!
//! pulldown-cmark finds the definitions (multi-paragraph ones included) and the code to stay out
//! of; markers are then found by scanning the source, because pulldown-cmark turns a reference to
//! an undefined label into plain text, and such an orphan must still be reported.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{Link, Parsed, RawMarker, RawNote};

pub(crate) fn parse(text: &str) -> Parsed {
    let mut notes = Vec::new();
    let mut code: Vec<Range<usize>> = Vec::new();
    let mut defs: Vec<Range<usize>> = Vec::new();

    let mut current: Option<(String, Range<usize>, Vec<Link>)> = None;
    let mut link: Option<(String, String)> = None;
    let options = Options::ENABLE_FOOTNOTES | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                // Definitions do not nest in a document; where the parser nests them (a line of
                // `[^1]:[^1]:…`), the outer one ends where the inner begins, which also keeps
                // the work linear.
                if let Some((label, outer, links)) = current.take() {
                    let cut = outer.start..range.start;
                    defs.push(cut.clone());
                    notes.push(note(text, label, cut, links));
                }
                current = Some((label.into_string(), range, Vec::new()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, range, links)) = current.take() {
                    defs.push(range.clone());
                    notes.push(note(text, label, range, links));
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
                code.push(range);
            }
            Event::Start(Tag::CodeBlock(_)) => code.push(range),
            Event::Html(_) | Event::InlineHtml(_) => code.push(range),
            _ => {}
        }
    }
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
}
