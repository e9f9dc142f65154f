//! Titles written without quotation marks or italics: the sentences of a Vancouver (NLM)
//! reference, and the plain book or report title of a Chicago note in text converted from PDF.
//!
//! Both are read only where the shape of the citation leaves no doubt, since an unquoted run
//! of words is otherwise as likely a publication, a place or a description as a title.

use std::sync::LazyLock;

use regex::Regex;

use super::{
    CITY, Prepared, SKIP, STOP, Titled, URL_MARK, clean_container, clean_title, dates, names, segments, sentence_end,
};

// One Vancouver personal author: family name, then initials without periods ("Khan AR",
// "van der Berg P"). Upper-case letters are Latin (the regex build has no general categories);
// a family name continues in any letters.
static VANCOUVER_NAME: LazyLock<Regex> = LazyLock::new(|| {
    let word = r"[A-ZÀ-ÖØ-Þ][^\W\d_]*(?:['’\-][^\W\d_]+)*";
    let particle = "(?:van|von|de|der|den|del|da|di|du|la|le|al|el|bin|ibn)";
    Regex::new(&format!(r"^(?:{particle}\s+)*{word}(?:\s+(?:{word}|{particle}))*\s+[A-Z]{{1,3}}"))
        .expect("static regex")
});

/// Most authors a Vancouver list names before "et al." (the style's own limit is six).
const MAX_VANCOUVER_AUTHORS: usize = 30;

/// The Vancouver author list that opens `t` ("Khan AR, Memon S, Baig N." or "Khan AR, et
/// al."): where the names end, where the text after the closing period starts, and how many
/// names there are.
fn vancouver_authors(t: &str) -> Option<(usize, usize, usize)> {
    let mut pos = t.len() - t.trim_start().len();
    let mut count = 0;
    while count < MAX_VANCOUVER_AUTHORS {
        let m = VANCOUVER_NAME.find(t.get(pos..)?)?;
        pos += m.end();
        count += 1;
        let rest = t.get(pos..)?;
        if let Some(after) = rest.strip_prefix(". ") {
            return Some((pos, t.len() - after.trim_start().len(), count));
        }
        let after_comma = rest.strip_prefix(", ")?.trim_start();
        if let Some(after) = after_comma.strip_prefix("et al. ") {
            let end = t.len() - after_comma.len() + "et al".len();
            return Some((end, t.len() - after.trim_start().len(), count));
        }
        pos = t.len() - after_comma.len();
    }
    None
}

// What only a Vancouver reference says: "[Internet]", "[cited 2025 Jun 30]", "Available from:",
// "2025;34:100551", "2024 Jun 26".
static VANCOUVER_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\[internet\]|\[cited\s|\bavailable from:|\b[0-9]{4}(?:\s+[a-z]{3}(?:\s+[0-9]{1,2})?)?;\s*[0-9]|\.\s+[0-9]{4}\s+(?-i:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b",
    )
    .expect("static regex")
});

// A Vancouver book's "Place: Publisher; Year".
static VANCOUVER_PUBLISHER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[A-Z][\w.'-]*\s?){1,3}(?:,\s*[A-Z]{2})?:\s+(?P<publisher>[^;:]{1,120});").expect("static regex")
});

