//! geth's `debug_trace*` methods: `debug_traceTransaction`, `debug_traceCall`,
//! `debug_traceBlockByNumber` and `debug_traceBlockByHash`, with the tracers of
//! [`crate::tracers`]. Each run is prepared while holding the node and replayed without it.

use alloy_primitives::B256;
use alloy_rpc_types_eth::{BlockId, BlockNumberOrTag, TransactionRequest};
use alloy_rpc_types_trace::geth::{GethDebugTracingOptions, GethTrace, TraceResult};
use anyhow::Result;
use jsonrpsee::RpcModule;

use super::{
    errors::{internal, RpcResult},
    eth::method,
    params::{block_ref, call_params, number_ref},
    Context,
};
use crate::{
    backend::{replay, BlockRef, NodeError},
    tracers,
};

pub fn register(module: &mut RpcModule<Context>) -> Result<()> {
    method(module, "debug_traceTransaction", |params, ctx| {
        let mut seq = params.sequence();
        let hash: B256 = seq.next()?;
        let options = options(seq.optional_next()?);
        traced_transaction(ctx, hash, &options)?.ok_or_else(|| NodeError::UnknownTransaction.into())
    })?;
    method(module, "debug_traceCall", |params, ctx| {
        let mut seq = params.sequence();
        let request: TransactionRequest = seq.next()?;
        let block: Option<BlockId> = seq.optional_next()?;
        let options = options(seq.optional_next()?);
        let view = ctx.node().view(block_ref(block))?;
        let steps = tracers::records_steps(&options, view.records_steps())?;
        let traced = replay::trace_call(view, &call_params(request), steps)?;
        Ok(tracers::trace(traced, &options, None)?)
    })?;
    method(module, "debug_traceBlockByNumber", |params, ctx| {
        let mut seq = params.sequence();
        let number: BlockNumberOrTag = seq.next()?;
        let options = options(seq.optional_next()?);
        traced_block(ctx, number_ref(number), &options)
    })?;
    method(module, "debug_traceBlockByHash", |params, ctx| {
        let mut seq = params.sequence();
        let hash: B256 = seq.next()?;
        let options = options(seq.optional_next()?);
        traced_block(ctx, BlockRef::Hash(hash), &options)
    })?;
    Ok(())
}

fn options(options: Option<GethDebugTracingOptions>) -> GethDebugTracingOptions {
    options.unwrap_or_default()
}

/// What `options` asks of mined transaction `hash`, or `None` if it is unknown.
fn traced_transaction(
    ctx: &Context,
    hash: B256,
    options: &GethDebugTracingOptions,
) -> RpcResult<Option<GethTrace>> {
    // A `let`, so the node is released before the replay runs.
    let replay = ctx.node().replay(hash).map_err(internal)?;
    let Some(replay) = replay else {
        return Ok(None);
    };
    let position = replay.position();
    let steps = tracers::records_steps(options, replay.records_steps())?;
    let replay = replay.with_steps(steps);
    let Some(traced) = replay.run().map_err(internal)? else {
        return Ok(None);
    };
    Ok(Some(tracers::trace(traced, options, Some(position))?))
}

/// Each transaction of `block` traced, in order, as geth lists them.
fn traced_block(
    ctx: &Context,
    block: BlockRef,
    options: &GethDebugTracingOptions,
) -> RpcResult<Vec<TraceResult>> {
    let record = ctx.node().block(block).map_err(internal)?;
    let record = record.ok_or(NodeError::UnknownBlock)?;
    let mut results = Vec::with_capacity(record.transactions.len());
    for hash in record.transactions {
        let trace = traced_transaction(ctx, hash, options)?.ok_or_else(|| {
            internal(anyhow::anyhow!(
                "transaction {hash} of the block is missing"
            ))
        })?;
        results.push(TraceResult::Success {
            result: trace,
            tx_hash: Some(hash),
        });
    }
    Ok(results)
}
