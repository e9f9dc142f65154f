//! The HTML report: one self-contained file for an editor or an auditor, with the evidence for
//! every reference. Inline CSS, inline SVG and one small hashed inline script; nothing is ever
//! loaded from elsewhere, and every string from a document or a fetched page is escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use url::Url;

use crate::finding::Finding;
use crate::matching::WordDiff;
use crate::report::{DocumentReport, ReferenceReport, RenderOptions, Report};
use crate::verdict::{Check, TitleResult, Verdict};

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/filter.js");

/// Longest URL shown whole; longer ones are shortened on screen (the link keeps it whole, and
/// print appends it).
const URL_SHOWN_CHARS: usize = 96;

/// Renders the report as one standalone HTML page. The same report always gives the same bytes.
pub fn render(report: &Report, options: &RenderOptions) -> String {
    let mut h = Html::with_capacity(32 * 1024 + report.summary.references * 2048);
    let rows = RowCounts::of(report);
    head(&mut h, report, options);
    h.raw("<body>\n");
    header(&mut h, report, options);
    summary(&mut h, report, &rows);
    h.raw("<main>\n");
    if rows.total() > 0 {
        filters(&mut h, &rows);
    }
    for (i, doc) in report.documents.iter().enumerate() {
        document(&mut h, report, doc, i, options);
    }
    h.raw("</main>\n");
    footer(&mut h, report);
    let _ = writeln!(h.0, "<script>{SCRIPT}</script>\n</body>\n</html>");
    h.0
}

/// The `Content-Security-Policy`: nothing may load from anywhere; inline style is allowed, and
/// only the report's own script runs (by its hash, so an injected one never would).
fn content_security_policy() -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, SCRIPT.as_bytes());
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{}'; img-src 'none'; \
         connect-src 'none'; base-uri 'none'; form-action 'none'",
        base64(digest.as_ref())
    )
}

fn head(h: &mut Html, report: &Report, options: &RenderOptions) {
    h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"");
    h.attr(&content_security_policy());
    h.raw("\">\n<meta name=\"referrer\" content=\"no-referrer\">\n");
    h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.raw("<meta name=\"color-scheme\" content=\"light dark\">\n<meta name=\"generator\" content=\"");
    h.attr(&report.run.tool);
    h.raw("\">\n<title>");
    h.text(&format!("Citation report: {}", subject(report, options)));
    let _ = writeln!(h.0, "</title>\n<style>\n{STYLE}</style>\n</head>");
}

/// What the report is about, in a few words: the one document, or how many.
fn subject(report: &Report, options: &RenderOptions) -> String {
    match report.documents.as_slice() {
        [one] => shown_path(&one.path, options),
        docs => plural(docs.len(), "document", "documents"),
    }
}

fn header(h: &mut Html, report: &Report, options: &RenderOptions) {
    h.raw("<header class=\"run\">\n<h1>Citation report</h1>\n<p class=\"subtitle\">");
    h.text(&subject(report, options));
    h.raw("</p>\n<dl class=\"facts\">\n");
    let checked = report.documents.iter().flat_map(|d| &d.references).any(|r| r.check.is_some());
    h.raw(if checked { "<dt>Checked</dt><dd>" } else { "<dt>Extracted</dt><dd>" });
    evidence_time(h, report.run.started.as_deref());
    h.raw("</dd>\n<dt>Tool</dt><dd>");
    h.text(&report.run.tool);
    if !report.run.command.is_empty() {
        h.raw(" <code>");
        h.text(&report.run.command);
        h.raw("</code>");
    }
    h.raw("</dd>\n");
    if report.documents.len() > 1 {
        h.raw("<dt>Documents</dt><dd>");
        for (i, d) in report.documents.iter().enumerate() {
            if i > 0 {
                h.raw("<br>");
            }
            let _ = write!(h.0, "<a href=\"#doc-{}\">", i + 1);
            h.text(&shown_path(&d.path, options));
            h.raw("</a>");
        }
        h.raw("</dd>\n");
    }
    h.raw("<dt>Settings</dt><dd>");
    if report.run.settings.is_empty() {
        h.raw("<span class=\"muted\">defaults</span>");
    } else {
        h.raw("<dl class=\"settings\">");
        for (name, value) in &report.run.settings {
            h.raw("<div><dt>");
            h.text(name);
            h.raw("</dt><dd><code>");
            h.text(value);
            h.raw("</code></dd></div>");
        }
        h.raw("</dl>");
    }
    h.raw("</dd>\n</dl>\n</header>\n");
}

/// `<time>` for the run's start, or a plain statement that it was not recorded.
fn evidence_time(h: &mut Html, started: Option<&str>) {
    match started {
        Some(t) => {
            h.raw("<time datetime=\"");
            h.attr(t);
            h.raw("\">");
            h.text(&readable_time(t));
            h.raw("</time>");
        }
        None => h.raw("<span class=\"muted\">time not recorded</span>"),
    }
}

