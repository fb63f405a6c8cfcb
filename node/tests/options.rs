//! The start-up options anvil users reach for: `--mnemonic` and `--derivation-path`,
//! `--no-mining`, a fractional `--block-time` and `--allow-origin`; what `--actors` and
//! `--network` refuse; and where `--block-cpu` puts the node's threads.

mod common;

use std::time::{Duration, Instant};

use alloy_primitives::{Address, Bytes, U256};
use alloy_signer_local::{coins_bip39::English, MnemonicBuilder};
use common::{quantity, sign, DevNode, CHAIN_ID};
use serde_json::json;

const MNEMONIC: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

fn address_at(path: &str) -> Address {
    MnemonicBuilder::<English>::default()
        .phrase(MNEMONIC)
        .derivation_path(path)
        .unwrap()
        .build()
        .unwrap()
        .address()
}

#[test]
fn accounts_come_from_the_mnemonic_and_path_given() {
    let path = "m/44'/60'/2'/0/";
    let node = DevNode::start(&[
        "--in-memory",
        "--mnemonic",
        MNEMONIC,
        "--derivation-path",
        path,
        "--accounts",
        "2",
    ]);
    let expected: Vec<Address> = (0..2).map(|i| address_at(&format!("{path}{i}"))).collect();
    let accounts: Vec<Address> =
        serde_json::from_value(node.result("eth_accounts", json!([]))).unwrap();
    assert_eq!(accounts, expected);
    assert!(node.balance(expected[1]) > U256::ZERO);
}

/// Dev account 0's first transaction: 5 wei to 0x0707….
fn first_transfer() -> Bytes {
    sign(
        &common::dev_key(0),
        0,
        Some(Address::repeat_byte(7)),
        U256::from(5),
        Bytes::new(),
        10_000_000,
        CHAIN_ID,
    )
}

#[test]
fn without_mining_transactions_wait_for_evm_mine() {
    let node = DevNode::start(&["--in-memory", "--no-mining"]);
    let hash = node.result("eth_sendRawTransaction", json!([first_transfer()]));
    std::thread::sleep(Duration::from_millis(1500));
    assert!(node
        .result("eth_getTransactionReceipt", json!([hash]))
        .is_null());
    assert_eq!(node.block_number(), 0);
    node.result("evm_mine", json!([]));
    let receipt = node.result("eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1");
    assert_eq!(node.block_number(), 1);
}

#[test]
fn a_fractional_block_time_mines_that_often() {
    let node = DevNode::start(&["--in-memory", "--block-time", "0.25"]);
    let started = Instant::now();
    let first = node.block_number();
    while node.block_number() < first + 4 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "four blocks at 0.25 s took over 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let head = node.result("eth_getBlockByNumber", json!(["latest", false]));
    assert!(quantity(&head["number"]) >= first + 4);

    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_fvm-devnet"))
        .args(["--in-memory", "--block-time", "0"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("more than 0 seconds"), "{message}");
}

#[test]
fn cors_answers_with_the_allowed_origin() {
    let origin = "https://app.example.org";
    let node = DevNode::start(&["--in-memory", "--allow-origin", origin]);
    let allowed = |node: &DevNode| -> Option<String> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let response = agent
            .post(&node.rpc.url)
            .header("content-type", "application/json")
            .header("origin", origin)
            .send(r#"{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"#)
            .unwrap();
        response
            .headers()
            .get("access-control-allow-origin")
            .map(|value| value.to_str().unwrap().to_string())
    };
    assert_eq!(allowed(&node).as_deref(), Some(origin));
    let any = DevNode::start(&["--in-memory"]);
    assert_eq!(allowed(&any).as_deref(), Some("*"));
}

#[test]
fn the_genesis_timestamp_is_the_one_given_and_time_goes_on_from_it() {
    let genesis = 1_700_000_000u64;
    let node = DevNode::start(&["--in-memory", "--timestamp", &genesis.to_string()]);
    let block = |n: &str| node.result("eth_getBlockByNumber", json!([n, false]));
    assert_eq!(quantity(&block("0x0")["timestamp"]), genesis);
    node.result("evm_mine", json!([]));
    let next = quantity(&block("0x1")["timestamp"]);
    assert!((genesis + 1..genesis + 60).contains(&next), "{next}");
}

/// `--actors` and `--network` take only what they name, and say what they take.
#[test]
fn unknown_actors_and_networks_are_refused_saying_what_is_taken() {
    let refused = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_fvm-devnet"))
            .args(["--in-memory", "--port", "0"])
            .args(args)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?} was taken");
        String::from_utf8(output.stderr).unwrap()
    };
    let error = refused(&["--actors", "lotus"]);
    assert!(
        error.contains("ours, hybrid or fevm, or a bundle's PATH.car"),
        "{error}"
    );
    let error = refused(&["--actors", "/nonexistent/bundle.car"]);
    assert!(error.contains("no such bundle CAR"), "{error}");
    let error = refused(&["--network", "moonnet"]);
    assert!(error.contains("testing-fake-proofs"), "{error}");
    let error = refused(&["--block-cpu", "fast"]);
    assert!(error.contains("not auto, off or a CPU number"), "{error}");
    let error = refused(&["--block-cpu", "100000"]);
    assert!(error.contains("--block-cpu 100000"), "{error}");
}

/// Mines a transfer, so that a block has run on the node's block thread.
fn mine_a_transfer(node: &DevNode) {
    let hash = node.result("eth_sendRawTransaction", json!([first_transfer()]));
    let receipt = node.result("eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1");
}

#[cfg(target_os = "linux")]
#[test]
fn blocks_run_on_a_cpu_of_their_own_and_the_other_threads_on_the_rest() {
    let ours = common::allowed_cpus(&std::fs::read_to_string("/proc/self/status").unwrap());
    // The network bundle's blocks run on a pooled FVM thread ("fvm").
    let node = DevNode::start(&["--in-memory", "--actors", "hybrid"]);
    mine_a_transfer(&node);
    let threads = node.threads();
    let block_threads: Vec<_> = threads.iter().filter(|(name, _)| name == "fvm").collect();
    assert!(!block_threads.is_empty(), "no block thread in {threads:?}");
    if ours.len() < 2 {
        // Nothing to keep apart.
        assert!(threads.iter().all(|(_, cpus)| *cpus == ours), "{threads:?}");
        return;
    }
    let block_cpu = &block_threads[0].1;
    assert_eq!(block_cpu.len(), 1, "{threads:?}");
    assert!(ours.contains(&block_cpu[0]));
    for (name, cpus) in &threads {
        if name == "fvm" {
            assert_eq!(cpus, block_cpu, "{threads:?}");
        } else {
            let rest: Vec<usize> = ours
                .iter()
                .copied()
                .filter(|c| *c != block_cpu[0])
                .collect();
            assert_eq!(*cpus, rest, "thread {name} may run on {cpus:?}");
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn with_block_cpu_off_every_thread_runs_where_the_scheduler_puts_it() {
    let ours = common::allowed_cpus(&std::fs::read_to_string("/proc/self/status").unwrap());
    let node = DevNode::start(&["--in-memory", "--block-cpu", "off"]);
    mine_a_transfer(&node);
    let threads = node.threads();
    assert!(threads.iter().all(|(_, cpus)| *cpus == ours), "{threads:?}");
}
