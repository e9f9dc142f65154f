//! Citation fields from a note's text: URLs, title, authors, publication, dates, DOI.
//!
//! The note is normalised, its URLs found and set aside ([`super::url`]), its Markdown emphasis
//! read as italics ([`super::markup`]). Then the title is located first, because every other
//! field is read relative to it: the authors are what comes before it, the publication what
//! comes right after it, and the date is the first publication date outside it. The title is,
//! in order of preference: the title after an APA/Harvard "Author (Year)" opening; the first
//! double-quoted span; a single-quoted span right after the authors; the text before a closing
//! quote that has no opening one; the second sentence of a Vancouver reference; a link's text;
//! an italic span (a book or report); a Chicago book or report title in roman type
//! ([`unquoted`]).

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::dates::{self, Dated, Role};
use super::ibid;
use super::markup::{self, Prepared, URL_MARK, collapse};
use super::names;
use super::url::{self, Found, Hit};
use crate::date::PartialDate;
use crate::document::Link;

/// The fields of one note, before repeats are resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Fields {
    /// Every cited URL, in order, without duplicates.
    pub(crate) urls: Vec<String>,
    /// Things meant as URLs that cannot be: (as written, reason).
    pub(crate) malformed: Vec<(String, String)>,
    pub(crate) title: Option<String>,
    pub(crate) authors: Vec<String>,
    pub(crate) container: Option<String>,
    pub(crate) date: Option<PartialDate>,
    pub(crate) accessed: Option<PartialDate>,
    /// Lower-cased `10.…`.
    pub(crate) doi: Option<String>,
    pub(crate) repeat: Option<Repeat>,
}

/// A note that repeats an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// "Ibid." / "Ibid., p. 4" / "Id.": the note just before.
    Ibid { pinpoint: Option<String> },
    /// "Khan, op. cit., p. 4": the last note by that author (the note before when no author).
    OpCit { author: Option<String>, pinpoint: Option<String> },
    /// Chicago's short form, "Yousaf, “Envoy wraps up”, 3.": the last note by that author
    /// whose title starts with the short title.
    Short { author: Option<String>, title: String, pinpoint: Option<String> },
}

/// Longest note read, in bytes (a footnote longer than this is prose, not a citation).
const MAX_NOTE: usize = 32 * 1024;

/// Reads the citation fields of one note. `links` are the note's hyperlinks when the format
/// keeps them apart from the text (HTML `<a href>`).
pub(crate) fn parse(text: &str, links: &[Link]) -> Fields {
    let text = markup::normalize(text, MAX_NOTE);
    let text = markup::unwrap_reference_links(&text).into_owned();
    let hits = url::scan(&text);
    let mut f = Fields::default();
    let prep = markup::prepare(&text, &hits);
    collect_urls(&text, hits, links, &mut f);
    if let Some(repeat) = ibid::detect(&prep.text) {
        f.repeat = Some(repeat);
        return f;
    }
    let t = prep.text.as_str();
    let titled = find_title(&prep, links);
    let blanked = match &titled {
        Some(ti) => blank(t, ti.span.clone()),
        None => t.to_owned(),
    };
    let found_dates = dates::find(&blanked);
    let (date, accessed) = pick_dates(&blanked, &found_dates, titled.as_ref());
    f.date = date;
    f.accessed = accessed;
    if let Some(ti) = titled {
        let (container, by) = container(&prep, &ti, &found_dates);
        f.container = container;
        let head = t.get(..ti.authors_end).unwrap_or("");
        match leading_italic(&prep, head) {
            // "*Dawn*, “Title”": an unsigned piece, cited under its publication.
            Some(publication) => {
                if f.container.is_none() {
                    f.container = clean_container(publication);
                }
            }
            None => f.authors = names::authors(head),
        }
        if f.authors.is_empty()
            && let Some(by) = by
        {
            f.authors = names::authors(&by);
        }
        if let Some(short) = short_form(&f, &ti, t) {
            f.repeat = Some(short);
            f.title = None;
            f.authors.clear();
            return f;
        }
        f.title = Some(ti.title);
    }
    f
}

/// The italic span that makes up all of `head` (the text before the title), if it is one.
fn leading_italic<'a>(prep: &'a Prepared, head: &str) -> Option<&'a str> {
    let start = head.len() - head.trim_start().len();
    let end = head.trim_end().trim_end_matches([',', '.', ':', ';', '—', '–']).trim_end().len();
    prep.italics.iter().find(|r| r.start == start && r.end == end).and_then(|r| prep.text.get(r.clone()))
}

// ---------------------------------------------------------------------------------------------
// URLs

