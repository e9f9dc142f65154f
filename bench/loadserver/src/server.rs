//! Serving the modelled web: one listener per virtual host (127.0.0.2, 127.0.0.3, …), plain
//! HTTP/1.1 or TLS with ALPN (h2 and/or http/1.1), a self-signed CA made at start-up, `Range`
//! honoured, and the counters behind `/__stats`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

use crate::model::{self, Kind};
use crate::net::{Conn, Counting, Event, Net, PacedBody, Stats, micros};

/// How the server is run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub hosts: usize,
    pub port: u16,
    pub seed: u64,
    pub net: Net,
    /// ALPN protocols offered over TLS; `None` serves plain HTTP/1.1.
    pub tls: Option<Vec<Vec<u8>>>,
    pub ca_out: Option<std::path::PathBuf>,
}

pub fn host_ip(host: usize) -> Ipv4Addr {
    let n = u32::try_from(host).unwrap_or(0) + 2;
    Ipv4Addr::new(127, 0, (n >> 8) as u8, (n & 0xff) as u8)
}

/// Which host an address is, the inverse of [`host_ip`].
fn host_of(ip: IpAddr) -> Option<usize> {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            (usize::from(o[2]) * 256 + usize::from(o[3])).checked_sub(2)
        }
        IpAddr::V6(_) => None,
    }
}

struct Shared {
    settings: Settings,
    stats: Arc<Stats>,
    bodies: Vec<Bytes>,
    not_found: Vec<Bytes>,
}

pub async fn serve(settings: Settings, stats: Arc<Stats>) -> std::io::Result<()> {
    let acceptor = match &settings.tls {
        Some(alpn) => Some(tls_acceptor(&settings, alpn.clone())?),
        None => None,
    };
    let not_found =
        (0..settings.hosts).map(|h| Bytes::from(model::not_found(&model::site(settings.seed, h), settings.seed))).collect();
    let shared = Arc::new(Shared { bodies: model::bodies(settings.seed), not_found, stats, settings });
    let mut listeners = Vec::new();
    for h in 0..shared.settings.hosts {
        let addr = SocketAddr::new(IpAddr::V4(host_ip(h)), shared.settings.port);
        listeners.push(TcpListener::bind(addr).await?);
    }
    for listener in listeners {
        let shared = shared.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else { continue };
                let _ = tcp.set_nodelay(true);
                let local = tcp.local_addr().ok();
                let shared = shared.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let host = local.and_then(|a| host_of(a.ip())).unwrap_or(0);
                    let io = Counting { inner: tcp, stats: shared.stats.clone() };
                    match acceptor {
                        Some(acceptor) => {
                            let Ok(tls) = acceptor.accept(io).await else { return };
                            let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
                            connection(shared, host, h2, TokioIo::new(tls)).await;
                        }
                        None => connection(shared, host, false, TokioIo::new(io)).await,
                    }
                });
            }
        });
    }
    Ok(())
}

async fn connection<I>(shared: Arc<Shared>, host: usize, h2: bool, io: I)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let conn = Arc::new(Conn::new(&shared.settings.net, h2));
    let service = service_fn(move |req| {
        let shared = shared.clone();
        let conn = conn.clone();
        async move { Ok::<_, std::convert::Infallible>(respond(&shared, &conn, host, req).await) }
    });
    if h2 {
        let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
            .max_concurrent_streams(256)
            .serve_connection(io, service)
            .await;
    } else {
        let _ = hyper::server::conn::http1::Builder::new().keep_alive(true).serve_connection(io, service).await;
    }
}

type Reply = Response<PacedBody>;

