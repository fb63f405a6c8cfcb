//! `vm-tests [--json FILE] [--dir DIR]`: runs the VM tests and prints the report.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use vm_tests::{case, report};

fn main() -> Result<()> {
    let mut json = None;
    let mut dir = default_dir();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = Some(PathBuf::from(args.next().context("--json needs a file")?)),
            "--dir" => dir = PathBuf::from(args.next().context("--dir needs a folder")?),
            "-h" | "--help" => {
                println!("usage: vm-tests [--json FILE] [--dir DIR]");
                return Ok(());
            }
            other => {
                bail!("unknown argument {other:?} (usage: vm-tests [--json FILE] [--dir DIR])")
            }
        }
    }
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

/// `$CONFORMANCE_DIR/ethereum-vmtests`, or the shared folder beside the checkout.
fn default_dir() -> PathBuf {
    vm_tests::conformance_dir().join("ethereum-vmtests")
}
