//! Making blocks: the transactions run as FVM messages one after another, then the block, its
//! receipts and its roots are built and sealed, and subscribers hear of it.

use std::{
    borrow::Cow,
    sync::{Arc, OnceLock},
};

use actor_types::{eam::CreateReturn, network::BLOCK_GAS_LIMIT, token::atto_to_wei};
use alloy_consensus::{
    proofs, Eip658Value, Header, Receipt, ReceiptEnvelope, ReceiptWithBloom, Transaction as _,
    TxEnvelope, EMPTY_OMMER_ROOT_HASH, EMPTY_ROOT_HASH,
};
use alloy_primitives::{Address, Log, TxKind, B256, U256};
use anyhow::Result;
use cid::Cid;
use host::{Chain, Outcome, RunningEpochEnd, StartedBlock, TokenAmount};
use serde_json::value::RawValue;
use tokio::sync::broadcast;

use super::{fees::BASE_FEE, state::ChainState};
use crate::{
    console_log,
    records::{self, bloom, BlockRecord, ReceiptRecord, TxRecord},
    tx::SignedTx,
};

/// A sealed block and its transactions, as subscribers and filters see it.
///
/// It also holds the JSON `eth_subscribe` sends for the block, made once when a first
/// subscriber needs it and shared by every other: the `newHeads` header and each log as `logs`
/// subscribers get it. A subscriber copies one message at a time from here into its
/// connection, never the whole block. It is all dropped with the block, when the last
/// subscriber is done with it.
#[derive(Debug, Clone)]
pub struct Mined {
    pub block: BlockRecord,
    pub transactions: Vec<TxRecord>,
    /// Why each transaction failed, if it did: the revert reason, or the exit code.
    pub failures: Vec<Option<String>>,
    /// What each transaction printed with `console.log`, if the miner looked.
    pub console_logs: Vec<Vec<String>>,
    header_json: OnceLock<Box<RawValue>>,
    /// The block's logs in order (their `logIndex`).
    logs: Box<[SharedLog]>,
}

/// Where a log of the block comes from, and its JSON once made.
#[derive(Debug, Clone)]
struct SharedLog {
    /// Its transaction, an index into `Mined::transactions`.
    tx: usize,
    /// Its index among that transaction's logs.
    in_tx: usize,
    json: OnceLock<Box<RawValue>>,
}

impl Mined {
    pub fn new(
        block: BlockRecord,
        transactions: Vec<TxRecord>,
        failures: Vec<Option<String>>,
        console_logs: Vec<Vec<String>>,
    ) -> Self {
        let logs = transactions
            .iter()
            .enumerate()
            .flat_map(|(tx, record)| {
                (0..record.receipt.logs.len()).map(move |in_tx| SharedLog {
                    tx,
                    in_tx,
                    json: OnceLock::new(),
                })
            })
            .collect();
        Self {
            block,
            transactions,
            failures,
            console_logs,
            header_json: OnceLock::new(),
            logs,
        }
    }

    /// The block's header as `newHeads` sends it, made on the first call.
    pub fn header_json(&self) -> &RawValue {
        self.header_json.get_or_init(|| {
            let header = alloy_rpc_types_eth::Header {
                hash: self.block.hash,
                inner: self.block.header.clone(),
                total_difficulty: Some(Default::default()),
                size: None,
            };
            serde_json::value::to_raw_value(&header).expect("a header serialises")
        })
    }

    /// How many logs the block has.
    pub fn log_count(&self) -> usize {
        self.logs.len()
    }

    /// Log `index` of the block (in `logIndex` order), for a filter to match.
    pub fn log(&self, index: usize) -> &Log {
        let shared = &self.logs[index];
        &self.transactions[shared.tx].receipt.logs[shared.in_tx]
    }

    /// Log `index` of the block as `eth_getLogs` and `logs` subscriptions show it, made on the
    /// first call.
    pub fn log_json(&self, index: usize) -> &RawValue {
        let shared = &self.logs[index];
        shared.json.get_or_init(|| {
            let log =
                self.transactions[shared.tx].rpc_log(shared.in_tx, self.block.header.timestamp);
            serde_json::value::to_raw_value(&log).expect("a log serialises")
        })
    }
}

