//! Dev node throughput: the same load (pre-signed EIP-1559 `MiniERC20.transfer`s, each sent
//! with `eth_sendRawTransaction` and waited for) against a node process, with its start-up time
//! and peak RSS.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bytes, TxKind, U256};
use alloy_signer::SignerSync;
use alloy_signer_local::{MnemonicBuilder, PrivateKeySigner};
use alloy_sol_types::{sol, SolCall, SolValue};
use anyhow::{anyhow, bail, ensure, Context, Result};
use serde_json::{json, Value};

use crate::lab::median;

sol! {
    function transfer(address to, uint256 amount) external returns (bool);
}

pub(crate) const MNEMONIC: &str = "test test test test test test test test test test test junk";

/// What one node did under the load.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct NodeRow {
    pub tps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub rss_mb: f64,
    pub startup_ms: f64,
}

/// A node process on a loopback port, killed when dropped.
pub(crate) struct Process {
    child: Child,
    pub url: String,
    startup_ms: f64,
}

impl Process {
    /// Starts `program` with `args` and waits for its "Listening on ADDRESS" line.
    pub fn start(program: &Path, args: &[String]) -> Result<Self> {
        let started = Instant::now();
        let mut child = Command::new(program)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", program.display()))?;
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let address = loop {
            let line = lines
                .next()
                .ok_or_else(|| anyhow!("{} exited before listening", program.display()))??;
            if let Some(rest) = line.trim().strip_prefix("Listening on ") {
                break rest.trim().to_string();
            }
        };
        let startup_ms = started.elapsed().as_secs_f64() * 1e3;
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Self {
            child,
            url: format!("http://{address}"),
            startup_ms,
        })
    }

    /// Peak resident set size so far, in MiB.
    pub fn peak_rss_mb(&self) -> Result<f64> {
        self.status_mb("VmHWM:")
    }

    /// Resident set size now, in MiB.
    pub fn rss_mb(&self) -> Result<f64> {
        self.status_mb("VmRSS:")
    }

    fn status_mb(&self, field: &str) -> Result<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .with_context(|| format!("no {field} in /proc status"))?;
        Ok(kib / 1024.0)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn rpc(agent: &ureq::Agent, url: &str, method: &str, params: Value) -> Result<Value> {
    let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let response: Value = agent
        .post(url)
        .send_json(&request)
        .with_context(|| format!("{method} to {url}"))?
        .body_mut()
        .read_json()
        .with_context(|| format!("{method}: reading the answer"))?;
    if let Some(error) = response.get("error") {
        bail!("{method}: {error}");
    }
    Ok(response["result"].clone())
}

pub(crate) fn quantity(value: &Value) -> Result<u128> {
    let text = value.as_str().context("not a quantity")?;
    Ok(u128::from_str_radix(text.trim_start_matches("0x"), 16)?)
}

/// A node under load: its process, the transfers still to send and what the sent ones measured.
struct Target {
    node: Process,
    agent: ureq::Agent,
    /// Pre-signed transfers, sent from the back.
    unsent: Vec<Bytes>,
    latencies_ms: Vec<f64>,
    busy_secs: f64,
}

impl Target {
    /// Starts the node, deploys a MiniERC20 and signs `count` transfers of it to new holders.
    fn prepare(program: &Path, args: &[String], token_initcode: &[u8], count: u64) -> Result<Self> {
        let node = Process::start(program, args)?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let call = |method: &str, params: Value| rpc(&agent, &node.url, method, params);
        let key: PrivateKeySigner = MnemonicBuilder::from_phrase_nth(MNEMONIC, 0);
        let chain_id = quantity(&call("eth_chainId", json!([]))?)? as u64;
        let tip = quantity(&call("eth_maxPriorityFeePerGas", json!([]))?)?;
        let fee_cap = 2 * quantity(&call("eth_gasPrice", json!([]))?)? + tip;
        let sign = |nonce: u64, to: TxKind, input: Vec<u8>, gas: u64| -> Bytes {
            let tx = TxEip1559 {
                chain_id,
                nonce,
                gas_limit: gas,
                max_fee_per_gas: fee_cap,
                max_priority_fee_per_gas: tip,
                to,
                value: U256::ZERO,
                access_list: Default::default(),
                input: input.into(),
            };
            let signature = key.sign_hash_sync(&tx.signature_hash()).expect("signing");
            TxEnvelope::from(tx.into_signed(signature))
                .encoded_2718()
                .into()
        };
        let from = key.address();

        let initcode = [token_initcode, &U256::from(1u64 << 60).abi_encode()].concat();
        let gas = quantity(&call(
            "eth_estimateGas",
            json!([{"from": from, "data": Bytes::from(initcode.clone())}]),
        )?)? as u64;
        let hash = call(
            "eth_sendRawTransaction",
            json!([sign(0, TxKind::Create, initcode, gas * 2)]),
        )?;
        let receipt = wait_for_receipt(&call, &hash)?;
        let token: Address = serde_json::from_value(receipt["contractAddress"].clone())?;

        let holder = |i: u64| Address::from_word(U256::from(0x20_0000 + i).into());
        let transfer = |i: u64| {
            transferCall {
                to: holder(i),
                amount: U256::from(1),
            }
            .abi_encode()
        };
        let gas = quantity(&call(
            "eth_estimateGas",
            json!([{"from": from, "to": token, "data": Bytes::from(transfer(0))}]),
        )?)? as u64;
        // A transfer to a new holder costs more as the token's map grows: on our node about
        // five times the first's by the 4,000th holder (its path through the storage HAMT is
        // rewritten), so room for tens of thousands.
        let unsent = (0..count)
            .rev()
            .map(|i| sign(i + 1, TxKind::Call(token), transfer(i), gas * 10))
            .collect();
        Ok(Self {
            node,
            agent,
            unsent,
            latencies_ms: Vec::new(),
            busy_secs: 0.0,
        })
    }

