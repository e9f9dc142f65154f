//! Archived copies of lost pages, end to end: the binary against a loopback server that plays
//! the cited site, the Wayback Machine's availability API, Memento TimeTravel's JSON API and the
//! archived snapshots, with the APIs' real answer shapes (`fixtures/archived/`, whose README
//! cites where each shape is documented).
//!
//! The fake availability API keeps an index of captures per URL and honours `timestamp` and
//! `closest=before|after` as the API's OpenAPI description documents them; the fake TimeTravel
//! answers every URL it knows with prior/closest/next mementos, and 404 otherwise.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::harness::{Output, citecheck, root};
use crate::support::{RecordedRequest, Reply, TestServer};

const TITLE: &str = "Council approves Riverton tram line";

/// The captures the fake Wayback holds, per cited URL (14-digit timestamps, oldest first).
fn wayback_index() -> HashMap<&'static str, Vec<&'static str>> {
    HashMap::from([
        ("https://news.test/gone-before", vec!["20190602080000", "20250320101200", "20250401000000"]),
        ("https://news.test/gone-after", vec!["20250401000000"]),
        ("https://news.test/retitled", vec!["20250320101200"]),
        ("https://news.test/replaced", vec!["20250320101200"]),
        ("https://news.test/archive-dead", vec!["20250320101200"]),
        ("https://news.test/undated", vec!["20200101000000", "20240505050505"]),
    ])
}

fn template(name: &str) -> String {
    std::fs::read_to_string(root().join("fixtures/archived").join(name)).expect("fixture")
}

fn json(body: String) -> Reply {
    Reply::bytes(200, "application/json", body)
}

/// The availability API: the capture at or before `timestamp` with `closest=before`, the first
/// after it with `closest=after`, the latest without a timestamp.
fn wayback(req: &RecordedRequest, base: &str) -> Reply {
    let query: HashMap<String, String> =
        url::form_urlencoded::parse(req.query.as_deref().unwrap_or_default().as_bytes()).into_owned().collect();
    let original = query.get("url").cloned().unwrap_or_default();
    if original == "https://news.test/garbage" {
        return Reply::bytes(200, "application/json", "<html><body>Wayback Machine is down for maintenance");
    }
    let index = wayback_index();
    let captures = index.get(original.as_str()).cloned().unwrap_or_default();
    let chosen = match (query.get("timestamp"), query.get("closest").map(String::as_str)) {
        (None, _) => captures.last().copied(),
        (Some(t), Some("after")) => captures.iter().copied().find(|c| *c > t.as_str()),
        (Some(t), _) => captures.iter().copied().rev().find(|c| *c <= t.as_str()),
    };
    let body = match chosen {
        None => template("wayback-empty.json").replace("@ORIGINAL@", &original),
        Some(stamp) => template("wayback-available.json")
            .replace("@SNAPSHOT_URL@", &format!("{base}/web/{stamp}/{original}"))
            .replace("@TIMESTAMP@", stamp)
            .replace("@ORIGINAL@", &original),
    };
    json(body)
}

/// TimeTravel: `/api/json/<datetime>/<url>`.
fn timetravel(req: &RecordedRequest, base: &str) -> Reply {
    let rest = req.target.trim_start_matches("/api/json/");
    let Some((_, original)) = rest.split_once('/') else { return Reply::status(400) };
    match original {
        "https://news.test/gone-before" => {
            json(template("timetravel.json").replace("@BASE@", base).replace("@ORIGINAL@", original))
        }
        "https://news.test/garbage" => Reply::bytes(200, "application/json", "{\"mementos\": [\"truncated"),
        _ => Reply::bytes(404, "application/json", "{}"),
    }
}

fn page(title: &str) -> Reply {
    Reply::ok_html(format!(
        "<!doctype html><html><head><meta charset=utf-8><title>{title} | The Daily Ledger</title></head><body><h1>{title}</h1></body></html>"
    ))
}

