//! What a cited PDF says it is: titles from the document information dictionary, the XMP
//! packet and the largest text on the first page; authors and a date from the metadata.
//!
//! Pure: it reads a [`Pdf`] already parsed. Word processors fill `/Title` with junk ("Microsoft
//! Word - brief.docx", "untitled"); such titles are dropped so the first page speaks instead.

use crate::date::PartialDate;
use crate::page::{PageMeta, TitleCandidate, TitleSource};

use super::layout;
use super::{Pdf, clean_meta};

/// The most lines taken as one first-page title (a title wraps over two or three).
const MAX_TITLE_LINES: usize = 4;

/// The page metadata of a PDF.
pub(crate) fn page_meta(pdf: &Pdf) -> PageMeta {
    let mut meta = PageMeta::default();
    let xmp = pdf.xmp.as_deref().map(Xmp::read).unwrap_or_default();
    let mut push = |source: TitleSource, text: Option<String>| {
        if let Some(text) = text.and_then(|t| clean_meta(&t)).filter(|t| !is_junk_title(t)) {
            if !meta.titles.iter().any(|c| c.text == text) {
                meta.titles.push(TitleCandidate { source, text });
            }
        }
    };
    push(TitleSource::PdfInfo, pdf.info.title.clone());
    push(TitleSource::PdfXmp, xmp.title.clone());
    push(TitleSource::PdfFirstPage, pdf.pages.first().and_then(first_page_title));
    let mut authors: Vec<String> = Vec::new();
    for a in pdf.info.author.iter().chain(xmp.creators.iter()) {
        for name in a.split(';').filter_map(clean_meta) {
            if !authors.contains(&name) && authors.len() < 50 {
                authors.push(name);
            }
        }
    }
    meta.authors = authors;
    meta.date = xmp.date.as_deref().and_then(PartialDate::parse_iso).or_else(|| {
        pdf.info
            .creation_date
            .as_deref()
            .and_then(pdf_date)
            .or_else(|| xmp.created.as_deref().and_then(PartialDate::parse_iso))
    });
    meta.description = pdf.info.subject.clone().or(xmp.description);
    meta
}

/// `D:20250324101500+05'00'` → 2025-03-24 (a PDF date; the time is ignored).
fn pdf_date(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    let s = s.strip_prefix("D:").unwrap_or(s);
    let digits: String = s.chars().take_while(char::is_ascii_digit).take(8).collect();
    match digits.len() {
        8 => PartialDate::parse_iso(&digits),
        6 => PartialDate::new(digits[..4].parse().ok()?, digits[4..6].parse().ok(), None),
        4 => PartialDate::new(digits.parse().ok()?, None, None),
        _ => None,
    }
}

/// Titles that name a file, a template or nothing: what office suites write when the author
/// never set one.
pub(crate) fn is_junk_title(title: &str) -> bool {
    let t = title.trim().to_lowercase();
    let words = t.split_whitespace().count();
    let file_name = [
        ".doc", ".docx", ".rtf", ".odt", ".pdf", ".indd", ".tex", ".dvi", ".ps", ".qxd", ".pages", ".txt", ".html",
        ".htm", ".xls", ".xlsx", ".ppt", ".pptx",
    ]
    .iter()
    .any(|ext| t.ends_with(ext) && words <= 8);
    let generic = [
        "untitled",
        "title",
        "document",
        "presentation",
        "powerpoint presentation",
        "slide 1",
        "layout 1",
        "print",
        "pdf",
        "no title",
        "blank",
        "microsoft word",
        "report",
    ];
    let bare = t.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_' || c == ' ');
    t.chars().filter(|c| c.is_alphabetic()).count() < 3
        || file_name
        || generic.contains(&bare)
        || t.starts_with("microsoft word - ")
        || t.starts_with("microsoft powerpoint - ")
        || t.starts_with("untitled")
        || bare == "document"
        || t.starts_with("c:\\")
        || t.starts_with('/') && !t.contains(' ')
}

