//! The report formats for tools (SARIF, JUnit XML, GitHub workflow commands, Markdown), checked
//! against what their consumers accept: the published SARIF schema, the Jenkins JUnit XSD with
//! xmllint, GitHub's command grammar and escaping, well-formed Markdown tables, even for hostile
//! page titles; plus snapshots of each for the seed brief's checked report.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use citecheck::check::{CheckOptions, Checker, Quiet, Remap};
use citecheck::fetch::FetchOptions;
use citecheck::report::{AnnotationLimits, RenderOptions, github, junit, markdown, sarif};
use citecheck::verdict::{Check, TitleResult, Verdict};
use citecheck::{DocumentReport, Finding, Report, Rule, RunInfo, Severity, Span};
use regex::Regex;
use serde_json::Value;

use crate::check::fixture_web;
use crate::harness::root;

const SEED: &str = "seeds/issi-brief-resetting-ties.txt";

fn run_info() -> RunInfo {
    RunInfo { command: "check".into(), started: Some(citecheck::date::rfc3339(1_742_808_600)), ..RunInfo::default() }
}

/// The extraction of a file, read with the path as given (relative to the repository root).
fn extracted_doc(path: &str) -> DocumentReport {
    let bytes = std::fs::read(root().join(path)).expect("fixture");
    let doc = citecheck::document::parse(Path::new(path), &bytes, None).expect("parses");
    DocumentReport::extract(&doc)
}

fn extracted(paths: &[&str]) -> Report {
    Report::new(paths.iter().map(|p| extracted_doc(p)).collect())
        .with_run(RunInfo { command: "extract".into(), ..run_info() })
}

/// The seed brief checked against the fixture web, as the binary checks it, with the server's
/// address replaced in the rendered output by [`stable`].
struct Checked {
    report: Report,
    base: String,
}

fn checked_seed() -> &'static Checked {
    static CHECKED: OnceLock<Checked> = OnceLock::new();
    CHECKED.get_or_init(|| {
        let server = fixture_web();
        let base = server.base_url();
        let options = CheckOptions::default()
            .fetch(FetchOptions::default().allow_private(true).host_interval(std::time::Duration::ZERO))
            .remap(Remap::parse(&format!(r"^https?://([^/]+)/(.*)$ {base}/$1/$2")).expect("remap"));
        let checker = Checker::new(options).expect("checker");
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
        let report = runtime.block_on(checker.run(vec![extracted_doc(SEED)], &Quiet, None)).with_run(run_info());
        // The report holds everything the renderers read: the server may stop now.
        drop(server);
        Checked { report, base }
    })
}

fn stable(checked: &Checked, rendered: String) -> String {
    rendered.replace(&checked.base, "http://fixture-web")
}

const HOSTILE: &str =
    "a|b`c` <script>alert(1)</script> [x](javascript:alert(1)) 50% done: yes, no\r\nnext\u{0}line @team";

/// A document whose references were "checked" into every kind of verdict, with hostile text in
/// every field that comes from a page or a document.
fn hostile_report() -> Report {
    let text = "A claim.¹ Two.² Three.³ Four.⁴ Five.⁵ Six.⁷\n\n\
        ¹ “A | pipe `title` <b>bold</b> [link](javascript:alert(1))”, Dawn, https://www.dawn.com/news/1\n\
        ² “Gone for good”, https://example.org/gone\n\
        ³ A book with no URL, 1999.\n\
        ⁴ “Excluded page”, https://internal.example/x\n\
        ⁵ “Never cited”, https://example.org/never\n";
    let doc =
        citecheck::document::parse(Path::new("docs/brief, draft: v1 50%.txt"), text.as_bytes(), None).expect("parses");
    let mut d = DocumentReport::extract(&doc);
    let verdicts = [Verdict::TitleMismatch, Verdict::Dead, Verdict::NoUrl, Verdict::Excluded, Verdict::Ok];
    for (r, verdict) in d.references.iter_mut().zip(verdicts) {
        let mut c = Check::without_fetch(verdict, None);
        let at = r.reference.span;
        let label = r.reference.label.clone();
        match verdict {
            Verdict::TitleMismatch => {
                c.status = Some(200);
                c.page_title = Some(HOSTILE.to_owned());
                c.title_match = TitleResult::Mismatch;
                c.findings.push(Finding::new(Rule::TitleMismatch, at, format!("note {label}: page says {HOSTILE}")));
                c.findings.push(Finding::new(Rule::DateDiffers, at, format!("note {label}: dates differ")));
            }
            Verdict::Dead => {
                c.status = Some(404);
                c.findings.push(Finding::new(Rule::DeadLink, at, format!("note {label}: HTTP 404")));
            }
            Verdict::Excluded => {
                c.findings.push(Finding::new(Rule::Excluded, at, format!("note {label}: excluded")));
            }
            Verdict::Ok => {
                c.status = Some(200);
                c.page_title = Some("Never cited".into());
                c.title_match = TitleResult::Match;
            }
            _ => {}
        }
        d.findings.extend(c.findings.iter().cloned());
        r.check = Some(c);
    }
    d.findings.sort_by_key(|f| (f.span.line, f.span.column, f.rule));
    Report::new(vec![d]).with_run(run_info())
}

