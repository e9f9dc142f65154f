//! SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps, IDE viewers): every rule with its
//! help, every finding as a result at its file, line and column, with a fingerprint that survives
//! the text moving.

use serde::Serialize;

use super::{DocumentReport, ReferenceReport, RenderOptions, Report, display_path, owners};
use crate::finding::{Finding, Rule, Severity};
use crate::verdict::Verdict;

/// The schema the log declares (SchemaStore's copy of the OASIS schema, the one code scanning
/// documents).
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The `partialFingerprints` key. Versioned: a change in what is hashed gets a new key, so old
/// alerts are not matched against incomparable values.
pub const FINGERPRINT_KEY: &str = "citecheck/v1";

/// The SARIF log of a report, as pretty-printed JSON.
pub fn render(report: &Report, options: &RenderOptions) -> String {
    let log = Log { schema: SCHEMA_URI, version: "2.1.0", runs: [run(report, options)] };
    // Serialising plain structs of strings and numbers cannot fail.
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn run(report: &Report, options: &RenderOptions) -> Run {
    let mut results = Vec::new();
    // Same rule, file, note and URL twice (a duplicated note): the occurrence tells them apart.
    let mut seen: std::collections::BTreeMap<u64, u32> = std::collections::BTreeMap::new();
    for doc in &report.documents {
        // The path as shown, so a run given absolute paths matches one given relative paths.
        let (shown, _) = display_path(&doc.path, options.root.as_deref());
        for (f, owner) in doc.findings.iter().zip(owners(doc)) {
            let reference = owner.and_then(|i| doc.references.get(i));
            let key = fingerprint_key(&shown, f, reference);
            let n = seen.entry(key).or_insert(0);
            *n += 1;
            results.push(result(doc, f, reference, format!("{key:016x}:{n}"), options));
        }
    }
    let unfinished: usize = report
        .documents
        .iter()
        .flat_map(|d| &d.references)
        .filter(|r| r.check.as_ref().is_some_and(|c| c.verdict == Verdict::NotChecked))
        .count();
    let notifications = if unfinished == 0 {
        Vec::new()
    } else {
        vec![Notification {
            level: "warning",
            message: Message {
                text: format!(
                    "{unfinished} reference{} not checked before the run ended (deadline or interruption)",
                    if unfinished == 1 { " was" } else { "s were" }
                ),
            },
        }]
    };
    let version = report.run.tool.rsplit(' ').next().filter(|v| v.chars().next().is_some_and(|c| c.is_ascii_digit()));
    Run {
        tool: Tool {
            driver: Driver {
                name: "citecheck",
                version: version.map(str::to_owned),
                semantic_version: version.map(str::to_owned),
                information_uri: option_env!("CARGO_PKG_REPOSITORY").filter(|s| !s.is_empty()),
                rules: Rule::ALL.iter().map(|&r| descriptor(r)).collect(),
            },
        },
        invocations: [Invocation {
            execution_successful: unfinished == 0,
            start_time_utc: report.run.started.clone(),
            tool_execution_notifications: notifications,
        }],
        column_kind: "unicodeCodePoints",
        results,
    }
}

fn result(
    doc: &DocumentReport,
    f: &Finding,
    reference: Option<&ReferenceReport>,
    fingerprint: String,
    options: &RenderOptions,
) -> SarifResult {
    let (path, relative) = display_path(&doc.path, options.root.as_deref());
    let uri = if relative { encode_uri_path(&path) } else { file_uri(&path) };
    SarifResult {
        rule_id: f.rule.id(),
        rule_index: Rule::ALL.iter().position(|&r| r == f.rule).unwrap_or(0),
        level: level(f.severity),
        message: Message { text: f.message.clone() },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri, uri_base_id: relative.then_some("%SRCROOT%") },
                region: Region { start_line: f.span.line.max(1), start_column: f.span.column.max(1) },
            },
        }],
        partial_fingerprints: Fingerprints { citecheck: fingerprint },
        properties: reference.map(|r| ResultProperties {
            note: r.reference.label.clone(),
            url: r.reference.url.clone(),
            verdict: r.check.as_ref().map(|c| c.verdict.as_str()),
        }),
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// What identifies a finding across runs: rule, file, note label and cited URL, not the line
/// (text moves) nor the message (it quotes the page, which changes). A finding about no note
/// (an orphan marker) is identified by its message, which names the marker and no position.
fn fingerprint_key(path: &str, f: &Finding, reference: Option<&ReferenceReport>) -> u64 {
    let mut h = Fnv::new();
    h.field(f.rule.id());
    h.field(path);
    match reference {
        Some(r) => {
            h.field("note");
            h.field(&r.reference.label);
            h.field(r.reference.url.as_deref().unwrap_or(""));
        }
        None => {
            h.field("message");
            h.field(&f.message);
        }
    }
    h.0
}

