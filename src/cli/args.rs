//! Command-line arguments as clap sees them: raw, unvalidated. `config.rs` merges them with the
//! configuration file into validated settings. Options the file can also set have no clap
//! default (`None` means "not given"), so that a flag overrides the file and the file overrides
//! the built-in default, which each option's help names.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Audit the footnoted citations of a document.
///
/// citecheck pulls every footnoted reference out of a brief (plain text converted from PDF,
/// Markdown or HTML), fetches every cited URL, and says, reference by reference, whether the link
/// still resolves and whether the page there is still the page that was cited.
#[derive(Debug, Parser)]
#[command(name = "citecheck", version, propagate_version = true, args_override_self = true, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// When to use colour in human output (NO_COLOR is honoured with `auto`) [default: auto].
    #[arg(long, value_enum, global = true)]
    pub(crate) color: Option<ColorWhen>,
    /// Read settings from this file instead of looking for citecheck.toml in the current
    /// directory and its parents (up to the repository root).
    #[arg(long, value_name = "PATH", global = true, conflicts_with = "no_config")]
    pub(crate) config: Option<PathBuf>,
    /// Read no configuration file.
    #[arg(long, global = true)]
    pub(crate) no_config: bool,
    /// The time reports record for this run, for reproducible output: RFC 3339 in UTC
    /// (`2025-03-24T09:30:00Z`), seconds since 1970, or `none`. `SOURCE_DATE_EPOCH` works too.
    #[arg(long, value_name = "WHEN", global = true)]
    pub(crate) timestamp: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Extract and lint references; never touches the network.
    Extract(ExtractArgs),
    /// Extract, then fetch every cited URL and judge each reference.
    Check(Box<CheckArgs>),
    /// Show when references changed verdict or page title between recorded `check` runs.
    #[command(
        after_help = "Every `check` that uses the cache records its verdicts there; this reads them back.\nExamples: citecheck history briefs/   ·   citecheck history --format json --all"
    )]
    History(HistoryArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Install, for example: citecheck completions bash > ~/.local/share/bash-completion/completions/citecheck"
    )]
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), generated from this command-line definition.
    #[command(after_help = "Read it with: citecheck man | man -l -")]
    Man {
        /// The command whose page to print (citecheck-extract(1), citecheck-check(1)) instead
        /// of citecheck(1).
        #[arg(value_name = "COMMAND", value_parser = ["extract", "check", "history"])]
        command: Option<String>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
    #[command(flatten)]
    pub(crate) net: NetArgs,
    #[command(flatten)]
    pub(crate) cache: CacheArgs,
    /// Never show the progress bar (it is shown only on a terminal, and never under CI).
    #[arg(long)]
    pub(crate) no_progress: bool,
    #[command(flatten)]
    pub(crate) archive: ArchiveArgs,
}

/// The environment variable naming the cache database, below `--cache` and above the
/// configuration file's `cache`.
pub(crate) const CACHE_ENV: &str = "CITECHECK_CACHE";

