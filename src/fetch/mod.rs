//! Fetching cited URLs: one GET per URL, politely, safely and only as far into the body as the
//! metadata goes.
//!
//! [`Fetcher::fetch`] never fails: a dead link, a refused address or a timeout is a
//! [`FetchOutcome`] with an [`error`](FetchOutcome::error), because for a citation checker a
//! broken link is a finding, not a crash. What it does, in order:
//!
//! - **Safety.** Only `http` and `https` URLs are fetched, at every redirect hop. Unless
//!   [`FetchOptions::allow_private`] is set, a host that is, or resolves to, a loopback, private,
//!   link-local, shared, multicast, documentation or otherwise reserved address is refused
//!   ([`FetchErrorKind::Blocked`]); IP literals are judged from the URL, names at connection time
//!   on the addresses actually used. Redirects are followed by hand so each hop is re-checked.
//! - **Politeness.** Per host (`host:port`), at most [`FetchOptions::host_concurrency`] requests
//!   in flight and request starts [`FetchOptions::host_interval`] apart; a 429, or a 503 with
//!   `Retry-After`, slows that host down for the rest of the run. Overall concurrency is the
//!   caller's to choose (for example with `buffer_unordered`); one `Fetcher` shared by all
//!   tasks keeps the per-host state.
//! - **Retries.** Connection failures, timeouts and 408/429/500/502/503/504 are retried with
//!   exponential backoff and jitter, honouring `Retry-After` (seconds or HTTP-date) up to
//!   [`FetchOptions::max_retry_after`]. A failure after the headers arrived (a cut or corrupt
//!   body) is not retried: the status is known, and the partial body is kept.
//! - **Bounded reading.** The body is streamed and reading stops once the metadata is complete
//!   (see [`FetchOutcome::truncated`]); never more than [`FetchOptions::max_body_bytes`] after
//!   decompression, and only a prefix of non-HTML content.
//! - **Bounded time.** A connect timeout, a per-attempt timeout covering headers and body, and a
//!   total budget per fetch. Response headers are bounded by hyper's limits: over HTTP/1.1 at
//!   most 100 header fields in a read buffer of at most about 400 KiB; over HTTP/2 a header list
//!   of at most 16 KiB.
//! - **Text.** The body is decoded following the HTML encoding rules (see
//!   [`FetchOutcome::charset`]).
//!
//! ```no_run
//! # async fn run() -> Result<(), citecheck::Error> {
//! use citecheck::fetch::{FetchOptions, Fetcher};
//! let fetcher = Fetcher::new(FetchOptions::default())?;
//! let url = url::Url::parse("https://www.dawn.com/news/1").unwrap();
//! let outcome = fetcher.fetch(&url).await;
//! match &outcome.error {
//!     None => println!("{} {:?}", outcome.status.unwrap_or(0), outcome.final_url.as_str()),
//!     Some(e) => println!("{}: {}", e.kind, e.message),
//! }
//! # Ok(()) }
//! ```

mod charset;
mod host;
mod options;
mod policy;
mod request;
mod resolve;
mod retry;
mod scan;
mod tls;

use std::collections::HashSet;
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::FutureExt;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use tokio::time::Instant;
use url::{Host, Url};

pub use options::{
    DEFAULT_ACCEPT_LANGUAGE, DEFAULT_MAX_PDF_BYTES, DEFAULT_USER_AGENT, FetchOptions, HostOptions, HostPattern,
    best_match,
};
pub use request::FetchRequest;

use crate::Error;
use host::{Hosts, Slot};
use resolve::{BlockedError, DnsError, GuardedResolver};
use scan::{HeadScanner, Progress};

/// The first bytes of every PDF.
const PDF_MAGIC: &[u8] = b"%PDF-";

/// How many leading body bytes [`FetchOutcome::drop_body`] keeps: enough for every test of what
/// the body is.
pub const HEAD_BYTES: usize = 8;

fn is_pdf_type(essence: &str) -> bool {
    matches!(essence, "application/pdf" | "application/x-pdf" | "application/acrobat" | "text/pdf")
}

/// What citecheck asks for: HTML first, anything else accepted.
const ACCEPT: &str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";

/// Fetches URLs. Cheap to clone (the state is shared) and safe to use from many tasks at once:
/// share one per run so that the per-host politeness covers every request.
#[derive(Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

struct Inner {
    client: reqwest::Client,
    options: FetchOptions,
    hosts: Hosts,
    /// The validated headers of each [`FetchOptions::host`] entry, in the same order.
    host_headers: Vec<HeaderMap>,
    /// The client's default headers, to list what each request sent.
    defaults: HeaderMap,
}

impl fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fetcher").field("options", &self.inner.options).finish_non_exhaustive()
    }
}

/// One redirect that was followed: the URL that answered and its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The URL that was requested.
    pub url: Url,
    /// The redirect status it answered with (301, 302, 303, 307 or 308).
    pub status: u16,
}

/// Everything learnt from fetching one URL. Fields that were not reached (no response, no body)
/// are empty; [`error`](Self::error) says why.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FetchOutcome {
    /// The URL asked for.
    pub url: Url,
    /// The last URL requested: after the redirects, or where a redirect chain was stopped.
    pub final_url: Url,
    /// The HTTP status of the last response, if any response arrived. After giving up on
    /// retries this is the last status seen (for example 503).
    pub status: Option<u16>,
    /// The redirects followed, in order.
    pub redirects: Vec<Hop>,
    /// The media type of the last response, lower-case and without parameters (`text/html`).
    pub content_type: Option<String>,
    /// The body read, decoded to text. Empty for content that is not text (PDF, images…), whose
    /// bytes are in [`raw`](Self::raw).
    pub body: String,
    /// The body bytes read (after decompression), at most the applicable cap.
    pub raw: Vec<u8>,
    /// The encoding the body was decoded with (an encoding_rs name such as `UTF-8`,
    /// `windows-1252`, `Shift_JIS`), chosen from, in order: a byte order mark; the
    /// `Content-Type` charset; a `<meta>` declaration in the first 4 KiB; detection. An unknown
    /// label is skipped. A declared single-byte encoding (such as ISO-8859-1) on bytes that are
    /// valid UTF-8 with multi-byte characters is taken to be a mislabel and decoded as UTF-8.
    pub charset: Option<String>,
    /// Body bytes received, after decompression (may exceed `raw.len()` by the tail of the last
    /// chunk).
    pub bytes_read: u64,
    /// Whether reading stopped before the end of the body: because the metadata was complete
    /// (an HTML head with a title, or the first `</h1>`), because a size cap was reached, or
    /// because of an error. A body exactly as long as a cap, sent without a `Content-Length`,
    /// also counts as truncated.
    pub truncated: bool,
    /// How many times the final URL was requested: more than 1 after retries, 0 when it was
    /// refused before any request.
    pub attempts: u32,
    /// Wall-clock time of the whole fetch, including waits.
    pub elapsed: Duration,
    /// The `ETag` of the last response.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last response.
    pub last_modified: Option<String>,
    /// The delay the last response asked for with `Retry-After`, if any.
    pub retry_after: Option<Duration>,
    /// Why the fetch failed, if it did. An HTTP error status (404, 500…) is not an error here:
    /// it is in [`status`](Self::status).
    pub error: Option<FetchError>,
    /// Each hop's exchange, in order (the redirects, then the last response, whose body is
    /// [`raw`](Self::raw)); empty unless [`FetchOptions::keep_exchanges`] is set. A retried
    /// request keeps only its last attempt.
    pub exchanges: Vec<Exchange>,
}

