//! Judging a reference: what was cited, what the fetch gave, what the page says → a verdict and
//! findings. Pure: no I/O, so every verdict can be tested from a three-line string.

use std::borrow::Cow;

use serde::Serialize;
use url::Url;

use crate::archived::ArchivedCopy;
use crate::fetch::{FetchErrorKind, FetchOutcome, HostPattern};
use crate::finding::{Finding, Rule};
use crate::matching::{CitedAuthor, CitedPublication, CitedTitle, TitleGrade, TitleMatch, WordDiff};
use crate::page::PageMeta;
use crate::reference::Reference;

/// The outcome for one reference. Serialised kebab-case; the names are a public contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The link resolves and the page is the one cited (or no title was cited to compare).
    Ok,
    /// The link resolves to a page with another title.
    TitleMismatch,
    /// The link does not resolve: 404, 410, other 4xx, 5xx after retries, DNS, refused, TLS,
    /// timeout after retries, redirect loops.
    Dead,
    /// A 2xx answer that is not the page: a "not found" page or a redirect to a home page.
    #[serde(rename = "soft-404")]
    Soft404,
    /// Access was refused or challenged (401, 403, 429, 451, bot checks, logins, paywalls): a
    /// browser may still see the page, so this is never reported as dead.
    Unverifiable,
    /// The note cites no URL.
    NoUrl,
    /// The note's URL cannot be parsed or is not http(s).
    InvalidUrl,
    /// Not fetched: excluded by configuration or refused by the safety policy.
    Excluded,
    /// Not checked: the run ended first (deadline or interruption), or the URL's own time budget
    /// ran out before any answer came (a host slowed down by rate limits, say). A warning, never
    /// an error: nothing is known about the link.
    NotChecked,
}

impl Verdict {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::TitleMismatch => "title-mismatch",
            Verdict::Dead => "dead",
            Verdict::Soft404 => "soft-404",
            Verdict::Unverifiable => "unverifiable",
            Verdict::NoUrl => "no-url",
            Verdict::InvalidUrl => "invalid-url",
            Verdict::Excluded => "excluded",
            Verdict::NotChecked => "not-checked",
        }
    }

    /// Every verdict, in report order.
    pub const ALL: &'static [Verdict] = &[
        Verdict::Ok,
        Verdict::TitleMismatch,
        Verdict::Dead,
        Verdict::Soft404,
        Verdict::Unverifiable,
        Verdict::NoUrl,
        Verdict::InvalidUrl,
        Verdict::Excluded,
        Verdict::NotChecked,
    ];
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the cited title compared with the page, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TitleResult {
    /// Equal after normalisation, or but for an affix.
    Match,
    /// A small slip.
    Near,
    /// Another title.
    Mismatch,
    /// Not compared (no cited title, no page title, or no page).
    None,
}

/// What the page says about itself, as far as the check uses it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PageSummary {
    /// The site name.
    pub site: Option<String>,
    /// The publication date.
    pub date: Option<String>,
    /// The authors named.
    pub authors: Vec<String>,
    /// The canonical URL.
    pub canonical: Option<String>,
}

/// The check of one reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// The verdict.
    pub verdict: Verdict,
    /// The URL fetched (after `--remap`), when it differs from the cited one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetched_url: Option<String>,
    /// The final HTTP status.
    pub status: Option<u16>,
    /// The URL the redirects ended at.
    pub final_url: Option<String>,
    /// Each redirect hop's target, in order.
    pub redirects: Vec<String>,
    /// The page's best title (the one the cited title was graded against).
    pub page_title: Option<String>,
    /// How the titles compared.
    pub title_match: TitleResult,
    /// The similarity score of the best candidate (0–1).
    pub title_score: Option<f64>,
    /// The word-level difference between the cited title and the page title.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub title_diff: Vec<WordDiff>,
    /// What the page says about itself.
    pub page: Option<PageSummary>,
    /// Why the fetch failed, for a person.
    pub error: Option<String>,
    /// The note's other URLs (an archived copy, a second source): each checked to resolve.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_urls: Vec<UrlStatus>,
    /// For a lost page (`dead`, `soft-404`, `title-mismatch`), the archived copy looked up,
    /// when lookups are on: evidence next to the verdict, which it never changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<Box<ArchivedCopy>>,
    /// The note's DOI, looked up at the resolver: where its metadata came from and what it
    /// says (see [`crate::doi`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doi: Option<Box<crate::doi::DoiCheck>>,
    /// Findings about this reference (also listed with the document's findings).
    pub findings: Vec<Finding>,
}

impl Check {
    /// A check that fetched nothing.
    pub fn without_fetch(verdict: Verdict, error: Option<String>) -> Check {
        Check {
            verdict,
            fetched_url: None,
            status: None,
            final_url: None,
            redirects: Vec::new(),
            page_title: None,
            title_match: TitleResult::None,
            title_score: None,
            title_diff: Vec::new(),
            page: None,
            error,
            other_urls: Vec::new(),
            archived: None,
            doi: None,
            findings: Vec::new(),
        }
    }
}

/// Whether one of a note's further URLs resolves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UrlStatus {
    /// The URL as cited.
    pub url: String,
    /// The final HTTP status, if a response came.
    pub status: Option<u16>,
    /// `ok`, `dead` or `unverifiable`.
    pub verdict: Verdict,
    /// Why it failed, for a person.
    pub error: Option<String>,
}

