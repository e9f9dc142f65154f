//! Serves `fixtures/web/` on 127.0.0.1 (the same server the tests start), so that
//! `citecheck check` can be tried offline against faithful copies of the seed brief's pages.
//!
//! ```sh
//! cargo run --example fixture_web -- 8040 &
//! citecheck check --allow-private --remap '^https?://([^/]+)/(.*)$ http://127.0.0.1:8040/$1/$2' \
//!     seeds/issi-brief-resetting-ties.txt
//! ```

#[path = "../tests/it/support/mod.rs"]
mod support;

fn main() {
    let port = std::env::args().nth(1).and_then(|p| p.parse().ok()).unwrap_or(8040);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/web");
    let server = support::TestServer::builder().fixtures(root).port(port).start();
    println!("serving fixtures/web at {} (Ctrl-C to stop)", server.base_url());
    loop {
        std::thread::park();
    }
}
