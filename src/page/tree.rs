//! The page scanner's tree construction: the HTML standard's insertion modes and stack of open
//! elements (as html5ever implements them), kept only as far as they decide which element is
//! open when — which is all the page scan reads — and reported to a [`Sink`] as the elements
//! open and close, instead of building a document.
//!
//! Followed: implied `<html>`, `<head>`, `<body>`; what goes in the head and what ends it;
//! implied end tags (`<p>`, `<li>`, `<dd>`, headings, options, table cells and rows); end tags
//! matched within their scope, or ignored; SVG and MathML (their own elements, the HTML tags that
//! break out of them, integration points); `<template>`; `<frameset>`.
//!
//! Approximated (the tree differs, never what a page says about itself in its head; see the
//! differential tests in `scan_tests.rs`): text or elements misplaced in a table are kept where
//! they are written rather than moved before the table (foster parenting); formatting elements
//! closed across a block (`<b><p>x</b>`) are dropped from the stack rather than re-parented and
//! re-opened (the adoption agency); quirks mode (a `<table>` closes an open `<p>` even without a
//! doctype). A `<frameset>` takes away a body already started only as far as the sink undoes it
//! ([`Sink::body_removed`]).
//!
//! Linear whatever the nesting: every element is pushed and popped once, and each question the
//! rules ask of the stack ("is there a `<p>` in button scope?", "the topmost `<li>` above any
//! special element") is answered from chains that link each open element to the one below it
//! with the same name, or in the same category, so none walks the stack. The stack itself is
//! bounded by [`MAX_OPEN`]: deeper, the page is read as if it ended there.

use super::lexer::{Attr, RawKind, Tag};
use super::names::*;

/// Elements open at once, at most (about 4 MB of stack); real pages nest a few dozen.
pub(crate) const MAX_OPEN: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    Html,
    Svg,
    MathMl,
}

/// What hears about the elements as they open and close.
pub(crate) trait Sink {
    /// An element opens (and, for void elements and self-closing foreign ones, closes at once).
    /// `tag` is its start tag, absent for implied elements.
    fn open(&mut self, name: Name, ns: Ns, tag: Option<&Tag>);
    fn close(&mut self, name: Name, ns: Ns);
    /// Text appended to the current element.
    fn text(&mut self, text: &str);
    /// A comment: the current text node ends.
    fn comment(&mut self);
    /// The attributes of an `<html>` start tag, kept on the root element where it lacks them.
    fn html_attrs(&mut self, tag: &Tag);
    /// A `<frameset>` took the body out of the document, with all it held (it can hold no text,
    /// only elements such as `<meta>` or `<script>`).
    fn body_removed(&mut self);
}

/// What the tokenizer reads after a start tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    Data,
    /// Data, without a line feed that starts it (`<pre>`, `<listing>`).
    DataSkipLf,
    Raw(RawKind),
    /// `<textarea>`: RCDATA without a line feed that starts it.
    RawSkipLf(RawKind),
    Plaintext,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Initial,
    BeforeHtml,
    BeforeHead,
    InHead,
    AfterHead,
    InBody,
    InTable,
    InCaption,
    InTableBody,
    InRow,
    InCell,
    InTemplate,
    InFrameset,
    AfterFrameset,
}

const NONE: u32 = u32::MAX;

// The chains: each element is linked to the one below it in every chain it belongs to.
const SPECIAL: usize = 0;
/// Elements that bound the default scope.
const SCOPE: usize = 1;
/// Elements that bound the table scope.
const TABLE_SCOPE: usize = 2;
/// Special elements other than `address`, `div`, `p` (where the search for a `<li>` to close
/// stops).
const LIST_STOP: usize = 3;
/// Elements that put a marker in the list of active formatting elements.
const MARKER: usize = 4;
/// Elements that decide the insertion mode when it is reset.
const RESET: usize = 5;
/// HTML elements (as opposed to SVG and MathML).
const HTML_NS: usize = 6;
const CHAINS: usize = 7;

const DEAD: u16 = 1 << 8;
/// Closing this element also closes the `<head>` it was put back into (after `</head>`).
const CLOSES_HEAD: u16 = 1 << 9;
/// An HTML integration point (SVG `foreignObject`, `desc`, `title`).
const HTML_POINT: u16 = 1 << 10;
/// A MathML text integration point (`mi`, `mo`, `mn`, `ms`, `mtext`).
const TEXT_POINT: u16 = 1 << 11;
const ANNOTATION: u16 = 1 << 12;

#[derive(Clone, Copy)]
struct Entry {
    name: Name,
    ns: Ns,
    flags: u16,
    prev_name: u32,
    prev: [u32; CHAINS],
}

fn is_special(n: Name) -> bool {
    matches!(
        n,
        ADDRESS
            | APPLET
            | AREA
            | ARTICLE
            | ASIDE
            | BASE
            | BASEFONT
            | BGSOUND
            | BLOCKQUOTE
            | BODY
            | BR
            | BUTTON
            | CAPTION
            | CENTER
            | COL
            | COLGROUP
            | DD
            | DETAILS
            | DIR
            | DIV
            | DL
            | DT
            | EMBED
            | FIELDSET
            | FIGCAPTION
            | FIGURE
            | FOOTER
            | FORM
            | FRAME
            | FRAMESET
            | H1
            | H2
            | H3
            | H4
            | H5
            | H6
            | HEAD
            | HEADER
            | HGROUP
            | HR
            | HTML
            | IFRAME
            | IMG
            | INPUT
            | ISINDEX
            | LI
            | LINK
            | LISTING
            | MAIN
            | MARQUEE
            | MENU
            | META
            | NAV
            | NOEMBED
            | NOFRAMES
            | NOSCRIPT
            | OBJECT
            | OL
            | P
            | PARAM
            | PLAINTEXT
            | PRE
            | SCRIPT
            | SECTION
            | SELECT
            | SOURCE
            | STYLE
            | SUMMARY
            | TABLE
            | TBODY
            | TD
            | TEMPLATE
            | TEXTAREA
            | TFOOT
            | TH
            | THEAD
            | TITLE
            | TR
            | TRACK
            | UL
            | WBR
            | XMP
    )
}

fn is_heading(n: Name) -> bool {
    matches!(n, H1 | H2 | H3 | H4 | H5 | H6)
}

