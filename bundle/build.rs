//! Builds the actors for wasm32 with a second cargo invocation, so that a plain `cargo build`
//! or `cargo test` of the workspace always carries up-to-date actors.
//!
//! The inner build gets its own target directory (the outer one is locked by this build) and a
//! clean environment (the outer build's flags are for the host), with the wasm features the
//! FVM's engine accepts and a small shadow stack: the FVM charges 0.4 gas per byte of an
//! instance's initial memory on every invocation, and the default 1 MiB stack alone would cost
//! about 0.42M gas per call.

use std::{env, fmt::Write as _, path::PathBuf, process::Command};

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
        .arg(&target_dir);
    for (krate, _) in ACTORS {
        command.args(["-p", &krate.replace('_', "-")]);
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

    let wasm_dir = target_dir.join("wasm32-unknown-unknown").join("wasm");
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
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("actors.rs");
    std::fs::write(out, listing).unwrap();
}
