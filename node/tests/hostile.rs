//! Hostile and careless clients (issue 17): each probe that once crashed, bricked or stalled
//! the node, replayed against the real binary. Each asserts the clear error the node now
//! gives, and that it goes on serving; the timestamp probes also restart it on the same data.
//! docs/RELIABILITY.md lists the probes with what they did before and after.

mod common;

use std::time::{Duration, Instant};

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bytes, TxKind, U256};
use alloy_signer::SignerSync;
use common::{dev_key, quantity, DevNode, CHAIN_ID};
use serde_json::{json, Value};

fn assert_invalid_params(error: &Value, words: &str) {
    assert_eq!(error["code"], -32602, "{error}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains(words), "{error}");
}

#[test]
fn fee_history_percentiles_are_bounded_and_checked() {
    let node = DevNode::start(&["--in-memory"]);
    node.result("anvil_mine", json!(["0x400"]));
    // 20,000 percentiles over 1,024 blocks once built a 164 MB answer and kept 610 MiB;
    // 400,000 aborted the node.
    let many = vec![50.0; 20_000];
    let error = node.error("eth_feeHistory", json!(["0x400", "latest", many]));
    assert_invalid_params(&error, "at most 100");
    let rss = node.rss_mib();
    assert!(rss < 400, "the node holds {rss} MiB after the request");
    for bad in [json!([-5, 200]), json!([50, 10])] {
        let error = node.error("eth_feeHistory", json!(["0x4", "latest", bad]));
        assert_invalid_params(&error, "percentile");
    }
    let history = node.result("eth_feeHistory", json!(["0x4", "latest", [10, 50]]));
    assert_eq!(history["reward"].as_array().unwrap().len(), 4, "{history}");
    assert_eq!(history["reward"][0].as_array().unwrap().len(), 2);
    // No blocks asked for, none answered (it used to answer one).
    let empty = node.result("eth_feeHistory", json!(["0x0", "latest", []]));
    assert_eq!(empty, json!({"gasUsedRatio": [], "oldestBlock": "0x0"}));
}

#[test]
fn out_of_range_times_are_refused_and_the_chain_goes_on_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let node = DevNode::start_in(dir.path());
    // Once accepted, this timestamp made every later block panic (debug) or go back in time.
    let error = node.error("evm_setNextBlockTimestamp", json!(["0xffffffffffffffff"]));
    assert_invalid_params(&error, "latest a block may have");
    let error = node.error("anvil_mine", json!(["0x2", "0xffffffffffffffff"]));
    assert_invalid_params(&error, "latest timestamp");
    let error = node.error("evm_increaseTime", json!(["0x7fffffffffffffff"]));
    assert_invalid_params(&error, "out of range");
    // A block before the head is refused, not quietly mined at head + 1.
    let head: Value = node.result("eth_getBlockByNumber", json!(["latest", false]));
    let error = node.error("evm_mine", json!([quantity(&head["timestamp"]) - 1]));
    assert_invalid_params(&error, "not after the head");
    assert_eq!(node.block_number(), 0, "nothing was mined");

    node.result("evm_mine", json!([]));
    node.result("anvil_mine", json!(["0x2", "0x3c"]));
    assert_eq!(node.block_number(), 3);
    node.interrupt();

    let node = DevNode::start_in(dir.path());
    node.result("evm_mine", json!([]));
    let timestamps: Vec<u64> = (0..=4)
        .map(|n| {
            let block = node.result("eth_getBlockByNumber", json!([format!("{n:#x}"), false]));
            quantity(&block["timestamp"])
        })
        .collect();
    assert!(
        timestamps.windows(2).all(|pair| pair[0] < pair[1]),
        "{timestamps:?}"
    );
}

/// An EIP-1559 transfer from dev account 0 with the given value and fees.
fn transfer(nonce: u64, value: U256, max_fee: u128, tip: u128) -> Bytes {
    let tx = TxEip1559 {
        chain_id: CHAIN_ID,
        nonce,
        gas_limit: 10_000_000,
        max_fee_per_gas: max_fee,
        max_priority_fee_per_gas: tip,
        to: TxKind::Call(Address::repeat_byte(0x11)),
        value,
        access_list: Default::default(),
        input: Bytes::new(),
    };
    let signature = dev_key(0).sign_hash_sync(&tx.signature_hash()).unwrap();
    TxEnvelope::from(tx.into_signed(signature))
        .encoded_2718()
        .into()
}

#[test]
fn transactions_that_cannot_be_paid_or_priced_are_refused() {
    let node = DevNode::start(&["--in-memory"]);
    let sender = dev_key(0).address();
    let before = node.balance(sender);
    // value + gas * feeCap once wrapped around 2^256, and the sender was charged for a failure.
    let error = node.error(
        "eth_sendRawTransaction",
        json!([transfer(0, U256::MAX, 10_000, 1_000)]),
    );
    assert_eq!(error["code"], -32000, "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("insufficient funds"),
        "{error}"
    );
    let error = node.error(
        "eth_sendRawTransaction",
        json!([transfer(0, U256::from(1), 1_000, 2_000)]),
    );
    assert_eq!(
        error["message"],
        "max priority fee per gas higher than max fee per gas"
    );
    assert_eq!(node.block_number(), 0);
    assert_eq!(node.balance(sender), before);
    node.result(
        "eth_sendRawTransaction",
        json!([transfer(0, U256::from(1), 10_000, 1_000)]),
    );
    assert_eq!(node.block_number(), 1);
}

