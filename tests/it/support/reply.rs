//! [`Reply`]: what the test server answers to one request, including the faults it can inject.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::server::RecordedRequest;

/// A scripted answer. Build one with a constructor ([`Reply::status`], [`Reply::ok_html`],
/// [`Reply::redirect`], [`Reply::bytes`], [`Reply::sequence`], [`Reply::from_fn`], or a fault such
/// as [`Reply::hang`]) and adjust it with the modifiers ([`Reply::header`], [`Reply::delay`],
/// [`Reply::gzip`], [`Reply::trickle`]…). On a sequence or a computed reply a modifier applies to
/// every reply it produces.
#[derive(Clone)]
pub struct Reply(Kind);

#[derive(Clone)]
enum Kind {
    Fixed(Box<Fixed>),
    Sequence(Arc<Sequence>),
    Func(Arc<dyn Fn(&RecordedRequest) -> Reply + Send + Sync>),
}

struct Sequence {
    replies: Vec<Reply>,
    next: AtomicUsize,
}

/// How the body is framed on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Framing {
    /// A correct `Content-Length`.
    Length,
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// No length: the body ends when the connection closes.
    Close,
    /// A `Content-Length` that is not the body's length.
    Lie(u64),
}

/// What happens instead of (or after) a normal answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Read the request and never answer; the connection stays open until the server stops.
    Hang,
    /// Close the connection without answering.
    Close,
    /// Reset the connection (TCP RST) without answering.
    Reset,
    /// Send a status line, then one more header line every so often, forever (slowloris in
    /// reverse: headers that never end).
    SlowHeaders(Duration),
}

/// A concrete reply, as the connection handler writes it.
#[derive(Clone, Debug)]
pub(crate) struct Fixed {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) delay: Duration,
    pub(crate) gzip: bool,
    pub(crate) trickle: Option<(usize, Duration)>,
    pub(crate) framing: Framing,
    pub(crate) fault: Option<Fault>,
    pub(crate) keep_alive: bool,
    /// After the headers, send this many body bytes, then reset the connection.
    pub(crate) reset_after: Option<usize>,
    /// After the body, send this again and again until the client goes away.
    pub(crate) endless: Option<Vec<u8>>,
}

impl Fixed {
    pub(crate) fn new(status: u16) -> Fixed {
        Fixed {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            gzip: false,
            trickle: None,
            framing: Framing::Length,
            fault: None,
            keep_alive: true,
            reset_after: None,
            endless: None,
        }
    }

    pub(crate) fn set_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
    }
}

impl Reply {
    fn fixed(f: Fixed) -> Reply {
        Reply(Kind::Fixed(Box::new(f)))
    }

    /// A reply with this status and a tiny HTML page naming it
    /// (`<!doctype html><title>410 Gone</title>`).
    pub fn status(status: u16) -> Reply {
        let page = format!("<!doctype html><title>{status} {}</title>\n", reason(status));
        Reply::html(status, page)
    }

    /// A `200 OK` HTML page, `text/html; charset=utf-8`.
    pub fn ok_html(body: impl Into<String>) -> Reply {
        Reply::html(200, body)
    }

    /// An HTML page with this status, `text/html; charset=utf-8`.
    pub fn html(status: u16, body: impl Into<String>) -> Reply {
        Reply::bytes(status, "text/html; charset=utf-8", body.into().into_bytes())
    }

    /// Any bytes with this status and content type (pass `""` for no `Content-Type` header).
    pub fn bytes(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        let mut f = Fixed::new(status);
        if !content_type.is_empty() {
            f.set_header("Content-Type", content_type);
        }
        f.body = body.into();
        Reply::fixed(f)
    }

