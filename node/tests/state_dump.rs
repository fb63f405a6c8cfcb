//! Dumping and loading the chain's accounts as anvil does: `anvil_dumpState` and
//! `anvil_loadState` between two nodes and from anvil to the node, and `--dump-state` at exit
//! with `--load-state` at start.

mod common;

use alloy_primitives::{Address, Bytes};
use common::{anvil::Anvil, dev_key, DevNode, Rpc};
use serde_json::{json, Value};

/// A contract whose constructor stores 42 in slot 0 and 7 in slot 5 and whose code returns
/// slot 0: initcode, then the runtime `SLOAD(0)` returned as a word.
const INITCODE: &str = "0x602a5f55600760055560088060135f395ff3fe5f545f5260205ff3";

/// Deploys [`INITCODE`], funds and numbers an address; the contract and that address.
fn populate(rpc: &Rpc) -> (Value, Address) {
    let from = dev_key(0).address();
    let hash = rpc.result(
        "eth_sendTransaction",
        json!([{"from": from, "data": INITCODE}]),
    );
    let receipt = wait_receipt(rpc, &hash);
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    let stranger = Address::repeat_byte(0x33);
    rpc.result("anvil_setBalance", json!([stranger, "0x1234"]));
    rpc.result("anvil_setNonce", json!([stranger, "0x9"]));
    (receipt["contractAddress"].clone(), stranger)
}

fn wait_receipt(rpc: &Rpc, hash: &Value) -> Value {
    for _ in 0..200 {
        let receipt = rpc.result("eth_getTransactionReceipt", json!([hash]));
        if !receipt.is_null() {
            return receipt;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("{hash} not mined");
}

/// What the tests compare of an account.
fn account(rpc: &Rpc, address: &Value) -> Value {
    json!({
        "balance": rpc.result("eth_getBalance", json!([address, "latest"])),
        "nonce": rpc.result("eth_getTransactionCount", json!([address, "latest"])),
        "code": rpc.result("eth_getCode", json!([address, "latest"])),
        "slot0": rpc.result("eth_getStorageAt", json!([address, "0x0", "latest"])),
        "slot5": rpc.result("eth_getStorageAt", json!([address, "0x5", "latest"])),
    })
}

#[test]
fn a_dumped_state_loads_into_another_node() {
    let first = DevNode::start(&["--in-memory", "--silent"]);
    let (contract, stranger) = populate(&first.rpc);
    let dumped = first.result("anvil_dumpState", json!([]));
    assert!(dumped.as_str().unwrap().starts_with("0x1f8b"), "gzip");

    let second = DevNode::start(&["--in-memory", "--silent", "--accounts", "1"]);
    assert_eq!(
        second.result("anvil_loadState", json!([dumped])),
        json!(true)
    );
    let stranger = json!(stranger);
    for address in [&contract, &stranger, &json!(dev_key(0).address())] {
        assert_eq!(account(&second.rpc, address), account(&first.rpc, address));
    }
    let slot0 = second.result("eth_call", json!([{"to": contract}, "latest"]));
    assert_eq!(slot0, json!(format!("0x{:064x}", 42)));

    let error = second.error("anvil_loadState", json!([Bytes::from_static(b"nonsense")]));
    assert_eq!(error["code"], -32602, "{error}");
}

#[test]
fn anvils_dump_loads_into_the_node() {
    let anvil = Anvil::start();
    let (contract, stranger) = populate(&anvil.rpc);
    let dumped = anvil.rpc.result("anvil_dumpState", json!([]));
    let node = DevNode::start(&["--in-memory", "--silent"]);
    assert_eq!(node.result("anvil_loadState", json!([dumped])), json!(true));
    for address in [&contract, &json!(stranger)] {
        assert_eq!(account(&node.rpc, address), account(&anvil.rpc, address));
    }
}

#[test]
fn dump_at_exit_and_load_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let path_text = path.to_str().unwrap();
    let first = DevNode::start(&["--in-memory", "--silent", "--dump-state", path_text]);
    let (contract, stranger) = populate(&first.rpc);
    let before = [
        account(&first.rpc, &contract),
        account(&first.rpc, &json!(stranger)),
    ];
    first.interrupt();
    let written: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(
        written["accounts"].as_object().unwrap().len() >= 3,
        "{written}"
    );

    let second = DevNode::start(&["--in-memory", "--silent", "--load-state", path_text]);
    let after = [
        account(&second.rpc, &contract),
        account(&second.rpc, &json!(stranger)),
    ];
    assert_eq!(after, before);

    let missing = std::process::Command::new(env!("CARGO_BIN_EXE_fvm-devnet"))
        .args([
            "--in-memory",
            "--actors",
            "ours",
            "--load-state",
            "/nonexistent/state.json",
        ])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/state.json"));
}
