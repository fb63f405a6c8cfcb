//! `debug_traceTransaction` with the `callTracer`: a contract that creates another and calls
//! it, traced frame by frame; and with our `fvmGasTracer`, where the FVM gas went.

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

/// The `fvmGasTracer` answer for `hash`, checked to add up: its charges by category and by
/// send each sum to the receipt's gas used.
fn gas_trace(node: &DevNode, hash: &Value) -> Value {
    let traced = node.result(
        "debug_traceTransaction",
        json!([hash, {"tracer": "fvmGasTracer"}]),
    );
    let receipt = node.result("eth_getTransactionReceipt", json!([hash]));
    let gas_used = common::quantity(&receipt["gasUsed"]);
    assert_eq!(traced["gasUsed"], json!(gas_used), "{traced:#}");
    let by_category: u64 = traced["byCategory"]
        .as_object()
        .unwrap()
        .values()
        .map(|gas| gas.as_u64().unwrap())
        .sum();
    // Each figure is rounded up from milligas: a sum of n may be up to n over.
    let categories = traced["byCategory"].as_object().unwrap().len() as u64;
    assert!(
        (gas_used..=gas_used + categories).contains(&by_category),
        "{traced:#}"
    );
    let message = traced["message"]["gas"].as_u64().unwrap();
    let sends = traced["call"]["gasUsed"].as_u64().unwrap();
    assert!(
        (gas_used..=gas_used + 2).contains(&(message + sends)),
        "{traced:#}"
    );
    assert!(
        traced["message"]["charges"]["OnChainMessage"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(traced["byCategory"]["wasm"].as_u64().unwrap() > 0);
    assert_frames_add_up(&traced["call"]);
    traced
}

/// Each send's gas is its own charges and its sends' gas (within rounding).
fn assert_frames_add_up(frame: &Value) {
    let own = frame["self"]["gas"].as_u64().unwrap();
    let charges: u64 = frame["self"]["charges"]
        .as_object()
        .unwrap()
        .values()
        .map(|gas| gas.as_u64().unwrap())
        .sum();
    let terms = frame["self"]["charges"].as_object().unwrap().len() as u64;
    assert!((own..=own + terms).contains(&charges), "{frame:#}");
    let calls = frame["calls"].as_array().unwrap();
    let under: u64 = calls.iter().map(|c| c["gasUsed"].as_u64().unwrap()).sum();
    let total = frame["gasUsed"].as_u64().unwrap();
    assert!(
        (total..=total + 1 + calls.len() as u64).contains(&(own + under)),
        "{frame:#}"
    );
    calls.iter().for_each(assert_frames_add_up);
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

    // Where the FVM gas went: every charge counted once, the deploy's sends under the EAM.
    let deploy_gas = gas_trace(&node, &deploy);
    assert_eq!(
        deploy_gas["call"]["to"],
        json!(format!("0xff{:038x}", 10)),
        "{deploy_gas:#}"
    );
    let init = &deploy_gas["call"]["calls"][0];
    assert_eq!(
        init["to"],
        json!(format!("0xff{:038x}", 1)),
        "{deploy_gas:#}"
    );
    let call_gas = gas_trace(&node, &call);
    let call_frame = &call_gas["call"];
    assert_eq!(call_frame["to"], json!(caller));
    assert_eq!(call_frame["calls"][0]["to"], callee);
    assert!(call_gas["byCategory"]["storage"].as_u64().unwrap() > 0);

    // The default struct logger (compared with anvil's in trace_vs_anvil.rs): the caller's
    // steps, then the callee's one level down.
    let steps = node.result("debug_traceTransaction", json!([call]));
    let depths: Vec<u64> = steps["structLogs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|step| step["depth"].as_u64().unwrap())
        .collect();
    assert_eq!(depths.first(), Some(&1));
    assert!(depths.contains(&2), "{steps:#}");
    // Not served: JavaScript tracers.
    let error = node.error(
        "debug_traceTransaction",
        json!([call, {"tracer": "{result: function() { return 1; }}"}]),
    );
    assert_eq!(error["code"], -32602, "{error}");
}

/// On FEVM's own EVM actor (`--actors fevm`), which has no step-tracing build: the struct
/// logger says so (and the call tracer works as ever).
#[test]
fn fevm_chains_refuse_the_struct_logger_and_say_why() {
    let node = DevNode::start(&["--in-memory", "--silent", "--actors", "fevm"]);
    let from = dev_key(0).address();
    let hash = node.result(
        "eth_sendTransaction",
        json!([{"from": from, "data": "0x600160005500"}]),
    );
    let error = node.error("debug_traceTransaction", json!([hash]));
    assert_eq!(error["code"], -32602, "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("FEVM"),
        "{error}"
    );
    let frame = node.result(
        "debug_traceTransaction",
        json!([hash, {"tracer": "callTracer"}]),
    );
    assert_eq!(frame["type"], "CREATE");
}
