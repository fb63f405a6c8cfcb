//! What the node prints for a developer, as anvil does: each mined transaction with its block,
//! and each call of a method it does not have; nothing of that with `--silent`.

mod common;

use std::time::{Duration, Instant};

use alloy_primitives::Address;
use common::{dev_key, DevNode};
use serde_json::json;

/// Waits until the node has printed a line containing each of `wanted`.
fn printed(node: &DevNode, wanted: &[&str]) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        let output = node.output().join("\n");
        if wanted.iter().all(|w| output.contains(w)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn mined_transactions_and_unknown_methods_are_printed() {
    let node = DevNode::start(&["--in-memory"]);
    let from = dev_key(0).address();
    let hash = node.result(
        "eth_sendTransaction",
        json!([{"from": from, "to": Address::repeat_byte(0x12), "value": "0x1"}]),
    );
    // Initcode that reverts with Error("no"): a failed deploy shows its reason.
    let reverting = format!(
        "0x7f08c379a0{}5f52\
         602060045260026024527f6e6f{}60445260645ffd",
        "00".repeat(28),
        "00".repeat(30)
    );
    let failed = node.result(
        "eth_sendTransaction",
        json!([{"from": from, "data": reverting, "gas": "0x5f5e100"}]),
    );
    node.error("eth_nonexistentMethod", json!([]));
    let hash = hash.as_str().unwrap();
    let failed = failed.as_str().unwrap();
    assert!(
        printed(
            &node,
            &[
                &format!("Transaction: {hash}"),
                "Gas used: ",
                "Block Number: 1",
                &format!("Transaction: {failed}"),
                "Error: reverted with: no",
                "unknown method: eth_nonexistentMethod",
            ],
        ),
        "{:#?}",
        node.output()
    );
}

#[test]
fn silent_prints_none_of_it() {
    let node = DevNode::start(&["--in-memory", "--silent"]);
    let from = dev_key(0).address();
    node.result(
        "eth_sendTransaction",
        json!([{"from": from, "to": Address::repeat_byte(0x12), "value": "0x1"}]),
    );
    node.error("eth_nonexistentMethod", json!([]));
    std::thread::sleep(Duration::from_millis(500));
    assert!(node.output().is_empty(), "{:#?}", node.output());
}
