//! Judging a reference by its DOI: the registered metadata is evidence like a page, held against
//! the citation with the same matchers, and findings name it as their source. Pure.
//!
//! How the DOI combines with the page check (see README, "DOIs"):
//!
//! - **A note that cites only a DOI** (`doi:10.…`, `https://doi.org/10.…`): the DOI is looked
//!   up, not the landing page. A 404 from the resolver is `dead` ("not registered"); registered
//!   metadata decides the verdict (`ok`, `title-mismatch`) and its findings, so a publisher page
//!   that blocks robots does not make the reference unverifiable. Only when the agency sends no
//!   metadata (406, HTML, a body that is not CSL JSON) is the landing page judged, as a page.
//! - **A note that cites a URL and a DOI**: the URL is judged as always; the DOI is looked up
//!   too. An unregistered DOI is a `dead-link` finding; a registered title that is not the cited
//!   title (or, when none is cited, not the page's) is a `title-mismatch` finding. When the page
//!   could not be verified (a bot wall), registered metadata decides the verdict instead.

use serde::Serialize;
use url::Url;

use super::csl::DoiMetadata;
use crate::fetch::FetchOutcome;
use crate::finding::{Finding, Rule};
use crate::matching::{CitedTitle, TitleGrade, TitleMatch};
use crate::page::{PageMeta, TitleCandidate, TitleSource};
use crate::reference::Reference;
use crate::verdict::{self, Check, Citation, JudgeOptions, TitleResult, TitleWords, Verdict, short, title_findings};

/// Where the evidence about a DOI came from. Serialised kebab-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetadataSource {
    /// The metadata registered with the DOI, by content negotiation (CSL JSON).
    RegisteredMetadata,
    /// The page the DOI resolves to: its agency sent no metadata.
    LandingPage,
}

impl MetadataSource {
    /// Words for a person.
    pub fn describe(self) -> &'static str {
        match self {
            MetadataSource::RegisteredMetadata => "the DOI's registered metadata",
            MetadataSource::LandingPage => "the DOI's landing page",
        }
    }
}

/// What looking up a reference's DOI found, as reports show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoiCheck {
    /// The DOI, normalised.
    pub doi: String,
    /// The URL it was looked up at (the resolver's, perhaps remapped).
    pub url: String,
    /// The resolver's (or agency's) final status.
    pub status: Option<u16>,
    /// Where the evidence came from; `None` when there was none (not registered, no answer).
    pub source: Option<MetadataSource>,
    /// Whether this evidence decided the verdict (the note cites only the DOI, or its page
    /// could not be verified), rather than adding findings to the check of the cited page.
    pub decides: bool,
    /// The registered metadata, when it came back.
    pub metadata: Option<DoiMetadata>,
    /// Why there is no metadata, for a person.
    pub error: Option<String>,
}

/// What the lookup of one DOI gave.
#[derive(Debug, Clone)]
pub(crate) enum DoiAnswer {
    /// Registered metadata.
    Metadata(FetchOutcome, DoiMetadata),
    /// The resolver itself answered 404 or 410: no such DOI.
    NotRegistered(FetchOutcome),
    /// No answer from the resolver (refused, timed out, excluded by policy).
    Unanswered(FetchOutcome),
    /// No metadata: the landing page is the evidence.
    Landing(Box<Landing>),
}

/// The landing page judged in place of metadata that did not come.
#[derive(Debug, Clone)]
pub(crate) struct Landing {
    /// The content-negotiated answer and why it held no metadata.
    pub(crate) negotiation: FetchOutcome,
    pub(crate) why: String,
    /// The landing page, and its metadata when it is a page.
    pub(crate) landing: FetchOutcome,
    pub(crate) page: Option<PageMeta>,
}

/// A content-negotiated answer without metadata, and why.
pub(crate) type NoMetadata = Box<(FetchOutcome, String)>;

