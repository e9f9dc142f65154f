//! Settings for a run: the command line over the configuration file over the built-in defaults,
//! validated into the library's options. Every mistake is an `Error` naming the option, or the
//! file, line, column and key it is at.
//!
//! Single values: a flag wins over the file. Lists (`header`, `remap`, `exclude`, `include`,
//! `ca-cert`, `report`) add up, the command line's entries first (so its remaps are tried
//! first), and a `--header` replaces the file's header of the same name.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ValueEnum;
use regex::Regex;
use url::Url;

use citecheck::archived::{ArchiveService, LookupOptions};
use citecheck::cache::CacheOptions;
use citecheck::check::{CheckOptions, Remap};
use citecheck::config::{self as file, ConfigFile, IgnoreRule, Spanned};
use citecheck::document::{Format, LoadOptions};
use citecheck::fetch::{FetchOptions, HostPattern};
use citecheck::report::RenderOptions;
use citecheck::verdict::JudgeOptions;
use citecheck::{Error, Result};

use super::args::{
    ArchiveArgs, ArchiveServiceArg, CACHE_ENV, CacheArgs, Cli, ColorWhen, FailOn, InputArgs, InputFormat, NetArgs,
    OutputArgs, OutputFormat,
};

/// One `--report FORMAT=PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReportTarget {
    pub(crate) format: OutputFormat,
    pub(crate) path: PathBuf,
}

/// Everything a run needs, merged and checked.
#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) paths: Vec<PathBuf>,
    pub(crate) load: LoadOptions,
    pub(crate) format: OutputFormat,
    pub(crate) reports: Vec<ReportTarget>,
    pub(crate) render: RenderOptions,
    pub(crate) fail_on: FailOn,
    pub(crate) color: ColorWhen,
    pub(crate) no_progress: bool,
    /// `[[ignore]]` rules, and the directory their paths are relative to.
    pub(crate) ignores: Vec<IgnoreRule>,
    pub(crate) ignore_base: PathBuf,
    pub(crate) cwd: PathBuf,
    /// What shaped the result, for the report's record of the run.
    pub(crate) record: Vec<(String, String)>,
    /// When the run started, as reports record it (`None`: not recorded).
    pub(crate) started: Option<String>,
    /// For `check` only.
    pub(crate) check: Option<CheckOptions>,
    /// For `check` only, unless the cache is off.
    pub(crate) cache: Option<CacheSettings>,
}

/// Where the result cache is and how it behaves.
#[derive(Debug, Clone)]
pub(crate) struct CacheSettings {
    pub(crate) path: PathBuf,
    pub(crate) options: CacheOptions,
}

/// The configuration file that applies: `--config PATH`, else the first `citecheck.toml` from
/// the current directory up to the repository root; none with `--no-config`.
pub(crate) fn load_file(cli: &Cli, cwd: &Path) -> Result<Option<ConfigFile>> {
    if cli.no_config {
        return Ok(None);
    }
    let path = match &cli.config {
        Some(p) => p.clone(),
        None => match file::discover(cwd) {
            Some(p) => relative_to_ancestor(cwd, &p),
            None => return Ok(None),
        },
    };
    ConfigFile::load(&path).map(Some)
}

/// A file found in `cwd` or one of its ancestors, as a path relative to `cwd`
/// (`../../citecheck.toml`), so that it and the paths it names read as people write them.
fn relative_to_ancestor(cwd: &Path, found: &Path) -> PathBuf {
    let Some(dir) = found.parent() else { return found.to_path_buf() };
    let Ok(rest) = cwd.strip_prefix(dir) else { return found.to_path_buf() };
    let mut out = PathBuf::new();
    for _ in rest.components() {
        out.push("..");
    }
    out.push(found.file_name().unwrap_or_default());
    out
}

