//! Issue 17, item 3: WebSocket `logs` subscribers and one transaction emitting many large logs,
//! against the real node binary on an on-disk store. Readers that keep up get every log once,
//! in order; subscribers that stop reading are dropped with an error; the node's memory stays
//! bounded while they are connected and comes back once they leave; and the node goes on
//! serving.
//!
//! Before the fix every subscriber turned the whole block's logs into JSON values of its own
//! and queued them all, so the node's memory grew with subscribers × logs and stayed high.

mod common;

use std::{
    net::SocketAddr,
    time::{Duration, Instant},
};

use alloy_primitives::{Address, B256};
use common::{dev_key, quantity, DevNode};
use serde_json::{json, Value};
use soketto::{
    connection::{Receiver, Sender},
    handshake::{Client, ServerResponse},
};
use tokio::net::{TcpSocket, TcpStream};
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};

/// Runtime code that emits `n` logs (`n` the first calldata word), each LOG0 of 8 KiB of
/// memory whose first word is the number of logs still to come (`n`, `n - 1`, ... 1):
///
/// ```text
/// 00 PUSH1 0 CALLDATALOAD          n
/// 03 JUMPDEST DUP1 ISZERO PUSH1 1a JUMPI
/// 09 DUP1 PUSH1 0 MSTORE           memory[0..32] = n
/// 0d PUSH2 2000 PUSH1 0 LOG0       log memory[0..8192]
/// 13 PUSH1 1 SWAP1 SUB PUSH1 03 JUMP
/// 1a JUMPDEST STOP
/// ```
const EMITTER_CODE: &str = "0x6000355b8015601a57806000526120006000a0600190036003565b00";
const LOG_BYTES: usize = 8192;
/// Logs in the big transaction: 16 MiB of hex in notifications per subscriber.
const LOGS: u64 = 1_000;
/// Subscribers that read everything.
const READERS: usize = 8;
/// Subscribers that never read after their subscription's answer.
const SLOW: usize = 8;
/// The slow readers' socket receive buffer: small, so the kernel holds few notifications for
/// them and the node sees them stop reading.
const SLOW_RECEIVE_BUFFER: u32 = 64 << 10;
/// The node drops a subscriber whose reader leaves its notifications waiting for 10 s
/// (`--slow-reader-timeout`'s default). The slow readers stay silent this long after
/// the block is mined (the node fills their buffers within a second or two), so that the
/// node has dropped them by the time they read.
const SLOW_READERS_SILENT_FOR: Duration = Duration::from_secs(16);
/// How much the node's resident memory may grow above its level before the subscribers, at
/// its peak and after they have left. The block's logs as JSON are 16 MiB; before the fix
/// each subscriber held its own copy and queued another, about 33 MiB per subscriber (530 MiB
/// for these 16).
const PEAK_GROWTH_MIB: u64 = 200;
const LEFT_GROWTH_MIB: u64 = 120;