/// Implied end tags (the "cursory" set).
fn ends_implied(n: Name) -> bool {
    matches!(n, DD | DT | LI | OPTION | OPTGROUP | P | RB | RP | RT | RTC)
}

/// Start tags that end SVG or MathML content (`<font>` only with `color`, `face` or `size`).
fn breaks_out(n: Name, tag: &Tag) -> bool {
    matches!(
        n,
        B | BIG
            | BLOCKQUOTE
            | BODY
            | BR
            | CENTER
            | CODE
            | DD
            | DIV
            | DL
            | DT
            | EM
            | EMBED
            | H1
            | H2
            | H3
            | H4
            | H5
            | H6
            | HEAD
            | HR
            | I
            | IMG
            | LI
            | LISTING
            | MENU
            | META
            | NOBR
            | OL
            | P
            | PRE
            | RUBY
            | S
            | SMALL
            | SPAN
            | STRONG
            | STRIKE
            | SUB
            | SUP
            | TABLE
            | TT
            | U
            | UL
            | VAR
    ) || (n == FONT && [Attr::Color, Attr::Face, Attr::Size].iter().any(|a| tag.attr(*a).is_some()))
}

fn is_table_part(n: Name) -> bool {
    matches!(n, CAPTION | COL | COLGROUP | TBODY | TD | TFOOT | TH | THEAD | TR)
}

pub(crate) struct Tree {
    stack: Vec<Entry>,
    heads: [u32; CHAINS],
    /// The topmost open element of each name and namespace (`name * 3 + ns`).
    name_heads: Vec<u32>,
    mode: Mode,
    head_seen: bool,
    frameset_ok: bool,
    /// The form element pointer: `Some(index)` while that form is open, `Some(NONE)` once set
    /// to a form already closed.
    form: Option<u32>,
    /// The page nests deeper than [`MAX_OPEN`]: reading stops.
    pub(crate) full: bool,
}

impl Tree {
    pub(crate) fn new() -> Tree {
        Tree {
            stack: Vec::new(),
            heads: [NONE; CHAINS],
            name_heads: vec![NONE; KNOWN as usize * 3],
            mode: Mode::Initial,
            head_seen: false,
            frameset_ok: true,
            form: None,
            full: false,
        }
    }

    /// Text here decides where the head ends, so the tokenizer must pass it on even when the
    /// sink does not read it.
    pub(crate) fn wants_text(&self) -> bool {
        matches!(self.mode, Mode::Initial | Mode::BeforeHtml | Mode::BeforeHead | Mode::InHead | Mode::AfterHead)
    }

    /// `<![CDATA[` is a CDATA section here (the current element is SVG or MathML).
    pub(crate) fn foreign(&self) -> bool {
        self.stack.last().is_some_and(|e| e.ns != Ns::Html)
    }

    // ---- the stack and its chains ----

    fn chains(name: Name, ns: Ns) -> u16 {
        let mut f = 0u16;
        let html = ns == Ns::Html;
        if html {
            f |= 1 << HTML_NS;
            if is_special(name) {
                f |= 1 << SPECIAL;
                if !matches!(name, ADDRESS | DIV | P) {
                    f |= 1 << LIST_STOP;
                }
            }
            if matches!(name, APPLET | CAPTION | HTML | TABLE | TD | TH | MARQUEE | OBJECT | SELECT | TEMPLATE) {
                f |= 1 << SCOPE;
            }
            if matches!(name, HTML | TABLE | TEMPLATE) {
                f |= 1 << TABLE_SCOPE;
            }
            if matches!(name, APPLET | CAPTION | TD | TH | MARQUEE | OBJECT | TEMPLATE) {
                f |= 1 << MARKER;
            }
            if matches!(
                name,
                TD | TH
                    | TR
                    | TBODY
                    | THEAD
                    | TFOOT
                    | CAPTION
                    | COLGROUP
                    | TABLE
                    | TEMPLATE
                    | HEAD
                    | BODY
                    | FRAMESET
                    | HTML
            ) {
                f |= 1 << RESET;
            }
        } else if matches!(
            (ns, name),
            (Ns::MathMl, MI | MO | MN | MS | MTEXT) | (Ns::Svg, FOREIGNOBJECT | DESC | TITLE)
        ) {
            // Integration points bound the default scope too.
            f |= 1 << SCOPE;
        }
        f
    }

    fn name_key(name: Name, ns: Ns) -> usize {
        name as usize * 3 + ns as usize
    }

    fn name_head(&self, name: Name, ns: Ns) -> u32 {
        self.name_heads.get(Self::name_key(name, ns)).copied().unwrap_or(NONE)
    }

    /// The topmost live element in a chain.
    fn top(&mut self, chain: usize) -> u32 {
        loop {
            let h = self.heads[chain];
            if h == NONE || self.stack[h as usize].flags & DEAD == 0 {
                return h;
            }
            self.heads[chain] = self.stack[h as usize].prev[chain];
        }
    }

    /// The topmost live HTML element with this name.
    fn top_named(&mut self, name: Name) -> u32 {
        let key = Self::name_key(name, Ns::Html);
        loop {
            let h = self.name_heads.get(key).copied().unwrap_or(NONE);
            if h == NONE || self.stack[h as usize].flags & DEAD == 0 {
                return h;
            }
            self.name_heads[key] = self.stack[h as usize].prev_name;
        }
    }

    fn has(&mut self, name: Name) -> bool {
        self.top_named(name) != NONE
    }

    /// `idx` (an open element) is in scope: no scope boundary is above it. `extra` names more
    /// boundaries (`button` for the button scope, `ol` and `ul` for the list item scope).
    fn in_scope_at(&mut self, idx: u32, chain: usize, extra: &[Name]) -> bool {
        if idx == NONE {
            return false;
        }
        let mut bound = self.top(chain);
        for n in extra {
            let t = self.top_named(*n);
            if t != NONE && (bound == NONE || t > bound) {
                bound = t;
            }
        }
        bound == NONE || idx >= bound
    }

    fn in_scope(&mut self, name: Name) -> bool {
        let t = self.top_named(name);
        self.in_scope_at(t, SCOPE, &[])
    }

    fn in_table_scope(&mut self, name: Name) -> bool {
        let t = self.top_named(name);
        self.in_scope_at(t, TABLE_SCOPE, &[])
    }

