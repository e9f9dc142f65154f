//! Exit codes: a public contract for CI.

use std::process::ExitCode;

use citecheck::{Report, Severity};

use super::args::FailOn;

/// No finding at or above the `--fail-on` level.
pub(crate) const OK: u8 = 0;
/// At least one finding at or above the `--fail-on` level.
pub(crate) const FINDINGS: u8 = 1;
/// Usage, input or configuration error.
pub(crate) const USAGE: u8 = 2;
/// Interrupted (Ctrl-C): the report of what was checked was still written.
pub(crate) const INTERRUPTED: u8 = 130;

pub(crate) fn for_report(report: &Report, fail_on: FailOn, input_errors: bool) -> ExitCode {
    for_worst(report.worst(), fail_on, input_errors)
}

/// The exit code of a run whose most severe finding is `worst`.
pub(crate) fn for_worst(worst: Option<Severity>, fail_on: FailOn, input_errors: bool) -> ExitCode {
    if input_errors {
        return ExitCode::from(USAGE);
    }
    let threshold = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Never => None,
    };
    match (threshold, worst) {
        (Some(t), Some(worst)) if worst >= t => ExitCode::from(FINDINGS),
        _ => ExitCode::from(OK),
    }
}
