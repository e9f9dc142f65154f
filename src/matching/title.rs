//! Title grading: the cited title against the titles a page gives itself (see the module
//! documentation of [`crate::matching`] for the rules).

use serde::Serialize;

use super::diff::{Op, diff};
use super::normalize::{Tokens, normalize, tokenize};
use super::publication::names_publication;
use super::similarity::{distance_within, similarity};
use super::spelling::{is_function_word, same_number, spelling_variant};
use crate::page::TitleCandidate;
use crate::page::title::split_site;

/// How well a page title matches the cited one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TitleGrade {
    /// Another title (or a generic one).
    Mismatch,
    /// The same title but for one or two small slips.
    Near,
    /// The same title.
    Match,
}

/// One word of the cited title against the page title, as written (not normalised).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", content = "word", rename_all = "lowercase")]
pub enum WordDiff {
    /// In both titles.
    Same(String),
    /// In the cited title, not on the page.
    Missing(String),
    /// On the page, not in the cited title.
    Extra(String),
}

/// The verdict of [`compare_titles`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TitleMatch {
    /// The grade of the best candidate.
    pub grade: TitleGrade,
    /// Its similarity to the cited title, `0..=1`, rounded to two decimals.
    pub score: f64,
    /// Its index in the candidates given.
    pub candidate: usize,
    /// Its text.
    pub page_title: String,
    /// The cited title against it, word by word.
    pub diff: Vec<WordDiff>,
}

/// Grades the cited title against every candidate title of a page and returns the best
/// (see [`crate::matching`] for the rules). `site` and `host` name the page's site, so that a
/// site name around either title is not held against it.
///
/// `None` when there is no candidate or the cited title is empty once normalised.
///
/// ```
/// use citecheck::matching::{compare_titles, TitleGrade};
/// use citecheck::page::{TitleCandidate, TitleSource};
/// let page = [TitleCandidate { source: TitleSource::HtmlTitle, text: "Pakistan 'walking the talk' on peace in Afghanistan | Pakistan | The Guardian".into() }];
/// let m = compare_titles("Pakistan ‘walking the talk’ on peace in Afghanistan", &page, None, Some("www.theguardian.com")).unwrap();
/// assert_eq!(m.grade, TitleGrade::Match);
/// ```
pub fn compare_titles(
    cited: &str,
    candidates: &[TitleCandidate],
    site: Option<&str>,
    host: Option<&str>,
) -> Option<TitleMatch> {
    CitedTitle::new(cited).compare(candidates, site, host)
}

/// A cited title read once (its words, normalised) and then compared with any number of
/// pages: every candidate of a page, the page of every redirect or archived copy, a DOI's
/// registered title.
#[derive(Debug, Clone)]
pub(crate) struct CitedTitle {
    text: String,
    tokens: Tokens,
}

impl CitedTitle {
    pub(crate) fn new(cited: &str) -> CitedTitle {
        CitedTitle { text: cited.to_owned(), tokens: tokenize(cited) }
    }

    /// [`compare_titles`] of this title.
    pub(crate) fn compare(
        &self,
        candidates: &[TitleCandidate],
        site: Option<&str>,
        host: Option<&str>,
    ) -> Option<TitleMatch> {
        let cited_tokens = &self.tokens;
        if cited_tokens.is_empty() {
            return None;
        }
        let sites: Vec<&str> = site.into_iter().collect();
        let cited_norm: Vec<&str> = cited_tokens.norms().collect();
        // The cited title's readings depend on the page's site; they are read only when a
        // candidate is not simply equal to it.
        let mut cited: Option<(Vec<Form<'_>>, bool)> = None;
        let mut best: Option<(TitleGrade, f64, usize, Tokens)> = None;
        for (i, cand) in candidates.iter().enumerate() {
            let tokens = tokenize(&cand.text);
            if tokens.is_empty() {
                continue;
            }
            let (grade, score) = if tokens.norms().eq(cited_norm.iter().copied()) {
                // The same words: no reading of either title can do better.
                (TitleGrade::Match, 1.0)
            } else {
                let (cited_forms, short) = cited.get_or_insert_with(|| {
                    let forms = forms(&self.text, cited_tokens, &sites, host);
                    let words = forms.iter().map(|f| f.words.len()).min().unwrap_or(0);
                    (forms, words <= 3)
                });
                let short = *short;
                if generic(&cand.text, &sites, host) {
                    let page: Vec<&str> = tokens.norms().collect();
                    (TitleGrade::Mismatch, pair_grade(&cited_norm, &page, short, false).1)
                } else {
                    best_reading(cited_forms, &forms(&cand.text, &tokens, &sites, host), short)
                }
            };
            let better = match &best {
                None => true,
                Some((bg, bs, _, _)) => grade > *bg || (grade == *bg && score > *bs),
            };
            if better {
                best = Some((grade, score, i, tokens));
            }
            if grade == TitleGrade::Match && score >= 1.0 {
                // Nothing after it can be better, and ties go to the earlier candidate.
                break;
            }
        }
        let (grade, score, candidate, tokens) = best?;
        Some(TitleMatch {
            grade,
            score: (score.clamp(0.0, 1.0) * 100.0).round() / 100.0,
            candidate,
            page_title: candidates[candidate].text.clone(),
            diff: word_diff(cited_tokens, &tokens),
        })
    }
}

/// The best grade of any reading of the cited title against any reading of the page's (but
/// never main part against main part).
fn best_reading(cited: &[Form<'_>], page: &[Form<'_>], short: bool) -> (TitleGrade, f64) {
    let mut g = (TitleGrade::Mismatch, 0.0);
    for c in cited {
        for p in page {
            if c.main && p.main {
                continue;
            }
            let ellipsis = c.cut || p.cut;
            let r = pair_grade(&c.words, &p.words, short, ellipsis);
            if r.0 > g.0 || (r.0 == g.0 && r.1 > g.1) {
                g = r;
                if g.0 == TitleGrade::Match && g.1 >= 1.0 {
                    return g;
                }
            }
        }
    }
    g
}

/// One way of reading a title: as written, without its site affix, without its subtitle,
/// without a leading article.
struct Form<'a> {
    words: Vec<&'a str>,
    /// The main part before a subtitle.
    main: bool,
    /// The title ends in an ellipsis: it may have been cut short.
    cut: bool,
}