    fn in_button_scope(&mut self, name: Name) -> bool {
        let t = self.top_named(name);
        self.in_scope_at(t, SCOPE, &[BUTTON])
    }

    fn current(&self) -> Option<&Entry> {
        self.stack.last()
    }

    fn current_is(&self, name: Name) -> bool {
        self.current().is_some_and(|e| e.ns == Ns::Html && e.name == name)
    }

    fn current_in(&self, f: impl Fn(Name) -> bool) -> bool {
        self.current().is_some_and(|e| e.ns == Ns::Html && f(e.name))
    }

    /// Pushes an element (`false` when the stack is full: reading stops).
    fn push(&mut self, name: Name, ns: Ns, tag: Option<&Tag>, flags: u16, sink: &mut impl Sink) -> bool {
        if self.stack.len() >= MAX_OPEN {
            self.full = true;
            return false;
        }
        let idx = self.stack.len() as u32;
        let chains = Self::chains(name, ns);
        let mut e = Entry { name, ns, flags: chains | flags, prev_name: NONE, prev: [NONE; CHAINS] };
        for c in 0..CHAINS {
            if chains & (1 << c) != 0 {
                e.prev[c] = self.heads[c];
                self.heads[c] = idx;
            }
        }
        let key = Self::name_key(name, ns);
        if key >= self.name_heads.len() {
            self.name_heads.resize(key + 3, NONE);
        }
        e.prev_name = self.name_heads[key];
        self.name_heads[key] = idx;
        self.stack.push(e);
        sink.open(name, ns, tag);
        true
    }

    fn void(&mut self, name: Name, ns: Ns, tag: Option<&Tag>, sink: &mut impl Sink) {
        sink.open(name, ns, tag);
        sink.close(name, ns);
    }

    /// Takes the top entry off the stack, unlinking it from its chains.
    fn pop_entry(&mut self) -> Option<Entry> {
        let e = self.stack.pop()?;
        let idx = self.stack.len() as u32;
        for c in 0..CHAINS {
            if e.flags & (1 << c) != 0 && self.heads[c] == idx {
                self.heads[c] = e.prev[c];
            }
        }
        let key = Self::name_key(e.name, e.ns);
        if self.name_heads[key] == idx {
            self.name_heads[key] = e.prev_name;
        }
        if self.form == Some(idx) {
            self.form = Some(NONE);
        }
        Some(e)
    }

    fn pop(&mut self, sink: &mut impl Sink) {
        let Some(e) = self.pop_entry() else { return };
        if e.flags & DEAD == 0 {
            sink.close(e.name, e.ns);
            if e.flags & CLOSES_HEAD != 0 {
                sink.close(HEAD, Ns::Html);
            }
        }
        // Elements taken off the stack while others were above them go silently.
        while self.stack.last().is_some_and(|e| e.flags & DEAD != 0) {
            self.pop_entry();
        }
    }

    /// Pops elements up to and including `idx`.
    fn pop_to(&mut self, idx: u32, sink: &mut impl Sink) {
        if idx == NONE {
            return;
        }
        while self.stack.len() > idx as usize {
            self.pop(sink);
        }
    }

    /// Takes the element at `idx` off the stack, leaving those above it open.
    fn remove(&mut self, idx: u32, sink: &mut impl Sink) {
        if idx as usize + 1 == self.stack.len() {
            self.pop(sink);
        } else if let Some(e) = self.stack.get_mut(idx as usize) {
            e.flags |= DEAD;
        }
    }

    fn generate_implied_end(&mut self, except: Option<Name>, sink: &mut impl Sink) {
        while self.current_in(|n| ends_implied(n) && Some(n) != except) {
            self.pop(sink);
        }
    }

    fn generate_all_implied_end(&mut self, sink: &mut impl Sink) {
        while self
            .current_in(|n| ends_implied(n) || matches!(n, CAPTION | COLGROUP | TBODY | TD | TFOOT | TH | THEAD | TR))
        {
            self.pop(sink);
        }
    }

    fn close_p_in_button_scope(&mut self, sink: &mut impl Sink) {
        if self.in_button_scope(P) {
            self.generate_implied_end(Some(P), sink);
            let p = self.top_named(P);
            self.pop_to(p, sink);
        }
    }

    /// Pops until the current element is one of `names` (or the root).
    fn clear_to(&mut self, names: &[Name], sink: &mut impl Sink) {
        while self.stack.len() > 1 && !self.current_in(|n| n == HTML || names.contains(&n)) {
            self.pop(sink);
        }
    }

    fn template_open(&mut self) -> bool {
        self.has(TEMPLATE)
    }

    fn reset_mode(&mut self) {
        let top = self.top(RESET);
        self.mode = match self.stack.get(top as usize).map(|e| e.name) {
            Some(TD | TH) if top > 0 => Mode::InCell,
            Some(TR) => Mode::InRow,
            Some(TBODY | THEAD | TFOOT) => Mode::InTableBody,
            Some(CAPTION) => Mode::InCaption,
            Some(COLGROUP | TABLE) => Mode::InTable,
            Some(TEMPLATE) => Mode::InTemplate,
            Some(HEAD) if top > 0 => Mode::InHead,
            Some(FRAMESET) => Mode::InFrameset,
            Some(HTML) if self.head_seen => Mode::AfterHead,
            Some(HTML) => Mode::BeforeHead,
            _ => Mode::InBody,
        };
    }

    // ---- tokens ----

    /// Text in the current mode.
    pub(crate) fn text(&mut self, mut text: &str, sink: &mut impl Sink) {
        if self.text_is_foreign() {
            if !is_blank(text) {
                self.frameset_ok = false;
            }
            sink.text(text);
            return;
        }
        loop {
            match self.mode {
                Mode::Initial | Mode::BeforeHtml | Mode::BeforeHead => {
                    text = text.trim_start_matches(is_html_space);
                    if text.is_empty() {
                        return;
                    }
                    self.implied_before_text(sink);
                }
                Mode::InHead | Mode::AfterHead => {
                    let rest = text.trim_start_matches(is_html_space);
                    let blank = &text[..text.len() - rest.len()];
                    if !blank.is_empty() {
                        sink.text(blank);
                    }
                    if rest.is_empty() {
                        return;
                    }
                    text = rest;
                    self.implied_before_text(sink);
                }
                Mode::InFrameset | Mode::AfterFrameset => return,
                _ => {
                    if !is_blank(text) {
                        self.frameset_ok = false;
                    }
                    sink.text(text);
                    return;
                }
            }
            if self.full {
                return;
            }
        }
    }

