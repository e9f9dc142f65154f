//! The result cache end to end: the binary against loopback servers that count requests, with one
//! cache file shared by the runs of a test (`--cache PATH`; every other test gets a cache of its
//! own from the harness).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;

use crate::faults::brief;
use crate::harness::{Output, Run, citecheck, root};
use crate::support::{Reply, TestServer};

const PAGE_TITLE: &str = "Council approves Riverton tram line after marathon session";

fn page(title: &str) -> String {
    format!("<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>")
}

/// `check` remapped onto `server`, quick politeness, JSON out, on the cache at `cache`.
fn check(server: &TestServer, cache: &Path, extra: &[&str], paths: &[&str]) -> Run {
    let mut run = citecheck(["check", "--format", "json", "--allow-private", "--no-progress"])
        .arg("--remap")
        .arg(format!(r"^https?://([^/]+)/(.*)$ {}/$1/$2", server.base_url()))
        .args(["--host-interval", "0ms", "--host-concurrency", "8", "--attempts", "1"])
        .arg("--cache")
        .arg(cache);
    for a in extra {
        run = run.arg(a);
    }
    for p in paths {
        run = run.arg(p);
    }
    run
}

trait Args {
    fn args<const N: usize>(self, args: [&str; N]) -> Self;
}

impl Args for Run {
    fn args<const N: usize>(mut self, args: [&str; N]) -> Self {
        for a in args {
            self = self.arg(a);
        }
        self
    }
}

fn verdicts(report: &Value) -> Vec<String> {
    report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["references"].as_array().unwrap())
        .map(|r| r["check"]["verdict"].as_str().unwrap().to_owned())
        .collect()
}

#[track_caller]
fn no_warning(out: &Output) {
    assert!(!out.stderr.contains("warning"), "unexpected warning:\n{}", out.stderr);
}

#[test]
fn a_second_run_within_the_ttl_makes_no_request_and_gives_the_same_report() {
    let server = crate::check::fixture_web();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.sqlite3");
    let seed = "seeds/issi-brief-resetting-ties.txt";
    let first = check(&server, &cache, &[], &[seed]).run();
    first.code(0);
    no_warning(&first);
    let cold = server.requests().len();
    assert!(cold >= 9, "every cited page is fetched once: {cold} requests");
    assert!(cache.exists());
    let second = check(&server, &cache, &[], &[seed]).run();
    second.code(0);
    no_warning(&second);
    assert_eq!(server.requests().len(), cold, "the warm run made requests");
    assert_eq!(second.stdout, first.stdout, "the warm run's report differs");
    // Every output format reads the same answers.
    let human = check(&server, &cache, &["--format", "human"], &[seed]).run();
    human.stdout_has("9 references (9 ok)").stdout_has("Rise {+is+} terrorism");
    assert_eq!(server.requests().len(), cold);
    // --cache and --no-cache contradict each other.
    check(&server, &cache, &["--no-cache"], &[seed]).run().code(2);
    // --no-cache goes to the network.
    let bypass = citecheck(["check", "--format", "json", "--allow-private", "--no-progress", "--no-cache"])
        .arg("--remap")
        .arg(format!(r"^https?://([^/]+)/(.*)$ {}/$1/$2", server.base_url()))
        .args(["--host-interval", "0ms", "--host-concurrency", "8", seed])
        .run();
    bypass.code(0);
    assert_eq!(server.requests().len(), 2 * cold, "--no-cache fetches everything");
}

/// A page with validators that answers 304 to them, until `changed` is set; then a new page.
fn validating_page(changed: Arc<AtomicBool>) -> Reply {
    Reply::from_fn(move |req| {
        let etag = if changed.load(Ordering::SeqCst) { "\"v2\"" } else { "\"v1\"" };
        let title = if changed.load(Ordering::SeqCst) { "Tram line plans scrapped" } else { PAGE_TITLE };
        if req.header("if-none-match") == Some(etag) {
            return Reply::bytes(304, "", Vec::new()).header("ETag", etag);
        }
        Reply::ok_html(page(title)).header("ETag", etag).header("Last-Modified", "Mon, 24 Mar 2025 09:30:00 GMT")
    })
}

