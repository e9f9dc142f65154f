//! [`TestServer`]: the HTTP/1.1 server itself, on raw tokio sockets so that every byte (and every
//! fault) is under the test's control.

use std::collections::HashMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

use super::fixtures;
use super::reply::{Fault, Fixed, Framing, Reply, reason};

/// The longest request head read; a longer one gets `431` and the connection is closed.
const MAX_HEAD: usize = 64 * 1024;
/// The longest request body read (and discarded).
const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// One request as the server received it, in arrival order.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// `GET`, `HEAD`…
    pub method: String,
    /// The request target as sent (`/a/b?x=1`).
    pub target: String,
    /// The path part of the target (`/a/b`).
    pub path: String,
    /// The query string without `?`, if any.
    pub query: Option<String>,
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub version: String,
    /// The header fields in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// When the request head was complete.
    pub at: Instant,
    /// Which connection it came on (0, 1, 2… in accept order), to test connection reuse.
    pub connection: usize,
}

impl RecordedRequest {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Configures a [`TestServer`]; see the `support` module docs.
#[derive(Default)]
pub struct TestServerBuilder {
    routes: HashMap<String, Reply>,
    fixtures: Option<PathBuf>,
    fallback: Option<Reply>,
    tls: bool,
    port: u16,
}

impl TestServerBuilder {
    /// Serves HTTPS (HTTP/1.1 over TLS) instead of plain HTTP, with a certificate for
    /// `127.0.0.1`, `localhost` and `fetch.test` issued by the test CA in
    /// [`TEST_CA_PEM`](super::TEST_CA_PEM), which clients must trust explicitly.
    pub fn tls(mut self) -> Self {
        self.tls = true;
        self
    }

    /// Serves `/<host>/<path>` from `<dir>/<host>/<path>`. A relative `dir` is taken from the
    /// package root, so `"fixtures/web"` works from any working directory.
    pub fn fixtures(mut self, dir: impl AsRef<Path>) -> Self {
        self.fixtures = Some(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir));
        self
    }

    /// Answers requests for exactly this path (query string ignored) with `reply`. Routes take
    /// precedence over fixtures; a later route for the same path replaces an earlier one.
    pub fn route(mut self, path: &str, reply: Reply) -> Self {
        self.routes.insert(path.to_owned(), reply);
        self
    }

    /// Answers every request that no route or fixture matches with `reply` (default: 404).
    pub fn fallback(mut self, reply: Reply) -> Self {
        self.fallback = Some(reply);
        self
    }

    /// Binds 127.0.0.1 on a fixed port instead of an ephemeral one (for the fixture-web example;
    /// tests keep ephemeral ports so they can run in parallel).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Binds 127.0.0.1 on an ephemeral port and starts serving on a thread of its own.
    pub fn start(self) -> TestServer {
        let listener = std::net::TcpListener::bind(("127.0.0.1", self.port)).expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            routes: self.routes,
            fixtures: self.fixtures,
            fallback: self.fallback,
            log: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
        });
        let acceptor = self.tls.then(tls_acceptor);
        let scheme = if self.tls { "https" } else { "http" };
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let state = shared.clone();
        let thread = std::thread::Builder::new()
            .name(format!("test-server-{}", addr.port()))
            .spawn(move || {
                let runtime =
                    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("test server runtime");
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener).expect("tokio listener");
                    tokio::select! {
                        _ = accept_loop(listener, state, acceptor) => {}
                        _ = stop_rx => {}
                    }
                });
                // Dropping the runtime cancels every connection task, hanging ones included.
            })
            .expect("spawn the test server thread");
        TestServer { addr, scheme, shared, stop: Some(stop_tx), thread: Some(thread) }
    }
}

/// A running loopback HTTP/1.1 server. Stops (and closes every connection) when dropped.
pub struct TestServer {
    addr: SocketAddr,
    scheme: &'static str,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Starts configuring a server.
    pub fn builder() -> TestServerBuilder {
        TestServerBuilder::default()
    }

    /// The address it listens on (always 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT` (or `https://…` with [`TestServerBuilder::tls`]), no trailing
    /// slash.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The absolute URL of `path` on this server: `url("/gone")` → `http://127.0.0.1:PORT/gone`.
    pub fn url(&self, path: &str) -> String {
        let slash = if path.starts_with('/') { "" } else { "/" };
        format!("{}{slash}{path}", self.base_url())
    }

