//! `citecheck history`: when references changed verdict or page title between recorded runs,
//! read from the cache and rendered as a table per document or as JSON.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};

use citecheck::cache::{Cache, Change, Event, History, HistoryQuery, ReferenceHistory};
use citecheck::config::absolute;

use super::args::{Cli, ColorWhen, HistoryArgs, HistoryFormat};
use super::{config, error, exit, human};

const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();

pub(crate) fn run(cli: &Cli, args: &HistoryArgs) -> ExitCode {
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => {
            error(&format!("cannot read the current directory: {e}"));
            return ExitCode::from(exit::USAGE);
        }
    };
    let file = match config::load_file(cli, &cwd) {
        Ok(f) => f,
        Err(e) => {
            error(&e.to_string());
            return ExitCode::from(exit::USAGE);
        }
    };
    let color = match cli.color {
        Some(ColorWhen::Always) => anstream::ColorChoice::Always,
        Some(ColorWhen::Never) => anstream::ColorChoice::Never,
        _ => anstream::ColorChoice::Auto,
    };
    color.write_global();
    let Some(path) = config::cache_path(args.cache.as_deref(), file.as_ref()) else {
        error("this platform has no cache directory: name the cache with --cache PATH");
        return ExitCode::from(exit::USAGE);
    };
    let query = HistoryQuery { under: args.path.as_deref().map(|p| absolute(&cwd, p)), all: args.all };
    let history = match Cache::history(&path, &query) {
        Ok(h) => h,
        Err(e) => {
            error(&e.to_string());
            return ExitCode::from(exit::USAGE);
        }
    };
    let text = match args.format {
        HistoryFormat::Json => match serde_json::to_string_pretty(&Json::new(&history, &cwd)) {
            Ok(json) => json + "\n",
            Err(e) => {
                error(&format!("could not write the history as JSON: {e}"));
                return ExitCode::from(exit::USAGE);
            }
        },
        HistoryFormat::Human => render(&history, &cwd, &path, args.all),
    };
    let mut out = anstream::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    ExitCode::from(exit::OK)
}

/// The JSON shape: the library's history with document paths shown as people gave them
/// (relative to the current directory when under it).
#[derive(serde::Serialize)]
struct Json<'a> {
    version: u32,
    runs: &'a [citecheck::cache::RunSummary],
    references: Vec<ReferenceHistory>,
}

impl<'a> Json<'a> {
    fn new(history: &'a History, cwd: &Path) -> Json<'a> {
        let references = history
            .references
            .iter()
            .map(|r| ReferenceHistory { document: shown_path(&r.document, cwd), ..r.clone() })
            .collect();
        Json { version: 1, runs: &history.runs, references }
    }
}

/// A recorded absolute path, relative to `cwd` when it is under it.
fn shown_path(path: &str, cwd: &Path) -> String {
    match Path::new(path).strip_prefix(cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => path.to_owned(),
    }
}

fn render(history: &History, cwd: &Path, cache: &Path, all: bool) -> String {
    let mut out = String::new();
    if history.runs.is_empty() {
        let _ = writeln!(out, "No runs recorded in {} yet.", human::clean(&cache.display().to_string()));
        return out;
    }
    let mut document: Option<&str> = None;
    for r in &history.references {
        if document != Some(r.document.as_str()) {
            if document.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{BOLD}{}{BOLD:#}", human::clean(&shown_path(&r.document, cwd)));
            document = Some(&r.document);
        }
        reference(&mut out, r);
    }
    if !history.references.is_empty() {
        out.push('\n');
    }
    let runs = history.runs.len();
    let changed = history.references.iter().filter(|r| r.changed()).count();
    let span = match (history.runs.first().and_then(|r| r.started.as_deref()), history.runs.last()) {
        (Some(first), Some(last)) if runs > 1 => match last.started.as_deref().map(day) {
            Some(end) if end == day(first) => format!(" on {end}"),
            Some(end) => format!(" from {} to {end}", day(first)),
            None => format!(" since {}", day(first)),
        },
        _ => String::new(),
    };
    let _ = write!(
        out,
        "{} changed over {}{span}",
        plural(changed, "reference", "references"),
        plural(runs, "run", "runs")
    );
    if !all && changed == 0 {
        out.push_str(" (--all lists every reference)");
    }
    out.push('\n');
    out
}

fn reference(out: &mut String, r: &ReferenceHistory) {
    let url = r.url.as_deref().map(human::clean).unwrap_or_default();
    let _ = writeln!(out, "  note {}  {DIM}line {}{DIM:#}  {url}", human::clean(&r.label), r.line);
    for e in &r.events {
        event(out, e);
    }
}

fn event(out: &mut String, e: &Event) {
    let when = e.started.as_deref().unwrap_or("(no time recorded)");
    let verdict = e.verdict.as_deref().unwrap_or("removed");
    let style = verdict_style(verdict);
    let mut line = format!("    run {:<3} {when:<20}  {style}{verdict:<15}{style:#}", e.run);
    let what: Vec<String> = e.changes.iter().map(change).collect();
    line.push_str(&what.join("; "));
    if let Some(status) = e.status
        && e.verdict.is_some()
    {
        let _ = write!(line, " {DIM}· HTTP {status}{DIM:#}");
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn change(c: &Change) -> String {
    let text =
        |v: &Option<String>| v.as_deref().map_or_else(|| "none".to_owned(), |s| format!("“{}”", human::clean(s)));
    let word = |v: &Option<String>| v.as_deref().map_or_else(|| "none".to_owned(), human::clean);
    match c {
        Change::FirstChecked => "first checked".to_owned(),
        Change::Verdict { from, .. } => format!("was {}", word(from)),
        Change::PageTitle { from, to } => format!("page title {} → {}", text(from), text(to)),
        Change::CitedTitle { from, to } => format!("cited title {} → {}", text(from), text(to)),
        Change::Url { from, to } => format!("URL {} → {}", word(from), word(to)),
        Change::Removed => "no longer in the document".to_owned(),
        Change::Restored => "back in the document".to_owned(),
    }
}

fn verdict_style(verdict: &str) -> Style {
    match verdict {
        "ok" => Style::new().fg_color(Some(AnsiColor::Green.into())),
        "dead" | "title-mismatch" | "soft-404" | "invalid-url" => {
            Style::new().fg_color(Some(AnsiColor::Red.into())).bold()
        }
        "unverifiable" => Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold(),
        _ => DIM,
    }
}

/// `2025-03-24T09:30:00Z` → `2025-03-24`.
fn day(rfc3339: &str) -> String {
    rfc3339.get(..10).unwrap_or(rfc3339).to_owned()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_under_the_working_directory_are_shown_relative() {
        let cwd = Path::new("/srv/repo");
        assert_eq!(shown_path("/srv/repo/briefs/a.md", cwd), "briefs/a.md");
        assert_eq!(shown_path("/elsewhere/a.md", cwd), "/elsewhere/a.md");
    }

    #[test]
    fn changes_read_as_sentences_and_untrusted_text_is_cleaned() {
        let c = Change::PageTitle { from: Some("Old".into()), to: Some("New\u{1b}[31m".into()) };
        assert_eq!(change(&c), "page title “Old” → “New”");
        assert_eq!(change(&Change::Verdict { from: Some("ok".into()), to: Some("dead".into()) }), "was ok");
        assert_eq!(day("2025-03-24T09:30:00Z"), "2025-03-24");
    }
}
