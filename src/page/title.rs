//! Page titles: cleaning, and splitting a site name (and section) off a `<title>`.

use crate::matching::normalize::{is_unspaced_script, tokenize};
use crate::matching::publication::names_publication;

/// Longest title kept, in characters; longer text is cut at a character boundary.
pub(crate) const MAX_TITLE_CHARS: usize = 1000;

/// Separators sites put between a headline, a section and their own name.
const SEPARATORS: &[&str] =
    &[" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ", " « ", " ~ ", "｜", "丨", " ‹ ", " › "];

pub(crate) use crate::sanitize::strip_controls;

/// Strips control sequences, collapses white space, trims, and caps the length. Empty text
/// gives `None`.
pub(crate) fn clean(text: &str) -> Option<String> {
    let text = strip_controls(text);
    let mut out = String::with_capacity(text.len().min(MAX_TITLE_CHARS * 4));
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars >= MAX_TITLE_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars >= MAX_TITLE_CHARS {
                break;
            }
            out.push(c);
            chars += 1;
        }
    }
    let out = out.trim_end().to_string();
    (!out.is_empty()).then_some(out)
}

/// Splits `title` at the separators sites use; each segment is trimmed, and the separator that
/// preceded it is kept (`""` for the first).
pub(crate) fn segments(title: &str) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut sep_before = "";
    let mut i = 0;
    while i < title.len() {
        let rest = &title[i..];
        // Chinese sites also separate with a bare "_" ("标题_新华网").
        let underscore = rest.starts_with('_')
            && (title[..i].chars().next_back().is_some_and(is_unspaced_script)
                || title[i + 1..].chars().next().is_some_and(is_unspaced_script));
        if let Some(sep) = SEPARATORS.iter().find(|s| rest.starts_with(**s)).copied().or(underscore.then_some("_")) {
            out.push((sep_before, title[start..i].trim()));
            sep_before = sep;
            i += sep.len();
            start = i;
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    out.push((sep_before, title[start..].trim()));
    out
}

/// The headline of a `<title>` with the site name (and a section name next to it) taken off:
/// "Headline - Pakistan - DAWN.COM" → "Headline", "The Guardian: Headline" → "Headline".
///
/// A segment is the site when it names one of `sites` or the `host`; failing that, a short
/// trailing segment that looks like a name (a domain, or a few capitalised words much shorter
/// than the rest) is taken for one. `None` when nothing was taken off.
pub(crate) fn split_site(title: &str, sites: &[&str], host: Option<&str>) -> Option<String> {
    let segs = segments(title);
    let is_site = |s: &str| names_publication(s, sites, host);
    let words = |s: &[(&str, &str)]| s.iter().map(|(_, t)| weight(t)).sum::<usize>();
    let mut start = 0;
    let mut end = segs.len();
    let mut peeled = false;
    while end > start + 1 && is_site(segs[end - 1].1) {
        end -= 1;
        peeled = true;
    }
    if !peeled && end >= 2 && looks_like_site(segs[end - 1].1, words(&segs[..end - 1])) {
        end -= 1;
        peeled = true;
    }
    if peeled {
        // "Headline | Section | Site": up to two short section names before the site.
        let mut sections = 0;
        while sections < 2 && end > start + 1 {
            let seg = segs[end - 1].1;
            let n = weight(seg);
            if n > 3 || seg.chars().count() > 30 || 2 * n > words(&segs[start..end - 1]) {
                break;
            }
            end -= 1;
            sections += 1;
        }
    }
    while start + 1 < end && is_site(segs[start].1) {
        start += 1;
    }
    if !peeled && start == 0 && end >= 2 && looks_like_site(segs[0].1, words(&segs[1..end])) {
        start = 1;
    }
    let mut main = String::new();
    for (i, (sep, text)) in segs[start..end].iter().enumerate() {
        if i > 0 {
            main.push_str(sep);
        }
        main.push_str(text);
    }
    // "Site: Headline".
    if let Some((head, rest)) = main.split_once(": ") {
        let unpeeled = !peeled && start == 0;
        if !rest.trim().is_empty() && (is_site(head) || (unpeeled && looks_like_site(head, weight(rest)))) {
            main = rest.trim().to_string();
        }
    }
    let main = clean(&main)?;
    (main != clean(title)?).then_some(main)
}

/// A short trailing segment that reads as a name: a domain (`DAWN.COM`), or at most four
/// words (eight characters of Chinese or Japanese), none starting with a lower-case letter, at
/// most half as long as the headline before it.
fn looks_like_site(seg: &str, words_before: usize) -> bool {
    let seg = seg.trim();
    if seg.is_empty() || seg.chars().count() > 40 {
        return false;
    }
    let is_domain = !seg.contains(' ')
        && seg.rsplit_once('.').is_some_and(|(name, tld)| {
            !name.is_empty() && (2..=6).contains(&tld.len()) && tld.chars().all(|c| c.is_ascii_alphabetic())
        });
    if is_domain {
        return true;
    }
    let n = weight(seg);
    let limit = if seg.chars().any(is_unspaced_script) { 8 } else { 4 };
    n <= limit
        && 2 * n <= words_before
        && seg.split_whitespace().all(|w| w.chars().next().is_some_and(|c| !c.is_lowercase()))
}

/// The length of a segment in words (characters for scripts written without spaces).
fn weight(s: &str) -> usize {
    tokenize(s).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_site_and_section_suffixes() {
        let dawn = "Peace and progress in Afghanistan necessary for regional stability: envoy - Pakistan - DAWN.COM";
        let want = "Peace and progress in Afghanistan necessary for regional stability: envoy";
        assert_eq!(split_site(dawn, &["DAWN.COM"], Some("www.dawn.com")).as_deref(), Some(want));
        assert_eq!(split_site(dawn, &[], None).as_deref(), Some(want));
        let guardian = "Pakistan 'walking the talk' on peace in Afghanistan | Pakistan | The Guardian";
        let want = "Pakistan 'walking the talk' on peace in Afghanistan";
        assert_eq!(split_site(guardian, &["the Guardian"], Some("www.theguardian.com")).as_deref(), Some(want));
        assert_eq!(split_site(guardian, &[], None).as_deref(), Some(want));
    }

    #[test]
    fn splits_site_prefixes() {
        assert_eq!(
            split_site("Al Jazeera: Taliban talks resume", &["Al Jazeera"], None).as_deref(),
            Some("Taliban talks resume")
        );
        assert_eq!(
            split_site("TOLOnews | Afghanistan signs deal with Iran", &[], Some("tolonews.com")).as_deref(),
            Some("Afghanistan signs deal with Iran")
        );
        // With nothing to compare with, a short capitalised prefix reads as a site name.
        assert_eq!(
            split_site("Port Gazette: Harbour pilots agree new contract", &[], None).as_deref(),
            Some("Harbour pilots agree new contract")
        );
        assert_eq!(
            split_site("Port Gazette | Harbour pilots agree new contract", &[], None).as_deref(),
            Some("Harbour pilots agree new contract")
        );
    }

    #[test]
    fn leaves_real_titles_alone() {
        assert_eq!(
            split_site(
                "Peace and progress in Afghanistan necessary for regional stability: envoy",
                &["Dawn"],
                Some("dawn.com")
            ),
            None
        );
        assert_eq!(split_site("Torkham border reopens - jirga talks succeed", &[], None), None);
        assert_eq!(split_site("DAWN.COM", &[], Some("dawn.com")), None);
        assert_eq!(split_site("", &[], None), None);
    }

    #[test]
    fn strips_terminal_controls() {
        let hostile = "<b>Border</b> \u{1b}]8;;https://evil.test/x\u{1b}\\talks\u{1b}]8;;\u{1b}\\ \u{1b}[31mresume\u{1b}[0m\u{1b}]0;owned\u{7} \u{9b}2J\u{202e}today";
        assert_eq!(clean(hostile).as_deref(), Some("<b>Border</b> talks resume today"));
        assert_eq!(clean("\u{1b}").as_deref(), None);
        assert_eq!(clean("a\u{1b}[").as_deref(), Some("a"));
        assert_eq!(clean("عربي\u{200f} text").as_deref(), Some("عربي\u{200f} text"));
    }

    #[test]
    fn cleans_and_caps() {
        assert_eq!(clean("  a \n\t b  ").as_deref(), Some("a b"));
        assert_eq!(clean(" \n "), None);
        assert_eq!(clean(&"é".repeat(5000)).map(|s| s.chars().count()), Some(MAX_TITLE_CHARS));
    }
}
