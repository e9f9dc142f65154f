//! The integration tests, in one binary so they share one build: each module tests one area
//! against real servers on 127.0.0.1 (see `support`).

mod fetch;
mod support;
