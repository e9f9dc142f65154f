//! Extraction against `fixtures/docs/`: every document has an expectation written independently
//! of the implementation (`fixtures/docs/expected/<path>.json`); only the keys given are compared.

use std::path::{Path, PathBuf};

use citecheck::DocumentReport;
use citecheck::document::{self, LoadOptions};
use serde_json::Value;

use crate::harness::root;

fn documents() -> Vec<PathBuf> {
    let base = root().join("fixtures/docs");
    let mut out = Vec::new();
    for dir in ["text", "markdown", "html", "docx", "lint", "styles", "edge", "pdf"] {
        out.extend(document::collect_paths(&[base.join(dir)]).expect("fixture folders exist"));
    }
    out
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Compares one document; returns every difference found, for one report at the end.
fn compare(path: &Path, expected: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let name = path.strip_prefix(root()).unwrap_or(path).display().to_string();
    let doc = match document::read(path, &LoadOptions::default()) {
        Ok(doc) => doc,
        Err(e) => return vec![format!("{name}: could not be read: {e}")],
    };
    let report = serde_json::to_value(DocumentReport::extract(&doc)).expect("serialises");
    let check = |problems: &mut Vec<String>, what: String, got: &Value, want: &Value| {
        if got != want {
            problems.push(format!("{name}: {what}: got {got}, expected {want}"));
        }
    };
    if let Some(format) = expected.get("format") {
        check(&mut problems, "format".into(), &report["format"], format);
    }
    if let Some(refs) = expected.get("references").and_then(Value::as_array) {
        let got = report["references"].as_array().cloned().unwrap_or_default();
        let labels = |v: &[Value]| v.iter().map(|r| r["label"].to_string()).collect::<Vec<_>>().join(",");
        if got.len() != refs.len() {
            problems.push(format!(
                "{name}: {} references [{}], expected {} [{}]",
                got.len(),
                labels(&got),
                refs.len(),
                labels(refs)
            ));
        }
        for (i, (g, want)) in got.iter().zip(refs).enumerate() {
            let Some(want) = want.as_object() else { continue };
            for (key, value) in want {
                match key.as_str() {
                    "comment" => {}
                    "markers" => {
                        let got_markers: Vec<Value> = g["markers"]
                            .as_array()
                            .cloned()
                            .unwrap_or_default()
                            .iter()
                            .map(|m| Value::from(vec![m["line"].clone(), m["column"].clone()]))
                            .collect();
                        let want_markers = value.as_array().cloned().unwrap_or_default();
                        let same = got_markers.len() == want_markers.len()
                            && got_markers.iter().zip(&want_markers).all(|(g, w)| {
                                let w = w.as_array().cloned().unwrap_or_default();
                                w.iter().zip(g.as_array().into_iter().flatten()).all(|(a, b)| a == b)
                            });
                        if !same {
                            problems.push(format!(
                                "{name}: reference #{} ({}): markers {:?}, expected {}",
                                i + 1,
                                g["label"],
                                got_markers.iter().map(Value::to_string).collect::<Vec<_>>(),
                                value
                            ));
                        }
                    }
                    _ => check(&mut problems, format!("reference #{} ({}) {key}", i + 1, g["label"]), &g[key], value),
                }
            }
        }
    }
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    if let Some(want) = expected.get("findings").and_then(Value::as_array) {
        let matches = |f: &Value, w: &Value| {
            f["rule"] == w["rule"]
                && w.get("line").is_none_or(|l| &f["line"] == l)
                && w.get("column").is_none_or(|c| &f["column"] == c)
        };
        for w in want {
            if !findings.iter().any(|f| matches(f, w)) {
                problems.push(format!("{name}: expected finding {w} is missing"));
            }
        }
        for f in findings.iter().filter(|f| f["severity"] == "error") {
            if !want.iter().any(|w| matches(f, w)) {
                problems.push(format!(
                    "{name}: unexpected error {}:{} {} {}",
                    f["line"], f["column"], f["rule"], f["message"]
                ));
            }
        }
    }
    if let Some(body) = expected.get("body") {
        let text = collapse(&doc.body_text());
        for needle in body["contains"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !text.contains(&collapse(needle)) {
                problems.push(format!("{name}: body lacks {needle:?}"));
            }
        }
        for needle in body["excludes"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if text.contains(&collapse(needle)) {
                problems.push(format!("{name}: body should not contain {needle:?}"));
            }
        }
    }
    if let Some(summary) = expected.get("summary") {
        if let Some(n) = summary.get("references") {
            check(
                &mut problems,
                "summary.references".into(),
                &report["references"].as_array().map_or(0, Vec::len).into(),
                n,
            );
        }
        if let Some(n) = summary.get("errors") {
            let errors = findings.iter().filter(|f| f["severity"] == "error").count();
            check(&mut problems, "summary.errors".into(), &errors.into(), n);
        }
    }
    problems
}

#[test]
fn every_fixture_document_gives_its_expected_extraction() {
    let docs = documents();
    assert!(docs.len() >= 30, "fixture documents are missing: {}", docs.len());
    let mut problems = Vec::new();
    for path in &docs {
        let rel = path.strip_prefix(root().join("fixtures/docs")).expect("under fixtures/docs");
        let expected_path = root().join("fixtures/docs/expected").join(format!("{}.json", rel.display()));
        let expected: Value = match std::fs::read_to_string(&expected_path) {
            Ok(s) => serde_json::from_str(&s).unwrap_or_else(|e| panic!("{}: {e}", expected_path.display())),
            Err(_) => {
                problems.push(format!("{}: no expectation file", rel.display()));
                continue;
            }
        };
        problems.extend(compare(path, &expected));
    }
    assert!(problems.is_empty(), "{} differences:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn every_prefix_of_every_fixture_parses_without_panicking() {
    for path in documents() {
        let bytes = std::fs::read(&path).expect("readable");
        let step = (bytes.len() / 97).max(1);
        for end in (0..=bytes.len()).step_by(step) {
            let _ = document::parse(&path, &bytes[..end], None).map(|d| DocumentReport::extract(&d));
        }
    }
}