/// Vancouver: "Authors. Title \[Internet\]. Journal or Place: Publisher. Date …". The authors are
/// personal names in Vancouver form, or a single organisation when the note carries a cue only
/// Vancouver uses; the title is the next sentence and the publication the one after it.
pub(super) fn vancouver(prep: &Prepared) -> Option<Titled> {
    let t = prep.text.as_str();
    let cue = VANCOUVER_CUE.is_match(t);
    let (authors_end, title_start) = match vancouver_authors(t) {
        Some((end, title_start, count)) => {
            if count < 2 && !cue {
                return None;
            }
            (end, title_start)
        }
        None if cue => {
            // An organisation: the first sentence, if it reads as a name.
            let end = sentence_end(t, 0, &[]);
            let head = t.get(..end)?;
            if end >= t.len() || head.chars().any(|c| c.is_ascii_digit()) || names::authors(head).is_empty() {
                return None;
            }
            let gap = t.get(end + 1..)?;
            (end, end + 1 + (gap.len() - gap.trim_start().len()))
        }
        None => return None,
    };
    let title_end = sentence_end(t, title_start, &prep.italics);
    let title = clean_title(t.get(title_start..title_end)?)?;
    // The publication is the next sentence: a journal, a newspaper, or "Place: Publisher; Year".
    let next = title_end + usize::from(t.get(title_end..).is_some_and(|s| s.starts_with('.')));
    let next_text = t.get(next..)?;
    let pub_start = next + (next_text.len() - next_text.trim_start().len());
    let pub_end = sentence_end(t, pub_start, &prep.italics);
    let sentence = t.get(pub_start..pub_end).unwrap_or("").trim();
    let container = match VANCOUVER_PUBLISHER.captures(sentence) {
        Some(c) => c.name("publisher").and_then(|p| clean_container(p.as_str())),
        None if sentence.starts_with(|c: char| c.is_ascii_digit()) || sentence.contains(URL_MARK) => None,
        None if STOP.is_match(sentence) => None,
        None => clean_container(super::BRACKET_TAIL.replace(sentence, "").as_ref()),
    };
    // Nothing after the title is read as a publication when the next sentence is not one.
    let after = if container.is_some() { pub_end } else { t.len() };
    Some(Titled {
        title,
        span: title_start..title_end,
        authors_end,
        after,
        period_mode: true,
        italic: false,
        container,
        rest: title_end..t.len(),
    })
}

/// Longest plain title looked for, in bytes.
const MAX_TITLE: usize = 600;

// Publication facts after a book or report title: "(New Delhi: Routledge India, 2021)",
// "(Geneva, November 2024)", "(Manila: ADB, n.d.)".
static PUB_FACTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\((?P<inner>[^()]{1,200}?[:,][^()]{0,200}?(?:\b[0-9]{4}[a-z]?|n\.\s?d\.?))\)").expect("static regex")
});

/// Whether `r` (from a "(") may start with [`PUB_FACTS`]: the parentheses close before another
/// opens, and hold a ":" or "," and a digit or "n.". Most parentheses in titles do not, and
/// PUB_FACTS takes milliseconds to compile.
fn may_be_pub_facts(r: &str) -> bool {
    let inner = r.get(1..).unwrap_or("");
    match inner.find(['(', ')']) {
        Some(j) if inner[j..].starts_with(')') => {
            let s = &inner[..j];
            s.contains([':', ',']) && (s.bytes().any(|b| b.is_ascii_digit()) || s.contains("n."))
        }
        _ => false,
    }
}

// Notes about interviews and correspondence cite people, not works.
static NOT_A_WORK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:interviews?|personal communication|conversation|correspondence|e-?mail)\b")
        .expect("static regex")
});

