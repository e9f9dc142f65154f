//! Fuzzes the configuration file parser: any text gives a `Config` or an error whose position
//! lies inside the text, never a panic.

#![no_main]

use citecheck::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = Config::parse(text) {
        let lines = text.split('\n').count().max(1) as u32;
        assert!(e.line >= 1 && e.line <= lines + 1, "line {} outside {lines} lines", e.line);
        assert!(e.column >= 1, "column {}", e.column);
        assert!(!e.message.is_empty());
    }
});
