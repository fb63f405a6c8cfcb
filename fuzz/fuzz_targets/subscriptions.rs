//! The WebSocket subscription path (`eth_subscribe`, `newHeads` and `logs`) on an in-memory
//! chain, driven in-process as jsonrpsee drives a connection: each subscription gets its own
//! connection buffer (1,024 messages, the server's default). The input is a script of steps
//! (subscribe with a made-up filter or with arbitrary params, read promptly or never,
//! unsubscribe, transactions emitting up to 255 logs of up to 8 KiB, mining, snapshots and
//! reverts, arbitrary requests). Whatever it does:
//! - every notification is a well-formed `eth_subscription` message of its subscription,
//!   an error (if any) is its last, and the logs of a block come in `logIndex` order;
//! - a subscription nobody reads holds at most the node's backlog (64 notifications) and an
//!   error once the node has given up on it (10 s, on a paused clock here);
//! - nothing panics or hangs.
#![no_main]

use std::{sync::LazyLock, time::Duration};

use fvm_devnet::{
    accounts::dev_accounts,
    backend::{Node, NodeSettings, WantedActors},
    db::Db,
    rpc::{self, Context, Limits},
};
use jsonrpsee::RpcModule;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use tokio::sync::mpsc;

/// Notifications that may wait for a reader.
static MAX_BACKLOG: LazyLock<usize> = LazyLock::new(|| Limits::default().subscription_backlog);
/// When the node has given up on a reader that stopped: its timeout, and some.
static SLOW_READER_GIVEN_UP: LazyLock<Duration> =
    LazyLock::new(|| Limits::default().slow_reader_timeout + Duration::from_secs(1));
/// jsonrpsee's connection buffer (`ServerConfig`'s default message buffer capacity).
const CONNECTION_BUFFER: usize = 1024;
/// Steps per input.
const MAX_STEPS: usize = 24;

/// Emits `n` logs (`n` the first calldata word) of `size` bytes of memory (the second word),
/// each LOG1 with the count still to come as its topic and first data word.
const EMITTER: &str = "0x6000355b8015601b5780600052806020356000a1600190036003565b00";
const EMITTERS: [&str; 2] = [
    "0x4444444444444444444444444444444444444444",
    "0x5555555555555555555555555555555555555555",
];
const SENDER: &str = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

/// A new node on an in-memory chain with the emitters installed. Every input gets its own, so
/// that what it finds replays alone and the chain does not grow from run to run; the actors
/// are compiled once per process.
async fn node() -> RpcModule<Context> {
    let settings = NodeSettings {
        chain_id: None,
        actors: WantedActors {
            actors: None,
            new_chain_actors: host::Actors::Ours,
            network: None,
            car: None,
        },
        filecoin_keys: None,
        accounts: dev_accounts(2).unwrap(),
        balance: alloy_primitives::U256::from(10).pow(alloy_primitives::U256::from(22)),
        automine: true,
        console_logs: false,
        genesis_timestamp: None,
    };
    let node = Node::open(Db::memory().unwrap(), settings).unwrap();
    // Mining a year of blocks takes minutes in this instrumented build: a fuzzer's
    // `anvil_mine` makes at most a thousand.
    let limits = Limits {
        max_mine_blocks: 1_000,
        ..Limits::default()
    };
    let (module, _) = rpc::module(node, limits).unwrap();
    for emitter in EMITTERS {
        call(&module, "anvil_setCode", json!([emitter, EMITTER])).await;
    }
    module
}

/// A paused clock: the node's slow-reader timeout passes as soon as nothing else can run.
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    // The FVM compiles the actors when a first message runs (a minute or more in this
    // instrumented build): run one now.
    runtime.block_on(async {
        let module = node().await;
        let answer = call(&module, "eth_call", json!([{"to": EMITTERS[0]}, "latest"])).await;
        assert!(answer.get("result").is_some(), "{answer}");
    });
    runtime
});

async fn call(module: &RpcModule<Context>, method: &str, params: Value) -> Value {
    let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let (answer, _) = module
        .raw_json_request(&request.to_string(), 1)
        .await
        .unwrap();
    serde_json::from_str(answer.get()).unwrap()
}

