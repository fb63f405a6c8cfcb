//! Differential testing of the whole EVM actor on the real FVM against revm: generated
//! programs run on both, and everything they leave behind must agree (see `program` for what
//! the generator leaves out, and why).

pub mod filecoin;
pub mod minimize;
pub mod observation;
pub mod program;
pub mod reference;
pub mod tally;

use anyhow::Result;
use program::{Case, Generator};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tally::Tally;

/// The case a seed stands for: the same seed always gives the same case.
pub fn case_for_seed(seed: u64) -> Case {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Generator::new(&mut rng).case()
}

/// What comparing a case found.
#[derive(Debug)]
pub enum Verdict {
    Agree,
    /// How the results differ.
    Diverge(Vec<String>),
    /// revm ran out of gas: the case depends on EVM gas, which the FVM does not have.
    GasDependent,
}

/// Runs `case` on both machines and compares what they leave behind.
pub fn compare(case: &Case) -> Result<Verdict> {
    compare_counted(case, &mut Tally::default())
}

/// [`compare`], counting what the reference run did into `tally`.
pub fn compare_counted(case: &Case, tally: &mut Tally) -> Result<Verdict> {
    let expected = reference::run(case)?;
    tally.add(&expected);
    if expected.detail.starts_with("OutOfGas") {
        tally.gas_dependent += 1;
        return Ok(Verdict::GasDependent);
    }
    let actual = filecoin::run(case)?;
    let differences = expected.differences(&actual);
    Ok(if differences.is_empty() {
        Verdict::Agree
    } else {
        Verdict::Diverge(differences)
    })
}

/// How `case`'s results differ (empty when they agree or the case depends on gas).
pub fn differences(case: &Case) -> Result<Vec<String>> {
    Ok(match compare(case)? {
        Verdict::Diverge(differences) => differences,
        Verdict::Agree | Verdict::GasDependent => Vec::new(),
    })
}