/// `2025-03-24T10:05:00Z` → `2025-03-24 10:05:00 UTC`; anything else as given.
fn readable_time(t: &str) -> String {
    match t.strip_suffix('Z').and_then(|t| t.split_once('T')) {
        Some((date, time)) => format!("{date} {time} UTC"),
        None => t.to_owned(),
    }
}

/// How many rows show each verdict; unchecked rows count under pseudo-verdicts.
struct RowCounts {
    by_verdict: BTreeMap<&'static str, usize>,
}

impl RowCounts {
    fn of(report: &Report) -> RowCounts {
        let mut by_verdict = BTreeMap::new();
        for r in report.documents.iter().flat_map(|d| &d.references) {
            *by_verdict.entry(row_verdict(r).key).or_default() += 1;
        }
        RowCounts { by_verdict }
    }

    fn total(&self) -> usize {
        self.by_verdict.values().sum()
    }

    /// Counts in report order: every verdict, then the pseudo-verdicts; zeros left out.
    fn ordered(&self) -> Vec<(Look, usize)> {
        Verdict::ALL
            .iter()
            .map(|&v| look(v))
            .chain([UNCHECKED, IGNORED])
            .filter_map(|l| self.by_verdict.get(l.key).map(|&n| (l, n)))
            .collect()
    }

    fn checked(&self) -> bool {
        Verdict::ALL.iter().any(|v| self.by_verdict.contains_key(v.as_str()))
    }
}

/// How a verdict looks: its key (the `data-verdict` and CSS class), a symbol (decoration: the
/// key is always written out too, so colour and shape are never the only cue), its colour and
/// a one-line meaning.
#[derive(Clone, Copy)]
struct Look {
    key: &'static str,
    symbol: &'static str,
    colour: &'static str,
    meaning: &'static str,
}

// Okabe–Ito colours: told apart with the common colour-vision deficiencies.
fn look(v: Verdict) -> Look {
    let (symbol, colour, meaning) = match v {
        Verdict::Ok => ("✓", "#009E73", "the link resolves to the page cited"),
        Verdict::TitleMismatch => ("≠", "#CC79A7", "the page has another title"),
        Verdict::Dead => ("✗", "#D55E00", "the link does not resolve"),
        Verdict::Soft404 => ("∅", "#E69F00", "an answer that is not the page"),
        Verdict::Unverifiable => ("?", "#F0E442", "access refused or challenged"),
        Verdict::NoUrl => ("–", "#BBBBBB", "no URL cited"),
        Verdict::InvalidUrl => ("!", "#0072B2", "the URL is malformed"),
        Verdict::Excluded => ("⊘", "#999999", "not fetched, by configuration or policy"),
        Verdict::NotChecked => ("…", "#56B4E9", "the run ended before it was checked"),
    };
    Look { key: v.as_str(), symbol, colour, meaning }
}

const UNCHECKED: Look = Look { key: "unchecked", symbol: "·", colour: "#DDDDDD", meaning: "extracted, not checked" };
const IGNORED: Look = Look { key: "ignored", symbol: "·", colour: "#DDDDDD", meaning: "ignored by configuration" };

fn row_verdict(r: &ReferenceReport) -> Look {
    match (&r.check, &r.reference.ignored) {
        (Some(c), _) => look(c.verdict),
        (None, Some(_)) => IGNORED,
        (None, None) => UNCHECKED,
    }
}

fn badge(h: &mut Html, l: Look) {
    let _ = write!(
        h.0,
        "<span class=\"badge v-{key}\" title=\"{meaning}\"><span aria-hidden=\"true\">{symbol} </span>{key}</span>",
        key = l.key,
        meaning = l.meaning,
        symbol = l.symbol
    );
}

fn summary(h: &mut Html, report: &Report, rows: &RowCounts) {
    let s = &report.summary;
    h.raw("<section class=\"summary\" aria-labelledby=\"summary-h\">\n<div>\n<h2 id=\"summary-h\">Summary</h2>\n");
    h.raw("<ul class=\"totals\">");
    for (n, one, many) in [
        (s.documents, "document", "documents"),
        (s.references, "reference", "references"),
        (s.errors, "error", "errors"),
        (s.warnings, "warning", "warnings"),
        (s.infos, "info", "infos"),
    ] {
        let _ = write!(h.0, "<li><strong>{n}</strong> <span>{}</span></li>", if n == 1 { one } else { many });
    }
    h.raw("</ul>\n</div>\n");
    if rows.checked() {
        chart(h, &rows.ordered());
    } else {
        h.raw("<p class=\"muted\">Extraction only: no URL was fetched.</p>\n");
    }
    h.raw("</section>\n");
}

