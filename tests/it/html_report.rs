//! The HTML report in a real browser: a report checked against the fixture web (the seed brief,
//! and a brief with problem verdicts and a hostile page) is rendered, opened in headless
//! Chromium, and the DOM the browser built is held to what the report says; nothing may run
//! or load that the report did not put there.
//!
//! Chromium is required under CI (`.ci/run` installs it); elsewhere the test says it is
//! skipped when no Chromium is found. `CITECHECK_UPDATE_SCREENSHOT=1` rewrites
//! `docs/html-report.png` from the same report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use citecheck::check::{CheckOptions, Checker, Quiet, Remap};
use citecheck::document::{self, LoadOptions};
use citecheck::fetch::FetchOptions;
use citecheck::report::RenderOptions;
use citecheck::report::html::render;
use citecheck::{DocumentReport, Report, RunInfo};
use scraper::{Html, Selector};

use crate::check::fixture_web;
use crate::harness::root;
use crate::support::TestServer;

/// A brief whose notes give one problem each on the fixture web; a note copied from a hostile
/// page (its `<title>` holds markup and terminal escapes), and notes whose own text tries to
/// break out of the report's markup.
const PROBLEMS: &str = "# Border trade: a review

Trade resumed.[^1] The mayor resigned.[^2] The budget passed.[^3] The bridge fell.[^4]
Tariffs rose.[^5] The tram line was approved.[^6] The port expands.[^7] Talks resumed.[^8]
The ministry reported.[^9] A link was malformed.[^10] Another was a script.[^11] And one more.[^12]

[^1]: Saima Rafiq, “Council approves Riverton tram line after marathon session”, *The Daily Ledger*, <https://news.test/2024/04/council-approves-riverton-tram-line>
[^2]: “Mayor resigns over expenses”, *The Daily Ledger*, <https://news.test/2023/11/mayor-resigns-over-expenses>
[^3]: “School budget vote”, *The Daily Ledger*, <https://news.test/2024/06/school-budget-vote>
[^4]: “At least five killed as Riverton bridge collapses”, *The Daily Ledger*, <https://news.test/2024/02/bridge-collapse-toll>
[^5]: “Water tariffs to rise by 8pc from July”, *The Daily Ledger*, <https://news.test/2024/03/water-tariffs-to-rise>
[^6]: “Council approves Riverton tram line after marathon session”, *The Daily Ledger*, <https://news.test/story/48213>
[^7]: “Port expansion plans”, *Harbour Weekly*, <https://shielded.test/2024/06/port-expansion-plans>
[^8]: “<script>alert(1)</script>Border talks resume in Kabul today”, *Frontier Wire*, <https://hostile.test/2024/10/border-talks-resume>
[^9]: “\"><img src=x onerror=alert(9)><script>alert(9)</script>”, Ministry of Trade, annual report, 2023.
[^10]: “Port authority annual report”, <https://news.test:8O/2024/annual-report>
[^11]: “A link”, <javascript:alert(11)>
";

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// Chromium, or `None` outside CI when it is missing (said on stderr). Under CI its absence is
/// a failure: the test must run there.
fn browser() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI is set but no chromium is installed (.ci/run installs it)");
        eprintln!("html_report: chromium not found; skipping the browser test (it runs under CI)");
    }
    found
}

/// Extracts and checks `paths` against the fixture web, as `citecheck check --remap` would.
fn checked_report(server: &TestServer, paths: &[PathBuf]) -> Report {
    let docs: Vec<DocumentReport> = paths
        .iter()
        .map(|p| DocumentReport::extract(&document::read(p, &LoadOptions::default()).expect("readable brief")))
        .collect();
    let remap = Remap::new(r"^https?://([^/]+)/(.*)$", &format!("{}/$1/$2", server.base_url())).unwrap();
    let fetch = FetchOptions::default().allow_private(true).host_interval(Duration::ZERO).attempts(1);
    let checker = Checker::new(CheckOptions::default().fetch(fetch).remap(remap)).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let report = runtime.block_on(checker.run(docs, &Quiet, None));
    report.with_run(RunInfo {
        command: "check".into(),
        started: Some(citecheck::date::rfc3339(1_742_808_600)),
        settings: vec![
            ("remap".into(), r"^https?://([^/]+)/(.*)$ → the fixture web on 127.0.0.1".into()),
            ("attempts".into(), "1".into()),
            ("allow-private".into(), "true".into()),
        ],
        ..RunInfo::default()
    })
}

/// The seed brief and the problem brief, checked. The problem brief is written under a
/// temporary directory and named by its file name in the report.
fn sample(server: &TestServer, dir: &Path) -> Report {
    let problems = dir.join("border-trade-review.md");
    std::fs::write(&problems, PROBLEMS).unwrap();
    let mut report = checked_report(server, &[root().join("seeds/issi-brief-resetting-ties.txt"), problems]);
    report.documents[1].path = "border-trade-review.md".into();
    report
}

