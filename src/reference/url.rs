//! Finding, trimming, rejoining and validating the URLs and DOIs cited in a note.
//!
//! Three written forms are recognised, in one left-to-right pass: Markdown links `[text](url)`,
//! autolinks `<url>` (where PDF line-wrap damage is repaired), and bare URLs (where trailing
//! prose punctuation is trimmed). Only `http`/`https` URLs and DOIs are citable; anything that is
//! clearly meant as a URL but cannot be one is reported as malformed, with a reason for a person.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use url::{Host, Url};

use super::markup::collapse;

/// What one URL-like piece of a note turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    /// A citable `http`/`https` URL, as written (trimmed, rejoined, `https://` added to `www.`).
    Url(String),
    /// A DOI (lower-cased `10.…`) and the URL that resolves it.
    Doi { doi: String, url: String },
    /// Meant as a URL, but not one.
    Malformed { text: String, reason: String },
    /// A URL shortened for display with an ellipsis (`https://www.dawn.com/news/…`): fine when
    /// the link behind it is known (HTML), malformed otherwise.
    Truncated(String),
    /// A link that is not checked: `ftp:`, `mailto:`, an in-page `#fragment`, a relative path.
    Ignored,
}

/// One URL-like piece of a note, with the bytes it occupies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Bytes of the note taken up by the URL, including its `<…>` or `[…](…)` markup.
    pub(crate) range: Range<usize>,
    pub(crate) found: Found,
    /// For a Markdown link, the bytes of its text (between `[` and `]`).
    pub(crate) link_text: Option<Range<usize>>,
}

// Where a URL may start. Leftmost-first: a Markdown link's `[`, an autolink, a scheme, `www.`,
// a DOI, or an MLA-style `domain.tld/path`. Word boundaries are ASCII ones (`(?-u:\b)`): URLs
// and DOIs are ASCII, and Unicode boundaries would push every search off the fast DFA onto the
// slow engines for any note with a curly quote in it. Whether a `[` opens a Markdown link
// (`[text](`, the text at most MAX_LINK_TEXT characters without brackets) is read by
// `markdown_opening`: as a bounded repetition of a Unicode class it made this regex take 5 ms
// to compile, a tenth of a cached run, and no other alternative can start at a `[`, so
// testing it after the match finds the same starts.
static START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)
        (?P<md>\[)
        | (?P<angle><)
        | (?P<scheme>(?-u:\b)[a-z][a-z0-9+.\-]{0,20}(?::/{1,3}|//))
        | (?P<www>(?-u:\b)www[0-9]{0,3}\.[a-z0-9])
        | (?P<doi>(?-u:\b)doi\s*:?\s*10\.[0-9]{4,9}/)
        | (?P<dom>(?-i:(?-u:\b)[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.[a-z]{2,6}/))
        ",
    )
    .expect("static regex")
});

static DOI: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^10\.[0-9]{4,9}/\S+$").expect("static regex"));

// A DOI in a publisher's URL path: `/doi/10.1002/…`, `/doi/abs/10.…`.
static DOI_IN_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)/doi/(?:abs/|full/|pdf/|epdf/|epub/)?(10\.[0-9]{4,9}/[^?#\s]+)").expect("static regex")
});

/// Longest URL considered (bytes); longer runs are not URLs anyone can cite.
const MAX_URL: usize = 8192;

/// Every URL, DOI and malformed URL in `text`, in order, with the bytes each takes up.
pub(crate) fn scan(text: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        // `find_at` runs on the DFA; which alternative matched is read from the match itself
        // (a capture search would run the backtracker over START's large NFA for every URL).
        let Some(m) = START.find_at(text, pos) else { break };
        let next = next_char(text, m.start());
        // A failed candidate may say where its would-be URL ends: nothing inside that run is
        // tried again, which keeps the scan linear on runs such as "www.a,www.a,www.a,…".
        let hit = match start_kind(text, m.start()) {
            Start::Markdown => {
                markdown_opening(text, m.start()).and_then(|end| markdown_link(text, m.start(), end)).ok_or(next)
            }
            Start::Angle => angle(text, m.start()).ok_or(next),
            Start::Scheme => bare(text, m.start()),
            Start::Www => domain_path(text, m.start(), true),
            Start::Doi => bare_doi(text, m.start(), m.as_str()).ok_or(next),
            Start::Domain => domain_path(text, m.start(), false),
        };
        match hit {
            Ok(h) if h.range.end > pos => {
                pos = h.range.end;
                hits.push(h);
            }
            Ok(_) => pos = next,
            Err(skip) => pos = skip.max(next),
        }
    }
    hits
}

/// Most characters a Markdown link's text may have for it to be read as one.
const MAX_LINK_TEXT: usize = 1000;

