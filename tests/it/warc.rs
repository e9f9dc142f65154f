//! The evidence archive and replay end to end: `check --archive` against loopback servers, the
//! archive read back by an independent reader (Python's warcio), `check --replay` with the
//! server gone, archives written by warcio itself, corrupt archives, and the README's main
//! command on the committed archive.
//!
//! warcio is required under CI (`.ci/run` installs it with pip); elsewhere the tests that need it
//! say they are skipped when it is missing.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::harness::{Output, citecheck};
use crate::support::{Reply, TestServer};

/// A small page: read whole, so its payload is exactly what the server sent.
const PAGE: &str = "<!doctype html><html><head><title>Envoy wraps up fruitful Kabul trip</title></head>\
                    <body><h1>Envoy wraps up fruitful Kabul trip</h1></body></html>\n";

fn server() -> TestServer {
    TestServer::builder()
        .route("/news.test/page", Reply::ok_html(PAGE))
        .route("/news.test/moved", Reply::redirect(301, "/news.test/page"))
        .route("/news.test/twice", Reply::redirect(302, "/news.test/moved"))
        .route(
            "/news.test/zipped",
            Reply::ok_html(PAGE.replace("Envoy wraps up fruitful Kabul trip", "Talks resume in Doha")).gzip(),
        )
        .route(
            "/news.test/chunked",
            Reply::ok_html(PAGE.replace("Envoy wraps up fruitful Kabul trip", "Border reopens")).chunked(),
        )
        .route(
            "/news.test/latin",
            Reply::bytes(200, "text/html; charset=iso-8859-1", b"<title>Caf\xe9 talks</title>".to_vec()),
        )
        .route("/news.test/gone", Reply::status(410))
        .route("/news.test/forbidden", Reply::status(403))
        .start()
}

/// A Markdown brief citing each `(title, url)`.
fn brief(dir: &Path, cites: &[(&str, &str)]) -> String {
    let mut text = String::from("# A brief\n\n");
    for i in 1..=cites.len() {
        text.push_str(&format!("Claim number {i}.[^{i}]\n"));
    }
    text.push('\n');
    for (i, (title, url)) in cites.iter().enumerate() {
        text.push_str(&format!("[^{}]: “{title}”, *The Daily Ledger*, <{url}>\n", i + 1));
    }
    let path = dir.join("brief.md");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

const CITES: &[(&str, &str)] = &[
    ("Envoy wraps up fruitful Kabul trip", "https://news.test/page#section"),
    ("Envoy wraps up fruitful Kabul trip", "https://news.test/twice"),
    ("Talks resume in Doha", "https://news.test/zipped"),
    ("Border reopens", "https://news.test/chunked"),
    ("Café talks", "https://news.test/latin"),
    ("A page that was", "https://news.test/gone"),
    ("A page behind a wall", "https://news.test/forbidden"),
    ("A site that never was", "https://nowhere.invalid/story"),
    ("Envoy wraps up fruitful Kabul trip", "https://news.test/page"),
];

/// `check --format json`, only `news.test` remapped onto `server` (other hosts stay as cited).
fn check(server: Option<&TestServer>, extra: &[&str], brief: &str) -> (Output, Value) {
    let mut run = citecheck(["check", "--no-config", "--format", "json", "--no-progress", "--attempts", "1"]);
    if let Some(server) = server {
        run = run
            .arg("--allow-private")
            .arg("--host-interval")
            .arg("0ms")
            .arg("--remap")
            .arg(format!(r"^https?://(news\.test)/(.*)$ {}/$1/$2", server.base_url()));
    }
    for a in extra {
        run = run.arg(a);
    }
    run.arg(brief).json()
}

/// Python 3 with warcio, or `None` outside CI when it is missing (said on stderr).
fn warcio() -> Option<&'static str> {
    let found = Command::new("python3").args(["-c", "import warcio"]).output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("CI").is_none(), "CI is set but warcio is not installed (.ci/run installs it)");
        eprintln!("warc: Python's warcio not found; skipping (pip install warcio; it runs under CI)");
        return None;
    }
    Some("python3")
}

