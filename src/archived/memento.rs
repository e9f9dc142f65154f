//! Memento TimeTravel's JSON API: the lookup URL and its answer.
//!
//! `http://timetravel.mementoweb.org/api/json/<YYYY[MM[DD[hh[mm[ss]]]]]>/<URI>`
//! (<http://timetravel.mementoweb.org/guide/api/>, "URI that provides access to a JSON
//! description of a Memento") answers with the mementos around the datetime across every
//! archive it aggregates:
//! `{"original_uri":…,"mementos":{"first":…,"prior":…,"closest":…,"next":…,"last":…},"timegate_uri":…,"timemap_uri":{…}}`,
//! each memento `{"datetime":"2013-01-15T09:42:04Z","uri":["http://archive.is/…","http://web.archive.org/web/…"]}`
//! (one capture time, the archives holding a copy from it), and with a 404 when no archive
//! holds a copy.

use serde_json::Value;
use url::Url;

use super::Snapshot;
use super::capture::{Capture, Relation};
use crate::date::PartialDate;

/// The public endpoint (the service also answers on https).
pub const DEFAULT_ENDPOINT: &str = "https://timetravel.mementoweb.org/api/json";

/// The lookup URL: `endpoint/<timestamp>/<cited URL>`, the URL appended as it is, as the API
/// expects.
pub fn timetravel_url(endpoint: &Url, cited: &str, timestamp: &str) -> Result<Url, String> {
    let base = endpoint.as_str().trim_end_matches('/');
    let joined = format!("{base}/{timestamp}/{cited}");
    Url::parse(&joined).map_err(|e| format!("{joined} is not a URL ({e})"))
}

/// The mementos of an answer worth choosing from (prior, closest, next, first, last), each
/// with its first http(s) URI. `Err` with a reason when the answer is not the API's JSON;
/// mementos with no readable datetime or URI are skipped.
pub fn parse_timetravel(body: &str) -> Result<Vec<Snapshot>, String> {
    let value: Value = serde_json::from_str(body.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("the answer is not JSON ({e})"))?;
    let Some(root) = value.as_object() else {
        return Err("the answer is not a JSON object".to_owned());
    };
    let mementos = match root.get("mementos") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(m)) => m,
        Some(_) => return Err("`mementos` is not an object".to_owned()),
    };
    let mut out: Vec<Snapshot> = Vec::new();
    for key in ["prior", "closest", "next", "first", "last"] {
        let Some(Value::Object(m)) = mementos.get(key) else { continue };
        let Some(captured) = m.get("datetime").and_then(Value::as_str).and_then(Capture::from_memento) else {
            continue;
        };
        let uris: Vec<&str> = match m.get("uri") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let Some(url) =
            uris.into_iter().filter_map(|u| Url::parse(u.trim()).ok()).find(|u| matches!(u.scheme(), "http" | "https"))
        else {
            continue;
        };
        if !out.iter().any(|s| s.captured == captured) {
            out.push(Snapshot { url: url.to_string(), captured });
        }
    }
    Ok(out)
}

