//! The developer helpers test frameworks rely on, as anvil (and Hardhat, under `hardhat_`)
//! names them.

use std::time::Duration;

use alloy_primitives::{Address, Bytes, B256, U256, U64};
use anyhow::Result;
use jsonrpsee::{types::Params, RpcModule};

use parking_lot::MutexGuard;

use super::{
    errors::{internal, invalid_params, RpcResult},
    eth::{method, one, read_method},
    Context,
};
use crate::backend::{dump, time, Node};

pub fn register(module: &mut RpcModule<Context>) -> Result<()> {
    method(module, "evm_mine", evm_mine)?;
    method(module, "anvil_mine", anvil_mine)?;
    method(module, "evm_snapshot", |_, ctx| {
        Ok(U64::from(ctx.node().snapshot()))
    })?;
    method(module, "evm_revert", |params, ctx| {
        let id: U64 = one(params)?;
        let mut node = ctx.node();
        let reverted = node.revert(id.to()).map_err(internal)?;
        ctx.filters().rewind(node.head().number);
        Ok(reverted)
    })?;
    method(module, "evm_increaseTime", |params, ctx| {
        let seconds: U256 = one(params)?;
        let seconds = i64::try_from(seconds).map_err(|_| invalid_params("too many seconds"))?;
        Ok(U64::from(ctx.node().increase_time(seconds)?.max(0)))
    })?;
    method(module, "evm_setNextBlockTimestamp", |params, ctx| {
        let timestamp: U64 = one(params)?;
        ctx.node().set_next_timestamp(timestamp.to())?;
        Ok(())
    })?;
    method(module, "evm_setAutomine", |params, ctx| {
        let on: bool = one(params)?;
        ctx.node().set_automine(on);
        if on {
            // A block per transaction replaces blocks on a clock, as in anvil.
            ctx.set_interval(None);
        }
        Ok(())
    })?;
    read_method(module, "anvil_dumpState", |_, node| {
        let dump = node.dump_state().map_err(internal)?;
        Ok(Bytes::from(dump::to_gzip(&dump).map_err(internal)?))
    })?;
    method(module, "anvil_loadState", |params, ctx| {
        let bytes: Bytes = one(params)?;
        let state = dump::from_bytes(&bytes).map_err(|e| invalid_params(format!("{e:#}")))?;
        ctx.node().load_state(&state).map_err(internal)?;
        Ok(true)
    })?;
    method(module, "evm_setIntervalMining", |params, ctx| {
        let seconds: u64 = one(params)?;
        let interval = (seconds > 0).then(|| Duration::from_secs(seconds));
        if interval.is_some() {
            ctx.node().set_automine(false);
        }
        ctx.set_interval(interval);
        Ok(())
    })?;
    method(module, "anvil_setBalance", |params, ctx| {
        let mut seq = params.sequence();
        let (address, balance): (Address, U256) = (seq.next()?, seq.next()?);
        ctx.node().set_balance(address, balance).map_err(internal)
    })?;
    method(module, "anvil_setCode", |params, ctx| {
        let mut seq = params.sequence();
        let (address, code): (Address, Bytes) = (seq.next()?, seq.next()?);
        ctx.node().set_code(address, &code).map_err(internal)
    })?;
    method(module, "anvil_setStorageAt", |params, ctx| {
        let mut seq = params.sequence();
        let address: Address = seq.next()?;
        let slot: U256 = seq.next()?;
        let value: B256 = seq.next()?;
        ctx.node()
            .set_storage(address, B256::from(slot), value)
            .map_err(|e| invalid_params(format!("{e:#}")))?;
        Ok(true)
    })?;
    method(module, "anvil_setNonce", |params, ctx| {
        let mut seq = params.sequence();
        let (address, nonce): (Address, U64) = (seq.next()?, seq.next()?);
        ctx.node().set_nonce(address, nonce.to()).map_err(internal)
    })?;
    read_method(module, "anvil_getAutomine", |_, node| Ok(node.automine()))?;
    method(module, "anvil_reset", anvil_reset)?;
    method(module, "anvil_impersonateAccount", |params, ctx| {
        let address: Address = one(params)?;
        ctx.node().impersonate(address, true);
        Ok(())
    })?;
    method(module, "anvil_stopImpersonatingAccount", |params, ctx| {
        let address: Address = one(params)?;
        ctx.node().impersonate(address, false);
        Ok(())
    })?;
    method(module, "anvil_autoImpersonateAccount", |params, ctx| {
        let on: bool = one(params)?;
        ctx.node().auto_impersonate(on);
        Ok(())
    })?;
    read_method(module, "anvil_metadata", |_, node| Ok(metadata(node)))?;
    read_method(module, "anvil_nodeInfo", |_, node| Ok(node_info(node)))?;
    // anvil's names for the `evm_` helpers.
    for (anvil, evm) in [
        ("anvil_snapshot", "evm_snapshot"),
        ("anvil_revert", "evm_revert"),
        ("anvil_increaseTime", "evm_increaseTime"),
        ("anvil_setNextBlockTimestamp", "evm_setNextBlockTimestamp"),
        ("anvil_setAutomine", "evm_setAutomine"),
        ("anvil_setIntervalMining", "evm_setIntervalMining"),
    ] {
        module.register_alias(anvil, evm)?;
    }
    for (hardhat, anvil) in [
        ("hardhat_mine", "anvil_mine"),
        ("hardhat_setBalance", "anvil_setBalance"),
        ("hardhat_setCode", "anvil_setCode"),
        ("hardhat_setStorageAt", "anvil_setStorageAt"),
        ("hardhat_setNonce", "anvil_setNonce"),
        ("hardhat_getAutomine", "anvil_getAutomine"),
        ("hardhat_reset", "anvil_reset"),
        ("hardhat_metadata", "anvil_metadata"),
        ("hardhat_impersonateAccount", "anvil_impersonateAccount"),
        (
            "hardhat_stopImpersonatingAccount",
            "anvil_stopImpersonatingAccount",
        ),
    ] {
        module.register_alias(hardhat, anvil)?;
    }
    Ok(())
}