/// Every record of `archive` as warcio reads it, digests checked by warcio ('raise') and the
/// payload digest recomputed here.
const READ_WITH_WARCIO: &str = r#"
import base64, hashlib, json, sys
from warcio.archiveiterator import ArchiveIterator
out = []
with open(sys.argv[1], 'rb') as f:
    it = ArchiveIterator(f, check_digests='raise')
    for r in it:
        h = r.rec_headers
        item = {
            'type': r.rec_type,
            'id': h.get_header('WARC-Record-ID'),
            'date': h.get_header('WARC-Date'),
            'target': h.get_header('WARC-Target-URI'),
            'concurrent': h.get_header('WARC-Concurrent-To'),
            'refers': h.get_header('WARC-Refers-To'),
            'fetched': h.get_header('Citecheck-Fetched-URI'),
            'truncated': h.get_header('WARC-Truncated'),
            'ip': h.get_header('WARC-IP-Address'),
            'content_type': h.get_header('Content-Type'),
            'block_digest': h.get_header('WARC-Block-Digest'),
            'payload_digest': h.get_header('WARC-Payload-Digest'),
        }
        if r.http_headers is not None:
            item['http'] = r.http_headers.protocol + ' ' + r.http_headers.statusline
            item['http_headers'] = [[k, v] for k, v in r.http_headers.headers]
        body = r.content_stream().read()
        if r.rec_type == 'response':
            item['payload'] = body.hex()
            item['payload_sha1'] = 'sha1:' + base64.b32encode(hashlib.sha1(body).digest()).decode()
        elif r.rec_type in ('metadata', 'warcinfo'):
            item['text'] = body.decode('utf-8')
        item['digest_ok'] = r.digest_checker.passed
        out.append(item)
json.dump(out, sys.stdout)
"#;

fn read_with_warcio(python: &str, archive: &Path) -> Vec<Value> {
    let out = Command::new(python).arg("-c").arg(READ_WITH_WARCIO).arg(archive).output().unwrap();
    assert!(out.status.success(), "warcio failed:\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<Value>(&out.stdout).unwrap().as_array().unwrap().clone()
}

fn header<'a>(record: &'a Value, name: &str) -> Option<&'a str> {
    record["http_headers"]
        .as_array()?
        .iter()
        .find(|h| h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .and_then(|h| h[1].as_str())
}