/// Checks a note's further URL (beyond the first, which `judge` judges): it must resolve. A dead
/// one is an error finding on the reference; its title is not compared, since the note's title
/// belongs to its first URL.
pub fn judge_other_url(reference: &Reference, cited: &str, outcome: &FetchOutcome, check: &mut Check) {
    let (verdict, detail) = match (&outcome.error, outcome.status) {
        (Some(e), _) if matches!(e.kind, FetchErrorKind::Deadline) => (Verdict::NotChecked, e.message.clone()),
        (Some(e), _) if matches!(e.kind, FetchErrorKind::Blocked | FetchErrorKind::Scheme) => {
            (Verdict::Excluded, e.message.clone())
        }
        (Some(e), _) if e.kind == FetchErrorKind::NotInArchive => (Verdict::Unverifiable, e.message.clone()),
        (Some(e), _) => (Verdict::Dead, e.message.clone()),
        (None, Some(200..=299)) => (Verdict::Ok, String::new()),
        (None, Some(s @ (401 | 403 | 407 | 429 | 451))) => (Verdict::Unverifiable, format!("HTTP {s}")),
        (None, Some(s)) => (Verdict::Dead, format!("HTTP {s}")),
        (None, None) => (Verdict::Dead, "no response".to_owned()),
    };
    if verdict == Verdict::Dead {
        check.findings.push(Finding::new(
            Rule::DeadLink,
            reference.span,
            format!("note {}: its further URL {} does not resolve: {detail}", reference.label, short(cited)),
        ));
    }
    check.other_urls.push(UrlStatus {
        url: cited.to_owned(),
        status: outcome.status,
        verdict,
        error: (!detail.is_empty() && verdict != Verdict::Ok).then_some(detail),
    });
}

/// Thresholds for judging.
#[derive(Debug, Clone)]
pub struct JudgeOptions {
    /// Dates this many days apart or fewer are the same date (time zones, print vs web).
    pub date_tolerance_days: i64,
    /// Statuses that count as a 200 from the hosts a pattern matches (the most specific
    /// matching pattern applies): a site known to answer 403 to every robot while serving the
    /// page can be judged on the page it sends. Matched against the host that answered.
    pub accept_status: Vec<(HostPattern, Vec<u16>)>,
}

impl Default for JudgeOptions {
    fn default() -> Self {
        JudgeOptions { date_tolerance_days: 2, accept_status: Vec::new() }
    }
}

/// The citation side of every comparison a reference takes part in: its URL, title,
/// publication and authors, each read (parsed, normalised, split into words, parsed as a name)
/// once. Built once per
/// reference, it serves every page judged against it: the cited URL's (whatever its candidate
/// titles and redirects), an archived copy's, a DOI's registered metadata. Owned, `Send` and
/// `Sync`, so it can travel to whichever task does the judging.
#[derive(Debug, Clone)]
pub(crate) struct Citation {
    /// The cited URL, parsed.
    url: Option<Url>,
    title: Option<CitedTitle>,
    publication: Option<CitedPublication>,
    /// One per [`Reference::authors`], in order.
    authors: Vec<CitedAuthor>,
}

impl Citation {
    /// Reads the reference's title, publication and authors.
    pub(crate) fn of(reference: &Reference) -> Citation {
        Citation {
            url: reference.url.as_deref().and_then(|u| Url::parse(u).ok()),
            title: reference.title.as_deref().map(CitedTitle::new),
            publication: reference.container.as_deref().map(CitedPublication::new),
            authors: reference.authors.iter().map(|a| CitedAuthor::new(a)).collect(),
        }
    }

    /// The cited title, read.
    pub(crate) fn title(&self) -> Option<&CitedTitle> {
        self.title.as_ref()
    }

    /// Whether the cited publication is the one `site` and `host` name; `true` when none is
    /// cited (see [`crate::matching::same_publication`]).
    pub(crate) fn publication_matches(&self, site: Option<&str>, host: Option<&str>) -> bool {
        self.publication.as_ref().is_none_or(|p| p.matches(site, host))
    }

    /// The cited authors `page_authors` do not name, as written in the reference (see
    /// [`crate::matching::author_named`]).
    pub(crate) fn authors_not_named<'r>(
        &self,
        reference: &'r Reference,
        page_authors: &[String],
    ) -> impl Iterator<Item = &'r String> {
        reference.authors.iter().zip(&self.authors).filter(|(_, a)| !a.named_in(page_authors, None)).map(|(w, _)| w)
    }
}

/// Judges a reference from the outcome of fetching `fetched` (its URL, perhaps remapped) and the
/// page metadata read from the body, if any.
pub fn judge(
    reference: &Reference,
    fetched: &Url,
    outcome: &FetchOutcome,
    page: Option<&PageMeta>,
    options: &JudgeOptions,
) -> Check {
    judge_cited(reference, &Citation::of(reference), fetched, outcome, page, options)
}

