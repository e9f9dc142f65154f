//! JSON-LD (`<script type="application/ld+json">`): headlines, names, publisher, date, authors.

use serde_json::{Map, Value};

use crate::matching::normalize::decode_entities;

/// Nodes read across all blocks; a page with more is not describing one article.
const MAX_NODES: usize = 256;
/// How deep `@graph` and arrays are followed.
const MAX_DEPTH: usize = 4;

/// Types whose `headline`/`name` is the title of the work itself.
const WORK_TYPES: &[&str] = &[
    "Article",
    "NewsArticle",
    "AnalysisNewsArticle",
    "AskPublicNewsArticle",
    "BackgroundNewsArticle",
    "OpinionNewsArticle",
    "ReportageNewsArticle",
    "ReviewNewsArticle",
    "SatiricalArticle",
    "ScholarlyArticle",
    "MedicalScholarlyArticle",
    "SocialMediaPosting",
    "BlogPosting",
    "LiveBlogPosting",
    "DiscussionForumPosting",
    "TechArticle",
    "Report",
    "Legislation",
    "Thesis",
    "Book",
    "Chapter",
    "Review",
    "CreativeWork",
    "VideoObject",
    "PodcastEpisode",
    "Episode",
    "Dataset",
    "PublicationIssue",
    "Periodical",
    "Guide",
    "HowTo",
    "Recipe",
];

/// Types describing the page the work is on.
const PAGE_TYPES: &[&str] = &[
    "WebPage",
    "ItemPage",
    "AboutPage",
    "FAQPage",
    "QAPage",
    "ProfilePage",
    "CollectionPage",
    "ContactPage",
    "MedicalWebPage",
];

/// What the JSON-LD of a page says, each list in precedence order.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct LinkedData {
    /// `headline` values of works, then of pages.
    pub headlines: Vec<String>,
    /// `name` values of works, then of pages.
    pub names: Vec<String>,
    /// Publisher names, then `WebSite` names.
    pub publishers: Vec<String>,
    /// `datePublished` (then `dateCreated`, `uploadDate`) of works, then of pages.
    pub dates: Vec<String>,
    /// Author names of works (of pages when no work names one).
    pub authors: Vec<String>,
    /// A work type (an article, a report…) was declared.
    pub has_work: bool,
}

/// Reads every block; blocks that are not JSON (or not quite) are skipped or repaired cheaply.
pub(crate) fn read(blocks: &[String]) -> LinkedData {
    let mut values = Vec::new();
    for block in blocks {
        parse_block(block, &mut values);
    }
    let mut nodes = Vec::new();
    for v in &values {
        collect(v, 0, &mut nodes);
    }
    let ids: Vec<(&str, &Map<String, Value>)> =
        nodes.iter().filter_map(|n| n.get("@id").and_then(Value::as_str).map(|id| (id, *n))).collect();
    let resolve = |v: &'_ Value| -> Option<String> { name_of(v, &ids) };

    let mut ld = LinkedData::default();
    let works: Vec<&Map<String, Value>> = nodes.iter().copied().filter(|n| has_type(n, WORK_TYPES)).collect();
    let pages: Vec<&Map<String, Value>> = nodes.iter().copied().filter(|n| has_type(n, PAGE_TYPES)).collect();
    ld.has_work = !works.is_empty();
    for n in works.iter().chain(pages.iter()) {
        push_unique(&mut ld.headlines, n.get("headline").and_then(text));
        push_unique(&mut ld.names, n.get("name").and_then(text));
        for key in ["datePublished", "dateCreated", "uploadDate"] {
            push_unique(&mut ld.dates, n.get(key).and_then(text));
        }
    }
    for n in works.iter().chain(pages.iter()) {
        for key in ["publisher", "sourceOrganization"] {
            if let Some(p) = n.get(key) {
                push_unique(&mut ld.publishers, first(p).and_then(resolve));
            }
        }
    }
    for n in &nodes {
        if has_type(n, &["WebSite"]) {
            push_unique(&mut ld.publishers, n.get("name").and_then(text));
        }
    }
    for group in [&works, &pages] {
        for n in group.iter() {
            let Some(a) = n.get("author").or_else(|| n.get("creator")) else { continue };
            let list: Vec<&Value> = match a {
                Value::Array(items) => items.iter().take(50).collect(),
                other => vec![other],
            };
            for item in list {
                push_unique(&mut ld.authors, resolve(item));
            }
        }
        if !ld.authors.is_empty() {
            break;
        }
    }
    ld
}

fn parse_block(block: &str, out: &mut Vec<Value>) {
    let mut s = block.trim();
    for prefix in ["<!--", "//<![CDATA[", "<![CDATA["] {
        s = s.strip_prefix(prefix).unwrap_or(s).trim_start();
    }
    for suffix in ["-->", "//]]>", "]]>"] {
        s = s.strip_suffix(suffix).unwrap_or(s).trim_end();
    }
    let before = out.len();
    read_stream(s, out);
    if out.len() == before {
        // Raw line breaks and tabs inside strings are the usual defect.
        let repaired: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        read_stream(&repaired, out);
    }
}

