//! Answering fetches from an archive: an index of its responses by URL, and the fetcher's rules
//! (redirects, limits, charset) applied to them. Nothing here opens a socket.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use url::Url;

use super::FETCHED_URI;
use super::http::{HttpHead, decode_payload, split_response};
use super::reader::{ReadLimits, Reader};
use super::record::Record;
use crate::error::{Error, Result};
use crate::fetch::{self, FetchError, FetchErrorKind, FetchOptions, FetchOutcome, Hop};

/// A response as archived.
#[derive(Debug)]
struct Stored {
    /// The URL actually requested, when the archive says it differs from the target.
    fetched: Option<Url>,
    /// The head and the payload as recorded, or why they cannot be used.
    http: std::result::Result<(HttpHead, Arc<Vec<u8>>), String>,
    /// `WARC-Truncated` was set: the payload is not the whole body.
    truncated: bool,
}

/// What citecheck's own `metadata` record says about a fetch beyond its HTTP messages.
#[derive(Debug, Default)]
struct Noted {
    /// The URL fetched for the cited one (under `--remap`), and where the fetch ended.
    fetched: Option<Url>,
    final_url: Option<Url>,
    attempts: Option<u32>,
    error: Option<FetchError>,
}

/// An archive loaded for replay: every fetch is answered from it, and a URL it does not hold is
/// [`FetchErrorKind::NotInArchive`].
///
/// The first response recorded for a URL answers it. Responses are found by `WARC-Target-URI`
/// and, for archives citecheck wrote under `--remap`, by the URL actually fetched. `revisit`
/// records answer with the response they point at (by `WARC-Refers-To`, else by payload
/// digest).
pub struct Replay {
    path: PathBuf,
    stored: Vec<Stored>,
    by_target: HashMap<String, usize>,
    by_fetched: HashMap<String, usize>,
    noted: HashMap<String, Noted>,
}

impl fmt::Debug for Replay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Replay").field("path", &self.path).field("responses", &self.stored.len()).finish()
    }
}

