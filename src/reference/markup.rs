//! Preparing a note's text for field parsing: Unicode clean-up, URLs set aside, Markdown
//! emphasis read as italics.
//!
//! The field parser works on a prepared copy of the note in which every URL is a single
//! [`URL_MARK`] (so that no date, title or publication is read out of a URL), a Markdown link is
//! its text, and emphasis markers are gone but remembered as italic ranges (the container of a
//! Chicago citation, the title of a book).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use unicode_normalization::UnicodeNormalization;

use super::url::{Found, Hit};

/// Stands for one URL in the prepared text (a private-use character no note contains).
pub(crate) const URL_MARK: char = '\u{E000}';

/// A note made ready for field parsing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Prepared {
    /// The note with URLs as [`URL_MARK`], Markdown links as their text, emphasis markers and
    /// backslash escapes removed.
    pub(crate) text: String,
    /// Byte ranges in `text` of the contents of italic (`*…*`, `_…_`) spans, in order.
    pub(crate) italics: Vec<Range<usize>>,
    /// Markdown link texts, in order.
    pub(crate) links: Vec<LinkText>,
}

/// The text of a Markdown link in the prepared text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LinkText {
    /// Byte range in the prepared text.
    pub(crate) range: Range<usize>,
    /// The link goes to a site's home page, so its text names the site, not the work.
    pub(crate) home: bool,
}

/// NFC, every kind of white space as one plain space, invisible characters (soft hyphens,
/// zero-width spaces, bidirectional controls, byte-order marks) removed, and at most `max`
/// bytes: a footnote longer than that is not a citation, and the bound keeps every later step
/// cheap.
pub(crate) fn normalize(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    if text.is_ascii() {
        return normalize_ascii(text);
    }
    let mut out = String::with_capacity(end);
    // Most notes are already NFC (all ASCII ones are): the quick check spares the composing
    // iterator, which was a tenth of extraction time.
    if unicode_normalization::is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes {
        normalize_nfc(text, &mut out);
    } else {
        normalize_chars(text.nfc(), &mut out);
    }
    out
}

