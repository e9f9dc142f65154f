//! GitHub Actions: workflow commands that annotate the document lines of a pull request, and the
//! Markdown job summary.
//!
//! GitHub keeps only 10 annotations of each type per step and 50 per job and drops the rest
//! without a word, so the most severe are printed first and whatever does not fit is counted in
//! one closing notice and listed as plain log lines.

use std::fmt::Write as _;

use super::{RenderOptions, Report, display_path};
use crate::finding::{Finding, Severity};

/// What `$GITHUB_STEP_SUMMARY` accepts from one step.
pub const STEP_SUMMARY_MAX_BYTES: usize = 1024 * 1024;

/// Workflow commands (`::error file=…,line=…,col=…,title=…::message`), one a line, most severe
/// first and in document order within a severity, within `options.github_annotations`; then, if
/// some did not fit, one `::notice` counting them and the left-out findings as plain log lines.
///
/// Errors and warnings are `::error` and `::warning`; infos are `::notice`, so that a suggestion
/// such as a canonical URL shows next to the line too: notices have their own allowance, so they
/// never push an error or a warning out.
pub fn render(report: &Report, options: &RenderOptions) -> String {
    let mut all: Vec<(&str, &Finding)> = report.findings().map(|(d, f)| (d.path.as_str(), f)).collect();
    // Stable: document order is kept within each severity.
    all.sort_by_key(|(_, f)| std::cmp::Reverse(f.severity));
    let limits = options.github_annotations;
    let pick = |per_notice: usize, total: usize| {
        let mut shown = [0usize; 3];
        let mut used = 0;
        let mut keep = Vec::with_capacity(all.len());
        for (_, f) in &all {
            let i = f.severity as usize;
            let cap = if f.severity == Severity::Info { per_notice } else { limits.per_type };
            let ok = shown[i] < cap && used < total;
            if ok {
                shown[i] += 1;
                used += 1;
            }
            keep.push(ok);
        }
        keep
    };
    let mut keep = pick(limits.per_type, limits.total);
    if keep.contains(&false) {
        // The closing notice is an annotation too: leave room for it.
        keep = pick(limits.per_type.saturating_sub(1), limits.total.saturating_sub(1));
    }
    let mut out = String::new();
    let mut left = Vec::new();
    for ((path, f), keep) in all.iter().zip(keep) {
        if keep {
            annotation(&mut out, path, f, options);
        } else {
            left.push((*path, *f));
        }
    }
    if !left.is_empty() {
        let count = |s: Severity| left.iter().filter(|(_, f)| f.severity == s).count();
        let parts: Vec<String> = [(Severity::Error, "error"), (Severity::Warning, "warning"), (Severity::Info, "info")]
            .into_iter()
            .filter_map(|(s, name)| match count(s) {
                0 => None,
                1 => Some(format!("1 {name}")),
                n => Some(format!("{n} {name}s")),
            })
            .collect();
        let _ = writeln!(
            out,
            "::notice title={}::{}",
            property("citecheck"),
            data(&format!(
                "{} more finding{} not shown as annotations ({}); GitHub shows {} of each type per step. \
                 They are listed in the log below and in the job summary.",
                left.len(),
                if left.len() == 1 { " is" } else { "s are" },
                parts.join(", "),
                limits.per_type
            ))
        );
        for (path, f) in left {
            let (path, _) = display_path(path, options.root.as_deref());
            // A plain line: line breaks would let fetched text start a workflow command.
            let line = format!("{path}:{}:{}: {}[{}] {}", f.span.line, f.span.column, f.severity, f.rule, f.message);
            out.push_str(&one_line(&line));
            out.push('\n');
        }
    }
    out
}

/// The Markdown job summary for `$GITHUB_STEP_SUMMARY`: the Markdown report, cut at a line with
/// a note when it would pass [`STEP_SUMMARY_MAX_BYTES`] (or `options.markdown_max_bytes`, if
/// smaller).
pub fn step_summary(report: &Report, options: &RenderOptions) -> String {
    let max = options.markdown_max_bytes.map_or(STEP_SUMMARY_MAX_BYTES, |m| m.min(STEP_SUMMARY_MAX_BYTES));
    super::markdown::render_within(report, options, Some(max))
}

fn annotation(out: &mut String, path: &str, f: &Finding, options: &RenderOptions) {
    let command = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut props = Vec::with_capacity(4);
    if path != "<stdin>" {
        let (shown, _) = display_path(path, options.root.as_deref());
        props.push(format!("file={}", property(&shown)));
        props.push(format!("line={}", f.span.line.max(1)));
        props.push(format!("col={}", f.span.column.max(1)));
    }
    props.push(format!("title={}", property(&format!("citecheck {}", f.rule))));
    let _ = writeln!(out, "::{command} {}::{}", props.join(","), data(&f.message));
}

/// A command's message, escaped as GitHub's toolkit does (`escapeData`).
pub(crate) fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A command property's value, escaped as GitHub's toolkit does (`escapeProperty`).
pub(crate) fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(property("50% a\r\nb: c, d"), "50%25 a%0D%0Ab%3A c%2C d");
    }

    #[test]
    fn plain_lines_cannot_start_a_command() {
        assert_eq!(one_line("x\n::add-mask::y"), "x ::add-mask::y");
    }
}
