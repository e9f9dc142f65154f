//! Positions in a source document: 1-based line and column (in characters) plus the byte range.

use serde::Serialize;

/// Where something sits in the original file.
///
/// `line` and `column` are 1-based and count characters (Unicode scalar values), not bytes, so
/// that an editor or a CI annotation lands on the right spot; `start..end` is the byte range in the
/// decoded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Byte offset of the first byte.
    #[serde(skip)]
    pub start: usize,
    /// Byte offset one past the last byte.
    #[serde(skip)]
    pub end: usize,
}

impl Span {
    /// A span for a document that has no meaningful position (the whole file).
    pub const FILE: Span = Span { line: 1, column: 1, start: 0, end: 0 };
}

/// Turns byte offsets into line/column positions.
///
/// Line starts are found once (memchr over the text); columns are counted from the line start,
/// with a cursor so that a run of increasing offsets on one very long line is counted once in
/// total rather than once per lookup: a 100 MB single-line file stays linear.
pub(crate) struct Locator<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    // (byte offset, line index, column) of the last lookup.
    cursor: (usize, usize, u32),
}

impl<'a> Locator<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 64 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Locator { text, line_starts, cursor: (0, 0, 1) }
    }

    /// Span of `start..end`; offsets past the end or inside a character are clamped back.
    pub(crate) fn span(&mut self, start: usize, end: usize) -> Span {
        let start = floor_char_boundary(self.text, start);
        let end = floor_char_boundary(self.text, end.max(start));
        let line_idx = match self.line_starts.binary_search(&start) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = self.line_starts[line_idx];
        let (from, mut column) = if self.cursor.1 == line_idx && self.cursor.0 <= start {
            (self.cursor.0, self.cursor.2)
        } else {
            (line_start, 1)
        };
        column += self.text[from..start].chars().count() as u32;
        self.cursor = (start, line_idx, column);
        Span { line: line_idx as u32 + 1, column, start, end }
    }
}

pub(crate) fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "ab\n“x” ¹ y\n";
        let mut loc = Locator::new(text);
        let at = text.find('¹').unwrap();
        let span = loc.span(at, at + '¹'.len_utf8());
        assert_eq!((span.line, span.column), (2, 5));
        assert_eq!(loc.span(0, 1).column, 1);
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let mut loc = Locator::new("abc");
        let span = loc.span(10, 20);
        assert_eq!((span.line, span.column, span.start), (1, 4, 3));
    }

    #[test]
    fn cursor_moves_backwards_correctly() {
        let text = "aé b c";
        let mut loc = Locator::new(text);
        assert_eq!(loc.span(5, 5).column, 5);
        assert_eq!(loc.span(1, 1).column, 2);
        assert_eq!(loc.span(6, 6).column, 6);
    }
}
