//! Parity-style traces, as Lotus serves them to explorers (Blockscout's Filecoin variant
//! indexes internal transactions with them): `trace_transaction`, `trace_block`,
//! `trace_filter`, `trace_replayTransaction` and `trace_replayBlockTransactions` (the `trace`
//! part; state diffs and VM traces are not kept and answer null). Each transaction is replayed
//! with the FVM's tracing on ([`crate::backend::replay`]), as `debug_traceTransaction` does.

use alloy_primitives::B256;
use alloy_rpc_types_eth::BlockNumberOrTag;
use alloy_rpc_types_trace::{
    filter::TraceFilter,
    geth::CallFrame,
    parity::{LocalizedTransactionTrace, TraceResults, TraceResultsWithTransactionHash},
};
use anyhow::Result;
use jsonrpsee::RpcModule;

use super::{
    errors::{internal, invalid_params, RpcResult},
    eth::{method, one, pair},
    params::number_ref,
    Context,
};
use crate::{
    backend::BlockRef,
    parity_trace::{self, Position},
};

pub fn register(module: &mut RpcModule<Context>) -> Result<()> {
    method(module, "trace_transaction", |params, ctx| {
        let hash: B256 = one(params)?;
        Ok(traced(ctx, hash)?.map(|(frame, position)| parity_trace::localized(&frame, position)))
    })?;
    method(module, "trace_block", |params, ctx| {
        let block: BlockNumberOrTag = one(params)?;
        let Some(hashes) = transactions_of(ctx, number_ref(block))? else {
            return Ok(None);
        };
        Ok(Some(localized(ctx, hashes)?))
    })?;
    method(module, "trace_filter", |params, ctx| {
        let filter: TraceFilter = one(params)?;
        filtered(ctx, &filter)
    })?;
    method(module, "trace_replayTransaction", |params, ctx| {
        let (hash, _types): (B256, Vec<String>) = pair(params)?;
        Ok(traced(ctx, hash)?.map(|(frame, _)| results(&frame)))
    })?;
    method(module, "trace_replayBlockTransactions", |params, ctx| {
        let (block, _types): (BlockNumberOrTag, Vec<String>) = pair(params)?;
        let Some(hashes) = transactions_of(ctx, number_ref(block))? else {
            return Ok(None);
        };
        let mut replayed = Vec::new();
        for hash in hashes {
            if let Some((frame, _)) = traced(ctx, hash)? {
                replayed.push(TraceResultsWithTransactionHash {
                    full_trace: results(&frame),
                    transaction_hash: hash,
                });
            }
        }
        Ok(Some(replayed))
    })?;
    Ok(())
}

/// The call frames of mined transaction `hash` and where it sits, or `None` if unknown.
/// Prepared while holding the node, replayed without it.
pub(super) fn traced(ctx: &Context, hash: B256) -> RpcResult<Option<(CallFrame, Position)>> {
    let replay = ctx.node().replay(hash).map_err(internal)?;
    let Some(replay) = replay else {
        return Ok(None);
    };
    let position = replay.position();
    Ok(replay
        .run()
        .map_err(internal)?
        .map(|traced| (traced.frame, position)))
}

/// The traces of `hashes`, in order.
pub(super) fn localized(
    ctx: &Context,
    hashes: Vec<B256>,
) -> RpcResult<Vec<LocalizedTransactionTrace>> {
    let mut traces = Vec::new();
    for hash in hashes {
        if let Some((frame, position)) = traced(ctx, hash)? {
            traces.extend(parity_trace::localized(&frame, position));
        }
    }
    Ok(traces)
}

/// `trace_filter`: the traces of the blocks `fromBlock` (the first) to `toBlock` (the head)
/// whose addresses match, from the `after`-th on, at most `count` of them.
fn filtered(ctx: &Context, filter: &TraceFilter) -> RpcResult<Vec<LocalizedTransactionTrace>> {
    let head = ctx.node().head().number;
    let from = filter.from_block.unwrap_or(0);
    let to = filter.to_block.unwrap_or(head);
    if to > head {
        return Err(invalid_params(format!(
            "toBlock {to} is past the head ({head})"
        )));
    }
    if to.saturating_sub(from) >= ctx.limits.max_log_blocks {
        return Err(invalid_params(format!(
            "at most {} blocks per trace_filter",
            ctx.limits.max_log_blocks
        )));
    }
    let matcher = filter.matcher();
    let mut matching = Vec::new();
    for number in from..=to {
        let Some(hashes) = transactions_of(ctx, BlockRef::Number(number))? else {
            continue;
        };
        let traces = localized(ctx, hashes)?;
        matching.extend(traces.into_iter().filter(|t| matcher.matches(&t.trace)));
    }
    let after = filter.after.unwrap_or(0) as usize;
    let count = filter.count.map_or(usize::MAX, |count| count as usize);
    Ok(matching.into_iter().skip(after).take(count).collect())
}

pub(super) fn transactions_of(ctx: &Context, block: BlockRef) -> RpcResult<Option<Vec<B256>>> {
    let record = ctx.node().block(block).map_err(internal)?;
    Ok(record.map(|record| record.transactions))
}

fn results(frame: &CallFrame) -> TraceResults {
    TraceResults {
        output: frame.output.clone().unwrap_or_default(),
        state_diff: None,
        trace: parity_trace::flatten(frame),
        vm_trace: None,
    }
}
