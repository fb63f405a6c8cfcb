//! The transaction pool: future nonces wait queued until the gap fills, a transaction with a
//! pending one's nonce replaces it only by outbidding it, and the pool shows and drops what it
//! holds as geth and anvil do.

mod common;

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bytes, TxKind, U256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use common::{dev_key, quantity, DevNode};
use serde_json::{json, Value};

/// A transfer of `value` with `nonce`, a fee cap of `fee_cap` and a tip of a tenth of it.
fn transfer(key: &PrivateKeySigner, nonce: u64, value: u64, fee_cap: u128) -> Value {
    let tx = TxEip1559 {
        chain_id: 31415926,
        nonce,
        gas_limit: 10_000_000,
        max_fee_per_gas: fee_cap,
        max_priority_fee_per_gas: fee_cap / 10,
        to: TxKind::Call(Address::repeat_byte(0x77)),
        value: U256::from(value),
        access_list: Default::default(),
        input: Bytes::new(),
    };
    let signature = key.sign_hash_sync(&tx.signature_hash()).unwrap();
    let raw: Bytes = TxEnvelope::from(tx.into_signed(signature))
        .encoded_2718()
        .into();
    json!([raw])
}

fn status(node: &DevNode) -> (u64, u64) {
    let status = node.result("txpool_status", json!([]));
    (quantity(&status["pending"]), quantity(&status["queued"]))
}

#[test]
fn future_nonces_wait_until_the_gap_fills() {
    let node = DevNode::start(&["--in-memory"]);
    let key = dev_key(3);
    let later = node.result("eth_sendRawTransaction", transfer(&key, 1, 1, 1_000));
    let last = node.result("eth_sendRawTransaction", transfer(&key, 2, 1, 1_000));
    assert_eq!(status(&node), (0, 2));
    assert_eq!(node.block_number(), 0);
    let queued = node.result("eth_getTransactionByHash", json!([later]));
    assert!(queued["blockNumber"].is_null(), "{queued}");
    let content = node.result("txpool_content", json!([]));
    let mine = &content["queued"][key.address().to_string().to_lowercase()];
    assert_eq!(mine["1"]["hash"], later, "{content}");
    assert!(
        content["pending"].as_object().unwrap().is_empty(),
        "{content}"
    );

    // Nonce 0 fills the gap: all three are mined, in nonce order.
    node.result("eth_sendRawTransaction", transfer(&key, 0, 1, 1_000));
    assert_eq!(status(&node), (0, 0));
    for hash in [&later, &last] {
        let receipt = node.result("eth_getTransactionReceipt", json!([hash]));
        assert_eq!(quantity(&receipt["status"]), 1, "{receipt}");
    }
    assert_eq!(node.nonce(key.address()), 3);
    assert_eq!(node.balance(Address::repeat_byte(0x77)), U256::from(3));
}

#[test]
fn a_replacement_must_outbid_by_a_tenth() {
    let node = DevNode::start(&["--in-memory", "--block-time", "3600"]);
    let key = dev_key(4);
    let first = node.result("eth_sendRawTransaction", transfer(&key, 0, 1, 1_000));
    assert_eq!(status(&node), (1, 0));

    let error = node.error("eth_sendRawTransaction", transfer(&key, 0, 2, 1_090));
    assert_eq!(error["code"], -32000, "{error}");
    assert_eq!(error["message"], "replacement transaction underpriced");

    let second = node.result("eth_sendRawTransaction", transfer(&key, 0, 2, 1_100));
    assert_eq!(status(&node), (1, 0));
    assert!(node
        .result("eth_getTransactionByHash", json!([first]))
        .is_null());
    let inspect = node.result("txpool_inspect", json!([]));
    let line = &inspect["pending"][key.address().to_string().to_lowercase()]["0"];
    assert!(line.as_str().unwrap().contains(": 2 wei + "), "{inspect}");

    node.result("evm_mine", json!([]));
    let receipt = node.result("eth_getTransactionReceipt", json!([second]));
    assert_eq!(quantity(&receipt["status"]), 1, "{receipt}");
    assert_eq!(node.balance(Address::repeat_byte(0x77)), U256::from(2));
    assert!(node
        .result("eth_getTransactionReceipt", json!([first]))
        .is_null());
}

#[test]
fn dropped_transactions_leave_the_pool() {
    let node = DevNode::start(&["--in-memory", "--block-time", "3600"]);
    let key = dev_key(5);
    let hashes: Vec<Value> = (0..3)
        .map(|nonce| node.result("eth_sendRawTransaction", transfer(&key, nonce, 1, 1_000)))
        .collect();
    assert_eq!(status(&node), (3, 0));
    // Dropping nonce 1 leaves nonce 2 waiting for it.
    assert_eq!(
        node.result("anvil_dropTransaction", json!([hashes[1]])),
        hashes[1]
    );
    assert_eq!(status(&node), (1, 1));
    assert!(node
        .result("anvil_dropTransaction", json!([hashes[1]]))
        .is_null());
    node.result("anvil_dropAllTransactions", json!([]));
    assert_eq!(status(&node), (0, 0));
}

#[test]
fn a_sender_queues_at_most_64() {
    let node = DevNode::start(&["--in-memory"]);
    let key = dev_key(6);
    for nonce in 1..=64 {
        node.result("eth_sendRawTransaction", transfer(&key, nonce, 1, 1_000));
    }
    let error = node.error("eth_sendRawTransaction", transfer(&key, 65, 1, 1_000));
    assert_eq!(error["message"], "txpool is full", "{error}");
    assert_eq!(status(&node), (0, 64));
}
