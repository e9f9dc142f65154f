//! The result cache and the record of runs: one SQLite database (by default
//! `citecheck/cache.sqlite3` in the platform's cache directory, see [`default_path`]).
//!
//! **What is kept**, per URL requested (after `--remap`) and per variant of the settings that
//! shape an answer (see [`CacheKey`]): the status, the redirect chain, the final URL, the
//! content type and charset, the body bytes the fetcher read (already bounded by its limits),
//! how many bytes were read and whether reading stopped early, the `ETag` and `Last-Modified`,
//! and when it was fetched; and the page metadata read from those bytes, tagged with the build
//! that read it ([`EXTRACTION`]). A build finding its own tag uses the metadata as it is, without
//! reading the bytes at all ([`Cache::lookup_page`]: a warm run does no decoding and no
//! extraction); any other build reads the page again from the bytes with its own, newer
//! extraction and keeps its metadata in turn. The page's text is never kept; the bytes stay the
//! evidence of what the server sent.
//!
//! **What is never kept** ([`policy::is_cacheable`]): fetch errors of any kind (timeouts,
//! connection errors, DNS and TLS failures, redirect loops, cut bodies, addresses the safety
//! policy refused, a URL's time budget running out), 408, 429 and every 5xx. URLs never
//! fetched (excluded, invalid, not checked before the deadline) have nothing to keep.
//!
//! **When a kept answer is used**: within its time-to-live ([`CacheOptions::ttl`], per host with
//! [`CacheOptions::host_ttl`]) it is the answer, with no request. After it, the URL is asked for
//! again with `If-None-Match`/`If-Modified-Since` on every hop; a 304 from the URL the kept
//! chain ended at confirms the kept answer (and restarts its time-to-live); anything else is the
//! new answer. A kept answer with neither validator is fetched again in full.
//!
//! **Safety**: the file is checked to be a citecheck cache (`PRAGMA application_id`) of a schema
//! this build knows (`PRAGMA user_version`, migrated in order). A file that is not SQLite, is
//! damaged, belongs to another program or comes from a newer citecheck is moved aside
//! (`cache.sqlite3.corrupt-1`, `.foreign-1`, `.newer-1`) with a warning and a fresh cache is
//! started. Damage found during a run stops the cache being used for the rest of it. The
//! database is in WAL mode with a busy timeout, so concurrent runs share it. Failing to write
//! never fails a run: it is a [`CacheWarning`].
//!
//! Every method here blocks on SQLite: async callers run them off their workers (the checker uses
//! `spawn_blocking`). A [`Cache`] is cheap to clone and safe to share between threads.

mod history;
mod policy;
mod schema;
mod store;

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, ErrorCode};
use url::Url;

use crate::error::{Error, Result};
use crate::fetch::{FetchOutcome, FetchRequest, HostPattern, best_match};
use crate::page::PageMeta;
use store::Want;

pub use history::{
    Change, DocumentRecord, Event, History, HistoryQuery, ReferenceHistory, ReferenceRecord, RunRecord, RunSummary,
};
pub use policy::{Revalidated, conditional_request, is_cacheable, is_fresh, revalidated};
pub use store::{CacheKey, EXTRACTION, PageRead};

/// The cache file's name inside the cache directory.
pub const FILE_NAME: &str = "cache.sqlite3";

/// The default time-to-live of a kept answer: a day.
pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// How long a kept answer not used or confirmed is kept at least: 30 days (or the longest
/// time-to-live, if longer). Older answers are removed by [`Cache::prune`].
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// Where the cache lives by default: `citecheck/cache.sqlite3` in the platform's cache directory
/// (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on
/// Windows). `None` when the platform has none (no home directory).
pub fn default_path() -> Option<PathBuf> {
    dirs::cache_dir().map(|dir| dir.join("citecheck").join(FILE_NAME))
}

