//! The modelled network, applied on the server side of a loopback connection: a round trip
//! before each response, set-up round trips (TCP, TLS) before the first one on a connection, and
//! a per-connection congestion window that starts small and doubles every round trip it is
//! filled, up to a cap. Bodies are released window by window; a client that stops reading (closes
//! the connection, resets the HTTP/2 stream) stops the release, so the bytes counted are the
//! bytes the client made the server send.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// The network's shape.
#[derive(Debug, Clone, Copy)]
pub struct Net {
    pub rtt: Duration,
    pub setup_rtts: u32,
    pub initial_window: usize,
    pub max_window: usize,
}

/// What the server counts; read and reset through `/__stats` and `/__reset`.
#[derive(Debug, Default)]
pub struct Stats {
    pub connections: AtomicU64,
    pub h2_connections: AtomicU64,
    pub requests: AtomicU64,
    pub body_bytes: AtomicU64,
    pub wire_bytes: AtomicU64,
    pub status_200: AtomicU64,
    pub status_206: AtomicU64,
    pub status_301: AtomicU64,
    pub status_404: AtomicU64,
    pub status_416: AtomicU64,
    pub ranged: AtomicU64,
    /// Every benchmark request since the last reset, for `/__timeline`.
    pub timeline: Mutex<Vec<Event>>,
}

/// One request as the server saw it; times are microseconds since the Unix epoch ([`micros`]).
#[derive(Debug, Clone, Default)]
pub struct Event {
    pub host: usize,
    pub conn: u64,
    pub conn_accepted: u64,
    pub arrived: u64,
    pub responded: u64,
    /// When the body was released whole or dropped (0: not yet).
    pub ended: u64,
    pub status: u16,
    pub bytes: u64,
    pub complete: bool,
    pub range: String,
    pub path: String,
}

/// The clock of the timeline: microseconds since the Unix epoch, so that client-side times
/// (process start and exit) can be set against it.
pub fn micros() -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    u64::try_from(now.as_micros()).unwrap_or(u64::MAX)
}

impl Stats {
    /// Starts an event and returns its place.
    pub fn begin(&self, event: Event) -> usize {
        let mut t = self.timeline.lock().unwrap_or_else(|e| e.into_inner());
        t.push(event);
        t.len() - 1
    }

    /// Records that the response of event `at` started, with its status.
    pub fn responded(&self, at: usize, status: u16) {
        let mut t = self.timeline.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = t.get_mut(at) {
            e.responded = micros();
            e.status = status;
        }
    }

    fn end(&self, at: usize, bytes: u64, complete: bool) {
        let mut t = self.timeline.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = t.get_mut(at) {
            e.ended = micros();
            e.bytes = bytes;
            e.complete = complete;
        }
    }

    /// The timeline as JSON lines.
    pub fn timeline_json(&self) -> String {
        let t = self.timeline.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        for e in t.iter() {
            out.push_str(&format!(
                "{{\"host\":{},\"conn\":{},\"conn_accepted\":{},\"arrived\":{},\"responded\":{},\"ended\":{},\"status\":{},\"bytes\":{},\"complete\":{},\"range\":{:?},\"path\":{:?}}}\n",
                e.host, e.conn, e.conn_accepted, e.arrived, e.responded, e.ended, e.status, e.bytes, e.complete, e.range, e.path
            ));
        }
        out
    }

    pub fn json(&self) -> String {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        format!(
            "{{\"connections\":{},\"h2_connections\":{},\"requests\":{},\"range_requests\":{},\"body_bytes\":{},\
             \"wire_bytes\":{},\"status\":{{\"200\":{},\"206\":{},\"301\":{},\"404\":{},\"416\":{}}}}}\n",
            g(&self.connections),
            g(&self.h2_connections),
            g(&self.requests),
            g(&self.ranged),
            g(&self.body_bytes),
            g(&self.wire_bytes),
            g(&self.status_200),
            g(&self.status_206),
            g(&self.status_301),
            g(&self.status_404),
            g(&self.status_416),
        )
    }

