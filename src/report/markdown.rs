//! Markdown for pull-request comments and job summaries: totals, then a table of references and
//! the findings for each document. Everything quoted from documents and pages is escaped, so a
//! hostile title cannot break a table, add HTML or links, or mention people.

use std::fmt::Write as _;

use super::{DocumentReport, ReferenceReport, RenderOptions, Report, display_path, owners, shorten};
use crate::finding::Severity;
use crate::verdict::{TitleResult, Verdict};

/// The Markdown report, within `options.markdown_max_bytes` when set.
pub fn render(report: &Report, options: &RenderOptions) -> String {
    render_within(report, options, options.markdown_max_bytes)
}

/// The Markdown report cut at a line boundary to at most `max` bytes, with a closing note saying
/// it was cut.
pub(crate) fn render_within(report: &Report, options: &RenderOptions, max: Option<usize>) -> String {
    let mut out = String::new();
    header(&mut out, report);
    for doc in &report.documents {
        document(&mut out, doc, options);
    }
    match max {
        Some(max) if out.len() > max => truncate(out, max),
        _ => out,
    }
}

fn truncate(full: String, max: usize) -> String {
    let note = |shown: usize| {
        format!(
            "\n**Report cut short**: {} of {} bytes shown (the limit is {max}). \
             The JSON report (`--format json`) has everything.\n",
            shown,
            full.len()
        )
    };
    // The note's length barely depends on `shown`; size it with the longest value it can take.
    let budget = max.saturating_sub(note(full.len()).len());
    let mut cut = budget.min(full.len());
    while !full.is_char_boundary(cut) {
        cut -= 1;
    }
    let cut = full[..cut].rfind('\n').map_or(0, |i| i + 1);
    let mut out = full[..cut].to_owned();
    out.push_str(&note(cut));
    if out.len() > max {
        // A limit smaller than the note itself: keep what fits of the note.
        let mut end = max;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out
}

fn header(out: &mut String, report: &Report) {
    out.push_str("## citecheck report\n\n");
    let mut run = vec![escape(&report.run.tool)];
    if !report.run.command.is_empty() {
        run.push(format!("`{}`", report.run.command.replace('`', "")));
    }
    if let Some(t) = &report.run.started {
        run.push(format!("started {}", escape(t)));
    }
    let _ = writeln!(out, "{}\n", run.join(" · "));

    let s = &report.summary;
    let mut head = vec!["documents".to_owned(), "references".to_owned()];
    let mut row = vec![s.documents.to_string(), s.references.to_string()];
    if let Some(verdicts) = &s.verdicts {
        // In the verdicts' own order, not alphabetical.
        for v in Verdict::ALL {
            if let Some(n) = verdicts.get(v.as_str()).filter(|n| **n > 0) {
                head.push(v.as_str().to_owned());
                row.push(n.to_string());
            }
        }
    }
    for (name, n) in [("errors", s.errors), ("warnings", s.warnings), ("infos", s.infos)] {
        head.push(name.to_owned());
        row.push(n.to_string());
    }
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let _ = writeln!(out, "|{}", "---:|".repeat(head.len()));
    let _ = writeln!(out, "| {} |\n", row.join(" | "));
}

fn document(out: &mut String, doc: &DocumentReport, options: &RenderOptions) {
    let (path, _) = display_path(&doc.path, options.root.as_deref());
    let count = |s: Severity| doc.findings.iter().filter(|f| f.severity == s).count();
    let _ = writeln!(out, "### {}\n", escape(&path));
    let _ = writeln!(
        out,
        "{} · {} · {} · {} · {}\n",
        doc.format.as_str(),
        plural(doc.references.len(), "reference"),
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Info), "info")
    );
    if doc.references.is_empty() {
        out.push_str("No footnoted references found.\n\n");
    } else {
        out.push_str("| note | line | result | cited title | URL | page title |\n");
        out.push_str("|---|---:|---|---|---|---|\n");
        let mut worst: Vec<Option<Severity>> = vec![None; doc.references.len()];
        for (f, owner) in doc.findings.iter().zip(owners(doc)) {
            if let Some(w) = owner.and_then(|i| worst.get_mut(i)) {
                *w = (*w).max(Some(f.severity));
            }
        }
        for (r, worst) in doc.references.iter().zip(worst) {
            row(out, r, worst);
        }
        out.push('\n');
    }
    if !doc.findings.is_empty() {
        out.push_str("**Findings**\n\n");
        for f in &doc.findings {
            let _ = writeln!(
                out,
                "- **{}** `{}` line {}:{}: {}",
                f.severity,
                f.rule,
                f.span.line,
                f.span.column,
                escape(&shorten(&f.message, 1000))
            );
        }
        out.push('\n');
    }
}

