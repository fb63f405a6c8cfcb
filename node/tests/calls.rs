//! `eth_call` as tools use it beyond calling a contract.

mod common;

use alloy_primitives::{Address, U256};
use common::{dev_key, DevNode};
use serde_json::json;

/// A call without `to` runs the initcode and answers the code it would deploy, as anvil and
/// geth answer (tools simulate a deployment this way); the chain does not change.
#[test]
fn a_call_without_to_answers_the_deployed_code() {
    let node = DevNode::start(&["--in-memory"]);
    let from = dev_key(0).address();
    // Initcode: copy the 3 bytes after it (the runtime 0x600a00) to memory and return them.
    let initcode = "0x6003600c60003960036000f3600a00";
    let code = node.result("eth_call", json!([{"from": from, "data": initcode}]));
    assert_eq!(code, json!("0x600a00"));
    assert_eq!(node.block_number(), 0);
    // Initcode that reverts answers as a reverted call does.
    let error = node.error("eth_call", json!([{"from": from, "data": "0x60006000fd"}]));
    assert_eq!(error["code"], 3, "{error}");
}

/// State overrides (`eth_call`'s and `eth_estimateGas`'s third parameter, viem's
/// `stateOverride`): code, balance, nonce and storage for the one call, none of it kept.
#[test]
fn state_overrides_apply_to_the_call_only() {
    let node = DevNode::start(&["--in-memory"]);
    let from = dev_key(0).address();
    let target = Address::repeat_byte(0x77);
    let key = format!("{target:#x}");
    // SLOAD(0), returned as a word.
    let reads_slot_0 = "0x5f545f5260205ff3";
    // SELFBALANCE, returned as a word.
    let reads_balance = "0x475f5260205ff3";
    let call = json!({"from": from, "to": target});
    let word = |n: u64| json!(format!("0x{n:064x}"));

    let overrides = json!({key.clone(): {"code": reads_slot_0, "stateDiff": {word(0).as_str().unwrap(): word(42)}}});
    assert_eq!(
        node.result("eth_call", json!([call, "latest", overrides])),
        word(42)
    );
    let overrides =
        json!({key.clone(): {"code": reads_slot_0, "state": {word(1).as_str().unwrap(): word(5)}}});
    assert_eq!(
        node.result("eth_call", json!([call, "latest", overrides])),
        word(0)
    );
    let overrides =
        json!({key.clone(): {"code": reads_balance, "balance": "0x1234", "nonce": "0x7"}});
    assert_eq!(
        node.result("eth_call", json!([call, "latest", overrides])),
        word(0x1234)
    );

    // Nothing stays: the address is still empty.
    assert_eq!(
        node.result("eth_getCode", json!([target, "latest"])),
        json!("0x")
    );
    assert_eq!(node.balance(target), U256::ZERO);

    // A call that reverts unless slot 0 is set: estimable only with the override.
    let guarded = "0x5f546008575f5ffd5b00";
    let without = json!({key.clone(): {"code": guarded}});
    let error = node.error("eth_estimateGas", json!([call, "latest", without]));
    assert_eq!(error["code"], 3, "{error}");
    let with =
        json!({key.clone(): {"code": guarded, "stateDiff": {word(0).as_str().unwrap(): word(1)}}});
    let gas = node.result("eth_estimateGas", json!([call, "latest", with]));
    assert!(common::quantity(&gas) > 0);

    let both = json!({key.clone(): {"code": guarded, "state": {}, "stateDiff": {}}});
    let error = node.error("eth_call", json!([call, "latest", both]));
    assert_eq!(error["code"], -32602, "{error}");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("both state and stateDiff"));
}

/// Calls and estimates from a contract's address (Safe's EIP-1271 checks estimate from the
/// Safe): the FVM takes explicit messages only from accounts, so the node lets the contract
/// send as one in the simulation.
#[test]
fn calls_and_estimates_from_a_contract_address() {
    let node = DevNode::start(&["--in-memory"]);
    let contract = Address::repeat_byte(0x5a);
    let echo = Address::repeat_byte(0x5b);
    // Some contract at `contract`, and one at `echo` that returns CALLER as a word.
    node.result("anvil_setCode", json!([contract, "0x00"]));
    node.result("anvil_setCode", json!([echo, "0x335f5260205ff3"]));
    let call = json!({"from": contract, "to": echo});
    let caller = node.result("eth_call", json!([call, "latest"]));
    assert_eq!(caller, json!(format!("0x{:0>64}", hex_of(contract))));
    let gas = node.result("eth_estimateGas", json!([call]));
    assert!(common::quantity(&gas) > 0);
    let traced = node.result(
        "debug_traceCall",
        json!([call, "latest", {"tracer": "callTracer"}]),
    );
    assert_eq!(traced["from"], json!(format!("{contract:#x}")), "{traced}");
    // The contract is still one.
    assert_eq!(
        node.result("eth_getCode", json!([contract, "latest"])),
        json!("0x00")
    );
}

fn hex_of(address: Address) -> String {
    format!("{address:x}")
}
