//! The document model: a decoded file, its footnotes and the markers in its body, with positions.
//!
//! Each input format has its own parser (`text`, `markdown`, `html`) that finds notes and markers
//! as byte ranges; this module decodes bytes, picks the parser, turns ranges into [`Span`]s and
//! links markers to notes. Nothing here touches the network or interprets a note's fields.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::finding::{Finding, Rule};
use crate::span::{Locator, Span};

/// The input formats citecheck reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text, typically converted from PDF, with superscript or bracketed markers.
    Text,
    /// Markdown with `[^label]` footnotes.
    Markdown,
    /// HTML with `<sup>` markers linking to notes.
    Html,
    /// PDF, read from its page layout (see [`Document::text`] for the text it is given).
    Pdf,
    /// Word (.docx): footnotes and endnotes, read from the package's XML and rendered to text
    /// one paragraph per line (see [`DocxLimits`] and the positions convention in the README).
    Docx,
}

impl Format {
    /// The format a file name implies: `.md`/`.markdown` → Markdown, `.html`/`.htm` → HTML,
    /// `.txt`/`.text` → text; `None` for any other name.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" | "mdown" | "mkd" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "txt" | "text" => Some(Format::Text),
            "pdf" => Some(Format::Pdf),
            "docx" | "docm" => Some(Format::Docx),
            _ => None,
        }
    }

    /// Guesses the format of text with no file name (standard input).
    pub fn sniff(text: &str) -> Format {
        let head = &text[..crate::span::floor_char_boundary(text, 4096)];
        let lower = head.trim_start().to_ascii_lowercase();
        if lower.starts_with("<!doctype html") || lower.starts_with("<html") || lower.contains("<body") {
            Format::Html
        } else if text.contains("\n[^") || text.starts_with("[^") {
            Format::Markdown
        } else {
            Format::Text
        }
    }

    /// The lower-case name used in reports and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }
}

/// A hyperlink inside a note (Markdown `[text](url)` or HTML `<a href>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The target as written.
    pub href: String,
    /// The link text, white space collapsed.
    pub text: String,
}

/// A marker in the body that points at a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Marker {
    /// The label as written, without decoration: "4" for `⁴`, `[4]` or `^4`.
    pub label: String,
    /// Where the marker is.
    #[serde(flatten)]
    pub span: Span,
}

/// One footnote or endnote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The label as written: "4", "12", "a", "*".
    pub label: String,
    /// Where the note starts (its label).
    #[serde(flatten)]
    pub span: Span,
    /// The note's text, joined across wrapped lines, without its label.
    pub text: String,
    /// Links inside the note, in order.
    pub links: Vec<Link>,
    /// The markers that point at this note.
    pub markers: Vec<Span>,
    /// Why the note is to be ignored, when an inline `citecheck-ignore: reason` comment says so
    /// (see [`ignore_directive`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore: Option<String>,
}

/// A parsed document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The path as given, or `<stdin>`.
    pub path: PathBuf,
    /// How it was parsed.
    pub format: Format,
    /// The decoded text; every span points into it. For a PDF, the text rendered from its
    /// layout: one line per text line, pages separated by a line holding only a form feed
    /// (`\f`), running headers, footers and page numbers left out, superscript markers as
    /// superscript digits (`¹²`).
    pub text: String,
    /// Notes in document order.
    pub notes: Vec<Note>,
    /// Markers in document order.
    pub markers: Vec<Marker>,
    /// Byte ranges of the body prose (the text without note blocks and markers; for HTML, the
    /// text between tags outside scripts, styles and the head; for Word, the body's paragraphs,
    /// each with its line end), in order.
    pub body: Vec<Range<usize>>,
    /// Problems met while reading (for instance invalid UTF-8).
    pub findings: Vec<Finding>,
    /// For paged formats (PDF), the byte offset in `text` where each page starts, in order;
    /// empty otherwise. See [`page_of`](Self::page_of).
    pub pages: Vec<usize>,
}

impl Document {
    /// The 1-based page holding byte `at` of the text, for paged formats (PDF); `None` for the
    /// others.
    pub fn page_of(&self, at: usize) -> Option<u32> {
        if self.pages.is_empty() {
            return None;
        }
        let i = self.pages.partition_point(|&start| start <= at);
        u32::try_from(i.max(1)).ok()
    }

