//! The page scan as it was before the streaming scanner: one walk over html5ever's document
//! (through scraper). Kept for the tests only, as the reference the streaming scanner
//! (`scan.rs`) is compared with (`scan_tests.rs`).

use scraper::{Html, Node};

use super::scan::{MAX_HEADINGS, MAX_LD_BLOCKS, MAX_LD_BYTES, MAX_METAS, MAX_TEXT, Raw};

/// The scan of the page as `extract` read it: parsed by html5ever after the depth bound.
pub(crate) fn scan_page(html: &str) -> Raw {
    scan(&Html::parse_document(super::bound::bounded(html)))
}

/// The same without the depth bound.
pub(crate) fn scan_unbounded(html: &str) -> Raw {
    scan(&Html::parse_document(html))
}

#[derive(Clone, Copy, PartialEq)]
enum Capture {
    None,
    Title,
    Heading,
}

/// Walks the document once, iteratively (deeply nested markup cannot exhaust the stack).
fn scan(html: &Html) -> Raw {
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
