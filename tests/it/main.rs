//! The integration tests, in one binary so they share one build: each module tests one area,
//! network ones against real servers on 127.0.0.1 (see `support`), the binary through `harness`.

mod check;
mod config;
mod expectations;
mod extract;
mod fetch;
mod formats;
mod harness;
mod html_report;
mod snapshots;
mod support;