    /// The body prose reassembled without the note blocks and markers.
    pub fn body_text(&self) -> String {
        let mut out = String::with_capacity(self.text.len());
        for r in &self.body {
            out.push_str(&self.text[r.clone()]);
        }
        out
    }
}

/// What a format parser hands back: positions only, as byte ranges into the text.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub(crate) notes: Vec<RawNote>,
    pub(crate) markers: Vec<RawMarker>,
    pub(crate) body: Vec<Range<usize>>,
    /// Where the parser stopped reading because of a limit, and which.
    pub(crate) cut: Option<(usize, String)>,
}

#[derive(Debug, PartialEq)]
pub(crate) struct RawNote {
    pub(crate) label: String,
    /// Byte range of the label (or the note's start).
    pub(crate) at: Range<usize>,
    pub(crate) text: String,
    pub(crate) links: Vec<Link>,
    /// The reason of an inline ignore directive for this note.
    pub(crate) ignore: Option<String>,
}

#[derive(Debug)]
pub(crate) struct RawMarker {
    pub(crate) label: String,
    pub(crate) at: Range<usize>,
}

mod docx;
mod html;
mod labels;
mod markdown;
mod pdf;
mod text;

pub use docx::{DocxError, DocxLimits};
pub(crate) use labels::LabelIndex;

/// The default of [`LoadOptions::max_notes`]: far more than any real document has (long reports
/// run to a few thousand notes), few enough that a generated or hostile file cannot turn into
/// hundreds of thousands of fetches.
pub const DEFAULT_MAX_NOTES: usize = 10_000;

/// The directive that silences a note: `citecheck-ignore: reason`.
pub const IGNORE_DIRECTIVE: &str = "citecheck-ignore";

/// The longest ignore reason kept (in characters); a longer one is cut with an ellipsis.
const MAX_REASON_CHARS: usize = 300;

/// The reason of an ignore directive, if `s` (a comment's content or a line of text, trimmed
/// here) is one: `citecheck-ignore: reason`, the name in any case. A directive with no reason
/// gives "no reason given", so that an ignored note always says why.
///
/// ```
/// use citecheck::document::ignore_directive;
/// assert_eq!(ignore_directive(" citecheck-ignore: paywalled ").as_deref(), Some("paywalled"));
/// assert_eq!(ignore_directive("citecheck-ignored"), None);
/// ```
pub fn ignore_directive(s: &str) -> Option<String> {
    let s = s.trim();
    let head = s.get(..IGNORE_DIRECTIVE.len())?;
    if !head.eq_ignore_ascii_case(IGNORE_DIRECTIVE) {
        return None;
    }
    let rest = &s[IGNORE_DIRECTIVE.len()..];
    let rest = match rest.strip_prefix(':') {
        Some(r) => r,
        None if rest.is_empty() || rest.starts_with(char::is_whitespace) => rest,
        None => return None,
    };
    let words: Vec<&str> = rest.split_whitespace().collect();
    if words.is_empty() {
        return Some("no reason given".to_owned());
    }
    let reason = words.join(" ");
    if reason.chars().count() <= MAX_REASON_CHARS {
        return Some(reason);
    }
    let mut cut: String = reason.chars().take(MAX_REASON_CHARS - 1).collect();
    cut.push('…');
    Some(cut)
}

/// How far back from a note an HTML comment is looked for, in bytes: a bound on the work per
/// note, and more than any real directive needs.
const COMMENT_LOOKBACK: usize = 4096;

/// The reason of an ignore comment (`<!-- citecheck-ignore: reason -->`) that stands on the
/// line(s) right before the line holding byte `at`, with only blank lines between; the comment
/// must start its line.
pub(crate) fn ignore_comment_before(text: &str, at: usize) -> Option<String> {
    let at = crate::span::floor_char_boundary(text, at.min(text.len()));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = text[..line_start].trim_end();
    if !before.ends_with("-->") {
        return None;
    }
    let end = before.len() - 3;
    let from = crate::span::floor_char_boundary(text, end.saturating_sub(COMMENT_LOOKBACK));
    let open = from + text[from..end].rfind("<!--")?;
    let own_line_start = text[..open].rfind('\n').map_or(0, |i| i + 1);
    if !text[own_line_start..open].trim().is_empty() {
        return None;
    }
    ignore_directive(&text[open + 4..end])
}

