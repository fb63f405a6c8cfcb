//! The real Ethereum clients, installed by `scripts/setup`, against the real node: each
//! deploys a contract with a constructor argument and an event, reads, writes, waits for the
//! receipt, reads the event and sees a revert reason (see `clients/README.md`).

mod common;

use std::{path::Path, process::Command};

use common::DevNode;

fn run_client(node: &DevNode, name: &str, program: &str, script: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace");
    // A program given as a path (the virtualenv's python) is relative to the workspace.
    let program = if program.contains('/') {
        root.join(program)
    } else {
        program.into()
    };
    let status = Command::new(program)
        .arg(root.join(script))
        .current_dir(root)
        .env("RPC_URL", &node.url)
        .status()
        .unwrap_or_else(|e| panic!("starting {name}: {e} (run ./scripts/setup)"));
    assert!(
        status.success(),
        "{name} failed against fvm-devnet ({status})"
    );
}

#[test]
fn ethers_viem_web3py_cast_forge_scripts_subscriptions_and_hardhat_work_against_the_node() {
    let node = DevNode::start(&["--in-memory"]);
    run_client(&node, "ethers v6", "node", "clients/ethers.mjs");
    run_client(&node, "viem", "node", "clients/viem.mjs");
    run_client(
        &node,
        "web3.py",
        ".venv/bin/python",
        "clients/web3py_test.py",
    );
    run_client(&node, "cast", "bash", "clients/cast.sh");
    run_client(&node, "forge", "bash", "clients/forge.sh");
    run_client(
        &node,
        "forge script and the pool",
        "bash",
        "clients/forge-script.sh",
    );
    run_client(
        &node,
        "ethers subscriptions and filters",
        "node",
        "clients/subscriptions.mjs",
    );
    run_client(&node, "Hardhat 2", "bash", "clients/hardhat.sh");
    run_client(&node, "Hardhat 3", "bash", "clients/hardhat3.sh");
}

/// On the network bundle, with our EVM actor and with FEVM's: a real Filecoin client (Glif's)
/// reads the chain (`clients/filecoin.mjs`); ethers drives Solidity into the market, power
/// and miner actors and f099 (`clients/filecoin-solidity.mjs`); native messages signed by a
/// user's keys (Zondax's signer) and by the node's make a verifier, grant a contract DataCap
/// that it spends, and hand the miner to a contract (`clients/filecoin-messages.mjs`).
#[test]
fn glif_and_ethers_reach_filecoins_actors() {
    for actors in ["hybrid", "fevm"] {
        let node = DevNode::start(&["--in-memory", "--silent", "--actors", actors]);
        run_client(&node, "Glif", "node", "clients/filecoin.mjs");
        run_client(
            &node,
            "ethers into the actors",
            "node",
            "clients/filecoin-solidity.mjs",
        );
        run_client(
            &node,
            "native messages",
            "node",
            "clients/filecoin-messages.mjs",
        );
    }
}
