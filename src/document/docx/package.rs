//! The .docx package (a zip archive of XML parts), read with bounds: entry count, each part's
//! declared and actual uncompressed size, the total read, and the compression ratio.
//!
//! Only the few parts citecheck needs are ever inflated, and each through a counting `take`, so a
//! central directory that lies about sizes cannot make a part grow past its limit.

use std::io::{Cursor, Read};

use super::{DocxError, DocxLimits};

/// An opened package: the archive and what has been read of it so far.
pub(crate) struct Package<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    limits: DocxLimits,
    total: u64,
}

/// The first bytes of every zip archive that starts with a file (a .docx always does).
pub(crate) const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

impl<'a> Package<'a> {
    /// Opens the archive after checking, from its end record, that it holds no more entries than
    /// allowed (the zip reader would otherwise index them all first).
    pub(crate) fn open(bytes: &'a [u8], limits: &DocxLimits) -> Result<Package<'a>, DocxError> {
        if let Some(entries) = declared_entries(bytes)
            && entries > limits.max_entries as u64
        {
            return Err(DocxError::TooManyEntries { entries, limit: limits.max_entries });
        }
        let archive =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| DocxError::NotZip { reason: e.to_string() })?;
        if archive.len() > limits.max_entries {
            return Err(DocxError::TooManyEntries { entries: archive.len() as u64, limit: limits.max_entries });
        }
        Ok(Package { archive, limits: limits.clone(), total: 0 })
    }

    /// Whether the archive has an entry of this exact name.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.archive.index_for_name(name).is_some()
    }

    /// The part's text, decoded (UTF-8, or UTF-16 with a byte-order mark); `None` when there is
    /// no such part.
    pub(crate) fn text(&mut self, name: &str) -> Result<Option<String>, DocxError> {
        let Some(bytes) = self.bytes(name)? else { return Ok(None) };
        Ok(Some(decode_xml(&bytes)))
    }

    fn bytes(&mut self, name: &str) -> Result<Option<Vec<u8>>, DocxError> {
        let Some(index) = self.archive.index_for_name(name) else { return Ok(None) };
        let part = || name.to_owned();
        let limits = &self.limits;
        let mut file = match self.archive.by_index(index) {
            Ok(f) => f,
            Err(zip::result::ZipError::UnsupportedArchive(why)) => {
                return Err(DocxError::Unsupported { part: part(), reason: why.to_owned() });
            }
            Err(e) => return Err(DocxError::Corrupt { part: part(), reason: e.to_string() }),
        };
        if file.encrypted() {
            return Err(DocxError::Unsupported { part: part(), reason: "the part is encrypted".into() });
        }
        let declared = file.size();
        if declared > limits.max_part_bytes {
            return Err(DocxError::PartTooLarge { part: part(), size: declared, limit: limits.max_part_bytes });
        }
        let budget = limits.max_total_bytes.saturating_sub(self.total);
        if declared > budget {
            return Err(DocxError::TotalTooLarge { part: part(), limit: limits.max_total_bytes });
        }
        // What the part may inflate to: its own limit, the total left, and the ratio bound (small
        // parts compress arbitrarily well, so the ratio only binds past a floor).
        let compressed = file.compressed_size();
        let by_ratio = compressed.saturating_mul(limits.max_ratio).max(RATIO_FLOOR);
        let cap = limits.max_part_bytes.min(budget).min(by_ratio);
        let mut out = Vec::with_capacity(declared.min(cap).min(1 << 20) as usize);
        let read = (&mut file).take(cap.saturating_add(1)).read_to_end(&mut out);
        if let Err(e) = read {
            return Err(DocxError::Corrupt { part: part(), reason: e.to_string() });
        }
        let actual = out.len() as u64;
        if actual > cap {
            return Err(if cap == by_ratio && by_ratio < limits.max_part_bytes.min(budget) {
                DocxError::Ratio { part: part(), limit: limits.max_ratio }
            } else if cap == budget && budget < limits.max_part_bytes {
                DocxError::TotalTooLarge { part: part(), limit: limits.max_total_bytes }
            } else {
                DocxError::PartTooLarge { part: part(), size: actual, limit: limits.max_part_bytes }
            });
        }
        self.total += actual;
        Ok(Some(out))
    }
}

/// Parts smaller than this are never refused for their compression ratio.
const RATIO_FLOOR: u64 = 1 << 20;

/// The entry count the end-of-central-directory record declares (zip64's when the classic field
/// is saturated); `None` when no record is found, which the zip reader then reports.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const EOCD_LEN: usize = 22;
    // The record sits in the last 22 bytes plus a comment of at most 65,535.
    let from = bytes.len().saturating_sub(EOCD_LEN + u16::MAX as usize);
    let tail = &bytes[from..];
    let at = memchr::memmem::rfind(tail, EOCD)?;
    let rec = tail.get(at..at + EOCD_LEN)?;
    let total = u16::from_le_bytes([rec[10], rec[11]]);
    if total != u16::MAX {
        return Some(u64::from(total));
    }
    // Zip64: a locator (20 bytes) right before the record points at the zip64 record.
    let eocd_at = from + at;
    let locator = bytes.get(eocd_at.checked_sub(20)?..eocd_at)?;
    if &locator[..4] != b"PK\x06\x07" {
        return Some(u64::from(total));
    }
    let offset = u64::from_le_bytes(locator[8..16].try_into().ok()?);
    let rec = bytes.get(usize::try_from(offset).ok()?..)?.get(..56)?;
    if &rec[..4] != b"PK\x06\x06" {
        return None;
    }
    Some(u64::from_le_bytes(rec[32..40].try_into().ok()?))
}

