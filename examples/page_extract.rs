//! Runs `citecheck::page::extract` over HTML files many times, for measuring its CPU cost with
//! `valgrind --tool=callgrind` (instruction counts) or `perf`:
//!
//! ```sh
//! cargo build --release --example page_extract
//! valgrind --tool=callgrind target/release/examples/page_extract 50 fixtures/pages/loadserver/*.html
//! ```
//!
//! Each file is read lossily as UTF-8 (as fetched bodies are decoded) and judged as if fetched
//! from `https://bench.test/<file name>`.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    let pages: Vec<(String, url::Url)> = args
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let name = std::path::Path::new(&path).file_name().map(|n| n.to_string_lossy().into_owned());
            let url = url::Url::parse(&format!("https://bench.test/{}", name.unwrap_or_default())).expect("page URL");
            (String::from_utf8_lossy(&bytes).into_owned(), url)
        })
        .collect();
    if pages.is_empty() {
        eprintln!("usage: page_extract ROUNDS FILE...");
        std::process::exit(2);
    }
    let bytes: usize = pages.iter().map(|(html, _)| html.len()).sum();
    let start = Instant::now();
    let mut titles = 0;
    for _ in 0..rounds {
        for (html, url) in &pages {
            let meta = std::hint::black_box(citecheck::page::extract(html, Some(url)));
            titles += meta.titles.len();
        }
    }
    let took = start.elapsed();
    let n = rounds * pages.len();
    println!(
        "{n} extractions of {} pages ({} KB): {:.1} µs per page, {:.0} MB/s ({titles} titles)",
        pages.len(),
        bytes / 1024,
        took.as_secs_f64() * 1e6 / n as f64,
        (bytes * rounds) as f64 / took.as_secs_f64() / 1e6,
    );
}
