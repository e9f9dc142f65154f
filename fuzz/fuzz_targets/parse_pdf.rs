//! Fuzzes PDF documents: any bytes, forced to PDF, must give a document whose spans lie inside
//! the rendered text, or an error (see `check_document`). A panic inside the PDF library is the
//! library's, caught on its own thread and reported as an unreadable file: it is not a crash
//! here. A panic anywhere else (the layout, the notes, the spans) is.

#![no_main]

use citecheck::document::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // libFuzzer's hook aborts on every panic; keep it for all but the PDF library's thread.
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(citecheck::pdf::THREAD_NAME) {
                abort(info);
            }
        }));
    },
    |data: &[u8]| citecheck_fuzz::check_document(data, Format::Pdf)
);