#[test]
fn after_the_ttl_a_conditional_request_carries_the_validators_and_a_304_keeps_the_answer() {
    let changed = Arc::new(AtomicBool::new(false));
    let server = TestServer::builder()
        .route("/news.test/2024/04/tram", validating_page(changed.clone()))
        .route("/news.test/old/tram", Reply::redirect(301, "/news.test/2024/04/tram"))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.sqlite3");
    let file = brief(&dir, "brief.md", &[(PAGE_TITLE, "https://news.test/old/tram")]);
    let (first, report) = check(&server, &cache, &[], &[&file]).json();
    first.code(0);
    assert_eq!(verdicts(&report), ["ok"]);
    assert!(server.requests_for("/news.test/2024/04/tram")[0].header("if-none-match").is_none());

    // Past the time-to-live (zero here): one conditional request down the same chain.
    let (second, again) = check(&server, &cache, &["--cache-ttl", "0"], &[&file]).json();
    second.code(0);
    no_warning(&second);
    let asked = server.requests_for("/news.test/2024/04/tram");
    assert_eq!(asked.len(), 2);
    assert_eq!(asked[1].header("if-none-match"), Some("\"v1\""));
    assert_eq!(asked[1].header("if-modified-since"), Some("Mon, 24 Mar 2025 09:30:00 GMT"));
    // The validators go on every hop of the chain, the redirect included.
    assert_eq!(server.requests_for("/news.test/old/tram")[1].header("if-none-match"), Some("\"v1\""));
    // The same report but for the recorded setting `cache-ttl`.
    let first_report: Value = serde_json::from_str(&first.stdout).unwrap();
    assert_eq!(again["documents"], first_report["documents"], "a 304 gives the same report");
    assert_eq!(again["summary"], first_report["summary"]);
    assert_eq!(again["documents"][0]["references"][0]["check"]["redirects"].as_array().unwrap().len(), 1);

    // The 304 restarted the time-to-live: within the default one day, no request at all.
    let before = server.requests().len();
    check(&server, &cache, &[], &[&file]).run().code(0);
    assert_eq!(server.requests().len(), before);

    // The page changes: the conditional request gets the new page, judged afresh and kept.
    changed.store(true, Ordering::SeqCst);
    let (third, report) = check(&server, &cache, &["--cache-ttl", "0"], &[&file]).json();
    third.code(1);
    assert_eq!(verdicts(&report), ["title-mismatch"]);
    assert_eq!(report["documents"][0]["references"][0]["check"]["page_title"], "Tram line plans scrapped");
    let asked = server.requests_for("/news.test/2024/04/tram");
    assert_eq!(asked.last().unwrap().header("if-none-match"), Some("\"v1\""));
    let (_, report) = check(&server, &cache, &["--cache-ttl", "0"], &[&file]).json();
    assert_eq!(verdicts(&report), ["title-mismatch"]);
    assert_eq!(
        server.requests_for("/news.test/2024/04/tram").last().unwrap().header("if-none-match"),
        Some("\"v2\""),
        "the new page's validators were kept"
    );
}

#[test]
fn transient_failures_are_fetched_again_and_lasting_answers_are_not() {
    let server = TestServer::builder()
        .route("/status.test/busy", Reply::status(503))
        .route("/status.test/slow-down", Reply::status(429))
        .route("/status.test/gone", Reply::status(404))
        .route("/status.test/hangs", Reply::hang())
        .route("/status.test/fine", Reply::ok_html(page(PAGE_TITLE)))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.sqlite3");
    let file = brief(
        &dir,
        "brief.md",
        &[
            (PAGE_TITLE, "https://status.test/busy"),
            (PAGE_TITLE, "https://status.test/slow-down"),
            (PAGE_TITLE, "https://status.test/gone"),
            (PAGE_TITLE, "https://status.test/hangs"),
            (PAGE_TITLE, "https://status.test/fine"),
        ],
    );
    let extra = &["--timeout", "500ms"];
    let (first, report) = check(&server, &cache, extra, &[&file]).json();
    first.code(1);
    assert_eq!(verdicts(&report), ["dead", "unverifiable", "dead", "dead", "ok"]);
    let (second, again) = check(&server, &cache, extra, &[&file]).json();
    assert_eq!(verdicts(&again), verdicts(&report));
    no_warning(&second);
    // The 404 (and the good page) came from the cache: the run says so, and how to ask again.
    second.stderr_has("2 URLs were answered from the cache without a request; --cache-ttl 0 asks every server again");
    assert!(!first.stderr.contains("answered from the cache"), "{}", first.stderr);
    for path in ["/status.test/busy", "/status.test/slow-down", "/status.test/hangs"] {
        assert_eq!(server.hits(path), 2, "{path} is asked again");
    }
    for path in ["/status.test/gone", "/status.test/fine"] {
        assert_eq!(server.hits(path), 1, "{path} is answered from the cache");
    }
}