/// XML text from a part's bytes: a UTF-16 byte-order mark decodes as UTF-16 (the XML
/// specification's only other required encoding); anything else as UTF-8, with invalid bytes
/// replaced rather than refused.
fn decode_xml(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return text.into_owned();
    }
    match String::from_utf8(bytes.to_vec()) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// Whether `bytes` start like a zip archive.
pub(crate) fn looks_like_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(ZIP_MAGIC)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use super::*;

    /// A zip built in memory: `(name, content)` pairs, deflated.
    pub(crate) fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut out);
            let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            for (name, content) in files {
                w.start_file(*name, options).expect("start");
                w.write_all(content).expect("write");
            }
            w.finish().expect("finish");
        }
        out.into_inner()
    }

    fn limits() -> DocxLimits {
        DocxLimits::default()
    }

    #[test]
    fn reads_a_part_and_reports_a_missing_one() {
        let bytes = zip_of(&[("word/document.xml", b"<w:document/>")]);
        let mut p = Package::open(&bytes, &limits()).unwrap();
        assert!(p.has("word/document.xml"));
        assert_eq!(p.text("word/document.xml").unwrap().as_deref(), Some("<w:document/>"));
        assert_eq!(p.text("word/footnotes.xml").unwrap(), None);
    }

    #[test]
    fn too_many_entries_are_refused_before_indexing() {
        let names: Vec<String> = (0..30).map(|i| format!("f{i}")).collect();
        let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
        let bytes = zip_of(&files);
        assert_eq!(declared_entries(&bytes), Some(30));
        let l = DocxLimits { max_entries: 10, ..limits() };
        match Package::open(&bytes, &l) {
            Err(DocxError::TooManyEntries { entries: 30, limit: 10 }) => {}
            other => panic!("{:?}", other.err()),
        }
    }

    #[test]
    fn a_part_over_its_limit_is_refused_by_declared_size() {
        let big = vec![b'a'; 5000];
        let bytes = zip_of(&[("word/document.xml", &big)]);
        let l = DocxLimits { max_part_bytes: 4000, ..limits() };
        let mut p = Package::open(&bytes, &l).unwrap();
        match p.text("word/document.xml") {
            Err(DocxError::PartTooLarge { part, size: 5000, limit: 4000 }) => assert_eq!(part, "word/document.xml"),
            other => panic!("{other:?}"),
        }
    }

    /// The central directory and the local header both claim 10 bytes; the stream inflates to
    /// far more. The counting reader stops at the limit.
    #[test]
    fn a_part_that_lies_about_its_size_is_stopped_by_the_counting_reader() {
        let big = vec![b'a'; 200_000];
        let mut bytes = zip_of(&[("word/document.xml", &big)]);
        patch_sizes(&mut bytes, 10);
        let l = DocxLimits { max_part_bytes: 50_000, ..limits() };
        let mut p = Package::open(&bytes, &l).unwrap();
        match p.text("word/document.xml") {
            Err(DocxError::PartTooLarge { .. }) | Err(DocxError::Corrupt { .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_total_read_is_bounded_across_parts() {
        let a = vec![b'a'; 3000];
        let bytes = zip_of(&[("a.xml", &a), ("b.xml", &a)]);
        let l = DocxLimits { max_total_bytes: 5000, ..limits() };
        let mut p = Package::open(&bytes, &l).unwrap();
        assert!(p.text("a.xml").unwrap().is_some());
        match p.text("b.xml") {
            Err(DocxError::TotalTooLarge { part, limit: 5000 }) => assert_eq!(part, "b.xml"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_bomb_is_refused_for_its_ratio() {
        // 8 MB of one byte deflates to a few kilobytes: over 1000:1.
        let big = vec![b'a'; 8 << 20];
        let bytes = zip_of(&[("word/document.xml", &big)]);
        let mut p = Package::open(&bytes, &limits()).unwrap();
        match p.text("word/document.xml") {
            Err(DocxError::Ratio { part, .. }) => assert_eq!(part, "word/document.xml"),
            other => panic!("{:?}", other.map(|s| s.map(|s| s.len()))),
        }
    }

    #[test]
    fn not_a_zip_and_truncated_zips_are_errors_not_panics() {
        assert!(matches!(Package::open(b"PK\x03\x04 nothing else", &limits()), Err(DocxError::NotZip { .. })));
        let bytes = zip_of(&[("word/document.xml", b"<w:document>hello</w:document>")]);
        for end in 0..bytes.len() {
            if let Ok(mut p) = Package::open(&bytes[..end], &limits()) {
                let _ = p.text("word/document.xml");
            }
        }
    }

    #[test]
    fn utf16_parts_are_decoded() {
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "<a>é</a>".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode_xml(&utf16), "<a>é</a>");
        assert_eq!(decode_xml(b"<a>\xff</a>"), "<a>\u{fffd}</a>");
    }

    /// Rewrites the uncompressed size in every local and central header to `size`.
    fn patch_sizes(bytes: &mut [u8], size: u32) {
        let le = size.to_le_bytes();
        let mut i = 0;
        while i + 46 <= bytes.len() {
            if bytes[i..].starts_with(b"PK\x03\x04") {
                bytes[i + 22..i + 26].copy_from_slice(&le);
                i += 30;
            } else if bytes[i..].starts_with(b"PK\x01\x02") {
                bytes[i + 24..i + 28].copy_from_slice(&le);
                i += 46;
            } else {
                i += 1;
            }
        }
    }
}