/// Merges the command line (`input`, `output`, and for `check` `net` and `no_progress`) with
/// the file.
pub(crate) fn settings(
    cli: &Cli,
    input: &InputArgs,
    output: &OutputArgs,
    check: Option<(&NetArgs, &CacheArgs, &ArchiveArgs, bool)>,
    config: Option<&ConfigFile>,
    cwd: &Path,
) -> Result<Settings> {
    let started = started(cli.timestamp.as_deref())?;
    let empty = file::Config::default();
    let f = config.map_or(&empty, |c| &c.config);
    let resolve = |p: &Path| config.map_or_else(|| p.to_path_buf(), |c| c.resolve(p));
    let mut record = Vec::new();
    if let Some(c) = config {
        record.push(("config".to_owned(), c.path.display().to_string()));
    }

    let paths = if !input.paths.is_empty() {
        input.paths.clone()
    } else if !f.paths.is_empty() {
        f.paths.iter().map(|p| resolve(p)).collect()
    } else {
        return Err(config_error(
            "PATH",
            "name a document or directory to read (`-` for standard input), or set `paths` in citecheck.toml",
        ));
    };
    let input_format = match (input.input_format, &f.input_format) {
        (Some(v), _) => Some(v),
        (None, Some(v)) => Some(enum_value::<InputFormat>(config, v, "input-format")?),
        (None, None) => None,
    };
    let load = LoadOptions {
        max_bytes: match input.max_document_bytes {
            Some(n) => positive("--max-document-bytes", n)?,
            None => f.max_document_bytes.map_or(LoadOptions::default().max_bytes, |n| n.get()),
        },
        format: input_format.map(|f| match f {
            InputFormat::Text => Format::Text,
            InputFormat::Markdown => Format::Markdown,
            InputFormat::Html => Format::Html,
        }),
        max_notes: count(
            input.max_notes,
            "--max-notes",
            f.max_notes.map(|n| n.get()),
            citecheck::document::DEFAULT_MAX_NOTES,
        )?,
    };

    let format = pick(output.format, config, &f.format, "format", OutputFormat::Human)?;
    let fail_on = pick(output.fail_on, config, &f.fail_on, "fail-on", FailOn::Error)?;
    let color = pick(cli.color, config, &f.color, "color", ColorWhen::Auto)?;
    let mut reports = Vec::new();
    for spec in &output.report {
        reports.push(report_target(spec).map_err(|m| config_error("--report", m))?);
    }
    for spec in &f.report {
        let mut target = report_target(spec.get_ref()).map_err(|m| at(config, spec.span(), "report", m))?;
        target.path = resolve(&target.path);
        reports.push(target);
    }
    for (i, r) in reports.iter().enumerate() {
        if reports[..i].iter().any(|o| absolute(cwd, &o.path) == absolute(cwd, &r.path)) {
            return Err(config_error("--report", format!("{} is named twice", r.path.display())));
        }
    }
    let root = match (&output.root, &f.root) {
        (Some(r), _) => r.clone(),
        (None, Some(r)) => resolve(r),
        (None, None) => PathBuf::from("."),
    };
    let render = RenderOptions { root: Some(absolute(cwd, &root)), ..RenderOptions::default() };

    let no_progress = check.is_some_and(|(_, _, _, flag)| flag) || f.no_progress.unwrap_or(false);
    // Archived copies are evidence for a person reading the report; CI formats go without.
    let for_people = |f: OutputFormat| matches!(f, OutputFormat::Human | OutputFormat::Html);
    let read_by_people = for_people(format) || reports.iter().any(|r| for_people(r.format));
    let (check, cache) = match check {
        Some((net, cache_args, archive, _)) => {
            let mut options = check_options(net, f, config, &mut record)?;
            let cache = cache_settings(cache_args, f, config, &mut record)?;
            let today = started.as_deref().and_then(|t| citecheck::PartialDate::parse_iso(t.get(..10)?));
            options.archive = lookup_options(archive, f, config, read_by_people, today, &mut record)?;
            (Some(options), cache)
        }
        None => (None, None),
    };
    Ok(Settings {
        started,
        paths,
        load,
        format,
        reports,
        render,
        fail_on,
        color,
        no_progress,
        ignores: f.ignore.clone(),
        ignore_base: config.map_or_else(|| cwd.to_path_buf(), |c| absolute(cwd, c.dir())),
        cwd: cwd.to_path_buf(),
        record,
        check,
        cache,
    })
}