/// One request sent and the head of the response it got: what an evidence archive records.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Exchange {
    /// The URL requested.
    pub url: Url,
    /// The request headers as sent, in order, `Host` first. reqwest adds its default headers
    /// and `Accept-Encoding` when it sends; they are listed here by the same rules.
    pub request_headers: Vec<(String, Vec<u8>)>,
    /// The protocol version of the response (`HTTP/1.1`, `HTTP/2.0`).
    pub version: String,
    /// The response status.
    pub status: u16,
    /// The response headers as the client saw them, in order. A body the client decompressed
    /// has lost its `Content-Encoding` and `Content-Length` here, so they describe the bytes
    /// kept.
    pub response_headers: Vec<(String, Vec<u8>)>,
    /// The address that answered, when the connection knows it (not through a proxy).
    pub remote_addr: Option<std::net::SocketAddr>,
    /// When the response headers arrived.
    pub at: SystemTime,
}

impl Exchange {
    /// A minimal exchange (for callers that build outcomes without fetching, such as a replay).
    pub fn new(url: Url, status: u16, at: SystemTime) -> Exchange {
        Exchange {
            url,
            request_headers: Vec::new(),
            version: "HTTP/1.1".to_owned(),
            status,
            response_headers: Vec::new(),
            remote_addr: None,
            at,
        }
    }
}

impl FetchOutcome {
    /// An outcome for `url` with nothing learnt yet: no status, no body, no error. For callers
    /// that produce outcomes without fetching (a cache, a test of a verdict).
    pub fn new(url: &Url) -> FetchOutcome {
        FetchOutcome {
            url: url.clone(),
            final_url: url.clone(),
            status: None,
            redirects: Vec::new(),
            content_type: None,
            body: String::new(),
            raw: Vec::new(),
            charset: None,
            bytes_read: 0,
            truncated: false,
            attempts: 0,
            elapsed: Duration::ZERO,
            etag: None,
            last_modified: None,
            retry_after: None,
            error: None,
            exchanges: Vec::new(),
        }
    }

    /// Drops the body once its page has been read: judging needs the page's metadata, not its
    /// text (at 10 000 references the kept prefixes were most of a run's memory). The first
    /// [`HEAD_BYTES`] stay, since they tell a PDF from a page ([`is_pdf`](Self::is_pdf)).
    pub fn drop_body(&mut self) {
        self.body = String::new();
        self.raw.truncate(HEAD_BYTES);
        self.raw.shrink_to_fit();
    }

    /// Whether the body is a page to read metadata from: HTML or XHTML, or no content type at all
    /// (servers that forget it serve pages far more often than anything else).
    pub fn is_html(&self) -> bool {
        !self.raw.starts_with(PDF_MAGIC)
            && self.content_type.as_deref().is_none_or(|c| c.contains("html") || c.contains("xml"))
    }

    /// Whether the body is a PDF: served as one, or starting with `%PDF-` whatever the server
    /// called it (many send PDFs as `application/octet-stream`).
    pub fn is_pdf(&self) -> bool {
        self.content_type.as_deref().is_some_and(is_pdf_type) || self.raw.starts_with(PDF_MAGIC)
    }

    /// Whether the body is something to read metadata from: an HTML page or a PDF.
    pub fn is_readable(&self) -> bool {
        self.is_html() || self.is_pdf()
    }

    /// Whether a 2xx response arrived and was read without error.
    pub fn is_success(&self) -> bool {
        self.error.is_none() && self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// The text of body bytes kept without it (the cache keeps only the bytes): decoded again with
/// the encoding the fetch chose, named by `charset`, exactly as the fetch decoded them. `None`
/// for an encoding name this build does not know.
pub(crate) fn decode_again(raw: &[u8], charset: &str, complete: bool) -> Option<String> {
    // Every encoding's name is also one of its labels, but for the replacement encoding's.
    let encoding = match charset {
        "replacement" => encoding_rs::REPLACEMENT,
        name => encoding_rs::Encoding::for_label(name.as_bytes())?,
    };
    // `choose` only ever picks a byte order mark's own encoding when the bytes start with one.
    let bom_len = match encoding_rs::Encoding::for_bom(raw) {
        Some((bom, len)) if bom == encoding => len,
        _ => 0,
    };
    Some(charset::decode(raw, encoding, bom_len, complete))
}

/// Why a fetch produced no usable response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    /// The category, for decisions.
    pub kind: FetchErrorKind,
    /// One line for people, naming the host or URL concerned.
    pub message: String,
}

impl FetchError {
    fn new(kind: FetchErrorKind, message: impl Into<String>) -> FetchError {
        FetchError { kind, message: message.into() }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl StdError for FetchError {}

/// The categories of [`FetchError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FetchErrorKind {
    /// The URL has no host or cannot be requested.
    InvalidUrl,
    /// The scheme is not `http` or `https` (including a redirect to `file:`, `ftp:`…).
    Scheme,
    /// The safety policy refused the address (loopback, private, link-local…).
    Blocked,
    /// Replaying an archive that holds no response for the URL (nothing was requested).
    NotInArchive,
    /// The host name could not be resolved.
    Dns,
    /// The connection could not be made or was cut (refused, reset, unreachable).
    Connect,
    /// The TLS handshake failed (for instance an untrusted or expired certificate).
    Tls,
    /// Connecting, the response or the body took longer than the configured timeout.
    Timeout,
    /// More redirects than [`FetchOptions::max_redirects`].
    TooManyRedirects,
    /// A redirect led back to a URL already visited.
    RedirectLoop,
    /// The server broke HTTP (a malformed response, an unusable `Location`).
    Protocol,
    /// The body could not be read or decompressed.
    Body,
    /// The whole fetch ran past [`FetchOptions::total_timeout`].
    Deadline,
}

impl FetchErrorKind {
    /// A stable kebab-case id (`too-many-redirects`) for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            FetchErrorKind::InvalidUrl => "invalid-url",
            FetchErrorKind::Scheme => "scheme",
            FetchErrorKind::Blocked => "blocked",
            FetchErrorKind::NotInArchive => "not-in-archive",
            FetchErrorKind::Dns => "dns",
            FetchErrorKind::Connect => "connect",
            FetchErrorKind::Tls => "tls",
            FetchErrorKind::Timeout => "timeout",
            FetchErrorKind::TooManyRedirects => "too-many-redirects",
            FetchErrorKind::RedirectLoop => "redirect-loop",
            FetchErrorKind::Protocol => "protocol",
            FetchErrorKind::Body => "body",
            FetchErrorKind::Deadline => "deadline",
        }
    }