/// A subscription as its client sees it.
struct Sub {
    id: Value,
    rx: mpsc::Receiver<Box<serde_json::value::RawValue>>,
    /// Read at every step; otherwise never read until the end.
    prompt: bool,
    ended: bool,
    /// The last log seen: its block hash and index.
    last_log: Option<(Value, u64)>,
    /// Whether a block's logs must come in order: not for an unread subscription after a
    /// revert, which may hold a block's logs and then the same block's again.
    check_order: bool,
}

impl Sub {
    /// Takes every notification waiting, and checks each.
    fn read(&mut self) -> usize {
        let mut count = 0;
        while let Ok(message) = self.rx.try_recv() {
            self.check(message.get());
            count += 1;
        }
        count
    }

    fn check(&mut self, message: &str) {
        let message: Value = serde_json::from_str(message).expect("a notification is JSON");
        assert_eq!(message["jsonrpc"], "2.0", "{message}");
        assert_eq!(message["method"], "eth_subscription", "{message}");
        let params = &message["params"];
        assert_eq!(params["subscription"], self.id, "{message}");
        assert!(
            !self.ended,
            "a notification after the subscription's error: {message}"
        );
        if let Some(error) = params.get("error") {
            assert!(error["message"].is_string(), "{message}");
            self.ended = true;
            return;
        }
        let result = &params["result"];
        assert!(result.is_object(), "{message}");
        if let Some(index) = result.get("logIndex") {
            let index = quantity(index);
            let block = result["blockHash"].clone();
            if let Some((last_block, last_index)) = &self.last_log {
                if *last_block == block && self.check_order {
                    assert!(index > *last_index, "logs out of order: {message}");
                }
            }
            self.last_log = Some((block, index));
        } else {
            assert!(
                result["hash"].is_string() && result["number"].is_string(),
                "{message}"
            );
        }
    }
}

fn quantity(value: &Value) -> u64 {
    let text = value.as_str().expect("a quantity");
    u64::from_str_radix(text.trim_start_matches("0x"), 16).expect("a hex quantity")
}

/// The input, read a byte or a line at a time.
struct Script<'a>(&'a [u8]);

impl Script<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(first)
    }

    /// Up to the next newline (or the end), as text.
    fn line(&mut self) -> Option<&str> {
        let end = self
            .0
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(self.0.len());
        let (line, rest) = self.0.split_at(end);
        self.0 = rest.get(1..).unwrap_or_default();
        std::str::from_utf8(line).ok()
    }
}

/// A `logs` filter made from a byte: which emitters, and which topics.
fn filter(byte: u8) -> Value {
    let address = match byte & 3 {
        0 => Value::Null,
        1 => json!(EMITTERS[0]),
        2 => json!(EMITTERS[1]),
        _ => json!(EMITTERS),
    };
    let topic = |n: u8| format!("0x{:064x}", n);
    let topics = match (byte >> 2) & 3 {
        0 => json!([]),
        1 => json!([topic(1)]),
        2 => json!([[topic(1), topic(2), topic(3)]]),
        _ => json!([null, topic(1)]),
    };
    json!({"address": address, "topics": topics})
}

