//! Server-side request forgery: a brief must not make citecheck reach the machine it runs on or
//! its network. Through the binary without `--allow-private`, a loopback server counts the
//! requests it gets, which must be none, for every way of writing a loopback address.
//!
//! What the binary alone cannot show, and where it is covered instead:
//! - A redirect from a public page into a private range: a test server can only listen on
//!   loopback, which is itself refused, so no chain can start there. Covered at the fetcher
//!   level below, with the test server as an HTTP proxy (through a proxy, host names are the
//!   proxy's to resolve, but every redirect target is still checked by the fetcher), and by the
//!   unit test `every_hop_is_checked_against_scheme_and_address_policy` in `src/fetch/mod.rs`.
//! - A name that resolves to loopback other than `localhost` (which is refused by name, before
//!   any lookup): this machine's names are not the tests' to choose, so the resolver's filter is
//!   unit-tested in `src/fetch/resolve.rs` (`a_name_for_loopback_is_blocked`,
//!   `the_resolver_reqwest_calls_applies_the_policy`).
//! - DNS rebinding (a name that answers a public address when checked and a private one when
//!   connected to): the policy is applied inside the resolver reqwest calls to connect, on the
//!   very answer it then connects to, so there is no second look-up to win. Unit-tested by
//!   `a_rebinding_answer_is_refused_on_the_lookup_that_would_connect` in `src/fetch/resolve.rs`.

use std::time::Duration;

use citecheck::fetch::{FetchErrorKind, FetchOptions, Fetcher};

use crate::faults::{TITLE, brief, check_on, page};
use crate::harness::citecheck;
use crate::support::{Reply, TestServer};

/// Every spelling of a loopback (or unspecified) address pointing at `port`, as a URL.
fn loopback_spellings(port: u16) -> Vec<String> {
    [
        "127.0.0.1",
        "2130706433",       // decimal
        "0x7f000001",       // hexadecimal
        "0x7f.0x0.0x0.0x1", // hexadecimal parts
        "0177.0.0.1",       // octal
        "017700000001",     // octal, whole
        "127.1",            // short
        "127.0.1",          // short, three parts
        "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]",
        "[::1]",
        "[0:0:0:0:0:0:0:1]",
        "[::127.0.0.1]",
        "0.0.0.0",
        "0",
        "[::]",
        "localhost",
        "LOCALHOST",
        "localhost.",
        "api.localhost",
        "127.0.0.1.",
    ]
    .iter()
    .map(|host| format!("http://{host}:{port}/admin"))
    .collect()
}

#[test]
fn loopback_in_every_encoding_is_refused_without_a_request() {
    let server = TestServer::builder().fallback(Reply::ok_html(page(TITLE))).start();
    let urls = loopback_spellings(server.port());
    let dir = tempfile::tempdir().unwrap();
    let cites: Vec<(&str, &str)> = urls.iter().map(|u| (TITLE, u.as_str())).collect();
    let file = brief(&dir, "loopback.md", &cites);
    let out = citecheck(["check", "--format", "json", "--no-progress", &file]).run();
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("a JSON report");
    let refs = report["documents"][0]["references"].as_array().expect("references");
    assert_eq!(refs.len(), urls.len(), "every URL is a reference");
    for (r, url) in refs.iter().zip(&urls) {
        let verdict = r["check"]["verdict"].as_str().unwrap_or_default();
        assert!(
            verdict == "excluded" || verdict == "invalid-url",
            "{url} (read as {}): {verdict}: {}",
            r["url"],
            r["check"]
        );
    }
    assert_eq!(server.requests().len(), 0, "a private address was reached: {:?}", server.requests());
    assert_eq!(server.connections(), 0, "a connection was opened to a private address");
}

#[test]
fn a_remap_onto_loopback_does_not_lift_the_policy() {
    let server = TestServer::builder().fixtures("fixtures/web").start();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(&dir, "remap.md", &[(TITLE, "https://news.test/2024/04/council-approves-riverton-tram-line")]);
    let out = citecheck(["check", "--format", "json", "--no-progress", "--remap"])
        .arg(format!(r"^https?://([^/]+)/(.*)$ {}/$1/$2", server.base_url()))
        .arg(&file)
        .run();
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("a JSON report");
    assert_eq!(report["documents"][0]["references"][0]["check"]["verdict"], "excluded");
    assert_eq!(server.connections(), 0);
}

#[test]
fn the_allow_private_switch_is_what_lets_loopback_through() {
    // The counter-test: the same kind of URL is fetched once private addresses are allowed, so
    // the refusals above are the policy's doing, not a broken URL.
    let server = TestServer::builder().fallback(Reply::ok_html(page(TITLE))).start();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://2130706433:{}/admin", server.port());
    let file = brief(&dir, "allowed.md", &[(TITLE, &url)]);
    let run = check_on(None, &[], &[&file]);
    run.assert_verdict(0, "ok");
    assert_eq!(server.hits("/admin"), 1);
}

/// A fetcher that reaches every URL through `proxy` (the test server), refusing private targets.
fn through_proxy(proxy: &TestServer) -> Fetcher {
    let options = FetchOptions::default()
        .proxy(proxy.base_url())
        .attempts(1)
        .host_interval(Duration::ZERO)
        .request_timeout(Duration::from_secs(5));
    Fetcher::new(options).expect("a fetcher")
}

