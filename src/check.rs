//! The checker: the one place with concurrency. It deduplicates cited URLs across every document,
//! fetches them concurrently (politeness per host lives in the fetcher), reads page metadata,
//! judges each reference and puts the results back in document order; then, when asked, looks up
//! an archived copy of every lost page.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use regex::Regex;
use url::Url;

use crate::archived::{self, ArchiveService, Lookup, LookupDate, LookupOptions, Snapshot};
use crate::cache::{Cache, CacheKey, Kept, Lookup as CacheLookup, PageRead, Revalidated};
use crate::date::PartialDate;
use crate::doi::{self, judge::DoiAnswer};
use crate::error::{Error, Result};
use crate::fetch::{FetchOptions, FetchOutcome, FetchRequest, Fetcher};
use crate::finding::{Finding, Rule};
use crate::page::{self, PageMeta};
use crate::report::{DocumentReport, Report};
use crate::verdict::{self, Check, JudgeOptions, Verdict};
use crate::warc::{Capture, Citation, Replay};

/// A URL rewrite applied before fetching: `pattern` → `replacement` (with `$1`-style groups).
#[derive(Debug, Clone)]
pub struct Remap {
    pattern: Regex,
    replacement: String,
}

impl Remap {
    /// A rewrite from a pattern and a replacement.
    pub fn new(pattern: &str, replacement: &str) -> Result<Remap> {
        let pattern = Regex::new(pattern)
            .map_err(|e| Error::Config { setting: "remap".into(), message: format!("{pattern:?}: {e}") })?;
        Ok(Remap { pattern, replacement: replacement.to_owned() })
    }

    /// Parses `"REGEX REPLACEMENT"` (split at the first white space), as `--remap` takes it.
    pub fn parse(spec: &str) -> Result<Remap> {
        let spec = spec.trim();
        let Some((pattern, replacement)) = spec.split_once(char::is_whitespace) else {
            return Err(Error::Config {
                setting: "remap".into(),
                message: format!("{spec:?} should be 'REGEX REPLACEMENT', separated by a space"),
            });
        };
        Remap::new(pattern, replacement.trim())
    }

    fn apply(&self, url: &str) -> Option<String> {
        self.pattern.is_match(url).then(|| self.pattern.replace(url, self.replacement.as_str()).into_owned())
    }
}

/// Everything `check` needs to know, built by the caller (the binary builds it from flags).
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// How each URL is fetched (timeouts, limits, politeness, safety policy).
    pub fetch: FetchOptions,
    /// At most this many fetches at once, across all hosts.
    pub max_concurrency: usize,
    /// The whole run ends by then; references not checked by then are `not-checked`.
    pub deadline: Option<Duration>,
    /// Rewrites applied in order before fetching (the first that matches wins).
    pub remap: Vec<Remap>,
    /// When non-empty, only URLs matching one of these are fetched.
    pub include: Vec<Regex>,
    /// URLs matching any of these are not fetched (`excluded`).
    pub exclude: Vec<Regex>,
    /// Thresholds for judging.
    pub judge: JudgeOptions,
    /// Cited (or remapped) URLs longer than this many bytes are `invalid-url` and not fetched
    /// ([`DEFAULT_MAX_URL_LENGTH`] by default).
    pub max_url_length: usize,
    /// Whether and where archived copies of lost pages are looked up (off by default).
    pub archive: LookupOptions,
    /// Where DOIs are looked up (`https://doi.org` by default; see [`crate::doi`]). `None`: a
    /// cited DOI is fetched as the page its link leads to, and its metadata is not read.
    pub doi_resolver: Option<Url>,
    /// Answer every fetch from this archive instead of the network (no client is built, no
    /// socket is opened); a URL it does not hold is `unverifiable`, "not in archive".
    pub replay: Option<Arc<Replay>>,
    /// The run keeps evidence (an archive is written): every answer must be fetched now, so a
    /// cache may store answers but not give them, and the fetcher keeps each hop's exchange.
    pub evidence: bool,
}

/// The default of [`CheckOptions::max_url_length`]: the 8,000 bytes HTTP recommends every
/// server accept (RFC 9110, section 4.1), rounded up. A longer URL is almost always a pasting
/// accident (two URLs run together, a data dump), and many servers refuse it anyway.
pub const DEFAULT_MAX_URL_LENGTH: usize = 8192;

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            fetch: FetchOptions::default(),
            max_concurrency: 32,
            deadline: Some(Duration::from_secs(300)),
            remap: Vec::new(),
            include: Vec::new(),
            exclude: Vec::new(),
            judge: JudgeOptions::default(),
            max_url_length: DEFAULT_MAX_URL_LENGTH,
            archive: LookupOptions::default(),
            doi_resolver: Url::parse(doi::DEFAULT_RESOLVER).ok(),
            replay: None,
            evidence: false,
        }
    }
}

impl CheckOptions {
    /// Replaces the fetch options.
    pub fn fetch(mut self, fetch: FetchOptions) -> Self {
        self.fetch = fetch;
        self
    }

    /// Sets the global concurrency (at least 1).
    pub fn max_concurrency(mut self, n: usize) -> Self {
        self.max_concurrency = n.max(1);
        self
    }

    /// Sets the deadline for the whole run.
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// Adds a rewrite.
    pub fn remap(mut self, remap: Remap) -> Self {
        self.remap.push(remap);
        self
    }

    /// Adds an include pattern.
    pub fn include(mut self, pattern: Regex) -> Self {
        self.include.push(pattern);
        self
    }

    /// Adds an exclude pattern.
    pub fn exclude(mut self, pattern: Regex) -> Self {
        self.exclude.push(pattern);
        self
    }

    /// Sets the archive lookups.
    pub fn archive(mut self, archive: LookupOptions) -> Self {
        self.archive = archive;
        self
    }

    /// Answers every fetch from an archive, with no network at all.
    pub fn replay(mut self, archive: Arc<Replay>) -> Self {
        self.replay = Some(archive);
        self
    }

    /// Keeps the evidence of every fetch, for [`Checker::run_with_evidence`].
    pub fn evidence(mut self, keep: bool) -> Self {
        self.evidence = keep;
        self
    }

    /// Sets where DOIs are looked up, or turns DOI lookups off with `None`.
    pub fn doi_resolver(mut self, resolver: Option<Url>) -> Self {
        self.doi_resolver = resolver;
        self
    }

    /// Sets the longest URL fetched, in bytes (at least 1).
    pub fn max_url_length(mut self, bytes: usize) -> Self {
        self.max_url_length = bytes.max(1);
        self
    }
}