// ---------------------------------------------------------------------------------------------
// SARIF

fn sarif_validator() -> &'static (boon::Schemas, boon::SchemaIndex) {
    static V: OnceLock<(boon::Schemas, boon::SchemaIndex)> = OnceLock::new();
    V.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("fixtures/schemas/sarif-schema-2.1.0.json")).expect("schema");
        let schema: Value = serde_json::from_str(&text).expect("schema JSON");
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        // `uri`, `uri-reference` and `date-time` are checked, not just annotations.
        compiler.enable_format_assertions();
        let id = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json";
        compiler.add_resource(id, schema).expect("schema resource");
        let index = compiler.compile(id, &mut schemas).expect("the schema compiles");
        (schemas, index)
    })
}

#[track_caller]
fn valid_sarif(rendered: &str) -> Value {
    let log: Value = serde_json::from_str(rendered).expect("SARIF is JSON");
    let (schemas, index) = sarif_validator();
    if let Err(e) = schemas.validate(&log, *index) {
        panic!("SARIF does not validate: {e:#}\n{rendered}");
    }
    log
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("results")
}

#[test]
fn sarif_validates_against_the_published_schema() {
    let options = RenderOptions::default();
    let checked = checked_seed();
    valid_sarif(&sarif::render(&checked.report, &options));
    valid_sarif(&sarif::render(&hostile_report(), &options));
    let lint: Vec<String> = std::fs::read_dir(root().join("fixtures/docs/lint"))
        .expect("lint fixtures")
        .map(|e| format!("fixtures/docs/lint/{}", e.expect("entry").file_name().to_string_lossy()))
        .collect();
    let mut lint: Vec<&str> = lint.iter().map(String::as_str).collect();
    lint.sort();
    let log = valid_sarif(&sarif::render(&extracted(&lint), &options));
    assert!(results(&log).len() >= lint.len() - 1, "every lint fixture but the clean one has a finding");
    // An empty report is still a valid log.
    valid_sarif(&sarif::render(&Report::new(Vec::new()), &options));
}

#[test]
fn sarif_describes_every_rule_and_points_results_at_them() {
    let log = valid_sarif(&sarif::render(&hostile_report(), &RenderOptions::default()));
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), Rule::ALL.len());
    for (rule, r) in Rule::ALL.iter().zip(rules) {
        assert_eq!(r["id"], rule.id());
        assert!(r["help"]["text"].as_str().is_some_and(|t| t.contains("How to fix")), "{r}");
        assert!(r["help"]["markdown"].as_str().is_some_and(|t| !t.is_empty()));
        let level = match rule.default_severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        assert_eq!(r["defaultConfiguration"]["level"], level, "{}", rule.id());
    }
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert_eq!(run["invocations"][0]["startTimeUtc"], "2025-03-24T09:30:00Z");
    let results = results(&log);
    let report = hostile_report();
    assert_eq!(results.len(), report.findings().count());
    for (res, (_, f)) in results.iter().zip(report.findings()) {
        let index = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], res["ruleId"]);
        assert_eq!(res["ruleId"], f.rule.id());
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        assert_eq!(res["level"], level);
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "docs/brief,%20draft%3A%20v1%2050%25.txt");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(loc["region"]["startLine"], f.span.line);
        assert_eq!(loc["region"]["startColumn"], f.span.column);
        assert_eq!(res["message"]["text"], f.message.as_str());
    }
    let dead = results.iter().find(|r| r["ruleId"] == "dead-link").expect("dead-link result");
    assert_eq!(dead["properties"]["note"], "2");
    assert_eq!(dead["properties"]["url"], "https://example.org/gone");
    let orphan = results.iter().find(|r| r["ruleId"] == "orphan-marker").expect("marker 7 has no note");
    assert!(orphan.get("properties").is_none());
}

