//! Hostile and broken servers, end to end: the `check` binary against loopback servers that
//! misbehave (headers that never end, bodies that never end or are cut, bombs, loops, bad
//! charsets, huge headers, rate limits, TLS and DNS failures, wrong content). Each test asserts
//! the verdict, that the run ends within its deadline, and that nothing panics. The fetcher-level
//! details (error kinds, bytes read, retries counted) are in `fetch.rs`.

use std::io::Write as _;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{Output, citecheck};
use crate::support::{Reply, TEST_CA_PEM, TestServer};

/// The title every brief here cites, unless a test says otherwise.
pub(crate) const TITLE: &str = "Harbour pilots agree new contract";

/// A page titled `title`, with a head that ends, so reading stops after it.
pub(crate) fn page(title: &str) -> String {
    format!("<!doctype html><html><head><meta charset=utf-8><title>{title}</title></head><body><p>Text.</p>")
}

/// A Markdown brief citing each `(title, url)` (no title when empty), written into `dir`.
pub(crate) fn brief(dir: &tempfile::TempDir, name: &str, cites: &[(&str, &str)]) -> String {
    let mut text = String::from("# A brief\n\n");
    for i in 1..=cites.len() {
        text.push_str(&format!("Claim number {i}.[^{i}]\n"));
    }
    text.push('\n');
    for (i, (title, url)) in cites.iter().enumerate() {
        let n = i + 1;
        if title.is_empty() {
            text.push_str(&format!("[^{n}]: <{url}>\n"));
        } else {
            text.push_str(&format!("[^{n}]: “{title}”, *The Daily Ledger*, <{url}>\n"));
        }
    }
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write the brief");
    path.display().to_string()
}

/// A finished `check` run: its output, its report and how long it took.
pub(crate) struct Checked {
    pub(crate) out: Output,
    pub(crate) report: Value,
    pub(crate) elapsed: Duration,
}

impl Checked {
    /// The references of every document, in order.
    pub(crate) fn refs(&self) -> Vec<&Value> {
        self.report["documents"]
            .as_array()
            .expect("documents")
            .iter()
            .flat_map(|d| d["references"].as_array().expect("references"))
            .collect()
    }

    /// The check of the `i`th reference (0-based).
    pub(crate) fn check(&self, i: usize) -> &Value {
        &self.refs()[i]["check"]
    }

    /// The rule ids of the `i`th reference's findings.
    pub(crate) fn rules(&self, i: usize) -> Vec<String> {
        self.check(i)["findings"]
            .as_array()
            .map(|fs| fs.iter().map(|f| f["rule"].as_str().unwrap_or_default().to_owned()).collect())
            .unwrap_or_default()
    }

    /// The `i`th reference's verdict, error and finding messages, for assertion messages.
    #[track_caller]
    pub(crate) fn assert_verdict(&self, i: usize, verdict: &str) -> &Self {
        assert_eq!(self.check(i)["verdict"], verdict, "reference {}: {}", i + 1, self.check(i));
        self
    }

    /// Whether the `i`th reference's error or one of its finding messages contains `needle`.
    #[track_caller]
    pub(crate) fn assert_says(&self, i: usize, needle: &str) -> &Self {
        let c = self.check(i);
        let mut texts: Vec<String> = c["error"].as_str().map(str::to_owned).into_iter().collect();
        if let Some(fs) = c["findings"].as_array() {
            texts.extend(fs.iter().filter_map(|f| f["message"].as_str()).map(str::to_owned));
        }
        assert!(texts.iter().any(|t| t.contains(needle)), "reference {}: no message says {needle:?}: {c}", i + 1);
        self
    }

    #[track_caller]
    pub(crate) fn within(&self, limit: Duration) -> &Self {
        assert!(self.elapsed < limit, "the run took {:?}, over {limit:?}", self.elapsed);
        self
    }
}

