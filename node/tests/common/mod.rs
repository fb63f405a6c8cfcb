//! Starting the real node binary and talking JSON-RPC to it, for the integration tests.

#![allow(dead_code)] // each test binary uses its own part

pub mod anvil;

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bytes, TxKind, U256};
use alloy_signer::SignerSync;
use alloy_signer_local::{MnemonicBuilder, PrivateKeySigner};
use serde_json::{json, Value};

pub const MNEMONIC: &str = "test test test test test test test test test test test junk";
pub const CHAIN_ID: u64 = actor_types::network::DEVNET_CHAIN_ID;

/// A running `fvm-devnet`, killed (SIGKILL) when dropped.
pub struct DevNode {
    child: Child,
    pub rpc: Rpc,
    /// What it printed after it started listening, line by line.
    output: Arc<Mutex<Vec<String>>>,
}

impl std::ops::Deref for DevNode {
    type Target = Rpc;
    fn deref(&self) -> &Rpc {
        &self.rpc
    }
}

/// A JSON-RPC client of a node's HTTP endpoint.
#[derive(Clone)]
pub struct Rpc {
    pub url: String,
}

impl DevNode {
    /// Starts the node with `args` on a free port and waits until it listens. `$FVM_DEVNET`
    /// names another build to test (an older one, to see a test fail on it).
    pub fn start(args: &[&str]) -> DevNode {
        let binary = std::env::var("FVM_DEVNET")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_fvm-devnet").to_string());
        // Our own actors unless a test asks for others: the network bundle's start-up compiles
        // every actor in it (seconds), which only the tests about it should pay.
        let actors = (!args.contains(&"--actors")).then_some(["--actors", "ours"]);
        let mut child = Command::new(binary)
            .args(["--port", "0"])
            .args(actors.into_iter().flatten())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting fvm-devnet");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let address = loop {
            let line = lines
                .next()
                .expect("the node exited before listening")
                .expect("reading the node's output");
            if let Some(address) = line.strip_prefix("Listening on ") {
                break address.to_string();
            }
        };
        // Keep draining the output so the node never blocks on a full pipe.
        let output = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&output);
        std::thread::spawn(move || {
            lines
                .map_while(Result::ok)
                .for_each(|line| kept.lock().unwrap().push(line))
        });
        DevNode {
            child,
            rpc: Rpc {
                url: format!("http://{address}"),
            },
            output,
        }
    }

    /// What the node printed so far after it started listening.
    pub fn output(&self) -> Vec<String> {
        self.output.lock().unwrap().clone()
    }

    /// Starts the node on the data directory `dir`.
    pub fn start_in(dir: &Path) -> DevNode {
        DevNode::start(&["--data-dir", dir.to_str().expect("utf-8 path")])
    }

    /// Starts the node on the data directory `dir`, its chain running `actors`.
    pub fn start_in_on(dir: &Path, actors: &str) -> DevNode {
        let dir = dir.to_str().expect("utf-8 path");
        DevNode::start(&["--data-dir", dir, "--actors", actors])
    }

    /// SIGINT, as Ctrl-C: the node stops serving and closes its database cleanly.
    pub fn interrupt(mut self) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid fits pid_t");
        // SAFETY: kill(2) only sends a signal, here to the child this handle still owns.
        let sent = unsafe { libc::kill(pid, libc::SIGINT) };
        assert_eq!(sent, 0, "kill(SIGINT) failed");
        let exit = self.child.wait().expect("reaping the node");
        assert!(exit.success(), "the node exited with {exit} on SIGINT");
    }

    /// The node's resident memory (`VmRSS` in `/proc/<pid>/status`), in MiB.
    pub fn rss_mib(&self) -> u64 {
        self.memory_kib("VmRSS") / 1024
    }

    /// A memory figure of the node's process (`VmRSS`, `VmHWM`, ...) from
    /// `/proc/<pid>/status`, in KiB.
    pub fn memory_kib(&self, field: &str) -> u64 {
        let pid = self.child.id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .expect("reading the node's /proc status");
        status
            .lines()
            .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
    }

    /// The node's threads: each one's name and the CPUs it may run on (`Cpus_allowed_list`
    /// in `/proc/<pid>/task/<tid>/status`).
    pub fn threads(&self) -> Vec<(String, Vec<usize>)> {
        let tasks = format!("/proc/{}/task", self.child.id());
        std::fs::read_dir(&tasks)
            .unwrap_or_else(|e| panic!("reading {tasks}: {e}"))
            .map(|task| {
                let path = task.expect("a task of the node").path();
                let name = std::fs::read_to_string(path.join("comm")).expect("a thread's name");
                let status = std::fs::read_to_string(path.join("status")).expect("its status");
                (name.trim().to_string(), allowed_cpus(&status))
            })
            .collect()
    }

    /// SIGKILL: the process gets no chance to clean up.
    pub fn kill(mut self) {
        self.child.kill().expect("killing the node");
        self.child.wait().expect("reaping the node");
    }
}

