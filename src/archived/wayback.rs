//! The Wayback Machine's availability API: the lookup URL, its JSON answer, and the raw form of
//! a snapshot URL.
//!
//! The API (<https://archive.org/help/wayback_api.php>) takes `url` and an optional `timestamp`
//! (`YYYYMMDDhhmmss` or a prefix) and answers
//! `{"archived_snapshots":{"closest":{"available":true,"url":"http://web.archive.org/web/20130919044612/http://example.com/","timestamp":"20130919044612","status":"200"}}}`,
//! or `{"archived_snapshots":{}}` when it holds no copy. Its OpenAPI description (the
//! `/wayback/v1/available` form) adds `closest=before|after|either`, which this module sends to
//! prefer the copy the author could have seen; a server that ignores it answers with the
//! closest copy either way, which is still read correctly.

use serde_json::Value;
use url::Url;

use super::Snapshot;
use super::capture::Capture;

/// The public endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://archive.org/wayback/available";

/// archive.today's names: its snapshot URLs look like Wayback's but it has no `id_` form.
const ARCHIVE_TODAY: &[&str] =
    &["archive.today", "archive.is", "archive.ph", "archive.li", "archive.vn", "archive.fo", "archive.md"];

/// Which side of the timestamp to look on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closest {
    /// At or before the timestamp.
    Before,
    /// After it.
    After,
}

/// The lookup URL: `endpoint?url=…[&timestamp=…&closest=…]`. Without a timestamp the API gives
/// the most recent copy.
pub fn availability_url(endpoint: &Url, cited: &str, at: Option<(&str, Closest)>) -> Url {
    let mut url = endpoint.clone();
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("url", cited);
        if let Some((timestamp, closest)) = at {
            query.append_pair("timestamp", timestamp);
            query.append_pair(
                "closest",
                match closest {
                    Closest::Before => "before",
                    Closest::After => "after",
                },
            );
        }
    }
    url
}

/// Reads the API's answer: `Ok(None)` when it holds no copy (`{}`, empty or unavailable
/// `archived_snapshots`), `Err` with a reason when the answer is not the API's JSON.
pub fn parse_availability(body: &str) -> Result<Option<Snapshot>, String> {
    let value: Value = serde_json::from_str(body.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("the answer is not JSON ({e})"))?;
    let Some(root) = value.as_object() else {
        return Err("the answer is not a JSON object".to_owned());
    };
    let snapshots = match root.get("archived_snapshots") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(s)) => s,
        Some(_) => return Err("`archived_snapshots` is not an object".to_owned()),
    };
    let closest = match snapshots.get("closest") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(c)) => c,
        Some(_) => return Err("`closest` is not an object".to_owned()),
    };
    if closest.get("available").and_then(Value::as_bool) == Some(false) {
        return Ok(None);
    }
    let url = closest.get("url").and_then(Value::as_str).ok_or("the snapshot has no `url`")?;
    let url = Url::parse(url.trim()).map_err(|e| format!("the snapshot URL {url:?} is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("the snapshot URL {url} is not http(s)"));
    }
    let stamp = closest.get("timestamp").and_then(Value::as_str).ok_or("the snapshot has no `timestamp`")?;
    let captured =
        Capture::from_wayback(stamp).ok_or_else(|| format!("the snapshot's timestamp {stamp:?} is not a time"))?;
    Ok(Some(Snapshot { url: url.to_string(), captured }))
}