/// `check --format json` of `paths`, with every `*.test` host remapped onto `server` (other
/// hosts are left alone), private addresses allowed (the server is on loopback), no politeness
/// delay, and `extra` flags. Asserts that the process did not panic and printed a report.
pub(crate) fn check_on(server: Option<&TestServer>, extra: &[&str], paths: &[&str]) -> Checked {
    let mut run = citecheck(["check", "--format", "json", "--allow-private", "--no-progress"])
        .arg("--host-interval")
        .arg("0ms")
        .arg("--host-concurrency")
        .arg("8");
    if let Some(server) = server {
        run = run.arg("--remap").arg(format!(r"^https?://([^/]+\.test)/(.*)$ {}/$1/$2", server.base_url()));
    }
    for a in extra {
        run = run.arg(a);
    }
    for p in paths {
        run = run.arg(p);
    }
    let started = Instant::now();
    let out = run.run();
    let elapsed = started.elapsed();
    assert!(!out.stderr.contains("panicked"), "the binary panicked:\n{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not a JSON report ({e}):\n{}\nstderr:\n{}", out.stdout, out.stderr));
    Checked { out, report, elapsed }
}

/// One reference citing `TITLE` at `https://faults.test{path}`, checked against `server`.
fn one(server: &TestServer, path: &str, extra: &[&str]) -> Checked {
    one_titled(server, TITLE, path, extra)
}

fn one_titled(server: &TestServer, title: &str, path: &str, extra: &[&str]) -> Checked {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("https://faults.test{path}");
    let file = brief(&dir, "brief.md", &[(title, &url)]);
    check_on(Some(server), extra, &[&file])
}

fn serve(path: &str, reply: Reply) -> TestServer {
    TestServer::builder().route(&format!("/faults.test{path}"), reply).start()
}

#[test]
fn headers_that_never_end_time_out_as_dead() {
    let server = serve("/slowloris", Reply::slow_headers(Duration::from_millis(100)));
    let run = one(&server, "/slowloris", &["--timeout", "1s", "--attempts", "1"]);
    run.within(Duration::from_secs(15)).assert_verdict(0, "dead").assert_says(0, "within 1 s");
    run.out.code(1);
}

#[test]
fn a_body_that_trickles_forever_times_out_as_dead() {
    // No `</head>` ever comes, so the fetcher keeps reading until the request's time is up.
    let body = format!("<!doctype html><html><head><meta charset=utf-8>{}", "<!-- -->".repeat(20_000));
    let server = serve("/trickle", Reply::bytes(200, "text/html", body).trickle(8, Duration::from_millis(50)));
    let run = one(&server, "/trickle", &["--timeout", "1s", "--attempts", "1"]);
    run.within(Duration::from_secs(15)).assert_verdict(0, "dead").assert_says(0, "still arriving after 1 s");
}

#[test]
fn a_connection_reset_mid_body_is_dead_and_not_retried() {
    let body = format!("<!doctype html><html><head><meta charset=utf-8>{}", " ".repeat(50_000));
    let server = serve("/reset", Reply::bytes(200, "text/html", body).reset_after(1000));
    let run = one(&server, "/reset", &["--attempts", "3"]);
    run.within(Duration::from_secs(15)).assert_verdict(0, "dead");
    assert_eq!(run.check(0)["status"], 200, "the status had arrived: {}", run.check(0));
    // Once the headers arrived the answer is known: a cut body is not fetched again.
    assert_eq!(server.hits("/faults.test/reset"), 1);
}

#[test]
fn a_body_shorter_than_its_content_length_is_dead_unless_the_head_was_complete() {
    let cut = format!("<!doctype html><html><head><meta charset=utf-8><meta name=a content=b>{}", " ".repeat(2000));
    let whole = page(TITLE);
    let server = TestServer::builder()
        .route("/faults.test/cut", Reply::bytes(200, "text/html", cut).wrong_content_length(100_000))
        .route("/faults.test/cut-after-head", Reply::ok_html(whole).wrong_content_length(100_000))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let file =
        brief(&dir, "cut.md", &[(TITLE, "https://faults.test/cut"), (TITLE, "https://faults.test/cut-after-head")]);
    let run = check_on(Some(&server), &["--attempts", "1"], &[&file]);
    run.within(Duration::from_secs(15));
    run.assert_verdict(0, "dead").assert_says(0, "was cut");
    assert_eq!(run.check(0)["status"], 200);
    // The head with its title had been read when the connection closed: that is all citecheck
    // needs, so the page is checked.
    run.assert_verdict(1, "ok");
    assert_eq!(run.check(1)["title_match"], "match");
}

