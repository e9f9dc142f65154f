//! Word (.docx) input: the package read with bounds, its body and notes rendered to plain text
//! one paragraph per line, and the notes, markers and links found in it.
//!
//! # Positions
//!
//! Word has no lines, so a .docx is given one: [`Document::text`](super::Document::text) is the
//! document rendered as plain text, **one paragraph per line**: the body's paragraphs in order
//! (table cells row by row, text boxes before the paragraph that holds them), then every footnote
//! and then every endnote, each note's first paragraph starting with its label and a space.
//! A marker is its label, inserted where Word shows it. Every line and column refers to that
//! rendering, so in the body, line *N* is the *N*th paragraph (empty ones count) and the column
//! is the character within it; a note is found by its label.

use std::collections::{HashMap, HashSet};

use super::{Link, Parsed, RawMarker, RawNote};

mod labels;
mod package;
mod story;

use labels::{NoteKind, NotePr};
use package::Package;
use story::{Mode, Walked};

/// Bounds on what a .docx may make citecheck read. The file itself is bounded by
/// [`LoadOptions::max_bytes`](super::LoadOptions::max_bytes) like any input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocxLimits {
    /// Most entries the archive may list (a real document has tens; images add a few hundred).
    pub max_entries: usize,
    /// Most bytes one part may inflate to (declared or actual).
    pub max_part_bytes: u64,
    /// Most bytes all parts read may inflate to together.
    pub max_total_bytes: u64,
    /// Highest compression ratio (uncompressed : compressed) a part past 1 MiB may have; XML
    /// compresses 5–30 times, a zip bomb a thousand times.
    pub max_ratio: u64,
}

impl Default for DocxLimits {
    fn default() -> Self {
        DocxLimits { max_entries: 10_000, max_part_bytes: 128 << 20, max_total_bytes: 256 << 20, max_ratio: 200 }
    }
}

/// Why a .docx could not be read. Each names the part at fault, when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocxError {
    /// The bytes are not a zip archive that can be read.
    #[error("not a readable .docx (zip) file: {reason}")]
    NotZip {
        /// What the zip reader said.
        reason: String,
    },
    /// The archive has no main document part.
    #[error("a zip archive without word/document.xml: not a Word document")]
    NotWord,
    /// The archive lists more entries than allowed.
    #[error("the archive lists {entries} entries, more than the limit of {limit}")]
    TooManyEntries {
        /// Entries listed.
        entries: u64,
        /// The limit.
        limit: usize,
    },
    /// A part inflates past the per-part limit.
    #[error("{part}: {size} bytes uncompressed, over the limit of {limit} bytes per part")]
    PartTooLarge {
        /// The part (`word/document.xml`).
        part: String,
        /// Its size as declared, or as read when the declaration lied.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The parts read inflate past the total limit.
    #[error("{part}: the parts read so far inflate past the limit of {limit} bytes in total")]
    TotalTooLarge {
        /// The part being read when the total was passed.
        part: String,
        /// The limit.
        limit: u64,
    },
    /// A part inflates far more than XML does: a zip bomb.
    #[error("{part}: inflates more than {limit} times its compressed size (a zip bomb?)")]
    Ratio {
        /// The part.
        part: String,
        /// The ratio limit.
        limit: u64,
    },
    /// A part uses something citecheck does not read (encryption, an unusual compression).
    #[error("{part}: {reason}")]
    Unsupported {
        /// The part.
        part: String,
        /// What it uses.
        reason: String,
    },
    /// A part's compressed data is damaged.
    #[error("{part}: damaged: {reason}")]
    Corrupt {
        /// The part.
        part: String,
        /// What went wrong.
        reason: String,
    },
    /// A part is not well-formed XML.
    #[error("{part}: not well-formed XML at byte {offset}: {message}")]
    Xml {
        /// The part.
        part: String,
        /// Byte offset in the part.
        offset: u64,
        /// The XML reader's message.
        message: String,
    },
}

