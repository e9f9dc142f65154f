//! Hints for unsourced claims (`--uncited`): sentences of a document's body that make a checkable
//! claim (a statistic, a direct quotation, an attribution, the date of an event) and carry no
//! note marker. Pure, and tuned for precision: an opinion, a bare year in a framing phrase, an
//! ordinal or a section number is not a claim. See `docs/uncited.md` for the rules and how well
//! they do on hand-labelled text.
//!
//! A marker sources the sentence it sits in (anywhere up to the next sentence): that is how
//! briefs place them. A marker does not reach back to the sentences before it.

use std::fmt;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::document::{Document, Format};
use crate::finding::{Finding, Rule};
use crate::span::{Locator, floor_char_boundary};

/// What makes a sentence checkable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimKind {
    /// Counts, percentages, money, quantities with units.
    Statistic,
    /// A quoted span of six words or more.
    Quotation,
    /// Who said or reported it: "according to", "a report by", "X said in a statement".
    Attribution,
    /// A day or a month with its year: when something happened.
    EventDate,
}

impl ClaimKind {
    /// The kebab-case name, as in the labels and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Statistic => "statistic",
            ClaimKind::Quotation => "quotation",
            ClaimKind::Attribution => "attribution",
            ClaimKind::EventDate => "event-date",
        }
    }

    /// Every kind.
    pub const ALL: [ClaimKind; 4] =
        [ClaimKind::Statistic, ClaimKind::Quotation, ClaimKind::Attribution, ClaimKind::EventDate];
}

impl fmt::Display for ClaimKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One sentence of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Its text (as the body reads: markers and markup removed).
    pub text: String,
    /// Where it starts in the document's text (bytes).
    pub start: usize,
    /// Whether a note marker sits in it.
    pub marked: bool,
}

/// A claim found in an unmarked sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Which kind.
    pub kind: ClaimKind,
    /// The phrase that triggered it.
    pub phrase: String,
    /// Where the phrase starts in the document's text (bytes).
    pub at: usize,
    /// The index of its sentence in [`sentences`].
    pub sentence: usize,
}

/// Longest body read, in bytes (a hint is a nicety; a huge document is cut, not slow).
const MAX_BODY: usize = 8 * 1024 * 1024;

/// Longest sentence, in bytes: longer runs (tables, lists without punctuation) are cut.
const MAX_SENTENCE: usize = 2000;

/// The body reassembled, and where each of its bytes came from.
struct Body {
    text: String,
    /// (offset in `text`, offset in the document) at the start of each piece.
    map: Vec<(usize, usize)>,
    /// Offsets in `text` where a marker sat.
    markers: Vec<usize>,
}

impl Body {
    fn of(doc: &Document) -> Body {
        let runs = runs(doc);
        let mut text = String::new();
        let mut map = Vec::new();
        // The body offset where each run ends.
        let mut ends: Vec<usize> = Vec::new();
        let mut prev_end: Option<usize> = None;
        for r in &runs {
            let Some(piece) = doc.text.get(r.clone()) else { continue };
            if text.len() + piece.len() > MAX_BODY {
                break;
            }
            if let Some(end) = prev_end {
                let gap = doc.text.get(end..r.start).unwrap_or("");
                text.push_str(separator(doc.format, gap, &text));
            }
            map.push((text.len(), r.start));
            text.push_str(piece);
            ends.push(text.len());
            prev_end = Some(r.end);
        }
        // A marker sits where the run of text before it ends: with the sentence it follows, not
        // the next one (in HTML no space may separate "claim.<sup>1</sup>" from "Next").
        let markers = doc
            .markers
            .iter()
            .map(|m| {
                let i = map.partition_point(|&(_, o)| o < m.span.start);
                if i == 0 { 0 } else { ends.get(i - 1).copied().unwrap_or(text.len()) }
            })
            .collect();
        Body { text, map, markers }
    }

    /// The document offset of a body offset.
    fn original(&self, at: usize) -> usize {
        let i = self.map.partition_point(|&(b, _)| b <= at).saturating_sub(1);
        self.map.get(i).map_or(0, |&(b, o)| o + at.saturating_sub(b))
    }
}

