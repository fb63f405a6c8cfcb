//! `difftest`: runs generated programs on our actor (real FVM) and on a reference, revm or the
//! production EVM actor (`--mode fevm`), and reports every divergence, minimized, as JSON a
//! regression test can load.
//!
//!     difftest --seconds 600                    # seeds from 0 on, for ten minutes
//!     difftest --seed 1234                      # one case
//!     difftest --from 5000 --count 200          # a range of seeds
//!     difftest --mode fevm --count 1000 --json r.json   # against the production actor
//!     difftest --mode fevm --case difftest/deliberate/fevm/X.json   # a difference on purpose

use anyhow::{Context, Result};
use clap::Parser;
use difftest::{program::Case, tally::Tally, Mode, Verdict};
use serde::Serialize;
use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

#[derive(Parser)]
struct Args {
    /// What our actor is compared with: revm, or fevm (the production EVM actor).
    #[arg(long, default_value = "revm")]
    mode: Mode,
    /// In the fevm mode, also generate (and report) what triggers the differences kept on
    /// purpose.
    #[arg(long)]
    deliberate: bool,
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
    /// Also write the results here: {"compared": N, "divergences": N, "cases": [...]}.
    #[arg(long)]
    json: Option<PathBuf>,
}

/// A divergence as the JSON report lists it.
#[derive(Serialize)]
struct Found {
    seed: u64,
    differences: Vec<String>,
    /// The minimized case's file, and how it still diverges.
    minimized: PathBuf,
    minimized_differences: Vec<String>,
}

#[derive(Serialize)]
struct Report {
    mode: String,
    compared: u64,
    divergences: u64,
    gas_dependent: u64,
    seconds: f64,
    cases: Vec<Found>,
}

fn main() -> Result<()> {
    let mut args = Args::parse();
    if args.deliberate {
        anyhow::ensure!(args.mode != Mode::Revm, "--deliberate is for the fevm mode");
        args.mode = Mode::Fevm { deliberate: true };
    }
    if let Some(path) = &args.case {
        return replay(args.mode, path);
    }
    let (from, count) = match args.seed {
        Some(seed) => (seed, 1),
        None => (
            args.from,
            args.count.unwrap_or(if args.seconds.is_some() {
                u64::MAX
            } else {
                100
            }),
        ),
    };
    let deadline = args
        .seconds
        .map(|s| Instant::now() + Duration::from_secs(s));
    let started = Instant::now();
    let (mut compared, mut tally, mut cases) = (0u64, Tally::default(), Vec::new());
    for seed in from..from.saturating_add(count) {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let case = args.mode.case_for_seed(seed)?;
        if args.seed.is_some() {
            println!("{}", serde_json::to_string_pretty(&case)?);
        }
        let verdict = args
            .mode
            .compare_counted(&case, &mut tally)
            .with_context(|| format!("seed {seed}"))?;
        compared += 1;
        if let Verdict::Diverge(differences) = verdict {
            cases.push(report_divergence(&args, seed, case, differences)?);
        }
    }
    let report = Report {
        mode: match args.mode {
            Mode::Revm => "revm".into(),
            Mode::Fevm { deliberate } => {
                format!("fevm{}", if deliberate { " --deliberate" } else { "" })
            }
        },
        compared,
        divergences: cases.len() as u64,
        gas_dependent: tally.gas_dependent,
        seconds: started.elapsed().as_secs_f64(),
        cases,
    };
    println!(
        "{} programs compared ({}) in {:.1} s, {} diverged",
        report.compared, report.mode, report.seconds, report.divergences
    );
    println!("{tally}");
    if let Mode::Fevm { deliberate: false } = args.mode {
        println!("left out, as ours differs from FEVM there on purpose:");
        for (case, why) in difftest::fevm::DELIBERATE {
            println!("  difftest/deliberate/fevm/{case}: {why}");
        }
    }
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if report.divergences > 0 {
        std::process::exit(1);
    }
    Ok(())
}

/// Prints how `path`'s case diverges.
fn replay(mode: Mode, path: &Path) -> Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let case: Case =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    for (index, code) in case.codes().iter().enumerate() {
        println!("contract {index}: 0x{}", hex::encode(code));
    }
    for difference in mode.differences(&case)? {
        println!("  {difference}");
    }
    Ok(())
}

/// Prints a divergence, minimizes its case and writes that to `--out`.
fn report_divergence(
    args: &Args,
    seed: u64,
    case: Case,
    differences: Vec<String>,
) -> Result<Found> {
    println!("seed {seed} diverges:");
    for difference in &differences {
        println!("  {difference}");
    }
    let small = difftest::minimize::minimize(case, args.mode);
    std::fs::create_dir_all(&args.out)?;
    let prefix = match args.mode {
        Mode::Revm => "",
        Mode::Fevm { .. } => "fevm-",
    };
    let minimized = args.out.join(format!("{prefix}seed-{seed}.json"));
    std::fs::write(&minimized, serde_json::to_string_pretty(&small)?)?;
    println!("  minimized to {}", minimized.display());
    let minimized_differences = args.mode.differences(&small)?;
    for difference in &minimized_differences {
        println!("    {difference}");
    }
    Ok(Found {
        seed,
        differences,
        minimized,
        minimized_differences,
    })
}
