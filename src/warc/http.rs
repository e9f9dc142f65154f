//! The HTTP messages inside `request` and `response` records: written from what the fetcher
//! kept, and read back (status line, headers, then a payload that may still be chunked or
//! compressed when another tool wrote it), always within a size limit.

use std::io::Read;

use crate::fetch::Exchange;

/// A response's status line and headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HttpHead {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, Vec<u8>)>,
}

impl HttpHead {
    /// The first value of a header, as text (lossily), trimmed.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| String::from_utf8_lossy(v).trim().to_owned())
    }
}

/// The request block: request line, the headers as sent, a blank line (a GET has no body).
pub(crate) fn request_block(exchange: &Exchange) -> Vec<u8> {
    let url = &exchange.url;
    let mut target = url.path().to_owned();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    let mut out = format!("GET {target} {}\r\n", exchange.version).into_bytes();
    for (name, value) in &exchange.request_headers {
        push_header(&mut out, name, value);
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// Headers that describe the transfer rather than the bytes kept: the bytes are stored decoded
/// and whole, so a reader must not undo a chunking or announce another length. Their original
/// values are kept under the `X-Archive-Orig-` names other archivers use.
const TRANSFER_HEADERS: [&str; 2] = ["transfer-encoding", "content-length"];

/// The response block: status line, the headers rewritten for the stored bytes, the payload.
pub(crate) fn response_block(exchange: &Exchange, payload: &[u8]) -> Vec<u8> {
    let reason = reqwest::StatusCode::from_u16(exchange.status).ok().and_then(|s| s.canonical_reason()).unwrap_or("");
    let mut out = format!("{} {} {reason}", exchange.version, exchange.status).trim_end().as_bytes().to_vec();
    out.extend_from_slice(b"\r\n");
    for (name, value) in &exchange.response_headers {
        if TRANSFER_HEADERS.iter().any(|t| name.eq_ignore_ascii_case(t)) {
            let announced_same = name.eq_ignore_ascii_case("content-length")
                && std::str::from_utf8(value).ok().and_then(|v| v.trim().parse::<usize>().ok()) == Some(payload.len());
            if !announced_same {
                push_header(&mut out, &format!("X-Archive-Orig-{name}"), value);
            }
            continue;
        }
        push_header(&mut out, name, value);
    }
    push_header(&mut out, "content-length", payload.len().to_string().as_bytes());
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(payload);
    out
}

fn push_header(out: &mut Vec<u8>, name: &str, value: &[u8]) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    // A header value never holds a line break once parsed; never let one through anyway.
    out.extend(value.iter().map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }));
    out.extend_from_slice(b"\r\n");
}

/// Splits a response block into its head and the payload bytes as recorded.
pub(crate) fn split_response(block: &[u8]) -> Result<(HttpHead, &[u8]), String> {
    let (head_end, body_start) = match memchr::memmem::find(block, b"\r\n\r\n") {
        Some(i) => (i, i + 4),
        None => match memchr::memmem::find(block, b"\n\n") {
            Some(i) => (i, i + 2),
            // A head with no blank line: a response with no body, or one cut short.
            None => (block.len(), block.len()),
        },
    };
    let head = &block[..head_end];
    let mut lines = head.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let status_line = lines.next().unwrap_or_default();
    let status_line = String::from_utf8_lossy(status_line);
    let mut parts = status_line.split_whitespace();
    let version = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/") {
        return Err(format!("the response does not start with an HTTP status line ({:.40?})", status_line));
    }
    let status = parts
        .next()
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|s| (100..1000).contains(s))
        .ok_or_else(|| format!("the status line {:.60?} has no status code", status_line))?;
    let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    for line in lines {
        if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            if let Some((_, v)) = headers.last_mut() {
                v.push(b' ');
                v.extend_from_slice(line.trim_ascii());
            }
            continue;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else { continue };
        let name = String::from_utf8_lossy(line[..colon].trim_ascii()).into_owned();
        if !name.is_empty() {
            headers.push((name, line[colon + 1..].trim_ascii().to_vec()));
        }
    }
    Ok((HttpHead { status, headers }, &block[body_start.min(block.len())..]))
}

/// The payload's bytes as the page sent them: de-chunked when the head says chunked (and the
/// bytes are chunked: some writers de-chunk but keep the header), and decompressed per
/// `Content-Encoding`. At most `limit` bytes come out; the flag says whether the payload was
/// complete (not cut by the limit, not cut short in the record).
pub(crate) fn decode_payload(head: &HttpHead, payload: &[u8], limit: usize) -> Result<(Vec<u8>, bool), String> {
    let mut complete = true;
    let dechunked;
    let mut bytes = payload;
    let chunked = head.get("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    if chunked && let Some((joined, whole)) = dechunk(payload) {
        dechunked = joined;
        bytes = &dechunked;
        complete &= whole;
    }
    let encoding = head.get("content-encoding").map(|e| e.to_ascii_lowercase()).unwrap_or_default();
    let limit_u64 = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let mut out = Vec::new();
    let read = match encoding.trim() {
        "" | "identity" => {
            out.extend_from_slice(&bytes[..bytes.len().min(limit.saturating_add(1))]);
            Ok(())
        }
        "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(bytes).take(limit_u64).read_to_end(&mut out).map(drop),
        "deflate" => {
            // "deflate" is meant to be zlib-wrapped, but raw deflate is common in the wild.
            let zlib = flate2::read::ZlibDecoder::new(bytes).take(limit_u64).read_to_end(&mut out).map(drop);
            if zlib.is_err() {
                out.clear();
                flate2::read::DeflateDecoder::new(bytes).take(limit_u64).read_to_end(&mut out).map(drop)
            } else {
                zlib
            }
        }
        "br" => brotli_decompressor::Decompressor::new(bytes, 4096).take(limit_u64).read_to_end(&mut out).map(drop),
        other => return Err(format!("the archived payload uses an unknown Content-Encoding {other:?}")),
    };
    if let Err(e) = read {
        // A cut-off compressed stream still gives its beginning, which is what a title needs.
        if out.is_empty() {
            return Err(format!("the archived payload could not be decompressed ({encoding}): {e}"));
        }
        complete = false;
    }
    if out.len() > limit {
        out.truncate(limit);
        complete = false;
    }
    Ok((out, complete))
}