/// The runs of prose text in the body: its ranges, without markers, and for HTML without tags
/// and without what is never prose (`<head>`, scripts, styles).
fn runs(doc: &Document) -> Vec<Range<usize>> {
    let markers: Vec<Range<usize>> = doc.markers.iter().map(|m| m.span.start..m.span.end.max(m.span.start)).collect();
    let mut out = Vec::new();
    for r in &doc.body {
        let Some(piece) = doc.text.get(r.clone()) else { continue };
        if doc.format == Format::Html {
            html_runs(piece, r.start, &mut out);
        } else {
            out.push(r.clone());
        }
    }
    // Marker text ("¹", "<sup>1</sup>") is not prose. Runs and markers are both in document
    // order: one pass over each.
    let mut markers = markers;
    markers.sort_by_key(|m| m.start);
    let mut cut = Vec::with_capacity(out.len());
    let mut first = 0;
    for r in out {
        while markers.get(first).is_some_and(|m| m.end <= r.start) {
            first += 1;
        }
        let mut start = r.start;
        for m in markers[first..].iter().take_while(|m| m.start < r.end) {
            if m.start > start {
                cut.push(start..m.start);
            }
            start = start.max(m.end);
        }
        if start < r.end {
            cut.push(start..r.end);
        }
    }
    cut
}

/// Text between tags, skipping the contents of `head`, `script`, `style`, `noscript`, `template`.
fn html_runs(html: &str, base: usize, out: &mut Vec<Range<usize>>) {
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() {
        match html[i..].find('<') {
            None => {
                out.push(base + i..base + html.len());
                break;
            }
            Some(lt) => {
                if lt > 0 {
                    out.push(base + i..base + i + lt);
                }
                let tag_start = i + lt;
                let Some(gt) = html[tag_start..].find('>') else { break };
                let tag = &lower[tag_start..tag_start + gt];
                i = tag_start + gt + 1;
                for skipped in ["head", "script", "style", "noscript", "template", "title"] {
                    let opens = tag.strip_prefix('<').and_then(|t| t.strip_prefix(skipped));
                    if opens.is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '/'])) {
                        let close = format!("</{skipped}");
                        i = lower[i..].find(&close).map_or(html.len(), |c| i + c);
                        break;
                    }
                }
            }
        }
    }
}

/// What stands between two pieces of the body: a paragraph break where the gap ends one (a note
/// block, an HTML block element), a space where it held white space, else nothing (a marker).
fn separator(format: Format, gap: &str, before: &str) -> &'static str {
    let block = match format {
        Format::Html => {
            let lower = gap.to_ascii_lowercase();
            [
                "</p",
                "<p",
                "<br",
                "</li",
                "<li",
                "</h",
                "<h1",
                "<h2",
                "<h3",
                "<h4",
                "</div",
                "<div",
                "</td",
                "</tr",
                "</blockquote",
                "</ol",
                "</ul",
            ]
            .iter()
            .any(|t| lower.contains(t))
        }
        _ => gap.contains("\n\n") && before.trim_end().ends_with(['.', '!', '?', '”', '"', ':']),
    };
    if block {
        "\n\n"
    } else if gap.chars().any(char::is_whitespace) && !before.ends_with(char::is_whitespace) {
        " "
    } else {
        ""
    }
}

/// Words that end with a full stop without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "col", "lt", "capt", "sgt", "maj", "gov", "sen", "rep", "rev", "hon",
    "no", "nos", "vol", "art", "sec", "fig", "ch", "para", "pp", "p", "ed", "eds", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "co", "corp", "vs", "e.g", "i.e", "approx", "jr",
    "sr", "cf", "al", "est", "govt", "dept", "univ", "mt", "ft",
];