/// The cited site (under `/news.test/…`, reached with `--remap`), both archive APIs and the
/// snapshots, on one loopback server.
fn archive_server() -> TestServer {
    let base: Arc<OnceLock<String>> = Arc::new(OnceLock::new());
    let for_api = Arc::clone(&base);
    let mut builder = TestServer::builder()
        .route("/news.test/ok", page(TITLE))
        .route("/news.test/retitled", page("Tram line plan shelved after council vote"))
        .fallback(Reply::from_fn(move |req| {
            let base = for_api.get().map(String::as_str).unwrap_or_default();
            if req.path == "/wayback/available" {
                wayback(req, base)
            } else if req.path.starts_with("/api/json/") {
                timetravel(req, base)
            } else {
                Reply::status(404)
            }
        }));
    for (original, captures) in wayback_index() {
        for stamp in captures {
            let path = format!("/web/{stamp}id_/{original}");
            let reply = match original {
                "https://news.test/archive-dead" => Reply::status(404),
                "https://news.test/replaced" => page("Mayor resigns over expenses"),
                _ => page(TITLE),
            };
            builder = builder.route(&path, reply);
        }
    }
    // The second archive TimeTravel lists first for the prior memento.
    builder = builder.route("/archive-a/20250320101200id_/https://news.test/gone-before", page(TITLE));
    let server = builder.start();
    base.set(server.base_url()).expect("set once");
    server
}

/// A Markdown brief: each note cites `url` with the Council title, accessed 24 March 2025
/// unless `dated` is false.
fn brief(dir: &tempfile::TempDir, notes: &[(&str, bool)]) -> String {
    let mut text = String::from("# A brief\n\n");
    for (i, _) in notes.iter().enumerate() {
        text.push_str(&format!("Claim number {}.[^{}]\n", i + 1, i + 1));
    }
    text.push('\n');
    for (i, (url, dated)) in notes.iter().enumerate() {
        let accessed = if *dated { ", accessed 24 March 2025" } else { "" };
        text.push_str(&format!("[^{}]: “{TITLE}”, *The Daily Ledger*, <{url}>{accessed}.\n", i + 1));
    }
    let path = dir.path().join("brief.md");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn check(server: &TestServer, args: &[&str], file: &str) -> Output {
    let mut run = citecheck(["check", "--allow-private", "--no-progress", "--host-interval", "0ms"])
        .arg("--remap")
        .arg(format!(r"^https://(news\.test)/(.*)$ {}/$1/$2", server.base_url()))
        .arg("--wayback-endpoint")
        .arg(server.url("/wayback/available"))
        .arg("--memento-endpoint")
        .arg(server.url("/api/json"));
    for a in args {
        run = run.arg(a);
    }
    run.arg(file).run()
}

fn report(out: &Output) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", out.stdout, out.stderr))
}

fn archived(report: &Value, i: usize) -> &Value {
    &report["documents"][0]["references"][i]["check"]["archived"]
}

/// Requests for the availability API, as `(url, timestamp, closest)`.
fn api_calls(server: &TestServer) -> Vec<(String, Option<String>, Option<String>)> {
    server
        .requests_for("/wayback/available")
        .iter()
        .map(|r| {
            let q: HashMap<String, String> =
                url::form_urlencoded::parse(r.query.as_deref().unwrap_or_default().as_bytes()).into_owned().collect();
            (q["url"].clone(), q.get("timestamp").cloned(), q.get("closest").cloned())
        })
        .collect()
}

const ALL: &[(&str, bool)] = &[
    ("https://news.test/gone-before", true),
    ("https://news.test/gone-after", true),
    ("https://news.test/never-archived", true),
    ("https://news.test/retitled", true),
    ("https://news.test/replaced", true),
    ("https://news.test/archive-dead", true),
    ("https://news.test/garbage", true),
    ("https://news.test/ok", true),
    ("https://news.test/undated", false),
    // The same URL and date again: one lookup serves both notes.
    ("https://news.test/gone-before#section-2", true),
];