/// Whether the cache answers, records, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CacheMode {
    /// Kept answers are used and new ones kept (the default).
    #[default]
    ReadWrite,
    /// Every URL is fetched; the answers are still kept. For runs whose evidence must be fresh,
    /// such as one writing an evidence archive.
    WriteOnly,
    /// Kept answers are used, nothing is written (not even the run's record).
    ReadOnly,
}

impl CacheMode {
    /// Whether kept answers are used.
    pub fn reads(self) -> bool {
        matches!(self, CacheMode::ReadWrite | CacheMode::ReadOnly)
    }

    /// Whether answers and runs are written.
    pub fn writes(self) -> bool {
        matches!(self, CacheMode::ReadWrite | CacheMode::WriteOnly)
    }
}

/// How the cache behaves:
///
/// ```
/// use std::time::Duration;
/// use citecheck::cache::{CacheMode, CacheOptions};
/// use citecheck::fetch::HostPattern;
/// let options = CacheOptions::default()
///     .ttl(Duration::from_secs(6 * 3600))
///     .host_ttl(HostPattern::parse("*.example-news.com").unwrap(), Duration::from_secs(600))
///     .mode(CacheMode::WriteOnly);
/// let url = url::Url::parse("https://www.example-news.com/story").unwrap();
/// assert_eq!(options.ttl_for(&url), Duration::from_secs(600));
/// ```
#[derive(Debug, Clone)]
pub struct CacheOptions {
    ttl: Duration,
    host_ttl: Vec<(HostPattern, Duration)>,
    mode: CacheMode,
    retention: Duration,
}

impl Default for CacheOptions {
    fn default() -> Self {
        CacheOptions {
            ttl: DEFAULT_TTL,
            host_ttl: Vec::new(),
            mode: CacheMode::ReadWrite,
            retention: DEFAULT_RETENTION,
        }
    }
}

impl CacheOptions {
    /// How long a kept answer is used without asking the server ([`DEFAULT_TTL`]). Zero asks
    /// every time (with a conditional request when the answer has validators).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// The time-to-live for the hosts `pattern` matches (the most specific pattern wins, as for
    /// the fetcher's per-host settings).
    pub fn host_ttl(mut self, pattern: HostPattern, ttl: Duration) -> Self {
        self.host_ttl.push((pattern, ttl));
        self
    }

    /// Whether kept answers are used and new ones kept.
    pub fn mode(mut self, mode: CacheMode) -> Self {
        self.mode = mode;
        self
    }

    /// How long an answer neither used nor confirmed stays ([`DEFAULT_RETENTION`]).
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// The mode.
    pub fn current_mode(&self) -> CacheMode {
        self.mode
    }

    /// The time-to-live that applies to `url` (the URL requested).
    pub fn ttl_for(&self, url: &Url) -> Duration {
        best_match(&self.host_ttl, url).copied().unwrap_or(self.ttl)
    }

    fn longest_ttl(&self) -> Duration {
        self.host_ttl.iter().map(|(_, d)| *d).chain([self.ttl]).max().unwrap_or(self.ttl)
    }
}

/// Something about the cache a person should know, which did not stop the run: a damaged file
/// moved aside, a write that failed. The binary prints each once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheWarning {
    /// One line, naming the file.
    pub message: String,
}

impl fmt::Display for CacheWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the cache holds for a URL.
#[derive(Debug)]
pub enum Lookup {
    /// Nothing usable: fetch it.
    Miss,
    /// A kept answer within its time-to-live: use it, with no request.
    Fresh(Box<Kept>),
    /// A kept answer past its time-to-live, with validators: ask whether it changed.
    Stale(Stale),
}

/// A kept answer, as a lookup gives it back.
#[derive(Debug)]
pub struct Kept {
    /// The answer the fetch gave (with no attempts and no time: nothing was requested). When
    /// [`page`](Self::page) is [`PageRead::Read`], only the first bytes of its body are there.
    pub outcome: FetchOutcome,
    /// The page metadata this build read from it, when it is kept.
    pub page: PageRead,
    /// When it was fetched, or last confirmed by a 304.
    pub fetched_at: SystemTime,
}