/// The content-negotiated answer read: the DOI's answer, or why there is no metadata (the
/// landing page must be judged instead) with the answer given back.
pub(crate) fn read_answer(outcome: FetchOutcome) -> Result<DoiAnswer, NoMetadata> {
    let at_resolver = outcome.redirects.is_empty();
    if let Some(e) = &outcome.error {
        if at_resolver || outcome.status.is_none() {
            return Ok(DoiAnswer::Unanswered(outcome));
        }
        let why = format!("the metadata could not be fetched: {}", e.message);
        return Err(Box::new((outcome, why)));
    }
    let status = outcome.status.unwrap_or(0);
    if at_resolver && matches!(status, 404 | 410) {
        return Ok(DoiAnswer::NotRegistered(outcome));
    }
    if !(200..300).contains(&status) {
        return Err(Box::new((outcome, format!("the registration agency answered HTTP {status} instead of metadata"))));
    }
    let json = outcome.content_type.as_deref().is_some_and(|c| c.contains("json"));
    if !json {
        let kind = outcome.content_type.as_deref().unwrap_or("a body without a content type");
        let why = format!("the registration agency sent {kind}, not metadata");
        return Err(Box::new((outcome, why)));
    }
    match super::parse_csl(&outcome.body) {
        Ok(meta) => Ok(DoiAnswer::Metadata(outcome, meta)),
        Err(e) => {
            let cut = if outcome.truncated { " (cut short at the size limit)" } else { "" };
            Err(Box::new((outcome, format!("the metadata could not be read{cut}: {e}"))))
        }
    }
}

fn record(doi: &str, looked_up: &Url, answer: &DoiAnswer, decides: bool) -> DoiCheck {
    let (outcome, source, metadata, error) = match answer {
        DoiAnswer::Metadata(o, m) => (o, Some(MetadataSource::RegisteredMetadata), Some(m.clone()), None),
        DoiAnswer::NotRegistered(o) => (o, None, None, Some("not registered".to_owned())),
        DoiAnswer::Unanswered(o) => (o, None, None, o.error.as_ref().map(|e| e.message.clone())),
        DoiAnswer::Landing(l) => (&l.negotiation, Some(MetadataSource::LandingPage), None, Some(l.why.clone())),
    };
    DoiCheck {
        doi: doi.to_owned(),
        url: looked_up.to_string(),
        status: outcome.status,
        source,
        decides,
        metadata,
        error,
    }
}

/// Judges a note that cites only a DOI.
pub(crate) fn judge_doi_only(
    reference: &Reference,
    doi: &str,
    looked_up: &Url,
    answer: &DoiAnswer,
    options: &JudgeOptions,
) -> Check {
    judge_doi_only_cited(reference, &Citation::of(reference), doi, looked_up, answer, options)
}

/// [`judge_doi_only`] with the reference's [`Citation`] already read.
pub(crate) fn judge_doi_only_cited(
    reference: &Reference,
    citation: &Citation,
    doi: &str,
    looked_up: &Url,
    answer: &DoiAnswer,
    options: &JudgeOptions,
) -> Check {
    let label = &reference.label;
    let mut check = match answer {
        DoiAnswer::Metadata(outcome, meta) => {
            let mut c = Check::without_fetch(Verdict::Ok, None);
            c.status = outcome.status;
            c.final_url = Some(outcome.final_url.to_string());
            c.redirects = outcome.redirects.iter().map(|h| h.url.to_string()).collect();
            judge_by_metadata(reference, citation, meta, options, &mut c);
            c
        }
        DoiAnswer::NotRegistered(outcome) => {
            let mut c = Check::without_fetch(Verdict::Dead, Some("DOI not registered".to_owned()));
            c.status = outcome.status;
            c.final_url = Some(outcome.final_url.to_string());
            let status = outcome.status.unwrap_or(404);
            c.findings.push(Finding::new(
                Rule::DeadLink,
                reference.span,
                format!("note {label}: DOI {doi} is not registered (the resolver answered HTTP {status})"),
            ));
            c
        }
        DoiAnswer::Unanswered(outcome) => verdict::judge_cited(reference, citation, looked_up, outcome, None, options),
        DoiAnswer::Landing(l) => {
            let mut c = verdict::judge_cited(reference, citation, &l.landing.url, &l.landing, l.page.as_ref(), options);
            // The DOI is the citation to keep: the landing page's canonical URL, or where the
            // resolver's redirects lead, is no improvement on it.
            c.findings
                .retain(|f| !matches!(f.rule, Rule::CanonicalDiffers | Rule::PermanentRedirect | Rule::HttpsUpgrade));
            c
        }
    };
    if check.fetched_url.is_none() && reference.url.as_deref() != Some(looked_up.as_str()) {
        check.fetched_url = Some(looked_up.to_string());
    }
    check.doi = Some(Box::new(record(doi, looked_up, answer, true)));
    check
}

