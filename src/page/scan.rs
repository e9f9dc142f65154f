//! One pass over a parsed page collecting the raw material metadata is read from.

use scraper::{Html, Node};

/// Visible text kept for the signals, in bytes.
const MAX_TEXT: usize = 16 * 1024;
/// JSON-LD blocks kept, and the largest one read.
const MAX_LD_BLOCKS: usize = 32;
const MAX_LD_BYTES: usize = 512 * 1024;
/// Headings kept (h1–h3, in document order).
const MAX_HEADINGS: usize = 12;
/// `<meta>` elements kept.
const MAX_METAS: usize = 2000;

/// What a page holds, before interpretation.
#[derive(Debug, Default)]
pub(crate) struct Raw {
    /// `(key, content)` for every `<meta>`: one entry per `name`, `property`, `itemprop` and
    /// `http-equiv` attribute, the key lower-cased.
    pub metas: Vec<(String, String)>,
    /// The first `<title>` outside SVG.
    pub title: Option<String>,
    /// The first `<h1>`.
    pub h1: Option<String>,
    /// The first h1–h3 headings.
    pub headings: Vec<String>,
    /// The first `<time datetime>` value.
    pub time: Option<String>,
    /// The first `<link rel=canonical href>`.
    pub canonical: Option<String>,
    /// `<html lang>`.
    pub lang: Option<String>,
    /// The text of each `<script type="application/ld+json">`.
    pub ld_json: Vec<String>,
    /// `<input type=password>` elements.
    pub password_inputs: usize,
    /// Visible text (outside scripts, styles and the head), capped at [`MAX_TEXT`] bytes.
    pub text: String,
    /// Words of visible text, all of it.
    pub words: usize,
}

impl Raw {
    /// The content of the first meta with one of these keys (lower case), non-empty.
    pub fn meta(&self, keys: &[&str]) -> Option<&str> {
        keys.iter()
            .find_map(|k| self.metas.iter().find(|(mk, v)| mk == k && !v.trim().is_empty()).map(|(_, v)| v.trim()))
    }

