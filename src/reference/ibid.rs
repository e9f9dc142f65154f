//! Resolving "Ibid." and "op. cit." notes to the note they repeat.

use super::fields::{Fields, Repeat};

/// For each note, the index of the earlier note it repeats, if it is a repeat.
pub(crate) fn resolve(fields: &[Fields]) -> Vec<Option<usize>> {
    let mut out = Vec::with_capacity(fields.len());
    for (i, f) in fields.iter().enumerate() {
        out.push(match &f.repeat {
            Some(Repeat::Ibid { .. }) if i > 0 => Some(i - 1),
            _ => None,
        });
    }
    out
}
