//! `citecheck.toml`: the configuration file's typed format, where it is found, and which
//! references its `[[ignore]]` entries silence.
//!
//! Every value is checked while the file is read, so a mistake is reported with the file, line,
//! column and key it is at ([`Error::ConfigFile`]); unknown keys are mistakes too. Settings that
//! only the command line knows how to read (output formats, colour) are kept as written, with
//! their position, for it to check.
//!
//! ```
//! let config = citecheck::config::Config::parse(r#"
//! timeout = "30s"
//! fail-on = "warning"
//!
//! [hosts."www.example.com"]
//! interval = "2s"
//! headers = { Cookie = "consent=yes" }
//! accept-status = [403]
//!
//! [[ignore]]
//! url = '^https://paywalled\.example/'
//! reason = "behind a paywall; checked by hand"
//! "#).unwrap();
//! assert_eq!(config.timeout.unwrap().0, std::time::Duration::from_secs(30));
//! assert_eq!(config.ignore[0].reason, "behind a paywall; checked by hand");
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::num::{NonZeroU32, NonZeroU64, NonZeroUsize};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use regex::Regex;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::check::Remap;
use crate::error::{Error, Result};
use crate::fetch::{HostOptions, HostPattern};
use crate::reference::Reference;

pub use toml::Spanned;

/// The configuration file's name.
pub const FILE_NAME: &str = "citecheck.toml";

/// The largest configuration file read, in bytes: a configuration is a few lines.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The longest any duration setting may be.
const MAX_DURATION: Duration = Duration::from_secs(24 * 60 * 60);

