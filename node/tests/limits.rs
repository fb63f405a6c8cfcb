//! The node's limits: where it listens by default, how many calls a batch may hold, how many
//! blocks a log query or `anvil_mine` may span, and a contract that loops forever, which
//! stops at its gas limit and leaves the node serving.

mod common;

use alloy_primitives::Address;
use common::{dev_key, DevNode};
use serde_json::{json, Value};

/// Runtime code `JUMPDEST PUSH0 JUMP`: jumps to itself forever.
const LOOP_FOREVER: &str = "0x5b5f56";

#[test]
fn the_server_listens_on_loopback_unless_told_otherwise() {
    let node = DevNode::start(&["--in-memory"]);
    assert!(node.url.starts_with("http://127.0.0.1:"), "{}", node.url);
}

#[test]
fn a_batch_over_the_limit_is_refused_and_one_within_is_answered() {
    let node = DevNode::start(&["--in-memory"]);
    let batch = |n: usize| {
        let calls: Vec<Value> = (0..n)
            .map(|id| json!({"jsonrpc": "2.0", "id": id, "method": "eth_chainId", "params": []}))
            .collect();
        node.post(Value::Array(calls).to_string()).1
    };
    let answers: Vec<Value> = serde_json::from_str(&batch(1000)).unwrap();
    assert_eq!(answers.len(), 1000);
    let refused: Value = serde_json::from_str(&batch(1001)).unwrap();
    let refused = if refused.is_array() {
        refused[0].clone()
    } else {
        refused
    };
    assert!(refused["error"]["message"].is_string(), "{refused}");
}

#[test]
fn a_contract_that_loops_forever_stops_at_its_gas_limit() {
    let node = DevNode::start(&["--in-memory"]);
    let looping = Address::repeat_byte(0x10);
    node.result("anvil_setCode", json!([looping, LOOP_FOREVER]));

    // eth_call runs with the block's gas limit at most, and answers with an error.
    let error = node.error("eth_call", json!([{"to": looping}, "latest"]));
    assert!(error["message"].as_str().is_some(), "{error}");

    // A transaction pays for the gas it was given, fails, and is mined.
    let from = dev_key(0).address();
    let hash = node.result(
        "eth_sendTransaction",
        json!([{"from": from, "to": looping, "gas": "0x1c9c380"}]),
    );
    let receipt = node.result("eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x0", "{receipt}");
    assert_eq!(receipt["gasUsed"], "0x1c9c380", "{receipt}");

    // The node goes on serving and mining.
    let hash = node.result(
        "eth_sendTransaction",
        json!([{"from": from, "to": Address::repeat_byte(0x11), "value": "0x1"}]),
    );
    let receipt = node.result("eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1", "{receipt}");
}

#[test]
fn log_queries_and_mining_are_capped_at_ten_thousand_blocks() {
    let node = DevNode::start(&["--in-memory"]);
    let error = node.error("anvil_mine", json!(["0x2711"]));
    assert_eq!(error["code"], -32602, "{error}");
    node.result("anvil_mine", json!(["0x2710"]));
    assert_eq!(node.block_number(), 10_000);

    let error = node.error(
        "eth_getLogs",
        json!([{"fromBlock": "0x0", "toBlock": "latest"}]),
    );
    assert_eq!(error["code"], -32602, "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("at most 10000"),
        "{error}"
    );
    let logs = node.result(
        "eth_getLogs",
        json!([{"fromBlock": "0x1", "toBlock": "latest"}]),
    );
    assert_eq!(logs, json!([]));
}
