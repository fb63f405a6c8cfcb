//! Traces of one transaction with a nested create, call and revert, logs and storage writes,
//! against anvil's for the same transaction: `trace_transaction`, `trace_block`,
//! `trace_filter`, and each tracer of `debug_traceTransaction`, `debug_traceCall`,
//! `debug_traceBlockByNumber` and `debug_traceBlockByHash` must agree with anvil's on everything but gas (FVM gas is not EVM
//! gas), what the sender paid for it, and where the transaction sits (the two chains' blocks
//! differ); `trace_replayTransaction` and `trace_replayBlockTransactions`, which anvil lacks,
//! with ours. Otterscan's `ots_*`
//! methods and `erigon_getHeaderByNumber` the same way, blocks by their shape.

mod common;

use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolCall};
use common::{anvil::Anvil, dev_key, quantity, Rpc};
use serde_json::{json, Value};

const SOURCE: &str = r#"
contract Child {
    event Pinged(uint256 indexed x, address from);
    uint256 public pings;
    constructor() payable { pings = 7; }
    function ping(uint256 x) external returns (uint256) {
        pings += 1;
        emit Pinged(x, msg.sender);
        return x + 1;
    }
    function fail() external {
        emit Pinged(0, msg.sender);
        revert("child says no");
    }
}
contract Parent {
    event Ran(uint256 step);
    uint256 public runs;
    uint256 public limit;
    function run() external payable returns (uint256 r) {
        // Read, never written: prestateTracer lists the slot and the account all the same.
        require(address(0xdEaD).balance == limit, "0xdEaD has funds");
        runs += 1;
        emit Ran(1);
        Child child = new Child{value: 3}();
        r = child.ping(41);
        emit Ran(2);
        try child.fail() {} catch {}
        emit Ran(3);
    }
}
"#;

sol! {
    function run() external payable returns (uint256 r);
    function fail() external;
}