fn collect_urls(text: &str, hits: Vec<Hit>, links: &[Link], f: &mut Fields) {
    // (position, what, from an HTML link)
    // A URL written in the text that is some link's visible text is that link shown, not a
    // citation of its own (Google Docs shows a shortened URL over the full target).
    let shown_texts: HashSet<String> = links.iter().take(MAX_LINKS).map(|l| collapse(&l.text)).collect();
    let mut entries: Vec<(usize, Found, bool)> = hits
        .into_iter()
        .filter(|h| {
            let written = text.get(h.range.clone()).unwrap_or("").trim_matches(['<', '>']);
            links.is_empty() || !shown_texts.contains(written) || links.iter().any(|l| l.href.trim() == written)
        })
        .map(|h| (h.range.start, h.found, false))
        .collect();
    // An HTML link sits where its text is; links whose text is not found keep document order.
    let mut cursor = 0;
    for link in links.iter().take(MAX_LINKS) {
        let shown = collapse(&link.text);
        let pos = if shown.is_empty() {
            None
        } else {
            text.get(cursor..).and_then(|rest| rest.find(shown.as_str())).map(|i| cursor + i)
        };
        let pos = pos.unwrap_or(cursor);
        cursor = pos;
        entries.push((pos, url::classify_href(&link.href), true));
    }
    entries.sort_by_key(|e| e.0);
    // A DOI written in the text and linked (Wikipedia's "doi:10.1080/…" over its resolver URL)
    // is one citation: the link, as written, is the URL.
    let linked_dois: HashSet<String> = entries
        .iter()
        .filter_map(|(_, found, linked)| match found {
            Found::Doi { doi, .. } if *linked => Some(doi.clone()),
            _ => None,
        })
        .collect();
    let hrefs: Vec<&str> = links.iter().take(MAX_LINKS).map(|l| l.href.trim()).collect();
    let mut seen = Seen::default();
    let mut seen_malformed: HashSet<String> = HashSet::new();
    let mut malformed = |f: &mut Fields, text: String, reason: String| {
        if seen_malformed.insert(text.clone()) {
            f.malformed.push((text, reason));
        }
    };
    for (_, found, linked) in entries {
        match found {
            Found::Url(u) => push_url(f, &mut seen, u),
            Found::Doi { doi, url } => {
                let shown_and_linked = !linked && linked_dois.contains(&doi);
                f.doi.get_or_insert(doi);
                if !shown_and_linked {
                    push_url(f, &mut seen, url);
                }
            }
            Found::Malformed { text, reason } => malformed(f, text, reason),
            // The display form of a link whose target is known is no citation of its own.
            Found::Truncated(stem) if hrefs.iter().any(|h| h.starts_with(stem.as_str())) => {}
            Found::Truncated(stem) => malformed(f, stem, "the URL is truncated (it ends with an ellipsis)".into()),
            Found::Ignored => {}
        }
    }
}

/// Most HTML links of one note considered (a note with more is not a citation).
const MAX_LINKS: usize = 256;

/// The URLs of a note already kept, by their parsed (normalised) form. Most notes cite one URL:
/// keys are only computed once a second one comes, so that the first is never parsed again.
#[derive(Default)]
struct Seen {
    keys: HashSet<String>,
}

fn url_key(u: &str) -> String {
    ::url::Url::parse(u).map_or_else(|_| u.to_owned(), |p| p.as_str().to_owned())
}

fn push_url(f: &mut Fields, seen: &mut Seen, u: String) {
    if f.urls.is_empty() {
        f.urls.push(u);
        return;
    }
    if seen.keys.is_empty() {
        // The one URL kept so far.
        seen.keys.extend(f.urls.iter().map(|k| url_key(k)));
    }
    if seen.keys.insert(url_key(&u)) {
        f.urls.push(u);
    }
}

// ---------------------------------------------------------------------------------------------
// Title

/// Where the title is and what it tells about the rest of the note.
#[derive(Debug, Clone)]
struct Titled {
    title: String,
    /// Bytes of the title in the prepared text, quotes included (no date is read there).
    span: Range<usize>,
    /// Where the authors end.
    authors_end: usize,
    /// Where the publication may start.
    after: usize,
    /// The parts of the citation are separated by periods (Chicago bibliography, MLA, APA),
    /// so a publication may contain commas ("Ministry of External Affairs, Government of India").
    period_mode: bool,
    /// The title is an italic span (a book or report): what follows is a publisher.
    italic: bool,
    /// The container was already found (an italic publication after an unquoted title).
    container: Option<String>,
    /// Text right after the title, for the short-form check.
    rest: Range<usize>,
}

// "Khan, T. (2025, March 23). " / "Khan, T. (2025) " / "Ministry (n.d.). "
static AUTHOR_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*(?P<auth>[^“”"«»„()]{1,300}?(?:\([^()“”"]{1,40}\)[^“”"«»„()]{0,100}?)?)\s*\(\s*(?:[0-9]{4}[a-z]?(?:\s*,[^()]{0,40})?|n\.\s?d\.?)\s*\)\s*[.:]?\s*"#)
        .expect("static regex")
});

static BRACKET_TAIL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*\[[^\[\]]{1,40}\]$").expect("static regex"));

fn find_title(prep: &Prepared, links: &[Link]) -> Option<Titled> {
    let t = prep.text.as_str();
    if let Some(ti) = author_year_title(prep) {
        return Some(ti);
    }
    let (double, stray_closer) = find_double(t, 0);
    if let Some(q) = double {
        return quoted(t, &q);
    }
    if let Some(q) = find_single(t, 0, None) {
        return quoted(t, &q);
    }
    if let Some(close) = stray_closer
        && let Some(ti) = unbalanced(t, close)
    {
        return Some(ti);
    }
    if let Some(ti) = unquoted::vancouver(prep) {
        return Some(ti);
    }
    if let Some(ti) = link_title(prep, links) {
        return Some(ti);
    }
    italic_title(prep).or_else(|| unquoted::chicago_roman(prep))
}

