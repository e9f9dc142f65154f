//! `--uncited`: how well the hints do against hand labels (`fixtures/uncited/labels.tsv`, written
//! before the detector; `fixtures/uncited/heldout-labels.tsv`, written for documents it had never
//! seen), and the flag on `extract` and `check`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use citecheck::uncited::{ClaimKind, claims, sentences};

use crate::harness::{citecheck, root};

/// The labels the detector was tuned against.
const TUNED: &str = "fixtures/uncited/labels.tsv";
/// Labels for documents the detector had never seen when they were written.
const HELD_OUT: &str = "fixtures/uncited/heldout-labels.tsv";

struct Label {
    path: String,
    snippet: String,
    kinds: BTreeSet<String>,
}

fn labels(file: &str) -> Vec<Label> {
    let text = std::fs::read_to_string(root().join(file)).expect("labels");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "four columns: {l}");
            let kinds = cols[2]
                .split(',')
                .map(str::trim)
                .filter(|k| !matches!(*k, "none" | "sourced"))
                .map(str::to_owned)
                .collect();
            Label { path: cols[0].to_owned(), snippet: collapse(cols[1]), kinds }
        })
        .collect()
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Default, Debug)]
struct Tally {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Tally {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 { 1.0 } else { self.tp as f64 / (self.tp + self.fp) as f64 }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 { 1.0 } else { self.tp as f64 / (self.tp + self.fn_) as f64 }
    }
}

/// What to do where the splitter and the labels disagree about where a sentence ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Segmentation {
    /// Every sentence the splitter finds must carry a label: the tuned labels were checked against
    /// the splitter, so a disagreement there is a regression.
    Strict,
    /// Labels written without the splitter: score each labelled sentence once. A fragment with no
    /// label belongs to the sentence before it (the splitter cut too early), and a sentence holding
    /// several labels expects all their kinds (it ran two together); both are reported.
    Lenient,
}

/// One sentence as scored: what the labels expect and what the detector found in it.
struct Scored {
    text: String,
    expected: BTreeSet<String>,
    detected: BTreeSet<String>,
}

/// Per kind and overall (a sentence is flagged or not), over every document in `file` whose path
/// starts with `under`.
fn measure(file: &str, under: &str, segmentation: Segmentation) -> (BTreeMap<String, Tally>, Tally, Vec<String>) {
    let labels: Vec<Label> = labels(file).into_iter().filter(|l| l.path.starts_with(under)).collect();
    let mut by_path: BTreeMap<&str, Vec<&Label>> = BTreeMap::new();
    for l in &labels {
        by_path.entry(l.path.as_str()).or_default().push(l);
    }
    let mut kinds: BTreeMap<String, Tally> = BTreeMap::new();
    let mut overall = Tally::default();
    let mut mistakes = Vec::new();
    for (path, labels) in by_path {
        let bytes = std::fs::read(root().join(path)).expect("labelled document");
        let doc = citecheck::document::parse(Path::new(path), &bytes, None).expect("parses");
        let found = claims(&doc);
        let mut used = vec![false; labels.len()];
        let mut scored: Vec<Scored> = Vec::new();
        for (i, s) in sentences(&doc).iter().enumerate() {
            let text = collapse(&s.text);
            let detected: BTreeSet<String> =
                found.iter().filter(|c| c.sentence == i).map(|c| c.kind.as_str().to_owned()).collect();
            let matching: Vec<usize> = match segmentation {
                Segmentation::Strict => labels.iter().position(|l| text.contains(&l.snippet)).into_iter().collect(),
                Segmentation::Lenient => (0..labels.len()).filter(|&li| text.contains(&labels[li].snippet)).collect(),
            };
            if matching.is_empty() {
                match (segmentation, scored.last_mut()) {
                    (Segmentation::Lenient, Some(before)) => {
                        mistakes.push(format!("split: {path}: {text}"));
                        before.text = format!("{} | {text}", before.text);
                        before.detected.extend(detected);
                        continue;
                    }
                    _ => panic!("{path}: sentence without a label: {text:?}"),
                }
            }
            for (u, l) in used.iter_mut().zip(labels.iter()) {
                // A sentence written twice (an address block) has two labels.
                *u |= matching.iter().any(|&li| l.snippet == labels[li].snippet);
            }
            if matching.len() > 1 {
                mistakes.push(format!("joined: {path}: {text}"));
            }
            let expected = matching.iter().flat_map(|&li| labels[li].kinds.iter().cloned()).collect();
            scored.push(Scored { text, expected, detected });
        }
        for Scored { text, expected, detected } in &scored {
            for kind in ClaimKind::ALL.iter().map(|k| k.as_str().to_owned()) {
                let t = kinds.entry(kind.clone()).or_default();
                match (detected.contains(&kind), expected.contains(&kind)) {
                    (true, true) => t.tp += 1,
                    (true, false) => {
                        t.fp += 1;
                        mistakes.push(format!("false {kind}: {path}: {text}"));
                    }
                    (false, true) => {
                        t.fn_ += 1;
                        mistakes.push(format!("missed {kind}: {path}: {text}"));
                    }
                    (false, false) => {}
                }
            }
            match (!detected.is_empty(), !expected.is_empty()) {
                (true, true) => overall.tp += 1,
                (true, false) => overall.fp += 1,
                (false, true) => overall.fn_ += 1,
                (false, false) => {}
            }
        }
        let all: Vec<String> = sentences(&doc).iter().map(|s| collapse(&s.text)).collect();
        for (l, used) in labels.iter().zip(used) {
            // A label inside another's sentence (a quotation running over two) is that sentence.
            assert!(
                used || all.iter().any(|s| s.contains(&l.snippet)),
                "{path}: label matches no sentence: {:?}",
                l.snippet
            );
        }
    }
    (kinds, overall, mistakes)
}