/// The receipt of transaction `hash`, once mined: anvil may answer `eth_sendTransaction` before
/// its block is sealed.
fn mined(rpc: &Rpc, hash: &Value) -> Value {
    let started = std::time::Instant::now();
    loop {
        let receipt = rpc.result("eth_getTransactionReceipt", json!([hash]));
        if !receipt.is_null() {
            return receipt;
        }
        assert!(started.elapsed().as_secs() < 10, "{hash} not mined in 10 s");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Deploys Parent and sends `run()` with 3 wei; the run's transaction hash.
fn run_on(rpc: &Rpc, parent_code: &[u8]) -> Value {
    let from = dev_key(0).address();
    let deploy = rpc.result(
        "eth_sendTransaction",
        json!([{"from": from, "data": alloy_primitives::Bytes::copy_from_slice(parent_code)}]),
    );
    let receipt = mined(rpc, &deploy);
    let parent: Address = serde_json::from_value(receipt["contractAddress"].clone()).unwrap();
    let input = alloy_primitives::Bytes::from(runCall {}.abi_encode());
    let hash = rpc.result(
        "eth_sendTransaction",
        json!([{"from": from, "to": parent, "data": input, "value": "0x3"}]),
    );
    let receipt = mined(rpc, &hash);
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
        "txHash",
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

/// Our node and anvil, each after the same deploy and `run()`; the two runs' hashes.
fn both_ran() -> (common::DevNode, Anvil, Value, Value) {
    let compiled = solc::Solc::start()
        .unwrap()
        .compile(&[("t.sol", SOURCE)], &solc::Settings::default())
        .unwrap();
    let parent_code = compiled["Parent"].bytecode.clone();
    let ours = common::DevNode::start(&["--in-memory", "--silent"]);
    let anvil = Anvil::start();
    let our_hash = run_on(&ours.rpc, &parent_code);
    let their_hash = run_on(&anvil.rpc, &parent_code);
    (ours, anvil, our_hash, their_hash)
}

fn ask(rpc: &Rpc, method: &str, params: Value) -> Value {
    comparable(&rpc.result(method, params))
}

#[test]
fn traces_agree_with_anvils() {
    let (ours, anvil, our_hash, their_hash) = both_ran();
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

    let receipt = |rpc: &Rpc, hash: &Value| rpc.result("eth_getTransactionReceipt", json!([hash]));
    let (our_receipt, their_receipt) = (
        receipt(&ours.rpc, &our_hash),
        receipt(&anvil.rpc, &their_hash),
    );
    let parent = our_receipt["to"].clone();
    assert_eq!(parent, their_receipt["to"]);
    let replayed_block = ask(
        &ours.rpc,
        "trace_replayBlockTransactions",
        json!([our_receipt["blockNumber"], ["trace"]]),
    );
    assert_eq!(replayed_block[0]["trace"], trace, "{replayed_block:#}");

    for extra in [
        json!({}),
        json!({"fromAddress": [parent]}),
        json!({"toAddress": [parent]}),
        json!({"fromAddress": [parent], "after": 1, "count": 1}),
    ] {
        let filter = |receipt: &Value| {
            let mut filter = extra.clone();
            filter["fromBlock"] = receipt["blockNumber"].clone();
            filter["toBlock"] = receipt["blockNumber"].clone();
            json!([filter])
        };
        let our_traces = ask(&ours.rpc, "trace_filter", filter(&our_receipt));
        assert!(!our_traces.as_array().unwrap().is_empty(), "{extra}");
        assert_eq!(
            our_traces,
            ask(&anvil.rpc, "trace_filter", filter(&their_receipt)),
            "trace_filter {extra}"
        );
    }

    let sender = dev_key(0).address();
    let coinbase = |rpc: &Rpc, receipt: &Value| {
        let block = rpc.result(
            "eth_getBlockByNumber",
            json!([receipt["blockNumber"], false]),
        );
        serde_json::from_value::<Address>(block["miner"].clone()).unwrap()
    };
    let fee_free = |trace: Value, coinbase: Address| without_fees(trace, sender, coinbase);
    for options in [
        json!({"tracer": "callTracer"}),
        json!({"tracer": "callTracer", "tracerConfig": {"withLog": true}}),
        json!({"tracer": "callTracer", "tracerConfig": {"onlyTopCall": true}}),
        json!({"tracer": "callTracer", "tracerConfig": {"onlyTopCall": true, "withLog": true}}),
        json!({"tracer": "prestateTracer"}),
        json!({"tracer": "prestateTracer", "tracerConfig": {"diffMode": true}}),
        json!({"tracer": "prestateTracer", "tracerConfig": {"diffMode": true, "disableCode": true}}),
        json!({"tracer": "4byteTracer"}),
        json!({"tracer": "noopTracer"}),
    ] {
        let our_trace = fee_free(
            ask(
                &ours.rpc,
                "debug_traceTransaction",
                json!([our_hash, options]),
            ),
            coinbase(&ours.rpc, &our_receipt),
        );
        let their_trace = fee_free(
            ask(
                &anvil.rpc,
                "debug_traceTransaction",
                json!([their_hash, options]),
            ),
            coinbase(&anvil.rpc, &their_receipt),
        );
        assert_eq!(our_trace, their_trace, "debug_traceTransaction {options}");

        for (method, key) in [
            ("debug_traceBlockByNumber", "blockNumber"),
            ("debug_traceBlockByHash", "blockHash"),
        ] {
            let block = |rpc: &Rpc, receipt: &Value| {
                let traces = ask(rpc, method, json!([receipt[key], options]));
                fee_free(traces, coinbase(rpc, receipt))
            };
            assert_eq!(
                block(&ours.rpc, &our_receipt),
                block(&anvil.rpc, &their_receipt),
                "{method} {options}"
            );
        }
    }

    // What the run only read is listed too (the step-tracing replay says which).
    let prestate = ask(
        &ours.rpc,
        "debug_traceTransaction",
        json!([our_hash, {"tracer": "prestateTracer"}]),
    );
    let read_slot = format!("{:#x}", alloy_primitives::B256::with_last_byte(1));
    let parent_key = parent.as_str().unwrap().to_lowercase();
    assert!(
        prestate[&parent_key]["storage"].get(&read_slot).is_some(),
        "{prestate:#}"
    );
    assert!(prestate
        .get("0x000000000000000000000000000000000000dead")
        .is_some());

    // anvil answers the flatCallTracer with nothing; ours is trace_transaction's answer.
    assert_eq!(
        ask(
            &ours.rpc,
            "debug_traceTransaction",
            json!([our_hash, {"tracer": "flatCallTracer"}])
        ),
        trace
    );

    // The same run once more, as a call at the head.
    let input = alloy_primitives::Bytes::from(runCall {}.abi_encode());
    let call = json!({"from": sender, "to": parent, "data": input, "value": "0x3"});
    for options in [
        json!({"tracer": "callTracer", "tracerConfig": {"withLog": true}}),
        json!({"tracer": "prestateTracer", "tracerConfig": {"diffMode": true}}),
    ] {
        let traced = |rpc: &Rpc| {
            let trace = ask(rpc, "debug_traceCall", json!([call, "latest", options]));
            without_fees(trace, sender, Address::ZERO)
        };
        assert_eq!(
            traced(&ours.rpc),
            traced(&anvil.rpc),
            "debug_traceCall {options}"
        );
    }

    let unknown = ours.rpc.error(
        "debug_traceTransaction",
        json!([alloy_primitives::B256::ZERO, {"tracer": "callTracer"}]),
    );
    assert_eq!(unknown["code"], -32000);
    assert_eq!(unknown["message"], "transaction not found");
}

/// The default struct logger: every step's program counter, opcode, depth, stack and storage
/// as anvil's, but for what `GAS` pushes (FVM gas is not EVM gas) and the gas fields.
#[test]
fn struct_logs_agree_with_anvils() {
    let (ours, anvil, our_hash, their_hash) = both_ran();
    let (our_logs, their_logs) = (
        ours.rpc
            .result("debug_traceTransaction", json!([our_hash, {}])),
        anvil
            .rpc
            .result("debug_traceTransaction", json!([their_hash, {}])),
    );
    assert_eq!(our_logs["failed"], json!(false));
    assert_eq!(our_logs["returnValue"], their_logs["returnValue"]);
    let depths = same_steps(&our_logs["structLogs"], &their_logs["structLogs"]);
    assert_eq!(depths, [1, 2], "the run's frames and Child's constructor");

    // Options: without the stack or storage, a limit; memory is not recorded, so not offered.
    let ask = |options: Value| {
        ours.rpc
            .result("debug_traceTransaction", json!([our_hash, options]))
    };
    let bare = ask(json!({"disableStack": true, "disableStorage": true, "limit": 5}));
    let bare = bare["structLogs"].as_array().unwrap();
    assert_eq!(bare.len(), 5);
    assert!(bare.iter().all(|step| step.get("stack").is_none()));
    let memory = ours.rpc.error(
        "debug_traceTransaction",
        json!([our_hash, {"enableMemory": true}]),
    );
    assert!(
        memory["message"].as_str().unwrap().contains("enableMemory"),
        "{memory}"
    );

    // The same run as a call, and a failing one.
    let sender = dev_key(0).address();
    let receipt = ours
        .rpc
        .result("eth_getTransactionReceipt", json!([our_hash]));
    let input = alloy_primitives::Bytes::from(runCall {}.abi_encode());
    let call = json!({"from": sender, "to": receipt["to"], "data": input, "value": "0x3"});
    let traced = |rpc: &Rpc| rpc.result("debug_traceCall", json!([call, "latest", {}]));
    same_steps(
        &traced(&ours.rpc)["structLogs"],
        &traced(&anvil.rpc)["structLogs"],
    );
    let child = ours.rpc.result(
        "debug_traceTransaction",
        json!([our_hash, {"tracer": "callTracer"}]),
    )["calls"][0]["to"]
        .clone();
    let fail = alloy_primitives::Bytes::from(failCall {}.abi_encode());
    let failing = json!({"from": sender, "to": child, "data": fail});
    let (ours_failing, theirs_failing) = (
        ours.rpc
            .result("debug_traceCall", json!([failing, "latest", {}])),
        anvil
            .rpc
            .result("debug_traceCall", json!([failing, "latest", {}])),
    );
    assert_eq!(ours_failing["failed"], json!(true));
    assert_eq!(ours_failing["returnValue"], theirs_failing["returnValue"]);
    same_steps(&ours_failing["structLogs"], &theirs_failing["structLogs"]);
}

/// Asserts that two runs' struct logs took the same steps; the depths they went through.
fn same_steps(ours: &Value, theirs: &Value) -> Vec<u64> {
    let (ours, theirs) = (ours.as_array().unwrap(), theirs.as_array().unwrap());
    assert!(ours.len() > 50, "{} steps", ours.len());
    assert_eq!(ours.len(), theirs.len());
    let (our_gas, their_gas) = (gas_readings(ours), gas_readings(theirs));
    let mut depths = Vec::new();
    for (index, (our_step, their_step)) in ours.iter().zip(theirs).enumerate() {
        let context = format!("step {index}: ours {our_step}, anvil's {their_step}");
        for field in ["pc", "op", "depth", "storage"] {
            assert_eq!(our_step[field], their_step[field], "{field} at {context}");
        }
        let (our_stack, their_stack) = (
            our_step["stack"].as_array().unwrap(),
            their_step["stack"].as_array().unwrap(),
        );
        assert_eq!(our_stack.len(), their_stack.len(), "{context}");
        for (our_word, their_word) in our_stack.iter().zip(their_stack) {
            let gas_both = our_gas.contains(our_word) && their_gas.contains(their_word);
            assert!(our_word == their_word || gas_both, "stack at {context}");
        }
        let depth = our_step["depth"].as_u64().unwrap();
        if !depths.contains(&depth) {
            depths.push(depth);
        }
    }
    depths
}

/// What each `GAS` pushed: the top of the stack at the step after it.
fn gas_readings(steps: &[Value]) -> Vec<Value> {
    steps
        .windows(2)
        .filter(|pair| pair[0]["op"] == "GAS")
        .filter_map(|pair| pair[1]["stack"].as_array()?.last().cloned())
        .collect()
}

#[test]
fn otterscan_agrees_with_anvil() {
    let (ours, anvil, our_hash, their_hash) = both_ran();
    let sender = dev_key(0).address();
    let receipt = |rpc: &Rpc, hash: &Value| rpc.result("eth_getTransactionReceipt", json!([hash]));
    let (our_receipt, their_receipt) = (
        receipt(&ours.rpc, &our_hash),
        receipt(&anvil.rpc, &their_hash),
    );
    let parent = our_receipt["to"].clone();
    let both = |method: &str, params: Value| -> (Value, Value) {
        (
            ask(&ours.rpc, method, params.clone()),
            ask(&anvil.rpc, method, params),
        )
    };
    let same = |method: &str, params: Value| {
        let (our_answer, their_answer) = both(method, params.clone());
        assert_eq!(our_answer, their_answer, "{method} {params}");
        our_answer
    };

    same("ots_getApiLevel", json!([]));
    assert_eq!(same("ots_hasCode", json!([parent, "latest"])), json!(true));
    assert_eq!(same("ots_hasCode", json!([sender, "latest"])), json!(false));

    // Ours lists creates too, as Erigon (whose API this is) does; anvil leaves them out.
    let entries = |rpc: &Rpc, hash: &Value| ask(rpc, "ots_traceTransaction", json!([hash]));
    let trace = entries(&ours.rpc, &our_hash);
    assert_eq!(trace.as_array().map(Vec::len), Some(4), "{trace:#}");
    assert_eq!(trace[1]["type"], "CREATE");
    let calls: Vec<Value> = trace
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["type"] != "CREATE")
        .cloned()
        .collect();
    assert_eq!(Value::Array(calls), entries(&anvil.rpc, &their_hash));
    let operations = |rpc: &Rpc, hash: &Value| ask(rpc, "ots_getInternalOperations", json!([hash]));
    let our_operations = operations(&ours.rpc, &our_hash);
    assert_eq!(
        our_operations.as_array().map(Vec::len),
        Some(2),
        "{our_operations}"
    );
    assert_eq!(our_operations, operations(&anvil.rpc, &their_hash));
    let error = |rpc: &Rpc, hash: &Value| ask(rpc, "ots_getTransactionError", json!([hash]));
    assert_eq!(error(&ours.rpc, &our_hash), json!("0x"));
    assert_eq!(error(&anvil.rpc, &their_hash), json!("0x"));

    // A transaction that reverts: its revert data.
    let child = trace[1]["to"].clone();
    let fail = alloy_primitives::Bytes::from(failCall {}.abi_encode());
    let failing = |rpc: &Rpc, gas: u64| {
        let hash = rpc.result(
            "eth_sendTransaction",
            json!([{"from": sender, "to": child, "data": fail, "gas": format!("{gas:#x}")}]),
        );
        mined(rpc, &hash);
        ask(rpc, "ots_getTransactionError", json!([hash]))
    };
    let reverted = failing(&ours.rpc, 100_000_000);
    assert!(reverted.as_str().unwrap().len() > 10, "{reverted}");
    assert_eq!(reverted, failing(&anvil.rpc, 1_000_000));

    // Found again by sender and nonce; contracts by who created them.
    let by_nonce = |rpc: &Rpc, nonce: u64| {
        rpc.result("ots_getTransactionBySenderAndNonce", json!([sender, nonce]))
    };
    assert_eq!(by_nonce(&ours.rpc, 1), our_hash);
    assert_eq!(by_nonce(&anvil.rpc, 1), their_hash);
    assert_eq!(by_nonce(&ours.rpc, 9), Value::Null);
    assert_eq!(by_nonce(&anvil.rpc, 9), Value::Null);
    let creator =
        |rpc: &Rpc, address: &Value| rpc.result("ots_getContractCreator", json!([address]));
    assert_eq!(
        creator(&ours.rpc, &child),
        json!({"hash": our_hash, "creator": parent})
    );
    assert_eq!(
        creator(&anvil.rpc, &child),
        json!({"hash": their_hash, "creator": parent})
    );
    let deploy = |rpc: &Rpc| by_nonce(rpc, 0);
    assert_eq!(
        creator(&ours.rpc, &parent),
        json!({"hash": deploy(&ours.rpc), "creator": sender})
    );
    assert_eq!(
        creator(&anvil.rpc, &parent),
        json!({"hash": deploy(&anvil.rpc), "creator": sender})
    );
    assert_eq!(creator(&ours.rpc, &json!(sender)), Value::Null);

    // An address's transactions, newest first, paged as anvil pages them: compared by nonce
    // (the two chains' hashes differ).
    let nonces = |page: &Value| -> Vec<u64> {
        page["txs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|tx| quantity(&tx["nonce"]))
            .collect()
    };
    for (method, address, block, size) in [
        ("ots_searchTransactionsBefore", json!(sender), 0, 25),
        ("ots_searchTransactionsBefore", json!(sender), 0, 1),
        ("ots_searchTransactionsAfter", json!(sender), 0, 25),
        ("ots_searchTransactionsBefore", child.clone(), 0, 25),
        ("ots_searchTransactionsAfter", parent.clone(), 1, 25),
    ] {
        let search = |rpc: &Rpc| rpc.result(method, json!([address, block, size]));
        let (our_page, their_page) = (search(&ours.rpc), search(&anvil.rpc));
        let context = format!("{method} {address} {block} {size}: {our_page:#}");
        assert!(!nonces(&our_page).is_empty(), "{context}");
        assert_eq!(nonces(&our_page), nonces(&their_page), "{context}");
        assert_eq!(our_page["firstPage"], their_page["firstPage"], "{context}");
        assert_eq!(our_page["lastPage"], their_page["lastPage"], "{context}");
        assert_eq!(
            our_page["receipts"].as_array().map(Vec::len),
            our_page["txs"].as_array().map(Vec::len)
        );
    }

    // Blocks: the same shape as anvil's, and what this chain holds.
    // Otterscan names blocks by plain numbers.
    let number = |receipt: &Value| json!(quantity(&receipt["blockNumber"]));
    let details =
        |rpc: &Rpc, receipt: &Value| rpc.result("ots_getBlockDetails", json!([number(receipt)]));
    let (our_details, their_details) = (
        details(&ours.rpc, &our_receipt),
        details(&anvil.rpc, &their_receipt),
    );
    assert!(fields_within(&our_details, &their_details));
    assert_eq!(our_details["issuance"], their_details["issuance"]);
    assert_eq!(our_details["block"]["transactionCount"], 1);
    let fee = U256::from(quantity(&our_receipt["gasUsed"]))
        * U256::from(quantity(&our_receipt["effectiveGasPrice"]));
    assert_eq!(our_details["totalFees"], json!(fee));
    let by_hash = ours.rpc.result(
        "ots_getBlockDetailsByHash",
        json!([our_receipt["blockHash"]]),
    );
    assert_eq!(by_hash, our_details);

    let page = |rpc: &Rpc, receipt: &Value| {
        rpc.result("ots_getBlockTransactions", json!([number(receipt), 0, 10]))
    };
    let (our_page, their_page) = (
        page(&ours.rpc, &our_receipt),
        page(&anvil.rpc, &their_receipt),
    );
    assert!(fields_within(&our_page, &their_page));
    let input = |page: &Value| page["fullblock"]["transactions"][0]["input"].clone();
    assert_eq!(input(&our_page), input(&their_page));
    assert_eq!(input(&our_page).as_str().map(str::len), Some(10));
    assert_eq!(
        our_page["receipts"][0]["status"],
        their_page["receipts"][0]["status"]
    );

    let header = |rpc: &Rpc, receipt: &Value| {
        rpc.result("erigon_getHeaderByNumber", json!([number(receipt)]))
    };
    let our_header = header(&ours.rpc, &our_receipt);
    assert!(fields_within(
        &our_header,
        &header(&anvil.rpc, &their_receipt)
    ));
    assert_eq!(our_header["hash"], our_receipt["blockHash"]);
}

/// Whether every field of `ours` is in `theirs` too, at any depth (anvil's blocks also have
/// the fields of later Ethereum forks, which Filecoin's, as Lotus serves them, do not).
fn fields_within(ours: &Value, theirs: &Value) -> bool {
    match (ours, theirs) {
        (Value::Object(ours), Value::Object(theirs)) => ours.iter().all(|(key, value)| {
            theirs
                .get(key)
                .is_some_and(|other| fields_within(value, other))
        }),
        (Value::Array(ours), Value::Array(theirs)) => {
            ours.len() == theirs.len() && ours.iter().zip(theirs).all(|(a, b)| fields_within(a, b))
        }
        (Value::Object(_) | Value::Array(_), _) => false,
        _ => true,
    }
}

/// A trace without what differs with the gas: the sender's balance, and the block's coinbase
/// (which anvil pays the tip to) in `prestateTracer`'s answers.
fn without_fees(mut trace: Value, sender: Address, coinbase: Address) -> Value {
    fn strip(value: &mut Value, sender: &str, coinbase: &str) {
        match value {
            Value::Object(map) => {
                map.remove(coinbase);
                if let Some(Value::Object(account)) = map.get_mut(sender) {
                    account.remove("balance");
                    if account.is_empty() {
                        map.remove(sender);
                    }
                }
                map.values_mut().for_each(|v| strip(v, sender, coinbase));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| strip(v, sender, coinbase)),
            _ => {}
        }
    }
    strip(
        &mut trace,
        &format!("{sender:#x}"),
        &format!("{coinbase:#x}"),
    );
    trace
}
