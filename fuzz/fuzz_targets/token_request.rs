//! `parse_token_request` on an arbitrary method, headers and body; the input
//! format and the assertions are in `grant_engine_testkit::fuzz::token_request`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| grant_engine_testkit::fuzz::token_request::check(data));