/// Told as the run goes, for a progress bar. Called from the checker's tasks.
pub trait Progress: Send + Sync {
    /// The number of distinct URLs to fetch is known.
    fn start(&self, _urls: usize) {}
    /// One URL is done.
    fn done(&self, _url: &Url) {}
    /// The archive lookups of lost pages begin, this many of them (after every URL is done).
    fn lookups(&self, _count: usize) {}
    /// One archive lookup is done, for this cited URL.
    fn looked_up(&self, _cited: &str) {}
    /// The run is over.
    fn finish(&self) {}
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Quiet;

impl Progress for Quiet {}

/// A future that ends the run early when it completes (for instance on Ctrl-C).
pub type Interrupt = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Checks every reference of the extracted documents and returns the report.
pub struct Checker {
    source: Source,
    options: CheckOptions,
    cache: Option<Cache>,
    /// The cache key of the first URL looked up: every other key is made from it, without
    /// working out the digest of the fetch settings again.
    first_key: std::sync::OnceLock<CacheKey>,
}

/// Where answers come from.
enum Source {
    Network(Fetcher),
    Replay(Arc<Replay>),
}

/// A note's further URLs: (index among the unique URLs, the URL as cited).
type Extras = Vec<(usize, String)>;

/// A note's DOI looked up: (index among the jobs, the DOI, the URL it is looked up at).
type DoiJob = (usize, String, Url);

/// One piece of network work: a page to fetch, or a DOI to look up.
enum Job {
    Page(Url),
    Doi(Url),
}

impl Job {
    fn url(&self) -> &Url {
        match self {
            Job::Page(u) | Job::Doi(u) => u,
        }
    }
}

/// What a job gave.
enum Answer {
    Page(FetchOutcome, Option<PageMeta>),
    Doi(DoiAnswer),
}

/// Why a cited URL is not fetched.
enum NotFetched {
    /// An exclude or include pattern says so.
    Excluded(String),
    /// After `--remap` it is no http(s) URL.
    Invalid(String),
}

/// What to do with one reference, decided before any fetch.
enum Plan {
    /// Already decided (no URL, invalid, excluded).
    Done(Box<Check>),
    /// Judge from the fetch of unique URL `index`, which is this URL (the URL is dropped once
    /// the job that fetches it is registered, at `usize::MAX` until then).
    Fetch(usize, Option<Url>),
    /// A note citing only a DOI: judge from its lookup.
    Doi(DoiJob),
}

impl Checker {
    /// A checker with its HTTP client built (none when replaying an archive).
    pub fn new(options: CheckOptions) -> Result<Checker> {
        options.archive.validate()?;
        let source = match &options.replay {
            Some(archive) => Source::Replay(Arc::clone(archive)),
            None => Source::Network(Fetcher::new(options.fetch.clone().keep_exchanges(options.evidence))?),
        };
        Ok(Checker { source, options, cache: None, first_key: std::sync::OnceLock::new() })
    }

    /// The same checker answering from `cache` where it can and keeping what it fetches there
    /// (as the cache's [`CacheOptions`](crate::cache::CacheOptions) say). A replaying checker
    /// never asks it; under [`CheckOptions::evidence`] it is only written.
    pub fn with_cache(mut self, cache: Cache) -> Checker {
        self.cache = Some(cache);
        self
    }

    /// Fetches and judges. Results come back in document order whatever order fetches finish
    /// in; a run cut short by the deadline or `interrupt` marks the rest `not-checked`.
    pub async fn run(
        &self,
        documents: Vec<DocumentReport>,
        progress: &dyn Progress,
        interrupt: Option<Interrupt>,
    ) -> Report {
        self.run_inner(documents, progress, interrupt, false).await.0
    }

    /// [`run`](Self::run), also returning what each fetched page answered and the verdicts of
    /// the references citing it, in document order of the unique URLs (for
    /// [`warc::encode_archive`](crate::warc::encode_archive)). Each hop's exchange is there when
    /// the options ask for [`evidence`](CheckOptions::evidence). URLs the run did not reach, DOI
    /// negotiations and archived-copy lookups are left out.
    pub async fn run_with_evidence(
        &self,
        documents: Vec<DocumentReport>,
        progress: &dyn Progress,
        interrupt: Option<Interrupt>,
    ) -> (Report, Vec<Capture>) {
        self.run_inner(documents, progress, interrupt, true).await
    }

    async fn run_inner(
        &self,
        documents: Vec<DocumentReport>,
        progress: &dyn Progress,
        interrupt: Option<Interrupt>,
        keep: bool,
    ) -> (Report, Vec<Capture>) {
        let mut unique: Vec<Job> = Vec::new();
        // The first citation of each job's URL, as cited: the archive files the answer under it.
        let mut first_cited: Vec<String> = Vec::new();
        let mut index: HashMap<(bool, String), usize> = HashMap::new();
        let mut register = |job: Job, cited: &str| -> usize {
            let key = (matches!(job, Job::Doi(_)), job.url().to_string());
            *index.entry(key).or_insert_with(|| {
                unique.push(job);
                if keep {
                    first_cited.push(cited.to_owned());
                }
                unique.len() - 1
            })
        };
        // Per reference: the plan for its first URL, the lookup of a DOI cited beside a URL, and
        // the unique indexes of its other URLs.
        let mut plans: Vec<Vec<(Plan, Option<DoiJob>, Extras)>> = Vec::with_capacity(documents.len());
        for doc in &documents {
            let mut doc_plans = Vec::with_capacity(doc.references.len());
            for r in &doc.references {
                let lookup = self
                    .doi_lookup(&r.reference)
                    .map(|(doi, url)| (register(Job::Doi(url.clone()), url.as_str()), doi, url));
                let (plan, also) = match (self.plan(&r.reference), lookup) {
                    // A note that cites the DOI itself is judged by the DOI, not its landing page.
                    (Plan::Fetch(..), Some(job)) if r.reference.url.as_deref().is_some_and(doi::is_resolver_link) => {
                        (Plan::Doi(job), None)
                    }
                    (Plan::Fetch(_, Some(url)), lookup) => {
                        let i = match r.reference.url.as_deref() {
                            Some(cited) => register(Job::Page(url), cited),
                            None => {
                                let cited = url.to_string();
                                register(Job::Page(url), &cited)
                            }
                        };
                        (Plan::Fetch(i, None), lookup)
                    }
                    (done, _) => (done, None),
                };
                let looked_up = also.as_ref().or(match &plan {
                    Plan::Doi(job) => Some(job),
                    _ => None,
                });
                let mut extras = Vec::new();
                if r.reference.ignored.is_none() {
                    for cited in r.reference.urls.iter().skip(1) {
                        // The DOI's lookup already says whether its resolver link resolves.
                        if looked_up.is_some_and(|(_, d, _)| {
                            doi::is_resolver_link(cited) && doi::normalize(cited).as_deref() == Some(d)
                        }) {
                            continue;
                        }
                        if let Ok(url) = self.target(cited) {
                            extras.push((register(Job::Page(url), cited), cited.clone()));
                        }
                    }
                }
                doc_plans.push((plan, also, extras));
            }
            plans.push(doc_plans);
        }
        drop(index);

        let deadline = self.options.deadline.map(|d| tokio::time::Instant::now() + d);
        let mut stop = Stop { interrupt, fired: false };
        progress.start(unique.len());
        let mut judging = Judging::new(documents, plans, unique.len(), &self.options.judge, keep);
        let results = self.fetch_all(&unique, progress, &mut stop, deadline, &mut judging).await;
        let (mut documents, results, cited_jobs) = judging.finish(results);
        if self.options.archive.enabled {
            self.archived_copies(&mut documents, progress, &mut stop, deadline).await;
        }
        progress.finish();
        for doc in &mut documents {
            for r in &mut doc.references {
                if let (Some(check), Some(page)) = (r.check.as_mut(), r.reference.page) {
                    for f in &mut check.findings {
                        crate::report::mention_page(&mut f.message, page);
                    }
                }
            }
            let checked = doc.references.iter().filter_map(|r| r.check.as_ref());
            let findings: Vec<Finding> = checked.flat_map(|c| c.findings.iter().cloned()).collect();
            doc.findings.extend(findings);
            doc.findings.sort_by_key(|f| (f.span.line, f.span.column, f.rule));
        }
        let captures = if keep { captures(&documents, cited_jobs, results, first_cited) } else { Vec::new() };
        (Report::new(documents), captures)
    }

