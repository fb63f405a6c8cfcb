//! A runner for the Solidity compiler's semantic test suite (`test/libsolidity/semanticTests`),
//! executing every test on the real FVM through our EVM actor.

pub mod error;
pub mod file;
pub mod parser;
mod scanner;
pub mod settings;

/// Where the shared conformance data lives: `$CONFORMANCE_DIR`, or `../shared/conformance`
/// beside the checkout.
pub fn conformance_dir() -> std::path::PathBuf {
    match std::env::var_os("CONFORMANCE_DIR") {
        Some(dir) => dir.into(),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
    }
}

/// The suite's root.
pub fn suite_dir() -> std::path::PathBuf {
    conformance_dir().join("solidity-semantic-tests")
}
