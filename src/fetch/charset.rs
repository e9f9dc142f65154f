//! Turning the bytes of a page into text: which encoding, and decoding with it.
//!
//! The order follows the HTML standard's encoding sniffing, with one deliberate departure:
//!
//! 1. a byte order mark (UTF-8, UTF-16LE/BE) wins over everything;
//! 2. else the `charset` of the `Content-Type` header;
//! 3. else a `<meta charset>` or `<meta http-equiv="Content-Type" content="…; charset=…">` in the
//!    first [`META_PRESCAN_BYTES`] bytes (a meta declaring UTF-16 means UTF-8, as browsers do);
//! 4. else statistical detection (chardetng), hinted by the top-level domain.
//!
//! An unknown label at step 2 or 3 is ignored and the next step decides. The departure: when the
//! declared encoding (step 2 or 3) is a single-byte legacy encoding (ISO-8859-1, windows-1252,
//! KOI8-R…) but the bytes are valid UTF-8 and contain at least one multi-byte sequence, the page
//! is decoded as UTF-8. Legacy single-byte text is practically never valid multi-byte UTF-8 by
//! accident, while servers that label UTF-8 pages `ISO-8859-1` by default are common, and
//! decoding those as Latin-1 turns every curly quote in a title into mojibake.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How far into the body a `<meta>` charset declaration is looked for. The standard says 1024
/// bytes; real pages often put it after long comments or scripts, so this looks further.
pub(crate) const META_PRESCAN_BYTES: usize = 4096;

/// Where the chosen encoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Bom,
    Header,
    Meta,
    /// The declared encoding was single-byte but the bytes are UTF-8.
    Utf8Override,
    Detected,
}

/// The encoding to decode `body` with, how many leading bytes are a byte order mark, and why.
/// `header_charset` is the `charset` parameter of `Content-Type`; `tld` is the final URL's
/// top-level domain, a hint for detection.
pub(crate) fn choose(
    body: &[u8],
    header_charset: Option<&str>,
    tld: Option<&str>,
) -> (&'static Encoding, usize, Source) {
    if let Some((enc, bom_len)) = Encoding::for_bom(body) {
        return (enc, bom_len, Source::Bom);
    }
    let declared = header_charset
        .and_then(|l| Encoding::for_label(l.trim().as_bytes()))
        .map(|e| (e, Source::Header))
        .or_else(|| meta_charset(body).map(|e| (e, Source::Meta)));
    if let Some((enc, source)) = declared {
        // A single-byte label on UTF-8 bytes is a mislabel (see the module docs).
        if enc.is_single_byte() && is_multibyte_utf8(body) {
            return (UTF_8, 0, Source::Utf8Override);
        }
        return (enc, 0, source);
    }
    (detect(body, tld), 0, Source::Detected)
}

/// Decodes `body` (including any byte order mark `choose` found) to text. When `complete` is false
/// the body was cut short, so an incomplete character at the very end is dropped rather than
/// turned into U+FFFD.
pub(crate) fn decode(body: &[u8], encoding: &'static Encoding, bom_len: usize, complete: bool) -> String {
    let bytes = body.get(bom_len..).unwrap_or_default();
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder.max_utf8_buffer_length(bytes.len()).unwrap_or(bytes.len().saturating_mul(3));
    let mut text = String::with_capacity(capacity);
    // The buffer is large enough for the worst case, so one call decodes everything.
    let _ = decoder.decode_to_string(bytes, &mut text, complete);
    text
}

/// The encoding declared by a `<meta>` element near the start of the document, if any, with the
/// standard's rule that a declaration of UTF-16 means UTF-8 (the bytes were readable as ASCII, so
/// they cannot be UTF-16) and `x-user-defined` means windows-1252.
pub(crate) fn meta_charset(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(META_PRESCAN_BYTES)];
    let mut from = 0;
    while let Some(pos) = find_ci(head.get(from..)?, b"<meta") {
        let start = from + pos + b"<meta".len();
        let rest = head.get(start..)?;
        let end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
        if let Some(label) = charset_in_tag(&rest[..end]) {
            if let Some(enc) = Encoding::for_label(label) {
                return Some(if enc == UTF_16BE || enc == UTF_16LE {
                    UTF_8
                } else if enc.name() == "x-user-defined" {
                    WINDOWS_1252
                } else {
                    enc
                });
            }
        }
        from = start;
    }
    None
}