/// The first ignore comment inside `src` (a note's source), with its byte range in `src`.
pub(crate) fn ignore_comment_within(src: &str) -> Option<(String, Range<usize>)> {
    let mut from = 0;
    // Most notes have no '<' at all: no searcher is built for them.
    while memchr::memchr(b'<', &src.as_bytes()[from..]).is_some()
        && let Some(i) = memchr::memmem::find(&src.as_bytes()[from..], b"<!--")
    {
        let open = from + i;
        let j = src[open + 4..].find("-->")?;
        let close = open + 4 + j;
        if let Some(reason) = ignore_directive(&src[open + 4..close]) {
            return Some((reason, open..close + 3));
        }
        from = close + 3;
    }
    None
}

/// The words of `s` joined by single spaces (white space collapsed and trimmed).
pub(crate) fn collapse(s: &str) -> String {
    if s.is_ascii() {
        return collapse_ascii(s);
    }
    collapse_where(s, char::is_whitespace)
}

/// [`collapse`] of ASCII text, whose white space is tab, line feed, vertical tab, form feed,
/// carriage return and space.
pub(crate) fn collapse_ascii(s: &str) -> String {
    let space = |b: u8| matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
    // Most texts need only trimming: their inside already has single spaces and nothing else.
    let t = s.trim_matches(|c: char| c.is_ascii() && space(c as u8));
    let inside = t.as_bytes();
    if memchr::memchr3(b'\t', b'\n', b'\r', inside).is_none()
        && memchr::memchr2(0x0B, 0x0C, inside).is_none()
        && !has_pair(inside, b' ', b' ')
    {
        return t.to_owned();
    }
    collapse_ascii_where(s, space)
}

/// The words of ASCII text `s` joined by single spaces, `space` saying which bytes part them:
/// the byte-at-a-time collapse behind [`collapse_ascii`] and the note normaliser.
pub(crate) fn collapse_ascii_where(s: &str, space: impl Fn(u8) -> bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let word = b[i..].iter().position(|&x| space(x)).unwrap_or(b.len() - i);
        out.extend_from_slice(&b[i..i + word]);
        i += word;
        let gap = b[i..].iter().position(|&x| !space(x)).unwrap_or(b.len() - i);
        i += gap;
        // One space between words: none before the first, none after the last.
        if gap > 0 && !out.is_empty() && i < b.len() {
            out.push(b' ');
        }
    }
    // Only bytes of ASCII `s` and spaces were pushed.
    String::from_utf8(out).unwrap_or_default()
}

/// [`collapse`] with `space` saying which characters are white space.
pub(crate) fn collapse_where(s: &str, space: impl Fn(char) -> bool) -> String {
    // Most texts already are (single plain spaces between words): a copy, without the split.
    let mut prev_space = true;
    let collapsed = s.chars().all(|c| {
        if space(c) {
            let keep = c == ' ' && !prev_space;
            prev_space = true;
            keep
        } else {
            prev_space = false;
            true
        }
    }) && !s.ends_with(' ');
    if collapsed {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split(&space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether `a` is followed by `b` somewhere in `bytes`; for short texts, a fold over the
/// byte pairs (which vectorises) is cheaper than building a substring searcher.
pub(crate) fn has_pair(bytes: &[u8], a: u8, b: u8) -> bool {
    bytes.iter().zip(bytes.iter().skip(1)).fold(false, |any, (&x, &y)| any | ((x == a) & (y == b)))
}

/// Limits on what a document may be.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Files larger than this are refused (bytes).
    pub max_bytes: u64,
    /// Overrides the format implied by the file name.
    pub format: Option<Format>,
    /// Notes beyond this many are ignored, with a `input-limit` warning naming the first one
    /// left out ([`DEFAULT_MAX_NOTES`] by default).
    pub max_notes: usize,
    /// How much of a PDF is read, and for how long.
    pub pdf: crate::pdf::PdfLimits,
    /// Bounds on what a Word document's archive may make citecheck inflate.
    pub docx: DocxLimits,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_bytes: 256 * 1024 * 1024,
            format: None,
            max_notes: DEFAULT_MAX_NOTES,
            pdf: crate::pdf::PdfLimits::default(),
            docx: DocxLimits::default(),
        }
    }
}