/// Whether `t` may match [`AUTHOR_YEAR`]: it has a "(" before a year or "n." (what the pattern
/// requires, checked without compiling it).
fn may_be_author_year(t: &str) -> bool {
    t.match_indices('(').any(|(i, _)| t[i + 1..].trim_start().starts_with(|c: char| c.is_ascii_digit() || c == 'n'))
}

/// APA and Harvard: "Khan, T. (2025, March 23). Title. *Dawn*." — the title starts right after
/// the year in parentheses: quoted (Harvard), italic (a book or web page) or a sentence (APA).
fn author_year_title(prep: &Prepared) -> Option<Titled> {
    let t = prep.text.as_str();
    // AUTHOR_YEAR takes milliseconds to compile (bounded repetitions of Unicode classes), more
    // than a cached run's judging; a note with no "(" before a year or "n." cannot match it.
    if !may_be_author_year(t) {
        return None;
    }
    let caps = AUTHOR_YEAR.captures(t)?;
    let auth = caps.name("auth")?;
    // An italic before the year is a title ("Ahmed Rashid, *Taliban* (2000), 45"), not an author.
    let italic_inside = prep.italics.iter().any(|r| r.start < auth.end());
    if italic_inside || names::authors(auth.as_str()).is_empty() {
        return None;
    }
    let start = caps.get(0)?.end();
    let authors_end = auth.end();
    let rest = t.get(start..)?;
    let first = rest.chars().next()?;
    let opens_title = (first.is_alphanumeric() && !first.is_lowercase())
        || double_closers(first).is_some()
        || single_closers(first).is_some();
    if !opens_title {
        // "(2000), 45": a Chicago note's publication year; "Yousaf (2025) argues …": prose.
        return None;
    }
    if double_closers(first).is_some() {
        let (q, _) = find_double(t, start);
        if let Some(q) = q.filter(|q| q.open == start) {
            return quoted(t, &q).map(|ti| Titled { authors_end, ..ti });
        }
    }
    if single_closers(first).is_some()
        && let Some(q) = find_single(t, start, Some(start))
    {
        return quoted(t, &q).map(|ti| Titled { authors_end, ..ti });
    }
    if let Some(r) = prep.italics.iter().find(|r| r.start == start) {
        let title = clean_title(t.get(r.clone())?)?;
        return Some(Titled {
            title,
            span: r.clone(),
            authors_end,
            after: r.end,
            period_mode: true,
            italic: true,
            container: None,
            rest: r.end..t.len(),
        });
    }
    let end = sentence_end(t, start, &prep.italics);
    let title = clean_title(t.get(start..end)?)?;
    Some(Titled {
        title,
        span: start..end,
        authors_end,
        after: end,
        period_mode: true,
        italic: false,
        container: None,
        rest: end..t.len(),
    })
}

/// A quoted span: where it opens, its contents, where it closes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Quote {
    open: usize,
    content: Range<usize>,
    end: usize,
}

/// The closing marks that may end a double-quoted title opened by `open`: the proper ones,
/// and those a careless text uses when no proper one follows (`“Title"`, `“Title“`).
fn double_closers(open: char) -> Option<(&'static [char], &'static [char])> {
    Some(match open {
        '“' => (&['”'], &['"', '“']),
        '„' => (&['“', '”'], &['"']),
        '"' => (&['"'], &['”', '“']),
        '‟' => (&['”'], &['"']),
        '«' => (&['»'], &[]),
        '»' => (&['«'], &[]),
        '「' => (&['」'], &[]),
        '『' => (&['』'], &[]),
        _ => return None,
    })
}

/// Where the quote opened by `open` just before `body` closes. Marks that differ from their
/// opener nest (“A “nested” title”); failing a proper closer, a careless one is taken.
fn double_close(t: &str, body: usize, open: char) -> Option<usize> {
    let (proper, careless) = double_closers(open)?;
    let nests = !proper.contains(&open);
    let mut depth = 0usize;
    let mut first_proper = None;
    let mut first_careless = None;
    for (k, c) in t.get(body..)?.char_indices() {
        let i = body + k;
        if proper.contains(&c) {
            if depth == 0 {
                return Some(i);
            }
            depth -= 1;
            first_proper.get_or_insert(i);
        } else {
            if careless.contains(&c) {
                first_careless.get_or_insert(i);
            }
            if nests && c == open {
                depth += 1;
            }
        }
    }
    first_careless.or(first_proper)
}

fn single_closers(open: char) -> Option<&'static [char]> {
    Some(match open {
        '‘' => &['’', '\''],
        '\'' => &['\'', '’'],
        '‚' => &['‘', '’'],
        '‹' => &['›'],
        _ => return None,
    })
}

fn prev_char(t: &str, i: usize) -> Option<char> {
    t.get(..i).and_then(|s| s.chars().next_back())
}

fn next_char(t: &str, i: usize) -> Option<char> {
    t.get(i..).and_then(|s| s.chars().next())
}

/// How many candidate openers are tried before giving up (keeps the search linear).
const MAX_OPENERS: usize = 8;

