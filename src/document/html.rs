//! The HTML parser: `<sup>` markers that link to notes by fragment, and the notes they point at,
//! as pandoc, Word, Google Docs, WordPress and Wikipedia export them.
//!
//! Markers and notes are linked by their `href`/`id`, not by their printed labels, since that is
//! what the page's reader follows. html5ever keeps no source positions, so positions are found
//! afterwards by searching the source for each element's `href`/`id` in document order.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Node, Selector};

use super::{Link, Parsed, RawMarker, RawNote};

fn selector(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

static INTERNAL_LINKS: LazyLock<Selector> = LazyLock::new(|| selector("a[href^='#']"));
static ANCHORS: LazyLock<Selector> = LazyLock::new(|| selector("[id], a[name]"));
static NOTE_CONTAINERS: LazyLock<Selector> = LazyLock::new(|| {
    selector(
        "section.footnotes li, div.footnotes li, ol.footnotes li, aside.footnotes li, \
         [role=doc-endnotes] li, ol.references li, ol.wp-block-footnotes li, \
         [role=doc-endnote], [role=doc-footnote], aside[id], div[id^=ftn], div[id^=_ftn]",
    )
});

pub(crate) fn parse(full: &str) -> Parsed {
    // The HTML parser is quadratic in nesting depth: a hostile document is cut where it passes
    // the bound, and says so.
    let text = crate::page::bound::depth_bounded(full);
    let cut = (text.len() < full.len())
        .then(|| (text.len(), format!("the HTML nests deeper than {} levels here", crate::page::bound::MAX_DEPTH)));
    let mut parsed = parse_bounded(text);
    parsed.cut = cut;
    parsed
}

fn parse_bounded(text: &str) -> Parsed {
    let html = Html::parse_document(text);
    let order: HashMap<NodeId, usize> = html.tree.root().descendants().enumerate().map(|(i, n)| (n.id(), i)).collect();
    let mut targets: HashMap<String, NodeId> = HashMap::new();
    for el in html.select(&ANCHORS) {
        for key in [el.value().id(), el.value().attr("name")].into_iter().flatten() {
            targets.entry(key.to_owned()).or_insert(el.id());
        }
    }

    // 1. Candidate markers: internal links that look like note references.
    let candidates: Vec<ElementRef> = html.select(&INTERNAL_LINKS).filter(|a| looks_like_marker(*a)).collect();
    let candidate_ids: HashSet<NodeId> = candidates.iter().map(|a| a.id()).collect();

    // 2. Their targets, climbed to the enclosing block: those are notes. A link whose target is
    //    itself a candidate (or sits inside one) is a backlink from a note to its marker.
    let mut note_of: HashMap<NodeId, NodeId> = HashMap::new(); // marker → note element
    let mut note_ids: Vec<NodeId> = Vec::new();
    for a in &candidates {
        let Some(target) = a.value().attr("href").and_then(|h| resolve(&targets, h)) else { continue };
        let Some(target_el) = html.tree.get(target).and_then(ElementRef::wrap) else { continue };
        let linked_to_marker = candidate_ids.contains(&target)
            || target_el.ancestors().any(|n| candidate_ids.contains(&n.id()))
            || target_el.descendants().any(|n| candidate_ids.contains(&n.id()));
        if linked_to_marker {
            continue;
        }
        let note = block_of(target_el);
        note_of.insert(a.id(), note.id());
        note_ids.push(note.id());
    }
    // 3. Notes in known containers that nothing links to are notes too (unreferenced ones).
    for el in html.select(&NOTE_CONTAINERS) {
        if !note_ids.iter().any(|&n| n == el.id() || is_inside(&html, el.id(), n) || is_inside(&html, n, el.id())) {
            note_ids.push(el.id());
        }
    }
    note_ids.sort_by_key(|id| order.get(id).copied().unwrap_or(usize::MAX));
    note_ids.dedup();
    // A target that holds other notes (a link to the whole `#footnotes` section) is no note, and
    // the link to it no marker.
    let holders: HashSet<NodeId> = note_ids
        .iter()
        .copied()
        .filter(|&outer| note_ids.iter().any(|&inner| inner != outer && is_inside(&html, inner, outer)))
        .collect();
    note_ids.retain(|id| !holders.contains(id));
    note_of.retain(|_, note| !holders.contains(note));
    let candidates: Vec<ElementRef> = candidates
        .into_iter()
        .filter(|a| note_of.contains_key(&a.id()) || !pointed_at_holder(a, &targets, &holders))
        .collect();
    let note_set: HashSet<NodeId> = note_ids.iter().copied().collect();

    // Markers are the candidates outside notes (a note's own links back are not markers).
    let markers: Vec<ElementRef> = candidates
        .into_iter()
        .filter(|a| !a.ancestors().any(|n| note_set.contains(&n.id())) && !note_set.contains(&a.id()))
        .collect();

    // Labels: a note takes the label of the first marker that points at it (what a reader sees),
    // else its own (list position, a leading "[n]", digits in its id).
    let mut label_of_note: HashMap<NodeId, String> = HashMap::new();
    for a in &markers {
        if let Some(&note) = note_of.get(&a.id()) {
            label_of_note.entry(note).or_insert_with(|| marker_label(*a));
        }
    }
    let mut finder = Finder { text, cursor: 0 };
    let mut raw_markers = Vec::with_capacity(markers.len());
    for a in &markers {
        let label =
            note_of.get(&a.id()).and_then(|n| label_of_note.get(n)).cloned().unwrap_or_else(|| marker_label(*a));
        let at = a.value().attr("href").and_then(|h| finder.marker(h)).unwrap_or(finder.cursor..finder.cursor);
        raw_markers.push(RawMarker { label, at });
    }

    let mut finder = Finder { text, cursor: 0 };
    let mut notes = Vec::with_capacity(note_ids.len());
    for (i, &id) in note_ids.iter().enumerate() {
        let Some(el) = html.tree.get(id).and_then(ElementRef::wrap) else { continue };
        let label = label_of_note.get(&id).cloned().unwrap_or_else(|| own_label(el, i));
        let (note_text, links) = note_content(el, &candidate_ids);
        let note_text = without_label(&note_text, &label).to_owned();
        let at = finder.element(el).unwrap_or(finder.cursor..finder.cursor);
        notes.push(RawNote { label, at, text: note_text, links, ignore: ignore_comment(el) });
    }
    // The prose is what comes before the first note (notes sit at the end in every exporter).
    let body_end = notes.iter().map(|n| n.at.start).min().unwrap_or(text.len());
    let body = prose_ranges(text, body_end);
    Parsed { notes, markers: raw_markers, body, cut: None }
}

/// Elements whose content is never prose a reader sees.
const NOT_PROSE: [&str; 7] = ["script", "style", "head", "template", "noscript", "svg", "math"];

/// The byte ranges of the text between tags in `text[..end]`, leaving out markup, comments and
/// the content of [`NOT_PROSE`] elements, each trimmed of white space. Positions then point into
/// the source, so a finding about the prose (an unsourced claim, say) lands on its line. Entities
/// are left as written. One forward scan: linear in the input whatever the markup.
fn prose_ranges(text: &str, end: usize) -> Vec<Range<usize>> {
    let bytes = &text.as_bytes()[..end.min(text.len())];
    let mut out = Vec::new();
    let mut push = |from: usize, to: usize| {
        let piece = &bytes[from..to];
        let lead = piece.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let trail = piece[lead..].iter().rev().take_while(|b| b.is_ascii_whitespace()).count();
        if lead + trail < piece.len() {
            out.push(from + lead..to - trail);
        }
    };
    let mut at = 0;
    let mut text_from = 0;
    while let Some(offset) = memchr::memchr(b'<', &bytes[at..]) {
        let lt = at + offset;
        let next = bytes.get(lt + 1).copied().unwrap_or(b' ');
        if !(next.is_ascii_alphabetic() || matches!(next, b'/' | b'!' | b'?')) {
            at = lt + 1; // a bare '<' in prose
            continue;
        }
        push(text_from, lt);
        let after = if bytes[lt..].starts_with(b"<!--") {
            find(bytes, lt + 4, b"-->").map_or(bytes.len(), |i| i + 3)
        } else {
            let close = tag_end(bytes, lt + 1);
            let name_start = lt + 1;
            let name_len =
                bytes[name_start..close.min(bytes.len())].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
            let name = &bytes[name_start..name_start + name_len];
            let self_closing = close > 0 && bytes.get(close - 1) == Some(&b'/');
            match NOT_PROSE.iter().find(|n| n.as_bytes().eq_ignore_ascii_case(name)) {
                Some(skip) if !self_closing => closing_tag_end(bytes, close, skip),
                _ => (close + 1).min(bytes.len()),
            }
        };
        at = after;
        text_from = after;
    }
    push(text_from.min(bytes.len()), bytes.len());
    out
}

/// The index of the `>` closing the tag whose name starts at `from`, or the end of the input.
/// A quote opens a value only right after `=`, as in HTML: an apostrophe in an unquoted value
/// must not swallow the rest of the page.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    let mut last = b' ';
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if (b == b'"' || b == b'\'') && last == b'=' => quote = Some(b),
            None if b == b'>' => return i,
            None => {}
        }
        if !b.is_ascii_whitespace() {
            last = b;
        }
    }
    bytes.len()
}

