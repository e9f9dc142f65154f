//! Is a cited author named on the page? Surname-based, forgiving of order, initials and accents.

use super::normalize::normalize;
use super::similarity::distance_within;

/// Whether the page names the cited `author`, by surname: case, accents, "Surname, Given"
/// order, initials ("T. Khan") and honorifics do not matter, and a given name must not
/// contradict (a different first initial). `page_text` (what was read of the page's visible
/// text) is searched for the surname when the metadata names someone else.
///
/// Returns `true` when it cannot judge: the page names no person (no author metadata, or only
/// desks, agencies and the site itself), or the cited author is a desk byline ("Staff Report",
/// "Web Desk"). An agency byline ("Reuters", "AFP") is found among the page's authors or in
/// its text.
///
/// ```
/// use citecheck::matching::author_named;
/// assert!(author_named("Khan, Tahir", &["Tahir Khan".to_string()], None));
/// assert!(!author_named("Kamran Yousaf", &["Tahir Khan".to_string()], None));
/// assert!(author_named("Kamran Yousaf", &[], None));
/// ```
pub fn author_named(author: &str, page_authors: &[String], page_text: Option<&str>) -> bool {
    CitedAuthor::new(author).named_in(page_authors, page_text)
}

/// A cited author read once, then looked for among any number of pages' authors.
#[derive(Debug, Clone)]
pub(crate) struct CitedAuthor {
    name: Option<Name>,
}

impl CitedAuthor {
    pub(crate) fn new(author: &str) -> CitedAuthor {
        CitedAuthor { name: Name::parse(author) }
    }

    /// [`author_named`] of this author.
    pub(crate) fn named_in(&self, page_authors: &[String], page_text: Option<&str>) -> bool {
        let Some(cited) = &self.name else { return true };
        if cited.is_desk() {
            return true;
        }
        let page: Vec<Name> = page_authors.iter().filter_map(|a| Name::parse(a)).collect();
        if cited.is_agency() {
            let agency = cited.joined();
            let named = page.iter().any(|p| p.joined().contains(&agency))
                || page_text.is_some_and(|t| contains_words(&normalize(t), &agency));
            return named || page.iter().all(|p| !p.is_person());
        }
        let people: Vec<&Name> = page.iter().filter(|p| p.is_person()).collect();
        if people.is_empty() {
            return true;
        }
        if people.iter().any(|p| cited.same_person(p)) {
            return true;
        }
        page_text.is_some_and(|t| {
            let text = normalize(t);
            cited.surname().is_some_and(|s| contains_words(&text, s))
        })
    }
}

/// Words of staff and desk bylines, which name no one.
const DESK: &[&str] = &[
    "staff",
    "desk",
    "correspondent",
    "reporter",
    "report",
    "editorial",
    "editor",
    "editors",
    "bureau",
    "team",
    "monitoring",
    "agencies",
    "agency",
    "newsroom",
    "admin",
    "administrator",
    "web",
    "online",
    "news",
    "unknown",
    "anonymous",
    "guest",
    "contributor",
    "writer",
    "writers",
];

/// News agencies, normalised.
const AGENCIES: &[&str] = &[
    "reuters",
    "afp",
    "ap",
    "app",
    "pti",
    "ani",
    "ians",
    "xinhua",
    "bloomberg",
    "associated press",
    "agence france presse",
    "anadolu",
    "anadolu agency",
    "irna",
    "tass",
    "ria novosti",
    "dpa",
    "efe",
    "ansa",
    "kyodo",
    "yonhap",
    "bernama",
    "wam",
    "spa",
    "nni",
    "inp",
    "online",
];

/// Words that make a "name" an organisation.
const ORG_WORDS: &[&str] = &[
    "the",
    "news",
    "times",
    "tribune",
    "post",
    "herald",
    "journal",
    "daily",
    "media",
    "network",
    "press",
    "tv",
    "radio",
    "magazine",
    "newspaper",
    "group",
    "institute",
    "ministry",
    "government",
    "university",
    "limited",
    "ltd",
    "inc",
    "com",
    "org",
    "foundation",
    "council",
    "association",
    "centre",
    "center",
    "service",
    "services",
];

/// Honorifics and suffixes that are not part of a surname.
const TITLES: &[&str] = &[
    "dr",
    "prof",
    "professor",
    "mr",
    "mrs",
    "ms",
    "miss",
    "sir",
    "dame",
    "jr",
    "sr",
    "ii",
    "iii",
    "iv",
    "phd",
    "md",
    "ambassador",
    "gen",
    "general",
    "lt",
    "col",
    "retd",
    "rtd",
    "by",
];

#[derive(Debug, Clone)]
struct Name {
    /// Normalised words, honorifics removed, in "Given Surname" order.
    words: Vec<String>,
}