/// [`normalize_chars`] of text already in NFC: runs of plain ASCII are copied whole, and only
/// the other characters are looked at one by one.
fn normalize_nfc(text: &str, out: &mut String) {
    let b = text.as_bytes();
    let mut space = false;
    let mut i = 0;
    while i < b.len() {
        let c0 = b[i];
        if c0.is_ascii() {
            if c0 <= b' ' || c0 == 0x7F {
                space = true;
                i += 1;
                continue;
            }
            let run = b[i..].iter().position(|&x| x <= b' ' || x >= 0x7F).unwrap_or(b.len() - i);
            // A space waiting between two words is written before the second.
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push_str(text.get(i..i + run).unwrap_or(""));
            i += run;
            continue;
        }
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else { break };
        i += c.len_utf8();
        match c {
            '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{200E}' | '\u{200F}' | '\u{061C}' => {}
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
            URL_MARK => space = true,
            c if c.is_whitespace() || c.is_control() => space = true,
            c => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
    }
}

/// [`normalize`] of NFC characters.
fn normalize_chars(chars: impl Iterator<Item = char>, out: &mut String) {
    let mut space = false;
    for c in chars {
        let c = match c {
            '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{200E}' | '\u{200F}' | '\u{061C}' => continue,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => continue,
            URL_MARK => ' ',
            c if c.is_whitespace() || c.is_control() => ' ',
            c => c,
        };
        if c == ' ' {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
}

/// [`normalize`] of ASCII text, a byte at a time: white space and control characters are the
/// bytes up to a space and DEL, and nothing else changes.
fn normalize_ascii(text: &str) -> String {
    let space = |b: u8| b <= b' ' || b == 0x7F;
    // Most notes need only trimming: no control character and no double space inside (the
    // check folds over every byte, which vectorises, rather than stopping at the first).
    let t = text.trim_matches(|c: char| c.is_ascii() && space(c as u8));
    let inside = t.as_bytes();
    let controls = inside.iter().fold(false, |any, &x| any | (x < b' ') | (x == 0x7F));
    if !controls && !crate::document::has_pair(inside, b' ', b' ') {
        return t.to_owned();
    }
    crate::document::collapse_ascii_where(text, space)
}

/// The words of `s` joined by single spaces (white space collapsed and trimmed).
pub(crate) fn collapse(s: &str) -> String {
    crate::document::collapse(s)
}

/// [`collapse`], with the URL mark read as white space.
pub(crate) fn collapse_marks(s: &str) -> String {
    if s.is_ascii() {
        // No mark in it, and ASCII white space is all there is.
        return crate::document::collapse_ascii(s);
    }
    crate::document::collapse_where(s, |c| c.is_whitespace() || c == URL_MARK)
}

// A Markdown reference link, full or collapsed: `[text][label]`, `[text][]`. Its target is in
// a definition elsewhere (the document parser resolves it into the note's links).
static REFERENCE_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([^\[\]]{1,1000})\]\[[^\[\]]{0,200}\]").expect("static regex"));

/// `text` with each Markdown reference link replaced by its text.
pub(crate) fn unwrap_reference_links(text: &str) -> Cow<'_, str> {
    // Every reference link has "][" in it; most notes have none (and the regex, with its
    // thousand-character label, is costly to build).
    if !crate::document::has_pair(text.as_bytes(), b']', b'[') {
        return Cow::Borrowed(text);
    }
    REFERENCE_LINK.replace_all(text, "$1")
}

/// The prepared text of `text` (already normalised) given the URL hits found in it.
pub(crate) fn prepare(text: &str, hits: &[Hit]) -> Prepared {
    // Phase 1: URLs out, link texts in.
    let mut s1 = String::with_capacity(text.len());
    let mut links = Vec::new();
    let mut pos = 0;
    for hit in hits {
        let (Some(before), Some(_)) = (text.get(pos..hit.range.start), text.get(hit.range.clone())) else { continue };
        s1.push_str(before);
        let link_text = hit.link_text.clone().and_then(|r| text.get(r)).map(str::trim).filter(|t| !t.is_empty());
        match link_text {
            Some(t) if !is_url_like(t) => {
                let start = s1.len();
                s1.push_str(t);
                let home = matches!(&hit.found, Found::Url(u) if super::url::is_home_page(u));
                links.push((start..s1.len(), home));
                if !matches!(hit.found, Found::Ignored) {
                    // The URL is still there, right after its text.
                    s1.push(URL_MARK);
                }
            }
            _ => s1.push(URL_MARK),
        }
        pos = hit.range.end;
    }
    s1.push_str(text.get(pos..).unwrap_or(""));

    // Phase 2: emphasis.
    let (text, deleted, italics) = emphasis(s1);
    let at = |i: usize| shifted(&deleted, i).min(text.len());
    let links = links
        .into_iter()
        .map(|(r, home)| LinkText { range: at(r.start)..at(r.end), home })
        .filter(|l| l.range.start < l.range.end)
        .collect();
    Prepared { text, italics, links }
}

/// Whether a link text is just a URL or a bare domain (and so no title).
pub(crate) fn is_url_like(t: &str) -> bool {
    let lower = t.trim().to_ascii_lowercase();
    if lower.contains("://") || lower.starts_with("www.") || lower.starts_with("doi:") {
        return true;
    }
    // "dawn.com", "tribune.com.pk/story/1": one token, a dot, a letter-only last label.
    if lower.contains(char::is_whitespace) || !lower.contains('.') {
        return false;
    }
    let host = lower.split('/').next().unwrap_or("");
    let tld = host.rsplit('.').next().unwrap_or("");
    host.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && (2..=6).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_alphabetic())
}

