//! Findings: what citecheck reports about a document or a reference, with a stable rule id.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::span::Span;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run.
    Info,
    /// Probably worth fixing; fails a run only with `--fail-on warning`.
    Warning,
    /// A broken citation or a broken document structure.
    Error,
}

impl Severity {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $sev:ident, $summary:literal; )*) => {
        /// Every kind of finding. The ids are a public contract: SARIF rule ids, configuration
        /// ignores and the documentation all use them, so they never change meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Rule {
            $( $(#[$doc])* $variant, )*
        }

        impl Rule {
            /// All rules, in a stable order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable kebab-case id.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// The severity a finding of this rule has unless configured otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$sev,)* }
            }

            /// One line saying what the rule reports.
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary,)* }
            }

            /// The rule with this id, if any.
            pub fn from_id(id: &str) -> Option<Rule> {
                match id { $($id => Some(Rule::$variant),)* _ => None }
            }
        }
    };
}

rules! {
    // --- structure (extraction, no network) ---
    /// A marker in the body whose label has no note.
    OrphanMarker = "orphan-marker", Error, "A footnote marker in the text has no matching note.";
    /// A note that no marker points at.
    UnreferencedNote = "unreferenced-note", Error, "A note is never referenced from the text.";
    /// Two notes with the same label.
    DuplicateLabel = "duplicate-label", Error, "Two notes share the same label.";
    /// Numeric labels that skip a number.
    NumberingGap = "numbering-gap", Error, "Numbered notes skip a number.";
    /// Numeric labels, or first markers, out of order.
    NumberingOrder = "numbering-order", Error, "Notes or their first markers are out of numeric order.";
    /// A note with no text.
    EmptyNote = "empty-note", Error, "A note has no text.";
    /// A URL in a note that cannot be parsed or has an unsupported scheme.
    MalformedUrl = "malformed-url", Error, "A cited URL is malformed.";
    /// A note that cites no URL (nothing to check online).
    NoUrl = "no-url", Info, "A note cites no URL, so it cannot be checked online.";
    /// The input was not valid UTF-8 and was decoded lossily, or similar input trouble.
    InputDecoding = "input-decoding", Warning, "The document was not valid UTF-8 and was decoded with replacements.";
    /// Part of the document was not read because it passed a limit (nesting depth, notes).
    InputLimit = "input-limit", Warning, "Part of the document was not read because it passed a limit.";
    /// A sentence that makes a checkable claim with no note (`--uncited`).
    UncitedClaim = "uncited-claim", Info, "A sentence makes a checkable claim (a statistic, a quotation, an attribution, the date of an event) with no note.";
    // --- online checks ---
    /// The URL does not resolve to a page.
    DeadLink = "dead-link", Error, "The cited URL does not resolve (HTTP error, DNS failure, refused connection, timeout).";
    /// A 2xx answer that is not the cited page.
    Soft404 = "soft-404", Error, "The cited URL answers, but with a 'not found' or generic page instead of the cited one.";
    /// The page there has another title.
    TitleMismatch = "title-mismatch", Error, "The page at the cited URL has a different title from the one cited.";
    /// The title differs by a small slip.
    TitleNearMatch = "title-near-match", Warning, "The page title differs from the cited title by a small slip.";
    /// The page could not be verified (login, paywall, bot protection, rate limit).
    Unverifiable = "unverifiable", Warning, "The page could not be verified: access was refused or challenged.";
    /// The URL is refused by the safety policy or by an exclude pattern.
    Excluded = "excluded", Info, "The URL was not fetched: excluded by configuration or by the safety policy.";
    /// A permanent redirect: the citation could point at the new URL.
    PermanentRedirect = "permanent-redirect", Warning, "The cited URL permanently redirects to another URL.";
    /// `http` that upgrades to `https`.
    HttpsUpgrade = "https-upgrade", Info, "The cited http URL redirects to https.";
    /// The page names another canonical URL (for instance an AMP page).
    CanonicalDiffers = "canonical-differs", Info, "The page declares a different canonical URL.";
    /// The cited date is not the page's date.
    DateDiffers = "date-differs", Warning, "The cited date differs from the page's publication date.";
    /// The cited publication is not the page's site.
    PublicationDiffers = "publication-differs", Warning, "The cited publication differs from the page's site name.";
    /// A cited author is not named by the page.
    AuthorNotFound = "author-not-found", Warning, "A cited author is not named on the page.";
    /// The note has no title, so only resolution was checked.
    TitleNotCited = "title-not-cited", Info, "The note cites no title: only resolution was checked.";
    /// A fetched page gave no title to compare.
    NoPageTitle = "no-page-title", Info, "The page has no title to compare with the cited one.";
    /// The check was not finished (deadline reached or interrupted).
    NotChecked = "not-checked", Warning, "The reference was not checked before the run ended.";
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// One thing found, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule that produced it.
    pub rule: Rule,
    /// How serious it is.
    pub severity: Severity,
    /// A sentence for a person; fetched text in it has been sanitised.
    pub message: String,
    /// Where it points (line and column; serialised flat).
    #[serde(flatten)]
    pub span: Span,
}

impl Finding {
    /// A finding at the rule's default severity.
    pub fn new(rule: Rule, span: Span, message: impl Into<String>) -> Self {
        Finding { rule, severity: rule.default_severity(), message: message.into(), span }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &rule in Rule::ALL {
            assert!(seen.insert(rule.id()), "duplicate id {}", rule.id());
            assert_eq!(Rule::from_id(rule.id()), Some(rule));
        }
    }

    #[test]
    fn finding_serialises_flat() {
        let f = Finding::new(Rule::NoUrl, Span { line: 3, column: 7, start: 0, end: 0 }, "x");
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["rule"], "no-url");
        assert_eq!(json["severity"], "info");
        assert_eq!(json["line"], 3);
        assert_eq!(json["column"], 7);
    }
}
