//! `bench`: our EVM actor against Filecoin's production one (FVM gas per workload), the FVM
//! against native execution, and our dev node against anvil, measured side by side in one run.
//! Prints one Markdown report; `--json FILE` writes the numbers for other tools.

mod compute;
mod lab;
mod load;
mod node_load;
mod opcodes;
mod reference;
mod workloads;

use std::{
    path::{Path, PathBuf},
    time::Instant,
};

use anyhow::{Context, Result};
use clap::Parser;
use serde_json::{json, Value};

#[derive(Debug, Parser)]
#[command(name = "bench")]
struct Args {
    /// Write the numbers as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Timed runs per workload (the median is reported).
    #[arg(long, default_value_t = 9)]
    runs: usize,
    /// Transfers in the node load.
    #[arg(long, default_value_t = 300)]
    transactions: u64,
    /// The benchmark data (Workloads.sol and the production numbers).
    #[arg(long, default_value = "../shared/bench")]
    shared: PathBuf,
    /// Our node's binary (a release build).
    #[arg(long, default_value = "target/release/fvm-devnet")]
    node: PathBuf,
    /// anvil's binary.
    #[arg(long, default_value = "node_modules/.bin/anvil")]
    anvil: PathBuf,
    /// The semantic-test runner (a release build); its cold and warm runs are timed.
    #[arg(long, default_value = "target/release/solidity-tests")]
    semantic_tests: PathBuf,
    /// Skip the node load (and anvil).
    #[arg(long)]
    skip_node: bool,
    /// Skip the gas table (the workloads of ../shared/bench).
    #[arg(long)]
    skip_gas: bool,
    /// Skip the FVM-against-native compute rows.
    #[arg(long)]
    skip_compute: bool,
    /// Skip timing the semantic-test runs (they take minutes from a cold cache).
    #[arg(long)]
    skip_semantic: bool,
    /// Instead of the benchmarks, the reliability load (docs/RELIABILITY.md): --transactions
    /// transfers from this many clients at once through our node on its on-disk store.
    #[arg(long, value_name = "CLIENTS")]
    load: Option<u64>,
    /// Instead of the benchmarks, what single EVM instructions cost on the FVM and natively
    /// (wasm gas and wall time per instruction sequence).
    #[arg(long)]
    opcodes: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if let Some(clients) = args.load {
        let report = load::run(&args.node, args.transactions, clients)?;
        println!("{report}");
        return Ok(());
    }
    if args.opcodes {
        println!("{}", opcodes::report(&opcodes::measure(args.runs)?));
        return Ok(());
    }
    let reference = reference::Reference::load(&args.shared.join("README.md"))?;
    let contracts = compile(&args.shared.join("Workloads.sol"))?;

    let rows = if args.skip_gas {
        Vec::new()
    } else {
        eprintln!("measuring the workloads on the FVM ...");
        workloads::measure(&contracts, &reference, args.runs)?
    };
    let compute = if args.skip_compute {
        Vec::new()
    } else {
        eprintln!("measuring FVM against native ...");
        compute::measure(&contracts, args.runs)?
    };
    let (node, anvil) = if args.skip_node {
        (None, None)
    } else {
        eprintln!("loading our node and anvil in alternating rounds ...");
        let port = free_port()?;
        let (ours, theirs) = node_load::measure(
            node_load::NodeCommand {
                program: &args.node,
                args: vec!["--in-memory".into(), "--port".into(), "0".into()],
            },
            node_load::NodeCommand {
                program: &args.anvil,
                args: vec!["--port".into(), port.to_string()],
            },
            &contracts["MiniERC20"].bytecode,
            args.transactions,
        )?;
        let theirs = match theirs {
            Ok(row) => Some(row),
            Err(e) => {
                eprintln!("anvil: {e:#}");
                None
            }
        };
        (Some(ours), theirs)
    };
    let semantic = if args.skip_semantic {
        None
    } else {
        eprintln!("timing the semantic tests, cold then warm ...");
        Some(time_semantic_tests(&args.semantic_tests)?)
    };

