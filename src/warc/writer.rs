//! Writing an evidence archive: `warcinfo`, then per URL in document order a request/response
//! pair per hop and a `metadata` record with the verdicts, each record its own gzip member (or
//! plain when the file name does not end in `.gz`), written to a temporary file and renamed.

use std::io::Write;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use super::FETCHED_URI;
use super::capture::Capture;
use super::digest::{record_id, sha1_base32};
use super::http::{request_block, response_block};
use super::record::Record;
use crate::error::{Error, Result};
use crate::fetch::{FetchErrorKind, FetchOutcome};

/// How an archive is written.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Record every date as this time (seconds since 1970) instead of each fetch's own time, for
    /// an archive that is the same byte for byte when re-recorded (`--timestamp`,
    /// `SOURCE_DATE_EPOCH`).
    pub fixed_time: Option<i64>,
    /// The run's settings worth keeping, for the `warcinfo` record (no header values: they can
    /// hold credentials).
    pub settings: Vec<(String, String)>,
}

/// The bytes of a WARC 1.1 file holding `captures`, to be written at `path`: its name goes in
/// the `warcinfo` record, and a name ending in `.gz` gives one gzip member per record (plain
/// otherwise). The caller writes the file (atomically: the binary replaces it whole or not at
/// all).
pub fn encode_archive(path: &Path, captures: &[Capture], options: &WriteOptions) -> Result<Vec<u8>> {
    let gzip = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut out = Vec::new();
    for record in records(&file_name, captures, options) {
        let bytes = record.to_bytes();
        if gzip {
            // GzBuilder leaves the member's time at zero: the same records give the same bytes.
            let mut gz = flate2::GzBuilder::new().write(Vec::new(), flate2::Compression::default());
            let member = gz.write_all(&bytes).and_then(|()| gz.finish()).map_err(|e| Error::Archive {
                path: path.to_path_buf(),
                offset: None,
                message: format!("could not be compressed: {e}"),
            })?;
            out.extend_from_slice(&member);
        } else {
            out.extend_from_slice(&bytes);
        }
    }
    Ok(out)
}

/// The records of an archive, in the order they are written.
pub(crate) fn records(file_name: &str, captures: &[Capture], options: &WriteOptions) -> Vec<Record> {
    let date = |at: Option<SystemTime>| {
        let secs = options.fixed_time.unwrap_or_else(|| {
            let at = at.unwrap_or_else(SystemTime::now);
            at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
        });
        crate::date::rfc3339(secs)
    };
    let mut out = Vec::new();
    let run_date = date(None);

    let mut info = Record::new("warcinfo");
    let mut fields = format!(
        "software: citecheck/{}\r\nformat: WARC File Format 1.1\r\nconformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n",
        env!("CARGO_PKG_VERSION")
    );
    for (key, value) in &options.settings {
        let clean = |s: &str| s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>();
        fields.push_str(&format!("citecheck-{}: {}\r\n", clean(key).replace([':', ' '], "-"), clean(value)));
    }
    info.block = fields.into_bytes();
    info.headers.push(("WARC-Record-ID".into(), record_id(&["warcinfo", &run_date, &sha1_base32(&info.block)])));
    info.push("WARC-Date", &run_date);
    if !file_name.is_empty() {
        info.push("WARC-Filename", file_name);
    }
    info.push("Content-Type", "application/warc-fields");
    out.push(info);

    for (n, capture) in captures.iter().enumerate() {
        let seq = n.to_string();
        let outcome = &capture.outcome;
        let cited = cited_uri(&capture.cited);
        let mut last_response = None;
        for (hop, exchange) in outcome.exchanges.iter().enumerate() {
            let last = hop + 1 == outcome.exchanges.len() && outcome.redirects.len() < outcome.exchanges.len();
            let target = if hop == 0 { cited.clone() } else { exchange.url.to_string() };
            let fetched = (hop == 0 && exchange.url.as_str() != target).then(|| exchange.url.to_string());
            let when = date(Some(exchange.at));
            let payload: &[u8] = if last { &outcome.raw } else { &[] };
            let block = response_block(exchange, payload);
            let hop_text = hop.to_string();
            let response_id = record_id(&[&seq, &hop_text, "response", &target, &when, &sha1_base32(&block)]);
            let request = request_block(exchange);
            let request_id = record_id(&[&seq, &hop_text, "request", &target, &when, &sha1_base32(&request)]);

            let mut rec = Record::new("request");
            rec.push("WARC-Record-ID", &request_id);
            rec.push("WARC-Date", &when);
            rec.push("WARC-Target-URI", &target);
            rec.push("WARC-Concurrent-To", &response_id);
            if let Some(ip) = exchange.remote_addr {
                rec.push("WARC-IP-Address", ip.ip().to_string());
            }
            rec.push("WARC-Block-Digest", sha1_base32(&request));
            if let Some(f) = &fetched {
                rec.push(FETCHED_URI, f);
            }
            rec.push("Content-Type", "application/http;msgtype=request");
            rec.block = request;
            out.push(rec);

            let mut rec = Record::new("response");
            rec.push("WARC-Record-ID", &response_id);
            rec.push("WARC-Date", &when);
            rec.push("WARC-Target-URI", &target);
            rec.push("WARC-Concurrent-To", &request_id);
            if let Some(ip) = exchange.remote_addr {
                rec.push("WARC-IP-Address", ip.ip().to_string());
            }
            rec.push("WARC-Block-Digest", sha1_base32(&block));
            rec.push("WARC-Payload-Digest", sha1_base32(payload));
            if let Some(reason) = truncation(outcome, last, exchange) {
                rec.push("WARC-Truncated", reason);
            }
            if let Some(f) = &fetched {
                rec.push(FETCHED_URI, f);
            }
            rec.push("Content-Type", "application/http;msgtype=response");
            rec.block = block;
            out.push(rec);
            last_response = Some(response_id);
        }

        let mut rec = Record::new("metadata");
        let block = metadata_json(capture);
        rec.push("WARC-Record-ID", record_id(&[&seq, "metadata", &cited, &run_date, &sha1_base32(&block)]));
        rec.push("WARC-Date", &run_date);
        rec.push("WARC-Target-URI", &cited);
        if let Some(id) = last_response {
            rec.push("WARC-Refers-To", id);
        }
        rec.push("WARC-Block-Digest", sha1_base32(&block));
        rec.push("Content-Type", "application/json");
        rec.block = block;
        out.push(rec);
    }
    out
}