#[test]
fn two_runs_at_once_share_one_cache() {
    let slow = |title: &str| Reply::ok_html(page(title)).delay(std::time::Duration::from_millis(30));
    let mut builder = TestServer::builder();
    let mut cites = Vec::new();
    let titles: Vec<String> = (0..24).map(|i| format!("Harbour report number {i} on the tides")).collect();
    for (i, title) in titles.iter().enumerate() {
        builder = builder.route(&format!("/many.test/{i}"), slow(title));
    }
    let server = builder.start();
    let urls: Vec<String> = (0..24).map(|i| format!("https://many.test/{i}")).collect();
    for (title, url) in titles.iter().zip(&urls) {
        cites.push((title.as_str(), url.as_str()));
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.sqlite3");
    let file = brief(&dir, "brief.md", &cites);
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let run = check(&server, &cache, &[], &[&file]);
            std::thread::spawn(move || run.run())
        })
        .collect();
    let outs: Vec<Output> = runs.into_iter().map(|t| t.join().unwrap()).collect();
    for out in &outs {
        out.code(0);
        no_warning(out);
        let report: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(verdicts(&report), vec!["ok"; 24]);
    }
    // Both kept their answers in the one file: a third run needs no request.
    let before = server.requests().len();
    let third = check(&server, &cache, &[], &[&file]).run();
    third.code(0);
    assert_eq!(server.requests().len(), before);
    // And both runs are in the history.
    let (_, history) = citecheck(["history", "--format", "json", "--all", "--cache"]).arg(&cache).json();
    assert_eq!(history["runs"].as_array().unwrap().len(), 3);
}

/// A cache file whose first run left answers in it, for damaging. Runs leave their write-ahead
/// log for the next one; it is copied into the file here, so that the file holds everything
/// (the damage below is done to the file).
fn warm_cache(server: &TestServer, dir: &tempfile::TempDir, file: &str) -> PathBuf {
    let cache = dir.path().join("cache.sqlite3");
    check(server, &cache, &[], &[file]).run().code(0);
    rusqlite::Connection::open(&cache).unwrap().pragma_update(None, "wal_checkpoint", "TRUNCATE").unwrap();
    cache
}

#[test]
fn a_damaged_or_foreign_cache_is_moved_aside_with_a_warning() {
    let server = TestServer::builder().route("/news.test/a", Reply::ok_html(page(PAGE_TITLE))).start();
    type Damage = fn(&Path);
    let cases: &[(&str, Damage, &str)] = &[
        ("garbage", |p| std::fs::write(p, vec![0x5a; 8192]).unwrap(), "corrupt"),
        (
            "truncated",
            |p| {
                let bytes = std::fs::read(p).unwrap();
                std::fs::write(p, &bytes[..bytes.len() / 2]).unwrap();
            },
            "corrupt",
        ),
        (
            "foreign",
            |p| {
                std::fs::remove_file(p).unwrap();
                let conn = rusqlite::Connection::open(p).unwrap();
                conn.execute_batch("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)").unwrap();
            },
            "foreign",
        ),
        (
            "newer",
            |p| {
                let conn = rusqlite::Connection::open(p).unwrap();
                conn.pragma_update(None, "user_version", 999).unwrap();
            },
            "newer",
        ),
    ];
    for (name, damage, suffix) in cases {
        let dir = tempfile::tempdir().unwrap();
        let file = brief(&dir, "brief.md", &[(PAGE_TITLE, "https://news.test/a")]);
        let cache = warm_cache(&server, &dir, &file);
        damage(&cache);
        let hits = server.hits("/news.test/a");
        let (out, report) = check(&server, &cache, &[], &[&file]).json();
        out.code(0);
        assert_eq!(verdicts(&report), ["ok"], "{name}");
        assert!(out.stderr.contains("warning"), "{name}: no warning:\n{}", out.stderr);
        let moved = dir.path().join(format!("cache.sqlite3.{suffix}-1"));
        assert!(out.stderr.contains(&moved.display().to_string()), "{name}: {}", out.stderr);
        assert!(moved.exists(), "{name}: the bad file is kept for a person to look at");
        assert!(!out.stderr.contains("panicked"), "{name}");
        assert_eq!(server.hits("/news.test/a"), hits + 1, "{name}: fetched afresh");
        // The fresh cache works: the next run answers from it, quietly.
        let next = check(&server, &cache, &[], &[&file]).run();
        next.code(0);
        no_warning(&next);
        assert_eq!(server.hits("/news.test/a"), hits + 1, "{name}");
        // `history` reads the fresh cache; it never moves anything itself.
        citecheck(["history", "--cache"]).arg(&cache).run().code(0);
    }
}