/// Where `[text](` ends, for the `[` at `at`: the text has at most [`MAX_LINK_TEXT`] characters
/// and no bracket.
fn markdown_opening(text: &str, at: usize) -> Option<usize> {
    let rest = text.get(at + 1..)?;
    let close = rest.char_indices().take(MAX_LINK_TEXT + 1).find(|&(_, c)| c == '[' || c == ']')?.0;
    (rest[close..].starts_with("](")).then_some(at + 1 + close + 2)
}

/// The alternative of [`START`] that matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    Markdown,
    Angle,
    Scheme,
    Www,
    Doi,
    Domain,
}

// START's alternatives that begin with a word character, each on its own and anchored. A match
// of START starting at `at` is the first alternative, in START's order, that matches at `at`
// (leftmost-first); the word boundary in front of them all already held for START's match.
static START_SCHEME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i)[a-z][a-z0-9+.\-]{0,20}(?::/{1,3}|//)").expect("static regex"));
static START_WWW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i)www[0-9]{0,3}\.[a-z0-9]").expect("static regex"));
static START_DOI: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i)doi\s*:?\s*10\.[0-9]{4,9}/").expect("static regex"));

/// Which alternative of [`START`] matched at `at` (where a match of START begins).
fn start_kind(text: &str, at: usize) -> Start {
    let rest = text.get(at..).unwrap_or("");
    if rest.starts_with('[') {
        Start::Markdown
    } else if rest.starts_with('<') {
        Start::Angle
    } else if START_SCHEME.is_match(rest) {
        Start::Scheme
    } else if START_WWW.is_match(rest) {
        Start::Www
    } else if START_DOI.is_match(rest) {
        Start::Doi
    } else {
        Start::Domain
    }
}

/// Classifies a link target given apart from the text (an HTML `href`).
pub(crate) fn classify_href(href: &str) -> Found {
    let href = href.trim();
    let lower = href.to_ascii_lowercase();
    if href.is_empty() || href.starts_with('#') {
        return Found::Ignored;
    }
    // Browsers send a space in a link target as %20; so do we.
    let encoded;
    let href = if href.contains(char::is_whitespace) {
        encoded = href.split_whitespace().collect::<Vec<_>>().join("%20");
        encoded.as_str()
    } else {
        href
    };
    if let Some(rest) = href.strip_prefix("//") {
        return classify(&format!("https://{rest}"), href);
    }
    if lower.starts_with("www.") || lower.starts_with("doi:") || scheme_of(href).is_some() {
        return classify(href, href);
    }
    // A relative path: there is no base to resolve it against.
    Found::Ignored
}

/// The DOI in a URL that carries one: a resolver URL or a publisher's `/doi/…` path.
#[cfg(test)]
fn doi_of_url(url: &str) -> Option<String> {
    doi_of_parsed(&Url::parse(url).ok()?)
}

/// `doi_of_url` for a URL already parsed.
fn doi_of_parsed(parsed: &Url) -> Option<String> {
    let host = parsed.host_str()?;
    let path = parsed.path();
    let resolver = {
        let n = host.len();
        host.eq_ignore_ascii_case("doi.org")
            || (n >= 8 && host.get(n - 8..).is_some_and(|tail| tail.eq_ignore_ascii_case(".doi.org")))
    };
    let candidate = if resolver {
        percent_decode(path.trim_start_matches('/'))
    } else {
        // DOI_IN_PATH needs "doi" (its letters fold only onto ASCII ones): most paths lack it.
        if !has_doi(path.as_bytes()) {
            return None;
        }
        percent_decode(DOI_IN_PATH.captures(path)?.get(1)?.as_str())
    };
    let candidate = trim_trailing(&candidate).to_lowercase();
    DOI.is_match(&candidate).then_some(candidate)
}

/// Whether a URL is a site's home page (no path, query or fragment).
pub(crate) fn is_home_page(url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| u.path() == "/" && u.query().is_none() && u.fragment().is_none())
}

fn next_char(text: &str, i: usize) -> usize {
    text.get(i..).and_then(|s| s.chars().next()).map_or(text.len(), |c| i + c.len_utf8())
}

// Characters that end a bare URL: white space, the brackets and quotes prose puts around it,
// and the sentinel the field parser uses.
fn stops_bare(c: char) -> bool {
    c.is_whitespace() || matches!(c, '<' | '>' | '"' | '“' | '”' | '‘' | '’' | '«' | '»' | '„' | '`' | '\u{E000}')
}

