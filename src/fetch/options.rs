//! [`FetchOptions`]: every knob of the fetcher, with defaults chosen for checking the links of one
//! document politely and quickly.

use std::time::Duration;

/// The default `User-Agent`: the tool, its version and where to read about it, so that a site
/// operator who sees it in a log knows what it is.
pub const DEFAULT_USER_AGENT: &str =
    concat!("citecheck/", env!("CARGO_PKG_VERSION"), " (+https://github.com/citecheck/citecheck)");

/// The default `Accept-Language`: English first, anything else after. Citations are compared
/// against the title the author saw, and most briefs cite the English edition of a page.
pub const DEFAULT_ACCEPT_LANGUAGE: &str = "en;q=1.0, *;q=0.5";

/// How a [`Fetcher`](super::Fetcher) behaves. Start from [`FetchOptions::default()`] and change
/// what you need with the builder-style setters:
///
/// ```
/// use std::time::Duration;
/// use citecheck::fetch::FetchOptions;
/// let options = FetchOptions::default()
///     .request_timeout(Duration::from_secs(5))
///     .attempts(2)
///     .header("X-Audit", "brief-2025-03");
/// ```
///
/// | setting | default |
/// | --- | --- |
/// | [`user_agent`](Self::user_agent) | [`DEFAULT_USER_AGENT`] |
/// | [`accept_language`](Self::accept_language) | [`DEFAULT_ACCEPT_LANGUAGE`] |
/// | [`connect_timeout`](Self::connect_timeout) | 10 s |
/// | [`request_timeout`](Self::request_timeout) | 20 s, headers and body of one attempt |
/// | [`total_timeout`](Self::total_timeout) | 60 s, all attempts, redirects and waits of one fetch |
/// | [`max_redirects`](Self::max_redirects) | 10 |
/// | [`max_body_bytes`](Self::max_body_bytes) | 2 MiB (decompressed) |
/// | [`head_scan_bytes`](Self::head_scan_bytes) | 512 KiB |
/// | [`max_other_bytes`](Self::max_other_bytes) | 64 KiB, for non-HTML content |
/// | [`attempts`](Self::attempts) | 3 (so up to 2 retries) |
/// | [`backoff_base`](Self::backoff_base) | 500 ms, doubling, with jitter |
/// | [`max_backoff`](Self::max_backoff) | 8 s |
/// | [`max_retry_after`](Self::max_retry_after) | 30 s |
/// | [`host_concurrency`](Self::host_concurrency) | 2 requests in flight per host |
/// | [`host_interval`](Self::host_interval) | 250 ms between request starts per host |
/// | [`allow_private`](Self::allow_private) | `false` |
/// | [`proxy`](Self::proxy) | none (environment proxy variables are ignored) |
///
/// Response headers are bounded by hyper, not by a setting here: over HTTP/1.1 at most 100
/// header fields in a read buffer of about 400 KiB, over HTTP/2 a header list of 16 KiB. A
/// response over those limits fails as [`Protocol`](super::FetchErrorKind::Protocol) (the link
/// is reported dead), never by reading on. The bytes on the wire are bounded by the
/// decompressed limits, since no compressed byte is read without being inflated.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub(crate) user_agent: String,
    pub(crate) accept_language: String,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) total_timeout: Duration,
    pub(crate) max_redirects: u32,
    pub(crate) max_body_bytes: u64,
    pub(crate) head_scan_bytes: u64,
    pub(crate) max_other_bytes: u64,
    pub(crate) attempts: u32,
    pub(crate) backoff_base: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) host_concurrency: usize,
    pub(crate) host_interval: Duration,
    pub(crate) allow_private: bool,
    pub(crate) extra_root_certs: Vec<Vec<u8>>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) proxy: Option<String>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            accept_language: DEFAULT_ACCEPT_LANGUAGE.to_owned(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(20),
            total_timeout: Duration::from_secs(60),
            max_redirects: 10,
            max_body_bytes: 2 * 1024 * 1024,
            head_scan_bytes: 512 * 1024,
            max_other_bytes: 64 * 1024,
            attempts: 3,
            backoff_base: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
            host_concurrency: 2,
            host_interval: Duration::from_millis(250),
            allow_private: false,
            extra_root_certs: Vec::new(),
            headers: Vec::new(),
            proxy: None,
        }
    }
}