/// The contents of a `citecheck.toml`. Keys are the command-line options' long names; every key
/// is optional. Lists add to the command line's (whose entries come first); single values are
/// overridden by it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct Config {
    /// Documents or directories checked when none are named on the command line (relative to
    /// the file's directory).
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    /// `--input-format`: `text`, `markdown`, `html` or `docx`.
    pub input_format: Option<Spanned<String>>,
    /// `--max-document-bytes`.
    pub max_document_bytes: Option<NonZeroU64>,
    /// `--format`: what goes to standard output.
    pub format: Option<Spanned<String>>,
    /// `--report FORMAT=PATH` entries (paths relative to the file's directory).
    #[serde(default)]
    pub report: Vec<Spanned<String>>,
    /// `--root`: the directory paths in CI formats are relative to (relative to the file's
    /// directory).
    pub root: Option<PathBuf>,
    /// `--fail-on`: `error`, `warning` or `never`.
    pub fail_on: Option<Spanned<String>>,
    /// `--color`: `auto`, `always` or `never`.
    pub color: Option<Spanned<String>>,
    /// `--no-progress`.
    pub no_progress: Option<bool>,
    /// `--max-concurrency`.
    pub max_concurrency: Option<NonZeroUsize>,
    /// `--host-concurrency`.
    pub host_concurrency: Option<NonZeroUsize>,
    /// `--host-interval`.
    pub host_interval: Option<DurationValue>,
    /// `--connect-timeout`.
    pub connect_timeout: Option<DurationValue>,
    /// `--timeout`.
    pub timeout: Option<DurationValue>,
    /// `--deadline` (`"none"` for no deadline).
    pub deadline: Option<Deadline>,
    /// `--attempts`.
    pub attempts: Option<NonZeroU32>,
    /// `--max-redirects`.
    pub max_redirects: Option<u32>,
    /// `--max-body-bytes`.
    pub max_body_bytes: Option<NonZeroU64>,
    /// `--max-other-bytes`: how much of a non-HTML answer is read.
    pub max_other_bytes: Option<NonZeroU64>,
    /// `--max-pdf-bytes`: how much of a cited PDF is read (whole, up to this).
    pub max_pdf_bytes: Option<NonZeroU64>,
    /// `--url-timeout`: one URL's whole budget, retries and redirects included.
    pub url_timeout: Option<DurationValue>,
    /// `--max-url-length`: longer cited URLs are `invalid-url`.
    pub max_url_length: Option<NonZeroUsize>,
    /// `--max-notes`: notes read per document.
    pub max_notes: Option<NonZeroUsize>,
    /// `--user-agent`.
    pub user_agent: Option<HeaderText>,
    /// `--header 'Name: value'` entries, sent to every host.
    #[serde(default)]
    pub header: Vec<HeaderLine>,
    /// `--remap 'REGEX REPLACEMENT'` entries.
    #[serde(default)]
    pub remap: Vec<RemapValue>,
    /// `--exclude REGEX` entries.
    #[serde(default)]
    pub exclude: Vec<Pattern>,
    /// `--include REGEX` entries.
    #[serde(default)]
    pub include: Vec<Pattern>,
    /// `--allow-private`.
    pub allow_private: Option<bool>,
    /// `--ca-cert PATH` entries (relative to the file's directory).
    #[serde(default)]
    pub ca_cert: Vec<PathBuf>,
    /// `--date-tolerance-days`: dates this many days apart are the same date.
    pub date_tolerance_days: Option<u16>,
    /// `--uncited`: hint at sentences that make a checkable claim with no note.
    pub uncited: Option<bool>,
    /// `--doi-resolver`: where DOIs are looked up (`"none"`: not at all).
    pub doi_resolver: Option<Spanned<String>>,
    /// `--cache PATH`: the result cache's database (relative to the file's directory).
    pub cache: Option<PathBuf>,
    /// `--no-cache`: neither use nor fill the result cache.
    pub no_cache: Option<bool>,
    /// `--cache-ttl`: how long a cached answer is used without asking the server again.
    pub cache_ttl: Option<TtlValue>,
    /// `--archive-lookup` (`true`) or `--no-archive-lookup` (`false`): look up archived copies
    /// of lost pages (by default, only when a report for people is produced).
    pub archive_lookup: Option<bool>,
    /// `--archive-service`: `wayback` or `memento`.
    pub archive_service: Option<Spanned<String>>,
    /// `--wayback-endpoint`: the Wayback availability API's URL.
    pub wayback_endpoint: Option<Spanned<String>>,
    /// `--memento-endpoint`: the TimeTravel JSON API's URL.
    pub memento_endpoint: Option<Spanned<String>>,
    /// `--archive`: the WARC file every exchange is written to (relative to the file's
    /// directory).
    pub archive: Option<PathBuf>,
    /// Per-host settings, keyed by [`HostPattern`] (`www.example.com`, `*.example.com`,
    /// `127.0.0.1:8080`).
    #[serde(default)]
    pub hosts: BTreeMap<HostKey, HostConfig>,
    /// References not to lint or fetch, each with its reason.
    #[serde(default)]
    pub ignore: Vec<IgnoreRule>,
}

/// `[hosts."name"]`: settings for the hosts a pattern matches.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct HostConfig {
    /// Requests in flight at once to the host.
    pub concurrency: Option<NonZeroUsize>,
    /// Least time between request starts to the host.
    pub interval: Option<DurationValue>,
    /// Headers sent to this host only (a cookie, an authorisation), never across a redirect to
    /// another host.
    #[serde(default)]
    pub headers: Headers,
    /// The `User-Agent` sent to this host.
    pub user_agent: Option<HeaderText>,
    /// Statuses judged like a 200 when this host answers them (a 403 to robots, say).
    #[serde(default)]
    pub accept_status: Vec<StatusCode>,
    /// How long a cached answer from this host is used without asking it again.
    pub cache_ttl: Option<TtlValue>,
}

impl HostConfig {
    /// The fetcher's settings for this host.
    pub fn fetch_options(&self) -> HostOptions {
        let mut headers: Vec<(String, String)> = self.headers.0.clone();
        if let Some(ua) = &self.user_agent {
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case("user-agent"));
            headers.push(("User-Agent".to_owned(), ua.0.clone()));
        }
        HostOptions {
            concurrency: self.concurrency.map(NonZeroUsize::get),
            interval: self.interval.map(|d| d.0),
            headers,
        }
    }
}

