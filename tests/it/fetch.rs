//! The fetcher against real HTTP servers on 127.0.0.1: statuses, redirects, the safety policy,
//! retries, timeouts, decompression, charsets and per-host politeness.

use std::time::{Duration, Instant, SystemTime};

use citecheck::fetch::{FetchErrorKind, FetchOptions, FetchOutcome, Fetcher};

use crate::support::{Reply, TEST_CA_PEM, TestServer, closed_port};

/// Options for tests: private addresses allowed (the server is on loopback), short timeouts,
/// tiny backoffs and no politeness interval unless a test sets one.
fn options() -> FetchOptions {
    FetchOptions::default()
        .allow_private(true)
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_secs(3))
        .total_timeout(Duration::from_secs(8))
        .backoff_base(Duration::from_millis(20))
        .max_backoff(Duration::from_millis(100))
        .max_retry_after(Duration::from_secs(3))
        .host_interval(Duration::ZERO)
}

async fn fetch_with(options: FetchOptions, url: &str) -> FetchOutcome {
    let fetcher = Fetcher::new(options).expect("valid options");
    fetcher.fetch(&url::Url::parse(url).expect("valid URL")).await
}

async fn fetch(server: &TestServer, path: &str) -> FetchOutcome {
    fetch_with(options(), &server.url(path)).await
}

fn kind(outcome: &FetchOutcome) -> Option<FetchErrorKind> {
    outcome.error.as_ref().map(|e| e.kind)
}

#[tokio::test]
async fn a_titled_page_is_read_only_to_the_end_of_its_head() {
    let filler = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>\n".repeat(16_000);
    let page = format!("<!doctype html><html><head><title>Big page</title></head><body>{filler}</body></html>");
    assert!(page.len() > 1_000_000);
    let server = TestServer::builder().route("/big", Reply::ok_html(page).trickle(16 * 1024, Duration::ZERO)).start();
    let out = fetch(&server, "/big").await;
    assert_eq!(out.error, None);
    assert_eq!(out.status, Some(200));
    assert!(out.truncated, "reading should stop after </head>");
    assert!(out.bytes_read < 256 * 1024, "read {} bytes of a 1 MB page", out.bytes_read);
    assert!(out.body.starts_with("<!doctype html><html><head><title>Big page</title></head>"));
    assert_eq!(out.content_type.as_deref(), Some("text/html"));
    assert_eq!(out.charset.as_deref(), Some("UTF-8"));
    assert_eq!(out.attempts, 1);
    assert!(out.is_success());
}

#[tokio::test]
async fn a_short_page_is_read_to_its_end() {
    let server = TestServer::builder().fixtures("fixtures/web").start();
    let out = fetch(&server, "/fetch.test/").await;
    assert_eq!(out.status, Some(200));
    assert!(!out.truncated);
    assert_eq!(out.bytes_read, out.raw.len() as u64);
    assert!(out.body.contains("<title>Fetch test index</title>"));
}

#[tokio::test]
async fn error_statuses_are_outcomes_not_errors() {
    let server = TestServer::builder().route("/gone", Reply::status(410)).start();
    let gone = fetch(&server, "/gone").await;
    assert_eq!((gone.status, gone.error.clone()), (Some(410), None));
    assert!(gone.body.contains("410 Gone"));
    assert!(!gone.is_success());
    let missing = fetch(&server, "/nothing-here").await;
    assert_eq!((missing.status, missing.error.clone(), missing.attempts), (Some(404), None, 1));
    // Neither is retried.
    assert_eq!((server.hits("/gone"), server.hits("/nothing-here")), (1, 1));
}

#[tokio::test]
async fn a_redirect_chain_is_followed_and_recorded() {
    let server = TestServer::builder()
        .route("/a", Reply::redirect(301, "/b"))
        .route("/b", Reply::redirect(302, "c?x=1"))
        .route("/c", Reply::redirect(308, "/d#part"))
        .route("/d", Reply::ok_html("<title>D</title>"))
        .start();
    let out = fetch(&server, "/a").await;
    assert_eq!(out.error, None);
    assert_eq!(out.status, Some(200));
    let chain: Vec<(String, u16)> = out.redirects.iter().map(|h| (h.url.path().to_owned(), h.status)).collect();
    assert_eq!(chain, [("/a".to_owned(), 301), ("/b".to_owned(), 302), ("/c".to_owned(), 308)]);
    assert_eq!(out.final_url.as_str(), server.url("/d#part"));
    assert_eq!(server.requests_for("/c")[0].query.as_deref(), Some("x=1"));
}

#[tokio::test]
async fn a_fixture_redirect_sidecar_is_followed() {
    let server = TestServer::builder().fixtures("fixtures/web").start();
    let out = fetch(&server, "/fetch.test/old").await;
    assert_eq!(out.redirects.len(), 1);
    assert_eq!(out.redirects[0].status, 301);
    assert_eq!(out.final_url.path(), "/fetch.test/");
    assert!(out.body.contains("Fetch test index"));
}

