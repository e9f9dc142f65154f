//! The page scanner's HTML tokenizer: the states of the HTML standard's tokenizer (as html5ever
//! implements them) that decide where tags, comments and text begin and end, over the page's
//! bytes, without building tokens nobody reads.
//!
//! - Text comes out in pieces that borrow the page (a run without `&`, `<`, CR or NUL) or a
//!   small buffer (a decoded character reference, a CR turned into LF). When the caller says it
//!   does not need the text, the lexer jumps to the next `<` with `memchr`.
//! - A tag's name is lower-cased; of its attributes only the few the scanner reads
//!   ([`Attr`]) are kept, and only on the tags that carry them (the first of duplicates wins, as
//!   in the tokenizer); the others are stepped over (quotes respected).
//! - Raw text (`<script>`, `<style>`, `<title>`, `<textarea>`…) is read by [`Lexer::raw_text`]
//!   up to its end tag, found with `memchr` (for scripts, through the escaping states that make
//!   `<!--<script></script>-->` part of the script).
//!
//! Every byte is looked at a bounded number of times: each state moves forward, and a
//! character reference reads at most 32 bytes past its `&`.

use memchr::{memchr, memchr2, memchr3};

use super::entities;
use super::names::{self, Interner, Name};

/// A piece of what the page holds, in order.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Token<'t> {
    /// Character data (character references decoded, CR and CRLF turned into LF).
    Text(&'t str),
    /// A U+0000 in text (the tree decides: dropped in HTML, U+FFFD in SVG or MathML).
    Null,
    /// A start tag: [`Lexer::tag`] holds it.
    Start,
    /// An end tag: [`Lexer::tag`] holds its name.
    End,
    Comment,
    Doctype,
    Eof,
}

/// What follows a start tag whose content is not markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawKind {
    /// `<title>`, `<textarea>`: text with character references, up to the end tag.
    Rcdata,
    /// `<style>`, `<xmp>`, `<iframe>`, `<noembed>`, `<noframes>`, `<noscript>`.
    Rawtext,
    /// `<script>`.
    Script,
}

/// The attributes the scanner reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attr {
    Type,
    Content,
    Name,
    Property,
    Itemprop,
    HttpEquiv,
    Datetime,
    Rel,
    Href,
    Lang,
    XmlLang,
    Color,
    Face,
    Size,
}

const ATTRS: usize = 14;

impl Attr {
    fn of(name: &[u8]) -> Option<Attr> {
        let mut lower = [0u8; 10];
        let lower = lower.get_mut(..name.len())?;
        lower.copy_from_slice(name);
        lower.make_ascii_lowercase();
        Some(match &*lower {
            b"type" => Attr::Type,
            b"content" => Attr::Content,
            b"name" => Attr::Name,
            b"property" => Attr::Property,
            b"itemprop" => Attr::Itemprop,
            b"http-equiv" => Attr::HttpEquiv,
            b"datetime" => Attr::Datetime,
            b"rel" => Attr::Rel,
            b"href" => Attr::Href,
            b"lang" => Attr::Lang,
            b"xml:lang" => Attr::XmlLang,
            b"color" => Attr::Color,
            b"face" => Attr::Face,
            b"size" => Attr::Size,
            _ => return None,
        })
    }
}

/// The tag just read.
#[derive(Debug, Default)]
pub(crate) struct Tag {
    /// Lower case (ASCII), U+0000 as U+FFFD.
    pub name: String,
    /// The name's number.
    pub id: Name,
    pub self_closing: bool,
    values: [String; ATTRS],
    present: u16,
}

impl Tag {
    /// The (decoded) value of an attribute, when the tag has it and carries attributes the
    /// scanner reads (see [`collects`]).
    pub(crate) fn attr(&self, a: Attr) -> Option<&str> {
        (self.present & (1 << a as u16) != 0).then(|| self.values[a as usize].as_str())
    }

