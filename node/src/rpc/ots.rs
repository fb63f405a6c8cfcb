//! Otterscan's methods (`ots_*`, API level 8) and `erigon_getHeaderByNumber`, so Otterscan can
//! browse the chain as it browses anvil's. Internal calls come from replaying the transaction
//! with the FVM's tracing on, as `debug_traceTransaction` does. The address searches
//! (`ots_searchTransactionsBefore`/`After`) replay the blocks they pass, as anvil's do: a dev
//! chain is small, and empty blocks cost nothing.

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_rpc_types_eth::{BlockId, BlockNumberOrTag};
use alloy_rpc_types_trace::{
    geth::CallFrame,
    otterscan::{
        BlockDetails, ContractCreator, InternalIssuance, InternalOperation, OperationType,
        OtsBlock, OtsBlockTransactions, OtsReceipt, OtsSlimBlock, OtsTransactionReceipt,
        TraceEntry, TransactionsWithReceipts,
    },
};
use anyhow::Result;
use jsonrpsee::RpcModule;

use super::{
    errors::{internal, invalid_params, RpcResult},
    eth::{method, one, read_method, two},
    params::{block_ref, number_ref},
    trace, Context,
};
use crate::{
    backend::{BlockRef, Node},
    records::{BlockRecord, TxRecord},
};

/// A block as Otterscan names it: a plain number, or a tag or `0x` quantity as elsewhere.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum OtsBlockNumber {
    Plain(u64),
    Tagged(BlockNumberOrTag),
}

impl OtsBlockNumber {
    fn block_ref(self) -> BlockRef {
        match self {
            OtsBlockNumber::Plain(number) => BlockRef::Number(number),
            OtsBlockNumber::Tagged(tagged) => number_ref(tagged),
        }
    }
}

/// The Otterscan API level the methods below follow.
const API_LEVEL: u64 = 8;
/// Most transactions one `ots_getBlockTransactions` page holds.
const MAX_PAGE_SIZE: usize = 1_000;

pub fn register(module: &mut RpcModule<Context>) -> Result<()> {
    read_method(module, "ots_getApiLevel", |_, _| Ok(API_LEVEL))?;
    read_method(module, "ots_hasCode", |params, node| {
        let (address, block): (Address, Option<BlockId>) = two(params)?;
        Ok(!node.state().code(address, block_ref(block))?.is_empty())
    })?;
    read_method(module, "erigon_getHeaderByNumber", |params, node| {
        let number: OtsBlockNumber = one(params)?;
        Ok(block(node, number.block_ref())?.map(|record| record.rpc_block(None).header))
    })?;
    read_method(module, "ots_getBlockDetails", |params, node| {
        let number: OtsBlockNumber = one(params)?;
        details(node, number.block_ref())
    })?;
    read_method(module, "ots_getBlockDetailsByHash", |params, node| {
        let hash: B256 = one(params)?;
        details(node, BlockRef::Hash(hash))
    })?;
    read_method(module, "ots_getBlockTransactions", |params, node| {
        let mut seq = params.sequence();
        let number: OtsBlockNumber = seq.next()?;
        let page: usize = seq.next()?;
        let page_size: usize = seq.next()?;
        block_transactions(node, number.block_ref(), page, page_size)
    })?;
    read_method(
        module,
        "ots_getTransactionBySenderAndNonce",
        |params, node| {
            let (sender, nonce): (Address, Option<U256>) = two(params)?;
            let nonce = nonce.ok_or_else(|| invalid_params("a nonce is required"))?;
            let found = node
                .state()
                .transaction_by_sender_and_nonce(sender, nonce.saturating_to())?;
            Ok(found.map(|tx| tx.hash))
        },
    )?;
    method(module, "ots_traceTransaction", |params, ctx| {
        let hash: B256 = one(params)?;
        Ok(frames(ctx, hash)?.map(|top| {
            let mut entries = Vec::new();
            trace_entries(&top, 0, &mut entries);
            entries
        }))
    })?;
    method(module, "ots_getInternalOperations", |params, ctx| {
        let hash: B256 = one(params)?;
        Ok(frames(ctx, hash)?.map(|top| {
            let mut operations = Vec::new();
            internal_operations(&top, &mut operations);
            operations
        }))
    })?;
    method(module, "ots_getTransactionError", |params, ctx| {
        let hash: B256 = one(params)?;
        Ok(frames(ctx, hash)?.map(|top| match top.error {
            Some(_) => top.output.unwrap_or_default(),
            None => Bytes::new(),
        }))
    })?;
    method(module, "ots_searchTransactionsBefore", |params, ctx| {
        let (address, block, page_size) = search_params(params)?;
        let head = ctx.node().head().number;
        // From the block before the one named (the head for 0) down to the first after genesis.
        let from = if block == 0 { head } else { block - 1 };
        let mut page = Page {
            first: from >= head,
            ..Page::default()
        };
        for number in (1..=from).rev() {
            if !page.add_block(ctx, number, address, page_size)? {
                break;
            }
            page.last |= number == 1;
        }
        page.answer(ctx)
    })?;
    method(module, "ots_searchTransactionsAfter", |params, ctx| {
        let (address, block, page_size) = search_params(params)?;
        let head = ctx.node().head().number;
        // From the block after the one named (the first after genesis for 0) up to the head.
        let from = if block == 0 { 1 } else { block + 1 };
        let mut page = Page {
            first: from >= head,
            ..Page::default()
        };
        for number in from..=head {
            page.last |= number == 1;
            if !page.add_block(ctx, number, address, page_size)? {
                break;
            }
            page.first |= number == head;
        }
        // Newest first, as Otterscan lists them.
        page.hashes.reverse();
        page.answer(ctx)
    })?;
    method(module, "ots_getContractCreator", |params, ctx| {
        let address: Address = one(params)?;
        contract_creator(ctx, address)
    })?;
    Ok(())
}

