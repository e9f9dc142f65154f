//! Fuzzes the html parser: any bytes, forced to the html format, must parse without a panic into
//! notes and markers whose spans lie inside the text (see `check_document`).

#![no_main]

use citecheck::document::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| citecheck_fuzz::check_document(data, Format::Html));