/// `[[ignore]]`: references that are neither linted nor fetched. A rule names the references of
/// matching documents with the given labels, or those citing a URL that matches, or both (all
/// the conditions given must hold).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawIgnore")]
#[non_exhaustive]
pub struct IgnoreRule {
    /// A glob over document paths relative to the configuration file's directory (`*` within
    /// a directory, `**` across directories, `?` one character); a directory's path matches
    /// everything under it.
    pub path: Option<Glob>,
    /// Note labels, as printed.
    pub labels: Vec<String>,
    /// A pattern over the cited URL.
    pub url: Option<Pattern>,
    /// Why: shown in every report of the references it silences.
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    path: Option<Glob>,
    label: Option<Labels>,
    url: Option<Pattern>,
    reason: Option<String>,
}

impl TryFrom<RawIgnore> for IgnoreRule {
    type Error = String;

    fn try_from(raw: RawIgnore) -> std::result::Result<IgnoreRule, String> {
        let reason = raw.reason.map(|r| r.split_whitespace().collect::<Vec<_>>().join(" ")).unwrap_or_default();
        if reason.is_empty() {
            return Err("an [[ignore]] entry needs a `reason`".into());
        }
        let labels = raw.label.map(|l| l.0).unwrap_or_default();
        if raw.url.is_none() && labels.is_empty() {
            return Err("an [[ignore]] entry needs a `label` (with a `path`) or a `url` pattern".into());
        }
        if !labels.is_empty() && raw.path.is_none() {
            return Err("an [[ignore]] entry with a `label` needs the `path` of its document".into());
        }
        Ok(IgnoreRule { path: raw.path, labels, url: raw.url, reason })
    }
}

impl IgnoreRule {
    /// Whether this rule silences `reference`, found in the document at `path` (relative to the
    /// configuration file's directory, `/`-separated; `None` for standard input or a document
    /// outside that directory).
    pub fn matches(&self, path: Option<&str>, reference: &Reference) -> bool {
        if let Some(glob) = &self.path
            && !path.is_some_and(|p| glob.matches(p))
        {
            return false;
        }
        if !self.labels.is_empty() && !self.labels.contains(&reference.label) {
            return false;
        }
        if let Some(url) = &self.url
            && !reference.urls.iter().chain(reference.url.as_ref()).any(|u| url.0.is_match(u))
        {
            return false;
        }
        true
    }
}

/// The reason the first matching rule gives for ignoring `reference`, if any rule matches.
pub fn ignore_reason<'a>(rules: &'a [IgnoreRule], path: Option<&str>, reference: &Reference) -> Option<&'a str> {
    rules.iter().find(|r| r.matches(path, reference)).map(|r| r.reason.as_str())
}

/// A parsed configuration file with its location, which relative paths in it are taken from.
#[derive(Debug)]
pub struct ConfigFile {
    /// The file.
    pub path: PathBuf,
    /// What it says.
    pub config: Config,
    text: String,
}

impl ConfigFile {
    /// Reads and parses `path`. Errors name the file (and for its content the line, column and
    /// key).
    pub fn load(path: &Path) -> Result<ConfigFile> {
        let io = |source| Error::Io { path: path.to_path_buf(), source };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.len() > MAX_FILE_BYTES {
            return Err(Error::TooLarge { path: path.to_path_buf(), size: meta.len(), limit: MAX_FILE_BYTES });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        let text = String::from_utf8(bytes).map_err(|e| Error::ConfigFile {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            key: None,
            message: format!("the file is not UTF-8 ({e})"),
        })?;
        ConfigFile::from_text(path, text)
    }

    /// Parses `text` as the contents of the file at `path`.
    pub fn from_text(path: &Path, text: String) -> Result<ConfigFile> {
        let config = Config::parse(&text).map_err(|e| e.in_file(path))?;
        Ok(ConfigFile { path: path.to_path_buf(), config, text })
    }

    /// An error about the value at `span` (from a [`Spanned`] value) under `key`.
    pub fn error_at(&self, span: std::ops::Range<usize>, key: &str, message: impl Into<String>) -> Error {
        let (line, column) = Config::position(&self.text, span.start);
        Error::ConfigFile { path: self.path.clone(), line, column, key: Some(key.to_owned()), message: message.into() }
    }

    /// The directory relative paths in the file start from.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }

    /// `path` as written in the file, made relative to the file's directory.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() { path.to_path_buf() } else { self.dir().join(path) }
    }
}

