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
