//! [`FetchOptions`]: every knob of the fetcher, with defaults chosen for checking the links of one
//! document politely and quickly.

use std::fmt;
use std::time::Duration;

use url::{Host, Url};

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
/// | [`max_pdf_bytes`](Self::max_pdf_bytes) | 20 MiB, for PDFs (read whole) |
/// | [`range_bytes`](Self::range_bytes) | 64 KiB asked for with `Range` at most: 43 800 bytes until a host's heads are known, then a margin over them |
/// | [`drain_bytes`](Self::drain_bytes) | 64 KiB read past the head to keep an HTTP/1.1 connection |
/// | [`attempts`](Self::attempts) | 3 (so up to 2 retries) |
/// | [`backoff_base`](Self::backoff_base) | 500 ms, doubling, with jitter |
/// | [`max_backoff`](Self::max_backoff) | 8 s |
/// | [`max_retry_after`](Self::max_retry_after) | 30 s |
/// | [`host_concurrency`](Self::host_concurrency) | 2 requests in flight per host |
/// | [`host_interval`](Self::host_interval) | 250 ms between request starts per host |
/// | [`allow_private`](Self::allow_private) | `false` |
/// | [`proxy`](Self::proxy) | none (environment proxy variables are ignored) |
/// | [`host`](Self::host) | no per-host settings |
/// | [`keep_exchanges`](Self::keep_exchanges) | `false` |
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
    pub(crate) max_pdf_bytes: u64,
    pub(crate) range_bytes: u64,
    pub(crate) drain_bytes: u64,
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
    pub(crate) hosts: Vec<(HostPattern, HostOptions)>,
    pub(crate) keep_exchanges: bool,
}

/// The default of [`FetchOptions::max_pdf_bytes`]: 20 MiB, more than almost any report or
/// paper, bounded so that a cited book scan or data dump is not downloaded whole.
pub const DEFAULT_MAX_PDF_BYTES: u64 = 20 * 1024 * 1024;

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
            max_pdf_bytes: DEFAULT_MAX_PDF_BYTES,
            range_bytes: 64 * 1024,
            drain_bytes: 64 * 1024,
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
            hosts: Vec::new(),
            keep_exchanges: false,
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

    /// The most bytes read from a PDF (served as `application/pdf`, or starting with `%PDF-`).
    /// A PDF is read whole, since its metadata sits at its end; one larger than this is
    /// reported as not read.
    pub fn max_pdf_bytes(mut self, value: u64) -> Self {
        self.max_pdf_bytes = value;
        self
    }

    /// Ask for only the first bytes of each page (`Range: bytes=0-N`), since the metadata is at
    /// the top: at most this many; until one of a host's pages has been read, no more than a new
    /// connection carries in its first two round trips (43 800 bytes), and then a little more
    /// than its longest head so far. A server that honours it sends a short `206` that ends where reading
    /// would have stopped, so an HTTP/1.1 connection stays usable for the next request; one that
    /// ignores it sends the whole page as usual. A head longer than the range is read on with a
    /// second request for the rest (`If-Range` guards against a page that changed in between).
    /// Ranged requests ask for no compression, since a prefix of a compressed stream cannot be
    /// decoded; so a host that answered one with the whole page is asked without `Range` (and
    /// with compression) from then on. Zero never sends `Range`; a [`FetchRequest`](super::FetchRequest) with its own
    /// `Range` header is sent as it is.
    pub fn range_bytes(mut self, value: u64) -> Self {
        self.range_bytes = value;
        self
    }

    /// Over HTTP/1.1, once the metadata is read, how many bytes of the body that remain are
    /// still read (and dropped) so that the connection can carry the next request, rather than
    /// being closed. Reading a short remainder costs less than opening a connection (TCP and TLS
    /// set-up round trips). A longer or unknown remainder closes the connection; over HTTP/2 the
    /// stream is cancelled instead and the connection always stays. Zero never drains.
    pub fn drain_bytes(mut self, value: u64) -> Self {
        self.drain_bytes = value;
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

    /// Keep each hop's request and response headers, HTTP version, remote address and time in
    /// [`FetchOutcome::exchanges`](super::FetchOutcome::exchanges), and read pages whole (within
    /// [`max_body_bytes`](Self::max_body_bytes)) instead of stopping after their metadata, as an
    /// evidence archive needs. Off by default: a run that writes no archive copies no headers
    /// and reads no more than it must.
    pub fn keep_exchanges(mut self, value: bool) -> Self {
        self.keep_exchanges = value;
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

    /// Settings for the hosts `pattern` matches: politeness, and headers (a cookie, a user agent)
    /// sent to those hosts only. Where several patterns match a URL the most specific one
    /// applies, alone (see [`HostPattern::specificity`]). Headers are chosen afresh at every
    /// redirect hop, so a redirect to another host never carries them there.
    pub fn host(mut self, pattern: HostPattern, options: HostOptions) -> Self {
        self.hosts.push((pattern, options));
        self
    }

    /// The per-host settings that apply to `url`, if any.
    pub fn host_options(&self, url: &Url) -> Option<&HostOptions> {
        best_match(&self.hosts, url)
    }
}

/// Settings for one host (or a family of hosts), given to [`FetchOptions::host`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostOptions {
    /// Requests in flight at once to each matching `host:port` (instead of
    /// [`FetchOptions::host_concurrency`]). At least 1.
    pub concurrency: Option<usize>,
    /// Least time between request starts to each matching `host:port` (instead of
    /// [`FetchOptions::host_interval`]).
    pub interval: Option<Duration>,
    /// Headers sent to matching hosts only, replacing a default or global header of the same
    /// name (`Cookie`, `User-Agent`, `Authorization`…).
    pub headers: Vec<(String, String)>,
}