    /// Looks up an archived copy of every lost page (`dead`, `soft-404`, `title-mismatch`), one
    /// lookup per cited URL and date however many notes cite them, concurrently and within the
    /// run's deadline; then sets each check's `archived` and notes the copy in the finding that
    /// gave the verdict, so that every output format shows it.
    async fn archived_copies(
        &self,
        documents: &mut [DocumentReport],
        progress: &dyn Progress,
        stop: &mut Stop,
        deadline: Option<tokio::time::Instant>,
    ) {
        type Key = (String, Option<PartialDate>);
        let mut keys: Vec<Key> = Vec::new();
        let mut index: HashMap<Key, usize> = HashMap::new();
        // (document, reference, key, the note's date)
        let mut wanted: Vec<(usize, usize, usize, Option<LookupDate>)> = Vec::new();
        for (d, doc) in documents.iter().enumerate() {
            for (i, r) in doc.references.iter().enumerate() {
                let lost = r.check.as_ref().is_some_and(|c| archived::wants_lookup(c.verdict));
                let Some(cited) = r.reference.url.as_deref().filter(|_| lost) else { continue };
                let date = archived::lookup_date(&r.reference);
                let key = (without_fragment(cited), date.map(|d| d.date));
                let k = *index.entry(key.clone()).or_insert_with(|| {
                    keys.push(key);
                    keys.len() - 1
                });
                wanted.push((d, i, k, date));
            }
        }
        if wanted.is_empty() {
            return;
        }
        let ended = stop.fired || deadline.is_some_and(|at| tokio::time::Instant::now() >= at);
        let found: Vec<Option<Lookup>> = if ended {
            keys.iter().map(|_| None).collect()
        } else {
            progress.lookups(keys.len());
            let lookups = futures_util::stream::iter(keys.iter().enumerate())
                .map(|(k, (url, date))| async move {
                    let found = self.look_up(url, date.as_ref()).await;
                    progress.looked_up(url);
                    (k, found)
                })
                .buffer_unordered(self.options.max_concurrency.max(1));
            until_stopped(lookups, keys.len(), stop, deadline, &mut |_, _| ()).await
        };
        let service = self.options.archive.service;
        let unasked = Lookup::NotLookedUp("the run ended first".to_owned());
        for (d, i, k, date) in wanted {
            let r = &mut documents[d].references[i];
            let cited = keys[k].0.as_str();
            let copy = archived::assess(
                r.reference.title.as_deref(),
                cited,
                service,
                date,
                found[k].as_ref().unwrap_or(&unasked),
            );
            if let Some(check) = r.check.as_mut() {
                note_archived(check, &copy);
                check.archived = Some(Box::new(copy));
            }
        }
    }

    /// Asks the archive for a copy of `cited` around `date` and fetches it. Never fails: what
    /// went wrong is in the [`Lookup`].
    async fn look_up(&self, cited: &str, date: Option<&PartialDate>) -> Lookup {
        let options = &self.options.archive;
        let listed = match options.service {
            ArchiveService::Wayback => self.ask_wayback(cited, date).await,
            ArchiveService::Memento => {
                let today = options.today.unwrap_or_else(today);
                let timestamp = archived::end_of(date.unwrap_or(&today));
                match archived::memento::timetravel_url(&options.memento_endpoint, cited, &timestamp) {
                    Err(why) => Err(AskFailure::Failed(why)),
                    Ok(api) => match self.ask(&api).await {
                        Ok(ApiAnswer::NotFound) => Ok(None),
                        Ok(ApiAnswer::Body(body)) => archived::memento::parse_timetravel(&body)
                            .map(|all| archived::memento::choose(&all, date))
                            .map_err(AskFailure::Failed),
                        Err(why) => Err(why),
                    },
                }
            }
        };
        match listed {
            Err(AskFailure::Failed(why)) => Lookup::Failed(why),
            // Replaying an archive that holds no lookup: nothing is known, and nothing is said.
            Err(AskFailure::NotArchived) => Lookup::NotLookedUp("replay".into()),
            Ok(None) => Lookup::Nothing,
            Ok(Some(snapshot)) => self.fetch_snapshot(snapshot).await,
        }
    }

    /// The Wayback copy at or before the note's date, else the first after it; without a date,
    /// the latest.
    async fn ask_wayback(
        &self,
        cited: &str,
        date: Option<&PartialDate>,
    ) -> std::result::Result<Option<Snapshot>, AskFailure> {
        use archived::wayback::{Closest, availability_url, parse_availability};
        let endpoint = &self.options.archive.wayback_endpoint;
        let Some(date) = date else {
            return self.ask_json(&availability_url(endpoint, cited, None), parse_availability).await;
        };
        let timestamp = archived::end_of(date);
        let before = availability_url(endpoint, cited, Some((&timestamp, Closest::Before)));
        // A server that ignores `closest` answers with the closest copy either side: kept.
        if let Some(found) = self.ask_json(&before, parse_availability).await? {
            return Ok(Some(found));
        }
        let after = availability_url(endpoint, cited, Some((&timestamp, Closest::After)));
        self.ask_json(&after, parse_availability).await
    }

    async fn ask_json(
        &self,
        api: &Url,
        parse: fn(&str) -> std::result::Result<Option<Snapshot>, String>,
    ) -> std::result::Result<Option<Snapshot>, AskFailure> {
        match self.ask(api).await? {
            ApiAnswer::NotFound => Err(AskFailure::Failed("the archive answered HTTP 404".to_owned())),
            ApiAnswer::Body(body) => parse(&body).map_err(AskFailure::Failed),
        }
    }

    /// One request to an archive's API, through [`obtain`](Self::obtain) like every fetch.
    async fn ask(&self, api: &Url) -> std::result::Result<ApiAnswer, AskFailure> {
        let (outcome, _) = self.obtain(api, Want::Body, None).await;
        match &outcome.error {
            Some(e) if e.kind == crate::fetch::FetchErrorKind::NotInArchive => return Err(AskFailure::NotArchived),
            Some(e) => return Err(AskFailure::Failed(e.message.clone())),
            None => {}
        }
        match outcome.status {
            Some(404) => return Ok(ApiAnswer::NotFound),
            Some(200..=299) => {}
            Some(s) => return Err(AskFailure::Failed(format!("the archive answered HTTP {s}"))),
            None => return Err(AskFailure::Failed("the archive sent no answer".to_owned())),
        }
        if outcome.truncated {
            let why = format!("the archive's answer is longer than the {} bytes read", outcome.raw.len());
            return Err(AskFailure::Failed(why));
        }
        Ok(ApiAnswer::Body(outcome.body))
    }

