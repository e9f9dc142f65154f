//! Page metadata: what a fetched page says it is (titles, site, date, authors, canonical URL,
//! language) and whether it is an error page, a bot check, a sign-in form or a paywall.
//!
//! [`extract`] reads whatever part of the page was fetched (often only up to `</head>` or the
//! first `<h1>`), so every field is optional and truncated or malformed HTML is normal input.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::date::PartialDate;

mod authors;
pub(crate) mod bound;
mod dates;
mod entities;
mod jsonld;
mod lexer;
mod names;
mod scan;
#[cfg(test)]
mod scan_dom;
mod signals;
pub(crate) mod title;
mod tree;

pub use signals::PageSignals;

/// Longest description kept, in characters.
const MAX_DESCRIPTION_CHARS: usize = 1000;

/// Where a title candidate was read from. Serialised in kebab case (`json-ld-headline`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TitleSource {
    /// `<meta name="citation_title">` (scholarly metadata).
    CitationTitle,
    /// JSON-LD `headline` of an article, report or page.
    JsonLdHeadline,
    /// JSON-LD `name` of an article, report or page.
    JsonLdName,
    /// `<meta property="og:title">`.
    OgTitle,
    /// `<meta name="twitter:title">`.
    TwitterTitle,
    /// Dublin Core `dc.title` / `dcterms.title`.
    DublinCore,
    /// `<title>` with the site name (and a section next to it) split off.
    HtmlTitleMain,
    /// `<title>` as written.
    HtmlTitle,
    /// The first `<h1>`.
    H1,
    /// A PDF's document information dictionary (`/Title`).
    PdfInfo,
    /// A PDF's XMP metadata (`dc:title`).
    PdfXmp,
    /// The largest text on a PDF's first page.
    PdfFirstPage,
}

/// One title the page gives itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TitleCandidate {
    /// Where it was read.
    pub source: TitleSource,
    /// The text: entities decoded, white space collapsed, at most about 1,000 characters.
    pub text: String,
}

/// What a page says about itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageMeta {
    /// Title candidates in precedence order (see [`TitleSource`]), identical texts removed.
    pub titles: Vec<TitleCandidate>,
    /// The site or publication name (`og:site_name`, JSON-LD publisher, `application-name`,
    /// `citation_journal_title`, `citation_publisher`).
    pub site: Option<String>,
    /// The publication date (scholarly metadata, `article:published_time`, JSON-LD, Dublin
    /// Core, the first `<time datetime>`, other date metas, then the URL path).
    pub date: Option<PartialDate>,
    /// Author names, as the page writes them, without duplicates.
    pub authors: Vec<String>,
    /// `<link rel=canonical>`, resolved against the page URL when one is given.
    pub canonical: Option<String>,
    /// The declared language (`<html lang>`, `og:locale`, `content-language`), e.g. `en-GB`.
    pub language: Option<String>,
    /// The page's own summary (`og:description`, `description`, `twitter:description`).
    pub description: Option<String>,
    /// A DOI the page declares (`citation_doi`, `dc.identifier`), lower-cased, without prefix.
    pub doi: Option<String>,
    /// Signs that this is not an ordinary page.
    pub signals: PageSignals,
    /// What the metadata was read from.
    pub kind: PageKind,
    /// Why the document's metadata could not be read, when it could not (a PDF over the size
    /// limit, a damaged or encrypted PDF): only that the link resolves is then known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unread: Option<String>,
}

/// The kind of document page metadata was read from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// An HTML page.
    #[default]
    Html,
    /// A PDF: titles from its metadata and first page; its date is when the file was made.
    Pdf,
}

/// How long reading a cited PDF may take.
const CITED_PDF_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// Reads a cited PDF's metadata (see [`crate::pdf`]): titles from the document information
/// dictionary, the XMP packet and the largest text on the first page (junk titles such as
/// "Microsoft Word - brief.docx" dropped), authors and date from the metadata. Only the first
/// page's text is read. `truncated` says the bytes are a prefix (the PDF was over the size
/// limit), which is not read at all since a PDF's cross-reference table is at its end.
///
/// Never fails: a PDF that cannot be read gives a [`PageMeta`] whose
/// [`unread`](PageMeta::unread) says why.
pub fn extract_pdf(bytes: &[u8], truncated: bool) -> PageMeta {
    let mut meta = PageMeta { kind: PageKind::Pdf, ..PageMeta::default() };
    if truncated {
        meta.unread = Some(format!(
            "the PDF is larger than the {} bytes read (the --max-pdf-bytes limit), so its metadata was not read",
            bytes.len()
        ));
        return meta;
    }
    let limits = crate::pdf::PdfLimits::default().max_pages(1).timeout(CITED_PDF_TIMEOUT);
    match crate::pdf::read(std::sync::Arc::from(bytes), limits, crate::pdf::Want::Pages(1)) {
        Ok(pdf) => PageMeta { kind: PageKind::Pdf, ..crate::pdf::meta::page_meta(&pdf) },
        Err(e) => {
            meta.unread = Some(e.to_string());
            meta
        }
    }
}