#[test]
fn wayback_copies_in_the_json_report() {
    let server = archive_server();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(&dir, ALL);
    let out = check(&server, &["--format", "json", "--archive-lookup"], &file);
    out.code(1);
    let report = report(&out);
    let verdicts: Vec<&str> = report["documents"][0]["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["check"]["verdict"].as_str().unwrap())
        .collect();
    // The verdicts are the ones without lookups: the archived copy is evidence, never a verdict.
    assert_eq!(
        verdicts,
        ["dead", "dead", "dead", "title-mismatch", "dead", "dead", "dead", "ok", "dead", "dead"],
        "{report:#}"
    );

    let before = archived(&report, 0);
    assert_eq!(before["service"], "wayback");
    assert_eq!(before["outcome"], "found");
    assert_eq!(before["relation"], "before");
    assert_eq!(before["captured"], "2025-03-20T10:12:00Z");
    assert_eq!(before["date"], "2025-03-24");
    assert_eq!(before["date_basis"], "accessed");
    assert_eq!(before["status"], 200);
    assert_eq!(before["title_match"], "match");
    assert_eq!(before["url"], format!("{}/web/20250320101200/https://news.test/gone-before", server.base_url()));
    assert_eq!(before["summary"], "archived 2025-03-20 (before the access date), title matches");
    assert_eq!(archived(&report, 9), before, "the repeated URL shares the lookup");

    let after = archived(&report, 1);
    assert_eq!(after["relation"], "after");
    assert_eq!(after["summary"], "archived 2025-04-01 (after the access date: no earlier copy), title matches");

    assert_eq!(archived(&report, 2)["outcome"], "none");
    assert_eq!(archived(&report, 2)["summary"], "no archived copy");

    // A retitled page whose archived copy still has the cited title: the citation was right.
    assert_eq!(archived(&report, 3)["title_match"], "match");
    let replaced = archived(&report, 4);
    assert_eq!(replaced["title_match"], "mismatch");
    assert_eq!(
        replaced["summary"],
        "archived 2025-03-20 (before the access date), title differs: “Mayor resigns over expenses | The Daily Ledger”"
    );
    assert!(replaced["title_diff"].as_array().is_some_and(|d| !d.is_empty()));

    let dead = archived(&report, 5);
    assert_eq!(dead["outcome"], "unusable");
    assert_eq!(dead["status"], 404);
    assert!(dead["summary"].as_str().unwrap().ends_with("but the copy does not load: HTTP 404"), "{dead}");

    let garbage = archived(&report, 6);
    assert_eq!(garbage["outcome"], "failed");
    assert!(garbage["summary"].as_str().unwrap().starts_with("lookup failed: the answer is not JSON"), "{garbage}");

    assert!(report["documents"][0]["references"][7]["check"].get("archived").is_none(), "no lookup for an ok page");

    let undated = archived(&report, 8);
    assert_eq!(undated["relation"], "undated");
    assert_eq!(undated["captured"], "2024-05-05T05:05:05Z", "the latest copy");
    assert!(undated.get("date").is_none_or(Value::is_null));

    // The finding that gave the verdict carries the copy, for CI formats.
    let findings = report["documents"][0]["references"][0]["check"]["findings"].as_array().unwrap();
    let dead_link = findings.iter().find(|f| f["rule"] == "dead-link").unwrap();
    assert!(
        dead_link["message"].as_str().unwrap().contains(
            "; Wayback Machine: archived 2025-03-20 (before the access date), title matches: http://127.0.0.1:"
        ),
        "{dead_link}"
    );

    // One lookup per URL and date; a second (after) only when nothing came before.
    let calls = api_calls(&server);
    let before_calls = |url: &str| calls.iter().filter(|c| c.0 == url).count();
    assert_eq!(before_calls("https://news.test/gone-before"), 1, "{calls:?}");
    assert_eq!(before_calls("https://news.test/gone-after"), 2, "{calls:?}");
    assert_eq!(before_calls("https://news.test/never-archived"), 2, "{calls:?}");
    assert_eq!(before_calls("https://news.test/ok"), 0, "{calls:?}");
    assert!(calls.contains(&(
        "https://news.test/gone-before".into(),
        Some("20250324235959".into()),
        Some("before".into())
    )));
    assert!(calls.contains(&("https://news.test/undated".into(), None, None)));
    // The snapshot is fetched raw (`id_`), so no archive toolbar is read as the page.
    assert_eq!(server.hits("/web/20250320101200id_/https://news.test/gone-before"), 1);
    assert_eq!(server.hits("/web/20250320101200/https://news.test/gone-before"), 0);
}

#[test]
fn human_output_shows_the_copy_by_default() {
    let server = archive_server();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(&dir, &[("https://news.test/gone-before", true), ("https://news.test/never-archived", true)]);
    let out = check(&server, &[], &file);
    out.code(1)
        .stdout_has("archived 2025-03-20 (before the access date), title matches")
        .stdout_has(&format!("{}/web/20250320101200/https://news.test/gone-before", server.base_url()))
        .stdout_has("no archived copy");
    assert!(!api_calls(&server).is_empty());

    // Markdown, for a pull-request comment, when asked: the copy under the verdict, linked.
    let out = check(&server, &["--format", "markdown", "--archive-lookup"], &file);
    out.code(1)
        .stdout_has(&format!(
            "dead<br>archived 2025-03-20 (before the access date), title matches ([copy]({}/web/20250320101200/https://news.test/gone-before))",
            server.base_url()
        ))
        .stdout_has("dead<br>no archived copy |");
}

#[test]
fn lookups_are_off_for_ci_formats_and_when_asked() {
    let server = archive_server();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(&dir, &[("https://news.test/gone-before", true)]);
    for args in [
        &["--format", "sarif"][..],
        &["--format", "json"],
        &["--format", "junit"],
        &["--format", "github"],
        &["--no-archive-lookup"],
        &["--format", "html", "--no-archive-lookup"],
    ] {
        let out = check(&server, args, &file);
        out.code(1);
        assert!(api_calls(&server).is_empty(), "{args:?} looked up a copy");
        assert!(!out.stdout.contains("; Wayback Machine: "), "{args:?}: {}", out.stdout);
    }
    // An HTML report file turns them on, whatever goes to standard output.
    let html = dir.path().join("audit.html");
    let out = check(&server, &["--format", "sarif", "--report", &format!("html={}", html.display())], &file);
    out.code(1);
    assert_eq!(api_calls(&server).len(), 1);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("archived 2025-03-20 (before the access date), title matches"), "{page}");
    assert!(page.contains("captured 2025-03-20T10:12:00Z"));
    // The SARIF message of the dead link carries the copy too.
    assert!(out.stdout.contains("; Wayback Machine: archived 2025-03-20"), "{}", out.stdout);
}