/// A configuration mistake at a position of the file's text, before the file is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// The dotted key it is about (`hosts."www.example.com".interval`), when known.
    pub key: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl ParseError {
    /// The same error, naming the file.
    pub fn in_file(self, path: &Path) -> Error {
        Error::ConfigFile {
            path: path.to_path_buf(),
            line: self.line,
            column: self.column,
            key: self.key,
            message: self.message,
        }
    }
}

impl Config {
    /// Parses the text of a configuration file.
    pub fn parse(text: &str) -> std::result::Result<Config, ParseError> {
        let de = toml::de::Deserializer::parse(text).map_err(|e| located(text, &e, None))?;
        serde_path_to_error::deserialize(de).map_err(|e| {
            let key = key_path(e.path());
            located(text, e.inner(), key)
        })
    }

    /// The 1-based line and column (in characters) of a byte offset into `text`, for reporting
    /// a value the command line found wrong.
    pub fn position(text: &str, offset: usize) -> (u32, u32) {
        let offset = crate::span::floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        (u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(column).unwrap_or(u32::MAX))
    }
}

fn located(text: &str, e: &toml::de::Error, key: Option<String>) -> ParseError {
    let (line, column) = e.span().map_or((1, 1), |s| Config::position(text, s.start));
    let message = friendlier(e.message().trim());
    ParseError { line, column, key, message }
}

/// serde's "unknown field `timeuot`, expected one of `paths`, `input-format`, …" lists every key;
/// the likeliest one is more use.
fn friendlier(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else { return message.to_owned() };
    let Some((name, expected)) = rest.split_once('`') else { return message.to_owned() };
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let closest = known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min();
    match closest {
        Some((_, k)) => format!("unknown key `{name}` (did you mean `{k}`?)"),
        None if known.is_empty() => format!("unknown key `{name}`"),
        None => format!("unknown key `{name}` (known keys: {})", known.join(", ")),
    }
}

/// `hosts."www.example.com".interval`, `ignore[2].url`; `None` at the top.
fn key_path(path: &serde_path_to_error::Path) -> Option<String> {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                let bare = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if bare { out.push_str(key) } else { out.push_str(&format!("{key:?}")) }
            }
            Segment::Unknown => {}
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The configuration file that applies to a run started in `start`: the first `citecheck.toml`
/// in `start` or a parent, looking no higher than the repository root (the first directory
/// holding a `.git`) or the file system's root.
pub fn discover(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// `path` (as given on the command line, relative to `cwd`) relative to `base`, `/`-separated,
/// after resolving `.` and `..` by their names; `None` when it is not under `base`.
pub fn relative_path(base: &Path, cwd: &Path, path: &Path) -> Option<String> {
    let full = absolute(cwd, path);
    let base = absolute(cwd, base);
    let rest = full.strip_prefix(&base).ok()?;
    let parts: Vec<String> = rest.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    Some(parts.join("/"))
}

/// `path` made absolute against `base`, with `.` and `..` resolved by name (the file system is
/// not asked: the file need not exist, and symbolic links are not followed).
pub fn absolute(base: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() { path.to_path_buf() } else { base.join(path) };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `250ms`, `1.5s`, `2m`, `1h`; a bare number is seconds. At most a day.
pub fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    parse_within(s, MAX_DURATION, "at most a day")
}

/// The longest time-to-live a cached answer may have.
const MAX_TTL: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// A cache time-to-live: the syntax of [`parse_duration`], plus days (`7d`), up to a year.
pub fn parse_ttl(s: &str) -> std::result::Result<Duration, String> {
    parse_within(s, MAX_TTL, "at most 365 days")
}

fn parse_within(s: &str, max: Duration, bound: &str) -> std::result::Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let value: f64 = number.parse().map_err(|_| format!("{s:?} is not a duration (try 250ms, 10s, 5m)"))?;
    let days = max > MAX_DURATION;
    let scale = match unit.trim() {
        "ms" => 0.001,
        "" | "s" | "sec" | "secs" => 1.0,
        "m" | "min" | "mins" => 60.0,
        "h" => 3600.0,
        "d" if days => 86_400.0,
        other if days => return Err(format!("unknown unit {other:?} in {s:?} (use ms, s, m, h or d)")),
        other => return Err(format!("unknown unit {other:?} in {s:?} (use ms, s, m or h)")),
    };
    seconds_within(value * scale, max).ok_or_else(|| format!("{s:?} is out of range ({bound})"))
}

