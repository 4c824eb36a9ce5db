//! The whole engine (the reference oracle) on an arbitrary state and a short
//! sequence of arbitrary requests; the input format and the assertions are
//! in `grant_engine_testkit::fuzz::engine`.
#![no_main]

use libfuzzer_sys::Corpus;

libfuzzer_sys::fuzz_target!(|data: &[u8]| -> Corpus {
    if grant_engine_testkit::fuzz::engine::check(data) {
        Corpus::Keep
    } else {
        Corpus::Reject
    }
});
