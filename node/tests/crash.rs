//! A node killed with SIGKILL at pseudo-random moments while transactions arrive, again and
//! again, restarts each time at its last sealed block: every block and receipt it reported is
//! still there, balances and nonces agree with the blocks, and it keeps serving.

mod common;

use std::{thread, time::Duration};

use alloy_primitives::{Address, Bytes, U256};
use common::{dev_key, quantity, sign, DevNode, Rpc, CHAIN_ID};
use serde_json::{json, Value};

const GAS: u64 = 10_000_000;
/// How many times the node is killed.
const KILLS: usize = 5;

/// Sends transfers of `1000 + nonce` wei, from nonce `first`, until the node stops answering;
/// returns the receipts it reported.
fn send_until_killed(rpc: Rpc, to: Address, first: u64) -> Vec<Value> {
    let key = dev_key(0);
    let mut receipts = Vec::new();
    for nonce in first.. {
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

/// Checks a restarted node against everything reported before; returns how many transfers
/// its chain holds.
fn check_consistent(node: &DevNode, reported: &[Value], recipient: Address) -> u64 {
    let head = node.block_number();
    for receipt in reported {
        assert!(
            quantity(&receipt["blockNumber"]) <= head,
            "head {head} lost {receipt}"
        );
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
    assert_eq!(node.nonce(dev_key(0).address()), mined);
    let expected: u64 = (0..mined).map(|nonce| 1000 + nonce).sum();
    assert_eq!(node.balance(recipient), U256::from(expected));
    mined
}

/// A pseudo-random delay (a fixed sequence, so a failing run can be repeated).
fn kill_delay(round: usize) -> Duration {
    let mixed = (round as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40;
    Duration::from_millis(mixed % 1500)
}

#[test]
fn a_node_killed_again_and_again_restarts_with_everything_it_reported() {
    let dir = tempfile::tempdir().unwrap();
    let recipient = Address::repeat_byte(0x42);
    let mut reported = Vec::new();
    for round in 0..KILLS {
        let node = DevNode::start_in(dir.path());
        let mined = check_consistent(&node, &reported, recipient);
        let first_block = node.block_number();
        let sender = thread::spawn({
            let rpc = node.rpc.clone();
            move || send_until_killed(rpc, recipient, mined)
        });
        while node.block_number() <= first_block {
            thread::sleep(Duration::from_millis(20));
        }
        thread::sleep(kill_delay(round));
        node.kill();
        reported.extend(sender.join().expect("sender thread"));
    }
    assert!(reported.len() >= KILLS, "only {} receipts", reported.len());

    let node = DevNode::start_in(dir.path());
    let mined = check_consistent(&node, &reported, recipient);
    // And it keeps serving from there.
    let head = node.block_number();
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
