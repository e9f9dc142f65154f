//! The report: every document checked, its references (with their check, once checked) and its
//! findings, plus totals. It is the one value every output format renders.

pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::document::{Document, Format};
use crate::finding::{Finding, Severity};
use crate::reference::Reference;
use crate::span::Span;
use crate::verdict::Check;

/// How a report is rendered into the formats for tools and people.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Paths in the report are shown relative to this directory when they are under it (SARIF
    /// `artifactLocation`, annotations), as CI tools expect.
    pub root: Option<std::path::PathBuf>,
    /// How many GitHub annotations are printed before the rest are summed up in one notice.
    pub github_annotations: AnnotationLimits,
    /// The most bytes of Markdown [`markdown::render`] writes (a pull-request comment holds
    /// 65,536 characters); `None` for no limit. Longer output is cut at a line, with a note.
    pub markdown_max_bytes: Option<usize>,
}

/// GitHub shows at most 10 annotations of each type (error, warning, notice) per step and 50
/// per job; annotations past these are silently dropped, so citecheck picks which ones show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnnotationLimits {
    /// At most this many of each type.
    pub per_type: usize,
    /// At most this many in all, the summary notice included.
    pub total: usize,
}

impl Default for AnnotationLimits {
    fn default() -> Self {
        AnnotationLimits { per_type: 10, total: 50 }
    }
}

/// The version of the JSON report's shape; bumped only for incompatible changes.
pub const REPORT_VERSION: u32 = 1;

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The JSON shape's version ([`REPORT_VERSION`]).
    pub version: u32,
    /// What ran, when, and with which settings.
    pub run: RunInfo,
    /// Documents in input order.
    pub documents: Vec<DocumentReport>,
    /// Totals.
    pub summary: Summary,
}

impl Report {
    /// A report over documents, with totals computed.
    pub fn new(documents: Vec<DocumentReport>) -> Report {
        let summary = Summary::of(&documents);
        Report { version: REPORT_VERSION, run: RunInfo::default(), documents, summary }
    }

    /// The same report with its run information set.
    pub fn with_run(mut self, run: RunInfo) -> Report {
        self.run = run;
        self
    }

    /// Every finding in the report, with its document, in report order.
    pub fn findings(&self) -> impl Iterator<Item = (&DocumentReport, &Finding)> {
        self.documents.iter().flat_map(|d| d.findings.iter().map(move |f| (d, f)))
    }

    /// The most severe finding's severity, if there is any finding.
    pub fn worst(&self) -> Option<Severity> {
        self.findings().map(|(_, f)| f.severity).max()
    }
}

/// What ran, when and how: the evidence's context in audit reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunInfo {
    /// The tool and its version, e.g. `citecheck 0.1.0`.
    pub tool: String,
    /// The command: `extract` or `check`.
    pub command: String,
    /// When the run started (RFC 3339, UTC); `None` when reproducible output was asked for.
    pub started: Option<String>,
    /// The settings that shaped the result, by name (concurrency, timeouts, remaps…), in order.
    pub settings: Vec<(String, String)>,
}

impl Default for RunInfo {
    fn default() -> Self {
        RunInfo {
            tool: format!("citecheck {}", env!("CARGO_PKG_VERSION")),
            command: String::new(),
            started: None,
            settings: Vec::new(),
        }
    }
}

/// One document's results.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentReport {
    /// The path as given (`<stdin>` for standard input).
    pub path: String,
    /// The format it was read as.
    pub format: Format,
    /// Its references, in document order.
    pub references: Vec<ReferenceReport>,
    /// Every finding about the document and its references, in document order.
    pub findings: Vec<Finding>,
}

impl DocumentReport {
    /// The extraction of a document: its references and structural findings, not yet checked.
    pub fn extract(doc: &Document) -> DocumentReport {
        DocumentReport::extract_with(doc, |_| None)
    }

    /// [`extract`](Self::extract), with `ignore` giving the reason a reference is to be ignored
    /// (by configuration): an ignored reference is not linted, and `check` does not fetch it.
    /// An inline ignore directive in the document already set takes precedence.
    pub fn extract_with(doc: &Document, ignore: impl Fn(&Reference) -> Option<String>) -> DocumentReport {
        let mut refs = crate::reference::references(doc);
        for r in &mut refs {
            if r.ignored.is_none() {
                r.ignored = ignore(r);
            }
        }
        let mut findings = doc.findings.clone();
        findings.extend(crate::lint::lint(doc, &refs));
        for f in &mut findings {
            if let Some(page) = doc.page_of(f.span.start).filter(|_| f.span != Span::FILE) {
                mention_page(&mut f.message, page);
            }
        }
        DocumentReport {
            path: doc.path.display().to_string(),
            format: doc.format,
            references: refs.into_iter().map(|reference| ReferenceReport { reference, check: None }).collect(),
            findings,
        }
    }
}

/// Names the page in a finding's message, for paged documents (PDF), whose lines and columns
/// are positions in the rendered text: `note 3: …` → `note 3 (page 2): …`, else `page 2: …`.
pub(crate) fn mention_page(message: &mut String, page: u32) {
    if let Some(rest) = message.strip_prefix("note ") {
        if let Some(colon) = rest.find(": ").filter(|&i| !rest[..i].contains(' ')) {
            message.insert_str(5 + colon, &format!(" (page {page})"));
            return;
        }
    }
    message.insert_str(0, &format!("page {page}: "));
}