/// The raw form of a Wayback-style snapshot URL, `…/web/20130919044612id_/http://example.com/`:
/// the page as captured, without the archive's banner and rewritten links. Any archive that
/// writes its snapshot URLs as `/<timestamp>[modifier_]/<original URL>` (the Wayback software,
/// pywb, and most Memento archives that run them) understands `id_`; archive.today, which
/// writes its URLs the same way, does not. Other URLs are returned as they are.
pub fn raw_url(snapshot: &Url) -> Url {
    let host = snapshot.host_str().unwrap_or_default().trim_start_matches("www.");
    if ARCHIVE_TODAY.contains(&host) {
        return snapshot.clone();
    }
    let path = snapshot.path();
    let mut start = 0;
    for segment in path.split('/') {
        let end = start + segment.len();
        let digits = segment.bytes().take_while(u8::is_ascii_digit).count();
        let modifier = &segment[digits..];
        let is_stamp = (4..=14).contains(&digits)
            && (modifier.is_empty() || (modifier.len() == 3 && modifier.ends_with('_') && modifier.is_ascii()));
        // The timestamp is followed by the archived URL.
        if is_stamp && path[end..].starts_with("/http") {
            let raw_path = format!("{}{}id_{}", &path[..start], &segment[..digits], &path[end..]);
            let mut raw = snapshot.clone();
            raw.set_path(&raw_path);
            return raw;
        }
        start = end + 1;
    }
    snapshot.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint() -> Url {
        Url::parse(DEFAULT_ENDPOINT).unwrap()
    }

    #[test]
    fn builds_the_lookup_url() {
        let u = availability_url(&endpoint(), "https://news.test/a?b=1&c=2#x", None);
        assert_eq!(
            u.as_str(),
            "https://archive.org/wayback/available?url=https%3A%2F%2Fnews.test%2Fa%3Fb%3D1%26c%3D2%23x"
        );
        let u = availability_url(&endpoint(), "https://news.test/a", Some(("20250324235959", Closest::Before)));
        assert_eq!(
            u.as_str(),
            "https://archive.org/wayback/available?url=https%3A%2F%2Fnews.test%2Fa&timestamp=20250324235959&closest=before"
        );
        // An endpoint with its own query keeps it.
        let custom = Url::parse("http://127.0.0.1:9/available?key=1").unwrap();
        let u = availability_url(&custom, "x", Some(("2025", Closest::After)));
        assert_eq!(u.as_str(), "http://127.0.0.1:9/available?key=1&url=x&timestamp=2025&closest=after");
    }

    #[test]
    fn parses_the_documented_answers() {
        // The example of https://archive.org/help/wayback_api.php.
        let found = r#"{"archived_snapshots":{"closest":{"available":true,"url":"http://web.archive.org/web/20130919044612/http://example.com/","timestamp":"20130919044612","status":"200"}}}"#;
        let s = parse_availability(found).unwrap().unwrap();
        assert_eq!(s.url, "http://web.archive.org/web/20130919044612/http://example.com/");
        assert_eq!(s.captured.to_string(), "2013-09-19T04:46:12Z");
        for none in [
            r#"{"archived_snapshots":{}}"#,
            "{}",
            r#"{"url":"x","archived_snapshots":null}"#,
            r#"{"archived_snapshots":{"closest":{"available":false,"url":"","timestamp":""}}}"#,
        ] {
            assert_eq!(parse_availability(none).unwrap(), None, "{none}");
        }
    }

    #[test]
    fn garbage_is_an_error_with_a_reason() {
        for (bad, why) in [
            ("<html>Service unavailable</html>", "not JSON"),
            ("[]", "not a JSON object"),
            (r#"{"archived_snapshots":[]}"#, "not an object"),
            (r#"{"archived_snapshots":{"closest":{"available":true,"timestamp":"2013"}}}"#, "no `url`"),
            (
                r#"{"archived_snapshots":{"closest":{"available":true,"url":"http://a/","timestamp":"x"}}}"#,
                "not a time",
            ),
            (r#"{"archived_snapshots":{"closest":{"available":true,"url":"ftp://a/","timestamp":"2013"}}}"#, "http(s)"),
            (r#"{"archived_snapshots":{"closest":"#, "not JSON"),
        ] {
            let e = parse_availability(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn raw_snapshot_urls() {
        let raw = |s: &str| raw_url(&Url::parse(s).unwrap()).to_string();
        assert_eq!(
            raw("http://web.archive.org/web/20130919044612/http://example.com/"),
            "http://web.archive.org/web/20130919044612id_/http://example.com/"
        );
        assert_eq!(
            raw("https://web.archive.org/web/20130919044612im_/https://example.com/a?b=1"),
            "https://web.archive.org/web/20130919044612id_/https://example.com/a?b=1"
        );
        assert_eq!(
            raw("http://arquivo.pt/wayback/20000620180259/http://cnn.com/"),
            "http://arquivo.pt/wayback/20000620180259id_/http://cnn.com/"
        );
        // Nothing that looks like a timestamp: unchanged.
        assert_eq!(raw("http://archive.example/page/123"), "http://archive.example/page/123");
        assert_eq!(raw("http://archive.example/2013"), "http://archive.example/2013");
        assert_eq!(raw("https://news.test/2024/04/article"), "https://news.test/2024/04/article");
        assert_eq!(
            raw("http://archive.is/20131115120014/http://www.cnn.com/"),
            "http://archive.is/20131115120014/http://www.cnn.com/"
        );
    }
}