/// Whether `bytes` are a Word document: a zip archive holding `word/document.xml` (or whose
/// package relationships name a main document part).
pub(crate) fn is_docx(bytes: &[u8]) -> bool {
    if !package::looks_like_zip(bytes) {
        return false;
    }
    let Ok(mut p) = Package::open(bytes, &DocxLimits::default()) else { return false };
    p.has("word/document.xml") || main_part(&mut p).is_some()
}

/// The rendering and what was found in it.
pub(crate) struct Rendered {
    pub(crate) text: String,
    pub(crate) parsed: Parsed,
}

/// Reads a .docx.
pub(crate) fn parse(bytes: &[u8], limits: &DocxLimits) -> Result<Rendered, DocxError> {
    let mut p = Package::open(bytes, limits)?;
    let main = main_part(&mut p).unwrap_or_else(|| "word/document.xml".to_owned());
    let Some(body_xml) = p.text(&main)? else { return Err(DocxError::NotWord) };
    let rels = relationships(&mut p, &main)?;
    let target = |kind: &str, fallback: &str| {
        rels.iter()
            .find(|r| r.kind.rsplit('/').next() == Some(kind) && !r.external)
            .map(|r| r.target.clone())
            .unwrap_or_else(|| sibling(&main, fallback))
    };
    let settings_part = target("settings", "settings.xml");
    let doc_pr = match p.text(&settings_part)? {
        Some(xml) => settings(&xml),
        None => (NotePr::default(), NotePr::default()),
    };

    let mut notes: Vec<(NoteKind, Walked)> = Vec::new();
    for (kind, name) in [(NoteKind::Footnote, "footnotes"), (NoteKind::Endnote, "endnotes")] {
        let part = target(name, &format!("{name}.xml"));
        let Some(xml) = p.text(&part)? else { continue };
        let links: HashMap<String, String> = relationships(&mut p, &part)?
            .into_iter()
            .filter(|r| r.external || r.kind.ends_with("/hyperlink"))
            .map(|r| (r.id, r.target))
            .collect();
        notes.push((kind, story::walk(&xml, &part, Mode::Notes { rels: &links })?));
    }

    // Two passes over the body: the first finds the references and the sections (whose
    // properties come after their content), the second renders with the labels.
    let first = story::walk(&body_xml, &main, Mode::Body { labels: None })?;
    let sections: Vec<(NotePr, NotePr)> =
        first.sections.iter().map(|s| (s.footnotes.over(&doc_pr.0), s.endnotes.over(&doc_pr.1))).collect();
    let seen: Vec<(NoteKind, usize, Option<&str>)> =
        first.refs.iter().map(|r| (r.kind, r.section, r.custom.as_deref())).collect();
    let ref_labels = labels::number(&seen, &sections, &doc_pr);
    let body = story::walk(&body_xml, &main, Mode::Body { labels: Some(&ref_labels) })?;
    Ok(assemble(body, &ref_labels, notes))
}