/// The snapshot to show: the latest at or before `date` (the page the author saw), else the
/// earliest after it; without a date, the latest of all.
pub fn choose(snapshots: &[Snapshot], date: Option<&PartialDate>) -> Option<Snapshot> {
    let Some(date) = date else {
        return snapshots.iter().max_by_key(|s| s.captured).cloned();
    };
    let by_then = snapshots.iter().filter(|s| s.captured.relation_to(date).by_the_date()).max_by_key(|s| s.captured);
    by_then
        .or_else(|| {
            snapshots.iter().filter(|s| s.captured.relation_to(date) == Relation::After).min_by_key(|s| s.captured)
        })
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of the TimeTravel guide's example answer for http://cnn.com.
    const ANSWER: &str = r#"{
      "original_uri": "http://cnn.com",
      "mementos": {
        "last": {"datetime": "2015-01-26T12:36:22Z", "uri": ["http://archive.is/20150126123622/http://www.cnn.com/"]},
        "next": {"datetime": "2013-01-15T10:25:40Z", "uri": ["http://web.archive.org/web/20130115102540/http://www.cnn.com/"]},
        "closest": {"datetime": "2013-01-15T09:42:04Z", "uri": ["http://archive.is/20130115094204/http://www.cnn.com/", "http://web.archive.org/web/20130115094204/http://www.cnn.com/"]},
        "first": {"datetime": "2000-06-20T18:02:59Z", "uri": ["http://arquivo.pt/wayback/20000620180259/http://cnn.com/"]},
        "prior": {"datetime": "2013-01-15T09:06:32Z", "uri": ["http://web.archive.org/web/20130115090632/http://www.cnn.com/"]}
      },
      "timegate_uri": "http://timetravel.mementoweb.org/timegate/http://cnn.com",
      "timemap_uri": {"json_format": "http://timetravel.mementoweb.org/timemap/json/http://cnn.com", "link_format": "http://timetravel.mementoweb.org/timemap/link/http://cnn.com"}
    }"#;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse_iso(s).unwrap()
    }

    #[test]
    fn builds_the_lookup_url() {
        let endpoint = Url::parse(DEFAULT_ENDPOINT).unwrap();
        let u = timetravel_url(&endpoint, "https://news.test/a?b=1", "20250324235959").unwrap();
        assert_eq!(u.as_str(), "https://timetravel.mementoweb.org/api/json/20250324235959/https://news.test/a?b=1");
        let slash = Url::parse("http://127.0.0.1:9/api/json/").unwrap();
        assert_eq!(
            timetravel_url(&slash, "http://x/", "2013").unwrap().as_str(),
            "http://127.0.0.1:9/api/json/2013/http://x/"
        );
    }

    #[test]
    fn reads_every_memento_with_its_first_uri() {
        let all = parse_timetravel(ANSWER).unwrap();
        assert_eq!(all.len(), 5);
        assert_eq!(all[1].url, "http://archive.is/20130115094204/http://www.cnn.com/");
        assert_eq!(all[1].captured.to_string(), "2013-01-15T09:42:04Z");
        // A single URI given as a string, HTTP dates, a memento without a usable URI.
        let odd = r#"{"mementos":{"closest":{"datetime":"Tue, 15 Jan 2013 09:42:04 GMT","uri":"http://a.test/20130115094204/http://x/"},
                     "prior":{"datetime":"2012-01-01T00:00:00Z","uri":["mailto:x"]},"next":{"datetime":"soon","uri":["http://b/"]}}}"#;
        let some = parse_timetravel(odd).unwrap();
        assert_eq!(some.len(), 1);
        assert_eq!(some[0].captured.to_string(), "2013-01-15T09:42:04Z");
        assert!(parse_timetravel(r#"{"original_uri":"x"}"#).unwrap().is_empty());
        for bad in ["Not found", "[1]", r#"{"mementos":[]}"#] {
            assert!(parse_timetravel(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn before_then_after() {
        let all = parse_timetravel(ANSWER).unwrap();
        let pick = |date: Option<&str>| choose(&all, date.map(d).as_ref()).unwrap().captured.to_string();
        // Every copy from the note's day counts as "by the date": the latest of them.
        assert_eq!(pick(Some("2013-01-15")), "2013-01-15T10:25:40Z");
        assert_eq!(pick(Some("2013-01-14")), "2000-06-20T18:02:59Z");
        assert_eq!(pick(Some("2013")), "2013-01-15T10:25:40Z");
        // Nothing before 2000: the earliest after.
        assert_eq!(pick(Some("1999-05")), "2000-06-20T18:02:59Z");
        assert_eq!(pick(None), "2015-01-26T12:36:22Z");
        assert_eq!(choose(&[], Some(&d("2013"))), None);
    }
}