#[test]
fn the_configuration_file_sets_lookups() {
    let server = archive_server();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(&dir, &[("https://news.test/gone-before", true)]);
    let config = dir.path().join("citecheck.toml");
    std::fs::write(
        &config,
        format!(
            "archive-lookup = true\narchive-service = \"memento\"\nmemento-endpoint = \"{}\"\n",
            server.url("/api/json")
        ),
    )
    .unwrap();
    let out = citecheck(["check", "--allow-private", "--no-progress", "--host-interval", "0ms", "--format", "json"])
        .arg("--config")
        .arg(&config)
        .arg("--remap")
        .arg(format!(r"^https://(news\.test)/(.*)$ {}/$1/$2", server.base_url()))
        .arg(&file)
        .run();
    let report = report(&out);
    assert_eq!(archived(&report, 0)["service"], "memento", "{}", out.stdout);
    let settings = report["run"]["settings"].as_array().unwrap();
    assert!(settings.iter().any(|s| s[0] == "archive-lookup" && s[1].as_str().unwrap().starts_with("memento (")));

    // `false` in the file turns them off even for the human report; the flag wins over the file.
    std::fs::write(
        &config,
        format!("archive-lookup = false\nwayback-endpoint = \"{}\"\n", server.url("/wayback/available")),
    )
    .unwrap();
    let human = |extra: &[&str]| {
        let mut run = citecheck(["check", "--allow-private", "--no-progress", "--host-interval", "0ms"])
            .arg("--config")
            .arg(&config)
            .arg("--remap")
            .arg(format!(r"^https://(news\.test)/(.*)$ {}/$1/$2", server.base_url()));
        for a in extra {
            run = run.arg(a);
        }
        run.arg(&file).run()
    };
    server.clear_requests();
    human(&[]).code(1);
    assert!(api_calls(&server).is_empty());
    human(&["--archive-lookup"]).code(1).stdout_has("archived 2025-03-20 (before the access date), title matches");
    assert_eq!(api_calls(&server).len(), 1);

    std::fs::write(&config, "archive-service = \"ia\"\n").unwrap();
    let out = citecheck(["check", "--config"]).arg(&config).arg(&file).run();
    out.code(2).stderr_has("archive-service: \"ia\" is not one of wayback, memento");
    let out = citecheck(["check", "--no-config", "--wayback-endpoint", "ftp://archive.test/x"]).arg(&file).run();
    out.code(2).stderr_has("--wayback-endpoint").stderr_has("not an http(s) URL");
}