#[tokio::test]
async fn a_public_page_that_redirects_into_a_private_range_is_stopped_at_the_hop() {
    // Through a proxy the request line carries the absolute URL, so the test server sees the
    // public-looking URL as its path and can answer for it.
    let port = crate::support::closed_port();
    let targets = [
        format!("http://127.0.0.1:{port}/admin"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://10.0.0.1/".to_owned(),
        "http://[::1]/".to_owned(),
        "http://[::ffff:192.168.1.1]/".to_owned(),
        "http://2130706433/".to_owned(),
        "http://0x7f.1/".to_owned(),
        "http://localhost/".to_owned(),
        "http://metadata.localhost/".to_owned(),
    ];
    let mut builder = TestServer::builder();
    for (i, target) in targets.iter().enumerate() {
        builder = builder.route(&format!("http://public.example/{i}"), Reply::redirect(302, target));
    }
    let proxy = builder.start();
    let fetcher = through_proxy(&proxy);
    for (i, target) in targets.iter().enumerate() {
        let url = url::Url::parse(&format!("http://public.example/{i}")).unwrap();
        let outcome = fetcher.fetch(&url).await;
        let error = outcome.error.as_ref().unwrap_or_else(|| panic!("{target} was fetched: {outcome:?}"));
        assert_eq!(error.kind, FetchErrorKind::Blocked, "{target}: {error}");
        assert_eq!(outcome.redirects.len(), 1, "{target}");
        assert_eq!(outcome.status, Some(302));
    }
    // One request per public URL reached the proxy; none for any private target.
    let paths: Vec<String> = proxy.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(paths.len(), targets.len(), "{paths:?}");
    assert!(paths.iter().all(|p| p.starts_with("http://public.example/")), "{paths:?}");
}

#[tokio::test]
async fn a_public_page_redirecting_to_a_public_page_is_followed_through_the_proxy() {
    // The counter-test of the one above: the same route with a public target is followed.
    let proxy = TestServer::builder()
        .route("http://public.example/moved", Reply::redirect(301, "http://other.example/page"))
        .route("http://other.example/page", Reply::ok_html(page(TITLE)))
        .start();
    let outcome = through_proxy(&proxy).fetch(&url::Url::parse("http://public.example/moved").unwrap()).await;
    assert!(outcome.error.is_none(), "{outcome:?}");
    assert_eq!(outcome.status, Some(200));
    assert_eq!(outcome.final_url.as_str(), "http://other.example/page");
}

#[test]
fn fetched_text_never_reaches_the_terminal_raw() {
    let server = TestServer::builder().fixtures("fixtures/web").start();
    let dir = tempfile::tempdir().unwrap();
    let hostile: Vec<String> = std::fs::read_dir(crate::harness::root().join("fixtures/web/hostile.test/2024"))
        .expect("the hostile fixtures")
        .flat_map(|month| std::fs::read_dir(month.expect("entry").path()).expect("a month folder"))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_none_or(|e| e != "http"))
        .map(|p| {
            let rel = p.strip_prefix(crate::harness::root().join("fixtures/web")).expect("under fixtures/web");
            format!("https://{}", rel.display())
        })
        .collect();
    assert!(!hostile.is_empty());
    let cites: Vec<(&str, &str)> = hostile.iter().map(|u| ("Border talks resume", u.as_str())).collect();
    let file = brief(&dir, "hostile.md", &cites);
    for color in ["never", "always"] {
        let out = citecheck(["check", "--allow-private", "--no-progress", "--host-interval", "0ms", "--color", color])
            .arg("--no-archive-lookup")
            .arg("--remap")
            .arg(format!(r"^https?://([^/]+)/(.*)$ {}/$1/$2", server.base_url()))
            .arg(&file)
            .run();
        assert!(out.stdout.contains("1 reference"), "{}", out.stdout);
        // With colour on, the renderer's own SGR sequences are the only escapes allowed.
        let text = if color == "always" { strip_sgr(&out.stdout) } else { out.stdout.clone() };
        for (i, c) in text.chars().enumerate() {
            let bad = c == '\u{1b}' || c == '\u{7}' || ('\u{80}'..='\u{9f}').contains(&c);
            assert!(!bad, "control character {c:?} at {i} of the human output:\n{text:?}");
        }
        for (i, c) in out.stderr.chars().enumerate() {
            assert!(c != '\u{1b}' && c != '\u{7}', "control character {c:?} at {i} of stderr: {:?}", out.stderr);
        }
    }
}

/// Removes SGR sequences (`ESC [ digits/semicolons m`), and only those.
fn strip_sgr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\u{1b}') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let params = after.strip_prefix('[').map(|p| p.find(|c: char| !(c.is_ascii_digit() || c == ';')));
        match params {
            Some(Some(end)) if after[1 + end..].starts_with('m') => rest = &after[1 + end + 1..],
            _ => {
                // Not SGR: keep the escape so the caller's check finds it.
                out.push('\u{1b}');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