fn seconds(secs: f64) -> Option<Duration> {
    seconds_within(secs, MAX_DURATION)
}

fn seconds_within(secs: f64, max: Duration) -> Option<Duration> {
    (secs.is_finite() && (0.0..=max.as_secs_f64()).contains(&secs)).then(|| Duration::from_secs_f64(secs))
}

/// A cache time-to-live: `"1d"`, `"6h"`, `"30m"`, or a number of seconds; at most a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TtlValue(pub Duration);

impl<'de> Deserialize<'de> for TtlValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct TtlVisitor;
        impl Visitor<'_> for TtlVisitor {
            type Value = TtlValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as \"1d\", \"6h\" or \"30m\", or a number of seconds")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<TtlValue, E> {
                parse_ttl(v).map(TtlValue).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<TtlValue, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<TtlValue, E> {
                self.visit_f64(v as f64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<TtlValue, E> {
                seconds_within(v, MAX_TTL)
                    .map(TtlValue)
                    .ok_or_else(|| E::custom(format!("{v} seconds is out of range (0 to 365 days)")))
            }
        }
        d.deserialize_any(TtlVisitor)
    }
}

/// A duration: a string such as `"250ms"` or `"2m"`, or a number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationValue(pub Duration);

impl<'de> Deserialize<'de> for DurationValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(DurationVisitor { none: false }).map(|v| DurationValue(v.unwrap_or_default()))
    }
}

/// `--deadline`: a duration, or `"none"` (or 0) for none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline(pub Option<Duration>);

impl<'de> Deserialize<'de> for Deadline {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(DurationVisitor { none: true }).map(Deadline)
    }
}

struct DurationVisitor {
    none: bool,
}

impl Visitor<'_> for DurationVisitor {
    type Value = Option<Duration>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.none {
            "a duration such as \"30s\" or \"5m\", a number of seconds, or \"none\""
        } else {
            "a duration such as \"250ms\" or \"10s\", or a number of seconds"
        })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        if self.none && matches!(v.trim(), "none" | "0") {
            return Ok(None);
        }
        parse_duration(v).map(Some).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Self::Value, E> {
        self.visit_f64(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Self::Value, E> {
        self.visit_f64(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Self::Value, E> {
        if self.none && v == 0.0 {
            return Ok(None);
        }
        seconds(v).map(Some).ok_or_else(|| E::custom(format!("{v} seconds is out of range (0 to a day)")))
    }
}

/// A regular expression, checked when read.
#[derive(Debug, Clone)]
pub struct Pattern(pub Regex);

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Regex::new(&s).map(Pattern).map_err(|e| de::Error::custom(format!("{s:?} is not a valid pattern: {e}")))
    }
}

/// A `--remap` rule, `"REGEX REPLACEMENT"`, checked when read.
#[derive(Debug, Clone)]
pub struct RemapValue(pub Remap);

impl<'de> Deserialize<'de> for RemapValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Remap::parse(&s).map(RemapValue).map_err(|e| match e {
            Error::Config { message, .. } => de::Error::custom(message),
            other => de::Error::custom(other),
        })
    }
}

/// A `Name: value` header line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderLine(pub String, pub String);

impl<'de> Deserialize<'de> for HeaderLine {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let (name, value) = parse_header(&s).map_err(de::Error::custom)?;
        Ok(HeaderLine(name, value))
    }
}

