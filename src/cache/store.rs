//! The answers kept per URL: the key they are kept under, and reading and writing them.

use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use url::Url;

use crate::fetch::{self, FetchOptions, FetchOutcome, Hop};
use crate::page::PageMeta;

/// Under what an answer is kept: the URL requested (after `--remap`, without its fragment) and a
/// digest of every setting that changes what a server sends or how much of it is read (the
/// user agent, languages, headers including per-host ones, size limits, redirects followed,
/// whether private addresses are allowed). Changing a cookie or a limit therefore never reuses
/// an answer fetched under the old one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKey {
    pub(crate) url: String,
    pub(crate) variant: String,
    /// `url`, parsed: what a kept answer is rebuilt for.
    target: Url,
}

impl CacheKey {
    /// The key of `url` fetched with `options`.
    pub fn new(url: &Url, options: &FetchOptions) -> CacheKey {
        let mut target = url.clone();
        target.set_fragment(None);
        CacheKey { url: target.to_string(), variant: variant(options), target }
    }

    /// The key of `url` fetched with the same settings as this one (without working the
    /// settings' digest out again).
    pub fn for_url(&self, url: &Url) -> CacheKey {
        let mut target = url.clone();
        target.set_fragment(None);
        CacheKey { url: target.to_string(), variant: self.variant.clone(), target }
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

/// The build whose extraction read the page metadata kept with an answer: the crate version and
/// a digest of the sources it was built from (see `build.rs`). Metadata kept by any other build
/// is not used: the page is read again from the kept bytes, and kept again under this tag.
pub const EXTRACTION: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("CITECHECK_SOURCE_DIGEST"));

/// What a lookup reads of a kept answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// The whole answer, its body decoded again.
    Body,
    /// The page metadata this build read from the body, when it is kept; else the whole answer.
    Page,
}

/// The page metadata that comes with a kept answer.
#[derive(Debug, Clone, PartialEq)]
// Always carried inside a boxed `Kept`: boxing the metadata again would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum PageRead {
    /// Not read by this build (kept by another build, or kept without it): the answer carries its
    /// body, to be read.
    Unread,
    /// Read by this build's extraction from the kept body: the metadata, or `None` for an answer
    /// with no page to read (neither HTML nor PDF, or empty). The answer then carries only the
    /// first bytes of its body, as [`FetchOutcome::drop_body`] leaves it.
    Read(Option<PageMeta>),
}

/// A kept answer, its page metadata, and when it was fetched (milliseconds since 1970, this
/// machine's clock).
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) outcome: FetchOutcome,
    pub(crate) page: PageRead,
    pub(crate) fetched_at: i64,
}

/// Every column but the body, of one answer: everything a lookup needs but the body itself. The
/// body is the last column, so reading these never touches the overflow pages a page's bytes
/// fill.
const SELECT_SMALL: &str = "SELECT fetched_at, status, final_url, redirects, content_type, charset, bytes_read, \
                            truncated, etag, last_modified, head, extraction, page \
                            FROM entries WHERE url = ?1 AND variant = ?2";

/// The same columns, and the body.
const SELECT_WHOLE: &str = "SELECT fetched_at, status, final_url, redirects, content_type, charset, bytes_read, \
                            truncated, etag, last_modified, head, extraction, page, body \
                            FROM entries WHERE url = ?1 AND variant = ?2";

/// One row, without its body.
struct Row {
    fetched_at: i64,
    status: i64,
    final_url: String,
    redirects: String,
    content_type: Option<String>,
    charset: Option<String>,
    bytes_read: i64,
    truncated: bool,
    etag: Option<String>,
    last_modified: Option<String>,
    head: Vec<u8>,
    extraction: Option<String>,
    page: Option<String>,
}

