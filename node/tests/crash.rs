//! A node killed with SIGKILL at pseudo-random moments while transactions arrive, again and
//! again, restarts each time at its last sealed block: every block and receipt it reported is
//! still there, balances and nonces agree with the blocks, and it keeps serving. One sender
//! sends a transfer at a time; another keeps the pool full, sending batches out of order (the
//! lowest nonce last), so most kills find transactions queued. The pool lives in memory, as
//! anvil's does: what it held is gone after the kill, but nothing that was mined. The chain
//! runs Filecoin's own actors (`--actors hybrid`), so each block also ends its epoch (the block
//! reward, cron) and a kill can land there too.

mod common;

use std::{thread, time::Duration};

use alloy_primitives::{Address, Bytes, U256};
use common::{dev_key, quantity, sign, DevNode, Rpc, CHAIN_ID};
use serde_json::{json, Value};

const GAS: u64 = 10_000_000;
/// How many times the node is killed.
const KILLS: usize = 5;
/// Nonces the second sender sends together, out of order.
const BATCH: u64 = 16;

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

/// Sends transfers of `2000 + nonce` wei from dev account 1, from nonce `first`, in batches
/// of [`BATCH`] with the lowest nonce last, until the node stops answering; returns the receipts
/// it reported.
fn send_batches_until_killed(rpc: Rpc, to: Address, first: u64) -> Vec<Value> {
    let key = dev_key(1);
    let mut receipts = Vec::new();
    for base in (first..).step_by(BATCH as usize) {
        for nonce in (base..base + BATCH).rev() {
            if nonce == base {
                // The rest wait queued for a while: that is what most kills find.
                thread::sleep(Duration::from_millis(300));
            }
            let value = U256::from(2000 + nonce);
            let raw = sign(&key, nonce, Some(to), value, Bytes::new(), GAS, CHAIN_ID);
            let Some(sent) = rpc.try_call("eth_sendRawTransaction", json!([raw])) else {
                return receipts;
            };
            assert!(sent.get("result").is_some(), "{nonce} refused: {sent}");
        }
        let Some(status) = rpc.try_call("txpool_status", json!([])) else {
            return receipts;
        };
        assert_eq!(status["result"]["queued"], "0x0", "the gap was filled");
        for nonce in base..base + BATCH {
            let hash = alloy_primitives::keccak256(sign(
                &key,
                nonce,
                Some(to),
                U256::from(2000 + nonce),
                Bytes::new(),
                GAS,
                CHAIN_ID,
            ));
            match rpc.try_call("eth_getTransactionReceipt", json!([hash])) {
                Some(receipt) if !receipt["result"].is_null() => {
                    receipts.push(receipt["result"].clone())
                }
                _ => return receipts,
            }
        }
    }
    receipts
}

/// Checks a restarted node against everything reported before; returns how many transfers
/// each sender has mined.
fn check_consistent(node: &DevNode, reported: &[Value], recipients: [Address; 2]) -> [u64; 2] {
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
    // Every transaction in the chain is a transfer from account 0 or 1, so their nonces count
    // them and each recipient holds exactly their values.
    let in_blocks: u64 = (1..=head)
        .map(|n| {
            quantity(&node.result(
                "eth_getBlockTransactionCountByNumber",
                json!([format!("{n:#x}")]),
            ))
        })
        .sum();
    let mined = [0, 1].map(|account| node.nonce(dev_key(account).address()));
    assert_eq!(mined[0] + mined[1], in_blocks);
    for (account, recipient) in recipients.into_iter().enumerate() {
        let base = 1000 * (account as u64 + 1);
        let expected: u64 = (0..mined[account]).map(|nonce| base + nonce).sum();
        assert_eq!(node.balance(recipient), U256::from(expected));
    }
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
    let recipients = [Address::repeat_byte(0x42), Address::repeat_byte(0x43)];
    let mut reported = Vec::new();
    let mut queued_at_a_kill = false;
    for round in 0..KILLS {
        let node = DevNode::start_in_on(dir.path(), "hybrid");
        let mined = check_consistent(&node, &reported, recipients);
        assert_eq!(
            node.result("txpool_status", json!([])),
            json!({"pending": "0x0", "queued": "0x0"})
        );
        let first_block = node.block_number();
        let sender = thread::spawn({
            let rpc = node.rpc.clone();
            move || send_until_killed(rpc, recipients[0], mined[0])
        });
        let batches = thread::spawn({
            let rpc = node.rpc.clone();
            move || send_batches_until_killed(rpc, recipients[1], mined[1])
        });
        while node.block_number() <= first_block {
            thread::sleep(Duration::from_millis(20));
        }
        thread::sleep(kill_delay(round));
        let status = node.result("txpool_status", json!([]));
        queued_at_a_kill |= status["queued"] != "0x0";
        node.kill();
        reported.extend(sender.join().expect("sender thread"));
        reported.extend(batches.join().expect("batch sender thread"));
    }
    assert!(reported.len() >= KILLS, "only {} receipts", reported.len());
    assert!(queued_at_a_kill, "no kill found transactions queued");

    let node = DevNode::start_in_on(dir.path(), "hybrid");
    let [mined, _] = check_consistent(&node, &reported, recipients);
    // And it keeps serving from there.
    let head = node.block_number();
    let raw = sign(
        &dev_key(0),
        mined,
        Some(recipients[0]),
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