/// Joins the chunks of a chunked body; `None` when the bytes are not chunked at all. The flag
/// says whether the last (zero) chunk was reached.
fn dechunk(mut bytes: &[u8]) -> Option<(Vec<u8>, bool)> {
    let mut out = Vec::new();
    let mut first = true;
    loop {
        let Some(eol) = memchr::memchr(b'\n', bytes) else { return (!first).then_some((out, false)) };
        let line = bytes[..eol].strip_suffix(b"\r").unwrap_or(&bytes[..eol]);
        let size_text = line.split(|&b| b == b';').next().unwrap_or_default().trim_ascii();
        let parsed = std::str::from_utf8(size_text).ok().and_then(|s| usize::from_str_radix(s, 16).ok());
        let Some(size) = parsed.filter(|_| size_text.len() <= 16) else {
            return (!first).then_some((out, false));
        };
        first = false;
        bytes = &bytes[eol + 1..];
        if size == 0 {
            return Some((out, true));
        }
        let take = size.min(bytes.len());
        out.extend_from_slice(&bytes[..take]);
        if take < size {
            return Some((out, false));
        }
        bytes = &bytes[take..];
        bytes = bytes.strip_prefix(b"\r\n").or_else(|| bytes.strip_prefix(b"\n")).unwrap_or(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn head(headers: &[(&str, &str)]) -> HttpHead {
        HttpHead {
            status: 200,
            headers: headers.iter().map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec())).collect(),
        }
    }

    #[test]
    fn a_response_splits_into_head_and_payload() {
        let (h, body) = split_response(b"HTTP/1.1 301 Moved\r\nLocation: /b\r\nX-A: 1\r\n  2\r\n\r\nbody").unwrap();
        assert_eq!(h.status, 301);
        assert_eq!(h.get("location").as_deref(), Some("/b"));
        assert_eq!(h.get("x-a").as_deref(), Some("1 2"));
        assert_eq!(body, b"body");
        assert!(split_response(b"GARBAGE").is_err());
        assert!(split_response(b"HTTP/1.1 abc").is_err());
        assert_eq!(split_response(b"HTTP/1.0 204").unwrap().1, b"");
        assert_eq!(split_response(b"HTTP/1.0 200 OK\n\nx").unwrap().1, b"x");
    }

    #[test]
    fn chunked_and_compressed_payloads_are_decoded_within_the_limit() {
        let chunked = head(&[("Transfer-Encoding", "chunked")]);
        assert_eq!(
            decode_payload(&chunked, b"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n", 100).unwrap(),
            (b"abcde".to_vec(), true)
        );
        // Declared chunked but stored de-chunked: taken as it is.
        assert_eq!(decode_payload(&chunked, b"<html>", 100).unwrap(), (b"<html>".to_vec(), true));
        assert_eq!(decode_payload(&chunked, b"5\r\nab", 100).unwrap(), (b"ab".to_vec(), false));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&b"x".repeat(10_000)).unwrap();
        let gz = gz.finish().unwrap();
        let gzip = head(&[("Content-Encoding", "gzip")]);
        assert_eq!(decode_payload(&gzip, &gz, 20_000).unwrap(), (b"x".repeat(10_000), true));
        // A decompression bomb stops at the limit.
        assert_eq!(decode_payload(&gzip, &gz, 100).unwrap(), (b"x".repeat(100), false));
        assert!(decode_payload(&gzip, b"not gzip", 100).is_err());
        assert!(decode_payload(&head(&[("Content-Encoding", "zstd")]), b"x", 100).is_err());
        assert_eq!(decode_payload(&head(&[]), b"abcdef", 3).unwrap(), (b"abc".to_vec(), false));
    }

    #[test]
    fn the_response_block_describes_the_bytes_kept() {
        let mut ex = Exchange::new(url::Url::parse("http://a.test/p?q=1").unwrap(), 200, std::time::UNIX_EPOCH);
        ex.response_headers = vec![
            ("content-type".into(), b"text/html".to_vec()),
            ("transfer-encoding".into(), b"chunked".to_vec()),
            ("content-length".into(), b"99".to_vec()),
        ];
        let block = String::from_utf8(response_block(&ex, b"hello")).unwrap();
        assert_eq!(
            block,
            "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nX-Archive-Orig-transfer-encoding: chunked\r\n\
             X-Archive-Orig-content-length: 99\r\ncontent-length: 5\r\n\r\nhello"
        );
        ex.request_headers = vec![("Host".into(), b"a.test".to_vec())];
        assert_eq!(request_block(&ex), b"GET /p?q=1 HTTP/1.1\r\nHost: a.test\r\n\r\n");
    }
}
