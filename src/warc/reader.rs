//! Reading WARC records from any archive: plain, gzipped per record (one member each) or gzipped
//! whole, as citecheck, wget, warcio and others write them. Every size is bounded: a corrupt or
//! hostile file gives a [`ReadError`] with its byte offset, never a panic or an allocation past
//! the limits.

use std::fmt;
use std::io::{BufRead, BufReader, Read};

use super::record::Record;

/// How much of an archive is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// The largest content block of one record, in bytes (64 MiB).
    pub max_record_bytes: u64,
    /// The most bytes of one record's fields (64 KiB).
    pub max_header_bytes: usize,
    /// The most bytes read in all, after decompression (1 GiB).
    pub max_total_bytes: u64,
    /// The most records read (1,000,000).
    pub max_records: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_record_bytes: 64 * 1024 * 1024,
            max_header_bytes: 64 * 1024,
            max_total_bytes: 1024 * 1024 * 1024,
            max_records: 1_000_000,
        }
    }
}

/// Why an archive could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// The byte offset in the decompressed archive.
    pub offset: u64,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for ReadError {}

/// Reads records one at a time. Iterating yields each record, or one error and then nothing.
///
/// ```
/// use citecheck::warc::{Reader, ReadLimits};
/// let bytes = b"WARC/1.1\r\nWARC-Type: warcinfo\r\nContent-Length: 2\r\n\r\nhi\r\n\r\n";
/// let records: Vec<_> = Reader::new(&bytes[..], ReadLimits::default()).collect::<Result<_, _>>()?;
/// assert_eq!(records[0].block, b"hi");
/// # Ok::<(), citecheck::warc::ReadError>(())
/// ```
pub struct Reader<'a> {
    input: Box<dyn BufRead + 'a>,
    limits: ReadLimits,
    offset: u64,
    records: usize,
    done: bool,
}

impl fmt::Debug for Reader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader").field("offset", &self.offset).field("records", &self.records).finish_non_exhaustive()
    }
}

impl<'a> Reader<'a> {
    /// A reader over `input`, which may be gzipped (one member per record, or the whole file).
    pub fn new(input: impl Read + 'a, limits: ReadLimits) -> Reader<'a> {
        let mut buffered = BufReader::new(input);
        let gzipped = matches!(buffered.fill_buf(), Ok(b) if b.starts_with(&[0x1f, 0x8b]));
        // One byte past the limit, so that going over it is seen rather than taken for the end.
        let cap = limits.max_total_bytes.saturating_add(1);
        let input: Box<dyn BufRead + 'a> = if gzipped {
            Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(buffered).take(cap)))
        } else {
            Box::new(BufReader::new(buffered.take(cap)))
        };
        Reader { input, limits, offset: 0, records: 0, done: false }
    }

    fn error(&mut self, offset: u64, message: impl Into<String>) -> ReadError {
        self.done = true;
        ReadError { offset, message: message.into() }
    }

    fn io_error(&mut self, e: &std::io::Error) -> ReadError {
        let what = if e.kind() == std::io::ErrorKind::InvalidInput || e.kind() == std::io::ErrorKind::InvalidData {
            "the archive is not valid gzip"
        } else {
            "the archive could not be read"
        };
        let offset = self.offset;
        self.error(offset, format!("{what}: {e}"))
    }

    /// Reads one line (with its line break) of at most `limit` bytes; empty at the end.
    fn line(&mut self, limit: usize) -> Result<Vec<u8>, ReadError> {
        let mut line = Vec::new();
        loop {
            let buf = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.io_error(&e)),
            };
            if buf.is_empty() {
                return Ok(line);
            }
            let (take, end) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            if line.len() + take > limit {
                let offset = self.offset;
                return Err(
                    self.error(offset, format!("a line longer than {limit} bytes where a WARC header was expected"))
                );
            }
            line.extend_from_slice(&buf[..take]);
            self.input.consume(take);
            self.offset += take as u64;
            if end {
                return Ok(line);
            }
        }
    }

    fn over_total(&self) -> bool {
        self.offset > self.limits.max_total_bytes
    }

    /// The next record, `None` at the end of the archive.
    pub fn next_record(&mut self) -> Result<Option<Record>, ReadError> {
        if self.done {
            return Ok(None);
        }
        let limit = self.limits.max_header_bytes.max(64);
        let (start, version) = loop {
            let start = self.offset;
            let line = self.line(limit)?;
            if line.is_empty() {
                self.done = true;
                return Ok(None);
            }
            if line.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            break (start, line);
        };
        let version = String::from_utf8_lossy(&version).trim().to_owned();
        if !version.starts_with("WARC/") {
            return Err(self.error(start, format!("expected a WARC record (\"WARC/1.1\"), found {version:.40?}")));
        }
        if self.records >= self.limits.max_records {
            return Err(self.error(start, format!("more than {} records", self.limits.max_records)));
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut header_bytes = 0usize;
        loop {
            let line = self.line(limit)?;
            if line.is_empty() {
                let offset = self.offset;
                return Err(self.error(offset, "the archive ends inside a record's header"));
            }
            header_bytes += line.len();
            if header_bytes > limit {
                return Err(self.error(start, format!("a record header longer than {limit} bytes")));
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                break;
            }
            if text.starts_with([' ', '\t']) {
                if let Some((_, value)) = headers.last_mut() {
                    value.push(' ');
                    value.push_str(text.trim());
                }
                continue;
            }
            let Some((name, value)) = text.split_once(':') else {
                let offset = self.offset - line.len() as u64;
                return Err(self.error(offset, format!("a header line without a colon: {text:.40?}")));
            };
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
        let length = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("Content-Length")).map(|(_, v)| v.as_str());
        let Some(length) = length else {
            return Err(self.error(start, "the record has no Content-Length"));
        };
        let Ok(length) = length.parse::<u64>() else {
            return Err(self.error(start, format!("the record's Content-Length {length:.30?} is not a number")));
        };
        if length > self.limits.max_record_bytes {
            return Err(self.error(
                start,
                format!("a record of {length} bytes, over the limit of {} bytes", self.limits.max_record_bytes),
            ));
        }
        let body_at = self.offset;
        // Grows as bytes arrive: a length the file does not back costs nothing.
        let mut block = Vec::with_capacity(length.min(1 << 20) as usize);
        if let Err(e) = (&mut self.input).take(length).read_to_end(&mut block) {
            self.offset += block.len() as u64;
            return Err(self.io_error(&e));
        }
        self.offset += block.len() as u64;
        if self.over_total() {
            let offset = self.offset;
            return Err(self.error(
                offset,
                format!("the archive is over the limit of {} bytes (decompressed)", self.limits.max_total_bytes),
            ));
        }
        if (block.len() as u64) < length {
            return Err(self
                .error(body_at, format!("the record is cut short: {} of its {length} bytes are there", block.len())));
        }
        // The two line breaks after a block; tolerated when missing or doubled.
        for _ in 0..4 {
            match self.input.fill_buf() {
                Ok([b'\r' | b'\n', ..]) => {
                    self.input.consume(1);
                    self.offset += 1;
                }
                Ok(_) => break,
                Err(e) => return Err(self.io_error(&e)),
            }
        }
        self.records += 1;
        Ok(Some(Record { version, headers, block, offset: start }))
    }
}