fn read_stream(s: &str, out: &mut Vec<Value>) {
    // Some pages put several objects (or a trailing semicolon) in one block.
    for v in serde_json::Deserializer::from_str(s).into_iter::<Value>() {
        match v {
            Ok(v) => out.push(v),
            Err(_) => break,
        }
    }
}

fn collect<'a>(v: &'a Value, depth: usize, out: &mut Vec<&'a Map<String, Value>>) {
    if depth > MAX_DEPTH || out.len() >= MAX_NODES {
        return;
    }
    match v {
        Value::Array(items) => {
            for item in items {
                collect(item, depth + 1, out);
            }
        }
        Value::Object(map) => {
            if out.len() < MAX_NODES {
                out.push(map);
            }
            if let Some(graph) = map.get("@graph") {
                collect(graph, depth + 1, out);
            }
            // A WebPage often carries its article as `mainEntity`.
            if let Some(main) = map.get("mainEntity") {
                if main.is_object() || main.is_array() {
                    collect(main, depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

fn has_type(node: &Map<String, Value>, wanted: &[&str]) -> bool {
    let short = |t: &str| t.rsplit(['/', '#', ':']).next().unwrap_or(t).trim().to_string();
    match node.get("@type") {
        Some(Value::String(t)) => wanted.contains(&short(t).as_str()),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(|t| wanted.contains(&short(t).as_str())),
        _ => false,
    }
}

/// A string value: a string, the first string of an array, or `{"@value": …}`; entities that
/// some publishers leave in JSON-LD are decoded.
fn text(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.as_str(),
        Value::Array(items) => return items.iter().find_map(text),
        Value::Object(map) => return map.get("@value").and_then(text),
        Value::Number(_) | Value::Bool(_) | Value::Null => return None,
    };
    let s = decode_entities(s);
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

fn first(v: &Value) -> Option<&Value> {
    match v {
        Value::Array(items) => items.first(),
        other => Some(other),
    }
}

/// The name of a person or organisation: a string, an object's `name`, or a `{"@id"}` reference
/// to a node elsewhere in the graph.
fn name_of(v: &Value, ids: &[(&str, &Map<String, Value>)]) -> Option<String> {
    match v {
        Value::String(_) => text(v),
        Value::Object(map) => map.get("name").and_then(text).or_else(|| {
            let id = map.get("@id")?.as_str()?;
            let (_, node) = ids.iter().find(|(i, _)| *i == id)?;
            node.get("name").and_then(text)
        }),
        _ => None,
    }
}

fn push_unique(list: &mut Vec<String>, v: Option<String>) {
    if let Some(v) = v {
        if !list.contains(&v) {
            list.push(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ld(blocks: &[&str]) -> LinkedData {
        read(&blocks.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn reads_a_news_article() {
        let d = ld(&[
            r#"{"@context":"https://schema.org","@type":"NewsArticle","headline":"Envoy wraps up fruitful Kabul trip",
            "datePublished":"2025-03-24T01:00:00+05:00","author":[{"@type":"Person","name":"Kamran Yousaf"}],
            "publisher":{"@type":"Organization","name":"The Express Tribune"}}"#,
        ]);
        assert_eq!(d.headlines, ["Envoy wraps up fruitful Kabul trip"]);
        assert_eq!(d.dates, ["2025-03-24T01:00:00+05:00"]);
        assert_eq!(d.authors, ["Kamran Yousaf"]);
        assert_eq!(d.publishers, ["The Express Tribune"]);
        assert!(d.has_work);
    }

    #[test]
    fn follows_graphs_arrays_and_references() {
        let d = ld(&[
            r##"{"@graph":[{"@type":"WebPage","name":"Page &amp; name - Site"},
            {"@type":["Article","BlogPosting"],"headline":"Art","author":{"@id":"#p"},"publisher":{"@id":"#o"}},
            {"@type":"Person","@id":"#p","name":"Tahir Khan"},{"@type":"Organization","@id":"#o","name":"Dawn"},
            {"@type":"WebSite","name":"DAWN.COM"}]}"##,
            r#"[{"@type":"http://schema.org/Report","name":"R"}]"#,
        ]);
        assert_eq!(d.headlines, ["Art"]);
        assert_eq!(d.names, ["R", "Page & name - Site"]);
        assert_eq!(d.authors, ["Tahir Khan"]);
        assert_eq!(d.publishers, ["Dawn", "DAWN.COM"]);
    }

    #[test]
    fn survives_broken_blocks() {
        let d = ld(&[
            "{\"@type\":\"Article\",\"headline\":\"Line\nbreak\"}",
            "not json",
            "<!-- {\"@type\":\"Article\",\"name\":\"N\"} -->",
            "[[[[[[[[[[[[",
            "",
        ]);
        assert_eq!(d.headlines, ["Line break"]);
        assert_eq!(d.names, ["N"]);
        let deep = "[".repeat(10_000);
        assert_eq!(ld(&[&deep]), LinkedData::default());
    }
}