#[test]
fn a_cache_that_cannot_be_created_is_a_warning_not_a_failure() {
    let server = TestServer::builder().route("/news.test/a", Reply::ok_html(page(PAGE_TITLE))).start();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(&dir, "brief.md", &[(PAGE_TITLE, "https://news.test/a")]);
    let blocker = dir.path().join("not-a-directory");
    std::fs::write(&blocker, b"x").unwrap();
    let (out, report) = check(&server, &blocker.join("cache.sqlite3"), &[], &[&file]).json();
    out.code(0).stderr_has("running without the cache");
    assert_eq!(verdicts(&report), ["ok"]);
}

#[test]
fn history_shows_when_a_link_died_and_a_title_changed() {
    let died = Arc::new(AtomicBool::new(false));
    let (d1, d2) = (died.clone(), died.clone());
    let server = TestServer::builder()
        .route(
            "/news.test/tram",
            Reply::from_fn(move |_| {
                if d1.load(Ordering::SeqCst) { Reply::status(404) } else { Reply::ok_html(page(PAGE_TITLE)) }
            }),
        )
        .route(
            "/news.test/bridge",
            Reply::from_fn(move |_| {
                let title = if d2.load(Ordering::SeqCst) {
                    "Bridge collapse: toll rises to seven"
                } else {
                    "Bridge collapse: toll rises to five"
                };
                Reply::ok_html(page(title))
            }),
        )
        .route("/news.test/steady", Reply::ok_html(page("Water tariffs to rise by 8pc from July")))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.sqlite3");
    let file = brief(
        &dir,
        "brief.md",
        &[
            (PAGE_TITLE, "https://news.test/tram"),
            ("Bridge collapse: toll rises to five", "https://news.test/bridge"),
            ("Water tariffs to rise by 8pc from July", "https://news.test/steady"),
        ],
    );
    let at = |when: &str| ["--timestamp".to_owned(), when.to_owned()];
    let first = at("2025-03-24T09:30:00Z");
    check(&server, &cache, &[&first[0], &first[1]], &[&file]).run().code(0);
    died.store(true, Ordering::SeqCst);
    let second = at("2025-04-02T08:00:00Z");
    let (out, report) = check(&server, &cache, &["--cache-ttl", "0", &second[0], &second[1]], &[&file]).json();
    out.code(1);
    assert_eq!(verdicts(&report), ["dead", "title-mismatch", "ok"]);

    let human = citecheck(["history", "--cache"]).arg(&cache).arg(dir.path()).run();
    human.code(0);
    human
        .stdout_has("brief.md")
        .stdout_has("note 1")
        .stdout_has("2025-04-02T08:00:00Z  dead")
        .stdout_has("was ok")
        .stdout_has("HTTP 404")
        .stdout_has("page title “Bridge collapse: toll rises to five” → “Bridge collapse: toll rises to seven”")
        .stdout_has("2 references changed over 2 runs from 2025-03-24 to 2025-04-02");
    assert!(!human.stdout.contains("note 3"), "unchanged references need --all:\n{}", human.stdout);

    let (out, json) = citecheck(["history", "--format", "json", "--cache"]).arg(&cache).json();
    out.code(0);
    let refs = json["references"].as_array().unwrap();
    assert_eq!(refs.len(), 2);
    assert_eq!(refs[0]["label"], "1");
    assert_eq!(refs[0]["verdict"], "dead");
    assert_eq!(refs[0]["events"][0]["changes"][0]["kind"], "first-checked");
    assert_eq!(refs[0]["events"][1]["started"], "2025-04-02T08:00:00Z");
    assert_eq!(refs[0]["events"][1]["changes"][0], serde_json::json!({"kind": "verdict", "from": "ok", "to": "dead"}));
    assert_eq!(refs[1]["events"][1]["changes"][0]["kind"], "verdict");
    assert_eq!(refs[1]["events"][1]["changes"][1]["kind"], "page-title");
    assert_eq!(json["runs"].as_array().unwrap().len(), 2);
    let (_, all) = citecheck(["history", "--format", "json", "--all", "--cache"]).arg(&cache).json();
    assert_eq!(all["references"].as_array().unwrap().len(), 3);
    // PATH keeps documents under it only.
    let (_, elsewhere) = citecheck(["history", "--format", "json", "--all", "--cache"]).arg(&cache).arg(root()).json();
    assert!(elsewhere["references"].as_array().unwrap().is_empty());
    assert!(elsewhere["runs"].as_array().unwrap().is_empty());
}