impl Name {
    fn parse(s: &str) -> Option<Name> {
        // "Khan, Tahir" → "Tahir Khan" (only a single comma between two short parts).
        let reordered = match s.split_once(',') {
            Some((last, first))
                if !first.contains(',')
                    && last.split_whitespace().count() <= 3
                    && first.split_whitespace().count() <= 3
                    && !first.trim().is_empty() =>
            {
                format!("{} {}", first.trim(), last.trim())
            }
            _ => s.to_string(),
        };
        let words: Vec<String> = normalize(&reordered)
            .split(' ')
            .filter(|w| !w.is_empty() && !TITLES.contains(w))
            .map(str::to_string)
            .collect();
        (!words.is_empty()).then_some(Name { words })
    }

    fn joined(&self) -> String {
        self.words.join(" ")
    }

    fn is_desk(&self) -> bool {
        self.words.iter().any(|w| DESK.contains(&w.as_str())) && !self.is_agency()
    }

    fn is_agency(&self) -> bool {
        let j = self.joined();
        AGENCIES.contains(&j.as_str()) || self.words.iter().all(|w| AGENCIES.contains(&w.as_str()))
    }

    /// Names a person, not a desk, an agency or an organisation.
    fn is_person(&self) -> bool {
        !self.is_desk()
            && !self.is_agency()
            && !self.words.iter().any(|w| ORG_WORDS.contains(&w.as_str()))
            // A one-word "author" is nearly always the site's own name.
            && (2..=6).contains(&self.words.len())
            && self.words.iter().all(|w| !w.chars().any(|c| c.is_ascii_digit()))
    }

    fn surname(&self) -> Option<&str> {
        self.words.iter().rev().find(|w| w.chars().count() > 1).map(String::as_str)
    }

    fn same_person(&self, other: &Name) -> bool {
        let Some(surname) = self.surname() else { return false };
        let Some(at) = other.words.iter().position(|w| same_word(w, surname)) else { return false };
        let mine: Vec<&str> = self.words.iter().map(String::as_str).filter(|w| *w != surname).collect();
        let theirs: Vec<&str> =
            other.words.iter().enumerate().filter(|(i, _)| *i != at).map(|(_, w)| w.as_str()).collect();
        if mine.is_empty() || theirs.is_empty() {
            return true;
        }
        // Given names agree when one initial matches ("T" / "Tahir"; "Muhammad Tahir" / "Tahir").
        mine.iter().any(|m| theirs.iter().any(|t| m.chars().next() == t.chars().next()))
    }
}

/// Equal, or a one-letter transliteration slip in a long name ("Yousaf" / "Yousuf").
fn same_word(a: &str, b: &str) -> bool {
    a == b || (a.chars().count() >= 5 && b.chars().count() >= 5 && distance_within(a, b, 1).is_some())
}

fn contains_words(text: &str, words: &str) -> bool {
    !words.is_empty() && format!(" {text} ").contains(&format!(" {words} "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn surname_order_initials_and_accents() {
        assert!(author_named("Tahir Khan", &page(&["Tahir Khan"]), None));
        assert!(author_named("Khan, Tahir", &page(&["Tahir Khan"]), None));
        assert!(author_named("Tahir Khan", &page(&["KHAN, TAHIR"]), None));
        assert!(author_named("T. Khan", &page(&["Tahir Khan"]), None));
        assert!(author_named("Dr. Amina Khan", &page(&["Amina Khan"]), None));
        assert!(author_named("José Müller", &page(&["Jose Muller"]), None));
        assert!(author_named("Kamran Yousaf", &page(&["Kamran Yousuf"]), None));
        assert!(author_named("Jon Boone", &page(&["Saeed Shah", "Jon Boone"]), None));
    }

    #[test]
    fn different_people_are_not_named() {
        assert!(!author_named("Kamran Yousaf", &page(&["Tahir Khan"]), None));
        assert!(!author_named("Tahir Khan", &page(&["Amina Khan"]), None));
        assert!(!author_named("Abid Hussain", &page(&["Saeed Shah"]), Some("By Saeed Shah in Islamabad")));
    }

    #[test]
    fn page_text_rescues_a_byline() {
        assert!(author_named("Abid Hussain", &page(&["Saeed Shah"]), Some("By Abid Hussain and Saeed Shah")));
    }

    #[test]
    fn desks_agencies_and_silence() {
        assert!(author_named("Kamran Yousaf", &[], None));
        assert!(author_named("Kamran Yousaf", &page(&["The Express Tribune"]), None));
        assert!(author_named("Kamran Yousaf", &page(&["Web Desk"]), None));
        assert!(author_named("Staff Report", &page(&["Tahir Khan"]), None));
        assert!(author_named("Web Desk", &page(&["News Desk"]), None));
        assert!(author_named("Reuters", &page(&["Reuters"]), None));
        assert!(author_named("AFP", &page(&["Saeed Shah"]), Some("Islamabad (AFP) — Talks resumed.")));
        assert!(!author_named("Reuters", &page(&["Saeed Shah"]), Some("Islamabad — Talks resumed.")));
        assert!(author_named("Reuters", &page(&["Dawn"]), None));
        assert!(author_named("", &page(&["Tahir Khan"]), None));
    }
}
