//! A node killed with SIGKILL while transactions arrive restarts at its last sealed block:
//! every block and receipt it reported is still there, balances and nonces agree with the
//! blocks, and it keeps serving.

mod common;

use std::{thread, time::Duration};

use alloy_primitives::{Address, Bytes, U256};
use common::{dev_key, quantity, sign, DevNode, Rpc, CHAIN_ID};
use serde_json::{json, Value};

const GAS: u64 = 10_000_000;

/// Sends transfers of `1000 + nonce` wei until the node stops answering; returns the receipts
/// it reported.
fn send_until_killed(rpc: Rpc, to: Address) -> Vec<Value> {
    let key = dev_key(0);
    let mut receipts = Vec::new();
    for nonce in 0.. {
        let value = U256::from(1000 + nonce);
        let raw = sign(&key, nonce, Some(to), value, Bytes::new(), GAS, CHAIN_ID);
        let Some(sent) = rpc.try_call("eth_sendRawTransaction", json!([raw])) else {
            break;
        };
        let Some(hash) = sent.get("result").cloned() else {
            panic!("transaction {nonce} refused: {sent}");
        };
        match rpc.try_call("eth_getTransactionReceipt", json!([hash])) {
            Some(receipt) if !receipt["result"].is_null() => {
                receipts.push(receipt["result"].clone())
            }
            _ => break,
        }
    }
    receipts
}

#[test]
fn a_killed_node_restarts_with_everything_it_reported() {
    let dir = tempfile::tempdir().unwrap();
    let node = DevNode::start_in(dir.path());
    let recipient = Address::repeat_byte(0x42);
    let sender = thread::spawn({
        let rpc = node.rpc.clone();
        move || send_until_killed(rpc, recipient)
    });
    while node.block_number() < 8 {
        thread::sleep(Duration::from_millis(50));
    }
    node.kill();
    let reported = sender.join().expect("sender thread");
    assert!(
        reported.len() >= 7,
        "only {} receipts before the kill",
        reported.len()
    );

    let node = DevNode::start_in(dir.path());
    let head = node.block_number();
    let last_reported = reported
        .iter()
        .map(|r| quantity(&r["blockNumber"]))
        .max()
        .unwrap();
    assert!(
        head >= last_reported,
        "head {head} is before reported block {last_reported}"
    );
    for receipt in &reported {
        let stored = node.result(
            "eth_getTransactionReceipt",
            json!([receipt["transactionHash"]]),
        );
        assert_eq!(stored["blockHash"], receipt["blockHash"]);
        assert_eq!(stored["status"], "0x1");
        let block = node.result(
            "eth_getBlockByNumber",
            json!([receipt["blockNumber"], false]),
        );
        assert_eq!(block["hash"], receipt["blockHash"]);
    }

    // Every transaction in the chain is a transfer from account 0, so its nonce counts them
    // and the recipient holds exactly their values.
    let mined: u64 = (1..=head)
        .map(|n| {
            quantity(&node.result(
                "eth_getBlockTransactionCountByNumber",
                json!([format!("{n:#x}")]),
            ))
        })
        .sum();
    let sender_address = dev_key(0).address();
    assert_eq!(node.nonce(sender_address), mined);
    let expected: u64 = (0..mined).map(|nonce| 1000 + nonce).sum();
    assert_eq!(node.balance(recipient), U256::from(expected));

    // And it keeps serving from there.
    let raw = sign(
        &dev_key(0),
        mined,
        Some(recipient),
        U256::from(1),
        Bytes::new(),
        GAS,
        CHAIN_ID,
    );
    let hash = node.result("eth_sendRawTransaction", json!([raw]));
    let receipt = node.result("eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1");
    assert_eq!(node.block_number(), head + 1);
}