pub struct Miner {
    /// Mine a block per transaction (otherwise transactions wait for the next interval block).
    pub automine: bool,
    /// Read the transactions' `console.log` calls (the chain notes them, `ChainConfig::watch`).
    console_logs: bool,
    mined: broadcast::Sender<Arc<Mined>>,
}

impl Miner {
    pub fn new(automine: bool, console_logs: bool) -> Self {
        let (mined, _) = broadcast::channel(256);
        Self {
            automine,
            console_logs,
            mined,
        }
    }

    /// Blocks as they are sealed.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Mined>> {
        self.mined.subscribe()
    }

    /// Runs `txs` in a new block at `timestamp` and seals it, the end of its epoch left
    /// running ([`ChainState::settle`] waits for it; the next block's messages queue behind
    /// it). If anything fails, the chain stays at its head.
    pub fn mine(
        &self,
        state: &mut ChainState,
        txs: Vec<SignedTx>,
        timestamp: u64,
    ) -> Result<Arc<Mined>> {
        let number = state.head().number + 1;
        state.next_block(number, timestamp);
        let (parent_root, started) =
            state.start_block(txs.iter().map(SignedTx::message).collect())?;
        let console_logs = self.console_logs;
        let built = build(
            state,
            number,
            timestamp,
            parent_root,
            &txs,
            started,
            console_logs,
        );
        let sealed = built.and_then(|(block, records, notes, epoch_end)| {
            state.seal(block.clone(), records.clone(), epoch_end)?;
            let (failures, console_logs) = notes.into_iter().unzip();
            Ok(Arc::new(Mined::new(block, records, failures, console_logs)))
        });
        match sealed {
            Ok(mined) => {
                let _ = self.mined.send(Arc::clone(&mined));
                Ok(mined)
            }
            Err(e) => {
                state.discard(parent_root);
                Err(e)
            }
        }
    }

    /// Seals empty blocks at `timestamps` on the head in one database write (`anvil_mine` of
    /// a week of blocks): no transaction runs, only each epoch's end (on a chain with the
    /// network's actors; otherwise the state stays and only the block records are written).
    pub fn mine_empty(&self, state: &mut ChainState, timestamps: &[u64]) -> Result<()> {
        state.settle();
        let parent_root = state.chain_ref().state_root();
        let blocks = empty_blocks(state, timestamps)
            .and_then(|blocks| state.seal_empty(&blocks).map(|()| blocks));
        let blocks = match blocks {
            Ok(blocks) => blocks,
            Err(e) => {
                state.discard(parent_root);
                return Err(e);
            }
        };
        for block in blocks {
            let mined = Mined::new(block, Vec::new(), Vec::new(), Vec::new());
            let _ = self.mined.send(Arc::new(mined));
        }
        Ok(())
    }
}

/// Empty blocks at `timestamps` after the head, each epoch ended on the chain.
fn empty_blocks(state: &mut ChainState, timestamps: &[u64]) -> Result<Vec<BlockRecord>> {
    let mut blocks: Vec<BlockRecord> = Vec::with_capacity(timestamps.len());
    let mut parent_root = state.chain_ref().state_root();
    for &timestamp in timestamps {
        let number = blocks.last().unwrap_or(state.head()).number + 1;
        state.chain().set_block(number as i64, timestamp);
        let producer = state.producer();
        state.chain().end_epoch(producer)?;
        let root = state.chain_ref().state_root();
        let parent = blocks.last().unwrap_or(state.head());
        // As a mined block's, the header's state is what its (no) transactions left.
        let header = empty_header(parent, &parent_root, timestamp);
        blocks.push(BlockRecord {
            number: header.number,
            hash: header.hash_slow(),
            header,
            state_root: root.to_string(),
            parent_state_root: parent_root.to_string(),
            transactions: Vec::new(),
        });
        parent_root = root;
    }
    Ok(blocks)
}

