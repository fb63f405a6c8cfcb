//! `eth_call` as tools use it beyond calling a contract.

mod common;

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