/// Sentence boundaries within the body text: (start, end) byte ranges.
fn split(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for para in paragraphs(text) {
        let mut start = para.start;
        let mut quote_open: Option<usize> = None;
        let mut straight_open = false;
        let mut i = para.start;
        while i < para.end {
            let Some(c) = text[i..].chars().next() else { break };
            let len = c.len_utf8();
            match c {
                '“' => quote_open = Some(i),
                '”' => quote_open = None,
                '"' => {
                    straight_open = !straight_open;
                    quote_open = straight_open.then_some(i);
                }
                _ => {}
            }
            // An unbalanced quote must not swallow the paragraph.
            if quote_open.is_some_and(|q| i - q > 600) {
                quote_open = None;
                straight_open = false;
            }
            if matches!(c, '.' | '!' | '?') && quote_open.is_none_or(|_| closes_quote(text, i + len)) {
                let mut end = i + len;
                while let Some(n) = text[end..para.end].chars().next() {
                    if matches!(n, '.' | '!' | '?' | '”' | '"' | '’' | '\'' | ')' | ']') {
                        if matches!(n, '”' | '"') {
                            quote_open = None;
                            straight_open = false;
                        }
                        end += n.len_utf8();
                    } else {
                        break;
                    }
                }
                let rest = &text[end..para.end];
                let next = rest.trim_start();
                let spaced = rest.len() > next.len();
                let starts_new = next.chars().next().is_some_and(|n| {
                    n.is_uppercase() || n.is_ascii_digit() || matches!(n, '“' | '"' | '‘' | '(' | '[')
                });
                if spaced && starts_new && !abbreviation(text, start, i) {
                    out.push(start..end);
                    start = end + (rest.len() - next.len());
                    quote_open = None;
                    straight_open = false;
                    i = start;
                    continue;
                }
                if next.is_empty() {
                    break;
                }
            }
            if i - start > MAX_SENTENCE && c.is_whitespace() {
                out.push(start..i);
                start = i + len;
            }
            i += len;
        }
        if text[start..para.end].trim().is_empty() {
            continue;
        }
        out.push(start..para.end);
    }
    out.into_iter()
        .map(|r| {
            let s = &text[r.clone()];
            let lead = s.len() - s.trim_start().len();
            r.start + lead..r.start + s.trim_end().len()
        })
        .filter(|r| r.start < r.end)
        .collect()
}

/// Whether a closing quote follows (so the full stop inside it can end the sentence).
fn closes_quote(text: &str, at: usize) -> bool {
    text.get(at..).is_some_and(|r| r.starts_with(['”', '"']))
}

/// Whether the full stop at `dot` ends an abbreviation or an initial rather than a sentence.
fn abbreviation(text: &str, start: usize, dot: usize) -> bool {
    if text.as_bytes().get(dot) != Some(&b'.') {
        return false;
    }
    let before = &text[start..dot];
    let word = before.rsplit(|c: char| c.is_whitespace() || c == '(' || c == '“').next().unwrap_or("");
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    // An initial ("K."), or letters with stops ("U.S", "U.N").
    (letters.len() == 1 && letters[0].is_uppercase()) || (word.contains('.') && letters.len() <= 4)
}

/// Paragraphs: blank lines, and lines that stand alone (a heading, an address line: short, no
/// closing punctuation, the next line starting anew).
fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let end = pos + line.len();
        let content = line.trim();
        let next = text[end..].lines().next().unwrap_or("").trim_start();
        let blank_next = next.is_empty();
        let heading = !content.is_empty()
            && content.chars().count() < 80
            && !content.ends_with(['.', ',', ';', ':', '!', '?', '”', '"', '-', '–', '—'])
            && next.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == '#');
        if content.is_empty() || blank_next || heading || content.starts_with('#') {
            if start < end {
                out.push(start..end);
            }
            start = end;
        }
        pos = end;
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// Whether the sentence `r` (whose successor starts at `until`) owns a marker at body offset `m`:
/// markers sit at the end of the text before them, so one at a sentence's very start belongs to
/// the sentence before (a marker before any text belongs to none).
fn owns(r: &std::ops::Range<usize>, until: usize, m: usize) -> bool {
    m > r.start && m <= until.max(r.end)
}

/// The sentences of a document's body, each with whether a marker sits in it.
pub fn sentences(doc: &Document) -> Vec<Sentence> {
    let body = Body::of(doc);
    let ranges = split(&body.text);
    let mut out = Vec::with_capacity(ranges.len());
    for (i, r) in ranges.iter().enumerate() {
        let until = ranges.get(i + 1).map_or(body.text.len(), |n| n.start);
        let marked = body.markers.iter().any(|&m| owns(r, until, m));
        out.push(Sentence { text: body.text[r.clone()].to_owned(), start: body.original(r.start), marked });
    }
    out
}