/// A DOI cited beside a URL: what was looked up, and what the URL's page calls itself.
pub(crate) struct Seen<'a> {
    pub(crate) doi: &'a str,
    pub(crate) looked_up: &'a Url,
    /// The page's best title, when it was read.
    pub(crate) page_title: Option<&'a str>,
}

/// Adds what a note's DOI says to the check of its URL.
pub(crate) fn judge_doi_also(
    reference: &Reference,
    seen: &Seen<'_>,
    answer: &DoiAnswer,
    options: &JudgeOptions,
    check: &mut Check,
) {
    judge_doi_also_cited(reference, &Citation::of(reference), seen, answer, options, check);
}

/// [`judge_doi_also`] with the reference's [`Citation`] already read.
pub(crate) fn judge_doi_also_cited(
    reference: &Reference,
    citation: &Citation,
    seen: &Seen<'_>,
    answer: &DoiAnswer,
    options: &JudgeOptions,
    check: &mut Check,
) {
    let Seen { doi, looked_up, .. } = *seen;
    let label = &reference.label;
    let mut decides = false;
    match answer {
        DoiAnswer::NotRegistered(outcome) => check.findings.push(Finding::new(
            Rule::DeadLink,
            reference.span,
            format!(
                "note {label}: its DOI {doi} is not registered (the resolver answered HTTP {})",
                outcome.status.unwrap_or(404)
            ),
        )),
        DoiAnswer::Metadata(_, meta) if check.verdict == Verdict::Unverifiable => {
            // The page would not let us in; the registered metadata still says what the work is.
            check.verdict = Verdict::Ok;
            check.title_match = TitleResult::None;
            check.title_score = None;
            check.title_diff.clear();
            check.page_title = None;
            decides = true;
            judge_by_metadata(reference, citation, meta, options, check);
        }
        DoiAnswer::Metadata(_, meta) => {
            let registered = meta.title.as_deref().unwrap_or("");
            let page_title = check.page_title.clone().or_else(|| seen.page_title.map(str::to_owned));
            match (reference.title.as_deref(), page_title) {
                (Some(cited), _) => {
                    if let Some(m) = citation.title().and_then(|t| compare(t, meta)) {
                        title_findings(reference, cited, &m, &registered_words(), false, check);
                    }
                }
                (None, Some(page_title))
                    if !registered.is_empty()
                        && compare(&CitedTitle::new(&page_title), meta)
                            .is_some_and(|m| m.grade == TitleGrade::Mismatch) =>
                {
                    check.findings.push(Finding::new(
                            Rule::TitleMismatch,
                            reference.span,
                            format!(
                                "note {label}: the page is titled \u{201c}{}\u{201d}, but its DOI's registered metadata gives \u{201c}{}\u{201d}: the DOI may belong to another work",
                                short(&page_title),
                                short(registered)
                            ),
                        ));
                }
                _ => {}
            }
        }
        DoiAnswer::Unanswered(_) | DoiAnswer::Landing(_) => {}
    }
    check.doi = Some(Box::new(record(doi, looked_up, answer, decides)));
}

/// A title against the registered one.
fn compare(cited: &CitedTitle, meta: &DoiMetadata) -> Option<TitleMatch> {
    let title = meta.title.as_ref()?;
    let candidates = [TitleCandidate { source: TitleSource::CitationTitle, text: title.clone() }];
    cited.compare(&candidates, meta.container.as_deref(), None)
}

/// How title findings name the registered title.
fn registered_words() -> TitleWords {
    TitleWords::in_source(MetadataSource::RegisteredMetadata.describe(), "registered")
}