#[test]
fn many_log_subscribers_and_slow_readers_keep_memory_bounded() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let node = DevNode::start_in(dir.path());
    let address: SocketAddr = node.url.trim_start_matches("http://").parse().unwrap();
    let emitter = Address::repeat_byte(0x44);
    node.result("anvil_setCode", json!([emitter, EMITTER_CODE]));
    // The first message compiles the actors: do it before measuring.
    emit(&node, emitter, 1);
    let baseline = node.memory_kib("VmRSS");
    eprintln!(
        "{} MiB resident after the warm-up ({:.1} s)",
        baseline >> 10,
        started.elapsed().as_secs_f64()
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let filter = json!(["logs", {"address": emitter}]);
    let (readers, heads, slow) = runtime.block_on(async {
        let mut readers = Vec::new();
        for _ in 0..READERS {
            let mut ws = Ws::connect(address, None).await;
            let id = ws.subscribe(filter.clone()).await;
            readers.push(tokio::spawn(async move { ws.read_logs(id, LOGS).await }));
        }
        let mut heads = Ws::connect(address, None).await;
        let heads_id = heads.subscribe(json!(["newHeads"])).await;
        let heads = tokio::spawn(async move { heads.next_notification(&heads_id).await });
        let mut slow = Vec::new();
        for _ in 0..SLOW {
            let mut ws = Ws::connect(address, Some(SLOW_RECEIVE_BUFFER)).await;
            let id = ws.subscribe(filter.clone()).await;
            slow.push((ws, id));
        }
        (readers, heads, slow)
    });

    let sent = Instant::now();
    let hash = emit(&node, emitter, LOGS);
    let mined = Instant::now();
    eprintln!("{LOGS} logs mined in {:.1} s", sent.elapsed().as_secs_f64());

    runtime.block_on(async {
        // The receipt is 16 MiB, over what the tests' HTTP client reads.
        let mut ws = Ws::connect(address, None).await;
        let receipt = ws.request("eth_getTransactionReceipt", json!([hash])).await;
        assert_eq!(receipt["status"], "0x1", "the emitter failed");
        let logs = receipt["logs"].as_array().unwrap();
        assert_eq!(logs.len() as u64, LOGS);
        for reader in readers {
            let got = tokio::time::timeout(Duration::from_secs(60), reader)
                .await
                .expect("a reader got every log within a minute")
                .unwrap();
            // Every log, in order, exactly as eth_getTransactionReceipt shows it.
            assert!(got == *logs, "a reader's logs differ from the receipt's");
        }
        let head = heads.await.unwrap().expect("a newHeads notification");
        assert_eq!(head["hash"], receipt["blockHash"]);
        assert_eq!(head["number"], receipt["blockNumber"]);
    });
    eprintln!(
        "{READERS} readers got {LOGS} logs each, {:.1} s after the transaction was sent",
        sent.elapsed().as_secs_f64()
    );

    // The slow subscribers are dropped once they have left notifications unread for the
    // node's timeout. Then they read what the node had queued for them, and the error.
    std::thread::sleep(SLOW_READERS_SILENT_FOR.saturating_sub(mined.elapsed()));
    let peak = node.memory_kib("VmHWM");
    let connected = node.memory_kib("VmRSS");
    eprintln!(
        "resident memory: {} MiB before, {} MiB at the peak, {} MiB with the slow readers \
         connected",
        baseline >> 10,
        peak >> 10,
        connected >> 10
    );
    let slow_ends = runtime.block_on(async {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        let drains: Vec<_> = slow
            .into_iter()
            .map(|(mut ws, id)| tokio::spawn(async move { ws.until_error(&id).await }))
            .collect();
        let mut ends = Vec::new();
        for drain in drains {
            let abort = drain.abort_handle();
            let end = tokio::time::timeout_at(deadline, drain).await;
            abort.abort();
            ends.push(end.map(Result::unwrap));
        }
        ends
    });
    drop(runtime);
    let got: Vec<String> = slow_ends
        .iter()
        .map(|end| match end {
            Ok((logs, Some(_))) => format!("{logs} + error"),
            Ok((logs, None)) => format!("{logs} + closed"),
            Err(_) => "still open".to_string(),
        })
        .collect();
    eprintln!("the slow readers got (logs): {}", got.join(", "));

    // The clients have gone; give the node a moment to notice.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut left = node.memory_kib("VmRSS");
    while left > baseline + (LEFT_GROWTH_MIB << 10) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        left = node.memory_kib("VmRSS");
    }
    eprintln!(
        "{} MiB resident after the clients left ({:.1} s in all)",
        left >> 10,
        started.elapsed().as_secs_f64()
    );
    assert!(
        peak <= baseline + (PEAK_GROWTH_MIB << 10),
        "the node grew from {} MiB to {} MiB with {} subscribers",
        baseline >> 10,
        peak >> 10,
        READERS + SLOW
    );
    for end in slow_ends {
        // An error notification, or the connection closed.
        let (_, end) = end.expect("a slow subscriber is dropped");
        assert!(
            end.as_ref()
                .is_none_or(|e| e["message"].as_str().unwrap().contains("slowly")),
            "{end:?}"
        );
    }
    assert!(
        left <= baseline + (LEFT_GROWTH_MIB << 10),
        "the node kept {} MiB (from {} MiB) after its subscribers left",
        left >> 10,
        baseline >> 10
    );

    // The node goes on serving and mining.
    let hash = emit(&node, emitter, 2);
    let receipt = node.result("eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1");
    assert_eq!(receipt["logs"].as_array().unwrap().len(), 2);
    assert_eq!(quantity(&receipt["blockNumber"]), node.block_number());
}