#[derive(Debug, Args)]
#[command(next_help_heading = "Cache")]
pub(crate) struct CacheArgs {
    /// The result cache's database [default: $CITECHECK_CACHE, else citecheck.toml's `cache`,
    /// else citecheck/cache.sqlite3 in the platform's cache directory].
    #[arg(long, value_name = "PATH", conflicts_with = "no_cache")]
    pub(crate) cache: Option<PathBuf>,
    /// Neither use nor fill the result cache, and record no history.
    #[arg(long)]
    pub(crate) no_cache: bool,
    /// Use a cached answer without asking the server for this long, e.g. 6h, 7d; after it a
    /// conditional request asks whether the page changed [default: 1d].
    #[arg(long, value_name = "DURATION")]
    pub(crate) cache_ttl: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct HistoryArgs {
    /// Only documents at or under this file or directory.
    #[arg(value_name = "PATH")]
    pub(crate) path: Option<PathBuf>,
    /// The cache database to read [default: as for `check`].
    #[arg(long, value_name = "PATH")]
    pub(crate) cache: Option<PathBuf>,
    /// Output format [default: human].
    #[arg(long, short = 'f', value_enum, default_value = "human", hide_default_value = true)]
    pub(crate) format: HistoryFormat,
    /// List every reference recorded, not only those that changed.
    #[arg(long)]
    pub(crate) all: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum HistoryFormat {
    /// A table per document, for a person at a terminal.
    Human,
    /// The history as JSON.
    Json,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Network")]
pub(crate) struct NetArgs {
    /// At most this many fetches at once, across all hosts [default: 32].
    #[arg(long, value_name = "N")]
    pub(crate) max_concurrency: Option<usize>,
    /// At most this many fetches at once to one host [default: 2].
    #[arg(long, value_name = "N")]
    pub(crate) host_concurrency: Option<usize>,
    /// At least this long between two requests to one host, e.g. 250ms, 1s [default: 250ms].
    #[arg(long, value_name = "DURATION")]
    pub(crate) host_interval: Option<String>,
    /// Give up connecting after this long [default: 10s].
    #[arg(long, value_name = "DURATION")]
    pub(crate) connect_timeout: Option<String>,
    /// Give up on one request (headers and body) after this long [default: 20s].
    #[arg(long, value_name = "DURATION")]
    pub(crate) timeout: Option<String>,
    /// End the whole run after this long (`none` for never); what is not checked by then is
    /// `not-checked` [default: 5m].
    #[arg(long, value_name = "DURATION")]
    pub(crate) deadline: Option<String>,
    /// Attempts per URL (retries on connection errors, timeouts, 408, 429 and 5xx) [default: 3].
    #[arg(long, value_name = "N")]
    pub(crate) attempts: Option<u32>,
    /// Follow at most this many redirects [default: 10].
    #[arg(long, value_name = "N")]
    pub(crate) max_redirects: Option<u32>,
    /// Read at most this many (decompressed) bytes of a page [default: 2097152].
    #[arg(long, value_name = "BYTES")]
    pub(crate) max_body_bytes: Option<u64>,
    /// Dates this many days apart or fewer count as the same date [default: 2].
    #[arg(long, value_name = "DAYS")]
    pub(crate) date_tolerance_days: Option<u16>,
    /// Read at most this many bytes of a response that is not HTML (PDF, images, plain text)
    /// [default: 65536].
    #[arg(long, value_name = "BYTES")]
    pub(crate) max_other_bytes: Option<u64>,
    /// Give up on one URL (every attempt, redirect and wait) after this long [default: 60s].
    #[arg(long, value_name = "DURATION")]
    pub(crate) url_timeout: Option<String>,
    /// Do not fetch URLs longer than this many bytes; they are `invalid-url` [default: 8192].
    #[arg(long, value_name = "BYTES")]
    pub(crate) max_url_length: Option<usize>,
    /// The User-Agent header to send.
    #[arg(long, value_name = "STRING")]
    pub(crate) user_agent: Option<String>,
    /// An extra request header, `Name: value` (repeatable).
    #[arg(long = "header", value_name = "HEADER")]
    pub(crate) headers: Vec<String>,
    /// Rewrite URLs before fetching: `REGEX REPLACEMENT`, with `$1` groups (repeatable; the first
    /// that matches wins).
    #[arg(long, value_name = "'REGEX REPLACEMENT'")]
    pub(crate) remap: Vec<String>,
    /// Do not fetch URLs matching this pattern (repeatable).
    #[arg(long, value_name = "REGEX")]
    pub(crate) exclude: Vec<String>,
    /// Fetch only URLs matching one of these patterns (repeatable).
    #[arg(long, value_name = "REGEX")]
    pub(crate) include: Vec<String>,
    /// Allow loopback, private and link-local addresses (for local testing only).
    #[arg(long)]
    pub(crate) allow_private: bool,
    /// Trust this PEM certificate as a root, in addition to the built-in roots (repeatable).
    #[arg(long, value_name = "PATH")]
    pub(crate) ca_cert: Vec<std::path::PathBuf>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Archived copies")]
pub(crate) struct ArchiveArgs {
    /// Look up an archived copy of every dead, soft-404 or retitled page, and check its title
    /// [default: on when a human or HTML report is produced, off for CI formats].
    #[arg(long, overrides_with = "no_archive_lookup")]
    pub(crate) archive_lookup: bool,
    /// Do not look up archived copies.
    #[arg(long, overrides_with = "archive_lookup")]
    pub(crate) no_archive_lookup: bool,
    /// Where to look them up [default: wayback].
    #[arg(long, value_enum, value_name = "SERVICE")]
    pub(crate) archive_service: Option<ArchiveServiceArg>,
    /// The Wayback Machine availability API [default: https://archive.org/wayback/available].
    #[arg(long, value_name = "URL")]
    pub(crate) wayback_endpoint: Option<String>,
    /// The Memento TimeTravel JSON API, before `/<datetime>/<url>`
    /// [default: https://timetravel.mementoweb.org/api/json].
    #[arg(long, value_name = "URL")]
    pub(crate) memento_endpoint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ArchiveServiceArg {
    /// The Internet Archive's Wayback Machine.
    Wayback,
    /// Memento TimeTravel: many web archives at once.
    Memento,
}

#[derive(Debug, Args)]
pub(crate) struct ExtractArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct InputArgs {
    /// Documents or directories to read (`-` for standard input). Directories are searched for
    /// .txt, .md and .html files. Without any, the configuration file's `paths`.
    #[arg(value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    /// Read every input as this format instead of guessing from its extension.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) input_format: Option<InputFormat>,
    /// Refuse documents larger than this many bytes [default: 268435456].
    #[arg(long, value_name = "BYTES")]
    pub(crate) max_document_bytes: Option<u64>,
    /// Read at most this many notes per document; the rest are ignored with an `input-limit`
    /// warning [default: 10000].
    #[arg(long, value_name = "N")]
    pub(crate) max_notes: Option<usize>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub(crate) struct OutputArgs {
    /// Output format for standard output [default: human].
    #[arg(long, short = 'f', value_enum)]
    pub(crate) format: Option<OutputFormat>,
    /// Also write the report in FORMAT to PATH (repeatable), e.g. `json=citecheck.json`. Each
    /// file is replaced whole, never left half-written.
    #[arg(long, value_name = "FORMAT=PATH")]
    pub(crate) report: Vec<String>,
    /// Paths in CI formats are shown relative to this directory [default: the current directory].
    #[arg(long, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,
    /// The lowest severity that makes the run fail (exit 1) [default: error].
    #[arg(long, value_enum)]
    pub(crate) fail_on: Option<FailOn>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum InputFormat {
    Text,
    Markdown,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// A table per document, then findings, for a person at a terminal.
    Human,
    /// The full report as JSON.
    Json,
    /// A self-contained HTML audit report (inline CSS and SVG, no external requests).
    Html,
    /// SARIF 2.1.0, for code scanning (GitHub, GitLab, Azure DevOps).
    Sarif,
    /// JUnit XML: a test suite per document, a test case per reference.
    Junit,
    /// GitHub workflow commands (annotations), plus a summary in $GITHUB_STEP_SUMMARY when set.
    Github,
    /// Markdown, fit for a pull-request comment.
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    Error,
    Warning,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorWhen {
    Auto,
    Always,
    Never,
}
