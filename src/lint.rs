//! Structural lint: findings about a document's notes and markers that need no network.

use std::collections::HashSet;

use crate::document::{Document, LabelIndex};
use crate::finding::{Finding, Rule};
use crate::reference::Reference;

/// Checks markers against notes, the numbering of notes, empty notes and the URLs in notes.
///
/// `refs` are the document's references, one per note in the same order. An ignored reference
/// ([`Reference::ignored`]) gets no findings, and neither do its markers; a marker with no note
/// at all is still an orphan.
pub fn lint(doc: &Document, refs: &[Reference]) -> Vec<Finding> {
    let mut out = lint_all(doc, refs);
    let silenced: HashSet<(usize, usize)> = doc
        .notes
        .iter()
        .zip(refs)
        .filter(|(_, r)| r.ignored.is_some())
        .flat_map(|(n, _)| std::iter::once(&n.span).chain(&n.markers))
        .map(|s| (s.start, s.end))
        .collect();
    if !silenced.is_empty() {
        out.retain(|f| f.rule == Rule::OrphanMarker || !silenced.contains(&(f.span.start, f.span.end)));
    }
    out
}

fn lint_all(doc: &Document, refs: &[Reference]) -> Vec<Finding> {
    let mut out = Vec::new();
    // Numbered labels (most) are looked up in a table, not hashed: a long document has tens of
    // thousands of notes and markers.
    let first_of = LabelIndex::new(doc.notes.iter().map(|n| n.label.as_str()));

    for m in &doc.markers {
        if first_of.first(&m.label).is_none() {
            out.push(Finding::new(
                Rule::OrphanMarker,
                m.span,
                format!("marker {} has no note (no note labelled {:?} was found)", m.label, m.label),
            ));
        }
    }

    for (i, note) in doc.notes.iter().enumerate() {
        if let Some(first) = first_of.first(&note.label).filter(|&first| first != i) {
            out.push(Finding::new(
                Rule::DuplicateLabel,
                note.span,
                format!(
                    "note {} is defined again (first at line {}); its markers point at the first one",
                    note.label, doc.notes[first].span.line
                ),
            ));
            continue;
        }
        if note.markers.is_empty() {
            out.push(Finding::new(
                Rule::UnreferencedNote,
                note.span,
                format!("note {} is never referenced: no marker {} in the text", note.label, note.label),
            ));
        }
        if note.text.trim().is_empty() {
            out.push(Finding::new(Rule::EmptyNote, note.span, format!("note {} is empty", note.label)));
        }
    }

    numbering(doc, &mut out);

    for (note, r) in doc.notes.iter().zip(refs) {
        for (url, why) in &r.malformed {
            out.push(Finding::new(
                Rule::MalformedUrl,
                note.span,
                format!("note {}: {url:?} is not a valid URL: {why}", note.label),
            ));
        }
        if r.urls.is_empty() && r.malformed.is_empty() && r.doi.is_none() && !note.text.trim().is_empty() {
            out.push(Finding::new(
                Rule::NoUrl,
                note.span,
                format!("note {} cites no URL; only its structure was checked", note.label),
            ));
        }
    }

    out.sort_by_key(|f| (f.span.line, f.span.column, f.rule));
    out
}