    /// What a character that is not white space implies before the body: the elements that
    /// were left out, one mode at a time.
    fn implied_before_text(&mut self, sink: &mut impl Sink) {
        match self.mode {
            Mode::Initial => self.mode = Mode::BeforeHtml,
            Mode::BeforeHtml => {
                self.push(HTML, Ns::Html, None, 0, sink);
                self.mode = Mode::BeforeHead;
            }
            Mode::BeforeHead => {
                self.push(HEAD, Ns::Html, None, 0, sink);
                self.head_seen = true;
                self.mode = Mode::InHead;
            }
            Mode::InHead => {
                self.pop(sink);
                self.mode = Mode::AfterHead;
            }
            Mode::AfterHead => {
                self.push(BODY, Ns::Html, None, 0, sink);
                self.mode = Mode::InBody;
            }
            _ => {}
        }
    }

    /// A U+0000 in text.
    pub(crate) fn null(&mut self, sink: &mut impl Sink) {
        if self.text_is_foreign() {
            sink.text("\u{fffd}");
            return;
        }
        // Before the body it is "anything else" (it ends the head); in HTML it is dropped.
        while self.wants_text() && !self.full {
            self.implied_before_text(sink);
        }
    }

    fn text_is_foreign(&self) -> bool {
        self.current().is_some_and(|e| e.ns != Ns::Html && e.flags & (HTML_POINT | TEXT_POINT) == 0)
    }

    pub(crate) fn comment(&mut self, sink: &mut impl Sink) {
        sink.comment();
    }

    /// A start tag; says what the tokenizer reads next.
    pub(crate) fn start(&mut self, tag: &Tag, name: Name, sink: &mut impl Sink) -> Next {
        if let Some(cur) = self.current().copied() {
            // Start tags in a MathML text integration point (but `mglyph`, `malignmark`), in
            // an SVG HTML integration point, and `<svg>` in `annotation-xml` follow the HTML
            // rules.
            let html_rules = (cur.flags & TEXT_POINT != 0 && !matches!(name, MGLYPH | MALIGNMARK))
                || cur.flags & HTML_POINT != 0
                || (cur.flags & ANNOTATION != 0 && name == SVG);
            let foreign = cur.ns != Ns::Html && !html_rules;
            if foreign {
                if breaks_out(name, tag) {
                    self.pop_foreign(sink);
                } else {
                    self.foreign_element(tag, name, cur.ns, sink);
                    return Next::Data;
                }
            }
        }
        self.start_in(tag, name, sink)
    }

    /// Pops SVG and MathML elements down to an HTML element, a MathML text integration point
    /// or an SVG HTML integration point.
    fn pop_foreign(&mut self, sink: &mut impl Sink) {
        while self.current().is_some_and(|e| {
            e.ns != Ns::Html && e.flags & TEXT_POINT == 0 && !(e.ns == Ns::Svg && e.flags & HTML_POINT != 0)
        }) {
            self.pop(sink);
        }
    }

    fn foreign_element(&mut self, tag: &Tag, name: Name, ns: Ns, sink: &mut impl Sink) {
        let flags = match (ns, name) {
            (Ns::Svg, FOREIGNOBJECT | DESC | TITLE) => HTML_POINT,
            (Ns::MathMl, MI | MO | MN | MS | MTEXT) => TEXT_POINT,
            // Never an HTML integration point: the document the scan used to walk (scraper's)
            // does not tell the tree builder which ones hold HTML.
            (Ns::MathMl, ANNOTATION_XML) => ANNOTATION,
            _ => 0,
        };
        if tag.self_closing {
            self.void(name, ns, Some(tag), sink);
        } else {
            self.push(name, ns, Some(tag), flags, sink);
        }
    }

    fn start_in(&mut self, tag: &Tag, name: Name, sink: &mut impl Sink) -> Next {
        loop {
            if self.full {
                return Next::Data;
            }
            match self.mode {
                Mode::Initial => self.mode = Mode::BeforeHtml,
                Mode::BeforeHtml => {
                    if name == HTML {
                        self.push(HTML, Ns::Html, Some(tag), 0, sink);
                        sink.html_attrs(tag);
                        self.mode = Mode::BeforeHead;
                        return Next::Data;
                    }
                    self.implied_before_text(sink);
                }
                Mode::BeforeHead => match name {
                    HTML => return self.html_tag(tag, sink),
                    HEAD => {
                        self.push(HEAD, Ns::Html, Some(tag), 0, sink);
                        self.head_seen = true;
                        self.mode = Mode::InHead;
                        return Next::Data;
                    }
                    _ => self.implied_before_text(sink),
                },
                Mode::InHead => {
                    if let Some(next) = self.head_content(tag, name, 0, sink) {
                        return next;
                    }
                    match name {
                        HTML => return self.html_tag(tag, sink),
                        HEAD => return Next::Data,
                        _ => self.implied_before_text(sink),
                    }
                }
                Mode::AfterHead => match name {
                    HTML => return self.html_tag(tag, sink),
                    BODY => {
                        self.push(BODY, Ns::Html, Some(tag), 0, sink);
                        self.frameset_ok = false;
                        self.mode = Mode::InBody;
                        return Next::Data;
                    }
                    FRAMESET => {
                        self.push(FRAMESET, Ns::Html, Some(tag), 0, sink);
                        self.mode = Mode::InFrameset;
                        return Next::Data;
                    }
                    HEAD => return Next::Data,
                    BASE | BASEFONT | BGSOUND | LINK | META | NOFRAMES | SCRIPT | STYLE | TEMPLATE | TITLE => {
                        // Put back into the head.
                        sink.open(HEAD, Ns::Html, None);
                        let depth = self.stack.len();
                        let next = self.head_content(tag, name, CLOSES_HEAD, sink).unwrap_or(Next::Data);
                        if self.stack.len() == depth {
                            sink.close(HEAD, Ns::Html);
                        }
                        return next;
                    }
                    _ => self.implied_before_text(sink),
                },
                Mode::InFrameset | Mode::AfterFrameset => {
                    return match name {
                        HTML => self.html_tag(tag, sink),
                        FRAMESET if self.mode == Mode::InFrameset => {
                            self.push(FRAMESET, Ns::Html, Some(tag), 0, sink);
                            Next::Data
                        }
                        FRAME if self.mode == Mode::InFrameset => {
                            self.void(FRAME, Ns::Html, Some(tag), sink);
                            Next::Data
                        }
                        NOFRAMES => self.raw(tag, NOFRAMES, RawKind::Rawtext, 0, sink),
                        _ => Next::Data,
                    };
                }
                Mode::InTemplate => {
                    self.mode = match name {
                        BASE | BASEFONT | BGSOUND | LINK | META | NOFRAMES | SCRIPT | STYLE | TEMPLATE | TITLE => {
                            return self.head_content(tag, name, 0, sink).unwrap_or(Next::Data);
                        }
                        CAPTION | COLGROUP | TBODY | TFOOT | THEAD | COL => Mode::InTable,
                        TR => Mode::InTableBody,
                        TD | TH => Mode::InRow,
                        _ => Mode::InBody,
                    };
                }
                Mode::InTable | Mode::InTableBody | Mode::InRow => {
                    if let Some(next) = self.table_start(tag, name, sink) {
                        return next;
                    }
                }
                Mode::InCaption => {
                    if !is_table_part(name) {
                        return self.body_start(tag, name, sink);
                    }
                    if !self.in_table_scope(CAPTION) {
                        return Next::Data;
                    }
                    self.generate_implied_end(None, sink);
                    let c = self.top_named(CAPTION);
                    self.pop_to(c, sink);
                    self.mode = Mode::InTable;
                }
                Mode::InCell => {
                    if !is_table_part(name) {
                        return self.body_start(tag, name, sink);
                    }
                    if !(self.in_table_scope(TD) || self.in_table_scope(TH)) {
                        return Next::Data;
                    }
                    self.close_cell(sink);
                }
                Mode::InBody => return self.body_start(tag, name, sink),
            }
        }
    }