#[test]
fn sarif_fingerprints_survive_moved_text_and_tell_results_apart() {
    let brief = "A claim.¹ Another.² A third.³\n\n¹ “One”, <https://a.example/1>\n² <https://a.example/2>\n³ A book.\n";
    let render = |text: &str| {
        let doc = citecheck::document::parse(Path::new("b.txt"), text.as_bytes(), None).expect("parses");
        let log =
            valid_sarif(&sarif::render(&Report::new(vec![DocumentReport::extract(&doc)]), &RenderOptions::default()));
        results(&log)
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap_or_default().to_owned(),
                    r["partialFingerprints"]["citecheck/v1"].as_str().unwrap_or_default().to_owned(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap_or(0),
                )
            })
            .collect::<Vec<_>>()
    };
    let before = render(brief);
    let after = render(&format!("A new first paragraph.\n\nAnd a second.\n\n{brief}"));
    assert!(!before.is_empty());
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((&b.0, &b.1), (&a.0, &a.1), "same finding, same fingerprint");
        assert_eq!(b.2 + 4, a.2, "the line moved");
    }
    let fingerprints: std::collections::HashSet<_> = before.iter().map(|b| &b.1).collect();
    assert_eq!(fingerprints.len(), before.len(), "distinct findings, distinct fingerprints");
    assert!(before.iter().all(|b| Regex::new("^[0-9a-f]{16}:[0-9]+$").unwrap().is_match(&b.1)));
}

#[test]
fn sarif_paths_are_relative_to_the_root_when_under_it() {
    let mut report = hostile_report();
    let abs = root().join("docs/a b.md");
    report.documents[0].path = abs.display().to_string();
    let under = RenderOptions { root: Some(root()), ..RenderOptions::default() };
    let log = valid_sarif(&sarif::render(&report, &under));
    let loc = &results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uri"], "docs/a%20b.md");
    assert_eq!(loc["uriBaseId"], "%SRCROOT%");

    let elsewhere = RenderOptions { root: Some(PathBuf::from("/nowhere/else")), ..RenderOptions::default() };
    let log = valid_sarif(&sarif::render(&report, &elsewhere));
    let loc = &results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert!(loc["uri"].as_str().is_some_and(|u| u.starts_with("file:///") && u.ends_with("/docs/a%20b.md")), "{loc}");
    assert!(loc.get("uriBaseId").is_none());
}