/// A horizontal bar chart of references per verdict, labelled with names and counts.
fn chart(h: &mut Html, counts: &[(Look, usize)]) {
    const LABEL_W: usize = 120;
    const BAR_W: usize = 330;
    const ROW_H: usize = 26;
    let max = counts.iter().map(|&(_, n)| n).max().unwrap_or(1).max(1);
    let total: usize = counts.iter().map(|&(_, n)| n).sum();
    let height = counts.len() * ROW_H + 8;
    let width = LABEL_W + BAR_W + 60;
    let described: Vec<String> = counts.iter().map(|(l, n)| format!("{}: {n}", l.key)).collect();
    h.raw("<figure class=\"chart\">\n");
    let _ = write!(
        h.0,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"chart-t chart-d\" \
         viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\">\n\
         <title id=\"chart-t\">References by verdict</title>\n<desc id=\"chart-d\">{}</desc>\n",
        described.join("; ")
    );
    for (i, (l, n)) in counts.iter().enumerate() {
        let y = 4 + i * ROW_H;
        let w = (n * BAR_W / max).max(2);
        let _ = writeln!(
            h.0,
            "<g aria-label=\"{key}: {n}\"><title>{key}: {n} ({meaning})</title>\
             <text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{key}</text>\
             <rect x=\"{bx}\" y=\"{y}\" width=\"{w}\" height=\"{bh}\" rx=\"3\" fill=\"{colour}\"/>\
             <text x=\"{cx}\" y=\"{ty}\">{n}</text></g>",
            key = l.key,
            meaning = l.meaning,
            colour = l.colour,
            lx = LABEL_W - 8,
            ty = y + 14,
            bx = LABEL_W,
            bh = ROW_H - 8,
            cx = LABEL_W + w + 6,
        );
    }
    h.raw("</svg>\n");
    let _ = writeln!(h.0, "<figcaption>{} by verdict</figcaption>", plural(total, "reference", "references"));
    h.raw("</figure>\n");
}

fn filters(h: &mut Html, rows: &RowCounts) {
    // Hidden until the script shows it: without JavaScript every row shows and no dead control
    // is offered.
    h.raw("<div id=\"filters\" class=\"filters\" hidden>\n<fieldset>\n<legend>Show</legend>\n");
    for (l, n) in rows.ordered() {
        let _ = write!(h.0, "<label><input type=\"checkbox\" name=\"verdict\" value=\"{}\" checked> ", l.key);
        badge(h, l);
        let _ = writeln!(h.0, " {n}</label>");
    }
    h.raw(
        "</fieldset>\n<div class=\"presets\"><button type=\"button\" data-preset=\"problems\">Problems only</button>",
    );
    h.raw("<button type=\"button\" data-preset=\"all\">All</button>");
    h.raw("<span id=\"shown\" class=\"muted\" aria-live=\"polite\"></span></div>\n</div>\n");
}

fn document(h: &mut Html, report: &Report, doc: &DocumentReport, index: usize, options: &RenderOptions) {
    let n = index + 1;
    let _ = write!(h.0, "<section class=\"doc\" id=\"doc-{n}\" aria-labelledby=\"doc-{n}-h\">\n<h2 id=\"doc-{n}-h\">");
    h.text(&shown_path(&doc.path, options));
    h.raw("</h2>\n<p class=\"muted\">");
    let (e, w, i) = severities(&doc.findings);
    h.text(&format!(
        "{} · {} · {}, {}, {}",
        doc.format.as_str(),
        plural(doc.references.len(), "reference", "references"),
        plural(e, "error", "errors"),
        plural(w, "warning", "warnings"),
        plural(i, "info", "infos"),
    ));
    h.raw("</p>\n");

    let structural = structural_findings(doc);
    let _ = writeln!(h.0, "<h3 id=\"doc-{n}-structure\">Structure</h3>");
    if structural.is_empty() {
        h.raw("<p class=\"none\">No structural findings: every marker has its note and every note its marker.</p>\n");
    } else {
        h.raw("<ul class=\"findings\">\n");
        for f in structural {
            finding(h, f, true);
        }
        h.raw("</ul>\n");
    }

    let _ = writeln!(h.0, "<h3 id=\"doc-{n}-refs\">References</h3>");
    if doc.references.is_empty() {
        h.raw("<p class=\"none\">No footnoted references were found.</p>\n</section>\n");
        return;
    }
    let _ = write!(
        h.0,
        "<table class=\"refs\" aria-labelledby=\"doc-{n}-refs\">\n\
         <colgroup><col class=\"c-note\"><col class=\"c-cited\"><col class=\"c-found\"><col class=\"c-findings\"></colgroup>\n\
         <thead><tr><th scope=\"col\">Note</th><th scope=\"col\">Cited</th><th scope=\"col\">Found</th>\
         <th scope=\"col\">Findings</th></tr></thead>\n<tbody>\n"
    );
    for (j, r) in doc.references.iter().enumerate() {
        row(h, report, r, n, j + 1);
    }
    h.raw("</tbody>\n</table>\n</section>\n");
}

fn severities(findings: &[Finding]) -> (usize, usize, usize) {
    use crate::finding::Severity;
    findings.iter().fold((0, 0, 0), |(e, w, i), f| match f.severity {
        Severity::Error => (e + 1, w, i),
        Severity::Warning => (e, w + 1, i),
        Severity::Info => (e, w, i + 1),
    })
}

