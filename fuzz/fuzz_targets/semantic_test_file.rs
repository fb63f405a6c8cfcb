//! The Solidity semantic-test file parser: any text parses or is refused, without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    // External sources are read relative to this directory, which has none.
    let _ = solidity_tests::file::parse("fuzz.sol", text, std::path::Path::new("/nonexistent"));
    let _ = solidity_tests::parser::parse_calls(text);
});