/// `anvil_metadata`/`hardhat_metadata`: what tools read to tell a dev chain (and which run of
/// it) they are talking to.
fn metadata(node: &Node) -> serde_json::Value {
    let head = node.head();
    serde_json::json!({
        "clientVersion": super::eth::CLIENT_VERSION,
        "chainId": node.chain_id(),
        "instanceId": node.instance_id(),
        "latestBlockNumber": head.number,
        "latestBlockHash": head.hash,
        "forkedNetwork": null,
        "snapshots": {},
    })
}

/// `anvil_nodeInfo`: the chain's settings, in anvil's shape.
fn node_info(node: &Node) -> serde_json::Value {
    let head = node.head();
    serde_json::json!({
        "currentBlockNumber": head.number,
        "currentBlockTimestamp": head.header.timestamp,
        "currentBlockHash": head.hash,
        "hardFork": "osaka",
        "transactionOrder": "fifo",
        "environment": {
            "baseFee": crate::backend::fees::BASE_FEE,
            "chainId": node.chain_id(),
            "gasLimit": crate::backend::BLOCK_GAS_LIMIT,
            "gasPrice": crate::backend::fees::GAS_PRICE,
        },
        "forkConfig": {},
    })
}

/// `evm_mine`, optionally at a timestamp: mines the pending transactions into one block.
fn evm_mine(params: Params<'_>, ctx: &Context) -> RpcResult<String> {
    let mut seq = params.sequence();
    let timestamp: Option<U64> = seq.optional_next()?;
    ctx.node().mine_pending(timestamp.map(|t| t.to()))?;
    Ok("0x0".into())
}

/// `anvil_reset`: back to this chain's genesis. Forking (a `forking` or `jsonRpcUrl` option) is
/// not something this chain can do, and is refused rather than ignored.
fn anvil_reset(params: Params<'_>, ctx: &Context) -> RpcResult<()> {
    let mut seq = params.sequence();
    let options: Option<serde_json::Value> = seq.optional_next()?;
    let forks = |o: &serde_json::Value| o.get("forking").is_some() || o.get("jsonRpcUrl").is_some();
    if options.as_ref().is_some_and(forks) {
        return Err(invalid_params(
            "forking is not supported: this chain has only its own state",
        ));
    }
    ctx.node().reset().map_err(internal)?;
    ctx.filters().rewind(0);
    Ok(())
}

/// Empty blocks sealed per hold of the node (one database write each).
const EMPTY_BLOCKS_PER_WRITE: u64 = 1_000;

/// `anvil_mine(count, interval)`: `count` blocks (default 1). With an interval, the clock moves
/// on by it before the first block, as anvil's does, so a timestamp set for the next block is
/// kept (`time.increaseTo`: `evm_setNextBlockTimestamp`, then `hardhat_mine` of one block);
/// each later block is exactly the interval after the one before, as in Hardhat. The first
/// block takes the pending transactions; the others are empty, and are sealed
/// [`EMPTY_BLOCKS_PER_WRITE`] at a time, the node handed fairly to a waiting request in
/// between, so a week of blocks (`hardhat_mine` of 50,400) takes seconds and holds up no one.
fn anvil_mine(params: Params<'_>, ctx: &Context) -> RpcResult<()> {
    let mut seq = params.sequence();
    let count: Option<U64> = seq.optional_next()?;
    let interval: Option<U64> = seq.optional_next()?;
    let count = count.map(|c| c.to::<u64>()).unwrap_or(1);
    let most = ctx.limits.max_mine_blocks;
    if count > most {
        return Err(invalid_params(format!("at most {most} blocks at once")));
    }
    if count == 0 {
        return Ok(());
    }
    let interval = interval.map(|i| i.to::<u64>().max(1));
    let head = ctx.node().head().header.timestamp;
    time::check_span(head, count, interval.unwrap_or(1))?;
    {
        let mut node = ctx.node();
        if let Some(interval) = interval {
            // check_span kept the interval within the clock's range.
            let seconds =
                i64::try_from(interval).map_err(|_| invalid_params("interval too large"))?;
            node.increase_time(seconds)?;
        }
        node.mine_pending(None)?;
    }
    let mut left = count - 1;
    while left > 0 {
        let blocks = left.min(EMPTY_BLOCKS_PER_WRITE);
        let mut node = ctx.node();
        node.mine_empty(blocks, interval)?;
        MutexGuard::unlock_fair(node);
        left -= blocks;
    }
    Ok(())
}
