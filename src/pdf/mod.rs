//! Reading PDFs: positioned glyphs, separator rules, link annotations and document metadata,
//! shared by PDF documents (`document::pdf`) and cited PDFs (`page::pdf`).
//!
//! The parsing library (pdf-extract over lopdf) is large and panics on malformed input, so it
//! runs on a dedicated thread: a panic there is caught and becomes [`PdfError::Panicked`], and
//! the caller waits at most [`PdfLimits::timeout`] for it. What is bounded: the bytes handed in
//! (the caller's limit), the pages whose text is read ([`PdfLimits::max_pages`]), the glyphs kept
//! ([`MAX_GLYPHS`]) and the caller's wait. What is not: a thread that overruns the timeout is
//! abandoned, not killed (Rust cannot stop a thread), and keeps its CPU and memory until it
//! finishes its page; the glyph callback stops it at its next glyph, but lopdf's parsing and
//! stream decompression before that are not interruptible, and lopdf does not bound the size of
//! a decompressed stream.

pub(crate) mod layout;
pub(crate) mod meta;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path as PdfPath, PathOp, Transform};

/// The name of the thread the PDF library runs on (the binary keeps its panic messages quiet).
pub const THREAD_NAME: &str = "citecheck-pdf";

/// The most glyphs kept from one PDF: about 2,000 pages of dense text, far more than any brief.
pub const MAX_GLYPHS: usize = 5_000_000;

/// The most characters kept from a metadata string (a title, an author, an XMP packet).
const MAX_META_CHARS: usize = 4000;

/// The most bytes of an XMP packet read.
const MAX_XMP_BYTES: usize = 1024 * 1024;

/// How much of a PDF is read, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdfLimits {
    /// Pages whose text is read, from the first; later pages are left out (and said to be).
    pub max_pages: u32,
    /// How long to wait for the PDF library.
    pub timeout: Duration,
}

impl Default for PdfLimits {
    fn default() -> Self {
        PdfLimits { max_pages: DEFAULT_MAX_PAGES, timeout: Duration::from_secs(30) }
    }
}

/// The default of [`PdfLimits::max_pages`]: longer than any brief or report citecheck is for.
pub const DEFAULT_MAX_PAGES: u32 = 2000;

impl PdfLimits {
    /// Sets the number of pages read (at least 1).
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = pages.max(1);
        self
    }

    /// Sets how long the PDF library may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// Why a PDF could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// The bytes are not a PDF the library can parse.
    #[error("not a readable PDF ({0})")]
    Malformed(String),
    /// The PDF is encrypted and cannot be opened without a password.
    #[error("the PDF is encrypted")]
    Encrypted,
    /// The PDF library panicked on this file.
    #[error("the PDF could not be read (the PDF library failed on it: {0})")]
    Panicked(String),
    /// The PDF library took longer than the limit.
    #[error("reading the PDF took longer than {} s", .0.as_secs())]
    TimedOut(Duration),
}

/// One glyph, in points, with `y` measured down from the top of the page (to the baseline).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glyph {
    pub(crate) x: f64,
    pub(crate) y: f64,
    /// Advance width.
    pub(crate) width: f64,
    /// Font size after the text and page transforms.
    pub(crate) size: f64,
    pub(crate) text: String,
}

/// A horizontal rule drawn on the page (a footnote separator is one), top-down coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rule {
    pub(crate) x0: f64,
    pub(crate) x1: f64,
    pub(crate) y: f64,
}

/// A link annotation: a rectangle (top-down) and the URI it opens.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LinkArea {
    pub(crate) x0: f64,
    pub(crate) y0: f64,
    pub(crate) x1: f64,
    pub(crate) y1: f64,
    pub(crate) uri: String,
}

/// One page read.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Page {
    /// 1-based page number.
    pub(crate) number: u32,
    pub(crate) width: f64,
    pub(crate) height: f64,
    pub(crate) glyphs: Vec<Glyph>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) links: Vec<LinkArea>,
}

/// The document information dictionary's text entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Info {
    pub(crate) title: Option<String>,
    pub(crate) author: Option<String>,
    pub(crate) subject: Option<String>,
    pub(crate) creation_date: Option<String>,
}

/// What was read from a PDF.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Pdf {
    /// The pages read, in order (at most the limit).
    pub(crate) pages: Vec<Page>,
    /// How many pages the PDF has.
    pub(crate) page_count: u32,
    /// Whether glyphs were left out because of [`MAX_GLYPHS`].
    pub(crate) glyphs_cut: bool,
    pub(crate) info: Info,
    /// The XMP metadata packet, as text.
    pub(crate) xmp: Option<String>,
}

