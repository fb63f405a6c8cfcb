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
    let mut tally = difftest::tally::Tally::default();
    for seed in from..from.saturating_add(count.unwrap_or(u64::MAX)) {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let case = difftest::case_for_seed(seed);
        if args.seed.is_some() {
            println!("{}", serde_json::to_string_pretty(&case)?);
        }
        let verdict =
            difftest::compare_counted(&case, &mut tally).with_context(|| format!("seed {seed}"))?;
        run += 1;
        let Verdict::Diverge(differences) = verdict else {
            continue;
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