    /// `<html>` after the first: its attributes go to the root.
    fn html_tag(&mut self, tag: &Tag, sink: &mut impl Sink) -> Next {
        if !self.template_open() {
            sink.html_attrs(tag);
        }
        Next::Data
    }

    /// The elements that belong in the head, wherever they appear; `None` for other tags.
    fn head_content(&mut self, tag: &Tag, name: Name, flags: u16, sink: &mut impl Sink) -> Option<Next> {
        Some(match name {
            BASE | BASEFONT | BGSOUND | LINK | META => {
                self.void(name, Ns::Html, Some(tag), sink);
                Next::Data
            }
            TITLE => self.raw(tag, TITLE, RawKind::Rcdata, flags, sink),
            // Scripting is on (as in html5ever's defaults): `<noscript>` holds raw text.
            NOFRAMES | STYLE | NOSCRIPT => self.raw(tag, name, RawKind::Rawtext, flags, sink),
            SCRIPT => self.raw(tag, SCRIPT, RawKind::Script, flags, sink),
            TEMPLATE => {
                self.push(TEMPLATE, Ns::Html, Some(tag), flags, sink);
                self.frameset_ok = false;
                self.mode = Mode::InTemplate;
                Next::Data
            }
            _ => return None,
        })
    }

    fn raw(&mut self, tag: &Tag, name: Name, kind: RawKind, flags: u16, sink: &mut impl Sink) -> Next {
        if self.push(name, Ns::Html, Some(tag), flags, sink) { Next::Raw(kind) } else { Next::Data }
    }

    /// The end of a raw-text element's content: it closes.
    pub(crate) fn end_raw(&mut self, sink: &mut impl Sink) {
        self.pop(sink);
    }

    fn close_cell(&mut self, sink: &mut impl Sink) {
        self.generate_implied_end(None, sink);
        let td = self.top_named(TD);
        let th = self.top_named(TH);
        let cell = if td == NONE {
            th
        } else if th == NONE {
            td
        } else {
            td.max(th)
        };
        self.pop_to(cell, sink);
        self.mode = Mode::InRow;
    }

    /// Start tags in a table, its body or a row; `None`: reprocess in the (new) mode.
    fn table_start(&mut self, tag: &Tag, name: Name, sink: &mut impl Sink) -> Option<Next> {
        const TABLE_CTX: &[Name] = &[TABLE, TEMPLATE];
        const BODY_CTX: &[Name] = &[TBODY, TFOOT, THEAD, TEMPLATE];
        const ROW_CTX: &[Name] = &[TR, TEMPLATE];
        if self.mode == Mode::InRow {
            match name {
                TD | TH => {
                    self.clear_to(ROW_CTX, sink);
                    self.push(name, Ns::Html, Some(tag), 0, sink);
                    self.mode = Mode::InCell;
                    return Some(Next::Data);
                }
                CAPTION | COL | COLGROUP | TBODY | TFOOT | THEAD | TR => {
                    if !self.in_table_scope(TR) {
                        return Some(Next::Data);
                    }
                    self.clear_to(ROW_CTX, sink);
                    self.pop(sink);
                    self.mode = Mode::InTableBody;
                    return None;
                }
                _ => {}
            }
        }
        if self.mode == Mode::InTableBody {
            match name {
                TR => {
                    self.clear_to(BODY_CTX, sink);
                    self.push(TR, Ns::Html, Some(tag), 0, sink);
                    self.mode = Mode::InRow;
                    return Some(Next::Data);
                }
                TD | TH => {
                    self.clear_to(BODY_CTX, sink);
                    self.push(TR, Ns::Html, None, 0, sink);
                    self.mode = Mode::InRow;
                    return None;
                }
                CAPTION | COL | COLGROUP | TBODY | TFOOT | THEAD => {
                    if !(self.in_table_scope(TBODY) || self.in_table_scope(THEAD) || self.in_table_scope(TFOOT)) {
                        return Some(Next::Data);
                    }
                    self.clear_to(BODY_CTX, sink);
                    self.pop(sink);
                    self.mode = Mode::InTable;
                    return None;
                }
                _ => {}
            }
        }
        Some(match name {
            CAPTION => {
                self.clear_to(TABLE_CTX, sink);
                self.push(CAPTION, Ns::Html, Some(tag), 0, sink);
                self.mode = Mode::InCaption;
                Next::Data
            }
            // A column group holds only columns: kept as an empty element.
            COLGROUP | COL => {
                self.clear_to(TABLE_CTX, sink);
                self.void(name, Ns::Html, Some(tag), sink);
                Next::Data
            }
            TBODY | TFOOT | THEAD => {
                self.clear_to(TABLE_CTX, sink);
                self.push(name, Ns::Html, Some(tag), 0, sink);
                self.mode = Mode::InTableBody;
                Next::Data
            }
            TD | TH | TR => {
                self.clear_to(TABLE_CTX, sink);
                self.push(TBODY, Ns::Html, None, 0, sink);
                self.mode = Mode::InTableBody;
                return None;
            }
            TABLE => {
                if !self.in_table_scope(TABLE) {
                    return Some(Next::Data);
                }
                let t = self.top_named(TABLE);
                self.pop_to(t, sink);
                self.reset_mode();
                return None;
            }
            STYLE | SCRIPT | TEMPLATE => self.head_content(tag, name, 0, sink).unwrap_or(Next::Data),
            INPUT if tag.attr(Attr::Type).is_some_and(|t| t.eq_ignore_ascii_case("hidden")) => {
                self.void(INPUT, Ns::Html, Some(tag), sink);
                Next::Data
            }
            FORM => {
                if !self.template_open() && self.form.is_none() {
                    self.void(FORM, Ns::Html, Some(tag), sink);
                    self.form = Some(NONE);
                }
                Next::Data
            }
            // Anything else goes where it would go in the body (in the standard, before the
            // table: foster parenting).
            _ => self.body_start(tag, name, sink),
        })
    }