/// [`judge`] with the reference's [`Citation`] already read (`citation` must be
/// `Citation::of(reference)`).
pub(crate) fn judge_cited(
    reference: &Reference,
    citation: &Citation,
    fetched: &Url,
    outcome: &FetchOutcome,
    page: Option<&PageMeta>,
    options: &JudgeOptions,
) -> Check {
    let mut check = Check::without_fetch(Verdict::Ok, None);
    let cited = reference.url.as_deref().unwrap_or(fetched.as_str());
    if fetched.as_str() != cited {
        check.fetched_url = Some(fetched.to_string());
    }
    check.status = outcome.status;
    check.final_url = Some(outcome.final_url.to_string());
    check.redirects = outcome.redirects.iter().map(|h| h.url.to_string()).collect();
    let at = reference.span;
    let add = |check: &mut Check, rule: Rule, message: String| {
        check.findings.push(Finding::new(rule, at, message));
    };

    // The URL's own time budget ran out after an answer came (waiting to retry a 429 or a 503):
    // the answer decides, as it would have had the attempts run out first.
    let budget_after_answer =
        outcome.error.as_ref().is_some_and(|e| e.kind == FetchErrorKind::Deadline) && outcome.status.is_some();
    if let Some(err) = outcome.error.as_ref().filter(|_| !budget_after_answer) {
        check.error = Some(err.message.clone());
        let (verdict, rule) = match err.kind {
            FetchErrorKind::Blocked | FetchErrorKind::Scheme if outcome.redirects.is_empty() => {
                (Verdict::Excluded, Rule::Excluded)
            }
            FetchErrorKind::Deadline => (Verdict::NotChecked, Rule::NotChecked),
            FetchErrorKind::InvalidUrl if outcome.redirects.is_empty() => (Verdict::InvalidUrl, Rule::MalformedUrl),
            // Replaying an archive that never saw the URL says nothing about the page.
            FetchErrorKind::NotInArchive => (Verdict::Unverifiable, Rule::Unverifiable),
            _ => (Verdict::Dead, Rule::DeadLink),
        };
        check.verdict = verdict;
        let detail = match outcome.status {
            Some(s) => format!("{} (HTTP {s})", err.message),
            None => err.message.clone(),
        };
        add(&mut check, rule, format!("note {}: {}: {detail}", reference.label, short(cited)));
        return check;
    }

    let status = outcome.status.unwrap_or(0);
    let accepted = crate::fetch::best_match(&options.accept_status, &outcome.final_url)
        .is_some_and(|codes| codes.contains(&status));
    let no_page = PageMeta::default();
    let meta = page.unwrap_or(&no_page);
    if page.is_some() {
        check.page = Some(PageSummary {
            site: meta.site.clone(),
            date: meta.date.map(|d| d.to_string()),
            authors: meta.authors.clone(),
            canonical: meta.canonical.clone(),
        });
    }

    match status {
        _ if accepted => {}
        200..=299 => {}
        401 | 403 | 407 | 429 | 451 => {
            check.verdict = Verdict::Unverifiable;
            let why = match status {
                401 | 407 => "the server asks for a login",
                403 if meta.signals.challenge => "a bot-protection challenge answered instead of the page",
                403 => "the server refused access",
                429 => "rate limited, even after waiting and retrying",
                _ => "unavailable for legal reasons",
            };
            add(
                &mut check,
                Rule::Unverifiable,
                format!("note {}: HTTP {status}: {why}; a browser may still see the page", reference.label),
            );
            return check;
        }
        _ => {
            check.verdict = Verdict::Dead;
            add(&mut check, Rule::DeadLink, format!("note {}: HTTP {status} for {}", reference.label, short(cited)));
            return check;
        }
    }

    redirect_findings(reference, outcome, &mut check);

    if meta.signals.challenge || meta.signals.login || meta.signals.paywall {
        check.verdict = Verdict::Unverifiable;
        let why = if meta.signals.challenge {
            "a bot-protection challenge"
        } else if meta.signals.login {
            "a login page"
        } else {
            "a paywall"
        };
        add(
            &mut check,
            Rule::Unverifiable,
            format!(
                "note {}: the URL answers with {why} instead of the page; a browser may still see it",
                reference.label
            ),
        );
        return check;
    }
    if meta.signals.not_found {
        check.verdict = Verdict::Soft404;
        check.page_title = meta.titles.first().map(|t| t.text.clone());
        let shown = check.page_title.as_deref().map(|t| format!(" (\u{201c}{}\u{201d})", short(t))).unwrap_or_default();
        add(&mut check, Rule::Soft404, format!("note {}: the page says it is not found{shown}", reference.label));
        return check;
    }
    let is_html = outcome.is_readable();
    let host = outcome.final_url.host_str().map(|h| h.trim_start_matches("www.").to_owned());
    let title_match = match (citation.title(), page.is_some() && is_html) {
        (Some(cited_title), true) => cited_title.compare(&meta.titles, meta.site.as_deref(), host.as_deref()),
        _ => None,
    };

    // A deep link that lands on a home or generic page is not the article, unless the page
    // there still carries the cited title (a site that moved its articles up a level).
    let canonical = meta.canonical.as_deref().and_then(|c| Url::parse(c).ok());
    let canonical_is_root =
        canonical.as_ref().is_some_and(|c| c.path().trim_end_matches('/').is_empty() && c.query().is_none());
    let title_holds = title_match.as_ref().is_some_and(|m| m.grade != TitleGrade::Mismatch);
    if !title_holds
        && redirected_to_generic(fetched, &outcome.final_url, !outcome.redirects.is_empty(), canonical_is_root)
    {
        check.verdict = Verdict::Soft404;
        add(
            &mut check,
            Rule::Soft404,
            format!(
                "note {}: the deep link redirects to a generic page ({}) instead of the article",
                reference.label, outcome.final_url
            ),
        );
        return check;
    }

    match (&reference.title, page.is_some() && is_html, title_match) {
        (_, true, _) if meta.unread.is_some() => add(
            &mut check,
            Rule::NoPageTitle,
            format!(
                "note {}: the URL serves {}, which was not read ({}): only that the link resolves was checked",
                reference.label,
                outcome.content_type.as_deref().unwrap_or("a PDF"),
                meta.unread.as_deref().unwrap_or_default()
            ),
        ),
        (None, _, _) => add(
            &mut check,
            Rule::TitleNotCited,
            format!("note {} cites no title: only that the link resolves was checked", reference.label),
        ),
        (Some(_), false, _) => add(
            &mut check,
            Rule::NoPageTitle,
            format!(
                "note {}: the URL serves {}, whose title is not read yet: only that it resolves was checked",
                reference.label,
                outcome.content_type.as_deref().unwrap_or("a non-HTML document")
            ),
        ),
        (Some(_), true, None) => add(
            &mut check,
            Rule::NoPageTitle,
            format!("note {}: the page has no title to compare with the cited one", reference.label),
        ),
        (Some(cited), true, Some(m)) => title_findings(reference, cited, &m, &TitleWords::PAGE, true, &mut check),
    }

    let page = Judged { meta, canonical: canonical.as_ref(), host: host.as_deref(), final_url: &outcome.final_url };
    metadata_findings(reference, citation, &page, fetched, options, &mut check);
    check
}

