//! `difftest`: runs generated programs on our actor (real FVM) and on revm, and reports every
//! divergence, minimized, as JSON a regression test can load.
//!
//!     difftest --seconds 600            # seeds from 0 on, for ten minutes
//!     difftest --seed 1234              # one case
//!     difftest --from 5000 --count 200  # a range of seeds

use anyhow::{Context, Result};
use clap::Parser;
use difftest::Verdict;
use std::{path::PathBuf, time::Instant};

#[derive(Parser)]
struct Args {
    /// First seed.
    #[arg(long, default_value_t = 0)]
    from: u64,
    /// How many seeds to run (unbounded when --seconds is given alone).
    #[arg(long)]
    count: Option<u64>,
    /// Stop after this long.
    #[arg(long)]
    seconds: Option<u64>,
    /// Run just this seed (and print its program).
    #[arg(long)]
    seed: Option<u64>,
    /// Run the case in this JSON file (as written to --out) and print how it diverges.
    #[arg(long)]
    case: Option<PathBuf>,
    /// Where minimized diverging cases are written.
    #[arg(long, default_value = "difftest/found")]
    out: PathBuf,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if let Some(path) = &args.case {
        let case: difftest::program::Case = serde_json::from_str(&std::fs::read_to_string(path)?)?;
        for (index, code) in case.codes().iter().enumerate() {
            println!("contract {index}: 0x{}", hex::encode(code));
        }
        for difference in difftest::differences(&case)? {
            println!("  {difference}");
        }
        return Ok(());
    }
    let (from, count) = match args.seed {
        Some(seed) => (seed, Some(1)),
        None => (
            args.from,
            args.count.or(args.seconds.map(|_| u64::MAX)).or(Some(100)),
        ),
    };
    let deadline = args
        .seconds
        .map(|s| Instant::now() + std::time::Duration::from_secs(s));
    let started = Instant::now();
    let (mut run, mut diverged) = (0u64, 0u64);
    let mut tally = Tally::default();
    for seed in from..from.saturating_add(count.unwrap_or(u64::MAX)) {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let case = difftest::case_for_seed(seed);
        if args.seed.is_some() {
            println!("{}", serde_json::to_string_pretty(&case)?);
        }
        let verdict = difftest::compare(&case).with_context(|| format!("seed {seed}"))?;
        tally.add(&difftest::reference::run(&case)?);
        run += 1;
        let differences = match verdict {
            Verdict::Agree => continue,
            Verdict::GasDependent => {
                tally.gas_dependent += 1;
                continue;
            }
            Verdict::Diverge(differences) => differences,
        };
        diverged += 1;
        println!("seed {seed} diverges:");
        for difference in &differences {
            println!("  {difference}");
        }
        let small = difftest::minimize::minimize(case);
        std::fs::create_dir_all(&args.out)?;
        let path = args.out.join(format!("seed-{seed}.json"));
        std::fs::write(&path, serde_json::to_string_pretty(&small)?)?;
        println!("  minimized to {}", path.display());
        for difference in difftest::differences(&small)? {
            println!("    {difference}");
        }
    }
    println!(
        "{run} programs compared in {:.1} s, {diverged} diverged",
        started.elapsed().as_secs_f64()
    );
    println!("{tally}");
    if diverged > 0 {
        std::process::exit(1);
    }
    Ok(())
}

/// What the compared programs did, so that a run shows it exercised more than halts.
#[derive(Default)]
struct Tally {
    success: u64,
    revert: u64,
    halt: u64,
    logs: u64,
    slots: u64,
    accounts: u64,
    gas_dependent: u64,
}

impl Tally {
    fn add(&mut self, observation: &difftest::observation::Observation) {
        use difftest::observation::Status;
        match observation.status {
            Status::Success => self.success += 1,
            Status::Revert => self.revert += 1,
            Status::Halt => self.halt += 1,
        }
        self.logs += observation.logs.len() as u64;
        self.accounts += observation.accounts.len() as u64;
        self.slots += observation
            .accounts
            .values()
            .map(|a| a.storage.len() as u64)
            .sum::<u64>();
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "outcomes: {} succeeded, {} reverted, {} halted; {} logs, {} storage slots, {} accounts compared; {} set aside as gas-dependent",
            self.success, self.revert, self.halt, self.logs, self.slots, self.accounts, self.gas_dependent
        )
    }
}