    fn clear(&mut self) {
        self.name.clear();
        self.self_closing = false;
        while self.present != 0 {
            let a = self.present.trailing_zeros() as usize;
            self.values[a].clear();
            self.present &= self.present - 1;
        }
    }
}

/// The tags whose attributes are kept: what the collector reads (`html`, `meta`, `link`,
/// `script`, `time`, `input`) and what the tree rules test (`input`, `font`).
fn collects(name: Name) -> bool {
    matches!(name, names::META | names::LINK | names::SCRIPT | names::HTML | names::TIME | names::INPUT | names::FONT)
}

/// Byte classes in tags: white space (CR too: the tokenizer reads it as LF), the bytes that end
/// a tag or attribute name, and `=`.
const SPACE: u8 = 1;
const ENDS_NAME: u8 = 2;
const EQUALS: u8 = 4;
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'\t' as usize] = SPACE;
    t[b'\n' as usize] = SPACE;
    t[0x0C] = SPACE;
    t[b'\r' as usize] = SPACE;
    t[b' ' as usize] = SPACE;
    t[b'/' as usize] = ENDS_NAME;
    t[b'>' as usize] = ENDS_NAME;
    t[b'=' as usize] = EQUALS;
    t
};

fn is_space(c: u8) -> bool {
    CLASS[usize::from(c)] & SPACE != 0
}

/// The first index at or after `i` whose byte is in one of `classes` (or `b.len()`).
fn find_class(b: &[u8], mut i: usize, classes: u8) -> usize {
    while i < b.len() && CLASS[usize::from(b[i])] & classes == 0 {
        i += 1;
    }
    i
}

/// What a `<` starts.
enum Markup {
    /// A start or end tag, comment, doctype, or the end (a tag cut off by it).
    Token(Token<'static>),
    /// A CDATA section, its text in `Lexer::raw`.
    Cdata,
    /// Something that leaves nothing behind (`</>`).
    Nothing,
    /// Nothing: the `<` is text.
    Text,
}

pub(crate) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    names: Interner,
    /// The tag of the last [`Token::Start`] or [`Token::End`].
    pub tag: Tag,
    piece: String,
    raw: String,
    /// Drop a line feed at the start of the next text (after `<pre>`, `<listing>`).
    skip_lf: bool,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(src: &'a str) -> Lexer<'a> {
        // The tokenizer drops a byte order mark at the very start.
        let pos = if src.starts_with('\u{feff}') { 3 } else { 0 };
        Lexer {
            src,
            pos,
            names: Interner::default(),
            tag: Tag::default(),
            piece: String::new(),
            raw: String::new(),
            skip_lf: false,
        }
    }

    /// The next token. `want_text`: the caller reads text here (otherwise text is skipped
    /// unseen); `cdata`: `<![CDATA[` opens a CDATA section (in SVG or MathML) rather than a
    /// bogus comment.
    pub(crate) fn next(&mut self, want_text: bool, cdata: bool) -> Token<'_> {
        let mut skip_lf = std::mem::take(&mut self.skip_lf);
        let b = self.src.as_bytes();
        loop {
            let skip = std::mem::take(&mut skip_lf);
            let Some(&c) = b.get(self.pos) else { return Token::Eof };
            if c == b'<' {
                match self.markup(cdata) {
                    Markup::Token(t) => return t,
                    Markup::Nothing => continue,
                    Markup::Cdata if want_text && !self.raw.is_empty() => return Token::Text(&self.raw),
                    Markup::Cdata => continue,
                    Markup::Text => {
                        self.pos += 1;
                        if want_text {
                            return Token::Text("<");
                        }
                        continue;
                    }
                }
            }
            if !want_text {
                self.pos += memchr(b'<', &b[self.pos..]).unwrap_or(b.len() - self.pos);
                continue;
            }
            match c {
                b'\n' if skip => self.pos += 1,
                b'&' => {
                    self.pos += 1;
                    let Some(r) = entities::decode(&b[self.pos..], false) else { return Token::Text("&") };
                    self.pos += r.len;
                    self.piece.clear();
                    r.push_to(&mut self.piece);
                    // `<pre>&#10;`: the line feed is dropped however it is written.
                    if skip && self.piece.starts_with('\n') {
                        self.piece.remove(0);
                        if self.piece.is_empty() {
                            continue;
                        }
                    }
                    return Token::Text(&self.piece);
                }
                b'\r' => {
                    self.pos += 1;
                    if b.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    if !skip {
                        return Token::Text("\n");
                    }
                }
                b'\0' => {
                    self.pos += 1;
                    return Token::Null;
                }
                _ => {
                    let rest = &b[self.pos..];
                    let mut end = memchr3(b'<', b'&', b'\r', rest).unwrap_or(rest.len());
                    if let Some(nul) = memchr(b'\0', &rest[..end]) {
                        end = nul;
                    }
                    let start = self.pos;
                    self.pos += end;
                    return Token::Text(&self.src[start..self.pos]);
                }
            }
        }
    }