    /// The kind whose [`as_str`](Self::as_str) is `id`.
    pub fn from_id(id: &str) -> Option<FetchErrorKind> {
        use FetchErrorKind as K;
        [
            K::InvalidUrl,
            K::Scheme,
            K::Blocked,
            K::NotInArchive,
            K::Dns,
            K::Connect,
            K::Tls,
            K::Timeout,
            K::TooManyRedirects,
            K::RedirectLoop,
            K::Protocol,
            K::Body,
            K::Deadline,
        ]
        .into_iter()
        .find(|k| k.as_str() == id)
    }

    /// Whether another attempt might succeed.
    fn is_transient(self) -> bool {
        matches!(self, FetchErrorKind::Connect | FetchErrorKind::Timeout)
    }
}

impl fmt::Display for FetchErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A response whose headers arrived, with what reading its body needs.
struct Answer {
    response: reqwest::Response,
    /// Keeps the host slot until the body is read.
    _slot: Slot,
    deadline: Instant,
    /// The headers given to the request, when exchanges are kept.
    sent: Option<HeaderMap>,
}

impl Fetcher {
    /// Builds a fetcher. Fails with [`Error::Config`] for an unusable option (a zero timeout or
    /// limit, a malformed header or proxy) and with [`Error::Client`] when the HTTP client cannot
    /// be built (for instance a bad root certificate).
    pub fn new(options: FetchOptions) -> Result<Fetcher, Error> {
        validate(&options)?;
        let defaults = default_headers(&options)?;
        let tls = tls::client_config(&options.extra_root_certs)?;
        let mut builder = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(options.connect_timeout)
            // A backstop only: the fetcher's own per-attempt deadline fires first.
            .timeout(options.request_timeout.saturating_add(Duration::from_secs(1)))
            .default_headers(defaults.clone())
            .pool_max_idle_per_host(options.host_concurrency)
            .pool_idle_timeout(Duration::from_secs(30));
        builder = match &options.proxy {
            Some(p) => builder.proxy(reqwest::Proxy::all(p).map_err(|e| config("proxy", e))?),
            None => builder.no_proxy(),
        };
        // Through a proxy the resolver would only ever see the proxy's own name.
        if options.proxy.is_none() {
            builder = builder.dns_resolver(Arc::new(GuardedResolver { allow_private: options.allow_private }));
        }
        let client = builder.build().map_err(|e| Error::Client(chain_message(&e)))?;
        let hosts = Hosts::new(options.host_concurrency, options.host_interval);
        let host_headers = options
            .hosts
            .iter()
            .map(|(pattern, o)| header_map(&format!("host {pattern}"), &o.headers))
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(Fetcher { inner: Arc::new(Inner { client, options, hosts, host_headers, defaults }) })
    }

    /// The options this fetcher was built with.
    pub fn options(&self) -> &FetchOptions {
        &self.inner.options
    }

    /// Fetches `url`, following redirects, and reports what happened. Never fails and never
    /// takes longer than [`FetchOptions::total_timeout`]; dropping the future cancels the fetch
    /// cleanly.
    pub async fn fetch(&self, url: &Url) -> FetchOutcome {
        self.fetch_with(url, &FetchRequest::default()).await
    }

    /// [`fetch`](Fetcher::fetch) with per-request additions (extra headers on every hop).
    pub async fn fetch_with(&self, url: &Url, request: &FetchRequest) -> FetchOutcome {
        let started = Instant::now();
        let mut out = FetchOutcome::new(url);
        let budget = self.inner.options.total_timeout;
        let clock = Budget::new(started + budget);
        // The budget is the URL's own time: waiting in the queue of a busy or slowed-down host
        // (politeness) extends it, so many citations of one site are not cut short.
        let timed_out = {
            let run = self.inner.run(&mut out, request, &clock);
            tokio::pin!(run);
            loop {
                // While queued the end keeps moving: look again at least every 100 ms.
                let until = clock.give_up_at().max(Instant::now() + Duration::from_millis(100));
                tokio::select! {
                    () = &mut run => break false,
                    () = tokio::time::sleep_until(until) => {
                        if clock.give_up_at() <= Instant::now() {
                            break true;
                        }
                    }
                }
            }
        };
        if timed_out {
            out.error = Some(FetchError::new(
                FetchErrorKind::Deadline,
                format!("gave up on {} after {} in all", out.final_url, human(budget)),
            ));
        }
        out.elapsed = started.elapsed();
        out
    }
}

/// One fetch's time budget: its end moves later by the time spent queued at host gates,
/// including a wait still under way.
struct Budget {
    end: Instant,
    state: std::sync::Mutex<(Duration, Option<Instant>)>,
}

impl Budget {
    fn new(end: Instant) -> Budget {
        Budget { end, state: std::sync::Mutex::new((Duration::ZERO, None)) }
    }

    fn enter_queue(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.1 = Some(Instant::now());
        }
    }

    fn leave_queue(&self) {
        if let Ok(mut s) = self.state.lock()
            && let Some(since) = s.1.take()
        {
            s.0 += since.elapsed();
        }
    }

    fn give_up_at(&self) -> Instant {
        let (queued, since) = self.state.lock().map(|s| *s).unwrap_or((Duration::ZERO, None));
        let waiting = since.map_or(Duration::ZERO, |t| t.elapsed());
        self.end.checked_add(queued + waiting).unwrap_or(self.end)
    }
}