    /// Fetches a listed copy in its raw form (no archive banner) and reads its page.
    async fn fetch_snapshot(&self, snapshot: Snapshot) -> Lookup {
        let Ok(shown) = Url::parse(&snapshot.url) else {
            let why = format!("{} is not a URL", snapshot.url);
            return Lookup::Unreadable(snapshot, why);
        };
        let raw = archived::wayback::raw_url(&shown);
        let (outcome, page) = self.obtain(&raw, Want::Page, None).await;
        Lookup::Fetched(snapshot, Box::new(outcome), page.map(Box::new))
    }

    /// Where a cited URL is fetched from (after `--remap`), or why it is not fetched.
    fn target(&self, cited: &str) -> std::result::Result<Url, NotFetched> {
        let limit = self.options.max_url_length;
        if cited.len() > limit {
            return Err(NotFetched::Invalid(too_long("cited URL", cited.len(), limit)));
        }
        let rewritten = self.options.remap.iter().find_map(|r| r.apply(cited));
        let target = rewritten.as_deref().unwrap_or(cited);
        if target.len() > limit {
            return Err(NotFetched::Invalid(too_long("URL after remapping", target.len(), limit)));
        }
        let excluded = self.options.exclude.iter().any(|re| re.is_match(cited) || re.is_match(target))
            || (!self.options.include.is_empty()
                && !self.options.include.iter().any(|re| re.is_match(cited) || re.is_match(target)));
        if excluded {
            return Err(NotFetched::Excluded(format!("{cited} is excluded by configuration and was not fetched")));
        }
        match Url::parse(target) {
            Ok(mut url) if matches!(url.scheme(), "http" | "https") => {
                // The fragment never reaches the server: one fetch serves every #section.
                url.set_fragment(None);
                Ok(url)
            }
            Ok(url) => Err(NotFetched::Invalid(format!(
                "{target}: the {} scheme is not fetched (only http and https)",
                url.scheme()
            ))),
            Err(e) => Err(NotFetched::Invalid(format!("{target}: {e}"))),
        }
    }

    /// The DOI a reference cites and where it is looked up, when DOIs are looked up and the
    /// lookup URL may be fetched.
    fn doi_lookup(&self, reference: &crate::reference::Reference) -> Option<(String, Url)> {
        let resolver = self.options.doi_resolver.as_ref()?;
        if reference.ignored.is_some() {
            return None;
        }
        let doi = doi::normalize(reference.doi.as_deref()?)?;
        let url = self.target(doi::resolver_url(resolver, &doi).as_str()).ok()?;
        Some((doi, url))
    }

    fn plan(&self, reference: &crate::reference::Reference) -> Plan {
        let at = reference.span;
        if let Some(reason) = &reference.ignored {
            let mut c = Check::without_fetch(Verdict::Excluded, Some(reason.clone()));
            c.findings.push(Finding::new(Rule::Excluded, at, format!("note {} is ignored: {reason}", reference.label)));
            return Plan::Done(Box::new(c));
        }
        let Some(cited) = reference.url.as_deref() else {
            // Malformed URLs were already reported by the lint, with their reason.
            return Plan::Done(Box::new(match reference.malformed.first() {
                None => Check::without_fetch(Verdict::NoUrl, None),
                Some((_, why)) => Check::without_fetch(Verdict::InvalidUrl, Some(why.clone())),
            }));
        };
        match self.target(cited) {
            Ok(url) => Plan::Fetch(usize::MAX, Some(url)),
            Err(NotFetched::Excluded(why)) => {
                let mut c = Check::without_fetch(Verdict::Excluded, None);
                c.findings.push(Finding::new(Rule::Excluded, at, format!("note {}: {why}", reference.label)));
                Plan::Done(Box::new(c))
            }
            Err(NotFetched::Invalid(why)) => {
                let mut c = Check::without_fetch(Verdict::InvalidUrl, Some(why.clone()));
                c.findings.push(Finding::new(Rule::MalformedUrl, at, format!("note {}: {why}", reference.label)));
                Plan::Done(Box::new(c))
            }
        }
    }

    /// Where one URL's answer comes from. The one seam between the checker and the network:
    /// whatever answers a URL without a request (a cache, an archive being replayed) or keeps a
    /// copy of the exchange (an evidence archive) goes here, so the rest of the run is the same.
    /// Cited URLs, archive API lookups and archived snapshots all come through it. With
    /// [`Want::Page`] the page's metadata comes with the answer, read off the async workers, or
    /// taken from the cache as this build read it before (then the body is not even read).
    ///
    /// Order: an archive being replayed answers everything (nothing else is asked); else the
    /// cache, else the network. Under [`CheckOptions::evidence`] the cache does not answer.
    /// Recording is not done here but from the results, so that an archive follows document
    /// order, not finish order. Nothing here builds or waits for anything a URL answered without
    /// a request does not need: no host slot, no politeness interval.
    ///
    /// `kept` is what the cache holds for the URL when it was already asked (see
    /// [`kept_pages`](Self::kept_pages)).
    async fn obtain(&self, url: &Url, want: Want, kept: Option<CacheLookup>) -> (FetchOutcome, Option<PageMeta>) {
        let fetcher = match &self.source {
            Source::Replay(archive) => return want.read(archive.answer(url, &self.options.fetch)).await,
            Source::Network(fetcher) => fetcher,
        };
        match &self.cache {
            Some(cache) => self.obtain_cached(cache, fetcher, url, want, kept).await,
            None => want.read(fetcher.fetch(url).await).await,
        }
    }

    /// What the cache holds for every page job, asked all at once before anything is fetched:
    /// one read of the database for the run instead of one (and one hop to a blocking thread)
    /// per URL, which on a warm run is most of what is left to do. One place per job; `None`
    /// where the job asks by itself: DOI lookups, runs without a cache or keeping evidence, and
    /// answers whose page this build has not read yet.
    async fn kept_pages(&self, jobs: &[Job]) -> Vec<Option<CacheLookup>> {
        let mut kept: Vec<Option<CacheLookup>> = jobs.iter().map(|_| None).collect();
        let (Some(cache), Source::Network(fetcher)) = (&self.cache, &self.source) else { return kept };
        if self.options.evidence {
            return kept;
        }
        let mut places = Vec::new();
        let mut wanted: Vec<(Url, CacheKey)> = Vec::new();
        for (i, job) in jobs.iter().enumerate() {
            if let Job::Page(url) = job {
                places.push(i);
                wanted.push((url.clone(), self.cache_key(fetcher, url)));
            }
        }
        if wanted.is_empty() {
            return kept;
        }
        let cache = cache.clone();
        let found = off_thread(move || cache.lookup_pages(&wanted, SystemTime::now())).await.unwrap_or_default();
        for (i, lookup) in places.into_iter().zip(found) {
            kept[i] = lookup;
        }
        kept
    }