/// Just past the `</name ...>` that ends an element starting before `from`, or the end.
fn closing_tag_end(bytes: &[u8], from: usize, name: &str) -> usize {
    let mut at = from;
    while let Some(i) = find(bytes, at, b"</") {
        let rest = &bytes[i + 2..];
        if rest.len() >= name.len() && rest[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return (tag_end(bytes, i + 2) + 1).min(bytes.len());
        }
        at = i + 2;
    }
    bytes.len()
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(bytes.get(from..)?, needle).map(|i| from + i)
}

/// The reason of a `<!-- citecheck-ignore: reason -->` comment inside the note element, or right
/// before it (only white space between).
fn ignore_comment(el: ElementRef) -> Option<String> {
    let directive = |node: ego_tree::NodeRef<Node>| match node.value() {
        Node::Comment(c) => super::ignore_directive(c),
        _ => None,
    };
    if let Some(reason) = el.descendants().find_map(directive) {
        return Some(reason);
    }
    for sibling in el.prev_siblings() {
        match sibling.value() {
            Node::Text(t) if t.trim().is_empty() => continue,
            Node::Comment(_) => return directive(sibling),
            _ => return None,
        }
    }
    None
}

fn pointed_at_holder(a: &ElementRef, targets: &HashMap<String, NodeId>, holders: &HashSet<NodeId>) -> bool {
    a.value().attr("href").and_then(|h| resolve(targets, h)).is_some_and(|t| holders.contains(&t))
}