impl Inner {
    /// Follows the redirect chain from `out.url`; `clock` holds the end of the total budget.
    async fn run(&self, out: &mut FetchOutcome, request: &FetchRequest, clock: &Budget) {
        let mut current = out.url.clone();
        let mut seen = HashSet::from([without_fragment(&current)]);
        // A caller's own Range is sent as it is, never replaced by ours.
        // Nor when an evidence archive is kept: it wants each page whole, as the server sends it.
        let mut ranged = self.options.range_bytes > 0
            && !self.options.keep_exchanges
            && !request.headers().iter().any(|(name, _)| *name == header::RANGE);
        loop {
            out.final_url = current.clone();
            if let Err(e) = self.check_target(&current, !out.redirects.is_empty()) {
                out.error = Some(e);
                return;
            }
            let ask = (ranged && !self.hosts.ignores_ranges(&host_key(&current))).then(|| RangeAsk {
                from: 0,
                to: Some(self.range_size(&current) - 1),
                if_range: None,
            });
            let answer = match self.send(&current, out, request, clock, ask.as_ref()).await {
                Ok(a) => a,
                Err(e) => {
                    out.error = Some(e);
                    return;
                }
            };
            let status = answer.response.status().as_u16();
            let bad_range = status == 416
                || (status == 206 && content_range(answer.response.headers()).is_none_or(|r| r.start != 0));
            if ask.is_some() && bad_range {
                // The server could not serve the range it was asked for: ask for the whole page.
                ranged = false;
                continue;
            }
            if ask.is_some() && matches!(status, 200 | 206) {
                self.hosts.ranges_answered(&host_key(&current), status == 206);
            }
            record_headers(out, &answer.response);
            if let Some(sent) = &answer.sent {
                out.exchanges.push(self.exchange(&current, sent, &answer.response));
            }
            let location = answer.response.headers().get(header::LOCATION);
            if !matches!(status, 301 | 302 | 303 | 307 | 308) || location.is_none() {
                self.read_response(answer, out, request, clock, ask.is_some()).await;
                return;
            }
            out.redirects.push(Hop { url: current.clone(), status });
            let next = location.and_then(|l| l.to_str().ok()).and_then(|l| current.join(l.trim()).ok());
            let Some(next) = next else {
                let raw = location.map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned()).unwrap_or_default();
                out.error = Some(FetchError::new(
                    FetchErrorKind::Protocol,
                    format!("{current} redirects ({status}) to an unusable Location {raw:?}"),
                ));
                return;
            };
            if out.redirects.len() > self.options.max_redirects as usize {
                out.error = Some(FetchError::new(
                    FetchErrorKind::TooManyRedirects,
                    format!("more than {} redirects (the next was to {next})", self.options.max_redirects),
                ));
                return;
            }
            if !seen.insert(without_fragment(&next)) {
                out.error = Some(FetchError::new(
                    FetchErrorKind::RedirectLoop,
                    format!("redirect loop: {current} redirects back to {next}"),
                ));
                return;
            }
            current = next;
        }
    }

    /// The scheme rule and, unless private targets are allowed, the address policy for hosts
    /// that need no lookup (IP literals, `localhost`).
    fn check_target(&self, url: &Url, redirected: bool) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            let what = if redirected { "a redirect to " } else { "" };
            return Err(FetchError::new(
                FetchErrorKind::Scheme,
                format!("refusing {what}{url}: only http and https URLs are fetched"),
            ));
        }
        let host =
            url.host().ok_or_else(|| FetchError::new(FetchErrorKind::InvalidUrl, format!("{url} has no host")))?;
        if let Host::Domain(name) = host {
            if policy::is_invalid_name(name) {
                return Err(FetchError::new(
                    FetchErrorKind::Dns,
                    format!("could not resolve {name}: names under .invalid never resolve"),
                ));
            }
        }
        if self.options.allow_private {
            return Ok(());
        }
        let (ip, shown) = match host {
            Host::Ipv4(ip) => (std::net::IpAddr::V4(ip), ip.to_string()),
            Host::Ipv6(ip) => (std::net::IpAddr::V6(ip), ip.to_string()),
            Host::Domain(name) if policy::is_local_name(name) => {
                return Err(FetchError::new(
                    FetchErrorKind::Blocked,
                    format!("refused to connect to {name}: it names this machine"),
                ));
            }
            Host::Domain(_) => return Ok(()),
        };
        match policy::refusal_reason(ip) {
            None => Ok(()),
            Some(reason) => {
                Err(FetchError::new(FetchErrorKind::Blocked, format!("refused to connect to {shown}: it is {reason}")))
            }
        }
    }

    /// Sends the GET, retrying transient failures, and returns the response whose headers
    /// arrived. A retryable status is returned as it is once the attempts run out, or when the
    /// wait before the next attempt would exceed `max_retry_after` or end past `give_up_at`
    /// (better a 503 in the report than a bare deadline).
    async fn send(
        &self,
        url: &Url,
        out: &mut FetchOutcome,
        request: &FetchRequest,
        clock: &Budget,
        range: Option<&RangeAsk>,
    ) -> Result<Answer, FetchError> {
        let key = host_key(url);
        let opts = &self.options;
        // Chosen for this hop's own host: a redirect elsewhere never carries a host's cookie.
        let own = options::best_match_index(&opts.hosts, url);
        let concurrency = own.and_then(|i| opts.hosts[i].1.concurrency).unwrap_or(opts.host_concurrency);
        let interval = own.and_then(|i| opts.hosts[i].1.interval).unwrap_or(opts.host_interval);
        let mut headers = request.apply(own.and_then(|i| self.host_headers.get(i)).cloned().unwrap_or_default());
        if let Some(range) = range {
            range.apply(&mut headers);
        }
        let sent = |h: &HeaderMap| opts.keep_exchanges.then(|| h.clone());
        let mut attempt = 0;
        loop {
            attempt += 1;
            out.attempts = attempt;
            clock.enter_queue();
            let slot = self.hosts.acquire_limited(&key, concurrency, interval).await;
            clock.leave_queue();
            let deadline = Instant::now() + opts.request_timeout;
            let request = self.client.get(url.clone()).headers(headers.clone());
            let failure = match tokio::time::timeout_at(deadline, request.send()).await {
                Err(_) => FetchError::new(
                    FetchErrorKind::Timeout,
                    format!("no response from {} within {}", host_port(url), human(opts.request_timeout)),
                ),
                Ok(Err(e)) => classify(&e, url, opts),
                Ok(Ok(response)) => {
                    let status = response.status().as_u16();
                    if !retry::is_retryable_status(status) {
                        return Ok(Answer { response, _slot: slot, deadline, sent: sent(&headers) });
                    }
                    // Kept in case the budget runs out while waiting to retry: the last answer
                    // (a 429, a 503) says more than a bare deadline.
                    out.status = Some(status);
                    let retry_after = response
                        .headers()
                        .get(header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
                    if status == 429 || (status == 503 && retry_after.is_some()) {
                        self.hosts.slow_down(&key, retry_after.map(|r| r.min(opts.max_retry_after)));
                    }
                    let patient = retry_after.is_none_or(|r| r <= opts.max_retry_after);
                    let wait = retry_after.unwrap_or_else(|| self.backoff(attempt));
                    if attempt >= opts.attempts || !patient || Instant::now() + wait >= clock.give_up_at() {
                        return Ok(Answer { response, _slot: slot, deadline, sent: sent(&headers) });
                    }
                    drop(response);
                    drop(slot);
                    tokio::time::sleep(wait).await;
                    continue;
                }
            };
            let wait = self.backoff(attempt);
            if !failure.kind.is_transient() || attempt >= opts.attempts || Instant::now() + wait >= clock.give_up_at() {
                return Err(failure);
            }
            drop(slot);
            tokio::time::sleep(wait).await;
        }
    }

    /// What one hop exchanged. The request headers are the ones given to the request over the
    /// client's defaults, then what the client adds itself, in the order it adds them.
    fn exchange(&self, url: &Url, given: &HeaderMap, response: &reqwest::Response) -> Exchange {
        let mut request_headers = Vec::new();
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => String::new(),
        };
        request_headers.push(("Host".to_owned(), host.into_bytes()));
        let mut all = given.clone();
        for (name, value) in &self.defaults {
            if !all.contains_key(name) {
                all.append(name, value.clone());
            }
        }
        if !all.contains_key(header::ACCEPT_ENCODING) {
            all.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip, br, deflate"));
        }
        request_headers.extend(all.iter().map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec())));
        let response_headers =
            response.headers().iter().map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec())).collect();
        Exchange {
            url: url.clone(),
            request_headers,
            version: format!("{:?}", response.version()),
            status: response.status().as_u16(),
            response_headers,
            remote_addr: response.remote_addr(),
            at: SystemTime::now(),
        }
    }

    fn backoff(&self, failed: u32) -> Duration {
        retry::backoff(self.options.backoff_base, self.options.max_backoff, failed, fastrand::f64())
    }

    /// How many bytes to ask `url` for: [`FIRST_RANGE_BYTES`] until one of the host's pages has
    /// been read, then a margin over the longest head seen there (a site's pages share a
    /// template), never less than 16 KiB; never more than [`FetchOptions::range_bytes`].
    fn range_size(&self, url: &Url) -> u64 {
        let max = self.options.range_bytes.max(1);
        match self.hosts.head_hint(&host_key(url)) {
            None => FIRST_RANGE_BYTES.min(max),
            Some(end) => {
                end.saturating_add(end / 4).saturating_add(2048).next_multiple_of(8192).max(16 * 1024).min(max)
            }
        }
    }

    /// Reads the body of the final response (and, for a ranged answer that ended before the
    /// metadata, the rest of the page with one more request), then decodes it.
    async fn read_response(
        &self,
        answer: Answer,
        out: &mut FetchOutcome,
        request: &FetchRequest,
        clock: &Budget,
        asked_range: bool,
    ) {
        let opts = &self.options;
        let headers = answer.response.headers();
        let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let validator = if_range_validator(headers);
        let mut span = if asked_range && answer.response.status() == reqwest::StatusCode::PARTIAL_CONTENT {
            content_range(headers)
        } else {
            None
        };
        let other = request.other_bytes().unwrap_or(opts.max_other_bytes);
        let mut reading = Reading::new(BodyKind::of(out.content_type.as_deref()), opts, other);
        self.read_body(answer, out, &mut reading).await;
        if let Some(range) = span
            && out.error.is_none()
            && reading.ended
            && reading.wants_more()
            && range.total.is_some_and(|t| range.end.saturating_add(1) < t)
        {
            // The head is longer than the range: ask for the rest of the same page.
            let (attempts, status) = (out.attempts, out.status);
            let from = range.end + 1;
            let ask = RangeAsk { from, to: None, if_range: validator };
            let url = out.final_url.clone();
            match self.send(&url, out, request, clock, Some(&ask)).await {
                Ok(next) if next.response.status() == reqwest::StatusCode::PARTIAL_CONTENT => {
                    match content_range(next.response.headers()) {
                        Some(r) if r.start == from => {
                            span = Some(r);
                            self.read_body(next, out, &mut reading).await;
                        }
                        _ => reading.ended = false,
                    }
                }
                Ok(next) if next.response.status() == reqwest::StatusCode::OK => {
                    // The page changed (If-Range failed) or the range was ignored: start again.
                    record_headers(out, &next.response);
                    span = None;
                    reading.restart();
                    self.read_body(next, out, &mut reading).await;
                }
                // What was read stays; the page is just known to be cut short.
                _ => reading.ended = false,
            }
            out.attempts = attempts;
            if out.status != Some(200) {
                out.status = status;
            }
        }
        if let Some(end) = reading.scanner.metadata_end() {
            self.hosts.head_seen(&host_key(&out.final_url), end as u64);
        }
        let whole = span.is_none_or(|r| r.total.is_some_and(|t| r.end.saturating_add(1) >= t));
        // A chunk that ran past a cap was cut even when the stream itself was read to its end.
        out.truncated = !(reading.ended && whole) || reading.cut;
        let ended = !out.truncated;
        set_body(out, reading.body, content_type.as_deref(), ended);
    }

    /// Streams one response's body into `reading` until the metadata is complete, a cap is
    /// reached, the stream ends or the attempt's deadline passes. Over HTTP/1.1 a short known
    /// remainder is then read and dropped, so the connection goes back to the pool.
    async fn read_body(&self, answer: Answer, out: &mut FetchOutcome, reading: &mut Reading) {
        let Answer { mut response, _slot, deadline, .. } = answer;
        let opts = &self.options;
        // Taken before reading: reqwest's figure is the body's size hint, which shrinks as the
        // body is read (after 58 KB of a 65 KB body it says 7 KB).
        let length = response.content_length();
        let mut got: u64 = 0;
        let mut stopped_early = false;
        loop {
            match tokio::time::timeout_at(deadline, response.chunk()).await {
                Err(_) => {
                    out.error = Some(FetchError::new(
                        FetchErrorKind::Timeout,
                        format!(
                            "the body from {} was still arriving after {} ({} bytes read)",
                            host_port(&out.final_url),
                            human(opts.request_timeout),
                            out.bytes_read
                        ),
                    ));
                    break;
                }
                Ok(Err(e)) => {
                    let mut err = classify(&e, &out.final_url, opts);
                    if err.kind != FetchErrorKind::Timeout {
                        err.kind = FetchErrorKind::Body;
                    }
                    out.error = Some(err);
                    break;
                }
                Ok(Ok(None)) => {
                    reading.ended = true;
                    break;
                }
                Ok(Ok(Some(chunk))) => {
                    got = got.saturating_add(chunk.len() as u64);
                    out.bytes_read = out.bytes_read.saturating_add(chunk.len() as u64);
                    if reading.push(&chunk) {
                        stopped_early = true;
                        break;
                    }
                }
            }
        }
        if stopped_early {
            reading.ended = stream_has_ended(&mut response, length, &mut got);
            let remainder = length.map(|len| len.saturating_sub(got));
            let http1 = response.version() < reqwest::Version::HTTP_2;
            if !reading.ended && http1 && remainder.is_some_and(|r| r <= opts.drain_bytes) {
                drain(&mut response, deadline).await;
            }
        }
        // The connection goes back to the pool before the host's slot frees, so the next request
        // to the host finds it idle instead of opening another.
        drop(response);
        drop(_slot);
    }
}

