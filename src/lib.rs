//! citecheck audits the footnoted citations of a document.
//!
//! The data flows one way:
//!
//! ```text
//! bytes ─► document::parse ─► Document { notes, markers } ─► reference::references ─► Reference
//!       ─► lint ─► Finding (structure, no network)
//! ```
//!
//! Everything on that path is pure and synchronous. The library never prints, never exits and
//! knows nothing of command-line parsing; the `citecheck` binary does that.
//!
//! ```
//! use std::path::Path;
//! let brief = "A claim.¹\n\n¹ “A title”, *Dawn*, March 23, 2025, <https://www.dawn.com/news/1>\n";
//! let doc = citecheck::document::parse(Path::new("brief.txt"), brief.as_bytes(), None).unwrap();
//! let refs = citecheck::reference::references(&doc);
//! assert_eq!(refs[0].url.as_deref(), Some("https://www.dawn.com/news/1"));
//! ```

#![warn(missing_docs)]

pub mod archived;
pub mod cache;
pub mod check;
pub mod config;
pub mod date;
pub mod document;
pub mod doi;
pub mod error;
pub mod fetch;
pub mod finding;
pub mod lint;
pub mod matching;
pub mod page;
mod parallel;
pub mod pdf;
pub mod reference;
pub mod report;
pub mod sanitize;
pub mod span;
pub mod uncited;
pub mod verdict;
pub mod warc;

pub use date::PartialDate;
pub use document::{Document, Format};
pub use error::{Error, Result};
pub use finding::{Finding, Rule, Severity};
pub use reference::Reference;
pub use report::{DocumentReport, Report, RunInfo, Summary};
pub use span::Span;
