//! `vm-tests [--json FILE] [--dir DIR]`: runs the VM tests and prints the report.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use vm_tests::{case, report};

fn main() -> Result<()> {
    let mut json = None;
    let mut dir = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = Some(PathBuf::from(args.next().context("--json needs a file")?)),
            "--dir" => dir = Some(PathBuf::from(args.next().context("--dir needs a folder")?)),
            "-h" | "--help" => {
                println!("usage: vm-tests [--json FILE] [--dir DIR]");
                return Ok(());
            }
            other => {
                bail!("unknown argument {other:?} (usage: vm-tests [--json FILE] [--dir DIR])")
            }
        }
    }
    let dir = match dir {
        Some(dir) => dir,
        None => default_dir()?,
    };
    let cases = case::load_all(&dir)?;
    let report = report::run_all(&cases);
    print!("{}", report.render());
    if let Some(path) = json {
        std::fs::write(&path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    println!(
        "\n{} passed, {} failed, {} skipped",
        report.passed, report.failed, report.skipped
    );
    if report.failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}

/// `ethereum-vmtests` in the conformance data ([`vm_tests::conformance_dir`]), or an error
/// saying how to get it.
fn default_dir() -> Result<PathBuf> {
    let dir = vm_tests::find_conformance_dir().map_err(anyhow::Error::msg)?;
    Ok(dir.join("ethereum-vmtests"))
}
