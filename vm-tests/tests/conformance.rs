//! The classic VM tests must pass: at least 600 of 609, none failing, every skip with a reason.

use vm_tests::{case, conformance_dir, report};

#[test]
fn vm_tests_pass() {
    let cases = case::load_all(&conformance_dir().join("ethereum-vmtests")).unwrap();
    assert_eq!(cases.len(), 609, "the shared suite has 609 cases");
    let report = report::run_all(&cases);
    println!("{}", report.render());
    assert_eq!(report.failed, 0, "failures:\n{}", report.render());
    assert!(report.passed >= 600, "only {} passed", report.passed);
    for case in report
        .cases
        .iter()
        .filter(|c| c.status == report::Status::Skipped)
    {
        assert!(
            case.reason.as_deref().is_some_and(|r| !r.is_empty()),
            "{} skipped without a reason",
            case.name
        );
    }
}

#[test]
fn a_case_that_must_fail_is_judged_failed_when_it_succeeds() {
    // Guard against a runner that passes everything: take a must-fail case, make its code
    // succeed (a lone STOP), and expect the verdict to flip.
    let cases = case::load_all(&conformance_dir().join("ethereum-vmtests")).unwrap();
    let mut must_fail = cases
        .into_iter()
        .find(|c| c.case.post.is_none())
        .unwrap()
        .case;
    assert!(matches!(
        vm_tests::run::run_case(&must_fail),
        vm_tests::run::Verdict::Passed { .. }
    ));
    must_fail.exec.code = vec![0x00].into();
    assert!(matches!(
        vm_tests::run::run_case(&must_fail),
        vm_tests::run::Verdict::Failed(_)
    ));
}

#[test]
fn a_wrong_output_is_judged_failed() {
    let cases = case::load_all(&conformance_dir().join("ethereum-vmtests")).unwrap();
    let mut returning = cases
        .into_iter()
        .find(|c| c.case.out.as_ref().is_some_and(|o| !o.is_empty()))
        .unwrap()
        .case;
    returning.out = Some(vec![0xde, 0xad].into());
    assert!(matches!(
        vm_tests::run::run_case(&returning),
        vm_tests::run::Verdict::Failed(_)
    ));
}
