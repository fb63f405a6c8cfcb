//! Every file of the suite parses.

use solidity_tests::{file, suite_dir};

#[test]
fn all_1545_tests_parse() {
    let root = suite_dir();
    let paths = file::discover(&root).unwrap();
    assert_eq!(paths.len(), 1545);
    let mut errors = Vec::new();
    let mut calls = 0;
    for path in &paths {
        match file::read(&root, path) {
            Ok(test) => calls += test.calls.len(),
            Err(e) => errors.push(format!("{}: {e}", path.display())),
        }
    }
    assert!(
        errors.is_empty(),
        "{} files failed to parse:\n{}",
        errors.len(),
        errors.join("\n")
    );
    assert!(calls > 5000, "only {calls} calls");
}