/// A reference and, once checked, its verdict.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceReport {
    /// What the note cites.
    #[serde(flatten)]
    pub reference: Reference,
    /// The online check; `None` (null) when only extracted.
    pub check: Option<Check>,
}

/// Totals over a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Documents read.
    pub documents: usize,
    /// References found.
    pub references: usize,
    /// Error-level findings.
    pub errors: usize,
    /// Warning-level findings.
    pub warnings: usize,
    /// Info-level findings.
    pub infos: usize,
    /// References per verdict (only once checked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdicts: Option<BTreeMap<&'static str, usize>>,
}

impl Summary {
    fn of(documents: &[DocumentReport]) -> Summary {
        let mut s = Summary::default();
        for d in documents {
            s.add(d);
        }
        s
    }

    /// Counts one more document in.
    pub fn add(&mut self, d: &DocumentReport) {
        self.documents += 1;
        self.references += d.references.len();
        for r in &d.references {
            if let Some(check) = &r.check {
                *self.verdicts.get_or_insert_with(BTreeMap::new).entry(check.verdict.as_str()).or_default() += 1;
            }
        }
        for f in &d.findings {
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }

    /// The most severe finding's severity, if there is any finding.
    pub fn worst(&self) -> Option<Severity> {
        if self.errors > 0 {
            Some(Severity::Error)
        } else if self.warnings > 0 {
            Some(Severity::Warning)
        } else if self.infos > 0 {
            Some(Severity::Info)
        } else {
            None
        }
    }
}

/// A report path as CI tools want it: forward slashes, no `./`, relative to `root` when it is
/// under it. Returns the path and whether it is relative. A relative path is taken to be relative
/// to the root already (CI runs at the root), since rendering never looks at the file system.
pub(crate) fn display_path(path: &str, root: Option<&std::path::Path>) -> (String, bool) {
    use std::path::{Component, Path};
    let p = Path::new(path);
    let relative = match root {
        Some(root) if p.is_absolute() == root.is_absolute() => p.strip_prefix(root).ok(),
        _ => None,
    };
    let shown = relative.unwrap_or(p);
    let mut out = String::with_capacity(path.len());
    let mut absolute = false;
    for c in shown.components() {
        let part = match c {
            Component::CurDir => continue,
            Component::RootDir => {
                absolute = true;
                out.push('/');
                continue;
            }
            Component::Prefix(prefix) => {
                absolute = true;
                out.push_str(&prefix.as_os_str().to_string_lossy());
                continue;
            }
            Component::ParentDir => "..".into(),
            Component::Normal(s) => s.to_string_lossy(),
        };
        if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(&part);
    }
    if out.is_empty() {
        // The root itself, or an empty path: keep something a person can read.
        out = if path.is_empty() { ".".into() } else { path.replace('\\', "/") };
    }
    (out, !absolute)
}

/// For each of the document's findings, the index of its reference: the one whose note starts
/// where the finding points (structural findings about a note and every check finding use the
/// note's position). One pass with a map, so that documents with thousands of notes stay linear.
pub(crate) fn owners(doc: &DocumentReport) -> Vec<Option<usize>> {
    let mut at: BTreeMap<(u32, u32), usize> = BTreeMap::new();
    for (i, r) in doc.references.iter().enumerate() {
        at.entry((r.reference.span.line, r.reference.span.column)).or_insert(i);
    }
    doc.findings
        .iter()
        .map(|f| {
            if matches!(f.rule, crate::finding::Rule::InputDecoding | crate::finding::Rule::InputLimit) {
                // About the whole file: its position is not a note's, even where it falls on one.
                return None;
            }
            at.get(&(f.span.line, f.span.column)).copied()
        })
        .collect()
}

/// Cuts `s` to at most `max` characters, marking the cut with an ellipsis.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('\u{2026}');
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn findings_name_their_page() {
        let mut m = "note 12: HTTP 404 for x".to_owned();
        mention_page(&mut m, 3);
        assert_eq!(m, "note 12 (page 3): HTTP 404 for x");
        let mut m = "marker 5 has no note".to_owned();
        mention_page(&mut m, 2);
        assert_eq!(m, "page 2: marker 5 has no note");
        let mut m = "note that it: odd".to_owned();
        mention_page(&mut m, 1);
        assert_eq!(m, "page 1: note that it: odd");
    }

    #[test]
    fn paths_are_made_relative_to_the_root_with_forward_slashes() {
        let root = Path::new("/repo");
        assert_eq!(display_path("/repo/docs/a b.md", Some(root)), ("docs/a b.md".into(), true));
        assert_eq!(display_path("/elsewhere/a.md", Some(root)), ("/elsewhere/a.md".into(), false));
        assert_eq!(display_path("./docs/a.md", Some(root)), ("docs/a.md".into(), true));
        assert_eq!(display_path("docs/a.md", Some(Path::new("docs"))), ("a.md".into(), true));
        assert_eq!(display_path("<stdin>", None), ("<stdin>".into(), true));
    }

    #[test]
    fn shorten_cuts_at_characters() {
        assert_eq!(shorten("ééééé", 3), "éé\u{2026}");
        assert_eq!(shorten("abc", 3), "abc");
    }
}