/// `[text](target)` or `[text](<target> "title")`: the target is found with balanced
/// parentheses so that Wikipedia-style `/wiki/Foo_(bar)` survives.
fn markdown_link(text: &str, start: usize, open_paren_end: usize) -> Option<Hit> {
    let text_range = start + 1..open_paren_end.checked_sub(2)?;
    let rest = text.get(open_paren_end..)?;
    let lead = rest.len() - rest.trim_start().len();
    let target_start = open_paren_end + lead;
    let after = text.get(target_start..)?;
    let (target, mut i) = if let Some(inner) = after.strip_prefix('<') {
        let close = inner.find(['>', '\n'])?;
        (inner.get(..close)?.to_owned(), target_start + 1 + close + 1)
    } else {
        let mut depth = 0usize;
        let mut end = None;
        for (j, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => {
                    end = Some(j);
                    break;
                }
                ')' => depth -= 1,
                c if c.is_whitespace() => {
                    end = Some(j);
                    break;
                }
                // Not in a link target: this is no link (and the scan stays linear on "[a]([a](…").
                '[' | ']' | '<' | '>' | '"' => return None,
                _ => {}
            }
            if j > MAX_URL {
                return None;
            }
        }
        let end = end?;
        (after.get(..end)?.to_owned(), target_start + end)
    };
    // An optional link title, then the closing parenthesis.
    let tail = text.get(i..)?;
    let trimmed = tail.trim_start();
    i += tail.len() - trimmed.len();
    let tail = text.get(i..)?;
    if let Some(q) = tail.chars().next().filter(|c| matches!(c, '"' | '\'' | '(')) {
        let closer = if q == '(' { ')' } else { q };
        let body = tail.get(1..)?;
        let close = body.find(closer)?;
        i += 1 + close + 1;
        let tail = text.get(i..)?;
        i += tail.len() - tail.trim_start().len();
    }
    if !text.get(i..)?.starts_with(')') {
        return None;
    }
    let found = if target.trim().is_empty() { Found::Ignored } else { classify_href(&target) };
    Some(Hit { range: start..i + 1, found, link_text: Some(text_range) })
}

/// `<url>`. Inside one pair of angle brackets the URL's extent is certain, so a space left by a
/// PDF line break next to URL punctuation (`-`, `/`, `.`, `?`, `&`, `=`, `_`, `#`, `%`, `~`) is
/// rejoined; any other space makes the URL malformed.
fn angle(text: &str, start: usize) -> Option<Hit> {
    let rest = text.get(start + 1..)?;
    let close = rest.char_indices().take_while(|&(j, _)| j <= MAX_URL).find(|&(_, c)| c == '>' || c == '<')?;
    if close.1 != '>' {
        return None;
    }
    let inner = rest.get(..close.0)?.trim();
    let lower: String = inner.chars().take(24).collect::<String>().to_ascii_lowercase();
    let urlish = scheme_of(inner).is_some_and(|(scheme, _)| looks_like_http(scheme) || scheme.len() <= 10)
        || lower.starts_with("www.")
        || lower.starts_with("doi:")
        || (lower.starts_with("doi ") && lower.contains("10."));
    if !urlish {
        return None;
    }
    let range = start..start + 1 + close.0 + 1;
    let pieces: Vec<&str> = inner.split_whitespace().collect();
    let mut joined = String::with_capacity(inner.len());
    let mut space_in_host = false;
    let mut unjoinable = false;
    for (k, piece) in pieces.iter().enumerate() {
        if k > 0 {
            let prev = pieces[k - 1];
            let lower_prev = joined.to_ascii_lowercase();
            if lower_prev == "doi:" || lower_prev == "doi" {
                joined = "doi:".to_owned();
            } else if prev.ends_with(['-', '/', '.', '?', '&', '=', '_', '#', '%', '~', ':'])
                || piece.starts_with(['/', '.', '?', '&', '=', '_', '#', '%', '~', '-'])
            {
                // Rejoined: a line break inside the URL.
            } else {
                unjoinable = true;
                let after_scheme = joined.split_once("://").map_or(joined.as_str(), |(_, r)| r);
                space_in_host |= !after_scheme.contains('/');
            }
        }
        joined.push_str(piece);
    }
    let found = if unjoinable {
        let reason = if space_in_host { "the host contains a space" } else { "the URL contains a space" };
        Found::Malformed { text: collapse(inner), reason: reason.to_owned() }
    } else {
        classify(&joined, inner)
    };
    Some(Hit { range, found, link_text: None })
}

fn bare(text: &str, start: usize) -> Result<Hit, usize> {
    let next = next_char(text, start);
    let rest = text.get(start..).ok_or(next)?;
    // Text glued to the scheme by a lost space ("Availablehttps://…"): start at the scheme.
    let (scheme, _) = scheme_of(rest).ok_or(next)?;
    let lower = scheme.to_ascii_lowercase();
    let start = match lower.rfind("http") {
        Some(k) if k > 0 && (lower.ends_with("http") || lower.ends_with("https")) => start + k,
        _ => start,
    };
    let token = bare_token(text, start).ok_or(next)?;
    let token_end = start + token.len();
    let trimmed = trim_bare(token);
    if trimmed.url.is_empty() {
        return Err(token_end);
    }
    let found =
        if trimmed.truncated { Found::Truncated(trimmed.url.to_owned()) } else { classify(trimmed.url, trimmed.url) };
    if matches!(found, Found::Ignored) && scheme_of(trimmed.url).is_none_or(|(s, _)| !known_scheme(s)) {
        // Something like "note://": not a URL at all; leave it to the prose.
        return Err(token_end);
    }
    Ok(Hit { range: start..start + trimmed.consumed, found, link_text: None })
}