#[test]
fn memento_prior_then_next_and_none() {
    let server = archive_server();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(
        &dir,
        &[
            ("https://news.test/gone-before", true),
            ("https://news.test/never-archived", true),
            ("https://news.test/garbage", true),
        ],
    );
    let out = check(&server, &["--format", "json", "--archive-lookup", "--archive-service", "memento"], &file);
    let report = report(&out);
    let prior = archived(&report, 0);
    assert_eq!(prior["service"], "memento");
    assert_eq!(prior["relation"], "before", "{prior}");
    assert_eq!(prior["captured"], "2025-03-20T10:12:00Z");
    // The first URI of the prior memento, fetched raw.
    assert_eq!(prior["url"], format!("{}/archive-a/20250320101200/https://news.test/gone-before", server.base_url()));
    assert_eq!(prior["summary"], "archived 2025-03-20 (before the access date), title matches");
    assert_eq!(server.hits("/archive-a/20250320101200id_/https://news.test/gone-before"), 1);
    assert_eq!(archived(&report, 1)["summary"], "no archived copy", "TimeTravel's 404");
    let garbage = archived(&report, 2)["summary"].as_str().unwrap().to_owned();
    assert!(garbage.starts_with("lookup failed: the answer is not JSON"), "{garbage}");
    let paths: Vec<String> =
        server.requests().iter().filter(|r| r.path.starts_with("/api/json/")).map(|r| r.target.clone()).collect();
    assert!(paths.contains(&"/api/json/20250324235959/https://news.test/gone-before".to_owned()), "{paths:?}");
    assert!(api_calls(&server).is_empty(), "the Wayback API is not asked");
}

#[test]
fn the_same_report_whatever_the_concurrency() {
    let server = archive_server();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(&dir, ALL);
    let run = |n: &str| {
        let out = check(
            &server,
            &["--format", "json", "--archive-lookup", "--max-concurrency", n, "--host-concurrency", n],
            &file,
        );
        let report = report(&out);
        // The run's settings name the concurrency; the documents must not depend on it.
        report["documents"].to_string().replace(&server.base_url(), "http://archive")
    };
    let serial = run("1");
    assert_eq!(run("16"), serial);
}

#[test]
fn a_slow_or_failing_archive_is_a_value_within_the_deadline() {
    // The archive hangs: the run still ends at its deadline, with the verdicts and the lookups
    // marked as not made.
    let hanging = TestServer::builder()
        .route("/news.test/gone-before", Reply::status(404))
        .route("/wayback/available", Reply::hang())
        .start();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(&dir, &[("https://news.test/gone-before", true)]);
    let started = std::time::Instant::now();
    let out = check(&hanging, &["--format", "json", "--archive-lookup", "--deadline", "2s"], &file);
    assert!(started.elapsed() < std::time::Duration::from_secs(15), "{:?}", started.elapsed());
    let report = report(&out);
    assert_eq!(report["documents"][0]["references"][0]["check"]["verdict"], "dead");
    let copy = archived(&report, 0);
    assert_eq!(copy["outcome"], "not-looked-up", "{copy}");
    assert_eq!(copy["summary"], "no archived copy looked up (the run ended first)");
    let finding = &report["documents"][0]["references"][0]["check"]["findings"][0]["message"];
    assert!(!finding.as_str().unwrap().contains("Wayback"), "a lookup not made adds nothing to the finding: {finding}");

    // The archive answers 503 every time: retried like any fetch, then a failed lookup.
    let failing = TestServer::builder()
        .route("/news.test/gone-before", Reply::status(404))
        .route("/wayback/available", Reply::status(503))
        .start();
    let out = check(&failing, &["--format", "json", "--archive-lookup", "--attempts", "2"], &file);
    out.code(1);
    let copy = archived(&report_of(&out), 0).clone();
    assert_eq!(copy["summary"], "lookup failed: the archive answered HTTP 503", "{copy}");
    assert_eq!(failing.hits("/wayback/available"), 2, "the attempts apply to the archive too");
}