#[test]
fn sarif_marks_an_unfinished_run() {
    let mut report = hostile_report();
    report.documents[0].references[1].check = Some(Check::without_fetch(Verdict::NotChecked, None));
    let log = valid_sarif(&sarif::render(&report, &RenderOptions::default()));
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert!(
        invocation["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("1 reference was not checked"))
    );
}

// ---------------------------------------------------------------------------------------------
// JUnit XML

/// Validates with xmllint against the Jenkins XSD. Skips (with a message) only outside CI when
/// xmllint is missing; under CI a missing xmllint fails.
#[track_caller]
fn valid_junit(xml: &str) -> bool {
    let have = Command::new("xmllint").arg("--version").output().is_ok_and(|o| o.status.success());
    if !have {
        if std::env::var_os("CI").is_some() {
            panic!("xmllint is required under CI (Debian: libxml2-utils; .ci/run installs it)");
        }
        eprintln!("SKIPPED: JUnit XSD validation needs xmllint (apt-get install libxml2-utils)");
        return false;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("report.xml");
    std::fs::write(&file, xml).expect("write");
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(root().join("fixtures/schemas/junit-10.xsd"))
        .arg(&file)
        .output()
        .expect("xmllint runs");
    assert!(out.status.success(), "xmllint rejects the JUnit XML:\n{}\n{xml}", String::from_utf8_lossy(&out.stderr));
    true
}

#[test]
fn junit_validates_against_the_jenkins_schema() {
    let options = RenderOptions::default();
    valid_junit(&junit::render(&checked_seed().report, &options));
    valid_junit(&junit::render(&hostile_report(), &options));
    valid_junit(&junit::render(
        &extracted(&["fixtures/docs/lint/orphan-marker.txt", "fixtures/docs/lint/duplicate-label.md"]),
        &options,
    ));
    valid_junit(&junit::render(&Report::new(Vec::new()), &options));
}

#[test]
fn junit_has_a_case_per_reference_failures_per_error_and_skips() {
    let xml = junit::render(&hostile_report(), &RenderOptions::default());
    // Five references and the orphan marker 7.
    assert!(xml.contains("<testsuites name=\"citecheck\" tests=\"6\" failures=\"3\" errors=\"0\">"), "{xml}");
    assert!(
        xml.contains("tests=\"6\" failures=\"3\" errors=\"0\" skipped=\"2\" timestamp=\"2025-03-24T09:30:00\""),
        "{xml}"
    );
    assert!(xml.contains("classname=\"docs/brief, draft: v1 50%.txt\""));
    // Note 1's cited title, escaped; its failure is the title mismatch, the date goes to system-out.
    assert!(xml.contains("<testcase name=\"note 1: A | pipe `title` &lt;b&gt;bold&lt;/b&gt; link\""), "{xml}");
    assert!(xml.contains("<failure message=\"note 1: page says a|b`c` &lt;script&gt;"), "{xml}");
    assert!(xml.contains("type=\"title-mismatch\""));
    assert!(xml.contains("<system-out>docs/brief, draft: v1 50%.txt:"), "{xml}");
    assert!(xml.contains("warning[date-differs]"));
    assert!(xml.contains("type=\"dead-link\">docs/brief, draft: v1 50%.txt:"), "{xml}");
    assert!(xml.contains("HTTP status: 404"));
    assert!(xml.contains("<skipped message=\"no URL: nothing to check online\"/>"));
    assert!(xml.contains("<skipped message=\"excluded: the URL was not fetched\"/>"));
    assert!(xml.contains("<testcase name=\"orphan-marker: marker 7 has no note"), "{xml}");
    // NUL is not an XML character at all: dropped, never written.
    assert!(!xml.contains('\u{0}') && !xml.contains("&#0;"));
    assert!(xml.contains("done: yes, no&#13;&#10;nextline"), "{xml}");
    valid_junit(&xml);
}

// ---------------------------------------------------------------------------------------------
// GitHub workflow commands

/// The workflow command grammar: `::name prop=value,prop=value::message`, where neither property
/// values nor the message may hold a raw line break, values hold no raw `,` or `:`, and every
/// `%` starts one of the toolkit's escapes.
fn command_line() -> Regex {
    Regex::new(
        r"^::(error|warning|notice)( (file|line|col|endLine|endColumn|title)=([^,:%\r\n]|%25|%0D|%0A|%3A|%2C)*(,(file|line|col|endLine|endColumn|title)=([^,:%\r\n]|%25|%0D|%0A|%3A|%2C)*)*)?::([^%\r\n]|%25|%0D|%0A)*$",
    )
    .expect("regex")
}

#[test]
fn github_annotations_follow_the_command_grammar_and_escape_like_the_toolkit() {
    let out = github::render(&hostile_report(), &RenderOptions::default());
    let grammar = command_line();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), hostile_report().findings().count(), "{out}");
    for line in &lines {
        assert!(grammar.is_match(line), "not a workflow command: {line}");
    }
    // Most severe first, then document order.
    let kinds: Vec<&str> = lines.iter().map(|l| l[2..].split(' ').next().unwrap_or("")).collect();
    let mut sorted = kinds.clone();
    sorted.sort_by_key(|k| match *k {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    });
    assert_eq!(kinds, sorted);
    let mismatch = lines.iter().find(|l| l.contains("title=citecheck title-mismatch")).expect("title-mismatch");
    assert!(mismatch.starts_with("::error file=docs/brief%2C draft%3A v1 50%25.txt,line=3,col=1,"), "{mismatch}");
    assert!(mismatch.ends_with("50%25 done: yes, no%0D%0Anext\u{0}line @team"), "{mismatch}");
    assert!(lines.iter().any(|l| l.starts_with("::notice ") && l.contains("excluded")), "infos are notices");
}