fn block(node: &Node, block: BlockRef) -> RpcResult<Option<BlockRecord>> {
    node.block(block).map_err(internal)
}

fn transactions(node: &Node, block: &BlockRecord) -> RpcResult<Vec<TxRecord>> {
    node.state().transactions_of(block).map_err(internal)
}

/// `ots_searchTransactions*`'s parameters: the address, a block (0 for the head or the start)
/// and how many transactions a page should hold.
fn search_params(params: jsonrpsee::types::Params<'_>) -> RpcResult<(Address, u64, usize)> {
    let mut seq = params.sequence();
    let address: Address = seq.next()?;
    let block: u64 = seq.next()?;
    let page_size = checked_page_size(seq.next()?)?;
    Ok((address, block, page_size))
}

/// A page size the node serves: 1 to [`MAX_PAGE_SIZE`].
fn checked_page_size(page_size: usize) -> RpcResult<usize> {
    if page_size == 0 || page_size > MAX_PAGE_SIZE {
        return Err(invalid_params(format!(
            "page size must be 1 to {MAX_PAGE_SIZE}"
        )));
    }
    Ok(page_size)
}

/// A page of an address's transactions, as the searches fill it.
#[derive(Default)]
struct Page {
    hashes: Vec<B256>,
    first: bool,
    last: bool,
}

impl Page {
    /// Adds block `number`'s transactions that touch `address` (in any call, or as the
    /// contract one created), last first; false, adding nothing, once the page is full.
    fn add_block(
        &mut self,
        ctx: &Context,
        number: u64,
        address: Address,
        page_size: usize,
    ) -> RpcResult<bool> {
        let Some(hashes) = trace::transactions_of(ctx, BlockRef::Number(number))? else {
            return Ok(true);
        };
        if self.hashes.len() >= page_size {
            return Ok(false);
        }
        if hashes.is_empty() {
            return Ok(true);
        }
        let traces = trace::localized(ctx, hashes)?;
        let mut touching: Vec<B256> = traces
            .iter()
            .rev()
            .filter(|trace| trace.trace.contains_address(address))
            .filter_map(|trace| trace.transaction_hash)
            .collect();
        touching.dedup();
        self.hashes.extend(touching);
        Ok(true)
    }

    /// The transactions and their receipts.
    fn answer(self, ctx: &Context) -> RpcResult<TransactionsWithReceipts> {
        let node = ctx.node();
        let mut txs = Vec::with_capacity(self.hashes.len());
        let mut receipts = Vec::with_capacity(self.hashes.len());
        for hash in self.hashes {
            let record = node
                .transaction(hash)
                .map_err(internal)?
                .ok_or_else(|| internal(anyhow::anyhow!("transaction {hash} vanished")))?;
            let timestamp = block(&node, BlockRef::Number(record.block_number))?
                .map(|block| block.header.timestamp)
                .unwrap_or_default();
            txs.push(record.rpc_transaction(Some(timestamp)).map_err(internal)?);
            receipts.push(ots_receipt(&record, timestamp)?);
        }
        Ok(TransactionsWithReceipts {
            txs,
            receipts,
            first_page: self.first,
            last_page: self.last,
        })
    }
}

/// A receipt as Otterscan takes it: without logs or bloom, with its block's timestamp.
fn ots_receipt(record: &TxRecord, timestamp: u64) -> RpcResult<OtsTransactionReceipt> {
    let receipt = record.rpc_receipt(timestamp).map_err(internal)?;
    let receipt = receipt.map_inner(|inner| OtsReceipt {
        status: inner.status(),
        cumulative_gas_used: inner.cumulative_gas_used(),
        logs: None,
        logs_bloom: None,
        r#type: inner.tx_type() as u8,
    });
    Ok(OtsTransactionReceipt {
        receipt,
        timestamp: Some(timestamp),
    })
}