struct Run {
    start: usize,
    len: usize,
    ch: u8,
    can_open: bool,
    can_close: bool,
}

/// Removes Markdown emphasis markers and backslash escapes, CommonMark-style flanking rules
/// simplified to one pending opener stack per marker character (so that it stays linear on
/// garbage): returns the new text, the byte ranges removed from `s` (sorted, disjoint, on
/// character boundaries: see [`shifted`]), and the italic ranges in the new text.
fn emphasis(s: String) -> (String, Vec<Range<usize>>, Vec<Range<usize>>) {
    let bytes = s.as_bytes();
    let mut runs: Vec<Run> = Vec::new();
    let mut escapes: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // Only backslashes and emphasis markers matter: skip to the next one.
        match memchr::memchr3(b'\\', b'*', b'_', &bytes[i..]) {
            Some(k) => i += k,
            None => break,
        }
        let b = bytes[i];
        if b == b'\\' && bytes.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()) {
            escapes.push(i);
            i += 2;
            continue;
        }
        if b == b'*' || b == b'_' {
            let start = i;
            while i < bytes.len() && bytes[i] == b {
                i += 1;
            }
            let prev = s.get(..start).and_then(|p| p.chars().next_back());
            let next = s.get(i..).and_then(|n| n.chars().next());
            let ws = |c: Option<char>| c.is_none_or(char::is_whitespace);
            let punct = |c: Option<char>| c.is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace());
            let left = !ws(next) && (!punct(next) || ws(prev) || punct(prev));
            let right = !ws(prev) && (!punct(prev) || ws(next) || punct(next));
            let (can_open, can_close) = if b == b'_' {
                (left && (!right || punct(prev)), right && (!left || punct(next)))
            } else {
                (left, right)
            };
            runs.push(Run { start, len: i - start, ch: b, can_open, can_close });
            continue;
        }
        i += 1;
    }

    let mut deleted: Vec<Range<usize>> = escapes.iter().map(|&e| e..e + 1).collect();
    let mut italic_pairs: Vec<(usize, usize)> = Vec::new();
    let mut stacks: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    for (k, run) in runs.iter().enumerate() {
        let stack = &mut stacks[usize::from(run.ch == b'_')];
        if run.can_close
            && let Some(o) = stack.pop()
        {
            let opener = &runs[o];
            let n = opener.len.min(run.len).min(3);
            // The markers next to the content go; any extra markers stay as literal text.
            deleted.push(opener.start + opener.len - n..opener.start + opener.len);
            deleted.push(run.start..run.start + n);
            if n % 2 == 1 {
                italic_pairs.push((opener.start + opener.len, run.start));
            }
            continue;
        }
        if run.can_open {
            stack.push(k);
        }
    }
    deleted.sort_by_key(|r| r.start);
    if deleted.is_empty() {
        // Nothing to remove, and so no italics either (they come with their markers).
        return (s, deleted, Vec::new());
    }
    // Each marker run and each escape is removed at most once, so the ranges are disjoint.
    let mut out = String::with_capacity(s.len());
    let mut pos = 0;
    for r in &deleted {
        out.push_str(s.get(pos..r.start).unwrap_or(""));
        pos = r.end;
    }
    out.push_str(s.get(pos..).unwrap_or(""));
    let mut italics: Vec<Range<usize>> = italic_pairs
        .into_iter()
        .map(|(a, b)| shifted(&deleted, a)..shifted(&deleted, b))
        .filter(|r| r.start < r.end)
        .collect();
    italics.sort_by_key(|r| r.start);
    (out, deleted, italics)
}

