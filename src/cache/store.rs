//! The answers kept per URL: the key they are kept under, and reading and writing them.

use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use url::Url;

use crate::fetch::{self, FetchOptions, FetchOutcome, Hop};

/// Under what an answer is kept: the URL requested (after `--remap`, without its fragment) and a
/// digest of every setting that changes what a server sends or how much of it is read (the
/// user agent, languages, headers including per-host ones, size limits, redirects followed,
/// whether private addresses are allowed). Changing a cookie or a limit therefore never reuses
/// an answer fetched under the old one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKey {
    pub(crate) url: String,
    pub(crate) variant: String,
}

impl CacheKey {
    /// The key of `url` fetched with `options`.
    pub fn new(url: &Url, options: &FetchOptions) -> CacheKey {
        let mut url = url.clone();
        url.set_fragment(None);
        CacheKey { url: url.to_string(), variant: variant(options) }
    }

    /// The URL part of the key.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// A digest of the fetch settings that shape an answer (hex, 16 bytes of SHA-256).
fn variant(o: &FetchOptions) -> String {
    let mut text = String::from("citecheck-cache-variant-1\n");
    let mut line = |k: &str, v: &str| {
        text.push_str(k);
        text.push('\u{1f}');
        text.push_str(v);
        text.push('\n');
    };
    line("user-agent", &o.user_agent);
    line("accept-language", &o.accept_language);
    line("max-body-bytes", &o.max_body_bytes.to_string());
    line("head-scan-bytes", &o.head_scan_bytes.to_string());
    line("max-other-bytes", &o.max_other_bytes.to_string());
    line("max-redirects", &o.max_redirects.to_string());
    line("allow-private", &o.allow_private.to_string());
    line("proxy", o.proxy.as_deref().unwrap_or(""));
    for (name, value) in &o.headers {
        line("header", &format!("{}:{value}", name.trim().to_ascii_lowercase()));
    }
    for (pattern, host) in &o.hosts {
        for (name, value) in &host.headers {
            line("host-header", &format!("{pattern}|{}:{value}", name.trim().to_ascii_lowercase()));
        }
    }
    for cert in &o.extra_root_certs {
        line("root", &hex(ring::digest::digest(&ring::digest::SHA256, cert).as_ref()));
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
    hex(&digest.as_ref()[..16])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A kept answer and when it was fetched (milliseconds since 1970, this machine's clock).
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) outcome: FetchOutcome,
    pub(crate) fetched_at: i64,
}

/// The stored answer for `key`, rebuilt into the outcome the fetch gave: the body is decoded
/// again from the stored bytes, so page metadata is read afresh by whichever citecheck reads it.
/// `Ok(None)` also for a row this build cannot rebuild (an unknown encoding, a bad URL).
pub(crate) fn lookup(conn: &Connection, key: &CacheKey) -> rusqlite::Result<Option<Entry>> {
    let row = conn
        .query_row(
            "SELECT fetched_at, status, final_url, redirects, content_type, charset, body, bytes_read, truncated,
                    etag, last_modified
             FROM entries WHERE url = ?1 AND variant = ?2",
            params![key.url, key.variant],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Vec<u8>>(6)?,
                    r.get::<_, i64>(7)?,
                    r.get::<_, bool>(8)?,
                    r.get::<_, Option<String>>(9)?,
                    r.get::<_, Option<String>>(10)?,
                ))
            },
        )
        .optional()?;
    let Some((fetched_at, status, final_url, redirects, content_type, charset, raw, bytes_read, truncated, etag, lm)) =
        row
    else {
        return Ok(None);
    };
    let rebuilt = (|| {
        let url = Url::parse(&key.url).ok()?;
        let mut o = FetchOutcome::new(&url);
        o.final_url = Url::parse(&final_url).ok()?;
        o.status = Some(u16::try_from(status).ok()?);
        o.redirects = parse_redirects(&redirects)?;
        o.content_type = content_type;
        if let Some(name) = &charset {
            o.body = fetch::decode_again(&raw, name, !truncated)?;
        }
        o.charset = charset;
        o.raw = raw;
        o.bytes_read = u64::try_from(bytes_read).unwrap_or(0);
        o.truncated = truncated;
        o.etag = etag;
        o.last_modified = lm;
        // Nothing was requested to give this answer.
        o.attempts = 0;
        o.elapsed = Duration::ZERO;
        Some(o)
    })();
    Ok(rebuilt.map(|outcome| Entry { outcome, fetched_at }))
}

/// Keeps `outcome` under `key`, replacing what was there.
pub(crate) fn put(conn: &Connection, key: &CacheKey, outcome: &FetchOutcome, fetched_at: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO entries
            (url, variant, fetched_at, status, final_url, redirects, content_type, charset, body, bytes_read,
             truncated, etag, last_modified)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            key.url,
            key.variant,
            fetched_at,
            i64::from(outcome.status.unwrap_or(0)),
            outcome.final_url.as_str(),
            redirects_json(&outcome.redirects),
            outcome.content_type,
            outcome.charset,
            outcome.raw,
            i64::try_from(outcome.bytes_read).unwrap_or(i64::MAX),
            outcome.truncated,
            outcome.etag,
            outcome.last_modified,
        ],
    )?;
    Ok(())
}