/// The largest text in the upper part of the first page: a run of consecutive lines of that
/// size (a title that wraps). Lines of body size do not count: a page with no larger text has
/// no title to offer.
fn first_page_title(page: &super::Page) -> Option<String> {
    let lines = layout::lines(page);
    let upper: Vec<&layout::Line> = lines.iter().filter(|l| page.height <= 0.0 || l.y <= page.height * 0.6).collect();
    let body = body_size(&lines)?;
    let largest = upper.iter().filter(|l| has_words(&l.text)).map(|l| l.size).fold(0.0, f64::max);
    if largest < body * 1.15 {
        return None;
    }
    let first = upper.iter().position(|l| (l.size - largest).abs() < 0.5 && has_words(&l.text))?;
    let mut title = upper[first].text.trim().to_owned();
    let mut last_y = upper[first].y;
    for l in upper.iter().skip(first + 1).take(MAX_TITLE_LINES - 1) {
        if (l.size - largest).abs() >= 0.5 || l.y - last_y > largest * 2.0 {
            break;
        }
        // A title wrapped after a dash ("2014–" / "2024") goes on without a space.
        if !title.ends_with(['-', '–', '—']) {
            title.push(' ');
        }
        title.push_str(l.text.trim());
        last_y = l.y;
    }
    Some(title)
}

fn has_words(text: &str) -> bool {
    text.chars().filter(|c| c.is_alphabetic()).count() >= 3
}