/// MLA drops the scheme, and sometimes `www.` too: `www.dawn.com/news/1899846`,
/// `dawn.com/news/1899846`. Without `www.` a path is required and the domain must stand alone,
/// so that prose such as "Node.js/Deno" or an e-mail address is not taken for a URL.
fn domain_path(text: &str, start: usize, www: bool) -> Result<Hit, usize> {
    let next = next_char(text, start);
    let before = text.get(..start).ok_or(next)?.chars().next_back();
    let alone =
        before.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '[' | '"' | '“' | '‘' | '\'' | '*' | '_' | ','));
    let after_punctuation = www && before.is_some_and(|c| !c.is_alphanumeric() && c != '@' && c != '.');
    if !(alone || after_punctuation) {
        return Err(next);
    }
    let token = bare_token(text, start).ok_or(next)?;
    let token_end = start + token.len();
    let trimmed = trim_bare(token);
    if trimmed.truncated || trimmed.url.is_empty() {
        return Err(token_end);
    }
    let candidate = format!("https://{}", trimmed.url);
    let found = classify(&candidate, trimmed.url);
    match found {
        Found::Url(_) | Found::Doi { .. } => Ok(Hit { range: start..start + trimmed.consumed, found, link_text: None }),
        _ => Err(token_end),
    }
}

/// `doi:10.1234/abc`, `DOI: 10.1234/abc`, `doi 10.1234/abc`.
fn bare_doi(text: &str, start: usize, matched: &str) -> Option<Hit> {
    let prefix_len = matched.find("10.")?;
    let doi_start = start + prefix_len;
    let trimmed = trim_bare(bare_token(text, doi_start)?).url;
    let doi = trimmed.to_lowercase();
    if !DOI.is_match(&doi) {
        return None;
    }
    let url = format!("https://doi.org/{trimmed}");
    Some(Hit { range: start..doi_start + trimmed.len(), found: Found::Doi { doi, url }, link_text: None })
}

/// The run of URL characters from `start`; a second URL glued on with `,` or `;` is cut off.
fn bare_token(text: &str, start: usize) -> Option<&str> {
    let rest = text.get(start..)?;
    let bytes = rest.as_bytes();
    let mut end = rest.len();
    let mut j = 0;
    // A byte at a time through ASCII; other characters are decoded (`stops_bare` on ASCII is
    // white space, `<`, `>`, `"` and a backquote).
    while j < bytes.len() {
        let b = bytes[j];
        let len = if b.is_ascii() {
            if j > MAX_URL || matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | b'<' | b'>' | b'"' | b'`') {
                end = j;
                break;
            }
            1
        } else {
            match rest.get(j..).and_then(|r| r.chars().next()) {
                Some(c) if !stops_bare(c) && j <= MAX_URL => c.len_utf8(),
                _ => {
                    end = j;
                    break;
                }
            }
        };
        j += len;
    }
    let token = rest.get(..end)?;
    if memchr::memchr2(b',', b';', token.as_bytes().get(1..).unwrap_or_default()).is_none() {
        // No separator a second URL could be glued on with.
        return Some(token);
    }
    let lower = token.to_ascii_lowercase();
    for sep in [",http://", ",https://", ";http://", ";https://"] {
        if let Some(k) = lower.get(1..).and_then(|l| l.find(sep)) {
            return token.get(..k + 1);
        }
    }
    Some(token)
}

struct Trimmed<'a> {
    url: &'a str,
    /// Bytes of the token that belong to the URL's written form (a truncating ellipsis included).
    consumed: usize,
    truncated: bool,
}

/// Trims what prose puts after a URL: `.`, `,`, `;`, `:`, `!`, `?`, `*`, closing quotes,
/// unbalanced `)`/`]`/`}`, a stray `>`. A trailing ellipsis marks a truncated display form.
fn trim_bare(token: &str) -> Trimmed<'_> {
    let core = token.trim_end_matches([',', ';', ':', '!', '?', ')', ']', '"', '\'', '”', '’', '»', '*', '>']);
    let truncated = core.trim_end_matches('.').ends_with('…') || core.ends_with("...");
    let mut s = token;
    loop {
        let before = s.len();
        s = s.trim_end_matches(['.', ',', ';', ':', '!', '?', '*', '>', '\'', '’', '”', '"', '»', '…']);
        for (open, close) in [('(', ')'), ('[', ']'), ('{', '}')] {
            if s.ends_with(close) && s.matches(close).count() > s.matches(open).count() {
                s = &s[..s.len() - 1];
            }
        }
        if s.len() == before {
            break;
        }
    }
    let consumed = if truncated { core.len() } else { s.len() };
    Trimmed { url: s, consumed, truncated }
}

