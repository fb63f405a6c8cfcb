//! The developer helpers test frameworks use: snapshots, time, mining, state edits,
//! impersonation, and `eth_sendTransaction` from dev accounts.

mod common;

use alloy_primitives::{Address, Bytes, U256};
use common::{dev_key, quantity, DevNode};
use serde_json::{json, Value};

/// Runtime code that returns storage slot 0.
const RETURN_SLOT_0: &str = "0x60005460005260206000f3";

fn word(n: u64) -> Value {
    json!(Bytes::from(U256::from(n).to_be_bytes::<32>().to_vec()))
}

fn receipt_of(node: &DevNode, hash: &Value) -> Value {
    node.result("eth_getTransactionReceipt", json!([hash]))
}

#[test]
fn snapshots_revert_blocks_and_state() {
    let node = DevNode::start(&["--in-memory"]);
    let from = dev_key(0).address();
    let to = Address::repeat_byte(0x11);
    let snapshot = node.result("evm_snapshot", json!([]));
    let hash = node.result(
        "eth_sendTransaction",
        json!([{"from": from, "to": to, "value": "0x64"}]),
    );
    assert_eq!(receipt_of(&node, &hash)["status"], "0x1");
    assert_eq!(node.balance(to), U256::from(100));
    assert_eq!(node.block_number(), 1);

    assert_eq!(node.result("evm_revert", json!([snapshot])), json!(true));
    assert_eq!(node.block_number(), 0);
    assert_eq!(node.balance(to), U256::ZERO);
    assert_eq!(node.nonce(from), 0);
    assert!(receipt_of(&node, &hash).is_null());
    assert_eq!(
        node.result("evm_revert", json!([snapshot])),
        json!(false),
        "a snapshot is used once"
    );

    // The chain goes on from the snapshot.
    let hash = node.result(
        "eth_sendTransaction",
        json!([{"from": from, "to": to, "value": "0x1"}]),
    );
    assert_eq!(quantity(&receipt_of(&node, &hash)["blockNumber"]), 1);
}

#[test]
fn state_edits_show_in_reads_and_calls() {
    let node = DevNode::start(&["--in-memory"]);
    let fresh = Address::repeat_byte(0x22);
    node.result("anvil_setBalance", json!([fresh, "0xde0b6b3a7640000"]));
    assert_eq!(node.balance(fresh), U256::from(10).pow(U256::from(18)));

    let contract = Address::repeat_byte(0x33);
    node.result("anvil_setCode", json!([contract, RETURN_SLOT_0]));
    assert_eq!(
        node.result("eth_getCode", json!([contract, "latest"])),
        json!(RETURN_SLOT_0)
    );
    assert_eq!(
        node.result("eth_call", json!([{"to": contract}, "latest"])),
        word(0)
    );
    node.result("anvil_setStorageAt", json!([contract, "0x0", word(7)]));
    assert_eq!(
        node.result("eth_getStorageAt", json!([contract, "0x0", "latest"])),
        word(7)
    );
    assert_eq!(
        node.result("eth_call", json!([{"to": contract}, "latest"])),
        word(7)
    );
    let error = node.error("anvil_setStorageAt", json!([fresh, "0x0", word(1)]));
    assert_eq!(error["code"], -32602, "storage of a non-contract: {error}");

    // Impersonation: the funded fresh address sends without a key.
    node.result("anvil_impersonateAccount", json!([fresh]));
    let hash = node.result(
        "eth_sendTransaction",
        json!([{"from": fresh, "to": contract}]),
    );
    let receipt = receipt_of(&node, &hash);
    assert_eq!(receipt["status"], "0x1");
    assert_eq!(receipt["from"], json!(fresh));
    node.result("anvil_stopImpersonatingAccount", json!([fresh]));
    node.error(
        "eth_sendTransaction",
        json!([{"from": fresh, "to": contract}]),
    );
}