/// How findings name the title a cited title was held against.
pub(crate) struct TitleWords {
    /// That title, as the subject of a sentence: "the page title".
    the_title: Cow<'static, str>,
    /// Its label beside the cited title: "page" in (cited “…”, page “…”).
    label: &'static str,
    /// What precedes it when it is quoted as another title: "the page is titled".
    titled: Cow<'static, str>,
}

impl TitleWords {
    /// The page at the cited URL.
    pub(crate) const PAGE: TitleWords = TitleWords {
        the_title: Cow::Borrowed("the page title"),
        label: "page",
        titled: Cow::Borrowed("the page is titled"),
    };

    /// A title read from `source` ("the DOI's registered metadata"), labelled `label`
    /// ("registered") beside the cited one.
    pub(crate) fn in_source(source: &str, label: &'static str) -> TitleWords {
        TitleWords {
            the_title: Cow::Owned(format!("the title in {source}")),
            label,
            titled: Cow::Owned(format!("{source} gives the title")),
        }
    }
}

/// The findings of a graded title. When the comparison `decides` (the evidence is the
/// reference's: the page at its URL, or a DOI's metadata in place of a page), the check's title
/// fields and verdict follow it; otherwise only findings are added.
pub(crate) fn title_findings(
    reference: &Reference,
    cited: &str,
    m: &TitleMatch,
    words: &TitleWords,
    decides: bool,
    check: &mut Check,
) {
    let label = &reference.label;
    if decides {
        check.page_title = Some(m.page_title.clone());
        check.title_score = Some(m.score);
    }
    match m.grade {
        TitleGrade::Match => {
            if decides {
                check.title_match = TitleResult::Match;
            }
        }
        TitleGrade::Near => {
            if decides {
                check.title_match = TitleResult::Near;
                check.title_diff = m.diff.clone();
            }
            check.findings.push(Finding::new(
                Rule::TitleNearMatch,
                reference.span,
                format!(
                    "note {label}: {} differs by a small slip: {} (cited \u{201c}{}\u{201d}, {} \u{201c}{}\u{201d})",
                    words.the_title,
                    diff_words(&m.diff),
                    short(cited),
                    words.label,
                    short(&m.page_title)
                ),
            ));
        }
        TitleGrade::Mismatch => {
            if decides {
                check.verdict = Verdict::TitleMismatch;
                check.title_match = TitleResult::Mismatch;
                check.title_diff = m.diff.clone();
            }
            check.findings.push(Finding::new(
                Rule::TitleMismatch,
                reference.span,
                format!(
                    "note {label}: {} \u{201c}{}\u{201d}, not \u{201c}{}\u{201d} (score {:.2}; {})",
                    words.titled,
                    short(&m.page_title),
                    short(cited),
                    m.score,
                    diff_words(&m.diff)
                ),
            ));
        }
    }
}

/// "−cited +page" for the words that differ.
pub(crate) fn diff_words(diff: &[WordDiff]) -> String {
    let mut missing = Vec::new();
    let mut extra = Vec::new();
    for d in diff {
        match d {
            WordDiff::Missing(w) => missing.push(w.as_str()),
            WordDiff::Extra(w) => extra.push(w.as_str()),
            WordDiff::Same(_) => {}
        }
    }
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("cited words not on the page: {}", missing.join(" ")));
    }
    if !extra.is_empty() {
        parts.push(format!("page words not cited: {}", extra.join(" ")));
    }
    if parts.is_empty() { "same words".to_owned() } else { parts.join("; ") }
}