impl PageMeta {
    /// The best title: the first candidate.
    pub fn title(&self) -> Option<&str> {
        self.titles.first().map(|t| t.text.as_str())
    }
}

/// Reads a page's metadata from its (possibly truncated) HTML. `url` is where the page was
/// fetched from: it resolves a relative canonical link, names the host a title's site suffix
/// is compared with, and supplies a date from its path when the page gives none.
///
/// Never fails: an empty or garbled page gives an empty [`PageMeta`].
///
/// ```
/// let html = "<html><head><title>Envoy wraps up fruitful Kabul trip | The Express Tribune</title>\
///             <meta property='og:site_name' content='The Express Tribune'>";
/// let meta = citecheck::page::extract(html, None);
/// assert_eq!(meta.title(), Some("Envoy wraps up fruitful Kabul trip"));
/// assert_eq!(meta.site.as_deref(), Some("The Express Tribune"));
/// ```
pub fn extract(html: &str, url: Option<&Url>) -> PageMeta {
    let bounded = &html[..crate::span::floor_char_boundary(html, bound::MAX_HTML_BYTES)];
    meta(scan::scan(bounded, scan::Reading::Enough), html, url)
}

/// Reads the metadata out of what the scan collected (`html`: the whole page, whose markup the
/// signals search for challenge markers).
fn meta(raw: scan::Raw, html: &str, url: Option<&Url>) -> PageMeta {
    let ld = jsonld::read(&raw.ld_json);
    let host = url.and_then(Url::host_str);

    let mut site_names: Vec<String> = Vec::new();
    let mut add_site = |s: Option<&str>| {
        if let Some(s) = s.and_then(title::clean) {
            if !site_names.contains(&s) {
                site_names.push(s);
            }
        }
    };
    add_site(raw.meta(&["og:site_name"]));
    for p in &ld.publishers {
        add_site(Some(p));
    }
    add_site(raw.meta(&["application-name"]));
    add_site(raw.meta(&["citation_journal_title"]));
    add_site(raw.meta(&["citation_publisher", "dc.publisher"]));
    add_site(raw.meta(&["apple-mobile-web-app-title"]));
    let sites: Vec<&str> = site_names.iter().map(String::as_str).collect();

    let title_main = raw.title.as_deref().and_then(|t| title::split_site(t, &sites, host));
    let titles = titles(&raw, &ld, title_main.as_deref());
    let is_article = ld.has_work
        || raw.meta(&["citation_title"]).is_some()
        || raw.meta(&["og:type"]).is_some_and(|t| t.eq_ignore_ascii_case("article"));
    let evidence = signals::Evidence {
        title: raw.title.as_deref(),
        h1: raw.h1.as_deref(),
        headings: &raw.headings,
        text: &raw.text,
        words: raw.words,
        password_inputs: raw.password_inputs,
        is_article,
        sites: &sites,
        host,
        html,
    };
    let signals = signals::compute_with_main(&evidence, title_main.as_deref());
    let canonical = raw.canonical.as_deref().and_then(|c| match url {
        Some(base) => base.join(c).ok().map(String::from),
        None => Some(Url::parse(c).map_or_else(|_| c.to_string(), String::from)),
    });

    PageMeta {
        titles,
        site: site_names.first().cloned(),
        date: date(&raw, &ld, url, canonical.as_deref()),
        authors: authors(&raw, &ld),
        canonical,
        language: language(&raw),
        description: raw
            .meta(&["og:description", "description", "twitter:description", "dc.description"])
            .and_then(|d| cap(d, MAX_DESCRIPTION_CHARS)),
        doi: doi(&raw),
        signals,
        kind: PageKind::Html,
        unread: None,
    }
}

