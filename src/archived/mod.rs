//! Archived copies of lost pages: for a reference whose link is dead, a soft 404 or retitled,
//! the copy a web archive kept, and whether its title is the cited one.
//!
//! Everything here is pure: building the lookup URLs ([`wayback`], [`memento`]), reading the
//! archives' JSON, choosing a copy (the latest at or before the note's date, the page the author
//! saw, else the earliest after it), and judging the copy once fetched ([`assess`]). The
//! fetching is the checker's ([`crate::check`]), after every reference has been judged; the
//! verdict never changes: the archived copy is evidence next to it.
//!
//! ```
//! use citecheck::archived::{self, ArchiveService, Lookup, LookupDate, DateBasis, Snapshot};
//! let body = r#"{"archived_snapshots":{"closest":{"available":true,
//!     "url":"http://web.archive.org/web/20250320101200/https://news.test/a",
//!     "timestamp":"20250320101200","status":"200"}}}"#;
//! let snapshot = archived::wayback::parse_availability(body).unwrap().unwrap();
//! let date = LookupDate { date: citecheck::PartialDate::ymd(2025, 3, 24).unwrap(), basis: DateBasis::Accessed };
//! let copy = archived::assess(None, "https://news.test/a", ArchiveService::Wayback, Some(date), &Lookup::Unreadable(snapshot, "HTTP 404".into()));
//! assert_eq!(copy.summary, "archived 2025-03-20 (before the access date), but the copy does not load: HTTP 404");
//! ```

mod capture;
pub mod memento;
pub mod wayback;

use serde::Serialize;
use url::Url;

pub use capture::{Capture, Relation, end_of};

use crate::date::PartialDate;
use crate::error::{Error, Result};
use crate::fetch::FetchOutcome;
use crate::matching::{self, TitleGrade, WordDiff};
use crate::page::PageMeta;
use crate::reference::Reference;
use crate::verdict::{TitleResult, Verdict};

/// Which archive service answers the lookups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArchiveService {
    /// The Internet Archive's Wayback Machine availability API.
    #[default]
    Wayback,
    /// Memento TimeTravel, which searches many web archives at once.
    Memento,
}

impl ArchiveService {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ArchiveService::Wayback => "wayback",
            ArchiveService::Memento => "memento",
        }
    }
}

impl std::fmt::Display for ArchiveService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether and where archived copies are looked up. Off by default: a library caller opts in
/// (the command line turns it on for reports read by people).
///
/// ```
/// use citecheck::archived::{ArchiveService, LookupOptions};
/// let options = LookupOptions::new()
///     .enabled(true)
///     .service(ArchiveService::Memento)
///     .memento_endpoint(url::Url::parse("http://127.0.0.1:8040/api/json").unwrap());
/// assert!(options.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupOptions {
    /// Whether to look up archived copies at all.
    pub enabled: bool,
    /// Which service to ask.
    pub service: ArchiveService,
    /// The Wayback availability API ([`wayback::DEFAULT_ENDPOINT`] by default).
    pub wayback_endpoint: Url,
    /// The TimeTravel JSON API ([`memento::DEFAULT_ENDPOINT`] by default).
    pub memento_endpoint: Url,
    /// Today, for TimeTravel lookups of notes that give no date (the API needs a datetime; the
    /// latest copy by today is asked for). `None`: the system clock's date. Fixing it makes the
    /// lookup URLs, and so replayed runs, reproducible.
    pub today: Option<PartialDate>,
}

impl Default for LookupOptions {
    fn default() -> Self {
        LookupOptions {
            enabled: false,
            service: ArchiveService::Wayback,
            // Constants that parse.
            wayback_endpoint: Url::parse(wayback::DEFAULT_ENDPOINT).expect("a valid URL"),
            memento_endpoint: Url::parse(memento::DEFAULT_ENDPOINT).expect("a valid URL"),
            today: None,
        }
    }
}

impl LookupOptions {
    /// The defaults: off, Wayback, the public endpoints.
    pub fn new() -> LookupOptions {
        LookupOptions::default()
    }

    /// Turns lookups on or off.
    pub fn enabled(mut self, on: bool) -> Self {
        self.enabled = on;
        self
    }

    /// Chooses the service.
    pub fn service(mut self, service: ArchiveService) -> Self {
        self.service = service;
        self
    }