/// The document's findings that no check produced: the structure (markers, notes, numbering,
/// URLs, decoding). The document's list holds the checks' findings too, so those are taken out
/// once each.
fn structural_findings(doc: &DocumentReport) -> Vec<&Finding> {
    let mut from_checks: BTreeMap<(u32, u32, &str, &str), usize> = BTreeMap::new();
    for f in doc.references.iter().filter_map(|r| r.check.as_ref()).flat_map(|c| &c.findings) {
        *from_checks.entry((f.span.line, f.span.column, f.rule.id(), f.message.as_str())).or_default() += 1;
    }
    doc.findings
        .iter()
        .filter(|f| match from_checks.get_mut(&(f.span.line, f.span.column, f.rule.id(), f.message.as_str())) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}

fn finding(h: &mut Html, f: &Finding, with_position: bool) {
    let sev = f.severity.as_str();
    let _ = write!(h.0, "<li class=\"sev-{sev}\"><span class=\"sev\">{sev}</span> <code>{}</code> ", f.rule.id());
    if with_position {
        let _ = write!(h.0, "<span class=\"muted\">line {}:{}</span> ", f.span.line, f.span.column);
    }
    h.text(&f.message);
    h.raw("</li>\n");
}

fn row(h: &mut Html, report: &Report, r: &ReferenceReport, doc: usize, index: usize) {
    let reference = &r.reference;
    let l = row_verdict(r);
    let _ = writeln!(h.0, "<tr class=\"ref\" id=\"doc-{doc}-ref-{index}\" data-verdict=\"{}\">", l.key);

    // Note: label, line, verdict.
    h.raw("<th scope=\"row\" class=\"note\"><span class=\"label\">");
    h.text(&reference.label);
    let _ = write!(h.0, "</span><span class=\"line\">line {}</span>", reference.span.line);
    badge(h, l);
    if let Some(c) = &r.check {
        let grade = match c.title_match {
            TitleResult::Near => Some("near title"),
            TitleResult::Mismatch if c.verdict != Verdict::TitleMismatch => Some("title differs"),
            _ => None,
        };
        if let Some(g) = grade {
            let _ = write!(h.0, "<span class=\"title-grade\">{g}</span>");
        }
    }
    h.raw("</th>\n");

    cited(h, r);
    found(h, report, r);

    h.raw("<td class=\"findings\">");
    match &r.check {
        Some(c) if !c.findings.is_empty() => {
            h.raw("<ul class=\"findings\">\n");
            for f in &c.findings {
                finding(h, f, false);
            }
            h.raw("</ul>");
        }
        Some(_) => h.raw("<span class=\"none\">none</span>"),
        None => h.raw("<span class=\"none\">not checked</span>"),
    }
    h.raw("</td>\n</tr>\n");
}

fn cited(h: &mut Html, r: &ReferenceReport) {
    let reference = &r.reference;
    h.raw("<td class=\"cited\">");
    if !reference.authors.is_empty() {
        h.raw("<p class=\"authors\" dir=\"auto\">");
        h.text(&reference.authors.join("; "));
        h.raw("</p>");
    }
    match &reference.title {
        Some(t) => {
            h.raw("<p class=\"title\" dir=\"auto\">");
            h.text(t);
            h.raw("</p>");
        }
        None => h.raw("<p class=\"muted\">no title cited</p>"),
    }
    let mut facts: Vec<(&str, String)> = Vec::new();
    if let Some(c) = &reference.container {
        facts.push(("", c.clone()));
    }
    if let Some(d) = &reference.date {
        facts.push(("", d.to_string()));
    }
    if let Some(a) = &reference.accessed {
        facts.push(("accessed", a.to_string()));
    }
    if !facts.is_empty() {
        h.raw("<p class=\"pub\" dir=\"auto\">");
        for (i, (name, value)) in facts.iter().enumerate() {
            if i > 0 {
                h.raw(" · ");
            }
            if !name.is_empty() {
                let _ = write!(h.0, "<span class=\"field\">{name}</span>");
            }
            if i == 0 && reference.container.is_some() {
                h.raw("<cite>");
                h.text(value);
                h.raw("</cite>");
            } else {
                h.text(value);
            }
        }
        h.raw("</p>");
    }
    for (i, url) in reference.urls.iter().enumerate() {
        h.raw("<p class=\"url\">");
        link(h, url);
        // The first URL is judged in full under "Found"; further ones are only resolved.
        let other = r.check.as_ref().and_then(|c| c.other_urls.iter().find(|o| &o.url == url));
        if let Some(o) = other.filter(|_| i > 0) {
            h.raw(" ");
            badge(h, look(o.verdict));
            if let Some(s) = o.status {
                let _ = write!(h.0, " <span class=\"muted\">HTTP {s}</span>");
            }
            if let Some(e) = &o.error {
                h.raw(" <span class=\"muted\">");
                h.text(e);
                h.raw("</span>");
            }
        }
        h.raw("</p>");
    }
    if reference.urls.is_empty()
        && let Some(url) = &reference.url
    {
        h.raw("<p class=\"url\">");
        link(h, url);
        h.raw("</p>");
    }
    for (url, why) in &reference.malformed {
        h.raw("<p class=\"url\"><span class=\"mono\">");
        h.text(url);
        h.raw("</span> <span class=\"muted\">(");
        h.text(why);
        h.raw(")</span></p>");
    }
    if let Some(doi) = &reference.doi {
        h.raw("<p><span class=\"field\">DOI</span><code>");
        h.text(doi);
        h.raw("</code></p>");
    }
    if let Some(of) = &reference.repeats {
        h.raw("<p class=\"muted\">repeats note ");
        h.text(of);
        h.raw("</p>");
    }
    if let Some(why) = &reference.ignored {
        h.raw("<p><span class=\"field\">ignored</span>");
        h.text(why);
        h.raw("</p>");
    }
    if !reference.text.is_empty() {
        h.raw("<details class=\"note-text\"><summary>note text</summary><p dir=\"auto\">");
        h.text(&reference.text);
        h.raw("</p></details>");
    }
    h.raw("</td>\n");
}

fn found(h: &mut Html, report: &Report, r: &ReferenceReport) {
    h.raw("<td class=\"found\">");
    let Some(c) = &r.check else {
        let why = if r.reference.ignored.is_some() { "ignored" } else { "not fetched in this run" };
        let _ = writeln!(h.0, "<span class=\"none\">{why}</span></td>");
        return;
    };
    let chain = redirect_chain(c);
    if c.status.is_none() && c.error.is_none() && c.page.is_none() && c.page_title.is_none() && chain.is_empty() {
        // Nothing was fetched: say why rather than leave the cell blank.
        let _ = writeln!(h.0, "<span class=\"none\">{}</span></td>", look(c.verdict).meaning);
        return;
    }
    status_line(h, c);
    if let Some(fetched) = &c.fetched_url {
        h.raw("<p class=\"url\"><span class=\"field\">fetched as</span>");
        link(h, fetched);
        h.raw("</p>");
    }
    if chain.len() > 1 {
        h.raw("<ol class=\"chain\" aria-label=\"redirect chain\">");
        for hop in chain {
            h.raw("<li>");
            link(h, hop);
            h.raw("</li>");
        }
        h.raw("</ol>");
    }
    if let Some(t) = &c.page_title {
        h.raw("<p><span class=\"field\">page title</span>");
        let differs = c.title_diff.iter().any(|d| !matches!(d, WordDiff::Same(_)));
        if differs {
            h.raw("<span class=\"title diff\" dir=\"auto\">");
            title_diff(h, &c.title_diff);
            h.raw("</span></p><p class=\"diff-legend\"><del>struck</del>: cited, not on the page · <ins>marked</ins>: on the page, not cited");
            if let Some(score) = c.title_score {
                let _ = write!(h.0, " · similarity {score:.2}");
            }
            h.raw("</p><p><span class=\"field\">as written</span><span dir=\"auto\">");
            h.text(t);
            h.raw("</span>");
        } else {
            h.raw("<span class=\"title\" dir=\"auto\">");
            h.text(t);
            h.raw("</span>");
        }
        h.raw("</p>");
    }
    if let Some(p) = &c.page {
        let mut facts: Vec<(&str, String)> = Vec::new();
        if let Some(s) = &p.site {
            facts.push(("site", s.clone()));
        }
        if let Some(d) = &p.date {
            facts.push(("dated", d.clone()));
        }
        if !p.authors.is_empty() {
            facts.push(("by", p.authors.join("; ")));
        }
        if !facts.is_empty() {
            h.raw("<p class=\"page-meta\" dir=\"auto\">");
            for (i, (name, value)) in facts.iter().enumerate() {
                if i > 0 {
                    h.raw(" · ");
                }
                let _ = write!(h.0, "<span class=\"field\">{name}</span>");
                h.text(value);
            }
            h.raw("</p>");
        }
        if let Some(canonical) = &p.canonical
            && Some(canonical) != c.final_url.as_ref()
            && Some(canonical) != r.reference.url.as_ref()
        {
            h.raw("<p class=\"url\"><span class=\"field\">canonical</span>");
            link(h, canonical);
            h.raw("</p>");
        }
    }
    if let Some(e) = &c.error {
        h.raw("<p class=\"error\">");
        h.text(e);
        h.raw("</p>");
    }
    if let Some(copy) = &c.archived {
        // A copy that still carries the cited title is the good news of a lost page.
        let good = copy.outcome == crate::archived::ArchiveOutcome::Found
            && matches!(copy.title_match, TitleResult::Match | TitleResult::Near);
        let class = if good { "archived good" } else { "archived" };
        let _ = write!(h.0, "<p class=\"{class}\" dir=\"auto\"><span class=\"field\">archived copy</span>");
        h.text(&copy.summary);
        h.raw("</p>");
        if let Some(url) = &copy.url {
            h.raw("<p class=\"archived-url url\">");
            link(h, url);
            if let Some(at) = copy.captured {
                h.raw(" <span class=\"muted\">captured ");
                h.text(&at.to_string());
                h.raw("</span>");
            }
            h.raw("</p>");
        }
    }
    if c.status.is_some() || c.error.is_some() {
        h.raw("<p class=\"evidence\">evidence as of ");
        evidence_time(h, report.run.started.as_deref());
        h.raw("</p>");
    }
    h.raw("</td>\n");
}

/// Every address the fetch went through, from the first requested to the one that answered.
fn redirect_chain(c: &Check) -> Vec<&str> {
    let mut chain: Vec<&str> = Vec::with_capacity(c.redirects.len() + 1);
    if c.redirects.is_empty() {
        return chain;
    }
    for url in c.redirects.iter().chain(&c.final_url) {
        if chain.last() != Some(&url.as_str()) {
            chain.push(url);
        }
    }
    chain
}

fn status_line(h: &mut Html, c: &Check) {
    let mut parts = Vec::new();
    if let Some(s) = c.status {
        parts.push(format!("HTTP {s}"));
    }
    match c.redirects.len() {
        0 => {}
        n => parts.push(format!("after {}", plural(n, "redirect", "redirects"))),
    }
    if !parts.is_empty() {
        let _ = write!(h.0, "<p class=\"status\">{}</p>", parts.join(" "));
    }
}

/// The words of both titles in order, those only cited struck out and those only on the page
/// inserted.
fn title_diff(h: &mut Html, diff: &[WordDiff]) {
    for (i, d) in diff.iter().enumerate() {
        if i > 0 {
            h.raw(" ");
        }
        let (open, close, word) = match d {
            WordDiff::Same(w) => ("", "", w),
            WordDiff::Missing(w) => ("<del>", "</del>", w),
            WordDiff::Extra(w) => ("<ins>", "</ins>", w),
        };
        h.raw(open);
        h.text(word);
        h.raw(close);
    }
}

/// A URL: a link when it is http(s), otherwise text. Long ones are shortened on screen only.
fn link(h: &mut Html, url: &str) {
    let shown = shorten(url, URL_SHOWN_CHARS);
    match web_href(url) {
        Some(href) => {
            let abbreviated = shown != url;
            h.raw(if abbreviated { "<a class=\"abbr\" href=\"" } else { "<a href=\"" });
            h.attr(&href);
            h.raw("\" rel=\"noopener noreferrer\"");
            if abbreviated {
                h.raw(" title=\"");
                h.attr(url);
                h.raw("\"");
            }
            h.raw(">");
            h.text(&shown);
            h.raw("</a>");
        }
        None => {
            h.raw("<span class=\"mono\">");
            h.text(&shown);
            h.raw("</span>");
        }
    }
}

/// The address to put in `href`: only http and https, as the URL parser serialises it (so
/// quotes, spaces and controls are percent-encoded).
fn web_href(url: &str) -> Option<String> {
    let parsed = Url::parse(url.trim()).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.to_string())
}