#[test]
fn an_archive_round_trips_through_warcio() {
    let Some(python) = warcio() else { return };
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    let brief = brief(dir.path(), CITES);
    let archive = dir.path().join("evidence.warc.gz");
    let (out, report) =
        check(Some(&server), &["--archive", archive.to_str().unwrap(), "--header", "X-Audit: brief-7"], &brief);
    out.code(1);
    assert!(report["documents"][0]["references"].as_array().unwrap().len() == 9);
    let records = read_with_warcio(python, &archive);
    assert_eq!(gzip_members(&std::fs::read(&archive).unwrap()), records.len(), "one gzip member per record");

    // warcinfo first, every record its own gzip member, every digest verified by warcio.
    assert_eq!(records[0]["type"], "warcinfo");
    assert!(records[0]["text"].as_str().unwrap().contains("software: citecheck/"));
    assert!(records[0]["text"].as_str().unwrap().contains("citecheck-remap: "));
    for r in &records {
        assert!(r["id"].as_str().unwrap().starts_with("urn:uuid:"), "{}", r["id"]);
        assert_eq!(r["date"], "2025-03-24T09:30:00Z", "SOURCE_DATE_EPOCH fixes every date");
        if r["block_digest"].is_string() {
            assert_eq!(r["digest_ok"], true, "{r}");
        }
    }
    let ids: std::collections::HashSet<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), records.len(), "record ids are unique");

    // Document order of the unique URLs: page, then the chain twice → moved → page, and so on.
    // The dead-on-DNS URL has no exchange, only its metadata; the repeated page is not fetched again.
    let targets: Vec<(&str, &str)> = records[1..]
        .iter()
        .map(|r| (r["type"].as_str().unwrap(), r["target"].as_str().unwrap()))
        .filter(|(t, _)| *t != "request")
        .collect();
    let base = server.base_url();
    let expected = vec![
        ("response", "https://news.test/page".to_owned()),
        ("metadata", "https://news.test/page".to_owned()),
        ("response", "https://news.test/twice".to_owned()),
        ("response", format!("{base}/news.test/moved")),
        ("response", format!("{base}/news.test/page")),
        ("metadata", "https://news.test/twice".to_owned()),
        ("response", "https://news.test/zipped".to_owned()),
        ("metadata", "https://news.test/zipped".to_owned()),
        ("response", "https://news.test/chunked".to_owned()),
        ("metadata", "https://news.test/chunked".to_owned()),
        ("response", "https://news.test/latin".to_owned()),
        ("metadata", "https://news.test/latin".to_owned()),
        ("response", "https://news.test/gone".to_owned()),
        ("metadata", "https://news.test/gone".to_owned()),
        ("response", "https://news.test/forbidden".to_owned()),
        ("metadata", "https://news.test/forbidden".to_owned()),
        ("metadata", "https://nowhere.invalid/story".to_owned()),
    ];
    let got: Vec<(&str, String)> = targets.iter().map(|(t, u)| (*t, (*u).to_owned())).collect();
    assert_eq!(got, expected);

    // Each request and its response point at each other; the request is what was sent.
    for (i, r) in records.iter().enumerate().filter(|(_, r)| r["type"] == "request") {
        let response = &records[i + 1];
        assert_eq!(response["type"], "response");
        assert_eq!(r["concurrent"], response["id"]);
        assert_eq!(response["concurrent"], r["id"]);
        assert_eq!(r["target"], response["target"]);
        assert_eq!(r["ip"], "127.0.0.1");
        assert_eq!(r["content_type"], "application/http;msgtype=request");
        assert_eq!(response["content_type"], "application/http;msgtype=response");
        assert!(r["http"].as_str().unwrap().starts_with("GET /news.test/"), "{}", r["http"]);
        assert_eq!(header(r, "x-audit"), Some("brief-7"), "per-run headers are recorded as sent");
        assert_eq!(header(r, "host"), Some(&*format!("127.0.0.1:{}", server.port())));
        assert!(header(r, "user-agent").unwrap().starts_with("citecheck/"));
    }
    // What each server request actually carried matches the archive (the same headers, once each).
    let sent = server.requests_for("/news.test/zipped");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].header("x-audit"), Some("brief-7"));

    let response = |target: &str| {
        records.iter().find(|r| r["type"] == "response" && r["target"] == target).unwrap_or_else(|| panic!("{target}"))
    };
    let payload = |r: &Value| -> Vec<u8> {
        let hex = r["payload"].as_str().unwrap();
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
    };

    // A page read whole: the payload is the bytes the server sent, digest and all.
    let page = response("https://news.test/page");
    assert_eq!(page["http"], "HTTP/1.1 200 OK");
    assert_eq!(payload(page), PAGE.as_bytes());
    assert_eq!(page["payload_sha1"], page["payload_digest"]);
    assert!(page["truncated"].is_null());
    assert_eq!(page["fetched"], format!("{base}/news.test/page"), "remapped: the URL fetched is kept");
    assert_eq!(header(page, "content-length"), Some(&*PAGE.len().to_string()));
    // Stored decoded: no Content-Encoding or chunking left for a reader to undo.
    let zipped = response("https://news.test/zipped");
    assert!(header(zipped, "content-encoding").is_none());
    assert!(String::from_utf8(payload(zipped)).unwrap().contains("Talks resume in Doha"));
    let chunked = response("https://news.test/chunked");
    assert!(header(chunked, "transfer-encoding").is_none());
    assert_eq!(header(chunked, "x-archive-orig-transfer-encoding"), Some("chunked"));
    assert!(String::from_utf8(payload(chunked)).unwrap().contains("Border reopens"));
    // Each redirect hop is its own pair, the redirect's status and Location as sent.
    let twice = response("https://news.test/twice");
    assert!(twice["http"].as_str().unwrap().starts_with("HTTP/1.1 302"));
    assert_eq!(header(twice, "location"), Some("/news.test/moved"));

    // The metadata record carries the verdicts of the references citing the URL.
    let meta = |target: &str| -> Value {
        let r = records.iter().find(|r| r["type"] == "metadata" && r["target"] == target).unwrap();
        serde_json::from_str(r["text"].as_str().unwrap()).unwrap()
    };
    let page_meta = meta("https://news.test/page");
    let refs = page_meta["references"].as_array().unwrap();
    assert_eq!(refs.len(), 2, "notes 1 and 9 cite the page: {page_meta}");
    assert_eq!(refs[0]["label"], "1");
    assert_eq!(refs[1]["label"], "9");
    assert_eq!(refs[0]["check"]["verdict"], "ok");
    assert_eq!(meta("https://news.test/gone")["references"][0]["check"]["verdict"], "dead");
    assert_eq!(meta("https://news.test/forbidden")["references"][0]["check"]["verdict"], "unverifiable");
    let dns = meta("https://nowhere.invalid/story");
    assert_eq!(dns["fetch"]["error"]["kind"], "dns");
    assert_eq!(dns["references"][0]["check"]["verdict"], "dead");
}