#[test]
fn github_annotations_beyond_the_limits_are_counted_in_one_notice() {
    let mut d = extracted_doc("fixtures/docs/lint/clean.md");
    let finding = |rule: Rule, line: u32| {
        Finding::new(rule, Span { line, column: 1, start: 0, end: 0 }, format!("finding at {line}"))
    };
    // Infos first in the document, then errors and warnings, to see the sort.
    d.findings = (1..=12)
        .map(|i| finding(Rule::CanonicalDiffers, i))
        .chain((100..125).map(|i| finding(Rule::DeadLink, i)))
        .chain((200..212).map(|i| finding(Rule::DateDiffers, i)))
        .collect();
    let report = Report::new(vec![d]);
    let out = github::render(&report, &RenderOptions::default());
    let grammar = command_line();
    let commands: Vec<&str> = out.lines().filter(|l| l.starts_with("::")).collect();
    assert!(commands.iter().all(|l| grammar.is_match(l)));
    let count = |kind: &str| commands.iter().filter(|l| l.starts_with(&format!("::{kind} "))).count();
    assert_eq!((count("error"), count("warning"), count("notice")), (10, 10, 10), "{out}");
    assert_eq!(commands.len(), 30);
    let errors: Vec<&&str> = commands.iter().filter(|l| l.starts_with("::error")).collect();
    assert!(errors[0].contains("line=100,") && errors[9].contains("line=109,"), "document order within a severity");
    let last = commands.last().expect("a closing notice");
    assert!(last.contains("20 more findings are not shown as annotations (15 errors, 2 warnings, 3 infos)"), "{last}");
    // The left-out ones are in the log as plain lines.
    let plain: Vec<&str> = out.lines().filter(|l| !l.starts_with("::")).collect();
    assert_eq!(plain.len(), 20);
    assert!(plain[0].starts_with("fixtures/docs/lint/clean.md:110:1: error[dead-link]"), "{}", plain[0]);

    let tight =
        RenderOptions { github_annotations: AnnotationLimits { per_type: 10, total: 12 }, ..RenderOptions::default() };
    let out = github::render(&report, &tight);
    assert_eq!(out.lines().filter(|l| l.starts_with("::")).count(), 12);
    assert_eq!(out.lines().filter(|l| l.starts_with("::warning")).count(), 1);
}

#[test]
fn github_step_summary_stays_under_a_mebibyte() {
    let mut text = String::from("# Big\n\n");
    for i in 1..=1000 {
        text.push_str(&format!("Claim.[^{i}]\n"));
    }
    text.push('\n');
    for i in 1..=1000 {
        text.push_str(&format!("[^{i}]: “{} {i}”, <https://example.org/{i}>\n", "A long and winding title ".repeat(5)));
    }
    let doc = citecheck::document::parse(Path::new("big.md"), text.as_bytes(), None).expect("parses");
    let mut d = DocumentReport::extract(&doc);
    for r in &mut d.references {
        let mut c = Check::without_fetch(Verdict::Dead, Some("HTTP 404".into()));
        c.findings.push(Finding::new(
            Rule::DeadLink,
            r.reference.span,
            format!("note {}: {}", r.reference.label, "HTTP 404 ".repeat(120)),
        ));
        d.findings.extend(c.findings.iter().cloned());
        r.check = Some(c);
    }
    let report = Report::new(vec![d]);
    let full = markdown::render(&report, &RenderOptions::default());
    assert!(full.len() > github::STEP_SUMMARY_MAX_BYTES, "the test needs a report over the limit");
    let summary = github::step_summary(&report, &RenderOptions::default());
    assert!(summary.len() <= github::STEP_SUMMARY_MAX_BYTES, "{}", summary.len());
    assert!(summary.contains("**Report cut short**"));
    assert!(full.starts_with(summary.split("\n**Report cut short**").next().unwrap_or("")));
    well_formed_tables(&summary);
    // A pull-request comment holds 65,536 characters.
    let comment =
        markdown::render(&report, &RenderOptions { markdown_max_bytes: Some(65_536), ..RenderOptions::default() });
    assert!(comment.len() <= 65_536);
    well_formed_tables(&comment);
}

// ---------------------------------------------------------------------------------------------
// Markdown

/// Cells of a table row: split at `|` not escaped by a backslash.
fn cells(row: &str) -> usize {
    let mut n = 0usize;
    let mut escaped = false;
    for c in row.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '|' => n += 1,
            _ => {}
        }
    }
    n.saturating_sub(1)
}