/// Answers a request and, for a benchmark request, records it in the timeline: when it arrived,
/// when its response started, and (from its body) when that ended.
async fn respond(shared: &Shared, conn: &Arc<Conn>, host: usize, req: Request<Incoming>) -> Reply {
    let path = req.uri().path().to_owned();
    if path.starts_with("/__") {
        return answer(shared, conn, host, req).await;
    }
    let range = req.headers().get(header::RANGE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let event = Event {
        host,
        conn: conn.id,
        conn_accepted: conn.accepted_micros,
        arrived: micros(),
        range,
        path,
        ..Event::default()
    };
    let at = shared.stats.begin(event);
    let (parts, body) = answer(shared, conn, host, req).await.into_parts();
    shared.stats.responded(at, parts.status.as_u16());
    Response::from_parts(parts, body.ending(Some(at)))
}

async fn answer(shared: &Shared, conn: &Arc<Conn>, host: usize, req: Request<Incoming>) -> Reply {
    let stats = &shared.stats;
    let net = shared.settings.net;
    let path = req.uri().path().to_owned();
    let body = |parts: Vec<Bytes>| PacedBody::new(parts, conn.clone(), net, shared.stats.clone());
    match path.as_str() {
        "/__stats" => return plain(body(vec![Bytes::from(stats.json())])),
        "/__timeline" => return plain(body(vec![Bytes::from(stats.timeline_json())])),
        "/__reset" => {
            let before = stats.json();
            stats.reset();
            return plain(body(vec![Bytes::from(before)]));
        }
        _ => {}
    }
    conn.count(stats);
    stats.requests.fetch_add(1, Ordering::Relaxed);
    let range = req.headers().get(header::RANGE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    if range.is_some() {
        stats.ranged.fetch_add(1, Ordering::Relaxed);
    }
    tokio::time::sleep_until(conn.response_at(&net)).await;

    let origin = format!(
        "{}://{}:{}",
        if shared.settings.tls.is_some() { "https" } else { "http" },
        host_ip(host),
        shared.settings.port
    );
    let mut segments = path.trim_start_matches('/').splitn(3, '/');
    let (prefix, n, slug) = (segments.next(), segments.next().and_then(|n| n.parse::<u64>().ok()), segments.next());
    let article = n.map(|n| model::article(shared.settings.seed, host, n));
    let found = match (&article, prefix, slug) {
        (Some(a), Some("news"), Some(s)) if s == a.slug && a.kind == Kind::Redirect => {
            stats.status_301.fetch_add(1, Ordering::Relaxed);
            let mut r = Response::new(body(Vec::new()));
            *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
            r.headers_mut().insert(header::LOCATION, value(&format!("{origin}{}", a.served_path())));
            r.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
            return r;
        }
        (Some(a), Some("news"), Some(s)) if s == a.slug && a.kind == Kind::Ok => Some(a),
        (Some(a), Some("article"), Some(s)) if s == a.slug && a.kind == Kind::Redirect => Some(a),
        _ => None,
    };
    let (status, parts) = match found {
        Some(a) => {
            let head = Bytes::from(model::head(a, &origin, shared.settings.seed));
            let start = Bytes::from(model::body_start(a));
            (StatusCode::OK, vec![head, start, shared.bodies[a.body % shared.bodies.len()].clone()])
        }
        None => (StatusCode::NOT_FOUND, vec![shared.not_found[host % shared.not_found.len()].clone()]),
    };
    let total: u64 = parts.iter().map(|p| p.len() as u64).sum();
    let mut r = match range.as_deref().map(|r| parse_range(r, total)) {
        Some(Some(Ok((from, to)))) if status == StatusCode::OK => {
            stats.status_206.fetch_add(1, Ordering::Relaxed);
            let mut r = Response::new(body(slice(&parts, from, to)));
            *r.status_mut() = StatusCode::PARTIAL_CONTENT;
            r.headers_mut().insert(header::CONTENT_RANGE, value(&format!("bytes {from}-{to}/{total}")));
            r.headers_mut().insert(header::CONTENT_LENGTH, value(&(to - from + 1).to_string()));
            r
        }
        Some(Some(Err(()))) if status == StatusCode::OK => {
            stats.status_416.fetch_add(1, Ordering::Relaxed);
            let mut r = Response::new(body(Vec::new()));
            *r.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            r.headers_mut().insert(header::CONTENT_RANGE, value(&format!("bytes */{total}")));
            r.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
            return r;
        }
        _ => {
            if status == StatusCode::OK {
                stats.status_200.fetch_add(1, Ordering::Relaxed);
            } else {
                stats.status_404.fetch_add(1, Ordering::Relaxed);
            }
            let mut r = Response::new(body(parts));
            *r.status_mut() = status;
            r.headers_mut().insert(header::CONTENT_LENGTH, value(&total.to_string()));
            r
        }
    };
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    if let Some(a) = found {
        h.insert(header::ETAG, value(&format!("\"{host}-{}\"", a.n)));
    }
    r
}

fn plain(body: PacedBody) -> Reply {
    let mut r = Response::new(body);
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

fn value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

/// `bytes=A-B`, `bytes=A-`, `bytes=-N` against a representation of `total` bytes: the inclusive
/// range, `Err` when unsatisfiable, `None` when not a single byte range (then it is ignored, as
/// RFC 9110 allows).
fn parse_range(header: &str, total: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let (from, to) = if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        if n == 0 {
            return Some(Err(()));
        }
        (total.saturating_sub(n), total.checked_sub(1)?)
    } else {
        let from: u64 = a.parse().ok()?;
        let to = if b.is_empty() { u64::MAX } else { b.parse().ok()? };
        if to < from {
            return None;
        }
        (from, to)
    };
    if from >= total {
        return Some(Err(()));
    }
    Some(Ok((from, to.min(total - 1))))
}

/// The bytes `from..=to` of the concatenation of `parts`.
fn slice(parts: &[Bytes], from: u64, to: u64) -> Vec<Bytes> {
    let mut out = Vec::new();
    let mut offset = 0u64;
    for p in parts {
        let len = p.len() as u64;
        let (lo, hi) = (from.max(offset), (to + 1).min(offset + len));
        if lo < hi {
            out.push(p.slice((lo - offset) as usize..(hi - offset) as usize));
        }
        offset += len;
    }
    out
}

fn tls_acceptor(settings: &Settings, alpn: Vec<Vec<u8>>) -> std::io::Result<TlsAcceptor> {
    let err = |e: String| std::io::Error::other(e);
    let ca_key = rcgen::KeyPair::generate().map_err(|e| err(e.to_string()))?;
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(|e| err(e.to_string()))?;
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "citecheck benchmark CA");
    let ca = ca_params.self_signed(&ca_key).map_err(|e| err(e.to_string()))?;
    let mut names: Vec<String> = (0..settings.hosts).map(|h| host_ip(h).to_string()).collect();
    names.push("localhost".into());
    let key = rcgen::KeyPair::generate().map_err(|e| err(e.to_string()))?;
    let mut params = rcgen::CertificateParams::new(names).map_err(|e| err(e.to_string()))?;
    params.distinguished_name.push(rcgen::DnType::CommonName, "citecheck benchmark host");
    let cert = params.signed_by(&key, &ca, &ca_key).map_err(|e| err(e.to_string()))?;
    if let Some(path) = &settings.ca_out {
        std::fs::write(path, ca.pem())?;
    }
    let chain = vec![cert.der().clone(), ca.der().clone()];
    let key_der = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| err(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key_der)
        .map_err(|e| err(e.to_string()))?;
    config.alpn_protocols = alpn;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-99", 1000), Some(Ok((0, 99))));
        assert_eq!(parse_range("bytes=0-", 1000), Some(Ok((0, 999))));
        assert_eq!(parse_range("bytes=0-5000", 1000), Some(Ok((0, 999))));
        assert_eq!(parse_range("bytes=-10", 1000), Some(Ok((990, 999))));
        assert_eq!(parse_range("bytes=1000-", 1000), Some(Err(())));
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), None);
        assert_eq!(parse_range("items=0-1", 1000), None);
        let parts = [Bytes::from_static(b"abc"), Bytes::from_static(b"defg")];
        let got: Vec<u8> = slice(&parts, 2, 4).iter().flat_map(|b| b.to_vec()).collect();
        assert_eq!(got, b"cde");
        assert_eq!(host_of(IpAddr::V4(host_ip(300))), Some(300));
    }
}
