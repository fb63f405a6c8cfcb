//! Traces of one transaction with a nested create, call and revert, against anvil's for the
//! same transaction: `trace_transaction`, `trace_block` and `debug_traceTransaction`'s
//! `callTracer` must agree with anvil's on everything but gas (FVM gas is not EVM gas) and
//! where the transaction sits (the two chains' blocks differ); `trace_replayTransaction`, which
//! anvil lacks, with ours.

mod common;

use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
};

use alloy_primitives::Address;
use alloy_sol_types::{sol, SolCall};
use common::{dev_key, quantity, Rpc};
use serde_json::{json, Value};

const SOURCE: &str = r#"
contract Child {
    constructor() payable {}
    function ping(uint256 x) external pure returns (uint256) { return x + 1; }
    function fail() external pure { revert("child says no"); }
}
contract Parent {
    function run() external payable returns (uint256 r) {
        Child child = new Child{value: 3}();
        r = child.ping(41);
        try child.fail() {} catch {}
    }
}
"#;

sol! {
    function run() external payable returns (uint256 r);
}

/// anvil from the npm package `./scripts/setup` installs, killed when dropped.
struct Anvil {
    child: Child,
    rpc: Rpc,
}

impl Anvil {
    fn start() -> Anvil {
        let platform = match (std::env::consts::OS, std::env::consts::ARCH) {
            ("linux", "x86_64") => "linux-amd64",
            ("linux", "aarch64") => "linux-arm64",
            ("macos", "x86_64") => "darwin-amd64",
            ("macos", "aarch64") => "darwin-arm64",
            other => panic!("no anvil package for {other:?}"),
        };
        let binary: PathBuf = [
            env!("CARGO_MANIFEST_DIR"),
            "..",
            "node_modules",
            "@foundry-rs",
            &format!("anvil-{platform}"),
            "bin",
            "anvil",
        ]
        .iter()
        .collect();
        let mut child = Command::new(&binary)
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "starting {} (run ./scripts/setup npm): {e}",
                    binary.display()
                )
            });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let address = loop {
            let line = lines.next().expect("anvil exited").unwrap();
            if let Some(address) = line.strip_prefix("Listening on ") {
                break address.to_string();
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        Anvil {
            child,
            rpc: Rpc {
                url: format!("http://{address}"),
            },
        }
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Deploys Parent and sends `run()` with 3 wei; the run's transaction hash.
fn run_on(rpc: &Rpc, parent_code: &[u8]) -> Value {
    let from = dev_key(0).address();
    let deploy = rpc.result(
        "eth_sendTransaction",
        json!([{"from": from, "data": alloy_primitives::Bytes::copy_from_slice(parent_code)}]),
    );
    let receipt = rpc.result("eth_getTransactionReceipt", json!([deploy]));
    let parent: Address = serde_json::from_value(receipt["contractAddress"].clone()).unwrap();
    let input = alloy_primitives::Bytes::from(runCall {}.abi_encode());
    let hash = rpc.result(
        "eth_sendTransaction",
        json!([{"from": from, "to": parent, "data": input, "value": "0x3"}]),
    );
    let receipt = rpc.result("eth_getTransactionReceipt", json!([hash]));
    assert_eq!(quantity(&receipt["status"]), 1, "{receipt}");
    hash
}

/// `value` without the fields that may differ: gas, and where the transaction sits.
fn comparable(value: &Value) -> Value {
    const UNCOMPARED: &[&str] = &[
        "gas",
        "gasUsed",
        "blockHash",
        "blockNumber",
        "transactionHash",
        "transactionPosition",
    ];
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !UNCOMPARED.contains(&key.as_str()))
                .map(|(key, value)| (key.clone(), comparable(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(comparable).collect()),
        other => other.clone(),
    }
}

#[test]
fn traces_agree_with_anvils() {
    let compiled = solc::Solc::start()
        .unwrap()
        .compile(&[("t.sol", SOURCE)], &solc::Settings::default())
        .unwrap();
    let parent_code = compiled["Parent"].bytecode.clone();
    let ours = common::DevNode::start(&["--in-memory", "--silent"]);
    let anvil = Anvil::start();
    let our_hash = run_on(&ours.rpc, &parent_code);
    let their_hash = run_on(&anvil.rpc, &parent_code);

    let ask = |rpc: &Rpc, method: &str, params: Value| comparable(&rpc.result(method, params));
    let trace = ask(&ours.rpc, "trace_transaction", json!([our_hash]));
    assert_eq!(trace.as_array().map(Vec::len), Some(4), "{trace:#}");
    assert_eq!(
        trace,
        ask(&anvil.rpc, "trace_transaction", json!([their_hash]))
    );

    let block = |rpc: &Rpc, hash: &Value| {
        let receipt = rpc.result("eth_getTransactionReceipt", json!([hash]));
        ask(rpc, "trace_block", json!([receipt["blockNumber"]]))
    };
    assert_eq!(block(&ours.rpc, &our_hash), block(&anvil.rpc, &their_hash));

    // anvil has no trace_replayTransaction: ours replays to the traces compared above.
    let replayed = ask(
        &ours.rpc,
        "trace_replayTransaction",
        json!([our_hash, ["trace"]]),
    );
    assert_eq!(replayed["trace"], trace);

    let call_tracer = json!({"tracer": "callTracer"});
    assert_eq!(
        ask(
            &ours.rpc,
            "debug_traceTransaction",
            json!([our_hash, call_tracer])
        ),
        ask(
            &anvil.rpc,
            "debug_traceTransaction",
            json!([their_hash, call_tracer])
        )
    );
}