/// Title, date, publication and authors of the reference against the registered metadata.
fn judge_by_metadata(
    reference: &Reference,
    citation: &Citation,
    meta: &DoiMetadata,
    options: &JudgeOptions,
    check: &mut Check,
) {
    let label = &reference.label;
    let at = reference.span;
    let source = MetadataSource::RegisteredMetadata.describe();
    match (reference.title.as_deref(), citation.title().and_then(|t| compare(t, meta))) {
        (None, _) => check.findings.push(Finding::new(
            Rule::TitleNotCited,
            at,
            format!("note {label} cites no title: only that its DOI is registered was checked"),
        )),
        (Some(_), None) => check.findings.push(Finding::new(
            Rule::NoPageTitle,
            at,
            format!("note {label}: {source} gives no title to compare with the cited one"),
        )),
        (Some(cited), Some(m)) => title_findings(reference, cited, &m, &registered_words(), true, check),
    }
    if let Some(cited) = reference.date
        && let Some(registered) = meta.date
        && !meta.all_dates().any(|d| cited.distance_days(&d).is_some_and(|n| n <= options.date_tolerance_days))
    {
        check.findings.push(Finding::new(
            Rule::DateDiffers,
            at,
            format!("note {label}: cited date {cited}, {source} says {registered}"),
        ));
    }
    if let Some(container) = reference.container.as_deref() {
        let names: Vec<&str> = [meta.container.as_deref(), meta.publisher.as_deref()].into_iter().flatten().collect();
        if !names.is_empty() && !names.iter().any(|n| citation.publication_matches(Some(n), None)) {
            check.findings.push(Finding::new(
                Rule::PublicationDiffers,
                at,
                format!(
                    "note {label}: cited publication \u{201c}{}\u{201d}, {source} says {}",
                    short(container),
                    registered_publication(meta)
                ),
            ));
        }
    }
    for author in citation.authors_not_named(reference, &meta.authors) {
        check.findings.push(Finding::new(
            Rule::AuthorNotFound,
            at,
            format!(
                "note {label}: cited author {} is not among the authors in {source} ({})",
                short(author),
                short(&meta.authors.join(", "))
            ),
        ));
    }
}

