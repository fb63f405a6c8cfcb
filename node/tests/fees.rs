//! What a sender pays for gas, against what its receipt says: `gasUsed * effectiveGasPrice` is
//! the balance a transaction took beyond its value, to the wei, when the client took the node's
//! suggestions (as hardhat-chai-matchers' `changeEtherBalance` assumes); and Lotus's figure,
//! rounded down, when it tipped and padded its gas limit.

mod common;

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bytes, TxKind, U256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use common::{dev_key, quantity, DevNode};
use serde_json::{json, Value};

/// A value transfer priced as ethers prices one: twice the base fee plus the tip.
fn transfer(key: &PrivateKeySigner, to: Address, value: U256, gas: u64, tip: u128) -> Bytes {
    let tx = TxEip1559 {
        chain_id: 31415926,
        nonce: 0,
        gas_limit: gas,
        max_fee_per_gas: 2 * 100 + tip,
        max_priority_fee_per_gas: tip,
        to: TxKind::Call(to),
        value,
        access_list: Default::default(),
        input: Bytes::new(),
    };
    let signature = key.sign_hash_sync(&tx.signature_hash()).unwrap();
    TxEnvelope::from(tx.into_signed(signature))
        .encoded_2718()
        .into()
}

fn paid_beyond_value(node: &DevNode, from: Address, send: impl FnOnce() -> Value) -> (U256, Value) {
    let before = node.balance(from);
    let hash = send();
    let receipt = node.result("eth_getTransactionReceipt", json!([hash]));
    assert_eq!(quantity(&receipt["status"]), 1, "{receipt}");
    (before - node.balance(from), receipt)
}

fn receipt_fee(receipt: &Value) -> U256 {
    U256::from(quantity(&receipt["gasUsed"])) * U256::from(quantity(&receipt["effectiveGasPrice"]))
}

#[test]
fn the_receipt_states_the_fee_to_the_wei() {
    let node = DevNode::start(&["--in-memory"]);
    let from = dev_key(0).address();
    let to = Address::repeat_byte(0x42);
    let value = U256::from(10).pow(U256::from(18));

    // The node signs, estimates and prices (Hardhat's `accounts: "remote"`).
    let (paid, receipt) = paid_beyond_value(&node, from, || {
        node.result(
            "eth_sendTransaction",
            json!([{"from": from, "to": to, "value": value}]),
        )
    });
    assert_eq!(paid, value + receipt_fee(&receipt), "{receipt}");

    // The client signs with the node's estimate and suggested tip (ethers' and viem's wallets).
    let key = dev_key(1);
    let gas = quantity(&node.result(
        "eth_estimateGas",
        json!([{"from": key.address(), "to": to, "value": value}]),
    ));
    let tip = quantity(&node.result("eth_maxPriorityFeePerGas", json!([])));
    assert_eq!(tip, 0);
    let raw = transfer(&key, to, value, gas, tip.into());
    let (paid, receipt) = paid_beyond_value(&node, key.address(), || {
        node.result("eth_sendRawTransaction", json!([raw]))
    });
    assert_eq!(paid, value + receipt_fee(&receipt), "{receipt}");
    assert_eq!(quantity(&receipt["effectiveGasPrice"]), 100, "the base fee");
}

#[test]
fn a_tip_on_a_padded_limit_is_lotus_rounded_figure() {
    let node = DevNode::start(&["--in-memory"]);
    let key = dev_key(2);
    let to = Address::repeat_byte(0x43);
    // A tip of 1,000 on a limit of 10M, about twice the gas the transfer uses: the FVM charges
    // the tip on the whole limit and burns for the over-estimation.
    let raw = transfer(&key, to, U256::from(1), 10_000_000, 1_000);
    let (paid, receipt) = paid_beyond_value(&node, key.address(), || {
        node.result("eth_sendRawTransaction", json!([raw]))
    });
    let fee = paid - U256::from(1);
    let gas_used = U256::from(quantity(&receipt["gasUsed"]));
    assert_eq!(
        U256::from(quantity(&receipt["effectiveGasPrice"])),
        fee / gas_used,
        "{receipt}"
    );
    assert!(
        fee > U256::from(100) * gas_used + U256::from(1_000) * gas_used,
        "{fee}"
    );
}

#[test]
fn send_transaction_takes_the_type_and_fees_asked_for() {
    let node = DevNode::start(&["--in-memory", "--silent"]);
    let from = dev_key(0).address();
    let to = Address::repeat_byte(0x43);
    let sent = |request: Value| -> Value {
        let mut request = request;
        request["from"] = json!(from);
        request["to"] = json!(to);
        request["value"] = json!("0x1");
        let hash = node.result("eth_sendTransaction", json!([request]));
        let receipt = node.result("eth_getTransactionReceipt", json!([hash]));
        assert_eq!(receipt["status"], "0x1", "{receipt}");
        node.result("eth_getTransactionByHash", json!([hash]))
    };

    let legacy = sent(json!({"type": "0x0", "gasPrice": "0x96"}));
    assert_eq!(legacy["type"], "0x0");
    assert_eq!(legacy["gasPrice"], "0x96");
    assert_eq!(legacy["chainId"], format!("{:#x}", common::CHAIN_ID));
    // A gas price alone asks for a legacy transaction too (as geth and anvil read it).
    assert_eq!(sent(json!({"gasPrice": "0xc8"}))["type"], "0x0");

    // The fee cap asked for; no tip, whatever is asked (Hardhat's signer asks 1 gwei), so that
    // the receipt states the fee to the wei.
    let dynamic = sent(json!({"maxFeePerGas": "0x12c", "maxPriorityFeePerGas": "0x3b9aca00"}));
    assert_eq!(dynamic["type"], "0x2");
    assert_eq!(dynamic["maxFeePerGas"], "0x12c");
    assert_eq!(dynamic["maxPriorityFeePerGas"], "0x0");
    let default = sent(json!({}));
    assert_eq!(default["type"], "0x2");
    assert_eq!(default["maxFeePerGas"], "0xc8");
    assert_eq!(default["maxPriorityFeePerGas"], "0x0");

    for unsupported in ["0x1", "0x3", "0x4"] {
        let error = node.error(
            "eth_sendTransaction",
            json!([{"from": from, "to": to, "type": unsupported, "gas": "0x989680"}]),
        );
        assert_eq!(error["code"], -32000, "{error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains("not supported"), "{message}");
    }
    // A fee cap below the base fee is refused as a raw transaction would be.
    let error = node.error(
        "eth_sendTransaction",
        json!([{"from": from, "to": to, "maxFeePerGas": "0x1", "gas": "0x989680"}]),
    );
    assert_eq!(error["code"], -32000, "{error}");
}
