//! Does a cited publication name the site a page was found on ("Dawn" vs `DAWN.COM`/dawn.com)?

use std::borrow::Cow;

use super::normalize::normalize;
use super::similarity::similarity;

/// Whether the publication a reference cites is the site its page lives on, judged against the
/// page's own site name (`og:site_name` and the like) and the host it was served from.
///
/// Lenient by design: it returns `true` when it cannot tell (no site and no host, or a cited
/// name that normalises to nothing), and accepts a leading "The", domain suffixes (`DAWN.COM`),
/// generic words (`News`, `TV`, `English`, `Online`), a name written as one word (`TOLOnews`),
/// a host that holds the name or an acronym of it (`pakpips.com` for "Pakistan Institute for
/// Peace Studies (PIPS)") and small spelling slips.
///
/// ```
/// use citecheck::matching::same_publication;
/// assert!(same_publication("Express Tribune", Some("The Express Tribune"), Some("tribune.com.pk")));
/// assert!(same_publication("Dawn", None, Some("www.dawn.com")));
/// assert!(!same_publication("Dawn", Some("The Guardian"), Some("www.theguardian.com")));
/// ```
pub fn same_publication(cited: &str, site: Option<&str>, host: Option<&str>) -> bool {
    CitedPublication::new(cited).matches(site, host)
}

/// A cited publication read once, then held against any number of sites and hosts (a page's, a
/// redirect's, an archived copy's, a DOI's registered journal and publisher).
#[derive(Debug, Clone)]
pub(crate) struct CitedPublication {
    names: Names,
}

impl CitedPublication {
    pub(crate) fn new(cited: &str) -> CitedPublication {
        CitedPublication { names: Names::of(cited) }
    }

    /// [`same_publication`] of this publication.
    pub(crate) fn matches(&self, site: Option<&str>, host: Option<&str>) -> bool {
        // A site that normalises to nothing has no names; a host, no labels.
        let site = site.map(Names::of).filter(|s| !s.compacts.is_empty());
        let labels = host.map(host_labels).filter(|l| !l.is_empty());
        if site.is_none() && labels.is_none() {
            return true;
        }
        let cited = &self.names;
        if cited.compacts.is_empty() {
            return true;
        }
        if let Some(site) = &site {
            if cited.loosely_matches(site) {
                return true;
            }
        }
        if let Some(labels) = &labels {
            if cited.matches_host(labels, true) {
                return true;
            }
        }
        false
    }
}

/// Strict form used to recognise a site name inside a page title ("… - DAWN.COM"): the text
/// must *be* the publication (up to "The", a domain suffix, generic words), not merely share a
/// word with it. False when there is nothing to compare with.
pub(crate) fn names_publication(text: &str, sites: &[&str], host: Option<&str>) -> bool {
    let t = Names::of(text);
    if t.compacts.is_empty() {
        return false;
    }
    if sites.iter().any(|s| t.strictly_matches(&Names::of(s))) {
        return true;
    }
    host.is_some_and(|h| t.matches_host(&host_labels(h), false))
}

/// Words that say what kind of outlet a name is rather than which one.
const GENERIC: &[&str] = &[
    "the",
    "news",
    "tv",
    "english",
    "online",
    "daily",
    "newspaper",
    "web",
    "digital",
    "com",
    "net",
    "org",
    "www",
    "co",
    "pk",
    "uk",
    "in",
    "live",
    "official",
    "website",
    "site",
    "media",
    "network",
    "edition",
    "international",
];

/// Domain labels that are registry levels, not names.
const REGISTRY: &[&str] =
    &["com", "co", "org", "net", "gov", "edu", "ac", "or", "ne", "go", "gob", "gouv", "nic", "mil"];

/// Subdomains that say nothing about the publication.
const SUBDOMAINS: &[&str] =
    &["www", "m", "amp", "mobile", "english", "en", "edition", "news", "beta", "web", "www1", "www2"];

#[derive(Debug, Clone)]
struct Names {
    /// The name's readings, each written as one word: in full, without a parenthesised part,
    /// without generic words, and the parenthesised part alone. Distinct, none empty.
    compacts: Vec<String>,
    /// Acronyms: a parenthesised one ("(PIPS)") and the initials of the name's main words.
    acronyms: Vec<String>,
}