/// The cited URL as a request target: without its fragment, which no server ever sees.
fn cited_uri(cited: &str) -> String {
    match url::Url::parse(cited) {
        Ok(mut u) => {
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => cited.split('#').next().unwrap_or(cited).to_owned(),
    }
}

/// `WARC-Truncated` for a response: why its payload is not the whole body. citecheck never
/// reads past its size limits (`length`); a body cut by the clock is `time`, by the connection
/// `disconnect`. A redirect's body is never read.
fn truncation(outcome: &FetchOutcome, last: bool, exchange: &crate::fetch::Exchange) -> Option<&'static str> {
    if !last {
        let header = |name: &str| {
            exchange.response_headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_slice())
        };
        let has_body = header("transfer-encoding").is_some() || header("content-length").is_some_and(|v| v != b"0");
        return has_body.then_some("length");
    }
    if !outcome.truncated {
        return None;
    }
    Some(match outcome.error.as_ref().map(|e| e.kind) {
        Some(FetchErrorKind::Timeout | FetchErrorKind::Deadline) => "time",
        Some(_) => "disconnect",
        None => "length",
    })
}

/// The `metadata` record: what the fetch concluded beyond the HTTP messages, and the verdict of
/// every reference citing the URL. Replay reads `fetch` back.
fn metadata_json(capture: &Capture) -> Vec<u8> {
    let o = &capture.outcome;
    let truncated_reason = if !o.truncated {
        None
    } else if o.error.is_some() {
        Some("reading stopped on an error")
    } else {
        Some("reading stopped at the size limit (or, without an archive, after the page's metadata)")
    };
    let value = serde_json::json!({
        "citecheck": env!("CARGO_PKG_VERSION"),
        "url": capture.cited,
        "fetched": o.url.as_str(),
        "fetch": {
            "final_url": o.final_url.as_str(),
            "status": o.status,
            "attempts": o.attempts,
            "bytes_read": o.bytes_read,
            "truncated": truncated_reason,
            "charset": o.charset,
            "error": o.error.as_ref().map(|e| serde_json::json!({ "kind": e.kind.as_str(), "message": e.message })),
        },
        "references": capture.citations,
    });
    serde_json::to_vec_pretty(&value).unwrap_or_default()
}