impl Row {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
        Ok(Row {
            fetched_at: r.get(0)?,
            status: r.get(1)?,
            final_url: r.get(2)?,
            redirects: r.get(3)?,
            content_type: r.get(4)?,
            charset: r.get(5)?,
            bytes_read: r.get(6)?,
            truncated: r.get(7)?,
            etag: r.get(8)?,
            last_modified: r.get(9)?,
            head: r.get(10)?,
            extraction: r.get(11)?,
            page: r.get(12)?,
        })
    }

    /// The page metadata this build read from the body, when it is kept and readable.
    fn page(&self) -> Option<Option<PageMeta>> {
        if self.extraction.as_deref() != Some(EXTRACTION) {
            return None;
        }
        serde_json::from_str(self.page.as_deref()?).ok()
    }
}

/// The stored answer for `key`, rebuilt into the outcome the fetch gave. With [`Want::Page`] and
/// metadata this build read, the body is not read at all (the outcome keeps its first bytes);
/// otherwise it is decoded again from the stored bytes, so page metadata is read afresh by
/// whichever citecheck reads it. `Ok(None)` also for a row this build cannot rebuild (an unknown
/// encoding, a bad URL).
pub(crate) fn lookup(conn: &Connection, key: &CacheKey, want: Want) -> rusqlite::Result<Option<Entry>> {
    if want == Want::Page {
        let mut stmt = conn.prepare(SELECT_SMALL)?;
        match read_page(&mut stmt, key)? {
            Found::Nothing => return Ok(None),
            Found::Entry(entry) => return Ok(Some(*entry)),
            Found::NeedsBody => {}
        }
    }
    // One statement, so the body belongs to the row read with it.
    let mut stmt = conn.prepare(SELECT_WHOLE)?;
    let found =
        stmt.query_row(params![key.url, key.variant], |r| Ok((Row::read(r)?, r.get::<_, Vec<u8>>(13)?))).optional()?;
    Ok(found.and_then(|(row, body)| {
        let fetched_at = row.fetched_at;
        rebuild(key, row, Some(body)).map(|outcome| Entry { outcome, page: PageRead::Unread, fetched_at })
    }))
}

/// What reading an answer's page metadata found.
#[derive(Debug)]
pub(crate) enum Found {
    /// No answer is kept (or none this build can rebuild).
    Nothing,
    /// The answer with this build's page metadata, without its body.
    Entry(Box<Entry>),
    /// An answer is kept, without this build's page metadata: its body must be read.
    NeedsBody,
}

fn read_page(stmt: &mut rusqlite::Statement<'_>, key: &CacheKey) -> rusqlite::Result<Found> {
    let Some(row) = stmt.query_row(params![key.url, key.variant], Row::read).optional()? else {
        return Ok(Found::Nothing);
    };
    let Some(page) = row.page() else { return Ok(Found::NeedsBody) };
    let fetched_at = row.fetched_at;
    Ok(match rebuild(key, row, None) {
        Some(outcome) => Found::Entry(Box::new(Entry { outcome, page: PageRead::Read(page), fetched_at })),
        None => Found::Nothing,
    })
}

/// The page metadata of many answers, read in one transaction (one snapshot of the file, one
/// statement prepared once): a warm run's lookups, before anything is fetched. Bodies are never
/// read here: an answer without this build's metadata is [`Found::NeedsBody`].
pub(crate) fn lookup_pages<'k>(
    conn: &mut Connection,
    keys: impl IntoIterator<Item = &'k CacheKey>,
) -> rusqlite::Result<Vec<Found>> {
    let tx = conn.transaction()?;
    let found = {
        let mut stmt = tx.prepare(SELECT_SMALL)?;
        keys.into_iter().map(|key| read_page(&mut stmt, key)).collect::<rusqlite::Result<Vec<Found>>>()?
    };
    tx.commit()?;
    Ok(found)
}

