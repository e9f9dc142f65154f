//! When to try again: which answers are worth a retry, how long to wait (exponential backoff with
//! jitter), and what a `Retry-After` header asks for.

use std::time::{Duration, SystemTime};

/// Whether an HTTP status is a transient failure worth another attempt: a request timeout, rate
/// limiting, and the server-side errors that a proxy or an overloaded origin reports.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// Parses a `Retry-After` value: either delay-seconds (`120`) or an HTTP-date, taken relative to
/// `now`. A date in the past means "now" (zero). Anything else is `None`, and the caller falls
/// back to its own backoff.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long digit strings saturate rather than fail: the cap applies later anyway.
        let secs = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The wait before attempt `failed + 1`, after `failed` failed attempts (1-based): `base`,
/// `2·base`, `4·base`… capped at `max`, then jittered to between half and all of that ("equal
/// jitter"), so that many clients retrying together spread out. `unit` is a sample in `[0, 1)`.
pub(crate) fn backoff(base: Duration, max: Duration, failed: u32, unit: f64) -> Duration {
    let exp = failed.saturating_sub(1).min(16);
    let full = base.saturating_mul(1u32 << exp).min(max);
    let unit = if unit.is_finite() { unit.clamp(0.0, 1.0) } else { 0.0 };
    full / 2 + full.mul_f64(unit / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_statuses() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(s), "{s}");
        }
        for s in [200, 301, 400, 401, 403, 404, 410, 451, 501, 505] {
            assert!(!is_retryable_status(s), "{s}");
        }
    }

    #[test]
    fn retry_after_seconds() {
        let now = SystemTime::now();
        assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
        assert_eq!(parse_retry_after(" 120 ", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("99999999999999999999999", now), Some(Duration::from_secs(u64::MAX)));
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("1.5", now), None);
        assert_eq!(parse_retry_after("", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn retry_after_http_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now), Some(Duration::from_secs(10)));
        // A date already past means no wait.
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), Some(Duration::ZERO));
        // The obsolete RFC 850 and asctime forms are valid HTTP-dates too.
        assert_eq!(parse_retry_after("Sunday, 06-Nov-94 08:49:38 GMT", now), Some(Duration::from_secs(1)));
        assert_eq!(parse_retry_after("Sun Nov  6 08:49:39 1994", now), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994", now), None);
    }

    #[test]
    fn backoff_grows_exponentially_with_bounded_jitter() {
        let base = Duration::from_millis(500);
        let max = Duration::from_secs(8);
        assert_eq!(backoff(base, max, 1, 0.0), Duration::from_millis(250));
        assert_eq!(backoff(base, max, 1, 1.0), Duration::from_millis(500));
        assert_eq!(backoff(base, max, 2, 1.0), Duration::from_millis(1000));
        assert_eq!(backoff(base, max, 3, 0.5), Duration::from_millis(1500));
        assert_eq!(backoff(base, max, 30, 1.0), max);
        assert_eq!(backoff(base, max, 0, f64::NAN), Duration::from_millis(250));
    }
}