fn redirect_findings(reference: &Reference, outcome: &FetchOutcome, check: &mut Check) {
    let Some(first) = outcome.redirects.first() else { return };
    let permanent = outcome.redirects.iter().all(|h| matches!(h.status, 301 | 308));
    let from = &outcome.url;
    let to = &outcome.final_url;
    // `/news` → `/news/` is the server tidying its URL, nothing a citation should change.
    let only_slash = from.host_str() == to.host_str()
        && from.scheme() == to.scheme()
        && from.path().trim_end_matches('/') == to.path().trim_end_matches('/')
        && from.query() == to.query();
    if only_slash {
        return;
    }
    let only_scheme = from.scheme() == "http"
        && to.scheme() == "https"
        && from.host_str() == to.host_str()
        && from.path() == to.path()
        && from.query() == to.query();
    if only_scheme {
        check.findings.push(Finding::new(
            Rule::HttpsUpgrade,
            reference.span,
            format!("note {}: the http URL redirects to https; cite {to}", reference.label),
        ));
    } else if permanent {
        check.findings.push(Finding::new(
            Rule::PermanentRedirect,
            reference.span,
            format!("note {}: permanently redirected (HTTP {}) to {to}", reference.label, first.status),
        ));
    }
}

/// A deep URL that ends on the site's home page or a generic path is not the article. The home
/// page is known by its path or by declaring the site's root as its canonical URL. Only a
/// redirect up the tree counts: `/news` → `/news/` (a trailing slash) or a move sideways is not it.
fn redirected_to_generic(cited: &Url, final_url: &Url, redirected: bool, canonical_is_root: bool) -> bool {
    if !redirected {
        return false;
    }
    let depth = |u: &Url| u.path_segments().map_or(0, |s| s.filter(|p| !p.is_empty()).count());
    let (from, to) = (cited.path().trim_end_matches('/'), final_url.path().trim_end_matches('/'));
    if from == to || depth(final_url) >= depth(cited) {
        return false;
    }
    if canonical_is_root {
        return true;
    }
    let last = to.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
    to.is_empty()
        || matches!(
            last.as_str(),
            "index.html"
                | "index.htm"
                | "index.php"
                | "home"
                | "404"
                | "404.html"
                | "error"
                | "not-found"
                | "notfound"
                | "page-not-found"
                | "search"
                | "en"
                | "ur"
                | "news"
        )
}

/// What metadata findings read of the page: its metadata, its canonical URL parsed, the host
/// it is named by and where the redirects ended.
struct Judged<'a> {
    meta: &'a PageMeta,
    canonical: Option<&'a Url>,
    host: Option<&'a str>,
    final_url: &'a Url,
}

fn metadata_findings(
    reference: &Reference,
    citation: &Citation,
    page: &Judged<'_>,
    fetched: &Url,
    options: &JudgeOptions,
    check: &mut Check,
) {
    let Judged { meta, host, final_url, .. } = *page;
    let label = &reference.label;
    let at = reference.span;
    // The canonical is compared with what was cited and with where the redirects ended; when
    // `--remap` moved the fetch to a mirror, the mirror's path ends with host and path.
    let cited = citation.url.as_ref();
    let remapped = check.fetched_url.is_some();
    let same_as = |c: &Url, u: &Url| {
        same_resource(c, u)
            || (remapped
                && u.path().trim_end_matches('/').ends_with(&format!(
                    "/{}{}",
                    c.host_str().unwrap_or(""),
                    c.path().trim_end_matches('/')
                ))
                && u.query() == c.query())
    };
    if let Some(canonical) = meta.canonical.as_deref()
        && let Some(c) = page.canonical
        && !cited.is_some_and(|u| same_as(c, u))
        && !same_as(c, final_url)
        && !same_as(c, fetched)
    {
        check.findings.push(Finding::new(
            Rule::CanonicalDiffers,
            at,
            format!("note {label}: the page's canonical URL is {canonical}; consider citing it"),
        ));
    }
    if let (Some(cited), Some(page_date)) = (reference.date, meta.date) {
        // A PDF's date is when the file was made: a later export moves it on, so only a PDF
        // made before the cited date says the date is wrong.
        let made_later = meta.kind == crate::page::PageKind::Pdf && page_date.to_string() > cited.to_string();
        match cited.distance_days(&page_date) {
            _ if made_later => {}
            Some(d) if d <= options.date_tolerance_days => {}
            _ => check.findings.push(Finding::new(
                Rule::DateDiffers,
                at,
                format!("note {label}: cited date {cited}, the page says {page_date}"),
            )),
        }
    }
    if let Some(container) = reference.container.as_deref()
        && !citation.publication_matches(meta.site.as_deref(), host)
    {
        check.findings.push(Finding::new(
            Rule::PublicationDiffers,
            at,
            format!(
                "note {label}: cited publication \u{201c}{}\u{201d}, the page is from {}",
                short(container),
                meta.site.as_deref().or(host).unwrap_or("another site")
            ),
        ));
    }
    for author in citation.authors_not_named(reference, &meta.authors) {
        check.findings.push(Finding::new(
            Rule::AuthorNotFound,
            at,
            format!(
                "note {label}: cited author {} is not named on the page (it names {})",
                short(author),
                meta.authors.join(", ")
            ),
        ));
    }
}