/// The cache database: `--cache`, else `$CITECHECK_CACHE`, else the file's `cache`, else the
/// platform's cache directory (`None` when it has none).
pub(crate) fn cache_path(flag: Option<&Path>, config: Option<&ConfigFile>) -> Option<PathBuf> {
    if let Some(p) = flag {
        return Some(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os(CACHE_ENV).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    if let Some(c) = config
        && let Some(p) = &c.config.cache
    {
        return Some(c.resolve(p));
    }
    citecheck::cache::default_path()
}

/// Whether and how the cache is used: `--no-cache` wins, then `--cache`, then the file's
/// `no-cache`. The environment only chooses where the cache is, never whether.
fn cache_settings(
    args: &CacheArgs,
    f: &file::Config,
    config: Option<&ConfigFile>,
    record: &mut Vec<(String, String)>,
) -> Result<Option<CacheSettings>> {
    let ttl = match &args.cache_ttl {
        Some(s) => file::parse_ttl(s).map_err(|m| config_error("--cache-ttl", m))?,
        None => f.cache_ttl.map_or(citecheck::cache::DEFAULT_TTL, |t| t.0),
    };
    let enabled = !args.no_cache && (args.cache.is_some() || !f.no_cache.unwrap_or(false));
    let path = if enabled { cache_path(args.cache.as_deref(), config) } else { None };
    let Some(path) = path else {
        let why = if enabled { "off (no cache directory)" } else { "off" };
        record.push(("cache".to_owned(), why.to_owned()));
        return Ok(None);
    };
    record.push(("cache-ttl".to_owned(), shown(ttl)));
    let mut options = CacheOptions::default().ttl(ttl);
    for (key, host) in &f.hosts {
        if let Some(t) = host.cache_ttl {
            options = options.host_ttl(key.0.clone(), t.0);
        }
    }
    Ok(Some(CacheSettings { path, options }))
}

impl Settings {
    /// Why `reference` of the document at `path` is ignored by the configuration, if it is.
    pub(crate) fn ignore_reason(&self, path: &Path, reference: &citecheck::Reference) -> Option<String> {
        if self.ignores.is_empty() {
            return None;
        }
        let relative =
            (path != Path::new("<stdin>")).then(|| file::relative_path(&self.ignore_base, &self.cwd, path)).flatten();
        file::ignore_reason(&self.ignores, relative.as_deref(), reference).map(str::to_owned)
    }
}

fn check_options(
    net: &NetArgs,
    f: &file::Config,
    config: Option<&ConfigFile>,
    record: &mut Vec<(String, String)>,
) -> Result<CheckOptions> {
    let mut note = |name: &str, value: String| record.push((name.to_owned(), value));
    let max_concurrency = count(net.max_concurrency, "--max-concurrency", f.max_concurrency.map(|n| n.get()), 32)?;
    let host_concurrency = count(net.host_concurrency, "--host-concurrency", f.host_concurrency.map(|n| n.get()), 2)?;
    let host_interval = time(&net.host_interval, "--host-interval", f.host_interval, Duration::from_millis(250))?;
    let connect_timeout = time(&net.connect_timeout, "--connect-timeout", f.connect_timeout, Duration::from_secs(10))?;
    let timeout = time(&net.timeout, "--timeout", f.timeout, Duration::from_secs(20))?;
    if connect_timeout.is_zero() || timeout.is_zero() {
        return Err(config_error("--timeout", "timeouts must be longer than zero"));
    }
    let deadline = match net.deadline.as_deref().map(str::trim) {
        Some("none" | "0") => None,
        // A zero deadline, however written ("0", "0s"), means none, never "stop at once".
        Some(d) => Some(file::parse_duration(d).map_err(|m| config_error("--deadline", m))?).filter(|d| !d.is_zero()),
        None => f.deadline.map_or(Some(Duration::from_secs(300)), |d| d.0),
    };
    let attempts = count(net.attempts.map(|n| n as usize), "--attempts", f.attempts.map(|n| n.get() as usize), 3)?;
    let max_redirects = net.max_redirects.or(f.max_redirects).unwrap_or(10);
    let max_body_bytes = match net.max_body_bytes {
        Some(n) => positive("--max-body-bytes", n)?,
        None => f.max_body_bytes.map_or(2 * 1024 * 1024, |n| n.get()),
    };
    let max_other_bytes = match net.max_other_bytes {
        Some(n) => positive("--max-other-bytes", n)?,
        None => f.max_other_bytes.map_or(64 * 1024, |n| n.get()),
    };
    let url_timeout = time(&net.url_timeout, "--url-timeout", f.url_timeout, Duration::from_secs(60))?;
    if url_timeout.is_zero() {
        return Err(config_error("--url-timeout", "must be longer than zero"));
    }
    let max_url_length = count(
        net.max_url_length,
        "--max-url-length",
        f.max_url_length.map(|n| n.get()),
        citecheck::check::DEFAULT_MAX_URL_LENGTH,
    )?;
    let allow_private = net.allow_private || f.allow_private.unwrap_or(false);
    let date_tolerance_days = net.date_tolerance_days.or(f.date_tolerance_days).unwrap_or(2);
    note("max-concurrency", max_concurrency.to_string());
    note("host-concurrency", host_concurrency.to_string());
    note("host-interval", shown(host_interval));
    note("connect-timeout", shown(connect_timeout));
    note("timeout", shown(timeout));
    note("deadline", deadline.map_or_else(|| "none".to_owned(), shown));
    note("attempts", attempts.to_string());
    note("max-redirects", max_redirects.to_string());
    note("max-body-bytes", max_body_bytes.to_string());
    note("max-other-bytes", max_other_bytes.to_string());
    note("url-timeout", shown(url_timeout));
    note("max-url-length", max_url_length.to_string());
    note("allow-private", allow_private.to_string());
    note("date-tolerance-days", date_tolerance_days.to_string());

    let mut fetch = FetchOptions::default()
        .host_concurrency(host_concurrency)
        .host_interval(host_interval)
        .connect_timeout(connect_timeout)
        .request_timeout(timeout)
        .attempts(attempts as u32)
        .max_redirects(max_redirects)
        .max_body_bytes(max_body_bytes)
        .max_other_bytes(max_other_bytes)
        .total_timeout(url_timeout)
        .allow_private(allow_private);
    if let Some(ua) = net.user_agent.clone().or_else(|| f.user_agent.as_ref().map(|u| u.0.clone())) {
        note("user-agent", ua.clone());
        fetch = fetch.user_agent(ua);
    }
    let mut headers = Vec::new();
    for h in &net.headers {
        headers.push(file::parse_header(h).map_err(|m| config_error("--header", m))?);
    }
    for file::HeaderLine(name, value) in &f.header {
        if !net.headers.is_empty() && headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            continue;
        }
        headers.push((name.clone(), value.clone()));
    }
    for (name, value) in headers {
        // Header values can carry credentials: only their names are recorded.
        note("header", name.clone());
        fetch = fetch.header(name, value);
    }
    for path in &net.ca_cert {
        fetch = fetch.add_root_certificate(read(path)?);
    }
    for path in &f.ca_cert {
        let path = config.map_or_else(|| path.clone(), |c| c.resolve(path));
        fetch = fetch.add_root_certificate(read(&path)?);
    }
    let mut judge = JudgeOptions { date_tolerance_days: i64::from(date_tolerance_days), ..JudgeOptions::default() };
    for (key, host) in &f.hosts {
        let pattern: &HostPattern = &key.0;
        let options = host.fetch_options();
        let mut facts = Vec::new();
        if let Some(n) = options.concurrency {
            facts.push(format!("concurrency {n}"));
        }
        if let Some(d) = options.interval {
            facts.push(format!("interval {}", shown(d)));
        }
        if !options.headers.is_empty() {
            let names: Vec<&str> = options.headers.iter().map(|(n, _)| n.as_str()).collect();
            facts.push(format!("headers {}", names.join(", ")));
        }
        if let Some(ttl) = host.cache_ttl {
            facts.push(format!("cache-ttl {}", shown(ttl.0)));
        }
        let codes: Vec<u16> = host.accept_status.iter().map(|c| c.0).collect();
        if !codes.is_empty() {
            let list: Vec<String> = codes.iter().map(u16::to_string).collect();
            facts.push(format!("accept-status {}", list.join(", ")));
            judge.accept_status.push((pattern.clone(), codes));
        }
        note("host", format!("{pattern}: {}", facts.join("; ")));
        fetch = fetch.host(pattern.clone(), options);
    }

    let mut options = CheckOptions::default()
        .fetch(fetch)
        .max_concurrency(max_concurrency)
        .deadline(deadline)
        .max_url_length(max_url_length);
    options.judge = judge;
    for spec in &net.remap {
        options = options.remap(Remap::parse(spec)?);
        note("remap", spec.clone());
    }
    for r in &f.remap {
        options = options.remap(r.0.clone());
    }
    for p in &net.exclude {
        options = options.exclude(regex("--exclude", p)?);
        note("exclude", p.clone());
    }
    for p in &f.exclude {
        note("exclude", p.0.as_str().to_owned());
        options = options.exclude(p.0.clone());
    }
    for p in &net.include {
        options = options.include(regex("--include", p)?);
        note("include", p.clone());
    }
    for p in &f.include {
        note("include", p.0.as_str().to_owned());
        options = options.include(p.0.clone());
    }
    Ok(options)
}

/// Archive lookups: the flags over the file over the default (on when people read the report).
/// `today` (the run's recorded date) fixes the date undated TimeTravel lookups ask about, so a
/// run with `--timestamp` makes the same requests every time.
fn lookup_options(
    args: &ArchiveArgs,
    f: &file::Config,
    config: Option<&ConfigFile>,
    read_by_people: bool,
    today: Option<citecheck::PartialDate>,
    record: &mut Vec<(String, String)>,
) -> Result<LookupOptions> {
    let enabled = if args.archive_lookup {
        true
    } else if args.no_archive_lookup {
        false
    } else {
        f.archive_lookup.unwrap_or(read_by_people)
    };
    let service =
        match pick(args.archive_service, config, &f.archive_service, "archive-service", ArchiveServiceArg::Wayback)? {
            ArchiveServiceArg::Wayback => ArchiveService::Wayback,
            ArchiveServiceArg::Memento => ArchiveService::Memento,
        };
    let mut options = LookupOptions::new().enabled(enabled).service(service);
    if let Some(t) = today {
        options = options.today(t);
    }
    let endpoint = |flag: &Option<String>, value: &Option<Spanned<String>>, key: &str| -> Result<Option<Url>> {
        let parse = |text: &str| -> std::result::Result<Url, String> {
            let url = Url::parse(text.trim()).map_err(|e| format!("{text:?} is not a URL ({e})"))?;
            if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                return Err(format!("{text:?} is not an http(s) URL"));
            }
            Ok(url)
        };
        match (flag, value) {
            (Some(text), _) => parse(text).map(Some).map_err(|m| config_error(&format!("--{key}"), m)),
            (None, Some(v)) => parse(v.get_ref()).map(Some).map_err(|m| at(config, v.span(), key, m)),
            (None, None) => Ok(None),
        }
    };
    if let Some(url) = endpoint(&args.wayback_endpoint, &f.wayback_endpoint, "wayback-endpoint")? {
        options = options.wayback_endpoint(url);
    }
    if let Some(url) = endpoint(&args.memento_endpoint, &f.memento_endpoint, "memento-endpoint")? {
        options = options.memento_endpoint(url);
    }
    let shown = if !enabled {
        "off".to_owned()
    } else {
        let endpoint = match service {
            ArchiveService::Wayback => &options.wayback_endpoint,
            ArchiveService::Memento => &options.memento_endpoint,
        };
        format!("{service} ({endpoint})")
    };
    record.push(("archive-lookup".to_owned(), shown));
    Ok(options)
}

