//! The cache file's format: recognising a citecheck cache, ordered migrations recorded in
//! `PRAGMA user_version`, and moving a damaged or foreign file aside.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

/// `PRAGMA application_id` of a citecheck cache ("cck1"): what tells it from any other SQLite
/// file, so that a database that happens to live at the path is never written into.
pub(crate) const APPLICATION_ID: i32 = 0x6363_6b31;

/// How long a statement waits for another process's write lock before giving up. Writes are
/// small transactions, so two runs at once wait for each other far less than this.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The migrations, in order: migration `i` takes `user_version` from `i` to `i + 1`. Never edit
/// one that has shipped; add the next.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the answers kept per URL, and the record of runs.
    r#"
    CREATE TABLE entries (
        url           TEXT    NOT NULL,
        variant       TEXT    NOT NULL,
        fetched_at    INTEGER NOT NULL,
        status        INTEGER NOT NULL,
        final_url     TEXT    NOT NULL,
        redirects     TEXT    NOT NULL,
        content_type  TEXT,
        charset       TEXT,
        body          BLOB    NOT NULL,
        bytes_read    INTEGER NOT NULL,
        truncated     INTEGER NOT NULL,
        etag          TEXT,
        last_modified TEXT,
        PRIMARY KEY (url, variant)
    );
    CREATE INDEX entries_by_age ON entries (fetched_at);
    CREATE TABLE runs (
        id      INTEGER PRIMARY KEY,
        started TEXT,
        tool    TEXT NOT NULL,
        command TEXT NOT NULL
    );
    CREATE TABLE documents (
        id   INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE
    );
    CREATE TABLE run_documents (
        run_id      INTEGER NOT NULL REFERENCES runs (id),
        document_id INTEGER NOT NULL REFERENCES documents (id),
        refs        INTEGER NOT NULL,
        PRIMARY KEY (run_id, document_id)
    );
    CREATE TABLE observations (
        id          INTEGER PRIMARY KEY,
        run_id      INTEGER NOT NULL REFERENCES runs (id),
        document_id INTEGER NOT NULL REFERENCES documents (id),
        label       TEXT    NOT NULL,
        line        INTEGER NOT NULL,
        url         TEXT,
        verdict     TEXT,
        status      INTEGER,
        cited_title TEXT,
        page_title  TEXT
    );
    CREATE INDEX observations_by_reference ON observations (document_id, label, id);
    "#,
    // 2: the page metadata read from each kept body, tagged with the build that read it (`page`
    // is JSON, `extraction` the tag, both NULL when not read), and the body's first bytes. The
    // table is rebuilt so that the body is its last column: a lookup that does not need the body
    // then never reads the overflow pages it fills.
    r#"
    CREATE TABLE entries_2 (
        url           TEXT    NOT NULL,
        variant       TEXT    NOT NULL,
        fetched_at    INTEGER NOT NULL,
        status        INTEGER NOT NULL,
        final_url     TEXT    NOT NULL,
        redirects     TEXT    NOT NULL,
        content_type  TEXT,
        charset       TEXT,
        bytes_read    INTEGER NOT NULL,
        truncated     INTEGER NOT NULL,
        etag          TEXT,
        last_modified TEXT,
        head          BLOB    NOT NULL,
        extraction    TEXT,
        page          TEXT,
        body          BLOB    NOT NULL,
        PRIMARY KEY (url, variant)
    );
    INSERT INTO entries_2
        (url, variant, fetched_at, status, final_url, redirects, content_type, charset, bytes_read, truncated,
         etag, last_modified, head, extraction, page, body)
    SELECT url, variant, fetched_at, status, final_url, redirects, content_type, charset, bytes_read, truncated,
           etag, last_modified, substr(body, 1, 8), NULL, NULL, body
    FROM entries;
    DROP TABLE entries;
    ALTER TABLE entries_2 RENAME TO entries;
    CREATE INDEX entries_by_age ON entries (fetched_at);
    "#,
];