    fn body_start(&mut self, tag: &Tag, name: Name, sink: &mut impl Sink) -> Next {
        if let Some(next) = self.head_content(tag, name, 0, sink) {
            return next;
        }
        let el = Some(tag);
        match name {
            HTML => return self.html_tag(tag, sink),
            BODY => self.frameset_ok = false,
            FRAMESET => {
                if self.frameset_ok && self.stack.get(1).is_some_and(|e| e.name == BODY) {
                    while self.stack.len() > 1 {
                        self.pop(sink);
                    }
                    sink.body_removed();
                    self.push(FRAMESET, Ns::Html, el, 0, sink);
                    self.mode = Mode::InFrameset;
                }
            }
            ADDRESS | ARTICLE | ASIDE | BLOCKQUOTE | CENTER | DETAILS | DIALOG | DIR | DIV | DL | FIELDSET
            | FIGCAPTION | FIGURE | FOOTER | HEADER | HGROUP | MAIN | NAV | OL | P | SEARCH | SECTION | SUMMARY
            | UL | MENU => {
                self.close_p_in_button_scope(sink);
                self.push(name, Ns::Html, el, 0, sink);
            }
            H1 | H2 | H3 | H4 | H5 | H6 => {
                self.close_p_in_button_scope(sink);
                if self.current_in(is_heading) {
                    self.pop(sink);
                }
                self.push(name, Ns::Html, el, 0, sink);
            }
            PRE | LISTING => {
                self.close_p_in_button_scope(sink);
                self.push(name, Ns::Html, el, 0, sink);
                self.frameset_ok = false;
                return Next::DataSkipLf;
            }
            FORM => {
                let template = self.template_open();
                if self.form.is_none() || template {
                    self.close_p_in_button_scope(sink);
                    let idx = self.stack.len() as u32;
                    if self.push(FORM, Ns::Html, el, 0, sink) && !template {
                        self.form = Some(idx);
                    }
                }
            }
            LI | DD | DT => {
                self.frameset_ok = false;
                let candidate = if name == LI {
                    self.top_named(LI)
                } else {
                    let (dd, dt) = (self.top_named(DD), self.top_named(DT));
                    if dd == NONE {
                        dt
                    } else if dt == NONE {
                        dd
                    } else {
                        dd.max(dt)
                    }
                };
                let stop = self.top(LIST_STOP);
                if candidate != NONE && (stop == NONE || candidate >= stop) {
                    let closing = self.stack[candidate as usize].name;
                    self.generate_implied_end(Some(closing), sink);
                    self.pop_to(candidate, sink);
                }
                self.close_p_in_button_scope(sink);
                self.push(name, Ns::Html, el, 0, sink);
            }
            PLAINTEXT => {
                self.close_p_in_button_scope(sink);
                self.push(PLAINTEXT, Ns::Html, el, 0, sink);
                return Next::Plaintext;
            }
            BUTTON => {
                if self.in_scope(BUTTON) {
                    self.generate_implied_end(None, sink);
                    let b = self.top_named(BUTTON);
                    self.pop_to(b, sink);
                }
                self.push(BUTTON, Ns::Html, el, 0, sink);
                self.frameset_ok = false;
            }
            A => {
                // An `<a>` still open (since the last marker) is closed first.
                let a = self.top_named(A);
                let marker = self.top(MARKER);
                if a != NONE && (marker == NONE || a > marker) {
                    self.adoption(A, sink);
                    if self.top_named(A) == a {
                        self.remove(a, sink);
                    }
                }
                self.push(A, Ns::Html, el, 0, sink);
            }
            NOBR => {
                if self.in_scope(NOBR) {
                    self.adoption(NOBR, sink);
                }
                self.push(NOBR, Ns::Html, el, 0, sink);
            }
            APPLET | MARQUEE | OBJECT => {
                self.push(name, Ns::Html, el, 0, sink);
                self.frameset_ok = false;
            }
            TABLE => {
                self.close_p_in_button_scope(sink);
                if self.push(TABLE, Ns::Html, el, 0, sink) {
                    self.mode = Mode::InTable;
                }
                self.frameset_ok = false;
            }
            AREA | BR | EMBED | IMG | KEYGEN | WBR | IMAGE => {
                self.void(if name == IMAGE { IMG } else { name }, Ns::Html, el, sink);
                self.frameset_ok = false;
            }
            INPUT => {
                if self.in_scope(SELECT) {
                    let s = self.top_named(SELECT);
                    self.pop_to(s, sink);
                }
                self.void(INPUT, Ns::Html, el, sink);
                if !tag.attr(Attr::Type).is_some_and(|t| t.eq_ignore_ascii_case("hidden")) {
                    self.frameset_ok = false;
                }
            }
            PARAM | SOURCE | TRACK => self.void(name, Ns::Html, el, sink),
            HR => {
                self.close_p_in_button_scope(sink);
                if self.in_scope(SELECT) {
                    self.generate_implied_end(None, sink);
                }
                self.void(HR, Ns::Html, el, sink);
                self.frameset_ok = false;
            }
            TEXTAREA => {
                self.frameset_ok = false;
                return match self.raw(tag, TEXTAREA, RawKind::Rcdata, 0, sink) {
                    Next::Raw(kind) => Next::RawSkipLf(kind),
                    next => next,
                };
            }
            XMP => {
                self.close_p_in_button_scope(sink);
                self.frameset_ok = false;
                return self.raw(tag, XMP, RawKind::Rawtext, 0, sink);
            }
            IFRAME => {
                self.frameset_ok = false;
                return self.raw(tag, IFRAME, RawKind::Rawtext, 0, sink);
            }
            NOEMBED => return self.raw(tag, NOEMBED, RawKind::Rawtext, 0, sink),
            SELECT => {
                if self.in_scope(SELECT) {
                    let s = self.top_named(SELECT);
                    self.pop_to(s, sink);
                } else {
                    self.push(SELECT, Ns::Html, el, 0, sink);
                    self.frameset_ok = false;
                }
            }
            OPTION | OPTGROUP => {
                if self.in_scope(SELECT) {
                    self.generate_implied_end(if name == OPTION { Some(OPTGROUP) } else { None }, sink);
                } else if self.current_is(OPTION) {
                    self.pop(sink);
                }
                self.push(name, Ns::Html, el, 0, sink);
            }
            RB | RTC | RP | RT => {
                if self.in_scope(RUBY) {
                    self.generate_implied_end(if matches!(name, RP | RT) { Some(RTC) } else { None }, sink);
                }
                self.push(name, Ns::Html, el, 0, sink);
            }
            MATH | SVG => {
                let ns = if name == MATH { Ns::MathMl } else { Ns::Svg };
                if tag.self_closing {
                    self.void(name, ns, el, sink);
                } else {
                    self.push(name, ns, el, 0, sink);
                }
            }
            CAPTION | COL | COLGROUP | FRAME | HEAD | TBODY | TD | TFOOT | TH | THEAD | TR => {
                // Outside a table these are dropped; in a template they stand for themselves.
                if self.template_open() && self.top(TABLE_SCOPE) == self.top_named(TEMPLATE) && name != HEAD {
                    if matches!(name, TD | TH) && (self.in_table_scope(TD) || self.in_table_scope(TH)) {
                        self.close_cell(sink);
                    }
                    self.push(name, Ns::Html, el, 0, sink);
                }
            }
            _ => {
                self.push(name, Ns::Html, el, 0, sink);
            }
        }
        Next::Data
    }

