//! The reliability load (`bench --load CLIENTS`): many transfers through our node, on its
//! on-disk store, from several clients at once, all pre-signed EIP-1559 transfers. Clients of
//! even index send one at a time and wait for each receipt; clients of odd index work the pool
//! as forge and nonce managers do: each batch of [`BATCH`] nonces goes out of order (the
//! lowest last, so the rest wait queued), two of them are replaced by fee while they wait, and
//! then the client waits for the batch's receipts. Afterwards every receipt must still be
//! there, no replaced transaction may have been mined, every nonce and balance must add up
//! and the pool must be empty; the node's RSS is sampled all along, to show whether it grows
//! with the blocks.

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
use alloy_primitives::{keccak256, Address, Bytes, TxKind, B256, U256};
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
    /// Transactions replaced by fee while they waited in the pool (not mined, not counted in
    /// `transactions`).
    pub replaced: u64,
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
            "| transactions | clients | replaced by fee | seconds | tx/s | peak RSS (MiB) | database (MiB) |"
        )?;
        writeln!(f, "|---:|---:|---:|---:|---:|---:|---:|")?;
        writeln!(
            f,
            "| {} | {} | {} | {:.1} | {:.0} | {:.0} | {:.1} |\n",
            self.transactions,
            self.clients,
            self.replaced,
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

/// Nonces a reordering client sends together.
const BATCH: usize = 8;
/// The positions in a batch (0 is its lowest nonce, sent last) in the order they are sent.
const SEND_ORDER: [usize; BATCH - 1] = [5, 2, 7, 1, 4, 6, 3];
/// The positions in a batch whose transaction is replaced by fee while it waits.
const REPLACED: [usize; 2] = [2, 6];
/// What a replacement adds to the value, so the recipient's balance tells which one was mined.
const REPLACEMENT_EXTRA: u128 = 1_000_000;

/// A pre-signed transaction.
#[derive(Clone)]
struct Signed {
    raw: Bytes,
    hash: B256,
    value: u128,
}

/// One nonce of a client: what it sends first, and what replaces it (if it is replaced).
struct Slot {
    original: Signed,
    replacement: Option<Signed>,
}

impl Slot {
    /// The transaction that must be mined.
    fn winner(&self) -> &Signed {
        self.replacement.as_ref().unwrap_or(&self.original)
    }
}

/// The pre-signed transfers of each client.
struct Plan {
    chain_id: u64,
    tip: u128,
    fee_cap: u128,
    gas: u64,
}

impl Plan {
    fn sign(
        &self,
        key: &PrivateKeySigner,
        client: u64,
        nonce: u64,
        value: u128,
        bump: u128,
    ) -> Signed {
        let tx = TxEip1559 {
            chain_id: self.chain_id,
            nonce,
            gas_limit: self.gas * 2,
            max_fee_per_gas: self.fee_cap * bump,
            max_priority_fee_per_gas: self.tip * bump,
            to: TxKind::Call(recipient(client)),
            value: U256::from(value),
            access_list: Default::default(),
            input: Bytes::new(),
        };
        let signature = key.sign_hash_sync(&tx.signature_hash()).expect("signing");
        let raw: Bytes = TxEnvelope::from(tx.into_signed(signature))
            .encoded_2718()
            .into();
        Signed {
            hash: keccak256(&raw),
            raw,
            value,
        }
    }

    fn slots(&self, key: &PrivateKeySigner, client: u64, count: u64) -> Vec<Slot> {
        (0..count)
            .map(|nonce| {
                let value = 1 + nonce as u128;
                let replaced = reorders(client) && REPLACED.contains(&(nonce as usize % BATCH));
                Slot {
                    original: self.sign(key, client, nonce, value, 1),
                    replacement: replaced
                        .then(|| self.sign(key, client, nonce, value + REPLACEMENT_EXTRA, 2)),
                }
            })
            .collect()
    }
}

/// Whether client `client` sends its nonces out of order and replaces some.
fn reorders(client: u64) -> bool {
    client % 2 == 1
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
    let key = |client: u64| -> PrivateKeySigner {
        MnemonicBuilder::from_phrase_nth(MNEMONIC, client as u32 + 1)
    };
    let tip = quantity(&call("eth_maxPriorityFeePerGas", json!([]))?)?.max(1);
    let plan = Plan {
        chain_id: quantity(&call("eth_chainId", json!([]))?)? as u64,
        tip,
        fee_cap: 2 * quantity(&call("eth_gasPrice", json!([]))?)? + tip,
        gas: quantity(&call(
            "eth_estimateGas",
            json!([{"from": key(0).address(), "to": recipient(0), "value": "0x1"}]),
        )?)? as u64,
    };

    // Whole batches, so a reordering client's last batch has its lowest nonce.
    let per_client = transactions / clients / BATCH as u64 * BATCH as u64;
    ensure!(per_client > 0, "at least {BATCH} transactions per client");
    let plans: Vec<Vec<Slot>> = (0..clients)
        .map(|client| plan.slots(&key(client), client, per_client))
        .collect();

    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let senders: Vec<_> = plans
        .iter()
        .enumerate()
        .map(|(client, slots)| {
            let (url, done) = (url.clone(), Arc::clone(&done));
            let batches: Vec<Vec<(Signed, Option<Signed>)>> = slots
                .chunks(if reorders(client as u64) { BATCH } else { 1 })
                .map(|batch| {
                    batch
                        .iter()
                        .map(|slot| (slot.original.clone(), slot.replacement.clone()))
                        .collect()
                })
                .collect();
            thread::spawn(move || -> Result<()> {
                let agent = agent();
                let call = |method: &str, params: Value| rpc(&agent, &url, method, params);
                for batch in batches {
                    send_batch(&call, &batch)?;
                    done.fetch_add(batch.len() as u64, Ordering::Relaxed);
                }
                Ok(())
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
    for sender in senders {
        sender.join().expect("sender thread")?;
    }
    let seconds = started.elapsed().as_secs_f64();
    rss.push((total, node.rss_mb()?));

    verify(&call, &plans, &key)?;
    Ok(LoadReport {
        transactions: total,
        clients,
        replaced: plans
            .iter()
            .flatten()
            .filter(|slot| slot.replacement.is_some())
            .count() as u64,
        seconds,
        rss,
        peak_rss_mb: node.peak_rss_mb()?,
        database_mb: std::fs::metadata(dir.join("chain.redb"))?.len() as f64 / (1 << 20) as f64,
    })
}

/// Sends one batch (a single transaction, or [`BATCH`] out of order with replacements) and
/// waits until each nonce's winner is mined.
fn send_batch(
    call: &dyn Fn(&str, Value) -> Result<Value>,
    batch: &[(Signed, Option<Signed>)],
) -> Result<()> {
    let send = |signed: &Signed| -> Result<()> {
        let hash = call("eth_sendRawTransaction", json!([signed.raw]))?;
        ensure!(
            hash == json!(signed.hash),
            "the node named {} {hash}",
            signed.hash
        );
        Ok(())
    };
    if batch.len() == BATCH {
        for position in SEND_ORDER {
            send(&batch[position].0)?;
        }
        for (_, replacement) in &batch[1..] {
            if let Some(replacement) = replacement {
                send(replacement)?;
            }
        }
    }
    send(&batch[0].0)?;
    for (original, replacement) in batch {
        let winner = replacement.as_ref().unwrap_or(original);
        let receipt = wait_for_receipt(call, &json!(winner.hash))?;
        if receipt["status"] != "0x1" {
            bail!("a transfer failed: {receipt}");
        }
    }
    Ok(())
}

/// Every winner's receipt is there and no replaced transaction is known, every sender's nonce
/// counts its transfers, every recipient holds the sum of what was mined, the blocks hold
/// exactly the transactions mined, and the pool is empty.
fn verify(
    call: &dyn Fn(&str, Value) -> Result<Value>,
    plans: &[Vec<Slot>],
    key: &dyn Fn(u64) -> PrivateKeySigner,
) -> Result<()> {
    for slot in plans.iter().flatten() {
        let winner = slot.winner();
        let receipt = call("eth_getTransactionReceipt", json!([winner.hash]))?;
        ensure!(
            receipt["status"] == "0x1",
            "receipt of {} lost: {receipt}",
            winner.hash
        );
        if slot.replacement.is_some() {
            let hash = slot.original.hash;
            for method in ["eth_getTransactionReceipt", "eth_getTransactionByHash"] {
                let answer = call(method, json!([hash]))?;
                ensure!(
                    answer.is_null(),
                    "replaced {hash} known to {method}: {answer}"
                );
            }
        }
    }
    for (client, slots) in plans.iter().enumerate() {
        let client = client as u64;
        let nonce = quantity(&call(
            "eth_getTransactionCount",
            json!([key(client).address(), "latest"]),
        )?)?;
        ensure!(
            nonce == slots.len() as u128,
            "client {client}: nonce {nonce}"
        );
        let balance = quantity(&call(
            "eth_getBalance",
            json!([recipient(client), "latest"]),
        )?)?;
        let expected: u128 = slots.iter().map(|slot| slot.winner().value).sum();
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
    let sent: usize = plans.iter().map(Vec::len).sum();
    ensure!(
        mined == sent as u128,
        "the blocks hold {mined} transactions, not {sent}"
    );
    let status = call("txpool_status", json!([]))?;
    ensure!(
        status == json!({"pending": "0x0", "queued": "0x0"}),
        "the pool is not empty: {status}"
    );
    Ok(())
}
