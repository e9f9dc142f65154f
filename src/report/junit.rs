//! JUnit XML for CI test dashboards (Jenkins, GitLab, Azure DevOps, CircleCI): a test suite per
//! document, a test case per reference, a failure per error-level finding.

use std::fmt::Write as _;

use super::{DocumentReport, ReferenceReport, RenderOptions, Report, display_path, owners, shorten};
use crate::finding::{Finding, Severity};
use crate::verdict::Verdict;

/// The JUnit XML of a report.
///
/// Each reference is a test case named `note <label>: <title or URL>`: it fails with one
/// `<failure type="rule-id">` per error-level finding, is skipped when nothing could be checked
/// (ignored, excluded, no URL, not checked), and passes otherwise; warnings and infos are in its
/// `<system-out>`. Findings about no reference (an orphan marker) are test cases of their own.
/// Nothing in the output depends on the clock but `report.run.started`.
pub fn render(report: &Report, options: &RenderOptions) -> String {
    let suites: Vec<Suite> = report.documents.iter().map(|d| suite(d, options)).collect();
    let tests: usize = suites.iter().map(|s| s.cases.len()).sum();
    let failures: usize = suites.iter().map(Suite::failures).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"citecheck\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">");
    // Consumers that want no timezone (Ant's schema) read the UTC time without its `Z`.
    let timestamp = report.run.started.as_deref().map(|t| t.trim_end_matches('Z'));
    for s in &suites {
        let _ = write!(
            out,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\"",
            s.cases.len(),
            s.failures(),
            s.cases.iter().filter(|c| c.skipped.is_some() && c.failures.is_empty()).count(),
            name = attr(&s.name),
        );
        if let Some(t) = timestamp {
            let _ = write!(out, " timestamp=\"{}\"", attr(t));
        }
        let _ = writeln!(out, " file=\"{}\">", attr(&s.name));
        out.push_str("    <properties>\n");
        let mut props: Vec<(&str, &str)> = vec![("tool", &report.run.tool), ("format", s.format)];
        if !report.run.command.is_empty() {
            props.push(("command", &report.run.command));
        }
        props.extend(report.run.settings.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        for (k, v) in props {
            let _ = writeln!(out, "      <property name=\"{}\" value=\"{}\"/>", attr(k), attr(v));
        }
        out.push_str("    </properties>\n");
        for c in &s.cases {
            case(&mut out, &s.name, c);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

struct Suite {
    name: String,
    format: &'static str,
    cases: Vec<Case>,
}

impl Suite {
    fn failures(&self) -> usize {
        self.cases.iter().filter(|c| !c.failures.is_empty()).count()
    }
}

struct Case {
    name: String,
    /// (message attribute, rule id, body)
    failures: Vec<(String, &'static str, String)>,
    skipped: Option<String>,
    out: Vec<String>,
}

fn suite(doc: &DocumentReport, options: &RenderOptions) -> Suite {
    let (name, _) = display_path(&doc.path, options.root.as_deref());
    let mut cases: Vec<Case> = doc.references.iter().map(reference_case).collect();
    for (f, owner) in doc.findings.iter().zip(owners(doc)) {
        let line = finding_line(&name, f);
        match owner {
            Some(i) => {
                let detail = details(&doc.references[i]);
                add(&mut cases[i], f, line, detail);
            }
            None => {
                let mut c = Case {
                    name: format!("{}: {}", f.rule.id(), shorten(&f.message, 120)),
                    failures: Vec::new(),
                    skipped: None,
                    out: Vec::new(),
                };
                add(&mut c, f, line, String::new());
                cases.push(c);
            }
        }
    }
    Suite { name, format: doc.format.as_str(), cases }
}

fn reference_case(r: &ReferenceReport) -> Case {
    let reference = &r.reference;
    let what = reference.title.as_deref().or(reference.url.as_deref());
    let name = match what {
        Some(w) => format!("note {}: {}", reference.label, shorten(w, 160)),
        None => format!("note {}", reference.label),
    };
    let skipped = if let Some(why) = &reference.ignored {
        Some(format!("ignored: {why}"))
    } else {
        r.check.as_ref().and_then(|c| match c.verdict {
            Verdict::Excluded => Some("excluded: the URL was not fetched".to_owned()),
            Verdict::NoUrl => Some("no URL: nothing to check online".to_owned()),
            Verdict::NotChecked => Some("not checked: the run ended first".to_owned()),
            _ => None,
        })
    };
    Case { name, failures: Vec::new(), skipped, out: Vec::new() }
}

fn add(case: &mut Case, f: &Finding, line: String, detail: String) {
    if f.severity == Severity::Error {
        case.failures.push((f.message.clone(), f.rule.id(), format!("{line}{detail}")));
    } else {
        case.out.push(line);
    }
}

fn finding_line(path: &str, f: &Finding) -> String {
    format!("{path}:{}:{}: {}[{}] {}", f.span.line, f.span.column, f.severity, f.rule, f.message)
}

/// What a person needs next to a failure: what was cited and what the server gave.
fn details(r: &ReferenceReport) -> String {
    let mut s = String::new();
    if let Some(url) = &r.reference.url {
        let _ = write!(s, "\ncited URL: {url}");
    }
    if let Some(title) = &r.reference.title {
        let _ = write!(s, "\ncited title: {title}");
    }
    if let Some(c) = &r.check {
        let _ = write!(s, "\nverdict: {}", c.verdict);
        if let Some(status) = c.status {
            let _ = write!(s, "\nHTTP status: {status}");
        }
        if let Some(u) = c.final_url.as_deref().filter(|u| Some(*u) != r.reference.url.as_deref()) {
            let _ = write!(s, "\nfinal URL: {u}");
        }
        if let Some(t) = &c.page_title {
            let _ = write!(s, "\npage title: {t}");
        }
        if let Some(e) = &c.error {
            let _ = write!(s, "\nerror: {e}");
        }
    }
    s
}

fn case(out: &mut String, classname: &str, c: &Case) {
    let _ = write!(out, "    <testcase name=\"{}\" classname=\"{}\"", attr(&c.name), attr(classname));
    if c.failures.is_empty() && c.skipped.is_none() && c.out.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    for (message, rule, body) in &c.failures {
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"{}\">{}</failure>",
            attr(message),
            attr(rule),
            text(body)
        );
    }
    if c.failures.is_empty()
        && let Some(why) = &c.skipped
    {
        let _ = writeln!(out, "      <skipped message=\"{}\"/>", attr(why));
    }
    if !c.out.is_empty() {
        let _ = writeln!(out, "      <system-out>{}</system-out>", text(&c.out.join("\n")));
    }
    out.push_str("    </testcase>\n");
}

/// Whether XML 1.0 allows the character at all (`Char` production); the others cannot be
/// written even as references, so they are dropped.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escaped character data.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| xml_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // A bare CR would be normalised to LF by the parser.
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// An escaped attribute value (always written in double quotes, so `'` stays as it is). Whitespace characters are written as
/// references, since parsers turn literal tabs and newlines in attributes into spaces.
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| xml_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_drops_what_xml_forbids() {
        assert_eq!(attr("a\"b<c>&'\u{0}\u{1b}\n"), "a&quot;b&lt;c&gt;&amp;'&#10;");
        assert_eq!(text("x\u{FFFE}y\u{7}z]]>"), "xyz]]&gt;");
        assert_eq!(text("\u{10000}\u{FFFF}"), "\u{10000}");
    }
}