/// At most `max` characters: the start and the end, joined by an ellipsis.
fn shorten(s: &str, max: usize) -> String {
    let count = s.chars().count();
    if count <= max || max < 8 {
        return s.to_owned();
    }
    let tail = max / 4;
    let head = max - tail - 1;
    let start: String = s.chars().take(head).collect();
    let end: String = s.chars().skip(count - tail).collect();
    format!("{start}…{end}")
}

fn shown_path(path: &str, options: &RenderOptions) -> String {
    options
        .root
        .as_deref()
        .and_then(|root| Path::new(path).strip_prefix(root).ok())
        .map_or_else(|| path.to_owned(), |p| p.display().to_string())
}

fn footer(h: &mut Html, report: &Report) {
    h.raw("<footer>Generated by ");
    h.text(&report.run.tool);
    h.raw(
        ". This file is self-contained: it loads nothing from anywhere; the links are the cited addresses.</footer>\n",
    );
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The page being written. Text and attribute values go through [`Html::text`] and
/// [`Html::attr`], which escape them; only the renderer's own markup goes through `raw`.
struct Html(String);

impl Html {
    fn with_capacity(n: usize) -> Html {
        Html(String::with_capacity(n))
    }

    fn raw(&mut self, s: &str) {
        self.0.push_str(s);
    }

    fn text(&mut self, s: &str) {
        escape_into(&mut self.0, s);
    }

    fn attr(&mut self, s: &str) {
        escape_into(&mut self.0, s);
    }
}

/// Escapes for text and double- or single-quoted attribute values alike, after dropping what a
/// page should never smuggle into a report: terminal escape sequences, control characters and
/// the bidirectional overrides that make text read backwards.
fn escape_into(out: &mut String, s: &str) {
    for c in crate::sanitize::strip_controls(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
}

/// Standard base64 with padding, for the script's hash.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Rule;
    use crate::report::RunInfo;
    use crate::span::Span;
    use crate::verdict::PageSummary;

    fn reference(label: &str, title: Option<&str>, url: Option<&str>) -> crate::Reference {
        crate::Reference {
            label: label.into(),
            span: Span { line: 3, column: 1, start: 0, end: 0 },
            text: format!("note {label}"),
            url: url.map(Into::into),
            urls: url.into_iter().map(Into::into).collect(),
            title: title.map(Into::into),
            authors: Vec::new(),
            container: None,
            date: None,
            accessed: None,
            doi: None,
            repeats: None,
            markers: Vec::new(),
            page: None,
            ignored: None,
            malformed: Vec::new(),
        }
    }

    fn report(refs: Vec<ReferenceReport>, findings: Vec<Finding>) -> Report {
        let doc =
            DocumentReport { path: "brief.md".into(), format: crate::Format::Markdown, references: refs, findings };
        Report::new(vec![doc]).with_run(RunInfo {
            command: "check".into(),
            started: Some("2025-03-24T10:05:00Z".into()),
            settings: vec![("timeout".into(), "20s".into())],
            ..RunInfo::default()
        })
    }

    fn checked(r: crate::Reference, check: Check) -> ReferenceReport {
        ReferenceReport { reference: r, check: Some(check) }
    }

    #[test]
    fn escapes_markup_and_drops_terminal_escapes() {
        let mut s = String::new();
        escape_into(&mut s, "<script>alert('x')</script> \"a\" & b");
        assert_eq!(s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;a&quot; &amp; b");
        let mut s = String::new();
        escape_into(&mut s, "a\u{1b}[31mred\u{1b}[0m \u{1b}]8;;https://e.vil\u{1b}\\x\u{1b}]0;t\u{7}\u{202e}z\u{0}");
        assert_eq!(s, "ared xz");
    }

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(web_href("https://a.test/x?q=\"><img").as_deref(), Some("https://a.test/x?q=%22%3E%3Cimg"));
        assert_eq!(web_href("javascript:alert(1)"), None);
        assert_eq!(web_href("data:text/html,<script>"), None);
        let mut h = Html::with_capacity(0);
        link(&mut h, "javascript:alert(1)");
        assert_eq!(h.0, "<span class=\"mono\">javascript:alert(1)</span>");
    }

    #[test]
    fn long_urls_are_shortened_on_screen_and_printed_whole() {
        let long = format!("https://a.test/{}", "é".repeat(200));
        let mut h = Html::with_capacity(0);
        link(&mut h, &long);
        assert!(h.0.starts_with("<a class=\"abbr\" href=\"https://a.test/%C3%A9"), "{}", h.0);
        assert!(h.0.contains('…'));
        assert_eq!(shorten("abcdefghijkl", 8), "abcde…kl");
    }

    #[test]
    fn base64_matches_the_standard_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn the_script_is_allowed_by_its_hash_and_cannot_end_early() {
        assert!(!SCRIPT.to_ascii_lowercase().contains("</script"));
        assert!(!STYLE.to_ascii_lowercase().contains("</style"));
        let csp = content_security_policy();
        assert!(csp.starts_with("default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-"), "{csp}");
        // SHA-256 is 32 bytes: 44 base64 characters.
        let hash = csp.split("'sha256-").nth(1).and_then(|s| s.split('\'').next()).unwrap_or("");
        assert_eq!(hash.len(), 44);
    }

    #[test]
    fn hostile_fields_stay_text() {
        let evil = "\"><img src=x onerror=alert(1)><script>alert(2)</script>";
        let mut r = reference("1\"><b>", Some(evil), Some("javascript:alert(3)"));
        r.authors = vec![evil.into()];
        let mut c = Check::without_fetch(Verdict::TitleMismatch, Some(evil.into()));
        c.status = Some(200);
        c.page_title = Some(evil.into());
        c.title_diff = vec![WordDiff::Missing(evil.into()), WordDiff::Extra("<i>".into())];
        c.page =
            Some(PageSummary { site: Some(evil.into()), canonical: Some("vbscript:x".into()), ..Default::default() });
        c.findings.push(Finding::new(Rule::TitleMismatch, r.span, evil));
        let html = render(&report(vec![checked(r, c)], Vec::new()), &RenderOptions::default());
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<b>"));
        assert!(!html.contains("<i>"));
        assert_eq!(html.matches("<script").count(), 1, "only the report's own script");
        assert!(!html.contains("href=\"javascript") && !html.contains("href=\"vbscript"));
        assert!(html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
    }

    #[test]
    fn a_row_shows_the_evidence() {
        let mut r = reference("6", Some("Rise in terrorism"), Some("http://a.test/1"));
        r.container = Some("PIPS".into());
        let mut c = Check::without_fetch(Verdict::Ok, None);
        c.status = Some(200);
        c.final_url = Some("https://a.test/one".into());
        c.redirects = vec!["https://a.test/1".into(), "https://a.test/one".into()];
        c.page_title = Some("Rise is terrorism".into());
        c.title_match = TitleResult::Near;
        c.title_score = Some(0.9);
        c.title_diff = vec![
            WordDiff::Same("Rise".into()),
            WordDiff::Missing("in".into()),
            WordDiff::Extra("is".into()),
            WordDiff::Same("terrorism".into()),
        ];
        c.findings.push(Finding::new(Rule::TitleNearMatch, r.span, "note 6: a slip"));
        let html = render(&report(vec![checked(r, c)], Vec::new()), &RenderOptions::default());
        assert!(html.contains("data-verdict=\"ok\""));
        assert!(html.contains("Rise <del>in</del> <ins>is</ins> terrorism"), "{html}");
        assert!(html.contains("HTTP 200 after 2 redirects"));
        assert!(html.contains("<cite>PIPS</cite>"));
        assert!(html.contains("near title"));
        assert!(html.contains("<time datetime=\"2025-03-24T10:05:00Z\">2025-03-24 10:05:00 UTC</time>"));
        assert!(html.contains("rel=\"noopener noreferrer\""));
        assert!(html.contains("<code>title-near-match</code>"));
        assert!(!html.contains("archived copy"), "no archived copy was looked up, so nothing is shown");
    }

    #[test]
    fn an_archived_copy_is_shown_escaped_beside_the_evidence() {
        use crate::archived::{self, ArchiveService, Capture, DateBasis, Lookup, LookupDate, Snapshot};
        let r = reference("3", Some("Mayor resigns"), Some("https://news.test/gone"));
        let mut c = Check::without_fetch(Verdict::Dead, Some("HTTP 404".into()));
        c.status = Some(404);
        let snapshot = Snapshot {
            url: "http://web.archive.org/web/20250320101200/https://news.test/gone".into(),
            captured: Capture::from_wayback("20250320101200").unwrap(),
        };
        let date = LookupDate { date: crate::PartialDate::ymd(2025, 3, 24).unwrap(), basis: DateBasis::Accessed };
        let lookup = Lookup::Unreadable(snapshot, "<b>HTTP 502</b>".into());
        c.archived = Some(Box::new(archived::assess(
            None,
            "https://news.test/gone",
            ArchiveService::Wayback,
            Some(date),
            &lookup,
        )));
        let html = render(&report(vec![checked(r, c)], Vec::new()), &RenderOptions::default());
        assert!(html.contains("<p class=\"archived\" dir=\"auto\"><span class=\"field\">archived copy</span>archived 2025-03-20 (before the access date), but the copy does not load: &lt;b&gt;HTTP 502&lt;/b&gt;"), "{html}");
        assert!(html.contains("href=\"http://web.archive.org/web/20250320101200/https://news.test/gone\""));
        assert!(html.contains("captured 2025-03-20T10:12:00Z"));
    }

    #[test]
    fn structural_findings_are_the_ones_no_check_made() {
        let r = reference("1", None, None);
        let span = r.span;
        let mut c = Check::without_fetch(Verdict::NoUrl, None);
        let from_check = Finding::new(Rule::TitleNotCited, span, "from the check");
        c.findings.push(from_check.clone());
        let gap = Finding::new(Rule::NumberingGap, span, "note 2 is missing");
        let report = report(vec![checked(r, c)], vec![from_check, gap.clone()]);
        assert_eq!(structural_findings(&report.documents[0]), vec![&gap]);
    }

    #[test]
    fn the_chart_labels_every_bar_with_its_count() {
        let refs = vec![
            checked(reference("1", None, None), Check::without_fetch(Verdict::Ok, None)),
            checked(reference("2", None, None), Check::without_fetch(Verdict::Dead, None)),
            checked(reference("3", None, None), Check::without_fetch(Verdict::Dead, None)),
        ];
        let html = render(&report(refs, Vec::new()), &RenderOptions::default());
        assert!(html.contains("<desc id=\"chart-d\">ok: 1; dead: 2</desc>"), "{html}");
        assert!(html.contains("<g aria-label=\"dead: 2\">"));
        assert!(html.contains("value=\"dead\" checked"));
    }

    #[test]
    fn an_extraction_has_no_chart_and_the_same_report_the_same_bytes() {
        let report = report(vec![ReferenceReport { reference: reference("1", Some("T"), None), check: None }], vec![]);
        let a = render(&report, &RenderOptions::default());
        assert!(a.contains("Extraction only"));
        assert!(!a.contains("<svg"));
        assert!(a.contains("data-verdict=\"unchecked\""));
        assert_eq!(a, render(&report, &RenderOptions::default()));
    }

    #[test]
    fn paths_are_shown_under_the_root() {
        let options = RenderOptions { root: Some("/repo".into()), ..RenderOptions::default() };
        assert_eq!(shown_path("/repo/docs/a.md", &options), "docs/a.md");
        assert_eq!(shown_path("/elsewhere/a.md", &options), "/elsewhere/a.md");
    }

    #[test]
    fn further_urls_show_whether_they_resolve() {
        let mut r = reference("2", Some("T"), Some("https://a.test/1"));
        r.urls.push("https://b.test/2".into());
        let mut c = Check::without_fetch(Verdict::Ok, None);
        c.other_urls.push(crate::verdict::UrlStatus {
            url: "https://b.test/2".into(),
            status: Some(404),
            verdict: Verdict::Dead,
            error: Some("HTTP 404".into()),
        });
        let html = render(&report(vec![checked(r, c)], Vec::new()), &RenderOptions::default());
        let cited = html.split("<td class=\"cited\">").nth(1).unwrap_or("");
        assert!(cited.contains("https://b.test/2</a> <span class=\"badge v-dead\""), "{cited}");
        assert!(cited.contains("HTTP 404"));
    }
}