/// `title_main` is the `<title>` with its site name split off (`title::split_site`), if any.
fn titles(raw: &scan::Raw, ld: &jsonld::LinkedData, title_main: Option<&str>) -> Vec<TitleCandidate> {
    let mut out: Vec<TitleCandidate> = Vec::new();
    let mut push = |source: TitleSource, text: &str| {
        if let Some(text) = title::clean(text) {
            if !out.iter().any(|t| t.text == text) {
                out.push(TitleCandidate { source, text });
            }
        }
    };
    if let Some(t) = raw.meta(&["citation_title"]) {
        push(TitleSource::CitationTitle, t);
    }
    for t in &ld.headlines {
        push(TitleSource::JsonLdHeadline, t);
    }
    for t in &ld.names {
        push(TitleSource::JsonLdName, t);
    }
    if let Some(t) = raw.meta(&["og:title"]) {
        push(TitleSource::OgTitle, t);
    }
    if let Some(t) = raw.meta(&["twitter:title"]) {
        push(TitleSource::TwitterTitle, t);
    }
    if let Some(t) = raw.meta(&["dc.title", "dcterms.title"]) {
        push(TitleSource::DublinCore, t);
    }
    if let Some(t) = raw.title.as_deref() {
        if let Some(main) = title_main {
            push(TitleSource::HtmlTitleMain, main);
        }
        push(TitleSource::HtmlTitle, t);
    }
    if let Some(h) = raw.h1.as_deref() {
        push(TitleSource::H1, h);
    }
    out
}

fn date(raw: &scan::Raw, ld: &jsonld::LinkedData, url: Option<&Url>, canonical: Option<&str>) -> Option<PartialDate> {
    let metas = |keys: &[&str]| keys.iter().filter_map(|k| raw.meta(&[k])).find_map(dates::parse_loose);
    metas(&["citation_publication_date", "citation_date", "citation_online_date"])
        .or_else(|| metas(&["article:published_time", "og:article:published_time", "article.published"]))
        .or_else(|| ld.dates.iter().find_map(|d| dates::parse_loose(d)))
        .or_else(|| {
            metas(&[
                "dc.date.issued",
                "dcterms.issued",
                "dc.date",
                "dcterms.date",
                "dcterms.created",
                "dc.date.created",
            ])
        })
        .or_else(|| raw.time.as_deref().and_then(dates::parse_loose))
        .or_else(|| {
            metas(&[
                "datepublished",
                "pubdate",
                "publishdate",
                "publish-date",
                "publish_date",
                "publication_date",
                "parsely-pub-date",
                "sailthru.date",
                "date",
                "article_date_original",
                "og:published_time",
            ])
        })
        .or_else(|| url.and_then(|u| dates::from_path(u.path())))
        .or_else(|| canonical.and_then(|c| Url::parse(c).ok()).and_then(|u| dates::from_path(u.path())))
}

fn authors(raw: &scan::Raw, ld: &jsonld::LinkedData) -> Vec<String> {
    let mut out = Vec::new();
    for a in raw.metas_all("citation_author").chain(raw.metas_all("dc.creator")) {
        authors::add(&mut out, a, false);
    }
    for a in &ld.authors {
        authors::add(&mut out, a, true);
    }
    for key in ["author", "article:author", "parsely-author", "sailthru.author", "byl"] {
        for a in raw.metas_all(key) {
            if !authors::is_url(a) {
                authors::add(&mut out, a, true);
            }
        }
    }
    out
}

fn language(raw: &scan::Raw) -> Option<String> {
    let declared = raw
        .lang
        .as_deref()
        .filter(|l| !l.trim().is_empty())
        .or_else(|| raw.meta(&["og:locale", "content-language", "language", "dc.language", "dcterms.language"]))?;
    let tag = declared.split([',', ';', ' ']).map(str::trim).find(|t| !t.is_empty())?.replace('_', "-");
    let ok = tag.len() <= 35 && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    ok.then_some(tag)
}

fn doi(raw: &scan::Raw) -> Option<String> {
    let keys = ["citation_doi", "dc.identifier", "dcterms.identifier", "prism.doi", "bepress_citation_doi"];
    keys.iter().flat_map(|k| raw.metas_all(k)).find_map(|v| {
        let v = v.trim().to_ascii_lowercase();
        let v =
            ["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:", "info:doi/"]
                .iter()
                .find_map(|p| v.strip_prefix(p))
                .unwrap_or(&v)
                .trim()
                .to_string();
        (v.starts_with("10.") && v.contains('/') && !v.contains(char::is_whitespace)).then_some(v)
    })
}

fn cap(text: &str, max_chars: usize) -> Option<String> {
    let joined = title::strip_controls(text).split_whitespace().collect::<Vec<_>>().join(" ");
    let capped: String = joined.chars().take(max_chars).collect();
    (!capped.is_empty()).then_some(capped)
}

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod scan_tests;
#[cfg(test)]
mod tests;