impl Rpc {
    /// Sends a raw body and returns the HTTP status and the body, or `None` if the node
    /// cannot be reached.
    pub fn try_post(&self, body: impl Into<Vec<u8>>) -> Option<(u16, String)> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let mut response = agent
            .post(&self.url)
            .header("content-type", "application/json")
            .send(&body.into()[..])
            .ok()?;
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        Some((status, text))
    }

    /// How long until the node answers `eth_chainId` (asked every 200 ms); panics after 20 s.
    /// For probes that try to lock everyone out.
    pub fn time_to_an_answer(&self) -> Duration {
        let started = std::time::Instant::now();
        loop {
            match self.try_post(r#"{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"#) {
                Some((200, body)) if body.contains("result") => return started.elapsed(),
                _ if started.elapsed() > Duration::from_secs(20) => panic!("locked out for 20 s"),
                _ => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    /// Sends a raw body and returns the HTTP status and the body.
    pub fn post(&self, body: impl Into<Vec<u8>>) -> (u16, String) {
        self.try_post(body).expect("reaching the node")
    }

    /// A JSON-RPC call, or `None` if the node cannot be reached.
    pub fn try_call(&self, method: &str, params: Value) -> Option<Value> {
        let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let (_, body) = self.try_post(request.to_string())?;
        serde_json::from_str(&body).ok()
    }

    /// A JSON-RPC call: the whole response object.
    pub fn call(&self, method: &str, params: Value) -> Value {
        let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let (_, body) = self.post(request.to_string());
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{method}: bad JSON {body:?}: {e}"))
    }

    /// A JSON-RPC call that must succeed: its result.
    pub fn result(&self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// A JSON-RPC call that must fail: its error object.
    pub fn error(&self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        response
            .get("error")
            .cloned()
            .unwrap_or_else(|| panic!("{method} should have failed: {response}"))
    }

    pub fn block_number(&self) -> u64 {
        quantity(&self.result("eth_blockNumber", json!([])))
    }

    pub fn balance(&self, address: Address) -> U256 {
        let hex = self.result("eth_getBalance", json!([address, "latest"]));
        hex.as_str().unwrap().parse().unwrap()
    }

    pub fn nonce(&self, address: Address) -> u64 {
        quantity(&self.result("eth_getTransactionCount", json!([address, "latest"])))
    }
}

impl Drop for DevNode {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `0x` quantity as a number.
pub fn quantity(value: &Value) -> u64 {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a quantity: {value}"));
    u64::from_str_radix(text.trim_start_matches("0x"), 16).expect("hex quantity")
}

/// Dev account `index` of the well-known mnemonic.
pub fn dev_key(index: u32) -> PrivateKeySigner {
    MnemonicBuilder::from_phrase_nth(MNEMONIC, index)
}

/// A signed EIP-1559 transaction, as raw bytes.
pub fn sign(
    key: &PrivateKeySigner,
    nonce: u64,
    to: Option<Address>,
    value: U256,
    input: Bytes,
    gas: u64,
    chain_id: u64,
) -> Bytes {
    let tx = TxEip1559 {
        chain_id,
        nonce,
        gas_limit: gas,
        max_fee_per_gas: 10_000,
        max_priority_fee_per_gas: 1_000,
        to: to.map(TxKind::Call).unwrap_or(TxKind::Create),
        value,
        access_list: Default::default(),
        input,
    };
    let signature = key.sign_hash_sync(&tx.signature_hash()).expect("signing");
    TxEnvelope::from(tx.into_signed(signature))
        .encoded_2718()
        .into()
}

/// The CPUs a `/proc/.../status` says its thread may run on (`Cpus_allowed_list: 0-2,5`).
pub fn allowed_cpus(status: &str) -> Vec<usize> {
    let list = status
        .lines()
        .find_map(|line| line.strip_prefix("Cpus_allowed_list:"))
        .expect("no Cpus_allowed_list");
    list.trim()
        .split(',')
        .flat_map(|range| {
            let (first, last) = range.split_once('-').unwrap_or((range, range));
            first.parse::<usize>().unwrap()..=last.parse::<usize>().unwrap()
        })
        .collect()
}