fn forms<'a>(text: &str, tokens: &'a Tokens, sites: &[&str], host: Option<&str>) -> Vec<Form<'a>> {
    let all: Vec<&str> = tokens.norms().collect();
    let trimmed = text.trim_end();
    let cut = trimmed.ends_with('…') || trimmed.ends_with("...");
    let mut out = vec![Form { words: all.clone(), main: false, cut }];
    // Parts of the title are located in the token list by their words, so that the forms
    // borrow the same tokens.
    let stripped = split_site(text, sites, host);
    if let Some(stripped) = &stripped {
        if let Some(range) = locate(&all, &tokenize(stripped).norms().collect::<Vec<_>>()) {
            out.push(Form { words: all[range].to_vec(), main: false, cut: false });
        }
    }
    let base = stripped.as_deref().unwrap_or(text);
    if let Some(head) = main_part(base) {
        let head = tokenize(head);
        if head.len() >= 3 {
            if let Some(range) = locate(&all, &head.norms().collect::<Vec<_>>()) {
                out.push(Form { words: all[range].to_vec(), main: true, cut: false });
            }
        }
    }
    let mut with_articles = Vec::new();
    for f in &out {
        if let [first, rest @ ..] = f.words.as_slice() {
            if matches!(*first, "the" | "a" | "an") && !rest.is_empty() {
                with_articles.push(Form { words: rest.to_vec(), main: f.main, cut: f.cut });
            }
        }
    }
    out.extend(with_articles);
    out
}

/// Where `part` occurs in `all`, as a contiguous run.
fn locate(all: &[&str], part: &[&str]) -> Option<std::ops::Range<usize>> {
    if part.is_empty() || part.len() > all.len() {
        return None;
    }
    (0..=all.len() - part.len()).find(|&i| all[i..i + part.len()] == *part).map(|i| i..i + part.len())
}

/// The title before its first subtitle separator, when there is something after it.
fn main_part(text: &str) -> Option<&str> {
    let cut = [": ", " - ", " – ", " — ", " | ", "：", " : "].iter().filter_map(|sep| text.find(sep)).min()?;
    let head = text[..cut].trim();
    let tail = text[cut..].trim_start_matches([':', '-', '–', '—', '|', '：', ' ']);
    (!head.is_empty() && !normalize(tail).is_empty()).then_some(head)
}

/// A title that names no article: the site's own name or a placeholder.
fn generic(text: &str, sites: &[&str], host: Option<&str>) -> bool {
    const GENERIC: &[&str] = &[
        "home",
        "homepage",
        "home page",
        "index",
        "welcome",
        "untitled",
        "untitled document",
        "news",
        "latest news",
        "page",
        "article",
        "error",
        "loading",
        "redirecting",
        "default",
        "main page",
        "start",
    ];
    let n = normalize(text);
    // The cheap tests first: naming the site is the costly one.
    GENERIC.contains(&n.as_str())
        || {
            // "DAWN.COM" with no site information: a bare domain.
            let t = text.trim();
            !t.contains(' ')
                && t.contains('.')
                && t.rsplit('.')
                    .next()
                    .is_some_and(|tld| (2..=6).contains(&tld.len()) && tld.chars().all(|c| c.is_ascii_alphabetic()))
        }
        || names_publication(text, sites, host)
}

