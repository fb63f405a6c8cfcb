//! `debug_traceTransaction` with the `callTracer`: a contract that creates another and calls
//! it, traced frame by frame.

mod common;

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall};
use common::{dev_key, sign, DevNode, CHAIN_ID};
use serde_json::{json, Value};

const SOURCE: &str = r#"
contract Callee {
    uint256 public stored;
    function store(uint256 v) external returns (uint256) {
        stored = v;
        return v + 1;
    }
    function fail() external pure { revert("callee says no"); }
}
contract Caller {
    Callee public callee;
    constructor() { callee = new Callee(); }
    function relay(uint256 v) external returns (uint256) { return callee.store(v); }
    function peek() external view returns (uint256) { return callee.stored(); }
    function tryFail() external returns (bool ok) {
        (ok, ) = address(callee).call(abi.encodeCall(Callee.fail, ()));
    }
}
"#;

sol! {
    function relay(uint256 v) external returns (uint256);
    function store(uint256 v) external returns (uint256);
    function tryFail() external returns (bool ok);
    function fail() external;
}

const GAS: u64 = 1_000_000_000;

fn trace(node: &DevNode, hash: &Value) -> Value {
    node.result(
        "debug_traceTransaction",
        json!([hash, {"tracer": "callTracer"}]),
    )
}

#[test]
fn call_tracer_shows_creates_calls_and_reverts() {
    let compiled = solc::Solc::start()
        .unwrap()
        .compile(&[("t.sol", SOURCE)], &solc::Settings::default())
        .unwrap();
    let node = DevNode::start(&["--in-memory"]);
    let key = dev_key(0);
    let send = |nonce: u64, to: Option<Address>, input: Vec<u8>| {
        let raw = sign(
            &key,
            nonce,
            to,
            U256::ZERO,
            Bytes::from(input),
            GAS,
            CHAIN_ID,
        );
        node.result("eth_sendRawTransaction", json!([raw]))
    };

    // Deploying Caller creates Callee in its constructor.
    let deploy = send(0, None, compiled["Caller"].bytecode.clone());
    let receipt = node.result("eth_getTransactionReceipt", json!([deploy]));
    assert_eq!(receipt["status"], "0x1");
    let caller: Address = serde_json::from_value(receipt["contractAddress"].clone()).unwrap();
    let top = trace(&node, &deploy);
    assert_eq!(top["type"], "CREATE");
    assert_eq!(top["to"], json!(caller));
    assert_eq!(top["from"], json!(key.address()));
    assert_eq!(top["gasUsed"], receipt["gasUsed"]);
    let inner = &top["calls"][0];
    assert_eq!(inner["type"], "CREATE", "{top:#}");
    assert_eq!(inner["from"], json!(caller));
    let callee = inner["to"].clone();

    // relay(7) calls Callee.store(7), which returns 8.
    let call = send(1, Some(caller), relayCall { v: U256::from(7) }.abi_encode());
    let top = trace(&node, &call);
    assert_eq!(top["type"], "CALL");
    assert_eq!(top["to"], json!(caller));
    assert_eq!(
        top["input"],
        json!(Bytes::from(relayCall { v: U256::from(7) }.abi_encode()))
    );
    assert_eq!(
        top["output"],
        json!(Bytes::from(U256::from(8).to_be_bytes::<32>().to_vec()))
    );
    let calls = top["calls"].as_array().expect("nested calls");
    assert_eq!(calls.len(), 1, "{top:#}");
    assert_eq!(calls[0]["type"], "CALL");
    assert_eq!(calls[0]["from"], json!(caller));
    assert_eq!(calls[0]["to"], callee);
    assert_eq!(
        calls[0]["input"],
        json!(Bytes::from(storeCall { v: U256::from(7) }.abi_encode()))
    );

    // A reverting inner call shows its error and reason; the outer call succeeds.
    let call = send(2, Some(caller), tryFailCall {}.abi_encode());
    let top = trace(&node, &call);
    assert!(top.get("error").is_none(), "{top:#}");
    let failed = &top["calls"][0];
    assert_eq!(
        failed["input"],
        json!(Bytes::from(failCall {}.abi_encode()))
    );
    assert_eq!(failed["error"], "execution reverted");
    assert_eq!(failed["revertReason"], "callee says no");

    // Not served yet: the default struct logger, and JavaScript tracers.
    let error = node.error("debug_traceTransaction", json!([call]));
    assert_eq!(error["code"], -32602);
    assert!(
        error["message"].as_str().unwrap().contains("struct logger"),
        "{error}"
    );
    let error = node.error(
        "debug_traceTransaction",
        json!([call, {"tracer": "{result: function() { return 1; }}"}]),
    );
    assert_eq!(error["code"], -32602, "{error}");
}