/// Every claim in the unmarked sentences of a document's body, in order: at most one per kind
/// and sentence (the first phrase).
pub fn claims(doc: &Document) -> Vec<Claim> {
    let body = Body::of(doc);
    let ranges = split(&body.text);
    let mut out = Vec::new();
    for (i, r) in ranges.iter().enumerate() {
        let until = ranges.get(i + 1).map_or(body.text.len(), |n| n.start);
        if body.markers.iter().any(|&m| owns(r, until, m)) {
            continue;
        }
        let sentence = &body.text[r.clone()];
        for (kind, phrase) in detect(sentence) {
            out.push(Claim {
                kind,
                phrase: sentence[phrase.clone()].to_owned(),
                at: body.original(r.start + phrase.start),
                sentence: i,
            });
        }
    }
    out
}

/// The `uncited-claim` findings (info) for a document: one per claim, at its phrase.
pub fn hints(doc: &Document) -> Vec<Finding> {
    let mut locator = Locator::new(&doc.text);
    let mut found = claims(doc);
    // The locator only moves forward.
    found.sort_by_key(|c| (c.at, c.kind));
    found
        .into_iter()
        .map(|c| {
            let end = floor_char_boundary(&doc.text, c.at + c.phrase.len());
            let span = locator.span(c.at, end);
            let what = match c.kind {
                ClaimKind::Statistic => "a statistic",
                ClaimKind::Quotation => "a quotation",
                ClaimKind::Attribution => "an attribution",
                ClaimKind::EventDate => "the date of an event",
            };
            Finding::new(
                Rule::UncitedClaim,
                span,
                format!("{what} with no note: \u{201c}{}\u{201d} ({})", shown(&c.phrase), c.kind),
            )
        })
        .collect()
}

fn shown(phrase: &str) -> String {
    let one_line = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= 80 {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(79).collect();
    cut.push('…');
    cut
}

// ---------------------------------------------------------------------------------------------
// Detectors: each gives the byte range of the phrase in the sentence.

const MONTHS: &str = "January|February|March|April|May|June|July|August|September|October|November|December|Jan\\.|Feb\\.|Aug\\.|Sept\\.|Sep\\.|Oct\\.|Nov\\.|Dec\\.";

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\s+\d{{4}}|(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|(?:{MONTHS})\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b"
    ))
    .expect("static regex")
});

static PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b\d[\d,]*(?:\.\d+)?\s*(?:%|per\s?cent\b|percent\b|percentage points\b)").expect("static regex")
});

static MONEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:(?:US\$|\$|€|£|¥|₹|\bRs\.?|\bPKR|\bUSD|\bEUR|\bAfs?\.?)\s?\d[\d,]*(?:\.\d+)?(?:\s*(?:million|billion|trillion|crore|lakh|bn|mn|m|k)\b)?|\b\d[\d,]*(?:\.\d+)?\s*(?:million|billion|trillion|crore|lakh)?\s*(?:dollars|rupees|euros|pounds|afghanis|yuan)\b)",
    )
    .expect("static regex")
});

static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b\d[\d,]*(?:\.\d+)?(?:\s+|-)(?:km|kilomet(?:re|er)s?|met(?:re|er)s?|miles?|tonnes?|tons?|kg|kilograms?|litres?|liters?|gallons?|hectares?|acres?|mw|gw|megawatts?|gigawatts?|cubic\s+\w+|square\s+\w+|barrels?|day|days|week|weeks|month|months|hours?|degrees?|°c)\b",
    )
    .expect("static regex")
});

/// A number followed by what it counts: "225 flag meetings", "4 million Afghans".
static COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:over|more than|about|some|nearly|almost|around|at least|roughly)?\s?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(?:million|billion|thousand|hundred|lakh|crore))?((?:\s+[a-z][a-z-]+){0,2}\s+(?:[A-Za-z][a-z-]*s|people|personnel|staff|children|women|men|police|cattle|livestock)\b)",
    )
    .expect("static regex")
});

/// Counts in words, three and up, before what they count: "five visits", "eight sessions".
static WORD_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundreds|thousands|millions|dozens)((?:\s+[a-z][a-z-]+){0,2}?\s+[a-z][a-z-]*s)\b",
    )
    .expect("static regex")
});