/// Reads and parses one file.
pub fn read(path: &Path, options: &LoadOptions) -> Result<Document> {
    let io = |source| Error::Io { path: path.to_path_buf(), source };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(Error::NoDocuments { path: path.to_path_buf() });
    }
    if meta.len() > options.max_bytes {
        return Err(Error::TooLarge { path: path.to_path_buf(), size: meta.len(), limit: options.max_bytes });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    parse_bytes(path, std::borrow::Cow::Owned(bytes), options)
}

/// Parses a document already in memory. With `format: None` the format comes from the file
/// name's extension, or, failing that, from the content. The other limits are the defaults of
/// [`LoadOptions`].
pub fn parse(path: &Path, bytes: &[u8], format: Option<Format>) -> Result<Document> {
    parse_with(path, bytes, &LoadOptions { format, ..LoadOptions::default() })
}

/// [`parse`] with every setting of `options` (the format, the notes limit and the .docx bounds;
/// `max_bytes` is for the caller that reads the bytes). A zip archive holding a Word document is
/// read as one whatever its name, unless `options.format` says otherwise.
pub fn parse_with(path: &Path, bytes: &[u8], options: &LoadOptions) -> Result<Document> {
    parse_bytes(path, std::borrow::Cow::Borrowed(bytes), options)
}

/// [`parse_with`], taking the bytes when they are owned: UTF-8 text becomes the document's
/// text without a copy.
fn parse_bytes(path: &Path, bytes: std::borrow::Cow<'_, [u8]>, options: &LoadOptions) -> Result<Document> {
    let is_pdf = match options.format {
        Some(f) => f == Format::Pdf,
        None => Format::from_path(path) == Some(Format::Pdf) || bytes.starts_with(b"%PDF-"),
    };
    if is_pdf {
        return parse_pdf(path, &bytes, options);
    }
    let docx = match options.format {
        Some(format) => format == Format::Docx,
        None => docx::is_docx(&bytes) || Format::from_path(path) == Some(Format::Docx),
    };
    let mut findings = Vec::new();
    let (format, text, parsed) = if docx {
        let rendered =
            docx::parse(&bytes, &options.docx).map_err(|problem| Error::Docx { path: path.to_path_buf(), problem })?;
        if rendered.text.trim().is_empty() {
            return Err(Error::Empty { path: path.to_path_buf() });
        }
        (Format::Docx, rendered.text, rendered.parsed)
    } else {
        let (text, decoding) = decode(path, bytes)?;
        let format = options.format.or_else(|| Format::from_path(path)).unwrap_or_else(|| Format::sniff(&text));
        let parsed = match format {
            Format::Text => text::parse(&text),
            Format::Markdown => markdown::parse(&text),
            Format::Html => html::parse(&text),
            // Never met: a .docx and a PDF are read above, and sniffing never answers either.
            Format::Docx | Format::Pdf => text::parse(&text),
        };
        if let Some(note) = decoding {
            findings.push(Finding::new(Rule::InputDecoding, Span::FILE, note));
        }
        (format, text, parsed)
    };
    if let Some((at, why)) = &parsed.cut {
        let span = Locator::new(&text).span(*at, *at);
        findings.push(Finding::new(Rule::InputLimit, span, format!("{why}; the rest of the document was not read")));
    }
    Ok(assemble_limited(path, format, text, parsed, findings, options.max_notes))
}