/// How many gzip members `bytes` holds, one after another.
fn gzip_members(mut bytes: &[u8]) -> usize {
    use std::io::Read;
    let mut n = 0;
    while !bytes.is_empty() {
        let mut member = flate2::bufread::GzDecoder::new(bytes);
        std::io::copy(&mut (&mut member).take(u64::MAX), &mut std::io::sink()).unwrap();
        bytes = member.into_inner();
        n += 1;
    }
    n
}

/// The report's documents and summary: what a replay must give back unchanged.
fn verdicts(report: &Value) -> Value {
    serde_json::json!({ "documents": report["documents"], "summary": report["summary"] })
}

#[test]
fn replay_gives_the_same_report_with_the_server_gone() {
    let dir = tempfile::tempdir().unwrap();
    let brief = brief(dir.path(), CITES);
    let archive = dir.path().join("evidence.warc.gz");
    let live = {
        let server = server();
        let (out, report) = check(Some(&server), &["--archive", archive.to_str().unwrap()], &brief);
        out.code(1);
        report
    };
    // The server is stopped: only the archive can answer.
    let (out, replayed) = check(None, &["--replay", archive.to_str().unwrap()], &brief);
    out.code(1);
    assert_eq!(verdicts(&replayed), verdicts(&live));
    let refs = replayed["documents"][0]["references"].as_array().unwrap();
    let got: Vec<&str> = refs.iter().map(|r| r["check"]["verdict"].as_str().unwrap()).collect();
    assert_eq!(got, ["ok", "ok", "ok", "ok", "ok", "dead", "unverifiable", "dead", "ok"]);
    assert_eq!(refs[1]["check"]["redirects"].as_array().unwrap().len(), 2);
    assert_eq!(refs[4]["check"]["page_title"], "Café talks", "decoded with the fetcher's charset rules");
    let settings = replayed["run"]["settings"].to_string();
    assert!(settings.contains("replay"), "{settings}");

    // The same with a plain (not gzipped) archive.
    let plain = dir.path().join("evidence.warc");
    let live = {
        let server = server();
        check(Some(&server), &["--archive", plain.to_str().unwrap()], &brief).1
    };
    assert!(std::fs::read(&plain).unwrap().starts_with(b"WARC/1.1\r\n"));
    let (_, again) = check(None, &["--replay", plain.to_str().unwrap()], &brief);
    assert_eq!(verdicts(&again), verdicts(&live));
}

#[test]
fn a_url_missing_from_the_archive_is_unverifiable_and_nothing_is_requested() {
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("one.warc.gz");
    let first = brief(dir.path(), &CITES[..1]);
    check(Some(&server), &["--archive", archive.to_str().unwrap()], &first).0.code(0);
    server.clear_requests();
    let both = brief(dir.path(), &[CITES[0], ("Talks resume in Doha", "https://news.test/zipped")]);
    // Even with the remap onto a live server, replay asks nothing of it.
    let (out, report) = check(Some(&server), &["--replay", archive.to_str().unwrap()], &both);
    out.code(0);
    assert!(server.requests().is_empty(), "replay made requests: {:?}", server.requests().len());
    let refs = report["documents"][0]["references"].as_array().unwrap();
    assert_eq!(refs[0]["check"]["verdict"], "ok");
    assert_eq!(refs[1]["check"]["verdict"], "unverifiable");
    let error = refs[1]["check"]["error"].as_str().unwrap();
    assert!(error.contains("not in archive") && error.contains("one.warc.gz"), "{error}");
    assert_eq!(refs[1]["check"]["findings"][0]["rule"], "unverifiable");
}