/// Lays the rendering out and turns what was walked into the parser's raw notes and markers.
fn assemble(body: Walked, ref_labels: &[String], parts: Vec<(NoteKind, Walked)>) -> Rendered {
    let mut text = String::new();
    let mut parsed = Parsed::default();
    let mut line_starts = Vec::with_capacity(body.lines.len());
    for line in &body.lines {
        line_starts.push(text.len());
        let start = text.len();
        text.push_str(&line.plain);
        text.push('\n');
        parsed.body.push(start..text.len());
    }

    // Each note's label: the label of its first reference; notes never referenced follow in
    // the order of their part, under a label that says what they are.
    let mut label_of: HashMap<(NoteKind, &str), String> = HashMap::new();
    let mut custom: HashSet<(NoteKind, &str)> = HashSet::new();
    let mut order: Vec<(NoteKind, &str)> = Vec::new();
    for (r, label) in body.refs.iter().zip(ref_labels) {
        let key = (r.kind, r.id.as_str());
        if let std::collections::hash_map::Entry::Vacant(slot) = label_of.entry(key) {
            slot.insert(label.clone());
            if r.custom.as_deref().is_some_and(|c| !c.trim().is_empty()) {
                custom.insert(key);
            }
            order.push(key);
        }
    }
    let by_id: HashMap<(NoteKind, &str), &story::WalkedNote> =
        parts.iter().flat_map(|(kind, w)| w.notes.iter().map(move |n| ((*kind, n.id.as_str()), n))).collect();

    // Footnotes first, then endnotes, as a reader meets them.
    let mut note_order: Vec<(NoteKind, &str)> = Vec::new();
    for kind in [NoteKind::Footnote, NoteKind::Endnote] {
        note_order.extend(order.iter().filter(|k| k.0 == kind && by_id.contains_key(k)));
        if let Some((_, w)) = parts.iter().find(|(k, _)| *k == kind) {
            for n in &w.notes {
                let key = (kind, n.id.as_str());
                if let std::collections::hash_map::Entry::Vacant(slot) = label_of.entry(key) {
                    slot.insert(format!("{} id {}", kind.name(), n.id));
                    note_order.push(key);
                }
            }
        }
    }
    // A label Word shows for two notes (decimal footnotes and decimal endnotes, a custom mark
    // used twice) is qualified, so that every marker finds its own note.
    let mut used: HashSet<String> = HashSet::new();
    let mut final_label: HashMap<(NoteKind, &str), String> = HashMap::new();
    for key in note_order.iter().chain(order.iter()) {
        if final_label.contains_key(key) {
            continue;
        }
        let shown = label_of.get(key).cloned().unwrap_or_default();
        let mut label = shown.clone();
        if used.contains(&label) && key.0 == NoteKind::Endnote {
            label = format!("endnote {shown}");
        }
        let mut n = 2;
        while used.contains(&label) {
            label = format!("{shown} ({n})");
            n += 1;
        }
        used.insert(label.clone());
        final_label.insert(*key, label);
    }

    for r in &body.refs {
        let Some(&start) = line_starts.get(r.line) else { continue };
        let label = final_label.get(&(r.kind, r.id.as_str())).cloned().unwrap_or_default();
        parsed.markers.push(RawMarker { label, at: start + r.range.start..start + r.range.end });
    }
    parsed.markers.sort_by_key(|m| m.at.start);

    for key in &note_order {
        let Some(note) = by_id.get(key) else { continue };
        let Some((_, part)) = parts.iter().find(|(k, _)| *k == key.0) else { continue };
        let label = final_label.get(key).cloned().unwrap_or_default();
        let lines = part.lines.get(note.lines.clone()).unwrap_or(&[]);
        let at = text.len()..text.len() + label.len();
        text.push_str(&label);
        // A custom mark is typed at the start of its note too; a number never is (Word draws it).
        let shown = if custom.contains(key) { label_of.get(key).map(String::as_str).unwrap_or("") } else { "" };
        let mut marked = String::new();
        let mut ignore = None;
        for (i, line) in lines.iter().enumerate() {
            let plain = if i == 0 { strip_label(line.plain.trim_start(), shown) } else { line.plain.as_str() };
            if i == 0 && !plain.is_empty() {
                text.push(' ');
            }
            text.push_str(plain);
            text.push('\n');
            // A paragraph of the note that is an ignore directive (hidden text will do) silences
            // the note, and is no part of its citation.
            if let Some(reason) = super::ignore_directive(plain) {
                ignore.get_or_insert(reason);
                continue;
            }
            marked.push(' ');
            marked.push_str(if i == 0 { strip_label(line.marked.trim_start(), shown) } else { &line.marked });
        }
        if lines.is_empty() {
            text.push('\n');
        }
        let note_text = marked.split_whitespace().collect::<Vec<_>>().join(" ");
        let links: Vec<Link> = note.links.clone();
        parsed.notes.push(RawNote { label, at, text: note_text, links, ignore });
    }
    Rendered { text, parsed }
}