impl FetchOptions {
    /// The `User-Agent` header sent with every request.
    pub fn user_agent(mut self, value: impl Into<String>) -> Self {
        self.user_agent = value.into();
        self
    }

    /// The `Accept-Language` header sent with every request.
    pub fn accept_language(mut self, value: impl Into<String>) -> Self {
        self.accept_language = value.into();
        self
    }

    /// How long resolving and connecting (including the TLS handshake) may take.
    pub fn connect_timeout(mut self, value: Duration) -> Self {
        self.connect_timeout = value;
        self
    }

    /// How long one attempt may take, from sending the request to the end of reading the body;
    /// a body that trickles in forever stops here.
    pub fn request_timeout(mut self, value: Duration) -> Self {
        self.request_timeout = value;
        self
    }

    /// How long one [`fetch`](super::Fetcher::fetch) may take in all: every attempt, redirect,
    /// backoff and `Retry-After` wait. When it runs out the outcome's error is
    /// [`Deadline`](super::FetchErrorKind::Deadline).
    pub fn total_timeout(mut self, value: Duration) -> Self {
        self.total_timeout = value;
        self
    }

    /// How many redirects are followed; one more is
    /// [`TooManyRedirects`](super::FetchErrorKind::TooManyRedirects). Zero follows none.
    pub fn max_redirects(mut self, value: u32) -> Self {
        self.max_redirects = value;
        self
    }

    /// The most body bytes (after decompression) ever read from one HTML response.
    pub fn max_body_bytes(mut self, value: u64) -> Self {
        self.max_body_bytes = value;
        self
    }

    /// Once the end of an HTML head is read without a title, how far into the body to keep
    /// looking for the first `</h1>`. Never more than [`max_body_bytes`](Self::max_body_bytes).
    pub fn head_scan_bytes(mut self, value: u64) -> Self {
        self.head_scan_bytes = value;
        self
    }

    /// The most bytes read from a response that is not HTML (PDF, images, archives…).
    pub fn max_other_bytes(mut self, value: u64) -> Self {
        self.max_other_bytes = value;
        self
    }

    /// How many times a URL is tried in all when the failure is transient (connection errors,
    /// timeouts, 408, 429, 500, 502, 503, 504). At least 1.
    pub fn attempts(mut self, value: u32) -> Self {
        self.attempts = value;
        self
    }

    /// The first backoff between attempts; each later one doubles, and each is jittered to
    /// between half and all of its value.
    pub fn backoff_base(mut self, value: Duration) -> Self {
        self.backoff_base = value;
        self
    }

    /// The longest backoff between attempts.
    pub fn max_backoff(mut self, value: Duration) -> Self {
        self.max_backoff = value;
        self
    }

    /// The longest `Retry-After` that is waited for. A server asking for more gets no retry: the
    /// outcome keeps its status (429 or 503) and the requested delay in
    /// [`retry_after`](super::FetchOutcome::retry_after).
    pub fn max_retry_after(mut self, value: Duration) -> Self {
        self.max_retry_after = value;
        self
    }

    /// How many requests may be in flight to one host (`host:port`) at once. At least 1.
    pub fn host_concurrency(mut self, value: usize) -> Self {
        self.host_concurrency = value;
        self
    }

    /// The least time between the starts of two requests to one host. A host that answers 429
    /// (or 503 with `Retry-After`) gets double this (at least a second) for the rest of the run.
    pub fn host_interval(mut self, value: Duration) -> Self {
        self.host_interval = value;
        self
    }

    /// Allow connections to loopback, private, link-local and other non-public addresses. Off by
    /// default so that a document cannot make citecheck probe the network it runs in. Only
    /// `http` and `https` URLs are ever fetched, whatever this says.
    pub fn allow_private(mut self, value: bool) -> Self {
        self.allow_private = value;
        self
    }

    /// Trust the certificates in this PEM document as roots, in addition to the built-in
    /// (Mozilla) roots. May be called more than once.
    pub fn add_root_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_root_certs.push(pem.into());
        self
    }

    /// Send this header with every request (in addition to the defaults, replacing a default of
    /// the same name). May be called more than once.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Send every request through this proxy (`http://`, `https://` URL). Without it no proxy is
    /// used, whatever the environment says. Through a proxy the address policy can only check
    /// IP-literal URLs: the proxy, not citecheck, resolves host names.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }
}