/// `json=out/report.json` → the format and the path.
fn report_target(spec: &str) -> std::result::Result<ReportTarget, String> {
    let Some((name, path)) = spec.split_once('=') else {
        return Err(format!("{spec:?} should be FORMAT=PATH, e.g. json=citecheck.json"));
    };
    let format = OutputFormat::from_str(name.trim(), true)
        .map_err(|_| format!("{:?} is not a report format (one of {})", name.trim(), names::<OutputFormat>()))?;
    let path = path.trim();
    if path.is_empty() {
        return Err(format!("{spec:?} names no file after the `=`"));
    }
    Ok(ReportTarget { format, path: PathBuf::from(path) })
}

/// The flag's value, else the file's (checked against the same names), else the default.
fn pick<T: ValueEnum + Copy>(
    flag: Option<T>,
    config: Option<&ConfigFile>,
    value: &Option<Spanned<String>>,
    key: &str,
    default: T,
) -> Result<T> {
    match (flag, value) {
        (Some(v), _) => Ok(v),
        (None, Some(v)) => enum_value(config, v, key),
        (None, None) => Ok(default),
    }
}

fn enum_value<T: ValueEnum>(config: Option<&ConfigFile>, value: &Spanned<String>, key: &str) -> Result<T> {
    T::from_str(value.get_ref().trim(), true)
        .map_err(|_| at(config, value.span(), key, format!("{:?} is not one of {}", value.get_ref(), names::<T>())))
}