#[test]
fn time_and_mining_follow_the_helpers() {
    let node = DevNode::start(&["--in-memory"]);
    let head = node.result("eth_getBlockByNumber", json!(["latest", false]));
    let start = quantity(&head["timestamp"]);

    node.result("evm_setNextBlockTimestamp", json!([start + 1000]));
    node.result("evm_mine", json!([]));
    let block = node.result("eth_getBlockByNumber", json!(["latest", false]));
    assert_eq!(quantity(&block["timestamp"]), start + 1000);
    assert_eq!(block["parentHash"], head["hash"]);

    node.result("evm_increaseTime", json!([86_400]));
    node.result("evm_mine", json!([]));
    let block = node.result("eth_getBlockByNumber", json!(["latest", false]));
    assert!(quantity(&block["timestamp"]) >= start + 86_400);

    node.result("anvil_mine", json!(["0x3"]));
    assert_eq!(node.block_number(), 5);

    // With automine off, a transaction waits for the next mined block.
    node.result("evm_setAutomine", json!([false]));
    let from = dev_key(0).address();
    let hash = node.result(
        "eth_sendTransaction",
        json!([{"from": from, "to": from, "value": "0x1"}]),
    );
    assert!(receipt_of(&node, &hash).is_null());
    assert_eq!(
        quantity(&node.result("eth_getTransactionCount", json!([from, "pending"]))),
        1
    );
    node.result("evm_mine", json!([]));
    assert_eq!(quantity(&receipt_of(&node, &hash)["blockNumber"]), 6);
}

/// What Hardhat's network helpers send: `time.increaseTo` (a timestamp set, then `hardhat_mine`
/// of one block with an interval), `time.increase` after it, `mine` with an interval, and the
/// checks and edits they make (`web3_clientVersion`, `hardhat_getAutomine`,
/// `hardhat_setNonce`, `hardhat_reset`).
#[test]
fn hardhat_network_helpers_work() {
    let node = DevNode::start(&["--in-memory"]);
    let version = node.result("web3_clientVersion", json!([]));
    assert!(version.as_str().unwrap().starts_with("anvil"), "{version}");
    assert_eq!(node.result("hardhat_getAutomine", json!([])), json!(true));

    // time.increaseTo(a year from now), then time.increase(1 hour).
    let now = quantity(&node.result("eth_getBlockByNumber", json!(["latest", false]))["timestamp"]);
    let target = now + 365 * 86_400;
    let timestamp = |node: &DevNode| {
        quantity(&node.result("eth_getBlockByNumber", json!(["latest", false]))["timestamp"])
    };
    node.result("evm_setNextBlockTimestamp", json!([target]));
    node.result("hardhat_mine", json!(["0x1", "0x1"]));
    assert_eq!(timestamp(&node), target);
    node.result("evm_increaseTime", json!([3_600]));
    node.result("hardhat_mine", json!(["0x1", "0x1"]));
    let later = timestamp(&node);
    assert!((target + 3_600..target + 3_700).contains(&later), "{later}");
    // mine(3, { interval: 60 }): each block a minute after the last.
    node.result("hardhat_mine", json!(["0x3", "0x3c"]));
    let last = timestamp(&node);
    assert!((later + 180..later + 200).contains(&last), "{last}");
    let block = |n: u64| {
        let block = node.result("eth_getBlockByNumber", json!([format!("{n:#x}"), false]));
        quantity(&block["timestamp"])
    };
    let head = node.block_number();
    assert_eq!(block(head) - block(head - 1), 60);
    assert_eq!(block(head - 1) - block(head - 2), 60);

    // setNonce on an account and on a contract.
    let account = Address::repeat_byte(0x31);
    node.result("hardhat_setNonce", json!([account, "0x7"]));
    assert_eq!(node.nonce(account), 7);
    let contract = Address::repeat_byte(0x32);
    node.result("hardhat_setCode", json!([contract, RETURN_SLOT_0]));
    node.result("hardhat_setNonce", json!([contract, "0x5"]));
    assert_eq!(node.nonce(contract), 5);

    // reset: back to genesis; forking is refused.
    node.result("hardhat_reset", json!([]));
    assert_eq!(node.block_number(), 0);
    assert_eq!(node.nonce(account), 0);
    assert!(timestamp(&node) < target);
    let error = node.error(
        "hardhat_reset",
        json!([{"forking": {"jsonRpcUrl": "http://x"}}]),
    );
    assert_eq!(error["code"], -32602, "{error}");
}