/// What a page is asked for before any page of its host has been read: the payload of the
/// thirty full-sized segments (1 460 bytes) a new connection carries in its first two round trips
/// (an initial congestion window of ten segments, RFC 6928, doubled in slow start). A host's
/// first pages are all asked for before any of its heads is known, and each holds one of the
/// host's slots until its range is read: at 64 KiB, a third round trip on every new connection
/// kept the host's next requests waiting (about 50 ms on a 50 ms round trip). Filling the two
/// windows, rather than stopping short of the second, also lets the window grow for the pages
/// that follow on the connection. A head longer than this is read on with one more request.
const FIRST_RANGE_BYTES: u64 = 30 * 1460;

/// Reads what is left of a response and drops it, until its end or `deadline`, so that hyper
/// can reuse the connection. Failing here costs nothing but the connection.
async fn drain(response: &mut reqwest::Response, deadline: Instant) {
    while let Ok(Ok(Some(_))) = tokio::time::timeout_at(deadline, response.chunk()).await {}
}

/// A body being read, over one or (for a ranged page) two responses.
struct Reading {
    kind: BodyKind,
    cap: usize,
    head_cap: usize,
    scanner: HeadScanner,
    body: Vec<u8>,
    /// Whether the last response's body was received whole.
    ended: bool,
    /// Whether a chunk ran past the cap (the body is cut even if the stream ended).
    cut: bool,
    /// Whether the first bytes were looked at for a PDF under another name.
    sniffed: bool,
    /// Read pages whole, not only their head (an evidence archive keeps the page).
    whole_pages: bool,
    pdf_cap: usize,
}

