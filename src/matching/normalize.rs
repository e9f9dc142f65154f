//! Text normalisation for comparing titles, names and publications, and tokenising with the
//! original words kept for display.

use std::borrow::Cow;
use std::ops::Range;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Reduces text to a comparable form: surviving HTML entities decoded, NFKC, lower case,
/// Latin/Greek/Cyrillic diacritics and Arabic/Hebrew vowel marks dropped (marks that carry
/// letters, as in Devanagari, are kept), apostrophes dropped (`gov't` → `govt`), `&` read as
/// `and`, every other punctuation mark (quotes, dashes, Markdown emphasis and escapes) turned
/// into a space, and white space collapsed.
///
/// Idempotent: `normalize(&normalize(x)) == normalize(x)`.
///
/// ```
/// use citecheck::matching::normalize;
/// assert_eq!(normalize("Pakistan ‘Walking the Talk’ — *gov’t* &amp; Café"), "pakistan walking the talk govt and cafe");
/// ```
pub fn normalize(s: &str) -> String {
    let mut out = String::new();
    normalize_into(s, &mut out);
    out
}

/// Appends [`normalize`]`(s)` to `out`.
fn normalize_into(s: &str, out: &mut String) {
    let decoded = decode_entities_cow(s);
    let start = out.len();
    out.reserve(decoded.len());
    if !simple(&decoded, out) {
        out.truncate(start);
        general(&decoded, out);
    }
}

/// What a character of text that needs no Unicode normalisation becomes.
enum Simple {
    /// A letter or digit, lower-cased.
    Word(char),
    /// Nothing: an apostrophe or an invisible character, which join the letters around them.
    Joins,
    /// A word break: punctuation or white space.
    Breaks,
    /// `&`, read as "and".
    And,
}

/// The characters [`simple`] handles by itself: ASCII, and the typographic punctuation, spaces
/// and invisible characters titles are full of. For none of them does NFKC give a letter or a
/// mark, and none composes with a neighbour, so each is read on its own. Anything else goes
/// through [`general`].
fn simple_class(c: char) -> Option<Simple> {
    if c.is_ascii() {
        return Some(match c {
            'a'..='z' | '0'..='9' => Simple::Word(c),
            'A'..='Z' => Simple::Word(c.to_ascii_lowercase()),
            '\'' | '`' => Simple::Joins,
            '&' => Simple::And,
            _ => Simple::Breaks,
        });
    }
    match c {
        // Apostrophes (the full-width one is an ASCII apostrophe after NFKC).
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{02BB}' | '\u{2032}' | '\u{02B9}' | '\u{201B}' | '\u{FF07}' => {
            Some(Simple::Joins)
        }
        // Soft hyphen, zero-width joiners, direction marks and embeddings, word joiners, BOM.
        '\u{00AD}'
        | '\u{200C}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}' => Some(Simple::Joins),
        // Spaces (NFKC makes most of them U+0020), dashes, quotation marks, guillemets, the
        // ellipsis, bullets and the signs that follow names.
        '\u{00A0}'
        | '\u{2000}'..='\u{200B}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}'
        | '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '\u{201A}'
        | '\u{201C}'..='\u{201F}'
        | '\u{00AB}'
        | '\u{00BB}'
        | '\u{2039}'
        | '\u{203A}'
        | '\u{2026}'
        | '\u{2022}'
        | '\u{00B7}'
        | '\u{00A9}'
        | '\u{00AE}'
        | '\u{00A7}'
        | '\u{00B6}'
        | '\u{2020}'
        | '\u{2021}'
        | '\u{00B0}'
        | '\u{00A1}'
        | '\u{00BF}' => Some(Simple::Breaks),
        _ => None,
    }
}

/// Appends [`normalize`] of decoded text made only of characters [`simple_class`] knows, in
/// one pass; `false` (with part of it appended) for any other text.
fn simple(s: &str, out: &mut String) -> bool {
    let mut out = Words::new(out);
    for c in s.chars() {
        let Some(class) = simple_class(c) else { return false };
        match class {
            Simple::Word(w) => out.push(w),
            Simple::Joins => {}
            Simple::Breaks => out.space(),
            Simple::And => {
                out.space();
                out.push_str("and");
                out.space();
            }
        }
    }
    true
}

