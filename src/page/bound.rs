//! Bounds on the HTML handed to the parser, so a hostile page cannot make extraction slow.
//!
//! The HTML parser (html5ever, for HTML documents given as input: `document/html.rs`) checks
//! element scopes against its stack of open elements, so deeply nested markup (`<div>` a hundred
//! thousand times) costs time quadratic in the depth. Real pages nest a few dozen levels; the
//! input is cut where an estimate of the depth passes [`MAX_DEPTH`], as if the page had been
//! fetched only that far. Fetched pages do not need the cut: the page scanner (`scan.rs`) is
//! linear whatever the nesting, so they are bounded by size only ([`MAX_HTML_BYTES`]).

/// Input longer than this is cut (at a character boundary).
pub(crate) const MAX_HTML_BYTES: usize = 8 * 1024 * 1024;
/// Nesting depth (estimated) at which the input is cut.
pub(crate) const MAX_DEPTH: usize = 256;

/// Elements that never nest: void elements and those whose end tag is optional (the parser
/// closes them implicitly, so counting them would overestimate the depth).
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    "keygen", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot", "colgroup",
    "caption", "rb", "rt", "rp", "html", "head", "body", "frame", "basefont", "bgsound", "image", "isindex",
];

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"];

/// The longest prefix of `html` that is within the bounds (what the page scan read before it
/// was linear; the tests compare with it).
#[cfg(test)]
pub(crate) fn bounded(html: &str) -> &str {
    depth_bounded(&html[..crate::span::floor_char_boundary(html, MAX_HTML_BYTES)])
}

/// The longest prefix of `html` whose estimated nesting stays within [`MAX_DEPTH`] (no size cap:
/// documents are bounded by their own size limit).
pub(crate) fn depth_bounded(html: &str) -> &str {
    let b = html.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let at = i + p;
        let rest = &b[at..];
        if rest.starts_with(b"<!--") {
            match memchr::memmem::find(&rest[4..], b"-->") {
                Some(end) => i = at + 4 + end + 3,
                None => break,
            }
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = at + 1 + usize::from(closing);
        let name_len =
            b[name_start..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b':').count();
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
            i = at + 1;
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let tag_end = memchr::memchr(b'>', &b[name_start..]).map(|e| name_start + e);
        let nests = !FLAT.contains(&name.as_str());
        if closing {
            if nests {
                depth = depth.saturating_sub(1);
            }
            i = tag_end.map_or(b.len(), |e| e + 1);
            continue;
        }
        let Some(tag_end) = tag_end else { break };
        let self_closing = tag_end > 0 && b[tag_end - 1] == b'/';
        if RAW_TEXT.contains(&name.as_str()) {
            match find_end_tag(b, tag_end + 1, name.as_bytes()) {
                Some(e) => i = e,
                None => break,
            }
            continue;
        }
        if nests && !self_closing {
            depth += 1;
            if depth > MAX_DEPTH {
                return &html[..at];
            }
        }
        i = tag_end + 1;
    }
    html
}

/// Where `</name` starts (ASCII case-insensitive) at or after `from`.
fn find_end_tag(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(p) = memchr::memmem::find(&b[i..], b"</") {
        let at = i + p;
        let cand = b.get(at + 2..at + 2 + name.len())?;
        if cand.eq_ignore_ascii_case(name) {
            return Some(at);
        }
        i = at + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_markup_is_kept_whole() {
        let page = "<html><head><script>if (a<b) { x = '<div>'; }</script><!-- <div><div> --></head><body>\
                    <ul><li>a<li>b</ul><p>one<p>two<img src=x><br/><svg><path d='M0'/></svg></body></html>";
        assert_eq!(bounded(page), page);
        let wide = "<div><span>x</span></div>".repeat(10_000);
        assert_eq!(bounded(&wide).len(), wide.len());
    }

    #[test]
    fn deep_nesting_is_cut() {
        let deep = "<div>".repeat(10_000) + "deep";
        assert_eq!(bounded(&deep).len(), MAX_DEPTH * 5);
        let spans = format!("<title>t</title>{}", "<SPAN class=x>".repeat(1000));
        assert!(bounded(&spans).starts_with("<title>t</title><SPAN"));
        assert!(bounded(&spans).len() < spans.len());
    }

    #[test]
    fn truncated_markup_is_fine() {
        for s in ["<", "<!--", "<div", "</", "<script>", "<1>", "<é>", "<a href='>"] {
            assert!(s.starts_with(bounded(s)));
        }
    }
}
