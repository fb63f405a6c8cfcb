//! Log queries and filters at the edges pollers reach: past the head, and after the chain went
//! back (`evm_revert`).

mod common;

use common::{dev_key, DevNode};
use serde_json::{json, Value};

/// Initcode that emits `LOG0` with no data and deploys nothing.
const LOGGING_INITCODE: &str = "0x5f5fa0";

fn deploy_logger(node: &DevNode) {
    let from = dev_key(0).address();
    node.result(
        "eth_sendTransaction",
        json!([{"from": from, "data": LOGGING_INITCODE}]),
    );
}

#[test]
fn log_queries_past_the_head() {
    let node = DevNode::start(&["--in-memory"]);
    deploy_logger(&node);
    let head = node.block_number();
    let all = node.result("eth_getLogs", json!([{"fromBlock": "0x0"}]));
    assert_eq!(all.as_array().unwrap().len(), 1, "{all}");
    // A poller asking from the block after the head gets nothing, not the head's logs.
    let next = format!("{:#x}", head + 1);
    let none = node.result("eth_getLogs", json!([{"fromBlock": next}]));
    assert_eq!(none, json!([]));
    // A range that ends after the head is an error.
    let error = node.error(
        "eth_getLogs",
        json!([{"fromBlock": "0x0", "toBlock": next}]),
    );
    assert_eq!(error["code"], -32602, "{error}");
}

#[test]
fn filters_rewind_when_the_chain_goes_back() {
    let node = DevNode::start(&["--in-memory"]);
    let snapshot = node.result("evm_snapshot", json!([]));
    let blocks = node.result("eth_newBlockFilter", json!([]));
    let logs = node.result("eth_newFilter", json!([{}]));
    deploy_logger(&node);
    node.result("evm_mine", json!([]));
    let changes = |id: &Value| node.result("eth_getFilterChanges", json!([id]));
    assert_eq!(changes(&blocks).as_array().unwrap().len(), 2);
    assert_eq!(changes(&logs).as_array().unwrap().len(), 1);

    // Back to block 0, then a new block 1 with a log: both filters report it.
    assert_eq!(node.result("evm_revert", json!([snapshot])), json!(true));
    deploy_logger(&node);
    let new_blocks = changes(&blocks);
    assert_eq!(new_blocks.as_array().unwrap().len(), 1, "{new_blocks}");
    let head = node.result("eth_getBlockByNumber", json!(["latest", false]));
    assert_eq!(new_blocks[0], head["hash"]);
    assert_eq!(changes(&logs).as_array().unwrap().len(), 1);
}
