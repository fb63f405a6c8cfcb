//! Differential testing of the whole EVM actor on the real FVM, in two modes:
//! * revm: generated programs on our actor and on revm, and everything they leave behind
//!   must agree (see `program` for what the generator leaves out, and why);
//! * fevm: generated programs, with Filecoin's own features added (`extras`), on our actor
//!   and on the production EVM actor, among the production actors on the same ref-fvm
//!   (`fevm`).

mod extras;
pub mod fevm;
pub mod filecoin;
pub mod minimize;
pub mod observation;
pub mod program;
pub mod reference;
pub mod storage;
pub mod tally;
pub mod vectors;

use anyhow::Result;
use program::{Case, Generator};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tally::Tally;

/// What a case is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// revm, natively.
    Revm,
    /// The production EVM actor (builtin-actors v18) on the real FVM; `deliberate`: with
    /// what triggers the differences kept on purpose (`fevm::DELIBERATE`).
    Fevm { deliberate: bool },
}

impl std::str::FromStr for Mode {
    type Err = String;

    fn from_str(name: &str) -> std::result::Result<Self, String> {
        match name {
            "revm" => Ok(Mode::Revm),
            "fevm" => Ok(Mode::Fevm { deliberate: false }),
            _ => Err(format!("unknown mode {name:?}: revm or fevm")),
        }
    }
}

impl Mode {
    /// The case `seed` stands for in this mode.
    pub fn case_for_seed(self, seed: u64) -> Result<Case> {
        match self {
            Mode::Revm => Ok(case_for_seed(seed)),
            Mode::Fevm { deliberate } => fevm::case_for_seed(seed, deliberate),
        }
    }

    /// Runs `case` on both sides and compares, counting what the reference side did.
    pub fn compare_counted(self, case: &Case, tally: &mut Tally) -> Result<Verdict> {
        match self {
            Mode::Revm => compare_counted(case, tally),
            Mode::Fevm { .. } => fevm::compare_counted(case, tally),
        }
    }

    /// How `case`'s results differ (empty when they agree or the case depends on gas).
    pub fn differences(self, case: &Case) -> Result<Vec<String>> {
        match self {
            Mode::Revm => differences(case),
            Mode::Fevm { .. } => fevm::differences(case),
        }
    }
}

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
    /// The case depends on gas, which the two sides count differently: revm ran out of EVM
    /// gas, or one of the two actors ran out of FVM gas.
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