    /// [`obtain`](Self::obtain) with per-request headers (content negotiation), never cached.
    async fn obtain_with(&self, url: &Url, request: &FetchRequest) -> FetchOutcome {
        match &self.source {
            Source::Replay(archive) => archive.answer(url, &self.options.fetch),
            Source::Network(fetcher) => fetcher.fetch_with(url, request).await,
        }
    }

    /// The cache key of `url` under the fetcher's settings.
    fn cache_key(&self, fetcher: &Fetcher, url: &Url) -> CacheKey {
        self.first_key.get_or_init(|| CacheKey::new(url, fetcher.options())).for_url(url)
    }

    /// A kept answer within its time-to-live; else a conditional GET when the kept one has
    /// validators (a 304 confirms it); else a fetch. What may be kept is kept, with the page's
    /// metadata when it was read. A kept page this build has not read yet (kept by another
    /// version, or without its page) is read from the kept bytes and its metadata kept. SQLite
    /// blocks, so every cache call runs off the async workers; a cache that fails is only a
    /// warning. Evidence is never taken from the cache: each hop must be seen now.
    async fn obtain_cached(
        &self,
        cache: &Cache,
        fetcher: &Fetcher,
        url: &Url,
        want: Want,
        kept: Option<CacheLookup>,
    ) -> (FetchOutcome, Option<PageMeta>) {
        let key = self.cache_key(fetcher, url);
        let lookup = if self.options.evidence {
            None
        } else if kept.is_some() {
            kept
        } else {
            let (cache, url, key) = (cache.clone(), url.clone(), key.clone());
            off_thread(move || {
                let now = SystemTime::now();
                match want {
                    Want::Body => cache.lookup(&url, &key, now),
                    Want::Page => cache.lookup_page(&url, &key, now),
                }
            })
            .await
        };
        let fetched = match lookup.unwrap_or(CacheLookup::Miss) {
            CacheLookup::Fresh(kept) => {
                let Kept { outcome, page, fetched_at } = *kept;
                return match page {
                    PageRead::Read(page) => (outcome, page),
                    PageRead::Unread => want.read_kept(cache, key, fetched_at, outcome).await,
                };
            }
            CacheLookup::Stale(stale) => {
                let kept_page = stale.page().clone();
                let fresh = fetcher.fetch_with(url, stale.request()).await;
                match stale.revalidated(fresh) {
                    Revalidated::NotModified(outcome) => {
                        let now = SystemTime::now();
                        let (c, k, kept) = (cache.clone(), key.clone(), outcome.clone());
                        off_thread(move || c.confirm(&k, &kept, now)).await;
                        return match kept_page {
                            PageRead::Read(page) => (*outcome, page),
                            PageRead::Unread => want.read_kept(cache, key, now, *outcome).await,
                        };
                    }
                    Revalidated::Changed(outcome) => *outcome,
                    Revalidated::Refetch => fetcher.fetch(url).await,
                }
            }
            CacheLookup::Miss => fetcher.fetch(url).await,
        };
        if !(crate::cache::is_cacheable(&fetched) && cache.options().current_mode().writes()) {
            return want.read(fetched).await;
        }
        let cache = cache.clone();
        match want {
            Want::Body => {
                let kept = fetched.clone();
                off_thread(move || cache.store(&key, &kept, SystemTime::now())).await;
                (fetched, None)
            }
            Want::Page => {
                let keep: Keep = Box::new(move |outcome, page| {
                    cache.store_page(&key, outcome, page, SystemTime::now());
                });
                read_in_background(fetched, Some(keep)).await
            }
        }
    }

    /// Looks a DOI up by content negotiation; when its agency sends no metadata, the landing page
    /// is fetched (or is the answer already) and read.
    async fn lookup_doi(&self, url: &Url) -> DoiAnswer {
        let negotiate = FetchRequest::new()
            .header("Accept", doi::CSL_JSON)
            .unwrap_or_default()
            .max_other_bytes(self.options.fetch.max_body_bytes);
        // Content-negotiated answers are asked for afresh: the cache keeps plain GETs, keyed by URL.
        let outcome = self.obtain_with(url, &negotiate).await;
        let read = tokio::task::spawn_blocking(move || doi::judge::read_answer(outcome)).await;
        let (negotiation, why) = match read {
            Ok(Ok(answer)) => return answer,
            Ok(Err(no_metadata)) => *no_metadata,
            Err(_) => (FetchOutcome::new(url), "the metadata could not be read".to_owned()),
        };
        let (landing, page) = if negotiation.is_success() && negotiation.is_html() {
            read_in_background(negotiation.clone(), None).await
        } else {
            self.obtain(url, Want::Page, None).await
        };
        DoiAnswer::Landing(Box::new(doi::judge::Landing { negotiation, why, landing, page }))
    }

    async fn fetch_all(
        &self,
        jobs: &[Job],
        progress: &dyn Progress,
        stop: &mut Stop,
        deadline: Option<tokio::time::Instant>,
        judging: &mut Judging<'_>,
    ) -> Vec<Option<Answer>> {
        let kept = self.kept_pages(jobs).await;
        let stream = futures_util::stream::iter(jobs.iter().zip(kept).enumerate())
            .map(|(i, (job, kept))| async move {
                let answer = match job {
                    Job::Page(url) => {
                        let (mut outcome, page) = self.obtain(url, Want::Page, kept).await;
                        if !self.options.evidence {
                            outcome.drop_body();
                        }
                        Answer::Page(outcome, page)
                    }
                    Job::Doi(url) => Answer::Doi(self.lookup_doi(url).await),
                };
                progress.done(job.url());
                (i, answer)
            })
            .buffer_unordered(self.options.max_concurrency.max(1));
        until_stopped(stream, jobs.len(), stop, deadline, &mut |i, results| judging.arrived(i, results)).await
    }
}

/// A reference's plan: for its first URL, the DOI looked up beside it, its further URLs.
type RefPlan = (Plan, Option<DoiJob>, Extras);

/// A reference's jobs, for the evidence archive: its first URL's job, its further URLs' jobs.
type RefJobs = (Option<usize>, Vec<usize>);

/// References judged together: enough for [`crate::parallel::map`] to share them between two cores,
/// few enough that the fetches waiting on this task are not held up (about a millisecond).
const JUDGE_BATCH: usize = 2 * MIN_ITEMS_PER_THREAD;

/// Judging as the answers arrive. A reference is judged once every answer it needs is in, and an
/// answer is dropped once every reference needing it is judged (unless the evidence archive
/// keeps it). Holding every answer until the last fetch was a fifth of a 10 000-reference run's
/// memory, and judging them all after it a serial tail. References ready together are judged in
/// batches shared between the cores, each put back in its own place, so the report is the same
/// whatever order the answers came in.
struct Judging<'a> {
    judge: &'a JudgeOptions,
    /// Whether answers are kept for the evidence archive.
    keep: bool,
    documents: Vec<DocumentReport>,
    /// Every document's references, in document order, taken out of `documents` while judged.
    refs: Vec<crate::report::ReferenceReport>,
    /// How many of `refs` are each document's.
    counts: Vec<usize>,
    /// Per reference: its plan, until it is judged.
    plans: Vec<Option<RefPlan>>,
    /// Per reference: answers it still waits for.
    waiting: Vec<u32>,
    /// Per job: the references that need its answer, one entry per need.
    users: Vec<Vec<usize>>,
    /// Per job: needs not yet judged.
    left: Vec<usize>,
    /// References whose answers are all in, not yet judged.
    ready: Vec<usize>,
    /// Per reference: the jobs it was judged from.
    jobs: Vec<RefJobs>,
}