/// Appends [`normalize`] of any decoded text: the Unicode normalisations chained as iterators,
/// with no string in between.
fn general(decoded: &str, out: &mut String) {
    let mut out = Words::new(out);
    let chars = decoded
        .chars()
        .nfkc()
        .flat_map(char::to_lowercase)
        // Folded after decomposition, so that "ǿ" (ø + acute) folds like "ø".
        .nfd()
        .filter(|&c| !(is_droppable_mark(c) || is_invisible(c) || is_apostrophe(c)))
        .flat_map(folded)
        .flat_map(mapped)
        .nfc();
    for c in chars {
        // Only spaces part words here: everything else is a letter, a digit or a mark.
        if c == ' ' { out.space() } else { out.push(c) }
    }
}

/// Normalised text being appended to a string: words separated by single spaces, none leading
/// or trailing.
struct Words<'a> {
    out: &'a mut String,
    start: usize,
    /// A word break is due before the next letter.
    pending: bool,
}

impl Words<'_> {
    fn new(out: &mut String) -> Words<'_> {
        let start = out.len();
        Words { out, start, pending: false }
    }

    /// A word break before the next letter, if one comes.
    fn space(&mut self) {
        self.pending = true;
    }

    fn push(&mut self, c: char) {
        if self.pending && self.out.len() > self.start {
            self.out.push(' ');
        }
        self.pending = false;
        self.out.push(c);
    }

    fn push_str(&mut self, s: &str) {
        s.chars().for_each(|c| self.push(c));
    }
}

/// What one character folds or maps to: at most five characters, without allocating.
struct Few {
    chars: [char; 5],
    len: u8,
    at: u8,
}

impl Few {
    fn of(s: &str) -> Few {
        let mut few = Few { chars: ['\0'; 5], len: 0, at: 0 };
        for c in s.chars().take(5) {
            few.chars[usize::from(few.len)] = c;
            few.len += 1;
        }
        few
    }

    fn one(c: char) -> Few {
        Few { chars: [c, '\0', '\0', '\0', '\0'], len: 1, at: 0 }
    }
}

impl Iterator for Few {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        let c = *self.chars[..usize::from(self.len)].get(usize::from(self.at))?;
        self.at += 1;
        Some(c)
    }
}

/// Letters that decomposition leaves whole but that plain Latin writes otherwise.
fn folded(c: char) -> Few {
    match c {
        'ß' => Few::of("ss"),
        'æ' => Few::of("ae"),
        'œ' => Few::of("oe"),
        'ø' => Few::one('o'),
        'ł' => Few::one('l'),
        'đ' | 'ð' => Few::one('d'),
        'þ' => Few::of("th"),
        'ı' => Few::one('i'),
        'ς' => Few::one('σ'),
        _ => Few::one(c),
    }
}

/// `&` read as "and", digits of other scripts as ASCII digits, letters and marks kept, anything
/// else a space.
fn mapped(c: char) -> Few {
    if c == '&' {
        Few::of(" and ")
    } else if let Some(d) = ascii_digit(c) {
        Few::one(d)
    } else if is_word_char(c) {
        Few::one(c)
    } else {
        Few::one(' ')
    }
}

/// A text split into words: each word's normalised form, and the text it was read from (for
/// display). The words are ranges of two strings, not a string each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Tokens {
    /// The text, entities decoded: what display ranges index.
    text: String,
    /// The normalised words, one after another: what normalised ranges index.
    norms: String,
    /// Each word's normalised form and display text.
    words: Vec<(Range<usize>, Range<usize>)>,
}

impl Tokens {
    pub(crate) fn len(&self) -> usize {
        self.words.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Word `i` as written.
    pub(crate) fn display(&self, i: usize) -> &str {
        &self.text[self.words[i].1.clone()]
    }

    /// Every word, normalised.
    pub(crate) fn norms(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.words.iter().map(|(n, _)| &self.norms[n.clone()])
    }
}

/// Splits text into normalised words, each keeping the original word it came from. Scripts
/// written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) give one token per
/// character (with its combining marks), so that a diff can still point at what changed.
pub(crate) fn tokenize(s: &str) -> Tokens {
    if s.is_ascii() && !s.contains('&') {
        return tokenize_ascii(s);
    }
    tokenize_any(s)
}

/// [`tokenize`] of ASCII text with no entity: words are runs of letters and digits, apostrophes
/// inside or after them joining them, lower-cased. Most titles are such text, and judging
/// tokenizes several per reference.
fn tokenize_ascii(s: &str) -> Tokens {
    let mut tokens = Tokens { text: s.to_owned(), norms: String::with_capacity(s.len()), words: Vec::new() };
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let (start, from) = (i, tokens.norms.len());
        while let Some(&b) = bytes.get(i).filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'\'' | b'`')) {
            if b.is_ascii_alphanumeric() {
                tokens.norms.push(char::from(b.to_ascii_lowercase()));
            }
            i += 1;
        }
        let shown = s[start..i].trim_end_matches(['\'', '`']).len();
        tokens.words.push((from..tokens.norms.len(), start..start + shown));
    }
    tokens
}