    /// [`url`](Self::url), parsed.
    pub fn parsed_url(&self, path: &str) -> url::Url {
        url::Url::parse(&self.url(path)).expect("a valid test URL")
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The requests received for `path` (query string ignored).
    pub fn requests_for(&self, path: &str) -> Vec<RecordedRequest> {
        self.requests().into_iter().filter(|r| r.path == path).collect()
    }

    /// How many requests were received for `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.requests_for(path).len()
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.shared.log.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Shared {
    routes: HashMap<String, Reply>,
    fixtures: Option<PathBuf>,
    fallback: Option<Reply>,
    log: Mutex<Vec<RecordedRequest>>,
    connections: AtomicUsize,
}

impl Shared {
    fn reply_for(&self, req: &RecordedRequest) -> Fixed {
        if let Some(reply) = self.routes.get(&req.path) {
            return reply.resolve(req);
        }
        if let Some(dir) = &self.fixtures {
            let fixed = fixtures::lookup(dir, &req.path);
            if fixed.status != 404 || self.fallback.is_none() {
                return fixed;
            }
        }
        match &self.fallback {
            Some(reply) => reply.resolve(req),
            None => {
                let mut f = Fixed::new(404);
                f.set_header("Content-Type", "text/html; charset=utf-8");
                f.body = b"<!doctype html><title>404 Not Found</title>\n".to_vec();
                f
            }
        }
    }
}

/// The server side of the bundled test certificate.
fn tls_acceptor() -> TlsAcceptor {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(include_bytes!("tls/server.pem"))
        .collect::<Result<_, _>>()
        .expect("test certificate");
    let key = PrivateKeyDer::from_pem_slice(include_bytes!("tls/server.key")).expect("test key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("test certificate and key");
    // The server speaks HTTP/1.1 only, so that is all it offers.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    TlsAcceptor::from(Arc::new(config))
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, tls: Option<TlsAcceptor>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let _ = stream.set_nodelay(true);
        let id = shared.connections.fetch_add(1, Ordering::SeqCst);
        let shared = shared.clone();
        match &tls {
            None => {
                tokio::spawn(serve(stream, id, shared));
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // A client that rejects the certificate aborts the handshake: nothing to serve.
                    if let Ok(stream) = acceptor.accept(stream).await {
                        serve(stream, id, shared).await;
                    }
                });
            }
        }
    }
}

/// A connection the server can serve: plain TCP or TLS over TCP.
trait Conn: AsyncRead + AsyncWrite + Unpin + Send {
    /// The TCP socket underneath, for socket options such as a zero linger.
    fn tcp(&self) -> &TcpStream;
}

impl Conn for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl Conn for tokio_rustls::server::TlsStream<TcpStream> {
    fn tcp(&self) -> &TcpStream {
        self.get_ref().0
    }
}

/// Serves one connection: requests in turn while the connection is kept alive.
async fn serve(mut stream: impl Conn, connection: usize, shared: Arc<Shared>) {
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let head = match read_head(&mut stream, &mut buf).await {
            Ok(Some(head)) => head,
            Ok(None) => return,
            Err(status) => {
                let _ = stream
                    .write_all(
                        format!(
                            "HTTP/1.1 {status} {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                            reason(status)
                        )
                        .as_bytes(),
                    )
                    .await;
                return;
            }
        };
        let Some(req) = parse_head(&head, connection) else {
            let _ =
                stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").await;
            return;
        };
        let body_len: usize = req.header("content-length").and_then(|v| v.trim().parse().ok()).unwrap_or(0);
        if body_len > MAX_REQUEST_BODY || req.header("transfer-encoding").is_some() {
            let _ = stream
                .write_all(b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .await;
            return;
        }
        if discard(&mut stream, &mut buf, body_len).await.is_err() {
            return;
        }
        shared.log.lock().unwrap_or_else(|e| e.into_inner()).push(req.clone());
        let fixed = shared.reply_for(&req);
        if !fixed.delay.is_zero() {
            tokio::time::sleep(fixed.delay).await;
        }
        match fixed.fault {
            Some(Fault::Hang) => std::future::pending::<()>().await,
            Some(Fault::Close) => return,
            Some(Fault::Reset) => {
                let _ = stream.tcp().set_zero_linger();
                return;
            }
            Some(Fault::SlowHeaders(every)) => {
                let _ = slow_headers(&mut stream, every).await;
                return;
            }
            None => {}
        }
        let client_keeps_alive = match req.header("connection") {
            Some(c) if c.eq_ignore_ascii_case("close") => false,
            Some(c) if c.eq_ignore_ascii_case("keep-alive") => true,
            _ => req.version == "HTTP/1.1",
        };
        let keep_alive = fixed.keep_alive && client_keeps_alive;
        // A reset must not be preceded by an orderly shutdown (FIN), or the client sees an end.
        let resets = fixed.reset_after.is_some();
        let written = write_reply(&mut stream, &req, fixed, keep_alive).await;
        if resets {
            return;
        }
        if written.is_err() || !keep_alive {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

/// A status line, then header lines one at a time, never the blank line that ends the head;
/// returns when the client goes away.
async fn slow_headers(stream: &mut impl Conn, every: Duration) -> std::io::Result<()> {
    stream.write_all(b"HTTP/1.1 200 OK\r\n").await?;
    stream.flush().await?;
    for i in 0u64.. {
        tokio::time::sleep(every).await;
        stream.write_all(format!("X-Slow-{i}: still coming\r\n").as_bytes()).await?;
        stream.flush().await?;
    }
    Ok(())
}

/// Reads up to the end of a request head. `Ok(None)` when the client closed the connection
/// between requests; `Err(status)` for a head too large.
async fn read_head(stream: &mut impl Conn, buf: &mut Vec<u8>) -> Result<Option<Vec<u8>>, u16> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head: Vec<u8> = buf.drain(..end + 4).collect();
            return Ok(Some(head));
        }
        if buf.len() > MAX_HEAD {
            return Err(431);
        }
        let mut chunk = [0u8; 8192];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return Ok(None),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

async fn discard(stream: &mut impl Conn, buf: &mut Vec<u8>, mut len: usize) -> std::io::Result<()> {
    let from_buf = len.min(buf.len());
    buf.drain(..from_buf);
    len -= from_buf;
    let mut chunk = [0u8; 8192];
    while len > 0 {
        let n = stream.read(&mut chunk[..len.min(8192)]).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        len -= n;
    }
    Ok(())
}

fn parse_head(head: &[u8], connection: usize) -> Option<RecordedRequest> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let version = request_line.next()?.to_owned();
    let headers = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (target.clone(), None),
    };
    Some(RecordedRequest { method, target, path, query, version, headers, at: Instant::now(), connection })
}