/// The outcome a row stands for: with its body decoded again when `body` is given, else with only
/// the body's first bytes.
fn rebuild(key: &CacheKey, row: Row, body: Option<Vec<u8>>) -> Option<FetchOutcome> {
    let mut o = FetchOutcome::new(&key.target);
    // Most answers end where they were asked for: no second parse.
    if row.final_url != key.url {
        o.final_url = Url::parse(&row.final_url).ok()?;
    }
    o.status = Some(u16::try_from(row.status).ok()?);
    o.redirects = parse_redirects(&row.redirects)?;
    o.content_type = row.content_type;
    match body {
        Some(raw) => {
            if let Some(name) = &row.charset {
                o.body = fetch::decode_again(&raw, name, !row.truncated)?;
            }
            o.raw = raw;
        }
        None => o.raw = row.head,
    }
    o.charset = row.charset;
    o.bytes_read = u64::try_from(row.bytes_read).unwrap_or(0);
    o.truncated = row.truncated;
    o.etag = row.etag;
    o.last_modified = row.last_modified;
    // Nothing was requested to give this answer.
    o.attempts = 0;
    o.elapsed = Duration::ZERO;
    Some(o)
}

/// The page metadata as kept, when it reads back exactly as it is: what cannot is not kept (and
/// is read again from the bytes next time), so kept metadata never changes a report.
fn encode_page(page: &Option<PageMeta>) -> Option<String> {
    let json = serde_json::to_string(page).ok()?;
    let back: Option<PageMeta> = serde_json::from_str(&json).ok()?;
    (back == *page).then_some(json)
}