/// A gzip stream that inflates to `inflated` bytes (a whole number of MiB) of `prefix` followed
/// by spaces, built from one compressed MiB repeated: with a full flush each block starts afresh,
/// so the repeated bytes are a valid continuation. Small on the wire, enormous inflated; the CRC
/// trailer is never reached.
fn gzip_bomb(prefix: &[u8], inflated_mib: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    const MIB: usize = 1024 * 1024;
    let mut deflate = Compress::new(Compression::best(), false);
    let mut block = |input: &[u8]| {
        let mut out = Vec::with_capacity(input.len() / 100 + 1024);
        let before = deflate.total_in();
        while ((deflate.total_in() - before) as usize) < input.len() || out.is_empty() {
            let done = (deflate.total_in() - before) as usize;
            out.reserve(64 * 1024);
            deflate.compress_vec(&input[done..], &mut out, FlushCompress::Full).expect("deflate");
        }
        out
    };
    let mut first = prefix.to_vec();
    first.resize(MIB, b' ');
    let first = block(&first);
    let rest = block(&[b' '; MIB]);
    // The gzip header: magic, deflate, no flags, no time, no extra flags, unknown OS.
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    out.extend_from_slice(&first);
    for _ in 1..inflated_mib {
        out.extend_from_slice(&rest);
    }
    out
}

#[test]
fn a_gzip_bomb_is_cut_at_the_decompressed_limit() {
    // 4 GiB inflated from about 4 MiB on the wire; a title, but no end of head, so the fetcher
    // would read on for ever were it not for the decompressed-bytes limit.
    let bomb = gzip_bomb(format!("<!doctype html><html><head><title>{TITLE}</title>").as_bytes(), 4096);
    assert!(bomb.len() < 8 * 1024 * 1024, "the bomb is small on the wire: {} bytes", bomb.len());
    let reply = Reply::bytes(200, "text/html; charset=utf-8", bomb).header("Content-Encoding", "gzip");
    let server = serve("/bomb", reply);
    let run = one(&server, "/bomb", &["--max-body-bytes", "1048576"]);
    run.within(Duration::from_secs(20)).assert_verdict(0, "ok");
    assert_eq!(run.check(0)["title_match"], "match", "{}", run.check(0));
    run.out.code(0);
}

#[test]
fn an_endless_body_is_read_only_to_the_body_limit() {
    let reply = Reply::ok_html(format!("<!doctype html><html><head><title>{TITLE}</title>"))
        .endless(b"<!-- and on and on -->\n".repeat(64));
    let chunked = Reply::ok_html(format!("<!doctype html><html><head><title>{TITLE}</title>"))
        .chunked()
        .endless(b"<p>and on</p>\n".repeat(64));
    let server = TestServer::builder()
        .route("/faults.test/endless", reply)
        .route("/faults.test/endless-chunked", chunked)
        .start();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(
        &dir,
        "endless.md",
        &[(TITLE, "https://faults.test/endless"), (TITLE, "https://faults.test/endless-chunked")],
    );
    let run = check_on(Some(&server), &[], &[&file]);
    run.within(Duration::from_secs(30)).assert_verdict(0, "ok").assert_verdict(1, "ok");
}