/// Where byte `i` of a text lands once the `deleted` ranges (sorted, disjoint) are cut out of
/// it: `i` less the bytes removed before it (a removed byte lands where its range was).
fn shifted(deleted: &[Range<usize>], i: usize) -> usize {
    let mut removed = 0;
    for r in deleted {
        if r.start >= i {
            break;
        }
        removed += r.end.min(i) - r.start;
    }
    i - removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::url::scan;

    fn prep(t: &str) -> Prepared {
        let n = normalize(t, 1 << 16);
        prepare(&n, &scan(&n))
    }

    fn italics(p: &Prepared) -> Vec<&str> {
        p.italics.iter().map(|r| &p.text[r.clone()]).collect()
    }

    #[test]
    fn both_normalisations_of_nfc_text_agree() {
        let texts = [
            "  a\u{00A0}\n b\u{00AD}c\u{200F}\t\u{E000} “Title,” é\u{202A}x\u{85}y  \u{7f}z \u{2028} ",
            "\u{200B} \u{200B}word\u{200B} \u{E000}\u{E000}end\u{FEFF}",
            "ü",
            "\u{E000}",
            "",
        ];
        for t in texts {
            let (mut fast, mut slow) = (String::new(), String::new());
            normalize_nfc(t, &mut fast);
            normalize_chars(t.chars(), &mut slow);
            assert_eq!(fast, slow, "{t:?}");
        }
    }

    #[test]
    fn normalises_white_space_and_invisibles() {
        assert_eq!(normalize("  a\u{00A0}\n b\u{00AD}c\u{200F}\t\u{E000} ", 100), "a bc");
        assert_eq!(normalize("e\u{0301}té", 100), "été");
        assert_eq!(normalize("ééé", 3), "é");
    }

    #[test]
    fn urls_become_marks_and_links_their_text() {
        let p = prep("A, [Envoy *wraps* up](https://x.org/a), *Express Tribune*, <https://x.org/b>.");
        assert_eq!(p.text, "A, Envoy wraps up\u{E000}, Express Tribune, \u{E000}.");
        assert_eq!(italics(&p), ["wraps", "Express Tribune"]);
        assert_eq!(p.links.iter().map(|l| &p.text[l.range.clone()]).collect::<Vec<_>>(), ["Envoy wraps up"]);
        assert!(!p.links[0].home);
        assert!(prep("[Dawn](https://www.dawn.com/)").links[0].home);
        let p = prep("[https://x.org/a](https://x.org/a)");
        assert_eq!(p.text, "\u{E000}");
    }

    #[test]
    fn emphasis_follows_flanking_rules() {
        let p = prep("**Bold** and _it_ but snake_case_name, 2 * 3 * 4, \\*not\\*, ***both***");
        assert_eq!(p.text, "Bold and it but snake_case_name, 2 * 3 * 4, *not*, both");
        assert_eq!(italics(&p), ["it", "both"]);
        let p = prep("*unclosed and _also");
        assert_eq!(p.text, "*unclosed and _also");
        assert!(p.italics.is_empty());
    }

    #[test]
    fn reference_links_become_their_text() {
        assert_eq!(unwrap_reference_links("[Chair's summary][sco-1], SCO, 2025."), "Chair's summary, SCO, 2025.");
        assert_eq!(unwrap_reference_links("[Title][], Dawn"), "Title, Dawn");
        assert_eq!(unwrap_reference_links("Dawn [sic] and [1]"), "Dawn [sic] and [1]");
    }

    #[test]
    fn url_like_link_texts() {
        for t in ["https://x.org", "www.dawn.com", "dawn.com", "tribune.com.pk/story/1"] {
            assert!(is_url_like(t), "{t}");
        }
        for t in ["Dawn", "Envoy wraps up", "U.S. policy", "Pakistan.", "v1.2"] {
            assert!(!is_url_like(t), "{t}");
        }
    }

    #[test]
    fn never_panics() {
        let t = "*_é*_**\\*ü_ [*a*](https://x.org/é) _*_*";
        for (i, _) in t.char_indices() {
            let _ = prep(&t[i..]);
            let _ = prep(&t[..i]);
        }
    }
}