    print!(
        "{}",
        report(
            &rows,
            &compute,
            node.as_ref(),
            anvil.as_ref(),
            semantic,
            &args
        )
    );
    if let Some(path) = &args.json {
        let value = to_json(&rows, &compute, node.as_ref(), anvil.as_ref());
        std::fs::write(path, serde_json::to_string_pretty(&value)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Compiles the workloads as the reference did (solc-js 0.8.28, optimizer 200 runs, shanghai),
/// and our own compute workload with them.
fn compile(workloads: &Path) -> Result<workloads::Contracts> {
    let source = std::fs::read_to_string(workloads)
        .with_context(|| format!("reading {}", workloads.display()))?;
    let mandelbrot = include_str!("../contracts/Mandelbrot.sol");
    let settings = solc::Settings {
        evm_version: "shanghai".into(),
        optimize: true,
        via_ir: false,
    };
    solc::Solc::start()?.compile(
        &[
            ("Workloads.sol", source.as_str()),
            ("Mandelbrot.sol", mandelbrot),
        ],
        &settings,
    )
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Seconds of a cold (empty cache) and a warm run of the semantic tests.
fn time_semantic_tests(program: &Path) -> Result<(f64, f64)> {
    let cache = std::env::temp_dir().join(format!("bench-solc-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    let run = || -> Result<f64> {
        let started = Instant::now();
        let status = std::process::Command::new(program)
            .args(["-j", "2", "--no-progress", "--cache"])
            .arg(&cache)
            .stdout(std::process::Stdio::null())
            .status()
            .with_context(|| format!("running {}", program.display()))?;
        anyhow::ensure!(status.success(), "the semantic tests failed");
        Ok(started.elapsed().as_secs_f64())
    };
    let cold = run()?;
    let warm = run()?;
    let _ = std::fs::remove_dir_all(&cache);
    Ok((cold, warm))
}

fn millions(gas: u64) -> String {
    format!("{:.2}M", gas as f64 / 1e6)
}

fn report(
    rows: &[workloads::Row],
    compute: &[compute::ComputeRow],
    node: Option<&node_load::NodeRow>,
    anvil: Option<&node_load::NodeRow>,
    semantic: Option<(f64, f64)>,
    args: &Args,
) -> String {
    let mut out = String::new();
    if !rows.is_empty() {
        out.push_str(&gas_table(rows, args));
    }
    if !compute.is_empty() {
        out.push_str(&compute_table(compute));
    }
    if let Some(node) = node {
        out.push_str(&node_table(node, anvil, args));
    }
    if let Some((cold, warm)) = semantic {
        out.push_str(&format!(
            "\n## Semantic tests (release, -j 2)\n\ncold compiler cache: {cold:.0} s; warm: {warm:.0} s\n"
        ));
    }
    out
}

fn gas_table(rows: &[workloads::Row], args: &Args) -> String {
    let mut out = String::new();
    out.push_str(
        "## FVM gas per workload: our actor vs the production FEVM (builtin-actors v18)\n\n",
    );
    let measured = rows.iter().any(|row| row.fevm_measured);
    out.push_str(if measured {
        "FEVM: the production bundle as it is, measured in this run on the same FVM.\n\n"
    } else {
        "FEVM: the numbers in ../shared/bench/README.md (no production bundle here; no deploys).\n\n"
    });
    out.push_str(
        "| workload | ours | FEVM | ours/FEVM | wasm | storage | overhead | other | wall ms |\n",
    );
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for row in rows {
        let m = &row.measured;
        let (fevm, ratio) = match row.fevm_gas {
            Some(fevm) => (millions(fevm), format!("{:.2}", m.gas as f64 / fevm as f64)),
            None => ("-".into(), "-".into()),
        };
        out.push_str(&format!(
            "| {} | {} | {fevm} | {ratio} | {} | {} | {} | {} | {:.2} |\n",
            row.name,
            millions(m.gas),
            millions(m.split.wasm),
            millions(m.split.storage),
            millions(m.split.overhead),
            millions(m.split.other),
            m.wall_ms,
        ));
    }
    out.push_str(&format!(
        "\nGas is deterministic; wall time is the median of {} runs of the message (release build).\n\n",
        args.runs
    ));
    out
}

fn compute_table(compute: &[compute::ComputeRow]) -> String {
    let mut out = String::new();
    out.push_str("## FVM vs native (interpreter on the in-memory world), same call\n\n");
    out.push_str(
        "| workload | FVM gas | FVM ms | native ms | FVM/native |\n|---|---:|---:|---:|---:|\n",
    );
    for row in compute {
        out.push_str(&format!(
            "| {} | {} | {:.2} | {:.2} | {:.2} |\n",
            row.name,
            millions(row.fvm_gas),
            row.fvm_ms,
            row.native_ms,
            row.ratio
        ));
    }
    out.push_str(
        "\nTimes are medians of the runs, FVM and native alternating; FVM/native is the median \
         of each FVM run's time over the native run right after it.\n",
    );
    out
}

fn node_table(
    node: &node_load::NodeRow,
    anvil: Option<&node_load::NodeRow>,
    args: &Args,
) -> String {
    let mut out = format!(
        "\n## Dev node vs anvil: {} pre-signed MiniERC20 transfers to each, one client, each waited for, \
         the two nodes taking turns in rounds of {}\n\n",
        args.transactions,
        node_load::ROUND
    );
    out.push_str("| node | tx/s | p50 ms | p99 ms | peak RSS MiB | start-up ms |\n|---|---:|---:|---:|---:|---:|\n");
    let line = |name: &str, r: &node_load::NodeRow| {
        format!(
            "| {name} | {:.1} | {:.2} | {:.2} | {:.0} | {:.0} |\n",
            r.tps, r.p50_ms, r.p99_ms, r.rss_mb, r.startup_ms
        )
    };
    out.push_str(&line("fvm-devnet", node));
    match anvil {
        Some(anvil) => out.push_str(&line("anvil", anvil)),
        None => out.push_str("| anvil | not measured (see the error above) | | | | |\n"),
    }
    out
}

fn to_json(
    rows: &[workloads::Row],
    compute: &[compute::ComputeRow],
    node: Option<&node_load::NodeRow>,
    anvil: Option<&node_load::NodeRow>,
) -> Value {
    let mut workloads: Vec<Value> = rows
        .iter()
        .map(|row| {
            let m = &row.measured;
            json!({
                "name": row.name,
                "kind": "gas",
                "fvm_gas": m.gas,
                "fevm_gas": row.fevm_gas,
                "fevm_measured": row.fevm_measured,
                "gas_ratio": row.fevm_gas.map(|f| m.gas as f64 / f as f64),
                "gas_wasm": m.split.wasm,
                "gas_storage": m.split.storage,
                "gas_overhead": m.split.overhead,
                "gas_other": m.split.other,
                "fvm_ms": m.wall_ms,
                "native_ms": null,
                "ratio": null,
            })
        })
        .collect();
    workloads.extend(compute.iter().map(|row| {
        json!({
            "name": row.name,
            "kind": "compute",
            "fvm_gas": row.fvm_gas,
            "fevm_gas": null,
            "gas_ratio": null,
            "gas_wasm": null,
            "gas_storage": null,
            "gas_overhead": null,
            "gas_other": null,
            "fvm_ms": row.fvm_ms,
            "native_ms": row.native_ms,
            "ratio": row.ratio,
        })
    }));
    let node_json = |row: Option<&node_load::NodeRow>| {
        row.map(
            |r| json!({"tps": r.tps, "p50_ms": r.p50_ms, "p99_ms": r.p99_ms, "rss_mb": r.rss_mb}),
        )
        .unwrap_or(Value::Null)
    };
    json!({
        "workloads": workloads,
        "node": node_json(node),
        "anvil": node_json(anvil),
    })
}