/// Trailing punctuation off a DOI or path.
fn trim_trailing(s: &str) -> &str {
    trim_bare(s).url
}

/// `scheme` and what follows its `:` (or the `//` when the colon is missing).
fn scheme_of(s: &str) -> Option<(&str, &str)> {
    let end = s.find([':', '/'])?;
    let scheme = s.get(..end)?;
    let mut chars = scheme.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    if !first_ok || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
        return None;
    }
    let rest = s.get(end..)?;
    if rest.starts_with(':') || rest.starts_with("//") { Some((scheme, rest)) } else { None }
}

fn known_scheme(scheme: &str) -> bool {
    matches!(
        scheme.to_ascii_lowercase().as_str(),
        "http" | "https" | "ftp" | "ftps" | "sftp" | "file" | "mailto" | "tel" | "data" | "javascript" | "news" | "urn"
    )
}

/// A misspelling of `http`/`https` (one edit away), but not another real scheme such as `ftp`.
fn looks_like_http(scheme: &str) -> bool {
    if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
        return true;
    }
    let s = scheme.to_ascii_lowercase();
    if s == "http" || s == "https" {
        return true;
    }
    if known_scheme(&s) || s.len() > 7 {
        return false;
    }
    strsim::damerau_levenshtein(&s, "http") <= 1 || strsim::damerau_levenshtein(&s, "https") <= 1
}

/// Decides what a complete candidate is; `written` is what the note shows, for messages.
fn classify(candidate: &str, written: &str) -> Found {
    let malformed = |reason: &str| Found::Malformed { text: collapse(written), reason: reason.to_owned() };
    let starts = |prefix: &str| candidate.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix));
    if starts("doi:") {
        let rest = candidate.get(4..).unwrap_or("").to_ascii_lowercase();
        let doi = rest.trim();
        return if DOI.is_match(doi) {
            let as_written = candidate.get(candidate.len() - doi.len()..).unwrap_or(doi);
            Found::Doi { doi: doi.to_owned(), url: format!("https://doi.org/{as_written}") }
        } else {
            malformed("not a DOI (a DOI starts with “10.” and contains a “/”)")
        };
    }
    if starts("www") && scheme_of(candidate).is_none() {
        return classify(&format!("https://{candidate}"), written);
    }
    let Some((scheme, rest)) = scheme_of(candidate) else {
        return malformed("not a URL");
    };
    if !looks_like_http(scheme) {
        return Found::Ignored;
    }
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return malformed(&format!("misspelled scheme “{scheme}” (http or https?)"));
    }
    if !rest.starts_with(':') {
        return malformed(&format!("missing “:” after “{scheme}”"));
    }
    let after_colon = &rest[1..];
    let slashes = after_colon.len() - after_colon.trim_start_matches(['/', '\\']).len();
    if after_colon.starts_with('\\') || after_colon.get(..slashes).is_some_and(|s| s.contains('\\')) {
        return malformed(&format!("backslashes instead of “//” after “{scheme}:”"));
    }
    if slashes != 2 {
        return malformed(&format!("needs exactly “//” after “{scheme}:”"));
    }
    let host_part = after_colon[2..].split(['/', '?', '#']).next().unwrap_or("");
    if host_part.is_empty() {
        return malformed("no host");
    }
    if plain_web_url(candidate) {
        return Found::Url(candidate.to_owned());
    }
    let parsed = match Url::parse(candidate) {
        Ok(u) => u,
        Err(e) => return malformed(&parse_reason(e)),
    };
    if let Err(reason) = check_host(&parsed) {
        return malformed(&reason);
    }
    if let Some(doi) = doi_of_parsed(&parsed) {
        return Found::Doi { doi, url: candidate.to_owned() };
    }
    Found::Url(candidate.to_owned())
}

