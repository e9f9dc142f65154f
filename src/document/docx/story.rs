//! WordprocessingML → paragraphs of plain text: the body (with its note references and section
//! properties) and the notes parts (with their hyperlinks), in one streaming pass each.
//!
//! What Word displays is what is kept: `w:t` runs, tabs and breaks as white space, the results of
//! fields (never their codes), inserted text but not deleted text, one rendering of alternate
//! content, and neither the old properties of tracked changes nor structured-tag properties.

use std::collections::HashMap;
use std::ops::Range;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::DocxError;
use super::labels::{NoteKind, NotePr};
use crate::document::Link;

/// The WordprocessingML namespaces: transitional (what Word writes) and strict.
const W_NS: [&[u8]; 2] = [
    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    b"http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const MC_NS: &[u8] = b"http://schemas.openxmlformats.org/markup-compatibility/2006";

/// Bounds on nesting that input controls: paragraphs in text boxes, fields in fields, links in
/// links. Past them, content joins the innermost open one.
const MAX_NESTING: usize = 64;

/// One paragraph: what it shows, and the same with italics marked `*…*` for the citation reader.
#[derive(Debug, Default, Clone)]
pub(crate) struct Line {
    pub(crate) plain: String,
    pub(crate) marked: String,
}

/// A note reference met in the body, in document order.
#[derive(Debug, Clone)]
pub(crate) struct RefSeen {
    pub(crate) kind: NoteKind,
    pub(crate) id: String,
    /// The text of a custom mark (`w:customMarkFollows`): what Word shows instead of a number.
    pub(crate) custom: Option<String>,
    /// The section it sits in (index into [`Walked::sections`], or past its end).
    pub(crate) section: usize,
    /// The line (paragraph) it is in, and its byte range in that line's plain text.
    pub(crate) line: usize,
    pub(crate) range: Range<usize>,
}

/// The note properties of one section (`w:sectPr`), in document order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Section {
    pub(crate) footnotes: NotePr,
    pub(crate) endnotes: NotePr,
}

/// One note of a notes part.
#[derive(Debug, Clone)]
pub(crate) struct WalkedNote {
    pub(crate) id: String,
    /// Its paragraphs, as indices into [`Walked::lines`].
    pub(crate) lines: Range<usize>,
    pub(crate) links: Vec<Link>,
}

/// What one part gives.
#[derive(Debug, Default)]
pub(crate) struct Walked {
    pub(crate) lines: Vec<Line>,
    pub(crate) refs: Vec<RefSeen>,
    pub(crate) sections: Vec<Section>,
    pub(crate) notes: Vec<WalkedNote>,
}

/// Which part is walked.
pub(crate) enum Mode<'a> {
    /// `word/document.xml`; `labels` gives each reference's label in order (none on the first
    /// pass, which only finds the references and sections).
    Body { labels: Option<&'a [String]> },
    /// A notes part; `rels` maps relationship ids to external targets.
    Notes { rels: &'a HashMap<String, String> },
}

#[derive(Default)]
struct Para {
    line: Line,
    italic: bool,
    /// Indices into [`Walked::refs`] of the references in this paragraph; their line is known
    /// when it ends (a paragraph in a text box ends before the one holding it).
    refs: Vec<usize>,
}

struct OpenLink {
    href: String,
    text: String,
}

#[derive(Default)]
struct Field {
    instr: String,
    in_result: bool,
    link: Option<OpenLink>,
}

struct Pending {
    kind: NoteKind,
    id: String,
    start: usize,
}

/// Walks one part. Errors only for XML that cannot be read at all; unbalanced or unknown
/// elements are taken as they come.
pub(crate) fn walk(xml: &str, part: &str, mode: Mode<'_>) -> Result<Walked, DocxError> {
    let mut reader = NsReader::from_str(xml);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    config.trim_text(false);
    let mut w = Walker { mode, ..Walker::default() };
    loop {
        let (ns, event) = match reader.read_resolved_event() {
            Ok(ev) => ev,
            Err(e) => {
                return Err(DocxError::Xml {
                    part: part.to_owned(),
                    offset: reader.buffer_position(),
                    message: e.to_string(),
                });
            }
        };
        let space = match &ns {
            ResolveResult::Bound(n) if W_NS.contains(&n.as_ref()) => Space::W,
            ResolveResult::Bound(n) if n.as_ref() == MC_NS => Space::Mc,
            _ => Space::Other,
        };
        match event {
            Event::Eof => break,
            Event::Start(e) => w.open(space, &e, false),
            Event::Empty(e) => {
                w.open(space, &e, true);
                w.close(space, e.local_name().as_ref());
            }
            Event::End(e) => w.close(space, e.local_name().as_ref()),
            Event::Text(t) => {
                let s = t.decode().unwrap_or_default();
                w.text(&s);
            }
            Event::CData(t) => {
                let s = t.decode().unwrap_or_default();
                w.text(&s);
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = r.decode().unwrap_or_default();
                        match name.as_ref() {
                            "amp" => "&".into(),
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "quot" => "\"".into(),
                            "apos" => "'".into(),
                            // Word never writes other entities (there is no DTD to define them): kept as written.
                            other => format!("&{other};"),
                        }
                    }
                };
                w.text(&resolved);
            }
            _ => {}
        }
    }
    Ok(w.finish())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Space {
    W,
    Mc,
    Other,
}

