//! The `eth_`, `net_` and `web3_` methods: what Lotus serves, in the shapes geth answers.

use std::panic::{catch_unwind, AssertUnwindSafe};

use alloy_primitives::{Address, Bytes, B256, U256, U64};
use alloy_rpc_types_eth::{
    BlockId, BlockNumberOrTag, FeeHistory, Filter, FilterBlockOption, Log, TransactionRequest,
};
use anyhow::{anyhow, Result};
use jsonrpsee::{types::Params, RpcModule};
use serde::Serialize;

use super::{
    errors::{internal, invalid_params, RpcResult},
    params::{block_ref, call_params, number_ref},
    Context,
};
use crate::{
    node::{BlockRef, Node, NodeError, BASE_FEE, PRIORITY_FEE},
    records::BlockRecord,
    tx::SignedTx,
};

pub const CLIENT_VERSION: &str = concat!("fvm-devnet/v", env!("CARGO_PKG_VERSION"));

/// Registers a method. Its work may block (it locks the node, and may run the FVM), so it runs
/// on the blocking pool while another request holds the node; when the node is free it runs
/// at once on the thread that read the request. Handing every request to another thread cost
/// about 15% of the dev node's throughput on a transfer load (a thread wake-up for each of the
/// two requests per transaction), and a request that would wait for the node still never holds
/// up the server's I/O.
pub fn method<R>(
    module: &mut RpcModule<Context>,
    name: &'static str,
    handler: fn(Params<'_>, &Context) -> RpcResult<R>,
) -> Result<()>
where
    R: Serialize + Clone + Send + Sync + 'static,
{
    module.register_async_method(name, move |params, context, _| async move {
        let free = context.node_is_free();
        let run = move || {
            catch_unwind(AssertUnwindSafe(|| handler(params, &context)))
                .unwrap_or_else(|_| Err(internal(anyhow!("the {name} handler panicked"))))
        };
        if free {
            run()
        } else {
            tokio::task::spawn_blocking(run)
                .await
                .unwrap_or_else(|e| Err(internal(anyhow!("the {name} handler failed: {e}"))))
        }
    })?;
    Ok(())
}

pub fn register(module: &mut RpcModule<Context>) -> Result<()> {
    method(module, "web3_clientVersion", |_, _| {
        Ok(CLIENT_VERSION.to_string())
    })?;
    method(module, "net_version", |_, ctx| {
        Ok(ctx.node().chain_id().to_string())
    })?;
    method(module, "net_listening", |_, _| Ok(true))?;
    method(module, "eth_chainId", |_, ctx| {
        Ok(U64::from(ctx.node().chain_id()))
    })?;
    method(module, "eth_blockNumber", |_, ctx| {
        Ok(U64::from(ctx.node().head().number))
    })?;
    method(module, "eth_syncing", |_, _| Ok(false))?;
    method(module, "eth_mining", |_, _| Ok(true))?;
    method(module, "eth_accounts", |_, ctx| {
        Ok(ctx
            .node()
            .accounts
            .iter()
            .map(|a| a.address())
            .collect::<Vec<_>>())
    })?;
    method(module, "eth_gasPrice", |_, _| {
        Ok(U256::from(BASE_FEE + PRIORITY_FEE))
    })?;
    method(module, "eth_maxPriorityFeePerGas", |_, _| {
        Ok(U256::from(PRIORITY_FEE))
    })?;
    method(module, "eth_feeHistory", fee_history)?;
    method(module, "eth_getBalance", |params, ctx| {
        let (address, block): (Address, Option<BlockId>) = two(params)?;
        Ok(ctx.node().balance(address, block_ref(block))?)
    })?;
    method(module, "eth_getCode", |params, ctx| {
        let (address, block): (Address, Option<BlockId>) = two(params)?;
        Ok(ctx.node().code(address, block_ref(block))?)
    })?;
    method(module, "eth_getStorageAt", |params, ctx| {
        let mut seq = params.sequence();
        let address: Address = seq.next()?;
        let slot: U256 = seq.next()?;
        let block: Option<BlockId> = seq.optional_next()?;
        Ok(ctx
            .node()
            .storage(address, B256::from(slot), block_ref(block))?)
    })?;
    method(module, "eth_getTransactionCount", |params, ctx| {
        let (address, block): (Address, Option<BlockId>) = two(params)?;
        let node = ctx.node();
        let nonce = if block == Some(BlockId::Number(BlockNumberOrTag::Pending)) {
            node.pending_nonce(address).map_err(internal)?
        } else {
            node.nonce(address, block_ref(block))?
        };
        Ok(U64::from(nonce))
    })?;
    method(module, "eth_getBlockByNumber", |params, ctx| {
        let (number, full): (BlockNumberOrTag, Option<bool>) = two(params)?;
        rpc_block(&ctx.node(), number_ref(number), full.unwrap_or(false))
    })?;
    method(module, "eth_getBlockByHash", |params, ctx| {
        let (hash, full): (B256, Option<bool>) = two(params)?;
        rpc_block(&ctx.node(), BlockRef::Hash(hash), full.unwrap_or(false))
    })?;
    method(
        module,
        "eth_getBlockTransactionCountByNumber",
        |params, ctx| {
            let number: BlockNumberOrTag = one(params)?;
            transaction_count(&ctx.node(), number_ref(number))
        },
    )?;
    method(
        module,
        "eth_getBlockTransactionCountByHash",
        |params, ctx| {
            let hash: B256 = one(params)?;
            transaction_count(&ctx.node(), BlockRef::Hash(hash))
        },
    )?;
    method(module, "eth_getTransactionByHash", |params, ctx| {
        let hash: B256 = one(params)?;
        let node = ctx.node();
        let Some(record) = node.transaction(hash).map_err(internal)? else {
            return Ok(None);
        };
        let timestamp = block_timestamp(&node, record.block_number)?;
        Ok(Some(
            record.rpc_transaction(Some(timestamp)).map_err(internal)?,
        ))
    })?;
    method(
        module,
        "eth_getTransactionByBlockHashAndIndex",
        |params, ctx| {
            let (hash, index): (B256, U64) = pair(params)?;
            transaction_at(&ctx.node(), BlockRef::Hash(hash), index.to())
        },
    )?;
    method(
        module,
        "eth_getTransactionByBlockNumberAndIndex",
        |params, ctx| {
            let (number, index): (BlockNumberOrTag, U64) = pair(params)?;
            transaction_at(&ctx.node(), number_ref(number), index.to())
        },
    )?;
    method(module, "eth_getTransactionReceipt", |params, ctx| {
        let hash: B256 = one(params)?;
        let node = ctx.node();
        let Some(record) = node.transaction(hash).map_err(internal)? else {
            return Ok(None);
        };
        let timestamp = block_timestamp(&node, record.block_number)?;
        Ok(Some(record.rpc_receipt(timestamp).map_err(internal)?))
    })?;
    method(module, "eth_getBlockReceipts", |params, ctx| {
        let block: BlockId = one(params)?;
        let node = ctx.node();
        let Some(record) = node.block(block_ref(Some(block))).map_err(internal)? else {
            return Ok(None);
        };
        let receipts = transactions_of(&node, &record)?
            .iter()
            .map(|tx| tx.rpc_receipt(record.header.timestamp))
            .collect::<Result<Vec<_>>>()
            .map_err(internal)?;
        Ok(Some(receipts))
    })?;
    method(module, "eth_sendRawTransaction", |params, ctx| {
        let raw: Bytes = one(params)?;
        let tx = SignedTx::decode(&raw).map_err(NodeError::from)?;
        Ok(ctx.node().submit(tx)?)
    })?;
    method(module, "eth_sendTransaction", |params, ctx| {
        let request: TransactionRequest = one(params)?;
        let nonce = request.nonce;
        Ok(ctx.node().send(call_params(request), nonce)?)
    })?;
    method(module, "eth_call", |params, ctx| {
        let (request, block): (TransactionRequest, Option<BlockId>) = two(params)?;
        Ok(ctx.node().call(&call_params(request), block_ref(block))?)
    })?;
    method(module, "eth_estimateGas", |params, ctx| {
        let (request, _block): (TransactionRequest, Option<BlockId>) = two(params)?;
        Ok(U64::from(ctx.node().estimate_gas(&call_params(request))?))
    })?;
    method(module, "eth_getLogs", |params, ctx| {
        let filter: Filter = one(params)?;
        logs(&ctx.node(), &filter, ctx.limits.max_log_blocks)
    })?;
    Ok(())
}

/// The one parameter of a method.
pub fn one<T: serde::de::DeserializeOwned>(params: Params) -> RpcResult<T> {
    let mut seq = params.sequence();
    seq.next()
}

/// Two required parameters.
pub fn pair<A, B>(params: Params) -> RpcResult<(A, B)>
where
    A: serde::de::DeserializeOwned,
    B: serde::de::DeserializeOwned,
{
    let mut seq = params.sequence();
    let a = seq.next()?;
    let b = seq.next()?;
    Ok((a, b))
}

/// A required parameter and an optional one.
pub fn two<A, B>(params: Params) -> RpcResult<(A, Option<B>)>
where
    A: serde::de::DeserializeOwned,
    B: serde::de::DeserializeOwned,
{
    let mut seq = params.sequence();
    let a = seq.next()?;
    let b = seq.optional_next()?;
    Ok((a, b))
}

fn rpc_block(
    node: &Node,
    block: BlockRef,
    full: bool,
) -> RpcResult<Option<alloy_rpc_types_eth::Block>> {
    let Some(record) = node.block(block).map_err(internal)? else {
        return Ok(None);
    };
    let transactions = if full {
        let timestamp = Some(record.header.timestamp);
        Some(
            transactions_of(node, &record)?
                .iter()
                .map(|tx| tx.rpc_transaction(timestamp))
                .collect::<Result<Vec<_>>>()
                .map_err(internal)?,
        )
    } else {
        None
    };
    Ok(Some(record.rpc_block(transactions)))
}

fn transactions_of(node: &Node, block: &BlockRecord) -> RpcResult<Vec<crate::records::TxRecord>> {
    block
        .transactions
        .iter()
        .map(|hash| {
            node.transaction(*hash).map_err(internal)?.ok_or_else(|| {
                internal(anyhow::anyhow!(
                    "transaction {hash} of block {} missing",
                    block.number
                ))
            })
        })
        .collect()
}

fn transaction_count(node: &Node, block: BlockRef) -> RpcResult<Option<U64>> {
    Ok(node
        .block(block)
        .map_err(internal)?
        .map(|b| U64::from(b.transactions.len())))
}

fn transaction_at(
    node: &Node,
    block: BlockRef,
    index: usize,
) -> RpcResult<Option<alloy_rpc_types_eth::Transaction>> {
    let Some(record) = node.block(block).map_err(internal)? else {
        return Ok(None);
    };
    let Some(hash) = record.transactions.get(index) else {
        return Ok(None);
    };
    let Some(tx) = node.transaction(*hash).map_err(internal)? else {
        return Ok(None);
    };
    Ok(Some(
        tx.rpc_transaction(Some(record.header.timestamp))
            .map_err(internal)?,
    ))
}

fn block_timestamp(node: &Node, number: u64) -> RpcResult<u64> {
    Ok(node
        .block(BlockRef::Number(number))
        .map_err(internal)?
        .map(|b| b.header.timestamp)
        .unwrap_or_default())
}

/// The blocks a filter covers, capped at `max_blocks`.
pub fn filter_range(node: &Node, filter: &Filter, max_blocks: u64) -> RpcResult<(u64, u64)> {
    let head = node.head().number;
    let resolve = |tag: Option<BlockNumberOrTag>| match tag {
        Some(BlockNumberOrTag::Number(n)) => n.min(head),
        Some(BlockNumberOrTag::Earliest) => 0,
        _ => head,
    };
    let (from, to) = match &filter.block_option {
        FilterBlockOption::AtBlockHash(hash) => {
            let number = node
                .block(BlockRef::Hash(*hash))
                .map_err(internal)?
                .ok_or_else(|| invalid_params(format!("unknown block {hash}")))?
                .number;
            (number, number)
        }
        FilterBlockOption::Range {
            from_block,
            to_block,
        } => (resolve(*from_block), resolve(*to_block)),
    };
    if from > to {
        return Err(invalid_params(format!(
            "invalid block range: from {from} is after to {to}"
        )));
    }
    if to - from >= max_blocks {
        return Err(invalid_params(format!(
            "block range too large: {} blocks, at most {max_blocks} per query",
            to - from + 1
        )));
    }
    Ok((from, to))
}

/// The logs matching `filter` in the blocks `from..=to`.
pub fn logs_in(node: &Node, filter: &Filter, from: u64, to: u64) -> RpcResult<Vec<Log>> {
    let mut found = Vec::new();
    for number in from..=to {
        let Some(block) = node.block(BlockRef::Number(number)).map_err(internal)? else {
            continue;
        };
        if !filter.matches_bloom(block.header.logs_bloom) {
            continue;
        }
        for tx in transactions_of(node, &block)? {
            found.extend(
                tx.rpc_logs(block.header.timestamp)
                    .into_iter()
                    .filter(|log| filter.matches(&log.inner)),
            );
        }
    }
    Ok(found)
}

fn logs(node: &Node, filter: &Filter, max_blocks: u64) -> RpcResult<Vec<Log>> {
    let (from, to) = filter_range(node, filter, max_blocks)?;
    logs_in(node, filter, from, to)
}

/// Fees are flat on a dev chain: every block has the same base fee and suggested tip.
fn fee_history(params: Params<'_>, ctx: &Context) -> RpcResult<FeeHistory> {
    let mut seq = params.sequence();
    let count: U64 = seq.next()?;
    let newest: BlockNumberOrTag = seq.next()?;
    let percentiles: Option<Vec<f64>> = seq.optional_next()?;
    let node = ctx.node();
    let newest = match number_ref(newest) {
        BlockRef::Number(n) => n.min(node.head().number),
        BlockRef::Earliest => 0,
        _ => node.head().number,
    };
    let count = count.to::<u64>().clamp(1, 1024).min(newest + 1);
    let oldest = newest + 1 - count;
    let mut gas_used_ratio = Vec::new();
    for number in oldest..=newest {
        let used = node
            .block(BlockRef::Number(number))
            .map_err(internal)?
            .map(|b| b.header.gas_used)
            .unwrap_or_default();
        gas_used_ratio.push(used as f64 / crate::node::BLOCK_GAS_LIMIT as f64);
    }
    Ok(FeeHistory {
        base_fee_per_gas: vec![BASE_FEE; count as usize + 1],
        gas_used_ratio,
        base_fee_per_blob_gas: Vec::new(),
        blob_gas_used_ratio: Vec::new(),
        oldest_block: oldest,
        reward: percentiles.map(|p| vec![vec![PRIORITY_FEE; p.len()]; count as usize]),
    })
}