impl Kept {
    fn new(entry: store::Entry) -> Kept {
        let fetched_at = if entry.fetched_at >= 0 {
            UNIX_EPOCH + Duration::from_millis(entry.fetched_at.unsigned_abs())
        } else {
            UNIX_EPOCH - Duration::from_millis(entry.fetched_at.unsigned_abs())
        };
        Kept { outcome: entry.outcome, page: entry.page, fetched_at }
    }
}

/// A kept answer to revalidate.
#[derive(Debug)]
pub struct Stale {
    stored: Box<Kept>,
    request: FetchRequest,
}

impl Stale {
    /// The conditional request to send (with [`Fetcher::fetch_with`](crate::fetch::Fetcher::fetch_with)).
    pub fn request(&self) -> &FetchRequest {
        &self.request
    }

    /// The page metadata kept with the answer: still the page's when a 304 confirms it.
    pub fn page(&self) -> &PageRead {
        &self.stored.page
    }

    /// What the server's answer to [`request`](Self::request) means (see [`revalidated`]).
    pub fn revalidated(self, fresh: FetchOutcome) -> Revalidated {
        policy::revalidated(self.stored.outcome, fresh)
    }
}

/// The open cache. Clones share one connection.
#[derive(Clone)]
pub struct Cache {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    options: CacheOptions,
    /// `None` once damage was found: nothing more is read or written this run.
    conn: Mutex<Option<Connection>>,
    warnings: Mutex<Warnings>,
    fresh: AtomicUsize,
    confirmed: AtomicUsize,
    stored: AtomicUsize,
}

/// A write-ahead log longer than this is copied into the file and emptied when the cache is
/// closed. A run that fetched pages leaves a long one (bodies are most of what is written); one
/// answered from the cache adds only its record, a few pages, not worth the fsyncs a checkpoint
/// costs. The next run reads the whole log when it opens the file, so it is kept short.
const LOG_LIMIT: u64 = 1 << 20;

impl Drop for Inner {
    fn drop(&mut self) {
        if !self.options.mode.writes() {
            return;
        }
        let Ok(Some(conn)) = self.conn.get_mut() else { return };
        let mut log = self.path.clone().into_os_string();
        log.push("-wal");
        if std::fs::metadata(&log).is_ok_and(|m| m.len() > LOG_LIMIT) {
            // Another run reading the file would make the checkpoint wait for it: it is left to
            // a later run instead.
            let _ = conn.busy_timeout(Duration::ZERO);
            let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
    }
}

/// What the cache did in a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// URLs answered from the cache with no request (within their time-to-live).
    pub fresh: usize,
    /// URLs whose kept answer a 304 confirmed.
    pub confirmed: usize,
    /// Answers written.
    pub stored: usize,
}

#[derive(Default)]
struct Warnings {
    list: Vec<CacheWarning>,
    said: HashSet<&'static str>,
}

impl fmt::Debug for Cache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cache").field("path", &self.inner.path).field("options", &self.inner.options).finish()
    }
}