fn resolve(targets: &HashMap<String, NodeId>, href: &str) -> Option<NodeId> {
    let frag = href.strip_prefix('#')?;
    targets.get(frag).copied().or_else(|| {
        let decoded = percent_decode(frag);
        targets.get(&decoded).copied()
    })
}

fn percent_decode(s: &str) -> String {
    // Fragments are percent-encoded, never form-encoded: a `+` stays a `+`.
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

fn looks_like_marker(a: ElementRef) -> bool {
    static NAMED: LazyLock<regex::Regex> = LazyLock::new(|| {
        // A note-like fragment with a number in it: `fn1`, `note-3`, `_ftn2`, `cite_note-Khan-5`.
        regex::Regex::new(r"^(?:cite_note|_ftn|ftnt|footnote|endnote|note|fn|en)(?:[-_:.]?[0-9]|[-_:].*[0-9])")
            .expect("valid regex")
    });
    let v = a.value();
    let href = v.attr("href").unwrap_or("");
    let frag = href.trim_start_matches('#').to_ascii_lowercase();
    if v.attr("role") == Some("doc-noteref") || v.classes().any(|c| c.contains("footnote-ref") || c == "fn") {
        return true;
    }
    let text: String = a.text().collect();
    let label = text.trim().trim_matches(['[', ']', '(', ')']).trim();
    // What a reader sees as a note label: a number, a letter or two, a symbol such as * or †.
    let label_like = !label.is_empty()
        && label.chars().count() <= 4
        && label.chars().all(|c| c.is_alphanumeric() || matches!(c, '*' | '†' | '‡' | '§'));
    let in_sup = a.ancestors().take(3).filter_map(ElementRef::wrap).any(|e| e.value().name() == "sup")
        || a.descendants()
            .filter_map(ElementRef::wrap)
            .any(|e| e.value().name() == "sup" || e.value().classes().any(|c| c.contains("FootnoteReference")));
    let named = NAMED.is_match(&frag) && !frag.contains("ref") && !frag.contains("back");
    label_like && (in_sup || named)
}

fn marker_label(a: ElementRef) -> String {
    let text: String = a.text().collect();
    let label = text.trim().trim_matches(['[', ']', '(', ')', ' ']).trim();
    if label.is_empty() {
        let href = a.value().attr("href").unwrap_or("");
        href.chars().filter(char::is_ascii_digit).collect()
    } else {
        label.to_owned()
    }
}

/// The nearest block-level element at or above `el`: a note's container.
fn block_of(el: ElementRef) -> ElementRef {
    let is_block =
        |e: &ElementRef| matches!(e.value().name(), "li" | "p" | "div" | "aside" | "dd" | "td" | "section" | "footer");
    if is_block(&el) {
        return el;
    }
    let mut best = el;
    for anc in el.ancestors().filter_map(ElementRef::wrap) {
        best = anc;
        if is_block(&anc) {
            // Word and Google Docs wrap each note's paragraph in a div with the note's id.
            if anc.value().name() == "p"
                && let Some(parent) = anc.parent().and_then(ElementRef::wrap)
                && parent.value().name() == "div"
                && parent.value().id().is_some()
            {
                return parent;
            }
            return anc;
        }
    }
    best
}

fn is_inside(html: &Html, inner: NodeId, outer: NodeId) -> bool {
    html.tree.get(inner).is_some_and(|n| n.ancestors().any(|a| a.id() == outer))
}

fn own_label(el: ElementRef, index: usize) -> String {
    if el.value().name() == "li"
        && let Some(parent) = el.parent().and_then(ElementRef::wrap)
    {
        let start: usize = parent.value().attr("start").and_then(|s| s.trim().parse().ok()).unwrap_or(1);
        let position = parent
            .children()
            .filter_map(ElementRef::wrap)
            .take_while(|c| c.id() != el.id())
            .filter(|c| c.value().name() == "li")
            .count();
        return (start + position).to_string();
    }
    let text: String = el.text().collect();
    let t = text.trim_start();
    let bracketed = t.strip_prefix('[').and_then(|r| r.split_once(']')).map(|(l, _)| l.trim().to_owned());
    if let Some(l) = bracketed.filter(|l| !l.is_empty() && l.len() <= 8) {
        return l;
    }
    let digits: String = el.value().id().unwrap_or("").chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() { (index + 1).to_string() } else { digits }
}

/// The note's text without its visible label when the note repeats it as its first word (a
/// sidenote's `<span class="label">2</span> Author, …`): the label is no part of the citation.
fn without_label<'a>(text: &'a str, label: &str) -> &'a str {
    let trimmed = text.trim_start();
    match trimmed.strip_prefix(label) {
        Some(rest) if !label.is_empty() && rest.starts_with(char::is_whitespace) => rest.trim_start(),
        _ => text,
    }
}

