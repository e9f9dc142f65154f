//! The binary's side: parse arguments, read inputs, call the library, render, pick the exit code.

mod args;
mod config;
mod exit;
mod history;
mod human;
mod ordered;
mod output;
mod progress;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{CommandFactory, Parser};

use citecheck::cache::{Cache, RunRecord};
use citecheck::document::{self, LoadOptions};
use citecheck::{DocumentReport, Error, Report};

use args::{Cli, ColorWhen, Command, InputArgs, OutputArgs};
use config::Settings;

pub(crate) fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::USAGE } else { exit::OK });
        }
    };
    match &cli.command {
        Command::Completions { shell } => completions(*shell),
        Command::Man { command } => man(command.as_deref()),
        Command::Extract(args) => with_settings(&cli, &args.input, &args.output, None, |s| extract(&s)),
        Command::Check(args) => {
            let check_args = Some((&args.net, &args.cache, &args.archive, &args.evidence, args.no_progress));
            with_settings(&cli, &args.input, &args.output, check_args, |s| check(&s))
        }
        Command::History(args) => history::run(&cli, args),
    }
}

/// Reads the configuration, merges it with the command line and runs `body`; a mistake in
/// either is exit 2 with one line naming it.
fn with_settings(
    cli: &Cli,
    input: &InputArgs,
    output: &OutputArgs,
    net: Option<(&args::NetArgs, &args::CacheArgs, &args::ArchiveArgs, &args::EvidenceArgs, bool)>,
    body: impl FnOnce(Settings) -> ExitCode,
) -> ExitCode {
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => {
            error(&format!("cannot read the current directory: {e}"));
            return ExitCode::from(exit::USAGE);
        }
    };
    let settings =
        config::load_file(cli, &cwd).and_then(|file| config::settings(cli, input, output, net, file.as_ref(), &cwd));
    match settings {
        Ok(settings) => {
            let color = match settings.color {
                ColorWhen::Auto => anstream::ColorChoice::Auto,
                ColorWhen::Always => anstream::ColorChoice::Always,
                ColorWhen::Never => anstream::ColorChoice::Never,
            };
            color.write_global();
            body(settings)
        }
        Err(e) => {
            error(&e.to_string());
            ExitCode::from(exit::USAGE)
        }
    }
}

fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "citecheck", &mut out);
    print_bytes(&out)
}

/// The manual page of `citecheck`, or of one of its commands (`citecheck-check(1)`).
fn man(command: Option<&str>) -> ExitCode {
    let mut cli = Cli::command();
    // Built first so that global options show in each command's page too.
    cli.build();
    let page = match command {
        None => cli,
        Some(name) => match cli.find_subcommand(name) {
            Some(sub) => {
                let full = match name {
                    "check" => "citecheck-check",
                    "history" => "citecheck-history",
                    _ => "citecheck-extract",
                };
                sub.clone().name(full).version(env!("CARGO_PKG_VERSION"))
            }
            None => {
                error(&format!("no command named {name:?}"));
                return ExitCode::from(exit::USAGE);
            }
        },
    };
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(page).render(&mut out) {
        error(&format!("could not render the manual page: {e}"));
        return ExitCode::from(exit::USAGE);
    }
    print_bytes(&out)
}

fn print_bytes(bytes: &[u8]) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(bytes).and_then(|()| stdout.flush());
    ExitCode::from(exit::OK)
}