/// Splits and checks `Name: value`.
pub fn parse_header(s: &str) -> std::result::Result<(String, String), String> {
    let Some((name, value)) = s.split_once(':') else {
        return Err(format!("{s:?} should be 'Name: value'"));
    };
    let (name, value) = (name.trim(), value.trim());
    check_header(name, value)?;
    Ok((name.to_owned(), value.to_owned()))
}

fn check_header(name: &str, value: &str) -> std::result::Result<(), String> {
    reqwest::header::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("{name:?} is not a valid header name"))?;
    reqwest::header::HeaderValue::from_str(value)
        .map_err(|_| format!("the value of {name} is not a valid header value"))?;
    Ok(())
}

/// A header value on its own (a user agent), checked when read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderText(pub String);

impl<'de> Deserialize<'de> for HeaderText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        reqwest::header::HeaderValue::from_str(&s)
            .map_err(|_| de::Error::custom(format!("{s:?} is not a valid header value")))?;
        Ok(HeaderText(s))
    }
}

/// A table of headers, `{ Cookie = "…", Authorization = "…" }`, checked when read, in the
/// file's order of names sorted (TOML tables have no order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<(String, String)>);

impl<'de> Deserialize<'de> for Headers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let map = BTreeMap::<String, String>::deserialize(d)?;
        for (name, value) in &map {
            check_header(name, value).map_err(de::Error::custom)?;
        }
        Ok(Headers(map.into_iter().collect()))
    }
}

/// An HTTP status code (100–599).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusCode(pub u16);

impl<'de> Deserialize<'de> for StatusCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        match u16::try_from(n) {
            Ok(code @ 100..=599) => Ok(StatusCode(code)),
            _ => Err(de::Error::custom(format!("{n} is not an HTTP status (100 to 599)"))),
        }
    }
}

/// A `[hosts."…"]` key: a [`HostPattern`], checked when read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostKey(pub HostPattern);

impl PartialOrd for HostKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for HostKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.as_str().cmp(other.0.as_str())
    }
}

impl<'de> Deserialize<'de> for HostKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        HostPattern::parse(&s).map(HostKey).map_err(de::Error::custom)
    }
}