/// The first double-quoted span from `from`, and the first closing mark met before any
/// opening one (note 8 of the seed: `Text of Agreement … Afghanistan." October 4, 2011.`).
fn find_double(t: &str, from: usize) -> (Option<Quote>, Option<usize>) {
    let Some(rest) = t.get(from..) else { return (None, None) };
    let mut stray = None;
    let mut tried = 0;
    let mut skip_to = from;
    for (j, c) in rest.char_indices() {
        let i = from + j;
        if i < skip_to {
            continue;
        }
        let opens = match c {
            '"' => {
                let before = prev_char(t, i);
                let after = next_char(t, i);
                before.is_none_or(|b| b.is_whitespace() || matches!(b, '(' | '[' | '—' | '–' | '-' | ':' | ',' | '*'))
                    && after.is_some_and(|a| !a.is_whitespace())
            }
            '”' => false,
            c => double_closers(c).is_some(),
        };
        if !opens {
            if matches!(c, '"' | '”') && stray.is_none() && tried == 0 {
                stray = Some(i);
            }
            continue;
        }
        tried += 1;
        if tried > MAX_OPENERS {
            break;
        }
        let body = i + c.len_utf8();
        let Some(close) = double_close(t, body, c) else {
            // An opener with no closer: nothing after it can pair either.
            break;
        };
        let close_len = next_char(t, close).map_or(1, char::len_utf8);
        let content = body..close;
        if t.get(content.clone()).is_some_and(|s| s.chars().any(char::is_alphanumeric)) {
            return (Some(Quote { open: i, content, end: close + close_len }), stray);
        }
        skip_to = close + close_len;
    }
    (None, stray)
}

/// A single-quoted title ('…' or ‘…’). Apostrophes (`gov't`, `Pakistan’s`) neither open nor
/// close; a closing mark followed by punctuation is preferred over one followed by a space (a
/// plural possessive, "farmers' market"). When `at` is given the quote must open there;
/// otherwise only a quote that opens the note or follows its authors counts, so that a quoted
/// word in prose is not taken for a title.
fn find_single(t: &str, from: usize, at: Option<usize>) -> Option<Quote> {
    let rest = t.get(from..)?;
    let mut tried = 0;
    for (j, c) in rest.char_indices() {
        let i = from + j;
        if at.is_some_and(|a| i != a) {
            return None;
        }
        let Some(closers) = single_closers(c) else { continue };
        let before = prev_char(t, i);
        let after = next_char(t, i);
        if !(before.is_none_or(|b| b.is_whitespace() || matches!(b, '(' | '['))
            && after.is_some_and(|a| !a.is_whitespace()))
        {
            continue;
        }
        tried += 1;
        if tried > MAX_OPENERS {
            return None;
        }
        if at.is_none() {
            let prefix = t.get(..i).unwrap_or("").trim();
            if !prefix.is_empty() && names::authors(prefix).is_empty() {
                continue;
            }
        }
        let body = i + c.len_utf8();
        let mut spaced = None;
        let mut punct = None;
        for (k, d) in t.get(body..)?.char_indices().take_while(|&(k, _)| k < 600) {
            if !closers.contains(&d) || k == 0 {
                continue;
            }
            let pos = body + k;
            let prev = prev_char(t, pos);
            let next = next_char(t, pos + d.len_utf8());
            if prev.is_none_or(char::is_whitespace) || next.is_some_and(char::is_alphanumeric) {
                continue;
            }
            if next.is_none_or(|n| !n.is_whitespace()) {
                punct = Some((pos, d));
                break;
            }
            spaced.get_or_insert((pos, d));
        }
        if let Some((close, d)) = punct.or(spaced) {
            return Some(Quote { open: i, content: body..close, end: close + d.len_utf8() });
        }
    }
    None
}

fn quoted(t: &str, q: &Quote) -> Option<Titled> {
    let raw = t.get(q.content.clone())?;
    let title = clean_title(raw)?;
    let inner_period = raw.trim_end().ends_with('.');
    let after_period = t.get(q.end..).is_some_and(|s| s.trim_start().starts_with('.'));
    Some(Titled {
        title,
        span: q.open..q.end,
        authors_end: q.open,
        after: q.end,
        period_mode: inner_period || after_period,
        italic: false,
        container: None,
        rest: q.end..t.len(),
    })
}

/// A closing quote with no opening one: the title runs from the last sentence break before it
/// (after the authors) to the quote.
fn unbalanced(t: &str, close: usize) -> Option<Titled> {
    if close > 400 {
        return None;
    }
    let head = t.get(..close)?;
    let mut start = 0;
    let mut k = 0;
    while k < head.len() {
        let e = sentence_end(head, k, &[]);
        let next = e + next_char(head, e).map_or(1, char::len_utf8);
        if next >= head.len() {
            // The period itself ends the title ("Afghanistan.\""), so only earlier breaks count.
            break;
        }
        start = next;
        k = start;
    }
    let start = start + (head.len() - start - head.get(start..)?.trim_start().len());
    let title = clean_title(head.get(start..)?)?;
    if title.chars().count() < 3 {
        return None;
    }
    let end = close + next_char(t, close).map_or(1, char::len_utf8);
    Some(Titled {
        title,
        span: start..end,
        authors_end: start,
        after: end,
        period_mode: head.trim_end().ends_with('.'),
        italic: false,
        container: None,
        rest: end..t.len(),
    })
}

/// Link texts that say nothing about the page.
const GENERIC_LINK_TEXT: [&str; 22] = [
    "link",
    "here",
    "archived",
    "archive",
    "archived copy",
    "online",
    "pdf",
    "web",
    "website",
    "source",
    "url",
    "full text",
    "click here",
    "read more",
    "available here",
    "this link",
    "view",
    "download",
    "html",
    "original",
    "wayback machine",
    "archived from the original",
];

