//! Fuzzes the page-metadata extractor: any HTML (decoded lossily, as fetched bodies are) must
//! give metadata without a panic, with or without a page URL to resolve against.

#![no_main]

use citecheck::page::extract;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let url = url::Url::parse("https://news.test/2024/04/article").ok();
    let meta = extract(&html, url.as_ref());
    for t in &meta.titles {
        assert!(t.text.chars().count() <= 2_000, "titles are bounded");
    }
    let _ = extract(&html, None);
});
