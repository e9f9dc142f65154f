//! Notes that repeat an earlier one: recognising "Ibid.", "Id.", "op. cit." (and Chicago's
//! short form, found by the field parser), and resolving each to the note it repeats.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::fields::{Fields, Repeat};
use super::markup::URL_MARK;
use super::names;

static IBID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)^\s*(?:see\s+(?:also\s+)?)?(?:ibid(?:em)?\b\.?|id\.|id,)\s*[,.:;]?\s*(?P<rest>.*)$")
        .expect("static regex")
});

static OP_CIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)^\s*(?P<author>.{0,200}?)[\s,]*\b(?:op|loc)\.?\s*cit\b\.?\s*[,.:;]?\s*(?P<rest>.*)$")
        .expect("static regex")
});

// What every match of OP_CIT contains, without its word boundaries and captures: a search
// the DFA answers, so that notes with "cit" in another word ("City", "cited") skip OP_CIT,
// whose lazy author group sends the search to the backtracker.
static OP_CIT_WORDS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?is)(?:op|loc)\.?\s*cit").expect("static regex"));

static LOCATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:pp?\.|paras?\.?|paragraph|at\b|§|ch(?:ap)?\.|chapter|sec(?:tion)?\.?|fn\.?|n\.|notes?\b|col\.|vol\.|[0-9]|[ivxlc]+\b)")
        .expect("static regex")
});

/// "Ibid.", "Ibid., p. 4", "ibid, 12", "Id.", "Khan, op. cit., p. 4", "op. cit.".
pub(crate) fn detect(text: &str) -> Option<Repeat> {
    // Most notes are no repeat: a cheap look for the words first keeps the regexes (whose
    // lazy author group backtracks) off the common path.
    let head = text.get(..text.len().min(400)).unwrap_or(text).as_bytes();
    let lower_at = |i: usize| head.get(i).map(u8::to_ascii_lowercase);
    // "ibid", "id." or "id,", in any ASCII case.
    let ibid_or_id = memchr::memchr2_iter(b'i', b'I', head).any(|i| {
        (lower_at(i + 1) == Some(b'd') && matches!(head.get(i + 2), Some(b'.' | b',')))
            || head.get(i + 1..i + 4).is_some_and(|w| w.eq_ignore_ascii_case(b"bid"))
    });
    let cit = || {
        memchr::memchr2_iter(b'c', b'C', head)
            .any(|i| head.get(i + 1..i + 3).is_some_and(|w| w.eq_ignore_ascii_case(b"it")))
    };
    if !ibid_or_id && !cit() {
        return None;
    }
    if let Some(c) = IBID.captures(text) {
        return Some(Repeat::Ibid { pinpoint: pinpoint(c.name("rest").map_or("", |m| m.as_str())) });
    }
    if !OP_CIT_WORDS.is_match(text) {
        return None;
    }
    let c = OP_CIT.captures(text)?;
    let author = c.name("author").map_or("", |m| m.as_str());
    if author.contains(URL_MARK) || author.chars().count() > 120 {
        // "op. cit." late in a full citation ("…, quoted in Khan, op. cit.") is no repeat.
        return None;
    }
    // The author is the first part: "Khan, “Envoy wraps up”, op. cit." repeats Khan.
    let author = author.split([',', '“', '"', '‘']).next().unwrap_or("").trim().trim_end_matches(['.', ' ']);
    let author = (!author.is_empty() && author.chars().any(char::is_alphabetic)).then(|| author.to_owned());
    Some(Repeat::OpCit { author, pinpoint: pinpoint(c.name("rest").map_or("", |m| m.as_str())) })
}

/// A short page or paragraph reference after the repeat word; anything longer is prose.
fn pinpoint(rest: &str) -> Option<String> {
    let rest = rest.trim().trim_end_matches(['.', ',', ';', ' ']).trim();
    (!rest.is_empty() && rest.chars().count() <= 40 && LOCATOR.is_match(rest)).then(|| rest.to_owned())
}

/// What resolving repeats reads of a note: its own repeat, if it is one, and its authors and
/// title, if it is an original.
pub(crate) trait Cited {
    fn repeat(&self) -> Option<&Repeat>;
    fn authors(&self) -> &[String];
    fn title(&self) -> Option<&str>;
}

impl Cited for Fields {
    fn repeat(&self) -> Option<&Repeat> {
        self.repeat.as_ref()
    }
    fn authors(&self) -> &[String] {
        &self.authors
    }
    fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }
}