#[test]
fn archives_are_the_same_bytes_whatever_the_concurrency() {
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    let brief = brief(dir.path(), CITES);
    let one = dir.path().join("one.warc.gz");
    let many = dir.path().join("many.warc.gz");
    check(Some(&server), &["--archive", one.to_str().unwrap(), "--max-concurrency", "1"], &brief).0.code(1);
    check(Some(&server), &["--archive", many.to_str().unwrap(), "--max-concurrency", "16"], &brief).0.code(1);
    let strip = |p: &Path| {
        // The warcinfo names the file and the settings (which differ here by concurrency and
        // name): compare everything after it.
        let records: Vec<citecheck::warc::Record> =
            citecheck::warc::Reader::new(std::fs::File::open(p).unwrap(), Default::default())
                .collect::<Result<_, _>>()
                .unwrap();
        records[1..].iter().map(|r| String::from_utf8_lossy(&r.to_bytes()).into_owned()).collect::<Vec<_>>()
    };
    let (one, many) = (strip(&one), strip(&many));
    assert_eq!(one.len(), many.len());
    for (a, b) in one.iter().zip(&many) {
        let differ: Vec<(&str, &str)> = a.lines().zip(b.lines()).filter(|(x, y)| x != y).collect();
        assert!(differ.is_empty(), "{differ:?}");
    }
}

/// Builds an archive the way other tools do, with warcio: a chunked and gzip-encoded payload
/// as sent on the wire, a redirect, a revisit of the first response under another URL.
const WRITE_WITH_WARCIO: &str = r#"
import gzip, io, sys
from warcio.warcwriter import WARCWriter
from warcio.statusandheaders import StatusAndHeaders
page = b'<!doctype html><html><head><meta charset="windows-1252"><title>Caf\xe9 society returns</title></head><body>x</body></html>'
body = gzip.compress(page)
chunked = b''
for i in range(0, len(body), 40):
    part = body[i:i + 40]
    chunked += b'%x\r\n' % len(part) + part + b'\r\n'
chunked += b'0\r\n\r\n'
with open(sys.argv[1], 'wb') as f:
    w = WARCWriter(f, gzip=True)
    headers = StatusAndHeaders('200 OK', [('Content-Type', 'text/html'), ('Content-Encoding', 'gzip'), ('Transfer-Encoding', 'chunked')], protocol='HTTP/1.1')
    first = w.create_warc_record('http://other.test/story', 'response', payload=io.BytesIO(chunked), http_headers=headers)
    w.write_record(first)
    moved = StatusAndHeaders('301 Moved Permanently', [('Location', 'http://other.test/story'), ('Content-Length', '0')], protocol='HTTP/1.1')
    w.write_record(w.create_warc_record('http://other.test/old', 'response', payload=io.BytesIO(b''), http_headers=moved))
    revisit = w.create_revisit_record('http://other.test/copy', first.rec_headers.get_header('WARC-Payload-Digest'),
        'http://other.test/story', first.rec_headers.get_header('WARC-Date'), http_headers=headers)
    w.write_record(revisit)
"#;

#[test]
fn an_archive_written_by_warcio_replays() {
    let Some(python) = warcio() else { return };
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("warcio.warc.gz");
    let made = Command::new(python).arg("-c").arg(WRITE_WITH_WARCIO).arg(&archive).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let brief = brief(
        dir.path(),
        &[
            ("Café society returns", "http://other.test/story"),
            ("Café society returns", "http://other.test/old"),
            ("Café society returns", "http://other.test/copy"),
        ],
    );
    let (out, report) = check(None, &["--replay", archive.to_str().unwrap()], &brief);
    out.code(0);
    let refs = report["documents"][0]["references"].as_array().unwrap();
    for r in refs {
        assert_eq!(r["check"]["verdict"], "ok", "{}", r["check"]);
        assert_eq!(r["check"]["page_title"], "Café society returns");
    }
    assert_eq!(refs[1]["check"]["redirects"][0], "http://other.test/old");
    assert!(rules(&refs[1]["check"]).contains(&"permanent-redirect".to_owned()), "{}", refs[1]["check"]);
}

