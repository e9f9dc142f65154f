//! The record of runs: what each `check` found per reference, kept compactly (a reference's
//! state is written when it first appears and whenever it changes), and the history read back
//! from it for `citecheck history`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, TransactionBehavior, params};
use serde::Serialize;

use crate::config::absolute;
use crate::report::Report;
use crate::verdict::Verdict;

/// One run, as recorded: built from its report with [`RunRecord::from_report`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    /// When the run started, as the report records it (`--timestamp`, `SOURCE_DATE_EPOCH`).
    pub started: Option<String>,
    /// The tool and version.
    pub tool: String,
    /// The command (`check`).
    pub command: String,
    /// The documents checked, with their references.
    pub documents: Vec<DocumentRecord>,
}

/// A document of a run. Its path is absolute, so runs from different directories agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    /// The absolute path, normalised without touching the file system.
    pub path: String,
    /// Its references in document order.
    pub references: Vec<ReferenceRecord>,
}

/// What a run found about one reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceRecord {
    /// The note's label; a repeated label gets `#2`, `#3`… so each reference keeps its own trail.
    pub label: String,
    /// The note's line.
    pub line: u32,
    /// The cited URL.
    pub url: Option<String>,
    /// The verdict; `None` when the run learnt nothing (not checked, excluded).
    pub verdict: Option<Verdict>,
    /// The final HTTP status.
    pub status: Option<u16>,
    /// The title the note cites.
    pub cited_title: Option<String>,
    /// The title the page gave.
    pub page_title: Option<String>,
}

impl RunRecord {
    /// The record of `report`; relative document paths are taken from `base` (the directory the
    /// run was started in). Standard input has no identity across runs and is left out.
    pub fn from_report(report: &Report, base: &Path) -> RunRecord {
        let documents = report
            .documents
            .iter()
            .filter(|d| d.path != "<stdin>")
            .map(|d| {
                let mut seen: HashMap<&str, usize> = HashMap::new();
                let references = d
                    .references
                    .iter()
                    .map(|r| {
                        let n = seen.entry(r.reference.label.as_str()).or_default();
                        *n += 1;
                        let label =
                            if *n == 1 { r.reference.label.clone() } else { format!("{}#{n}", r.reference.label) };
                        let check = r.check.as_ref();
                        let verdict =
                            check.map(|c| c.verdict).filter(|v| !matches!(v, Verdict::NotChecked | Verdict::Excluded));
                        ReferenceRecord {
                            label,
                            line: r.reference.span.line,
                            url: r.reference.url.clone(),
                            verdict,
                            status: check.and_then(|c| c.status),
                            cited_title: r.reference.title.clone(),
                            page_title: check.and_then(|c| c.page_title.clone()),
                        }
                    })
                    .collect();
                DocumentRecord { path: absolute(base, Path::new(&d.path)).display().to_string(), references }
            })
            .collect();
        RunRecord {
            started: report.run.started.clone(),
            tool: report.run.tool.clone(),
            command: report.run.command.clone(),
            documents,
        }
    }
}

/// The state of a reference worth comparing between runs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    url: Option<String>,
    verdict: Option<String>,
    cited_title: Option<String>,
    page_title: Option<String>,
}