/// What to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// Metadata and the text of up to this many pages.
    Pages(u32),
}

/// Reads a PDF on a dedicated thread, waiting at most `limits.timeout`.
pub(crate) fn read(bytes: Arc<[u8]>, limits: PdfLimits, want: Want) -> Result<Pdf, PdfError> {
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let stop_in = Arc::clone(&stop);
    let deadline = Instant::now() + limits.timeout;
    let spawned = std::thread::Builder::new().name(THREAD_NAME.into()).stack_size(16 * 1024 * 1024).spawn(move || {
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| read_here(&bytes, want, &stop_in)));
        let result = result.unwrap_or_else(|panic| Err(PdfError::Panicked(panic_message(&panic))));
        let _ = tx.send(result);
    });
    if let Err(e) = spawned {
        return Err(PdfError::Malformed(format!("no thread to read it on: {e}")));
    }
    let wait = deadline.saturating_duration_since(Instant::now());
    match rx.recv_timeout(wait) {
        // The time was up before waiting began: an answer the thread was quick enough to leave
        // is late all the same, so the outcome does not depend on how threads were scheduled.
        Ok(_) if wait.is_zero() => Err(PdfError::TimedOut(limits.timeout)),
        Ok(result) => result,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            stop.store(true, Ordering::Relaxed);
            Err(PdfError::TimedOut(limits.timeout))
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            Err(PdfError::Panicked("the reading thread ended without an answer".into()))
        }
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into());
    let text = crate::sanitize::strip_controls(&text);
    let mut short: String = text.chars().take(200).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

/// Reads a PDF in place (no thread, no timeout): for the thread above and for fuzzing. A panic
/// in the library propagates.
pub(crate) fn read_here(bytes: &[u8], want: Want, stop: &AtomicBool) -> Result<Pdf, PdfError> {
    if bytes.len() < 5
        || !bytes.starts_with(b"%PDF-") && memchr::memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_none()
    {
        return Err(PdfError::Malformed("no %PDF- header".into()));
    }
    let doc = pdf_extract::Document::load_mem(bytes).map_err(|e| match e {
        pdf_extract::Error::Decryption(_)
        | pdf_extract::Error::InvalidPassword
        | pdf_extract::Error::UnsupportedSecurityHandler(_) => PdfError::Encrypted,
        e => PdfError::Malformed(short_error(&e.to_string())),
    })?;
    if doc.is_encrypted() {
        return Err(PdfError::Encrypted);
    }
    let mut pdf = Pdf { info: info(&doc), xmp: xmp(&doc), ..Pdf::default() };
    let pages = doc.get_pages();
    pdf.page_count = u32::try_from(pages.len()).unwrap_or(u32::MAX);
    let Want::Pages(max_pages) = want;
    let mut dev = Collector { stop, pages: Vec::new(), glyphs: 0, cut: false, flip: 0.0, left: 0.0 };
    for (&number, &id) in pages.iter().take(max_pages as usize) {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let before = dev.pages.len();
        // A page the library cannot read is left out; the others still count.
        let read = pdf_extract::output_doc_page(&doc, &mut dev, number);
        if dev.pages.len() == before {
            dev.pages.push(Page { number, ..Page::default() });
        }
        if read.is_err() && dev.cut {
            break;
        }
        if let Some(page) = dev.pages.last_mut() {
            page.number = number;
            page.links = links(&doc, id, page.height);
        }
    }
    pdf.glyphs_cut = dev.cut;
    pdf.pages = dev.pages;
    Ok(pdf)
}

fn short_error(message: &str) -> String {
    let mut s: String = crate::sanitize::strip_controls(message).chars().take(160).collect();
    if s.is_empty() {
        s = "unknown error".into();
    }
    s
}

/// Collects glyphs and rules page by page.
struct Collector<'a> {
    stop: &'a AtomicBool,
    pages: Vec<Page>,
    glyphs: usize,
    cut: bool,
    /// The page's top (`ury`) and left (`llx`), to turn PDF coordinates into top-down ones.
    flip: f64,
    left: f64,
}