struct Walker<'a> {
    mode: Mode<'a>,
    out: Walked,
    depth: usize,
    /// The depth of the element whose content is being skipped.
    skip_from: Option<usize>,
    paras: Vec<Para>,
    in_run: bool,
    run_italic: bool,
    in_rpr: bool,
    in_t: bool,
    in_instr: bool,
    fields: Vec<Field>,
    links: Vec<OpenLink>,
    note: Option<WalkedNote>,
    pending_custom: Option<Pending>,
    section: Section,
    note_pr: Option<NoteKind>,
    in_sect: bool,
    /// Paragraphs, hyperlinks, simple fields and complex fields opened past [`MAX_NESTING`]:
    /// their ends close nothing.
    overflow: [usize; 4],
}

impl Default for Walker<'_> {
    fn default() -> Self {
        Walker {
            mode: Mode::Body { labels: None },
            out: Walked::default(),
            depth: 0,
            skip_from: None,
            paras: Vec::new(),
            in_run: false,
            run_italic: false,
            in_rpr: false,
            in_t: false,
            in_instr: false,
            fields: Vec::new(),
            links: Vec::new(),
            note: None,
            pending_custom: None,
            section: Section::default(),
            note_pr: None,
            in_sect: false,
            overflow: [0; 4],
        }
    }
}

/// The value of the attribute with this local name (any prefix: `w:val`, `r:id`), unescaped.
pub(crate) fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == local).map(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned())
    })
}

/// An on/off property (`<w:i/>`, `<w:i w:val="0"/>`, `w:val="false"`).
fn on(e: &BytesStart<'_>) -> bool {
    !matches!(attr(e, b"val").as_deref(), Some("0" | "false" | "off"))
}

fn note_kind(local: &[u8]) -> Option<NoteKind> {
    match local {
        b"footnoteReference" | b"footnote" | b"footnotePr" => Some(NoteKind::Footnote),
        b"endnoteReference" | b"endnote" | b"endnotePr" => Some(NoteKind::Endnote),
        _ => None,
    }
}