/// Writes one run in one transaction.
pub(crate) fn record(conn: &mut Connection, run: &RunRecord) -> rusqlite::Result<i64> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "INSERT INTO runs (started, tool, command) VALUES (?1, ?2, ?3)",
        params![run.started, run.tool, run.command],
    )?;
    let run_id = tx.last_insert_rowid();
    // Each statement is prepared once for the run, not once per reference.
    let mut add_document = tx.prepare("INSERT OR IGNORE INTO documents (path) VALUES (?1)")?;
    let mut document_id = tx.prepare("SELECT id FROM documents WHERE path = ?1")?;
    let mut add_run_document =
        tx.prepare("INSERT OR IGNORE INTO run_documents (run_id, document_id, refs) VALUES (?1, ?2, ?3)")?;
    let mut latest_states = tx.prepare(
        "SELECT o.label, o.id, o.line, o.url, o.verdict, o.cited_title, o.page_title FROM observations o
         WHERE o.document_id = ?1
           AND o.id = (SELECT max(id) FROM observations WHERE document_id = ?1 AND label = o.label)",
    )?;
    let mut move_line = tx.prepare("UPDATE observations SET line = ?2 WHERE id = ?1")?;
    let mut observe = tx.prepare(
        "INSERT INTO observations
            (run_id, document_id, label, line, url, verdict, status, cited_title, page_title)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut remove = tx.prepare(
        "INSERT INTO observations (run_id, document_id, label, line, url, verdict) VALUES (?1, ?2, ?3, ?4, ?5, NULL)",
    )?;
    for doc in &run.documents {
        add_document.execute(params![doc.path])?;
        let doc_id: i64 = document_id.query_row(params![doc.path], |r| r.get(0))?;
        let inserted = add_run_document.execute(params![run_id, doc_id, doc.references.len() as i64])?;
        if inserted == 0 {
            // The same document named twice in one run.
            continue;
        }
        let mut latest: HashMap<String, (i64, i64, State)> = HashMap::new();
        {
            let rows = latest_states.query_map(params![doc_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    State { url: r.get(3)?, verdict: r.get(4)?, cited_title: r.get(5)?, page_title: r.get(6)? },
                ))
            })?;
            for row in rows {
                let (label, id, line, state) = row?;
                latest.insert(label, (id, line, state));
            }
        }
        let mut present = HashSet::new();
        for r in &doc.references {
            present.insert(r.label.as_str());
            let before = latest.get(&r.label);
            let Some(verdict) = r.verdict else {
                // Nothing learnt about the link; the note is still there.
                if let Some((id, line, _)) = before
                    && *line != i64::from(r.line)
                {
                    move_line.execute(params![id, i64::from(r.line)])?;
                }
                continue;
            };
            let now = State {
                url: r.url.clone(),
                verdict: Some(verdict.as_str().to_owned()),
                cited_title: r.cited_title.clone(),
                page_title: r.page_title.clone(),
            };
            match before {
                Some((id, line, state)) if *state == now => {
                    // Unchanged: only the position is kept current.
                    if *line != i64::from(r.line) {
                        move_line.execute(params![id, i64::from(r.line)])?;
                    }
                }
                _ => {
                    observe.execute(params![
                        run_id,
                        doc_id,
                        r.label,
                        i64::from(r.line),
                        now.url,
                        now.verdict,
                        r.status.map(i64::from),
                        now.cited_title,
                        now.page_title,
                    ])?;
                }
            }
        }
        for (label, (_, line, state)) in &latest {
            if !present.contains(label.as_str()) && state.verdict.is_some() {
                // A removal is a state without a verdict.
                remove.execute(params![run_id, doc_id, label, line, state.url])?;
            }
        }
    }
    drop((add_document, document_id, add_run_document, latest_states, move_line, observe, remove));
    tx.commit()?;
    Ok(run_id)
}

/// What `citecheck history` asks for.
#[derive(Debug, Clone, Default)]
pub struct HistoryQuery {
    /// Only documents at or under this absolute path.
    pub under: Option<PathBuf>,
    /// Every reference, not only those whose verdict, page title, cited title or URL changed.
    pub all: bool,
}

/// The history of the references of the recorded runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct History {
    /// The recorded runs that checked at least one of the documents shown, oldest first.
    pub runs: Vec<RunSummary>,
    /// The references, by document path and line.
    pub references: Vec<ReferenceHistory>,
}

/// One recorded run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunSummary {
    /// Its number in this cache, counting from 1 in the order runs were recorded.
    pub run: i64,
    /// When it started, as its report recorded it.
    pub started: Option<String>,
    /// The tool and version that ran.
    pub tool: String,
    /// How many of the documents shown it checked.
    pub documents: usize,
}

/// One reference across runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferenceHistory {
    /// The document's absolute path.
    pub document: String,
    /// The note's label.
    pub label: String,
    /// The note's line when last seen.
    pub line: u32,
    /// The cited URL when last seen.
    pub url: Option<String>,
    /// The verdict now (`None` once removed from its document).
    pub verdict: Option<String>,
    /// The last run that checked its document.
    pub last_run: Option<i64>,
    /// What changed, run by run, oldest first; the first event is when it was first checked.
    pub events: Vec<Event>,
}

/// What one run found different about a reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// The run.
    pub run: i64,
    /// When that run started.
    pub started: Option<String>,
    /// The verdict from this run on (`None`: the note was removed).
    pub verdict: Option<String>,
    /// The HTTP status this run saw.
    pub status: Option<u16>,
    /// The page title this run saw.
    pub page_title: Option<String>,
    /// What changed.
    pub changes: Vec<Change>,
}

/// One difference between a reference's state in a run and in the run before that changed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    /// The first run that judged it.
    FirstChecked,
    /// Another verdict: a link died, came back, started refusing robots.
    Verdict {
        /// Before.
        from: Option<String>,
        /// After.
        to: Option<String>,
    },
    /// The page's title changed.
    PageTitle {
        /// Before.
        from: Option<String>,
        /// After.
        to: Option<String>,
    },
    /// The document now cites another title.
    CitedTitle {
        /// Before.
        from: Option<String>,
        /// After.
        to: Option<String>,
    },
    /// The document now cites another URL.
    Url {
        /// Before.
        from: Option<String>,
        /// After.
        to: Option<String>,
    },
    /// The note is no longer in the document.
    Removed,
    /// The note is back.
    Restored,
}