    /// Drop a line feed that starts the next text (`<pre>`, `<listing>`).
    pub(crate) fn skip_next_lf(&mut self) {
        self.skip_lf = true;
    }

    /// What starts at the `<` at the current position (the position moves past it unless it
    /// is text).
    fn markup(&mut self, cdata: bool) -> Markup {
        let b = self.src.as_bytes();
        let at = self.pos;
        let tag = |lx: &mut Self, from: usize, end: bool| {
            if lx.read_tag(from, end) {
                Markup::Token(if end { Token::End } else { Token::Start })
            } else {
                // A tag cut off by the end of the page is dropped.
                lx.pos = b.len();
                Markup::Token(Token::Eof)
            }
        };
        match b.get(at + 1).copied() {
            Some(c) if c.is_ascii_alphabetic() => tag(self, at + 1, false),
            Some(b'/') => match b.get(at + 2).copied() {
                Some(c) if c.is_ascii_alphabetic() => tag(self, at + 2, true),
                Some(b'>') => {
                    self.pos = at + 3;
                    Markup::Nothing
                }
                Some(_) => {
                    self.pos = bogus_comment_end(b, at + 2);
                    Markup::Token(Token::Comment)
                }
                // `</` at the very end is text.
                None => Markup::Text,
            },
            Some(b'!') => {
                let rest = &b[at + 2..];
                if rest.starts_with(b"--") {
                    self.pos = comment_end(b, at + 4);
                    Markup::Token(Token::Comment)
                } else if rest.len() >= 7 && rest[..7].eq_ignore_ascii_case(b"doctype") {
                    self.pos = bogus_comment_end(b, at + 9);
                    Markup::Token(Token::Doctype)
                } else if cdata && rest.starts_with(b"[CDATA[") {
                    let start = at + 9;
                    let end = memchr::memmem::find(&b[start..], b"]]>").map_or(b.len(), |e| start + e);
                    self.pos = (end + 3).min(b.len());
                    self.raw.clear();
                    push_text(&mut self.raw, &self.src[start..end], References::Kept);
                    Markup::Cdata
                } else {
                    self.pos = bogus_comment_end(b, at + 2);
                    Markup::Token(Token::Comment)
                }
            }
            Some(b'?') => {
                self.pos = bogus_comment_end(b, at + 1);
                Markup::Token(Token::Comment)
            }
            _ => Markup::Text,
        }
    }