fn names<T: ValueEnum>() -> String {
    let names: Vec<String> =
        T::value_variants().iter().filter_map(|v| v.to_possible_value()).map(|p| p.get_name().to_owned()).collect();
    names.join(", ")
}

/// An error about a value of the file at `span`.
fn at(config: Option<&ConfigFile>, span: std::ops::Range<usize>, key: &str, message: String) -> Error {
    match config {
        Some(c) => c.error_at(span, key, message),
        None => config_error(key, message),
    }
}

/// The run's recorded start: `--timestamp`, else `SOURCE_DATE_EPOCH` (the reproducible-builds
/// convention), else now.
fn started(flag: Option<&str>) -> Result<Option<String>> {
    let seconds = |s: &str| s.trim().parse::<i64>().ok();
    match flag.map(str::trim) {
        Some("none") => Ok(None),
        Some(s) if seconds(s).is_some() => Ok(seconds(s).map(citecheck::date::rfc3339)),
        Some(s) => {
            let valid = s.len() == 20
                && s.ends_with('Z')
                && s.as_bytes().get(10) == Some(&b'T')
                && citecheck::PartialDate::parse_iso(&s[..10]).is_some_and(|d| d.day.is_some());
            if valid {
                Ok(Some(s.to_owned()))
            } else {
                Err(config_error(
                    "--timestamp",
                    format!("{s:?} is not a time (use 2025-03-24T09:30:00Z, seconds since 1970, or none)"),
                ))
            }
        }
        None => {
            let now = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| seconds(&s)).unwrap_or_else(|| {
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
            });
            Ok(Some(citecheck::date::rfc3339(now)))
        }
    }
}