/// The size of most characters on a page.
pub(crate) fn body_size(lines: &[layout::Line]) -> Option<f64> {
    let mut counts: Vec<(i64, usize)> = Vec::new();
    for l in lines {
        let key = (l.size * 2.0).round() as i64;
        let n = l.text.chars().count();
        match counts.iter_mut().find(|c| c.0 == key) {
            Some(c) => c.1 += n,
            None => counts.push((key, n)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts.first().map(|c| c.0 as f64 / 2.0)
}

/// The few XMP fields read. XMP is RDF/XML; a full parse is not needed for these: each is the
/// text of the first `rdf:li` (or the element's own text) inside the element named.
#[derive(Debug, Default)]
struct Xmp {
    title: Option<String>,
    creators: Vec<String>,
    date: Option<String>,
    created: Option<String>,
    description: Option<String>,
}

impl Xmp {
    fn read(xml: &str) -> Xmp {
        Xmp {
            title: element(xml, "dc:title").and_then(|e| items(e).into_iter().next()),
            creators: element(xml, "dc:creator").map(items).unwrap_or_default(),
            date: element(xml, "dc:date").and_then(|e| items(e).into_iter().next()),
            created: element(xml, "xmp:CreateDate").and_then(|e| items(e).into_iter().next()),
            description: element(xml, "dc:description").and_then(|e| items(e).into_iter().next()),
        }
    }
}

/// The content of the first `<name …>…</name>` element (or the value of a `name="…"`
/// attribute, the abbreviated RDF form).
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}");
    let mut from = 0;
    while let Some(i) = xml[from..].find(&open) {
        let start = from + i;
        let after = start + open.len();
        let next = xml[after..].chars().next()?;
        if next == '>' || next.is_whitespace() || next == '/' {
            let tag_end = after + xml[after..].find('>')?;
            if xml[..tag_end].ends_with('/') {
                return None;
            }
            let close = format!("</{name}>");
            let end = tag_end + 1 + xml[tag_end + 1..].find(&close)?;
            return Some(&xml[tag_end + 1..end]);
        }
        from = after;
    }
    let attr = format!("{name}=\"");
    let i = xml.find(&attr)? + attr.len();
    let j = xml[i..].find('"')?;
    Some(&xml[i..i + j])
}

/// The texts of the `rdf:li` items in `content`, or the content itself when it has none.
fn items(content: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = content;
    while let Some(i) = rest.find("<rdf:li") {
        let Some(gt) = rest[i..].find('>') else { break };
        let body_start = i + gt + 1;
        if rest[..body_start].ends_with("/>") {
            rest = &rest[body_start..];
            continue;
        }
        let Some(end) = rest[body_start..].find("</rdf:li>") else { break };
        if let Some(t) = clean_meta(&unescape(&rest[body_start..body_start + end])) {
            out.push(t);
        }
        rest = &rest[body_start + end..];
        if out.len() >= 50 {
            break;
        }
    }
    if out.is_empty() && !content.contains('<') {
        out.extend(clean_meta(&unescape(content)));
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::{Glyph, Info, Page};

    #[test]
    fn junk_titles() {
        for junk in [
            "Microsoft Word - brief.docx",
            "untitled",
            "Untitled-1",
            "Document1",
            "brief_final_v3.pdf",
            "",
            "PowerPoint Presentation",
            "12",
        ] {
            assert!(is_junk_title(junk), "{junk:?}");
        }
        for real in ["Annual Flood Report 2024", "Report of the Permanent Indus Commission", "Untied Nations"] {
            assert!(!is_junk_title(real), "{real:?}");
        }
    }

    #[test]
    fn pdf_dates() {
        assert_eq!(pdf_date("D:20250324101500+05'00'").map(|d| d.to_string()).as_deref(), Some("2025-03-24"));
        assert_eq!(pdf_date("D:2025").map(|d| d.to_string()).as_deref(), Some("2025"));
        assert_eq!(pdf_date("D:202503").map(|d| d.to_string()).as_deref(), Some("2025-03"));
        assert_eq!(pdf_date("yesterday"), None);
        assert_eq!(pdf_date("D:20251399"), None);
    }

    #[test]
    fn xmp_fields() {
        let xml = r#"<x:xmpmeta><rdf:RDF><rdf:Description xmp:CreateDate="2024-05-01T10:00:00Z">
            <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Water &amp; Power</rdf:li></rdf:Alt></dc:title>
            <dc:creator><rdf:Seq><rdf:li>First Author</rdf:li><rdf:li>Second Author</rdf:li></rdf:Seq></dc:creator>
            </rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let x = Xmp::read(xml);
        assert_eq!(x.title.as_deref(), Some("Water & Power"));
        assert_eq!(x.creators, ["First Author", "Second Author"]);
        assert_eq!(x.created.as_deref(), Some("2024-05-01T10:00:00Z"));
        assert_eq!(x.date, None);
        let x = Xmp::read("<dc:title><rdf:Alt><rdf:li");
        assert_eq!(x.title, None);
    }

    fn line(text: &str, y: f64, size: f64) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph { x: 50.0 + i as f64 * size * 0.5, y, width: size * 0.5, size, text: c.to_string() })
            .collect()
    }

    fn pdf(info_title: Option<&str>, glyphs: Vec<Vec<Glyph>>) -> Pdf {
        let page = Page { number: 1, width: 600.0, height: 800.0, glyphs: glyphs.concat(), ..Page::default() };
        Pdf {
            pages: vec![page],
            page_count: 1,
            info: Info { title: info_title.map(Into::into), ..Info::default() },
            ..Pdf::default()
        }
    }

    #[test]
    fn titles_in_order_and_junk_dropped() {
        let body = || line("Body text of the report runs on for a while here.", 200.0, 10.0);
        let p = pdf(
            Some("Microsoft Word - draft.docx"),
            vec![line("Glacial Melt and the", 80.0, 18.0), line("Upper Indus Basin", 102.0, 18.0), body(), body()],
        );
        let meta = page_meta(&p);
        assert_eq!(meta.titles.len(), 1);
        assert_eq!(meta.titles[0].source, TitleSource::PdfFirstPage);
        assert_eq!(meta.titles[0].text, "Glacial Melt and the Upper Indus Basin");

        let p = pdf(Some("Annual Flood Report"), vec![body()]);
        let meta = page_meta(&p);
        assert_eq!(meta.title(), Some("Annual Flood Report"));
        assert_eq!(meta.titles.len(), 1, "no text larger than the body: no first-page title");
    }
}