/// Whether `candidate` is an `http://` or `https://` URL of the plain
/// kind that `Url::parse` accepts, `check_host` passes and no DOI is read from: no white space
/// or control characters, no user information, a host that is a dotted-quad IPv4 address or an
/// ASCII domain of two or more labels ending in a letters-only top-level domain (no `xn--`
/// label: punycode is checked by the parser), an optional port up to 65535, and no "doi"
/// anywhere. Such a URL is a citation as written, without the parse (the costliest step of
/// reading a note); anything else takes the full path.
fn plain_web_url(candidate: &str) -> bool {
    let b = candidate.as_bytes();
    // A fold over every byte vectorises; `any` would stop early but a byte at a time.
    if b.iter().fold(false, |any, &c| any | (c <= b' ') | (c == 0x7F)) || has_doi(b) {
        return false;
    }
    let starts = |p: &[u8]| b.get(..p.len()).is_some_and(|x| x.eq_ignore_ascii_case(p));
    let start = if starts(b"http://") {
        7
    } else if starts(b"https://") {
        8
    } else {
        return false;
    };
    let rest = &b[start..];
    let end = rest.iter().position(|c| matches!(c, b'/' | b'?' | b'#' | b'\\')).unwrap_or(rest.len());
    if rest.get(end) == Some(&b'\\') {
        return false;
    }
    let authority = &rest[..end];
    let (host, port) = match authority.iter().position(|&c| c == b':') {
        Some(i) => (&authority[..i], Some(&authority[i + 1..])),
        None => (authority, None),
    };
    if let Some(port) = port {
        let digits = !port.is_empty() && port.len() <= 5 && port.iter().all(u8::is_ascii_digit);
        let value = std::str::from_utf8(port).ok().and_then(|p| p.parse::<u32>().ok());
        if !digits || value.is_none_or(|v| v > 65_535) {
            return false;
        }
    }
    let labels: Vec<&[u8]> = host.split(|&c| c == b'.').collect();
    let quad = labels.len() == 4
        && labels.iter().all(|l| {
            (1..=3).contains(&l.len())
                && l.iter().all(u8::is_ascii_digit)
                && (l.len() == 1 || l[0] != b'0')
                && std::str::from_utf8(l).ok().and_then(|d| d.parse::<u16>().ok()).is_some_and(|v| v <= 255)
        });
    if quad {
        return true;
    }
    let tld_ok = labels.last().is_some_and(|l| !l.is_empty() && l.iter().all(u8::is_ascii_alphabetic));
    labels.len() >= 2
        && tld_ok
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-')
                && !l.get(..4).is_some_and(|p| p.eq_ignore_ascii_case(b"xn--"))
        })
}

fn has_doi(b: &[u8]) -> bool {
    memchr::memchr2_iter(b'd', b'D', b).any(|i| b.get(i..i + 3).is_some_and(|w| w.eq_ignore_ascii_case(b"doi")))
}

fn parse_reason(e: url::ParseError) -> String {
    match e {
        url::ParseError::EmptyHost => "no host".into(),
        url::ParseError::InvalidDomainCharacter => "invalid character in the host".into(),
        url::ParseError::InvalidPort => "invalid port number".into(),
        url::ParseError::IdnaError => "invalid international domain name".into(),
        other => other.to_string(),
    }
}

