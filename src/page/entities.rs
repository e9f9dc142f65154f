//! Character references (`&amp;`, `&#233;`, `&#xE9;`, `&eacute` without `;`), decoded as
//! html5ever's tokenizer decodes them, with its own named-entity table (`markup5ever::data`,
//! which lists every entity name and every prefix of one).

use markup5ever::data::{C1_REPLACEMENTS, NAMED_ENTITIES};

/// The longest entity name in the table, `;` included (`CounterClockwiseContourIntegral;`).
const MAX_NAME: usize = 32;

/// A decoded reference: how many bytes after the `&` it spans, and its one or two characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CharRef {
    pub len: usize,
    pub chars: [char; 2],
}

impl CharRef {
    /// Appends the characters to `out`.
    pub(crate) fn push_to(&self, out: &mut String) {
        out.push(self.chars[0]);
        if self.chars[1] != '\0' {
            out.push(self.chars[1]);
        }
    }
}

/// The reference that starts right after an `&` at the start of `s`, or `None` when there is
/// none (the `&` is then text, like what follows it). In an attribute value (`in_attribute`), a
/// name without `;` followed by `=` or a letter or digit is not decoded (`?a=1&copy=2`).
pub(crate) fn decode(s: &[u8], in_attribute: bool) -> Option<CharRef> {
    match *s.first()? {
        b'#' => numeric(s),
        c if c.is_ascii_alphanumeric() => named(s, in_attribute),
        _ => None,
    }
}

fn numeric(s: &[u8]) -> Option<CharRef> {
    let (base, start) = match s.get(1) {
        Some(b'x' | b'X') => (16, 2),
        _ => (10, 1),
    };
    let mut num: u32 = 0;
    let mut too_big = false;
    let mut i = start;
    while let Some(d) = s.get(i).and_then(|&c| char::from(c).to_digit(base)) {
        // As html5ever: the value may wrap, but once past the last code point it is U+FFFD.
        num = num.wrapping_mul(base);
        too_big |= num > 0x10FFFF;
        num = num.wrapping_add(d);
        i += 1;
    }
    if i == start {
        return None;
    }
    if s.get(i) == Some(&b';') {
        i += 1;
    }
    let c = match num {
        n if n > 0x10FFFF || too_big => '\u{fffd}',
        0 | 0xD800..=0xDFFF => '\u{fffd}',
        0x80..=0x9F => {
            C1_REPLACEMENTS[(num - 0x80) as usize].unwrap_or_else(|| char::from_u32(num).unwrap_or('\u{fffd}'))
        }
        n => char::from_u32(n).unwrap_or('\u{fffd}'),
    };
    Some(CharRef { len: i, chars: [c, '\0'] })
}

fn named(s: &[u8], in_attribute: bool) -> Option<CharRef> {
    // The table holds every prefix of every name, so walking forward while the prefix is in it
    // finds the longest name that starts here, as the tokenizer does.
    let mut best: Option<(usize, u32, u32)> = None;
    let mut i = 0;
    while i < s.len() && i < MAX_NAME {
        let c = s[i];
        if !(c.is_ascii_alphanumeric() || c == b';') {
            break;
        }
        i += 1;
        let Ok(prefix) = std::str::from_utf8(&s[..i]) else { break };
        match NAMED_ENTITIES.get(prefix) {
            Some(&(c1, c2)) => {
                if c1 != 0 {
                    best = Some((i, c1, c2));
                }
                if c == b';' {
                    break;
                }
            }
            None => break,
        }
    }
    let (len, c1, c2) = best?;
    if in_attribute && s[len - 1] != b';' && s.get(len).is_some_and(|c| *c == b'=' || c.is_ascii_alphanumeric()) {
        return None;
    }
    let first = char::from_u32(c1)?;
    let second = if c2 == 0 { '\0' } else { char::from_u32(c2)? };
    Some(CharRef { len, chars: [first, second] })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str, attr: bool) -> Option<(usize, String)> {
        decode(s.as_bytes(), attr).map(|r| {
            let mut out = String::new();
            r.push_to(&mut out);
            (r.len, out)
        })
    }

    #[test]
    fn the_table_is_what_the_bound_assumes() {
        let longest = NAMED_ENTITIES.keys().map(|k| k.len()).max();
        assert_eq!(longest, Some(MAX_NAME));
        assert!(NAMED_ENTITIES.keys().all(|k| k.bytes().all(|c| c.is_ascii_alphanumeric() || c == b';')));
    }

    #[test]
    fn named_references() {
        assert_eq!(text("amp;x", false), Some((4, "&".into())));
        assert_eq!(text("ampx", false), Some((3, "&".into())));
        assert_eq!(text("notin;", false), Some((6, "∉".into())));
        assert_eq!(text("notit;", false), Some((3, "¬".into())));
        assert_eq!(text("eacute", false), Some((6, "é".into())));
        assert_eq!(text("NotEqualTilde;", false), Some((14, "≂\u{338}".into())));
        assert_eq!(text("bogus;", false), None);
        assert_eq!(text(" amp;", false), None);
        assert_eq!(text("", false), None);
        // In attributes, a legacy name without `;` before `=` or an alphanumeric stays text.
        assert_eq!(text("copy=2", true), None);
        assert_eq!(text("copyx", true), None);
        assert_eq!(text("copy;=2", true), Some((5, "©".into())));
        assert_eq!(text("copy 2", true), Some((4, "©".into())));
        assert_eq!(text("copy", true), Some((4, "©".into())));
        assert_eq!(text("copy=2", false), Some((4, "©".into())));
    }

    #[test]
    fn numeric_references() {
        assert_eq!(text("#233;", false), Some((5, "é".into())));
        assert_eq!(text("#xE9", false), Some((4, "é".into())));
        assert_eq!(text("#X41;", false), Some((5, "A".into())));
        assert_eq!(text("#0;", false), Some((3, "\u{fffd}".into())));
        assert_eq!(text("#x110000;", false), Some((9, "\u{fffd}".into())));
        assert_eq!(text("#99999999999999999999;", false), Some((22, "\u{fffd}".into())));
        assert_eq!(text("#xD800;", false), Some((7, "\u{fffd}".into())));
        assert_eq!(text("#x80;", false), Some((5, "€".into())));
        assert_eq!(text("#x81;", false), Some((5, "\u{81}".into())));
        assert_eq!(text("#1;", false), Some((3, "\u{1}".into())));
        assert_eq!(text("#;", false), None);
        assert_eq!(text("#x;", false), None);
        assert_eq!(text("#", false), None);
    }
}
