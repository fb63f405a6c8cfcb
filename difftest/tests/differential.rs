//! The bounded differential run of the test command: a fixed range of seeds, each program on
//! our actor (real FVM) and on revm, with zero divergences allowed. `difftest --seconds N`
//! runs longer (docs/RELIABILITY.md).

use difftest::{tally::Tally, Verdict};

const SEEDS: u64 = 2_500;

#[test]
fn generated_programs_agree_with_revm() {
    let mut tally = Tally::default();
    let mut divergences = Vec::new();
    for seed in 0..SEEDS {
        let case = difftest::case_for_seed(seed);
        if let Verdict::Diverge(differences) = difftest::compare_counted(&case, &mut tally).unwrap()
        {
            divergences.push(format!("seed {seed}: {differences:#?}"));
        }
    }
    println!("{SEEDS} programs: {tally}");
    assert!(divergences.is_empty(), "{}", divergences.join("\n"));
    // The run must have exercised what it claims to compare, not just halted early.
    assert!(tally.success > SEEDS / 3, "{tally}");
    assert!(tally.revert > SEEDS / 20, "{tally}");
    assert!(
        tally.logs > SEEDS / 10 && tally.slots > SEEDS / 10,
        "{tally}"
    );
}