fn report_of(out: &Output) -> Value {
    report(out)
}

/// Counts what the checker tells a progress bar.
#[derive(Default)]
struct Counted {
    lookups: std::sync::atomic::AtomicUsize,
    looked_up: std::sync::atomic::AtomicUsize,
}

impl citecheck::check::Progress for Counted {
    fn lookups(&self, count: usize) {
        self.lookups.store(count, std::sync::atomic::Ordering::SeqCst);
    }
    fn looked_up(&self, _cited: &str) {
        self.looked_up.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn the_library_looks_up_copies_when_asked() {
    use citecheck::archived::{ArchiveOutcome, LookupOptions};
    use citecheck::check::{CheckOptions, Checker, Remap};
    use citecheck::fetch::FetchOptions;

    let server = archive_server();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(
        &dir,
        &[
            ("https://news.test/gone-before", true),
            ("https://news.test/ok", true),
            ("https://news.test/gone-before", true),
        ],
    );
    let doc = citecheck::document::read(std::path::Path::new(&file), &Default::default()).unwrap();
    let remap = Remap::new(r"^https://(news\.test)/(.*)$", &format!("{}/$1/$2", server.base_url())).unwrap();
    let fetch = FetchOptions::default().allow_private(true).host_interval(std::time::Duration::ZERO);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let run = |archive: LookupOptions| {
        let options = CheckOptions::default().fetch(fetch.clone()).remap(remap.clone()).archive(archive);
        let checker = Checker::new(options).unwrap();
        let progress = Counted::default();
        let report = runtime.block_on(checker.run(vec![citecheck::DocumentReport::extract(&doc)], &progress, None));
        (report, progress)
    };

    // Off by default in the library: no request reaches the archive.
    let (report, progress) = run(LookupOptions::default());
    assert!(report.documents[0].references.iter().all(|r| r.check.as_ref().unwrap().archived.is_none()));
    assert_eq!(progress.lookups.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert!(api_calls(&server).is_empty());

    let endpoint = url::Url::parse(&server.url("/wayback/available")).unwrap();
    let (report, progress) = run(LookupOptions::new().enabled(true).wayback_endpoint(endpoint));
    let copies: Vec<Option<ArchiveOutcome>> = report.documents[0]
        .references
        .iter()
        .map(|r| r.check.as_ref().unwrap().archived.as_ref().map(|c| c.outcome))
        .collect();
    assert_eq!(copies, [Some(ArchiveOutcome::Found), None, Some(ArchiveOutcome::Found)]);
    // Two notes, one URL and date: one lookup, reported once.
    assert_eq!(progress.lookups.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(progress.looked_up.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(api_calls(&server).len(), 1);
}

#[test]
fn the_address_policy_covers_the_archive() {
    // Without --allow-private, an archive on a private address is refused like any other host
    // (and so is any copy an archive points to): a failed lookup, never a request.
    let server = archive_server();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(&dir, &[("https://gone.invalid/page", true)]);
    let out = citecheck(["check", "--format", "json", "--archive-lookup", "--no-progress"])
        .arg("--wayback-endpoint")
        .arg(server.url("/wayback/available"))
        .arg(&file)
        .run();
    let report = report(&out);
    assert_eq!(report["documents"][0]["references"][0]["check"]["verdict"], "dead");
    let summary = archived(&report, 0)["summary"].as_str().unwrap().to_owned();
    assert!(summary.starts_with("lookup failed: refused to connect to 127.0.0.1"), "{summary}");
    assert!(server.requests().is_empty());
}