fn tokenize_any(s: &str) -> Tokens {
    let text = decode_entities_cow(s).into_owned();
    let mut tokens = Tokens { norms: String::with_capacity(text.len()), ..Tokens::default() };
    // Where the word being read starts. Its characters are contiguous: apostrophes join a word
    // ("gov't") but never start one.
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_unspaced_script(c) {
            if let Some(from) = start.take() {
                tokens.read(&text, from..i);
            }
            let mut end = i + c.len_utf8();
            while let Some(&(j, m)) = chars.peek() {
                if !is_combining_mark(m) {
                    break;
                }
                end = j + m.len_utf8();
                chars.next();
            }
            tokens.read(&text, i..end);
        } else if c == '&' {
            if let Some(from) = start.take() {
                tokens.read(&text, from..i);
            }
            tokens.read(&text, i..i + 1);
        } else if is_apostrophe(c) || is_invisible(c) {
            // Inside a word, part of it; before one, nothing.
        } else if c.is_alphanumeric() || is_combining_mark(c) {
            start.get_or_insert(i);
        } else if let Some(from) = start.take() {
            tokens.read(&text, from..i);
        }
    }
    if let Some(from) = start {
        tokens.read(&text, from..text.len());
    }
    tokens.text = text;
    tokens
}

impl Tokens {
    /// Adds the words of `text[piece]`: nearly always one.
    fn read(&mut self, text: &str, piece: Range<usize>) {
        let written = &text[piece.clone()];
        let shown = written.trim_end_matches(|c| is_apostrophe(c) || is_invisible(c));
        let display = piece.start..piece.start + shown.len();
        let from = self.norms.len();
        normalize_into(written, &mut self.norms);
        let mut at = from;
        for word in self.norms[from..].split(' ') {
            if !word.is_empty() {
                self.words.push((at..at + word.len(), display.clone()));
            }
            at += word.len() + 1;
        }
    }
}

/// Characters of scripts written without spaces between words.
pub(crate) fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF        // Thai, Lao
        | 0x1000..=0x109F      // Myanmar
        | 0x1780..=0x17FF      // Khmer
        | 0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF      // CJK extension A
        | 0x4E00..=0x9FFF      // CJK unified ideographs
        | 0xF900..=0xFAFF      // CJK compatibility ideographs
        | 0xFF66..=0xFF9F      // half-width Katakana
        | 0x20000..=0x3134F) // CJK extensions B–G
}

/// Combining marks that decorate a letter rather than make it: Latin, Greek and Cyrillic
/// diacritics, Hebrew points, Arabic harakat and Quranic annotation. Marks of Indic and other
/// scripts are vowels, so they stay.
fn is_droppable_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F
        | 0x0483..=0x0489
        | 0x0591..=0x05C7
        | 0x0610..=0x061A
        | 0x064B..=0x065F
        | 0x0670
        | 0x06D6..=0x06ED
        | 0x1AB0..=0x1AFF
        | 0x1DC0..=0x1DFF
        | 0x20D0..=0x20FF
        | 0xFE20..=0xFE2F)
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200C}' | '\u{200D}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{0640}')
}

pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | 'ʻ' | '`' | '´' | '′' | '＇' | 'ʹ' | '‛')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Decimal digits of other scripts read as ASCII, so "٢٠٢٤" and "2024" compare equal.
fn ascii_digit(c: char) -> Option<char> {
    let v = c as u32;
    let zero = [
        0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0E50, 0x0ED0,
        0x0F20, 0x1040, 0x17E0,
    ]
    .into_iter()
    .find(|z| (*z..*z + 10).contains(&v))?;
    char::from_digit(v - zero, 10)
}

/// Decodes the HTML character references that survive in copied text (`&amp;`, `&#39;`,
/// `&#x2019;`, `&nbsp;`, common named ones). Runs up to three times for double-escaped text.
pub(crate) fn decode_entities(s: &str) -> String {
    decode_entities_cow(s).into_owned()
}

