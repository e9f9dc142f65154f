//! The integration tests, in one binary so they share one build: each module tests one area,
//! network ones against real servers on 127.0.0.1 (see `support`), the binary through `harness`.

mod archived;
mod cache;
mod check;
mod config;
mod determinism;
mod expectations;
mod extract;
mod faults;
mod fetch;
mod formats;
mod harness;
mod html_report;
mod interrupt;
mod properties;
mod snapshots;
mod ssrf;
mod support;