#[test]
fn history_of_a_cache_not_yet_made_is_empty_and_makes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("none.sqlite3");
    let out = citecheck(["history", "--cache"]).arg(&cache).run();
    out.code(0).stdout_has("No runs recorded");
    assert!(!cache.exists());
    let (_, json) = citecheck(["history", "--format", "json", "--cache"]).arg(&cache).json();
    assert_eq!(json["references"], serde_json::json!([]));
}

#[test]
fn the_configuration_names_the_cache_and_per_host_ttls() {
    let server =
        TestServer::builder().route("/news.test/a", Reply::ok_html(page(PAGE_TITLE)).header("ETag", "\"e\"")).start();
    let dir = tempfile::tempdir().unwrap();
    brief(&dir, "brief.md", &[(PAGE_TITLE, "https://news.test/a")]);
    std::fs::write(
        dir.path().join("citecheck.toml"),
        format!(
            "cache = \"state/cache.sqlite3\"\ncache-ttl = \"7d\"\n\n[hosts.\"127.0.0.1:{}\"]\ncache-ttl = 0\n",
            server.port()
        ),
    )
    .unwrap();
    let run = || {
        citecheck(["check", "--format", "json", "--allow-private", "--no-progress", "--host-interval", "0ms"])
            .arg("--remap")
            .arg(format!(r"^https?://([^/]+)/(.*)$ {}/$1/$2", server.base_url()))
            .arg("brief.md")
            .current_dir(dir.path())
            .env_remove("CITECHECK_CACHE")
    };
    let (out, report) = run().json();
    out.code(0);
    assert!(dir.path().join("state/cache.sqlite3").exists(), "the file's `cache` is relative to it");
    let settings = report["run"]["settings"].as_array().unwrap();
    assert!(settings.iter().any(|s| s[0] == "cache-ttl" && s[1] == "7d"), "{settings:?}");
    assert!(
        settings.iter().any(|s| s[0] == "host" && s[1].as_str().unwrap().contains("cache-ttl 0ms")),
        "{settings:?}"
    );
    // The host's zero TTL: every run asks again, conditionally.
    run().run().code(0);
    let asked = server.requests_for("/news.test/a");
    assert_eq!(asked.len(), 2);
    assert_eq!(asked[1].header("if-none-match"), Some("\"e\""));
    // `no-cache = true` in the file turns it off; `--cache` on the command line turns it back on.
    std::fs::write(dir.path().join("citecheck.toml"), "no-cache = true\n").unwrap();
    let (_, report) = run().json();
    let settings = report["run"]["settings"].as_array().unwrap();
    assert!(settings.iter().any(|s| s[0] == "cache" && s[1] == "off"), "{settings:?}");
    assert_eq!(server.requests_for("/news.test/a").len(), 3);
}

#[cfg(target_os = "linux")]
#[test]
fn by_default_the_cache_is_in_the_platform_cache_directory() {
    let server = TestServer::builder().route("/news.test/a", Reply::ok_html(page(PAGE_TITLE))).start();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("xdg-cache");
    let file = brief(&dir, "brief.md", &[(PAGE_TITLE, "https://news.test/a")]);
    let run = || {
        citecheck(["check", "--allow-private", "--no-progress", "--no-config", "--remap"])
            .arg(format!(r"^https?://([^/]+)/(.*)$ {}/$1/$2", server.base_url()))
            .arg(&file)
            .env_remove("CITECHECK_CACHE")
            .env("XDG_CACHE_HOME", &home)
    };
    run().run().code(0);
    run().run().code(0);
    assert!(home.join("citecheck/cache.sqlite3").exists());
    assert_eq!(server.hits("/news.test/a"), 1);
    citecheck(["history", "--all"])
        .env_remove("CITECHECK_CACHE")
        .env("XDG_CACHE_HOME", &home)
        .run()
        .code(0)
        .stdout_has("brief.md");
}