/// Same scheme-less host (ignoring `www.`), path (ignoring a trailing slash) and query.
fn same_resource(a: &Url, b: &Url) -> bool {
    let host = |u: &Url| u.host_str().unwrap_or("").trim_start_matches("www.").to_ascii_lowercase();
    host(a) == host(b) && a.path().trim_end_matches('/') == b.path().trim_end_matches('/') && a.query() == b.query()
}

/// Keeps messages readable: long strings are cut at a character boundary.
pub(crate) fn short(s: &str) -> String {
    const MAX: usize = 120;
    if s.chars().count() <= MAX {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(MAX - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::fetch::{FetchError, Hop};

    fn reference(note: &str) -> Reference {
        let text = format!("A claim.¹\n\n¹ {note}\n");
        let doc = crate::document::parse(Path::new("t.txt"), text.as_bytes(), None).expect("parses");
        crate::reference::references(&doc).remove(0)
    }

    fn ok(url: &str) -> FetchOutcome {
        let mut o = FetchOutcome::new(&Url::parse(url).unwrap());
        o.status = Some(200);
        o.content_type = Some("text/html".into());
        o.body = "<title>x</title>".into();
        o
    }

    fn run(note: &str, outcome: &FetchOutcome, html: &str) -> Check {
        let r = reference(note);
        let page = crate::page::extract(html, Some(&outcome.final_url));
        judge(&r, &outcome.url, outcome, Some(&page), &JudgeOptions::default())
    }

    fn rules(c: &Check) -> Vec<&'static str> {
        c.findings.iter().map(|f| f.rule.id()).collect()
    }

    const NOTE: &str =
        "Tahir Khan, “Peace and progress in the region”, *Dawn*, March 23, 2025, <https://www.dawn.com/news/1>";
    const PAGE: &str = "<html><head><title>Peace and progress in the region - DAWN.COM</title>\
        <meta property=\"og:site_name\" content=\"DAWN.COM\"><meta name=\"author\" content=\"Tahir Khan\">\
        <meta property=\"article:published_time\" content=\"2025-03-23T10:00:00+05:00\"></head></html>";

    #[test]
    fn a_matching_page_is_ok_with_no_findings() {
        let c = run(NOTE, &ok("https://www.dawn.com/news/1"), PAGE);
        assert_eq!(c.verdict, Verdict::Ok);
        assert_eq!(c.title_match, TitleResult::Match);
        assert!(c.findings.is_empty(), "{:?}", rules(&c));
    }

    #[test]
    fn metadata_differences_are_warnings() {
        let page = "<html><head><title>Peace and progress in the region</title>\
            <meta property=\"og:site_name\" content=\"The Express Tribune\"><meta name=\"author\" content=\"Kamran Yousaf\">\
            <meta property=\"article:published_time\" content=\"2024-03-23\"></head></html>";
        let c = run(NOTE, &ok("https://tribune.com.pk/story/1"), page);
        assert_eq!(c.verdict, Verdict::Ok);
        let found = rules(&c);
        for rule in ["date-differs", "publication-differs", "author-not-found"] {
            assert!(found.contains(&rule), "{rule} in {found:?}");
        }
    }

    #[test]
    fn a_day_apart_is_the_same_date() {
        let page = PAGE.replace("2025-03-23T10", "2025-03-22T23");
        let c = run(NOTE, &ok("https://www.dawn.com/news/1"), &page);
        assert!(!rules(&c).contains(&"date-differs"));
    }

    #[test]
    fn http_to_https_is_an_upgrade_and_other_permanent_moves_are_redirects() {
        let mut o = ok("https://www.dawn.com/news/1");
        o.url = Url::parse("http://www.dawn.com/news/1").unwrap();
        o.redirects = vec![Hop { url: o.url.clone(), status: 301 }];
        let c = run(NOTE, &o, PAGE);
        assert_eq!(rules(&c), ["https-upgrade"]);

        let mut o = ok("https://www.dawn.com/news/2");
        o.url = Url::parse("https://www.dawn.com/news/1").unwrap();
        o.redirects = vec![Hop { url: o.url.clone(), status: 308 }];
        let c = run(NOTE, &o, PAGE);
        assert_eq!(rules(&c), ["permanent-redirect"]);
        assert_eq!(c.redirects, ["https://www.dawn.com/news/1"]);
    }

    #[test]
    fn a_status_accepted_for_the_answering_host_is_judged_like_a_200() {
        let mut o = ok("https://www.dawn.com/news/1");
        o.status = Some(403);
        let r = reference(NOTE);
        let page = crate::page::extract(PAGE, Some(&o.final_url));
        let pattern = |p: &str| HostPattern::parse(p).unwrap();
        let options = JudgeOptions {
            accept_status: vec![(pattern("www.dawn.com"), vec![403]), (pattern("*.other.example"), vec![404])],
            ..JudgeOptions::default()
        };
        let c = judge(&r, &o.url, &o, Some(&page), &options);
        assert_eq!((c.verdict, c.title_match, c.status), (Verdict::Ok, TitleResult::Match, Some(403)));
        o.status = Some(404);
        assert_eq!(judge(&r, &o.url, &o, Some(&page), &options).verdict, Verdict::Dead);
        o.status = Some(403);
        o.final_url = Url::parse("https://elsewhere.example/news/1").unwrap();
        assert_eq!(judge(&r, &o.url, &o, Some(&page), &options).verdict, Verdict::Unverifiable);
    }

    #[test]
    fn status_codes_map_to_verdicts() {
        for (status, verdict) in [
            (404, Verdict::Dead),
            (410, Verdict::Dead),
            (400, Verdict::Dead),
            (500, Verdict::Dead),
            (503, Verdict::Dead),
            (401, Verdict::Unverifiable),
            (403, Verdict::Unverifiable),
            (407, Verdict::Unverifiable),
            (429, Verdict::Unverifiable),
            (451, Verdict::Unverifiable),
        ] {
            let mut o = ok("https://www.dawn.com/news/1");
            o.status = Some(status);
            assert_eq!(run(NOTE, &o, "").verdict, verdict, "HTTP {status}");
        }
    }

    #[test]
    fn fetch_failures_map_to_verdicts() {
        for (kind, verdict) in [
            (FetchErrorKind::Dns, Verdict::Dead),
            (FetchErrorKind::Connect, Verdict::Dead),
            (FetchErrorKind::Tls, Verdict::Dead),
            (FetchErrorKind::Timeout, Verdict::Dead),
            (FetchErrorKind::RedirectLoop, Verdict::Dead),
            (FetchErrorKind::TooManyRedirects, Verdict::Dead),
            (FetchErrorKind::Blocked, Verdict::Excluded),
            (FetchErrorKind::Deadline, Verdict::NotChecked),
            (FetchErrorKind::NotInArchive, Verdict::Unverifiable),
        ] {
            let mut o = FetchOutcome::new(&Url::parse("https://www.dawn.com/news/1").unwrap());
            o.error = Some(FetchError { kind, message: "it failed".into() });
            let c = run(NOTE, &o, "");
            assert_eq!(c.verdict, verdict, "{kind:?}");
            assert_eq!(c.error.as_deref(), Some("it failed"));
        }
    }

    #[test]
    fn a_budget_that_runs_out_after_a_429_is_judged_by_the_429() {
        let mut o = FetchOutcome::new(&Url::parse("https://www.dawn.com/news/1").unwrap());
        o.status = Some(429);
        o.error = Some(FetchError { kind: FetchErrorKind::Deadline, message: "gave up".into() });
        assert_eq!(run(NOTE, &o, "").verdict, Verdict::Unverifiable);
    }

    #[test]
    fn a_blocked_redirect_is_dead_not_excluded() {
        let mut o = FetchOutcome::new(&Url::parse("https://www.dawn.com/news/1").unwrap());
        o.redirects = vec![Hop { url: o.url.clone(), status: 302 }];
        o.error = Some(FetchError { kind: FetchErrorKind::Blocked, message: "redirects to 10.0.0.1".into() });
        assert_eq!(run(NOTE, &o, "").verdict, Verdict::Dead);
    }

    #[test]
    fn another_title_is_a_mismatch_with_a_diff() {
        let c = run(NOTE, &ok("https://www.dawn.com/news/1"), "<title>Cricket board names new captain</title>");
        assert_eq!(c.verdict, Verdict::TitleMismatch);
        assert!(!c.title_diff.is_empty());
        assert_eq!(rules(&c)[0], "title-mismatch");
    }

    #[test]
    fn no_cited_title_checks_resolution_only() {
        let c = run("<https://www.dawn.com/news/1>", &ok("https://www.dawn.com/news/1"), PAGE);
        assert_eq!(c.verdict, Verdict::Ok);
        assert_eq!(rules(&c), ["title-not-cited"]);
    }

    #[test]
    fn pages_that_are_not_the_page() {
        let c = run(
            NOTE,
            &ok("https://www.dawn.com/news/1"),
            "<title>Page not found | Dawn</title><h1>Page not found</h1>",
        );
        assert_eq!(c.verdict, Verdict::Soft404);
        let c = run(
            NOTE,
            &ok("https://www.dawn.com/news/1"),
            "<title>Just a moment...</title><script>window._cf_chl_opt={}</script>",
        );
        assert_eq!(c.verdict, Verdict::Unverifiable);
        let mut home = ok("https://www.dawn.com/");
        home.url = Url::parse("https://www.dawn.com/news/1").unwrap();
        home.redirects = vec![Hop { url: home.url.clone(), status: 302 }];
        let c = run(NOTE, &home, "<title>DAWN.COM</title>");
        assert_eq!(c.verdict, Verdict::Soft404);
    }

    #[test]
    fn slash_redirects_and_sideways_moves_are_not_soft_404s() {
        let moved = |from: &str, to: &str, html: &str| {
            let mut o = ok(to);
            o.url = Url::parse(from).unwrap();
            o.redirects = vec![Hop { url: o.url.clone(), status: 301 }];
            run(NOTE, &o, html).verdict
        };
        let root_canonical = format!("{PAGE}<link rel=\"canonical\" href=\"https://www.dawn.com/\">");
        assert_eq!(moved("https://www.dawn.com/news", "https://www.dawn.com/news/", PAGE), Verdict::Ok);
        assert_eq!(
            moved("https://www.dawn.com/2024/old", "https://www.dawn.com/2024/new/", &root_canonical),
            Verdict::Ok
        );
        // Up to the home page with the cited title still there: the article moved, it is fine.
        assert_eq!(moved("https://www.dawn.com/news/1", "https://www.dawn.com/", PAGE), Verdict::Ok);
        assert_eq!(
            moved("https://www.dawn.com/news/1", "https://www.dawn.com/", "<title>DAWN.COM</title>"),
            Verdict::Soft404
        );
    }

    #[test]
    fn a_pdf_resolves_but_its_title_is_not_read() {
        let mut o = ok("https://www.dawn.com/report.pdf");
        o.content_type = Some("application/pdf".into());
        let r = reference(NOTE);
        let c = judge(&r, &o.url, &o, None, &JudgeOptions::default());
        assert_eq!(c.verdict, Verdict::Ok);
        assert_eq!(rules(&c), ["no-page-title"]);
    }

    #[test]
    fn title_findings_name_the_page() {
        let pips = "“Rise in terrorism in 2024 pushes Pakistan towards pre-APS era”, *PIPS*, <https://www.pakpips.com/article/8253>";
        let c = run(
            pips,
            &ok("https://www.pakpips.com/article/8253"),
            "<title>Rise is terrorism in 2024 pushes Pakistan towards pre-APS era</title>",
        );
        assert_eq!((c.verdict, c.title_match), (Verdict::Ok, TitleResult::Near));
        assert_eq!(
            c.findings[0].message,
            "note 1: the page title differs by a small slip: cited words not on the page: in; page words not cited: is \
             (cited \u{201c}Rise in terrorism in 2024 pushes Pakistan towards pre-APS era\u{201d}, \
             page \u{201c}Rise is terrorism in 2024 pushes Pakistan towards pre-APS era\u{201d})"
        );
        let c = run(NOTE, &ok("https://www.dawn.com/news/1"), "<title>Cricket board names new captain</title>");
        assert_eq!(
            c.findings[0].message,
            "note 1: the page is titled \u{201c}Cricket board names new captain\u{201d}, \
             not \u{201c}Peace and progress in the region\u{201d} (score 0.00; \
             cited words not on the page: Peace and progress in the region; \
             page words not cited: Cricket board names new captain)"
        );
    }

    #[test]
    fn a_citation_read_once_judges_like_the_reference() {
        let r = reference(NOTE);
        let citation = Citation::of(&r);
        let o = ok("https://www.dawn.com/news/1");
        for html in
            [PAGE, "<title>Cricket board names new captain</title>", "<title>Peace and progress in a region</title>"]
        {
            let page = crate::page::extract(html, Some(&o.final_url));
            let options = JudgeOptions::default();
            let once = judge_cited(&r, &citation, &o.url, &o, Some(&page), &options);
            assert_eq!(once, judge(&r, &o.url, &o, Some(&page), &options), "{html}");
        }
    }

    #[test]
    fn judging_can_move_to_another_thread() {
        fn send_and_sync<T: Send + Sync>() {}
        send_and_sync::<Reference>();
        send_and_sync::<Citation>();
        send_and_sync::<Url>();
        send_and_sync::<FetchOutcome>();
        send_and_sync::<PageMeta>();
        send_and_sync::<JudgeOptions>();
        send_and_sync::<Check>();
    }

    fn pdf_page(title: Option<&str>, date: Option<&str>) -> PageMeta {
        PageMeta {
            titles: title
                .map(|t| crate::page::TitleCandidate { source: crate::page::TitleSource::PdfInfo, text: t.into() })
                .into_iter()
                .collect(),
            date: date.and_then(crate::date::PartialDate::parse_iso),
            kind: crate::page::PageKind::Pdf,
            ..PageMeta::default()
        }
    }

    #[test]
    fn a_pdf_is_judged_by_its_title_and_made_later_is_no_date_slip() {
        let mut o = ok("https://www.dawn.com/report.pdf");
        o.content_type = Some("application/octet-stream".into());
        o.raw = b"%PDF-1.7".to_vec();
        o.body.clear();
        let r = reference(NOTE);
        let judged = |page: &PageMeta| judge(&r, &o.url, &o, Some(page), &JudgeOptions::default());
        // Made a year after the cited date (a later export): no date finding.
        let c = judged(&pdf_page(Some("Peace and progress in the region"), Some("2026-01-05")));
        assert_eq!((c.verdict, c.title_match), (Verdict::Ok, TitleResult::Match));
        assert!(rules(&c).is_empty(), "{:?}", rules(&c));
        // Made before the cited date: the date is wrong.
        let c = judged(&pdf_page(Some("Peace and progress in the region"), Some("2020-01-05")));
        assert_eq!(rules(&c), ["date-differs"]);
        let c = judged(&pdf_page(Some("A different report entirely"), None));
        assert_eq!(c.verdict, Verdict::TitleMismatch);
        // A PDF that could not be read: the link resolves, and the reason is given.
        let unread = PageMeta { unread: Some("the PDF is encrypted".into()), ..pdf_page(None, None) };
        let c = judged(&unread);
        assert_eq!(c.verdict, Verdict::Ok);
        assert_eq!(rules(&c), ["no-page-title"]);
        assert!(c.findings[0].message.contains("the PDF is encrypted"), "{}", c.findings[0].message);
    }
}