impl Cache {
    /// Opens the cache at `path`, creating it (and its directory) if needed. A file there that
    /// cannot be used is moved aside and a fresh cache started, with a warning (see
    /// [`take_warnings`](Self::take_warnings)). Fails with [`Error::Cache`] only when no cache
    /// can be had at all (an unwritable directory, a lock held past the busy timeout): the
    /// caller then runs without one.
    pub fn open(path: impl Into<PathBuf>, options: CacheOptions) -> Result<Cache> {
        let path = path.into();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| cache_error(&path, format!("cannot create its directory {}: {e}", dir.display())))?;
        }
        let mut warnings = Warnings::default();
        create_private(&path);
        let conn = match schema::open(&path) {
            Ok(conn) => conn,
            Err(schema::OpenError::Unusable(why)) => {
                let moved = schema::move_aside(&path, &why).map_err(|e| {
                    cache_error(&path, format!("{}, and it could not be moved aside: {e}", why.describe()))
                })?;
                warnings.list.push(CacheWarning {
                    message: format!(
                        "the cache {} {}; moved it to {} and started a fresh one",
                        path.display(),
                        why.describe(),
                        moved.display()
                    ),
                });
                create_private(&path);
                schema::open(&path).map_err(|e| cache_error(&path, open_message(e)))?
            }
            Err(e) => return Err(cache_error(&path, open_message(e))),
        };
        Ok(Cache {
            inner: Arc::new(Inner {
                path,
                options,
                conn: Mutex::new(Some(conn)),
                warnings: Mutex::new(warnings),
                fresh: AtomicUsize::new(0),
                confirmed: AtomicUsize::new(0),
                stored: AtomicUsize::new(0),
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The options it was opened with.
    pub fn options(&self) -> &CacheOptions {
        &self.inner.options
    }

    /// What the cache holds for `url` under `key`, judged at `now`, with its body decoded again
    /// (its page is [`PageRead::Unread`]). Always [`Lookup::Miss`] in [`CacheMode::WriteOnly`].
    pub fn lookup(&self, url: &Url, key: &CacheKey, now: SystemTime) -> Lookup {
        self.find(url, key, now, Want::Body)
    }

    /// [`lookup`](Self::lookup) for an answer whose page is to be read: when this build's page
    /// metadata is kept with it ([`PageRead::Read`]) the body is not read at all and the answer
    /// carries only its first bytes; otherwise the body is there, to be read (and the metadata
    /// kept with [`remember_page`](Self::remember_page)).
    pub fn lookup_page(&self, url: &Url, key: &CacheKey, now: SystemTime) -> Lookup {
        self.find(url, key, now, Want::Page)
    }

    /// [`lookup_page`](Self::lookup_page) for many URLs at once, in one read of the database
    /// (one snapshot, one statement): a run's pages, looked up before anything is fetched. Bodies
    /// are not read here (there may be thousands, each up to the body limit): the place of an
    /// answer kept without this build's page metadata is `None`, and
    /// [`lookup_page`](Self::lookup_page) reads it; so is every place when the cache cannot be
    /// read.
    pub fn lookup_pages(&self, wanted: &[(Url, CacheKey)], now: SystemTime) -> Vec<Option<Lookup>> {
        if !self.inner.options.mode.reads() {
            return wanted.iter().map(|_| Some(Lookup::Miss)).collect();
        }
        let Some(found) = self.with_conn("read", |c| store::lookup_pages(c, wanted.iter().map(|(_, key)| key))) else {
            return wanted.iter().map(|_| None).collect();
        };
        found
            .into_iter()
            .zip(wanted)
            .map(|(found, (url, _))| match found {
                store::Found::Nothing => Some(Lookup::Miss),
                store::Found::Entry(entry) => Some(self.judge(url, *entry, now)),
                store::Found::NeedsBody => None,
            })
            .collect()
    }

    fn find(&self, url: &Url, key: &CacheKey, now: SystemTime, want: Want) -> Lookup {
        if !self.inner.options.mode.reads() {
            return Lookup::Miss;
        }
        match self.with_conn("read", |c| store::lookup(c, key, want)).flatten() {
            Some(entry) => self.judge(url, entry, now),
            None => Lookup::Miss,
        }
    }

    /// Whether a kept answer is used as it is, asked about, or fetched again.
    fn judge(&self, url: &Url, entry: store::Entry, now: SystemTime) -> Lookup {
        if is_fresh(millis(now).saturating_sub(entry.fetched_at), self.inner.options.ttl_for(url)) {
            self.inner.fresh.fetch_add(1, Ordering::Relaxed);
            return Lookup::Fresh(Box::new(Kept::new(entry)));
        }
        let request = conditional_request(entry.outcome.etag.as_deref(), entry.outcome.last_modified.as_deref());
        match request {
            Some(request) => Lookup::Stale(Stale { stored: Box::new(Kept::new(entry)), request }),
            None => Lookup::Miss,
        }
    }

    /// Keeps `outcome` under `key` if it may be kept ([`is_cacheable`]) and the mode writes;
    /// whether it was written. Nothing is kept of its page: a lookup for the page reads it
    /// again from the body.
    pub fn store(&self, key: &CacheKey, outcome: &FetchOutcome, now: SystemTime) -> bool {
        self.put(key, outcome, None, now)
    }

    /// [`store`](Self::store), with the page metadata this build read from `outcome` (`None`
    /// when it is no page to read), so that a later [`lookup_page`](Self::lookup_page) needs
    /// neither its body nor an extraction.
    pub fn store_page(&self, key: &CacheKey, outcome: &FetchOutcome, page: &Option<PageMeta>, now: SystemTime) -> bool {
        self.put(key, outcome, Some(page), now)
    }

    fn put(&self, key: &CacheKey, outcome: &FetchOutcome, page: Option<&Option<PageMeta>>, now: SystemTime) -> bool {
        if !self.inner.options.mode.writes() || !is_cacheable(outcome) {
            return false;
        }
        let written = self.with_conn("written", |c| store::put(c, key, outcome, page, millis(now))).is_some();
        if written {
            self.inner.stored.fetch_add(1, Ordering::Relaxed);
        }
        written
    }

    /// Keeps the page metadata this build read from an answer a lookup gave as
    /// [`PageRead::Unread`] (kept by another build, or without its page): `fetched_at` is the
    /// [`Kept::fetched_at`] it came with (or the time given to [`confirm`](Self::confirm)), and
    /// nothing is written if the answer has been replaced since. Whether it was written.
    pub fn remember_page(&self, key: &CacheKey, fetched_at: SystemTime, page: &Option<PageMeta>) -> bool {
        if !self.inner.options.mode.writes() {
            return false;
        }
        self.with_conn("written", |c| store::remember_page(c, key, millis(fetched_at), page)).unwrap_or(false)
    }

    /// Records that a 304 confirmed the kept answer under `key` at `now` (`outcome` is the
    /// merged answer [`Revalidated::NotModified`] gave).
    pub fn confirm(&self, key: &CacheKey, outcome: &FetchOutcome, now: SystemTime) -> bool {
        self.inner.confirmed.fetch_add(1, Ordering::Relaxed);
        if !self.inner.options.mode.writes() {
            return false;
        }
        self.with_conn("written", |c| store::refresh(c, key, outcome, millis(now))).is_some()
    }

    /// Records a run, for [`history`](Self::history); whether it was written.
    pub fn record_run(&self, run: &RunRecord) -> bool {
        if !self.inner.options.mode.writes() {
            return false;
        }
        self.with_conn("written", |c| history::record(c, run)).is_some()
    }

    /// Removes answers neither fetched nor confirmed within the retention (or the longest
    /// time-to-live, if longer) before `now`; how many.
    pub fn prune(&self, now: SystemTime) -> usize {
        if !self.inner.options.mode.writes() {
            return 0;
        }
        let keep = self.inner.options.retention.max(self.inner.options.longest_ttl());
        let before = millis(now).saturating_sub(i64::try_from(keep.as_millis()).unwrap_or(i64::MAX));
        self.with_conn("written", |c| store::prune(c, before)).unwrap_or(0)
    }

    /// What the cache has done since it was opened.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            fresh: self.inner.fresh.load(Ordering::Relaxed),
            confirmed: self.inner.confirmed.load(Ordering::Relaxed),
            stored: self.inner.stored.load(Ordering::Relaxed),
        }
    }

    /// The warnings so far, each once; later calls return only newer ones.
    pub fn take_warnings(&self) -> Vec<CacheWarning> {
        self.inner.warnings.lock().map(|mut w| std::mem::take(&mut w.list)).unwrap_or_default()
    }

    /// The history recorded in the cache at `path`, read without changing anything. A cache that
    /// does not exist yet has an empty history; one that cannot be read is an [`Error::Cache`].
    pub fn history(path: &Path, query: &HistoryQuery) -> Result<History> {
        if !path.exists() {
            return Ok(History::default());
        }
        let conn = schema::open_read_only(path).map_err(|e| cache_error(path, open_message(e)))?;
        history::read(&conn, query).map_err(|e| cache_error(path, e.to_string()))
    }

    /// Runs `f` on the connection; a failure becomes a warning (once per kind) and `None`, and
    /// damage also closes the cache for the rest of the run and moves the file aside.
    fn with_conn<T>(&self, doing: &str, f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>) -> Option<T> {
        let mut guard = self.inner.conn.lock().ok()?;
        let conn = guard.as_mut()?;
        match f(conn) {
            Ok(value) => Some(value),
            Err(e) => {
                let path = self.inner.path.display().to_string();
                if schema::is_damage(&e) {
                    *guard = None;
                    let why = schema::Unusable::Corrupt(e.to_string());
                    let fate = match schema::move_aside(&self.inner.path, &why) {
                        Ok(moved) => format!("moved it to {}; the next run starts a fresh one", moved.display()),
                        Err(m) => format!("it could not be moved aside ({m})"),
                    };
                    self.warn(
                        "damaged",
                        format!("the cache {path} {}: not used for the rest of this run; {fate}", why.describe()),
                    );
                } else if matches!(e.sqlite_error_code(), Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)) {
                    self.warn(
                        "busy",
                        format!(
                            "the cache {path} was held by another process for more than {} s; some answers were not {doing}",
                            schema::BUSY_TIMEOUT.as_secs()
                        ),
                    );
                } else {
                    self.warn("failed", format!("the cache {path} could not be {doing}: {e}"));
                }
                None
            }
        }
    }

    fn warn(&self, kind: &'static str, message: String) {
        if let Ok(mut w) = self.inner.warnings.lock()
            && w.said.insert(kind)
        {
            w.list.push(CacheWarning { message });
        }
    }
}

