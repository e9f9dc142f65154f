//! Positioned glyphs → text lines: glyphs grouped by baseline, superscripts (smaller and raised)
//! attached to the line they sit on and marked, words spaced by the gaps between glyphs.
//!
//! Pure and synchronous; single-column reading order (lines top to bottom, glyphs left to
//! right), which is how briefs, reports and articles are laid out. Text in two columns at the
//! same height reads as one line.

use std::ops::Range;

use super::{Glyph, Page};

/// A glyph at most this fraction of its line's size, and raised, is a superscript.
const SUPERSCRIPT_SIZE: f64 = 0.85;

/// One line of text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    /// Baseline, top-down, in points.
    pub(crate) y: f64,
    /// The size of most of the line's characters.
    pub(crate) size: f64,
    /// Left and right ends.
    pub(crate) x0: f64,
    pub(crate) x1: f64,
    /// The text, words separated by single spaces; raised digits as written (`1`, not `¹`).
    pub(crate) text: String,
    /// Byte ranges of raised (superscript) runs in `text`.
    pub(crate) raised: Vec<Range<usize>>,
    /// Each character's byte offset in `text` and its horizontal extent.
    pub(crate) chars: Vec<(usize, f64, f64)>,
}

impl Line {
    /// The byte range of the characters whose middle lies within `x0..x1`.
    pub(crate) fn range_within(&self, x0: f64, x1: f64) -> Option<Range<usize>> {
        let mut start = None;
        let mut end = 0;
        for (i, &(at, a, b)) in self.chars.iter().enumerate() {
            let mid = (a + b) / 2.0;
            if mid >= x0 && mid <= x1 {
                start.get_or_insert(at);
                end = self.chars.get(i + 1).map_or(self.text.len(), |c| c.0);
            }
        }
        start.map(|s| s..end.max(s))
    }

    /// Whether the line starts with a raised run, and its range.
    pub(crate) fn leading_raised(&self) -> Option<Range<usize>> {
        self.raised.first().filter(|r| r.start == 0).cloned()
    }
}

/// The lines of a page, top to bottom.
pub(crate) fn lines(page: &Page) -> Vec<Line> {
    let mut glyphs: Vec<&Glyph> = page.glyphs.iter().filter(|g| g.size > 0.1).collect();
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    // Rows: glyphs whose baselines are within a fraction of their size of the row's first.
    let mut rows: Vec<Vec<&Glyph>> = Vec::new();
    for g in glyphs {
        match rows.last_mut() {
            Some(row) if (g.y - row[0].y).abs() <= 0.25 * g.size.max(row[0].size) => row.push(g),
            _ => rows.push(vec![g]),
        }
    }
    // A row of small glyphs just above a row of larger ones holds that row's superscripts.
    let mut out = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while let Some(mut row) = rows.next() {
        if let Some(next) = rows.peek() {
            let next_size = row_size(next);
            let gap = next[0].y - row[0].y;
            let (a0, a1) = extent(&row);
            let (b0, b1) = extent(next);
            let overlaps = a0 <= b1 + next_size && a1 >= b0 - next_size;
            if max_size(&row) < SUPERSCRIPT_SIZE * next_size && gap > 0.0 && gap < 0.8 * next_size && overlaps {
                row.extend(rows.next().unwrap_or_default());
            }
        }
        out.extend(build(row));
    }
    out
}

fn max_size(row: &[&Glyph]) -> f64 {
    row.iter().map(|g| g.size).fold(0.0, f64::max)
}

fn extent(row: &[&Glyph]) -> (f64, f64) {
    let x0 = row.iter().map(|g| g.x).fold(f64::INFINITY, f64::min);
    let x1 = row.iter().map(|g| g.x + g.width).fold(f64::NEG_INFINITY, f64::max);
    (x0, x1)
}