/// What the url crate lets through but no public web server can be: a host with characters
/// outside letters, digits, `-` and `_`, empty labels, or no top-level domain.
fn check_host(url: &Url) -> Result<(), String> {
    match url.host() {
        None => Err("no host".into()),
        Some(Host::Ipv4(_) | Host::Ipv6(_)) => Ok(()),
        Some(Host::Domain(d)) => {
            let d = d.strip_suffix('.').unwrap_or(d);
            if let Some(c) = d.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
                return Err(format!("invalid character “{c}” in the host"));
            }
            let labels: Vec<&str> = d.split('.').collect();
            if labels.iter().any(|l| l.is_empty()) {
                return Err("empty label in the host (“..”)".into());
            }
            if labels.len() < 2 {
                return Err(format!("the host “{d}” has no top-level domain"));
            }
            let tld = labels.last().copied().unwrap_or("");
            if !(tld.starts_with("xn--") || tld.chars().all(|c| c.is_ascii_alphabetic())) {
                return Err(format!("“{tld}” is not a top-level domain"));
            }
            Ok(())
        }
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(text: &str) -> Vec<String> {
        scan(text)
            .into_iter()
            .filter_map(|h| match h.found {
                Found::Url(u) | Found::Doi { url: u, .. } => Some(u),
                _ => None,
            })
            .collect()
    }

    fn malformed(text: &str) -> Vec<(String, String)> {
        scan(text)
            .into_iter()
            .filter_map(|h| match h.found {
                Found::Malformed { text, reason } => Some((text, reason)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn angle_brackets_and_trailing_punctuation() {
        let t = "Accessed March 25, 2025. <https://www.mea.gov.in/x.htm?dtl/5383/Text+of+Agreement>.";
        assert_eq!(urls(t), ["https://www.mea.gov.in/x.htm?dtl/5383/Text+of+Agreement"]);
        let hits = scan(t);
        assert_eq!(&t[hits[0].range.clone()], "<https://www.mea.gov.in/x.htm?dtl/5383/Text+of+Agreement>");
    }

    #[test]
    fn bare_urls_lose_prose_punctuation_but_keep_their_own() {
        assert_eq!(urls("see https://example.com/a)."), ["https://example.com/a"]);
        assert_eq!(urls("(see https://en.wikipedia.org/wiki/Foo_(bar))."), ["https://en.wikipedia.org/wiki/Foo_(bar)"]);
        assert_eq!(urls("at https://x.org/a%20b?q=1&r=~2#frag, then"), ["https://x.org/a%20b?q=1&r=~2#frag"]);
        assert_eq!(urls("“https://x.org/a”; and https://x.org/b:"), ["https://x.org/a", "https://x.org/b"]);
        assert_eq!(urls("*https://x.org/a*"), ["https://x.org/a"]);
        assert_eq!(urls("Availablehttps://x.org/a"), ["https://x.org/a"]);
    }

    #[test]
    fn markdown_links_keep_balanced_parentheses_and_text() {
        let t = "[Foo (bar)](https://en.wikipedia.org/wiki/Foo_(bar) \"t\"), next";
        let hits = scan(t);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].found, Found::Url("https://en.wikipedia.org/wiki/Foo_(bar)".into()));
        assert_eq!(&t[hits[0].link_text.clone().unwrap()], "Foo (bar)");
        assert_eq!(&t[hits[0].range.clone()], "[Foo (bar)](https://en.wikipedia.org/wiki/Foo_(bar) \"t\")");
        assert_eq!(urls("[a](<https://x.org/a b>)"), ["https://x.org/a%20b"]);
        assert_eq!(urls("[x](#fn1) [y](mailto:a@b.org)"), Vec::<String>::new());
    }

    #[test]
    fn wrapped_urls_are_rejoined_inside_angle_brackets_only() {
        assert_eq!(
            urls("<https://www.nation.com.pk/22-Mar-2025/torkham-border- reopens-after /x>"),
            ["https://www.nation.com.pk/22-Mar-2025/torkham-border-reopens-after/x"]
        );
        assert_eq!(
            malformed("<https://exa mple.com>"),
            [("https://exa mple.com".into(), "the host contains a space".into())]
        );
        assert_eq!(malformed("<https://x.com/some path>")[0].1, "the URL contains a space");
    }

    #[test]
    fn schemeless_forms() {
        assert_eq!(urls("Dawn, www.dawn.com/news/1899846. Accessed"), ["https://www.dawn.com/news/1899846"]);
        assert_eq!(urls("Dawn, dawn.com/news/1899846."), ["https://dawn.com/news/1899846"]);
        assert_eq!(urls("and/or e.g. Node.js files, user@dawn.com/x"), Vec::<String>::new());
    }

    #[test]
    fn dois() {
        let hits = scan("J. Peace 3 (2020), doi:10.1234/ABC.5. And https://doi.org/10.5555/XYZ).");
        assert_eq!(
            hits[0].found,
            Found::Doi { doi: "10.1234/abc.5".into(), url: "https://doi.org/10.1234/ABC.5".into() }
        );
        assert_eq!(hits[1].found, Found::Doi { doi: "10.5555/xyz".into(), url: "https://doi.org/10.5555/XYZ".into() });
        assert_eq!(
            doi_of_url("https://onlinelibrary.wiley.com/doi/abs/10.1002/ajs.4?x=1").as_deref(),
            Some("10.1002/ajs.4")
        );
        assert_eq!(doi_of_url("https://dx.doi.org/10.1000%2F182").as_deref(), Some("10.1000/182"));
        assert_eq!(urls("DOI: 10.1000/182."), ["https://doi.org/10.1000/182"]);
    }

    #[test]
    fn malformed_urls_have_reasons() {
        let m = |t: &str| malformed(t).first().map(|(_, r)| r.clone()).unwrap_or_default();
        assert!(m("htp://dawn.com/x").contains("misspelled scheme"));
        assert!(m("see https//dawn.com/x").contains("missing “:”"));
        assert!(m("http:/dawn.com/x").contains("exactly “//”"));
        assert!(m("http:///dawn.com/x").contains("exactly “//”"));
        assert_eq!(m("<https://>"), "no host");
        assert_eq!(m("https:// dawn"), "no host");
        assert!(m("https://dawn,com/x").contains("invalid character"));
        assert!(m("https://dawn/x").contains("no top-level domain"));
        assert!(m("https://dawn..com/x").contains("empty label"));
        assert_eq!(
            scan("https://www.dawn.com/news/….")[0].found,
            Found::Truncated("https://www.dawn.com/news/".into())
        );
        assert!(malformed("ftp://x.org/a mailto:a@b.org").is_empty());
        assert!(urls("ftp://x.org/a").is_empty());
    }

    #[test]
    fn hrefs() {
        assert_eq!(classify_href("#fn3"), Found::Ignored);
        assert_eq!(classify_href("mailto:a@b.org"), Found::Ignored);
        assert_eq!(classify_href("/news/1"), Found::Ignored);
        assert_eq!(classify_href("//dawn.com/x"), Found::Url("https://dawn.com/x".into()));
        assert_eq!(classify_href(" https://dawn.com/x "), Found::Url("https://dawn.com/x".into()));
        assert!(matches!(classify_href("htps://dawn.com"), Found::Malformed { .. }));
    }

    #[test]
    fn markdown_openings_are_what_the_bounded_pattern_matched() {
        let pattern = Regex::new(r"^\[[^\[\]]{0,1000}\]\(").unwrap();
        let long = format!("[{}](x) [{}](y)", "é".repeat(1000), "a".repeat(1001));
        let texts = [
            "[Dawn](https://dawn.com/a)",
            "[](x)",
            "[a] (x)",
            "[a [b](c)",
            "[a]b](c)",
            "[a\nb](c)",
            "[ünïcödé “text”](c)",
            "[a](",
            "[a]",
            "[",
            long.as_str(),
        ];
        for t in texts {
            for (at, _) in t.match_indices('[') {
                let want = pattern.find(&t[at..]).map(|m| at + m.end());
                assert_eq!(markdown_opening(t, at), want, "{t:?} at {at}");
            }
        }
    }

    #[test]
    fn start_kind_is_the_alternative_that_matched() {
        let texts = [
            "[Dawn](https://dawn.com/a) <https://x.org> http://a.b/c www.dawn.com/x doi:10.1234/ab dawn.com/news/1",
            "wwwx.org/a www2.dawn.com https//x.org/a DOI 10.12345/x Availablehttps://x.org/a doi.org/10.1/x",
            "ſtp://x.org/a \u{212A}ttp://x.org é.www.x.org/a 10.1234/x doi: 10.1234/y www1.a.co/ x.y.zz/a",
        ];
        for t in texts {
            let mut pos = 0;
            while let Some(caps) = START.captures_at(t, pos) {
                let m = caps.get(0).unwrap();
                let want = ["md", "angle", "scheme", "www", "doi", "dom"]
                    .into_iter()
                    .find(|g| caps.name(g).is_some())
                    .unwrap();
                let got = match start_kind(t, m.start()) {
                    Start::Markdown => "md",
                    Start::Angle => "angle",
                    Start::Scheme => "scheme",
                    Start::Www => "www",
                    Start::Doi => "doi",
                    Start::Domain => "dom",
                };
                assert_eq!(got, want, "{t:?} at {}", m.start());
                pos = next_char(t, m.start());
            }
        }
    }

    /// What the full path says of a candidate the plain path takes: a citable URL.
    fn full_path_accepts(candidate: &str) -> bool {
        Url::parse(candidate).is_ok_and(|u| check_host(&u).is_ok() && doi_of_parsed(&u).is_none())
    }

    #[test]
    fn plain_urls_are_the_ones_the_parser_takes() {
        for u in [
            "http://127.0.0.93:8080/news/799/a-b-report-799",
            "https://www.Dawn.com/news/1899846?x=1#y",
            "https://a-.b--c.com",
            "https://-a.com/",
            "http://example.com:65535/x",
            "https://x.org/a%zz/é/“q”",
            "https://x.org/a/../b/./c",
            "HTTPS://WWW.EXAMPLE.COM",
        ] {
            assert!(plain_web_url(u), "{u}");
            assert!(full_path_accepts(u), "{u}");
        }
        for u in [
            "http://127.0.0.01/x",
            "http://256.0.0.1/x",
            "http://1.2.3/x",
            "http://a.b.123/x",
            "http://example.com:65536/x",
            "http://example.com:/x",
            "http://user@example.com/x",
            "http://example.com\\x",
            "http://xn--nxasmq6b.com/x",
            "http://exam_ple.com/x",
            "http://example.com./x",
            "http://localhost/x",
            "https://doi.org/10.1/x",
            "https://x.org/doi/10.1234/abc",
            "http://example.com/a b",
            "http://[::1]/x",
        ] {
            assert!(!plain_web_url(u), "{u}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]
        #[test]
        fn a_plain_url_is_one_the_full_path_accepts(
            u in "(?i)https?://([a-z0-9\\-]{0,6}\\.){0,3}[a-z0-9\\-]{0,6}(:[0-9]{0,6})?([/?#\\\\][a-z0-9./%?#=&\\-]{0,12})?"
        ) {
            if plain_web_url(&u) {
                proptest::prop_assert!(full_path_accepts(&u), "{}", u);
            }
        }
    }

    #[test]
    fn never_panics_on_fragments() {
        let t = "<https://x.org/a b> [t](https://x.org/(a) «https://é.org/ü» doi:10.1234/ü… www.ü.com/ ]( <";
        for (i, _) in t.char_indices() {
            let _ = scan(&t[i..]);
            let _ = scan(&t[..i]);
        }
    }
}
