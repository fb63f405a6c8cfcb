//! The `eth_`, `net_` and `web3_` methods: what Lotus serves, in the shapes geth answers.

use std::panic::{catch_unwind, AssertUnwindSafe};

use alloy_primitives::{Address, Bytes, B256, U256, U64};
use alloy_rpc_types_eth::{
    state::StateOverride, AccessListResult, BlockId, BlockNumberOrTag, FeeHistory, Filter,
    TransactionRequest,
};
use anyhow::{anyhow, Result};
use jsonrpsee::{types::Params, RpcModule};
use serde::Serialize;

use super::{
    errors::{internal, RpcResult},
    params::{block_ref, call_params, number_ref, requested_fees},
    Context,
};
use crate::{
    backend::{
        calls,
        fees::{self, BASE_FEE, GAS_PRICE, PRIORITY_FEE},
        logs, overrides, BlockRef, Node, NodeError, Records,
    },
    records::BlockRecord,
    tx::SignedTx,
};

/// Named for anvil, whose helper methods the node serves: test frameworks turn their dev-chain
/// helpers on only for a client whose name starts with `anvil`, `hardhat` or `zksync`
/// (Hardhat's network helpers, whose `loadFixture` and `time` every Hardhat test template
/// uses), and choose the dialect of their calls by it.
pub const CLIENT_VERSION: &str = concat!("anvil/fvm-devnet-v", env!("CARGO_PKG_VERSION"));

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
    module.register_blocking_method(name, move |params, context, _| {
        guarded(name, || handler(params, &context))
    })?;
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
    register_read(module, name, true, handler)
}