fn rules(check: &Value) -> Vec<String> {
    check["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn corrupt_archives_are_errors_that_name_the_file_and_offset() {
    let dir = tempfile::tempdir().unwrap();
    let brief = brief(dir.path(), &CITES[..1]);
    let committed = std::fs::read(crate::harness::root().join("fixtures/replay/seed-brief.warc.gz")).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("html.warc", b"<!doctype html><title>not an archive</title>".to_vec(), "at byte 0: expected a WARC record"),
        ("cut.warc.gz", committed[..committed.len() / 2].to_vec(), "at byte "),
        ("empty.warc", Vec::new(), "holds no WARC records"),
        ("huge.warc", b"WARC/1.1\r\nContent-Length: 99999999999999999\r\n\r\n".to_vec(), "over the limit"),
    ];
    for (name, bytes, expected) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = citecheck(["check", "--no-config", "--replay"]).arg(&path).arg(&brief).run();
        out.code(2).stderr_has(name).stderr_has(expected);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
    let out = citecheck(["check", "--no-config", "--replay", "no/such.warc.gz"]).arg(&brief).run();
    out.code(2).stderr_has("no/such.warc.gz");
}

/// The README's main command: the seed brief checked offline against the committed archive.
#[test]
fn the_readme_main_command_reports_the_seed_brief_offline() {
    let readme = std::fs::read_to_string(crate::harness::root().join("README.md")).unwrap();
    let command =
        "cargo run --release -- check --replay fixtures/replay/seed-brief.warc.gz seeds/issi-brief-resetting-ties.txt";
    assert!(readme.contains(command), "the README's main command changed; update this test with it");
    let args = ["check", "--replay", "fixtures/replay/seed-brief.warc.gz", "seeds/issi-brief-resetting-ties.txt"];
    let out = citecheck(args).run();
    out.code(0)
        .stdout_has("9 references (9 ok) in 1 document: 0 errors, 1 warning, 1 info")
        .stdout_has("ok (near title)  Rise in terrorism in 2024 pushes Pakistan towards pre-APS era")
        .stdout_has("info[canonical-differs] note 2")
        .stdout_has("answers replayed from fixtures/replay/seed-brief.warc.gz: no request was made");
    let (_, report) = citecheck(args).arg("--format").arg("json").json();
    let refs: Vec<&Value> = report["documents"][0]["references"].as_array().unwrap().iter().collect();
    assert_eq!(refs.len(), 9);
    assert!(refs.iter().all(|r| r["check"]["verdict"] == "ok" && r["check"]["status"] == 200));
    assert_eq!(refs[5]["check"]["title_match"], "near");
}

#[test]
fn the_configuration_file_can_name_the_archive_and_replay_overrides_it() {
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("citecheck.toml"), "archive = \"out/evidence.warc.gz\"\n").unwrap();
    let brief = brief(dir.path(), &CITES[..1]);
    let remap = format!(r"^https?://(news\.test)/(.*)$ {}/$1/$2", server.base_url());
    let base = ["check", "--format", "json", "--no-progress", "--allow-private", "--remap", &remap];
    let (out, report) = citecheck(base).arg(&brief).current_dir(dir.path()).json();
    out.code(0);
    // Relative to the configuration file, as every path in it.
    let archive = dir.path().join("out/evidence.warc.gz");
    assert!(archive.is_file());
    assert!(report["run"]["settings"].to_string().contains("out/evidence.warc.gz"));
    // --replay reads it and writes nothing: the archive is not rewritten by its own replay.
    let before = std::fs::metadata(&archive).unwrap().modified().unwrap();
    let (out, report) = citecheck(["check", "--format", "json", "--replay", "out/evidence.warc.gz"])
        .arg(&brief)
        .current_dir(dir.path())
        .json();
    out.code(0);
    assert_eq!(report["documents"][0]["references"][0]["check"]["verdict"], "ok");
    assert_eq!(std::fs::metadata(&archive).unwrap().modified().unwrap(), before);
    let usage = citecheck(["check", "--archive", "a.warc", "--replay", "b.warc"]).arg(&brief).run();
    usage.code(2).stderr_has("--replay");
}

