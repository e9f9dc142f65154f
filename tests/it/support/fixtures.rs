//! Serving the web fixtures: request path `/<host>/<path>` → file `<dir>/<host>/<path>`, with an
//! optional `<file>.http` sidecar of response headers (see the module docs of `support`).

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use super::reply::Fixed;

/// The reply for `path` (no query string) from the fixture directory `root`.
pub(crate) fn lookup(root: &Path, path: &str) -> Fixed {
    let Some(file) = file_for(root, path) else {
        return not_found(path);
    };
    let sidecar = sidecar_of(&file);
    let body = std::fs::read(&file).ok();
    let headers = std::fs::read_to_string(&sidecar).ok();
    if body.is_none() && headers.is_none() {
        return not_found(path);
    }
    let mut reply = Fixed::new(200);
    reply.set_header("Content-Type", default_type(&file));
    reply.body = body.unwrap_or_default();
    for line in headers.as_deref().unwrap_or_default().lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, value)) = line.split_once(':') else { continue };
        let (name, value) = (name.trim(), value.trim());
        match name.to_ascii_lowercase().as_str() {
            "status" => reply.status = value.parse().unwrap_or(500),
            "x-test-gzip" => reply.gzip = value == "1" || value.eq_ignore_ascii_case("true"),
            "x-test-delay-ms" => reply.delay = Duration::from_millis(value.parse().unwrap_or(0)),
            _ => reply.set_header(name, value),
        }
    }
    reply
}

fn not_found(path: &str) -> Fixed {
    let page = format!("<!doctype html><title>404 Not Found</title><p>No fixture for {}</p>\n", escape(path));
    let mut reply = Fixed::new(404);
    reply.set_header("Content-Type", "text/html; charset=utf-8");
    reply.body = page.into_bytes();
    reply
}

/// The file a request path names, refusing anything that would climb out of `root`.
fn file_for(root: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path)?;
    let relative = Path::new(decoded.trim_start_matches('/'));
    if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut file = root.join(relative);
    if file.is_dir() || decoded.ends_with('/') {
        file = file.join("index.html");
    }
    Some(file)
}

fn sidecar_of(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".http");
    file.with_file_name(name)
}

fn default_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        None | Some("html" | "htm") => "text/html",
        Some("pdf") => "application/pdf",
        Some("txt") => "text/plain",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        _ => "application/octet-stream",
    }
}

/// Decodes `%XX` escapes; `None` if the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_map_to_fixture_files() {
        let root = Path::new("/srv/web");
        assert_eq!(file_for(root, "/www.dawn.com/news/1"), Some(root.join("www.dawn.com/news/1")));
        assert_eq!(file_for(root, "/a.test/caf%C3%A9.html"), Some(root.join("a.test/café.html")));
        assert_eq!(file_for(root, "/a.test/dir/"), Some(root.join("a.test/dir/index.html")));
        assert_eq!(file_for(root, "/a.test/../../etc/passwd"), None);
        assert_eq!(file_for(root, "/a.test/%2e%2e/secret"), None);
        assert_eq!(file_for(root, "/a.test/%FF"), None);
    }

    #[test]
    fn sidecars_and_default_types() {
        assert_eq!(sidecar_of(Path::new("/w/a.test/page.html")), Path::new("/w/a.test/page.html.http"));
        assert_eq!(default_type(Path::new("news/1")), "text/html");
        assert_eq!(default_type(Path::new("report.PDF")), "application/pdf");
        assert_eq!(default_type(Path::new("data.bin")), "application/octet-stream");
    }

    #[test]
    fn the_fixture_sidecar_sets_status_headers_and_test_switches() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/web");
        let moved = lookup(&root, "/fetch.test/old");
        assert_eq!(moved.status, 301);
        assert!(moved.headers.iter().any(|(n, v)| n == "location" && v == "/fetch.test/"));
        let gz = lookup(&root, "/fetch.test/gzip.html");
        assert!(gz.gzip);
        assert!(gz.headers.iter().any(|(n, v)| n == "content-type" && v == "text/html; charset=utf-8"));
        assert!(!gz.headers.iter().any(|(n, _)| n.starts_with("x-test")));
        assert_eq!(lookup(&root, "/fetch.test/missing").status, 404);
    }
}