/// The size most of a row's characters have (sizes rounded to a tenth of a point).
fn row_size(row: &[&Glyph]) -> f64 {
    let mut counts: Vec<(i64, usize)> = Vec::new();
    for g in row.iter().filter(|g| !g.text.trim().is_empty()) {
        let key = (g.size * 10.0).round() as i64;
        match counts.iter_mut().find(|c| c.0 == key) {
            Some(c) => c.1 += 1,
            None => counts.push((key, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    counts.first().map_or_else(|| row.first().map_or(0.0, |g| g.size), |c| c.0 as f64 / 10.0)
}

fn build(mut row: Vec<&Glyph>) -> Option<Line> {
    let size = row_size(&row);
    // The baseline: the lowest baseline among glyphs of the line's size (superscripts sit above).
    let y = row.iter().filter(|g| (g.size - size).abs() < 0.05 * size).map(|g| g.y).fold(f64::NEG_INFINITY, f64::max);
    let y = if y.is_finite() { y } else { row[0].y };
    row.sort_by(|a, b| a.x.total_cmp(&b.x));
    let mut line = Line { y, size, x0: f64::INFINITY, x1: f64::NEG_INFINITY, ..empty() };
    let mut prev_end: Option<f64> = None;
    let mut prev: Option<&Glyph> = None;
    let mut pending_space = false;
    let mut raised_start: Option<usize> = None;
    for g in row {
        if g.text.chars().all(char::is_whitespace) {
            pending_space = true;
            prev_end = Some(prev_end.map_or(g.x + g.width, |e| e.max(g.x + g.width)));
            continue;
        }
        // Fake bold (the same glyph drawn twice, a hair apart) is one glyph.
        if let Some(p) = prev {
            if p.text == g.text && (p.x - g.x).abs() < 0.2 * g.size && (p.y - g.y).abs() < 0.2 * g.size {
                continue;
            }
        }
        let raised = g.size < SUPERSCRIPT_SIZE * size && g.y < y - 0.15 * size;
        if let Some(end) = prev_end {
            let gap = g.x - end;
            let em = g.size.min(prev.map_or(g.size, |p| p.size));
            let boundary = raised != raised_start.is_some();
            if (pending_space || gap > 0.18 * em) && !line.text.is_empty() && !line.text.ends_with(' ') {
                // A superscript right after its word has no space before it in the text.
                if !(boundary && raised && gap < 0.5 * em) {
                    line.text.push(' ');
                }
            }
        }
        if raised && raised_start.is_none() {
            raised_start = Some(line.text.len());
        }
        if !raised {
            if let Some(start) = raised_start.take() {
                close_raised(&mut line, start);
            }
        }
        let at = line.text.len();
        for c in g.text.chars().filter(|c| !c.is_control()) {
            line.text.push(c);
        }
        if line.text.len() > at {
            line.chars.push((at, g.x, g.x + g.width));
        }
        line.x0 = line.x0.min(g.x);
        line.x1 = line.x1.max(g.x + g.width);
        prev_end = Some(g.x + g.width);
        prev = Some(g);
        pending_space = false;
    }
    if let Some(start) = raised_start {
        close_raised(&mut line, start);
    }
    (!line.text.trim().is_empty()).then_some(line)
}

fn close_raised(line: &mut Line, start: usize) {
    let end = line.text.trim_end().len();
    if end > start {
        line.raised.push(start..end);
    }
}

fn empty() -> Line {
    Line { y: 0.0, size: 0.0, x0: 0.0, x1: 0.0, text: String::new(), raised: Vec::new(), chars: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(s: &str, x: f64, y: f64, size: f64) -> Vec<Glyph> {
        let w = size * 0.5;
        s.chars()
            .enumerate()
            .map(|(i, c)| Glyph { x: x + i as f64 * w, y, width: w, size, text: c.to_string() })
            .collect()
    }

    fn page(parts: Vec<Vec<Glyph>>) -> Page {
        Page { number: 1, width: 600.0, height: 800.0, glyphs: parts.concat(), ..Page::default() }
    }

    #[test]
    fn words_lines_and_superscripts() {
        // "Kabul trip.12 Both" with a raised, smaller "12", and a second line below.
        let p = page(vec![
            glyphs("Kabul", 10.0, 100.0, 10.0),
            glyphs("trip.", 40.0, 100.0, 10.0),
            glyphs("12", 65.0, 96.5, 6.0),
            glyphs("Both", 75.0, 100.0, 10.0),
            glyphs("next", 10.0, 113.0, 10.0),
        ]);
        let lines = lines(&p);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text, "Kabul trip.12 Both");
        assert_eq!(&lines[0].text[lines[0].raised[0].clone()], "12");
        assert_eq!(lines[0].y, 100.0);
        assert_eq!(lines[1].text, "next");
        assert!(lines[1].raised.is_empty());
    }

    #[test]
    fn a_line_of_small_type_is_not_a_superscript_row() {
        // A footnote line (smaller) well below the body line stays its own line.
        let p = page(vec![glyphs("Body text", 10.0, 100.0, 11.0), glyphs("1 Note", 10.0, 130.0, 9.0)]);
        let lines = lines(&p);
        assert_eq!(lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), ["Body text", "1 Note"]);
        // Its leading label is not raised: it sits on its own baseline.
        assert!(lines[1].leading_raised().is_none());
    }

    #[test]
    fn a_leading_superscript_label() {
        let p = page(vec![glyphs("3", 10.0, 296.0, 5.5), glyphs("Note three", 16.0, 299.0, 9.0)]);
        let lines = lines(&p);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text, "3 Note three");
        assert_eq!(lines[0].leading_raised(), Some(0..1));
        assert_eq!(lines[0].range_within(16.0, 34.0).map(|r| &lines[0].text[r]), Some("Note "));
    }

    #[test]
    fn degenerate_input() {
        assert!(lines(&Page::default()).is_empty());
        let p = page(vec![vec![Glyph { x: f64::MAX, y: 1.0, width: 0.0, size: 1e300, text: "x".into() }]]);
        assert_eq!(lines(&p).len(), 1);
        let p = page(vec![vec![Glyph { x: 1.0, y: 1.0, width: 1.0, size: 0.0, text: "x".into() }]]);
        assert!(lines(&p).is_empty());
    }
}