/// A note's text (italics as `*…*`, backlinks and label anchors left out) and its outbound links.
fn note_content(el: ElementRef, candidate_ids: &HashSet<NodeId>) -> (String, Vec<Link>) {
    let mut out = String::new();
    let mut links = Vec::new();
    walk(el, candidate_ids, &mut out, &mut links);
    let mut text = out.split_whitespace().collect::<Vec<_>>().join(" ");
    // Drop a label printed at the start ("[1]", "1.") and a trailing back-arrow.
    for prefix in ["[", "^"] {
        if let Some(rest) = text.strip_prefix(prefix)
            && let Some((label, rest)) = rest.split_once([']', ' '])
            && label.len() <= 4
        {
            text = rest.trim_start().to_owned();
        }
    }
    let text = text.trim_end_matches(['↩', '\u{fe0e}', '\u{fe0f}', '↑', '^', ' ']).trim().to_owned();
    (text, links)
}

fn walk(root: ElementRef, candidate_ids: &HashSet<NodeId>, out: &mut String, links: &mut Vec<Link>) {
    use ego_tree::iter::Edge;
    // An explicit traversal, not recursion: a document's nesting depth must not reach the stack.
    let mut skip: Option<NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skip.is_some() || node.id() == root.id() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => out.push_str(t),
                    Node::Element(e) => {
                        let name = e.name();
                        let is_backlink = e.attr("role") == Some("doc-backlink")
                            || e.classes()
                                .any(|c| c.contains("footnote-back") || c == "mw-cite-backlink" || c == "fn-back")
                            || (name == "a"
                                && e.attr("href").is_some_and(|h| h.starts_with('#'))
                                && !candidate_ids.contains(&node.id()));
                        if matches!(name, "script" | "style" | "template") || is_backlink {
                            skip = Some(node.id());
                            continue;
                        }
                        if name == "a"
                            && let Some(href) = e.attr("href")
                            && !href.starts_with('#')
                            && !href.starts_with("mailto:")
                            && let Some(a) = ElementRef::wrap(node)
                        {
                            let text = a.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ");
                            links.push(Link { href: unwrap_redirect(href.trim()), text });
                        }
                        if matches!(name, "i" | "em") {
                            out.push('*');
                        }
                        if matches!(name, "br" | "p" | "div" | "li") {
                            out.push(' ');
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                    continue;
                }
                if skip.is_some() {
                    continue;
                }
                if let Node::Element(e) = node.value()
                    && matches!(e.name(), "i" | "em")
                {
                    out.push('*');
                }
            }
        }
    }
}

