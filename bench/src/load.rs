//! The reliability load (`bench --load CLIENTS`): many transfers through our node, on its
//! on-disk store, from several clients at once, each sending pre-signed EIP-1559 transfers and
//! waiting for every receipt. Afterwards every receipt must still be there and every nonce and
//! balance must add up; the node's RSS is sampled all along, to show whether it grows with
//! the blocks.

use std::{
    path::Path,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    thread,
    time::{Duration, Instant},
};

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bytes, TxKind, U256};
use alloy_signer::SignerSync;
use alloy_signer_local::{MnemonicBuilder, PrivateKeySigner};
use anyhow::{bail, ensure, Context, Result};
use serde_json::{json, Value};

use crate::node_load::{quantity, rpc, wait_for_receipt, Process, MNEMONIC};

/// What the load did.
#[derive(Debug)]
pub struct LoadReport {
    pub transactions: u64,
    pub clients: u64,
    pub seconds: f64,
    /// (transactions done, RSS in MiB), sampled through the run.
    pub rss: Vec<(u64, f64)>,
    pub peak_rss_mb: f64,
    pub database_mb: f64,
}

impl std::fmt::Display for LoadReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "| transactions | clients | seconds | tx/s | peak RSS (MiB) | database (MiB) |"
        )?;
        writeln!(f, "|---:|---:|---:|---:|---:|---:|")?;
        writeln!(
            f,
            "| {} | {} | {:.1} | {:.0} | {:.0} | {:.1} |\n",
            self.transactions,
            self.clients,
            self.seconds,
            self.transactions as f64 / self.seconds,
            self.peak_rss_mb,
            self.database_mb
        )?;
        writeln!(f, "| after transactions | RSS (MiB) |")?;
        writeln!(f, "|---:|---:|")?;
        for (done, rss) in &self.rss {
            writeln!(f, "| {done} | {rss:.0} |")?;
        }
        Ok(())
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// Where client `client`'s transfers go.
fn recipient(client: u64) -> Address {
    Address::from_word(U256::from(0x30_0000 + client).into())
}

/// Runs `transactions` transfers split over `clients` senders against the node `program`,
/// started on a fresh data directory.
pub fn run(program: &Path, transactions: u64, clients: u64) -> Result<LoadReport> {
    ensure!(
        (1..=10).contains(&clients),
        "1 to 10 clients (the dev accounts)"
    );
    let dir = std::env::temp_dir().join(format!("fvm-devnet-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let node = Process::start(
        program,
        &[
            "--port".into(),
            "0".into(),
            "--data-dir".into(),
            dir.display().to_string(),
        ],
    )?;
    let url = node.url.clone();
    let call = |method: &str, params: Value| rpc(&agent(), &url, method, params);
    let chain_id = quantity(&call("eth_chainId", json!([]))?)? as u64;
    let tip = quantity(&call("eth_maxPriorityFeePerGas", json!([]))?)?;
    let fee_cap = 2 * quantity(&call("eth_gasPrice", json!([]))?)? + tip;
    let key = |client: u64| -> PrivateKeySigner {
        MnemonicBuilder::from_phrase_nth(MNEMONIC, client as u32 + 1)
    };
    let gas = quantity(&call(
        "eth_estimateGas",
        json!([{"from": key(0).address(), "to": recipient(0), "value": "0x1"}]),
    )?)? as u64;

    let per_client = transactions / clients;
    let signed: Vec<Vec<Bytes>> = (0..clients)
        .map(|client| {
            let key = key(client);
            (0..per_client)
                .map(|nonce| {
                    let tx = TxEip1559 {
                        chain_id,
                        nonce,
                        gas_limit: gas * 2,
                        max_fee_per_gas: fee_cap,
                        max_priority_fee_per_gas: tip,
                        to: TxKind::Call(recipient(client)),
                        value: U256::from(1 + nonce),
                        access_list: Default::default(),
                        input: Bytes::new(),
                    };
                    let signature = key.sign_hash_sync(&tx.signature_hash()).expect("signing");
                    TxEnvelope::from(tx.into_signed(signature))
                        .encoded_2718()
                        .into()
                })
                .collect()
        })
        .collect();

    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let senders: Vec<_> = signed
        .into_iter()
        .map(|raws| {
            let (url, done) = (url.clone(), Arc::clone(&done));
            thread::spawn(move || -> Result<Vec<Value>> {
                let agent = agent();
                let call = |method: &str, params: Value| rpc(&agent, &url, method, params);
                let mut hashes = Vec::with_capacity(raws.len());
                for raw in raws {
                    let hash = call("eth_sendRawTransaction", json!([raw]))?;
                    let receipt = wait_for_receipt(&call, &hash)?;
                    if receipt["status"] != "0x1" {
                        bail!("a transfer failed: {receipt}");
                    }
                    hashes.push(hash);
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Ok(hashes)
            })
        })
        .collect();

    let total = per_client * clients;
    let mut rss = Vec::new();
    let mut next_sample = 0;
    while done.load(Ordering::Relaxed) < total && senders.iter().any(|s| !s.is_finished()) {
        let now = done.load(Ordering::Relaxed);
        if now >= next_sample {
            rss.push((now, node.rss_mb()?));
            next_sample = now + (total / 10).max(1);
        }
        thread::sleep(Duration::from_millis(50));
    }
    let mut hashes = Vec::new();
    for sender in senders {
        hashes.extend(sender.join().expect("sender thread")?);
    }
    let seconds = started.elapsed().as_secs_f64();
    rss.push((total, node.rss_mb()?));

    verify(&call, &hashes, clients, per_client, &key)?;
    Ok(LoadReport {
        transactions: total,
        clients,
        seconds,
        rss,
        peak_rss_mb: node.peak_rss_mb()?,
        database_mb: std::fs::metadata(dir.join("chain.redb"))?.len() as f64 / (1 << 20) as f64,
    })
}

/// Every receipt is there, every sender's nonce counts its transfers, every recipient holds
/// their sum, and the blocks hold exactly the transactions sent.
fn verify(
    call: &dyn Fn(&str, Value) -> Result<Value>,
    hashes: &[Value],
    clients: u64,
    per_client: u64,
    key: &dyn Fn(u64) -> PrivateKeySigner,
) -> Result<()> {
    for hash in hashes {
        let receipt = call("eth_getTransactionReceipt", json!([hash]))?;
        ensure!(
            receipt["status"] == "0x1",
            "receipt of {hash} lost: {receipt}"
        );
    }
    for client in 0..clients {
        let nonce = quantity(&call(
            "eth_getTransactionCount",
            json!([key(client).address(), "latest"]),
        )?)?;
        ensure!(
            nonce == per_client as u128,
            "client {client}: nonce {nonce}"
        );
        let balance = quantity(&call(
            "eth_getBalance",
            json!([recipient(client), "latest"]),
        )?)?;
        let expected: u128 = (1..=per_client as u128).sum();
        ensure!(
            balance == expected,
            "client {client}: balance {balance}, not {expected}"
        );
    }
    let head = quantity(&call("eth_blockNumber", json!([]))?)? as u64;
    let mut mined = 0u128;
    for n in 1..=head {
        mined += quantity(&call(
            "eth_getBlockTransactionCountByNumber",
            json!([format!("{n:#x}")]),
        )?)
        .with_context(|| format!("block {n}"))?;
    }
    ensure!(
        mined == (clients * per_client) as u128,
        "the blocks hold {mined} transactions, not {}",
        clients * per_client
    );
    Ok(())
}
