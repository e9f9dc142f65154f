//! Where a report goes: rendered in one format, to standard output or, whole or not at all, to a
//! file. Adding an output format is one arm in `render` (and a variant of `OutputFormat`).

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use citecheck::Report;
use citecheck::report::RenderOptions;

use super::args::OutputFormat;

/// How a rendered report is going to be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// Standard output: terminal styles are kept (anstream strips them when it should).
    Stdout,
    /// A file: plain text only.
    File,
}

/// The report in `format`.
fn render(report: &Report, format: OutputFormat, options: &RenderOptions, target: Target) -> String {
    match format {
        OutputFormat::Human => {
            let styled = super::human::render(report);
            match target {
                Target::Stdout => styled,
                Target::File => anstream::adapter::strip_str(&styled).to_string(),
            }
        }
        OutputFormat::Json => citecheck::report::json::render(report),
        OutputFormat::Html => citecheck::report::html::render(report, options),
        OutputFormat::Sarif => citecheck::report::sarif::render(report, options),
        OutputFormat::Junit => citecheck::report::junit::render(report, options),
        OutputFormat::Github => citecheck::report::github::render(report, options),
        OutputFormat::Markdown => citecheck::report::markdown::render(report, options),
    }
}

/// Writes the report in `format` to `out`. JSON is written as it is serialised, never held
/// whole: at 10 000 references its text is the largest thing a run makes. The other formats are
/// rendered first.
pub(crate) fn write(
    report: &Report,
    format: OutputFormat,
    options: &RenderOptions,
    target: Target,
    out: &mut dyn Write,
) -> io::Result<()> {
    if format == OutputFormat::Json {
        return citecheck::report::json::write(report, out);
    }
    out.write_all(render(report, format, options, target).as_bytes())?;
    out.flush()
}

/// Writes `contents` to `path` atomically: into a new temporary file in the same directory,
/// flushed to disk, then renamed over `path`. Readers see the old file or the new one, never a
/// part; on any error the temporary file is removed and `path` is untouched. Missing parent
/// directories are created.
pub(crate) fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |file| file.write_all(contents))
}

/// [`write_atomic`], the contents written by `fill`.
pub(crate) fn write_atomic_with(path: &Path, fill: impl FnOnce(&mut fs::File) -> io::Result<()>) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?
        .to_string_lossy()
        .into_owned();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir)?;
    let (tmp, mut file) = temporary(&dir, &name)?;
    let written = fill(&mut file).and_then(|()| file.sync_all());
    drop(file);
    let result = written.and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A new file beside the target, named so that it is plainly citecheck's and never collides.
fn temporary(dir: &Path, name: &str) -> io::Result<(PathBuf, fs::File)> {
    let mut last = None;
    for _ in 0..64 {
        let tmp = dir.join(format!(".{name}.citecheck-{}-{:08x}.tmp", std::process::id(), fastrand::u32(..)));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_whole_and_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/report.json");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "second");
        assert_eq!(fs::read_dir(dir.path().join("sub")).unwrap().count(), 1);
        // A directory in the way: an error, and no temporary file is left.
        let blocked = dir.path().join("blocked");
        fs::create_dir_all(blocked.join("inner")).unwrap();
        assert!(write_atomic(&blocked, b"x").is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
