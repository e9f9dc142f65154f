//! The cache's decisions, as pure functions on values: what may be kept, whether a kept answer is
//! still fresh, how to ask the server whether it changed, and what its answer means.

use std::time::Duration;

use crate::fetch::{FetchOutcome, FetchRequest};

/// Whether an answer may be kept and given again to later runs: a response that arrived whole
/// and says something lasting about the URL. Never kept: any fetch error (timeouts, connection
/// errors, DNS failures, TLS failures, redirect loops, cut bodies, the safety policy's refusals,
/// a URL's own time budget running out), and the statuses that say "not now" rather than
/// anything about the page: 408, 429 and every 5xx. A 304 is only ever the answer to a
/// revalidation, never an answer in itself.
pub fn is_cacheable(outcome: &FetchOutcome) -> bool {
    if outcome.error.is_some() {
        return false;
    }
    match outcome.status {
        Some(status) => matches!(status, 200..=303 | 305..=407 | 409..=428 | 430..=499),
        None => false,
    }
}

/// Whether an answer fetched `age_ms` milliseconds ago (negative when the clock went back) may be
/// used without asking the server again. A zero TTL means always ask; a clock that went back
/// means the age is unknown, so ask too.
pub fn is_fresh(age_ms: i64, ttl: Duration) -> bool {
    age_ms >= 0 && (age_ms as u128) < ttl.as_millis()
}

/// The conditional GET that asks whether a stored answer is still current: `If-None-Match` with
/// its `ETag`, `If-Modified-Since` with its `Last-Modified`. `None` when it has neither (the URL
/// is then fetched again in full) or when a validator is not a value HTTP allows.
pub fn conditional_request(etag: Option<&str>, last_modified: Option<&str>) -> Option<FetchRequest> {
    let mut request = FetchRequest::new();
    let mut any = false;
    if let Some(etag) = etag.filter(|e| !e.is_empty()) {
        request = request.header("If-None-Match", etag).ok()?;
        any = true;
    }
    if let Some(date) = last_modified.filter(|d| !d.is_empty()) {
        request = request.header("If-Modified-Since", date).ok()?;
        any = true;
    }
    any.then_some(request)
}

/// What the answer to a conditional GET means for the stored answer.
#[derive(Debug)]
pub enum Revalidated {
    /// 304 Not Modified from the URL the stored answer ended at: the stored answer stands, with
    /// this run's redirect chain and any new validators.
    NotModified(Box<FetchOutcome>),
    /// Anything else (a new page, a 404, an error): this is the current answer.
    Changed(Box<FetchOutcome>),
    /// A 304 from somewhere other than the stored final URL (the redirects now lead elsewhere):
    /// the validators were for another page, so the URL must be fetched again unconditionally.
    Refetch,
}