async fn write_reply(
    stream: &mut impl Conn,
    req: &RecordedRequest,
    mut fixed: Fixed,
    keep_alive: bool,
) -> std::io::Result<()> {
    let accepts_gzip =
        req.header("accept-encoding").is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    if fixed.gzip && accepts_gzip {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(&fixed.body)?;
        fixed.body = encoder.finish()?;
        fixed.set_header("Content-Encoding", "gzip");
    }
    let no_body = req.method == "HEAD" || matches!(fixed.status, 100..=199 | 204 | 304);
    let mut head = format!("HTTP/1.1 {} {}\r\n", fixed.status, reason(fixed.status));
    for (name, value) in &fixed.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    match fixed.framing {
        Framing::Length => head.push_str(&format!("Content-Length: {}\r\n", fixed.body.len())),
        Framing::Lie(n) => head.push_str(&format!("Content-Length: {n}\r\n")),
        Framing::Chunked => head.push_str("Transfer-Encoding: chunked\r\n"),
        Framing::Close => {}
    }
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    if no_body {
        return stream.flush().await;
    }
    if let Some(n) = fixed.reset_after {
        stream.write_all(&fixed.body[..n.min(fixed.body.len())]).await?;
        stream.flush().await?;
        // Let the bytes leave before the reset, so the client sees a body cut, not a refusal.
        tokio::time::sleep(Duration::from_millis(50)).await;
        stream.tcp().set_zero_linger()?;
        return Err(std::io::ErrorKind::ConnectionReset.into());
    }
    let (piece, every) = fixed.trickle.unwrap_or((fixed.body.len().max(1), Duration::ZERO));
    for part in fixed.body.chunks(piece) {
        if !every.is_zero() {
            tokio::time::sleep(every).await;
        }
        if fixed.framing == Framing::Chunked {
            stream.write_all(format!("{:x}\r\n", part.len()).as_bytes()).await?;
            stream.write_all(part).await?;
            stream.write_all(b"\r\n").await?;
        } else {
            stream.write_all(part).await?;
        }
        stream.flush().await?;
    }
    if let Some(filler) = &fixed.endless {
        // Ends when the client stops reading and the write fails.
        loop {
            if fixed.framing == Framing::Chunked {
                stream.write_all(format!("{:x}\r\n", filler.len()).as_bytes()).await?;
                stream.write_all(filler).await?;
                stream.write_all(b"\r\n").await?;
            } else {
                stream.write_all(filler).await?;
            }
        }
    }
    if fixed.framing == Framing::Chunked {
        stream.write_all(b"0\r\n\r\n").await?;
    }
    stream.flush().await
}