    /// Reads a tag whose name starts at `from` into [`Lexer::tag`], following the tokenizer's
    /// tag, attribute and self-closing states; `false` when the page ends inside it.
    fn read_tag(&mut self, from: usize, end_tag: bool) -> bool {
        let b = self.src.as_bytes();
        let len = b.len();
        let mut i = find_class(b, from, SPACE | ENDS_NAME);
        if i >= len {
            return false;
        }
        self.tag.clear();
        push_name(&mut self.tag.name, &self.src[from..i]);
        self.tag.id = self.names.name(self.tag.name.as_bytes());
        let collect = !end_tag && collects(self.tag.id);
        loop {
            // Before attribute name.
            while i < len && is_space(b[i]) {
                i += 1;
            }
            let Some(&c) = b.get(i) else { return false };
            match c {
                b'>' => {
                    self.pos = i + 1;
                    return true;
                }
                b'/' => {
                    // Self-closing start tag: anything but `>` is read again as the start of
                    // an attribute.
                    i += 1;
                    match b.get(i) {
                        None => return false,
                        Some(b'>') => {
                            self.tag.self_closing = true;
                            self.pos = i + 1;
                            return true;
                        }
                        Some(_) => continue,
                    }
                }
                _ => {}
            }
            // Attribute name: its first character may be anything, even `=`.
            let name_start = i;
            i = find_class(b, i + 1, SPACE | ENDS_NAME | EQUALS);
            let name_end = i;
            while i < len && is_space(b[i]) {
                i += 1;
            }
            if i >= len {
                return false;
            }
            let slot = if collect { Attr::of(&b[name_start..name_end]) } else { None }
                .filter(|a| self.tag.present & (1 << *a as u16) == 0);
            if b[i] != b'=' {
                // No value: the next attribute, `/` or `>` follows.
                if let Some(a) = slot {
                    self.tag.present |= 1 << a as u16;
                }
                continue;
            }
            i += 1;
            while i < len && is_space(b[i]) {
                i += 1;
            }
            let Some(&q) = b.get(i) else { return false };
            let (value, next) = match q {
                b'"' | b'\'' => {
                    let Some(close) = memchr(q, &b[i + 1..]) else { return false };
                    (i + 1..i + 1 + close, i + 2 + close)
                }
                // `a=>`: an empty value, and the tag ends.
                b'>' => (i..i, i),
                _ => {
                    // Unquoted: up to white space or `>` (a `/` or `=` belongs to the value).
                    let mut j = i;
                    while j < len && !is_space(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                    if j >= len {
                        return false;
                    }
                    (i..j, j)
                }
            };
            if let Some(a) = slot {
                self.tag.present |= 1 << a as u16;
                push_text(&mut self.tag.values[a as usize], &self.src[value], References::Attribute);
            }
            i = next;
        }
    }

    /// Reads the content of a raw-text element (its start tag just read) up to its end tag,
    /// which is consumed too. Returns the text (`None` unless `want`, or when empty) and whether
    /// the end tag was found (else the page ended first).
    pub(crate) fn raw_text(&mut self, kind: RawKind, want: bool) -> (Option<&str>, bool) {
        let b = self.src.as_bytes();
        let start = self.pos;
        let (end, found) = match kind {
            RawKind::Script => script_end(b, start),
            RawKind::Rcdata | RawKind::Rawtext => end_tag(b, start, self.tag.name.as_bytes()),
        };
        let skip_lf = std::mem::take(&mut self.skip_lf);
        // The end tag is read like any tag (its attributes may hold a `>` in quotes).
        let found = found && self.read_tag(end + 2, true);
        if !found {
            self.pos = b.len();
        }
        let mut text = &self.src[start..end];
        if skip_lf {
            text = text.strip_prefix("\r\n").or_else(|| text.strip_prefix(['\r', '\n'])).unwrap_or(text);
        }
        if !want || text.is_empty() {
            return (None, found);
        }
        self.raw.clear();
        let references = if kind == RawKind::Rcdata { References::Text } else { References::Kept };
        push_text(&mut self.raw, text, references);
        (Some(&self.raw), found)
    }

    /// The rest of the page, as text (after `<plaintext>`).
    pub(crate) fn plaintext(&mut self) -> &str {
        let start = self.pos;
        self.pos = self.src.len();
        self.raw.clear();
        push_text(&mut self.raw, &self.src[start..], References::Kept);
        &self.raw
    }
}

/// Appends a tag name, lower case, with U+0000 as U+FFFD.
fn push_name(out: &mut String, name: &str) {
    if name.contains('\0') {
        out.push_str(&name.replace('\0', "\u{fffd}"));
    } else {
        out.push_str(name);
    }
    out.make_ascii_lowercase();
}

/// How character references in a run of text are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum References {
    /// Not at all: raw text, CDATA, plain text.
    Kept,
    /// By the text rules (RCDATA: `<title>`, `<textarea>`).
    Text,
    /// By the attribute rules: a reference without its `;` followed by `=` or an alphanumeric
    /// is left as written.
    Attribute,
}