/// A block without its transactions, with what it paid: no issuance on this chain.
fn details(node: &Node, at: BlockRef) -> RpcResult<Option<BlockDetails>> {
    let Some(record) = block(node, at)? else {
        return Ok(None);
    };
    let total_fees = transactions(node, &record)?
        .iter()
        .map(|tx| U256::from(tx.receipt.gas_used) * U256::from(tx.receipt.effective_gas_price))
        .sum();
    Ok(Some(BlockDetails {
        block: OtsSlimBlock::from(record.rpc_block(None)),
        issuance: InternalIssuance::default(),
        total_fees,
    }))
}

/// One page of a block's transactions (inputs cut to their selectors) with their receipts
/// (without logs).
fn block_transactions(
    node: &Node,
    at: BlockRef,
    page: usize,
    page_size: usize,
) -> RpcResult<Option<OtsBlockTransactions>> {
    let page_size = checked_page_size(page_size)?;
    let Some(record) = block(node, at)? else {
        return Ok(None);
    };
    let timestamp = record.header.timestamp;
    let records: Vec<TxRecord> = transactions(node, &record)?
        .into_iter()
        .skip(page.saturating_mul(page_size))
        .take(page_size)
        .collect();
    let mut transactions = Vec::with_capacity(records.len());
    let mut receipts = Vec::with_capacity(records.len());
    for tx in &records {
        transactions.push(tx.rpc_transaction(Some(timestamp)).map_err(internal)?);
        receipts.push(ots_receipt(tx, timestamp)?);
    }
    let mut block = OtsBlock::from(record.rpc_block(Some(transactions)));
    block.transaction_count = record.transactions.len();
    Ok(Some(OtsBlockTransactions {
        fullblock: block,
        receipts,
    }))
}

/// The transaction that created the contract at `address` and who created it (an account or
/// a contract): the first block after which it had code holds it.
fn contract_creator(ctx: &Context, address: Address) -> RpcResult<Option<ContractCreator>> {
    let candidates = {
        let node = ctx.node();
        let state = node.state();
        let has_code = |number| Ok(!state.code(address, BlockRef::Number(number))?.is_empty());
        let Some(number) = state.first_block_where(has_code)? else {
            return Ok(None);
        };
        match block(&node, BlockRef::Number(number))? {
            Some(record) => transactions(&node, &record)?,
            None => return Ok(None),
        }
    };
    for tx in candidates {
        if tx.receipt.contract_address == Some(address) && tx.receipt.success {
            return Ok(Some(ContractCreator {
                hash: tx.hash,
                creator: tx.from,
            }));
        }
        if let Some(creator) = frames(ctx, tx.hash)?.and_then(|top| creator_in(&top, address)) {
            return Ok(Some(ContractCreator {
                hash: tx.hash,
                creator,
            }));
        }
    }
    Ok(None)
}

/// Who created `address` among `frame`'s successful creates.
fn creator_in(frame: &CallFrame, address: Address) -> Option<Address> {
    let creates = matches!(frame.typ.as_str(), "CREATE" | "CREATE2");
    if creates && frame.error.is_none() && frame.to == Some(address) {
        return Some(frame.from);
    }
    frame
        .calls
        .iter()
        .find_map(|call| creator_in(call, address))
}

/// The call frames of mined transaction `hash`, replayed without holding the node.
fn frames(ctx: &Context, hash: B256) -> RpcResult<Option<CallFrame>> {
    Ok(trace::traced(ctx, hash)?.map(|(frame, _)| frame))
}

/// Otterscan's trace: every frame, depth first, with its depth.
fn trace_entries(frame: &CallFrame, depth: u32, entries: &mut Vec<TraceEntry>) {
    entries.push(TraceEntry {
        r#type: frame.typ.clone(),
        depth,
        from: frame.from,
        to: frame.to.unwrap_or_default(),
        value: Some(frame.value.unwrap_or_default()),
        input: frame.input.clone(),
        output: frame.output.clone().unwrap_or_default(),
    });
    for call in &frame.calls {
        trace_entries(call, depth + 1, entries);
    }
}

/// The value transfers and creates of the frames that succeeded, the top call's included.
fn internal_operations(frame: &CallFrame, operations: &mut Vec<InternalOperation>) {
    if frame.error.is_some() {
        return;
    }
    let value = frame.value.unwrap_or_default();
    let kind = match frame.typ.as_str() {
        "CREATE" => Some(OperationType::OpCreate),
        "CREATE2" => Some(OperationType::OpCreate2),
        "CALL" if !value.is_zero() => Some(OperationType::OpTransfer),
        _ => None,
    };
    if let Some(kind) = kind {
        operations.push(InternalOperation {
            r#type: kind,
            from: frame.from,
            to: frame.to.unwrap_or_default(),
            value,
        });
    }
    for call in &frame.calls {
        internal_operations(call, operations);
    }
}