    /// Sets the Wayback availability API's address.
    pub fn wayback_endpoint(mut self, url: Url) -> Self {
        self.wayback_endpoint = url;
        self
    }

    /// Sets the TimeTravel JSON API's address (the part before `/<datetime>/<url>`).
    pub fn memento_endpoint(mut self, url: Url) -> Self {
        self.memento_endpoint = url;
        self
    }

    /// Fixes today's date for undated TimeTravel lookups.
    pub fn today(mut self, today: PartialDate) -> Self {
        self.today = Some(today);
        self
    }

    /// Checks that both endpoints are http(s) URLs with a host.
    pub fn validate(&self) -> Result<()> {
        for (setting, url) in
            [("wayback-endpoint", &self.wayback_endpoint), ("memento-endpoint", &self.memento_endpoint)]
        {
            if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                return Err(Error::Config {
                    setting: setting.to_owned(),
                    message: format!("{url} is not an http(s) URL"),
                });
            }
        }
        Ok(())
    }
}

/// Which of the note's dates a lookup is anchored to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateBasis {
    /// When the author accessed the page: the best anchor.
    Accessed,
    /// The cited publication date.
    Published,
}

/// The date a lookup looks around, and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct LookupDate {
    /// The date, at the precision the note gives it.
    pub date: PartialDate,
    /// Which date it is.
    pub basis: DateBasis,
}

/// The date to look around: the accessed date, else the cited date, else none.
pub fn lookup_date(reference: &Reference) -> Option<LookupDate> {
    match (reference.accessed, reference.date) {
        (Some(date), _) => Some(LookupDate { date, basis: DateBasis::Accessed }),
        (None, Some(date)) => Some(LookupDate { date, basis: DateBasis::Published }),
        (None, None) => None,
    }
}

/// Whether a verdict calls for an archived copy: the page is gone or is no longer the one cited.
pub fn wants_lookup(verdict: Verdict) -> bool {
    matches!(verdict, Verdict::Dead | Verdict::Soft404 | Verdict::TitleMismatch)
}

/// A copy an archive lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// Its address, as the archive gives it (the form a person opens).
    pub url: String,
    /// When it was captured.
    pub captured: Capture,
}

/// What the lookup of one URL found, before it is judged against a reference.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// A copy, fetched: the fetch's outcome and, for an HTML page, its metadata.
    Fetched(Snapshot, Box<FetchOutcome>, Option<Box<PageMeta>>),
    /// A copy that could not be read, and why.
    Unreadable(Snapshot, String),
    /// The archive holds no copy.
    Nothing,
    /// The archive could not be asked, or its answer could not be read.
    Failed(String),
    /// The lookup was not made (the run ended first; a replayed run whose archive lacks it).
    NotLookedUp(String),
}

/// What became of a lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArchiveOutcome {
    /// A copy was found and read.
    Found,
    /// A copy is listed but does not load, or is itself a "not found" page.
    Unusable,
    /// The archive holds no copy.
    None,
    /// The archive could not be asked, or answered with something unreadable.
    Failed,
    /// No lookup was made.
    NotLookedUp,
}

/// The archived copy of a reference's page, as the report shows it next to the verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArchivedCopy {
    /// The service asked.
    pub service: ArchiveService,
    /// What became of the lookup.
    pub outcome: ArchiveOutcome,
    /// One line for people: "archived 2025-03-24 (before the access date), title matches".
    pub summary: String,
    /// The note's date the lookup looked around.
    pub date: Option<PartialDate>,
    /// Which date that is.
    pub date_basis: Option<DateBasis>,
    /// The copy's address, as the archive gives it.
    pub url: Option<String>,
    /// When it was captured (RFC 3339, UTC).
    pub captured: Option<Capture>,
    /// Where the capture falls against the note's date.
    pub relation: Option<Relation>,
    /// The HTTP status of the copy.
    pub status: Option<u16>,
    /// The copy's best title (the one the cited title was graded against).
    pub page_title: Option<String>,
    /// How the cited title compares with the copy's.
    pub title_match: TitleResult,
    /// The similarity score of the best candidate (0–1).
    pub title_score: Option<f64>,
    /// The cited title against the copy's, word by word.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub title_diff: Vec<WordDiff>,
    /// Why the lookup failed or the copy is unusable.
    pub error: Option<String>,
}