    pub fn reset(&self) {
        for a in [
            &self.connections,
            &self.h2_connections,
            &self.requests,
            &self.body_bytes,
            &self.wire_bytes,
            &self.status_200,
            &self.status_206,
            &self.status_301,
            &self.status_404,
            &self.status_416,
            &self.ranged,
        ] {
            a.store(0, Ordering::Relaxed);
        }
        self.timeline.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// One client connection: when it was accepted and its congestion window.
#[derive(Debug)]
pub struct Conn {
    accepted: Instant,
    pub id: u64,
    pub accepted_micros: u64,
    pub h2: bool,
    counted: AtomicBool,
    window: Mutex<Window>,
}

#[derive(Debug)]
struct Window {
    /// The start of the current round trip's window (set by the first byte sent).
    start: Option<Instant>,
    sent: usize,
    size: usize,
}

impl Conn {
    pub fn new(net: &Net, h2: bool) -> Conn {
        static IDS: AtomicU64 = AtomicU64::new(0);
        Conn {
            accepted: Instant::now(),
            id: IDS.fetch_add(1, Ordering::Relaxed),
            accepted_micros: micros(),
            h2,
            counted: AtomicBool::new(false),
            window: Mutex::new(Window { start: None, sent: 0, size: net.initial_window }),
        }
    }

    /// Counts the connection once, at its first benchmark request (not at an admin request).
    pub fn count(&self, stats: &Stats) {
        if !self.counted.swap(true, Ordering::Relaxed) {
            stats.connections.fetch_add(1, Ordering::Relaxed);
            if self.h2 {
                stats.h2_connections.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// When a response to a request arriving now may start: one round trip, after the set-up
    /// round trips of a new connection.
    pub fn response_at(&self, net: &Net) -> Instant {
        let ready = self.accepted + net.rtt * net.setup_rtts;
        Instant::now().max(ready) + net.rtt
    }

    /// Takes up to `want` bytes of this round trip's window, or says when the next window opens.
    fn take(&self, net: &Net, want: usize) -> Result<usize, Instant> {
        if net.rtt.is_zero() {
            return Ok(want);
        }
        let now = Instant::now();
        let mut w = self.window.lock().unwrap_or_else(|e| e.into_inner());
        let start = *w.start.get_or_insert(now);
        if now >= start + net.rtt {
            let elapsed = (now - start).as_nanos() / net.rtt.as_nanos().max(1);
            let rounds = u32::try_from(elapsed).unwrap_or(u32::MAX);
            // Slow start: a window that was filled doubles for the next round trip.
            if w.sent >= w.size {
                w.size = (w.size * 2).min(net.max_window);
            }
            w.start = Some(start + net.rtt * rounds);
            w.sent = 0;
        }
        if w.sent < w.size {
            let n = want.min(w.size - w.sent);
            w.sent += n;
            Ok(n)
        } else {
            Err(w.start.unwrap_or(now) + net.rtt)
        }
    }
}

/// A response body released through its connection's window.
pub struct PacedBody {
    parts: VecDeque<Bytes>,
    conn: Arc<Conn>,
    net: Net,
    stats: Arc<Stats>,
    wait: Option<Pin<Box<Sleep>>>,
    /// The timeline event this body ends, and the bytes released so far.
    event: Option<usize>,
    released: u64,
}

impl Drop for PacedBody {
    fn drop(&mut self) {
        if let Some(at) = self.event {
            self.stats.end(at, self.released, self.parts.is_empty());
        }
    }
}

/// The largest piece handed to hyper at once.
const CHUNK: usize = 16 * 1024;

impl PacedBody {
    pub fn new(parts: Vec<Bytes>, conn: Arc<Conn>, net: Net, stats: Arc<Stats>) -> PacedBody {
        PacedBody {
            parts: parts.into_iter().filter(|p| !p.is_empty()).collect(),
            conn,
            net,
            stats,
            wait: None,
            event: None,
            released: 0,
        }
    }

    /// Makes the body record its end in the timeline event `at`.
    pub fn ending(mut self, at: Option<usize>) -> PacedBody {
        self.event = at;
        self
    }

    fn remaining(&self) -> u64 {
        self.parts.iter().map(|p| p.len() as u64).sum()
    }
}

impl Body for PacedBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        loop {
            if let Some(wait) = this.wait.as_mut() {
                ready!(wait.as_mut().poll(cx));
                this.wait = None;
            }
            let Some(front) = this.parts.front_mut() else {
                return Poll::Ready(None);
            };
            match this.conn.take(&this.net, front.len().min(CHUNK)) {
                Ok(n) => {
                    let chunk = front.split_to(n);
                    if front.is_empty() {
                        this.parts.pop_front();
                    }
                    this.stats.body_bytes.fetch_add(n as u64, Ordering::Relaxed);
                    this.released += n as u64;
                    return Poll::Ready(Some(Ok(Frame::data(chunk))));
                }
                Err(at) => this.wait = Some(Box::pin(tokio::time::sleep_until(at))),
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.parts.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining())
    }
}

/// A socket that counts the bytes written to it.
pub struct Counting<T> {
    pub inner: T,
    pub stats: Arc<Stats>,
}

impl<T: AsyncRead + Unpin> AsyncRead for Counting<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Counting<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = &r {
            this.stats.wire_bytes.fetch_add(*n as u64, Ordering::Relaxed);
        }
        r
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn windows_double_per_round_trip_up_to_the_cap() {
        let net = Net { rtt: Duration::from_millis(50), setup_rtts: 2, initial_window: 14_600, max_window: 40_000 };
        let conn = Conn::new(&net, false);
        assert_eq!(conn.response_at(&net) - Instant::now(), Duration::from_millis(150));
        assert_eq!(conn.take(&net, 10_000), Ok(10_000));
        assert_eq!(conn.take(&net, 10_000), Ok(4_600));
        let next = conn.take(&net, 10_000).unwrap_err();
        tokio::time::sleep_until(next).await;
        assert_eq!(conn.take(&net, 100_000), Ok(29_200));
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(conn.take(&net, 100_000), Ok(40_000));
    }
}