impl Collector<'_> {
    fn halt(&self) -> Result<(), OutputError> {
        if self.cut || self.stop.load(Ordering::Relaxed) {
            // Any error stops the library's content-stream loop.
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        Ok(())
    }

    fn add_rules(&mut self, ctm: &Transform, path: &PdfPath, filled: bool) {
        let Some(page) = self.pages.last_mut() else { return };
        let point = |x: f64, y: f64| {
            let px = x * ctm.m11 + y * ctm.m21 + ctm.m31;
            let py = x * ctm.m12 + y * ctm.m22 + ctm.m32;
            (px - self.left, self.flip - py)
        };
        let mut last: Option<(f64, f64)> = None;
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => last = Some(point(x, y)),
                PathOp::LineTo(x, y) => {
                    let p = point(x, y);
                    if let Some(q) = last.filter(|q| (q.1 - p.1).abs() < 0.5 && (q.0 - p.0).abs() > 10.0) {
                        page.rules.push(Rule { x0: q.0.min(p.0), x1: q.0.max(p.0), y: p.1 });
                    }
                    last = Some(p);
                }
                PathOp::Rect(x, y, w, h) if filled || h.abs() < 2.0 => {
                    let a = point(x, y);
                    let b = point(x + w, y + h);
                    if (a.1 - b.1).abs() < 2.0 && (a.0 - b.0).abs() > 10.0 {
                        page.rules.push(Rule { x0: a.0.min(b.0), x1: a.0.max(b.0), y: (a.1 + b.1) / 2.0 });
                    }
                }
                _ => {}
            }
            if page.rules.len() > 10_000 {
                return;
            }
        }
    }
}

impl OutputDev for Collector<'_> {
    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.halt()?;
        self.flip = media_box.ury;
        self.left = media_box.llx;
        self.pages.push(Page {
            number: page_num,
            width: (media_box.urx - media_box.llx).abs(),
            height: (media_box.ury - media_box.lly).abs(),
            ..Page::default()
        });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        self.halt()?;
        if self.glyphs >= MAX_GLYPHS {
            self.cut = true;
            return self.halt();
        }
        // The size on the page: the font size scaled by the text and page transforms.
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let size = font_size * scale;
        let (x, y) = (trm.m31 - self.left, self.flip - trm.m32);
        if !(x.is_finite() && y.is_finite() && size.is_finite()) || text.is_empty() {
            return Ok(());
        }
        let Some(page) = self.pages.last_mut() else { return Ok(()) };
        self.glyphs += 1;
        page.glyphs.push(Glyph { x, y, width: (width * size).max(0.0), size, text: text.to_owned() });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn stroke(&mut self, ctm: &Transform, _: &ColorSpace, _: &[f64], path: &PdfPath) -> Result<(), OutputError> {
        self.add_rules(ctm, path, false);
        Ok(())
    }

    fn fill(&mut self, ctm: &Transform, _: &ColorSpace, _: &[f64], path: &PdfPath) -> Result<(), OutputError> {
        self.add_rules(ctm, path, true);
        Ok(())
    }
}

/// The link annotations of a page that open a URI.
fn links(doc: &pdf_extract::Document, page: pdf_extract::ObjectId, height: f64) -> Vec<LinkArea> {
    let Ok(annotations) = doc.get_page_annotations(page) else { return Vec::new() };
    let mut out = Vec::new();
    for a in annotations.into_iter().take(10_000) {
        let is_link = a.get(b"Subtype").and_then(|s| s.as_name()).is_ok_and(|n| n == b"Link");
        if !is_link {
            continue;
        }
        let action = a.get_deref(b"A", doc).and_then(|o| o.as_dict());
        let Ok(action) = action else { continue };
        let Some(uri) = action.get_deref(b"URI", doc).ok().and_then(|o| o.as_str().ok()) else { continue };
        let uri = String::from_utf8_lossy(uri).trim().to_owned();
        if uri.is_empty() || uri.len() > 64 * 1024 {
            continue;
        }
        let Some(rect) = a.get_deref(b"Rect", doc).ok().and_then(|o| o.as_array().ok()) else { continue };
        let n: Vec<f64> = rect.iter().filter_map(|o| o.as_float().ok()).map(f64::from).collect();
        let [x0, y0, x1, y1] = n[..] else { continue };
        if ![x0, y0, x1, y1].iter().all(|v| v.is_finite()) {
            continue;
        }
        out.push(LinkArea { x0: x0.min(x1), x1: x0.max(x1), y0: height - y0.max(y1), y1: height - y0.min(y1), uri });
    }
    out
}