/// Appends text: CR and CRLF as LF, U+0000 as U+FFFD, and character references decoded by
/// `references`.
fn push_text(out: &mut String, text: &str, references: References) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let special = if references == References::Kept {
            memchr2(b'\r', b'\0', &b[i..])
        } else {
            memchr3(b'&', b'\r', b'\0', &b[i..])
        };
        let Some(k) = special else {
            out.push_str(&text[i..]);
            break;
        };
        out.push_str(&text[i..i + k]);
        i += k;
        match b[i] {
            b'&' => match entities::decode(&b[i + 1..], references == References::Attribute) {
                Some(r) => {
                    r.push_to(out);
                    i += 1 + r.len;
                }
                None => {
                    out.push('&');
                    i += 1;
                }
            },
            b'\r' => {
                out.push('\n');
                i += if b.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
            }
            _ => {
                out.push('\u{fffd}');
                i += 1;
            }
        }
    }
}

/// Where a comment whose text starts at `from` (just after `<!--`) ends: after `-->` or
/// `--!>`, or at once for `<!-->` and `<!--->`; the end of the page if never.
fn comment_end(b: &[u8], from: usize) -> usize {
    let rest = &b[from.min(b.len())..];
    if rest.starts_with(b">") {
        return from + 1;
    }
    if rest.starts_with(b"->") {
        return from + 2;
    }
    let mut i = 0;
    while let Some(k) = memchr(b'-', &rest[i..]) {
        let at = i + k;
        if rest[at..].starts_with(b"-->") {
            return from + at + 3;
        }
        if rest[at..].starts_with(b"--!>") {
            return from + at + 4;
        }
        i = at + 1;
    }
    b.len()
}

/// After the first `>` at or after `from` (bogus comments, doctypes), or the end of the page.
fn bogus_comment_end(b: &[u8], from: usize) -> usize {
    let from = from.min(b.len());
    memchr(b'>', &b[from..]).map_or(b.len(), |k| from + k + 1)
}

/// Whether `b[at..]` is `name` (ASCII case-insensitive) followed by white space, `/` or `>`:
/// an end tag that closes raw text.
fn closes(b: &[u8], at: usize, name: &[u8]) -> bool {
    b.get(at..at + name.len()).is_some_and(|n| n.eq_ignore_ascii_case(name))
        && b.get(at + name.len()).is_some_and(|c| is_space(*c) || matches!(c, b'/' | b'>'))
}

/// Where the end tag `</name` of RCDATA or RAWTEXT starting at `from` is, if anywhere.
fn end_tag(b: &[u8], from: usize, name: &[u8]) -> (usize, bool) {
    let mut i = from;
    while let Some(k) = memchr(b'<', &b[i..]) {
        let at = i + k;
        if b.get(at + 1) == Some(&b'/') && closes(b, at + 2, name) {
            return (at, true);
        }
        i = at + 1;
    }
    (b.len(), false)
}

/// The script data states between a script's start tag and its end.
#[derive(Clone, Copy)]
enum ScriptState {
    Data,
    Escaped,
    EscapedDash,
    EscapedDashDash,
    Double,
    DoubleDash,
    DoubleDashDash,
}