/// For each note, the index of the earlier note it repeats, if it is a repeat. The result is
/// never itself a repeat: a chain of "Ibid." notes leads back to the original. `None` when
/// nothing fits (an "Ibid." first, an "op. cit." whose author no earlier note has).
pub(crate) fn resolve<C: Cited>(fields: &[C], labels: &[&str]) -> Vec<Option<usize>> {
    let mut out: Vec<Option<usize>> = Vec::with_capacity(fields.len());
    // "op. cit., note 5" / "n. 5" names the note it repeats: that wins over any guess.
    let by_label = |pinpoint: &Option<String>, before: usize| -> Option<usize> {
        let p = pinpoint.as_deref()?.trim().to_ascii_lowercase();
        let rest = p.strip_prefix("note").or_else(|| p.strip_prefix("n."))?;
        let label = rest.trim_start_matches(['.', ' ']).split([',', ' ', ';']).next()?;
        (0..before).rev().find(|&j| labels.get(j) == Some(&label) && fields[j].repeat().is_none())
    };
    // Family name → the last original note with an author of that name; and the same for the
    // whole name, which tells corporate authors apart ("Asian Development Bank" from "World
    // Bank", whose last words agree).
    // The maps are built only when an "op. cit." with an author asks (most documents have
    // none), from the notes not yet indexed: the same maps as when built note by note.
    let mut by_surname: HashMap<String, usize> = HashMap::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut indexed = 0;
    for (i, f) in fields.iter().enumerate() {
        let previous = || {
            let p = i.checked_sub(1)?;
            if fields[p].repeat().is_some() { out[p] } else { Some(p) }
        };
        let named = match f.repeat() {
            Some(Repeat::OpCit { pinpoint, .. }) | Some(Repeat::Ibid { pinpoint }) => by_label(pinpoint, i),
            _ => None,
        };
        let target = match (named, f.repeat()) {
            (Some(j), _) => Some(j),
            (None, None) => None,
            (None, Some(Repeat::Ibid { .. }) | Some(Repeat::OpCit { author: None, .. })) => previous(),
            (None, Some(Repeat::OpCit { author: Some(a), .. })) => {
                for (j, g) in fields.iter().enumerate().take(i).skip(indexed) {
                    if g.repeat().is_none() {
                        for a in g.authors() {
                            if let Some(s) = names::surname(a) {
                                by_surname.insert(s, j);
                            }
                            by_name.insert(fold(a), j);
                        }
                    }
                }
                indexed = i;
                by_name.get(&fold(a)).or_else(|| names::surname(a).and_then(|s| by_surname.get(&s))).copied()
            }
            (None, Some(Repeat::Short { author, title, .. })) => short_target(fields, i, author.as_deref(), title),
        };
        out.push(target);
    }
    out
}

/// How far back a short form is looked for (bounds the work on a document of short forms).
const SHORT_LOOKBACK: usize = 1000;

/// The last original note whose title starts with the short title (ignoring case, punctuation
/// and spacing) and, when an author is given, has an author of that family name.
fn short_target<C: Cited>(fields: &[C], i: usize, author: Option<&str>, title: &str) -> Option<usize> {
    let want = fold(title);
    if want.is_empty() {
        return None;
    }
    let surname = author.and_then(names::surname);
    (i.saturating_sub(SHORT_LOOKBACK)..i).rev().find(|&j| {
        let f = &fields[j];
        f.repeat().is_none()
            && f.title().is_some_and(|t| fold(t).starts_with(&want))
            && surname.as_ref().is_none_or(|s| f.authors().iter().any(|a| names::surname(a).as_ref() == Some(s)))
    })
}

fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            let start = out.len();
            out.push_str(word);
            out[start..].make_ascii_lowercase();
        } else {
            out.push_str(&word.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ibid(pinpoint: Option<&str>) -> Option<Repeat> {
        Some(Repeat::Ibid { pinpoint: pinpoint.map(str::to_owned) })
    }

    fn opcit(author: Option<&str>, pinpoint: Option<&str>) -> Option<Repeat> {
        Some(Repeat::OpCit { author: author.map(str::to_owned), pinpoint: pinpoint.map(str::to_owned) })
    }

    #[test]
    fn detects_repeats() {
        assert_eq!(detect("Ibid."), ibid(None));
        assert_eq!(detect("Ibid"), ibid(None));
        assert_eq!(detect("Ibid., p. 4."), ibid(Some("p. 4")));
        assert_eq!(detect("ibid, 12"), ibid(Some("12")));
        assert_eq!(detect("Ibidem, pp. 4–5."), ibid(Some("pp. 4–5")));
        assert_eq!(detect("Id."), ibid(None));
        assert_eq!(detect("Id., at 5."), ibid(Some("at 5")));
        assert_eq!(detect("Ibid. The minister said more later."), ibid(None));
        assert_eq!(detect("Khan, op. cit., p. 4"), opcit(Some("Khan"), Some("p. 4")));
        assert_eq!(detect("Khan, op. cit."), opcit(Some("Khan"), None));
        assert_eq!(detect("op. cit."), opcit(None, None));
        assert_eq!(detect("Tahir Khan, op cit, 7."), opcit(Some("Tahir Khan"), Some("7")));
        assert_eq!(detect("Khan, “Envoy wraps up”, op. cit., 3."), opcit(Some("Khan"), Some("3")));
        assert_eq!(detect("Khan, loc. cit."), opcit(Some("Khan"), None));
    }

    #[test]
    fn ordinary_notes_are_not_repeats() {
        for t in [
            "Identity politics, “Title”, Dawn, 2025.",
            "Idaho Statesman, 2020.",
            "Kamran Yousaf, “Envoy wraps up fruitful Kabul trip”, *Express Tribune*, March 24, 2025",
            "See the discussion in chapter 2.",
            "The opera cited in the text.",
            "Kamran Yousaf, “Envoy wraps up”, Express Tribune, \u{E000}, quoted in Khan, op. cit.",
        ] {
            assert_eq!(detect(t), None, "{t}");
        }
    }

    fn original(author: &str, title: &str) -> Fields {
        Fields { authors: vec![author.to_owned()], title: Some(title.to_owned()), ..Fields::default() }
    }

    fn repeat(r: Option<Repeat>) -> Fields {
        Fields { repeat: r, ..Fields::default() }
    }

    #[test]
    fn resolves_chains_to_originals() {
        let notes = vec![
            repeat(ibid(None)),                                              // 0: nothing before
            original("Khan, T.", "Peace and progress"),                      // 1
            repeat(ibid(Some("p. 4"))),                                      // 2 → 1
            repeat(ibid(None)),                                              // 3 → 1 (chain)
            original("Kamran Yousaf", "Envoy wraps up fruitful Kabul trip"), // 4
            repeat(opcit(Some("Khan"), Some("p. 4"))),                       // 5 → 1
            repeat(ibid(None)),                                              // 6 → 1 (ibid of an op. cit.)
            repeat(opcit(None, None)),                                       // 7 → 1 (previous, resolved)
            repeat(opcit(Some("Boone"), None)),                              // 8 → none
            repeat(ibid(None)),                                              // 9 → none (previous unresolved)
            repeat(Some(Repeat::Short {
                author: Some("Yousaf".into()),
                title: "Envoy wraps up".into(),
                pinpoint: Some("3".into()),
            })), // 10 → 4
            repeat(Some(Repeat::Short { author: Some("Khan".into()), title: "Envoy".into(), pinpoint: None })), // 11 → none
            original("Tahir Khan", "Another piece"),                                                            // 12
            repeat(opcit(Some("Khan"), None)), // 13 → 12 (the last Khan)
            original("Asian Development Bank", "Trade Corridors"), // 14
            original("World Bank", "Economic Monitor"), // 15
            repeat(opcit(Some("Asian Development Bank"), None)), // 16 → 14 (the whole name)
            repeat(opcit(Some("Bank"), None)), // 17 → 15 (the last Bank)
        ];
        assert_eq!(
            resolve(&notes, &[]),
            [
                None,
                None,
                Some(1),
                Some(1),
                None,
                Some(1),
                Some(1),
                Some(1),
                None,
                None,
                Some(4),
                None,
                None,
                Some(12),
                None,
                None,
                Some(14),
                Some(15)
            ]
        );
    }
}

#[cfg(test)]
mod by_label_tests {
    use super::*;

    #[test]
    fn op_cit_naming_a_note_repeats_that_note() {
        let notes: Vec<Fields> =
            ["Khan, “First”, 2020.", "Yousaf, “Second”, 2021.", "Other, “Third”, 2022.", "Khan, op. cit., note 1."]
                .iter()
                .map(|t| super::super::fields::parse(t, &[]))
                .collect();
        assert_eq!(resolve(&notes, &["1", "2", "3", "4"])[3], Some(0));
        let notes: Vec<Fields> = ["Khan, “First”, 2020.", "Yousaf, “Second”, 2021.", "op. cit., n. 2."]
            .iter()
            .map(|t| super::super::fields::parse(t, &[]))
            .collect();
        assert_eq!(resolve(&notes, &["1", "2", "3"])[2], Some(1));
    }
}