/// Runs a SQL statement on the cache file, as another program would.
fn sql(cache: &Path, statement: &str, params: impl rusqlite::Params) -> usize {
    rusqlite::Connection::open(cache).unwrap().execute(statement, params).unwrap()
}

#[test]
fn a_warm_hit_uses_the_page_metadata_kept_and_another_builds_is_read_again() {
    let server = TestServer::builder().route("/news.test/a", Reply::ok_html(page(PAGE_TITLE))).start();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.sqlite3");
    let file = brief(&dir, "brief.md", &[(PAGE_TITLE, "https://news.test/a")]);
    let cold = check(&server, &cache, &[], &[&file]).run();
    cold.code(0);
    let (extraction, kept): (String, String) = rusqlite::Connection::open(&cache)
        .unwrap()
        .query_row("SELECT extraction, page FROM entries", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(extraction, citecheck::cache::EXTRACTION, "tagged with the build that read it");
    assert!(kept.contains(PAGE_TITLE), "{kept}");

    // The kept bytes now say something else. This build's metadata is used as it is: the bytes
    // are not even read, and the report is the cold run's, byte for byte.
    let other = page("Tram line plans scrapped");
    assert_eq!(sql(&cache, "UPDATE entries SET body = ?1", [other.as_bytes()]), 1);
    let warm = check(&server, &cache, &[], &[&file]).run();
    warm.code(0);
    no_warning(&warm);
    assert_eq!(warm.stdout, cold.stdout, "the warm report differs from the cold one");
    assert_eq!(server.hits("/news.test/a"), 1, "the warm run made a request");

    // Metadata another build read is not trusted: the page is read again from the kept bytes
    // (still with no request), and what this build read is kept for the next run.
    sql(&cache, "UPDATE entries SET extraction = '0.0.0+0000000000000000'", []);
    let (reread, report) = check(&server, &cache, &[], &[&file]).json();
    reread.code(1);
    assert_eq!(verdicts(&report), ["title-mismatch"]);
    assert_eq!(report["documents"][0]["references"][0]["check"]["page_title"], "Tram line plans scrapped");
    assert_eq!(server.hits("/news.test/a"), 1);
    let (extraction, kept): (String, String) = rusqlite::Connection::open(&cache)
        .unwrap()
        .query_row("SELECT extraction, page FROM entries", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(extraction, citecheck::cache::EXTRACTION);
    assert!(kept.contains("Tram line plans scrapped"), "{kept}");

    // Metadata that cannot be read back is read again from the bytes too, never a failure.
    sql(&cache, "UPDATE entries SET page = '{\"titles\": 12'", []);
    let (garbled, report) = check(&server, &cache, &[], &[&file]).json();
    garbled.code(1);
    no_warning(&garbled);
    assert_eq!(verdicts(&report), ["title-mismatch"]);
    assert_eq!(server.hits("/news.test/a"), 1);
}

/// The first schema's table of answers, as the first citecheck with a cache made it.
const SCHEMA_1_ENTRIES: &str = "
    CREATE TABLE entries (
        url TEXT NOT NULL, variant TEXT NOT NULL, fetched_at INTEGER NOT NULL, status INTEGER NOT NULL,
        final_url TEXT NOT NULL, redirects TEXT NOT NULL, content_type TEXT, charset TEXT,
        body BLOB NOT NULL, bytes_read INTEGER NOT NULL, truncated INTEGER NOT NULL,
        etag TEXT, last_modified TEXT, PRIMARY KEY (url, variant));
    CREATE INDEX entries_by_age ON entries (fetched_at);
    CREATE TABLE runs (id INTEGER PRIMARY KEY, started TEXT, tool TEXT NOT NULL, command TEXT NOT NULL);
    CREATE TABLE documents (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
    CREATE TABLE run_documents (
        run_id INTEGER NOT NULL REFERENCES runs (id), document_id INTEGER NOT NULL REFERENCES documents (id),
        refs INTEGER NOT NULL, PRIMARY KEY (run_id, document_id));
    CREATE TABLE observations (
        id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs (id),
        document_id INTEGER NOT NULL REFERENCES documents (id), label TEXT NOT NULL, line INTEGER NOT NULL,
        url TEXT, verdict TEXT, status INTEGER, cited_title TEXT, page_title TEXT);
    CREATE INDEX observations_by_reference ON observations (document_id, label, id);
    PRAGMA application_id = 1667459889;
    PRAGMA user_version = 1;";

#[test]
fn a_cache_an_older_citecheck_wrote_is_upgraded_with_its_answers_and_history() {
    let server = TestServer::builder()
        .route("/news.test/a", Reply::ok_html(page(PAGE_TITLE)))
        .route("/news.test/b", Reply::ok_html(page("Ferry timetable to change in spring")))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(
        &dir,
        "brief.md",
        &[(PAGE_TITLE, "https://news.test/a"), ("Ferry timetable to change in spring", "https://news.test/b")],
    );
    // The answers a run kept, written into a file of the first schema.
    let fresh = dir.path().join("fresh.sqlite3");
    let cold = check(&server, &fresh, &[], &[&file]).run();
    cold.code(0);
    let cache = dir.path().join("cache.sqlite3");
    {
        let old = rusqlite::Connection::open(&cache).unwrap();
        old.execute_batch(SCHEMA_1_ENTRIES).unwrap();
        old.execute("ATTACH DATABASE ?1 AS fresh", [fresh.to_str().unwrap()]).unwrap();
        let copied = old
            .execute(
                "INSERT INTO entries SELECT url, variant, fetched_at, status, final_url, redirects, content_type,
                        charset, body, bytes_read, truncated, etag, last_modified FROM fresh.entries",
                [],
            )
            .unwrap();
        assert_eq!(copied, 2);
        old.execute_batch(
            "INSERT INTO runs SELECT * FROM fresh.runs; INSERT INTO documents SELECT * FROM fresh.documents;
             INSERT INTO run_documents SELECT * FROM fresh.run_documents;
             INSERT INTO observations SELECT * FROM fresh.observations;",
        )
        .unwrap();
    }
    let requests = server.requests().len();
    let warm = check(&server, &cache, &[], &[&file]).run();
    warm.code(0);
    no_warning(&warm);
    assert_eq!(server.requests().len(), requests, "the old answers were used");
    assert_eq!(warm.stdout, cold.stdout, "read from the old answers' bytes, the report is the same");
    let conn = rusqlite::Connection::open(&cache).unwrap();
    let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, 2);
    let tagged: i64 = conn
        .query_row(
            "SELECT count(*) FROM entries WHERE extraction = ?1 AND page IS NOT NULL AND length(head) > 0",
            [citecheck::cache::EXTRACTION],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tagged, 2, "the pages read again are kept with their metadata");
    // The old runs are still in the history, with the new one.
    let (_, history) = citecheck(["history", "--format", "json", "--all", "--cache"]).arg(&cache).json();
    assert_eq!(history["runs"].as_array().unwrap().len(), 2);
}

#[test]
fn answers_from_the_cache_wait_for_no_politeness() {
    let titles: Vec<String> = (0..4).map(|i| format!("Harbour report number {i} on the tides")).collect();
    let mut builder = TestServer::builder();
    for (i, title) in titles.iter().enumerate() {
        builder = builder.route(&format!("/one.test/{i}"), Reply::ok_html(page(title)));
    }
    let server = builder.start();
    let urls: Vec<String> = (0..4).map(|i| format!("https://one.test/{i}")).collect();
    let cites: Vec<(&str, &str)> = titles.iter().map(String::as_str).zip(urls.iter().map(String::as_str)).collect();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.sqlite3");
    let file = brief(&dir, "brief.md", &cites);
    let (cold, first) = check(&server, &cache, &[], &[&file]).json();
    cold.code(0);
    // One request at a time to the one host, ten seconds apart: fetching the four pages would take
    // thirty seconds. Politeness does not change what a server sends, so the cache answers.
    let started = std::time::Instant::now();
    let (warm, second) =
        check(&server, &cache, &["--host-concurrency", "1", "--host-interval", "10s"], &[&file]).json();
    let took = started.elapsed();
    warm.code(0);
    assert_eq!(server.requests().len(), 4, "the warm run made requests");
    assert_eq!(second["documents"], first["documents"]);
    assert!(took < std::time::Duration::from_secs(8), "answers from the cache waited for the host: {took:?}");
}
