//! The binary's side: parse arguments, read inputs, call the library, render, pick the exit code.

mod args;
mod config;
mod exit;
mod human;
mod progress;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser;

use citecheck::document::{self, Format, LoadOptions};
use citecheck::{DocumentReport, Error, Report};

use args::{CheckArgs, Cli, ColorWhen, Command, InputArgs, InputFormat, OutputArgs, OutputFormat};

pub(crate) fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::USAGE } else { exit::OK });
        }
    };
    let color = match cli.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    color.write_global();
    match cli.command {
        Command::Extract(args) => extract(&args.input, &args.output),
        Command::Check(args) => check(&args),
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    let options = match config::check_options(&args.net) {
        Ok(o) => o,
        Err(e) => {
            error(&e.to_string());
            return ExitCode::from(exit::USAGE);
        }
    };
    let checker = match citecheck::check::Checker::new(options) {
        Ok(c) => c,
        Err(e) => {
            error(&e.to_string());
            return ExitCode::from(exit::USAGE);
        }
    };
    let (docs, input_errors) = load_all(&args.input);
    if input_errors && docs.is_empty() {
        return ExitCode::from(exit::USAGE);
    }
    let extracted: Vec<DocumentReport> = docs.iter().map(DocumentReport::extract).collect();
    let run = run_info("check", config::settings(&args.net));
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            error(&format!("could not start the async runtime: {e}"));
            return ExitCode::from(exit::USAGE);
        }
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&interrupted);
    let bar = progress::Bar::new(args.no_progress);
    let report = runtime.block_on(async {
        let interrupt: citecheck::check::Interrupt = Box::pin(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                flag.store(true, Ordering::SeqCst);
            } else {
                std::future::pending::<()>().await;
            }
        });
        match &bar {
            Some(bar) => checker.run(extracted, bar, Some(interrupt)).await,
            None => checker.run(extracted, &citecheck::check::Quiet, Some(interrupt)).await,
        }
    });
    // Fetches still under way when interrupted are dropped with the runtime; do not wait long.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    let report = report.with_run(run);
    emit(&report, &args.output);
    if interrupted.load(Ordering::SeqCst) {
        return ExitCode::from(exit::INTERRUPTED);
    }
    exit::for_report(&report, args.output.fail_on, input_errors)
}

fn extract(input: &InputArgs, output: &OutputArgs) -> ExitCode {
    let (docs, input_errors) = load_all(input);
    let report =
        Report::new(docs.iter().map(DocumentReport::extract).collect()).with_run(run_info("extract", Vec::new()));
    if !(input_errors && docs.is_empty()) {
        emit(&report, output);
    }
    exit::for_report(&report, output.fail_on, input_errors)
}

/// When and how this run happened. `SOURCE_DATE_EPOCH` (seconds since 1970, the
/// reproducible-builds convention) fixes the time, so that output is byte-identical.
fn run_info(command: &str, settings: Vec<(String, String)>) -> citecheck::RunInfo {
    let now = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
    });
    citecheck::RunInfo {
        command: command.to_owned(),
        started: Some(citecheck::date::rfc3339(now)),
        settings,
        ..citecheck::RunInfo::default()
    }
}

/// Reads every input; each failure is reported once on stderr and the others still run.
fn load_all(input: &InputArgs) -> (Vec<document::Document>, bool) {
    let options = LoadOptions {
        max_bytes: input.max_document_bytes,
        max_notes: input.max_notes,
        format: input.input_format.map(|f| match f {
            InputFormat::Text => Format::Text,
            InputFormat::Markdown => Format::Markdown,
            InputFormat::Html => Format::Html,
        }),
    };
    let mut docs = Vec::new();
    let mut failed = false;
    let mut fail = |e: Error| {
        error(&e.to_string());
        failed = true;
    };
    for path in &input.paths {
        if path.as_os_str() == "-" {
            match read_stdin(options.max_bytes).and_then(|b| document::parse_with(Path::new("<stdin>"), &b, &options)) {
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
            match document::read(&file, &options) {
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

fn emit(report: &Report, output: &OutputArgs) {
    let text = match output.format {
        OutputFormat::Human => human::render(report),
        OutputFormat::Json => match serde_json::to_string_pretty(report) {
            Ok(mut s) => {
                s.push('\n');
                s
            }
            Err(e) => {
                error(&format!("could not serialise the report: {e}"));
                return;
            }
        },
    };
    let mut out = anstream::stdout().lock();
    // A closed pipe (`citecheck … | head`) is not an error worth a message.
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn error(message: &str) {
    let style = anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Red.into())).bold();
    let _ = writeln!(anstream::stderr(), "{style}citecheck: error:{style:#} {}", human::clean(message));
}