impl<'a> Judging<'a> {
    fn new(
        mut documents: Vec<DocumentReport>,
        plans: Vec<Vec<RefPlan>>,
        jobs: usize,
        judge: &'a JudgeOptions,
        keep: bool,
    ) -> Judging<'a> {
        let counts = documents.iter().map(|d| d.references.len()).collect();
        let refs: Vec<_> = documents.iter_mut().flat_map(|d| std::mem::take(&mut d.references)).collect();
        let plans: Vec<Option<RefPlan>> = plans.into_iter().flatten().map(Some).collect();
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); jobs];
        let mut waiting = vec![0; plans.len()];
        let mut ready = Vec::new();
        for (r, plan) in plans.iter().enumerate() {
            let Some(plan) = plan else { continue };
            for j in needs(plan) {
                if let Some(users) = users.get_mut(j) {
                    users.push(r);
                    waiting[r] += 1;
                }
            }
            if waiting[r] == 0 {
                ready.push(r);
            }
        }
        let left = users.iter().map(Vec::len).collect();
        let jobs = vec![(None, Vec::new()); plans.len()];
        Judging { judge, keep, documents, refs, counts, plans, waiting, users, left, ready, jobs }
    }

    /// Job `i`'s answer is in `results[i]`.
    fn arrived(&mut self, i: usize, results: &mut [Option<Answer>]) {
        for r in self.users.get_mut(i).map(std::mem::take).unwrap_or_default() {
            self.waiting[r] -= 1;
            if self.waiting[r] == 0 {
                self.ready.push(r);
            }
        }
        if self.ready.len() >= JUDGE_BATCH {
            self.judge_ready(results);
        }
    }

    fn judge_ready(&mut self, results: &mut [Option<Answer>]) {
        let mut ready = std::mem::take(&mut self.ready);
        ready.sort_unstable();
        let items: Vec<_> =
            ready.iter().filter_map(|&r| self.plans[r].take().map(|plan| (r, &self.refs[r].reference, plan))).collect();
        // The answers these references need, to let go of those no other reference waits for.
        let needed: Vec<usize> =
            if self.keep { Vec::new() } else { items.iter().flat_map(|(_, _, plan)| needs(plan)).collect() };
        let judge = self.judge;
        let answers: &[Option<Answer>] = results;
        let judged = crate::parallel::map(items, MIN_ITEMS_PER_THREAD, |(r, reference, plan)| {
            (r, judge_one(reference, plan, answers, judge))
        });
        for (r, (check, jobs)) in judged {
            self.refs[r].check = Some(check);
            self.jobs[r] = jobs;
        }
        for j in needed {
            self.left[j] -= 1;
            if self.left[j] == 0 {
                results[j] = None;
            }
        }
    }

    /// Judges what is left (references whose answers the deadline or an interrupt cut off are
    /// judged from what came) and gives the documents back with their checks, the answers still
    /// held, and each document's references' jobs.
    fn finish(
        mut self,
        mut results: Vec<Option<Answer>>,
    ) -> (Vec<DocumentReport>, Vec<Option<Answer>>, Vec<Vec<RefJobs>>) {
        self.ready.extend((0..self.plans.len()).filter(|&r| self.plans[r].is_some()));
        self.judge_ready(&mut results);
        let mut refs = self.refs.into_iter();
        let mut jobs = self.jobs.into_iter();
        let mut cited_jobs = Vec::with_capacity(self.documents.len());
        for (doc, n) in self.documents.iter_mut().zip(self.counts) {
            doc.references = refs.by_ref().take(n).collect();
            cited_jobs.push(jobs.by_ref().take(n).collect());
        }
        (self.documents, results, cited_jobs)
    }
}

/// The jobs whose answers a reference's plan needs, one entry per need.
fn needs((plan, also, extras): &RefPlan) -> impl Iterator<Item = usize> + '_ {
    let first = match plan {
        Plan::Fetch(i, _) | Plan::Doi((i, _, _)) => Some(*i),
        Plan::Done(_) => None,
    };
    first.into_iter().chain(also.iter().map(|(i, _, _)| *i)).chain(extras.iter().map(|(i, _)| *i))
}

/// Judges one reference from the answers: its check, and the jobs it was judged from.
fn judge_one(
    reference: &crate::reference::Reference,
    (plan, also, extras): RefPlan,
    results: &[Option<Answer>],
    judge: &JudgeOptions,
) -> (Check, RefJobs) {
    let primary = match &plan {
        Plan::Fetch(i, _) if matches!(results[*i], Some(Answer::Page(..))) => Some(*i),
        _ => None,
    };
    let mut further = Vec::new();
    // The page's own title, for a DOI cited beside its URL when no title is cited.
    let page_title = match &plan {
        Plan::Fetch(i, _) => match &results[*i] {
            Some(Answer::Page(_, Some(page))) => page.titles.first().map(|t| t.text.clone()),
            _ => None,
        },
        _ => None,
    };
    let mut check = match plan {
        Plan::Done(check) => *check,
        // Judged against the URL the answer came from: the one fetched, or the one an archive
        // says was fetched.
        Plan::Fetch(i, _) => match &results[i] {
            Some(Answer::Page(outcome, page)) => verdict::judge(reference, &outcome.url, outcome, page.as_ref(), judge),
            _ => not_checked(reference),
        },
        Plan::Doi((i, doi, url)) => match &results[i] {
            Some(Answer::Doi(answer)) => doi::judge::judge_doi_only(reference, &doi, &url, answer, judge),
            _ => not_checked(reference),
        },
    };
    if let Some((i, doi, url)) = also
        && let Some(Answer::Doi(answer)) = &results[i]
    {
        let seen = doi::judge::Seen { doi: &doi, looked_up: &url, page_title: page_title.as_deref() };
        doi::judge::judge_doi_also(reference, &seen, answer, judge, &mut check);
    }
    for (i, cited) in extras {
        if let Some(Answer::Page(outcome, _)) = &results[i] {
            verdict::judge_other_url(reference, &cited, outcome, &mut check);
            further.push(i);
        }
    }
    (check, (primary, further))
}

/// Fewest items worth a thread of their own: below this, starting a thread costs more than it
/// saves.
const MIN_ITEMS_PER_THREAD: usize = 32;