/// What counts never are: time spans and the usual pairs of a bilateral text.
const NOT_COUNTED: &[&str] = &[
    "years",
    "decades",
    "months",
    "weeks",
    "days",
    "hours",
    "minutes",
    "centuries",
    "times",
    "countries",
    "sides",
    "nations",
    "states",
    "parties",
    "neighbours",
    "neighbors",
    "governments",
    "leaders",
    "things",
    "ways",
    "others",
    "aspects",
    "points",
    "reasons",
    "issues",
    "areas",
    "steps",
    "levels",
    "terms",
    "cases",
    "pages",
    "chapters",
    "sections",
    "parts",
    "is",
    "was",
    "has",
    "does",
    "says",
];

static ATTRIBUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\baccording to\b|\b(?:a|an|the|in (?:a|its|their))\s+(?:new\s+|recent\s+|latest\s+|joint\s+|leaked\s+)?(?:report|study|survey|analysis|investigation|poll|assessment|review|census)\s+(?:by|from|of|published by|released by)\b|\breports?\s+(?:by|from|emerging from|published by)\b|\b(?:data|figures|statistics|estimates|numbers)\s+(?:from|released by|published by|compiled by|by)\b|\b(?:revealed|reported|substantiated|documented|disclosed|revelations|findings)\s+by\b|\bsaid in a statement\b|\bin a statement\b|\btold\s+(?:reporters|journalists|the press|parliament|the assembly|a news conference|a press conference)\b",
    )
    .expect("static regex")
});

/// A named speaker and a verb of saying, the verb followed by what was said.
static SPEAKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"((?:[A-Z][\w’'.-]*\s+){0,4}[A-Z][\w’'.-]*)\s+(?:has\s+|have\s+|had\s+)?(?:also\s+|once\s+|recently\s+|earlier\s+|previously\s+|publicly\s+|repeatedly\s+)?(reported|said|says|stated|states|told|announced|assured|emphasi[sz]ed|highlighted|stressed|declared|warned|claimed|confirmed|insisted|admitted|revealed|disclosed|estimated|wrote|writes|tweeted|posted)\b(\s*[,:“\x22]|\s+(?:that|in|on|last|this|earlier|yesterday|today|after|during|at|reporters|journalists)\b)",
    )
    .expect("static regex")
});

/// Capitalised words that do not name a speaker (sentence openers, pronouns, unnamed groups).
const NOT_A_SPEAKER: &[&str] = &[
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "both",
    "each",
    "many",
    "some",
    "most",
    "few",
    "several",
    "officials",
    "experts",
    "critics",
    "analysts",
    "observers",
    "sources",
    "residents",
    "witnesses",
    "people",
    "others",
    "one",
    "as",
    "but",
    "and",
    "however",
    "moreover",
    "earlier",
    "later",
    "yesterday",
    "today",
    "on",
    "in",
    "when",
    "while",
    "if",
];

/// The claims of one sentence: at most one per kind.
pub(crate) fn detect(sentence: &str) -> Vec<(ClaimKind, Range<usize>)> {
    let mut out = Vec::new();
    if let Some(r) = statistic(sentence) {
        out.push((ClaimKind::Statistic, r));
    }
    let quote = quotation(sentence);
    if let Some(r) = quote.clone() {
        out.push((ClaimKind::Quotation, r));
    }
    if let Some(r) = attribution(sentence, quote.is_some()) {
        out.push((ClaimKind::Attribution, r));
    }
    // A date standing alone is a dateline, not an event.
    if let Some(m) = DATE.find(sentence).filter(|m| m.len() < sentence.trim_end_matches(['.', ':']).trim().len()) {
        out.push((ClaimKind::EventDate, m.range()));
    }
    out
}