#[test]
fn redirect_loops_and_chains_over_the_limit_are_dead() {
    let mut builder = TestServer::builder()
        .route("/faults.test/loop/a", Reply::redirect(302, "/faults.test/loop/b"))
        .route("/faults.test/loop/b", Reply::redirect(302, "/faults.test/loop/a"))
        .route("/faults.test/chain/4", Reply::ok_html(page(TITLE)));
    for i in 0..4 {
        builder = builder.route(&format!("/faults.test/chain/{i}"), Reply::redirect(301, &format!("{}", i + 1)));
    }
    let server = builder.start();
    let dir = tempfile::tempdir().unwrap();
    let file =
        brief(&dir, "redirects.md", &[(TITLE, "https://faults.test/loop/a"), (TITLE, "https://faults.test/chain/0")]);
    let run = check_on(Some(&server), &["--max-redirects", "3"], &[&file]);
    run.within(Duration::from_secs(15));
    run.assert_verdict(0, "dead").assert_says(0, "redirect loop");
    run.assert_verdict(1, "dead").assert_says(1, "more than 3 redirects");
    assert_eq!(server.hits("/faults.test/chain/4"), 0, "the chain is not followed past the limit");
    // The same chain within the limit is followed to the page.
    let run = check_on(Some(&server), &["--max-redirects", "4"], &[&file]);
    run.assert_verdict(1, "ok");
    assert!(run.rules(1).contains(&"permanent-redirect".to_owned()), "{:?}", run.rules(1));
}

#[test]
fn redirects_to_file_and_ftp_are_refused() {
    let server = TestServer::builder()
        .route("/faults.test/to-file", Reply::redirect(302, "file:///etc/passwd"))
        .route("/faults.test/to-ftp", Reply::redirect(301, "ftp://ftp.faults.test/pub/brief.pdf"))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let file =
        brief(&dir, "schemes.md", &[(TITLE, "https://faults.test/to-file"), (TITLE, "https://faults.test/to-ftp")]);
    let run = check_on(Some(&server), &[], &[&file]);
    run.within(Duration::from_secs(15));
    run.assert_verdict(0, "dead").assert_says(0, "refusing a redirect to file:///etc/passwd");
    run.assert_verdict(1, "dead").assert_says(1, "refusing a redirect to ftp://ftp.faults.test/pub/brief.pdf");
    assert_eq!(server.requests().len(), 2, "one request each, nothing after the refused hop");
}

#[test]
fn unknown_and_wrong_charsets_still_give_the_title() {
    let cited = "Café owners say “business is back” as rains end";
    // Windows-1252 bytes: é is 0xE9, the curly quotes 0x93 and 0x94.
    let cp1252 = |head: &str| {
        let mut b = format!("<!doctype html><html><head>{head}<title>Caf").into_bytes();
        b.extend_from_slice(b"\xe9 owners say \x93business is back\x94 as rains end</title></head><body>");
        b.extend_from_slice("<p>Text.</p>".repeat(40).as_bytes());
        b
    };
    let server = TestServer::builder()
        .route("/faults.test/unknown-label", Reply::bytes(200, "text/html; charset=x-no-such-charset", cp1252("")))
        .route("/faults.test/bogus-meta", Reply::bytes(200, "text/html", cp1252("<meta charset=\"klingon\">")))
        .route("/faults.test/utf8-declared", Reply::bytes(200, "text/html; charset=utf-8", cp1252("")))
        .route("/faults.test/garbage-label", Reply::bytes(200, "text/html; charset=\"'; <x>%%\"", cp1252("")))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let cites: Vec<(&str, String)> = ["unknown-label", "bogus-meta", "utf8-declared", "garbage-label"]
        .iter()
        .map(|p| (cited, format!("https://faults.test/{p}")))
        .collect();
    let cites: Vec<(&str, &str)> = cites.iter().map(|(t, u)| (*t, u.as_str())).collect();
    let file = brief(&dir, "charsets.md", &cites);
    let run = check_on(Some(&server), &[], &[&file]);
    run.within(Duration::from_secs(15));
    // An unknown label is skipped and the encoding detected.
    for i in [0, 1] {
        run.assert_verdict(i, "ok");
        assert_eq!(run.check(i)["title_match"], "match", "{}", run.check(i));
    }
    // Declared UTF-8 on bytes that are not: decoded with replacement characters, which still
    // leaves a recognisable title (the words around them are intact), never a crash.
    run.assert_verdict(2, "ok");
    assert_ne!(run.check(2)["title_match"], "none", "{}", run.check(2));
    run.assert_verdict(3, "ok");
}