/// A PDF document: its layout read into text, notes and markers by `pdf.rs`.
fn parse_pdf(path: &Path, bytes: &[u8], options: &LoadOptions) -> Result<Document> {
    let read =
        pdf::parse(bytes, options.pdf).map_err(|e| Error::Pdf { path: path.to_path_buf(), message: e.to_string() })?;
    if read.text.trim().is_empty() {
        return Err(Error::Pdf {
            path: path.to_path_buf(),
            message: "it has no text to read (a scanned PDF needs OCR first)".into(),
        });
    }
    let parsed = read.parsed;
    let mut findings = Vec::new();
    if read.pages_read < read.page_count {
        let at = read.text.len();
        let span = Locator::new(&read.text).span(at, at);
        findings.push(Finding::new(
            Rule::InputLimit,
            span,
            format!(
                "the PDF has {} pages; only the first {} were read (the pages limit)",
                read.page_count, read.pages_read
            ),
        ));
    }
    if read.glyphs_cut {
        let at = read.text.len();
        let span = Locator::new(&read.text).span(at, at);
        findings.push(Finding::new(
            Rule::InputLimit,
            span,
            format!("the PDF has more than {} characters; the rest was not read", crate::pdf::MAX_GLYPHS),
        ));
    }
    let mut doc = assemble_limited(path, Format::Pdf, read.text, parsed, findings, options.max_notes);
    doc.pages = read.pages;
    Ok(doc)
}

/// [`assemble`] after keeping the first `max_notes` notes, with an `input-limit` warning at the
/// first note left out when any was.
fn assemble_limited(
    path: &Path,
    format: Format,
    text: String,
    mut parsed: Parsed,
    findings: Vec<Finding>,
    max_notes: usize,
) -> Document {
    let cut = limit_notes(&mut parsed, max_notes);
    let mut doc = assemble(path.to_path_buf(), format, text, parsed, findings);
    if let Some((total, at)) = cut {
        let span = Locator::new(&doc.text).span(at.start, at.end);
        doc.findings.push(Finding::new(
            Rule::InputLimit,
            span,
            format!(
                "the document has {total} notes; only the first {max_notes} are read and the rest are ignored \
                 (the notes limit)"
            ),
        ));
    }
    doc
}

/// Keeps the first `max` notes, and drops the markers that point only at notes left out (so the
/// cut does not turn into a flood of orphan markers). Returns how many notes there were and
/// where the first one left out starts, when any was.
fn limit_notes(parsed: &mut Parsed, max: usize) -> Option<(usize, Range<usize>)> {
    if parsed.notes.len() <= max {
        return None;
    }
    let total = parsed.notes.len();
    let at = parsed.notes[max].at.clone();
    let dropped: std::collections::HashSet<String> = parsed.notes.drain(max..).map(|n| n.label).collect();
    let kept: std::collections::HashSet<&str> = parsed.notes.iter().map(|n| n.label.as_str()).collect();
    parsed.markers.retain(|m| kept.contains(m.label.as_str()) || !dropped.contains(&m.label));
    Some((total, at))
}

