//! Command-line arguments as clap sees them: raw, unvalidated. `config.rs` turns them into a
//! validated configuration.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Audit the footnoted citations of a document.
///
/// citecheck pulls every footnoted reference out of a brief (plain text converted from PDF,
/// Markdown or HTML), fetches every cited URL, and says, reference by reference, whether the link
/// still resolves and whether the page there is still the page that was cited.
#[derive(Debug, Parser)]
#[command(name = "citecheck", version, propagate_version = true, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// When to use colour in human output (NO_COLOR is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, global = true)]
    pub(crate) color: ColorWhen,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Extract and lint references; never touches the network.
    Extract(ExtractArgs),
    /// Extract, then fetch every cited URL and judge each reference.
    Check(Box<CheckArgs>),
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
    #[command(flatten)]
    pub(crate) net: NetArgs,
    /// Never show the progress bar (it is shown only on a terminal, and never under CI).
    #[arg(long)]
    pub(crate) no_progress: bool,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Network")]
pub(crate) struct NetArgs {
    /// At most this many fetches at once, across all hosts.
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub(crate) max_concurrency: usize,
    /// At most this many fetches at once to one host.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub(crate) host_concurrency: usize,
    /// At least this long between two requests to one host (e.g. 250ms, 1s).
    #[arg(long, value_name = "DURATION", default_value = "250ms")]
    pub(crate) host_interval: String,
    /// Give up connecting after this long.
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub(crate) connect_timeout: String,
    /// Give up on one request (headers and body) after this long.
    #[arg(long, value_name = "DURATION", default_value = "20s")]
    pub(crate) timeout: String,
    /// End the whole run after this long; what is not checked by then is `not-checked`.
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub(crate) deadline: String,
    /// Attempts per URL (retries on connection errors, timeouts, 408, 429 and 5xx).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub(crate) attempts: u32,
    /// Follow at most this many redirects.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub(crate) max_redirects: u32,
    /// Read at most this many (decompressed) bytes of a page.
    #[arg(long, value_name = "BYTES", default_value_t = 2 * 1024 * 1024)]
    pub(crate) max_body_bytes: u64,
    /// Read at most this many bytes of a response that is not HTML (PDF, images, plain text).
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024)]
    pub(crate) max_other_bytes: u64,
    /// Give up on one URL (every attempt, redirect and wait) after this long.
    #[arg(long, value_name = "DURATION", default_value = "60s")]
    pub(crate) url_timeout: String,
    /// Do not fetch URLs longer than this many bytes (they are `invalid-url`).
    #[arg(long, value_name = "BYTES", default_value_t = citecheck::check::DEFAULT_MAX_URL_LENGTH)]
    pub(crate) max_url_length: usize,
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
pub(crate) struct ExtractArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct InputArgs {
    /// Documents or directories to read (`-` for standard input). Directories are searched for
    /// .txt, .md and .html files.
    #[arg(value_name = "PATH", required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// Read every input as this format instead of guessing from its extension.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) input_format: Option<InputFormat>,
    /// Refuse documents larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 256 * 1024 * 1024)]
    pub(crate) max_document_bytes: u64,
    /// Read at most this many notes per document; the rest are ignored with a warning.
    #[arg(long, value_name = "N", default_value_t = citecheck::document::DEFAULT_MAX_NOTES)]
    pub(crate) max_notes: usize,
}

#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// Output format for standard output.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Human)]
    pub(crate) format: OutputFormat,
    /// The lowest severity that makes the run fail (exit 1).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub(crate) fail_on: FailOn,
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
