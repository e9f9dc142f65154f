//! Turning raw arguments into the library's validated options; every mistake is an `Error`
//! naming the option.

use std::time::Duration;

use regex::Regex;

use citecheck::check::{CheckOptions, Remap};
use citecheck::fetch::FetchOptions;
use citecheck::{Error, Result};

use super::args::NetArgs;

pub(crate) fn check_options(net: &NetArgs) -> Result<CheckOptions> {
    let mut fetch = FetchOptions::default()
        .host_concurrency(positive("--host-concurrency", net.host_concurrency)?)
        .host_interval(duration("--host-interval", &net.host_interval)?)
        .connect_timeout(duration("--connect-timeout", &net.connect_timeout)?)
        .request_timeout(duration("--timeout", &net.timeout)?)
        .attempts(positive("--attempts", net.attempts as usize)? as u32)
        .max_redirects(net.max_redirects)
        .max_body_bytes(positive("--max-body-bytes", net.max_body_bytes as usize)? as u64)
        .max_other_bytes(positive("--max-other-bytes", net.max_other_bytes as usize)? as u64)
        .total_timeout(duration("--url-timeout", &net.url_timeout)?)
        .allow_private(net.allow_private);
    if let Some(ua) = &net.user_agent {
        fetch = fetch.user_agent(ua.clone());
    }
    for h in &net.headers {
        let Some((name, value)) = h.split_once(':') else {
            return Err(config("--header", format!("{h:?} should be 'Name: value'")));
        };
        fetch = fetch.header(name.trim(), value.trim());
    }
    for path in &net.ca_cert {
        let pem = std::fs::read(path).map_err(|source| Error::Io { path: path.clone(), source })?;
        fetch = fetch.add_root_certificate(pem);
    }
    let deadline = match net.deadline.trim() {
        "none" | "0" => None,
        d => Some(duration("--deadline", d)?),
    };
    let mut options = CheckOptions::default()
        .fetch(fetch)
        .max_concurrency(positive("--max-concurrency", net.max_concurrency)?)
        .deadline(deadline)
        .max_url_length(positive("--max-url-length", net.max_url_length)?);
    for spec in &net.remap {
        options = options.remap(Remap::parse(spec)?);
    }
    for p in &net.exclude {
        options = options.exclude(regex("--exclude", p)?);
    }
    for p in &net.include {
        options = options.include(regex("--include", p)?);
    }
    Ok(options)
}

/// The settings that shape a check's result, for the report's record of the run.
pub(crate) fn settings(net: &NetArgs) -> Vec<(String, String)> {
    let mut out = vec![
        ("max-concurrency".to_owned(), net.max_concurrency.to_string()),
        ("host-concurrency".to_owned(), net.host_concurrency.to_string()),
        ("host-interval".to_owned(), net.host_interval.clone()),
        ("connect-timeout".to_owned(), net.connect_timeout.clone()),
        ("timeout".to_owned(), net.timeout.clone()),
        ("deadline".to_owned(), net.deadline.clone()),
        ("attempts".to_owned(), net.attempts.to_string()),
        ("max-redirects".to_owned(), net.max_redirects.to_string()),
        ("max-body-bytes".to_owned(), net.max_body_bytes.to_string()),
        ("allow-private".to_owned(), net.allow_private.to_string()),
    ];
    if let Some(ua) = &net.user_agent {
        out.push(("user-agent".into(), ua.clone()));
    }
    out.extend(net.remap.iter().map(|r| ("remap".to_owned(), r.clone())));
    out.extend(net.exclude.iter().map(|r| ("exclude".to_owned(), r.clone())));
    out.extend(net.include.iter().map(|r| ("include".to_owned(), r.clone())));
    // Header values can carry credentials: only their names are recorded.
    out.extend(net.headers.iter().map(|h| ("header".to_owned(), h.split(':').next().unwrap_or("").trim().to_owned())));
    out
}

fn config(setting: &str, message: String) -> Error {
    Error::Config { setting: setting.to_owned(), message }
}

fn positive(setting: &str, n: usize) -> Result<usize> {
    if n == 0 { Err(config(setting, "must be at least 1".into())) } else { Ok(n) }
}

fn regex(setting: &str, pattern: &str) -> Result<Regex> {
    Regex::new(pattern).map_err(|e| config(setting, format!("{pattern:?}: {e}")))
}

/// `250ms`, `1.5s`, `2m`, `1h`; a bare number is seconds.
pub(crate) fn duration(setting: &str, s: &str) -> Result<Duration> {
    let s = s.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let value: f64 =
        number.parse().map_err(|_| config(setting, format!("{s:?} is not a duration (try 250ms, 10s, 5m)")))?;
    let scale = match unit.trim() {
        "ms" => 0.001,
        "" | "s" | "sec" | "secs" => 1.0,
        "m" | "min" | "mins" => 60.0,
        "h" => 3600.0,
        other => return Err(config(setting, format!("unknown unit {other:?} in {s:?} (use ms, s, m or h)"))),
    };
    let secs = value * scale;
    if !secs.is_finite() || !(0.0..=86_400.0).contains(&secs) {
        return Err(config(setting, format!("{s:?} is out of range (at most a day)")));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration("x", "250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(duration("x", "1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(duration("x", "2m").unwrap(), Duration::from_secs(120));
        assert_eq!(duration("x", "3").unwrap(), Duration::from_secs(3));
        assert!(duration("x", "fast").is_err());
        assert!(duration("x", "5y").is_err());
        assert!(duration("x", "99999h").is_err());
    }
}