/// A URL as an index key: parsed (so equivalent spellings meet), without its fragment.
fn key(uri: &str) -> String {
    match Url::parse(uri.trim()) {
        Ok(mut u) => {
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => uri.trim().to_owned(),
    }
}

impl Replay {
    /// Reads the archive at `path` (plain or gzipped). A file that cannot be read, or that is
    /// not a WARC file within `limits`, is an [`Error::Archive`] naming the byte offset.
    pub fn open(path: &Path, limits: ReadLimits) -> Result<Replay> {
        let file = std::fs::File::open(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        Replay::from_reader(path, file, limits)
    }

    /// Reads an archive from `input`; `path` names it in errors.
    pub fn from_reader(path: &Path, input: impl std::io::Read, limits: ReadLimits) -> Result<Replay> {
        let mut replay = Replay {
            path: path.to_path_buf(),
            stored: Vec::new(),
            by_target: HashMap::new(),
            by_fetched: HashMap::new(),
            noted: HashMap::new(),
        };
        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut by_digest: HashMap<String, usize> = HashMap::new();
        let mut any = false;
        for record in Reader::new(input, limits) {
            let record = record.map_err(|e| Error::Archive {
                path: path.to_path_buf(),
                offset: Some(e.offset),
                message: e.message,
            })?;
            any = true;
            let Some(target) = record.target_uri().map(key) else { continue };
            match record.kind().as_deref() {
                Some("response") => {
                    let stored = Stored {
                        fetched: fetched(&record),
                        http: split_response(&record.block).map(|(h, p)| (h, Arc::new(p.to_vec()))),
                        truncated: record.header("WARC-Truncated").is_some(),
                    };
                    let i = replay.add(&target, stored);
                    if let Some(id) = record.header("WARC-Record-ID") {
                        by_id.entry(id.trim().to_owned()).or_insert(i);
                    }
                    if let Some(d) = record.header("WARC-Payload-Digest") {
                        by_digest.entry(d.trim().to_ascii_uppercase()).or_insert(i);
                    }
                }
                Some("revisit") => {
                    let original = record
                        .header("WARC-Refers-To")
                        .and_then(|id| by_id.get(id.trim()))
                        .or_else(|| {
                            record
                                .header("WARC-Payload-Digest")
                                .and_then(|d| by_digest.get(&d.trim().to_ascii_uppercase()))
                        })
                        .copied();
                    let http = match original.map(|i| &replay.stored[i].http) {
                        Some(Ok((head, payload))) => {
                            // A revisit usually carries the new response's head; the payload is the
                            // earlier one's.
                            let head = split_response(&record.block).map(|(h, _)| h).unwrap_or_else(|_| head.clone());
                            Ok((head, Arc::clone(payload)))
                        }
                        Some(Err(e)) => Err(e.clone()),
                        None => Err("a revisit record whose original response is not in the archive".to_owned()),
                    };
                    let truncated = original.is_some_and(|i| replay.stored[i].truncated);
                    replay.add(&target, Stored { fetched: fetched(&record), http, truncated });
                }
                Some("metadata") => {
                    if let Some(noted) = noted(&record) {
                        replay.noted.entry(target).or_insert(noted);
                    }
                }
                _ => {}
            }
        }
        if !any {
            return Err(Error::Archive {
                path: path.to_path_buf(),
                offset: Some(0),
                message: "the archive holds no WARC records".into(),
            });
        }
        Ok(replay)
    }

    fn add(&mut self, target: &str, stored: Stored) -> usize {
        let i = self.stored.len();
        if let Some(f) = &stored.fetched {
            self.by_fetched.entry(key(f.as_str())).or_insert(i);
        }
        self.by_target.entry(target.to_owned()).or_insert(i);
        self.stored.push(stored);
        i
    }

    /// How many responses (and revisits) the archive holds.
    pub fn len(&self) -> usize {
        self.stored.len()
    }

    /// Whether the archive holds no response at all.
    pub fn is_empty(&self) -> bool {
        self.stored.is_empty()
    }

    fn find(&self, url: &Url) -> Option<&Stored> {
        let k = key(url.as_str());
        self.by_target.get(&k).or_else(|| self.by_fetched.get(&k)).map(|&i| &self.stored[i])
    }

    /// The outcome of fetching `url`, as the archive answers it: redirects followed through the
    /// recorded responses (within `options`' redirect limit), the last body cut to the
    /// fetcher's size limits and decoded by its charset rules.
    pub fn answer(&self, url: &Url, options: &FetchOptions) -> FetchOutcome {
        let mut out = FetchOutcome::new(url);
        let noted = self.noted.get(&key(url.as_str()));
        let mut current = url.clone();
        let mut seen = HashSet::from([key(url.as_str())]);
        loop {
            let Some(stored) = self.find(&current) else {
                // A fetch that failed before any response (a name that does not resolve, a
                // refused connection) left only its metadata: it fails the same way again.
                if let Some(noted) = noted.filter(|n| n.error.is_some()) {
                    if out.redirects.is_empty() {
                        out.url = noted.fetched.clone().unwrap_or_else(|| url.clone());
                    }
                    out.final_url = noted.final_url.clone().unwrap_or(current);
                    break;
                }
                let what =
                    if out.redirects.is_empty() { String::new() } else { format!("the redirect to {current} is ") };
                out.final_url = current;
                out.error = Some(FetchError {
                    kind: FetchErrorKind::NotInArchive,
                    message: format!("{what}not in archive {}", self.path.display()),
                });
                return out;
            };
            // The URL that was actually requested is what the report shows as fetched.
            let requested = stored.fetched.clone().unwrap_or_else(|| current.clone());
            if out.redirects.is_empty() {
                out.url = requested.clone();
            }
            out.final_url = requested.clone();
            out.attempts = 1;
            let (head, payload) = match &stored.http {
                Ok(pair) => pair,
                Err(message) => {
                    out.error = Some(FetchError {
                        kind: FetchErrorKind::Protocol,
                        message: format!("the archived response for {requested} cannot be read: {message}"),
                    });
                    return out;
                }
            };
            out.status = Some(head.status);
            out.content_type = head.get("content-type").as_deref().and_then(fetch::content_type_essence);
            out.etag = head.get("etag").filter(|v| !v.is_empty());
            out.last_modified = head.get("last-modified").filter(|v| !v.is_empty());
            let location = head.get("location").filter(|_| matches!(head.status, 301 | 302 | 303 | 307 | 308));
            let Some(location) = location else {
                let kind = fetch::BodyKind::of(out.content_type.as_deref());
                match decode_payload(head, payload, kind.cap(options)) {
                    Ok((bytes, complete)) => {
                        let ended = complete && !stored.truncated;
                        out.truncated = !ended;
                        out.bytes_read = bytes.len() as u64;
                        let content_type = head.get("content-type");
                        fetch::set_body(&mut out, bytes, content_type.as_deref(), ended);
                    }
                    Err(message) => {
                        out.error = Some(FetchError { kind: FetchErrorKind::Body, message });
                    }
                }
                break;
            };
            out.redirects.push(Hop { url: requested.clone(), status: head.status });
            let Ok(next) = requested.join(&location) else {
                out.error = Some(FetchError {
                    kind: FetchErrorKind::Protocol,
                    message: format!("{requested} redirects ({}) to an unusable Location {location:?}", head.status),
                });
                return out;
            };
            if out.redirects.len() > options.max_redirects as usize {
                out.error = Some(FetchError {
                    kind: FetchErrorKind::TooManyRedirects,
                    message: format!("more than {} redirects (the next was to {next})", options.max_redirects),
                });
                return out;
            }
            if !seen.insert(key(next.as_str())) {
                out.error = Some(FetchError {
                    kind: FetchErrorKind::RedirectLoop,
                    message: format!("redirect loop: {requested} redirects back to {next}"),
                });
                return out;
            }
            current = next;
        }
        if let Some(noted) = noted {
            if let Some(n) = noted.attempts {
                out.attempts = n;
            }
            if out.error.is_none() {
                out.error = noted.error.clone();
            }
        }
        out
    }
}

/// The `Citecheck-Fetched-URI` of a record, when it is a URL.
fn fetched(record: &Record) -> Option<Url> {
    record.header(FETCHED_URI).and_then(|u| Url::parse(u.trim()).ok())
}

/// citecheck's own `metadata` record, read back; other tools' metadata is ignored.
fn noted(record: &Record) -> Option<Noted> {
    if !record.header("Content-Type").is_some_and(|c| c.trim().starts_with("application/json")) {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(&record.block).ok()?;
    value.get("citecheck")?;
    let fetch = value.get("fetch")?;
    let url = |v: Option<&serde_json::Value>| v.and_then(serde_json::Value::as_str).and_then(|u| Url::parse(u).ok());
    let fetched = url(value.get("fetched"));
    let final_url = url(fetch.get("final_url"));
    let attempts = fetch.get("attempts").and_then(serde_json::Value::as_u64).and_then(|n| u32::try_from(n).ok());
    let error = fetch.get("error").and_then(|e| {
        let kind = fetch::FetchErrorKind::from_id(e.get("kind")?.as_str()?)?;
        let message = e.get("message")?.as_str()?.to_owned();
        Some(FetchError { kind, message })
    });
    Some(Noted { fetched, final_url, attempts, error })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(target: &str, http: &str) -> Vec<u8> {
        let mut r = Record::new("response");
        r.push("WARC-Target-URI", target);
        r.push("WARC-Record-ID", format!("<urn:uuid:{target}>"));
        r.push("WARC-Payload-Digest", format!("sha1:{}", target.len()));
        r.push("Content-Type", "application/http;msgtype=response");
        r.block = http.as_bytes().to_vec();
        r.to_bytes()
    }

    fn replay(records: &[Vec<u8>]) -> Replay {
        Replay::from_reader(Path::new("t.warc"), &records.concat()[..], ReadLimits::default()).unwrap()
    }

    fn answer(replay: &Replay, url: &str, options: &FetchOptions) -> FetchOutcome {
        replay.answer(&Url::parse(url).unwrap(), options)
    }

    const PAGE: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<title>A page</title>";

    #[test]
    fn redirects_are_followed_through_the_archive_with_the_fetchers_limits() {
        let r = replay(&[
            response("http://a.test/1", "HTTP/1.1 301 Moved\r\nLocation: /2\r\n\r\n"),
            response("http://a.test/2", "HTTP/1.1 302 Found\r\nLocation: http://a.test/3#x\r\n\r\n"),
            response("http://a.test/3", PAGE),
            response("http://a.test/loop", "HTTP/1.1 301 Moved\r\nLocation: /loop2\r\n\r\n"),
            response("http://a.test/loop2", "HTTP/1.1 301 Moved\r\nLocation: /loop\r\n\r\n"),
            response("http://a.test/away", "HTTP/1.1 301 Moved\r\nLocation: http://b.test/\r\n\r\n"),
        ]);
        let options = FetchOptions::default();
        let out = answer(&r, "http://a.test/1#frag", &options);
        assert_eq!(out.error, None);
        assert_eq!((out.status, out.final_url.as_str()), (Some(200), "http://a.test/3#x"));
        assert_eq!(out.redirects.iter().map(|h| h.status).collect::<Vec<_>>(), [301, 302]);
        assert_eq!(out.body, "<title>A page</title>");
        assert!(!out.truncated);
        let kind = |url: &str, o: &FetchOptions| answer(&r, url, o).error.map(|e| e.kind);
        assert_eq!(kind("http://a.test/loop", &options), Some(FetchErrorKind::RedirectLoop));
        assert_eq!(
            kind("http://a.test/1", &FetchOptions::default().max_redirects(1)),
            Some(FetchErrorKind::TooManyRedirects)
        );
        let away = answer(&r, "http://a.test/away", &options);
        assert_eq!(away.error.as_ref().map(|e| e.kind), Some(FetchErrorKind::NotInArchive));
        assert!(away.error.unwrap().message.starts_with("the redirect to http://b.test/ is not in archive"));
        let missing = answer(&r, "http://c.test/", &options).error.unwrap();
        assert_eq!((missing.kind, missing.message.as_str()), (FetchErrorKind::NotInArchive, "not in archive t.warc"));
    }

    #[test]
    fn bodies_obey_the_size_limits_and_unreadable_responses_are_errors() {
        let big = format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n{}", "x".repeat(5000));
        let r = replay(&[response("http://a.test/big", &big), response("http://a.test/bad", "<html>no status line")]);
        let out = answer(&r, "http://a.test/big", &FetchOptions::default().max_other_bytes(100));
        assert_eq!((out.raw.len(), out.truncated), (100, true));
        let bad = answer(&r, "http://a.test/bad", &FetchOptions::default()).error.unwrap();
        assert_eq!(bad.kind, FetchErrorKind::Protocol);
        assert!(bad.message.contains("cannot be read"), "{}", bad.message);
    }

    #[test]
    fn a_revisit_answers_with_the_payload_it_points_at() {
        let mut revisit = Record::new("revisit");
        revisit.push("WARC-Target-URI", "http://a.test/copy");
        revisit.push("WARC-Refers-To", "<urn:uuid:http://a.test/3>");
        revisit.block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n".to_vec();
        let mut orphan = Record::new("revisit");
        orphan.push("WARC-Target-URI", "http://a.test/orphan");
        orphan.push("WARC-Payload-Digest", "sha1:NOTHERE");
        let r = replay(&[response("http://a.test/3", PAGE), revisit.to_bytes(), orphan.to_bytes()]);
        let out = answer(&r, "http://a.test/copy", &FetchOptions::default());
        assert_eq!((out.status, out.body.as_str()), (Some(200), "<title>A page</title>"));
        let orphan = answer(&r, "http://a.test/orphan", &FetchOptions::default()).error.unwrap();
        assert!(orphan.message.contains("not in the archive"), "{}", orphan.message);
    }

    #[test]
    fn an_archive_with_no_records_is_an_error() {
        let err = Replay::from_reader(Path::new("e.warc"), &b""[..], ReadLimits::default()).unwrap_err();
        assert!(err.to_string().contains("e.warc at byte 0: the archive holds no WARC records"), "{err}");
    }
}