/// Expands the given paths: files are kept as given, directories are walked (sorted, so the
/// report order never depends on the file system) for files of a known document extension.
pub fn collect_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| Error::Io { path: path.clone(), source })?;
        if meta.is_dir() {
            let before = out.len();
            walk(path, &mut out)?;
            if out.len() == before {
                return Err(Error::NoDocuments { path: path.clone() });
            }
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let io = |source| Error::Io { path: dir.to_path_buf(), source };
    let mut entries: Vec<_> = std::fs::read_dir(dir).map_err(io)?.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        // symlink_metadata: never follow links out of the tree (or round in a loop).
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if meta.is_dir() {
            walk(&path, out)?;
        } else if meta.is_file() && is_document_name(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn is_document_name(path: &Path) -> bool {
    Format::from_path(path).is_some()
}

/// Decodes bytes: a BOM's encoding, else UTF-8, else the encoding detection finds (a Word or
/// PDF export in windows-1252 keeps its curly quotes and its `¹`). The second value, when
/// present, says how the text was decoded, for an `input-decoding` warning.
fn decode(path: &Path, bytes: std::borrow::Cow<'_, [u8]>) -> Result<(String, Option<String>)> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        let note = had_errors.then(|| format!("the file is not valid {}; invalid bytes were replaced", enc.name()));
        return finish(path, text.into_owned(), note);
    }
    let probe = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, probe).is_some() {
        return Err(Error::Binary { path: path.to_path_buf() });
    }
    let bytes = match bytes {
        // Valid UTF-8 becomes the text as it is, without a copy when the bytes are ours.
        std::borrow::Cow::Owned(v) => match String::from_utf8(v) {
            Ok(s) => return finish(path, s, None),
            Err(e) => std::borrow::Cow::Owned(e.into_bytes()),
        },
        std::borrow::Cow::Borrowed(b) => match std::str::from_utf8(b) {
            Ok(s) => return finish(path, s.to_owned(), None),
            Err(_) => std::borrow::Cow::Borrowed(b),
        },
    };
    let bytes: &[u8] = &bytes;
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let detected = detector.guess(None, chardetng::Utf8Detection::Deny);
    // Text that is almost all ASCII gives detection too little to go on (a "¹" reads as
    // windows-1250's "ą" as well): such a file is taken as windows-1252, the legacy encoding
    // of English-language Word and PDF exports; text with more non-ASCII keeps the detected one.
    let ascii = bytes.iter().filter(|b| b.is_ascii()).count();
    let enc = if ascii * 100 >= bytes.len() * 90 { encoding_rs::WINDOWS_1252 } else { detected };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let note = if had_errors {
        format!("the file is not valid UTF-8; decoded as {}, with some bytes replaced", enc.name())
    } else {
        format!("the file is not valid UTF-8; decoded as {}", enc.name())
    };
    finish(path, text.into_owned(), Some(note))
}

fn finish(path: &Path, text: String, decoding: Option<String>) -> Result<(String, Option<String>)> {
    if text.trim().is_empty() {
        return Err(Error::Empty { path: path.to_path_buf() });
    }
    if text.contains('\0') {
        return Err(Error::Binary { path: path.to_path_buf() });
    }
    Ok((text, decoding))
}

/// Turns byte ranges into spans and links markers to notes.
fn assemble(path: PathBuf, format: Format, text: String, parsed: Parsed, findings: Vec<Finding>) -> Document {
    // Spans are computed in offset order so the locator's cursor stays linear on long lines.
    let mut locator = Locator::new(&text);
    let mut order: Vec<(usize, bool, usize)> = Vec::with_capacity(parsed.notes.len() + parsed.markers.len());
    order.extend(parsed.notes.iter().enumerate().map(|(i, n)| (n.at.start, true, i)));
    order.extend(parsed.markers.iter().enumerate().map(|(i, m)| (m.at.start, false, i)));
    order.sort_unstable();
    let mut note_spans = vec![Span::default(); parsed.notes.len()];
    let mut marker_spans = vec![Span::default(); parsed.markers.len()];
    for (_, is_note, i) in order {
        if is_note {
            let at = &parsed.notes[i].at;
            note_spans[i] = locator.span(at.start, at.end);
        } else {
            let at = &parsed.markers[i].at;
            marker_spans[i] = locator.span(at.start, at.end);
        }
    }
    let mut notes: Vec<Note> = parsed
        .notes
        .into_iter()
        .zip(note_spans)
        .map(|(n, span)| Note {
            label: n.label,
            span,
            text: n.text,
            links: n.links,
            markers: Vec::new(),
            ignore: n.ignore,
        })
        .collect();
    let markers: Vec<Marker> =
        parsed.markers.into_iter().zip(marker_spans).map(|(m, span)| Marker { label: m.label, span }).collect();
    let by_label = LabelIndex::new(notes.iter().map(|n| n.label.as_str()));
    let links: Vec<Option<usize>> = markers.iter().map(|m| by_label.first(&m.label)).collect();
    for (m, target) in markers.iter().zip(links) {
        if let Some(i) = target {
            notes[i].markers.push(m.span);
        }
    }
    let mut marker_ranges: Vec<Range<usize>> = markers.iter().map(|m| m.span.start..m.span.end).collect();
    marker_ranges.sort_by_key(|r| r.start);
    let body = subtract(&parsed.body, &marker_ranges);
    Document { path, format, text, notes, markers, body, findings, pages: Vec::new() }
}