#[test]
fn enormous_response_headers_are_a_dead_link_not_a_crash() {
    let huge = "a".repeat(1024 * 1024);
    let mut many = Reply::ok_html(page(TITLE));
    for i in 0..500 {
        many = many.header(&format!("X-Many-{i}"), "x");
    }
    let server = TestServer::builder()
        .route("/faults.test/huge-header", Reply::ok_html(page(TITLE)).header("X-Huge", &huge))
        .route("/faults.test/many-headers", many)
        .route("/faults.test/big-but-fine", Reply::ok_html(page(TITLE)).header("X-Big", &"b".repeat(16 * 1024)))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(
        &dir,
        "headers.md",
        &[
            (TITLE, "https://faults.test/huge-header"),
            (TITLE, "https://faults.test/many-headers"),
            (TITLE, "https://faults.test/big-but-fine"),
        ],
    );
    let run = check_on(Some(&server), &["--attempts", "1"], &[&file]);
    run.within(Duration::from_secs(15));
    run.assert_verdict(0, "dead").assert_verdict(1, "dead").assert_verdict(2, "ok");
}

#[test]
fn rate_limits_with_retry_after_seconds_are_waited_for() {
    let server = TestServer::builder()
        .route(
            "/faults.test/busy",
            Reply::sequence([Reply::status(429).header("Retry-After", "1"), Reply::ok_html(page(TITLE))]),
        )
        .route("/faults.test/always-busy", Reply::status(429).header("Retry-After", "1"))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let file =
        brief(&dir, "rate.md", &[(TITLE, "https://faults.test/busy"), (TITLE, "https://faults.test/always-busy")]);
    let run = check_on(Some(&server), &["--attempts", "2"], &[&file]);
    run.within(Duration::from_secs(20));
    run.assert_verdict(0, "ok");
    let busy = server.requests_for("/faults.test/busy");
    assert_eq!(busy.len(), 2);
    assert!(busy[1].at - busy[0].at >= Duration::from_millis(950), "Retry-After: 1 was not waited for");
    // Still limited after the retry: a browser may still see it, so not dead.
    run.assert_verdict(1, "unverifiable").assert_says(1, "429");
    assert_eq!(server.hits("/faults.test/always-busy"), 2);
}

#[test]
fn a_retry_after_of_an_hour_is_not_waited_for() {
    let server = serve("/too-patient", Reply::status(429).header("Retry-After", "3600"));
    let run = one(&server, "/too-patient", &["--attempts", "3"]);
    // Beyond what is waited for: no retry, the answer at once.
    run.within(Duration::from_secs(15)).assert_verdict(0, "unverifiable");
    assert_eq!(server.hits("/faults.test/too-patient"), 1);
}

#[test]
fn rate_limits_with_retry_after_as_an_http_date_are_waited_for() {
    // Whole seconds: two seconds ahead is between one and two seconds of waiting.
    let when = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    let server = serve(
        "/dated",
        Reply::sequence([Reply::status(429).header("Retry-After", &when), Reply::ok_html(page(TITLE))]),
    );
    let run = one(&server, "/dated", &["--attempts", "2"]);
    run.within(Duration::from_secs(20)).assert_verdict(0, "ok");
    let reqs = server.requests_for("/faults.test/dated");
    assert_eq!(reqs.len(), 2);
    assert!(reqs[1].at - reqs[0].at >= Duration::from_millis(900), "the date was not waited for");
}