/// The schema version this build writes.
pub(crate) fn current_version() -> i32 {
    MIGRATIONS.len() as i32
}

/// Why a file cannot be used as the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unusable {
    /// Not an SQLite database, or a damaged one.
    Corrupt(String),
    /// An SQLite database of something else.
    Foreign(String),
    /// A citecheck cache from a newer citecheck.
    Newer(i32),
}

impl Unusable {
    /// The suffix the file is moved aside with (`cache.sqlite3.corrupt-1`).
    pub(crate) fn suffix(&self) -> &'static str {
        match self {
            Unusable::Corrupt(_) => "corrupt",
            Unusable::Foreign(_) => "foreign",
            Unusable::Newer(_) => "newer",
        }
    }

    /// For the warning.
    pub(crate) fn describe(&self) -> String {
        match self {
            Unusable::Corrupt(why) => format!("is damaged or not a database ({why})"),
            Unusable::Foreign(why) => format!("is not a citecheck cache ({why})"),
            Unusable::Newer(v) => format!(
                "was written by a newer citecheck (schema version {v}; this one knows up to {})",
                current_version()
            ),
        }
    }
}

/// Why opening failed.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// The file is there but cannot be used: move it aside and start afresh.
    Unusable(Unusable),
    /// Anything else (permissions, a lock held too long): the cache is not used this run.
    Other(rusqlite::Error),
}

impl From<rusqlite::Error> for OpenError {
    fn from(e: rusqlite::Error) -> OpenError {
        if is_damage(&e) { OpenError::Unusable(Unusable::Corrupt(e.to_string())) } else { OpenError::Other(e) }
    }
}

/// Whether an error says the file is not a usable database, as opposed to busy or unwritable.
pub(crate) fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt))
}

/// Opens (creating if needed) the cache at `path`, checks it is one, and brings its schema up to
/// date. Two processes may do this at once: the migration runs in an immediate transaction and
/// re-reads the version inside it.
pub(crate) fn open(path: &Path) -> Result<Connection, OpenError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    check(&conn)?;
    // WAL lets one run read while another writes. Where it is unavailable (some network file
    // systems) the default journal still works, only with more waiting.
    let _ = conn.pragma_update(None, "journal_mode", "wal");
    conn.pragma_update(None, "synchronous", "normal")?;
    // Every run writes (its record, at least). Copying the log into the file when the last
    // connection closes costs two or three fsyncs per run (tens of milliseconds on a busy disk,
    // more than the rest of a warm run), and so does starting the next run's log afresh. Left
    // open, the log is carried over and copied into the file in SQLite's own time (when it grows
    // past its checkpoint size); with `synchronous = normal` its commits need no fsync at all.
    // The file stays consistent either way: only a crash of the machine can lose the last runs.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
    migrate(&mut conn, MIGRATIONS)?;
    Ok(conn)
}

/// Opens an existing cache for reading only (for `history`): never creates, migrates or moves
/// anything.
pub(crate) fn open_read_only(path: &Path) -> Result<Connection, OpenError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    check(&conn)?;
    let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version < current_version() {
        // Written by an older citecheck and not yet migrated: the next `check` migrates it.
        return Err(OpenError::Unusable(Unusable::Foreign(format!(
            "schema version {version}; run `citecheck check` once to update it"
        ))));
    }
    Ok(conn)
}

