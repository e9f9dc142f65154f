//! Typed errors: the things that stop citecheck from reading its input or starting its work.
//!
//! A dead link or a mismatched title is never an error: it is a verdict.

use std::path::PathBuf;

/// What can go wrong before any reference is judged. Every variant names the file, URL or
/// setting it is about, so the binary can report it in one line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path as given.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A directory held no documents of a known format.
    #[error("{path}: no documents found (looked for .txt, .md, .markdown, .html, .htm)")]
    NoDocuments {
        /// The directory.
        path: PathBuf,
    },
    /// The file is empty (or only white space).
    #[error("{path}: the file is empty")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file looks binary (NUL bytes), so it is not a document citecheck can read.
    #[error("{path}: this looks like a binary file, not a text, Markdown or HTML document")]
    Binary {
        /// The file.
        path: PathBuf,
    },
    /// The file is larger than the configured limit.
    #[error("{path}: the file is {size} bytes, over the limit of {limit} bytes (raise it with --max-document-bytes)")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// A setting is invalid (a bad pattern, a zero limit, a bad header).
    #[error("invalid setting {setting}: {message}")]
    Config {
        /// The option or key.
        setting: String,
        /// What is wrong with it.
        message: String,
    },
    /// The configuration file says something wrong: an unknown key, a bad value, bad TOML.
    #[error("{}:{line}:{column}: {}{message}", path.display(), key.as_ref().map(|k| format!("{k}: ")).unwrap_or_default())]
    ConfigFile {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u32,
        /// 1-based column, in characters.
        column: u32,
        /// The dotted key the mistake is at, when known.
        key: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// The HTTP client could not be built (for instance a bad CA certificate).
    #[error("could not start the HTTP client: {0}")]
    Client(String),
    /// The result cache could not be opened, created or read (an unwritable directory, a
    /// database another process holds too long). A damaged cache file is not an error: it is
    /// moved aside with a warning and a fresh cache is started.
    #[error("cache {}: {message}", path.display())]
    Cache {
        /// The database file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