/// Issue 17, item 4: WebSockets that hold every connection and say nothing. Before, all other
/// requests got HTTP 429 for as long as they stayed open; now a silent connection without
/// subscriptions is closed after `--idle-timeout`, and a silent subscriber keeps listening.
#[test]
fn idle_websockets_are_closed_and_silent_subscribers_stay() {
    const CONNECTIONS: usize = 8;
    let node = DevNode::start(&[
        "--in-memory",
        "--max-connections",
        &CONNECTIONS.to_string(),
        "--idle-timeout",
        "2",
    ]);
    let address: SocketAddr = node.url.trim_start_matches("http://").parse().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let chain_id = r#"{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"#;
    let (mut subscriber, heads_id, mut idle) = runtime.block_on(async {
        let mut subscriber = Ws::connect(address, None).await;
        let heads_id = subscriber.subscribe(json!(["newHeads"])).await;
        let mut idle = Vec::new();
        for _ in 1..CONNECTIONS {
            idle.push(Ws::connect(address, None).await);
        }
        (subscriber, heads_id, idle)
    });
    let (status, _) = node.post(chain_id);
    assert_eq!(status, 429, "every connection is taken");

    let answered = node.time_to_an_answer();
    assert!(
        answered < Duration::from_secs(8),
        "answered after {answered:?}"
    );
    runtime.block_on(async {
        for ws in &mut idle {
            let closed = tokio::time::timeout(Duration::from_secs(5), ws.next()).await;
            assert!(matches!(closed, Ok(None)), "an idle connection stays open");
        }
    });
    // The subscriber said nothing since it subscribed, and still hears of new blocks.
    node.result("evm_mine", json!([]));
    let head = runtime.block_on(async {
        tokio::time::timeout(
            Duration::from_secs(10),
            subscriber.next_notification(&heads_id),
        )
        .await
        .expect("a newHeads notification within 10 s")
    });
    let head = head.expect("the subscription is alive");
    assert_eq!(quantity(&head["number"]), node.block_number());
}

