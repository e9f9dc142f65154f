//! Regexes with word boundaries (`\b`), built for the text they search.
//!
//! A Unicode word boundary keeps a search off the regex crate's fast engines as soon as the
//! text holds a non-ASCII character (the private-use mark that stands for a URL in a prepared
//! note is one), and its capture search onto the slow ones. In a text with no non-ASCII *word*
//! character (curly quotes, dashes and that mark are no word characters) an ASCII boundary
//! falls exactly where a Unicode one does, so such a text, nearly every note, is searched with
//! the pattern's boundaries made ASCII: the same matches, found on the DFA.

use std::sync::OnceLock;

use regex::Regex;

/// A pattern with `\b` in it, compiled on first use in its Unicode build and in its ASCII one.
pub(crate) struct WordRegex {
    pattern: fn() -> String,
    unicode: OnceLock<Regex>,
    ascii: OnceLock<Regex>,
}

impl WordRegex {
    /// `pattern` gives the regex (with Unicode word boundaries, as written).
    pub(crate) const fn new(pattern: fn() -> String) -> WordRegex {
        WordRegex { pattern, unicode: OnceLock::new(), ascii: OnceLock::new() }
    }

    /// The build that finds in `text` exactly what the pattern as written finds.
    pub(crate) fn of(&self, text: &str) -> &Regex {
        if ascii_words(text) {
            self.ascii.get_or_init(|| compile(&ascii_boundaries(&(self.pattern)())))
        } else {
            self.unicode.get_or_init(|| compile(&(self.pattern)()))
        }
    }

    /// The Unicode build, whatever the text.
    #[cfg(test)]
    pub(crate) fn unicode(&self) -> &Regex {
        self.unicode.get_or_init(|| compile(&(self.pattern)()))
    }
}

fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex")
}

/// Whether every word character of `text` is ASCII, so that ASCII and Unicode word boundaries
/// fall in the same places.
pub(crate) fn ascii_words(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Eight ASCII bytes at a time; only the non-ASCII characters are looked up.
        if let Some(chunk) = bytes.get(i..i + 8).and_then(|c| <[u8; 8]>::try_from(c).ok())
            && u64::from_ne_bytes(chunk) & 0x8080_8080_8080_8080 == 0
        {
            i += 8;
            continue;
        }
        if bytes[i].is_ascii() {
            i += 1;
            continue;
        }
        // `i` starts a character: only whole ASCII bytes and whole characters were stepped over.
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else { return false };
        // A character the tables cannot classify is taken for a word character: the Unicode
        // build is always right, only slower.
        if !matches!(regex_syntax::try_is_word_character(c), Ok(false)) {
            return false;
        }
        i += c.len_utf8();
    }
    true
}

/// `pattern` with each word boundary `\b` written as the ASCII one, `(?-u:\b)`; escaped
/// backslashes (`\\b`) are left alone.
fn ascii_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str(r"(?-u:\b)"),
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_become_ascii_and_escapes_stay() {
        assert_eq!(ascii_boundaries(r"\bmay\b\.?\\b\B"), r"(?-u:\b)may(?-u:\b)\.?\\b\B");
    }

    #[test]
    fn texts_with_only_ascii_word_characters() {
        assert!(ascii_words("Dawn, “Title” – 24 March 2025 \u{E000}."));
        assert!(!ascii_words("Müller, 2025"));
        // Letters that (?i) folds onto ASCII ones are word characters too.
        assert!(!ascii_words("ſept. 2020"));
        assert!(!ascii_words("\u{212A}"));
        assert!(!ascii_words("a long stretch of ASCII text before an é"));
        assert!(ascii_words("a long stretch of ASCII text before a — and after it, more ASCII"));
        assert!(ascii_words(""));
    }

    #[test]
    fn both_builds_find_the_same_in_such_texts() {
        static W: WordRegex = WordRegex::new(|| r"(?i)\b(?:may|sept?)\b\s+[0-9]{4}\b".to_owned());
        let unicode = W.unicode();
        for t in ["May 2025", "xmay 2025", "may 20255", "“May 2025”", "\u{E000}may 2025", "émay 2025", "ſep 2020"]
        {
            let fast: Vec<_> = W.of(t).find_iter(t).map(|m| m.range()).collect();
            let slow: Vec<_> = unicode.find_iter(t).map(|m| m.range()).collect();
            assert_eq!(fast, slow, "{t}");
        }
    }
}