fn check(settings: &Settings) -> ExitCode {
    let Some(options) = settings.check.clone() else {
        return ExitCode::from(exit::USAGE);
    };
    let mut checker = match citecheck::check::Checker::new(options) {
        Ok(c) => c,
        Err(e) => {
            error(&e.to_string());
            return ExitCode::from(exit::USAGE);
        }
    };
    // A cache that cannot be opened costs speed, never the run.
    let cache = settings.cache.as_ref().and_then(|c| match Cache::open(&c.path, c.options.clone()) {
        Ok(cache) => Some(cache),
        Err(e) => {
            warning(&format!("{e}; running without the cache"));
            None
        }
    });
    if let Some(cache) = &cache {
        checker = checker.with_cache(cache.clone());
    }
    let (docs, input_errors) = load_all(&settings.paths, &settings.load);
    if input_errors && docs.is_empty() {
        return ExitCode::from(exit::USAGE);
    }
    let extracted = extract_all(&docs, settings);
    // The documents' text is not needed once their references are out: at 10 000 references
    // it is a sizeable share of the run's memory.
    drop(docs);
    let run = run_info("check", settings);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            error(&format!("could not start the async runtime: {e}"));
            return ExitCode::from(exit::USAGE);
        }
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&interrupted);
    let bar = progress::Bar::new(settings.no_progress);
    let report = runtime.block_on(async {
        let interrupt: citecheck::check::Interrupt = Box::pin(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                flag.store(true, Ordering::SeqCst);
            } else {
                std::future::pending::<()>().await;
            }
        });
        let progress: &dyn citecheck::check::Progress = match &bar {
            Some(bar) => bar,
            None => &citecheck::check::Quiet,
        };
        // What an archive keeps is every answer with its checks as JSON: at 10 000 references,
        // a fifth of the run's memory, for nothing when no archive is written.
        if settings.archive.is_some() {
            checker.run_with_evidence(extracted, progress, Some(interrupt)).await
        } else {
            (checker.run(extracted, progress, Some(interrupt)).await, Vec::new())
        }
    });
    // Fetches still under way when interrupted are dropped with the runtime; do not wait long.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    let (report, captures) = report;
    let report = report.with_run(run);
    if let Some(cache) = &cache {
        cache.record_run(&RunRecord::from_report(&report, &settings.cwd));
        cache.prune(std::time::SystemTime::now());
        for w in cache.take_warnings() {
            warning(&w.message);
        }
        // A link fixed since it was cached still shows its old answer: say how to ask again.
        let stats = cache.stats();
        if stats.fresh > 0 && report.worst() == Some(citecheck::Severity::Error) {
            note(&format!(
                "{} answered from the cache without a request; --cache-ttl 0 asks every server again",
                if stats.fresh == 1 { "1 URL was".to_owned() } else { format!("{} URLs were", stats.fresh) }
            ));
        }
    }
    let mut written = emit(&report, settings);
    if let Some(path) = &settings.archive {
        written &= write_archive(path, &captures, settings);
    }
    if !written {
        return ExitCode::from(exit::USAGE);
    }
    if interrupted.load(Ordering::SeqCst) {
        return ExitCode::from(exit::INTERRUPTED);
    }
    exit::for_report(&report, settings.fail_on, input_errors)
}

/// Writes the evidence archive whole or not at all; `false` (named on stderr) when it cannot be.
fn write_archive(path: &Path, captures: &[citecheck::warc::Capture], settings: &Settings) -> bool {
    let options = citecheck::warc::WriteOptions { fixed_time: settings.fixed_time, settings: settings.record.clone() };
    let written = citecheck::warc::encode_archive(path, captures, &options)
        .map_err(|e| e.to_string())
        .and_then(|bytes| output::write_atomic(path, &bytes).map_err(|e| format!("{}: {e}", path.display())));
    match written {
        Ok(()) => true,
        Err(message) => {
            error(&format!("could not write the archive: {message}"));
            false
        }
    }
}

fn extract(settings: &Settings) -> ExitCode {
    if settings.format == args::OutputFormat::Json && settings.reports.is_empty() {
        return extract_streaming(settings);
    }
    let (docs, input_errors) = load_all(&settings.paths, &settings.load);
    let report = Report::new(extract_all(&docs, settings)).with_run(run_info("extract", settings));
    let nothing_read = input_errors && docs.is_empty();
    if !nothing_read {
        let written = emit(&report, settings);
        if !written {
            return ExitCode::from(exit::USAGE);
        }
    }
    exit::for_report(&report, settings.fail_on, input_errors)
}

/// `extract --format json` with no report files: documents are read and extracted on every
/// core ([`ordered::map_in_order`]) and written in input order as they come, so that a large run
/// never holds all its documents, or the report's text, at once. The bytes are those of the
/// whole report rendered at the end.
fn extract_streaming(settings: &Settings) -> ExitCode {
    let failed = std::cell::Cell::new(false);
    let fail = |e: &Error| {
        error(&e.to_string());
        failed.set(true);
    };
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let work = |input: Input| -> citecheck::Result<citecheck::report::Extraction> {
        let doc = match input {
            Input::Stdin => read_stdin(settings.load.max_bytes)
                .and_then(|b| document::parse_with(Path::new("<stdin>"), &b, &settings.load)),
            Input::File(file) => document::read(&file, &settings.load),
            Input::Unlisted(e) => Err(e),
        };
        doc.map(|d| extract_one(&d, settings))
    };
    ordered::map_in_order(inputs(&settings.paths), cores, work, |results| {
        // Each input that cannot be read is reported on stderr when its turn comes.
        let mut docs = results.filter_map(|r| r.map_err(|e| fail(&e)).ok());
        // Nothing is written when no input could be read, as in the other formats.
        let first = docs.next();
        if first.is_none() && failed.get() {
            return ExitCode::from(exit::USAGE);
        }
        let run = run_info("extract", settings);
        // A closed pipe (`citecheck … | head`) is not an error worth a message; every document
        // is still read, for the exit code.
        let streamed =
            citecheck::report::json::write_streaming(std::io::stdout().lock(), &run, first.into_iter().chain(docs));
        exit::for_worst(streamed.summary.worst(), settings.fail_on, failed.get())
    })
}

/// One input to read: a file, standard input, or a path that could not be listed (reported in
/// its turn).
enum Input {
    File(PathBuf),
    Stdin,
    Unlisted(Error),
}

