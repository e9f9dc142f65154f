//! The human report: a table per document, then its findings, then a summary line.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use citecheck::archived::ArchiveOutcome;
use citecheck::matching::WordDiff;
use citecheck::verdict::{Check, TitleResult, Verdict};
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
    } else if doc.references.iter().any(|r| r.check.is_some()) {
        checked(out, doc);
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
        if let Some(reason) = &r.ignored {
            let _ = writeln!(out, "{indent}{DIM}ignored: {}{DIM:#}", clean(reason));
        }
    }
}

fn checked(out: &mut String, doc: &DocumentReport) {
    let label_w = doc.references.iter().map(|r| r.reference.label.width()).max().unwrap_or(1);
    let line_w = doc.references.iter().map(|r| r.reference.span.line.to_string().len()).max().unwrap_or(1);
    let verdict_w =
        doc.references.iter().filter_map(|r| r.check.as_ref()).map(|c| verdict_text(c).width()).max().unwrap_or(2);
    for r in &doc.references {
        let Some(check) = &r.check else { continue };
        let reference = &r.reference;
        let style = verdict_style(check.verdict);
        let text = verdict_text(check);
        let what = reference.title.as_deref().or(reference.url.as_deref()).unwrap_or("(no title, no URL)");
        let _ = writeln!(
            out,
            "  {:>label_w$}  {DIM}line{DIM:#} {:>line_w$}  {style}{text}{style:#}{}  {}",
            clean(&reference.label),
            reference.span.line,
            " ".repeat(verdict_w.saturating_sub(text.width())),
            fit(what, 70),
        );
        details(out, reference, check, 2 + label_w + 2 + 5 + line_w + 2);
    }
}

fn verdict_text(check: &Check) -> String {
    match (check.verdict, check.title_match) {
        (Verdict::Ok, TitleResult::Near) => "ok (near title)".to_owned(),
        (v, _) => v.as_str().to_owned(),
    }
}

fn verdict_style(v: Verdict) -> Style {
    match v {
        Verdict::Ok => Style::new().fg_color(Some(AnsiColor::Green.into())),
        Verdict::TitleMismatch | Verdict::Dead | Verdict::Soft404 | Verdict::InvalidUrl => {
            Style::new().fg_color(Some(AnsiColor::Red.into())).bold()
        }
        Verdict::Unverifiable | Verdict::NotChecked => Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold(),
        Verdict::NoUrl | Verdict::Excluded => DIM,
    }
}

/// For every problem: status, final URL, and the cited and found titles with differing words marked.
fn details(out: &mut String, reference: &citecheck::Reference, check: &Check, indent: usize) {
    let pad = " ".repeat(indent);
    let problem = check.verdict != Verdict::Ok || check.title_match == TitleResult::Near;
    if !problem {
        return;
    }
    let mut facts = Vec::new();
    if let Some(reason) = &reference.ignored {
        facts.push(format!("ignored: {}", clean(reason)));
    }
    if let Some(status) = check.status {
        facts.push(format!("HTTP {status}"));
    }
    if let Some(err) = &check.error {
        facts.push(clean(err));
    }
    if let Some(url) = reference.url.as_deref() {
        facts.push(clean(url));
    }
    if let Some(final_url) = &check.final_url
        && !check.redirects.is_empty()
    {
        facts.push(format!("→ {}", clean(final_url)));
    }
    if !facts.is_empty() {
        let _ = writeln!(out, "{pad}{DIM}{}{DIM:#}", facts.join(" · "));
    }
    if matches!(check.title_match, TitleResult::Near | TitleResult::Mismatch) && !check.title_diff.is_empty() {
        let (cited, page) = marked(&check.title_diff);
        let _ = writeln!(out, "{pad}cited: {cited}");
        let _ = writeln!(out, "{pad}page:  {page}");
    } else if let (Some(title), Verdict::Soft404) = (&check.page_title, check.verdict) {
        let _ = writeln!(out, "{pad}page:  {}", fit(title, 90));
    }
    if let Some(copy) = &check.archived {
        let style = match (copy.outcome, copy.title_match) {
            (ArchiveOutcome::Found, TitleResult::Match | TitleResult::Near) => {
                Style::new().fg_color(Some(AnsiColor::Green.into()))
            }
            (ArchiveOutcome::Found, _) => Style::new(),
            _ => DIM,
        };
        let _ = writeln!(out, "{pad}{style}{}{style:#}", clean(&copy.summary));
        if let Some(url) = &copy.url {
            let _ = writeln!(out, "{pad}{DIM}{}{DIM:#}", clean(url));
        }
    }
}

/// The two sides of a word diff: `[-missing-]` on the cited side, `{+extra+}` on the page side.
fn marked(diff: &[WordDiff]) -> (String, String) {
    let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    let green = Style::new().fg_color(Some(AnsiColor::Green.into())).bold();
    let mut cited = Vec::new();
    let mut page = Vec::new();
    for d in diff {
        match d {
            WordDiff::Same(w) => {
                cited.push(clean(w));
                page.push(clean(w));
            }
            WordDiff::Missing(w) => cited.push(format!("{red}[-{}-]{red:#}", clean(w))),
            WordDiff::Extra(w) => page.push(format!("{green}{{+{}+}}{green:#}", clean(w))),
        }
    }
    (cited.join(" "), page.join(" "))
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
    let verdicts = s
        .verdicts
        .as_ref()
        .map(|v| {
            let parts: Vec<String> = Verdict::ALL
                .iter()
                .filter_map(|verdict| v.get(verdict.as_str()).map(|n| format!("{n} {verdict}")))
                .collect();
            format!(" ({})", parts.join(", "))
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}{verdicts} in {}: {}, {}, {}",
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
    citecheck::sanitize::strip_controls(s)
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
        assert_eq!(clean("“quoted” — dash"), "“quoted” — dash");
    }

    #[test]
    fn fit_cuts_by_display_width() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("日本語テキスト", 5), "日本…");
        assert_eq!(fit("short", 10), "short");
    }
}
