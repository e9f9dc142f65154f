//! Test support shared by every integration test: a real HTTP/1.1 server on 127.0.0.1 that serves
//! the web fixtures and scripted replies, with faults on demand.
//!
//! ```ignore
//! use crate::support::{Reply, TestServer};
//! let server = TestServer::builder()
//!     .fixtures("fixtures/web")                       // GET /<host>/<path> → fixtures/web/<host>/<path>
//!     .route("/gone", Reply::status(410))
//!     .route("/moved", Reply::redirect(301, "/new"))
//!     .route("/slow", Reply::ok_html("<title>x</title>").delay(Duration::from_secs(5)))
//!     .route("/flaky", Reply::sequence([Reply::status(503), Reply::ok_html("<title>ok</title>")]))
//!     .start();
//! let url = server.url("/gone");                      // "http://127.0.0.1:PORT/gone"
//! // … run the code under test (in process, or the `citecheck` binary with assert_cmd) …
//! assert_eq!(server.hits("/gone"), 1);
//! assert_eq!(server.requests()[0].header("user-agent"), Some("citecheck/…"));
//! ```
//!
//! The server runs on its own thread with its own tokio runtime, so it serves equally a
//! `#[tokio::test]`, a plain `#[test]` and a child process. It stops when the [`TestServer`] is
//! dropped.
//!
//! # Fixtures
//!
//! With [`TestServerBuilder::fixtures`], a request for `/<host>/<path>` (query string ignored,
//! percent-escapes decoded) is answered from the file `<dir>/<host>/<path>`; a directory is
//! answered with its `index.html`. A sidecar `<file>.http` (which may exist alone, with no body
//! file, for instance for a redirect) holds `name: value` lines:
//!
//! ```text
//! # comments and blank lines are ignored
//! status: 301
//! location: /www.dawn.com/news/1
//! content-type: text/html; charset=windows-1252
//! x-test-gzip: 1          (gzip the body when the client accepts gzip)
//! x-test-delay-ms: 500    (wait before answering)
//! any-other-header: sent as is
//! ```
//!
//! Defaults: status 200; content type by extension (`.html`, `.htm` or none → `text/html`,
//! `.pdf` → `application/pdf`, `.txt` → `text/plain`, `.json` → `application/json`, `.xml` →
//! `application/xml`, else `application/octet-stream`), with no charset unless the sidecar says
//! so. A missing file is a 404 with a small HTML body. Routes take precedence over fixtures.
//!
//! # HTTPS
//!
//! [`TestServerBuilder::tls`] serves the same over TLS, with a certificate for `127.0.0.1`,
//! `localhost` and `fetch.test` (valid until 2126) issued by a test CA whose certificate is
//! [`TEST_CA_PEM`]. The files are in `support/tls/`; the CA's private key was discarded.
//!
//! # Replies and faults
//!
//! See [`Reply`]: fixed replies, sequences (`503` then `200`), replies computed from the request,
//! and faults: a delay before answering, a body that trickles, a connection that hangs, closes or
//! resets, a wrong `Content-Length`, chunked or close-delimited framing.

// Each test module uses a different part of this API.
#![allow(dead_code, unused_imports)]

mod fixtures;
mod reply;
mod server;

pub use reply::Reply;
pub use server::{RecordedRequest, TestServer, TestServerBuilder};

/// The PEM certificate of the test CA that issued the certificate of a
/// [`TLS`](TestServerBuilder::tls) test server. Trust it with
/// `FetchOptions::add_root_certificate(TEST_CA_PEM)`; its key was thrown away.
pub const TEST_CA_PEM: &[u8] = include_bytes!("tls/ca.pem");

/// A port on 127.0.0.1 that nothing listens on (bound, then released), for "connection refused"
/// tests. Another process could take it in between, which is unlikely enough on a test machine.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local address").port()
}
