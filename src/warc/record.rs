//! One WARC record: its version line, named fields in order, and its content block.

/// A WARC record as read or written. Field names keep their case; lookups ignore it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The version line without its line break (`WARC/1.1`).
    pub version: String,
    /// The named fields in file order, `Content-Length` included when read.
    pub headers: Vec<(String, String)>,
    /// The content block.
    pub block: Vec<u8>,
    /// Where the record starts in the (decompressed) archive, when it was read from one.
    pub offset: u64,
}

impl Record {
    /// A WARC/1.1 record of `kind` (`response`, `request`, `metadata`…) with no other field yet.
    pub fn new(kind: &str) -> Record {
        Record {
            version: "WARC/1.1".to_owned(),
            headers: vec![("WARC-Type".to_owned(), kind.to_owned())],
            block: Vec::new(),
            offset: 0,
        }
    }

    /// The first value of a field, by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The record type (`WARC-Type`), lower-cased.
    pub fn kind(&self) -> Option<String> {
        self.header("WARC-Type").map(|t| t.trim().to_ascii_lowercase())
    }

    /// `WARC-Target-URI`, without the angle brackets some writers put around it.
    pub fn target_uri(&self) -> Option<&str> {
        self.header("WARC-Target-URI").map(|u| u.trim().trim_start_matches('<').trim_end_matches('>'))
    }

    /// Adds a field. Line breaks in the value would forge further fields, so they become spaces.
    pub fn push(&mut self, name: &str, value: impl AsRef<str>) {
        let value: String = value.as_ref().chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        self.headers.push((name.to_owned(), value));
    }

    /// The record as it is written: fields (any `Content-Length` replaced by the block's real
    /// length, last), a blank line, the block and the two line breaks that end a record.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.block.len() + 512);
        out.extend_from_slice(self.version.as_bytes());
        out.extend_from_slice(b"\r\n");
        for (name, value) in self.headers.iter().filter(|(n, _)| !n.eq_ignore_ascii_case("Content-Length")) {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", self.block.len()).as_bytes());
        out.extend_from_slice(&self.block);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_serialises_with_its_length_and_cannot_forge_fields() {
        let mut r = Record::new("metadata");
        r.push("WARC-Target-URI", "https://a.test/\r\nWARC-Type: response");
        r.push("Content-Length", "999");
        r.block = b"{}".to_vec();
        let text = String::from_utf8(r.to_bytes()).unwrap();
        assert_eq!(
            text,
            "WARC/1.1\r\nWARC-Type: metadata\r\nWARC-Target-URI: https://a.test/  WARC-Type: response\r\n\
             Content-Length: 2\r\n\r\n{}\r\n\r\n"
        );
        assert_eq!(r.kind().as_deref(), Some("metadata"));
        assert_eq!(r.header("warc-target-uri").map(|u| u.starts_with("https")), Some(true));
    }
}
