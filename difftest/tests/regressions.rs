//! Every divergence difftest found, minimized, must stay fixed: `difftest/regressions/*.json`
//! against revm, `difftest/regressions/fevm/*.json` against the production EVM actor. And each
//! difference kept on purpose (`fevm::DELIBERATE`) must still be one, or its reason is stale.

use difftest::{fevm, program::Case, tally::Tally, Mode, Verdict};
use std::path::{Path, PathBuf};

/// The cases in `regressions/<folder>`.
fn cases(folder: &str) -> Vec<(PathBuf, Case)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("regressions")
        .join(folder);
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let case = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            out.push((path, case));
        }
    }
    assert!(!out.is_empty(), "no cases in {}", dir.display());
    out
}

fn check(folder: &str, mode: Mode) {
    for (path, case) in cases(folder) {
        match mode.compare_counted(&case, &mut Tally::default()).unwrap() {
            Verdict::Agree => {}
            other => panic!("{}: {other:?}", path.display()),
        }
    }
}

#[test]
fn minimized_divergences_stay_fixed() {
    check("", Mode::Revm);
}

#[test]
fn minimized_fevm_divergences_stay_fixed() {
    check("fevm", Mode::Fevm { deliberate: false });
}

#[test]
fn deliberate_differences_still_differ() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("deliberate/fevm");
    for (file, why) in fevm::DELIBERATE {
        let path = dir.join(file);
        let case: Case = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let differences = fevm::differences(&case).unwrap();
        assert!(!differences.is_empty(), "{file} no longer differs: {why}");
    }
    let files = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(
        files,
        fevm::DELIBERATE.len(),
        "every case in {dir:?} has its reason"
    );
}