impl Walker<'_> {
    fn open(&mut self, space: Space, e: &BytesStart<'_>, empty: bool) {
        self.depth += 1;
        if self.skip_from.is_some() {
            return;
        }
        let name = e.local_name();
        let local = name.as_ref();
        if space == Space::Mc {
            // One rendering of alternate content: the first choice; the fallback repeats it.
            if local == b"Fallback" && !empty {
                self.skip_from = Some(self.depth);
            }
            return;
        }
        if space != Space::W {
            return;
        }
        let skip = match local {
            // Deleted text, old properties of tracked changes, content-control properties and
            // binary field data are not what Word shows.
            b"del" | b"moveFrom" | b"delText" | b"delInstrText" | b"sdtPr" | b"fldData" => true,
            l if l.ends_with(b"Change") => true,
            b"footnote" | b"endnote" => {
                // Separators and continuation notices are layout, not notes.
                matches!(attr(e, b"type").as_deref(), Some(t) if t != "normal")
            }
            _ => false,
        };
        if skip {
            if !empty {
                self.skip_from = Some(self.depth);
            }
            return;
        }
        match local {
            b"p" if self.paras.len() < MAX_NESTING => self.paras.push(Para::default()),
            b"p" => self.overflow[0] += 1,
            b"r" => {
                self.in_run = true;
                self.run_italic = false;
            }
            b"rPr" if self.in_run => self.in_rpr = true,
            b"i" if self.in_rpr => self.run_italic = on(e),
            b"t" if self.in_run => self.in_t = !empty,
            b"instrText" => {
                self.in_instr = !empty;
            }
            b"tab" | b"ptab" if self.in_run && !self.in_rpr => self.push("\t", " "),
            b"br" | b"cr" if self.in_run => self.push(" ", " "),
            b"noBreakHyphen" if self.in_run => self.push("-", "-"),
            b"footnoteReference" | b"endnoteReference" => self.reference(e),
            b"footnote" | b"endnote" => {
                if let Mode::Notes { .. } = self.mode {
                    self.finish_note();
                    let id = attr(e, b"id").unwrap_or_default();
                    let at = self.out.lines.len();
                    self.note = Some(WalkedNote { id, lines: at..at, links: Vec::new() });
                }
            }
            b"hyperlink" if self.links.len() < MAX_NESTING => {
                let href = self.link_target(e);
                self.links.push(OpenLink { href: href.unwrap_or_default(), text: String::new() });
            }
            b"hyperlink" => self.overflow[1] += 1,
            b"fldSimple" if self.fields.len() < MAX_NESTING => {
                let instr = attr(e, b"instr").unwrap_or_default();
                let link = hyperlink_field(&instr).map(|href| OpenLink { href, text: String::new() });
                self.fields.push(Field { instr, in_result: true, link });
            }
            b"fldSimple" => self.overflow[2] += 1,
            b"fldChar" => match attr(e, b"fldCharType").as_deref() {
                Some("begin") if self.fields.len() < MAX_NESTING => self.fields.push(Field::default()),
                Some("begin") => self.overflow[3] += 1,
                Some("end") if self.overflow[3] > 0 => self.overflow[3] -= 1,
                Some("separate") => {
                    if let Some(f) = self.fields.last_mut() {
                        f.in_result = true;
                        f.link = hyperlink_field(&f.instr).map(|href| OpenLink { href, text: String::new() });
                    }
                }
                Some("end") => {
                    if let Some(f) = self.fields.pop() {
                        self.close_link(f.link);
                    }
                }
                _ => {}
            },
            b"sectPr" => {
                self.in_sect = true;
                self.section = Section::default();
            }
            b"footnotePr" | b"endnotePr" if self.in_sect => self.note_pr = note_kind(local),
            b"numFmt" | b"numStart" | b"numRestart" => {
                if let Some(kind) = self.note_pr {
                    let pr = match kind {
                        NoteKind::Footnote => &mut self.section.footnotes,
                        NoteKind::Endnote => &mut self.section.endnotes,
                    };
                    pr.set(local, attr(e, b"val"));
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, space: Space, local: &[u8]) {
        let depth = self.depth;
        self.depth = self.depth.saturating_sub(1);
        if let Some(from) = self.skip_from {
            if depth <= from {
                self.skip_from = None;
            }
            return;
        }
        if space != Space::W {
            return;
        }
        match local {
            b"p" if self.overflow[0] > 0 => self.overflow[0] -= 1,
            b"hyperlink" if self.overflow[1] > 0 => self.overflow[1] -= 1,
            b"fldSimple" if self.overflow[2] > 0 => self.overflow[2] -= 1,
            b"p" => self.end_paragraph(),
            b"r" => {
                self.in_run = false;
                self.in_rpr = false;
                self.in_t = false;
                // A custom mark is the text after its reference, in the same run as Word writes
                // it, or in the next run that has text.
                let has_text = match (&self.pending_custom, self.paras.last()) {
                    (Some(p), Some(para)) => para.line.plain.len() > p.start,
                    _ => false,
                };
                if has_text {
                    self.end_custom_mark();
                }
            }
            b"rPr" => self.in_rpr = false,
            b"t" => self.in_t = false,
            b"instrText" => self.in_instr = false,
            b"hyperlink" => {
                let link = self.links.pop();
                self.close_link(link);
            }
            b"fldSimple" => {
                if let Some(f) = self.fields.pop() {
                    self.close_link(f.link);
                }
            }
            b"footnote" | b"endnote" => self.finish_note(),
            b"footnotePr" | b"endnotePr" => self.note_pr = None,
            b"sectPr" if self.in_sect => {
                self.in_sect = false;
                self.out.sections.push(std::mem::take(&mut self.section));
            }
            _ => {}
        }
    }

    fn text(&mut self, s: &str) {
        if self.skip_from.is_some() {
            return;
        }
        if self.in_instr {
            if let Some(f) = self.fields.last_mut()
                && !f.in_result
                && f.instr.len() < 4096
            {
                f.instr.push_str(s);
            }
            return;
        }
        if self.in_t {
            let italic = self.run_italic;
            self.push_styled(s, s, italic);
        }
    }

    fn push(&mut self, plain: &str, marked: &str) {
        let italic = self.run_italic;
        self.push_styled(plain, marked, italic);
    }

    fn push_styled(&mut self, plain: &str, marked: &str, italic: bool) {
        let Some(para) = self.paras.last_mut() else { return };
        if italic != para.italic {
            if italic {
                // `*` hugs the words it marks, as Markdown emphasis does.
                let lead = marked.len() - marked.trim_start().len();
                para.line.marked.push_str(&marked[..lead]);
                para.line.marked.push('*');
                para.line.marked.push_str(&marked[lead..]);
            } else {
                close_italic(&mut para.line.marked);
                para.line.marked.push_str(marked);
            }
            para.italic = italic;
        } else {
            para.line.marked.push_str(marked);
        }
        para.line.plain.push_str(plain);
        for link in &mut self.links {
            link.text.push_str(plain);
        }
        for f in &mut self.fields {
            if let Some(link) = &mut f.link {
                link.text.push_str(plain);
            }
        }
    }

    fn end_paragraph(&mut self) {
        let Some(mut para) = self.paras.pop() else { return };
        if para.italic {
            close_italic(&mut para.line.marked);
        }
        self.end_custom_mark_in(&mut para);
        let line = self.out.lines.len();
        for &i in &para.refs {
            if let Some(r) = self.out.refs.get_mut(i) {
                r.line = line;
            }
        }
        self.out.lines.push(para.line);
        if let Some(note) = &mut self.note {
            note.lines.end = self.out.lines.len();
        }
    }

    /// A footnote or endnote reference in the body: its label is inserted where Word shows it.
    fn reference(&mut self, e: &BytesStart<'_>) {
        let Mode::Body { labels } = self.mode else { return };
        let Some(kind) = note_kind(e.local_name().as_ref()) else { return };
        if self.paras.is_empty() {
            return;
        }
        let id = attr(e, b"id").unwrap_or_default();
        if attr(e, b"customMarkFollows").is_some_and(|v| matches!(v.as_str(), "1" | "true" | "on")) {
            self.end_custom_mark();
            let start = self.paras.last().map_or(0, |p| p.line.plain.len());
            self.pending_custom = Some(Pending { kind, id, start });
            return;
        }
        // Both passes meet the references in the same order, so the count so far is the index.
        let label = labels.and_then(|l| l.get(self.out.refs.len())).cloned().unwrap_or_default();
        let section = self.out.sections.len();
        let index = self.out.refs.len();
        let Some(para) = self.paras.last_mut() else { return };
        let start = para.line.plain.len();
        para.line.plain.push_str(&label);
        para.refs.push(index);
        let range = start..start + label.len();
        self.out.refs.push(RefSeen { kind, id, custom: None, section, line: usize::MAX, range });
    }

    fn end_custom_mark(&mut self) {
        if let Some(mut para) = self.paras.pop() {
            self.end_custom_mark_in(&mut para);
            self.paras.push(para);
        }
    }

    /// A custom mark is the text that follows its reference in the same run.
    fn end_custom_mark_in(&mut self, para: &mut Para) {
        let Some(p) = self.pending_custom.take() else { return };
        let end = para.line.plain.len().max(p.start);
        let text = para.line.plain.get(p.start..end).unwrap_or("").to_owned();
        let section = self.out.sections.len();
        para.refs.push(self.out.refs.len());
        self.out.refs.push(RefSeen {
            kind: p.kind,
            id: p.id,
            custom: Some(text),
            section,
            line: usize::MAX,
            range: p.start..end,
        });
    }

    fn link_target(&self, e: &BytesStart<'_>) -> Option<String> {
        let Mode::Notes { rels, .. } = self.mode else { return None };
        // `w:anchor` alone is a link to a bookmark in the document, not a citation.
        let id = e.attributes().flatten().find(|a| a.key.as_ref().ends_with(b":id") || a.key.as_ref() == b"id")?;
        let id = String::from_utf8_lossy(&id.value).into_owned();
        rels.get(&id).cloned()
    }

    fn close_link(&mut self, link: Option<OpenLink>) {
        let Some(link) = link else { return };
        if link.href.is_empty() {
            return;
        }
        if let Some(note) = &mut self.note {
            let text = link.text.split_whitespace().collect::<Vec<_>>().join(" ");
            note.links.push(Link { href: link.href, text });
        }
    }

    fn finish_note(&mut self) {
        // Paragraphs left open by unbalanced XML still belong to the note.
        while !self.paras.is_empty() {
            self.end_paragraph();
        }
        while let Some(link) = self.links.pop() {
            self.close_link(Some(link));
        }
        while let Some(f) = self.fields.pop() {
            self.close_link(f.link);
        }
        if let Some(note) = self.note.take() {
            self.out.notes.push(note);
        }
    }

    fn finish(mut self) -> Walked {
        match self.mode {
            Mode::Notes { .. } => self.finish_note(),
            Mode::Body { .. } => {
                while !self.paras.is_empty() {
                    self.end_paragraph();
                }
            }
        }
        self.out
    }
}

fn close_italic(marked: &mut String) {
    let trail = marked.len() - marked.trim_end().len();
    let ws = marked.split_off(marked.len() - trail);
    if marked.ends_with('*') {
        // An italic run with nothing in it: no empty emphasis.
        marked.pop();
    } else {
        marked.push('*');
    }
    marked.push_str(&ws);
}

/// The URL of a `HYPERLINK` field code (`HYPERLINK "https://…" \o "tip"`), if it links out of
/// the document (`\l "bookmark"` alone links inside it).
pub(crate) fn hyperlink_field(instr: &str) -> Option<String> {
    let instr = instr.trim_start();
    let head = instr.get(..9)?;
    if !head.eq_ignore_ascii_case("HYPERLINK") {
        return None;
    }
    let mut rest = &instr[9..];
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) && !rest.starts_with('"') {
        return None;
    }
    let mut takes_arg = false;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return None;
        }
        let (token, quoted, after) = if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').unwrap_or(r.len());
            (&r[..end], true, r.get(end + 1..).unwrap_or(""))
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..end], false, &rest[end..])
        };
        rest = after;
        if takes_arg {
            takes_arg = false;
            continue;
        }
        if !quoted && token.starts_with('\\') {
            // \l, \o, \t take an argument; \m and \n do not.
            takes_arg = matches!(token.get(1..2), Some("l" | "o" | "t" | "L" | "O" | "T"));
            continue;
        }
        let url = token.replace("\\\\", "\\");
        return (!url.trim().is_empty()).then(|| url.trim().to_owned());
    }
}
