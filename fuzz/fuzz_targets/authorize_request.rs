//! The authorization endpoint on an arbitrary query; the assertions are in
//! `grant_engine_testkit::fuzz::authorize_request`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    grant_engine_testkit::fuzz::authorize_request::check(data)
});