    /// An end tag of a formatting element (`</b>`, `</a>`…): the adoption agency, simplified.
    /// With no special element above it, it closes like any element; with one (`<b><p>x</b>`),
    /// it is taken off the stack and the block stays open.
    fn adoption(&mut self, name: Name, sink: &mut impl Sink) {
        let idx = self.top_named(name);
        if idx == NONE || !self.in_scope_at(idx, SCOPE, &[]) {
            return;
        }
        let special = self.top(SPECIAL);
        if special != NONE && special > idx {
            self.remove(idx, sink);
        } else {
            self.pop_to(idx, sink);
        }
    }

    /// An end tag.
    pub(crate) fn end(&mut self, name: Name, sink: &mut impl Sink) {
        if self.foreign() {
            if matches!(name, BR | P) {
                self.pop_foreign(sink);
            } else {
                // The topmost SVG or MathML element of that name, if no HTML element is above it.
                let svg = self.name_head(name, Ns::Svg);
                let math = self.name_head(name, Ns::MathMl);
                let foreign = if svg == NONE {
                    math
                } else if math == NONE {
                    svg
                } else {
                    svg.max(math)
                };
                let html = self.top(HTML_NS);
                if foreign != NONE && (html == NONE || foreign > html) {
                    self.pop_to(foreign, sink);
                    return;
                }
            }
        }
        self.end_in(name, sink);
    }

    fn end_in(&mut self, name: Name, sink: &mut impl Sink) {
        loop {
            if self.full {
                return;
            }
            match self.mode {
                Mode::Initial => self.mode = Mode::BeforeHtml,
                Mode::BeforeHtml | Mode::BeforeHead => {
                    if !matches!(name, HEAD | BODY | HTML | BR) {
                        return;
                    }
                    self.implied_before_text(sink);
                }
                Mode::InHead => match name {
                    HEAD => {
                        self.pop(sink);
                        self.mode = Mode::AfterHead;
                        return;
                    }
                    BODY | HTML | BR => self.implied_before_text(sink),
                    TEMPLATE => return self.end_template(sink),
                    _ => return,
                },
                Mode::AfterHead => match name {
                    BODY | HTML | BR => self.implied_before_text(sink),
                    TEMPLATE => return self.end_template(sink),
                    _ => return,
                },
                Mode::InFrameset => {
                    if name == FRAMESET && self.stack.len() > 1 {
                        self.pop(sink);
                        if !self.current_is(FRAMESET) {
                            self.mode = Mode::AfterFrameset;
                        }
                    }
                    return;
                }
                Mode::AfterFrameset => return,
                Mode::InTemplate => {
                    if name == TEMPLATE {
                        self.end_template(sink);
                    }
                    return;
                }
                Mode::InTable | Mode::InTableBody | Mode::InRow => {
                    if self.table_end(name, sink) {
                        return;
                    }
                }
                Mode::InCaption => match name {
                    CAPTION | TABLE => {
                        if !self.in_table_scope(CAPTION) {
                            return;
                        }
                        self.generate_implied_end(None, sink);
                        let c = self.top_named(CAPTION);
                        self.pop_to(c, sink);
                        self.mode = Mode::InTable;
                        if name == CAPTION {
                            return;
                        }
                    }
                    BODY | COL | COLGROUP | HTML | TBODY | TD | TFOOT | TH | THEAD | TR => return,
                    _ => return self.body_end(name, sink),
                },
                Mode::InCell => match name {
                    TD | TH => {
                        if self.in_table_scope(name) {
                            self.generate_implied_end(None, sink);
                            let c = self.top_named(name);
                            self.pop_to(c, sink);
                            self.mode = Mode::InRow;
                        }
                        return;
                    }
                    BODY | CAPTION | COL | COLGROUP | HTML => return,
                    TABLE | TBODY | TFOOT | THEAD | TR => {
                        if !self.in_table_scope(name) {
                            return;
                        }
                        self.close_cell(sink);
                    }
                    _ => return self.body_end(name, sink),
                },
                Mode::InBody => return self.body_end(name, sink),
            }
        }
    }