/// Grades one reading of the cited title against one reading of the page's.
fn pair_grade(a: &[&str], b: &[&str], short: bool, ellipsis: bool) -> (TitleGrade, f64) {
    if a == b {
        return (TitleGrade::Match, 1.0);
    }
    let ops = diff(a, b);
    let mut same = 0usize;
    let mut credit = 0.0;
    let mut slips = 0usize;
    let mut fatal = false;
    let mut dels: Vec<&str> = Vec::new();
    let mut ins: Vec<&str> = Vec::new();
    let close_run =
        |dels: &mut Vec<&str>, ins: &mut Vec<&str>, slips: &mut usize, fatal: &mut bool, credit: &mut f64| {
            if dels.is_empty() && ins.is_empty() {
                return;
            }
            match run_slips(dels, ins, short) {
                Some((n, c)) => {
                    *slips += n;
                    *credit += c;
                }
                None => {
                    *fatal = true;
                    if dels.len() == ins.len() {
                        *credit += dels.iter().zip(ins.iter()).map(|(x, y)| similarity(x, y)).sum::<f64>() * 0.5;
                    }
                }
            }
            dels.clear();
            ins.clear();
        };
    for op in &ops {
        match *op {
            Op::Same(..) => {
                close_run(&mut dels, &mut ins, &mut slips, &mut fatal, &mut credit);
                same += 1;
            }
            Op::Del(i) => dels.push(a[i]),
            Op::Ins(j) => ins.push(b[j]),
        }
    }
    close_run(&mut dels, &mut ins, &mut slips, &mut fatal, &mut credit);
    let total = (a.len() + b.len()).max(1) as f64;
    let score = (2.0 * (same as f64 + credit) / total).clamp(0.0, 1.0);
    // A title cut short with an ellipsis: the shorter is the start of the longer.
    if ellipsis && !short {
        let (s, l) = if a.len() <= b.len() { (a, b) } else { (b, a) };
        let k = s.len().saturating_sub(1);
        if k >= 4 && s[..k] == l[..k] && l.get(k).is_some_and(|w| w.starts_with(s[k]) || s[k].starts_with(*w)) {
            return (TitleGrade::Near, score);
        }
    }
    if !fatal && (1..=2).contains(&slips) && same * 2 >= a.len().min(b.len()) {
        (TitleGrade::Near, score)
    } else {
        (TitleGrade::Mismatch, score)
    }
}

/// The slips in one changed stretch (`dels` cited words against `ins` page words) and the
/// similarity credit they earn; `None` when the stretch changes the title.
fn run_slips(dels: &[&str], ins: &[&str], short: bool) -> Option<(usize, f64)> {
    if same_number(dels, ins) {
        return Some((1, 1.0));
    }
    match (dels.len(), ins.len()) {
        (1, 0) | (0, 1) => {
            let w = dels.first().or(ins.first())?;
            (!short && is_function_word(w)).then_some((1, 0.0))
        }
        (2, 1) | (1, 2) => {
            let (two, one) = if dels.len() == 2 { (dels, ins[0]) } else { (ins, dels[0]) };
            (two.concat() == one).then_some((1, 1.0))
        }
        (n, m) if n == m && n <= 2 => {
            let mut credit = 0.0;
            for (x, y) in dels.iter().zip(ins) {
                if !(spelling_variant(x, y) || (!short && typo(x, y))) {
                    return None;
                }
                credit += similarity(x, y);
            }
            Some((n, credit))
        }
        _ => None,
    }
}

/// A misspelling: one letter off (two for words of five or more letters), never in numbers.
fn typo(x: &str, y: &str) -> bool {
    if x.chars().chain(y.chars()).any(|c| c.is_numeric()) {
        return false;
    }
    // More than two letters off is never a slip, so the distance need not be found beyond two.
    let Some(d) = distance_within(x, y, 2) else { return false };
    let longest = x.chars().count().max(y.chars().count());
    let shortest = x.chars().count().min(y.chars().count());
    d < shortest && (d <= 1 || (d == 2 && longest >= 5))
}

fn word_diff(cited: &Tokens, page: &Tokens) -> Vec<WordDiff> {
    let (a, b): (Vec<&str>, Vec<&str>) = (cited.norms().collect(), page.norms().collect());
    diff(&a, &b)
        .into_iter()
        .map(|op| match op {
            Op::Same(i, _) => WordDiff::Same(cited.display(i).to_owned()),
            Op::Del(i) => WordDiff::Missing(cited.display(i).to_owned()),
            Op::Ins(j) => WordDiff::Extra(page.display(j).to_owned()),
        })
        .collect()
}

#[cfg(test)]
mod tests;