fn text_entry(doc: &pdf_extract::Document, dict: &pdf_extract::Dictionary, key: &[u8]) -> Option<String> {
    let object = dict.get_deref(key, doc).ok()?;
    let text = pdf_extract::decode_text_string(object).ok()?;
    clean_meta(&text)
}

/// White space collapsed, controls removed, length bounded; `None` when nothing is left.
pub(crate) fn clean_meta(text: &str) -> Option<String> {
    let text = crate::sanitize::strip_controls(text);
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(MAX_META_CHARS).collect();
    (!text.is_empty()).then_some(text)
}

fn info(doc: &pdf_extract::Document) -> Info {
    let Some(dict) = doc.trailer.get_deref(b"Info", doc).ok().and_then(|o| o.as_dict().ok()) else {
        return Info::default();
    };
    Info {
        title: text_entry(doc, dict, b"Title"),
        author: text_entry(doc, dict, b"Author"),
        subject: text_entry(doc, dict, b"Subject"),
        creation_date: text_entry(doc, dict, b"CreationDate"),
    }
}

fn xmp(doc: &pdf_extract::Document) -> Option<String> {
    let catalog = doc.catalog().ok()?;
    let stream = catalog.get_deref(b"Metadata", doc).ok()?.as_stream().ok()?;
    let content = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
    let content = &content[..content.len().min(MAX_XMP_BYTES)];
    Some(String::from_utf8_lossy(content).into_owned())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A one-page PDF with its cross-reference table right: `font` is the font dictionary,
    /// `content` the page's content stream, `info` the information dictionary.
    pub(crate) fn minimal_pdf(font: &str, content: &str, info: &str) -> Vec<u8> {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
                .to_owned(),
            font.to_owned(),
            format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len() + 1),
            info.to_owned(),
        ];
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!("trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
                .as_bytes(),
        );
        out
    }

    const HELVETICA: &str = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

    #[test]
    fn glyphs_metadata_and_positions() {
        let pdf = minimal_pdf(
            HELVETICA,
            "BT /F1 18 Tf 72 720 Td (Annual Review) Tj ET BT /F1 10 Tf 72 700 Td (Body) Tj ET 72 100 m 200 100 l S",
            "<< /Title (Annual Review) /Author (Trade Unit) /CreationDate (D:20240301) >>",
        );
        let read = read(Arc::from(pdf), PdfLimits::default(), Want::Pages(5)).unwrap();
        assert_eq!(read.page_count, 1);
        assert_eq!(read.info.title.as_deref(), Some("Annual Review"));
        assert_eq!(read.info.author.as_deref(), Some("Trade Unit"));
        let page = &read.pages[0];
        assert_eq!((page.width, page.height), (612.0, 792.0));
        let first = &page.glyphs[0];
        assert_eq!((first.text.as_str(), first.x, first.y, first.size), ("A", 72.0, 72.0, 18.0));
        assert_eq!(page.rules, [Rule { x0: 72.0, x1: 200.0, y: 692.0 }]);
    }

    #[test]
    fn a_panic_in_the_library_is_an_unreadable_file() {
        // pdf-extract panics on a simple font whose encoding it does not know.
        let pdf = minimal_pdf(
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /NoSuchEncoding >>",
            "BT /F1 12 Tf 72 720 Td (x) Tj ET",
            "<< >>",
        );
        match read(Arc::from(pdf), PdfLimits::default(), Want::Pages(1)) {
            Err(PdfError::Panicked(message)) => assert!(message.contains("encoding"), "{message}"),
            other => panic!("expected a caught panic, got {other:?}"),
        }
    }

    #[test]
    fn time_and_input_are_bounded() {
        let pdf = minimal_pdf(HELVETICA, "BT /F1 12 Tf 72 720 Td (x) Tj ET", "<< >>");
        let zero = PdfLimits::default().timeout(Duration::ZERO);
        assert_eq!(read(Arc::from(pdf.clone()), zero, Want::Pages(1)), Err(PdfError::TimedOut(Duration::ZERO)));
        assert!(matches!(
            read(Arc::from(&b"%PDF-"[..]), PdfLimits::default(), Want::Pages(1)),
            Err(PdfError::Malformed(_))
        ));
        assert!(matches!(
            read(Arc::from(&b"hello"[..]), PdfLimits::default(), Want::Pages(1)),
            Err(PdfError::Malformed(_))
        ));
        // Every prefix of a PDF is an error or a document, never a panic here.
        for end in 0..pdf.len() {
            let _ = read(Arc::from(&pdf[..end]), PdfLimits::default(), Want::Pages(1));
        }
    }
}
