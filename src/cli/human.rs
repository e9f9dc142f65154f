//! The human report: a table per document, then its findings, then a summary line.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use citecheck::{DocumentReport, Finding, Report, Severity};

const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();

pub(crate) fn render(report: &Report) -> String {
    let mut out = String::new();
    for doc in &report.documents {
        document(&mut out, doc);
    }
    summary(&mut out, report);
    out
}

fn document(out: &mut String, doc: &DocumentReport) {
    let n = doc.references.len();
    let _ = writeln!(
        out,
        "{BOLD}{}{BOLD:#} {DIM}· {} · {}{DIM:#}",
        clean(&doc.path),
        doc.format.as_str(),
        plural(n, "reference", "references")
    );
    if n == 0 {
        let _ = writeln!(out, "  no footnoted references found");
    } else {
        table(out, doc);
    }
    if !doc.findings.is_empty() {
        out.push('\n');
        for f in &doc.findings {
            finding(out, &doc.path, f);
        }
    }
    out.push('\n');
}

fn table(out: &mut String, doc: &DocumentReport) {
    let rows: Vec<[String; 6]> = doc
        .references
        .iter()
        .map(|r| {
            let r = &r.reference;
            [
                clean(&r.label),
                r.span.line.to_string(),
                fit(&r.authors.join("; "), 24),
                fit(r.title.as_deref().unwrap_or(""), 56),
                fit(r.container.as_deref().unwrap_or(""), 26),
                r.date.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    let header = ["#", "line", "author", "title", "publication", "date"];
    let mut widths = header.map(UnicodeWidthStr::width);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let mut line = String::from("  ");
    for (i, h) in header.iter().enumerate() {
        pad(&mut line, h, widths[i], i < 2);
    }
    let _ = writeln!(out, "{DIM}{}{DIM:#}", line.trim_end());
    for (row, r) in rows.iter().zip(&doc.references) {
        let mut line = String::from("  ");
        for (i, cell) in row.iter().enumerate() {
            pad(&mut line, cell, widths[i], i < 2);
        }
        let _ = writeln!(out, "{}", line.trim_end());
        let indent = " ".repeat(2 + widths[0] + 2 + widths[1] + 2);
        let r = &r.reference;
        match (&r.url, &r.repeats) {
            (_, Some(of)) => {
                let _ = writeln!(out, "{indent}{DIM}repeats note {}{}{DIM:#}", clean(of), url_suffix(r.url.as_deref()));
            }
            (Some(url), None) => {
                let _ = writeln!(out, "{indent}{DIM}{}{DIM:#}", clean(url));
            }
            (None, None) => {}
        }
    }
}

fn url_suffix(url: Option<&str>) -> String {
    url.map(|u| format!(" · {}", clean(u))).unwrap_or_default()
}

fn pad(line: &mut String, cell: &str, width: usize, right: bool) {
    let fill = " ".repeat(width.saturating_sub(cell.width()));
    if right {
        line.push_str(&fill);
        line.push_str(cell);
    } else {
        line.push_str(cell);
        line.push_str(&fill);
    }
    line.push_str("  ");
}

pub(crate) fn finding(out: &mut String, path: &str, f: &Finding) {
    let style = severity_style(f.severity);
    let _ = writeln!(
        out,
        "  {}:{}:{}: {style}{}{style:#}[{}] {}",
        clean(path),
        f.span.line,
        f.span.column,
        f.severity,
        f.rule,
        clean(&f.message)
    );
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
        Severity::Warning => Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold(),
        Severity::Info => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
    }
}

fn summary(out: &mut String, report: &Report) {
    let s = &report.summary;
    let _ = writeln!(
        out,
        "{} in {}: {}, {}, {}",
        plural(s.references, "reference", "references"),
        plural(s.documents, "document", "documents"),
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.infos, "info", "infos"),
    );
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Text from documents and pages, made safe for a terminal: control characters and escape
/// sequences are dropped (a page title must not be able to move the cursor or set a link).
pub(crate) fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                // Skip an ANSI sequence: CSI (ESC [ … final byte) or OSC (ESC ] … BEL or ESC \).
                match chars.peek() {
                    Some('[') => {
                        chars.next();
                        for d in chars.by_ref() {
                            if ('@'..='~').contains(&d) {
                                break;
                            }
                        }
                    }
                    Some(']') => {
                        chars.next();
                        while let Some(d) = chars.next() {
                            if d == '\u{7}' || (d == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                                break;
                            }
                        }
                    }
                    _ => {
                        chars.next();
                    }
                }
            }
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() || ('\u{200e}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c) => {
            }
            c => out.push(c),
        }
    }
    out
}

/// Shortens to at most `max` columns, ending with "…" when cut.
fn fit(s: &str, max: usize) -> String {
    let s = clean(s);
    if s.width() <= max {
        return s;
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_drops_escape_sequences() {
        assert_eq!(clean("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(clean("x\u{1b}]8;;http://e.vil\u{7}link\u{1b}]8;;\u{7}y"), "xlinky");
        assert_eq!(clean("t\u{202e}abc\u{0}"), "tabc");
    }

    #[test]
    fn fit_cuts_by_display_width() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("日本語テキスト", 5), "日本…");
        assert_eq!(fit("short", 10), "short");
    }
}
