//! Fuzzes the WARC reader and the replay index on any bytes (plain or gzipped): records or a
//! positioned error, never a panic, and every record inside the limits; a replay answers any URL.

#![no_main]

use citecheck::fetch::FetchOptions;
use citecheck::warc::{ReadLimits, Reader, Replay};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = ReadLimits { max_record_bytes: 1 << 20, max_total_bytes: 4 << 20, ..ReadLimits::default() };
    let mut last = 0;
    for record in Reader::new(data, limits) {
        match record {
            Ok(r) => {
                assert!(r.block.len() as u64 <= limits.max_record_bytes);
                assert!(r.offset >= last);
                last = r.offset;
            }
            Err(e) => assert!(!e.message.is_empty()),
        }
    }
    if let Ok(replay) = Replay::from_reader(std::path::Path::new("fuzz.warc"), data, limits) {
        let options = FetchOptions::default().max_body_bytes(64 * 1024);
        for url in ["http://example.com/", "https://a.test/b?c=d"] {
            let _ = replay.answer(&url::Url::parse(url).unwrap(), &options);
        }
    }
});
