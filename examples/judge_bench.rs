//! The CPU cost of judging references (`verdict::judge`: titles, publication, date, authors),
//! with no network: a brief's references against the pages an evidence archive recorded for it.
//!
//! ```sh
//! cargo build --release --example judge_bench
//! target/release/examples/judge_bench                       # the seed brief and its archive
//! target/release/examples/judge_bench BRIEF ARCHIVE.warc.gz # any brief checked with --archive
//! ```
//!
//! Pages are read (`page::extract`) once, before the measured part; only judging is repeated.
//! For instruction counts, which do not depend on the machine's load, run it under callgrind
//! and count only the measured function:
//!
//! ```sh
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*judge_bench::judge_all*' \
//!     target/release/examples/judge_bench BRIEF ARCHIVE --rounds 5
//! ```
//!
//! `--long` times titles at the limits instead: a page title is cut at 1,000 characters, a
//! cited one (from a note of up to 32 KB) is not, and either may be one long "word".
//!
//! For the load server's pages, check a brief it wrote once with `--archive` (see
//! `bench/README.md`; a 100-reference brief gives a 5 MB archive). The printed digest is a
//! hash of every check serialised: equal digests mean equal verdicts and findings.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Instant;

use citecheck::fetch::{FetchOptions, FetchOutcome};
use citecheck::page::{self, PageMeta, TitleCandidate, TitleSource};
use citecheck::reference::{self, Reference};
use citecheck::verdict::{self, JudgeOptions};
use citecheck::warc::{ReadLimits, Replay};
use url::Url;

struct Case {
    reference: Reference,
    outcome: FetchOutcome,
    page: Option<PageMeta>,
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut rounds = 200usize;
    let mut long = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--long" {
            long = true;
        } else if arg == "--rounds" {
            rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| usage());
        } else if arg.starts_with('-') {
            usage();
        } else {
            paths.push(arg.into());
        }
    }
    if long {
        long_titles();
        return;
    }
    let (brief, archive) = match paths.as_slice() {
        [] => (root.join("seeds/issi-brief-resetting-ties.txt"), root.join("fixtures/replay/seed-brief.warc.gz")),
        [b, a] => (b.clone(), a.clone()),
        _ => usage(),
    };
    let cases = load(&brief, &archive);
    let pages = cases.iter().filter(|c| c.page.is_some()).count();
    eprintln!("{} references ({pages} pages read) from {}", cases.len(), brief.display());

    let options = JudgeOptions::default();
    let started = Instant::now();
    judge_all(&cases, rounds, &options);
    let took = started.elapsed();
    let digest = digest(&cases, &options);
    let judged = (cases.len() * rounds).max(1);
    println!(
        "{judged} judgements in {:.3} s: {:.1} µs each; digest {digest:016x}",
        took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / judged as f64
    );
}

fn usage() -> ! {
    eprintln!("usage: judge_bench [BRIEF ARCHIVE.warc[.gz]] [--rounds N] | judge_bench --long");
    std::process::exit(2)
}

/// Every reference with a URL, its archived answer and the page read from it.
fn load(brief: &Path, archive: &Path) -> Vec<Case> {
    let bytes = std::fs::read(brief).unwrap_or_else(|e| panic!("{}: {e}", brief.display()));
    let doc = citecheck::document::parse(brief, &bytes, None).expect("the brief parses");
    let replay = Replay::open(archive, ReadLimits::default()).expect("the archive reads");
    let fetch = FetchOptions::default();
    reference::references(&doc)
        .into_iter()
        .filter_map(|reference| {
            let url = Url::parse(reference.url.as_deref()?).ok()?;
            let outcome = replay.answer(&url, &fetch);
            let page = read_page(&outcome);
            Some(Case { reference, outcome, page })
        })
        .collect()
}

/// As the checker reads a page: HTML or PDF, when the fetch gave one.
fn read_page(outcome: &FetchOutcome) -> Option<PageMeta> {
    if outcome.error.is_some() {
        return None;
    }
    if outcome.is_pdf() {
        return Some(page::extract_pdf(&outcome.raw, outcome.truncated));
    }
    (!outcome.body.is_empty() && outcome.is_html()).then(|| page::extract(&outcome.body, Some(&outcome.final_url)))
}

/// The measured part: every reference judged `rounds` times.
#[inline(never)]
fn judge_all(cases: &[Case], rounds: usize, options: &JudgeOptions) {
    for _ in 0..rounds {
        for case in cases {
            let check = verdict::judge(&case.reference, &case.outcome.url, &case.outcome, case.page.as_ref(), options);
            std::hint::black_box(check);
        }
    }
}

/// A hash of every check, serialised: what the judgements said, to compare two builds.
fn digest(cases: &[Case], options: &JudgeOptions) -> u64 {
    let mut hasher = DefaultHasher::new();
    for case in cases {
        let check = verdict::judge(&case.reference, &case.outcome.url, &case.outcome, case.page.as_ref(), options);
        serde_json::to_string(&check).expect("a check serialises").hash(&mut hasher);
    }
    hasher.finish()
}

/// Titles at the limits, each pair compared once: the work must stay bounded.
fn long_titles() {
    let words = |n: usize, len: usize, salt: usize| -> String {
        (0..n)
            .map(|i| (0..len).map(|j| char::from(b'a' + ((i * 7 + j * 3 + salt) % 26) as u8)).collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let one_word = "x".repeat(1000);
    let mut slipped = one_word.clone();
    slipped.replace_range(500..501, "y");
    let cases = [
        ("one 32 KB word against a 1,000-character one", "a".repeat(32 * 1024), one_word.clone()),
        ("two 1,000-character words a letter apart", one_word.clone(), slipped),
        ("three 333-character words against three others", words(3, 333, 0), words(3, 333, 5)),
        ("5,000 words against 150", words(5000, 5, 0), words(150, 5, 1)),
        ("500 words against 150 with separators", words(500, 5, 0).replace(" a", " | a"), words(150, 5, 0)),
    ];
    for (what, cited, page) in cases {
        let candidates = [TitleCandidate { source: TitleSource::HtmlTitle, text: page.clone() }];
        let started = Instant::now();
        let m = citecheck::matching::compare_titles(&cited, &candidates, Some("Site"), Some("site.example"));
        let took = started.elapsed();
        let grade = m.map(|m| format!("{:?} {:.2}", m.grade, m.score)).unwrap_or_default();
        println!("{what}: {:.2} ms ({grade})", took.as_secs_f64() * 1e3);
    }
}