fn statistic(s: &str) -> Option<Range<usize>> {
    let mut found: Vec<Range<usize>> = Vec::new();
    for re in [&*PERCENT, &*MONEY, &*QUANTITY] {
        found.extend(re.find_iter(s).filter(|m| !in_date_or_reference(s, m.start())).map(|m| m.range()));
    }
    for c in COUNT.captures_iter(s) {
        let (Some(all), Some(number), Some(noun)) = (c.get(0), c.get(1), c.get(2)) else { continue };
        let value = number.as_str().replace(',', "");
        let yearish = !number.as_str().contains([',', '.'])
            && value.len() == 4
            && (1000..2100).contains(&value.parse::<u32>().unwrap_or(0));
        let scaled =
            all.as_str().contains("million") || all.as_str().contains("billion") || all.as_str().contains("thousand");
        let last = noun.as_str().split_whitespace().last().unwrap_or("").to_lowercase();
        if (yearish && !scaled)
            || NOT_COUNTED.contains(&last.as_str())
            || in_date_or_reference(s, number.start())
            || ordinal_suffix(s, number.end())
        {
            continue;
        }
        found.push(all.start() + (all.len() - all.as_str().trim_start().len())..all.end());
    }
    for c in WORD_COUNT.captures_iter(s) {
        let (Some(all), Some(noun)) = (c.get(0), c.get(2)) else { continue };
        let last = noun.as_str().split_whitespace().last().unwrap_or("").to_lowercase();
        let before = s[..all.start()].split_whitespace().last().unwrap_or("").to_lowercase();
        let definite =
            matches!(before.as_str(), "the" | "these" | "those" | "its" | "their" | "our" | "all" | "his" | "her");
        if NOT_COUNTED.contains(&last.as_str()) || definite || last.ends_with("ss") {
            continue;
        }
        found.push(all.range());
    }
    found.into_iter().min_by_key(|r| r.start)
}

/// A number that is part of a reference ("Section 4.2", "No. 5") or of an address.
fn in_date_or_reference(s: &str, at: usize) -> bool {
    let before = s[..at].trim_end();
    let word = before.rsplit(char::is_whitespace).next().unwrap_or("").to_lowercase();
    let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
    [
        "section",
        "chapter",
        "article",
        "no.",
        "no",
        "nos",
        "vol.",
        "volume",
        "page",
        "p.",
        "pp.",
        "figure",
        "fig.",
        "table",
        "resolution",
        "paragraph",
        "para",
        "clause",
        "annex",
        "appendix",
        "via",
        "street",
        "road",
        "route",
        "sector",
        "block",
        "house",
    ]
    .contains(&word)
}

fn ordinal_suffix(s: &str, end: usize) -> bool {
    let rest = s.get(end..).unwrap_or("").to_ascii_lowercase();
    ["st ", "nd ", "rd ", "th "].iter().any(|x| rest.starts_with(x))
        || matches!(rest.as_str(), "st" | "nd" | "rd" | "th")
}

/// A quoted span of six words or more, in curly or straight double quotes.
fn quotation(s: &str) -> Option<Range<usize>> {
    let mut search = 0;
    while let Some(open) = s[search..].find(['“', '"']).map(|i| i + search) {
        let open_len = s[open..].chars().next().map_or(1, char::len_utf8);
        let body_start = open + open_len;
        let close = s[body_start..].find(['”', '"']).map(|i| i + body_start);
        let body_end = close.unwrap_or(s.len());
        let words = s[body_start..body_end].split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
        if words >= 6 {
            return Some(body_start..body_end);
        }
        match close {
            Some(c) => search = c + s[c..].chars().next().map_or(1, char::len_utf8),
            None => break,
        }
    }
    None
}

fn attribution(s: &str, quoted: bool) -> Option<Range<usize>> {
    let mut best = ATTRIBUTION.find(s).map(|m| m.range());
    for c in SPEAKER.captures_iter(s) {
        let (Some(name), Some(verb)) = (c.get(1), c.get(2)) else { continue };
        let named = name
            .as_str()
            .split_whitespace()
            .any(|w| !NOT_A_SPEAKER.contains(&w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase().as_str()));
        if !named {
            continue;
        }
        // A name that merely opens the sentence ("Pakistan said") counts; a lone opener that is
        // an ordinary word ("Officials said") was ruled out above.
        let mut start = name.start();
        for w in name.as_str().split_whitespace() {
            if !NOT_A_SPEAKER.contains(&w.to_lowercase().as_str()) {
                break;
            }
            start = name.start() + name.as_str().find(w).unwrap_or(0) + w.len();
        }
        let start = start + s[start..].len() - s[start..].trim_start().len();
        let r = start..verb.end();
        if best.as_ref().is_none_or(|b| r.start < b.start) {
            best = Some(r);
        }
        break;
    }
    if best.is_none() && quoted {
        // "He stated, “…”": a pronoun speaker is enough when the words are quoted.
        static QUOTED_SPEECH: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i)\b(?:said|says|stated|told \w+|declared|added|wrote|asked)\s*[,:]?\s*[“\x22]")
                .expect("static regex")
        });
        best = QUOTED_SPEECH.find(s).map(|m| m.range());
    }
    best
}

#[cfg(test)]
mod tests;
