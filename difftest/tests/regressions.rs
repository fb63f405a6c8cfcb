//! Every divergence difftest found, minimized (`difftest/regressions/*.json`), must stay fixed.

use difftest::{program::Case, Verdict};
use std::path::Path;

#[test]
fn minimized_divergences_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let case: Case = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        match difftest::compare(&case).unwrap() {
            Verdict::Agree => checked += 1,
            other => panic!("{}: {other:?}", path.display()),
        }
    }
    assert!(checked > 0, "no cases in {}", dir.display());
}
