//! citecheck's integration tests: one test binary (so the build stays fast), one module per area.

mod extract;
mod harness;
