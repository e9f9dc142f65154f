//! Deciding when enough of an HTML page has been read: the metadata citecheck compares lives in
//! the head (`<title>`, `og:title`, dates, authors) or, failing a title, in the first `<h1>`.
//! Reading stops there so that checking a thousand links does not download a thousand full pages.
//!
//! The scanner sees the body as it grows, chunk by chunk, and re-examines a few bytes before each
//! new chunk so that a marker split across two chunks (`</he` + `ad>`) is still found. Matching is
//! ASCII case-insensitive. It is a heuristic over bytes, not a parser: a `</head>` inside a script
//! string can end the read early, which costs at most a missing field, never a wrong one.

use super::charset::find_ci;

/// Bytes re-examined before each new chunk: longer than the longest marker plus the byte after it.
const OVERLAP: usize = 16;

/// The markers found so far, as byte offsets of their first occurrence.
#[derive(Debug, Default, Clone)]
pub(crate) struct HeadScanner {
    scanned: usize,
    title: Option<usize>,
    head_end: Option<usize>,
    h1_end: Option<usize>,
}

/// What the reader should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Progress {
    /// Keep reading.
    More,
    /// The metadata is complete: stop.
    Done,
}

impl HeadScanner {
    /// Scans what was appended to `body` since the last call.
    pub(crate) fn feed(&mut self, body: &[u8]) {
        let from = self.scanned.saturating_sub(OVERLAP).min(body.len());
        let window = &body[from..];
        let first = |found: &mut Option<usize>, pos: Option<usize>| {
            if found.is_none() {
                *found = pos.map(|p| from + p);
            }
        };
        first(&mut self.title, first_of(window, &[tag(b"<title"), Needle::Plain(b"og:title")]));
        first(&mut self.head_end, first_of(window, &[tag(b"</head"), tag(b"<body")]));
        first(&mut self.h1_end, first_of(window, &[tag(b"</h1")]));
        self.scanned = body.len();
    }

    /// Where the metadata ended (the end of a titled head, else the first `</h1>`), once known.
    pub(crate) fn metadata_end(&self) -> Option<usize> {
        match (self.title, self.head_end) {
            (Some(t), Some(h)) if t < h => Some(h),
            _ => self.h1_end,
        }
    }

    /// Whether reading can stop, given how many bytes were read and the head-scan cap: after the
    /// end of the head when a title came before it; else after the first `</h1>`; else, once the
    /// head has ended without a title, when the head-scan cap is reached.
    pub(crate) fn progress(&self, read: usize, head_scan_cap: usize) -> Progress {
        let titled_head = matches!((self.title, self.head_end), (Some(t), Some(h)) if t < h);
        if titled_head || self.h1_end.is_some() || (self.head_end.is_some() && read >= head_scan_cap) {
            Progress::Done
        } else {
            Progress::More
        }
    }
}

#[derive(Clone, Copy)]
enum Needle {
    /// A tag name that must be followed by white space, `>` or `/` (so `<body` does not match
    /// `<bodyguard`).
    Tag(&'static [u8]),
    Plain(&'static [u8]),
}

const fn tag(name: &'static [u8]) -> Needle {
    Needle::Tag(name)
}

fn first_of(window: &[u8], needles: &[Needle]) -> Option<usize> {
    needles.iter().filter_map(|n| find_needle(window, *n)).min()
}

fn find_needle(window: &[u8], needle: Needle) -> Option<usize> {
    let (bytes, is_tag) = match needle {
        Needle::Tag(b) => (b, true),
        Needle::Plain(b) => (b, false),
    };
    let mut from = 0;
    while let Some(pos) = find_ci(window.get(from..)?, bytes) {
        let at = from + pos;
        if !is_tag {
            return Some(at);
        }
        match window.get(at + bytes.len()) {
            Some(b) if b.is_ascii_whitespace() || *b == b'>' || *b == b'/' => return Some(at),
            // The byte that decides is in the next chunk: the overlap will look again.
            None => return None,
            Some(_) => from = at + 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(chunks: &[&str], cap: usize) -> Progress {
        let mut body = Vec::new();
        let mut s = HeadScanner::default();
        for c in chunks {
            body.extend_from_slice(c.as_bytes());
            s.feed(&body);
        }
        s.progress(body.len(), cap)
    }

    #[test]
    fn titled_head_completes_at_head_end() {
        assert_eq!(scan(&["<html><head><title>A</title></head><body>"], 1000), Progress::Done);
        assert_eq!(scan(&["<HEAD><TITLE>A</TITLE></HEAD >"], 1000), Progress::Done);
        assert_eq!(scan(&["<head><meta property=\"og:title\" content=A></head>"], 1000), Progress::Done);
        assert_eq!(scan(&["<head><title>A</title>"], 1000), Progress::More);
    }

    #[test]
    fn markers_split_across_chunks_are_found() {
        assert_eq!(scan(&["<head><tit", "le>A</title></he", "ad>"], 1000), Progress::Done);
        assert_eq!(scan(&["<head><title>A</title></head", ">"], 1000), Progress::Done);
        assert_eq!(scan(&["<head><title>A</title><", "/", "h", "e", "a", "d", ">"], 1000), Progress::Done);
    }

    #[test]
    fn an_omitted_head_end_tag_is_implied_by_body() {
        assert_eq!(scan(&["<title>A</title><body class=x>"], 1000), Progress::Done);
        assert_eq!(scan(&["<title>A</title><bodyguard>"], 1000), Progress::More);
    }

    #[test]
    fn untitled_head_continues_to_the_first_h1() {
        let head = "<head><meta charset=utf-8></head><body>";
        assert_eq!(scan(&[head, "<p>intro</p>"], 1000), Progress::More);
        assert_eq!(scan(&[head, "<h1 class=t>Headline</H1>"], 1000), Progress::Done);
        // ... but not past the head-scan cap.
        assert_eq!(scan(&[head, "<p>intro</p>"], 20), Progress::Done);
    }

    #[test]
    fn an_unfinished_head_is_read_past_the_head_scan_cap() {
        assert_eq!(scan(&["<head><script>", &"x".repeat(100)], 20), Progress::More);
    }

    #[test]
    fn a_title_after_the_head_does_not_count() {
        assert_eq!(scan(&["<head></head><body><title>late</title>"], 1000), Progress::More);
    }
}