/// Reads the answer `fresh` to the conditional GET made for `stored`. Validators belong to the
/// final response of a redirect chain, so a 304 only confirms the stored answer when the chain
/// still ends where the stored one did.
pub fn revalidated(stored: FetchOutcome, fresh: FetchOutcome) -> Revalidated {
    if fresh.error.is_some() || fresh.status != Some(304) {
        return Revalidated::Changed(Box::new(fresh));
    }
    if fresh.final_url != stored.final_url {
        return Revalidated::Refetch;
    }
    let mut merged = stored;
    merged.url = fresh.url;
    merged.redirects = fresh.redirects;
    merged.attempts = fresh.attempts;
    merged.elapsed = fresh.elapsed;
    // A 304 should repeat the validators; a server that sends new ones is believed.
    if fresh.etag.is_some() {
        merged.etag = fresh.etag;
    }
    if fresh.last_modified.is_some() {
        merged.last_modified = fresh.last_modified;
    }
    Revalidated::NotModified(Box::new(merged))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::{FetchError, FetchErrorKind, Hop};
    use url::Url;

    fn outcome(status: Option<u16>) -> FetchOutcome {
        let mut o = FetchOutcome::new(&Url::parse("https://news.test/a").unwrap());
        o.status = status;
        o
    }

    #[test]
    fn lasting_answers_are_kept_and_transient_ones_never() {
        for status in [200, 203, 204, 301, 400, 401, 403, 404, 410, 451] {
            assert!(is_cacheable(&outcome(Some(status))), "{status}");
        }
        for status in [100, 304, 408, 429, 500, 502, 503, 504, 599] {
            assert!(!is_cacheable(&outcome(Some(status))), "{status}");
        }
        assert!(!is_cacheable(&outcome(None)));
        for kind in [
            FetchErrorKind::Timeout,
            FetchErrorKind::Connect,
            FetchErrorKind::Dns,
            FetchErrorKind::Blocked,
            FetchErrorKind::Deadline,
            FetchErrorKind::Body,
        ] {
            let mut o = outcome(Some(200));
            o.error = Some(FetchError { kind, message: String::new() });
            assert!(!is_cacheable(&o), "{kind}");
        }
    }

    #[test]
    fn fresh_within_the_ttl_only() {
        let day = Duration::from_secs(86_400);
        assert!(is_fresh(0, day));
        assert!(is_fresh(86_399_999, day));
        assert!(!is_fresh(86_400_000, day));
        // A clock set back: the age is unknown.
        assert!(!is_fresh(-1, day));
        // A zero TTL always asks.
        assert!(!is_fresh(0, Duration::ZERO));
    }

    #[test]
    fn conditional_requests_carry_the_validators_there_are() {
        assert!(conditional_request(None, None).is_none());
        assert!(conditional_request(Some(""), None).is_none());
        let r = conditional_request(Some("\"v1\""), Some("Mon, 24 Mar 2025 09:30:00 GMT")).unwrap();
        let names: Vec<&str> = r.headers().iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["if-none-match", "if-modified-since"]);
        let r = conditional_request(None, Some("Mon, 24 Mar 2025 09:30:00 GMT")).unwrap();
        assert_eq!(r.headers().len(), 1);
        // A validator HTTP cannot carry is no validator.
        assert!(conditional_request(Some("a\nb"), None).is_none());
    }

    #[test]
    fn a_304_from_the_same_final_url_keeps_the_stored_answer() {
        let mut stored = outcome(Some(200));
        stored.body = "<title>Stored</title>".into();
        stored.etag = Some("\"v1\"".into());
        stored.last_modified = Some("old".into());
        let mut fresh = outcome(Some(304));
        fresh.etag = Some("\"v2\"".into());
        fresh.attempts = 1;
        let Revalidated::NotModified(merged) = revalidated(stored.clone(), fresh) else { panic!("not modified") };
        assert_eq!(merged.status, Some(200));
        assert_eq!(merged.body, "<title>Stored</title>");
        assert_eq!(merged.etag.as_deref(), Some("\"v2\""));
        assert_eq!(merged.last_modified.as_deref(), Some("old"));
        assert_eq!(merged.attempts, 1);
    }

    #[test]
    fn other_answers_replace_it_and_a_304_elsewhere_refetches() {
        let stored = outcome(Some(200));
        assert!(matches!(revalidated(stored.clone(), outcome(Some(200))), Revalidated::Changed(_)));
        assert!(matches!(revalidated(stored.clone(), outcome(Some(404))), Revalidated::Changed(_)));
        let mut failed = outcome(Some(304));
        failed.error = Some(FetchError { kind: FetchErrorKind::Body, message: String::new() });
        assert!(matches!(revalidated(stored.clone(), failed), Revalidated::Changed(_)));
        let mut moved = outcome(Some(304));
        let home = Url::parse("https://news.test/").unwrap();
        moved.redirects.push(Hop { url: moved.url.clone(), status: 301 });
        moved.final_url = home;
        assert!(matches!(revalidated(stored, moved), Revalidated::Refetch));
    }
}