/// The inputs at `paths`, directories listed (sorted).
fn inputs(paths: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            out.push(Input::Stdin);
            continue;
        }
        match document::collect_paths(std::slice::from_ref(path)) {
            Ok(files) => out.extend(files.into_iter().map(Input::File)),
            Err(e) => out.push(Input::Unlisted(e)),
        }
    }
    out
}

/// Each document's references and structural findings, with the configuration's ignores applied.
fn extract_all(docs: &[document::Document], settings: &Settings) -> Vec<DocumentReport> {
    docs.iter().map(|d| extract_one(d, settings).into()).collect()
}

/// One document's references and structural findings, with the configuration's ignores applied.
fn extract_one(d: &document::Document, settings: &Settings) -> citecheck::report::Extraction {
    let mut report = citecheck::report::Extraction::of(d, |r| settings.ignore_reason(&d.path, r));
    if settings.uncited {
        report.findings.extend(citecheck::uncited::hints(d));
        report.findings.sort_by_key(|f| (f.span.line, f.span.column, f.rule));
    }
    report
}

/// When and how this run happened, as reports record it.
fn run_info(command: &str, settings: &config::Settings) -> citecheck::RunInfo {
    citecheck::RunInfo {
        command: command.to_owned(),
        started: settings.started.clone(),
        settings: settings.record.clone(),
        ..citecheck::RunInfo::default()
    }
}

/// Reads every input; each failure is reported once on stderr and the others still run.
fn load_all(paths: &[PathBuf], options: &LoadOptions) -> (Vec<document::Document>, bool) {
    let mut docs = Vec::new();
    let mut failed = false;
    let mut fail = |e: Error| {
        error(&e.to_string());
        failed = true;
    };
    for path in paths {
        if path.as_os_str() == "-" {
            match read_stdin(options.max_bytes).and_then(|b| document::parse_with(Path::new("<stdin>"), &b, options)) {
                Ok(doc) => docs.push(doc),
                Err(e) => fail(e),
            }
            continue;
        }
        let files = match document::collect_paths(std::slice::from_ref(path)) {
            Ok(files) => files,
            Err(e) => {
                fail(e);
                continue;
            }
        };
        for file in files {
            match document::read(&file, options) {
                Ok(doc) => docs.push(doc),
                Err(e) => fail(e),
            }
        }
    }
    (docs, failed)
}

fn read_stdin(limit: u64) -> citecheck::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let path = PathBuf::from("<stdin>");
    std::io::stdin()
        .lock()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Io { path: path.clone(), source })?;
    if bytes.len() as u64 > limit {
        return Err(Error::TooLarge { path, size: bytes.len() as u64, limit });
    }
    Ok(bytes)
}

/// Writes the report to standard output in `--format`, then to each `--report` file. Every
/// report file is attempted; `false` when one could not be written (each failure is named on
/// stderr).
fn emit(report: &Report, settings: &Settings) -> bool {
    let mut ok = true;
    // A closed pipe (`citecheck … | head`) is not an error worth a message.
    let _ = if settings.format == args::OutputFormat::Json {
        // JSON escapes every control character itself, so it skips anstream's byte-by-byte scan
        // for escape sequences (a twentieth of a large extraction's time).
        output::write(report, settings.format, &settings.render, output::Target::Stdout, &mut std::io::stdout().lock())
    } else {
        output::write(report, settings.format, &settings.render, output::Target::Stdout, &mut anstream::stdout().lock())
    };
    // In a GitHub Actions job the annotations go with a Markdown summary on the job's page.
    let github = settings.format == args::OutputFormat::Github
        || settings.reports.iter().any(|r| r.format == args::OutputFormat::Github);
    if github && let Some(summary_path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let summary = citecheck::report::github::step_summary(report, &settings.render);
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&summary_path)
            .and_then(|mut f| f.write_all(summary.as_bytes()));
        if let Err(e) = appended {
            error(&format!(
                "could not append to GITHUB_STEP_SUMMARY ({}): {e}",
                std::path::Path::new(&summary_path).display()
            ));
            ok = false;
        }
    }
    for target in &settings.reports {
        let written = output::write_atomic_with(&target.path, |file| {
            output::write(report, target.format, &settings.render, output::Target::File, file)
        });
        if let Err(e) = written {
            error(&format!("could not write the report {}: {e}", target.path.display()));
            ok = false;
        }
    }
    ok
}

fn note(message: &str) {
    let style = anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Cyan.into()));
    let _ = writeln!(anstream::stderr(), "{style}citecheck: note:{style:#} {}", human::clean(message));
}

fn warning(message: &str) {
    let style = anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Yellow.into())).bold();
    let _ = writeln!(anstream::stderr(), "{style}citecheck: warning:{style:#} {}", human::clean(message));
}

fn error(message: &str) {
    let style = anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Red.into())).bold();
    let _ = writeln!(anstream::stderr(), "{style}citecheck: error:{style:#} {}", human::clean(message));
}