    /// Sends the next `count` transfers one after another, each waited for.
    fn send(&mut self, count: usize) -> Result<()> {
        let call = |method: &str, params: Value| rpc(&self.agent, &self.node.url, method, params);
        let started = Instant::now();
        for _ in 0..count {
            let Some(raw) = self.unsent.pop() else { break };
            let sent = Instant::now();
            let hash = call("eth_sendRawTransaction", json!([raw]))?;
            let receipt = wait_for_receipt(&call, &hash)?;
            if receipt["status"] != "0x1" {
                bail!("a transfer failed: {receipt}");
            }
            self.latencies_ms.push(sent.elapsed().as_secs_f64() * 1e3);
        }
        self.busy_secs += started.elapsed().as_secs_f64();
        Ok(())
    }

    fn row(mut self) -> Result<NodeRow> {
        let count = self.latencies_ms.len();
        ensure!(count > 0, "no transfer was sent");
        let mut sorted = self.latencies_ms.clone();
        sorted.sort_by(|a, b| a.total_cmp(b));
        let p99_index = ((count as f64 * 0.99).ceil() as usize).saturating_sub(1);
        Ok(NodeRow {
            tps: count as f64 / self.busy_secs,
            p50_ms: median(&mut self.latencies_ms),
            p99_ms: sorted[p99_index.min(count - 1)],
            rss_mb: self.node.peak_rss_mb()?,
            startup_ms: self.node.startup_ms,
        })
    }
}

/// How a node is started: its program and arguments.
pub struct NodeCommand<'a> {
    pub program: &'a Path,
    pub args: Vec<String>,
}

/// Transfers per round: small enough that many rounds alternate within a run.
pub const ROUND: usize = 25;

/// Starts our node and anvil, deploys a MiniERC20 on each, then sends `count` pre-signed
/// transfers to each, one after another and each waited for, in alternating rounds of
/// [`ROUND`]: this machine's speed drifts by tens of percent within a minute, and alternating
/// lets the drift weigh on both alike. anvil that does not start or fails is an error of its
/// own, and our row still comes back.
pub fn measure(
    ours: NodeCommand,
    anvil: NodeCommand,
    token_initcode: &[u8],
    count: u64,
) -> Result<(NodeRow, Result<NodeRow>)> {
    let mut ours =
        Target::prepare(ours.program, &ours.args, token_initcode, count).context("our node")?;
    let mut theirs = Target::prepare(anvil.program, &anvil.args, token_initcode, count);
    while !ours.unsent.is_empty() {
        ours.send(ROUND).context("our node")?;
        if let Ok(anvil) = &mut theirs {
            if let Err(e) = anvil.send(ROUND) {
                theirs = Err(e);
            }
        }
    }
    Ok((ours.row()?, theirs.and_then(Target::row)))
}

pub(crate) fn wait_for_receipt(
    call: &dyn Fn(&str, Value) -> Result<Value>,
    hash: &Value,
) -> Result<Value> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let receipt = call("eth_getTransactionReceipt", json!([hash]))?;
        if !receipt.is_null() {
            return Ok(receipt);
        }
        if Instant::now() > deadline {
            bail!("no receipt for {hash} within 60 s");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}