    /// Every non-empty content of metas with this key.
    pub fn metas_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.metas.iter().filter(move |(k, v)| k == key && !v.trim().is_empty()).map(|(_, v)| v.trim())
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Capture {
    None,
    Title,
    Heading,
}

/// Walks the document once, iteratively (deeply nested markup cannot exhaust the stack).
pub(crate) fn scan(html: &Html) -> Raw {
    let mut raw = Raw::default();
    let mut stack = vec![(html.tree.root(), false)];
    // Depth inside elements whose text is not page text (scripts, styles, SVG…).
    let mut hidden = 0usize;
    let mut in_head = false;
    let mut capture = Capture::None;
    let mut buf = String::new();
    let mut ld: Option<String> = None;
    let mut title_seen = false;
    let mut last_was_space = true;
    while let Some((node, closing)) = stack.pop() {
        match node.value() {
            Node::Element(el) => {
                let name = el.name();
                let hides = matches!(
                    name,
                    "script"
                        | "style"
                        | "noscript"
                        | "template"
                        | "svg"
                        | "math"
                        | "iframe"
                        | "object"
                        | "select"
                        | "textarea"
                );
                if closing {
                    if hides {
                        hidden = hidden.saturating_sub(1);
                        if name == "script" {
                            if let Some(text) = ld.take() {
                                if raw.ld_json.len() < MAX_LD_BLOCKS {
                                    raw.ld_json.push(text);
                                }
                            }
                        }
                    }
                    if name == "head" {
                        in_head = false;
                    }
                    match (capture, name) {
                        (Capture::Title, "title") => {
                            raw.title = Some(std::mem::take(&mut buf));
                            capture = Capture::None;
                        }
                        (Capture::Heading, "h1" | "h2" | "h3") => {
                            let text = std::mem::take(&mut buf);
                            if name == "h1" && raw.h1.is_none() && !text.trim().is_empty() {
                                raw.h1 = Some(text.clone());
                            }
                            if raw.headings.len() < MAX_HEADINGS && !text.trim().is_empty() {
                                raw.headings.push(text);
                            }
                            capture = Capture::None;
                        }
                        _ => {}
                    }
                    if matches!(
                        name,
                        "p" | "div" | "br" | "li" | "td" | "h1" | "h2" | "h3" | "h4" | "section" | "article"
                    ) {
                        push_text(&mut raw, " ", &mut last_was_space);
                    }
                    continue;
                }
                stack.push((node, true));
                stack.extend(node.children().rev().map(|c| (c, false)));
                if hides {
                    hidden += 1;
                    if name == "script"
                        && ld.is_none()
                        && el.attr("type").is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
                    {
                        ld = Some(String::new());
                    }
                }
                match name {
                    "html" if raw.lang.is_none() => {
                        raw.lang = el.attr("lang").or_else(|| el.attr("xml:lang")).map(str::to_string);
                    }
                    "head" => in_head = true,
                    "title" if hidden == 0 && !title_seen && capture == Capture::None => {
                        title_seen = true;
                        capture = Capture::Title;
                        buf.clear();
                    }
                    "h1" | "h2" | "h3" if hidden == 0 && capture == Capture::None => {
                        capture = Capture::Heading;
                        buf.clear();
                    }
                    "meta" if raw.metas.len() < MAX_METAS => {
                        let content = el.attr("content").unwrap_or("");
                        for key in ["name", "property", "itemprop", "http-equiv"] {
                            if let Some(k) = el.attr(key) {
                                let k = k.trim().to_ascii_lowercase();
                                if !k.is_empty() {
                                    raw.metas.push((k, content.to_string()));
                                }
                            }
                        }
                        // `<meta itemprop=datePublished datetime=…>` in some templates.
                        if let (Some(k), Some(dt)) = (el.attr("itemprop"), el.attr("datetime")) {
                            raw.metas.push((k.trim().to_ascii_lowercase(), dt.to_string()));
                        }
                    }
                    "link" if raw.canonical.is_none() => {
                        let canonical = el
                            .attr("rel")
                            .is_some_and(|r| r.split_ascii_whitespace().any(|t| t.eq_ignore_ascii_case("canonical")));
                        if canonical {
                            raw.canonical = el.attr("href").map(|h| h.trim().to_string()).filter(|h| !h.is_empty());
                        }
                    }
                    "time" if raw.time.is_none() => {
                        raw.time = el.attr("datetime").map(|d| d.trim().to_string()).filter(|d| !d.is_empty());
                    }
                    "input" if el.attr("type").is_some_and(|t| t.trim().eq_ignore_ascii_case("password")) => {
                        raw.password_inputs += 1;
                    }
                    _ => {}
                }
            }
            Node::Text(t) if !closing => {
                if let Some(block) = ld.as_mut() {
                    if block.len() + t.len() <= MAX_LD_BYTES {
                        block.push_str(t);
                    }
                    continue;
                }
                if hidden > 0 {
                    continue;
                }
                match capture {
                    Capture::Title => {
                        if buf.len() < 8 * 1024 {
                            buf.push_str(t);
                        }
                        continue;
                    }
                    Capture::Heading => {
                        if buf.len() < 8 * 1024 {
                            buf.push_str(t);
                        }
                    }
                    Capture::None => {}
                }
                if !in_head {
                    push_text(&mut raw, t, &mut last_was_space);
                }
            }
            Node::Document | Node::Fragment if !closing => {
                stack.extend(node.children().rev().map(|c| (c, false)));
            }
            _ => {}
        }
    }
    // A page cut off inside its <title> still has a title.
    if raw.title.is_none() && capture == Capture::Title {
        raw.title = Some(buf);
    }
    raw
}

fn push_text(raw: &mut Raw, t: &str, last_was_space: &mut bool) {
    for word in t.split_whitespace() {
        raw.words += 1;
        if raw.text.len() + word.len() < MAX_TEXT {
            if !*last_was_space {
                raw.text.push(' ');
            }
            raw.text.push_str(word);
            *last_was_space = false;
        }
    }
    if t.ends_with(char::is_whitespace) && !raw.text.is_empty() && !*last_was_space {
        raw.text.push(' ');
        *last_was_space = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Raw {
        scan(&Html::parse_document(s))
    }

    #[test]
    fn reads_head_and_body() {
        let r = raw(
            r#"<html lang="en"><head><title>T &amp; U</title><meta property="og:title" content="O"><meta name="Author" content="A">
            <link rel="Canonical" href="/x"><script type="application/ld+json">{"a":1}</script></head>
            <body><svg><title>svg</title></svg><h1>Head <span>line</span></h1><script>var x;</script><p>Some words here.</p>
            <time datetime="2025-03-23">x</time><input type=password></body></html>"#,
        );
        assert_eq!(r.title.as_deref(), Some("T & U"));
        assert_eq!(r.meta(&["og:title"]), Some("O"));
        assert_eq!(r.meta(&["author"]), Some("A"));
        assert_eq!(r.canonical.as_deref(), Some("/x"));
        assert_eq!(r.ld_json, [r#"{"a":1}"#]);
        assert_eq!(r.h1.as_deref(), Some("Head line"));
        assert_eq!(r.time.as_deref(), Some("2025-03-23"));
        assert_eq!(r.lang.as_deref(), Some("en"));
        assert_eq!(r.password_inputs, 1);
        assert!(r.text.contains("Some words here."), "{:?}", r.text);
        assert!(!r.text.contains("var x"));
    }

    #[test]
    fn truncated_title_is_kept() {
        assert_eq!(raw("<html><head><title>Cut off he").title.as_deref(), Some("Cut off he"));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        // The parser nests them all; the walk must not recurse.
        let s = "<div>".repeat(3_000) + "deep";
        assert_eq!(raw(&s).words, 1);
    }
}