/// Issue 17, item 8, over WebSocket: a notification runs and is not answered.
#[test]
fn notifications_over_websocket_run_unanswered() {
    let node = DevNode::start(&["--in-memory"]);
    let address: SocketAddr = node.url.trim_start_matches("http://").parse().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let number = runtime.block_on(async {
        let mut ws = Ws::connect(address, None).await;
        let notification = json!({"jsonrpc": "2.0", "method": "evm_mine"});
        ws.sender.send_text(notification.to_string()).await.unwrap();
        // The connection runs messages side by side: ask until the block is there. Every
        // message that comes is an answer to a request (`request` checks), none is the
        // notification's.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let number = ws.request("eth_blockNumber", json!([])).await;
            if number != "0x0" || Instant::now() > deadline {
                return number;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    assert_eq!(number, "0x1");
}

/// Sends a transaction that makes the emitter log `n` times, and returns its hash once mined.
fn emit(node: &DevNode, emitter: Address, n: u64) -> Value {
    let input = B256::left_padding_from(&n.to_be_bytes());
    node.result(
        "eth_sendTransaction",
        json!([{
            "from": dev_key(0).address(),
            "to": emitter,
            "input": input,
            "gas": format!("{:#x}", 5_000_000_000u64),
        }]),
    )
}

/// A WebSocket JSON-RPC client.
struct Ws {
    sender: Sender<Compat<TcpStream>>,
    receiver: Receiver<Compat<TcpStream>>,
}

impl Ws {
    /// Connects, with a receive buffer of `receive_buffer` bytes if given.
    async fn connect(address: SocketAddr, receive_buffer: Option<u32>) -> Ws {
        let socket = TcpSocket::new_v4().unwrap();
        if let Some(size) = receive_buffer {
            socket.set_recv_buffer_size(size).unwrap();
        }
        let stream = socket.connect(address).await.unwrap();
        let host = address.to_string();
        let mut client = Client::new(stream.compat(), &host, "/");
        let response = client.handshake().await.unwrap();
        assert!(
            matches!(response, ServerResponse::Accepted { .. }),
            "the node refused a WebSocket connection"
        );
        let mut builder = client.into_builder();
        builder.set_max_message_size(64 << 20);
        let (sender, receiver) = builder.finish();
        Ws { sender, receiver }
    }

    /// The next message, or `None` once the connection closed.
    async fn next(&mut self) -> Option<Value> {
        let mut message = Vec::new();
        self.receiver.receive_data(&mut message).await.ok()?;
        Some(serde_json::from_slice(&message).expect("a JSON message"))
    }

    /// A call's result, on a connection without subscriptions.
    async fn request(&mut self, method: &str, params: Value) -> Value {
        let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        self.sender.send_text(request.to_string()).await.unwrap();
        self.sender.flush().await.unwrap();
        let answer = self.next().await.expect("an answer");
        assert_eq!(answer["id"], 1, "not the answer to {method}: {answer}");
        assert!(answer.get("error").is_none(), "{method} failed: {answer}");
        answer["result"].clone()
    }

    /// Subscribes with `params` and returns the subscription id.
    async fn subscribe(&mut self, params: Value) -> Value {
        let id = self.request("eth_subscribe", params).await;
        assert!(id.is_string(), "{id}");
        id
    }

    /// The next notification of subscription `id`: its result, or `None` if the subscription
    /// ended with an error or the connection closed.
    async fn next_notification(&mut self, id: &Value) -> Option<Value> {
        let message = self.next().await?;
        assert_eq!(message["method"], "eth_subscription", "{message}");
        assert_eq!(&message["params"]["subscription"], id, "{message}");
        let params = &message["params"];
        params.get("result").cloned()
    }

    /// `n` logs of subscription `id`, each checked as it arrives: its `logIndex` is its place
    /// and its data the emitter's countdown.
    async fn read_logs(mut self, id: Value, n: u64) -> Vec<Value> {
        let mut logs = Vec::new();
        for index in 0..n {
            let log = self
                .next_notification(&id)
                .await
                .unwrap_or_else(|| panic!("a reader's subscription ended after {index} logs"));
            check_log(&log, index, n);
            logs.push(log);
        }
        logs
    }

    /// Reads subscription `id`'s notifications until it ends: how many logs came, and its
    /// error, or `None` if the connection closed. Its logs must be in order.
    async fn until_error(&mut self, id: &Value) -> (u64, Option<Value>) {
        let mut index = 0;
        loop {
            let Some(message) = self.next().await else {
                return (index, None);
            };
            let params = &message["params"];
            assert_eq!(&params["subscription"], id, "{message}");
            if let Some(error) = params.get("error") {
                assert!(
                    index < LOGS,
                    "a slow subscriber got every log, then an error"
                );
                return (index, Some(error.clone()));
            }
            check_log(&params["result"], index, LOGS);
            index += 1;
        }
    }
}

/// Log `index` of the emitter's `n`: in its place, 8 KiB whose first word counts down.
fn check_log(log: &Value, index: u64, n: u64) {
    assert_eq!(quantity(&log["logIndex"]), index, "logs out of order");
    let data = log["data"].as_str().unwrap();
    assert_eq!(data.len(), 2 + 2 * LOG_BYTES);
    assert_eq!(
        u64::from_str_radix(&data[2 + 48..2 + 64], 16).unwrap(),
        n - index,
        "log {index}'s data"
    );
}