/// Every table: rows start and end with a pipe and have as many cells as the header.
#[track_caller]
fn well_formed_tables(md: &str) {
    let mut header: Option<usize> = None;
    for line in md.lines() {
        if line.starts_with('|') {
            assert!(line.ends_with('|'), "row does not end with a pipe: {line}");
            let n = cells(line);
            match header {
                None => header = Some(n),
                Some(h) => assert_eq!(n, h, "cells in {line}"),
            }
        } else {
            header = None;
        }
    }
}

#[test]
fn markdown_tables_hold_against_hostile_titles() {
    let md = markdown::render(&hostile_report(), &RenderOptions::default());
    well_formed_tables(&md);
    let rows: Vec<&str> =
        md.lines().filter(|l| (l.starts_with("| 1 |") || l.starts_with("| 2 |")) && l.contains("FAIL")).collect();
    assert_eq!(rows.len(), 2, "{md}");
    assert!(rows[0].contains("**FAIL** title-mismatch"), "{}", rows[0]);
    assert!(rows[1].contains("**FAIL** dead"), "{}", rows[1]);
    // Nothing from the page survives as HTML, a code span, a link or a mention.
    assert!(!md.contains("<script") && !md.contains("<b>"), "{md}");
    assert!(md.contains("&lt;script&gt;"));
    assert!(!md.replace("\\]", "").contains("](javascript"), "{md}");
    assert!(md.contains("\\[x\\](javascript:alert(1))"));
    assert!(!md.contains("@team"));
    assert!(md.contains("a\\|b\\`c\\`"));
    // Web URLs are links, shown as text that cannot break out.
    assert!(md.contains("[example.org/gone](https://example.org/gone)"), "{md}");
    // The page title shows when it differs, not when it matches.
    assert!(rows[0].matches("&lt;script&gt;").count() == 1);
    let never = md.lines().find(|l| l.starts_with("| 5 |")).expect("note 5");
    assert!(never.contains("PASS ok") && never.ends_with("|  |"), "{never}");
    assert!(md.lines().any(|l| l.starts_with("| 3 |") && l.contains("SKIP no-url")));
    assert!(md.lines().any(|l| l.starts_with("| 4 |") && l.contains("SKIP excluded")));
    // The summary table: verdict counts and findings.
    assert!(
        md.contains(
            "| documents | references | ok | title-mismatch | dead | no-url | excluded | errors | warnings | infos |"
        ),
        "{md}"
    );
    assert!(md.contains("- **error** `orphan-marker` line 1:"), "{md}");
}

#[test]
fn markdown_of_an_extraction_lists_structure() {
    let md = markdown::render(
        &extracted(&["fixtures/docs/lint/duplicate-label.md", "fixtures/docs/edge/no-footnotes.txt"]),
        &RenderOptions::default(),
    );
    well_formed_tables(&md);
    assert!(md.contains("### fixtures/docs/lint/duplicate-label.md"));
    assert!(md.contains("`duplicate-label`"));
    assert!(md.contains("No footnoted references found."));
    assert!(md.contains("extracted"));
}

// ---------------------------------------------------------------------------------------------
// Determinism and snapshots

#[test]
fn every_format_is_byte_identical_for_the_same_report() {
    let report = hostile_report();
    let options = RenderOptions { root: Some(root()), ..RenderOptions::default() };
    type Render = fn(&Report, &RenderOptions) -> String;
    let renderers: [Render; 5] = [sarif::render, junit::render, github::render, github::step_summary, markdown::render];
    for render in renderers {
        assert_eq!(render(&report, &options), render(&hostile_report(), &options));
    }
}

#[test]
fn formats_of_the_seed_brief_checked() {
    let checked = checked_seed();
    let options = RenderOptions::default();
    insta::assert_snapshot!("formats_seed_sarif", stable(checked, sarif::render(&checked.report, &options)));
    insta::assert_snapshot!("formats_seed_junit", stable(checked, junit::render(&checked.report, &options)));
    insta::assert_snapshot!("formats_seed_github", stable(checked, github::render(&checked.report, &options)));
    insta::assert_snapshot!("formats_seed_markdown", stable(checked, markdown::render(&checked.report, &options)));
}
