//! Bearer verification on an arbitrary or mutated `Authorization` header;
//! the input format and the assertions are in
//! `grant_engine_testkit::fuzz::bearer`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| grant_engine_testkit::fuzz::bearer::check(data));
