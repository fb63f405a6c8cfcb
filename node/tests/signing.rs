//! Signing by the node's dev accounts (`accounts: "remote"` in Hardhat, viem's JSON-RPC
//! accounts): each signature is checked against one made here with the same key through an
//! independent path (alloy's signer and `sol!`'s EIP-712 hashing).

mod common;

use alloy_consensus::{transaction::SignerRecoverable, TxEnvelope};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{eip191_hash_message, Address, Bytes, Signature, U256};
use alloy_signer::SignerSync;
use alloy_sol_types::{eip712_domain, sol, SolStruct};
use common::{dev_key, quantity, DevNode};
use serde_json::json;

sol! {
    struct Permit {
        address owner;
        address spender;
        uint256 value;
        uint256 nonce;
        uint256 deadline;
    }
}

fn bytes(value: &serde_json::Value) -> Vec<u8> {
    serde_json::from_value::<Bytes>(value.clone())
        .unwrap()
        .to_vec()
}

#[test]
fn personal_sign_and_eth_sign_sign_eip191_messages() {
    let node = DevNode::start(&["--in-memory"]);
    let key = dev_key(1);
    let expected = key.sign_message_sync(b"hello filecoin").unwrap();
    let personal = node.result(
        "personal_sign",
        json!(["0x68656c6c6f2066696c65636f696e", key.address()]),
    );
    assert_eq!(bytes(&personal), expected.as_bytes().to_vec());
    let eth_sign = node.result(
        "eth_sign",
        json!([key.address(), "0x68656c6c6f2066696c65636f696e"]),
    );
    assert_eq!(bytes(&eth_sign), expected.as_bytes().to_vec());
    // A message that is not hex is signed as its UTF-8 text.
    let text = node.result("personal_sign", json!(["hello filecoin", key.address()]));
    assert_eq!(bytes(&text), expected.as_bytes().to_vec());
    let signature = Signature::try_from(bytes(&text).as_slice()).unwrap();
    let hash = eip191_hash_message(b"hello filecoin");
    assert_eq!(
        signature.recover_address_from_prehash(&hash).unwrap(),
        key.address()
    );
}

#[test]
fn typed_data_is_signed_as_eip712() {
    let node = DevNode::start(&["--in-memory"]);
    let key = dev_key(0);
    let token = Address::repeat_byte(0x70);
    let permit = Permit {
        owner: key.address(),
        spender: Address::repeat_byte(0x5e),
        value: U256::from(1000),
        nonce: U256::ZERO,
        deadline: U256::from(4_000_000_000u64),
    };
    let domain = eip712_domain! {
        name: "Token",
        version: "1",
        chain_id: 31415926,
        verifying_contract: token,
    };
    let expected = key
        .sign_hash_sync(&permit.eip712_signing_hash(&domain))
        .unwrap();
    let typed = json!({
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"}
            ],
            "Permit": [
                {"name": "owner", "type": "address"},
                {"name": "spender", "type": "address"},
                {"name": "value", "type": "uint256"},
                {"name": "nonce", "type": "uint256"},
                {"name": "deadline", "type": "uint256"}
            ]
        },
        "primaryType": "Permit",
        "domain": {"name": "Token", "version": "1", "chainId": 31415926, "verifyingContract": token},
        "message": {
            "owner": key.address(),
            "spender": permit.spender,
            "value": "1000",
            "nonce": 0,
            "deadline": 4000000000u64
        }
    });
    let signed = node.result("eth_signTypedData_v4", json!([key.address(), typed]));
    assert_eq!(bytes(&signed), expected.as_bytes().to_vec());
    // Some wallets send the typed data as a JSON string.
    let signed = node.result(
        "eth_signTypedData_v4",
        json!([key.address(), typed.to_string()]),
    );
    assert_eq!(bytes(&signed), expected.as_bytes().to_vec());
    let bad = node.error("eth_signTypedData_v4", json!([key.address(), {"types": 1}]));
    assert_eq!(bad["code"], -32602, "{bad}");
}

#[test]
fn sign_transaction_returns_what_send_raw_transaction_takes() {
    let node = DevNode::start(&["--in-memory"]);
    let from = dev_key(2).address();
    let to = Address::repeat_byte(0x22);
    let raw = node.result(
        "eth_signTransaction",
        json!([{"from": from, "to": to, "value": "0x2a"}]),
    );
    let envelope = TxEnvelope::decode_2718(&mut bytes(&raw).as_slice()).unwrap();
    assert_eq!(envelope.recover_signer().unwrap(), from);
    // Signing sends nothing; the raw transaction, sent, is mined.
    assert_eq!(node.nonce(from), 0);
    let hash = node.result("eth_sendRawTransaction", json!([raw]));
    let receipt = node.result("eth_getTransactionReceipt", json!([hash]));
    assert_eq!(quantity(&receipt["status"]), 1);
    assert_eq!(node.balance(to), U256::from(42));
}

#[test]
fn only_dev_accounts_sign() {
    let node = DevNode::start(&["--in-memory"]);
    let stranger = Address::repeat_byte(0x99);
    let error = node.error("personal_sign", json!(["0x01", stranger]));
    assert_eq!(error["code"], -32000, "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("no key"),
        "{error}"
    );
    let error = node.error(
        "eth_signTransaction",
        json!([{"from": stranger, "to": stranger}]),
    );
    assert_eq!(error["code"], -32000, "{error}");
}