async fn subscribe(module: &RpcModule<Context>, params: &str, prompt: bool) -> Option<Sub> {
    let request =
        format!(r#"{{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":{params}}}"#);
    let (answer, rx) = module
        .raw_json_request(&request, CONNECTION_BUFFER)
        .await
        .ok()?;
    let answer: Value = serde_json::from_str(answer.get()).expect("an answer is JSON");
    let id = answer.get("result")?.clone();
    // In-process, ids are jsonrpsee's numbers (the server sets hex strings).
    assert!(id.is_string() || id.is_u64(), "{answer}");
    Some(Sub {
        id,
        rx,
        prompt,
        ended: false,
        last_log: None,
        check_order: true,
    })
}

/// Before the chain goes back: it may then mine blocks identical to some already sent (same
/// height, transactions and second), whose logs come again from the first.
async fn rewinding(subs: &mut [Sub]) {
    read_until_quiet(subs).await;
    for sub in subs {
        sub.last_log = None;
        sub.check_order &= sub.prompt;
    }
}

/// Reads the prompt subscriptions until nothing more comes for a second (of the paused
/// clock: whatever the subscribers had to send is sent by then).
async fn read_until_quiet(subs: &mut [Sub]) {
    let read_all =
        |subs: &mut [Sub]| -> usize { subs.iter_mut().filter(|s| s.prompt).map(Sub::read).sum() };
    loop {
        let read = read_all(subs);
        tokio::time::sleep(Duration::from_secs(1)).await;
        if read == 0 && read_all(subs) == 0 {
            return;
        }
    }
}

async fn run(module: &RpcModule<Context>, mut script: Script<'_>) {
    let mut subs: Vec<Sub> = Vec::new();
    let mut snapshots: Vec<Value> = Vec::new();
    for _ in 0..MAX_STEPS {
        let Some(step) = script.byte() else { break };
        let prompt = step & 0x80 == 0;
        match step & 0x7f {
            0 => subs.extend(subscribe(module, r#"["newHeads"]"#, prompt).await),
            1 => {
                let params = json!(["logs", filter(script.byte().unwrap_or(0))]).to_string();
                subs.extend(subscribe(module, &params, prompt).await);
            }
            2 => {
                let params = script.line().unwrap_or_default().to_string();
                subs.extend(subscribe(module, &params, prompt).await);
            }
            3 => {
                let emitter = EMITTERS[usize::from(script.byte().unwrap_or(0) & 1)];
                let n = script.byte().unwrap_or(1);
                // Up to 8,223 bytes: the FVM refuses a log over 8 KiB with its topic, and the
                // transaction fails without logs.
                let size = u16::from(script.byte().unwrap_or(0)) * 32 + 63;
                let input = format!("0x{:064x}{:064x}", n, size);
                let tx =
                    json!([{"from": SENDER, "to": emitter, "input": input, "gas": "0x3b9aca00"}]);
                call(module, "eth_sendTransaction", tx).await;
            }
            4 => {
                call(module, "evm_mine", json!([])).await;
            }
            5 => {
                let blocks = script.byte().unwrap_or(1) % 8;
                call(module, "anvil_mine", json!([blocks])).await;
            }
            6 => {
                if !subs.is_empty() {
                    let sub = &subs[usize::from(script.byte().unwrap_or(0)) % subs.len()];
                    call(module, "eth_unsubscribe", json!([sub.id])).await;
                }
            }
            7 => snapshots.push(call(module, "evm_snapshot", json!([])).await["result"].clone()),
            8 => {
                if let Some(snapshot) = snapshots.pop() {
                    rewinding(&mut subs).await;
                    call(module, "evm_revert", json!([snapshot])).await;
                }
            }
            _ => {
                // Perhaps a revert too.
                rewinding(&mut subs).await;
                let body = script.line().unwrap_or_default().to_string();
                let _ = module.raw_json_request(&body, 16).await;
            }
        }
        for sub in subs.iter_mut().filter(|sub| sub.prompt) {
            sub.read();
        }
    }

    // The prompt subscriptions are read to the end; the others wait until the node has given
    // up on them.
    read_until_quiet(&mut subs).await;
    tokio::time::sleep(*SLOW_READER_GIVEN_UP).await;
    for sub in subs.iter_mut().filter(|s| !s.prompt) {
        let waiting = sub.rx.len();
        assert!(
            waiting <= *MAX_BACKLOG + 1,
            "{waiting} notifications queued for a reader that never read"
        );
        let read = sub.read();
        if waiting == *MAX_BACKLOG + 1 {
            assert!(sub.ended, "a full backlog without an error");
        }
        assert_eq!(read, waiting);
    }
}

fuzz_target!(
    // The actors are compiled before the first input, outside libFuzzer's per-input timeout.
    init: LazyLock::force(&RUNTIME),
    |data: &[u8]| {
        RUNTIME.block_on(async {
            let module = node().await;
            run(&module, Script(data)).await;
        });
    }
);