impl Names {
    fn of(name: &str) -> Names {
        let mut compacts: Vec<String> = Vec::new();
        let mut acronyms = Vec::new();
        let mut add = |words: &[&str]| {
            let compact = words.concat();
            if !compact.is_empty() && !compacts.contains(&compact) {
                compacts.push(compact);
            }
        };
        let (outer, inner) = split_parenthesis(name);
        let full_text = normalize(name);
        let outer_text = if outer == name { None } else { Some(normalize(&outer)) };
        let full = words(&full_text);
        let main = outer_text.as_deref().map_or_else(|| full.clone(), words);
        let specific: Vec<&str> = main.iter().copied().filter(|w| !GENERIC.contains(w)).collect();
        add(&full);
        add(&main);
        add(&specific);
        if let Some(inner) = inner {
            let inner_text = normalize(inner);
            let inner = words(&inner_text);
            if let [one] = inner.as_slice() {
                acronyms.push((*one).to_owned());
            }
            add(&inner);
        }
        // Initials of the whole name and of each comma-separated part ("Ministry of External
        // Affairs, Government of India" → "mea"); a name with no such parts is its only part.
        let mut initials_of = |words: &[&str]| {
            let initials: String = words
                .iter()
                .filter(|w| !matches!(**w, "of" | "for" | "and" | "the" | "on" | "in" | "de" | "la" | "du" | "des"))
                .filter_map(|w| w.chars().next())
                .collect();
            if initials.chars().count() >= 3 && !acronyms.contains(&initials) {
                acronyms.push(initials);
            }
        };
        initials_of(&main);
        if outer.contains([',', ';']) {
            for part in outer.split([',', ';']) {
                initials_of(&words(&normalize(part)));
            }
        }
        Names { compacts, acronyms }
    }

    fn strictly_matches(&self, other: &Names) -> bool {
        let (mine, theirs) = (&self.compacts, &other.compacts);
        mine.iter().any(|m| theirs.contains(m))
            || self.acronyms.iter().any(|a| theirs.contains(a))
            || other.acronyms.iter().any(|a| mine.contains(a))
    }

    fn loosely_matches(&self, other: &Names) -> bool {
        if self.strictly_matches(other) {
            return true;
        }
        for m in &self.compacts {
            for t in &other.compacts {
                let (short, long) = if m.chars().count() <= t.chars().count() { (m, t) } else { (t, m) };
                if short.chars().count() >= 4 && long.contains(short.as_str()) {
                    return true;
                }
                if short.chars().count() >= 5 && similarity(m, t) >= 0.75 {
                    return true;
                }
            }
        }
        false
    }

    /// `labels`: the host's name labels, most specific first, registry levels removed.
    fn matches_host(&self, labels: &[String], loose: bool) -> bool {
        let Some(main) = labels.last() else { return false };
        let joined = labels.concat();
        let mut targets: Vec<&str> = vec![main, &joined];
        // "english.aaj.tv" names "Aaj English TV" through all its labels.
        targets.extend(labels.iter().map(String::as_str));
        targets.dedup();
        for c in &self.compacts {
            for (i, t) in targets.iter().enumerate() {
                // Subdomain labels alone are too weak to name a site inside a title.
                if !loose && i > 1 {
                    break;
                }
                if c == t {
                    return true;
                }
                if !loose || i > 1 {
                    continue;
                }
                let (short, long) = if c.len() <= t.len() { (c.as_str(), *t) } else { (*t, c.as_str()) };
                if short.chars().count() >= 4 && long.contains(short) {
                    return true;
                }
                if short.chars().count() >= 5 && similarity(c, t) >= 0.75 {
                    return true;
                }
            }
        }
        // "The Guardian" ↔ theguardian; "Pakistan Institute … (PIPS)" ↔ pakpips.
        for a in &self.acronyms {
            if a == main || (loose && a.chars().count() >= 3 && main.contains(a.as_str())) {
                return true;
            }
        }
        false
    }
}

/// The name outside its parentheses and the text inside them: "Institute (PIPS)" →
/// ("Institute  ", "PIPS").
fn split_parenthesis(name: &str) -> (Cow<'_, str>, Option<&str>) {
    match (name.find('('), name.rfind(')')) {
        (Some(open), Some(close)) if open < close => {
            let outer = format!("{} {}", &name[..open], &name[close + 1..]);
            (Cow::Owned(outer), Some(&name[open + 1..close]))
        }
        _ => (Cow::Borrowed(name), None),
    }
}

