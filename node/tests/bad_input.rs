//! Bad input gets a clear error in the usual shape, the node keeps serving, and nothing is
//! persisted.

mod common;

use alloy_consensus::{SignableTransaction, TxEip2930, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bytes, TxKind, U256};
use alloy_signer::SignerSync;
use alloy_sol_types::{Revert, SolError};
use common::{dev_key, sign, DevNode, CHAIN_ID};
use serde_json::{json, Value};

const GAS: u64 = 10_000_000;

fn code(error: &Value) -> i64 {
    error["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("no code in {error}"))
}

fn message(error: &Value) -> String {
    error["message"].as_str().unwrap_or_default().to_string()
}

/// Initcode that reverts with `Error("nope")`.
fn reverting_initcode() -> Bytes {
    let data = Revert::from("nope").abi_encode();
    let len = data.len() as u8;
    // CODECOPY the revert data (after these 12 bytes) to memory 0 and REVERT with it.
    let mut code = vec![0x60, len, 0x60, 12, 0x60, 0, 0x39, 0x60, len, 0x60, 0, 0xfd];
    code.extend(data);
    code.into()
}

#[test]
fn malformed_requests_get_json_rpc_errors() {
    let node = DevNode::start(&["--in-memory", "--max-request-bytes", "4096"]);
    let (_, body) = node.post("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\":");
    let parsed: Value = serde_json::from_str(&body).expect("a JSON error for bad JSON");
    assert_eq!(code(&parsed["error"]), -32700, "{body}");

    assert_eq!(code(&node.error("eth_noSuchMethod", json!([]))), -32601);
    assert_eq!(
        code(&node.error("eth_getBalance", json!(["not an address"]))),
        -32602
    );
    assert_eq!(code(&node.error("eth_getBalance", json!([]))), -32602);

    let (status, body) = node.post(format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[\"{}\"]}}",
        "a".repeat(8192)
    ));
    assert!(
        status == 413 || body.contains("-32700") || body.contains("too big"),
        "oversized body: {status} {body}"
    );

    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
        {"jsonrpc": "2.0", "id": 2, "method": "eth_nope", "params": []}
    ]);
    let (_, body) = node.post(batch.to_string());
    let answers: Vec<Value> = serde_json::from_str(&body).expect("a batch answer");
    assert_eq!(answers.len(), 2);
    assert_eq!(
        node.result("eth_chainId", json!([])),
        json!(format!("{CHAIN_ID:#x}"))
    );
}

#[test]
fn bad_transactions_are_refused_and_change_nothing() {
    let node = DevNode::start(&["--in-memory"]);
    let key = dev_key(1);
    let to = Some(Address::repeat_byte(7));
    let one = U256::from(1);
    let refuse = |raw: Bytes, expected: &str| {
        let error = node.error("eth_sendRawTransaction", json!([raw]));
        assert_eq!(code(&error), -32000, "{error}");
        assert!(
            message(&error).contains(expected),
            "expected {expected:?} in {error}"
        );
    };

    refuse(Bytes::from_static(&[0xf8, 0xff, 0x00]), "failed to decode");
    refuse(
        sign(&key, 0, to, one, Bytes::new(), GAS, 1),
        "invalid chain id",
    );
    // A nonce beyond the next is not refused: it waits in the pool (node/tests/pool.rs).
    node.result(
        "eth_sendRawTransaction",
        json!([sign(&key, 5, to, one, Bytes::new(), GAS, CHAIN_ID)]),
    );
    refuse(
        sign(&key, 0, to, U256::MAX >> 2, Bytes::new(), GAS, CHAIN_ID),
        "insufficient funds",
    );
    refuse(
        sign(&key, 0, to, one, Bytes::new(), 21_000, CHAIN_ID),
        "intrinsic gas too low",
    );
    let access_list_tx = TxEip2930 {
        chain_id: CHAIN_ID,
        nonce: 0,
        gas_price: 10_000,
        gas_limit: GAS,
        to: TxKind::Call(Address::repeat_byte(7)),
        value: one,
        input: Bytes::new(),
        access_list: Default::default(),
    };
    let signature = key
        .sign_hash_sync(&access_list_tx.signature_hash())
        .unwrap();
    let raw: Bytes = TxEnvelope::from(access_list_tx.into_signed(signature))
        .encoded_2718()
        .into();
    refuse(raw, "transaction type not supported");
    assert_eq!(
        node.block_number(),
        0,
        "a refused transaction mined a block"
    );
    assert_eq!(node.nonce(key.address()), 0);

    // A good one goes through; sending it again is refused.
    let good = sign(&key, 0, to, one, Bytes::new(), GAS, CHAIN_ID);
    node.result("eth_sendRawTransaction", json!([good]));
    assert_eq!(node.block_number(), 1);
    refuse(good, "already known");
    refuse(
        sign(&key, 0, to, U256::from(2), Bytes::new(), GAS, CHAIN_ID),
        "nonce too low",
    );
    assert_eq!(node.balance(Address::repeat_byte(7)), one);
}

#[test]
fn reverts_have_geths_shape() {
    let node = DevNode::start(&["--in-memory"]);
    let initcode = reverting_initcode();
    let error = node.error("eth_call", json!([{"data": initcode}]));
    assert_eq!(code(&error), 3, "{error}");
    assert_eq!(message(&error), "execution reverted: nope");
    assert_eq!(
        error["data"],
        json!(Bytes::from(Revert::from("nope").abi_encode()))
    );
    let error = node.error(
        "eth_estimateGas",
        json!([{"from": dev_key(0).address(), "data": initcode}]),
    );
    assert_eq!(code(&error), 3, "{error}");

    // Mined anyway (with a gas limit given), it fails with status 0 and no contract.
    let raw = sign(&dev_key(0), 0, None, U256::ZERO, initcode, GAS, CHAIN_ID);
    let hash = node.result("eth_sendRawTransaction", json!([raw]));
    let receipt = node.result("eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x0");
    let address: Address = serde_json::from_value(receipt["contractAddress"].clone()).unwrap();
    assert_eq!(
        node.result("eth_getCode", json!([address, "latest"])),
        json!("0x")
    );
}