/// The header of a block after `parent` with no transactions, whose transactions left state
/// `root` (the state before the end of its epoch: Ethereum's state root is the transactions').
fn empty_header(parent: &BlockRecord, root: &Cid, timestamp: u64) -> Header {
    Header {
        parent_hash: parent.hash,
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        beneficiary: Address::ZERO,
        state_root: cid_digest(root),
        transactions_root: EMPTY_ROOT_HASH,
        receipts_root: EMPTY_ROOT_HASH,
        number: parent.number + 1,
        gas_limit: BLOCK_GAS_LIMIT,
        timestamp,
        base_fee_per_gas: Some(BASE_FEE as u64),
        ..Default::default()
    }
}

/// Why a transaction failed (if it did), and what it printed with `console.log`.
type Notes = (Option<String>, Vec<String>);

/// A block, its transactions' records, their notes, and the end of its epoch while it runs
/// with the tips it pays.
type Built = (
    BlockRecord,
    Vec<TxRecord>,
    Vec<Notes>,
    Option<(RunningEpochEnd, TokenAmount)>,
);

/// Builds the block `txs` made (`block`, their messages run on `parent_root`), its records and
/// each transaction's notes, with the state after the messages; the end of the epoch goes on
/// running.
fn build(
    state: &mut ChainState,
    number: u64,
    timestamp: u64,
    parent_root: Cid,
    txs: &[SignedTx],
    block: StartedBlock,
    console_logs: bool,
) -> Result<Built> {
    let mut receipts = Vec::with_capacity(txs.len());
    let mut notes = Vec::with_capacity(txs.len());
    let mut cumulative = 0;
    let mut log_index = 0;
    let epoch_end = block.epoch_end.map(|running| (running, block.tips));
    let seen = seen_after(state, txs)?;
    let txs: &[SignedTx] = &seen;
    for (tx, outcome) in txs.iter().zip(&block.outcomes) {
        let printed = match console_logs {
            true => console_log::printed(&outcome.watched_calls),
            false => Vec::new(),
        };
        notes.push((failure(outcome), printed));
        cumulative += outcome.gas_used;
        let receipt = receipt(tx, outcome, cumulative, log_index);
        log_index += receipt.logs.len() as u64;
        receipts.push(receipt);
    }
    let all_logs: Vec<Log> = receipts.iter().flat_map(|r| r.logs.clone()).collect();
    let consensus_receipts: Vec<ReceiptEnvelope> = receipts
        .iter()
        .zip(txs)
        .map(|(r, tx)| consensus_receipt(r, &tx.envelope))
        .collect();
    let envelopes: Vec<_> = txs.iter().map(|tx| tx.envelope.clone()).collect();
    let state_root = state.chain_ref().state_root();
    debug_assert_eq!(number, state.head().number + 1);
    let header = Header {
        transactions_root: proofs::calculate_transaction_root(&envelopes),
        receipts_root: proofs::calculate_receipt_root(&consensus_receipts),
        logs_bloom: bloom(&all_logs),
        gas_used: cumulative,
        ..empty_header(state.head(), &state_root, timestamp)
    };
    let hash = header.hash_slow();
    let records = txs
        .iter()
        .zip(receipts)
        .enumerate()
        .map(|(index, (tx, receipt))| TxRecord {
            hash: tx.hash,
            raw: tx.raw.clone(),
            from: tx.from,
            block_number: number,
            block_hash: hash,
            index: index as u64,
            receipt,
            native: tx.native.as_ref().map(|message| message.to_bytes()),
        })
        .collect();
    let block = BlockRecord {
        number,
        hash,
        header,
        state_root: state_root.to_string(),
        parent_state_root: parent_root.to_string(),
        transactions: txs.iter().map(|tx| tx.hash).collect(),
    };
    Ok((block, records, notes, epoch_end))
}

/// Why a transaction failed, as a developer reads it: the revert reason, or the exit code.
fn failure(outcome: &Outcome) -> Option<String> {
    if outcome.is_success() {
        return None;
    }
    if outcome.exit_code == actor_types::evm::exit::REVERTED {
        return Some(match crate::revert::reason(&outcome.output()) {
            Some(reason) => format!("reverted with: {reason}"),
            None => "reverted".into(),
        });
    }
    Some(format!("exit code {}", outcome.exit_code.value()))
}