/// Whether the open file is a citecheck cache this build can use (or an empty file to make one).
fn check(conn: &Connection) -> Result<(), OpenError> {
    // One statement, so one snapshot: read one at a time, another run creating the cache at the
    // same moment could be seen half way (no version yet, but its tables), which reads as a
    // foreign file. Reading the schema is also what finds most damage (a truncated file).
    let (app, version, tables): (i32, i32, i64) = conn.query_row(
        "SELECT (SELECT application_id FROM pragma_application_id()), \
                (SELECT user_version FROM pragma_user_version()), \
                (SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%')",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    if app == 0 && version == 0 {
        return if tables == 0 {
            Ok(())
        } else {
            Err(OpenError::Unusable(Unusable::Foreign(format!("it holds {tables} tables of another program"))))
        };
    }
    if app != APPLICATION_ID {
        return Err(OpenError::Unusable(Unusable::Foreign(format!("application id {app:#x}"))));
    }
    if version > current_version() {
        return Err(OpenError::Unusable(Unusable::Newer(version)));
    }
    Ok(())
}

/// Applies the migrations the database lacks, in order, in one immediate transaction.
pub(crate) fn migrate(conn: &mut Connection, migrations: &[&str]) -> Result<(), OpenError> {
    let target = migrations.len() as i32;
    let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version == target {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process may have migrated while this one waited for the lock.
    let version: i32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > target {
        return Err(OpenError::Unusable(Unusable::Newer(version)));
    }
    for sql in &migrations[version.max(0) as usize..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.pragma_update(None, "user_version", target)?;
    tx.commit()?;
    Ok(())
}

/// Moves an unusable cache file (and its write-ahead log) aside as `NAME.<suffix>-<n>`, the first
/// `n` free, so nothing is deleted and a person can look at it. The shared-memory index is only
/// a cache of the log and is removed, so a fresh database never picks it up.
pub(crate) fn move_aside(path: &Path, why: &Unusable) -> std::io::Result<PathBuf> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "cache".into());
    let companion = |p: &Path, suffix: &str| {
        let mut s = p.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    for n in 1..=10_000 {
        let target = path.with_file_name(format!("{name}.{}-{n}", why.suffix()));
        if target.exists() {
            continue;
        }
        std::fs::rename(path, &target)?;
        let wal = companion(path, "-wal");
        if wal.exists() {
            let _ = std::fs::rename(&wal, companion(&target, "-wal"));
        }
        let _ = std::fs::remove_file(companion(path, "-shm"));
        return Ok(target);
    }
    Err(std::io::Error::other("too many files already moved aside next to it"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn migrations_run_in_order_once() {
        let mut conn = Connection::open_in_memory().unwrap();
        check(&conn).unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        assert_eq!(tables(&conn), ["documents", "entries", "observations", "run_documents", "runs"]);
        let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, current_version());
        check(&conn).unwrap();
        // Again: nothing to do.
        migrate(&mut conn, MIGRATIONS).unwrap();
        // A later migration applies on top of the earlier ones, and only it.
        let later: Vec<&str> = MIGRATIONS.iter().copied().chain(["CREATE TABLE later (x INTEGER)"]).collect();
        migrate(&mut conn, &later).unwrap();
        assert!(tables(&conn).contains(&"later".to_owned()));
        let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        let newer = current_version() + 1;
        assert_eq!(version, newer);
        // This build then sees a newer cache.
        assert!(matches!(check(&conn), Err(OpenError::Unusable(Unusable::Newer(v))) if v == newer));
        assert!(matches!(migrate(&mut conn, MIGRATIONS), Err(OpenError::Unusable(Unusable::Newer(v))) if v == newer));
    }

    #[test]
    fn a_failed_migration_leaves_the_database_as_it_was() {
        let mut conn = Connection::open_in_memory().unwrap();
        let broken = ["CREATE TABLE a (x INTEGER)", "CREATE TABLE b (x INTEGER); THIS IS NOT SQL"];
        assert!(migrate(&mut conn, &broken).is_err());
        assert!(tables(&conn).is_empty());
        let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, 0);
    }

    #[test]
    fn other_databases_are_recognised() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE photos (id INTEGER)").unwrap();
        assert!(matches!(check(&conn), Err(OpenError::Unusable(Unusable::Foreign(_)))));
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "application_id", 42).unwrap();
        assert!(matches!(check(&conn), Err(OpenError::Unusable(Unusable::Foreign(_)))));
    }
}