/// A custom mark typed at the start of its note ("* The note…") is the label, not the text.
fn strip_label<'a>(s: &'a str, label: &str) -> &'a str {
    if label.is_empty() {
        return s;
    }
    match s.strip_prefix(label) {
        Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => rest.trim_start(),
        _ => s,
    }
}

/// One relationship of a part.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Relationship {
    id: String,
    kind: String,
    /// The target: a URL when external, else a part name resolved against the source part.
    target: String,
    external: bool,
}

/// The relationships of `part` (`word/_rels/document.xml.rels` for `word/document.xml`).
fn relationships(p: &mut Package<'_>, part: &str) -> Result<Vec<Relationship>, DocxError> {
    let (dir, file) = part.rsplit_once('/').unwrap_or(("", part));
    let rels_part = if dir.is_empty() { format!("_rels/{file}.rels") } else { format!("{dir}/_rels/{file}.rels") };
    let Some(xml) = p.text(&rels_part)? else { return Ok(Vec::new()) };
    Ok(parse_relationships(&xml, dir))
}

fn parse_relationships(xml: &str, base_dir: &str) -> Vec<Relationship> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut out = Vec::new();
    // A relationships part that cannot be read gives what was read before the fault.
    while let Ok(event) = reader.read_event() {
        match event {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.local_name().as_ref() == b"Relationship" =>
            {
                let id = story::attr(&e, b"Id").unwrap_or_default();
                let kind = story::attr(&e, b"Type").unwrap_or_default();
                let raw = story::attr(&e, b"Target").unwrap_or_default();
                let external = story::attr(&e, b"TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External"));
                let target = if external { raw.trim().to_owned() } else { resolve(base_dir, &raw) };
                out.push(Relationship { id, kind, target, external });
            }
            _ => {}
        }
    }
    out
}

/// A part name from a relative target (`footnotes.xml`, `../word/x.xml`, `/word/x.xml`).
fn resolve(base_dir: &str, target: &str) -> String {
    let mut segments: Vec<&str> =
        if target.starts_with('/') { Vec::new() } else { base_dir.split('/').filter(|s| !s.is_empty()).collect() };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    segments.join("/")
}

fn sibling(part: &str, name: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{name}"),
        None => name.to_owned(),
    }
}

/// The main document part, from the package relationships (`_rels/.rels`).
fn main_part(p: &mut Package<'_>) -> Option<String> {
    let xml = p.text("_rels/.rels").ok()??;
    parse_relationships(&xml, "")
        .into_iter()
        .find(|r| r.kind.ends_with("/officeDocument") && !r.external)
        .map(|r| r.target)
        .filter(|t| p.has(t))
}

/// The document-wide note properties (`w:footnotePr`, `w:endnotePr` in `word/settings.xml`).
fn settings(xml: &str) -> (NotePr, NotePr) {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let (mut foot, mut end) = (NotePr::default(), NotePr::default());
    let mut current: Option<NoteKind> = None;
    while let Ok(event) = reader.read_event() {
        match event {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) if e.local_name().as_ref() == b"footnotePr" => {
                current = Some(NoteKind::Footnote);
            }
            quick_xml::events::Event::Start(e) if e.local_name().as_ref() == b"endnotePr" => {
                current = Some(NoteKind::Endnote);
            }
            quick_xml::events::Event::Empty(e) | quick_xml::events::Event::Start(e) => {
                let local = e.local_name();
                let pr = match current {
                    Some(NoteKind::Footnote) => &mut foot,
                    Some(NoteKind::Endnote) => &mut end,
                    None => continue,
                };
                pr.set(local.as_ref(), story::attr(&e, b"val"));
            }
            quick_xml::events::Event::End(e) if matches!(e.local_name().as_ref(), b"footnotePr" | b"endnotePr") => {
                current = None;
            }
            _ => {}
        }
    }
    (foot, end)
}

#[cfg(test)]
mod tests;