#[test]
fn a_503_that_recovers_is_ok_and_one_that_never_does_is_dead() {
    let server = TestServer::builder()
        .route("/faults.test/flaky", Reply::sequence([Reply::status(503), Reply::ok_html(page(TITLE))]))
        .route("/faults.test/down", Reply::status(503))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(&dir, "flaky.md", &[(TITLE, "https://faults.test/flaky"), (TITLE, "https://faults.test/down")]);
    let run = check_on(Some(&server), &["--attempts", "3"], &[&file]);
    run.within(Duration::from_secs(30));
    run.assert_verdict(0, "ok");
    assert_eq!(server.hits("/faults.test/flaky"), 2);
    run.assert_verdict(1, "dead").assert_says(1, "HTTP 503");
    assert_eq!(run.check(1)["status"], 503);
    assert_eq!(server.hits("/faults.test/down"), 3, "every attempt was made");
}

#[test]
fn a_name_that_never_resolves_is_dead_without_any_lookup() {
    let dir = tempfile::tempdir().unwrap();
    let file = brief(&dir, "dns.md", &[(TITLE, "https://nowhere.invalid/2024/05/story")]);
    let run = check_on(None, &[], &[&file]);
    run.within(Duration::from_secs(10)).assert_verdict(0, "dead").assert_says(0, "could not resolve nowhere.invalid");
    run.out.code(1);
}

#[test]
fn an_untrusted_certificate_is_dead_and_a_trusted_one_is_fine() {
    let server = TestServer::builder().tls().route("/faults.test/secure", Reply::ok_html(page(TITLE))).start();
    let run = one(&server, "/secure", &[]);
    run.within(Duration::from_secs(15)).assert_verdict(0, "dead").assert_says(0, "TLS");
    assert_eq!(server.requests().len(), 0, "no request is sent over an untrusted connection");
    // The same server with its CA trusted.
    let mut ca = tempfile::NamedTempFile::new().unwrap();
    ca.write_all(TEST_CA_PEM).unwrap();
    let run = one(&server, "/secure", &["--ca-cert", ca.path().to_str().unwrap()]);
    run.assert_verdict(0, "ok");
}

#[test]
fn pages_of_the_wrong_shape_or_type_never_crash() {
    let mut binary: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
    binary.splice(0..0, b"\x00\x01\x02PK\x03\x04".iter().copied());
    let server = TestServer::builder()
        .route("/faults.test/no-head", Reply::ok_html(format!("<h1>{TITLE}</h1><p>Pilots signed on Monday.</p>")))
        .route("/faults.test/binary-as-html", Reply::bytes(200, "text/html", binary))
        .route("/faults.test/empty", Reply::bytes(200, "text/html", Vec::new()))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let file = brief(
        &dir,
        "shapes.md",
        &[
            (TITLE, "https://faults.test/no-head"),
            (TITLE, "https://faults.test/binary-as-html"),
            (TITLE, "https://faults.test/empty"),
        ],
    );
    let run = check_on(Some(&server), &[], &[&file]);
    run.within(Duration::from_secs(15));
    // No head at all: the first heading is the title.
    run.assert_verdict(0, "ok");
    assert_eq!(run.check(0)["title_match"], "match", "{}", run.check(0));
    // Binary bytes labelled HTML: no title to compare, said so; never a crash or a mismatch.
    run.assert_verdict(1, "ok");
    assert!(run.rules(1).contains(&"no-page-title".to_owned()), "{:?}", run.rules(1));
    // An empty 200 page: nothing to compare either.
    run.assert_verdict(2, "ok");
    assert!(run.rules(2).contains(&"no-page-title".to_owned()), "{:?}", run.rules(2));
}

#[test]
fn a_pdf_served_for_an_html_url_is_checked_for_resolution_only() {
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Title (Something else) >>\nendobj\n".repeat(50);
    let server = serve("/2024/report.html", Reply::bytes(200, "application/pdf", pdf));
    let run = one(&server, "/2024/report.html", &[]);
    run.within(Duration::from_secs(15)).assert_verdict(0, "ok").assert_says(0, "application/pdf");
    assert!(run.rules(0).contains(&"no-page-title".to_owned()), "{:?}", run.rules(0));
}
