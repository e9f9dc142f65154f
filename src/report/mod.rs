//! The report: every document checked, its references (with their check, once checked) and its
//! findings, plus totals. It is the one value every output format renders.

pub mod html;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::document::{Document, Format};
use crate::finding::{Finding, Severity};
use crate::reference::Reference;
use crate::verdict::Check;

/// How a report is rendered into the formats for tools and people.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Paths in the report are shown relative to this directory when they are under it (SARIF
    /// `artifactLocation`, annotations), as CI tools expect.
    pub root: Option<std::path::PathBuf>,
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
        DocumentReport {
            path: doc.path.display().to_string(),
            format: doc.format,
            references: refs.into_iter().map(|reference| ReferenceReport { reference, check: None }).collect(),
            findings,
        }
    }
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
        let mut s = Summary { documents: documents.len(), ..Summary::default() };
        for d in documents {
            s.references += d.references.len();
            for r in &d.references {
                if let Some(check) = &r.check {
                    *s.verdicts.get_or_insert_with(BTreeMap::new).entry(check.verdict.as_str()).or_default() += 1;
                }
            }
            for f in &d.findings {
                match f.severity {
                    Severity::Error => s.errors += 1,
                    Severity::Warning => s.warnings += 1,
                    Severity::Info => s.infos += 1,
                }
            }
        }
        s
    }
}