impl Reading {
    /// `other`: the most bytes of non-HTML, non-PDF content (a request may ask for more).
    fn new(kind: BodyKind, opts: &FetchOptions, other: u64) -> Reading {
        let cap = usize::try_from(match kind {
            BodyKind::Html => opts.max_body_bytes,
            BodyKind::Text | BodyKind::Binary => other.min(opts.max_body_bytes),
            BodyKind::Pdf => opts.max_pdf_bytes,
        })
        .unwrap_or(usize::MAX);
        let head_cap = usize::try_from(opts.head_scan_bytes.min(opts.max_body_bytes)).unwrap_or(usize::MAX);
        Reading {
            kind,
            cap,
            head_cap,
            scanner: HeadScanner::default(),
            body: Vec::new(),
            ended: false,
            cut: false,
            sniffed: kind == BodyKind::Pdf,
            whole_pages: opts.keep_exchanges,
            pdf_cap: usize::try_from(opts.max_pdf_bytes).unwrap_or(usize::MAX),
        }
    }

    /// Keeps what fits of `chunk`; true once reading can stop (a cap, or the metadata is read).
    fn push(&mut self, chunk: &[u8]) -> bool {
        if !self.sniffed && self.body.len() + chunk.len() >= PDF_MAGIC.len() {
            // A PDF under another name (octet-stream, no type, even text/html) is read as the
            // PDF it is.
            self.sniffed = true;
            let mut head = self.body.clone();
            head.extend_from_slice(&chunk[..chunk.len().min(PDF_MAGIC.len())]);
            if head.starts_with(PDF_MAGIC) {
                self.kind = BodyKind::Pdf;
                self.cap = self.pdf_cap;
            }
        }
        let room = self.cap.saturating_sub(self.body.len());
        self.cut |= chunk.len() > room;
        self.body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if self.body.len() >= self.cap {
            return true;
        }
        if self.kind == BodyKind::Html && !self.whole_pages {
            self.scanner.feed(&self.body);
            return self.scanner.progress(self.body.len(), self.head_cap) == Progress::Done;
        }
        false
    }

    /// Whether more of the page would be read if there were more.
    fn wants_more(&self) -> bool {
        self.body.len() < self.cap
            && (self.kind != BodyKind::Html || self.scanner.progress(self.body.len(), self.head_cap) == Progress::More)
    }

    fn restart(&mut self) {
        self.body.clear();
        self.scanner = HeadScanner::default();
        self.ended = false;
        self.cut = false;
    }
}

/// One `Range` request: bytes `from` to `to` (inclusive; open-ended without), guarded by a
/// validator of the part already read.
#[derive(Debug, Clone)]
struct RangeAsk {
    from: u64,
    to: Option<u64>,
    if_range: Option<HeaderValue>,
}

impl RangeAsk {
    fn apply(&self, headers: &mut HeaderMap) {
        let spec = match self.to {
            Some(to) => format!("bytes={}-{to}", self.from),
            None => format!("bytes={}-", self.from),
        };
        if let Ok(v) = HeaderValue::from_str(&spec) {
            headers.insert(header::RANGE, v);
            // A prefix of a compressed stream cannot be inflated to its end.
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("identity"));
        }
        if let Some(v) = &self.if_range {
            headers.insert(header::IF_RANGE, v.clone());
        }
    }
}

/// A `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ContentRange {
    start: u64,
    end: u64,
    total: Option<u64>,
}

fn content_range(headers: &HeaderMap) -> Option<ContentRange> {
    let v = headers.get(header::CONTENT_RANGE)?.to_str().ok()?.trim();
    let rest = v.strip_prefix("bytes")?.trim_start();
    let (span, total) = rest.split_once('/')?;
    let (start, end) = span.trim().split_once('-')?;
    let (start, end): (u64, u64) = (start.trim().parse().ok()?, end.trim().parse().ok()?);
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    (start <= end && total.is_none_or(|t| end < t)).then_some(ContentRange { start, end, total })
}

/// What `If-Range` can carry: a strong `ETag`, else `Last-Modified` (RFC 9110, section 13.1.5).
fn if_range_validator(headers: &HeaderMap) -> Option<HeaderValue> {
    let etag = headers.get(header::ETAG).filter(|v| v.as_bytes().starts_with(b"\""));
    etag.or_else(|| headers.get(header::LAST_MODIFIED)).cloned()
}

/// Whether a body that reading stopped early on has in fact been received whole: its announced
/// length was reached, or the end of the stream is already there without waiting.
fn stream_has_ended(response: &mut reqwest::Response, length: Option<u64>, bytes_read: &mut u64) -> bool {
    if length.is_some_and(|len| *bytes_read >= len) {
        return true;
    }
    match response.chunk().now_or_never() {
        Some(Ok(None)) => true,
        // A chunk that was already there is read past like the rest of the remainder.
        Some(Ok(Some(chunk))) => {
            *bytes_read = bytes_read.saturating_add(chunk.len() as u64);
            length.is_some_and(|len| *bytes_read >= len)
        }
        _ => false,
    }
}