/// What the node keeps of a transaction's outcome.
fn receipt(tx: &SignedTx, outcome: &Outcome, cumulative: u64, first_log: u64) -> ReceiptRecord {
    let logs = outcome.logs.iter().map(records::eth_log).collect();
    ReceiptRecord {
        success: outcome.is_success(),
        exit_code: outcome.exit_code.value(),
        gas_used: outcome.gas_used,
        cumulative_gas_used: cumulative,
        effective_gas_price: effective_gas_price(tx, outcome),
        contract_address: contract_address(tx, outcome),
        first_log_index: first_log,
        logs,
        return_data: tx
            .native
            .as_ref()
            .map(|_| outcome.return_data.bytes().to_vec().into()),
    }
}

/// `txs` as Ethereum tools see them after the block ran: a native message's recipient may be
/// an actor it created (Lotus maps native messages with the state after them). A block of
/// Ethereum transactions only is `txs` itself.
fn seen_after<'a>(state: &ChainState, txs: &'a [SignedTx]) -> Result<Cow<'a, [SignedTx]>> {
    if txs.iter().all(|tx| tx.native.is_none()) {
        return Ok(Cow::Borrowed(txs));
    }
    let seen = txs
        .iter()
        .map(|tx| {
            let Some(native) = &tx.native else {
                return Ok(tx.clone());
            };
            Ok(
                match native.eth_view(state.chain_ref(), state.chain_id())? {
                    Ok((from, envelope)) => SignedTx::native((**native).clone(), from, envelope),
                    Err(_) => tx.clone(),
                },
            )
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Cow::Owned(seen))
}

/// What Lotus reports: the fee paid divided by the gas used (rounded down); the transaction's
/// price at the base fee if it used none.
fn effective_gas_price(tx: &SignedTx, outcome: &Outcome) -> u128 {
    if outcome.gas_used == 0 {
        return tx.effective_gas_price(BASE_FEE);
    }
    let per_gas = atto_to_wei(&outcome.fee) / U256::from(outcome.gas_used);
    per_gas.saturating_to()
}

/// The receipt as Ethereum encodes it, for the block's receipts root.
fn consensus_receipt(receipt: &ReceiptRecord, envelope: &TxEnvelope) -> ReceiptEnvelope {
    let receipt = ReceiptWithBloom {
        logs_bloom: bloom(&receipt.logs),
        receipt: Receipt {
            status: Eip658Value::Eip658(receipt.success),
            cumulative_gas_used: receipt.cumulative_gas_used,
            logs: receipt.logs.clone(),
        },
    };
    match envelope {
        TxEnvelope::Legacy(_) => ReceiptEnvelope::Legacy(receipt),
        _ => ReceiptEnvelope::Eip1559(receipt),
    }
}

/// The address a deploy creates: the EAM's answer, or where it would have been.
fn contract_address(tx: &SignedTx, outcome: &Outcome) -> Option<Address> {
    if tx.envelope.kind() != TxKind::Create {
        return None;
    }
    let created = fvm_ipld_encoding::from_slice::<CreateReturn>(outcome.return_data.bytes()).ok();
    Some(match created {
        Some(created) => created.eth_address.into(),
        None => tx.from.create(tx.envelope.nonce()),
    })
}

/// Block 0 of a new chain, whose state is `chain`'s.
pub fn genesis_block(chain: &Chain, timestamp: u64) -> BlockRecord {
    let root = chain.state_root();
    let header = Header {
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        state_root: cid_digest(&root),
        transactions_root: EMPTY_ROOT_HASH,
        receipts_root: EMPTY_ROOT_HASH,
        gas_limit: BLOCK_GAS_LIMIT,
        timestamp,
        base_fee_per_gas: Some(BASE_FEE as u64),
        ..Default::default()
    };
    BlockRecord {
        number: 0,
        hash: header.hash_slow(),
        header,
        state_root: root.to_string(),
        parent_state_root: root.to_string(),
        transactions: Vec::new(),
    }
}

/// A state root CID's 32-byte digest, for the header's `stateRoot`.
fn cid_digest(cid: &Cid) -> B256 {
    B256::from_slice(&cid.hash().digest()[..32])
}