fn row(out: &mut String, r: &ReferenceReport, worst: Option<Severity>) {
    let reference = &r.reference;
    let outcome = match (&reference.ignored, &r.check) {
        (Some(why), _) => format!("ignored: {}", escape(&shorten(why, 80))),
        (None, Some(c)) => {
            let near = if c.title_match == TitleResult::Near { " (near title)" } else { "" };
            // GitHub and GitLab render a `<br>` in a table cell; the rest is escaped text.
            let archived = c.archived.as_ref().map_or_else(String::new, |copy| {
                let at = copy.url.as_deref().map(|u| format!(" ({})", link_as(u, "copy"))).unwrap_or_default();
                format!("<br>{}{at}", escape(&shorten(&copy.summary, 160)))
            });
            format!("{}{near}{archived}", c.verdict)
        }
        (None, None) => "extracted".to_owned(),
    };
    let marker = match worst {
        Some(Severity::Error) => "**FAIL**",
        Some(Severity::Warning) => "**WARN**",
        _ => match r.check.as_ref().map(|c| c.verdict) {
            _ if reference.ignored.is_some() => "SKIP",
            Some(Verdict::NoUrl | Verdict::Excluded | Verdict::NotChecked) => "SKIP",
            _ => "PASS",
        },
    };
    let cited = reference.title.as_deref().map(|t| escape(&shorten(t, 120))).unwrap_or_default();
    let url = reference.url.as_deref().map(link).unwrap_or_default();
    let page = r
        .check
        .as_ref()
        .filter(|c| c.title_match != TitleResult::Match)
        .and_then(|c| c.page_title.as_deref())
        .filter(|t| Some(*t) != reference.title.as_deref())
        .map(|t| escape(&shorten(t, 120)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "| {} | {} | {marker} {outcome} | {cited} | {url} | {page} |",
        escape(&shorten(&reference.label, 20)),
        reference.span.line
    );
}

/// A link to an http(s) URL, shown shortened; anything else (a `javascript:` URL, a typo) is
/// shown as text and never linked.
fn link(url: &str) -> String {
    // The scheme is noise in a narrow column; the link keeps it.
    let bare = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).unwrap_or(url);
    link_as(url, bare)
}

/// [`link`] with other text shown (escaped) in place of the URL.
fn link_as(url: &str, text: &str) -> String {
    let shown = escape(&shorten(text, 60));
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => {
            // The parser has encoded spaces, quotes and angle brackets; what is left that Markdown
            // reads in a destination or a table is encoded here.
            let target: String = u
                .as_str()
                .chars()
                .map(|c| match c {
                    '(' => "%28".to_owned(),
                    ')' => "%29".to_owned(),
                    '|' => "%7C".to_owned(),
                    '\\' => "%5C".to_owned(),
                    '`' => "%60".to_owned(),
                    c => c.to_string(),
                })
                .collect();
            format!("[{shown}]({target})")
        }
        _ => shown,
    }
}

/// Text from documents and pages, made inert in a table cell or a list item: line breaks and
/// control characters become spaces; Markdown punctuation is backslash-escaped; `<`, `>` and `&`
/// become entities (no HTML, no entity tricks); `@` gets a zero-width space after it, so a page
/// title cannot mention a person or a team in a pull-request comment.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.trim().chars() {
        match c {
            '\\' | '|' | '`' | '[' | ']' | '*' | '_' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("@\u{200B}"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_makes_hostile_text_inert() {
        assert_eq!(escape("a|b\n`c` <script>"), "a\\|b \\`c\\` &lt;script&gt;");
        assert_eq!(escape("[x](javascript:alert(1))"), "\\[x\\](javascript:alert(1))");
        assert_eq!(escape("@team"), "@\u{200B}team");
    }

    #[test]
    fn only_web_urls_are_linked() {
        assert_eq!(link("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(link("https://a.example/x_(y)|z"), "[a.example/x\\_(y)\\|z](https://a.example/x_%28y%29%7Cz)");
    }

    #[test]
    fn truncation_cuts_at_a_line_and_says_so() {
        let full = "line one\nline two\nline three\n".repeat(20);
        let out = truncate(full.clone(), 300);
        assert!(out.len() <= 300, "{}", out.len());
        assert!(out.contains("cut short"));
        assert!(full.starts_with(out.split("\n**Report cut short").next().unwrap()));
        assert!(truncate(full, 10).len() <= 10);
    }
}
