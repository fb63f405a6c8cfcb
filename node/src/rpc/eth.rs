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

/// Registers a method whose work runs on the blocking pool: it may run the FVM, for as long as
/// its gas allows, and a server thread doing that would stop serving its other connections
/// (tokio polls the sockets from its worker threads).
pub fn method<R>(
    module: &mut RpcModule<Context>,
    name: &'static str,
    handler: fn(Params<'_>, &Context) -> RpcResult<R>,
) -> Result<()>
where
    R: Serialize + Clone + Send + Sync + 'static,
{
    module.register_blocking_method(name, move |params, context, _| handler(params, &context))?;
    Ok(())
}

/// Registers a method that only reads the node. A read holds the node briefly (a receipt took
/// 0.05 ms under `bench`'s transfer load), so when the node is free it runs at once on the
/// server thread that received it, with the node locked there; only when another request
/// holds the node does it wait on the blocking pool. Handing every read to the pool cost a
/// thread wake-up each: in `bench`'s transfer load, half the requests are receipts.
pub fn read_method<R>(
    module: &mut RpcModule<Context>,
    name: &'static str,
    handler: fn(Params<'_>, &Node) -> RpcResult<R>,
) -> Result<()>
where
    R: Serialize + Clone + Send + Sync + 'static,
{
    module.register_async_method(name, move |params, context, _| async move {
        if let Some(node) = context.try_node() {
            // A panic answers as the blocking pool would: an internal error, the server serving on.
            return catch_unwind(AssertUnwindSafe(|| handler(params, &node)))
                .unwrap_or_else(|_| Err(internal(anyhow!("{name} panicked"))));
        }
        tokio::task::spawn_blocking(move || handler(params, &context.node()))
            .await
            .unwrap_or_else(|e| Err(internal(anyhow!("{name}: {e}"))))
    })?;
    Ok(())
}

pub fn register(module: &mut RpcModule<Context>) -> Result<()> {
    method(module, "web3_clientVersion", |_, _| {
        Ok(CLIENT_VERSION.to_string())
    })?;
    read_method(module, "net_version", |_, node| {
        Ok(node.chain_id().to_string())
    })?;
    method(module, "net_listening", |_, _| Ok(true))?;
    read_method(module, "eth_chainId", |_, node| {
        Ok(U64::from(node.chain_id()))
    })?;
    read_method(module, "eth_blockNumber", |_, node| {
        Ok(U64::from(node.head().number))
    })?;
    method(module, "eth_syncing", |_, _| Ok(false))?;
    method(module, "eth_mining", |_, _| Ok(true))?;
    read_method(module, "eth_accounts", |_, node| {
        Ok(node
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
    read_method(module, "eth_getBalance", |params, node| {
        let (address, block): (Address, Option<BlockId>) = two(params)?;
        Ok(node.balance(address, block_ref(block))?)
    })?;
    read_method(module, "eth_getCode", |params, node| {
        let (address, block): (Address, Option<BlockId>) = two(params)?;
        Ok(node.code(address, block_ref(block))?)
    })?;
    read_method(module, "eth_getStorageAt", |params, node| {
        let mut seq = params.sequence();
        let address: Address = seq.next()?;
        let slot: U256 = seq.next()?;
        let block: Option<BlockId> = seq.optional_next()?;
        Ok(node.storage(address, B256::from(slot), block_ref(block))?)
    })?;
    read_method(module, "eth_getTransactionCount", |params, node| {
        let (address, block): (Address, Option<BlockId>) = two(params)?;
        let nonce = if block == Some(BlockId::Number(BlockNumberOrTag::Pending)) {
            node.pending_nonce(address).map_err(internal)?
        } else {
            node.nonce(address, block_ref(block))?
        };
        Ok(U64::from(nonce))
    })?;
    read_method(module, "eth_getBlockByNumber", |params, node| {
        let (number, full): (BlockNumberOrTag, Option<bool>) = two(params)?;
        rpc_block(node, number_ref(number), full.unwrap_or(false))
    })?;
    read_method(module, "eth_getBlockByHash", |params, node| {
        let (hash, full): (B256, Option<bool>) = two(params)?;
        rpc_block(node, BlockRef::Hash(hash), full.unwrap_or(false))
    })?;
    read_method(
        module,
        "eth_getBlockTransactionCountByNumber",
        |params, node| {
            let number: BlockNumberOrTag = one(params)?;
            transaction_count(node, number_ref(number))
        },
    )?;
    read_method(
        module,
        "eth_getBlockTransactionCountByHash",
        |params, node| {
            let hash: B256 = one(params)?;
            transaction_count(node, BlockRef::Hash(hash))
        },
    )?;
    read_method(module, "eth_getTransactionByHash", |params, node| {
        let hash: B256 = one(params)?;
        let Some(record) = node.transaction(hash).map_err(internal)? else {
            return Ok(None);
        };
        let timestamp = block_timestamp(node, record.block_number)?;
        Ok(Some(
            record.rpc_transaction(Some(timestamp)).map_err(internal)?,
        ))
    })?;
    read_method(
        module,
        "eth_getTransactionByBlockHashAndIndex",
        |params, node| {
            let (hash, index): (B256, U64) = pair(params)?;
            transaction_at(node, BlockRef::Hash(hash), index.to())
        },
    )?;
    read_method(
        module,
        "eth_getTransactionByBlockNumberAndIndex",
        |params, node| {
            let (number, index): (BlockNumberOrTag, U64) = pair(params)?;
            transaction_at(node, number_ref(number), index.to())
        },
    )?;
    read_method(module, "eth_getTransactionReceipt", |params, node| {
        let hash: B256 = one(params)?;
        let Some(record) = node.transaction(hash).map_err(internal)? else {
            return Ok(None);
        };
        let timestamp = block_timestamp(node, record.block_number)?;
        Ok(Some(record.rpc_receipt(timestamp).map_err(internal)?))
    })?;
    read_method(module, "eth_getBlockReceipts", |params, node| {
        let block: BlockId = one(params)?;
        let Some(record) = node.block(block_ref(Some(block))).map_err(internal)? else {
            return Ok(None);
        };
        let receipts = transactions_of(node, &record)?
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