/// What the evidence archive keeps: every page job that was answered, with the checks of the
/// references citing it (taken after archived-copy lookups, so they are the report's).
fn captures(
    documents: &[DocumentReport],
    cited_jobs: Vec<Vec<(Option<usize>, Vec<usize>)>>,
    results: Vec<Option<Answer>>,
    first_cited: Vec<String>,
) -> Vec<Capture> {
    let mut citations: Vec<Vec<Citation>> = (0..results.len()).map(|_| Vec::new()).collect();
    for (doc, jobs) in documents.iter().zip(cited_jobs) {
        for (r, (primary, further)) in doc.references.iter().zip(jobs) {
            let Some(check) = &r.check else { continue };
            let cite = |primary: bool, check: serde_json::Value| Citation {
                document: doc.path.clone(),
                label: r.reference.label.clone(),
                line: r.reference.span.line,
                column: r.reference.span.column,
                primary,
                check,
            };
            if let Some(i) = primary {
                citations[i].push(cite(true, serde_json::to_value(check).unwrap_or_default()));
            }
            // judge_other_url added one status per further URL, in the same order.
            for (i, status) in further.into_iter().zip(&check.other_urls) {
                citations[i].push(cite(false, serde_json::to_value(status).unwrap_or_default()));
            }
        }
    }
    results
        .into_iter()
        .zip(first_cited)
        .zip(citations)
        .filter_map(|((result, cited), citations)| match result {
            Some(Answer::Page(outcome, _)) => Some(Capture { cited, outcome, citations }),
            _ => None,
        })
        .collect()
}

/// What ends a run early: the caller's interrupt (Ctrl-C), remembered once it has fired so that
/// a later phase does not start.
struct Stop {
    interrupt: Option<Interrupt>,
    fired: bool,
}

impl Stop {
    async fn wait(&mut self) {
        match self.interrupt.as_mut() {
            Some(fut) => {
                fut.await;
                self.interrupt = None;
                self.fired = true;
            }
            None => std::future::pending().await,
        }
    }
}

/// Collects a stream's `(index, value)` results into their places until it ends, the deadline
/// passes or the run is interrupted; what did not arrive stays `None`. `arrived` is told of each
/// value once it is in its place (and may take it out again).
async fn until_stopped<T>(
    stream: impl futures_util::Stream<Item = (usize, T)>,
    len: usize,
    stop: &mut Stop,
    deadline: Option<tokio::time::Instant>,
    arrived: &mut dyn FnMut(usize, &mut [Option<T>]),
) -> Vec<Option<T>> {
    let mut results: Vec<Option<T>> = (0..len).map(|_| None).collect();
    if stop.fired {
        return results;
    }
    let sleep = async {
        match deadline {
            Some(at) => tokio::time::sleep_until(at).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(sleep);
    tokio::pin!(stream);
    loop {
        tokio::select! {
            biased;
            () = stop.wait() => break,
            () = &mut sleep => break,
            next = stream.next() => match next {
                Some((i, value)) => {
                    if let Some(slot) = results.get_mut(i) {
                        *slot = Some(value);
                        arrived(i, &mut results);
                    }
                }
                None => break,
            },
        }
    }
    results
}

/// Why an archive API gave no list of copies.
enum AskFailure {
    /// The request failed or the answer could not be read.
    Failed(String),
    /// Replaying an archive that did not record this lookup.
    NotArchived,
}

/// An archive API's answer: a body to parse, or a 404 (TimeTravel's "no copy").
enum ApiAnswer {
    Body(String),
    NotFound,
}

/// Today's date by the system clock.
fn today() -> PartialDate {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let iso = crate::date::rfc3339(i64::try_from(secs).unwrap_or(0));
    PartialDate::parse_iso(&iso[..10]).unwrap_or(PartialDate { year: 2000, month: None, day: None })
}

/// A cited URL as archives index it: without its `#fragment`.
fn without_fragment(cited: &str) -> String {
    match Url::parse(cited) {
        Ok(mut url) => {
            url.set_fragment(None);
            url.to_string()
        }
        Err(_) => cited.split('#').next().unwrap_or(cited).to_owned(),
    }
}

/// Adds the archived copy to the finding that gave the verdict, for the formats that show only
/// findings (SARIF, JUnit, GitHub): "…; Wayback Machine: archived 2025-03-20 (…), title
/// matches: `http://web.archive.org/web/…`".
fn note_archived(check: &mut Check, copy: &archived::ArchivedCopy) {
    // A lookup not made (replay, the run's end) says nothing about the citation: no noise.
    if copy.outcome == archived::ArchiveOutcome::NotLookedUp {
        return;
    }
    let rule = match check.verdict {
        Verdict::Dead => Rule::DeadLink,
        Verdict::Soft404 => Rule::Soft404,
        Verdict::TitleMismatch => Rule::TitleMismatch,
        _ => return,
    };
    let service = match copy.service {
        ArchiveService::Wayback => "Wayback Machine",
        ArchiveService::Memento => "Memento TimeTravel",
    };
    if let Some(f) = check.findings.iter_mut().find(|f| f.rule == rule) {
        let at = copy.url.as_deref().map(|u| format!(": {u}")).unwrap_or_default();
        f.message = format!("{}; {service}: {}{at}", f.message, copy.summary);
    }
}

/// Runs blocking work (SQLite) on the blocking pool; `None` if it could not finish (a panic, a
/// runtime shutting down).
async fn off_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    tokio::task::spawn_blocking(work).await.ok()
}

/// Why a URL over the length limit is not fetched: nothing before the check looks at lengths.
fn too_long(what: &str, len: usize, limit: usize) -> String {
    format!("the {what} is {len} bytes long, over the limit of {limit} bytes; it was not fetched")
}

fn not_checked(reference: &crate::reference::Reference) -> Check {
    let mut c = Check::without_fetch(Verdict::NotChecked, Some("the run ended first".into()));
    c.findings.push(Finding::new(
        Rule::NotChecked,
        reference.span,
        format!("note {}: not checked: the run ended before its URL was fetched", reference.label),
    ));
    c
}

/// Pages read at once: about one per core. Reading is CPU work, so more readers only add
/// threads; each blocking thread also got an allocator arena of its own, and at 10 000 references
/// with 64 fetches under way those arenas were a fifth of the run's memory (170 -> 138 MB).
fn readers() -> &'static tokio::sync::Semaphore {
    static READERS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    READERS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        tokio::sync::Semaphore::new(cores.clamp(2, 8))
    })
}

/// What a caller of [`Checker::obtain`] needs of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// The answer with its body (an archive API's answer is parsed from it).
    Body,
    /// The page's metadata with the answer. The body may then be gone: a cache that holds this
    /// build's metadata never reads it.
    Page,
}

impl Want {
    /// A new answer, with its page read when it is wanted.
    async fn read(self, outcome: FetchOutcome) -> (FetchOutcome, Option<PageMeta>) {
        match self {
            Want::Body => (outcome, None),
            Want::Page => read_in_background(outcome, None).await,
        }
    }