fn table(kinds: &BTreeMap<String, Tally>, overall: &Tally) -> String {
    let mut table = String::from("kind         precision  recall  (tp/fp/fn)\n");
    for (kind, t) in kinds {
        table.push_str(&format!(
            "{kind:<12} {:>9.2}  {:>6.2}  ({}/{}/{})\n",
            t.precision(),
            t.recall(),
            t.tp,
            t.fp,
            t.fn_
        ));
    }
    table.push_str(&format!(
        "{:<12} {:>9.2}  {:>6.2}  ({}/{}/{})\n",
        "sentences",
        overall.precision(),
        overall.recall(),
        overall.tp,
        overall.fp,
        overall.fn_
    ));
    table
}

#[test]
fn precision_and_recall_against_the_hand_labels() {
    // The seeds were written by others; the fixtures by the detector's author, before it.
    for (part, under) in [("seeds", "seeds/"), ("fixtures", "fixtures/")] {
        let (kinds, overall, _) = measure(TUNED, under, Segmentation::Strict);
        eprintln!("{part}:\n{}", table(&kinds, &overall));
    }
    let (kinds, overall, mistakes) = measure(TUNED, "", Segmentation::Strict);
    let table = table(&kinds, &overall);
    eprintln!("all:\n{table}\n{}", mistakes.join("\n"));
    assert!(overall.precision() >= 0.9, "sentence precision below 0.9:\n{table}\n{}", mistakes.join("\n"));
    for (kind, t) in &kinds {
        assert!(t.precision() >= 0.85, "{kind} precision below 0.85:\n{table}");
    }
    assert!(overall.recall() >= 0.6, "sentence recall below 0.6:\n{table}");
}

#[test]
fn precision_and_recall_on_the_held_out_documents() {
    // Documents and labels committed before the detector first ran on them; neither may be edited
    // to suit it. The floors sit just under the figures first measured (docs/uncited.md, "Held
    // out"): they catch a regression, they are not targets.
    let (kinds, overall, mistakes) = measure(HELD_OUT, "", Segmentation::Lenient);
    let table = table(&kinds, &overall);
    let report = format!("held out:\n{table}\n{}", mistakes.join("\n"));
    eprintln!("{report}");
    assert!(overall.precision() >= 0.85, "sentence precision below 0.85: {report}");
    assert!(overall.recall() >= 0.6, "sentence recall below 0.6: {report}");
    for (kind, t) in &kinds {
        assert!(t.precision() >= 0.8, "{kind} precision below 0.8: {report}");
    }
}

#[test]
fn the_flag_adds_info_hints_that_never_fail_a_run() {
    let doc = "fixtures/uncited/news-digest.txt";
    let plain = citecheck(["extract", "--format", "json", "--no-config", doc]).json().1;
    let rules = |v: &serde_json::Value| -> Vec<String> {
        v["documents"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!rules(&plain).contains(&"uncited-claim".to_owned()));
    let (out, hinted) =
        citecheck(["extract", "--format", "json", "--no-config", "--uncited", "--fail-on", "warning", doc]).json();
    assert_eq!(out.code, 0, "info findings never change the exit code");
    let hints: Vec<&serde_json::Value> = hinted["documents"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "uncited-claim")
        .collect();
    assert!(hints.len() >= 8, "{hints:#?}");
    assert!(hints.iter().all(|h| h["severity"] == "info"));
    let first = hints.iter().find(|h| h["message"].as_str().unwrap().contains("27-day")).expect("the closure");
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(3), Some(62)));
    // In the human report too, and on `check`, where a document with no URLs fetches nothing.
    let out = citecheck(["check", "--no-config", "--uncited", "--color", "never", "--no-progress", doc]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("info[uncited-claim]"), "{}", out.stdout);
    // The configuration key does the same.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("citecheck.toml"), "uncited = true\n").unwrap();
    let copy = dir.path().join("digest.txt");
    std::fs::copy(root().join(doc), &copy).unwrap();
    let out = citecheck(["extract", "--color", "never", "digest.txt"]).current_dir(dir.path()).run();
    assert!(out.stdout.contains("info[uncited-claim]"), "{}", out.stdout);
}