    /// A redirect (`301`, `302`, `303`, `307`, `308`) to `location`, used verbatim (relative or
    /// absolute, any scheme).
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::status(status).header("Location", location)
    }

    /// An HTML page served as a server that honours `Range` serves it: a single byte range
    /// (`bytes=A-B`, `bytes=A-`) gets `206` with `Content-Range`, a range past the end `416`,
    /// anything else the whole page with `200`. Every reply carries `ETag: "v1"`.
    pub fn ranged_html(page: impl Into<String>) -> Reply {
        let page: String = page.into();
        Reply::from_fn(move |req| {
            let total = page.len();
            let range = req.header("range").and_then(|r| r.strip_prefix("bytes=")).and_then(|r| r.split_once('-'));
            let Some((from, to)) = range.and_then(|(a, b)| {
                let from: usize = a.trim().parse().ok()?;
                let to: usize = if b.trim().is_empty() { usize::MAX } else { b.trim().parse().ok()? };
                (from <= to).then_some((from, to))
            }) else {
                return Reply::ok_html(page.clone()).header("ETag", "\"v1\"");
            };
            if from >= total {
                return Reply::bytes(416, "", Vec::new()).header("Content-Range", &format!("bytes */{total}"));
            }
            let to = to.min(total - 1);
            Reply::bytes(206, "text/html; charset=utf-8", page.as_bytes()[from..=to].to_vec())
                .header("Content-Range", &format!("bytes {from}-{to}/{total}"))
                .header("ETag", "\"v1\"")
        })
    }

    /// The replies in turn, one per request; the last one repeats.
    pub fn sequence(replies: impl IntoIterator<Item = Reply>) -> Reply {
        let replies: Vec<Reply> = replies.into_iter().collect();
        assert!(!replies.is_empty(), "Reply::sequence needs at least one reply");
        Reply(Kind::Sequence(Arc::new(Sequence { replies, next: AtomicUsize::new(0) })))
    }

    /// A reply computed from the request (its headers, its query string…).
    pub fn from_fn(f: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static) -> Reply {
        Reply(Kind::Func(Arc::new(f)))
    }

    /// Read the request, then never answer. The connection stays open until the server stops.
    pub fn hang() -> Reply {
        Reply::fault(Fault::Hang)
    }

    /// Read the request, then close the connection without a byte of answer.
    pub fn close() -> Reply {
        Reply::fault(Fault::Close)
    }

    /// Read the request, then reset the connection (TCP RST).
    pub fn reset() -> Reply {
        Reply::fault(Fault::Reset)
    }

    /// Read the request, send a status line, then a header line every `every`, never ending the
    /// head.
    pub fn slow_headers(every: Duration) -> Reply {
        Reply::fault(Fault::SlowHeaders(every))
    }

    fn fault(fault: Fault) -> Reply {
        let mut f = Fixed::new(0);
        f.fault = Some(fault);
        Reply::fixed(f)
    }

    /// Sets a response header, replacing one of the same name.
    pub fn header(self, name: &str, value: &str) -> Reply {
        let (name, value) = (name.to_owned(), value.to_owned());
        self.map(move |f| f.set_header(&name, &value))
    }

    /// Sets the `Content-Type` header.
    pub fn content_type(self, value: &str) -> Reply {
        self.header("Content-Type", value)
    }

    /// Waits this long after reading the request before answering anything.
    pub fn delay(self, delay: Duration) -> Reply {
        self.map(move |f| f.delay = delay)
    }

    /// Gzips the body (with `Content-Encoding: gzip`) when the request accepts gzip.
    pub fn gzip(self) -> Reply {
        self.map(|f| f.gzip = true)
    }

    /// Sends the body `bytes` at a time, waiting `every` before each piece after the headers.
    pub fn trickle(self, bytes: usize, every: Duration) -> Reply {
        self.map(move |f| f.trickle = Some((bytes.max(1), every)))
    }

    /// Frames the body with `Transfer-Encoding: chunked` instead of `Content-Length`.
    pub fn chunked(self) -> Reply {
        self.map(|f| f.framing = Framing::Chunked)
    }

    /// Sends no length and closes the connection after the body.
    pub fn close_delimited(self) -> Reply {
        self.map(|f| {
            f.framing = Framing::Close;
            f.keep_alive = false;
        })
    }

    /// Announces this `Content-Length` whatever the body's real length (then closes the
    /// connection, since its framing is broken).
    pub fn wrong_content_length(self, length: u64) -> Reply {
        self.map(move |f| {
            f.framing = Framing::Lie(length);
            f.keep_alive = false;
        })
    }

    /// Announces the whole body, sends its first `bytes` bytes, then resets the connection (TCP
    /// RST) mid-body.
    pub fn reset_after(self, bytes: usize) -> Reply {
        self.map(move |f| {
            f.reset_after = Some(bytes);
            f.keep_alive = false;
        })
    }

    /// After the body, sends `filler` again and again, for as long as the client reads: an
    /// endless body. Sent without a length (close-delimited) unless chunked framing was asked for.
    pub fn endless(self, filler: impl Into<Vec<u8>>) -> Reply {
        let filler: Vec<u8> = filler.into();
        assert!(!filler.is_empty(), "Reply::endless needs a filler");
        self.map(move |f| {
            f.endless = Some(filler.clone());
            if f.framing != Framing::Chunked {
                f.framing = Framing::Close;
            }
            f.keep_alive = false;
        })
    }

    /// Closes the connection after this reply (`Connection: close`).
    pub fn no_keep_alive(self) -> Reply {
        self.map(|f| f.keep_alive = false)
    }

    fn map(self, change: impl Fn(&mut Fixed) + Send + Sync + 'static) -> Reply {
        self.map_arc(Arc::new(change))
    }

    fn map_arc(self, change: Arc<dyn Fn(&mut Fixed) + Send + Sync>) -> Reply {
        match self.0 {
            Kind::Fixed(mut f) => {
                change(&mut f);
                Reply(Kind::Fixed(f))
            }
            Kind::Sequence(seq) => Reply::sequence(seq.replies.iter().map(|r| r.clone().map_arc(change.clone()))),
            Kind::Func(func) => Reply::from_fn(move |req| func(req).map_arc(change.clone())),
        }
    }

    /// The concrete reply for this request (advancing a sequence).
    pub(crate) fn resolve(&self, req: &RecordedRequest) -> Fixed {
        match &self.0 {
            Kind::Fixed(f) => (**f).clone(),
            Kind::Sequence(seq) => {
                let i = seq.next.fetch_add(1, Ordering::SeqCst).min(seq.replies.len() - 1);
                seq.replies[i].resolve(req)
            }
            Kind::Func(func) => func(req).resolve(req),
        }
    }
}

/// The reason phrase of a status.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        410 => "Gone",
        429 => "Too Many Requests",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
