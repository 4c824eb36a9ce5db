//! `parse_basic_credentials` on an arbitrary `Authorization` header value;
//! see `fuzz/common/basic_credentials.rs` for the assertions.
#![no_main]

#[path = "../common/basic_credentials.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check(data));