/// Pages fetched with a per-host cookie or authorisation are kept in the cache: a new cache file
/// is readable by its owner only. It is made (empty, which SQLite takes for a new database)
/// before SQLite opens it, because SQLite gives the write-ahead log and its index the
/// permissions the file has when it creates them, and the log outlives the run. Nothing is done
/// to a file that is already there; a failure here is left for SQLite's own open to report.
fn create_private(path: &Path) {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let _ = options.open(path);
}

fn open_message(e: schema::OpenError) -> String {
    match e {
        schema::OpenError::Unusable(why) => why.describe(),
        schema::OpenError::Other(e) => e.to_string(),
    }
}

fn cache_error(path: &Path, message: String) -> Error {
    Error::Cache { path: path.to_path_buf(), message }
}

/// Milliseconds since 1970 (negative before it, saturating far from it).
fn millis(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_millis()).map(|m| -m).unwrap_or(i64::MIN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::FetchOptions;

    fn page(url: &Url) -> FetchOutcome {
        let mut o = FetchOutcome::new(url);
        o.status = Some(200);
        o.content_type = Some("text/html".into());
        o.charset = Some("UTF-8".into());
        o.raw = b"<title>A page</title>".to_vec();
        o.body = "<title>A page</title>".into();
        o.etag = Some("\"v1\"".into());
        o
    }

    #[test]
    fn within_the_ttl_fresh_after_it_stale_with_validators() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path().join("sub/cache.sqlite3"), CacheOptions::default()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for file in ["cache.sqlite3", "cache.sqlite3-wal", "cache.sqlite3-shm"] {
                let mode = std::fs::metadata(dir.path().join("sub").join(file)).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "a new cache is its owner's only: {file}");
            }
        }
        let url = Url::parse("https://news.test/a").unwrap();
        let key = CacheKey::new(&url, &FetchOptions::default());
        let t0 = UNIX_EPOCH + Duration::from_secs(1_742_808_600);
        assert!(matches!(cache.lookup(&url, &key, t0), Lookup::Miss));
        assert!(cache.store(&key, &page(&url), t0));
        let Lookup::Fresh(hit) = cache.lookup(&url, &key, t0 + Duration::from_secs(3600)) else { panic!("fresh") };
        assert_eq!(hit.outcome.body, "<title>A page</title>");
        assert_eq!(hit.fetched_at, t0);
        assert_eq!(cache.stats(), CacheStats { fresh: 1, confirmed: 0, stored: 1 });
        let Lookup::Stale(stale) = cache.lookup(&url, &key, t0 + DEFAULT_TTL) else { panic!("stale") };
        assert_eq!(stale.request().headers()[0].1, "\"v1\"");
        // Without validators, past the TTL it is simply fetched again.
        let mut bare = page(&url);
        bare.etag = None;
        cache.store(&key, &bare, t0);
        assert!(matches!(cache.lookup(&url, &key, t0 + DEFAULT_TTL), Lookup::Miss));
        // Transient answers are never written.
        let mut busy = page(&url);
        busy.status = Some(503);
        assert!(!cache.store(&key, &busy, t0));
        assert!(cache.take_warnings().is_empty());
    }

    #[test]
    fn modes_and_per_host_ttls() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        let url = Url::parse("https://news.test/a").unwrap();
        let key = CacheKey::new(&url, &FetchOptions::default());
        let now = SystemTime::now();
        let write_only = Cache::open(&path, CacheOptions::default().mode(CacheMode::WriteOnly)).unwrap();
        assert!(write_only.store(&key, &page(&url), now));
        assert!(matches!(write_only.lookup(&url, &key, now), Lookup::Miss));
        drop(write_only);
        let short = CacheOptions::default().host_ttl(HostPattern::parse("news.test").unwrap(), Duration::ZERO);
        let cache = Cache::open(&path, short.mode(CacheMode::ReadOnly)).unwrap();
        assert!(matches!(cache.lookup(&url, &key, now), Lookup::Stale(_)));
        assert!(!cache.store(&key, &page(&url), now));
        let other = Url::parse("https://other.test/a").unwrap();
        assert_eq!(cache.options().ttl_for(&other), DEFAULT_TTL);
    }

    #[test]
    fn a_short_log_is_left_for_the_next_run_and_a_long_one_copied_in() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        let log = dir.path().join("cache.sqlite3-wal");
        let url = Url::parse("https://news.test/a").unwrap();
        let key = CacheKey::new(&url, &FetchOptions::default());
        let now = SystemTime::now();
        {
            let cache = Cache::open(&path, CacheOptions::default()).unwrap();
            assert!(cache.store(&key, &page(&url), now));
        }
        let short = std::fs::metadata(&log).unwrap().len();
        assert!(short > 0 && short <= LOG_LIMIT, "a run's few pages stay in the log: {short}");
        {
            let cache = Cache::open(&path, CacheOptions::default()).unwrap();
            assert!(matches!(cache.lookup(&url, &key, now), Lookup::Fresh(_)), "read back from the log");
            let mut big = page(&url);
            big.raw = vec![b'x'; 2 * LOG_LIMIT as usize];
            big.charset = None;
            assert!(cache.store(&key, &big, now));
        }
        assert_eq!(std::fs::metadata(&log).unwrap().len(), 0, "a long log is emptied on closing");
        let cache = Cache::open(&path, CacheOptions::default()).unwrap();
        let Lookup::Fresh(kept) = cache.lookup(&url, &key, now) else { panic!("fresh") };
        assert_eq!(kept.outcome.raw.len(), 2 * LOG_LIMIT as usize);
    }

    #[test]
    fn old_answers_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path().join("c.sqlite3"), CacheOptions::default()).unwrap();
        let url = Url::parse("https://news.test/a").unwrap();
        let key = CacheKey::new(&url, &FetchOptions::default());
        let t0 = UNIX_EPOCH + Duration::from_secs(1_742_808_600);
        cache.store(&key, &page(&url), t0);
        assert_eq!(cache.prune(t0 + DEFAULT_RETENTION - Duration::from_secs(1)), 0);
        assert_eq!(cache.prune(t0 + DEFAULT_RETENTION + Duration::from_secs(1)), 1);
    }

    #[test]
    fn a_file_that_is_no_cache_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        std::fs::write(&path, b"this is not a database, only text that is long enough to matter....").unwrap();
        let cache = Cache::open(&path, CacheOptions::default()).unwrap();
        let warnings = cache.take_warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].message.contains("cache.sqlite3.corrupt-1"), "{}", warnings[0]);
        assert!(dir.path().join("cache.sqlite3.corrupt-1").exists());
        drop(cache);
        // The fresh one is a cache: opening again warns about nothing.
        let again = Cache::open(&path, CacheOptions::default()).unwrap();
        assert!(again.take_warnings().is_empty());
    }

    #[test]
    fn damage_found_during_a_run_closes_the_cache_with_one_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        let url = Url::parse("https://news.test/a").unwrap();
        let key = CacheKey::new(&url, &FetchOptions::default());
        let now = SystemTime::now();
        {
            let cache = Cache::open(&path, CacheOptions::default()).unwrap();
            let mut big = page(&url);
            // Spills over many pages, past the schema at the start of the file.
            big.raw = (0..200_000u32).map(|i| (i % 251) as u8).collect();
            big.charset = None;
            assert!(cache.store(&key, &big, now));
        }
        // The log is left for later runs: copy it into the file, which is what is damaged.
        Connection::open(&path).unwrap().pragma_update(None, "wal_checkpoint", "TRUNCATE").unwrap();
        // Garble everything after the first pages (the header and the schema survive, so
        // opening succeeds and only reading the answer finds the damage).
        let mut bytes = std::fs::read(&path).unwrap();
        let len = bytes.len();
        assert!(len > 64 * 1024, "{len}");
        bytes[16 * 1024..len].fill(0xa5);
        std::fs::write(&path, bytes).unwrap();
        let cache = match Cache::open(&path, CacheOptions::default()) {
            Ok(cache) => cache,
            // Some damage shows already when opening: that path is tested elsewhere.
            Err(e) => panic!("opening a cache with intact schema pages failed: {e}"),
        };
        let opened = cache.take_warnings();
        assert!(matches!(cache.lookup(&url, &key, now), Lookup::Miss));
        assert!(!cache.store(&key, &page(&url), now), "closed for the rest of the run");
        assert!(!cache.record_run(&RunRecord {
            started: None,
            tool: String::new(),
            command: "check".into(),
            documents: Vec::new()
        }));
        let warnings: Vec<CacheWarning> = opened.into_iter().chain(cache.take_warnings()).collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].message.contains("damaged"), "{}", warnings[0]);
        assert!(dir.path().join("cache.sqlite3.corrupt-1").exists());
    }

    #[test]
    fn no_cache_without_a_directory_to_put_it_in() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").unwrap();
        let err = Cache::open(blocker.join("cache.sqlite3"), CacheOptions::default()).unwrap_err();
        assert!(matches!(err, Error::Cache { .. }), "{err}");
    }

    #[test]
    fn millis_around_the_epoch() {
        assert_eq!(millis(UNIX_EPOCH + Duration::from_millis(1500)), 1500);
        assert_eq!(millis(UNIX_EPOCH - Duration::from_millis(1500)), -1500);
    }
}
