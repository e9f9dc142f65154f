//! WARC 1.1 evidence archives: writing what a run exchanged with every cited site, and reading
//! archives (citecheck's own or other tools') back to replay a run with no network.
//!
//! An archive written by citecheck holds, in document order of the unique URLs:
//!
//! - one `warcinfo` record (software, format, the run's settings);
//! - per URL, a `request` and a `response` record for each hop of its redirect chain, linked by
//!   `WARC-Concurrent-To`, with block and payload digests (`sha1:` base32) and the address that
//!   answered. The payload is the bytes citecheck read, decompressed; headers that describe the
//!   transfer (`Transfer-Encoding`, a `Content-Length` that no longer fits) are kept as
//!   `X-Archive-Orig-…` and `Content-Length` is the stored length. A payload that is not the
//!   whole body has `WARC-Truncated`;
//! - per URL, a `metadata` record (JSON): what the fetch concluded and the verdict of every
//!   reference citing the URL.
//!
//! Under `--remap`, records are filed under the cited URL (`WARC-Target-URI`) with the URL
//! actually fetched in [`FETCHED_URI`]: the archive says what the cited URL answered.

mod capture;
mod digest;
mod http;
mod reader;
mod record;
mod replay;
mod writer;

pub use capture::{Capture, Citation};
pub use reader::{ReadError, ReadLimits, Reader};
pub use record::Record;
pub use replay::Replay;
pub use writer::{WriteOptions, encode_archive};

/// The field naming the URL actually fetched when it differs from `WARC-Target-URI` (under
/// `--remap`).
pub const FETCHED_URI: &str = "Citecheck-Fetched-URI";