/// FNV-1a, 64 bits: fixed by its definition, unlike std's hasher, so fingerprints are stable
/// across Rust versions and platforms.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn field(&mut self, s: &str) {
        // The length first, so ("ab", "c") and ("a", "bc") differ.
        for b in (s.len() as u64).to_le_bytes().iter().chain(s.as_bytes()) {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A relative path as a URI reference: each byte outside the unreserved and path-safe
/// characters percent-encoded (spaces, `%`, `#`, `?`, non-ASCII), `/` kept as the separator. `:`
/// is encoded too, so a first segment like `c:notes.md` is not read as a scheme.
pub(crate) fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn file_uri(path: &str) -> String {
    // `C:/x` (Windows) gets the third slash of `file:///C:/x`; the drive colon stays readable.
    let encoded: String = encode_uri_path(path).replacen("%3A", ":", usize::from(!path.starts_with('/')));
    if encoded.starts_with('/') { format!("file://{encoded}") } else { format!("file:///{encoded}") }
}

fn descriptor(rule: Rule) -> Descriptor {
    let (why, fix) = help(rule);
    let severity = rule.default_severity();
    Descriptor {
        id: rule.id(),
        name: pascal(rule.id()),
        short_description: Message { text: rule.summary().to_owned() },
        full_description: Message { text: why.to_owned() },
        help: Help {
            text: format!("{why}\n\nHow to fix: {fix}"),
            markdown: format!(
                "**{}**\n\n{why}\n\n**How to fix:** {fix}\n\nDefault severity: `{}`.",
                rule.summary(),
                severity.as_str()
            ),
        },
        default_configuration: Configuration { level: level(severity) },
        properties: RuleProperties {
            tags: vec!["citations", if is_structural(rule) { "structure" } else { "online" }],
            precision: "high",
            problem_severity: match severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "recommendation",
            },
        },
    }
}

fn is_structural(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::OrphanMarker
            | Rule::UnreferencedNote
            | Rule::DuplicateLabel
            | Rule::NumberingGap
            | Rule::NumberingOrder
            | Rule::EmptyNote
            | Rule::MalformedUrl
            | Rule::NoUrl
            | Rule::InputDecoding
            | Rule::InputLimit
            | Rule::UncitedClaim
    )
}