/// Chicago notes for books and reports, with the title in roman type: "Author, Title (Place:
/// Publisher, Year), pages" or "Organisation, Title, Month Year, URL". The authors must read as
/// names; the title must be closed by publication facts in parentheses, or be followed by a
/// year or month (not a day: "Author, Newspaper, 23 March 2025" is a newspaper without a
/// title) or by a lower-case description ("report by the Director-General").
pub(super) fn chicago_roman(prep: &Prepared) -> Option<Titled> {
    let t = prep.text.as_str();
    if NOT_A_WORK.is_match(t) {
        return None;
    }
    let found = dates::find(t);
    let segs = segments(t, 0, &found, 16);
    if segs.first()?.sep != ',' {
        return None;
    }
    // "A, B, and C, Title": the authors run to the segment opening with "and".
    let mut k = 1;
    for (j, seg) in segs.iter().enumerate().take(6).skip(1) {
        let s = t.get(seg.start..seg.end)?.trim();
        if seg.sep != ',' {
            break;
        }
        if s.starts_with("and ") || s.starts_with("& ") {
            k = j + 1;
            break;
        }
        if names::authors(s).is_empty() {
            break;
        }
    }
    let authors_end = segs[k - 1].end;
    if names::authors(t.get(..authors_end)?).is_empty() {
        return None;
    }
    let title_seg = *segs.get(k)?;
    let raw = t.get(title_seg.start..)?;
    let start = title_seg.start + (raw.len() - raw.trim_start().len());
    if !t.get(start..)?.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) {
        return None;
    }
    // The title may hold commas when publication facts close it; it never runs past a
    // sentence, a URL or the end of the note.
    let mut region_end = segs.iter().skip(k).find(|s| s.sep != ',').map_or(t.len(), |s| s.end).min(start + MAX_TITLE);
    while !t.is_char_boundary(region_end) {
        region_end -= 1;
    }
    let region = t.get(start..region_end)?;
    for (i, _) in region.match_indices('(') {
        let Some(m) = region.get(i..).filter(|r| may_be_pub_facts(r)).and_then(|r| PUB_FACTS.captures(r)) else {
            continue;
        };
        let before = region.get(..i)?;
        // "Ministry of Culture, Tourism and Civil Aviation, Plan (…)": when what follows the
        // first comma could still be the author's name, where the title starts is a guess.
        if let Some((first, _)) = before.split_once(',')
            && !first.contains(':')
            && !names::authors(first).is_empty()
        {
            return None;
        }
        let title = clean_title(before)?;
        let end = start + region.get(..i)?.trim_end().trim_end_matches(',').len();
        let after = start + i + m.get(0)?.end();
        return Some(Titled {
            title,
            span: start..end,
            authors_end,
            after,
            period_mode: false,
            italic: false,
            container: m.name("inner").and_then(|inner| publisher(inner.as_str())),
            rest: after..t.len(),
        });
    }
    // No publication facts: the title is one part, and what follows must close it.
    if title_seg.sep != ',' {
        return None;
    }
    let text = t.get(start..title_seg.end)?.trim();
    if text.contains(['(', ')']) || text.split_whitespace().count() < 2 || dates::is_date(text) || STOP.is_match(text) {
        return None;
    }
    let next = segs.get(k + 1)?;
    let next_text = t.get(next.start..next.end)?.trim();
    let closes = match dates::find(next_text).first() {
        Some(d) if d.start == 0 && dates::is_date(next_text) => d.date.day.is_none(),
        _ => {
            dates::is_date(next_text)
                || (next_text.starts_with(|c: char| c.is_lowercase()) && !STOP.is_match(next_text))
                || SKIP.is_match(next_text)
        }
    };
    if !closes {
        return None;
    }
    let title = clean_title(text)?;
    Some(Titled {
        title,
        span: start..title_seg.end,
        authors_end,
        after: title_seg.end,
        period_mode: false,
        italic: false,
        container: None,
        rest: title_seg.end..t.len(),
    })
}

/// The publisher in "New Delhi: Routledge India, 2021"; nothing when only a place and a date
/// are given ("Geneva, November 2024").
fn publisher(inner: &str) -> Option<String> {
    let kept = inner
        .split(',')
        .map(str::trim)
        .take_while(|part| !dates::is_date(part) && !SKIP.is_match(part))
        .collect::<Vec<_>>()
        .join(", ");
    CITY.captures(&kept).and_then(|c| c.name("publisher")).and_then(|p| clean_container(p.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_publication_facts_guard_passes_everything_the_pattern_matches() {
        let texts = [
            "(New Delhi: Routledge India, 2021), 45",
            "(Geneva, November 2024)",
            "(Manila: ADB, n.d.)",
            "(Manila: ADB, n. d)",
            "(report 0)",
            "(London: (Verso), 2019)",
            "(2019, London)",
            "(a, b",
            "(",
        ];
        for t in texts {
            if PUB_FACTS.is_match(t) {
                assert!(may_be_pub_facts(t), "{t:?}");
            }
        }
        assert!(texts[..4].iter().all(|t| PUB_FACTS.is_match(t)), "the examples exercise the pattern");
        assert!(!may_be_pub_facts("(report 0)") && !may_be_pub_facts("(London: (Verso), 2019)"));
    }
}