/// Where the script starting at `from` ends (the `<` of its `</script`), through the script
/// data states: inside `<!--`, a `<script` starts a "double escaped" stretch in which
/// `</script>` does not end the script, until `-->` or another `</script>`.
fn script_end(b: &[u8], from: usize) -> (usize, bool) {
    use ScriptState as S;
    let mut s = S::Data;
    let mut i = from;
    while i < b.len() {
        match s {
            S::Data => {
                let Some(k) = memchr(b'<', &b[i..]) else { break };
                i += k;
                if b.get(i + 1) == Some(&b'/') {
                    if closes(b, i + 2, b"script") {
                        return (i, true);
                    }
                    i += 2;
                } else if b[i + 1..].starts_with(b"!--") {
                    s = S::EscapedDashDash;
                    i += 4;
                } else {
                    i += 1;
                }
            }
            S::Escaped | S::Double => {
                let Some(k) = memchr2(b'-', b'<', &b[i..]) else { break };
                i += k;
                let escaped = matches!(s, S::Escaped);
                if b[i] == b'-' {
                    s = if escaped { S::EscapedDash } else { S::DoubleDash };
                    i += 1;
                } else {
                    (i, s) = match after_lt(b, i, escaped) {
                        Ok(state) => state,
                        Err(end) => return (end, true),
                    };
                }
            }
            S::EscapedDash | S::EscapedDashDash | S::DoubleDash | S::DoubleDashDash => {
                let escaped = matches!(s, S::EscapedDash | S::EscapedDashDash);
                let dash_dash = matches!(s, S::EscapedDashDash | S::DoubleDashDash);
                match b[i] {
                    b'-' => {
                        s = if escaped { S::EscapedDashDash } else { S::DoubleDashDash };
                        i += 1;
                    }
                    b'<' => {
                        (i, s) = match after_lt(b, i, escaped) {
                            Ok(state) => state,
                            Err(end) => return (end, true),
                        };
                    }
                    b'>' if dash_dash => {
                        s = S::Data;
                        i += 1;
                    }
                    _ => {
                        s = if escaped { S::Escaped } else { S::Double };
                        i += 1;
                    }
                }
            }
        }
    }
    (b.len(), false)
}

/// At a `<` in the escaped (or double escaped) states: where reading goes on and in which
/// state, or `Err` with where the script ends.
fn after_lt(b: &[u8], i: usize, escaped: bool) -> Result<(usize, ScriptState), usize> {
    use ScriptState as S;
    let letters = |at: usize| b.get(at..).map_or(0, |r| r.iter().take_while(|c| c.is_ascii_alphabetic()).count());
    let delimits = |at: usize| b.get(at).is_some_and(|c| is_space(*c) || matches!(c, b'/' | b'>'));
    let is_script = |at: usize, n: usize| n == 6 && b[at..at + n].eq_ignore_ascii_case(b"script");
    if escaped {
        match b.get(i + 1) {
            Some(b'/') if closes(b, i + 2, b"script") => Err(i),
            Some(b'/') => Ok((i + 2, S::Escaped)),
            Some(c) if c.is_ascii_alphabetic() => {
                let n = letters(i + 1);
                if delimits(i + 1 + n) {
                    Ok((i + 2 + n, if is_script(i + 1, n) { S::Double } else { S::Escaped }))
                } else {
                    Ok((i + 1 + n, S::Escaped))
                }
            }
            _ => Ok((i + 1, S::Escaped)),
        }
    } else if b.get(i + 1) == Some(&b'/') {
        let n = letters(i + 2);
        if delimits(i + 2 + n) {
            Ok((i + 3 + n, if is_script(i + 2, n) { S::Escaped } else { S::Double }))
        } else {
            Ok((i + 2 + n, S::Double))
        }
    } else {
        Ok((i + 1, S::Double))
    }
}
