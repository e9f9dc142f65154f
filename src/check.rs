//! The checker: the one place with concurrency. It deduplicates cited URLs across every document,
//! fetches them concurrently (politeness per host lives in the fetcher), reads page metadata,
//! judges each reference and puts the results back in document order.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use futures_util::StreamExt;
use regex::Regex;
use url::Url;

use crate::error::{Error, Result};
use crate::fetch::{FetchOptions, FetchOutcome, Fetcher};
use crate::finding::{Finding, Rule};
use crate::page::{self, PageMeta};
use crate::report::{DocumentReport, Report};
use crate::verdict::{self, Check, JudgeOptions, Verdict};

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
    fetcher: Fetcher,
    options: CheckOptions,
}

/// A note's further URLs: (index among the unique URLs, the URL as cited).
type Extras = Vec<(usize, String)>;

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
    /// Judge from the fetch of unique URL `index`, which is this URL.
    Fetch(usize, Url),
}

impl Checker {
    /// A checker with its HTTP client built.
    pub fn new(options: CheckOptions) -> Result<Checker> {
        let fetcher = Fetcher::new(options.fetch.clone())?;
        Ok(Checker { fetcher, options })
    }

    /// Fetches and judges. Results come back in document order whatever order fetches finish
    /// in; a run cut short by the deadline or `interrupt` marks the rest `not-checked`.
    pub async fn run(
        &self,
        documents: Vec<DocumentReport>,
        progress: &dyn Progress,
        interrupt: Option<Interrupt>,
    ) -> Report {
        let mut documents = documents;
        let mut unique: Vec<Url> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut register = |url: Url| -> usize {
            *index.entry(url.to_string()).or_insert_with(|| {
                unique.push(url);
                unique.len() - 1
            })
        };
        // Per reference: the plan for its first URL, and the unique indexes of its other URLs.
        let mut plans: Vec<Vec<(Plan, Extras)>> = Vec::with_capacity(documents.len());
        for doc in &documents {
            let mut doc_plans = Vec::with_capacity(doc.references.len());
            for r in &doc.references {
                let plan = match self.plan(&r.reference) {
                    Plan::Fetch(_, url) => Plan::Fetch(register(url.clone()), url),
                    done => done,
                };
                let mut extras = Vec::new();
                if r.reference.ignored.is_none() {
                    for cited in r.reference.urls.iter().skip(1) {
                        if let Ok(url) = self.target(cited) {
                            extras.push((register(url), cited.clone()));
                        }
                    }
                }
                doc_plans.push((plan, extras));
            }
            plans.push(doc_plans);
        }

        progress.start(unique.len());
        let results = self.fetch_all(&unique, progress, interrupt).await;
        progress.finish();

        for (doc, plans) in documents.iter_mut().zip(plans) {
            for (r, (plan, extras)) in doc.references.iter_mut().zip(plans) {
                let mut check = match plan {
                    Plan::Done(check) => *check,
                    Plan::Fetch(i, url) => match &results[i] {
                        Some((outcome, page)) => {
                            verdict::judge(&r.reference, &url, outcome, page.as_ref(), &self.options.judge)
                        }
                        None => not_checked(&r.reference),
                    },
                };
                for (i, cited) in extras {
                    if let Some((outcome, _)) = &results[i] {
                        verdict::judge_other_url(&r.reference, &cited, outcome, &mut check);
                    }
                }
                if let Some(page) = r.reference.page {
                    for f in &mut check.findings {
                        crate::report::mention_page(&mut f.message, page);
                    }
                }
                doc.findings.extend(check.findings.iter().cloned());
                r.check = Some(check);
            }
            doc.findings.sort_by_key(|f| (f.span.line, f.span.column, f.rule));
        }
        Report::new(documents)
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
            Ok(url) => Plan::Fetch(0, url),
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
    async fn obtain(&self, url: &Url) -> FetchOutcome {
        self.fetcher.fetch(url).await
    }

    async fn fetch_all(
        &self,
        urls: &[Url],
        progress: &dyn Progress,
        interrupt: Option<Interrupt>,
    ) -> Vec<Option<(FetchOutcome, Option<PageMeta>)>> {
        let mut results: Vec<Option<(FetchOutcome, Option<PageMeta>)>> = (0..urls.len()).map(|_| None).collect();
        let mut stream = futures_util::stream::iter(urls.iter().enumerate())
            .map(|(i, url)| async move {
                let outcome = self.obtain(url).await;
                // Parsing a page is CPU work: off the async workers, so it never stalls the other
                // fetches or the deadline.
                let (outcome, page) = match tokio::task::spawn_blocking(move || {
                    let page = read_page(&outcome);
                    (outcome, page)
                })
                .await
                {
                    Ok(done) => done,
                    Err(_) => {
                        let mut failed = FetchOutcome::new(url);
                        failed.error = Some(crate::fetch::FetchError {
                            kind: crate::fetch::FetchErrorKind::Body,
                            message: "the page could not be read".into(),
                        });
                        (failed, None)
                    }
                };
                progress.done(url);
                (i, outcome, page)
            })
            .buffer_unordered(self.options.max_concurrency.max(1));
        let deadline = self.options.deadline.map(|d| tokio::time::Instant::now() + d);
        let sleep = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        let stop = async {
            match interrupt {
                Some(fut) => fut.await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(sleep);
        tokio::pin!(stop);
        loop {
            tokio::select! {
                biased;
                () = &mut stop => break,
                () = &mut sleep => break,
                next = stream.next() => match next {
                    Some((i, outcome, page)) => results[i] = Some((outcome, page)),
                    None => break,
                },
            }
        }
        results
    }
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
}