/// Keeps `outcome` under `key`, replacing what was there, with the page metadata read from it
/// (`page`; `None` when it was not read).
pub(crate) fn put(
    conn: &Connection,
    key: &CacheKey,
    outcome: &FetchOutcome,
    page: Option<&Option<PageMeta>>,
    fetched_at: i64,
) -> rusqlite::Result<()> {
    let page = page.and_then(encode_page);
    let head = &outcome.raw[..outcome.raw.len().min(fetch::HEAD_BYTES)];
    let mut stmt = conn.prepare(
        "INSERT OR REPLACE INTO entries
            (url, variant, fetched_at, status, final_url, redirects, content_type, charset, bytes_read, truncated,
             etag, last_modified, head, extraction, page, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    stmt.execute(params![
        key.url,
        key.variant,
        fetched_at,
        i64::from(outcome.status.unwrap_or(0)),
        outcome.final_url.as_str(),
        redirects_json(&outcome.redirects),
        outcome.content_type,
        outcome.charset,
        i64::try_from(outcome.bytes_read).unwrap_or(i64::MAX),
        outcome.truncated,
        outcome.etag,
        outcome.last_modified,
        head,
        page.as_ref().map(|_| EXTRACTION),
        page,
        outcome.raw,
    ])?;
    Ok(())
}

/// Keeps the page metadata this build read from the answer kept under `key` at `fetched_at`;
/// nothing when the answer has been replaced since (another run fetched it again).
pub(crate) fn remember_page(
    conn: &Connection,
    key: &CacheKey,
    fetched_at: i64,
    page: &Option<PageMeta>,
) -> rusqlite::Result<bool> {
    let Some(page) = encode_page(page) else { return Ok(false) };
    let mut stmt = conn
        .prepare("UPDATE entries SET extraction = ?4, page = ?5 WHERE url = ?1 AND variant = ?2 AND fetched_at = ?3")?;
    Ok(stmt.execute(params![key.url, key.variant, fetched_at, EXTRACTION, page])? > 0)
}

/// After a 304: the stored answer is current as of `fetched_at`, with this run's redirect chain
/// and validators.
pub(crate) fn refresh(
    conn: &Connection,
    key: &CacheKey,
    outcome: &FetchOutcome,
    fetched_at: i64,
) -> rusqlite::Result<()> {
    conn.prepare(
        "UPDATE entries SET fetched_at = ?3, redirects = ?4, etag = ?5, last_modified = ?6
         WHERE url = ?1 AND variant = ?2",
    )?
    .execute(params![
        key.url,
        key.variant,
        fetched_at,
        redirects_json(&outcome.redirects),
        outcome.etag,
        outcome.last_modified
    ])?;
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
        let other = Url::parse("https://news.test/b#x").unwrap();
        assert_eq!(base.for_url(&other), CacheKey::new(&other, &FetchOptions::default()));
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
        assert!(lookup(&conn, &key, Want::Body).unwrap().is_none());
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
        put(&conn, &key, &o, None, 1000).unwrap();
        let entry = lookup(&conn, &key, Want::Body).unwrap().unwrap();
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
        let entry = lookup(&conn, &key, Want::Body).unwrap().unwrap();
        assert_eq!((entry.fetched_at, entry.outcome.etag.as_deref()), (5000, Some("\"v2\"")));
        assert_eq!(prune(&conn, 4000).unwrap(), 0);
        assert_eq!(prune(&conn, 6000).unwrap(), 1);
        assert!(lookup(&conn, &key, Want::Body).unwrap().is_none());
    }

    #[test]
    fn a_row_that_cannot_be_rebuilt_is_a_miss() {
        let conn = db();
        let url = Url::parse("https://news.test/a").unwrap();
        let key = CacheKey::new(&url, &FetchOptions::default());
        let mut o = FetchOutcome::new(&url);
        o.status = Some(200);
        o.charset = Some("no-such-encoding".into());
        put(&conn, &key, &o, None, 1).unwrap();
        assert!(lookup(&conn, &key, Want::Body).unwrap().is_none());
    }

    fn page_answer(url: &Url) -> FetchOutcome {
        let mut o = FetchOutcome::new(url);
        o.status = Some(200);
        o.content_type = Some("text/html".into());
        o.charset = Some("UTF-8".into());
        o.body = "<html><head><title>Council approves tram line</title></head></html>".into();
        o.raw = o.body.as_bytes().to_vec();
        o.bytes_read = o.raw.len() as u64;
        o.etag = Some("\"v1\"".into());
        o
    }

    #[test]
    fn this_builds_page_metadata_comes_back_without_the_body() {
        let conn = db();
        let url = Url::parse("https://news.test/a").unwrap();
        let key = CacheKey::new(&url, &FetchOptions::default());
        let o = page_answer(&url);
        let meta = Some(crate::page::extract(&o.body, Some(&url)));
        put(&conn, &key, &o, Some(&meta), 1000).unwrap();
        let entry = lookup(&conn, &key, Want::Page).unwrap().unwrap();
        assert_eq!(entry.page, PageRead::Read(meta.clone()));
        assert_eq!(entry.outcome.raw, &o.raw[..fetch::HEAD_BYTES], "only the first bytes");
        assert!(entry.outcome.body.is_empty(), "nothing decoded");
        assert_eq!((entry.outcome.status, entry.outcome.etag.as_deref()), (Some(200), Some("\"v1\"")));
        assert_eq!((entry.outcome.bytes_read, entry.fetched_at), (o.bytes_read, 1000));
        // Asked for the body, the body it is.
        let whole = lookup(&conn, &key, Want::Body).unwrap().unwrap();
        assert_eq!((whole.outcome.body.as_str(), whole.page), (o.body.as_str(), PageRead::Unread));
        // No page to read is kept as such, and also needs no body.
        let mut image = o.clone();
        image.content_type = Some("image/png".into());
        image.charset = None;
        image.body.clear();
        put(&conn, &key, &image, Some(&None), 1000).unwrap();
        assert_eq!(lookup(&conn, &key, Want::Page).unwrap().unwrap().page, PageRead::Read(None));
    }

    #[test]
    fn metadata_kept_by_another_build_or_unreadable_is_read_again() {
        let conn = db();
        let url = Url::parse("https://news.test/a").unwrap();
        let key = CacheKey::new(&url, &FetchOptions::default());
        let o = page_answer(&url);
        let meta = Some(crate::page::extract(&o.body, Some(&url)));
        put(&conn, &key, &o, Some(&meta), 1000).unwrap();
        for (extraction, page) in [("0.0.1+0123456789abcdef", None), (EXTRACTION, Some("{\"titles\": 7}"))] {
            let mut sql = String::from("UPDATE entries SET extraction = ?1");
            if let Some(page) = page {
                sql.push_str(&format!(", page = '{page}'"));
            }
            conn.execute(&sql, params![extraction]).unwrap();
            let entry = lookup(&conn, &key, Want::Page).unwrap().unwrap();
            assert_eq!(entry.page, PageRead::Unread, "{extraction}");
            assert_eq!(entry.outcome.body, o.body, "the body is there to be read");
            // Kept again by this build, it is used.
            assert!(remember_page(&conn, &key, entry.fetched_at, &meta).unwrap());
            assert_eq!(lookup(&conn, &key, Want::Page).unwrap().unwrap().page, PageRead::Read(meta.clone()));
        }
        // Not over an answer fetched again since.
        assert!(!remember_page(&conn, &key, 999, &meta).unwrap());
        // Kept without its page (an API answer): read when a page is wanted.
        put(&conn, &key, &o, None, 2000).unwrap();
        assert_eq!(lookup(&conn, &key, Want::Page).unwrap().unwrap().page, PageRead::Unread);
    }

    #[test]
    fn metadata_that_would_not_read_back_exactly_is_not_kept() {
        let mut meta = crate::page::PageMeta::default();
        meta.titles.push(crate::page::TitleCandidate { source: crate::page::TitleSource::H1, text: "A".into() });
        assert!(encode_page(&Some(meta.clone())).is_some());
        assert!(encode_page(&None).is_some());
        // A date no ISO form gives back as it is.
        meta.date = Some(crate::date::PartialDate { year: 12_345, month: None, day: None });
        assert!(encode_page(&Some(meta)).is_none());
    }

    #[test]
    fn a_cache_of_the_first_schema_upgrades_with_its_answers() {
        let mut conn = Connection::open_in_memory().unwrap();
        schema::migrate(&mut conn, &schema::MIGRATIONS[..1]).unwrap();
        let url = Url::parse("https://news.test/a").unwrap();
        let key = CacheKey::new(&url, &FetchOptions::default());
        let o = page_answer(&url);
        conn.execute(
            "INSERT INTO entries (url, variant, fetched_at, status, final_url, redirects, content_type, charset,
                                  body, bytes_read, truncated, etag, last_modified)
             VALUES (?1, ?2, 1000, 200, ?1, '[]', 'text/html', 'UTF-8', ?3, ?4, 0, '\"v1\"', NULL)",
            params![key.url, key.variant, o.raw, o.raw.len() as i64],
        )
        .unwrap();
        schema::migrate(&mut conn, schema::MIGRATIONS).unwrap();
        let entry = lookup(&conn, &key, Want::Page).unwrap().unwrap();
        assert_eq!(entry.page, PageRead::Unread, "an old answer's page is read again");
        assert_eq!((entry.outcome.body.as_str(), entry.fetched_at), (o.body.as_str(), 1000));
        assert_eq!(entry.outcome.etag.as_deref(), Some("\"v1\""));
        let head: Vec<u8> = conn.query_row("SELECT head FROM entries", [], |r| r.get(0)).unwrap();
        assert_eq!(head, &o.raw[..fetch::HEAD_BYTES]);
        let meta = Some(crate::page::extract(&o.body, Some(&url)));
        assert!(remember_page(&conn, &key, entry.fetched_at, &meta).unwrap());
        assert_eq!(lookup(&conn, &key, Want::Page).unwrap().unwrap().page, PageRead::Read(meta));
    }
}
