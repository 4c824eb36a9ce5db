//! `verify_bearer` on an arbitrary or mutated `Authorization` header; see
//! `fuzz/common/bearer.rs` for the input format and the assertions.
#![no_main]

#[path = "../common/bearer.rs"]
mod checks;
#[path = "../common/support.rs"]
mod support;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check(data));
