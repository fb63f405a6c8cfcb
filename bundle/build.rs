//! Builds the actors for wasm32 with a second cargo invocation, so that a plain `cargo build`
//! or `cargo test` of the workspace always carries up-to-date actors.
//!
//! The inner build gets its own target directory (the outer one is locked by this build) and a
//! clean environment (the outer build's flags are for the host), with the wasm features the
//! FVM's engine accepts and a small shadow stack: the FVM charges 0.4 gas per byte of an
//! instance's initial memory on every invocation, and the default 1 MiB stack alone would cost
//! about 0.42M gas per call.

use std::{
    env,
    fmt::Write as _,
    path::{Path, PathBuf},
    process::Command,
};

/// (crate name, manifest name) of every actor we build, in no particular order.
const ACTORS: &[(&str, &str)] = &[
    ("system_actor", "system"),
    ("init_actor", "init"),
    ("account_actor", "account"),
    ("placeholder_actor", "placeholder"),
    ("evm_actor", "evm"),
    ("eam_actor", "eam"),
    ("ethaccount_actor", "ethaccount"),
    ("unsupported_actor", "unsupported"),
];

/// Shadow stack of each actor instance. The EVM's stack and memory live on the heap; this only
/// holds Rust call frames (CBOR decoding and HAMT traversal are the deepest).
const WASM_STACK_BYTES: usize = 256 * 1024;

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("..");
    for path in [
        "actor",
        "actors",
        "interpreter",
        "precompiles",
        "Cargo.toml",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(path).display());
    }
    let target_dir = root.join("target").join("wasm-actors");
    let rustflags = [
        "-Ctarget-feature=+bulk-memory",
        "-Ctarget-feature=+crt-static",
        "-Ctarget-feature=+mutable-globals",
        "-Ctarget-feature=+sign-ext",
        "-Ctarget-feature=-reference-types",
        "-Ctarget-feature=-multivalue",
        "-Ctarget-feature=-atomics",
        &format!("-Clink-arg=-zstack-size={WASM_STACK_BYTES}"),
    ]
    .join("\x1f");

    // The step-tracing EVM actor first: it lands where the production one does, which the
    // second build then puts back (checked below).
    let wasm_dir = target_dir.join("wasm32-unknown-unknown").join("wasm");
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    build(
        &root,
        &target_dir,
        &rustflags,
        &["evm_actor"],
        Some("evm-actor/step-trace"),
    );
    let step_tracing = out_dir.join("evm_actor_step_tracing.wasm");
    std::fs::copy(wasm_dir.join("evm_actor.wasm"), &step_tracing).unwrap();
    let crates: Vec<&str> = ACTORS.iter().map(|(krate, _)| *krate).collect();
    build(&root, &target_dir, &rustflags, &crates, None);
    assert_ne!(
        std::fs::read(wasm_dir.join("evm_actor.wasm")).unwrap(),
        std::fs::read(&step_tracing).unwrap(),
        "the production EVM actor is the step-tracing one: cargo did not put it back"
    );

    let mut listing = String::from(
        "/// Every actor's wasm, by manifest name.\npub const ACTOR_WASM: &[(&str, &[u8])] = &[\n",
    );
    for (krate, name) in ACTORS {
        let path = wasm_dir.join(format!("{krate}.wasm"));
        writeln!(
            listing,
            "    ({name:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    listing.push_str("];\n");
    writeln!(
        listing,
        "/// The EVM actor's step-tracing build (`actor_types::step_log`).\npub const EVM_STEP_TRACING_WASM: &[u8] = include_bytes!({:?});",
        step_tracing.display().to_string()
    )
    .unwrap();
    std::fs::write(out_dir.join("actors.rs"), listing).unwrap();
}

/// Builds `crates` for wasm32 (with `feature`, if any) into `target_dir`.
fn build(root: &Path, target_dir: &Path, rustflags: &str, crates: &[&str], feature: Option<&str>) {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .arg("build")
        .args([
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm",
            "--locked",
        ])
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir);
    for krate in crates {
        command.args(["-p", &krate.replace('_', "-")]);
    }
    if let Some(feature) = feature {
        command.args(["--features", feature]);
    }
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
    ] {
        command.env_remove(var);
    }
    command.env("CARGO_ENCODED_RUSTFLAGS", rustflags);
    let status = command.status().expect("running cargo for the wasm actors");
    assert!(status.success(), "building the wasm actors failed (see above); is the wasm32-unknown-unknown target installed? (scripts/setup adds it)");
}