/// Registers a method that reads only the node's records (blocks, transactions, receipts, the
/// pool), as [`read_method`] does, but without waiting for the end of the head's epoch.
pub fn record_method<R>(
    module: &mut RpcModule<Context>,
    name: &'static str,
    handler: fn(Params<'_>, &Records) -> RpcResult<R>,
) -> Result<()>
where
    R: Serialize + Clone + Send + Sync + 'static,
{
    register_read(module, name, false, move |params, node| {
        handler(params, &node.records())
    })
}

/// Registers `read` as [`read_method`] says, on the node settled if `settle`.
fn register_read<R>(
    module: &mut RpcModule<Context>,
    name: &'static str,
    settle: bool,
    read: impl Fn(Params<'_>, &Node) -> RpcResult<R> + Copy + Send + Sync + 'static,
) -> Result<()>
where
    R: Serialize + Clone + Send + Sync + 'static,
{
    module.register_async_method(name, move |params, context, _| async move {
        if let Some(node) = context.try_lock(settle) {
            return guarded(name, || read(params, &node));
        }
        tokio::task::spawn_blocking(move || guarded(name, || read(params, &context.lock(settle))))
            .await
            .unwrap_or_else(|e| Err(internal(anyhow!("{name}: {e}"))))
    })?;
    Ok(())
}

/// Runs a handler; a panic becomes an internal error answered to the request that caused it
/// (with its id), and the server serves on.
fn guarded<R>(name: &str, handler: impl FnOnce() -> RpcResult<R>) -> RpcResult<R> {
    catch_unwind(AssertUnwindSafe(handler))
        .unwrap_or_else(|_| Err(internal(anyhow!("{name} panicked"))))
}

pub fn register(module: &mut RpcModule<Context>) -> Result<()> {
    method(module, "web3_clientVersion", |_, _| {
        Ok(CLIENT_VERSION.to_string())
    })?;
    record_method(module, "net_version", |_, node| {
        Ok(node.chain_id().to_string())
    })?;
    method(module, "net_listening", |_, _| Ok(true))?;
    record_method(module, "eth_chainId", |_, node| {
        Ok(U64::from(node.chain_id()))
    })?;
    record_method(module, "eth_blockNumber", |_, node| {
        Ok(U64::from(node.head().number))
    })?;
    method(module, "eth_syncing", |_, _| Ok(false))?;
    method(module, "eth_mining", |_, _| Ok(true))?;
    read_method(module, "eth_accounts", |_, node| {
        Ok(node
            .accounts()
            .iter()
            .map(|a| a.address())
            .collect::<Vec<_>>())
    })?;
    method(module, "eth_gasPrice", |_, _| Ok(U256::from(GAS_PRICE)))?;
    method(module, "eth_maxPriorityFeePerGas", |_, _| {
        Ok(U256::from(PRIORITY_FEE))
    })?;
    method(module, "eth_baseFee", |_, _| Ok(U256::from(BASE_FEE)))?;
    // Filecoin has no blobs; EIP-4844's lowest blob base fee.
    method(module, "eth_blobBaseFee", |_, _| Ok(U256::from(1)))?;
    // Lotus answers the network version the chain runs at.
    read_method(module, "eth_protocolVersion", |_, node| {
        let version = node.state().chain_ref().config().network_version;
        Ok(U64::from(u32::from(version)))
    })?;
    read_method(module, "eth_getRawTransactionByHash", |params, node| {
        let hash: B256 = one(params)?;
        Ok(match node.transaction(hash).map_err(internal)? {
            Some(record) => Some(record.raw),
            None => node.pool().get(hash).map(|tx| tx.raw.clone()),
        })
    })?;
    method(module, "eth_feeHistory", fee_history)?;
    read_method(module, "eth_getBalance", |params, node| {
        let (address, block): (Address, Option<BlockId>) = two(params)?;
        Ok(node.state().balance(address, block_ref(block))?)
    })?;
    read_method(module, "eth_getCode", |params, node| {
        let (address, block): (Address, Option<BlockId>) = two(params)?;
        Ok(node.state().code(address, block_ref(block))?)
    })?;
    read_method(module, "eth_getStorageAt", |params, node| {
        let mut seq = params.sequence();
        let address: Address = seq.next()?;
        let slot: U256 = seq.next()?;
        let block: Option<BlockId> = seq.optional_next()?;
        Ok(node
            .state()
            .storage(address, B256::from(slot), block_ref(block))?)
    })?;
    read_method(module, "eth_getTransactionCount", |params, node| {
        let (address, block): (Address, Option<BlockId>) = two(params)?;
        let nonce = if block == Some(BlockId::Number(BlockNumberOrTag::Pending)) {
            node.pending_nonce(address)
        } else {
            node.state().nonce(address, block_ref(block))?
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
    record_method(module, "eth_getTransactionByHash", |params, node| {
        let hash: B256 = one(params)?;
        let Some(record) = node.transaction(hash).map_err(internal)? else {
            // Not mined: pending or queued in the pool, as geth shows it (no block).
            return Ok(node.pooled(hash).map(SignedTx::rpc_transaction));
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
    read_method(
        module,
        "eth_getTransactionBySenderAndNonce",
        |params, node| {
            let (sender, nonce): (Address, U64) = pair(params)?;
            let found = node
                .state()
                .transaction_by_sender_and_nonce(sender, nonce.to())?;
            let Some(record) = found else {
                return Ok(None);
            };
            let timestamp = block_timestamp(&node.records(), record.block_number)?;
            Ok(Some(
                record.rpc_transaction(Some(timestamp)).map_err(internal)?,
            ))
        },
    )?;
    record_method(module, "eth_getTransactionReceipt", |params, node| {
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
        // Not settled: the pool checks the transaction while the head's epoch ends.
        let hash = ctx.lock(false).submit(tx)?;
        ctx.announce(hash);
        Ok(hash)
    })?;
    method(module, "eth_sendTransaction", send_transaction)?;
    // Calls and estimates take a view of the state while holding the node, then run the FVM
    // without it: a long call holds up no other client.
    method(module, "eth_call", |params, ctx| {
        let (request, block, overrides) = call_request(params)?;
        let mut view = ctx.node().view(block_ref(block))?;
        overrides::apply(&mut view, &overrides)?;
        Ok(calls::call(view, &call_params(request))?)
    })?;
    method(module, "eth_estimateGas", |params, ctx| {
        let (request, _block, overrides) = call_request(params)?;
        let mut view = ctx.node().view(BlockRef::Latest)?;
        overrides::apply(&mut view, &overrides)?;
        Ok(U64::from(calls::estimate_gas(view, &call_params(request))?))
    })?;
    // The FVM has no access lists: storage costs the same however it is reached. So the list
    // is empty, and the gas what the transaction uses without one.
    method(module, "eth_createAccessList", |params, ctx| {
        let (request, block): (TransactionRequest, Option<BlockId>) = two(params)?;
        let view = ctx.node().view(block_ref(block))?;
        let gas_used = calls::gas_used(view, &call_params(request))?;
        Ok(AccessListResult {
            access_list: Default::default(),
            gas_used: U256::from(gas_used),
            error: None,
        })
    })?;
    method(module, "eth_getLogs", |params, ctx| {
        let filter: Filter = one(params)?;
        let node = ctx.node();
        match logs::range(node.state(), &filter, ctx.limits.max_log_blocks)? {
            Some((from, to)) => Ok(logs::matching(node.state(), &filter, from, to)?),
            None => Ok(Vec::new()),
        }
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
    node.state().transactions_of(block).map_err(internal)
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

/// The parameters of `eth_call` and `eth_estimateGas`: the call, the block, state overrides.
fn call_request(
    params: Params<'_>,
) -> RpcResult<(TransactionRequest, Option<BlockId>, StateOverride)> {
    let mut seq = params.sequence();
    let request = seq.next()?;
    let block = seq.optional_next()?;
    let overrides: Option<StateOverride> = seq.optional_next()?;
    Ok((request, block, overrides.unwrap_or_default()))
}

fn block_timestamp(node: &Records, number: u64) -> RpcResult<u64> {
    Ok(node
        .block(BlockRef::Number(number))
        .map_err(internal)?
        .map(|b| b.header.timestamp)
        .unwrap_or_default())
}

/// `eth_sendTransaction`: estimated without holding the node when the request names no gas,
/// then signed and submitted.
fn send_transaction(params: Params<'_>, ctx: &Context) -> RpcResult<B256> {
    let request: TransactionRequest = one(params)?;
    let nonce = request.nonce;
    let fees = requested_fees(&request)?;
    let call = call_params(request);
    if call.from.is_none() {
        return Err(NodeError::Invalid("from is required".into()).into());
    }
    let gas = match call.gas {
        Some(gas) => gas,
        None => {
            let view = ctx.node().view(BlockRef::Latest)?;
            calls::estimate_gas(view, &call)?
        }
    };
    let hash = ctx.node().send(call, nonce, gas, fees)?;
    ctx.announce(hash);
    Ok(hash)
}

fn fee_history(params: Params<'_>, ctx: &Context) -> RpcResult<FeeHistory> {
    let mut seq = params.sequence();
    let count: U64 = seq.next()?;
    let newest: BlockNumberOrTag = seq.next()?;
    let percentiles: Option<Vec<f64>> = seq.optional_next()?;
    let node = ctx.node();
    Ok(fees::history(
        node.state(),
        count.to(),
        number_ref(newest),
        percentiles,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_handler_is_an_internal_error() {
        let answer: RpcResult<()> = guarded("boom", || panic!("a bug"));
        let error = answer.unwrap_err();
        assert_eq!(error.code(), -32603);
        assert!(error.message().contains("boom panicked"), "{error:?}");
    }
}