fn generic_link_text(s: &str) -> bool {
    let lower = s.trim().trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    lower.is_empty() || GENERIC_LINK_TEXT.contains(&lower.as_str()) || markup::is_url_like(s) || dates::is_date(s)
}

/// A Markdown link's text, or an HTML link's text, when it is neither a URL nor generic.
fn link_title(prep: &Prepared, links: &[Link]) -> Option<Titled> {
    let t = prep.text.as_str();
    // A link to a site's home page names the site, not the work.
    let mut candidates: Vec<Range<usize>> = prep.links.iter().filter(|l| !l.home).map(|l| l.range.clone()).collect();
    let mut unplaced = None;
    for link in links.iter().take(64) {
        let shown = collapse(&link.text);
        let cited = match url::classify_href(&link.href) {
            Found::Url(u) => !url::is_home_page(&u),
            Found::Doi { .. } => true,
            _ => false,
        };
        if !cited || shown.is_empty() || generic_link_text(&shown) {
            continue;
        }
        match t.find(shown.as_str()) {
            Some(i) => candidates.push(i..i + shown.len()),
            None => {
                unplaced.get_or_insert(shown);
            }
        }
    }
    candidates.sort_by_key(|r| r.start);
    let Some(r) = candidates.into_iter().find(|r| t.get(r.clone()).is_some_and(|s| !generic_link_text(s))) else {
        // A link text not in the text as given: still a title, but with no position.
        let title = clean_title(&unplaced?)?;
        return Some(Titled {
            title,
            span: 0..0,
            authors_end: 0,
            after: t.len(),
            period_mode: false,
            italic: false,
            container: None,
            rest: t.len()..t.len(),
        });
    };
    let title = clean_title(t.get(r.clone())?)?;
    let after_period = t.get(r.end..).is_some_and(|s| s.trim_start_matches(URL_MARK).trim_start().starts_with('.'));
    Some(Titled {
        title,
        authors_end: r.start,
        after: r.end,
        period_mode: after_period,
        italic: false,
        container: None,
        rest: r.end..t.len(),
        span: r,
    })
}

/// An italic span as the title of a book or report. When the italic is followed by a date and
/// preceded by an unquoted run of words after the authors ("Kamran Yousaf, Envoy wraps up
/// fruitful Kabul trip, *Express Tribune*, March 24, 2025"), it is the newspaper and the run
/// is the title.
fn italic_title(prep: &Prepared) -> Option<Titled> {
    let t = prep.text.as_str();
    let r = prep.italics.iter().find(|r| {
        t.get((*r).clone()).is_some_and(|s| {
            let l = s.trim().to_lowercase();
            s.chars().filter(|c| c.is_alphanumeric()).count() >= 2
                && !l.starts_with("et al")
                && !l.starts_with("ibid")
                && !l.contains("op. cit")
                && !dates::is_date(s)
        })
    })?;
    let italic_text = t.get(r.clone())?;
    // The italic's own delimiters were removed; the text before it ends at its start.
    let before = t.get(..r.start)?;
    let followed_by_date = {
        let after = t.get(r.end..).unwrap_or("");
        // A journal's volume or issue may come between ("*Official Journal* L 130, 16 May").
        let after = after.get(VOLUME_LEAD.find(after).map_or(0, |m| m.end())..).unwrap_or(after);
        let next = after.trim_start_matches([',', '.', ' ']).split([',', '.', ';']).next().unwrap_or("");
        let segment = after.trim_start_matches([',', ' ']);
        dates::is_date(next) || dates::find(segment).first().is_some_and(|d| d.start == 0)
    };
    let pieces: Vec<&str> = before.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
    if followed_by_date && italic_text.split_whitespace().count() <= 6 && !pieces.is_empty() {
        let (author_end_piece, title_pieces) = if pieces.len() >= 2 && !names::authors(pieces[0]).is_empty() {
            (1, &pieces[1..])
        } else {
            (0, &pieces[..])
        };
        let run = title_pieces.join(", ");
        if run.split_whitespace().count() >= 3 && names::authors(&run).is_empty() && !run.contains(URL_MARK) {
            let start = if author_end_piece == 0 {
                before.len() - before.trim_start().len()
            } else {
                before.find(title_pieces[0])?
            };
            let end = before.trim_end().trim_end_matches(',').len();
            let title = clean_title(&run)?;
            return Some(Titled {
                title,
                span: start..end,
                authors_end: start,
                after: r.end,
                period_mode: false,
                italic: false,
                container: clean_container(italic_text),
                rest: r.end..t.len(),
            });
        }
    }
    let title = clean_title(italic_text)?;
    let after_period = t.get(r.end..).is_some_and(|s| s.trim_start().starts_with('.'));
    Some(Titled {
        title,
        span: r.clone(),
        authors_end: r.start,
        after: r.end,
        period_mode: after_period,
        italic: true,
        container: None,
        rest: r.end..t.len(),
    })
}

/// Abbreviations whose period does not end a sentence.
const ABBREVIATIONS: [&str; 44] = [
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "No", "no", "Vol", "vol",
    "pp", "p", "ed", "eds", "Ed", "Eds", "Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Inc", "Ltd", "Co", "Corp", "vs",
    "U.S", "U.K", "e.g", "i.e", "Gen", "Lt", "Col", "Prof", "Govt", "Dept",
];