/// The label after `charset=` in the attributes of one tag: covers `charset="x"`, `charset=x`
/// and `content="text/html; charset=x"`.
fn charset_in_tag(attrs: &[u8]) -> Option<&[u8]> {
    let pos = find_ci(attrs, b"charset")?;
    let mut rest = &attrs[pos + b"charset".len()..];
    rest = trim_start(rest);
    rest = rest.strip_prefix(b"=")?;
    rest = trim_start(rest);
    if let Some(r) = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")) {
        rest = r;
    }
    let end = rest.iter().position(|&b| matches!(b, b'"' | b'\'' | b';' | b'/' | b'>') || b.is_ascii_whitespace());
    let label = &rest[..end.unwrap_or(rest.len())];
    (!label.is_empty()).then_some(label)
}

fn trim_start(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if !first.is_ascii_whitespace() {
            break;
        }
        s = rest;
    }
    s
}

/// Case-insensitive (ASCII) search; `needle` must be lower-case.
pub(crate) fn find_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut from = 0;
    while from < haystack.len() {
        let rest = &haystack[from..];
        let pos = memchr::memchr2(first, first.to_ascii_uppercase(), rest)?;
        let at = from + pos;
        if haystack.get(at..at + needle.len()).is_some_and(|w| w.eq_ignore_ascii_case(needle)) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Whether the bytes are UTF-8 (allowing a character cut off at the very end, as a truncated read
/// leaves it) with at least one non-ASCII character.
fn is_multibyte_utf8(body: &[u8]) -> bool {
    let valid = match std::str::from_utf8(body) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => match std::str::from_utf8(&body[..e.valid_up_to()]) {
            Ok(s) => s,
            Err(_) => return false,
        },
        Err(_) => return false,
    };
    !valid.is_ascii()
}

fn detect(body: &[u8], tld: Option<&str>) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(body, true);
    // chardetng asserts that the hint is a lower-case ASCII label without dots.
    let tld =
        tld.filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
    detector.guess(tld.map(str::as_bytes), Utf8Detection::Allow)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(body: &[u8], header: Option<&str>) -> (String, &'static str, Source) {
        let (enc, bom, source) = choose(body, header, None);
        (decode(body, enc, bom, true), enc.name(), source)
    }

    #[test]
    fn bom_wins_over_header() {
        let body =
            [&[0xFF, 0xFE][..], &"<title>Ünï</title>".encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<_>>()]
                .concat();
        let (t, name, source) = text(&body, Some("iso-8859-1"));
        assert_eq!((t.as_str(), name, source), ("<title>Ünï</title>", "UTF-16LE", Source::Bom));
        let (t, name, _) = text(b"\xEF\xBB\xBFcaf\xC3\xA9", None);
        assert_eq!((t.as_str(), name), ("café", "UTF-8"));
    }

    #[test]
    fn header_then_meta_then_detection() {
        // "Привет" in windows-1251, declared by the header.
        let cp1251 = b"<p>\xCF\xF0\xE8\xE2\xE5\xF2</p>";
        assert_eq!(text(cp1251, Some("windows-1251")).0, "<p>Привет</p>");
        // The same word in KOI8-R, declared only by a meta element.
        let koi8 = b"<meta charset=\"koi8-r\"><title>\xF0\xD2\xC9\xD7\xC5\xD4</title>";
        let (t, name, source) = text(koi8, None);
        assert_eq!(
            (t.as_str(), name, source),
            ("<meta charset=\"koi8-r\"><title>Привет</title>", "KOI8-R", Source::Meta)
        );
        let http_equiv = b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=Shift_JIS'>";
        assert_eq!(meta_charset(http_equiv).map(Encoding::name), Some("Shift_JIS"));
    }

    #[test]
    fn unknown_label_falls_through() {
        let (_, name, source) = text("<p>€ café</p>".as_bytes(), Some("no-such-charset"));
        assert_eq!((name, source), ("UTF-8", Source::Detected));
        assert_eq!(meta_charset(b"<meta charset=bogus><meta charset=utf-8>").map(Encoding::name), Some("UTF-8"));
    }

    #[test]
    fn meta_utf16_means_utf8() {
        assert_eq!(meta_charset(b"<meta charset='utf-16le'>"), Some(UTF_8));
        assert_eq!(meta_charset(b"<meta charset=x-user-defined>"), Some(WINDOWS_1252));
        assert_eq!(meta_charset(b"<meta name=description content=charset>"), None);
        assert_eq!(meta_charset(b"<meta charset="), None);
    }

    #[test]
    fn mislabelled_latin1_utf8_is_utf8() {
        let (t, name, source) = text("<title>Pakistan’s “reset”</title>".as_bytes(), Some("ISO-8859-1"));
        assert_eq!((t.as_str(), name, source), ("<title>Pakistan’s “reset”</title>", "UTF-8", Source::Utf8Override));
        // Real Latin-1 stays Latin-1: 0xE9 alone is not UTF-8.
        let (t, name, _) = text(b"caf\xE9", Some("iso-8859-1"));
        assert_eq!((t.as_str(), name), ("café", "windows-1252"));
    }

    #[test]
    fn detects_undeclared_legacy_encodings() {
        // windows-1252 with curly quotes and accents.
        let body = b"<title>\x93Caf\xE9 cr\xE8me\x94 \x96 a na\xEFve r\xE9sum\xE9 of the d\xE9j\xE0 vu</title>";
        let (t, name, _) = text(body, None);
        assert_eq!(name, "windows-1252");
        assert!(t.contains("“Café crème” – a naïve résumé"), "{t}");
        // Shift_JIS: 日本語のテキストです。
        let sjis = b"<p>\x93\xFA\x96\x7B\x8C\xEA\x82\xCC\x83\x65\x83\x4C\x83\x58\x83\x67\x82\xC5\x82\xB7\x81\x42</p>";
        let (t, name, _) = text(sjis, None);
        assert_eq!((t.as_str(), name), ("<p>日本語のテキストです。</p>", "Shift_JIS"));
    }

    #[test]
    fn detects_undeclared_cyrillic_chinese_and_arabic() {
        // KOI8-U is a superset of KOI8-R that decodes Russian text identically.
        let cases: [(&str, &'static Encoding, Option<&str>, &[&str]); 6] = [
            (
                "<title>Пакистан и Афганистан договорились о борьбе с терроризмом</title>",
                encoding_rs::KOI8_R,
                None,
                &["KOI8-R", "KOI8-U"],
            ),
            (
                "<title>Пакистан и Афганистан договорились о борьбе с терроризмом</title>",
                encoding_rs::WINDOWS_1251,
                None,
                &["windows-1251"],
            ),
            (
                "<title>巴基斯坦与阿富汗关系的重新调整和未来合作前景</title>",
                encoding_rs::GBK,
                Some("cn"),
                &["GBK", "gb18030"],
            ),
            (
                "<title>パキスタンとアフガニスタンの関係についての記事です</title>",
                encoding_rs::SHIFT_JIS,
                Some("jp"),
                &["Shift_JIS"],
            ),
            ("<title>پاکستان اور افغانستان کے تعلقات میں نئی پیش رفت</title>", UTF_8, Some("pk"), &["UTF-8"]),
            ("<title>باكستان وأفغانستان تتفقان على مكافحة الإرهاب</title>", UTF_8, None, &["UTF-8"]),
        ];
        for (page, encoding, tld, accepted) in cases {
            let (bytes, _, unmappable) = encoding.encode(page);
            assert!(!unmappable, "{page} in {}", encoding.name());
            let (chosen, bom, source) = choose(&bytes, None, tld);
            assert!(accepted.contains(&chosen.name()), "{page}: {} detected as {}", encoding.name(), chosen.name());
            assert_eq!(source, Source::Detected);
            assert_eq!(decode(&bytes, chosen, bom, true), page);
        }
    }

    #[test]
    fn an_upper_case_or_dotted_tld_hint_is_ignored_not_a_panic() {
        let body = "<title>Привет мир, как дела сегодня</title>".as_bytes();
        for tld in ["RU", "co.uk", "рф", ""] {
            assert_eq!(choose(body, None, Some(tld)).0, UTF_8);
        }
    }

    #[test]
    fn truncated_input_drops_a_cut_character() {
        let bytes = "ab€".as_bytes();
        let cut = &bytes[..bytes.len() - 1];
        assert_eq!(decode(cut, UTF_8, 0, false), "ab");
        assert_eq!(decode(cut, UTF_8, 0, true), "ab\u{FFFD}");
        assert!(!is_multibyte_utf8(cut), "nothing but ASCII before the cut");
        assert!(is_multibyte_utf8(&"é€".as_bytes()[..4]));
        assert!(!is_multibyte_utf8(b"\xE9t\xE9"));
        assert!(!is_multibyte_utf8(b"plain ascii"));
    }

    #[test]
    fn find_ci_is_case_insensitive() {
        assert_eq!(find_ci(b"xx</HeAd>", b"</head"), Some(2));
        assert_eq!(find_ci(b"<tit", b"<title"), None);
        assert_eq!(find_ci(b"", b"<a"), None);
    }
}
