//! `Scope::parse` on arbitrary UTF-8; see `fuzz/common/scope.rs` for the
//! assertions.
#![no_main]

use libfuzzer_sys::Corpus;

#[path = "../common/scope.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| -> Corpus {
    if checks::check(data) {
        Corpus::Keep
    } else {
        Corpus::Reject
    }
});