/// Whether the `.` at `i` ends a sentence: white space (or a URL, or the end) follows, and the
/// word before it is not an abbreviation or an initial.
fn is_sentence_period(t: &str, i: usize) -> bool {
    let after = next_char(t, i + next_char(t, i).map_or(1, char::len_utf8));
    if !after.is_none_or(|c| c.is_whitespace() || c == URL_MARK) {
        return false;
    }
    let head = t.get(..i).unwrap_or("");
    let word =
        head.rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | ',' | '"' | '“' | '‘')).next().unwrap_or("");
    if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
        return false;
    }
    !ABBREVIATIONS.contains(&word)
}

/// End of the sentence starting at `from` (exclusive of a final period, inclusive of `?`/`!`):
/// an APA title ends at ". " before a capital, an italic, a URL or the end; at "? " only before
/// an italic, a URL or the end, since a question may open a longer title ("Is peace over? Why
/// it matters.").
fn sentence_end(t: &str, from: usize, italics: &[Range<usize>]) -> usize {
    let Some(rest) = t.get(from..) else { return t.len() };
    for (j, c) in rest.char_indices() {
        let i = from + j;
        match c {
            URL_MARK => return i,
            '.' | '۔' if is_sentence_period(t, i) => {
                let next = t.get(i + c.len_utf8()..).and_then(|s| s.trim_start().chars().next());
                if next.is_none_or(|n| !n.is_lowercase()) {
                    return i;
                }
            }
            '?' | '!' | '؟' => {
                let after = i + c.len_utf8();
                let gap = t.get(after..).map_or(0, |s| s.len() - s.trim_start().len());
                let next_at = after + gap;
                let next = next_char(t, next_at);
                if next.is_none_or(|n| n == URL_MARK) || (gap > 0 && italics.iter().any(|r| r.start == next_at)) {
                    return after;
                }
            }
            _ => {}
        }
    }
    t.len()
}

/// Trims what surrounds a title: white space, the comma or period inside IEEE/MLA closing
/// quotes, a trailing bracketed description ("\[Video\]").
fn clean_title(raw: &str) -> Option<String> {
    let s = markup::collapse_marks(raw);
    let mut s = s.trim();
    // BRACKET_TAIL ends at the end, with "]".
    if s.ends_with(']')
        && let Some(m) = BRACKET_TAIL.find(s)
        && m.start() > 0
    {
        s = &s[..m.start()];
    }
    // The comma or period of IEEE/MLA/Chicago before the closing quote goes; an ellipsis or an
    // initialism ("… and the U.S.") keeps its dots.
    if !(s.ends_with("...") || s.ends_with('…')) {
        s = s.trim_end_matches([',', ';', ':', '،', ' ']);
        let last_word = s.rsplit(' ').next().unwrap_or("");
        let initialism = last_word.len() >= 4
            && last_word.ends_with('.')
            && last_word
                .split('.')
                .filter(|p| !p.is_empty())
                .all(|p| p.chars().count() == 1 && p.chars().all(char::is_uppercase));
        if !initialism {
            s = s.trim_end_matches(['.', ',', ' ']);
        }
    }
    let s = s.trim();
    (s.chars().any(char::is_alphanumeric)).then(|| s.to_owned())
}

// ---------------------------------------------------------------------------------------------
// Publication

/// One part of a citation, between separators.
#[derive(Debug, Clone, Copy)]
struct Seg {
    start: usize,
    end: usize,
    /// What ended it: `,`, `.`, `;`, `U` (a URL), or `$` (the end).
    sep: char,
}

/// The parts after `from`: split at commas and semicolons outside parentheses and dates, at
/// sentence periods, and at URLs.
fn segments(t: &str, from: usize, dates: &[Dated], limit: usize) -> Vec<Seg> {
    let mut out = Vec::new();
    let Some(rest) = t.get(from..) else { return out };
    let mut start = from;
    let mut depth = 0usize;
    let in_date = |i: usize| dates.iter().any(|d| d.start <= i && i < d.end);
    for (j, c) in rest.char_indices() {
        if out.len() >= limit {
            return out;
        }
        let i = from + j;
        let sep = match c {
            '(' | '[' => {
                depth += 1;
                None
            }
            ')' | ']' => {
                depth = depth.saturating_sub(1);
                None
            }
            ',' | '،' | ';' if depth == 0 && !in_date(i) => Some(if c == ';' { ';' } else { ',' }),
            '.' | '۔' if depth == 0 && !in_date(i) && is_sentence_period(t, i) => Some('.'),
            URL_MARK => Some('U'),
            _ => None,
        };
        if let Some(sep) = sep {
            out.push(Seg { start, end: i, sep });
            start = i + c.len_utf8();
        }
    }
    if out.len() < limit && start < t.len() {
        out.push(Seg { start, end: t.len(), sep: '$' });
    }
    out
}

static STOP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:accessed|retrieved|viewed|visited|consulted|available|\[online\]|online\b|archived|archive\b|last accessed|doi\b|url\b|from\b|isbn|issn|\[pdf\]|pdf\b|https?\b|web\b)")
        .expect("static regex")
});

static SKIP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:updated|published|posted|last (?:modified|updated)|(?:pp?|vol|no|para|ch|chap|sec|fn|n|col|at)\.?\s*[0-9ivxlc]+\b|[0-9ivxlc\-–]+$|ed\.|eds\.|trans\.|\[[^\]]*\]$|\((?:pdf|html|video|audio|podcast|online|abstract|preprint|in [a-z]+|[a-z]+ language)\)$)")
        .expect("static regex")
});

static CITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[A-Z][\w.'-]*\s?){1,3}(?:,\s*[A-Z]{2})?:\s+(?P<publisher>.+)$").expect("static regex")
});

// A volume and issue right after a journal's name: " 26", " L 130", " vol. 5, no. 2", " 12(3)".
static VOLUME_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s+(?:[a-z]{1,2}\s+|vol\.\s*)?[0-9]{1,4}(?:\s*\([0-9]{1,4}\))?(?:,\s*(?:no|iss)\.\s*[0-9]{1,4})?")
        .expect("static regex")
});

static VOLUME_TAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s+(?:vol\.\s*)?[0-9]{1,4}[A-Za-z]?$").expect("static regex"));

// What follows a journal's volume: its issue or its year in parentheses.
static FOLLOWS_VOLUME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:,\s*(?:no|nos|iss|issue|num)\b\.?\s*[0-9]|\(\s*(?:[a-z]+\.?\s+)?(?:[0-9]{1,2},?\s+)?[0-9]{4}\s*\))")
        .expect("static regex")
});

// A document's number in a series or database: "No. 12", "No. 25/108", "P174484".
static DOCUMENT_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:no|nr|number)\.?\s*[0-9]|\b[a-z]{1,4}[0-9]{3,}\b").expect("static regex"));

// A book's edition before its publication facts: "18th ed. (Chicago: …)".
static EDITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:[0-9]{1,3}(?:st|nd|rd|th)|rev\.|revised|new|updated|expanded)\s+(?:ed|edn|edition)\b\.?,?\s*")
        .expect("static regex")
});

/// The publication: the italic part right after the title, else the first plain part after it
/// that is not a date, a locator or a URL; nothing once "Accessed"/"Available at"/"\[Online\]"
/// is reached. Also returns a "by …" part (an author written after the title).
fn container(prep: &Prepared, ti: &Titled, found_dates: &[Dated]) -> (Option<String>, Option<String>) {
    if ti.container.is_some() {
        return (ti.container.clone(), None);
    }
    let t = prep.text.as_str();
    let segs = segments(t, ti.after, found_dates, 8);
    let mut by = None;
    let mut k = 0;
    let mut looked = 0;
    let mut after_url = false;
    while k < segs.len() && looked < 4 {
        let seg = segs[k];
        k += 1;
        // What follows the cited URL is commentary ("The figures are in Table 7 …"), unless
        // the URL is a link right after the title.
        if after_url && looked > 0 {
            break;
        }
        after_url = seg.sep == 'U';
        let Some(raw) = t.get(seg.start..seg.end) else { continue };
        let lead = raw.len() - raw.trim_start().len();
        let s = raw.trim().trim_matches([',', '.', ':', ' ']);
        if s.is_empty() {
            continue;
        }
        looked += 1;
        if s.len() > 300 {
            // Far too long for a publication's name.
            continue;
        }
        if STOP.is_match(s) {
            break;
        }
        if dates::is_date(s) || SKIP.is_match(s) {
            continue;
        }
        if (s.starts_with("In ") || s.starts_with("in "))
            && ["(Ed", "(ed", "(Eds", "(eds", " ed. ", " eds. ", "edited by"].iter().any(|e| s.contains(e))
        {
            // "In A. Editor (Ed.), *Book Title*": the editors; the book follows.
            continue;
        }
        if let Some(name) = s.strip_prefix("by ").or_else(|| s.strip_prefix("By ")) {
            by.get_or_insert_with(|| name.to_owned());
            continue;
        }
        let mut start = seg.start + lead;
        for prefix in ["in ", "In "] {
            if t.get(start..).is_some_and(|r| r.starts_with(prefix)) {
                start += prefix.len();
            }
        }
        if let Some(r) = prep.italics.iter().find(|r| r.start == start && r.end <= seg.end.max(r.end)) {
            return (t.get(r.clone()).and_then(clean_container), by);
        }
        // A trailing date inside the part ("Dawn 23 March 2025") is no part of the name.
        let mut end = seg.end;
        if let Some(d) = found_dates.iter().find(|d| d.start > start && d.start < end) {
            end = d.start;
        }
        // "Journal 12 (March 2024)": the date's parenthesis goes with it.
        end = start + t.get(start..end).unwrap_or("").trim_end_matches(['(', ' ']).len();
        // "Water Policy 26, no. 4 (2024)", "BMC Public Health 24 (2024): 2871": a journal's
        // volume is no part of its name.
        if let Some(m) = t.get(start..end).and_then(|s| VOLUME_TAIL.find(s))
            && m.start() > 0
            && t.get(end..).is_some_and(|rest| FOLLOWS_VOLUME.is_match(rest))
        {
            end = start + m.start();
        }
        let mut name = t.get(start..end).unwrap_or("").to_owned();
        if DOCUMENT_NUMBER.is_match(&name) {
            // "Flash Update No. 12", "Project P174484": which document, not who published it.
            continue;
        }
        if ti.period_mode {
            let mut last = seg;
            while last.sep == ',' && k < segs.len() {
                let next = segs[k];
                let part = t.get(next.start..next.end).unwrap_or("").trim();
                if part.is_empty()
                    || STOP.is_match(part)
                    || SKIP.is_match(part)
                    || dates::is_date(part)
                    || found_dates.iter().any(|d| d.start >= next.start && d.start < next.end)
                {
                    break;
                }
                name.push_str(", ");
                name.push_str(part);
                last = next;
                k += 1;
            }
        }
        if !ti.italic
            && let Some(p) = CITY.captures(name.trim()).and_then(|c| c.name("publisher"))
        {
            // "Islamabad: PIPS": the publisher, without its place.
            name = p.as_str().to_owned();
        }
        if ti.italic {
            // "(New Haven: Yale University Press, 2000)": the publisher, without place or year.
            let facts = EDITION.replace(name.trim(), "");
            let inner = facts.trim().trim_start_matches('(').trim_end_matches(')').trim().to_owned();
            let trimmed = inner
                .split(',')
                .map(str::trim)
                .take_while(|part| !dates::is_date(part) && !SKIP.is_match(part))
                .collect::<Vec<_>>()
                .join(", ");
            name = match CITY.captures(&trimmed).and_then(|c| c.name("publisher")) {
                Some(p) => p.as_str().to_owned(),
                None => trimmed,
            };
        }
        return (clean_container(&name), by);
    }
    (None, by)
}

