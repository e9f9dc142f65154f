//! Matching: is the page at a cited URL still the page that was cited?
//!
//! Titles are compared with [`compare_titles`], publications with [`same_publication`], authors
//! with [`author_named`]; all work on text reduced by [`normalize()`].
//!
//! # Title grades (a public contract)
//!
//! The cited title is compared with every title the page gives itself
//! ([`crate::page::TitleCandidate`]); the best comparison decides (highest grade, then highest
//! score, then the earlier candidate). Both titles are first reduced by [`normalize()`] (case,
//! diacritics, quotes and apostrophes, dashes, punctuation, surviving HTML entities, Markdown
//! emphasis, `&` read as "and") and split into words; scripts written without spaces (Chinese,
//! Japanese, Thai…) are compared character by character.
//!
//! - **Match**: the words are equal; or equal once one side drops
//!   - a site name prefix or suffix (`… | The Guardian`, `… - Pakistan - DAWN.COM`,
//!     `Al Jazeera: …`), where the site is the page's site name or host, or a short trailing
//!     segment that is plainly a name (a domain, a few capitalised words);
//!   - a subtitle after `:`, ` - `, ` – `, ` — ` or ` | ` (the cited title is the page title's
//!     main part, or the page title is the cited title's main part; the main part must have at
//!     least three words);
//!   - a leading article ("The", "A", "An").
//!
//!   The score of a match is 1.
//! - **Near**: after the same allowances, at most two small slips remain, each one of
//!   - a word misspelt by one letter (two letters for words of five or more letters), numbers
//!     excepted ("Rise *is* terrorism in 2024…" for "Rise *in* terrorism in 2024…");
//!   - British against American spelling (-ise/-ize, -our/-or, -tre/-ter, -ence/-ense, -ll-/-l-,
//!     -ogue/-og and a few words such as programme/program);
//!   - a number in digits against words ("3" / "three", "27" / "twenty-seven");
//!   - one word written as two ("e-mail" / "email");
//!   - a function word ("the", "of", "in"…) added or dropped;
//!   - or the cited title is the beginning of the page's (at least four words) and is marked as
//!     cut short with an ellipsis, or the other way round.
//!
//!   Titles of three words or fewer get no slack for misspellings or function words: only
//!   spelling variants, number forms and joined words keep them Near.
//! - **Mismatch**: anything else: a content word substituted, added or removed ("Envoy wraps up
//!   *fruitful* Kabul trip" against "Envoy wraps up Kabul trip"), another title altogether, or a
//!   page title that is only the site's name or a generic one ("DAWN.COM", "Home").
//!
//! The score is a deterministic similarity in `0..=1`, rounded to two decimals: twice the words
//! the two titles share (a misspelt word counts by its letter similarity) over the words of both.

mod author;
mod diff;
pub(crate) mod normalize;
pub(crate) mod publication;
mod similarity;
mod spelling;
mod title;

pub(crate) use author::CitedAuthor;
pub use author::author_named;
pub use normalize::normalize;
pub(crate) use publication::CitedPublication;
pub use publication::same_publication;
pub(crate) use title::CitedTitle;
pub use title::{TitleGrade, TitleMatch, WordDiff, compare_titles};