impl ArchivedCopy {
    fn empty(service: ArchiveService, outcome: ArchiveOutcome, date: Option<LookupDate>) -> ArchivedCopy {
        ArchivedCopy {
            service,
            outcome,
            summary: String::new(),
            date: date.map(|d| d.date),
            date_basis: date.map(|d| d.basis),
            url: None,
            captured: None,
            relation: None,
            status: None,
            page_title: None,
            title_match: TitleResult::None,
            title_score: None,
            title_diff: Vec::new(),
            error: None,
        }
    }
}

/// Judges what a lookup found for a reference: the copy's date against the note's, its title
/// against the cited one (`cited_title`, with the matching rules of [`crate::matching`]; the
/// site is the cited URL's host, not the archive's), and one line saying so.
pub fn assess(
    cited_title: Option<&str>,
    cited_url: &str,
    service: ArchiveService,
    date: Option<LookupDate>,
    lookup: &Lookup,
) -> ArchivedCopy {
    let mut copy;
    match lookup {
        Lookup::Nothing => {
            copy = ArchivedCopy::empty(service, ArchiveOutcome::None, date);
            copy.summary = "no archived copy".to_owned();
        }
        Lookup::Failed(why) => {
            copy = ArchivedCopy::empty(service, ArchiveOutcome::Failed, date);
            copy.summary = format!("lookup failed: {why}");
            copy.error = Some(why.clone());
        }
        Lookup::NotLookedUp(why) => {
            copy = ArchivedCopy::empty(service, ArchiveOutcome::NotLookedUp, date);
            copy.summary = format!("no archived copy looked up ({why})");
            copy.error = Some(why.clone());
        }
        Lookup::Unreadable(snapshot, why) => {
            copy = listed(service, date, snapshot);
            copy.outcome = ArchiveOutcome::Unusable;
            copy.summary = format!("{}, but the copy does not load: {why}", when(&copy));
            copy.error = Some(why.clone());
        }
        Lookup::Fetched(snapshot, outcome, page) => {
            copy = listed(service, date, snapshot);
            copy.status = outcome.status;
            read_copy(&mut copy, cited_title, cited_url, outcome, page.as_deref());
        }
    }
    copy
}

/// A copy the archive listed, before it is read.
fn listed(service: ArchiveService, date: Option<LookupDate>, snapshot: &Snapshot) -> ArchivedCopy {
    let mut copy = ArchivedCopy::empty(service, ArchiveOutcome::Found, date);
    copy.url = Some(snapshot.url.clone());
    copy.captured = Some(snapshot.captured);
    copy.relation = Some(date.map_or(Relation::Undated, |d| snapshot.captured.relation_to(&d.date)));
    copy
}

fn read_copy(
    copy: &mut ArchivedCopy,
    cited_title: Option<&str>,
    cited_url: &str,
    outcome: &FetchOutcome,
    page: Option<&PageMeta>,
) {
    let unusable = |copy: &mut ArchivedCopy, why: String| {
        copy.outcome = ArchiveOutcome::Unusable;
        copy.summary = format!("{}, but the copy does not load: {why}", when(copy));
        copy.error = Some(why);
    };
    if let Some(e) = &outcome.error {
        return unusable(copy, e.message.clone());
    }
    match outcome.status {
        Some(200..=299) => {}
        Some(s) => return unusable(copy, format!("HTTP {s}")),
        None => return unusable(copy, "no response".to_owned()),
    }
    let Some(page) = page.filter(|_| outcome.is_html()) else {
        let what = outcome.content_type.as_deref().unwrap_or("not a web page");
        copy.summary = format!("{}, the copy is {what}: its title is not read", when(copy));
        return;
    };
    if page.signals.not_found {
        copy.outcome = ArchiveOutcome::Unusable;
        copy.page_title = page.title().map(str::to_owned);
        copy.summary = format!("{}, but the copy is a \u{201c}not found\u{201d} page", when(copy));
        copy.error = Some("the archived page says it is not found".to_owned());
        return;
    }
    copy.page_title = page.title().map(str::to_owned);
    let host = Url::parse(cited_url).ok().and_then(|u| u.host_str().map(|h| h.trim_start_matches("www.").to_owned()));
    let graded =
        cited_title.and_then(|t| matching::compare_titles(t, &page.titles, page.site.as_deref(), host.as_deref()));
    let title = match (&graded, cited_title, copy.page_title.as_deref()) {
        (Some(m), _, _) => {
            copy.page_title = Some(m.page_title.clone());
            copy.title_score = Some(m.score);
            copy.title_match = match m.grade {
                TitleGrade::Match => TitleResult::Match,
                TitleGrade::Near => TitleResult::Near,
                TitleGrade::Mismatch => TitleResult::Mismatch,
            };
            if m.grade != TitleGrade::Match {
                copy.title_diff = m.diff.clone();
            }
            match m.grade {
                TitleGrade::Match => "title matches".to_owned(),
                TitleGrade::Near => format!("title matches but for a slip (\u{201c}{}\u{201d})", short(&m.page_title)),
                TitleGrade::Mismatch => format!("title differs: \u{201c}{}\u{201d}", short(&m.page_title)),
            }
        }
        (None, None, _) => "no title cited to compare".to_owned(),
        (None, Some(_), None) => "the copy has no title".to_owned(),
        (None, Some(_), Some(t)) => format!("title not compared (\u{201c}{}\u{201d})", short(t)),
    };
    copy.summary = format!("{}, {title}", when(copy));
}

