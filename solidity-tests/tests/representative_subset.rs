//! A representative subset of the semantic tests (the first two of every folder) on the FVM,
//! both pipelines: at least 95% of those run must pass, and every skip must say why. The full
//! run is `scripts/conformance solidity`.

use solidity_tests::{execute, report::Status, ExecuteOptions};

#[test]
fn two_tests_per_folder_pass_on_the_fvm() {
    let options = ExecuteOptions {
        per_folder: Some(2),
        progress: false,
        ..ExecuteOptions::default()
    };
    let report = execute(&options).unwrap();
    println!("{}", report.render());
    let folders: std::collections::BTreeSet<&str> = report
        .tests
        .iter()
        .map(|t| t.path.split_once('/').map_or(".", |(f, _)| f))
        .collect();
    assert!(
        folders.len() >= 60,
        "every folder represented, got {}",
        folders.len()
    );
    for test in &report.tests {
        if test.status == Status::Skipped {
            assert!(
                test.reason.as_deref().is_some_and(|r| !r.is_empty()),
                "{} skipped without a reason",
                test.path
            );
        }
    }
    for (pipeline, counts) in &report.pipelines {
        assert!(
            counts.passed + counts.failed > 50,
            "{pipeline}: too few tests ran"
        );
        assert!(
            counts.pass_rate() >= 95.0,
            "{pipeline}: {:.1}% passed\n{}",
            counts.pass_rate(),
            report.render()
        );
    }
}