fn clean_container(raw: &str) -> Option<String> {
    let s = markup::collapse_marks(raw);
    let mut s = s.trim().trim_matches([',', '.', ';', ':', '،', ' ', '—', '–', '-']).trim();
    for (open, close) in [('\'', '\''), ('‘', '’'), ('"', '"'), ('“', '”'), ('«', '»')] {
        if let Some(inner) = s.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            s = inner.trim();
        }
    }
    let words = s.split_whitespace().count();
    let plausible = s.chars().any(char::is_alphabetic)
        && s.chars().count() <= 150
        && words <= 16
        && s.chars().next().is_some_and(|c| !c.is_lowercase());
    plausible.then(|| s.to_owned())
}

// ---------------------------------------------------------------------------------------------
// Dates

/// The publication date (the first one that is not an access, archive or update date, made
/// more precise by a later date that agrees with it: Harvard's "(2025) … 23 March") and the
/// access date.
fn pick_dates(text: &str, found: &[Dated], titled: Option<&Titled>) -> (Option<PartialDate>, Option<PartialDate>) {
    let accessed = found.iter().find(|d| d.role == Role::Accessed).map(|d| d.date);
    let published: Vec<&Dated> = found.iter().filter(|d| d.role == Role::Published).collect();
    let mut date = published.first().map(|d| d.date);
    if let Some(first) = date {
        for d in &published[1..] {
            let agrees = d.date.year == first.year && (first.month.is_none() || d.date.month == first.month);
            let finer = d.date.month.is_some() && first.month.is_none() || d.date.day.is_some() && first.day.is_none();
            if agrees && finer {
                date = Some(d.date);
                break;
            }
        }
    }
    if date.is_none() {
        date = found.iter().find(|d| d.role == Role::Updated).map(|d| d.date);
    }
    if date.is_none() {
        date = dates::bare_years(text, found).into_iter().find(|d| d.role == Role::Published).map(|d| d.date);
    }
    if let (Some(d), Some(ti)) = (date, titled)
        && d.month.is_none()
        && let Some((m, day)) = dates::day_month(text.get(ti.after..).unwrap_or(""))
    {
        date = PartialDate::ymd(d.year, m, day).or(date);
    }
    (date, accessed)
}

// ---------------------------------------------------------------------------------------------
// Short-form repeats

static LOCATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:pp?|para|at|n|fn|ch|chap|sec)\.?\s*)?[0-9ivxlc]+(?:\s*[-–]\s*[0-9ivxlc]+)?$")
        .expect("static regex")
});

/// Chicago's short form: a surname, a short quoted title, maybe a page — and nothing else (no
/// URL, DOI, date or publication).
fn short_form(f: &Fields, ti: &Titled, t: &str) -> Option<Repeat> {
    if !f.urls.is_empty()
        || f.doi.is_some()
        || f.date.is_some()
        || f.accessed.is_some()
        || f.container.is_some()
        || ti.italic
    {
        return None;
    }
    if ti.title.split_whitespace().count() > 8 || f.authors.len() > 1 {
        return None;
    }
    if f.authors.first().is_some_and(|a| a.split_whitespace().count() > 1) {
        return None;
    }
    let rest = t.get(ti.rest.clone())?.trim().trim_matches([',', '.', ' ']).trim();
    let pinpoint = if rest.is_empty() {
        None
    } else if LOCATOR.is_match(rest) {
        Some(rest.to_owned())
    } else {
        return None;
    };
    if f.authors.is_empty() && pinpoint.is_none() {
        // A bare quoted phrase is more likely a quotation than a repeat.
        return None;
    }
    Some(Repeat::Short { author: f.authors.first().cloned(), title: ti.title.clone(), pinpoint })
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// `t` with the bytes of `range` turned into spaces (the same length, so offsets stay valid).
fn blank(t: &str, range: Range<usize>) -> String {
    let (Some(a), Some(b), Some(c)) = (t.get(..range.start), t.get(range.clone()), t.get(range.end..)) else {
        return t.to_owned();
    };
    let mut out = String::with_capacity(t.len());
    out.push_str(a);
    out.extend(std::iter::repeat_n(' ', b.len()));
    out.push_str(c);
    out
}

#[path = "unquoted.rs"]
mod unquoted;

#[cfg(test)]
#[path = "fields_tests.rs"]
mod tests;