    /// A kept answer whose page this build has not read: read it from the kept body and keep
    /// the metadata with the answer kept under `key` at `fetched_at`.
    async fn read_kept(
        self,
        cache: &Cache,
        key: CacheKey,
        fetched_at: SystemTime,
        outcome: FetchOutcome,
    ) -> (FetchOutcome, Option<PageMeta>) {
        if self == Want::Body || !cache.options().current_mode().writes() {
            return self.read(outcome).await;
        }
        let cache = cache.clone();
        let keep: Keep = Box::new(move |_, page| {
            cache.remember_page(&key, fetched_at, page);
        });
        read_in_background(outcome, Some(keep)).await
    }
}

/// What is done with a page once it is read, on the same blocking thread (keeping it in the
/// cache).
type Keep = Box<dyn FnOnce(&FetchOutcome, &Option<PageMeta>) + Send>;

/// Reads a page's metadata off the async workers (parsing is CPU work: it must never stall the
/// other fetches or the deadline), then runs `keep` on the answer and its page there too.
async fn read_in_background(outcome: FetchOutcome, keep: Option<Keep>) -> (FetchOutcome, Option<PageMeta>) {
    let url = outcome.url.clone();
    // The semaphore is never closed, so acquiring fails only if it were; then read unthrottled.
    let _reader = readers().acquire().await.ok();
    match tokio::task::spawn_blocking(move || {
        let page = read_page(&outcome);
        if let Some(keep) = keep {
            keep(&outcome, &page);
        }
        (outcome, page)
    })
    .await
    {
        Ok(done) => done,
        Err(_) => {
            let mut failed = FetchOutcome::new(&url);
            failed.error = Some(crate::fetch::FetchError {
                kind: crate::fetch::FetchErrorKind::Body,
                message: "the page could not be read".into(),
            });
            (failed, None)
        }
    }
}

/// Page metadata, when the fetch gave an HTML page or a PDF.
fn read_page(outcome: &FetchOutcome) -> Option<PageMeta> {
    if outcome.error.is_some() {
        return None;
    }
    if outcome.is_pdf() {
        return Some(page::extract_pdf(&outcome.raw, outcome.truncated));
    }
    if outcome.body.is_empty() {
        return None;
    }
    outcome.is_html().then(|| page::extract(&outcome.body, Some(&outcome.final_url)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remap_rewrites_with_groups() {
        let r = Remap::parse(r"^https://([^/]+)/(.*)$ http://127.0.0.1:8080/$1/$2").unwrap();
        assert_eq!(
            r.apply("https://www.dawn.com/news/1").as_deref(),
            Some("http://127.0.0.1:8080/www.dawn.com/news/1")
        );
        assert_eq!(r.apply("ftp://x"), None);
        assert!(Remap::parse("no-space").is_err());
        assert!(Remap::parse("( x").is_err());
    }

    fn reference(url: &str) -> crate::reference::Reference {
        let text = format!("A claim.[^1]\n\n[^1]: <{url}>\n");
        let doc = crate::document::parse(std::path::Path::new("a.md"), text.as_bytes(), None).unwrap();
        crate::reference::references(&doc).remove(0)
    }

    #[test]
    fn urls_over_the_length_limit_are_invalid_and_not_fetched() {
        let checker = Checker::new(CheckOptions::default().max_url_length(40)).unwrap();
        let long = format!("https://news.test/{}", "a".repeat(40));
        let Plan::Done(check) = checker.plan(&reference(&long)) else { panic!("a long URL must not be fetched") };
        assert_eq!(check.verdict, Verdict::InvalidUrl);
        let message = check.error.as_deref().unwrap();
        assert!(message.contains("58 bytes long, over the limit of 40 bytes"), "{message}");
        assert_eq!(check.findings[0].rule, Rule::MalformedUrl);
        assert!(matches!(checker.plan(&reference("https://news.test/a")), Plan::Fetch(..)));
        // A remap that makes the URL too long is caught as well.
        let remapped = CheckOptions::default()
            .max_url_length(40)
            .remap(Remap::parse(r"^(.*)$ $1/and/then/some/more/path").unwrap());
        let checker = Checker::new(remapped).unwrap();
        let Plan::Done(check) = checker.plan(&reference("https://news.test/abc")) else {
            panic!("too long once remapped")
        };
        assert!(check.error.as_deref().unwrap().contains("after remapping"));
    }

    /// Three references: the first two share job 0, the third needs job 1; documents of 2 and 1.
    fn judging_setup(judge: &JudgeOptions, keep: bool) -> Judging<'_> {
        let report = |refs: Vec<crate::reference::Reference>| DocumentReport {
            references: refs
                .into_iter()
                .map(|reference| crate::report::ReferenceReport { reference, check: None })
                .collect(),
            path: "a.md".to_owned(),
            format: crate::document::Format::Markdown,
            findings: Vec::new(),
        };
        let documents = vec![
            report(vec![reference("https://a.test/1"), reference("https://a.test/1")]),
            report(vec![reference("https://b.test/2")]),
        ];
        let fetch = |i| (Plan::Fetch(i, None), None, Vec::new());
        Judging::new(documents, vec![vec![fetch(0), fetch(0)], vec![fetch(1)]], 2, judge, keep)
    }

    fn page(url: &str) -> Option<Answer> {
        let mut outcome = FetchOutcome::new(&Url::parse(url).unwrap());
        outcome.status = Some(404);
        Some(Answer::Page(outcome, None))
    }

    #[test]
    fn answers_are_judged_as_they_come_and_let_go_once_every_citing_reference_is_judged() {
        let judge = JudgeOptions::default();
        let mut judging = judging_setup(&judge, false);
        let mut results = vec![None, page("https://b.test/2")];
        judging.arrived(1, &mut results);
        assert_eq!(judging.ready, vec![2], "the third reference waits for nothing more");
        results[0] = page("https://a.test/1");
        judging.arrived(0, &mut results);
        let (documents, results, jobs) = judging.finish(results);
        assert!(results.iter().all(Option::is_none), "no answer outlives its references");
        let verdicts: Vec<Vec<Verdict>> = documents
            .iter()
            .map(|d| d.references.iter().map(|r| r.check.as_ref().unwrap().verdict).collect())
            .collect();
        assert_eq!(verdicts, vec![vec![Verdict::Dead, Verdict::Dead], vec![Verdict::Dead]]);
        assert_eq!(jobs, vec![vec![(Some(0), vec![]), (Some(0), vec![])], vec![(Some(1), vec![])]]);
    }

    #[test]
    fn answers_stay_for_the_archive_and_a_run_cut_short_judges_what_came() {
        let judge = JudgeOptions::default();
        let mut judging = judging_setup(&judge, true);
        let mut results = vec![page("https://a.test/1"), None];
        judging.arrived(0, &mut results);
        // The deadline passed before job 1 answered.
        let (documents, results, _) = judging.finish(results);
        assert!(results[0].is_some(), "kept for the evidence archive");
        assert_eq!(documents[0].references[1].check.as_ref().unwrap().verdict, Verdict::Dead);
        assert_eq!(documents[1].references[0].check.as_ref().unwrap().verdict, Verdict::NotChecked);
    }
}
