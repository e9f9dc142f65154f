//! Snapshots (insta) of what people and programs read: the human tables and the JSON report, for
//! the seed brief and a document per input format. A change to any of them shows up in review.

use crate::check::fixture_web;
use crate::harness::citecheck;

#[test]
fn extract_human_seed_brief() {
    let out = citecheck(["extract", "seeds/issi-brief-resetting-ties.txt"]).run();
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn extract_json_per_format() {
    for path in [
        "seeds/issi-brief-resetting-ties.txt",
        "fixtures/docs/markdown/cpec-named-labels.md",
        "fixtures/docs/html/pandoc-export.html",
        "fixtures/docs/lint/orphan-marker.txt",
    ] {
        let (_, report) = citecheck(["extract", "--format", "json", path]).json();
        let name = path.replace(['/', '.'], "_");
        insta::assert_json_snapshot!(name, report);
    }
}

#[test]
fn check_human_and_json_seed_brief() {
    let server = fixture_web();
    let run = |format: &str| {
        citecheck(["check", "--allow-private", "--no-progress", "--host-interval", "0ms", "--format", format])
            .arg("--remap")
            .arg(format!(r"^https?://([^/]+)/(.*)$ {}/$1/$2", server.base_url()))
            .arg("seeds/issi-brief-resetting-ties.txt")
            .run()
            .stdout
            // The fixture server's port changes from run to run.
            .replace(&server.base_url(), "http://fixture-web")
    };
    insta::assert_snapshot!("check_human_seed_brief", run("human"));
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("JSON");
    insta::assert_json_snapshot!("check_json_seed_brief", json);
}