impl ReferenceHistory {
    /// Whether anything changed after it was first checked.
    pub fn changed(&self) -> bool {
        self.events.len() > 1
    }
}

/// Reads the history of the documents `query` selects.
pub(crate) fn read(conn: &Connection, query: &HistoryQuery) -> rusqlite::Result<History> {
    let wanted = |path: &str| query.under.as_ref().is_none_or(|under| Path::new(path).starts_with(under));
    let mut runs: BTreeMap<i64, (Option<String>, String)> = BTreeMap::new();
    {
        let mut stmt = conn.prepare("SELECT id, started, tool FROM runs")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?)))? {
            let (id, started, tool) = row?;
            runs.insert(id, (started, tool));
        }
    }
    let mut docs_per_run: BTreeMap<i64, usize> = BTreeMap::new();
    let mut last_run: HashMap<String, i64> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT rd.run_id, d.path FROM run_documents rd JOIN documents d ON d.id = rd.document_id ORDER BY rd.run_id",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (run, path) = row?;
            if wanted(&path) {
                *docs_per_run.entry(run).or_default() += 1;
                last_run.insert(path, run);
            }
        }
    }
    /// (document, label) → (run, line, state, status) in order.
    type Trails = BTreeMap<(String, String), Vec<(i64, i64, State, Option<u16>)>>;
    let mut trails: Trails = BTreeMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT d.path, o.label, o.run_id, o.line, o.url, o.verdict, o.status, o.cited_title, o.page_title
             FROM observations o JOIN documents d ON d.id = o.document_id ORDER BY o.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                State { url: r.get(4)?, verdict: r.get(5)?, cited_title: r.get(7)?, page_title: r.get(8)? },
                r.get::<_, Option<i64>>(6)?,
            ))
        })?;
        for row in rows {
            let (path, label, run, line, state, status) = row?;
            if wanted(&path) {
                let status = status.and_then(|s| u16::try_from(s).ok());
                trails.entry((path, label)).or_default().push((run, line, state, status));
            }
        }
    }
    let started = |run: i64| runs.get(&run).and_then(|(s, _)| s.clone());
    let mut references = Vec::new();
    for ((document, label), trail) in trails {
        let mut events: Vec<Event> = Vec::new();
        let mut previous: Option<&State> = None;
        for (run, _, state, status) in &trail {
            let changes = match previous {
                None => vec![Change::FirstChecked],
                Some(before) => changes(before, state),
            };
            events.push(Event {
                run: *run,
                started: started(*run),
                verdict: state.verdict.clone(),
                status: *status,
                page_title: state.page_title.clone(),
                changes,
            });
            previous = Some(state);
        }
        let Some((_, line, state, _)) = trail.last() else { continue };
        let history = ReferenceHistory {
            last_run: last_run.get(&document).copied(),
            document,
            label,
            line: u32::try_from(*line).unwrap_or(0),
            url: state.url.clone(),
            verdict: state.verdict.clone(),
            events,
        };
        if query.all || history.changed() {
            references.push(history);
        }
    }
    references.sort_by(|a, b| (&a.document, a.line, &a.label).cmp(&(&b.document, b.line, &b.label)));
    let runs = docs_per_run
        .into_iter()
        .map(|(run, documents)| {
            let (started, tool) = runs.get(&run).cloned().unwrap_or_default();
            RunSummary { run, started, tool, documents }
        })
        .collect();
    Ok(History { runs, references })
}

/// What differs from `before` to `after`.
fn changes(before: &State, after: &State) -> Vec<Change> {
    match (&before.verdict, &after.verdict) {
        (Some(_), None) => return vec![Change::Removed],
        (None, Some(_)) => {
            let mut out = vec![Change::Restored];
            out.extend(differences(before, after).into_iter().filter(|c| !matches!(c, Change::Verdict { .. })));
            return out;
        }
        _ => {}
    }
    differences(before, after)
}