/// Google Docs exports wrap every link as `https://www.google.com/url?q=TARGET&sa=…`: the
/// citation is the target.
fn unwrap_redirect(href: &str) -> String {
    if let Ok(url) = url::Url::parse(href)
        && matches!(url.host_str(), Some("www.google.com" | "google.com"))
        && url.path() == "/url"
        && let Some((_, target)) = url.query_pairs().find(|(k, _)| k == "q" || k == "url")
        && (target.starts_with("http://") || target.starts_with("https://"))
    {
        return target.into_owned();
    }
    href.to_owned()
}

/// Finds elements' positions in the source by their attributes, in document order.
struct Finder<'a> {
    text: &'a str,
    cursor: usize,
}

impl Finder<'_> {
    /// The offset of `value` where it stands as the value of one of `attrs` (`id="value"`,
    /// `id='value'` or `id=value`), searching forward from the cursor.
    fn find_attr(&mut self, attrs: &[&str], value: &str) -> Option<usize> {
        // An empty value (`<li id>`) matches everywhere without advancing: it cannot be located.
        if value.is_empty() {
            return None;
        }
        let mut from = self.cursor;
        while let Some(i) = self.text.get(from..)?.find(value) {
            let at = from + i;
            let before = self.text[..at].trim_end_matches(['"', '\'']);
            let after = self.text[at + value.len()..].chars().next();
            let named = attrs.iter().any(|a| {
                before.strip_suffix('=').is_some_and(|b| {
                    let b = b.trim_end();
                    b.len() >= a.len()
                        && b.is_char_boundary(b.len() - a.len())
                        && b[b.len() - a.len()..].eq_ignore_ascii_case(a)
                        && b[..b.len() - a.len()].ends_with(|c: char| c.is_whitespace())
                })
            });
            if named && matches!(after, Some('"' | '\'' | ' ' | '>' | '/' | '\t' | '\n' | '\r')) {
                return Some(at);
            }
            from = at + value.len();
        }
        None
    }

    /// A marker's position: the first character of its visible label.
    fn marker(&mut self, href: &str) -> Option<Range<usize>> {
        let at = self.find_attr(&["href"], href)?;
        let mut pos = at;
        // Skip to the end of the tag, then over nested tags, to the label text.
        loop {
            let close = self.text[pos..].find('>')? + pos + 1;
            pos = close;
            let rest = &self.text[pos..];
            let trimmed = rest.trim_start();
            pos += rest.len() - trimmed.len();
            if !trimmed.starts_with('<') {
                break;
            }
        }
        self.cursor = at + href.len();
        let end = self.text[pos..].find('<').map_or(self.text.len(), |i| pos + i);
        Some(pos..end)
    }

    /// A note's position: the `<` of its opening tag, found by its id.
    fn element(&mut self, el: ElementRef) -> Option<Range<usize>> {
        let key = el.value().id().or_else(|| el.value().attr("name"));
        let at = match key {
            Some(id) => self.find_attr(&["id", "name"], id)?,
            None => {
                // No id: the first outbound link inside it.
                let href = el.select(&selector("a[href]")).find_map(|a| a.value().attr("href"))?;
                self.find_attr(&["href"], href)?
            }
        };
        let start = self.text[..at].rfind('<').unwrap_or(at);
        self.cursor = at;
        Some(start..at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pandoc_footnotes() {
        let text = r##"<p>Trade resumed.<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref"><sup>1</sup></a></p>
<section id="footnotes" class="footnotes footnotes-end-of-document" role="doc-endnotes"><hr /><ol>
<li id="fn1"><p>Kamran Yousaf, “Envoy wraps up”, <em>Express Tribune</em>, <a href="https://tribune.com.pk/story/1">https://tribune.com.pk/story/1</a><a href="#fnref1" class="footnote-back" role="doc-backlink">↩︎</a></p></li>
<li id="fn2"><p>Unused note.</p></li>
</ol></section>"##;
        let p = parse(text);
        assert_eq!(p.markers.len(), 1);
        assert_eq!(p.markers[0].label, "1");
        assert_eq!(&text[p.markers[0].at.clone()], "1");
        let labels: Vec<_> = p.notes.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(labels, ["1", "2"]);
        assert_eq!(
            p.notes[0].text,
            "Kamran Yousaf, “Envoy wraps up”, *Express Tribune*, https://tribune.com.pk/story/1"
        );
        assert_eq!(p.notes[0].links[0].href, "https://tribune.com.pk/story/1");
        assert!(text[p.notes[0].at.start..].starts_with("<li id=\"fn1\""));
    }

    #[test]
    fn word_save_as_html() {
        let text = r##"<p class=MsoNormal>Talks<a style='mso-footnote-id:ftn1' href="#_ftn1" name="_ftnref1" title=""><span class=MsoFootnoteReference><span style='mso-special-character:footnote'>[1]</span></span></a> went on.</p>
<div style='mso-element:footnote-list'><div style='mso-element:footnote' id=ftn1>
<p class=MsoFootnoteText><a style='mso-footnote-id:ftn1' href="#_ftnref1" name="_ftn1" title=""><span class=MsoFootnoteReference>[1]</span></a> Tahir Khan, “Peace and progress”, <i>Dawn</i>, March 23, 2025, <a href="https://www.dawn.com/news/1899846">https://www.dawn.com/news/1899846</a></p>
</div></div>"##;
        let p = parse(text);
        assert_eq!(p.markers.len(), 1, "{:?}", p.markers);
        assert_eq!(p.notes.len(), 1, "{:?}", p.notes);
        assert_eq!(p.notes[0].label, "1");
        assert_eq!(
            p.notes[0].text,
            "Tahir Khan, “Peace and progress”, *Dawn*, March 23, 2025, https://www.dawn.com/news/1899846"
        );
    }

    #[test]
    fn wikipedia_references() {
        let text = r##"<p>Claim.<sup id="cite_ref-3" class="reference"><a href="#cite_note-3">[3]</a></sup></p>
<ol class="references"><li id="cite_note-1">a</li><li id="cite_note-2">b</li><li id="cite_note-3"><span class="mw-cite-backlink"><b><a href="#cite_ref-3">^</a></b></span> <span class="reference-text"><cite class="citation news">Boone, Jon (30 November 2012). <a class="external text" href="https://www.theguardian.com/x">"Pakistan 'walking the talk'"</a>. <i>The Guardian</i>.</cite></span></li></ol>"##;
        let p = parse(text);
        assert_eq!(p.markers.len(), 1);
        let labels: Vec<_> = p.notes.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(labels, ["1", "2", "3"]);
        assert_eq!(p.markers[0].label, "3");
        assert_eq!(p.notes[2].links[0].text, "\"Pakistan 'walking the talk'\"");
        assert!(p.notes[2].text.starts_with("Boone, Jon (30 November 2012)."), "{}", p.notes[2].text);
    }

    #[test]
    fn a_repeated_visible_label_is_dropped() {
        assert_eq!(without_label("2 Ritika Banerjee, “T,” Dawn.", "2"), "Ritika Banerjee, “T,” Dawn.");
        assert_eq!(without_label(" 12 Khan, “T.”", "12"), "Khan, “T.”");
        assert_eq!(without_label("1971: A Global History", "1"), "1971: A Global History");
        assert_eq!(without_label("Khan, “T.”", "2"), "Khan, “T.”");
        assert_eq!(without_label("2", "2"), "2");
        assert_eq!(without_label("x", ""), "x");
    }

    #[test]
    fn ignore_comments_before_or_inside_a_note() {
        let html = r##"<p>A<sup><a href="#fn1">1</a></sup> B<sup><a href="#fn2">2</a></sup> C<sup><a href="#fn3">3</a></sup></p>
<section class="footnotes"><ol>
<!-- citecheck-ignore: the archive is gone -->
<li id="fn1">One <a href="https://a.example/1">x</a></li>
<li id="fn2">Two <!-- citecheck-ignore: moved --> <a href="https://a.example/2">y</a></li>
<!-- a plain comment -->
<li id="fn3">Three <a href="https://a.example/3">z</a></li>
</ol></section>"##;
        let p = parse(html);
        let ignores: Vec<_> = p.notes.iter().map(|n| n.ignore.as_deref()).collect();
        assert_eq!(ignores, [Some("the archive is gone"), Some("moved"), None]);
        assert_eq!(p.notes[1].text, "Two y");
    }

    #[test]
    fn deep_nesting_neither_overflows_nor_hangs() {
        let deep = format!(
            "<p>x<sup><a href=\"#fn1\">1</a></sup></p><ol class=\"footnotes\"><li id=\"fn1\">{}x</li></ol>",
            "<span>".repeat(20_000)
        );
        let p = parse(&deep);
        assert!(p.cut.is_some());
        let flat = "<p>a<sup><a href=\"#fn1\">1</a></sup></p><ol><li id=\"fn1\"><span><b><i>T</i></b></span> <a href=\"https://a.example/\">x</a></li></ol>";
        let p = parse(flat);
        assert!(p.cut.is_none());
        assert_eq!(p.notes[0].text, "*T* x");
    }

    #[test]
    fn in_page_links_are_not_markers() {
        let text = r##"<p><a href="#en">EN</a> <a href="#footnotes">↓</a> Talks.<sup><a href="#fn1">1</a></sup></p>
<section id="footnotes" class="footnotes"><ol><li id="fn1">“T”, 2020, <a href="https://a.example/x">x</a></li><li id="fn2">Other.</li></ol></section>"##;
        let p = parse(text);
        let markers: Vec<_> = p.markers.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(markers, ["1"]);
        let labels: Vec<_> = p.notes.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(labels, ["1", "2"]);
    }

    #[test]
    fn garbage_does_not_panic() {
        for text in ["", "<", "<a href='#'>", "<sup><a href=\"#x\">1</a></sup><div id=x>", "<<<>>>&&&"] {
            let _ = parse(text);
        }
    }

    #[test]
    fn found_by_fuzzing_a_note_with_an_empty_id_does_not_hang() {
        // `<li id>` has the id "", which the position finder used to look for forever.
        let text = "<p>A claim.<a href=\"#fn1\"><sup>1</sup></a> Another.<a href=\"#fn2\"><sup>2</sup></a></p>\n\
                    <ol><li id=\"fn1\">First note, <a href=\"https://a.test/1\">link</a>.</li>\n\
                    <li id>Second note, <a href=\"https://a.test/2\">link</a>.</li>\n\
                    <li name=\"\" id=\"fn2\">Third.</li></ol>";
        let parsed = parse(text);
        for note in &parsed.notes {
            assert!(note.at.start <= note.at.end && note.at.end <= text.len(), "{:?}", note.at);
        }
        assert!(parsed.notes.iter().any(|n| n.text.starts_with("First note")), "{:?}", parsed.notes);
    }

    fn prose(html: &str) -> Vec<&str> {
        prose_ranges(html, html.len()).into_iter().map(|r| &html[r]).collect()
    }

    #[test]
    fn prose_is_the_text_between_tags_with_positions_in_the_source() {
        let html = "<html><head><title>T</title><style>p{}</style></head>\n<body><p>Over 3,000 people <em>fled</em>.</p>\n<!-- a <p>comment</p> --><script>var a = '<p>';</script><p title=\"a>b\">Next.</p></body>";
        assert_eq!(prose(html), ["Over 3,000 people", "fled", ".", "Next."]);
        let first = prose_ranges(html, html.len())[0].clone();
        assert_eq!(&html[first], "Over 3,000 people");
        // A bare '<' is prose; an unclosed comment or script ends the prose, without a panic.
        assert_eq!(prose("<p>a < b</p>"), ["a < b"]);
        assert_eq!(prose("<a title=it's>x</a> <b>y</b>"), ["x", "y"]);
        assert_eq!(prose("<a title = 'a>b'>x</a>"), ["x"]);
        assert_eq!(prose("<p>a</p><!-- never closed"), ["a"]);
        assert_eq!(prose("<p>a</p><script>never closed"), ["a"]);
        assert_eq!(prose("<svg/><p>b</p>"), ["b"]);
        assert_eq!(prose("<p"), Vec::<&str>::new());
        // The end bound (the first note) is respected.
        let cut = "<p>body</p><ol><li id=fn1>note</li></ol>";
        assert_eq!(prose_ranges(cut, 11).into_iter().map(|r| &cut[r]).collect::<Vec<_>>(), ["body"]);
    }
}
