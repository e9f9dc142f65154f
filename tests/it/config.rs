//! `citecheck.toml` end to end: where it is found, how the command line overrides it, how its
//! mistakes are reported, per-host settings against loopback servers, ignores (configured and
//! inline), report files, and the generated completions and manual page.
//!
//! Per-host settings are keyed by `127.0.0.1:PORT` here: two test servers on two ports are two
//! hosts, as they are to the fetcher's politeness.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;

use crate::harness::{Output, citecheck, root};
use crate::support::{Reply, TestServer};

/// A temporary repository: its `.git` keeps discovery from looking above it.
fn repo() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&path, text).unwrap();
    path
}

/// One good note and a marker with no note (an `orphan-marker` error).
const BROKEN: &str = "A claim.[^1] Another.[^2]\n\n[^1]: “A title”, *The Ledger*, <https://a.example/1>\n";

fn is_json(out: &Output) -> bool {
    serde_json::from_str::<Value>(&out.stdout).is_ok()
}

fn settings(report: &Value) -> Vec<(String, String)> {
    report["run"]["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_str().unwrap().to_owned()))
        .collect()
}

fn refs(report: &Value) -> Vec<&Value> {
    report["documents"].as_array().unwrap().iter().flat_map(|d| d["references"].as_array().unwrap()).collect()
}

fn rule_ids(report: &Value) -> Vec<String> {
    report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["findings"].as_array().unwrap())
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_file_in_the_working_directory_applies() {
    let dir = repo();
    write(dir.path(), "citecheck.toml", "format = \"json\"\n");
    write(dir.path(), "brief.md", BROKEN);
    let out = citecheck(["extract", "brief.md"]).current_dir(dir.path()).run();
    out.code(1);
    assert!(is_json(&out), "{}", out.stdout);
}

#[test]
fn the_file_in_a_parent_applies_and_its_paths_are_its_own() {
    let dir = repo();
    write(dir.path(), "citecheck.toml", "format = \"json\"\nfail-on = \"never\"\npaths = [\"docs\"]\n");
    write(dir.path(), "docs/brief.md", BROKEN);
    fs::create_dir_all(dir.path().join("deep/er")).unwrap();
    // No PATH: the file's `paths`, relative to the file, not to the working directory.
    let (out, report) = citecheck(["extract"]).current_dir(dir.path().join("deep/er")).json();
    out.code(0);
    assert_eq!(report["documents"].as_array().unwrap().len(), 1);
    assert!(report["documents"][0]["path"].as_str().unwrap().ends_with("brief.md"));
    // Named as seen from where the run started, and so are the documents it lists.
    let (_, path) = settings(&report).into_iter().find(|(n, _)| n == "config").unwrap();
    assert_eq!(path, "../../citecheck.toml");
    assert_eq!(report["documents"][0]["path"], "../../docs/brief.md");
}

#[test]
fn discovery_stops_at_the_repository_root() {
    let outer = tempfile::tempdir().unwrap();
    write(outer.path(), "citecheck.toml", "format = \"json\"\n");
    let inner = outer.path().join("repo");
    fs::create_dir_all(inner.join(".git")).unwrap();
    write(&inner, "brief.md", BROKEN);
    let out = citecheck(["extract", "brief.md"]).current_dir(&inner).run();
    out.code(1).stdout_has("orphan-marker");
    assert!(!is_json(&out), "the file above the repository was read:\n{}", out.stdout);
}

#[test]
fn config_names_the_file_and_no_config_ignores_it() {
    let dir = repo();
    write(dir.path(), "citecheck.toml", "format = \"json\"\n");
    write(dir.path(), "elsewhere/strict.toml", "fail-on = \"never\"\n");
    write(dir.path(), "brief.md", BROKEN);
    // --config replaces discovery: human output (not the discovered file's JSON), and exit 0.
    let out = citecheck(["extract", "--config", "elsewhere/strict.toml", "brief.md"]).current_dir(dir.path()).run();
    out.code(0);
    assert!(!is_json(&out));
    let out = citecheck(["extract", "--no-config", "brief.md"]).current_dir(dir.path()).run();
    out.code(1);
    assert!(!is_json(&out));
    let out = citecheck(["extract", "--config", "missing.toml", "brief.md"]).current_dir(dir.path()).run();
    out.code(2).stderr_has("missing.toml");
}

#[test]
fn the_command_line_overrides_the_file() {
    let dir = repo();
    write(dir.path(), "citecheck.toml", "format = \"json\"\nfail-on = \"never\"\n");
    write(dir.path(), "brief.md", BROKEN);
    let out = citecheck(["extract", "brief.md"]).current_dir(dir.path()).run();
    out.code(0);
    assert!(is_json(&out));
    let out =
        citecheck(["extract", "--format", "human", "--fail-on", "error", "brief.md"]).current_dir(dir.path()).run();
    out.code(1).stdout_has("orphan-marker");
    assert!(!is_json(&out));
}

#[test]
fn mistakes_name_the_file_line_column_and_key() {
    let dir = repo();
    write(dir.path(), "brief.md", BROKEN);
    write(dir.path(), "citecheck.toml", "timeout = \"10s\"\ntimeuot = \"5s\"\n");
    let out = citecheck(["extract", "brief.md"]).current_dir(dir.path()).run();
    out.code(2).stderr_has("citecheck.toml:2:1: ").stderr_has("unknown key `timeuot` (did you mean `timeout`?)");
    assert!(out.stdout.is_empty());

    write(dir.path(), "citecheck.toml", "# politeness\n[hosts.\"www.example.com\"]\ninterval = \"fast\"\n");
    let out = citecheck(["check", "brief.md"]).current_dir(dir.path()).run();
    out.code(2).stderr_has("citecheck.toml:3:12: hosts.\"www.example.com\".interval: \"fast\" is not a duration");

    write(dir.path(), "citecheck.toml", "\nformat = \"xml\"\n");
    let out = citecheck(["extract", "brief.md"]).current_dir(dir.path()).run();
    out.code(2).stderr_has("citecheck.toml:2:10: format: \"xml\" is not one of human, json");

    write(dir.path(), "citecheck.toml", "[[ignore]]\nurl = \"x\"\n");
    let out = citecheck(["extract", "brief.md"]).current_dir(dir.path()).run();
    out.code(2).stderr_has("citecheck.toml:1:1: ignore[0]: an [[ignore]] entry needs a `reason`");
}

#[test]
fn host_headers_go_to_that_host_only_and_never_across_a_redirect() {
    let other = TestServer::builder()
        .route("/end", Reply::ok_html("<title>The end of the road</title>"))
        .route("/direct", Reply::ok_html("<title>A direct page</title>"))
        .start();
    let own = TestServer::builder()
        .route("/start", Reply::redirect(302, &other.url("/end")))
        .route("/page", Reply::ok_html("<title>The own page</title>"))
        .start();
    let dir = repo();
    write(
        dir.path(),
        "citecheck.toml",
        &format!(
            "allow-private = true\nhost-interval = \"0ms\"\nno-progress = true\nformat = \"json\"\n\n\
             [hosts.\"127.0.0.1:{}\"]\nheaders = {{ Cookie = \"session=secret\" }}\nuser-agent = \"host-agent/1\"\n",
            own.port()
        ),
    );
    write(
        dir.path(),
        "brief.md",
        &format!(
            "One.[^1] Two.[^2] Three.[^3]\n\n[^1]: “The end of the road”, <{}>\n[^2]: “The own page”, <{}>\n[^3]: “A direct page”, <{}>\n",
            own.url("/start"),
            own.url("/page"),
            other.url("/direct")
        ),
    );
    let (out, report) = citecheck(["check", "brief.md"]).current_dir(dir.path()).json();
    out.code(0);
    for r in refs(&report) {
        assert_eq!(r["check"]["verdict"], "ok", "{}", r["check"]);
    }
    let to_own = own.requests();
    assert_eq!(to_own.len(), 2);
    for r in &to_own {
        assert_eq!(r.header("cookie"), Some("session=secret"), "{}", r.path);
        assert_eq!(r.header("user-agent"), Some("host-agent/1"), "{}", r.path);
    }
    let to_other = other.requests();
    assert_eq!(to_other.len(), 2, "the redirect's target and the direct citation");
    for r in &to_other {
        assert_eq!(r.header("cookie"), None, "the cookie reached the other host at {}", r.path);
        assert!(r.header("user-agent").unwrap().starts_with("citecheck/"), "{:?}", r.header("user-agent"));
    }
    // The record of the run names the header, never its value.
    let host = settings(&report).into_iter().find(|(n, _)| n == "host").unwrap().1;
    assert!(host.contains("headers Cookie, User-Agent") && !host.contains("secret"), "{host}");
}

#[test]
fn a_status_accepted_for_a_host_is_judged_like_a_200() {
    let server =
        TestServer::builder().route("/report", Reply::html(403, "<title>The annual members' report</title>")).start();
    let dir = repo();
    write(
        dir.path(),
        "brief.md",
        &format!("A claim.[^1]\n\n[^1]: “The annual members' report”, <{}>\n", server.url("/report")),
    );
    let base = "allow-private = true\nhost-interval = \"0ms\"\nno-progress = true\nformat = \"json\"\n";
    write(dir.path(), "citecheck.toml", base);
    let (out, report) = citecheck(["check", "brief.md"]).current_dir(dir.path()).json();
    out.code(0);
    assert_eq!(refs(&report)[0]["check"]["verdict"], "unverifiable");

    write(
        dir.path(),
        "citecheck.toml",
        &format!("{base}\n[hosts.\"127.0.0.1:{}\"]\naccept-status = [403]\n", server.port()),
    );
    let (out, report) = citecheck(["check", "brief.md"]).current_dir(dir.path()).json();
    out.code(0);
    let check = &refs(&report)[0]["check"];
    assert_eq!(
        (&check["verdict"], &check["status"], &check["title_match"]),
        (&"ok".into(), &403.into(), &"match".into())
    );
}

#[test]
fn ignored_references_are_neither_linted_nor_fetched_and_say_why() {
    let server = TestServer::builder()
        .route("/fine", Reply::ok_html("<title>A fine page</title>"))
        .fallback(Reply::status(404))
        .start();
    let url = |path: &str| server.url(path);
    let dir = repo();
    write(
        dir.path(),
        "citecheck.toml",
        "allow-private = true\nhost-interval = \"0ms\"\nno-progress = true\nformat = \"json\"\n\n\
         [[ignore]]\npath = \"briefs/*.md\"\nlabel = 2\nreason = \"an archived copy only\"\n\n\
         [[ignore]]\nurl = '/gone/'\nreason = \"the site is gone; kept for the record\"\n",
    );
    // Note 2 has no marker (unreferenced) and note 5 no marker either: both are ignored, so
    // neither is reported; marker 9 has no note and stays an orphan.
    write(
        dir.path(),
        "briefs/a.md",
        &format!(
            "One.[^1] Three.[^3] Four.[^4] Nine.[^9]\n\n[^1]: “A fine page”, <{}>\n[^2]: “Label”, <{}>\n[^3]: “Gone”, <{}>\n\n\
             <!-- citecheck-ignore: paywalled; checked by hand -->\n[^4]: “Inline”, <{}>\n\n\
             <!-- citecheck-ignore: an aside -->\n[^5]: “Aside”, <{}>\n",
            url("/fine"),
            url("/label"),
            url("/gone/x"),
            url("/inline-md"),
            url("/aside")
        ),
    );
    write(
        dir.path(),
        "briefs/b.html",
        &format!(
            "<p>A claim<sup><a href=\"#fn1\">1</a></sup>.</p>\n<section class=\"footnotes\"><ol>\n\
             <!-- citecheck-ignore: the host blocks robots -->\n<li id=\"fn1\">“Inline”, <a href=\"{}\">link</a></li>\n</ol></section>\n",
            url("/inline-html")
        ),
    );
    write(
        dir.path(),
        "briefs/c.txt",
        &format!("A claim.¹\n\ncitecheck-ignore: moved offline\n¹ “Inline”, 2020, <{}>\n", url("/inline-text")),
    );
    let (out, report) = citecheck(["check", "briefs"]).current_dir(dir.path()).json();
    out.code(1); // the orphan marker 9
    let all = refs(&report);
    let reasons: Vec<(&str, &str, &str)> = all
        .iter()
        .filter(|r| r["ignored"].is_string())
        .map(|r| {
            (r["label"].as_str().unwrap(), r["ignored"].as_str().unwrap(), r["check"]["verdict"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        reasons,
        [
            ("2", "an archived copy only", "excluded"),
            ("3", "the site is gone; kept for the record", "excluded"),
            ("4", "paywalled; checked by hand", "excluded"),
            ("5", "an aside", "excluded"),
            ("1", "the host blocks robots", "excluded"),
            ("1", "moved offline", "excluded"),
        ]
    );
    for r in all.iter().filter(|r| r["ignored"].is_string()) {
        let message = r["check"]["findings"][0]["message"].as_str().unwrap();
        assert!(message.contains(r["ignored"].as_str().unwrap()), "{message}");
    }
    assert_eq!(all[0]["check"]["verdict"], "ok");
    for path in ["/label", "/gone/x", "/inline-md", "/aside", "/inline-html", "/inline-text"] {
        assert_eq!(server.hits(path), 0, "{path} was fetched");
    }
    assert_eq!(server.hits("/fine"), 1);
    let rules = rule_ids(&report);
    assert!(!rules.contains(&"unreferenced-note".to_owned()), "{rules:?}");
    assert_eq!(rules.iter().filter(|r| *r == "orphan-marker").count(), 1, "{rules:?}");

    // extract shows the reasons too.
    let out = citecheck(["extract", "--format", "human", "briefs/a.md"]).current_dir(dir.path()).run();
    out.code(1).stdout_has("ignored: an archived copy only").stdout_has("ignored: paywalled; checked by hand");
}

#[test]
fn report_files_are_written_whole_beside_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out/citecheck.json");
    let seed = root().join("seeds/issi-brief-resetting-ties.txt");
    let out = citecheck(["extract", "--no-config", "--format", "human"])
        .arg("--report")
        .arg(format!("json={}", path.display()))
        .arg(&seed)
        .run();
    out.code(0).stdout_has("9 references in 1 document");
    assert!(!is_json(&out));
    let written: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["summary"]["references"], 9);
    let names: Vec<_> = fs::read_dir(dir.path().join("out")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["citecheck.json"], "a temporary file was left behind");

    // A human report file carries no terminal escapes, even with colour forced on stdout.
    let human = dir.path().join("report.txt");
    let out = citecheck(["extract", "--no-config", "--color", "always", "--format", "json"])
        .arg("--report")
        .arg(format!("human={}", human.display()))
        .arg(&seed)
        .run();
    out.code(0);
    assert!(is_json(&out));
    let text = fs::read_to_string(&human).unwrap();
    assert!(text.contains("9 references in 1 document") && !text.contains('\u{1b}'), "{text}");

    // A report that cannot be written is exit 2, naming the path; the old file is untouched.
    fs::create_dir_all(dir.path().join("taken/inner")).unwrap();
    let blocked = dir.path().join("taken");
    let out = citecheck(["extract", "--no-config"])
        .arg("--report")
        .arg(format!("json={}", blocked.display()))
        .arg(&seed)
        .run();
    out.code(2).stderr_has(&format!("could not write the report {}", blocked.display()));
    let out = citecheck(["extract", "--no-config", "--report", "xml=a.xml"]).arg(&seed).run();
    out.code(2).stderr_has("--report").stderr_has("not a report format");
}

#[test]
fn report_paths_in_the_file_are_relative_to_it() {
    let dir = repo();
    write(dir.path(), "citecheck.toml", "report = [\"json=reports/citecheck.json\"]\n");
    write(dir.path(), "docs/brief.md", BROKEN);
    let out = citecheck(["extract", "brief.md"]).current_dir(dir.path().join("docs")).run();
    out.code(1).stdout_has("orphan-marker");
    let written: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("reports/citecheck.json")).unwrap()).unwrap();
    assert_eq!(written["summary"]["errors"], 1);
}

#[test]
fn completions_and_the_manual_page_are_generated() {
    let out = citecheck(["completions", "bash"]).run();
    out.code(0).stdout_has("_citecheck()").stdout_has("--fail-on");
    let out = citecheck(["completions", "fish"]).run();
    out.code(0).stdout_has("complete -c citecheck");
    let out = citecheck(["man"]).run();
    out.code(0).stdout_has(".TH citecheck 1").stdout_has("extract");
    let out = citecheck(["man", "check"]).run();
    out.code(0).stdout_has(".TH citecheck-check 1").stdout_has("host\\-interval");
}