/// "“Journal”", "“Publisher”" or "“Journal” (published by “Publisher”)".
fn registered_publication(meta: &DoiMetadata) -> String {
    let quoted = |s: &str| format!("\u{201c}{}\u{201d}", short(s));
    match (meta.container.as_deref(), meta.publisher.as_deref()) {
        (Some(c), Some(p)) => format!("{} (published by {})", quoted(c), quoted(p)),
        (Some(one), None) | (None, Some(one)) => quoted(one),
        (None, None) => "nothing".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::fetch::{FetchError, FetchErrorKind, Hop};

    fn answer(status: u16, content_type: &str, body: &str, redirected: bool) -> FetchOutcome {
        let resolver = Url::parse("https://doi.org/10.5555/x.1").unwrap();
        let mut o = FetchOutcome::new(&resolver);
        o.status = Some(status);
        o.content_type = Some(content_type.to_owned());
        o.body = body.to_owned();
        if redirected {
            o.redirects = vec![Hop { url: resolver, status: 303 }];
            o.final_url = Url::parse("https://agency.example/works/10.5555/x.1").unwrap();
        }
        o
    }

    fn reference(note: &str) -> Reference {
        let text = format!("A claim.¹\n\n¹ {note}\n");
        let doc = crate::document::parse(Path::new("t.txt"), text.as_bytes(), None).expect("parses");
        crate::reference::references(&doc).remove(0)
    }

    const CSL: &str = r#"{"title":"Border trade after the closure","container-title":"Journal of Regional Studies",
        "issued":{"date-parts":[[2023,3,1]]},"author":[{"given":"Sana","family":"Mirza"}],"publisher":"Regional Policy Press"}"#;

    #[test]
    fn answers_are_sorted_into_metadata_not_registered_and_landing_pages() {
        let csl = "application/vnd.citationstyles.csl+json";
        assert!(matches!(read_answer(answer(200, csl, CSL, true)), Ok(DoiAnswer::Metadata(..))));
        assert!(matches!(read_answer(answer(404, "text/html", "", false)), Ok(DoiAnswer::NotRegistered(_))));
        // A 404 from the agency, after the resolver redirected, is no proof the DOI is unknown.
        let agency_404 = read_answer(answer(404, "text/html", "", true)).unwrap_err();
        assert!(agency_404.1.contains("HTTP 404"), "{}", agency_404.1);
        assert!(read_answer(answer(406, "text/html", "", true)).unwrap_err().1.contains("HTTP 406"));
        assert!(read_answer(answer(200, "text/html", "<title>x</title>", true)).unwrap_err().1.contains("text/html"));
        assert!(read_answer(answer(200, csl, "{\"title\": ", true)).unwrap_err().1.contains("could not be read"));
        let mut refused = answer(200, csl, "", false);
        refused.status = None;
        refused.error = Some(FetchError { kind: FetchErrorKind::Connect, message: "refused".into() });
        assert!(matches!(read_answer(refused), Ok(DoiAnswer::Unanswered(_))));
    }

    #[test]
    fn title_findings_name_the_registered_metadata() {
        let url = Url::parse("https://doi.org/10.5555/x.1").unwrap();
        let meta = crate::doi::parse_csl(CSL).unwrap();
        let found = DoiAnswer::Metadata(answer(200, "application/json", CSL, true), meta);
        let options = JudgeOptions::default();
        let slip = reference(
            "Sana Mirza, “Border trade afer the closure”, *Journal of Regional Studies*, March 2023, doi:10.5555/x.1",
        );
        let c = judge_doi_only(&slip, "10.5555/x.1", &url, &found, &options);
        assert_eq!((c.verdict, c.title_match), (Verdict::Ok, TitleResult::Near));
        assert_eq!(
            c.findings[0].message,
            "note 1: the title in the DOI's registered metadata differs by a small slip: \
             cited words not on the page: afer; page words not cited: after \
             (cited \u{201c}Border trade afer the closure\u{201d}, registered \u{201c}Border trade after the closure\u{201d})"
        );
        // Beside a URL, the registered title adds findings and leaves the verdict alone.
        let beside = reference("“Fisheries in the Arabian Sea”, <https://journal.example/a/1>, doi:10.5555/x.1");
        let mut check = Check::without_fetch(Verdict::Ok, None);
        let seen = Seen { doi: "10.5555/x.1", looked_up: &url, page_title: None };
        judge_doi_also(&beside, &seen, &found, &options, &mut check);
        assert_eq!((check.verdict, check.title_match), (Verdict::Ok, TitleResult::None));
        assert_eq!(
            check.findings[0].message,
            "note 1: the DOI's registered metadata gives the title \u{201c}Border trade after the closure\u{201d}, \
             not \u{201c}Fisheries in the Arabian Sea\u{201d} (score 0.20; \
             cited words not on the page: Fisheries in Arabian Sea; page words not cited: Border trade after closure)"
        );
    }

    #[test]
    fn registered_metadata_decides_a_doi_only_note() {
        let url = Url::parse("https://doi.org/10.5555/x.1").unwrap();
        let meta = crate::doi::parse_csl(CSL).unwrap();
        let found = DoiAnswer::Metadata(answer(200, "application/json", CSL, true), meta);
        let options = JudgeOptions::default();
        let ok = reference(
            "Sana Mirza, “Border trade after the closure”, *Journal of Regional Studies*, March 2023, doi:10.5555/x.1",
        );
        let c = judge_doi_only(&ok, "10.5555/x.1", &url, &found, &options);
        assert_eq!((c.verdict, c.title_match), (Verdict::Ok, TitleResult::Match));
        assert!(c.findings.is_empty(), "{:?}", c.findings);
        assert_eq!(
            c.doi.as_ref().map(|d| (d.source, d.decides)),
            Some((Some(MetadataSource::RegisteredMetadata), true))
        );
        let wrong = reference("Omar Haider, “Fisheries in the Arabian Sea”, *Asian Affairs*, 2021, doi:10.5555/x.1");
        let c = judge_doi_only(&wrong, "10.5555/x.1", &url, &found, &options);
        assert_eq!(c.verdict, Verdict::TitleMismatch);
        let rules: Vec<&str> = c.findings.iter().map(|f| f.rule.id()).collect();
        assert_eq!(rules, ["title-mismatch", "date-differs", "publication-differs", "author-not-found"]);
        assert!(c.findings.iter().all(|f| f.message.contains("the DOI's registered metadata")));
        let untitled = reference("doi:10.5555/x.1");
        let c = judge_doi_only(&untitled, "10.5555/x.1", &url, &found, &options);
        assert_eq!(c.findings[0].rule, Rule::TitleNotCited);
    }

    #[test]
    fn an_unregistered_doi_beside_a_url_is_a_dead_link_finding_only() {
        let url = Url::parse("https://doi.org/10.5555/x.1").unwrap();
        let r = reference("“Border trade after the closure”, <https://journal.example/a/1>, doi:10.5555/x.1");
        let mut check = Check::without_fetch(Verdict::Ok, None);
        let seen = Seen { doi: "10.5555/x.1", looked_up: &url, page_title: None };
        judge_doi_also(
            &r,
            &seen,
            &DoiAnswer::NotRegistered(answer(404, "text/html", "", false)),
            &JudgeOptions::default(),
            &mut check,
        );
        assert_eq!(check.verdict, Verdict::Ok);
        assert_eq!(check.findings[0].rule, Rule::DeadLink);
        assert!(check.findings[0].message.contains("its DOI 10.5555/x.1 is not registered"));
        assert_eq!(check.doi.as_ref().map(|d| d.decides), Some(false));
    }
}
