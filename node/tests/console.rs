//! What the node prints for a developer, as anvil does: each mined transaction with its block,
//! what it printed with Hardhat's `console.log`, and each call of a method the node does not
//! have; nothing of that with `--silent`.

mod common;

use std::time::{Duration, Instant};

use alloy_primitives::{Address, Bytes};
use alloy_sol_types::{sol, SolCall};
use common::{dev_key, DevNode};
use serde_json::{json, Value};

/// A contract that logs through the console address as `hardhat/console.sol` does (its
/// `log(string,uint256)` and `log(string,address,bool)` overloads), then keeps a number.
const SOURCE: &str = r#"
library console {
    address constant CONSOLE = 0x000000000000000000636F6e736F6c652e6c6f67;
    function log(string memory template, uint256 value) internal view {
        send(abi.encodeWithSignature("log(string,uint256)", template, value));
    }
    function log(string memory template, address who, bool flag) internal view {
        send(abi.encodeWithSignature("log(string,address,bool)", template, who, flag));
    }
    function send(bytes memory payload) private view {
        (bool ok, ) = CONSOLE.staticcall(payload);
        ok;
    }
}
contract Chatty {
    uint256 public kept;
    function keep(uint256 x) external {
        console.log("keeping %d", x);
        kept = x;
        console.log("%s asked: %s", msg.sender, true);
    }
}
"#;

sol! {
    function keep(uint256 x) external;
    function kept() external view returns (uint256);
}

/// Deploys [`SOURCE`]'s contract and calls `keep(42)`; the contract and the call's hash.
fn keep_42(node: &DevNode) -> (Value, Value) {
    let compiled = solc::Solc::start()
        .unwrap()
        .compile(&[("chatty.sol", SOURCE)], &solc::Settings::default())
        .unwrap();
    let from = dev_key(0).address();
    let code = Bytes::from(compiled["Chatty"].bytecode.clone());
    let deploy = node.result("eth_sendTransaction", json!([{"from": from, "data": code}]));
    let receipt = node.result("eth_getTransactionReceipt", json!([deploy]));
    let contract = receipt["contractAddress"].clone();
    let input = Bytes::from(
        keepCall {
            x: 42u64.try_into().unwrap(),
        }
        .abi_encode(),
    );
    let hash = node.result(
        "eth_sendTransaction",
        json!([{"from": from, "to": contract, "data": input}]),
    );
    let receipt = node.result("eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    (contract, hash)
}

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
fn console_log_calls_are_printed_and_change_nothing() {
    let node = DevNode::start(&["--in-memory"]);
    let (contract, hash) = keep_42(&node);
    let sender = dev_key(0).address().to_checksum(None);
    assert!(
        printed(
            &node,
            &[
                "console.log:",
                "keeping 42",
                &format!("{sender} asked: true"),
                &format!("Transaction: {}", hash.as_str().unwrap()),
            ],
        ),
        "{:#?}",
        node.output()
    );
    let kept = node.result(
        "eth_call",
        json!([{"to": contract, "data": Bytes::from(keptCall {}.abi_encode())}]),
    );
    assert_eq!(kept, json!(format!("0x{:064x}", 42)));

    // The same transaction on a node that does not look: the same receipt and state.
    let silent = DevNode::start(&["--in-memory", "--silent"]);
    let (_, silent_hash) = keep_42(&silent);
    let receipt =
        |node: &DevNode, hash: &Value| node.result("eth_getTransactionReceipt", json!([hash]));
    let (loud, quiet) = (receipt(&node, &hash), receipt(&silent, &silent_hash));
    for field in [
        "status",
        "gasUsed",
        "logs",
        "contractAddress",
        "effectiveGasPrice",
    ] {
        assert_eq!(loud[field], quiet[field], "{field}");
    }
    let block = |node: &DevNode| node.result("eth_getBlockByNumber", json!(["latest", false]));
    assert_eq!(block(&node)["stateRoot"], block(&silent)["stateRoot"]);
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