/// `ranges` with the `holes` cut out; both sorted by start. The body is prose: the note blocks
/// are not in it, and neither are the markers.
fn subtract(ranges: &[Range<usize>], holes: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(ranges.len() + holes.len());
    let mut h = 0;
    for r in ranges {
        let mut start = r.start;
        while h < holes.len() && holes[h].end <= start {
            h += 1;
        }
        let mut k = h;
        while k < holes.len() && holes[k].start < r.end {
            if holes[k].start > start {
                out.push(start..holes[k].start);
            }
            start = start.max(holes[k].end);
            k += 1;
        }
        if start < r.end {
            out.push(start..r.end);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_beyond_the_limit_are_ignored_with_a_warning() {
        let text = "One.[^1] Two.[^2] Three.[^3]\n\n[^1]: First.\n[^2]: Second.\n[^3]: Third.\n";
        let options = LoadOptions { max_notes: 2, format: Some(Format::Markdown), ..LoadOptions::default() };
        let doc = parse_with(Path::new("a.md"), text.as_bytes(), &options).unwrap();
        assert_eq!(doc.notes.iter().map(|n| n.label.as_str()).collect::<Vec<_>>(), ["1", "2"]);
        // The marker of the note left out goes with it: no orphan-marker flood.
        assert_eq!(doc.markers.iter().map(|m| m.label.as_str()).collect::<Vec<_>>(), ["1", "2"]);
        let warning = doc.findings.iter().find(|f| f.rule == Rule::InputLimit).expect("an input-limit finding");
        assert_eq!(warning.severity, crate::finding::Severity::Warning);
        assert_eq!(warning.span.line, 5, "it points at the first note left out");
        assert!(warning.message.contains("3 notes; only the first 2"), "{}", warning.message);
    }

    #[test]
    fn byte_pairs() {
        assert!(has_pair(b"a  b", b' ', b' ') && has_pair(b"x][y", b']', b'['));
        assert!(!has_pair(b"a b c", b' ', b' ') && !has_pair(b"[]", b']', b'[') && !has_pair(b"", b' ', b' '));
        assert_eq!(collapse_ascii(" a  b\tc\n"), "a b c");
        assert_eq!(collapse_ascii("\na b\n"), "a b");
    }

    #[test]
    fn within_the_limit_nothing_changes() {
        let text = "One.¹\n\n¹ First.\n";
        let options = LoadOptions { max_notes: 1, ..LoadOptions::default() };
        let doc = parse_with(Path::new("a.txt"), text.as_bytes(), &options).unwrap();
        assert_eq!(doc.notes.len(), 1);
        assert!(doc.findings.iter().all(|f| f.rule != Rule::InputLimit));
    }

    #[test]
    fn ignore_directives_and_comments() {
        assert_eq!(ignore_directive("CiteCheck-Ignore:   a  b ").as_deref(), Some("a b"));
        assert_eq!(ignore_directive("citecheck-ignore").as_deref(), Some("no reason given"));
        assert_eq!(ignore_directive("citecheck-ignorance: x"), None);
        assert_eq!(ignore_directive("é"), None);
        let long = format!("citecheck-ignore: {}", "é".repeat(400));
        assert_eq!(ignore_directive(&long).map(|r| r.chars().count()), Some(MAX_REASON_CHARS));

        let text = "<!-- citecheck-ignore: x -->\n\n[^1]: a\nprose <!-- citecheck-ignore: y -->\n[^2]: b\n";
        let first = text.find("[^1]").unwrap();
        let second = text.find("[^2]").unwrap();
        assert_eq!(ignore_comment_before(text, first).as_deref(), Some("x"));
        // A comment that does not start its line is prose's, not the note's.
        assert_eq!(ignore_comment_before(text, second), None);
        assert_eq!(ignore_comment_before("-->\n[^1]: a", 4), None);
        assert_eq!(ignore_comment_before("é", 1), None);

        let (reason, range) = ignore_comment_within("a <!-- other --> b <!--citecheck-ignore:z--> c").unwrap();
        assert_eq!((reason.as_str(), range), ("z", 19..44));
        assert_eq!(ignore_comment_within("a <!-- unclosed citecheck-ignore: z"), None);
    }
}