    /// End tags in a table, its body or a row; `false`: reprocess in the (new) mode.
    fn table_end(&mut self, name: Name, sink: &mut impl Sink) -> bool {
        const BODY_CTX: &[Name] = &[TBODY, TFOOT, THEAD, TEMPLATE];
        const ROW_CTX: &[Name] = &[TR, TEMPLATE];
        if self.mode == Mode::InRow {
            match name {
                TR | TABLE | TBODY | TFOOT | THEAD => {
                    if matches!(name, TBODY | TFOOT | THEAD) && !self.in_table_scope(name) {
                        return true;
                    }
                    if !self.in_table_scope(TR) {
                        return true;
                    }
                    self.clear_to(ROW_CTX, sink);
                    self.pop(sink);
                    self.mode = Mode::InTableBody;
                    return name == TR;
                }
                BODY | CAPTION | COL | COLGROUP | HTML | TD | TH => return true,
                _ => {}
            }
        }
        if self.mode == Mode::InTableBody {
            match name {
                TBODY | TFOOT | THEAD => {
                    if self.in_table_scope(name) {
                        self.clear_to(BODY_CTX, sink);
                        self.pop(sink);
                        self.mode = Mode::InTable;
                    }
                    return true;
                }
                TABLE => {
                    if !(self.in_table_scope(TBODY) || self.in_table_scope(THEAD) || self.in_table_scope(TFOOT)) {
                        return true;
                    }
                    self.clear_to(BODY_CTX, sink);
                    self.pop(sink);
                    self.mode = Mode::InTable;
                    return false;
                }
                BODY | CAPTION | COL | COLGROUP | HTML | TD | TH | TR => return true,
                _ => {}
            }
        }
        match name {
            TABLE => {
                if self.in_table_scope(TABLE) {
                    let t = self.top_named(TABLE);
                    self.pop_to(t, sink);
                    self.reset_mode();
                }
            }
            BODY | CAPTION | COL | COLGROUP | HTML | TBODY | TD | TFOOT | TH | THEAD | TR => {}
            TEMPLATE => self.end_template(sink),
            _ => self.body_end(name, sink),
        }
        true
    }

    fn end_template(&mut self, sink: &mut impl Sink) {
        let t = self.top_named(TEMPLATE);
        if t == NONE {
            return;
        }
        self.generate_all_implied_end(sink);
        self.pop_to(t, sink);
        self.reset_mode();
    }

    fn body_end(&mut self, name: Name, sink: &mut impl Sink) {
        match name {
            // The body stays open: what follows `</body>` or `</html>` still goes in it.
            BODY | HTML => {}
            ADDRESS | ARTICLE | ASIDE | BLOCKQUOTE | BUTTON | CENTER | DETAILS | DIALOG | DIR | DIV | DL | FIELDSET
            | FIGCAPTION | FIGURE | FOOTER | HEADER | HGROUP | LISTING | MAIN | MENU | NAV | OL | PRE | SEARCH
            | SECTION | SELECT | SUMMARY | UL | APPLET | MARQUEE | OBJECT => {
                if self.in_scope(name) {
                    self.generate_implied_end(None, sink);
                    let e = self.top_named(name);
                    self.pop_to(e, sink);
                }
            }
            FORM => {
                if self.template_open() {
                    if self.in_scope(FORM) {
                        self.generate_implied_end(None, sink);
                        let f = self.top_named(FORM);
                        self.pop_to(f, sink);
                    }
                } else if let Some(idx) = self.form.take() {
                    if idx != NONE && self.in_scope_at(idx, SCOPE, &[]) {
                        self.generate_implied_end(None, sink);
                        self.remove(idx, sink);
                    }
                }
            }
            P => {
                if !self.in_button_scope(P) {
                    self.void(P, Ns::Html, None, sink);
                } else {
                    self.generate_implied_end(Some(P), sink);
                    let p = self.top_named(P);
                    self.pop_to(p, sink);
                }
            }
            LI | DD | DT => {
                let t = self.top_named(name);
                let in_scope =
                    if name == LI { self.in_scope_at(t, SCOPE, &[OL, UL]) } else { self.in_scope_at(t, SCOPE, &[]) };
                if in_scope {
                    self.generate_implied_end(Some(name), sink);
                    self.pop_to(t, sink);
                }
            }
            H1 | H2 | H3 | H4 | H5 | H6 => {
                let mut top = NONE;
                for h in [H1, H2, H3, H4, H5, H6] {
                    let t = self.top_named(h);
                    if t != NONE && (top == NONE || t > top) {
                        top = t;
                    }
                }
                if self.in_scope_at(top, SCOPE, &[]) {
                    self.generate_implied_end(None, sink);
                    self.pop_to(top, sink);
                }
            }
            A | B | BIG | CODE | EM | FONT | I | NOBR | S | SMALL | STRIKE | STRONG | TT | U => {
                self.adoption(name, sink)
            }
            BR => {
                self.void(BR, Ns::Html, None, sink);
                self.frameset_ok = false;
            }
            TEMPLATE => self.end_template(sink),
            _ => {
                // Any other end tag closes the topmost element of that name, unless a special
                // element is above it.
                let idx = self.top_named(name);
                let special = self.top(SPECIAL);
                if idx != NONE && (special == NONE || idx >= special) {
                    self.generate_implied_end(Some(name), sink);
                    self.pop_to(idx, sink);
                }
            }
        }
    }

    /// The end of the page: every open element closes.
    pub(crate) fn eof(&mut self, sink: &mut impl Sink) {
        while !self.stack.is_empty() {
            self.pop(sink);
        }
    }
}

fn is_html_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0C' | '\r' | ' ')
}

fn is_blank(text: &str) -> bool {
    text.chars().all(is_html_space)
}