/// anvil's names for the `evm_` helpers, `anvil_metadata`/`hardhat_metadata`,
/// `anvil_nodeInfo`, `anvil_autoImpersonateAccount`, and the small `eth_` methods tools ask.
#[test]
fn anvil_names_metadata_and_small_methods() {
    let node = DevNode::start(&["--in-memory"]);
    let snapshot = node.result("anvil_snapshot", json!([]));
    node.result("anvil_setNextBlockTimestamp", json!([4_000_000_000u64]));
    node.result("anvil_mine", json!([]));
    assert_eq!(node.result("anvil_revert", json!([snapshot])), json!(true));
    assert_eq!(node.block_number(), 0);
    node.result("anvil_setAutomine", json!([true]));
    node.result("anvil_increaseTime", json!([60]));

    let metadata = node.result("hardhat_metadata", json!([]));
    assert_eq!(metadata["chainId"], json!(31415926), "{metadata}");
    assert_eq!(metadata["latestBlockNumber"], json!(0));
    assert_eq!(
        node.result("anvil_metadata", json!([]))["instanceId"],
        metadata["instanceId"]
    );
    let info = node.result("anvil_nodeInfo", json!([]));
    assert_eq!(info["environment"]["chainId"], json!(31415926), "{info}");

    // Any sender, once auto-impersonation is on.
    let stranger = Address::repeat_byte(0x5a);
    node.result("anvil_setBalance", json!([stranger, "0xde0b6b3a7640000"]));
    let refused = node.error(
        "eth_sendTransaction",
        json!([{"from": stranger, "to": stranger}]),
    );
    assert_eq!(refused["code"], -32000, "{refused}");
    node.result("anvil_autoImpersonateAccount", json!([true]));
    let hash = node.result(
        "eth_sendTransaction",
        json!([{"from": stranger, "to": stranger}]),
    );
    assert_eq!(quantity(&receipt_of(&node, &hash)["status"]), 1);

    let found = node.result(
        "eth_getTransactionBySenderAndNonce",
        json!([stranger, "0x0"]),
    );
    assert_eq!(found["hash"], hash, "{found}");
    assert_eq!(
        node.result(
            "eth_getTransactionBySenderAndNonce",
            json!([stranger, "0x1"])
        ),
        Value::Null
    );
    let raw = node.result("eth_getRawTransactionByHash", json!([hash]));
    assert!(raw.as_str().unwrap().starts_with("0x02"), "{raw}");
    assert_eq!(quantity(&node.result("eth_baseFee", json!([]))), 100);
    assert_eq!(quantity(&node.result("eth_protocolVersion", json!([]))), 28);
    assert_eq!(quantity(&node.result("eth_blobBaseFee", json!([]))), 1);

    // No access lists on the FVM: an empty one, and the gas the transfer uses, just under the
    // estimate (which leaves room).
    let transfer = json!({"from": stranger, "to": Address::repeat_byte(1), "value": "0x1"});
    let listed = node.result("eth_createAccessList", json!([transfer, "latest"]));
    assert_eq!(listed["accessList"], json!([]), "{listed}");
    let used = quantity(&listed["gasUsed"]);
    let estimate = quantity(&node.result("eth_estimateGas", json!([transfer])));
    assert!(
        used > 0 && used <= estimate && estimate <= used * 11 / 10 + 1,
        "{used} {estimate}"
    );
}