/// Puts the body bytes read into `out`, decoded to text by the encoding rules unless it is
/// binary content. `content_type` is the whole `Content-Type` header; `ended` says whether the
/// bytes are the whole body (a cut multi-byte sequence at the end is then an error to show).
/// Shared by the network and by an archive being replayed, so both read text the same way.
pub(crate) fn set_body(out: &mut FetchOutcome, body: Vec<u8>, content_type: Option<&str>, ended: bool) {
    // A PDF is bytes, whatever its label says (servers send PDFs as octet-stream or even HTML).
    let pdf = body.starts_with(b"%PDF-");
    if !pdf && !matches!(BodyKind::of(out.content_type.as_deref()), BodyKind::Binary | BodyKind::Pdf) {
        let header_charset = content_type.and_then(charset_param);
        let tld = out.final_url.domain().and_then(|d| d.trim_end_matches('.').rsplit('.').next());
        let (encoding, bom_len, _) = charset::choose(&body, header_charset, tld);
        out.body = charset::decode(&body, encoding, bom_len, ended);
        out.charset = Some(encoding.name().to_owned());
    }
    out.raw = body;
}

/// `text/html; charset=UTF-8` → `text/html`, or `None` when empty.
pub(crate) fn content_type_essence(content_type: &str) -> Option<String> {
    Some(essence(content_type)).filter(|e| !e.is_empty())
}

/// How much of a body to read and whether to decode it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    /// Read up to the end of the metadata.
    Html,
    /// Other text (plain, JSON, XML): a prefix, decoded.
    Text,
    /// Anything else (images, archives): a prefix, not decoded.
    Binary,
    /// A PDF: read whole (its metadata is at its end), up to its own cap, not decoded.
    Pdf,
}

impl BodyKind {
    /// The most body bytes of this kind that are read.
    pub(crate) fn cap(self, opts: &FetchOptions) -> usize {
        usize::try_from(match self {
            BodyKind::Html => opts.max_body_bytes,
            BodyKind::Text | BodyKind::Binary => opts.max_other_bytes.min(opts.max_body_bytes),
            BodyKind::Pdf => opts.max_pdf_bytes,
        })
        .unwrap_or(usize::MAX)
    }

    /// A missing content type is treated as HTML, as browsers sniff it.
    pub(crate) fn of(essence: Option<&str>) -> BodyKind {
        match essence {
            None | Some("text/html" | "application/xhtml+xml") => BodyKind::Html,
            Some(t) if is_pdf_type(t) => BodyKind::Pdf,
            Some(t) if t.starts_with("text/") || t.ends_with("+xml") || t.ends_with("+json") => BodyKind::Text,
            Some("application/xml" | "application/json" | "application/javascript") => BodyKind::Text,
            Some(_) => BodyKind::Binary,
        }
    }
}

fn record_headers(out: &mut FetchOutcome, response: &reqwest::Response) {
    let headers = response.headers();
    let text = |name: header::HeaderName| {
        headers.get(name).map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned()).filter(|v| !v.is_empty())
    };
    out.status = Some(response.status().as_u16());
    out.content_type = text(header::CONTENT_TYPE).map(|ct| essence(&ct)).filter(|e| !e.is_empty());
    out.etag = text(header::ETAG);
    out.last_modified = text(header::LAST_MODIFIED);
    out.retry_after = text(header::RETRY_AFTER).and_then(|v| retry::parse_retry_after(&v, SystemTime::now()));
}

/// `text/html; charset=UTF-8` → `text/html`.
fn essence(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// `text/html; charset="utf-8"` → `utf-8`.
fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (name, value) = p.split_once('=')?;
        name.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches(['"', '\'']))
    })
}

fn without_fragment(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    u
}

/// The politeness key: host and port, so two servers on one machine are two hosts.
fn host_key(url: &Url) -> String {
    host_port(url)
}

fn host_port(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// `1.5 s`, `250 ms`.
fn human(d: Duration) -> String {
    if d < Duration::from_secs(1) { format!("{} ms", d.as_millis()) } else { format!("{} s", d.as_secs_f64()) }
}

fn config(setting: &str, message: impl fmt::Display) -> Error {
    Error::Config { setting: setting.to_owned(), message: message.to_string() }
}

/// The longest any duration setting may be.
const MAX_SETTING_DURATION: Duration = Duration::from_secs(24 * 60 * 60);

fn validate(o: &FetchOptions) -> Result<(), Error> {
    let positive = [
        ("connect_timeout", o.connect_timeout),
        ("request_timeout", o.request_timeout),
        ("total_timeout", o.total_timeout),
    ];
    for (name, d) in positive {
        if d.is_zero() {
            return Err(config(name, "must be longer than zero"));
        }
    }
    // Bounding every duration keeps all the deadline arithmetic far from overflow.
    let all = [
        ("connect_timeout", o.connect_timeout),
        ("request_timeout", o.request_timeout),
        ("total_timeout", o.total_timeout),
        ("backoff_base", o.backoff_base),
        ("max_backoff", o.max_backoff),
        ("max_retry_after", o.max_retry_after),
        ("host_interval", o.host_interval),
    ];
    for (name, d) in all {
        if d > MAX_SETTING_DURATION {
            return Err(config(name, "must be at most a day"));
        }
    }
    let sizes = [
        ("max_body_bytes", o.max_body_bytes),
        ("head_scan_bytes", o.head_scan_bytes),
        ("max_other_bytes", o.max_other_bytes),
        ("max_pdf_bytes", o.max_pdf_bytes),
    ];
    for (name, n) in sizes {
        if n == 0 {
            return Err(config(name, "must be at least 1 byte"));
        }
    }
    if o.attempts == 0 {
        return Err(config("attempts", "must be at least 1"));
    }
    if o.host_concurrency == 0 {
        return Err(config("host_concurrency", "must be at least 1"));
    }
    for (pattern, h) in &o.hosts {
        if h.concurrency == Some(0) {
            return Err(config(&format!("host {pattern} concurrency"), "must be at least 1"));
        }
        if h.interval.is_some_and(|d| d > MAX_SETTING_DURATION) {
            return Err(config(&format!("host {pattern} interval"), "must be at most a day"));
        }
    }
    Ok(())
}

fn default_headers(o: &FetchOptions) -> Result<HeaderMap, Error> {
    let value = |setting: &str, v: &str| {
        HeaderValue::from_str(v).map_err(|_| config(setting, format!("{v:?} is not a valid header value")))
    };
    let mut map = HeaderMap::new();
    map.insert(header::USER_AGENT, value("user_agent", &o.user_agent)?);
    map.insert(header::ACCEPT, HeaderValue::from_static(ACCEPT));
    map.insert(header::ACCEPT_LANGUAGE, value("accept_language", &o.accept_language)?);
    let extra = header_map("header", &o.headers)?;
    // An extra header replaces a default of the same name; repeated extras are all sent.
    for name in extra.keys() {
        map.remove(name);
    }
    for (name, v) in &extra {
        map.append(name, v.clone());
    }
    Ok(map)
}

/// Validated headers, repeated names kept in order. `setting` prefixes the error's setting name.
fn header_map(setting: &str, headers: &[(String, String)]) -> Result<HeaderMap, Error> {
    let mut map = HeaderMap::new();
    for (name, v) in headers {
        let setting = format!("{setting} {name}");
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| config(&setting, format!("{name:?} is not a valid header name")))?;
        let v = HeaderValue::from_str(v).map_err(|_| config(&setting, format!("{v:?} is not a valid header value")))?;
        map.append(name, v);
    }
    Ok(map)
}

