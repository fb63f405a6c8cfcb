//! A damaged database file at start-up: the node refuses it with a message that names the
//! database, or serves exactly what it served before; it never answers with different data,
//! and never panics. The chain runs the network bundle (`--actors hybrid`), whose every block
//! also writes its epoch's end.

mod common;

use std::{
    io::{BufRead, BufReader, Read},
    path::Path,
    process::{Command, Stdio},
};

use alloy_primitives::{Address, Bytes, U256};
use common::{dev_key, sign, DevNode, Rpc, CHAIN_ID};
use serde_json::{json, Value};

const TRANSFERS: u64 = 6;

/// What a healthy node answers: (method, params, result).
fn questions(rpc: &Rpc, hashes: &[Value]) -> Vec<(&'static str, Value, Value)> {
    let mut asked = vec![
        ("eth_blockNumber", json!([])),
        (
            "eth_getBalance",
            json!([Address::repeat_byte(0x42), "latest"]),
        ),
        (
            "eth_getTransactionCount",
            json!([dev_key(0).address(), "latest"]),
        ),
    ];
    for n in 0..=TRANSFERS {
        asked.push(("eth_getBlockByNumber", json!([format!("{n:#x}"), false])));
    }
    for hash in hashes {
        asked.push(("eth_getTransactionReceipt", json!([hash])));
    }
    asked
        .into_iter()
        .map(|(method, params)| {
            let result = rpc.result(method, params.clone());
            (method, params, result)
        })
        .collect()
}

/// How a start on a damaged file went.
enum Start {
    Refused,
    /// It served; this many questions got an error instead of the healthy answer.
    Served {
        errors: usize,
    },
}

/// Everything the node wrote to stderr (read to its end: call after it exits or is killed).
fn stderr_of(child: &mut std::process::Child) -> String {
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    stderr
}

/// Starts the node on `dir`; if it serves, every question must get the healthy answer or an
/// error.
fn start_and_compare(dir: &Path, expected: &[(&str, Value, Value)]) -> Start {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fvm-devnet"))
        .args(["--port", "0", "--data-dir", dir.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let address = stdout
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("Listening on ").map(str::to_string));
    let Some(address) = address else {
        let stderr = stderr_of(&mut child);
        let status = child.wait().unwrap();
        assert!(
            !status.success(),
            "exited cleanly without serving: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "panicked: {stderr}");
        assert!(stderr.contains("database"), "unclear refusal: {stderr}");
        return Start::Refused;
    };
    let rpc = Rpc {
        url: format!("http://{address}"),
    };
    let mut errors = 0;
    for (method, params, healthy) in expected {
        let answer = rpc.call(method, params.clone());
        if answer.get("error").is_some() {
            errors += 1;
        } else {
            assert_eq!(&answer["result"], healthy, "{method} {params}: wrong data");
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let stderr = stderr_of(&mut child);
    assert!(!stderr.contains("panicked"), "panicked: {stderr}");
    Start::Served { errors }
}

/// Sends transfer number `nonce` from the first dev account; its hash.
fn transfer(node: &DevNode, nonce: u64) -> Value {
    let raw = sign(
        &dev_key(0),
        nonce,
        Some(Address::repeat_byte(0x42)),
        U256::from(1000 + nonce),
        Bytes::new(),
        10_000_000,
        CHAIN_ID,
    );
    node.result("eth_sendRawTransaction", json!([raw]))
}

/// redb's page size, and the first page, which holds its header (commit slots).
const PAGE: usize = 4096;

/// The offset of the first changed byte in each page after the header that differs between
/// `before` and `after` (a page that is new counts from its start).
fn changed_pages(before: &[u8], after: &[u8]) -> Vec<usize> {
    (PAGE..after.len() - 16)
        .step_by(PAGE)
        .filter_map(|page| {
            let end = (page + PAGE).min(after.len() - 16);
            (page..end).find(|&i| before.get(i) != Some(&after[i]))
        })
        .collect()
}

#[test]
fn a_damaged_database_is_refused_or_read_correctly() {
    let dir = tempfile::tempdir().unwrap();
    let node = DevNode::start_in_on(dir.path(), "hybrid");
    let file = dir.path().join("chain.redb");
    let mut hashes: Vec<Value> = (0..TRANSFERS - 1)
        .map(|nonce| transfer(&node, nonce))
        .collect();
    // The node is idle and its last commit durable, so the file can be read while it runs.
    let before_last_block = std::fs::read(&file).unwrap();
    hashes.push(transfer(&node, TRANSFERS - 1));
    let expected = questions(&node.rpc, &hashes);
    // What a kill would leave: redb repairs such a file at the next open, and verifies it.
    let killed = std::fs::read(&file).unwrap();
    // What a clean stop leaves: redb trusts such a file at the next open unless told to verify.
    node.interrupt();
    let closed = std::fs::read(&file).unwrap();
    let len = closed.len();
    let (mut refused, mut detected) = (0, 0);

    // A file cut short is never a valid database.
    for eighths in 1..8 {
        std::fs::write(&file, &closed[..len * eighths / 8]).unwrap();
        let start = start_and_compare(dir.path(), &expected);
        assert!(
            matches!(start, Start::Refused),
            "cut to {eighths}/8 and served"
        );
        refused += 1;
    }

    // Sixteen bytes flipped here and there in the closed file, and in each page the last
    // block wrote in the killed one (redb must not fall back to the block before and serve
    // it as the head): refused, or served without a wrong answer.
    let spread = (0..32).map(|spot| (&closed, len * (2 * spot + 1) / 64));
    let last_block_pages = changed_pages(&before_last_block, &killed);
    assert!(
        !last_block_pages.is_empty(),
        "the last block changed no page"
    );
    let damages: Vec<_> = spread
        .chain(last_block_pages.iter().map(|&offset| (&killed, offset)))
        .collect();
    for &(healthy, offset) in &damages {
        let mut damaged = healthy.clone();
        for byte in &mut damaged[offset..offset + 16] {
            *byte ^= 0xff;
        }
        std::fs::write(&file, &damaged).unwrap();
        match start_and_compare(dir.path(), &expected) {
            Start::Refused => refused += 1,
            Start::Served { errors } if errors > 0 => detected += 1,
            Start::Served { .. } => {}
        }
    }

    println!(
        "of {} damaged files, {refused} refused at start-up, {detected} served with errors where \
         the damage lay, the rest served every answer unchanged",
        7 + damages.len()
    );

    // The healthy files still work.
    std::fs::write(&file, &killed).unwrap();
    assert!(matches!(
        start_and_compare(dir.path(), &expected),
        Start::Served { errors: 0 }
    ));
    std::fs::write(&file, &closed).unwrap();
    assert!(matches!(
        start_and_compare(dir.path(), &expected),
        Start::Served { errors: 0 }
    ));
}
