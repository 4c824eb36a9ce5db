//! `parse_authorization_request` and the decision on an arbitrary query;
//! see `fuzz/common/authorize_request.rs` for the assertions.
#![no_main]

#[path = "../common/authorize_request.rs"]
mod checks;
#[path = "../common/support.rs"]
mod support;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check(data));