#[test]
fn with_an_archive_pages_are_kept_whole_up_to_the_body_limit() {
    let long = format!("{PAGE}<p>{}</p>", "Further reporting. ".repeat(20_000));
    let server = TestServer::builder().route("/news.test/long", Reply::ok_html(long.clone())).start();
    let dir = tempfile::tempdir().unwrap();
    let brief = brief(dir.path(), &[("Envoy wraps up fruitful Kabul trip", "https://news.test/long")]);
    let responses = |archive: &Path| -> Vec<citecheck::warc::Record> {
        citecheck::warc::Reader::new(std::fs::File::open(archive).unwrap(), Default::default())
            .map(Result::unwrap)
            .filter(|r| r.kind().as_deref() == Some("response"))
            .collect()
    };
    let whole = dir.path().join("whole.warc");
    check(Some(&server), &["--archive", whole.to_str().unwrap()], &brief).0.code(0);
    let r = &responses(&whole)[0];
    assert!(r.block.ends_with(long.as_bytes()), "the page is archived whole, not only its head");
    assert_eq!(r.header("WARC-Truncated"), None);

    let cut = dir.path().join("cut.warc");
    check(Some(&server), &["--archive", cut.to_str().unwrap(), "--max-body-bytes", "4096"], &brief).0.code(0);
    let r = &responses(&cut)[0];
    assert_eq!(r.header("WARC-Truncated"), Some("length"));
    assert!(r.block.ends_with(&long.as_bytes()[..4096]));
}

#[test]
fn evidence_is_fetched_fresh_past_the_cache_and_replay_leaves_the_cache_alone() {
    let server = server();
    let dir = tempfile::tempdir().unwrap();
    let brief = brief(dir.path(), &CITES[..1]);
    let cache = dir.path().join("cache.sqlite3");
    let cache_arg = cache.to_str().unwrap();
    check(Some(&server), &["--cache", cache_arg], &brief).0.code(0);
    check(Some(&server), &["--cache", cache_arg], &brief).0.code(0);
    assert_eq!(server.hits("/news.test/page"), 1, "the second run is answered by the cache");

    let archive = dir.path().join("fresh.warc.gz");
    let (_, report) = check(Some(&server), &["--cache", cache_arg, "--archive", archive.to_str().unwrap()], &brief);
    assert_eq!(server.hits("/news.test/page"), 2, "an archive's evidence is fetched, not taken from the cache");
    assert!(report["run"]["settings"].to_string().contains("write-only"));
    let records = citecheck::warc::Reader::new(std::fs::File::open(&archive).unwrap(), Default::default())
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(records.iter().filter(|r| r.kind().as_deref() == Some("response")).count(), 1);

    let untouched = dir.path().join("untouched.sqlite3");
    let (out, _) =
        check(None, &["--cache", untouched.to_str().unwrap(), "--replay", archive.to_str().unwrap()], &brief);
    out.code(0);
    assert!(!untouched.exists(), "a replay neither reads nor writes the cache");
}

/// Lookups of archived copies are not in an archive recorded without them: replaying it with
/// lookups on (as a human report has them) says nothing about them, and invents no failure.
#[test]
fn replaying_with_archive_lookups_on_adds_no_noise_for_lookups_not_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let brief = brief(dir.path(), &[("A page that was", "https://news.test/gone")]);
    let archive = dir.path().join("evidence.warc.gz");
    {
        let server = server();
        check(Some(&server), &["--archive", archive.to_str().unwrap()], &brief).0.code(1);
    }
    let (out, report) = check(None, &["--replay", archive.to_str().unwrap(), "--archive-lookup"], &brief);
    out.code(1);
    let check = &report["documents"][0]["references"][0]["check"];
    assert_eq!(check["verdict"], "dead");
    assert_eq!(check["archived"]["outcome"], "not-looked-up", "{check}");
    let finding = check["findings"][0]["message"].as_str().unwrap();
    assert!(!finding.contains("Wayback") && !finding.contains("lookup failed"), "{finding}");
}