#[tokio::test]
async fn a_redirect_loop_is_detected() {
    let server = TestServer::builder()
        .route("/ping", Reply::redirect(302, "/pong"))
        .route("/pong", Reply::redirect(302, "/ping"))
        .start();
    let out = fetch(&server, "/ping").await;
    assert_eq!(kind(&out), Some(FetchErrorKind::RedirectLoop));
    assert_eq!(out.redirects.len(), 2);
    assert_eq!((server.hits("/ping"), server.hits("/pong")), (1, 1));
}

#[tokio::test]
async fn too_many_redirects_stop() {
    let next = |req: &crate::support::RecordedRequest| {
        let n: u32 = req.query.as_deref().and_then(|q| q.strip_prefix("n=")).and_then(|n| n.parse().ok()).unwrap_or(0);
        Reply::redirect(302, &format!("/chain?n={}", n + 1))
    };
    let server = TestServer::builder().route("/chain", Reply::from_fn(next)).start();
    let out = fetch_with(options().max_redirects(3), &server.url("/chain")).await;
    assert_eq!(kind(&out), Some(FetchErrorKind::TooManyRedirects));
    assert_eq!(out.redirects.len(), 4);
    assert_eq!(server.hits("/chain"), 4);
    assert_eq!(out.status, Some(302));
}

#[tokio::test]
async fn redirects_to_other_schemes_are_refused() {
    let server = TestServer::builder()
        .route("/to-file", Reply::redirect(301, "file:///etc/passwd"))
        .route("/to-ftp", Reply::redirect(302, "ftp://ftp.example.org/pub/file.txt"))
        .route("/to-js", Reply::redirect(302, "javascript:alert(1)"))
        .start();
    for path in ["/to-file", "/to-ftp", "/to-js"] {
        let out = fetch(&server, path).await;
        assert_eq!(kind(&out), Some(FetchErrorKind::Scheme), "{path}: {:?}", out.error);
        assert_eq!(out.redirects.len(), 1, "{path}");
        assert!(out.error.as_ref().is_some_and(|e| e.message.contains("a redirect to")), "{path}");
    }
    let direct = fetch_with(options(), "ftp://ftp.example.org/x").await;
    assert_eq!(kind(&direct), Some(FetchErrorKind::Scheme));
    assert_eq!(direct.attempts, 0);
}