impl Iterator for Reader<'_> {
    type Item = Result<Record, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn record(kind: &str, block: &[u8]) -> Vec<u8> {
        let mut r = Record::new(kind);
        r.block = block.to_vec();
        r.to_bytes()
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(bytes).unwrap();
        gz.finish().unwrap()
    }

    fn read(bytes: &[u8], limits: ReadLimits) -> Result<Vec<Record>, ReadError> {
        Reader::new(bytes, limits).collect()
    }

    #[test]
    fn plain_per_record_gzip_and_whole_file_gzip_read_the_same() {
        let a = record("warcinfo", b"software: x\r\n");
        let b = record("response", b"HTTP/1.1 200 OK\r\n\r\nhello");
        let plain = [a.clone(), b.clone()].concat();
        let per_record = [gzip(&a), gzip(&b)].concat();
        let whole = gzip(&plain);
        for bytes in [&plain, &per_record, &whole] {
            let records = read(bytes, ReadLimits::default()).unwrap();
            assert_eq!(records.len(), 2);
            assert_eq!(records[1].kind().as_deref(), Some("response"));
            assert_eq!(records[1].block, b"HTTP/1.1 200 OK\r\n\r\nhello");
            assert_eq!(records[1].offset, a.len() as u64);
        }
        assert!(read(b"", ReadLimits::default()).unwrap().is_empty());
    }

    #[test]
    fn corrupt_archives_are_errors_with_offsets() {
        let good = record("response", b"0123456789");
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"<html>not a warc</html>".to_vec(), "expected a WARC record"),
            (good[..good.len() - 8].to_vec(), "cut short"),
            (b"WARC/1.1\r\nWARC-Type: x\r\n\r\n".to_vec(), "no Content-Length"),
            (b"WARC/1.1\r\nContent-Length: -1\r\n\r\n".to_vec(), "not a number"),
            (b"WARC/1.1\r\nContent-Length: 99999999999999\r\n\r\n".to_vec(), "over the limit"),
            (b"WARC/1.1\r\nno colon here\r\n\r\n".to_vec(), "without a colon"),
            (b"WARC/1.1\r\nContent-Length: 1\r\n".to_vec(), "ends inside"),
            (gzip(&good)[..20].to_vec(), "could not be read"),
            ([&[0x1f, 0x8b][..], b"garbage that is not deflate"].concat(), "gzip"),
        ];
        for (bytes, expected) in cases {
            let err = read(&bytes, ReadLimits::default()).unwrap_err();
            assert!(err.message.contains(expected), "{expected:?} not in {err}");
        }
        let err = read(&[good.clone(), b"junk".to_vec()].concat(), ReadLimits::default()).unwrap_err();
        assert_eq!(err.offset, good.len() as u64);
    }

    #[test]
    fn limits_bound_headers_records_and_the_decompressed_total() {
        let limits = ReadLimits { max_total_bytes: 100, ..ReadLimits::default() };
        let big = gzip(&record("response", &vec![b'a'; 10_000]));
        assert!(read(&big, limits).unwrap_err().message.contains("over the limit of 100 bytes"));
        let limits = ReadLimits { max_header_bytes: 64, ..ReadLimits::default() };
        let long = format!("WARC/1.1\r\nX: {}\r\nContent-Length: 0\r\n\r\n", "a".repeat(200));
        assert!(read(long.as_bytes(), limits).unwrap_err().message.contains("longer than 64 bytes"));
        let limits = ReadLimits { max_records: 1, ..ReadLimits::default() };
        let two = [record("a", b""), record("b", b"")].concat();
        assert!(read(&two, limits).unwrap_err().message.contains("more than 1 records"));
    }
}