/// After a 304: the stored answer is current as of `fetched_at`, with this run's redirect chain
/// and validators.
pub(crate) fn refresh(
    conn: &Connection,
    key: &CacheKey,
    outcome: &FetchOutcome,
    fetched_at: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE entries SET fetched_at = ?3, redirects = ?4, etag = ?5, last_modified = ?6
         WHERE url = ?1 AND variant = ?2",
        params![
            key.url,
            key.variant,
            fetched_at,
            redirects_json(&outcome.redirects),
            outcome.etag,
            outcome.last_modified
        ],
    )?;
    Ok(())
}

/// Forgets answers fetched (or last confirmed) before `before` (milliseconds since 1970).
pub(crate) fn prune(conn: &Connection, before: i64) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM entries WHERE fetched_at < ?1", params![before])
}

fn redirects_json(hops: &[Hop]) -> String {
    let list: Vec<(String, u16)> = hops.iter().map(|h| (h.url.to_string(), h.status)).collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

fn parse_redirects(json: &str) -> Option<Vec<Hop>> {
    let list: Vec<(String, u16)> = serde_json::from_str(json).ok()?;
    list.into_iter().map(|(url, status)| Some(Hop { url: Url::parse(&url).ok()?, status })).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::schema;
    use crate::fetch::HostPattern;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        schema::migrate(&mut conn, schema::MIGRATIONS).unwrap();
        conn
    }

    #[test]
    fn settings_that_change_the_answer_change_the_key() {
        let url = Url::parse("https://news.test/a#part").unwrap();
        let base = CacheKey::new(&url, &FetchOptions::default());
        assert_eq!(base.url(), "https://news.test/a");
        // Politeness and timeouts do not change what is sent.
        let same = FetchOptions::default().host_interval(Duration::from_secs(2)).attempts(1);
        assert_eq!(CacheKey::new(&url, &same), base);
        for other in [
            FetchOptions::default().header("Cookie", "consent=yes"),
            FetchOptions::default().user_agent("other/1"),
            FetchOptions::default().max_body_bytes(1000),
            FetchOptions::default().allow_private(true),
            FetchOptions::default().host(
                HostPattern::parse("news.test").unwrap(),
                crate::fetch::HostOptions { headers: vec![("Cookie".into(), "a=b".into())], ..Default::default() },
            ),
        ] {
            assert_ne!(CacheKey::new(&url, &other).variant, base.variant, "{other:?}");
        }
    }

    #[test]
    fn an_answer_comes_back_as_it_was_fetched() {
        let conn = db();
        let url = Url::parse("https://news.test/a").unwrap();
        let key = CacheKey::new(&url, &FetchOptions::default());
        assert!(lookup(&conn, &key).unwrap().is_none());
        let mut o = FetchOutcome::new(&url);
        o.final_url = Url::parse("https://news.test/b").unwrap();
        o.redirects = vec![Hop { url: url.clone(), status: 301 }];
        o.status = Some(200);
        o.content_type = Some("text/html".into());
        // windows-1252 bytes: the text is decoded again from them.
        o.raw = b"<title>Caf\xe9 \x93news\x94</title>".to_vec();
        o.charset = Some("windows-1252".into());
        o.body = "<title>Café “news”</title>".into();
        o.bytes_read = o.raw.len() as u64;
        o.etag = Some("\"v1\"".into());
        o.attempts = 2;
        put(&conn, &key, &o, 1000).unwrap();
        let entry = lookup(&conn, &key).unwrap().unwrap();
        assert_eq!(entry.fetched_at, 1000);
        let back = entry.outcome;
        assert_eq!(back.body, o.body);
        assert_eq!(back.raw, o.raw);
        assert_eq!((back.final_url, back.redirects, back.status), (o.final_url.clone(), o.redirects.clone(), o.status));
        assert_eq!(
            (back.content_type, back.charset, back.etag),
            (o.content_type.clone(), o.charset.clone(), o.etag.clone())
        );
        assert_eq!(back.attempts, 0, "nothing was requested");
        // A 304 refreshes the time and the validators.
        let mut confirmed = o.clone();
        confirmed.etag = Some("\"v2\"".into());
        refresh(&conn, &key, &confirmed, 5000).unwrap();
        let entry = lookup(&conn, &key).unwrap().unwrap();
        assert_eq!((entry.fetched_at, entry.outcome.etag.as_deref()), (5000, Some("\"v2\"")));
        assert_eq!(prune(&conn, 4000).unwrap(), 0);
        assert_eq!(prune(&conn, 6000).unwrap(), 1);
        assert!(lookup(&conn, &key).unwrap().is_none());
    }

    #[test]
    fn a_row_that_cannot_be_rebuilt_is_a_miss() {
        let conn = db();
        let url = Url::parse("https://news.test/a").unwrap();
        let key = CacheKey::new(&url, &FetchOptions::default());
        let mut o = FetchOutcome::new(&url);
        o.status = Some(200);
        o.charset = Some("no-such-encoding".into());
        put(&conn, &key, &o, 1).unwrap();
        assert!(lookup(&conn, &key).unwrap().is_none());
    }
}
