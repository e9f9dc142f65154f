//! One pass over a page collecting the raw material metadata is read from, without building a
//! document: the tokenizer (`lexer.rs`) feeds the tree rules (`tree.rs`), which report elements
//! opening and closing to the collector here, which keeps what [`Raw`] holds.
//!
//! Linear in the page: the tokenizer reads each byte a bounded number of times, the tree rules
//! do constant work per tag (amortised), and the collector copies each character of text at most
//! twice. Memory is bounded by the page and the caps below (the stack by `tree::MAX_OPEN`).
//!
//! What the page says is read as html5ever would read it: the same elements open and close at
//! the same points, so the same text lands in the same places (the differential tests in
//! `scan_tests.rs` hold this against the document walk the scan used to be, `scan_dom.rs`).
//! Where the two may differ (a table's misplaced content, misnested formatting elements), see
//! `tree.rs`.

use super::lexer::{Attr, Lexer, RawKind, Tag, Token};
use super::names::{self, Name};
use super::tree::{Next, Ns, Sink, Tree};

/// Visible text kept for the signals, in bytes.
pub(crate) const MAX_TEXT: usize = 16 * 1024;
/// JSON-LD blocks kept, and the largest one read.
pub(crate) const MAX_LD_BLOCKS: usize = 32;
pub(crate) const MAX_LD_BYTES: usize = 512 * 1024;
/// Headings kept (h1–h3, in document order).
pub(crate) const MAX_HEADINGS: usize = 12;
/// `<meta>` elements kept.
pub(crate) const MAX_METAS: usize = 2000;
/// Longest title or heading text collected (checked before each text node is added).
const MAX_CAPTURE: usize = 8 * 1024;

/// What a page holds, before interpretation.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Raw {
    /// `(key, content)` for every `<meta>`: one entry per `name`, `property`, `itemprop` and
    /// `http-equiv` attribute, the key lower-cased.
    pub metas: Vec<(String, String)>,
    /// The first `<title>` outside SVG.
    pub title: Option<String>,
    /// The first `<h1>`.
    pub h1: Option<String>,
    /// The first h1–h3 headings.
    pub headings: Vec<String>,
    /// The first `<time datetime>` value.
    pub time: Option<String>,
    /// The first `<link rel=canonical href>`.
    pub canonical: Option<String>,
    /// `<html lang>`.
    pub lang: Option<String>,
    /// The text of each `<script type="application/ld+json">`.
    pub ld_json: Vec<String>,
    /// `<input type=password>` elements.
    pub password_inputs: usize,
    /// Visible text (outside scripts, styles and the head), capped at [`MAX_TEXT`] bytes.
    pub text: String,
    /// Words of visible text: all of them, or (see [`Reading`]) at least
    /// [`signals::WORDS_COMPARED`](super::signals::WORDS_COMPARED) once there are that many.
    pub words: usize,
}

impl Raw {
    /// The content of the first meta with one of these keys (lower case), non-empty.
    pub fn meta(&self, keys: &[&str]) -> Option<&str> {
        keys.iter()
            .find_map(|k| self.metas.iter().find(|(mk, v)| mk == k && !v.trim().is_empty()).map(|(_, v)| v.trim()))
    }

    /// Every non-empty content of metas with this key.
    pub fn metas_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.metas.iter().filter(move |(k, v)| k == key && !v.trim().is_empty()).map(|(_, v)| v.trim())
    }
}

/// How much of the visible text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// What the signals need: visible words are counted only up to
    /// [`signals::WORDS_COMPARED`](super::signals::WORDS_COMPARED), the most they compare with
    /// (after that, text is skipped unread unless a title or heading is being collected).
    Enough,
    /// All of it (for the tests, which compare with the document walk).
    #[cfg_attr(not(test), allow(dead_code))]
    All,
}