/// "archived 2025-03-24 (before the access date)".
fn when(copy: &ArchivedCopy) -> String {
    let Some(captured) = copy.captured else { return "archived".to_owned() };
    let date = captured.date();
    let which = match copy.date_basis {
        Some(DateBasis::Accessed) => "access",
        Some(DateBasis::Published) => "publication",
        None => "",
    };
    let precision = copy.date.map_or("day", |d| match (d.month, d.day) {
        (_, Some(_)) => "day",
        (Some(_), None) => "month",
        (None, _) => "year",
    });
    let relation = match copy.relation.unwrap_or(Relation::Undated) {
        Relation::Before => format!("before the {which} date"),
        Relation::Within if precision == "day" => format!("on the {which} date"),
        Relation::Within => format!("in the {precision} of the {which} date"),
        Relation::After => format!("after the {which} date: no earlier copy"),
        Relation::Undated => "the latest copy; the note gives no date".to_owned(),
    };
    format!("archived {date} ({relation})")
}

fn short(s: &str) -> String {
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
    use super::*;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse_iso(s).unwrap()
    }

    fn snapshot(stamp: &str) -> Snapshot {
        Snapshot {
            url: format!("http://web.archive.org/web/{stamp}/https://news.test/a"),
            captured: Capture::from_wayback(stamp).unwrap(),
        }
    }

    fn fetched(stamp: &str, status: u16, html: &str) -> Lookup {
        let s = snapshot(stamp);
        let url = Url::parse(&s.url).unwrap();
        let mut outcome = FetchOutcome::new(&url);
        outcome.status = Some(status);
        outcome.content_type = Some("text/html".into());
        outcome.body = html.to_owned();
        let page = crate::page::extract(html, Some(&Url::parse("https://news.test/a").unwrap()));
        Lookup::Fetched(s, Box::new(outcome), Some(Box::new(page)))
    }

    const CITED: &str = "Council approves Riverton tram line";

    fn judge(lookup: &Lookup, date: Option<(&str, DateBasis)>) -> ArchivedCopy {
        let date = date.map(|(s, basis)| LookupDate { date: d(s), basis });
        assess(Some(CITED), "https://news.test/a", ArchiveService::Wayback, date, lookup)
    }

    #[test]
    fn the_date_comes_from_access_then_publication() {
        let text = "A claim.[^1]\n\n[^1]: Ann Lee, “A title”, *Ledger*, 3 March 2024, <https://news.test/a>, accessed 24 March 2025.\n";
        let doc = crate::document::parse(std::path::Path::new("a.md"), text.as_bytes(), None).unwrap();
        let mut r = crate::reference::references(&doc).remove(0);
        assert_eq!(lookup_date(&r), Some(LookupDate { date: d("2025-03-24"), basis: DateBasis::Accessed }));
        r.accessed = None;
        assert_eq!(lookup_date(&r), Some(LookupDate { date: d("2024-03-03"), basis: DateBasis::Published }));
        r.date = None;
        assert_eq!(lookup_date(&r), None);
    }

    #[test]
    fn only_lost_pages_are_looked_up() {
        let wanted: Vec<Verdict> = Verdict::ALL.iter().copied().filter(|v| wants_lookup(*v)).collect();
        assert_eq!(wanted, [Verdict::TitleMismatch, Verdict::Dead, Verdict::Soft404]);
    }

    #[test]
    fn a_matching_copy_from_before_the_access_date() {
        let page = "<title>Council approves Riverton tram line | The Ledger</title>";
        let c = judge(&fetched("20250320101200", 200, page), Some(("2025-03-24", DateBasis::Accessed)));
        assert_eq!(c.outcome, ArchiveOutcome::Found);
        assert_eq!(c.summary, "archived 2025-03-20 (before the access date), title matches");
        assert_eq!(c.relation, Some(Relation::Before));
        assert_eq!(c.title_match, TitleResult::Match);
        assert_eq!(c.captured.unwrap().to_string(), "2025-03-20T10:12:00Z");
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["captured"], "2025-03-20T10:12:00Z");
        assert_eq!(json["date"], "2025-03-24");
        assert_eq!(json["date_basis"], "accessed");
        assert_eq!(json["outcome"], "found");
    }

    #[test]
    fn phrases_for_every_relation_and_title() {
        let other = "<title>Mayor resigns over expenses</title>";
        let c = judge(&fetched("20250402000000", 200, other), Some(("2025-03", DateBasis::Published)));
        assert_eq!(
            c.summary,
            "archived 2025-04-02 (after the publication date: no earlier copy), title differs: \u{201c}Mayor resigns over expenses\u{201d}"
        );
        assert_eq!(c.title_match, TitleResult::Mismatch);
        assert!(!c.title_diff.is_empty());
        let c = judge(&fetched("20250302000000", 200, other), Some(("2025-03", DateBasis::Accessed)));
        assert!(c.summary.starts_with("archived 2025-03-02 (in the month of the access date), title differs"));
        let c = judge(&fetched("20250302000000", 200, other), Some(("2025", DateBasis::Accessed)));
        assert!(c.summary.starts_with("archived 2025-03-02 (in the year of the access date)"), "{}", c.summary);
        let near = "<title>Council approves Riverton tramm line</title>";
        let c = judge(&fetched("20250324000000", 200, near), Some(("2025-03-24", DateBasis::Accessed)));
        assert!(
            c.summary.starts_with("archived 2025-03-24 (on the access date), title matches but for a slip"),
            "{}",
            c.summary
        );
        let c = judge(&fetched("20250324000000", 200, "<p>no title</p>"), None);
        assert_eq!(c.summary, "archived 2025-03-24 (the latest copy; the note gives no date), the copy has no title");
        let untitled = assess(None, "https://news.test/a", ArchiveService::Memento, None, &fetched("2025", 200, other));
        assert!(untitled.summary.ends_with("no title cited to compare"), "{}", untitled.summary);
        assert_eq!(untitled.service, ArchiveService::Memento);
    }

    #[test]
    fn copies_that_do_not_serve_the_page() {
        let c =
            judge(&fetched("20250320101200", 404, "<title>Gone</title>"), Some(("2025-03-24", DateBasis::Accessed)));
        assert_eq!(c.outcome, ArchiveOutcome::Unusable);
        assert_eq!(c.summary, "archived 2025-03-20 (before the access date), but the copy does not load: HTTP 404");
        let soft = "<title>Page not found</title><h1>404 - Page not found</h1>";
        let c = judge(&fetched("20250320101200", 200, soft), Some(("2025-03-24", DateBasis::Accessed)));
        assert_eq!(c.outcome, ArchiveOutcome::Unusable, "{}", c.summary);
        assert!(c.summary.ends_with("but the copy is a \u{201c}not found\u{201d} page"));
        let c = judge(&Lookup::Nothing, None);
        assert_eq!((c.outcome, c.summary.as_str()), (ArchiveOutcome::None, "no archived copy"));
        let c = judge(&Lookup::Failed("the archive answered HTTP 503".into()), None);
        assert_eq!(c.summary, "lookup failed: the archive answered HTTP 503");
        let c = judge(&Lookup::NotLookedUp("replay".into()), None);
        assert_eq!(c.summary, "no archived copy looked up (replay)");
        assert_eq!(c.outcome, ArchiveOutcome::NotLookedUp);
    }

    #[test]
    fn endpoints_must_be_web_urls() {
        assert!(LookupOptions::new().validate().is_ok());
        let bad = LookupOptions::new().wayback_endpoint(Url::parse("file:///tmp/x").unwrap());
        assert!(bad.validate().unwrap_err().to_string().contains("wayback-endpoint"));
    }
}
