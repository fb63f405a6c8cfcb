//! The node's limits: where it listens by default, how many calls a batch may hold, how many
//! blocks a log query or `anvil_mine` may span (10,000 and a year of 30-second blocks), and a
//! contract that loops forever, which stops at its gas limit and leaves the node serving. All
//! on the network bundle (`--actors hybrid`, a new chain's default), where every block also
//! ends its epoch.

mod common;

use std::time::{Duration, Instant};

use alloy_primitives::{Address, Bytes, U256};
use common::{dev_key, sign, DevNode, CHAIN_ID};
use serde_json::{json, Value};

/// A node on an in-memory chain running Filecoin's own actors beside ours.
fn network_node() -> DevNode {
    DevNode::start(&["--in-memory", "--actors", "hybrid"])
}

/// Runtime code `JUMPDEST PUSH0 JUMP`: jumps to itself forever.
const LOOP_FOREVER: &str = "0x5b5f56";

#[test]
fn the_server_listens_on_loopback_unless_told_otherwise() {
    let node = network_node();
    assert!(node.url.starts_with("http://127.0.0.1:"), "{}", node.url);
}

#[test]
fn a_batch_over_the_limit_is_refused_and_one_within_is_answered() {
    let node = network_node();
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
    let node = network_node();
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
fn requests_waiting_for_a_busy_node_do_not_hold_up_the_server() {
    let node = network_node();
    let rpc = node.rpc.clone();
    // Work that holds the node for seconds: a thousand blocks (one chunk of `anvil_mine`),
    // each ending its epoch.
    let busy = std::thread::spawn(move || {
        rpc.result("anvil_mine", json!(["0x3e8"]));
        Instant::now()
    });
    std::thread::sleep(Duration::from_millis(300));
    // More requests than the server has I/O threads, each waiting for the node...
    let waiting: Vec<_> = (0..8)
        .map(|_| {
            let rpc = node.rpc.clone();
            std::thread::spawn(move || rpc.call("eth_blockNumber", json!([])))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // ... and one that does not need the node is answered before the busy call ends.
    let version = node.result("web3_clientVersion", json!([]));
    let answered = Instant::now();
    assert!(
        version.as_str().unwrap().starts_with("anvil/fvm-devnet-v"),
        "{version}"
    );
    // The busy call runs for seconds; a server stuck behind it would answer both at the same
    // moment.
    let ahead = busy.join().unwrap().saturating_duration_since(answered);
    assert!(
        ahead >= Duration::from_secs(1),
        "web3_clientVersion was answered only {ahead:?} before the busy call"
    );
    for request in waiting {
        assert!(request.join().unwrap()["result"].is_string());
    }
}

#[test]
fn a_long_call_holds_up_no_other_request() {
    let node = network_node();
    let looping = Address::repeat_byte(0x10);
    node.result("anvil_setCode", json!([looping, LOOP_FOREVER]));
    let key = dev_key(1);
    let transfer = |nonce| {
        let to = Some(Address::repeat_byte(0x11));
        sign(
            &key,
            nonce,
            to,
            U256::from(1),
            Bytes::new(),
            10_000_000,
            CHAIN_ID,
        )
    };
    // A first transaction compiles the actors, so that the long calls below are all loop.
    node.result("eth_sendRawTransaction", json!([transfer(0)]));
    // The call lasts about a second (a block's gas of looping); a busy machine slows both
    // sides, so one attempt out of three that shows the others answered while it ran is
    // enough. A node that holds them until the call ends can show none.
    let attempts: Vec<Duration> = (1..=3)
        .map(|nonce| ahead_of_a_long_call(&node, looping, transfer(nonce)))
        .collect();
    assert!(
        attempts
            .iter()
            .any(|ahead| *ahead >= Duration::from_millis(200)),
        "the other requests were answered only {attempts:?} before the long call ended"
    );
}

/// How long before a long `eth_call` ends a read and a transaction sent while it runs are
/// answered.
fn ahead_of_a_long_call(node: &DevNode, looping: Address, raw_transaction: Bytes) -> Duration {
    let rpc = node.rpc.clone();
    let busy = std::thread::spawn(move || {
        let call = json!([{"to": looping, "gas": "0x2540be400"}, "latest"]);
        let answer = rpc.call("eth_call", call);
        assert!(answer["error"].is_object(), "{answer}");
        Instant::now()
    });
    std::thread::sleep(Duration::from_millis(100));
    let head = node.block_number();
    node.result("eth_sendRawTransaction", json!([raw_transaction]));
    let answered = Instant::now();
    assert_eq!(node.block_number(), head + 1);
    busy.join().unwrap().saturating_duration_since(answered)
}

#[test]
fn log_queries_are_capped_at_ten_thousand_blocks_and_mining_at_a_year() {
    let node = network_node();
    let error = node.error("anvil_mine", json!([format!("{:#x}", 1_051_201)]));
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
