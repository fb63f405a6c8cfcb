//! `solidity-tests [--json FILE] [--report FILE] [--filter TEXT] [--per-folder N] [-j N] [--dir DIR] [--cache DIR] [--actors ours|hybrid|fevm]`
//!
//! Runs the semantic test suite on the FVM and prints the Markdown report.

use anyhow::{bail, Context, Result};
use solidity_tests::{execute, ExecuteOptions};
use std::path::PathBuf;

fn main() -> Result<()> {
    let mut options = ExecuteOptions::default();
    let mut json = None;
    let mut report_file = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--json" => json = Some(PathBuf::from(value()?)),
            "--report" => report_file = Some(PathBuf::from(value()?)),
            "--filter" => options.filter = Some(value()?),
            "--per-folder" => {
                options.per_folder = Some(value()?.parse().context("--per-folder takes a number")?)
            }
            "-j" | "--jobs" => options.jobs = value()?.parse().context("-j takes a number")?,
            "--dir" => options.root = PathBuf::from(value()?),
            "--cache" => options.cache = PathBuf::from(value()?),
            "--no-progress" => options.progress = false,
            "--actors" => options.actors = value()?.parse()?,
            "-h" | "--help" => {
                println!("usage: solidity-tests [--json FILE] [--report FILE] [--filter TEXT] [--per-folder N] [-j N] [--dir DIR] [--cache DIR] [--no-progress] [--actors ours|hybrid|fevm]");
                return Ok(());
            }
            other => bail!("unknown argument {other:?} (see --help)"),
        }
    }
    let report = execute(&options)?;
    let markdown = report.render();
    println!("{markdown}");
    if let Some(path) = report_file {
        std::fs::write(&path, &markdown).with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = json {
        std::fs::write(&path, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    for (name, counts) in &report.pipelines {
        println!(
            "{name}: {} passed, {} failed, {} skipped",
            counts.passed, counts.failed, counts.skipped
        );
    }
    Ok(())
}