/// Reads a page (the caller bounds its size).
pub(crate) fn scan(html: &str, reading: Reading) -> Raw {
    let mut lexer = Lexer::new(html);
    let mut tree = Tree::new();
    let mut c = Collector::new(reading);
    loop {
        if tree.full {
            break;
        }
        let want = tree.wants_text() || c.wants_text();
        let cdata = tree.foreign();
        match lexer.next(want, cdata) {
            Token::Text(t) => tree.text(t, &mut c),
            Token::Null => tree.null(&mut c),
            Token::Comment => tree.comment(&mut c),
            Token::Doctype => {}
            Token::Eof => break,
            Token::End => tree.end(lexer.tag.id, &mut c),
            Token::Start => match tree.start(&lexer.tag, lexer.tag.id, &mut c) {
                Next::Data => {}
                Next::DataSkipLf => lexer.skip_next_lf(),
                Next::Raw(kind) => raw_text(&mut lexer, &mut tree, &mut c, kind),
                Next::RawSkipLf(kind) => {
                    lexer.skip_next_lf();
                    raw_text(&mut lexer, &mut tree, &mut c, kind);
                }
                Next::Plaintext => {
                    let text = lexer.plaintext();
                    if !text.is_empty() {
                        tree.text(text, &mut c);
                    }
                }
            },
        }
    }
    tree.eof(&mut c);
    c.finish()
}

