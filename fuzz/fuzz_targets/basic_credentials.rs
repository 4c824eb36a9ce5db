//! `parse_basic_credentials` on an arbitrary `Authorization` header value;
//! the assertions are in `grant_engine_testkit::fuzz::basic_credentials`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    grant_engine_testkit::fuzz::basic_credentials::check(data)
});
