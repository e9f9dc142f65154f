//! The html parser: finds notes, markers and body ranges.

use super::Parsed;

pub(crate) fn parse(_text: &str) -> Parsed {
    Parsed::default()
}
