//! The bounded fevm run of the test command: a fixed range of seeds, each program on our EVM
//! actor and on the production one (builtin-actors v18), both among the production actors on
//! the real FVM, with zero divergences allowed (what differs on purpose is left out, see
//! `fevm::DELIBERATE`).
//! `scripts/conformance fevm` runs more (docs/RELIABILITY.md).

use difftest::{fevm, tally::Tally, Verdict};

const SEEDS: u64 = 150;

#[test]
fn generated_programs_agree_with_the_production_actor() {
    let mut tally = Tally::default();
    let mut divergences = Vec::new();
    for seed in 0..SEEDS {
        let case = fevm::case_for_seed(seed, false).unwrap();
        if let Verdict::Diverge(differences) = fevm::compare_counted(&case, &mut tally).unwrap() {
            divergences.push(format!("seed {seed}: {differences:#?}"));
        }
    }
    println!("{SEEDS} programs: {tally}");
    assert!(divergences.is_empty(), "{}", divergences.join("\n"));
    // The run must have exercised what it claims to compare, Filecoin's extras included.
    assert!(tally.success > SEEDS / 2, "{tally}");
    assert!(tally.revert > SEEDS / 50, "{tally}");
    assert!(
        tally.logs > SEEDS / 20 && tally.slots > SEEDS / 10,
        "{tally}"
    );
    assert!(
        tally.tombstones > SEEDS / 50 && tally.placeholders > SEEDS / 50,
        "{tally}"
    );
}