#[test]
fn interval_mining_includes_queued_transactions() {
    let node = DevNode::start(&["--in-memory", "--block-time", "1"]);
    let from = dev_key(0).address();
    let hash = node.result(
        "eth_sendTransaction",
        json!([{"from": from, "to": from, "value": "0x1"}]),
    );
    let started = std::time::Instant::now();
    while receipt_of(&node, &hash).is_null() {
        assert!(started.elapsed().as_secs() < 30, "never mined");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(receipt_of(&node, &hash)["status"], "0x1");
}

/// `hardhat_mine` of a week of 12-second blocks in one call, as `mine(50400)` in a Hardhat test
/// asks: the empty blocks are sealed in a few database writes, chained and timed as if mined
/// one by one, and still there after a restart.
#[test]
fn a_week_of_blocks_in_one_call() {
    let dir = tempfile::tempdir().unwrap();
    let node = DevNode::start_in(dir.path());
    let from = dev_key(0).address();
    node.result("eth_sendTransaction", json!([{"from": from, "to": from}]));
    node.result("evm_setAutomine", json!([false]));
    let pending = node.result("eth_sendTransaction", json!([{"from": from, "to": from}]));
    let started = std::time::Instant::now();
    node.result("hardhat_mine", json!([format!("{:#x}", 50_400), "0xc"]));
    let took = started.elapsed();
    assert_eq!(node.block_number(), 50_401);
    assert!(took.as_secs() < 60, "{took:?}");
    // The first block took the pending transaction.
    assert_eq!(quantity(&receipt_of(&node, &pending)["blockNumber"]), 2);

    let block = |n: u64| node.result("eth_getBlockByNumber", json!([format!("{n:#x}"), false]));
    let first = block(2);
    for n in [3, 4, 10_001, 10_002, 25_000, 50_401] {
        let (this, parent) = (block(n), block(n - 1));
        assert_eq!(this["parentHash"], parent["hash"], "block {n}");
        assert_eq!(this["stateRoot"], first["stateRoot"], "block {n}");
        assert_eq!(
            quantity(&this["timestamp"]),
            quantity(&parent["timestamp"]) + 12,
            "block {n}"
        );
        assert_eq!(this["transactions"], json!([]));
    }
    let by_hash = node.result("eth_getBlockByHash", json!([block(30_000)["hash"], false]));
    assert_eq!(quantity(&by_hash["number"]), 30_000);
    let hash_30000 = by_hash["hash"].clone();
    node.interrupt();

    let node = DevNode::start_in(dir.path());
    assert_eq!(node.block_number(), 50_401);
    let again = node.result(
        "eth_getBlockByNumber",
        json!([format!("{:#x}", 30_000), false]),
    );
    assert_eq!(again["hash"], hash_30000);
    node.result("evm_mine", json!([]));
    assert_eq!(node.block_number(), 50_402);
}

/// `anvil_setIntervalMining` switches to blocks on a clock while the node runs, 0 stops them,
/// and automine switched back on replaces them.
#[test]
fn interval_mining_can_be_switched_on_and_off() {
    let node = DevNode::start(&["--in-memory"]);
    let from = dev_key(0).address();
    node.result("anvil_setIntervalMining", json!([1]));
    assert_eq!(node.result("anvil_getAutomine", json!([])), json!(false));
    let hash = node.result("eth_sendTransaction", json!([{"from": from, "to": from}]));
    let sent_at = node.block_number();
    let started = std::time::Instant::now();
    let receipt = loop {
        let receipt = receipt_of(&node, &hash);
        if !receipt.is_null() {
            break receipt;
        }
        assert!(started.elapsed().as_secs() < 10, "not mined on a 1 s clock");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(quantity(&receipt["status"]), 1);
    assert!(quantity(&receipt["blockNumber"]) > sent_at);
    let before = node.block_number();
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert!(node.block_number() > before, "the clock stopped");

    node.result("evm_setIntervalMining", json!([0]));
    // A block the clock had begun before it stopped may still be sealed.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let stopped_at = node.block_number();
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert_eq!(node.block_number(), stopped_at);

    node.result("anvil_setIntervalMining", json!([1]));
    node.result("evm_setAutomine", json!([true]));
    std::thread::sleep(std::time::Duration::from_millis(500));
    let at = node.block_number();
    let hash = node.result("eth_sendTransaction", json!([{"from": from, "to": from}]));
    assert_eq!(quantity(&receipt_of(&node, &hash)["blockNumber"]), at + 1);
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert_eq!(node.block_number(), at + 1, "the clock kept mining");
}