/// `dead-link` → `DeadLink`, the SARIF `name` convention.
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// What the rule means for a reader, and what to do about it. Exhaustive on purpose: a new rule
/// does not compile until it is explained here.
fn help(rule: Rule) -> (&'static str, &'static str) {
    match rule {
        Rule::OrphanMarker => (
            "A footnote marker in the body points at a label that no note defines, so the reader has no source for the claim.",
            "Add the missing note, or correct the marker's label to the note it means.",
        ),
        Rule::UnreferencedNote => (
            "A note is defined but no marker in the body points at it: either a marker was lost in editing or the note is stale.",
            "Add the marker where the note's claim is made, or delete the note.",
        ),
        Rule::DuplicateLabel => (
            "Two notes share one label; markers resolve to the first, so the second note is unreachable.",
            "Give each note its own label and point the markers at the right one.",
        ),
        Rule::NumberingGap => (
            "Numbered notes skip a number, which usually means a note was deleted or lost in conversion from PDF.",
            "Restore the missing note or renumber the notes and their markers.",
        ),
        Rule::NumberingOrder => (
            "Notes, or the first markers that point at them, are not in numeric order, so readers look up the wrong note.",
            "Renumber the notes in the order their markers first appear.",
        ),
        Rule::EmptyNote => (
            "A note has a label but no text: the claim it supports has no source.",
            "Write the citation into the note, or remove the note and its markers.",
        ),
        Rule::MalformedUrl => (
            "A URL in the note cannot be parsed or uses a scheme other than http or https, so it cannot be followed.",
            "Correct the URL (often a space, a line break or a lost character from PDF conversion).",
        ),
        Rule::UncitedClaim => (
            "A sentence makes a checkable claim (a statistic, a direct quotation, an attribution or the date of an event) but carries no note marker: a reader cannot tell where it comes from. A hint, never an error.",
            "Add a note citing the source of the claim, or rephrase it if it is the author's own view.",
        ),
        Rule::NoUrl => (
            "The note cites no URL (a book, an interview, a print source), so it cannot be checked online.",
            "Nothing to fix if the source is offline; add a URL or DOI if the source is on the web.",
        ),
        Rule::InputDecoding => (
            "The file is not valid UTF-8; undecodable bytes were replaced, so some text (and perhaps URLs) may be wrong.",
            "Save the document as UTF-8, or give its real encoding when converting it.",
        ),
        Rule::InputLimit => (
            "Part of the document was not read because it passed a limit (nesting depth, number of notes): citations past that point were not checked.",
            "Split the document, or raise the limit if the document is trusted.",
        ),
        Rule::DeadLink => (
            "The cited URL does not lead to a page: an HTTP error status (404, 410, other 4xx, or 5xx after retries), a DNS failure, a refused connection, a TLS failure, a timeout or a redirect loop.",
            "Find the page's new address (the publisher's site search, or an archived copy such as the Wayback Machine) and cite it, keeping the access date honest.",
        ),
        Rule::Soft404 => (
            "The server answers with success, but the page is a 'not found' page or a redirect from a deep link to a home page, not the cited source.",
            "Find the source's current address or an archived copy and cite that.",
        ),
        Rule::TitleMismatch => (
            "The page at the cited URL has a different title from the one cited: the URL was mis-pasted, or the page now shows something else.",
            "Check that the URL is the one meant; correct the URL or the cited title, or cite an archived copy of the page as it was.",
        ),
        Rule::TitleNearMatch => (
            "The page title differs from the cited one by a small slip (a misspelt word, a dropped word, a spelling variant); the page is very likely the right one.",
            "Copy the title exactly as the page gives it, unless the page itself has the typo.",
        ),
        Rule::Unverifiable => (
            "Access was refused or challenged (401, 403, 429, 451, a bot check, a login or a paywall), so the page could not be read; a browser may still see it.",
            "Open the URL in a browser to confirm it; cite an open version or an archived copy if there is one.",
        ),
        Rule::Excluded => (
            "The URL was not fetched: an exclude pattern matched it, or the safety policy refused it (a private address).",
            "Nothing to fix if the exclusion is intended; otherwise adjust the include and exclude patterns.",
        ),
        Rule::PermanentRedirect => (
            "The cited URL permanently redirects (301 or 308) to another address; the old one may stop working.",
            "Cite the URL the redirect ends at.",
        ),
        Rule::HttpsUpgrade => ("The cited http URL redirects to https.", "Cite the https URL."),
        Rule::CanonicalDiffers => (
            "The page declares another canonical URL (an AMP, print or tracking variant was cited), which is the address the publisher keeps.",
            "Cite the canonical URL.",
        ),
        Rule::DateDiffers => (
            "The cited publication date differs from the date the page gives by more than the tolerance.",
            "Check the date on the page and correct the citation (or note an updated version).",
        ),
        Rule::PublicationDiffers => (
            "The cited publication (newspaper, journal, site) is not the site the page belongs to.",
            "Correct the publication name, or the URL if it points at a republished copy.",
        ),
        Rule::AuthorNotFound => (
            "A cited author is not named anywhere the page declares its authors.",
            "Check the byline and correct the author's name in the citation.",
        ),
        Rule::TitleNotCited => (
            "The note cites no title, so only that the URL resolves was checked, not that it is the right page.",
            "Add the source's title to the note so that the page can be verified.",
        ),
        Rule::NoPageTitle => (
            "The fetched resource gives no title to compare (a PDF, an image, a page without a title).",
            "Open the URL to confirm it is the cited source.",
        ),
        Rule::NotChecked => (
            "The run ended (deadline reached or interrupted) before this reference's URL was fetched.",
            "Run again with a longer --deadline, or check fewer documents at once.",
        ),
    }
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: [Invocation; 1],
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    semantic_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    name: String,
    short_description: Message,
    full_description: Message,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_time_utc: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: [Location; 1],
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "citecheck/v1")]
    citecheck: String,
}

#[derive(Serialize)]
struct ResultProperties {
    note: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<&'static str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_are_percent_encoded_but_keep_slashes() {
        assert_eq!(encode_uri_path("docs/a b#1.md"), "docs/a%20b%231.md");
        assert_eq!(encode_uri_path("c:x/é"), "c%3Ax/%C3%A9");
        assert_eq!(file_uri("/tmp/a b.md"), "file:///tmp/a%20b.md");
        assert_eq!(file_uri("C:/d/a.md"), "file:///C:/d/a.md");
    }

    #[test]
    fn fnv_separates_fields() {
        let mut a = Fnv::new();
        a.field("ab");
        a.field("c");
        let mut b = Fnv::new();
        b.field("a");
        b.field("bc");
        assert_ne!(a.0, b.0);
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(pascal("dead-link"), "DeadLink");
        assert_eq!(pascal("soft-404"), "Soft404");
    }
}