/// Note labels: a string, a number, or a list of them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Labels(Vec<String>);

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Labels;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a note label (\"12\", 12, \"a\") or a list of them")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Labels, E> {
                let v = v.trim();
                if v.is_empty() {
                    return Err(E::custom("a label cannot be empty"));
                }
                Ok(Labels(vec![v.to_owned()]))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Labels, E> {
                Ok(Labels(vec![v.to_string()]))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Labels, E> {
                Ok(Labels(vec![v.to_string()]))
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Labels, A::Error> {
                let mut out = Vec::new();
                while let Some(one) = seq.next_element::<Labels>()? {
                    out.extend(one.0);
                }
                if out.is_empty() {
                    return Err(de::Error::custom("the list of labels is empty"));
                }
                Ok(Labels(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A glob over `/`-separated relative paths: `*` and `?` stay within a directory, `**` crosses
/// directories; a path that names a directory also matches everything under it.
#[derive(Debug, Clone)]
pub struct Glob {
    source: String,
    regex: Regex,
}

impl Glob {
    /// Compiles a glob.
    pub fn new(glob: &str) -> std::result::Result<Glob, String> {
        let source = glob.trim().trim_start_matches("./").trim_end_matches('/');
        if source.is_empty() {
            return Err("the path pattern is empty".into());
        }
        let mut re = String::from("^");
        let mut chars = source.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' if chars.peek() == Some(&'*') => {
                    chars.next();
                    if chars.peek() == Some(&'/') {
                        chars.next();
                        re.push_str("(?:.*/)?");
                    } else {
                        re.push_str(".*");
                    }
                }
                '*' => re.push_str("[^/]*"),
                '?' => re.push_str("[^/]"),
                '\\' => re.push('/'),
                c => re.push_str(&regex::escape(c.encode_utf8(&mut [0; 4]))),
            }
        }
        re.push_str("(?:/.*)?$");
        let regex = Regex::new(&re).map_err(|e| format!("{source:?} is not a usable path pattern: {e}"))?;
        Ok(Glob { source: source.to_owned(), regex })
    }

    /// Whether a relative, `/`-separated path matches.
    pub fn matches(&self, path: &str) -> bool {
        self.regex.is_match(path.trim_start_matches("./"))
    }

    /// The glob as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl<'de> Deserialize<'de> for Glob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Glob::new(&s).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> ParseError {
        Config::parse(text).expect_err("should not parse")
    }

    #[test]
    fn every_setting_reads() {
        let c = Config::parse(
            r#"
paths = ["docs"]
input-format = "markdown"
max-document-bytes = 1000
format = "json"
report = ["json=out/report.json"]
root = "."
fail-on = "warning"
color = "never"
no-progress = true
max-concurrency = 8
host-concurrency = 1
host-interval = 0.5
connect-timeout = "5s"
timeout = "30s"
deadline = "none"
attempts = 2
max-redirects = 0
max-body-bytes = 4096
user-agent = "audit/1"
header = ["X-Audit: yes"]
remap = ['^https://a\.example/(.*)$ http://127.0.0.1:9/$1']
exclude = ['\.pdf$']
include = ['^https://']
allow-private = true
ca-cert = ["ca.pem"]
date-tolerance-days = 7

[hosts."*.example.com"]
concurrency = 1
interval = "2s"
headers = { Cookie = "a=b" }
user-agent = "Mozilla/5.0"
accept-status = [403, 429]

[[ignore]]
path = "briefs/**/*.md"
label = [3, "4a"]
reason = "  known  dead;   archived "
"#,
        )
        .unwrap();
        assert_eq!(c.host_interval, Some(DurationValue(Duration::from_millis(500))));
        assert_eq!(c.deadline, Some(Deadline(None)));
        assert_eq!(c.max_redirects, Some(0));
        assert_eq!(c.header, [HeaderLine("X-Audit".into(), "yes".into())]);
        let (key, host) = c.hosts.iter().next().unwrap();
        assert_eq!(key.0.as_str(), "*.example.com");
        let o = host.fetch_options();
        assert_eq!(o.headers, [("Cookie".to_owned(), "a=b".to_owned()), ("User-Agent".into(), "Mozilla/5.0".into())]);
        assert_eq!(host.accept_status, [StatusCode(403), StatusCode(429)]);
        assert_eq!(c.ignore[0].labels, ["3", "4a"]);
        assert_eq!(c.ignore[0].reason, "known dead; archived");
        assert_eq!(c.format.as_ref().map(|f| f.get_ref().as_str()), Some("json"));
    }

    #[test]
    fn mistakes_name_line_column_and_key() {
        let e = err("timeout = \"10s\"\ntimeuot = \"5s\"\n");
        assert_eq!((e.line, e.column), (2, 1));
        assert_eq!(e.message, "unknown key `timeuot` (did you mean `timeout`?)");

        let e = err("[hosts.\"www.example.com\"]\ninterval = \"fast\"\n");
        assert_eq!((e.line, e.column, e.key.as_deref()), (2, 12, Some("hosts.\"www.example.com\".interval")));
        assert!(e.message.contains("not a duration"), "{e:?}");

        let e = err("[hosts.\"a.example\"]\naccept-status = [403, 999]\n");
        assert_eq!((e.line, e.key.as_deref()), (2, Some("hosts.\"a.example\".accept-status[1]")));

        let e = err("max-concurrency = 0\n");
        assert_eq!((e.line, e.column, e.key.as_deref()), (1, 19, Some("max-concurrency")));

        let e = err("exclude = ['(']\n");
        assert_eq!(e.key.as_deref(), Some("exclude[0]"));

        let e = err("[hosts.\"https://x/\"]\nconcurrency = 1\n");
        assert!(e.message.contains("bare host"), "{e:?}");

        let e = err("a = 1\nx = [\n");
        assert!(e.line >= 2 && !e.message.is_empty(), "{e:?}");
    }

    #[test]
    fn ignore_entries_need_a_reason_and_a_target() {
        assert!(err("[[ignore]]\nurl = 'x'\n").message.contains("reason"));
        assert!(err("[[ignore]]\nreason = 'r'\n").message.contains("label"));
        assert!(err("[[ignore]]\nlabel = 3\nreason = 'r'\n").message.contains("path"));
        let e = err("[[ignore]]\nurl = 'x'\nreason = 'r'\nlable = 3\n");
        assert!(e.message.contains("unknown key `lable` (did you mean `label`?)"), "{e:?}");
        assert_eq!(e.line, 4);
    }

    #[test]
    fn ignore_rules_match_path_label_and_url() {
        let c = Config::parse(
            "[[ignore]]\npath = 'briefs/*.md'\nlabel = '2'\nreason = 'two'\n\n[[ignore]]\nurl = '^https://gone\\.example/'\nreason = 'gone'\n",
        )
        .unwrap();
        let doc = crate::document::parse(
            Path::new("b.md"),
            b"A.[^1] B.[^2]\n\n[^1]: <https://gone.example/x>\n[^2]: <https://ok.example/y>\n",
            None,
        )
        .unwrap();
        let refs = crate::reference::references(&doc);
        assert_eq!(ignore_reason(&c.ignore, Some("briefs/b.md"), &refs[0]), Some("gone"));
        assert_eq!(ignore_reason(&c.ignore, Some("briefs/b.md"), &refs[1]), Some("two"));
        assert_eq!(ignore_reason(&c.ignore, Some("briefs/sub/b.md"), &refs[1]), None);
        assert_eq!(ignore_reason(&c.ignore, None, &refs[1]), None);
    }

    #[test]
    fn globs() {
        let g = |p: &str| Glob::new(p).unwrap();
        assert!(g("docs/*.md").matches("docs/a.md"));
        assert!(!g("docs/*.md").matches("docs/x/a.md"));
        assert!(g("docs/**/*.md").matches("docs/a.md"));
        assert!(g("docs/**/*.md").matches("docs/x/y/a.md"));
        assert!(g("**/brief-?.txt").matches("a/brief-1.txt"));
        assert!(g("./docs/archive/").matches("docs/archive/2019/a.html"));
        assert!(g("docs/a.md").matches("./docs/a.md"));
        assert!(!g("docs/a.md").matches("docs/a.mdx"));
        assert!(g("a+b (1).md").matches("a+b (1).md"));
        assert!(Glob::new("  ").is_err());
    }

    #[test]
    fn paths_relative_to_the_configuration() {
        let base = Path::new("/repo");
        assert_eq!(
            relative_path(base, Path::new("/repo/sub"), Path::new("../docs/./a.md")).as_deref(),
            Some("docs/a.md")
        );
        assert_eq!(relative_path(base, Path::new("/elsewhere"), Path::new("a.md")), None);
        assert_eq!(relative_path(base, Path::new("/x"), Path::new("/repo/b/c.md")).as_deref(), Some("b/c.md"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("5y").is_err());
        assert!(parse_duration("99999h").is_err());
        assert!(Config::parse("timeout = -1\n").is_err());
        // Time-to-live: days too, up to a year; timeouts still stop at a day.
        assert_eq!(parse_ttl("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse_ttl("0"), Ok(Duration::ZERO));
        assert!(parse_ttl("400d").unwrap_err().contains("365 days"));
        assert!(parse_duration("1d").unwrap_err().contains("use ms, s, m or h"));
        let c = Config::parse("cache-ttl = \"12h\"\n[hosts.\"news.test\"]\ncache-ttl = 60\n").unwrap();
        assert_eq!(c.cache_ttl, Some(TtlValue(Duration::from_secs(43_200))));
        assert_eq!(c.hosts.values().next().unwrap().cache_ttl, Some(TtlValue(Duration::from_secs(60))));
        assert!(Config::parse("cache-ttl = \"forever\"\n").is_err());
    }

    #[test]
    fn positions_count_characters() {
        assert_eq!(Config::position("ab\ncé d", 7), (2, 4));
        assert_eq!(Config::position("", 10), (1, 1));
    }
}
