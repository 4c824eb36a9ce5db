//! `parse_token_request` on an arbitrary method, headers and body; see
//! `fuzz/common/token_request.rs` for the input format and the assertions.
#![no_main]

#[path = "../common/token_request.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check(data));