fn count(flag: Option<usize>, name: &str, from_file: Option<usize>, default: usize) -> Result<usize> {
    match flag {
        Some(n) => positive(name, n),
        None => Ok(from_file.unwrap_or(default)),
    }
}

fn time(
    flag: &Option<String>,
    name: &str,
    from_file: Option<file::DurationValue>,
    default: Duration,
) -> Result<Duration> {
    match flag {
        Some(s) => file::parse_duration(s).map_err(|m| config_error(name, m)),
        None => Ok(from_file.map_or(default, |d| d.0)),
    }
}

fn positive<T: PartialEq + Default>(setting: &str, n: T) -> Result<T> {
    if n == T::default() { Err(config_error(setting, "must be at least 1")) } else { Ok(n) }
}

fn regex(setting: &str, pattern: &str) -> Result<Regex> {
    Regex::new(pattern).map_err(|e| config_error(setting, format!("{pattern:?}: {e}")))
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })
}

fn config_error(setting: &str, message: impl Into<String>) -> Error {
    Error::Config { setting: setting.to_owned(), message: message.into() }
}

fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() { path.to_path_buf() } else { cwd.join(path) }
}

/// `250ms`, `10s`, `5m`, `6h`, `7d` — as a person would write it back.
fn shown(d: Duration) -> String {
    let ms = d.as_millis();
    if ms == 0 {
        "0ms".to_owned()
    } else if ms % 86_400_000 == 0 {
        format!("{}d", ms / 86_400_000)
    } else if ms % 3_600_000 == 0 {
        format!("{}h", ms / 3_600_000)
    } else if ms % 60_000 == 0 {
        format!("{}m", ms / 60_000)
    } else if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_targets() {
        let t = report_target("JSON=out/r.json").unwrap();
        assert_eq!((t.format, t.path), (OutputFormat::Json, PathBuf::from("out/r.json")));
        assert!(report_target("json").unwrap_err().contains("FORMAT=PATH"));
        assert!(report_target("xml=a").unwrap_err().contains("human, json"));
        assert!(report_target("json= ").is_err());
    }

    #[test]
    fn a_discovered_file_is_named_from_the_working_directory() {
        let found = Path::new("/repo/citecheck.toml");
        assert_eq!(relative_to_ancestor(Path::new("/repo"), found), PathBuf::from("citecheck.toml"));
        assert_eq!(relative_to_ancestor(Path::new("/repo/a/b"), found), PathBuf::from("../../citecheck.toml"));
        assert_eq!(relative_to_ancestor(Path::new("/other"), found), found.to_path_buf());
    }

    #[test]
    fn durations_are_shown_as_written() {
        assert_eq!(shown(Duration::from_millis(250)), "250ms");
        assert_eq!(shown(Duration::from_secs(20)), "20s");
        assert_eq!(shown(Duration::from_secs(300)), "5m");
        assert_eq!(shown(Duration::from_secs(7200)), "2h");
        assert_eq!(shown(Duration::from_secs(86_400)), "1d");
        assert_eq!(shown(Duration::ZERO), "0ms");
    }
}
