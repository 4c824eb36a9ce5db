//! `Scope::parse` on arbitrary UTF-8; the assertions are in
//! `grant_engine_testkit::fuzz::scope`.
#![no_main]

use libfuzzer_sys::Corpus;

libfuzzer_sys::fuzz_target!(|data: &[u8]| -> Corpus {
    if grant_engine_testkit::fuzz::scope::check(data) {
        Corpus::Keep
    } else {
        Corpus::Reject
    }
});
