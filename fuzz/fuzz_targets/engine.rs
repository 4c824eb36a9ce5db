//! The whole engine (the reference oracle) on an arbitrary state and a short
//! sequence of arbitrary requests; see `fuzz/common/engine.rs` for the input
//! format and the assertions.
#![no_main]

use libfuzzer_sys::Corpus;

#[path = "../common/engine.rs"]
mod checks;
#[path = "../common/support.rs"]
mod support;

libfuzzer_sys::fuzz_target!(|data: &[u8]| -> Corpus {
    if checks::check(data) {
        Corpus::Keep
    } else {
        Corpus::Reject
    }
});