#[tokio::test]
async fn private_addresses_are_refused_without_a_request() {
    let server = TestServer::builder().fallback(Reply::ok_html("<title>should not be reached</title>")).start();
    let port = server.port();
    let safe = options().allow_private(false);
    let urls = [
        format!("http://127.0.0.1:{port}/"),
        format!("http://2130706433:{port}/"),
        format!("http://0x7f000001:{port}/"),
        format!("http://0x7f.1:{port}/"),
        format!("http://0177.0.0.1:{port}/"),
        format!("http://127.1:{port}/"),
        format!("http://[::ffff:127.0.0.1]:{port}/"),
        format!("http://[::ffff:7f00:1]:{port}/"),
        format!("http://[::1]:{port}/"),
        format!("http://localhost:{port}/"),
        format!("http://LOCALHOST.:{port}/"),
        format!("http://api.localhost:{port}/"),
        format!("http://169.254.169.254:{port}/latest/meta-data/"),
        format!("http://10.0.0.1:{port}/"),
        format!("http://[fe80::1]:{port}/"),
        format!("http://0.0.0.0:{port}/"),
        format!("http://0:{port}/"),
        format!("http://127.0.0.1.:{port}/"),
        format!("http://[::]:{port}/"),
        format!("http://[64:ff9b::7f00:1]:{port}/"),
    ];
    for url in &urls {
        let out = fetch_with(safe.clone(), url).await;
        assert_eq!(kind(&out), Some(FetchErrorKind::Blocked), "{url}: {:?}", out.error);
        assert_eq!(out.status, None, "{url}");
    }
    let loopback = fetch_with(safe, &urls[1]).await;
    let message = loopback.error.map(|e| e.message).unwrap_or_default();
    assert!(message.contains("127.0.0.1") && message.contains("loopback"), "{message}");
    assert!(server.requests().is_empty(), "a refused URL reached the server: {:?}", server.requests());
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn allow_private_never_lifts_the_scheme_rule() {
    let server = TestServer::builder().route("/to-file", Reply::redirect(301, "file:///etc/passwd")).start();
    let out = fetch(&server, "/to-file").await;
    assert_eq!(kind(&out), Some(FetchErrorKind::Scheme));
}

#[tokio::test]
async fn a_transient_503_is_retried() {
    let server = TestServer::builder()
        .route("/flaky", Reply::sequence([Reply::status(503), Reply::ok_html("<title>Back</title>")]))
        .start();
    let out = fetch(&server, "/flaky").await;
    assert_eq!((out.status, out.attempts, out.error.clone()), (Some(200), 2, None));
    assert!(out.body.contains("Back"));
    assert_eq!(server.hits("/flaky"), 2);
}

#[tokio::test]
async fn a_permanent_503_gives_up_with_its_status() {
    let server = TestServer::builder().route("/down", Reply::status(503)).start();
    let out = fetch(&server, "/down").await;
    assert_eq!((out.status, out.attempts, out.error.clone()), (Some(503), 3, None));
    assert_eq!(server.hits("/down"), 3);
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured_and_slows_the_host() {
    let server = TestServer::builder()
        .route(
            "/limited",
            Reply::sequence([Reply::status(429).header("Retry-After", "1"), Reply::ok_html("<title>ok</title>")]),
        )
        .route("/other", Reply::ok_html("<title>other</title>"))
        .start();
    let fetcher = Fetcher::new(options()).unwrap();
    let out = fetcher.fetch(&server.parsed_url("/limited")).await;
    assert_eq!((out.status, out.attempts), (Some(200), 2));
    let hits = server.requests_for("/limited");
    let gap = hits[1].at - hits[0].at;
    assert!(gap >= Duration::from_millis(950), "retried after {gap:?}");
    // The host asked to slow down, so later requests to it are at least a second apart.
    fetcher.fetch(&server.parsed_url("/other")).await;
    let other = server.requests_for("/other");
    let gap = other[0].at - hits[1].at;
    assert!(gap >= Duration::from_millis(950), "next request after {gap:?}");
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = TestServer::builder()
        .route(
            "/limited",
            Reply::sequence([
                Reply::from_fn(|_| {
                    let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
                    Reply::status(429).header("Retry-After", &when)
                }),
                Reply::ok_html("<title>ok</title>"),
            ]),
        )
        .start();
    let out = fetch(&server, "/limited").await;
    assert_eq!((out.status, out.attempts), (Some(200), 2));
    let hits = server.requests_for("/limited");
    // The date has one-second precision, so the wait is between one and two seconds.
    let gap = hits[1].at - hits[0].at;
    assert!(gap >= Duration::from_millis(900) && gap < Duration::from_millis(2600), "retried after {gap:?}");
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_gives_up_at_once() {
    let server = TestServer::builder().route("/later", Reply::status(429).header("Retry-After", "120")).start();
    let started = Instant::now();
    let out = fetch(&server, "/later").await;
    assert_eq!((out.status, out.attempts, out.error.clone()), (Some(429), 1, None));
    assert_eq!(out.retry_after, Some(Duration::from_secs(120)));
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn a_retry_that_would_outlast_the_total_timeout_is_not_waited_for() {
    let server = TestServer::builder().route("/busy", Reply::status(503).header("Retry-After", "2")).start();
    let opts = options().total_timeout(Duration::from_secs(1));
    let out = fetch_with(opts, &server.url("/busy")).await;
    assert_eq!((out.status, out.attempts, out.error.clone()), (Some(503), 1, None));
    assert!(out.elapsed < Duration::from_millis(900), "{:?}", out.elapsed);
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error_after_retries() {
    let url = format!("http://127.0.0.1:{}/", closed_port());
    let out = fetch_with(options(), &url).await;
    assert_eq!(kind(&out), Some(FetchErrorKind::Connect), "{:?}", out.error);
    assert_eq!(out.attempts, 3);
    assert_eq!(out.status, None);
    assert!(out.error.is_some_and(|e| e.message.contains("refused")));
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = TestServer::builder().route("/hang", Reply::hang()).start();
    let opts = options().request_timeout(Duration::from_millis(300)).attempts(2);
    let started = Instant::now();
    let out = fetch_with(opts, &server.url("/hang")).await;
    let elapsed = started.elapsed();
    assert_eq!(kind(&out), Some(FetchErrorKind::Timeout), "{:?}", out.error);
    assert_eq!(out.attempts, 2);
    assert!(elapsed >= Duration::from_millis(600) && elapsed < Duration::from_secs(2), "took {elapsed:?}");
    assert_eq!(server.hits("/hang"), 2);
}

#[tokio::test]
async fn a_body_that_trickles_forever_times_out() {
    let page = format!("<html><head><script>{}</script>", "x".repeat(100_000));
    let server =
        TestServer::builder().route("/trickle", Reply::ok_html(page).trickle(10, Duration::from_millis(20))).start();
    let opts = options().request_timeout(Duration::from_millis(500));
    let started = Instant::now();
    let out = fetch_with(opts, &server.url("/trickle")).await;
    assert!(started.elapsed() < Duration::from_millis(1500), "took {:?}", started.elapsed());
    assert_eq!(kind(&out), Some(FetchErrorKind::Timeout), "{:?}", out.error);
    assert_eq!(out.status, Some(200));
    assert!(out.truncated);
    assert!(out.body.starts_with("<html><head>"));
}

#[tokio::test]
async fn the_total_timeout_bounds_everything() {
    let server =
        TestServer::builder().route("/slow", Reply::ok_html("<title>x</title>").delay(Duration::from_secs(5))).start();
    let opts = options().total_timeout(Duration::from_millis(300)).request_timeout(Duration::from_secs(10));
    let started = Instant::now();
    let out = fetch_with(opts, &server.url("/slow")).await;
    assert_eq!(kind(&out), Some(FetchErrorKind::Deadline));
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(out.elapsed >= Duration::from_millis(300));
}

#[tokio::test]
async fn resets_and_closes_are_connection_errors_and_retried() {
    let server = TestServer::builder()
        .route("/reset", Reply::reset())
        .route("/close", Reply::close())
        .route("/once", Reply::sequence([Reply::close(), Reply::ok_html("<title>fine</title>")]))
        .start();
    for path in ["/reset", "/close"] {
        let out = fetch(&server, path).await;
        assert_eq!(kind(&out), Some(FetchErrorKind::Connect), "{path}: {:?}", out.error);
        assert_eq!(out.attempts, 3, "{path}");
    }
    let once = fetch(&server, "/once").await;
    assert_eq!((once.status, once.attempts), (Some(200), 2));
}

#[tokio::test]
async fn a_body_shorter_than_its_length_is_a_body_error() {
    let server = TestServer::builder()
        .route("/short", Reply::ok_html("<html><head><script>var x;</script>").wrong_content_length(10_000))
        .start();
    let out = fetch(&server, "/short").await;
    assert_eq!(kind(&out), Some(FetchErrorKind::Body), "{:?}", out.error);
    assert_eq!(out.status, Some(200));
    assert!(out.body.contains("var x;"));
}

#[tokio::test]
async fn gzip_bodies_are_decompressed() {
    let server = TestServer::builder().fixtures("fixtures/web").start();
    let fetcher = Fetcher::new(options()).unwrap();
    for _ in 0..2 {
        let out = fetcher.fetch(&server.parsed_url("/fetch.test/gzip.html")).await;
        assert_eq!(out.error, None);
        assert!(out.body.contains("<title>Compressed page</title>"), "{}", out.body);
    }
    // The first request asks for a range, uncompressed; the server sent the whole page, so the
    // host is asked without Range, and with compression, from then on.
    let requests = server.requests();
    assert_eq!(requests[0].header("accept-encoding"), Some("identity"));
    assert_eq!(requests[1].header("range"), None);
    assert!(requests[1].header("accept-encoding").is_some_and(|v| v.contains("gzip")));
}

#[tokio::test]
async fn chunked_and_close_delimited_bodies_are_read() {
    let server = TestServer::builder()
        .route("/chunked", Reply::ok_html("<title>chunked</title>").chunked().trickle(5, Duration::ZERO))
        .route("/eof", Reply::ok_html("<title>until eof</title>").close_delimited())
        .start();
    assert!(fetch(&server, "/chunked").await.body.contains("<title>chunked</title>"));
    let eof = fetch(&server, "/eof").await;
    assert_eq!(eof.error, None);
    assert!(eof.body.contains("until eof"));
}

#[tokio::test]
async fn non_html_content_is_read_only_as_a_prefix() {
    let png = [b"\x89PNG\r\n\x1a\n".to_vec(), vec![0x80; 300_000]].concat();
    let server = TestServer::builder().route("/chart.png", Reply::bytes(200, "image/png", png)).start();
    let out = fetch_with(options().max_other_bytes(64 * 1024), &server.url("/chart.png")).await;
    assert_eq!(out.error, None);
    assert_eq!(out.content_type.as_deref(), Some("image/png"));
    assert_eq!(out.raw.len(), 64 * 1024);
    assert!(out.truncated);
    assert!(!out.is_pdf() && !out.is_html());
    assert_eq!((out.body.as_str(), out.charset.as_deref()), ("", None));
}

#[tokio::test]
async fn pdfs_are_read_whole_up_to_their_own_cap() {
    let pdf = [b"%PDF-1.7\n".to_vec(), vec![0x80; 300_000]].concat();
    let server = TestServer::builder()
        .route("/paper.pdf", Reply::bytes(200, "application/pdf", pdf.clone()))
        // Served under another name: the bytes say what it is.
        .route("/download", Reply::bytes(200, "application/octet-stream", pdf.clone()))
        .route("/untyped", Reply::bytes(200, "text/html", pdf.clone()))
        .start();
    for path in ["/paper.pdf", "/download", "/untyped"] {
        let out = fetch_with(options().max_other_bytes(64 * 1024), &server.url(path)).await;
        assert_eq!(out.error, None, "{path}");
        assert_eq!(out.raw.len(), pdf.len(), "{path}: read whole, past the cap for other content");
        assert!(!out.truncated, "{path}");
        assert!(out.is_pdf() && !out.is_html(), "{path}");
        assert_eq!(out.body, "", "{path}: not decoded as text");
    }
    let out = fetch_with(options().max_pdf_bytes(100_000), &server.url("/paper.pdf")).await;
    assert_eq!(out.raw.len(), 100_000);
    assert!(out.truncated, "a PDF over its cap is cut, and says so");
}

#[tokio::test]
async fn html_without_a_head_end_stops_at_the_body_cap() {
    let page = format!("<html><head><script>{}", "y".repeat(200_000));
    let server = TestServer::builder().route("/endless-head", Reply::ok_html(page)).start();
    let out = fetch_with(options().max_body_bytes(50_000), &server.url("/endless-head")).await;
    assert_eq!(out.error, None);
    assert_eq!(out.raw.len(), 50_000);
    assert!(out.truncated);
}

#[tokio::test]
async fn an_untitled_head_reads_on_to_the_first_h1() {
    let page = format!(
        "<html><head><meta charset=utf-8></head><body>{}<h1>The headline</h1>{}",
        "<p>intro</p>".repeat(2_000),
        "<p>rest</p>".repeat(50_000)
    );
    let server = TestServer::builder().route("/h1", Reply::ok_html(page).trickle(4096, Duration::ZERO)).start();
    let out = fetch(&server, "/h1").await;
    assert!(out.body.contains("<h1>The headline</h1>"));
    assert!(out.truncated);
    assert!(out.bytes_read < 200_000, "read {}", out.bytes_read);
}

#[tokio::test]
async fn legacy_and_non_latin_charsets_are_decoded() {
    // "Привет, мир" in KOI8-R, declared only by a meta element.
    let koi8 = [
        &b"<html><head><meta charset=\"koi8-r\"><title>"[..],
        b"\xF0\xD2\xC9\xD7\xC5\xD4, \xCD\xC9\xD2",
        b"</title></head>",
    ]
    .concat();
    // "Привет, мир" in windows-1251, declared by the header.
    let cp1251 = [&b"<title>"[..], b"\xCF\xF0\xE8\xE2\xE5\xF2, \xEC\xE8\xF0", b"</title></head>"].concat();
    // "日本語のページ" in Shift_JIS, declared by the header.
    let sjis =
        [&b"<title>"[..], b"\x93\xFA\x96\x7B\x8C\xEA\x82\xCC\x83\x79\x81\x5B\x83\x57", b"</title></head>"].concat();
    // "中文网页" in GBK, undeclared: detection with the .cn hint is not available on loopback, so declared.
    let gbk = [
        &b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\"><title>"[..],
        b"\xD6\xD0\xCE\xC4\xCD\xF8\xD2\xB3",
        b"</title></head>",
    ]
    .concat();
    // Urdu in UTF-8, with no declaration anywhere.
    let urdu = "<title>پاکستان اور افغانستان کے تعلقات</title></head>".as_bytes().to_vec();
    // UTF-16LE with a byte order mark, mislabelled by the header.
    let utf16 = [vec![0xFF, 0xFE], "<title>Ünïcödé</title></head>".encode_utf16().flat_map(u16::to_le_bytes).collect()]
        .concat();
    // UTF-8 bytes that the header calls ISO-8859-1.
    let mislabelled = "<title>Pakistan’s “reset” with Kabul</title></head>".as_bytes().to_vec();
    let server = TestServer::builder()
        .fixtures("fixtures/web")
        .route("/koi8", Reply::bytes(200, "text/html", koi8))
        .route("/cp1251", Reply::bytes(200, "text/html; charset=windows-1251", cp1251))
        .route("/sjis", Reply::bytes(200, "text/html; charset=Shift_JIS", sjis))
        .route("/gbk", Reply::bytes(200, "text/html", gbk))
        .route("/urdu", Reply::bytes(200, "text/html", urdu))
        .route("/utf16", Reply::bytes(200, "text/html; charset=iso-8859-1", utf16))
        .route("/mislabelled", Reply::bytes(200, "text/html; charset=ISO-8859-1", mislabelled))
        .start();
    let cases = [
        ("/fetch.test/windows-1252.html", "windows-1252", "“Café crème” – naïve résumé"),
        ("/koi8", "KOI8-R", "Привет, мир"),
        ("/cp1251", "windows-1251", "Привет, мир"),
        ("/sjis", "Shift_JIS", "日本語のページ"),
        ("/gbk", "GBK", "中文网页"),
        ("/urdu", "UTF-8", "پاکستان اور افغانستان کے تعلقات"),
        ("/utf16", "UTF-16LE", "Ünïcödé"),
        ("/mislabelled", "UTF-8", "Pakistan’s “reset” with Kabul"),
    ];
    for (path, charset, title) in cases {
        let out = fetch(&server, path).await;
        assert_eq!(out.charset.as_deref(), Some(charset), "{path}");
        assert!(out.body.contains(&format!("<title>{title}</title>")), "{path}: {}", out.body);
    }
}

#[tokio::test]
async fn the_same_host_gets_spaced_requests_and_other_hosts_do_not_wait() {
    let interval = Duration::from_millis(300);
    let page = || Reply::ok_html("<title>x</title>");
    let one = TestServer::builder().route("/a", page()).route("/b", page()).start();
    let two = TestServer::builder().route("/c", page()).start();
    let fetcher = Fetcher::new(options().host_interval(interval)).unwrap();
    let (a, b, c) = (one.parsed_url("/a"), one.parsed_url("/b"), two.parsed_url("/c"));
    let started = Instant::now();
    tokio::join!(fetcher.fetch(&a), fetcher.fetch(&b), fetcher.fetch(&c));
    let mut starts: Vec<Instant> = one.requests().iter().map(|r| r.at).collect();
    starts.sort();
    let gap = starts[1] - starts[0];
    assert!(gap >= interval - Duration::from_millis(20), "same host {gap:?} apart");
    let other = two.requests()[0].at - started;
    assert!(other < interval, "the other host waited {other:?}");
}

#[tokio::test]
async fn host_concurrency_limits_requests_in_flight() {
    let server =
        TestServer::builder().fallback(Reply::ok_html("<title>x</title>").delay(Duration::from_millis(300))).start();
    let fetcher = Fetcher::new(options().host_concurrency(1)).unwrap();
    let (a, b) = (server.parsed_url("/a"), server.parsed_url("/b"));
    let (x, y) = tokio::join!(fetcher.fetch(&a), fetcher.fetch(&b));
    assert!(x.is_success() && y.is_success());
    let mut starts: Vec<Instant> = server.requests().iter().map(|r| r.at).collect();
    starts.sort();
    assert!(starts[1] - starts[0] >= Duration::from_millis(280), "{:?}", starts[1] - starts[0]);
}

/// Many pages of one host at once, as a brief citing one site gives: the server never sees more
/// requests in flight than the host's slots, nor two starts closer than the interval (less a
/// little for the way from the client's gate to the server's clock), whatever the waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_host_gets_no_more_than_its_slots_and_spaced_starts() {
    let (interval, delay) = (Duration::from_millis(40), Duration::from_millis(150));
    let server = TestServer::builder().fallback(Reply::ok_html("<title>x</title>").delay(delay)).start();
    let fetcher = Fetcher::new(options().host_concurrency(3).host_interval(interval)).unwrap();
    let urls: Vec<url::Url> = (0..12).map(|i| server.parsed_url(&format!("/p{i}"))).collect();
    let outcomes = futures_util::future::join_all(urls.iter().map(|u| fetcher.fetch(u))).await;
    assert!(outcomes.iter().all(FetchOutcome::is_success));
    let mut starts: Vec<Instant> = server.requests().iter().map(|r| r.at).collect();
    starts.sort();
    assert_eq!(starts.len(), 12);
    let slack = Duration::from_millis(10);
    for pair in starts.windows(2) {
        assert!(pair[1] - pair[0] >= interval - slack, "two starts {:?} apart", pair[1] - pair[0]);
    }
    // The fourth request after any start waits for that one to be answered.
    for four in starts.windows(4) {
        assert!(four[3] - four[0] >= delay - slack, "four in flight: {:?}", four[3] - four[0]);
    }
}

#[tokio::test]
async fn one_get_per_url_with_the_configured_headers() {
    let server =
        TestServer::builder().route("/page", Reply::ok_html("<title>x</title>").header("ETag", "\"v1\"")).start();
    let opts = options().header("X-Audit", "brief-1").accept_language("ur, en;q=0.8");
    let out = fetch_with(opts, &server.url("/page")).await;
    assert_eq!(out.etag.as_deref(), Some("\"v1\""));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "GET");
    let ua = r.header("user-agent").unwrap_or_default();
    assert!(ua.starts_with(&format!("citecheck/{} (+https://", env!("CARGO_PKG_VERSION"))), "{ua}");
    assert_eq!(r.header("x-audit"), Some("brief-1"));
    assert_eq!(r.header("accept-language"), Some("ur, en;q=0.8"));
    assert!(r.header("accept").is_some_and(|a| a.starts_with("text/html")));
}

#[tokio::test]
async fn connections_are_kept_alive() {
    let server = TestServer::builder().fallback(Reply::ok_html("<title>x</title>")).start();
    let fetcher = Fetcher::new(options()).unwrap();
    for path in ["/1", "/2", "/3"] {
        assert!(fetcher.fetch(&server.parsed_url(path)).await.is_success());
    }
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn https_works_with_a_trusted_extra_root() {
    let server = TestServer::builder().tls().route("/secure", Reply::ok_html("<title>Secure</title>")).start();
    assert!(server.url("/secure").starts_with("https://127.0.0.1:"));
    let out = fetch_with(options().add_root_certificate(TEST_CA_PEM), &server.url("/secure")).await;
    assert_eq!(out.error, None);
    assert_eq!(out.status, Some(200));
    assert!(out.body.contains("<title>Secure</title>"));
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_tls_error_and_not_retried() {
    let server = TestServer::builder().tls().route("/secure", Reply::ok_html("<title>Secure</title>")).start();
    let out = fetch(&server, "/secure").await;
    assert_eq!(kind(&out), Some(FetchErrorKind::Tls), "{:?}", out.error);
    assert_eq!(out.attempts, 1);
    assert!(out.error.is_some_and(|e| e.message.contains("certificate")));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_redirect_from_http_to_https_is_followed() {
    let secure = TestServer::builder().tls().route("/page", Reply::ok_html("<title>Moved to TLS</title>")).start();
    let plain = TestServer::builder().route("/page", Reply::redirect(301, &secure.url("/page"))).start();
    let out = fetch_with(options().add_root_certificate(TEST_CA_PEM), &plain.url("/page")).await;
    assert_eq!(out.error, None);
    assert_eq!(out.final_url.scheme(), "https");
    assert!(out.body.contains("Moved to TLS"));
}

#[tokio::test]
async fn invalid_names_fail_without_a_lookup() {
    let out = fetch_with(options(), "http://nowhere.invalid/page").await;
    assert_eq!(kind(&out), Some(FetchErrorKind::Dns));
    assert_eq!(out.attempts, 0);
}

#[tokio::test]
async fn host_names_resolve_through_the_fetchers_resolver() {
    let server = TestServer::builder().route("/named", Reply::ok_html("<title>by name</title>")).start();
    let out = fetch_with(options(), &format!("http://localhost:{}/named", server.port())).await;
    assert_eq!(out.error, None);
    assert!(out.body.contains("by name"));
    assert_eq!(server.requests()[0].header("host"), Some(format!("localhost:{}", server.port()).as_str()));
}

#[tokio::test]
async fn a_gzip_bomb_is_cut_at_the_decompressed_cap() {
    let page = format!("<html><head><script>{}", " ".repeat(10 * 1024 * 1024));
    let server = TestServer::builder().route("/bomb", Reply::ok_html(page).gzip()).start();
    let cap = 1024 * 1024;
    let out = fetch_with(options().max_body_bytes(cap), &server.url("/bomb")).await;
    assert_eq!(out.error, None);
    assert!(out.truncated);
    assert_eq!(out.raw.len() as u64, cap);
    assert!(out.bytes_read < 2 * cap, "decompressed {} bytes", out.bytes_read);
}

#[tokio::test]
async fn a_corrupt_gzip_body_is_a_body_error() {
    let server = TestServer::builder()
        .route("/corrupt", Reply::ok_html("this is not gzip at all").header("Content-Encoding", "gzip"))
        .start();
    let out = fetch(&server, "/corrupt").await;
    assert_eq!(kind(&out), Some(FetchErrorKind::Body), "{:?}", out.error);
    assert_eq!(out.status, Some(200));
    assert_eq!(out.attempts, 1, "a failure after the headers is not retried");
}

#[tokio::test]
async fn request_headers_are_sent_on_every_hop_and_replace_defaults() {
    let server = TestServer::builder()
        .route("/doi/10.1/x", Reply::redirect(303, "/meta/x"))
        .route("/meta/x", Reply::bytes(200, "application/json", "{}"))
        .start();
    let fetcher = Fetcher::new(options()).expect("valid options");
    let request = citecheck::fetch::FetchRequest::new()
        .header("Accept", "application/vnd.citationstyles.csl+json")
        .expect("valid header");
    let out = fetcher.fetch_with(&server.parsed_url("/doi/10.1/x"), &request).await;
    assert_eq!(out.status, Some(200));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(r.header("accept"), Some("application/vnd.citationstyles.csl+json"), "{}", r.path);
    }
}

/// A page whose head (with its title) is `head` bytes long and whose whole is `total` bytes.
fn sized_page(head: usize, total: usize) -> String {
    let mut page = String::from("<!doctype html><html><head><title>Sized page</title><script>");
    while page.len() + 30 < head {
        page.push_str("var a=1;");
    }
    page.push_str("</script></head><body>");
    while page.len() + 20 < total {
        page.push_str("<p>Body text.</p>\n");
    }
    page.push_str("</body></html>");
    page
}

#[tokio::test]
async fn a_short_remainder_is_drained_so_the_connection_is_reused() {
    let page = sized_page(2_000, 50_000);
    // Sent in pieces, so the head is read while the rest is still on its way.
    let reply = Reply::ok_html(page).trickle(4 * 1024, Duration::from_millis(2));
    let server = TestServer::builder().fallback(reply).start();
    let fetcher = Fetcher::new(options().range_bytes(0)).unwrap();
    for path in ["/1", "/2", "/3", "/4"] {
        let out = fetcher.fetch(&server.parsed_url(path)).await;
        assert!(out.is_success(), "{:?}", out.error);
        assert!(out.truncated, "only the head is kept");
        assert!(out.body.contains("Sized page") && !out.body.contains("</html>"));
    }
    assert_eq!(server.connections(), 1, "each remainder should have been drained, not the connection dropped");
    for r in server.requests() {
        assert_eq!(r.header("range"), None, "range_bytes(0) never sends Range");
    }
}

#[tokio::test]
async fn a_remainder_shorter_than_what_was_read_is_drained_too() {
    // Regression: the body's announced length was taken after reading, when reqwest reports only
    // what is left of it; once more than half the body had arrived, the head was taken for the
    // whole body and the connection was dropped with the rest unread (a ninth connection where
    // a host allowed eight).
    let page = sized_page(28_000, 40_000);
    let reply = Reply::ok_html(page).trickle(32 * 1024, Duration::from_millis(5));
    let server = TestServer::builder().fallback(reply).start();
    let fetcher = Fetcher::new(options().range_bytes(0)).unwrap();
    for path in ["/1", "/2", "/3", "/4"] {
        let out = fetcher.fetch(&server.parsed_url(path)).await;
        assert!(out.is_success(), "{:?}", out.error);
        assert!(out.body.contains("Sized page"));
    }
    assert_eq!(server.connections(), 1, "each remainder should have been drained, not the connection dropped");
}

#[tokio::test]
async fn a_long_remainder_closes_the_connection_instead() {
    let page = sized_page(2_000, 400_000);
    let server = TestServer::builder().fallback(Reply::ok_html(page)).start();
    let fetcher = Fetcher::new(options().range_bytes(0).drain_bytes(64 * 1024)).unwrap();
    for path in ["/1", "/2", "/3"] {
        let out = fetcher.fetch(&server.parsed_url(path)).await;
        assert!(out.is_success() && out.truncated);
        assert!(out.bytes_read < 200_000, "read {} bytes", out.bytes_read);
    }
    assert_eq!(server.connections(), 3);
}

#[tokio::test]
async fn a_range_asks_for_a_prefix_and_keeps_the_connection() {
    let page = sized_page(3_000, 300_000);
    let server = TestServer::builder().fallback(Reply::ranged_html(page)).start();
    let fetcher = Fetcher::new(options()).unwrap();
    for path in ["/1", "/2", "/3"] {
        let out = fetcher.fetch(&server.parsed_url(path)).await;
        assert_eq!(out.error, None);
        assert_eq!(out.status, Some(206));
        assert!(out.is_success());
        assert!(out.truncated, "a prefix of a longer page");
        assert!(out.body.contains("<title>Sized page</title>"));
        assert!(out.bytes_read <= 64 * 1024, "read {} bytes", out.bytes_read);
    }
    assert_eq!(server.connections(), 1);
    let requests = server.requests();
    // The first asks for what a new connection carries in two round trips (30 segments of
    // 1 460 bytes); once the host's heads are known, a little more than the longest so far
    // (never under 16 KiB).
    assert_eq!(requests[0].header("range"), Some("bytes=0-43799"));
    assert_eq!(requests[1].header("range"), Some("bytes=0-16383"));
    assert_eq!(requests[0].header("accept-encoding"), Some("identity"), "a prefix of gzip cannot be inflated");
}

#[tokio::test]
async fn a_head_longer_than_the_range_is_read_on_with_a_second_request() {
    let page = sized_page(100_000, 300_000);
    let server = TestServer::builder().route("/long-head", Reply::ranged_html(page)).start();
    let out = fetch_with(options().range_bytes(32 * 1024), &server.url("/long-head")).await;
    assert_eq!(out.error, None);
    assert_eq!(out.status, Some(206));
    assert!(out.body.contains("</head>"), "the whole head was read");
    assert!(out.truncated);
    assert!(out.raw.len() > 100_000 && out.bytes_read < 200_000, "{} / {}", out.raw.len(), out.bytes_read);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].header("range"), Some("bytes=0-32767"));
    assert_eq!(requests[1].header("range"), Some("bytes=32768-"));
    assert_eq!(requests[1].header("if-range"), Some("\"v1\""), "guarded against a page that changed");
}

#[tokio::test]
async fn a_smaller_range_setting_caps_the_first_request_too() {
    let server = TestServer::builder().fallback(Reply::ranged_html(sized_page(3_000, 300_000))).start();
    let out = fetch_with(options().range_bytes(20_000), &server.url("/p")).await;
    assert!(out.is_success());
    assert_eq!(server.requests()[0].header("range"), Some("bytes=0-19999"));
}

#[tokio::test]
async fn a_page_read_whole_through_a_range_is_not_truncated() {
    let page = sized_page(1_000, 5_000);
    let server = TestServer::builder().route("/small", Reply::ranged_html(page.clone())).start();
    let out = fetch(&server, "/small").await;
    assert_eq!(out.status, Some(206));
    assert!(!out.truncated, "the range covered the whole page");
    assert_eq!(out.body, page);
}

#[tokio::test]
async fn an_unsatisfiable_or_odd_range_is_asked_again_without_one() {
    let server = TestServer::builder()
        .route("/empty", Reply::ranged_html(""))
        .route(
            "/odd",
            Reply::from_fn(|req| match req.header("range") {
                Some(_) => Reply::html(206, "tle>x</title>").header("Content-Range", "bytes 5-17/18"),
                None => Reply::ok_html("<title>x</title>"),
            }),
        )
        .start();
    let empty = fetch(&server, "/empty").await;
    assert_eq!((empty.status, empty.error.clone()), (Some(200), None));
    assert!(!empty.truncated);
    let requests = server.requests_for("/empty");
    assert_eq!(requests.len(), 2, "a 416, then the page without Range");
    assert!(requests[0].header("range").is_some() && requests[1].header("range").is_none());
    let odd = fetch(&server, "/odd").await;
    assert_eq!(odd.status, Some(200));
    assert_eq!(odd.body, "<title>x</title>");
    assert_eq!(server.requests_for("/odd").len(), 2);
}

#[tokio::test]
async fn a_callers_own_range_is_sent_as_it_is() {
    let server = TestServer::builder().route("/p", Reply::ranged_html(sized_page(500, 10_000))).start();
    let fetcher = Fetcher::new(options()).unwrap();
    let request = citecheck::fetch::FetchRequest::new().header("Range", "bytes=0-99").unwrap();
    let out = fetcher.fetch_with(&server.parsed_url("/p"), &request).await;
    assert_eq!(out.status, Some(206));
    assert_eq!(out.raw.len(), 100);
    assert_eq!(server.requests()[0].header("range"), Some("bytes=0-99"));
}

#[tokio::test]
async fn a_host_that_ignores_ranges_is_asked_without_them() {
    let server = TestServer::builder().fallback(Reply::ok_html(sized_page(500, 10_000))).start();
    let fetcher = Fetcher::new(options()).unwrap();
    for path in ["/1", "/2", "/3"] {
        assert_eq!(fetcher.fetch(&server.parsed_url(path)).await.status, Some(200));
    }
    let ranged: Vec<bool> = server.requests().iter().map(|r| r.header("range").is_some()).collect();
    assert_eq!(ranged, [true, false, false]);
}