/// The content of a raw-text element just opened, then its end.
fn raw_text(lexer: &mut Lexer<'_>, tree: &mut Tree, c: &mut Collector, kind: RawKind) {
    let (text, ended) = lexer.raw_text(kind, c.wants_text());
    if let Some(text) = text {
        c.text(text);
    }
    if ended {
        tree.end_raw(c);
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Capture {
    None,
    Title,
    Heading,
}

/// Keeps what [`Raw`] holds as elements open and close, as the document walk did: text is
/// gathered per text node (between two element boundaries), then handed out as the walk
/// handed out a text node.
struct Collector {
    raw: Raw,
    reading: Reading,
    /// Depth inside elements whose text is not page text (scripts, styles, SVG…).
    hidden: usize,
    in_head: bool,
    capture: Capture,
    buf: String,
    ld: Option<String>,
    title_seen: bool,
    last_was_space: bool,
    /// The text node being read.
    node: String,
    /// The root's `lang` and `xml:lang` (the first of each among `<html>` tags).
    root_lang: Option<String>,
    root_xml_lang: Option<String>,
    /// `lang` of the first SVG or MathML element named `html` that has one.
    foreign_lang: Option<String>,
    /// What was collected when the body opened (a frameset may take the body away again).
    at_body: Option<Checkpoint>,
}

/// What the collector held when the body opened.
struct Checkpoint {
    metas: usize,
    ld_json: usize,
    headings: usize,
    title: Option<String>,
    title_seen: bool,
    h1: Option<String>,
    time: Option<String>,
    canonical: Option<String>,
    password_inputs: usize,
    foreign_lang: Option<String>,
}

impl Collector {
    fn new(reading: Reading) -> Collector {
        Collector {
            raw: Raw::default(),
            reading,
            hidden: 0,
            in_head: false,
            capture: Capture::None,
            buf: String::new(),
            ld: None,
            title_seen: false,
            last_was_space: true,
            node: String::new(),
            root_lang: None,
            root_xml_lang: None,
            foreign_lang: None,
            at_body: None,
        }
    }

    /// Whether text here is read at all (otherwise the tokenizer skips it).
    fn wants_text(&self) -> bool {
        self.ld.is_some()
            || (self.hidden == 0
                && (self.capture != Capture::None
                    || (!self.in_head
                        && (self.reading == Reading::All || self.raw.words < super::signals::WORDS_COMPARED))))
    }

    /// The text node ends: hand it out.
    fn flush(&mut self) {
        if self.node.is_empty() {
            return;
        }
        let t = std::mem::take(&mut self.node);
        self.text_node(&t);
        // Keep the allocation for the next node.
        self.node = t;
        self.node.clear();
    }

    fn text_node(&mut self, t: &str) {
        if let Some(block) = self.ld.as_mut() {
            if block.len() + t.len() <= MAX_LD_BYTES {
                block.push_str(t);
            }
            return;
        }
        if self.hidden > 0 {
            return;
        }
        match self.capture {
            Capture::Title => {
                if self.buf.len() < MAX_CAPTURE {
                    self.buf.push_str(t);
                }
                return;
            }
            Capture::Heading => {
                if self.buf.len() < MAX_CAPTURE {
                    self.buf.push_str(t);
                }
            }
            Capture::None => {}
        }
        if !self.in_head {
            push_text(&mut self.raw, t, &mut self.last_was_space);
        }
    }

    fn finish(mut self) -> Raw {
        self.flush();
        // A page cut off inside its <title> still has a title.
        if self.raw.title.is_none() && self.capture == Capture::Title {
            self.raw.title = Some(std::mem::take(&mut self.buf));
        }
        self.raw.lang = self.root_lang.take().or(self.root_xml_lang.take()).or(self.foreign_lang.take());
        self.raw
    }
}

fn hides(name: Name) -> bool {
    matches!(
        name,
        names::SCRIPT
            | names::STYLE
            | names::NOSCRIPT
            | names::TEMPLATE
            | names::SVG
            | names::MATH
            | names::IFRAME
            | names::OBJECT
            | names::SELECT
            | names::TEXTAREA
    )
}

impl Sink for Collector {
    fn open(&mut self, name: Name, ns: Ns, tag: Option<&Tag>) {
        self.flush();
        let attr = |a: Attr| tag.and_then(|t| t.attr(a));
        if hides(name) {
            self.hidden += 1;
            if name == names::SCRIPT
                && self.ld.is_none()
                && attr(Attr::Type).is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
            {
                self.ld = Some(String::new());
            }
        }
        match name {
            // The root's attributes arrive through `html_attrs`.
            names::HTML if ns != Ns::Html && self.foreign_lang.is_none() => {
                self.foreign_lang = attr(Attr::Lang).map(str::to_string);
            }
            names::HEAD => self.in_head = true,
            names::BODY if ns == Ns::Html && self.at_body.is_none() => {
                let r = &self.raw;
                self.at_body = Some(Checkpoint {
                    metas: r.metas.len(),
                    ld_json: r.ld_json.len(),
                    headings: r.headings.len(),
                    title: r.title.clone(),
                    title_seen: self.title_seen,
                    h1: r.h1.clone(),
                    time: r.time.clone(),
                    canonical: r.canonical.clone(),
                    password_inputs: r.password_inputs,
                    foreign_lang: self.foreign_lang.clone(),
                });
            }
            names::TITLE if self.hidden == 0 && !self.title_seen && self.capture == Capture::None => {
                self.title_seen = true;
                self.capture = Capture::Title;
                self.buf.clear();
            }
            names::H1 | names::H2 | names::H3 if self.hidden == 0 && self.capture == Capture::None => {
                self.capture = Capture::Heading;
                self.buf.clear();
            }
            names::META if self.raw.metas.len() < MAX_METAS => {
                let content = attr(Attr::Content).unwrap_or("");
                for key in [Attr::Name, Attr::Property, Attr::Itemprop, Attr::HttpEquiv] {
                    if let Some(k) = attr(key) {
                        let k = k.trim().to_ascii_lowercase();
                        if !k.is_empty() {
                            self.raw.metas.push((k, content.to_string()));
                        }
                    }
                }
                // `<meta itemprop=datePublished datetime=…>` in some templates.
                if let (Some(k), Some(dt)) = (attr(Attr::Itemprop), attr(Attr::Datetime)) {
                    self.raw.metas.push((k.trim().to_ascii_lowercase(), dt.to_string()));
                }
            }
            names::LINK if self.raw.canonical.is_none() => {
                let canonical = attr(Attr::Rel)
                    .is_some_and(|r| r.split_ascii_whitespace().any(|t| t.eq_ignore_ascii_case("canonical")));
                if canonical {
                    self.raw.canonical = attr(Attr::Href).map(|h| h.trim().to_string()).filter(|h| !h.is_empty());
                }
            }
            names::TIME if self.raw.time.is_none() => {
                self.raw.time = attr(Attr::Datetime).map(|d| d.trim().to_string()).filter(|d| !d.is_empty());
            }
            names::INPUT if attr(Attr::Type).is_some_and(|t| t.trim().eq_ignore_ascii_case("password")) => {
                self.raw.password_inputs += 1;
            }
            _ => {}
        }
    }

    fn close(&mut self, name: Name, _ns: Ns) {
        self.flush();
        if hides(name) {
            self.hidden = self.hidden.saturating_sub(1);
            if name == names::SCRIPT {
                if let Some(text) = self.ld.take() {
                    if self.raw.ld_json.len() < MAX_LD_BLOCKS {
                        self.raw.ld_json.push(text);
                    }
                }
            }
        }
        if name == names::HEAD {
            self.in_head = false;
        }
        match (self.capture, name) {
            (Capture::Title, names::TITLE) => {
                self.raw.title = Some(std::mem::take(&mut self.buf));
                self.capture = Capture::None;
            }
            (Capture::Heading, names::H1 | names::H2 | names::H3) => {
                let text = std::mem::take(&mut self.buf);
                if name == names::H1 && self.raw.h1.is_none() && !text.trim().is_empty() {
                    self.raw.h1 = Some(text.clone());
                }
                if self.raw.headings.len() < MAX_HEADINGS && !text.trim().is_empty() {
                    self.raw.headings.push(text);
                }
                self.capture = Capture::None;
            }
            _ => {}
        }
        if matches!(
            name,
            names::P
                | names::DIV
                | names::BR
                | names::LI
                | names::TD
                | names::H1
                | names::H2
                | names::H3
                | names::H4
                | names::SECTION
                | names::ARTICLE
        ) {
            push_text(&mut self.raw, " ", &mut self.last_was_space);
        }
    }

    fn text(&mut self, text: &str) {
        if self.wants_text() {
            self.node.push_str(text);
        }
    }

    fn comment(&mut self) {
        self.flush();
    }

    fn body_removed(&mut self) {
        let Some(at) = self.at_body.take() else { return };
        let r = &mut self.raw;
        r.metas.truncate(at.metas);
        r.ld_json.truncate(at.ld_json);
        r.headings.truncate(at.headings);
        (r.title, r.h1, r.time, r.canonical, r.password_inputs) =
            (at.title, at.h1, at.time, at.canonical, at.password_inputs);
        self.title_seen = at.title_seen;
        self.foreign_lang = at.foreign_lang;
    }

    fn html_attrs(&mut self, tag: &Tag) {
        if self.root_lang.is_none() {
            self.root_lang = tag.attr(Attr::Lang).map(str::to_string);
        }
        if self.root_xml_lang.is_none() {
            self.root_xml_lang = tag.attr(Attr::XmlLang).map(str::to_string);
        }
    }
}

fn push_text(raw: &mut Raw, t: &str, last_was_space: &mut bool) {
    for word in t.split_whitespace() {
        raw.words += 1;
        if raw.text.len() + word.len() < MAX_TEXT {
            if !*last_was_space {
                raw.text.push(' ');
            }
            raw.text.push_str(word);
            *last_was_space = false;
        }
    }
    if t.ends_with(char::is_whitespace) && !raw.text.is_empty() && !*last_was_space {
        raw.text.push(' ');
        *last_was_space = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Raw {
        let all = scan(s, Reading::All);
        // The document walk reads these tests' pages the same way.
        assert_eq!(all, super::super::scan_dom::scan_unbounded(s), "{s}");
        all
    }

    #[test]
    fn reads_head_and_body() {
        let r = raw(
            r#"<html lang="en"><head><title>T &amp; U</title><meta property="og:title" content="O"><meta name="Author" content="A">
            <link rel="Canonical" href="/x"><script type="application/ld+json">{"a":1}</script></head>
            <body><svg><title>svg</title></svg><h1>Head <span>line</span></h1><script>var x;</script><p>Some words here.</p>
            <time datetime="2025-03-23">x</time><input type=password></body></html>"#,
        );
        assert_eq!(r.title.as_deref(), Some("T & U"));
        assert_eq!(r.meta(&["og:title"]), Some("O"));
        assert_eq!(r.meta(&["author"]), Some("A"));
        assert_eq!(r.canonical.as_deref(), Some("/x"));
        assert_eq!(r.ld_json, [r#"{"a":1}"#]);
        assert_eq!(r.h1.as_deref(), Some("Head line"));
        assert_eq!(r.time.as_deref(), Some("2025-03-23"));
        assert_eq!(r.lang.as_deref(), Some("en"));
        assert_eq!(r.password_inputs, 1);
        assert!(r.text.contains("Some words here."), "{:?}", r.text);
        assert!(!r.text.contains("var x"));
    }

    #[test]
    fn truncated_title_is_kept() {
        assert_eq!(raw("<html><head><title>Cut off he").title.as_deref(), Some("Cut off he"));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        // The parser nests them all; the walk must not recurse.
        let s = "<div>".repeat(3_000) + "deep";
        assert_eq!(raw(&s).words, 1);
    }
}