/// Which hosts a per-host setting is for: `www.example.com` (that host, any port),
/// `example.com:8443` (that host and port), `*.example.com` (every subdomain, not the domain
/// itself), `127.0.0.1:4000`, `[::1]:8080`. Names compare case-insensitively; a trailing dot
/// is ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPattern {
    /// The host, lower-case, without brackets or a trailing dot; for a wildcard, the suffix
    /// after `*.`.
    host: String,
    wildcard: bool,
    port: Option<u16>,
    source: String,
}

impl HostPattern {
    /// Parses a pattern; the error says what is wrong with it.
    pub fn parse(pattern: &str) -> Result<HostPattern, String> {
        let source = pattern.trim();
        if source.is_empty() {
            return Err("the host is empty".into());
        }
        let (wildcard, rest) = match source.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, source),
        };
        // Parsed as a URL's authority so IPv6 literals, ports and IDNs read as the fetcher reads them.
        let url = Url::parse(&format!("http://{rest}/"))
            .map_err(|e| format!("{source:?} is not a host name, `host:port` or `*.domain`: {e}"))?;
        if url.path() != "/" || url.query().is_some() || !url.username().is_empty() || url.password().is_some() {
            return Err(format!("{source:?} should be a bare host, without a scheme or path"));
        }
        let host = match url.host() {
            Some(Host::Domain(d)) => d.trim_end_matches('.').to_ascii_lowercase(),
            Some(Host::Ipv4(ip)) if !wildcard => ip.to_string(),
            Some(Host::Ipv6(ip)) if !wildcard => ip.to_string(),
            _ => return Err(format!("{source:?}: `*.` goes before a domain name")),
        };
        let explicit_port =
            rest.rsplit_once(':').is_some_and(|(_, p)| p.chars().all(|c| c.is_ascii_digit())) && !rest.ends_with(']');
        let port = if explicit_port { url.port_or_known_default() } else { None };
        Ok(HostPattern { host, wildcard, port, source: source.to_owned() })
    }

    /// Whether `url`'s host (and port, when the pattern names one) is one this pattern names.
    pub fn matches(&self, url: &Url) -> bool {
        let host = match url.host() {
            Some(Host::Domain(d)) => d.trim_end_matches('.').to_ascii_lowercase(),
            Some(Host::Ipv4(ip)) => ip.to_string(),
            Some(Host::Ipv6(ip)) => ip.to_string(),
            None => return false,
        };
        if self.port.is_some_and(|p| url.port_or_known_default() != Some(p)) {
            return false;
        }
        if self.wildcard {
            host.len() > self.host.len()
                && host.ends_with(self.host.as_str())
                && host[..host.len() - self.host.len()].ends_with('.')
        } else {
            host == self.host
        }
    }

    /// How specific the pattern is, for choosing among several that match: an exact host beats
    /// a wildcard, a port beats none, and a longer wildcard suffix beats a shorter one.
    pub fn specificity(&self) -> (bool, bool, usize) {
        (!self.wildcard, self.port.is_some(), self.host.len())
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl fmt::Display for HostPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// The value of the most specific pattern in `entries` that matches `url` (the first of equals).
pub fn best_match<'a, T>(entries: &'a [(HostPattern, T)], url: &Url) -> Option<&'a T> {
    best_match_index(entries, url).map(|i| &entries[i].1)
}

pub(crate) fn best_match_index<T>(entries: &[(HostPattern, T)], url: &Url) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, (pattern, _)) in entries.iter().enumerate().filter(|(_, (p, _))| p.matches(url)) {
        if best.is_none_or(|b| pattern.specificity() > entries[b].0.specificity()) {
            best = Some(i);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn host_patterns_match_host_port_and_subdomains() {
        let exact = HostPattern::parse("WWW.Example.com.").unwrap();
        assert!(exact.matches(&url("https://www.example.com/a")));
        assert!(exact.matches(&url("http://www.example.com:8080/")));
        assert!(!exact.matches(&url("https://example.com/")));
        let port = HostPattern::parse("127.0.0.1:4000").unwrap();
        assert!(port.matches(&url("http://127.0.0.1:4000/x")));
        assert!(!port.matches(&url("http://127.0.0.1:4001/x")));
        let wild = HostPattern::parse("*.example.com").unwrap();
        assert!(wild.matches(&url("https://a.b.example.com/")));
        assert!(!wild.matches(&url("https://example.com/")));
        assert!(!wild.matches(&url("https://badexample.com/")));
        let v6 = HostPattern::parse("[::1]:8080").unwrap();
        assert!(v6.matches(&url("http://[::1]:8080/")));
        assert!(HostPattern::parse("[::1]").unwrap().matches(&url("http://[::1]:9/")));
    }

    #[test]
    fn bad_host_patterns_say_why() {
        for bad in ["", "https://example.com/", "example.com/path", "*.127.0.0.1", "a b", "user@host"] {
            assert!(HostPattern::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_most_specific_pattern_wins() {
        let p = |s: &str| HostPattern::parse(s).unwrap();
        let entries = vec![(p("*.example.com"), 1), (p("www.example.com"), 2), (p("www.example.com:443"), 3)];
        assert_eq!(best_match(&entries, &url("https://www.example.com/")), Some(&3));
        assert_eq!(best_match(&entries, &url("http://www.example.com/")), Some(&2));
        assert_eq!(best_match(&entries, &url("https://news.example.com/")), Some(&1));
        assert_eq!(best_match(&entries, &url("https://example.org/")), None);
    }
}