/// Runs Chromium headless on `page` with `extra` arguments, bounded in time; returns stdout.
fn run_browser(chromium: &Path, profile: &Path, extra: &[String], page: &str) -> String {
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(page)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut s);
        s
    });
    let started = Instant::now();
    loop {
        if child.try_wait().expect("chromium can be waited on").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().expect("the reader thread ends")
}

fn file_url(path: &Path) -> String {
    url::Url::from_file_path(path).expect("an absolute path").to_string()
}

fn select<'a>(dom: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    dom.select(&Selector::parse(css).unwrap()).collect()
}

/// Every URL the report itself names (cited, fetched, redirected to, canonical): the only
/// addresses a link in the page may point at.
fn named_urls(report: &Report) -> Vec<String> {
    let mut urls = Vec::new();
    for r in report.documents.iter().flat_map(|d| &d.references) {
        urls.extend(r.reference.urls.iter().cloned());
        if let Some(c) = &r.check {
            urls.extend(c.fetched_url.iter().cloned());
            urls.extend(c.final_url.iter().cloned());
            urls.extend(c.redirects.iter().cloned());
            urls.extend(c.page.iter().flat_map(|p| p.canonical.iter().cloned()));
        }
    }
    urls.into_iter()
        .filter_map(|u| url::Url::parse(&u).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(|u| u.to_string())
        .collect()
}

#[test]
fn the_report_renders_in_a_browser_with_nothing_injected_or_loaded() {
    let Some(chromium) = browser() else { return };
    let server = fixture_web();
    let dir = tempfile::tempdir().unwrap();
    let report = sample(&server, dir.path());
    let html = render(&report, &RenderOptions { root: Some(root()), ..RenderOptions::default() });
    assert_eq!(
        html,
        render(&report, &RenderOptions { root: Some(root()), ..RenderOptions::default() }),
        "same report, same bytes"
    );

    let verdicts: BTreeMap<&str, usize> = report.summary.verdicts.clone().expect("checked");
    for v in ["ok", "dead", "soft-404", "title-mismatch", "unverifiable", "no-url", "invalid-url"] {
        assert!(verdicts.contains_key(v), "the sample should show {v}: {verdicts:?}");
    }

    let page = dir.path().join("report.html");
    std::fs::write(&page, &html).unwrap();
    server.clear_requests();
    let profile = tempfile::tempdir().unwrap();
    let dumped = run_browser(&chromium, profile.path(), &["--dump-dom".into()], &file_url(&page));
    assert!(dumped.contains("</html>"), "chromium printed no DOM: {dumped:.200}");
    let dom = Html::parse_document(&dumped);

    // One row per reference, each with its verdict.
    let rows = select(&dom, "tr.ref");
    assert_eq!(rows.len(), report.summary.references);
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for row in &rows {
        *seen.entry(row.value().attr("data-verdict").unwrap_or("").to_owned()).or_default() += 1;
    }
    let expected: BTreeMap<String, usize> = verdicts.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
    assert_eq!(seen, expected);

    // The chart says the same counts, by name.
    let desc: String = select(&dom, "svg desc").iter().flat_map(|d| d.text()).collect();
    for (v, n) in &verdicts {
        assert!(desc.contains(&format!("{v}: {n}")), "chart: {desc}");
    }

    // The script ran (so the CSP hash is right): the filters show, with every row shown.
    let filters = select(&dom, "#filters");
    assert_eq!(filters.len(), 1);
    assert_eq!(filters[0].value().attr("hidden"), None, "the filter script did not run");
    let shown: String = select(&dom, "#shown").iter().flat_map(|e| e.text()).collect();
    assert_eq!(shown, format!("{0} of {0} references shown", rows.len()));

    // The hostile page's title is there as text, stripped of its terminal escapes.
    let found: Vec<String> = select(&dom, "td.found").iter().map(|r| r.text().collect::<String>()).collect();
    assert!(
        found.iter().any(|t| t.contains("<script>alert(1)</script>Border talks resume in Kabul today")),
        "hostile title missing: {found:#?}"
    );
    let texts: Vec<String> = rows.iter().map(|r| r.text().collect::<String>()).collect();
    assert!(texts.iter().any(|t| t.contains("\"><img src=x onerror=alert(9)><script>alert(9)</script>")));
    assert!(!dumped.contains('\u{1b}') && !dumped.contains('\u{202e}'));

    // Nothing injected: one script (the report's), no event handlers, no embedded resources.
    assert_eq!(select(&dom, "script").len(), 1);
    for tag in ["img", "iframe", "object", "embed", "link", "base", "frame", "audio", "video", "source", "form"] {
        assert!(select(&dom, tag).is_empty(), "a <{tag}> element in the report");
    }
    let named = named_urls(&report);
    for e in dom.root_element().descendants().filter_map(scraper::ElementRef::wrap) {
        for (name, value) in e.value().attrs() {
            assert!(!name.starts_with("on"), "an event handler attribute {name}={value:?}");
            assert!(name != "src" && name != "srcset" && name != "xlink:href", "a resource attribute {name}={value:?}");
            if name == "href" {
                let is_link = e.value().name() == "a";
                assert!(
                    value.starts_with('#') || (is_link && named.iter().any(|u| u == value)),
                    "<{}> href to something the report does not name: {value}",
                    e.value().name()
                );
            }
            if name == "style" {
                assert!(!value.contains("url("), "a style attribute loading {value}");
            }
        }
    }
    assert!(!dumped.contains("evil.test"), "the OSC 8 hyperlink target leaked");
    let style: String = select(&dom, "style").iter().flat_map(|e| e.text()).collect();
    assert!(!style.contains("url(") && !style.contains("@import"));
    let csp = select(&dom, "meta[http-equiv=Content-Security-Policy]");
    assert!(csp[0].value().attr("content").unwrap_or("").starts_with("default-src 'none'"));

    // The browser loaded nothing from the links' server while showing the page.
    assert_eq!(server.requests().len(), 0, "the browser fetched {:?}", server.requests());
}

#[test]
fn a_verdict_filter_in_the_address_hides_the_other_rows() {
    let Some(chromium) = browser() else { return };
    let server = fixture_web();
    let dir = tempfile::tempdir().unwrap();
    let report = sample(&server, dir.path());
    let page = dir.path().join("report.html");
    std::fs::write(&page, render(&report, &RenderOptions::default())).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let address = format!("{}#verdicts=dead,title-mismatch", file_url(&page));
    let dom = Html::parse_document(&run_browser(&chromium, profile.path(), &["--dump-dom".into()], &address));
    let rows = select(&dom, "tr.ref");
    assert_eq!(rows.len(), report.summary.references, "filtering hides rows, never removes them");
    let visible: Vec<&str> = rows
        .iter()
        .filter(|r| r.value().attr("hidden").is_none())
        .filter_map(|r| r.value().attr("data-verdict"))
        .collect();
    let verdicts = report.summary.verdicts.clone().unwrap_or_default();
    assert_eq!(
        visible.len(),
        verdicts.get("dead").copied().unwrap_or(0) + verdicts.get("title-mismatch").copied().unwrap_or(0)
    );
    assert!(visible.iter().all(|v| *v == "dead" || *v == "title-mismatch"), "{visible:?}");
    let shown: String = select(&dom, "#shown").iter().flat_map(|e| e.text()).collect();
    assert_eq!(shown, format!("{} of {} references shown", visible.len(), rows.len()));
}

/// The report as a reader sees it, with cited URLs in place of the loopback addresses they
/// were fetched from (the remap is a test device, not part of the evidence shown).
fn unmapped(mut report: Report, server: &TestServer) -> Report {
    let local = format!("{}/", server.base_url());
    let back = |u: &str| -> String {
        match u.strip_prefix(&local) {
            Some(rest) => format!("https://{rest}"),
            None => u.to_owned(),
        }
    };
    for r in report.documents.iter_mut().flat_map(|d| &mut d.references) {
        if let Some(c) = &mut r.check {
            c.fetched_url = None;
            c.final_url = c.final_url.as_deref().map(back);
            c.redirects = c.redirects.iter().map(|u| back(u)).collect();
            for f in &mut c.findings {
                f.message = f.message.replace(&local, "https://");
            }
        }
    }
    for f in report.documents.iter_mut().flat_map(|d| &mut d.findings) {
        f.message = f.message.replace(&local, "https://");
    }
    report
}

#[test]
fn a_screenshot_of_the_report() {
    let Some(chromium) = browser() else { return };
    let server = fixture_web();
    let dir = tempfile::tempdir().unwrap();
    let mut report = unmapped(sample(&server, dir.path()), &server);
    report.run.settings.retain(|(name, _)| name != "remap");
    // The problems first: they make the picture.
    report.documents.reverse();
    let page = dir.path().join("report.html");
    std::fs::write(&page, render(&report, &RenderOptions { root: Some(root()), ..RenderOptions::default() })).unwrap();
    let png = dir.path().join("report.png");
    let profile = tempfile::tempdir().unwrap();
    run_browser(
        &chromium,
        profile.path(),
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2300".into(),
            "--force-device-scale-factor=1".into(),
        ],
        &file_url(&page),
    );
    let bytes = std::fs::read(&png).expect("chromium wrote a screenshot");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    if std::env::var_os("CITECHECK_UPDATE_SCREENSHOT").is_some() {
        std::fs::write(root().join("docs/html-report.png"), &bytes).unwrap();
    }
}