#[test]
fn filters_expire_and_answer_a_bounded_range_per_poll() {
    let node = DevNode::start(&[
        "--in-memory",
        "--filter-timeout",
        "1",
        "--max-log-blocks",
        "10",
    ]);
    let blocks = node.result("eth_newBlockFilter", json!([]));
    let logs = node.result("eth_newFilter", json!([{}]));
    node.result("anvil_mine", json!(["0x19"]));
    // 25 blocks behind: answered 10 blocks at a time, nothing skipped.
    let sizes: Vec<usize> = (0..4)
        .map(|_| {
            let changes = node.result("eth_getFilterChanges", json!([blocks]));
            changes.as_array().unwrap().len()
        })
        .collect();
    assert_eq!(sizes, [10, 10, 5, 0]);
    // Filters nobody polls are forgotten (100,000 of them once stayed for good).
    std::thread::sleep(Duration::from_millis(2_500));
    let error = node.error("eth_getFilterChanges", json!([logs]));
    assert_invalid_params(&error, "filter not found");
}

#[test]
fn mining_many_blocks_holds_up_no_other_request() {
    let node = DevNode::start(&["--in-memory"]);
    node.result("evm_mine", json!([]));
    let rpc = node.rpc.clone();
    // A week of 12-second blocks: sealed a thousand at a time, the node free in between.
    let mining = std::thread::spawn(move || rpc.result("anvil_mine", json!(["0xc4e0"])));
    std::thread::sleep(Duration::from_millis(300));
    let asked = Instant::now();
    let number = node.block_number();
    let waited = asked.elapsed();
    mining.join().unwrap();
    // It once waited for all of a 10,000-block mine (6.2 s).
    assert!(
        waited < Duration::from_secs(1),
        "eth_blockNumber took {waited:?}"
    );
    assert!(number < 50_401, "answered only after the mining: {number}");
    assert_eq!(node.block_number(), 50_401);
}

#[test]
fn a_call_with_no_gas_is_a_clear_error() {
    let node = DevNode::start(&["--in-memory"]);
    let call = json!([{"to": Address::repeat_byte(0x11), "gas": "0x0"}, "latest"]);
    let error = node.error("eth_call", call);
    assert_eq!(error["code"], -32000, "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("intrinsic gas too low: have 0"),
        "{error}"
    );
}

#[test]
fn notifications_run_unanswered_and_bad_ids_are_invalid_requests() {
    let node = DevNode::start(&["--in-memory"]);
    // A notification was dropped without running.
    let (status, body) = node.post(r#"{"jsonrpc":"2.0","method":"evm_mine"}"#);
    assert_eq!((status, body.as_str()), (200, ""));
    assert_eq!(node.block_number(), 1);
    // In a batch too: the notification runs, and only the call is answered.
    let (_, body) = node.post(
        r#"[{"jsonrpc":"2.0","method":"evm_mine"},{"jsonrpc":"2.0","id":7,"method":"eth_blockNumber"}]"#,
    );
    let answers: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{body:?}"));
    assert_eq!(
        answers,
        json!([{"jsonrpc": "2.0", "id": 7, "result": "0x2"}])
    );
    let (status, body) = node.post(r#"[{"jsonrpc":"2.0","method":"evm_mine"}]"#);
    assert_eq!((status, body.as_str()), (200, ""));
    assert_eq!(node.block_number(), 3);
    // In a batch, an entry with a bad id ran as a notification; it is an invalid request.
    let (_, body) = node.post(
        r#"[{"jsonrpc":"2.0","id":1.5,"method":"evm_mine"},{"jsonrpc":"2.0","id":8,"method":"eth_blockNumber"}]"#,
    );
    let answers: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{body:?}"));
    let answers = answers.as_array().unwrap();
    assert_eq!(answers.len(), 2, "{answers:?}");
    assert!(answers.contains(&json!({"jsonrpc": "2.0", "id": 8, "result": "0x3"})));
    assert!(answers
        .iter()
        .any(|a| a["error"]["code"] == -32600 && a["id"] == Value::Null));
    assert_eq!(node.block_number(), 3, "the invalid request ran");
    // These ids got an empty body.
    for id in ["1e400", "{}", "[1]", "1.5", "true"] {
        let request = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"eth_chainId"}}"#);
        let (_, body) = node.post(request);
        let answer: Value =
            serde_json::from_str(&body).unwrap_or_else(|_| panic!("{id}: {body:?}"));
        assert_eq!(answer["error"]["code"], -32600, "{id}: {answer}");
        assert_eq!(answer["id"], Value::Null, "{answer}");
    }
}

/// A connection that sends its headers and one byte of a 100-byte body, then nothing.
fn stalled_body(url: &str) -> std::net::TcpStream {
    use std::io::Write;
    let address = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{";
    stream.write_all(head.as_bytes()).unwrap();
    stream
}

#[test]
fn stalled_bodies_time_out_and_lock_no_one_out() {
    let node = DevNode::start(&[
        "--in-memory",
        "--max-connections",
        "20",
        "--body-timeout",
        "2",
    ]);
    // More stalled clients than connections: every other request got HTTP 429 for good.
    let mut stalled: Vec<_> = (0..30).map(|_| stalled_body(&node.rpc.url)).collect();
    let answered = node.time_to_an_answer();
    assert!(
        answered < Duration::from_secs(10),
        "answered after {answered:?}"
    );
    // A stalled client is told why.
    use std::io::Read;
    let mut answer = String::new();
    let first = &mut stalled[0];
    first
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = first.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}