/// Gaps and disorder among numeric labels, and markers whose first uses run out of order.
fn numbering(doc: &Document, out: &mut Vec<Finding>) {
    let numeric: Vec<(u32, &crate::document::Note)> =
        doc.notes.iter().filter_map(|n| n.label.parse::<u32>().ok().map(|v| (v, n))).collect();
    // Only documents numbered throughout: "a", "*" labels have no order to check.
    if numeric.len() != doc.notes.len() || numeric.is_empty() {
        return;
    }
    let mut max_seen = 0;
    for &(value, note) in &numeric {
        if value < max_seen {
            out.push(Finding::new(
                Rule::NumberingOrder,
                note.span,
                format!("note {value} comes after note {max_seen}: notes are out of order"),
            ));
        } else if value > max_seen + 1 && value != max_seen {
            let missing = if value == max_seen + 2 {
                format!("note {} is missing", max_seen + 1)
            } else {
                format!("notes {}–{} are missing", max_seen + 1, value - 1)
            };
            // A document that starts at a later number (an excerpt) is not a gap.
            if max_seen > 0 {
                out.push(Finding::new(
                    Rule::NumberingGap,
                    note.span,
                    format!("numbering jumps from {max_seen} to {value}: {missing}"),
                ));
            }
        }
        max_seen = max_seen.max(value);
    }
    // Markers should first appear in label order (1 before 2 before 3). Values up to a few
    // times the number of notes (all, in a numbered document) are marked in a table.
    let table_len = doc.notes.len().saturating_mul(4).saturating_add(1024);
    let mut seen_small = vec![false; table_len];
    let mut seen_large = HashSet::new();
    let mut last = 0u32;
    for m in &doc.markers {
        let Ok(value) = m.label.parse::<u32>() else { continue };
        let first_time = match seen_small.get_mut(value as usize) {
            Some(seen) => !std::mem::replace(seen, true),
            None => seen_large.insert(value),
        };
        if !first_time {
            continue;
        }
        if value < last {
            out.push(Finding::new(
                Rule::NumberingOrder,
                m.span,
                format!("marker {value} first appears after marker {last}: markers are out of order"),
            ));
        }
        last = last.max(value);
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn rules(text: &str) -> Vec<(&'static str, u32)> {
        let doc = crate::document::parse(Path::new("x.txt"), text.as_bytes(), None).expect("parses");
        let refs = crate::reference::references(&doc);
        lint(&doc, &refs).iter().map(|f| (f.rule.id(), f.span.line)).collect()
    }

    #[test]
    fn clean_document_has_only_infos() {
        let text = "A.¹ B.²\n\n¹ “T”, 2020, <https://a.example/1>\n² “U”, 2021, <https://a.example/2>\n";
        let doc = crate::document::parse(Path::new("x.txt"), text.as_bytes(), None).expect("parses");
        let refs = crate::reference::references(&doc);
        assert_eq!(lint(&doc, &refs), vec![]);
    }

    #[test]
    fn orphan_unreferenced_gap_and_no_url() {
        let text = "A.¹ B.³ C.⁹\n\n¹ “T”, 2020, <https://a.example/1>\n\n³ Only prose, 2021.\n\n⁴ “V”, 2021, <https://a.example/4>\n";
        let found = rules(text).into_iter().map(|(r, _)| r).collect::<Vec<_>>();
        assert!(found.contains(&"orphan-marker"), "{found:?}");
        assert!(found.contains(&"numbering-gap"), "{found:?}");
        assert!(found.contains(&"unreferenced-note"), "{found:?}");
        assert!(found.contains(&"no-url"), "{found:?}");
    }

    #[test]
    fn ignored_notes_have_no_findings_but_orphans_remain() {
        let text = "A.¹ C.⁹\n\ncitecheck-ignore: an unlinked aside\n¹ Only prose, 2021.\n";
        let found = rules(text).into_iter().map(|(r, _)| r).collect::<Vec<_>>();
        assert_eq!(found, ["orphan-marker"]);
        let text = "A.¹ C.²\n\n¹ Only prose, 2021.\n\ncitecheck-ignore: out of order on purpose\n³ “V”, 2021, <https://a.example/4>\n";
        let found = rules(text).into_iter().map(|(r, _)| r).collect::<Vec<_>>();
        assert_eq!(found, ["orphan-marker", "no-url"]);
    }

    #[test]
    fn duplicate_and_out_of_order() {
        let text = "A.² B.¹\n\n¹ “T”, 2020, <https://a.example/1>\n\n² “U”, 2020, <https://a.example/2>\n\n² “U”, 2020, <https://a.example/3>\n";
        let found = rules(text).into_iter().map(|(r, _)| r).collect::<Vec<_>>();
        assert!(found.contains(&"duplicate-label"), "{found:?}");
        assert!(found.contains(&"numbering-order"), "{found:?}");
    }

    #[test]
    fn large_and_leading_zero_labels_are_their_own() {
        // Marker values past the table (a few times the notes) and labels that are not plain
        // numbers ("01") are looked up by their text; each still has its own note or none.
        let text = "A.[^1] B.[^4000000000] C.[^01] D.[^2] E.[^3000000] F.[^2]\n\n\
                    [^1]: “T”, 2020, <https://a.example/1>\n\n\
                    [^01]: “U”, 2020, <https://a.example/2>\n\n\
                    [^3000000]: “V”, 2020, <https://a.example/3>\n\n\
                    [^01]: “W”, 2020, <https://a.example/4>\n";
        let doc = crate::document::parse(Path::new("x.md"), text.as_bytes(), None).expect("parses");
        let refs = crate::reference::references(&doc);
        let found: Vec<_> = lint(&doc, &refs).iter().map(|f| (f.rule.id(), f.message.clone())).collect();
        let orphans: Vec<_> = found.iter().filter(|(r, _)| *r == "orphan-marker").map(|(_, m)| m.as_str()).collect();
        assert_eq!(orphans.len(), 3, "{found:?}");
        assert!(orphans.iter().any(|m| m.starts_with("marker 4000000000 ")), "{found:?}");
        assert_eq!(orphans.iter().filter(|m| m.starts_with("marker 2 ")).count(), 2, "{found:?}");
        let duplicates: Vec<_> = found.iter().filter(|(r, _)| *r == "duplicate-label").collect();
        assert_eq!(duplicates.len(), 1, "{found:?}");
        assert!(duplicates[0].1.starts_with("note 01 is defined again (first at line 5)"), "{found:?}");
        assert!(!found.iter().any(|(r, _)| *r == "unreferenced-note"), "{found:?}");
    }

    #[test]
    fn markers_first_seen_out_of_order_past_the_table() {
        // Numbered notes 1 and 5 000 000: the second's markers are counted past the table.
        let text = "A.[^5000000] B.[^1] C.[^5000000] D.[^1]\n\n[^1]: “T”, 2020, <https://a.example/1>\n\n\
                    [^5000000]: “U”, 2020, <https://a.example/2>\n";
        let doc = crate::document::parse(Path::new("x.md"), text.as_bytes(), None).expect("parses");
        let refs = crate::reference::references(&doc);
        let order: Vec<_> =
            lint(&doc, &refs).into_iter().filter(|f| f.rule == Rule::NumberingOrder).map(|f| f.message).collect();
        assert_eq!(order, ["marker 1 first appears after marker 5000000: markers are out of order"]);
    }
}