/// [`decode_entities`], borrowing text with no `&` (nearly all text) instead of copying it.
fn decode_entities_cow(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut cur = s.to_string();
    for _ in 0..3 {
        if !cur.contains('&') {
            break;
        }
        let next = decode_once(&cur);
        if next == cur {
            break;
        }
        cur = next;
    }
    Cow::Owned(cur)
}

fn decode_once(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        // A reference is at most 32 characters up to its ';'.
        let end = after.char_indices().take(33).find(|(_, c)| *c == ';').map(|(i, _)| i);
        let decoded = end.and_then(|e| entity(&after[..e]).map(|c| (c, e)));
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "shy" => '\u{ad}',
        "rsquo" => '’',
        "lsquo" => '‘',
        "sbquo" => '‚',
        "rdquo" => '”',
        "ldquo" => '“',
        "bdquo" => '„',
        "laquo" => '«',
        "raquo" => '»',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "middot" => '·',
        "bull" => '•',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "eacute" => 'é',
        "egrave" => 'è',
        "ecirc" => 'ê',
        "euml" => 'ë',
        "aacute" => 'á',
        "agrave" => 'à',
        "acirc" => 'â',
        "auml" => 'ä',
        "atilde" => 'ã',
        "aring" => 'å',
        "iacute" => 'í',
        "igrave" => 'ì',
        "icirc" => 'î',
        "iuml" => 'ï',
        "oacute" => 'ó',
        "ograve" => 'ò',
        "ocirc" => 'ô',
        "ouml" => 'ö',
        "otilde" => 'õ',
        "uacute" => 'ú',
        "ugrave" => 'ù',
        "ucirc" => 'û',
        "uuml" => 'ü',
        "ccedil" => 'ç',
        "ntilde" => 'ñ',
        "szlig" => 'ß',
        "Eacute" => 'É',
        "Auml" => 'Ä',
        "Ouml" => 'Ö',
        "Uuml" => 'Ü',
        "zwnj" => '\u{200c}',
        "zwj" => '\u{200d}',
        "lrm" => '\u{200e}',
        "rlm" => '\u{200f}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_quotes_dashes_and_diacritics() {
        assert_eq!(normalize("Pakistan ‘walking the talk’ on peace"), "pakistan walking the talk on peace");
        assert_eq!(normalize("Pakistan 'walking the talk' on peace"), "pakistan walking the talk on peace");
        assert_eq!(normalize("Pakistan–Afghanistan — relations"), "pakistan afghanistan relations");
        assert_eq!(normalize("Ménage à trois, Straße, Ærø"), "menage a trois strasse aero");
        assert_eq!(normalize("  Many   \n spaces\t"), "many spaces");
    }

    #[test]
    fn apostrophes_join_words() {
        assert_eq!(normalize("gov't"), "govt");
        assert_eq!(normalize("gov’t"), normalize("govt"));
        assert_eq!(normalize("Pakistan’s"), "pakistans");
    }

    #[test]
    fn decodes_surviving_entities() {
        assert_eq!(normalize("Tom &amp; Jerry"), "tom and jerry");
        assert_eq!(normalize("it&#39;s &quot;fine&quot;&nbsp;now"), "its fine now");
        assert_eq!(normalize("double &amp;amp; escaped"), "double and escaped");
        assert_eq!(normalize("&#x2019;quoted&#8217;"), "quoted");
        assert_eq!(normalize("AT&T & co"), "at and t and co");
        assert_eq!(normalize("&unknown; entity"), "and unknown entity");
    }

    #[test]
    fn strips_markdown_escapes_and_emphasis() {
        assert_eq!(normalize(r"\*Dawn\* and *Dawn* and _Dawn_ and **Dawn**"), "dawn and dawn and dawn and dawn");
        assert_eq!(normalize(r"pre\-APS era"), "pre aps era");
    }

    #[test]
    fn keeps_non_latin_letters() {
        // Urdu: letters stay, the zero-width non-joiner goes.
        assert_eq!(normalize("پاکستان اور افغانستان"), "پاکستان اور افغانستان");
        // Arabic: harakat go, letters stay.
        assert_eq!(normalize("بَاكِسْتَان"), "باكستان");
        // Devanagari: vowel signs are letters and stay.
        assert_eq!(normalize("पाकिस्तान"), "पाकिस्तान");
        assert_eq!(normalize("Пакистан и Афганистан"), "пакистан и афганистан");
        assert_eq!(normalize("巴基斯坦，阿富汗。"), "巴基斯坦 阿富汗");
        assert_eq!(normalize("٢٠٢٤ and ۲۰۲۵"), "2024 and 2025");
    }

    #[test]
    fn compatibility_forms_fold() {
        assert_eq!(normalize("ＦＵＬＬ　ｗｉｄｔｈ ﬁne ²"), "full width fine 2");
        assert_eq!(normalize("\u{212A}elvin İstanbul"), "kelvin istanbul");
    }

    #[test]
    fn tokens_keep_the_original_words() {
        let t = tokenize("Pakistan ‘walking the talk’ on pre-APS era, gov’t");
        let norms: Vec<&str> = t.norms().collect();
        let shown: Vec<&str> = (0..t.len()).map(|i| t.display(i)).collect();
        assert_eq!(norms, ["pakistan", "walking", "the", "talk", "on", "pre", "aps", "era", "govt"]);
        assert_eq!(shown, ["Pakistan", "walking", "the", "talk", "on", "pre", "APS", "era", "gov’t"]);
    }

    #[test]
    fn unspaced_scripts_tokenise_per_character() {
        let t = tokenize("巴基斯坦 Taliban");
        let norms: Vec<&str> = t.norms().collect();
        assert_eq!(norms, ["巴", "基", "斯", "坦", "taliban"]);
        assert_eq!(tokenize("&amp;").norms().collect::<Vec<_>>(), ["and"]);
    }

    #[test]
    fn normalisation_is_idempotent_on_generated_text() {
        let samples = [
            "Peace and progress in Afghanistan necessary for regional stability: envoy",
            "Pakistan ‘walking the talk’ on peace in Afghanistan | Pakistan | The Guardian",
            "a\u{301}\u{302}'\u{301} ß ẞ ǅ ﬃ Å Å ᾳ Ϊ́ ΣΑΣ",
            "क'\u{93f} \u{915}\u{93c} ก่า ស្រី",
            "&amp;amp;amp;amp; &#0; &#x110000; &#xD800; &",
            "",
            "   ",
            "'''",
            "_*_",
            "\u{300}\u{301}",
        ];
        for s in samples {
            let once = normalize(s);
            assert_eq!(normalize(&once), once, "{s:?}");
        }
        let pool: Vec<char> = "aZéÉßẞİıΣσςДдй\u{301}\u{308}\u{64e}\u{93f}\u{93c}ك'’‘\"“”-–—&;#x3912 \t\n.,:|*_\\ﬁ²½Ⅻ①ǅ\u{200c}\u{ad}巴ก่ᄀ\u{1161}\u{11a8}"
            .chars()
            .collect();
        let mut rng = fastrand::Rng::with_seed(0x5eed);
        for _ in 0..5000 {
            let len = rng.usize(0..24);
            let s: String = (0..len).map(|_| pool[rng.usize(0..pool.len())]).collect();
            let once = normalize(&s);
            assert_eq!(normalize(&once), once, "{s:?}");
        }
        for _ in 0..3000 {
            let len = rng.usize(0..16);
            let s: String = (0..len).filter_map(|_| char::from_u32(rng.u32(0..0x3_0000))).collect();
            let once = normalize(&s);
            assert_eq!(normalize(&once), once, "{s:?}");
        }
    }

    /// `normalize` as it was before its fast paths, each step materialised: the reference the
    /// fast paths are held to.
    fn reference(s: &str) -> String {
        let decoded = decode_entities(s);
        let lowered: String = decoded.nfkc().flat_map(char::to_lowercase).collect();
        let mut folded = String::with_capacity(lowered.len());
        for c in lowered.nfd() {
            if !(is_droppable_mark(c) || is_invisible(c) || is_apostrophe(c)) {
                folded.extend(super::folded(c));
            }
        }
        let mut mapped = String::with_capacity(folded.len());
        for c in folded.chars() {
            if c == '&' {
                mapped.push_str(" and ");
            } else if let Some(d) = ascii_digit(c) {
                mapped.push(d);
            } else if is_word_char(c) {
                mapped.push(c);
            } else {
                mapped.push(' ');
            }
        }
        mapped.nfc().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn same_as_reference(s: &str) {
        let want = reference(s);
        assert_eq!(normalize(s), want, "normalize({s:?})");
        let mut general_out = String::new();
        general(&decode_entities(s), &mut general_out);
        assert_eq!(general_out, want, "general({s:?})");
        let mut fast = String::new();
        if simple(&decode_entities(s), &mut fast) {
            assert_eq!(fast, want, "simple({s:?})");
        }
        // Appended to text already there, the same words.
        let mut after = String::from("x");
        normalize_into(s, &mut after);
        assert_eq!(after, format!("x{want}"), "normalize_into({s:?})");
    }

    /// `tokenize` as it was, with a string per word: the reference for the ranges.
    fn reference_tokens(s: &str) -> Vec<(String, String)> {
        fn flush(piece: &mut String, tokens: &mut Vec<(String, String)>) {
            if piece.is_empty() {
                return;
            }
            let display = piece.trim_end_matches(|c| is_apostrophe(c) || is_invisible(c)).to_string();
            for norm in reference(piece).split(' ').filter(|w| !w.is_empty()) {
                tokens.push((norm.to_string(), display.clone()));
            }
            piece.clear();
        }
        let decoded = decode_entities(s);
        let mut tokens = Vec::new();
        let mut piece = String::new();
        let mut chars = decoded.chars().peekable();
        while let Some(c) = chars.next() {
            if is_unspaced_script(c) {
                flush(&mut piece, &mut tokens);
                piece.push(c);
                while let Some(&m) = chars.peek() {
                    if !is_combining_mark(m) {
                        break;
                    }
                    piece.push(m);
                    chars.next();
                }
                flush(&mut piece, &mut tokens);
            } else if c == '&' {
                flush(&mut piece, &mut tokens);
                piece.push(c);
                flush(&mut piece, &mut tokens);
            } else if is_apostrophe(c) || is_invisible(c) {
                if !piece.is_empty() {
                    piece.push(c);
                }
            } else if c.is_alphanumeric() || is_combining_mark(c) {
                piece.push(c);
            } else {
                flush(&mut piece, &mut tokens);
            }
        }
        flush(&mut piece, &mut tokens);
        tokens
    }

    #[test]
    fn tokens_are_the_words_they_were() {
        let pool: Vec<char> = "aZ9 .-&;’'\u{ad}\u{200c}éß巴坦ก่\u{301}\u{93f}ʹﬁ²#x".chars().collect();
        let mut rng = fastrand::Rng::with_seed(0x70c);
        for _ in 0..20_000 {
            let len = rng.usize(0..16);
            let s: String = (0..len).map(|_| pool[rng.usize(0..pool.len())]).collect();
            let t = tokenize(&s);
            let got: Vec<(String, String)> =
                (0..t.len()).map(|i| (t.norms().nth(i).unwrap().to_owned(), t.display(i).to_owned())).collect();
            assert_eq!(got, reference_tokens(&s), "{s:?}");
        }
    }

    #[test]
    fn fast_and_general_paths_agree_with_the_reference() {
        let table = [
            "",
            " ",
            "Plain ASCII title, with punctuation: (and) [brackets]!",
            "Pakistan Taliban ends ceasefire with gov't, threatens new attacks",
            "Rise in terrorism in 2024 pushes Pakistan towards pre-APS era",
            "AT&T & co &amp; &unknown; &#39;quoted&#39; &nbsp;spaced&nbsp; &amp;amp;amp;amp;",
            "Pakistan ‘walking the talk’ on peace — “quoted” – dashed … «guillemets» ‹one› „low‟",
            "gov’t ʼokina ʻokina prime′ ＇full＇ ʹmod ‛rev",
            "soft\u{ad}hyphen zero\u{200b}width zw\u{200c}nj zw\u{200d}j \u{200e}lrm\u{200f} \u{feff}bom \u{2060}wj",
            "spaces\u{a0}nbsp\u{2009}thin\u{202f}narrow\u{3000}ideographic\u{2003}em",
            "© 2024 ® § ¶ † ‡ 40° ¡hola! ¿qué? • bullet · middot − minus ‐ ‑ ‒ ―",
            "Ménage à trois, Straße, Ærø, ǿ, łódź, Þór, ıstanbul, ΣΑΣ, ς",
            "José Müller, Café, naïve, résumé, Zürich",
            "e\u{301}te\u{301} (decomposed)",
            "´acute´ ¨diaeresis¨ ˜tilde",
            "™ ℠ ﬁ ﬂ ﬃ Ⅻ ① ½ ² ＦＵＬＬ ｗｉｄｔｈ ｜ pipe",
            "پاکستان اور افغانستان",
            "بَاكِسْتَان آ إ ـتطويلـ",
            "پاکستان\u{200c}اور",
            "٢٠٢٤ and ۲۰۲۵ and ४२",
            "पाकिस्तान क़",
            "Пакистан и Афганистан, Йод",
            "巴基斯坦，阿富汗。 日本語のタイトル ｶﾀｶﾅ",
            "ข่าวไทย ស្រី",
            "한국어 제목 \u{1100}\u{1161}\u{11a8}",
            "\u{212A}elvin İstanbul ǅ",
            r"\*Dawn\* and *Dawn* and _Dawn_ and **Dawn** pre\-APS",
            "tab\tnew\nline\rcarriage\u{1}control",
            "''' ``` &&& ’’’",
        ];
        for s in table {
            same_as_reference(s);
        }
    }

    #[test]
    fn fast_and_general_paths_agree_on_random_text() {
        // The last characters of the pool send text down the general path; half the strings
        // never draw them, so both paths and the hand-over between them are exercised.
        let pool: Vec<char> =
            "aZq09 \t\n.,:;|*_\\'`&#-()[]’‘“”–—…«»\u{a0}\u{ad}\u{200b}\u{200c}\u{2009}•·©′＇ʼéÉßİıσςДй\u{301}\u{64e}ك巴ﬁ²ǅ´™"
                .chars()
                .collect();
        let general_only = "éÉßİıσςДй\u{301}\u{64e}ك巴ﬁ²ǅ´™".chars().count();
        let entities = ["&amp;", "&#39;", "&nbsp;", "&rsquo;", "&eacute;", "&#x2019;", "&amp;amp;"];
        let mut rng = fastrand::Rng::with_seed(0xfa57);
        for _ in 0..20_000 {
            let len = rng.usize(0..20);
            let limit = if rng.bool() { pool.len() } else { pool.len() - general_only };
            let mut s = String::new();
            for _ in 0..len {
                if rng.u8(0..20) == 0 {
                    s.push_str(entities[rng.usize(0..entities.len())]);
                } else {
                    s.push(pool[rng.usize(0..limit)]);
                }
            }
            same_as_reference(&s);
        }
        for _ in 0..3000 {
            let len = rng.usize(0..12);
            let s: String = (0..len).filter_map(|_| char::from_u32(rng.u32(0..0x3_0000))).collect();
            same_as_reference(&s);
        }
    }

    #[test]
    fn every_fast_path_character_agrees_with_the_reference_in_context() {
        let fast: Vec<char> =
            (0..0x1_0000u32).filter_map(char::from_u32).filter(|&c| simple_class(c).is_some()).collect();
        assert!(fast.len() > 128 + 50, "{}", fast.len());
        for c in fast {
            for s in [format!("{c}"), format!("a{c}b"), format!("Word{c} {c}word"), format!("{c}{c}&{c}x")] {
                same_as_reference(&s);
            }
        }
    }

    #[test]
    fn ascii_tokenizing_is_the_general_path_on_ascii() {
        let fixed = [
            "Pakistan: Walking the talk on pre-APS era, gov't",
            "students' union ``quoted'' 'lead 12,000 tonnes 3.5% O'Brien's",
            "",
            "   ",
            "''''",
            "a",
            "Torkham border reopens after 27-day closure\ttrade\nresumes",
        ];
        let mut texts: Vec<String> = fixed.iter().map(|t| (*t).to_owned()).collect();
        let alphabet = b"aZ09 '`-.,:;!?()[]/_\t\n\"";
        let mut seed = 7u64;
        for _ in 0..2000 {
            let len = usize::try_from(seed % 24).unwrap();
            let mut t = String::new();
            for _ in 0..len {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                t.push(char::from(alphabet[usize::try_from(seed >> 33).unwrap() % alphabet.len()]));
            }
            texts.push(t);
        }
        for t in &texts {
            let (fast, general) = (tokenize_ascii(t), tokenize_any(t));
            assert_eq!(fast.norms().collect::<Vec<_>>(), general.norms().collect::<Vec<_>>(), "{t:?}");
            assert_eq!(fast.len(), general.len(), "{t:?}");
            for k in 0..fast.len() {
                assert_eq!(fast.display(k), general.display(k), "{t:?}");
            }
        }
    }
}