/// The errors behind `err`, outermost first. `io::Error` hides the error it wraps from
/// `source()`, so it is unwrapped explicitly.
fn causes<'a>(err: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut out = Vec::new();
    let mut cur = Some(err);
    while let Some(e) = cur {
        if out.len() >= 32 {
            break;
        }
        out.push(e);
        cur = match e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => e.source(),
        };
    }
    out
}

/// The innermost message of an error chain: usually the most specific one.
fn chain_message(err: &(dyn StdError + 'static)) -> String {
    causes(err).last().map(|e| e.to_string()).unwrap_or_default()
}

/// Sorts a reqwest error into a [`FetchErrorKind`] with a message naming the host.
fn classify(err: &reqwest::Error, url: &Url, opts: &FetchOptions) -> FetchError {
    let chain = causes(err);
    let target = host_port(url);
    if let Some(b) = chain.iter().find_map(|e| e.downcast_ref::<BlockedError>()) {
        return FetchError::new(FetchErrorKind::Blocked, b.to_string());
    }
    if let Some(d) = chain.iter().find_map(|e| e.downcast_ref::<DnsError>()) {
        return FetchError::new(FetchErrorKind::Dns, d.to_string());
    }
    if let Some(t) = chain.iter().find_map(|e| e.downcast_ref::<rustls::Error>()) {
        return FetchError::new(FetchErrorKind::Tls, format!("TLS with {target} failed: {t}"));
    }
    let inner = chain_message(err);
    if err.is_timeout() {
        let what = if err.is_connect() { "connecting to" } else { "waiting for" };
        let limit = if err.is_connect() { opts.connect_timeout } else { opts.request_timeout };
        return FetchError::new(FetchErrorKind::Timeout, format!("timed out {what} {target} after {}", human(limit)));
    }
    if chain.iter().filter_map(|e| e.downcast_ref::<hyper::Error>()).any(hyper::Error::is_incomplete_message) {
        return FetchError::new(FetchErrorKind::Connect, format!("{target} closed the connection without answering"));
    }
    let io_kind = chain.iter().find_map(|e| e.downcast_ref::<std::io::Error>()).map(std::io::Error::kind);
    use std::io::ErrorKind as K;
    match io_kind {
        Some(K::ConnectionRefused) => {
            return FetchError::new(FetchErrorKind::Connect, format!("{target} refused the connection"));
        }
        Some(K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof) => {
            return FetchError::new(FetchErrorKind::Connect, format!("the connection to {target} was cut: {inner}"));
        }
        _ => {}
    }
    if err.is_connect() {
        return FetchError::new(FetchErrorKind::Connect, format!("could not connect to {target}: {inner}"));
    }
    if err.is_body() || err.is_decode() {
        return FetchError::new(FetchErrorKind::Body, format!("reading the body from {target} failed: {inner}"));
    }
    FetchError::new(FetchErrorKind::Protocol, format!("HTTP error from {target}: {inner}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_parts() {
        assert_eq!(essence("Text/HTML; charset=UTF-8"), "text/html");
        assert_eq!(charset_param("text/html; Charset=\"windows-1251\""), Some("windows-1251"));
        assert_eq!(charset_param("text/html;charset=utf-8;q=1"), Some("utf-8"));
        assert_eq!(charset_param("text/html"), None);
        assert_eq!(BodyKind::of(Some("application/pdf")), BodyKind::Pdf);
        assert_eq!(BodyKind::of(Some("text/plain")), BodyKind::Text);
        assert_eq!(BodyKind::of(Some("application/rss+xml")), BodyKind::Text);
        assert_eq!(BodyKind::of(None), BodyKind::Html);
    }

    #[test]
    fn bad_options_are_config_errors() {
        let bad = [
            FetchOptions::default().attempts(0),
            FetchOptions::default().request_timeout(Duration::ZERO),
            FetchOptions::default().host_concurrency(0),
            FetchOptions::default().max_body_bytes(0),
            FetchOptions::default().total_timeout(Duration::MAX),
            FetchOptions::default().host_interval(Duration::from_secs(90_000)),
            FetchOptions::default().header("Bad Name", "x"),
            FetchOptions::default().header("X-Ok", "line\nbreak"),
            FetchOptions::default().user_agent("tab\u{7f}"),
            FetchOptions::default().proxy("::not a url::"),
        ];
        for o in bad {
            let err = Fetcher::new(o.clone()).unwrap_err();
            assert!(matches!(err, Error::Config { .. }), "{o:?} gave {err}");
        }
        assert!(matches!(Fetcher::new(FetchOptions::default().add_root_certificate("junk")), Err(Error::Client(_))));
    }

    #[test]
    fn extra_headers_replace_defaults_and_repeat() {
        let o = FetchOptions::default().header("user-agent", "other/1").header("X-A", "1").header("x-a", "2");
        let map = default_headers(&o).unwrap();
        assert_eq!(map.get_all(header::USER_AGENT).iter().collect::<Vec<_>>(), ["other/1"]);
        assert_eq!(map.get_all("x-a").iter().collect::<Vec<_>>(), ["1", "2"]);
        assert_eq!(map.get(header::ACCEPT_LANGUAGE).unwrap(), DEFAULT_ACCEPT_LANGUAGE);
    }

    #[test]
    fn every_hop_is_checked_against_scheme_and_address_policy() {
        let fetcher = Fetcher::new(FetchOptions::default()).unwrap();
        let check = |url: &str| fetcher.inner.check_target(&Url::parse(url).unwrap(), true).map_err(|e| e.kind);
        assert_eq!(check("https://www.example.org/"), Ok(()));
        assert_eq!(check("http://93.184.215.14/"), Ok(()));
        assert_eq!(check("http://169.254.169.254/latest/meta-data/"), Err(FetchErrorKind::Blocked));
        assert_eq!(check("http://[fd00::1]/"), Err(FetchErrorKind::Blocked));
        assert_eq!(check("http://localhost/"), Err(FetchErrorKind::Blocked));
        assert_eq!(check("file:///etc/passwd"), Err(FetchErrorKind::Scheme));
        assert_eq!(check("data:text/html,hi"), Err(FetchErrorKind::Scheme));
        let open = Fetcher::new(FetchOptions::default().allow_private(true)).unwrap();
        let check = |url: &str| open.inner.check_target(&Url::parse(url).unwrap(), true).map_err(|e| e.kind);
        assert_eq!(check("http://127.0.0.1/"), Ok(()));
        assert_eq!(check("ftp://127.0.0.1/"), Err(FetchErrorKind::Scheme));
    }

    #[test]
    fn the_fetcher_is_shareable() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Fetcher>();
        assert!(DEFAULT_USER_AGENT.starts_with("citecheck/"));
    }
}