fn differences(before: &State, after: &State) -> Vec<Change> {
    let mut out = Vec::new();
    if before.verdict != after.verdict {
        out.push(Change::Verdict { from: before.verdict.clone(), to: after.verdict.clone() });
    }
    // A page that appears or disappears is told by the verdict; a title is news when a page is
    // there both times, or when nothing else changed.
    let both = before.page_title.is_some() && after.page_title.is_some();
    if before.page_title != after.page_title && after.verdict.is_some() && (both || before.verdict == after.verdict) {
        out.push(Change::PageTitle { from: before.page_title.clone(), to: after.page_title.clone() });
    }
    if before.cited_title != after.cited_title && after.verdict.is_some() {
        out.push(Change::CitedTitle { from: before.cited_title.clone(), to: after.cited_title.clone() });
    }
    if before.url != after.url && after.verdict.is_some() {
        out.push(Change::Url { from: before.url.clone(), to: after.url.clone() });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::schema;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        schema::migrate(&mut conn, schema::MIGRATIONS).unwrap();
        conn
    }

    fn reference(label: &str, verdict: Option<Verdict>, page_title: &str) -> ReferenceRecord {
        ReferenceRecord {
            label: label.into(),
            line: 3,
            url: Some(format!("https://news.test/{label}")),
            verdict,
            status: Some(200),
            cited_title: Some("Cited".into()),
            page_title: Some(page_title.into()),
        }
    }

    fn run(started: &str, path: &str, references: Vec<ReferenceRecord>) -> RunRecord {
        RunRecord {
            started: Some(started.into()),
            tool: "citecheck 0.1.0".into(),
            command: "check".into(),
            documents: vec![DocumentRecord { path: path.into(), references }],
        }
    }

    #[test]
    fn only_changes_are_written_and_read_back_as_events() {
        let mut conn = db();
        let a = "/briefs/a.md";
        record(&mut conn, &run("2025-03-01T00:00:00Z", a, vec![reference("1", Some(Verdict::Ok), "Cited")])).unwrap();
        // Unchanged: nothing written.
        record(&mut conn, &run("2025-03-02T00:00:00Z", a, vec![reference("1", Some(Verdict::Ok), "Cited")])).unwrap();
        record(&mut conn, &run("2025-03-03T00:00:00Z", a, vec![reference("1", Some(Verdict::Ok), "Cited")])).unwrap();
        // Not checked (the deadline): nothing learnt, nothing written.
        record(&mut conn, &run("2025-03-04T00:00:00Z", a, vec![reference("1", None, "")])).unwrap();
        record(&mut conn, &run("2025-03-05T00:00:00Z", a, vec![reference("1", Some(Verdict::Dead), "Cited")])).unwrap();
        record(&mut conn, &run("2025-03-06T00:00:00Z", a, vec![])).unwrap();
        let rows: i64 = conn.query_row("SELECT count(*) FROM observations", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 3, "first, died, removed");
        let h = read(&conn, &HistoryQuery::default()).unwrap();
        assert_eq!(h.runs.len(), 6);
        let [r] = &h.references[..] else { panic!("{h:?}") };
        assert_eq!(r.last_run, Some(6));
        assert_eq!(r.verdict, None);
        let kinds: Vec<&[Change]> = r.events.iter().map(|e| e.changes.as_slice()).collect();
        assert_eq!(
            kinds,
            [
                &[Change::FirstChecked][..],
                &[Change::Verdict { from: Some("ok".into()), to: Some("dead".into()) }][..],
                &[Change::Removed][..],
            ]
        );
        assert_eq!(r.events[1].started.as_deref(), Some("2025-03-05T00:00:00Z"));
    }

    #[test]
    fn a_page_retitled_is_a_change_and_unchanged_references_need_all() {
        let mut conn = db();
        let refs =
            |title: &str| vec![reference("1", Some(Verdict::Ok), title), reference("2", Some(Verdict::Ok), "Same")];
        record(&mut conn, &run("2025-03-01T00:00:00Z", "/b/x.md", refs("Old"))).unwrap();
        record(&mut conn, &run("2025-03-02T00:00:00Z", "/b/x.md", refs("New"))).unwrap();
        let h = read(&conn, &HistoryQuery::default()).unwrap();
        assert_eq!(h.references.len(), 1);
        assert_eq!(
            h.references[0].events[1].changes,
            [Change::PageTitle { from: Some("Old".into()), to: Some("New".into()) }]
        );
        let all = read(&conn, &HistoryQuery { all: true, ..HistoryQuery::default() }).unwrap();
        assert_eq!(all.references.len(), 2);
        let elsewhere = HistoryQuery { under: Some(PathBuf::from("/other")), all: true };
        let none = read(&conn, &elsewhere).unwrap();
        assert!(none.references.is_empty() && none.runs.is_empty());
        let under = HistoryQuery { under: Some(PathBuf::from("/b")), all: true };
        assert_eq!(read(&conn, &under).unwrap().references.len(), 2);
        // A prefix of a name is not a directory above it.
        let prefix = HistoryQuery { under: Some(PathBuf::from("/b/x")), all: true };
        assert!(read(&conn, &prefix).unwrap().references.is_empty());
    }

    #[test]
    fn paths_are_made_absolute_by_name() {
        assert_eq!(absolute(Path::new("/srv/docs"), Path::new("briefs/../a.md")), PathBuf::from("/srv/docs/a.md"));
        assert_eq!(absolute(Path::new("/srv/docs"), Path::new("./a.md")), PathBuf::from("/srv/docs/a.md"));
        assert_eq!(absolute(Path::new("/srv/docs"), Path::new("/elsewhere/b.md")), PathBuf::from("/elsewhere/b.md"));
    }
}
