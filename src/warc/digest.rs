//! The digests and identifiers WARC records carry: `sha1:` in base32, and `urn:uuid:` record ids.

use ring::digest::{Context, SHA1_FOR_LEGACY_USE_ONLY};

/// `sha1:` and the SHA-1 of `bytes` in RFC 4648 base32 (upper case), as WARC tools write it.
/// SHA-1 is what the WARC ecosystem reads and compares (deduplication, `revisit` records); it
/// names content here, it does not protect it.
pub(crate) fn sha1_base32(bytes: &[u8]) -> String {
    let mut context = Context::new(&SHA1_FOR_LEGACY_USE_ONLY);
    context.update(bytes);
    format!("sha1:{}", base32(context.finish().as_ref()))
}

/// RFC 4648 base32, upper case, padded (a 20-byte SHA-1 needs no padding).
pub(crate) fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let bits = buf.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let symbols = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < symbols {
                out.push(ALPHABET[((bits >> (35 - i * 5)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A name-based record id (`urn:uuid:`, version 5 layout over SHA-1) from what makes the record
/// unique in its archive. Random ids would make two recordings of the same answers differ; these
/// are the same for the same content, so a re-recorded archive is byte-for-byte identical.
pub(crate) fn record_id(parts: &[&str]) -> String {
    let mut context = Context::new(&SHA1_FOR_LEGACY_USE_ONLY);
    context.update(b"citecheck-warc-record\0");
    for part in parts {
        context.update(part.as_bytes());
        context.update(b"\0");
    }
    let hash = context.finish();
    let mut b = [0u8; 16];
    b.copy_from_slice(&hash.as_ref()[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("urn:uuid:{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_follows_rfc_4648() {
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "MY======");
        assert_eq!(base32(b"fo"), "MZXQ====");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI======");
    }

    #[test]
    fn sha1_of_the_empty_payload_is_the_well_known_one() {
        assert_eq!(sha1_base32(b""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
    }

    #[test]
    fn record_ids_are_stable_uuids_that_differ_by_content() {
        let a = record_id(&["1", "response", "https://a.test/"]);
        assert_eq!(a, record_id(&["1", "response", "https://a.test/"]));
        assert_ne!(a, record_id(&["2", "response", "https://a.test/"]));
        assert_eq!(a.len(), "urn:uuid:".len() + 36);
        assert_eq!(&a[9 + 14..9 + 15], "5");
    }
}
