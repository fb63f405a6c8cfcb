//! The transaction pool as geth and anvil show it (`txpool_status`, `txpool_inspect`,
//! `txpool_content`) and anvil's way to empty it (`anvil_dropTransaction`,
//! `anvil_dropAllTransactions`). Pending transactions are ready for the next block; queued ones
//! wait for a lower nonce from their sender.

use std::collections::BTreeMap;

use alloy_consensus::Transaction as _;
use alloy_primitives::{Address, B256, U64};
use anyhow::Result;
use jsonrpsee::RpcModule;
use serde::Serialize;

use super::{
    eth::{method, one, read_method},
    Context,
};
use crate::{backend::Node, tx::SignedTx};

/// Per sender, per nonce (a decimal string, as geth keys them).
type BySender<T> = BTreeMap<Address, BTreeMap<String, T>>;

#[derive(Serialize, Clone)]
struct Split<T> {
    pending: BySender<T>,
    queued: BySender<T>,
}

#[derive(Serialize, Clone)]
struct Status {
    pending: U64,
    queued: U64,
}

pub fn register(module: &mut RpcModule<Context>) -> Result<()> {
    read_method(module, "txpool_status", |_, node| {
        Ok(Status {
            pending: U64::from(node.pool().pending().len()),
            queued: U64::from(node.pool().queued().count()),
        })
    })?;
    read_method(module, "txpool_inspect", |_, node| Ok(split(node, summary)))?;
    read_method(module, "txpool_content", |_, node| {
        Ok(split(node, SignedTx::rpc_transaction))
    })?;
    method(module, "anvil_dropTransaction", |params, ctx| {
        let hash: B256 = one(params)?;
        Ok(ctx.node().drop_transaction(hash).then_some(hash))
    })?;
    method(module, "anvil_dropAllTransactions", |_, ctx| {
        ctx.node().drop_all_transactions();
        Ok(())
    })?;
    Ok(())
}

fn split<T>(node: &Node, show: impl Fn(&SignedTx) -> T) -> Split<T> {
    let group = |txs: &mut dyn Iterator<Item = &SignedTx>| {
        let mut out: BySender<T> = BTreeMap::new();
        for tx in txs {
            let nonce = tx.envelope.nonce().to_string();
            out.entry(tx.from).or_default().insert(nonce, show(tx));
        }
        out
    };
    Split {
        pending: group(&mut node.pool().pending().iter()),
        queued: group(&mut node.pool().queued()),
    }
}

/// geth's one-line summary: `0xto: value wei + gas gas × price wei`.
fn summary(tx: &SignedTx) -> String {
    let tx = &tx.envelope;
    let to = match tx.to() {
        Some(to) => to.to_string(),
        None => "contract creation".into(),
    };
    format!(
        "{to}: {} wei + {} gas × {} wei",
        tx.value(),
        tx.gas_limit(),
        tx.max_fee_per_gas()
    )
}