/// The words of normalised text.
fn words(normalised: &str) -> Vec<&str> {
    normalised.split(' ').filter(|w| !w.is_empty()).collect()
}

/// A host's labels that can name a publication: `www.english.aaj.tv` → `["aaj"]` plus
/// meaningful subdomains; `tribune.com.pk` → `["tribune"]`.
pub(crate) fn host_labels(host: &str) -> Vec<String> {
    let lowered = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let host = lowered.rsplit_once('@').map_or(lowered.as_str(), |(_, h)| h);
    let host = host.split(':').next().unwrap_or("");
    if host.is_empty() || host.parse::<std::net::Ipv4Addr>().is_ok() || host.starts_with('[') {
        return Vec::new();
    }
    let mut labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    if labels.len() >= 2 {
        labels.pop();
    }
    while labels.len() >= 2 && labels.last().is_some_and(|l| REGISTRY.contains(l)) {
        labels.pop();
    }
    let main = labels.pop();
    let mut out: Vec<String> =
        labels.into_iter().filter(|l| !SUBDOMAINS.contains(l)).map(|l| l.replace('-', "")).collect();
    if let Some(m) = main {
        out.push(m.replace('-', ""));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_publications_are_recognised() {
        assert!(same_publication("Express Tribune", Some("The Express Tribune"), Some("tribune.com.pk")));
        assert!(same_publication("Express Tribune", None, Some("tribune.com.pk")));
        assert!(same_publication("Dawn", Some("DAWN.COM"), Some("www.dawn.com")));
        assert!(same_publication("The Guardian", Some("the Guardian"), Some("www.theguardian.com")));
        assert!(same_publication("The Guardian", None, Some("www.theguardian.com")));
        assert!(same_publication("Pakistan Institute for Peace Studies (PIPS)", None, Some("www.pakpips.com")));
        assert!(same_publication("Aaj Tv", Some("Aaj English TV"), Some("english.aaj.tv")));
        assert!(same_publication("Aaj Tv", None, Some("english.aaj.tv")));
        assert!(same_publication("Tolo News", Some("TOLOnews"), Some("tolonews.com")));
        assert!(same_publication("Al Jazeera", None, Some("www.aljazeera.com")));
        assert!(same_publication("The Nation", Some("The Nation"), Some("www.nation.com.pk")));
    }

    #[test]
    fn acronyms_and_slips() {
        assert!(same_publication("BBC", Some("British Broadcasting Corporation"), None));
        assert!(same_publication("Institute of Strategic Studies Islamabad", Some("ISSI"), None));
        assert!(same_publication("Al Jazira", Some("Al Jazeera"), None));
        assert!(same_publication("Ministry of External Affairs, Government of India", None, Some("www.mea.gov.in")));
    }

    #[test]
    fn different_publications_differ() {
        assert!(!same_publication("Dawn", Some("The Guardian"), Some("www.theguardian.com")));
        assert!(!same_publication("Express Tribune", None, Some("www.dawn.com")));
        assert!(!same_publication("Al Jazeera", Some("Reuters"), Some("www.reuters.com")));
    }

    #[test]
    fn cannot_tell_means_true() {
        assert!(same_publication("Dawn", None, None));
        assert!(same_publication("", Some("Dawn"), Some("dawn.com")));
        assert!(same_publication("Dawn", Some("  "), Some("127.0.0.1")));
    }

    #[test]
    fn strict_naming_for_title_affixes() {
        assert!(names_publication("DAWN.COM", &[], Some("www.dawn.com")));
        assert!(names_publication("The Guardian", &["the Guardian"], None));
        assert!(names_publication("The Guardian", &[], Some("www.theguardian.com")));
        assert!(!names_publication("Pakistan", &["DAWN.COM"], Some("www.dawn.com")));
        assert!(!names_publication("DAWN.COM", &[], None));
        assert!(!names_publication("World news", &["The Guardian"], Some("theguardian.com")));
    }

    #[test]
    fn host_labels_drop_registry_levels() {
        assert_eq!(host_labels("tribune.com.pk"), ["tribune"]);
        assert_eq!(host_labels("www.english.aaj.tv"), ["aaj"]);
        assert_eq!(host_labels("www.mea.gov.in"), ["mea"]);
        assert_eq!(host_labels("localhost:8080"), ["localhost"]);
        assert!(host_labels("127.0.0.1").is_empty());
    }
}
