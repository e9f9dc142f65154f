//! The index from a note's label to the first note with that label, shared by the linking of
//! markers to notes and by lint.

/// Labels to the index of the first note with that label. Labels written as plain decimal
/// numbers (most) index a table; the others go through a hash map.
pub(crate) struct LabelIndex<'a> {
    numbers: Vec<Option<usize>>,
    others: std::collections::HashMap<&'a str, usize>,
}

impl<'a> LabelIndex<'a> {
    pub(crate) fn new(labels: impl Iterator<Item = &'a str> + Clone) -> LabelIndex<'a> {
        let count = labels.clone().count();
        // A table no larger than a few times the number of notes; past that, the hash map.
        let bound = count.saturating_mul(4).saturating_add(1024);
        let mut index = LabelIndex { numbers: Vec::new(), others: std::collections::HashMap::new() };
        for (i, label) in labels.enumerate() {
            match decimal(label).filter(|&v| v < bound) {
                Some(v) => {
                    if index.numbers.len() <= v {
                        index.numbers.resize(v + 1, None);
                    }
                    index.numbers[v].get_or_insert(i);
                }
                None => {
                    index.others.entry(label).or_insert(i);
                }
            }
        }
        index
    }

    pub(crate) fn first(&self, label: &str) -> Option<usize> {
        // A label is a plain number or it is not, whichever note or marker it is written on.
        match decimal(label) {
            Some(v) if v < self.numbers.len() => self.numbers[v],
            _ => self.others.get(label).copied(),
        }
    }
}

/// The value of a label written as a plain decimal number (no sign, no leading zero), which
/// no other label has.
fn decimal(label: &str) -> Option<usize> {
    let b = label.as_bytes();
    let plain = !b.is_empty() && b.len() <= 9 && b.iter().all(u8::is_ascii_digit) && (b.len() == 1 || b[0] != b'0');
    if plain { label.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_find_their_first_note() {
        let labels = ["1", "01", "2", "a", "2", "999999999", "0", "1234567890", "٣"];
        let index = LabelIndex::new(labels.iter().copied());
        let first = |l: &str| labels.iter().position(|x| *x == l);
        for l in ["1", "01", "2", "a", "999999999", "0", "00", "3", "1234567890", "٣", "b", ""] {
            assert_eq!(index.first(l), first(l), "{l:?}");
        }
    }
}
