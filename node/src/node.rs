//! The chain the node serves: blocks of Ethereum transactions run as FVM messages on the host,
//! sealed into the database one block at a time.

use std::{
    collections::{BTreeMap, HashSet},
    str::FromStr,
    sync::{Arc, RwLock},
    time::{SystemTime, UNIX_EPOCH},
};

use actor_types::{eam::CreateReturn, EthAddress};
use alloy_consensus::{
    proofs, Eip658Value, Header, Receipt, ReceiptEnvelope, ReceiptWithBloom, Transaction as _,
    EMPTY_OMMER_ROOT_HASH,
};
use alloy_primitives::{Address, Bytes, Log, TxKind, B256, U256};
use alloy_rpc_types_trace::geth::CallFrame;
use anyhow::{anyhow, Context, Result};
use cid::Cid;
use host::{
    externs::TipsetDigests, Chain, ChainConfig, Genesis, GenesisAccount, Outcome, Store,
    TokenAmount,
};
use tokio::sync::broadcast;

use crate::{
    accounts::DevAccount,
    db::{ChainStore, Db},
    records::{bloom, BlockRecord, ReceiptRecord, TxRecord},
    trace,
    tx::{self, SignedTx, TxError},
};

/// Base fee per gas, in attoFIL: Lotus's minimum base fee, where an idle chain sits.
pub const BASE_FEE: u128 = 100;
/// The FVM's block gas limit (Lotus reports the same).
pub const BLOCK_GAS_LIMIT: u64 = 10_000_000_000;

/// What a node starts with.
#[derive(Clone)]
pub struct NodeSettings {
    /// `None`: keep the chain id stored in the database, or use the default for a new one.
    pub chain_id: Option<u64>,
    pub accounts: Vec<DevAccount>,
    /// Balance of each dev account at genesis, in attoFIL.
    pub balance: U256,
    /// Mine a block per transaction (otherwise transactions wait for the next interval block).
    pub automine: bool,
}

pub const DEFAULT_CHAIN_ID: u64 = 31_415_926;

/// A sealed block and its transactions, as subscribers and filters see it.
#[derive(Debug, Clone)]
pub struct Mined {
    pub block: BlockRecord,
    pub transactions: Vec<TxRecord>,
}

/// A state to return to (`evm_snapshot`).
#[derive(Debug, Clone)]
struct Snapshot {
    head: u64,
    state_root: Cid,
}

/// Which block a read refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockRef {
    Latest,
    Earliest,
    Number(u64),
    Hash(B256),
}

/// Why a call or transaction failed, in the shapes JSON-RPC clients expect.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error(transparent)]
    Tx(#[from] TxError),
    #[error("execution reverted{}", reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default())]
    Reverted { reason: Option<String>, data: Bytes },
    #[error("execution failed: exit code {exit_code}{}", detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Failed {
        exit_code: u32,
        detail: Option<String>,
    },
    #[error("{0}")]
    Invalid(String),
    #[error("header not found")]
    UnknownBlock,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// A call's parameters (`eth_call`, `eth_estimateGas`, `eth_sendTransaction`).
#[derive(Debug, Clone, Default)]
pub struct CallParams {
    pub from: Option<Address>,
    pub to: Option<Address>,
    pub gas: Option<u64>,
    pub value: U256,
    pub input: Bytes,
}

pub struct Node {
    chain: Chain,
    store: ChainStore,
    db: Db,
    chain_id: u64,
    head: BlockRecord,
    /// The head block's transactions as sealed: the receipts clients ask for most, right after
    /// a transaction is mined, read without the database. Empty when not known (after a
    /// restart or a revert); reads then go to the database.
    head_transactions: Vec<TxRecord>,
    /// Every sealed block's hash by number: what `BLOCKHASH` reads during execution.
    hashes: Arc<RwLock<Vec<B256>>>,
    automine: bool,
    /// Transactions waiting for the next interval block.
    queue: Vec<SignedTx>,
    time_offset: i64,
    next_timestamp: Option<u64>,
    snapshots: BTreeMap<u64, Snapshot>,
    next_snapshot: u64,
    impersonated: HashSet<Address>,
    pub accounts: Vec<DevAccount>,
    mined: broadcast::Sender<Arc<Mined>>,
}

impl Node {
    /// Opens the chain in `db`, or starts a new one there from the dev accounts.
    pub fn open(db: Db, settings: NodeSettings) -> Result<Self> {
        let store = ChainStore::new(db.clone());
        let hashes: Arc<RwLock<Vec<B256>>> = Arc::default();
        let stored = db.head()?;
        let chain_id = match (stored, settings.chain_id) {
            (Some((_, stored)), Some(wanted)) if stored != wanted => {
                return Err(anyhow!(
                    "the database holds a chain with chain id {stored}, not {wanted}: start without --chain-id, or with another --data-dir"
                ))
            }
            (Some((_, stored)), _) => stored,
            (None, wanted) => wanted.unwrap_or(DEFAULT_CHAIN_ID),
        };
        let digests = Arc::clone(&hashes);
        let config = ChainConfig {
            chain_id,
            base_fee: TokenAmount::from_atto(BASE_FEE),
            gas_limit: BLOCK_GAS_LIMIT,
            tipset_digests: TipsetDigests::new(move |epoch| {
                let hashes = digests.read().expect("hashes lock");
                usize::try_from(epoch)
                    .ok()
                    .and_then(|n| hashes.get(n))
                    .map(|h| h.0)
                    .unwrap_or_default()
            }),
            ..ChainConfig::default()
        };
        // An existing chain continues from its head; a new one starts from a genesis block
        // that still has to be sealed.
        let (chain, head, is_new) = match stored {
            Some((head_number, _)) => {
                let head = db
                    .block(head_number)?
                    .context("the database's head block is missing")?;
                let root = db.state_root()?.unwrap_or(parse_cid(&head.state_root)?);
                *hashes.write().expect("hashes lock") = db.block_hashes(head_number)?;
                let chain = Chain::open(Store::new(store.clone()), root, config)?;
                (chain, head, false)
            }
            None => {
                let genesis = Genesis {
                    network_name: "fvm-devnet".into(),
                    accounts: settings
                        .accounts
                        .iter()
                        .map(|account| GenesisAccount {
                            address: eth(account.address()),
                            balance: tx::to_token(settings.balance),
                            nonce: 0,
                        })
                        .collect(),
                };
                let chain = Chain::genesis(Store::new(store.clone()), &genesis, config)?;
                let head = genesis_block(&chain, now());
                (chain, head, true)
            }
        };
        let (mined, _) = broadcast::channel(256);
        let mut node = Node {
            chain,
            store,
            db,
            chain_id,
            head: head.clone(),
            head_transactions: Vec::new(),
            hashes,
            automine: settings.automine,
            queue: Vec::new(),
            time_offset: 0,
            next_timestamp: None,
            snapshots: BTreeMap::new(),
            next_snapshot: 1,
            impersonated: HashSet::new(),
            accounts: settings.accounts,
            mined,
        };
        if is_new {
            node.seal(head, Vec::new())?;
        }
        node.chain
            .set_block(node.head.number as i64 + 1, node.head.header.timestamp);
        Ok(node)
    }

    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    pub fn head(&self) -> &BlockRecord {
        &self.head
    }

    /// Blocks as they are sealed.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Mined>> {
        self.mined.subscribe()
    }

    // ---- reads ----

    /// The block a reference names.
    pub fn block(&self, block: BlockRef) -> Result<Option<BlockRecord>> {
        match block {
            BlockRef::Latest => Ok(Some(self.head.clone())),
            BlockRef::Number(n) if n == self.head.number => Ok(Some(self.head.clone())),
            BlockRef::Earliest => self.db.block(0),
            BlockRef::Number(n) => self.db.block(n),
            BlockRef::Hash(hash) => match self.db.block_number(&hash.0)? {
                Some(n) => self.db.block(n),
                None => Ok(None),
            },
        }
    }

    /// The state after `block` (the latest includes edits made since it was sealed), on a
    /// scratch chain: calls run there may write, and nothing of that reaches the database.
    fn state_at(&self, block: BlockRef) -> Result<Chain, NodeError> {
        let record = self.block(block)?.ok_or(NodeError::UnknownBlock)?;
        if record.number == self.head.number {
            return Ok(self.chain.scratch(self.chain.state_root()));
        }
        let mut chain = self.chain.scratch(parse_cid(&record.state_root)?);
        chain.set_block(record.number as i64 + 1, record.header.timestamp + 1);
        Ok(chain)
    }

    pub fn balance(&self, address: Address, block: BlockRef) -> Result<U256, NodeError> {
        let chain = self.state_at(block)?;
        Ok(tx::to_wei(&chain.balance(eth(address))?))
    }

    pub fn nonce(&self, address: Address, block: BlockRef) -> Result<u64, NodeError> {
        Ok(self.state_at(block)?.nonce(eth(address))?)
    }

    /// The next nonce counting transactions waiting for the next block.
    pub fn pending_nonce(&self, address: Address) -> Result<u64> {
        Ok(self.chain.nonce(eth(address))? + self.queued_from(address))
    }

    /// How many transactions from `address` wait for the next block.
    fn queued_from(&self, address: Address) -> u64 {
        self.queue.iter().filter(|tx| tx.from == address).count() as u64
    }

    pub fn code(&self, address: Address, block: BlockRef) -> Result<Bytes, NodeError> {
        Ok(self.state_at(block)?.code(eth(address))?.into())
    }

    pub fn storage(
        &self,
        address: Address,
        slot: B256,
        block: BlockRef,
    ) -> Result<B256, NodeError> {
        let chain = self.state_at(block)?;
        if chain.code(eth(address))?.is_empty() {
            return Ok(B256::ZERO);
        }
        Ok(B256::from(chain.storage_at(eth(address), slot.0)?))
    }

    pub fn transaction(&self, hash: B256) -> Result<Option<TxRecord>> {
        if let Some(record) = self.head_transactions.iter().find(|r| r.hash == hash) {
            return Ok(Some(record.clone()));
        }
        self.db.transaction(&hash.0)
    }

    pub fn is_queued(&self, hash: B256) -> bool {
        self.queue.iter().any(|tx| tx.hash == hash)
    }

    // ---- calls ----

    /// Runs a call without changing the chain (`eth_call`).
    pub fn call(&self, call: &CallParams, block: BlockRef) -> Result<Bytes, NodeError> {
        let chain = self.sender_ready(self.state_at(block)?, call.from)?;
        let mut message = self.call_message(&chain, call)?;
        message.gas_limit = call.gas.unwrap_or(BLOCK_GAS_LIMIT).min(BLOCK_GAS_LIMIT);
        let outcome = chain.simulate(message)?;
        check(&outcome)?;
        Ok(outcome.output().into())
    }

    /// The gas limit a transaction needs (`eth_estimateGas`): FVM gas, found by running it.
    pub fn estimate_gas(&self, call: &CallParams) -> Result<u64, NodeError> {
        let chain = self.sender_ready(self.state_at(BlockRef::Latest)?, call.from)?;
        let mut message = self.call_message(&chain, call)?;
        message.gas_limit = call.gas.unwrap_or(BLOCK_GAS_LIMIT).min(BLOCK_GAS_LIMIT);
        let outcome = chain.dry_run(message.clone())?;
        check(&outcome)?;
        // A call forwards only part of its gas to the calls it makes, so what a run with
        // plenty of gas used can fall short; Lotus adds a quarter, and so do we, then check.
        let mut estimate = outcome.gas_used.saturating_mul(5) / 4;
        loop {
            message.gas_limit = estimate.min(BLOCK_GAS_LIMIT);
            if chain.dry_run(message.clone())?.is_success() || estimate >= BLOCK_GAS_LIMIT {
                return Ok(message.gas_limit);
            }
            estimate = estimate.saturating_mul(2);
        }
    }

    fn call_message(&self, chain: &Chain, call: &CallParams) -> Result<host::Message> {
        let from = call.from.unwrap_or(Address::ZERO);
        let kind = call.to.map(TxKind::Call).unwrap_or(TxKind::Create);
        let mut message = tx::call_message(from, kind, &call.input, call.value);
        message.sequence = chain.nonce(eth(from))?;
        Ok(message)
    }

    /// `chain`, with an account for `from` if nothing lives there (calls may come from any
    /// address; on the FVM a sender must be an actor).
    fn sender_ready(&self, mut chain: Chain, from: Option<Address>) -> Result<Chain> {
        let from = eth(from.unwrap_or(Address::ZERO));
        if chain.actor(&from.to_filecoin())?.is_none() {
            chain.set_balance(from, TokenAmount::default())?;
        }
        Ok(chain)
    }

    /// The call frames of a mined transaction (`debug_traceTransaction` with `callTracer`),
    /// found by running its block again from the state it started from, with tracing on.
    pub fn trace(&self, hash: B256) -> Result<Option<CallFrame>> {
        let Some(record) = self.db.transaction(&hash.0)? else {
            return Ok(None);
        };
        let block = self
            .db
            .block(record.block_number)?
            .context("the transaction's block is missing")?;
        let mut chain = self.chain.scratch(parse_cid(&block.parent_state_root)?);
        chain.set_block(block.number as i64, block.header.timestamp);
        for earlier in &block.transactions[..record.index as usize] {
            let earlier = self
                .db
                .transaction(&earlier.0)?
                .context("a transaction of the block is missing")?;
            chain.apply(SignedTx::new(earlier.envelope()?, earlier.from).message())?;
        }
        chain.set_tracing(true);
        let outcome = chain.apply(SignedTx::new(record.envelope()?, record.from).message())?;
        let resolve = |address: &fvm_shared::address::Address| -> Address {
            match chain.actor_with_id(address) {
                Ok(Some((id, actor))) => trace::eth_of(id, actor.delegated_address),
                _ => EthAddress::from_f410(address)
                    .map(|eth| Address::from(eth.0))
                    .unwrap_or_default(),
            }
        };
        let frame = trace::call_frame(&outcome.trace, resolve).map(|mut frame| {
            frame.gas_used = U256::from(record.receipt.gas_used);
            frame.from = record.from;
            frame
        });
        Ok(frame)
    }

    // ---- transactions ----

    /// Takes a signed transaction: checks it, then mines it (automine) or queues it.
    pub fn submit(&mut self, tx: SignedTx) -> Result<B256, NodeError> {
        self.validate(&tx)?;
        let hash = tx.hash;
        if self.automine {
            self.mine(vec![tx], None)?;
        } else {
            self.queue.push(tx);
        }
        Ok(hash)
    }

    /// A transaction from a dev account (signed with its key) or an impersonated one.
    pub fn send(&mut self, call: CallParams, nonce: Option<u64>) -> Result<B256, NodeError> {
        let from = call
            .from
            .ok_or_else(|| NodeError::Invalid("from is required".into()))?;
        let gas = match call.gas {
            Some(gas) => gas,
            None => self.estimate_gas(&call)?,
        };
        let tx = alloy_consensus::TxEip1559 {
            chain_id: self.chain_id,
            nonce: match nonce {
                Some(nonce) => nonce,
                None => self.pending_nonce(from)?,
            },
            gas_limit: gas,
            max_fee_per_gas: 2 * BASE_FEE + crate::node::PRIORITY_FEE,
            max_priority_fee_per_gas: PRIORITY_FEE,
            to: call.to.map(TxKind::Call).unwrap_or(TxKind::Create),
            value: call.value,
            access_list: Default::default(),
            input: call.input,
        };
        let signature = if let Some(account) = self.accounts.iter().find(|a| a.address() == from) {
            account.sign(&alloy_consensus::SignableTransaction::signature_hash(&tx))?
        } else if self.impersonated.contains(&from) {
            // Anvil's convention: impersonated transactions carry a fixed placeholder signature.
            alloy_primitives::Signature::new(U256::from(1), U256::from(1), false)
        } else {
            return Err(NodeError::Invalid(format!(
                "no key for {from}: not a dev account and not impersonated"
            )));
        };
        let envelope = alloy_consensus::TxEnvelope::from(
            alloy_consensus::SignableTransaction::into_signed(tx, signature),
        );
        self.submit(SignedTx::new(envelope, from))
    }

    fn validate(&self, tx: &SignedTx) -> Result<(), TxError> {
        let envelope = &tx.envelope;
        if let Some(have) = envelope.chain_id() {
            if have != self.chain_id {
                return Err(TxError::ChainId {
                    have,
                    want: self.chain_id,
                });
            }
        }
        if self.is_queued(tx.hash) || matches!(self.db.transaction(&tx.hash.0), Ok(Some(_))) {
            return Err(TxError::AlreadyKnown);
        }
        // One state read for the sender's nonce and balance.
        let sender = self.chain.actor(&eth(tx.from).to_filecoin()).ok().flatten();
        let next = sender.as_ref().map_or(0, |a| a.sequence) + self.queued_from(tx.from);
        match envelope.nonce() {
            n if n < next => return Err(TxError::NonceTooLow { next, tx: n }),
            n if n > next => return Err(TxError::NonceTooHigh { next, tx: n }),
            _ => {}
        }
        let gas = envelope.gas_limit();
        if gas > BLOCK_GAS_LIMIT {
            return Err(TxError::GasLimit {
                have: gas,
                limit: BLOCK_GAS_LIMIT,
            });
        }
        let want = self.chain.inclusion_gas(&tx.message());
        if gas < want {
            return Err(TxError::IntrinsicGas { have: gas, want });
        }
        if envelope.max_fee_per_gas() < BASE_FEE {
            return Err(TxError::FeeCapTooLow {
                fee_cap: envelope.max_fee_per_gas(),
                base_fee: BASE_FEE,
            });
        }
        let have = sender.map_or(U256::ZERO, |a| tx::to_wei(&a.balance));
        if have < tx.max_cost() {
            return Err(TxError::InsufficientFunds {
                have,
                want: tx.max_cost(),
            });
        }
        Ok(())
    }

    /// Mines a block with the queued transactions (interval mining, `evm_mine`).
    pub fn mine_queued(&mut self, timestamp: Option<u64>) -> Result<Arc<Mined>> {
        let queued = std::mem::take(&mut self.queue);
        self.mine(queued, timestamp)
    }

    /// Runs `txs` in a new block and seals it. If anything fails, the chain stays at its head.
    fn mine(&mut self, txs: Vec<SignedTx>, timestamp: Option<u64>) -> Result<Arc<Mined>> {
        let number = self.head.number + 1;
        let timestamp = timestamp
            .or(self.next_timestamp.take())
            .unwrap_or_else(|| self.clock())
            .max(self.head.header.timestamp + 1);
        let parent_root = self.chain.state_root();
        self.chain.set_block(number as i64, timestamp);
        let built = self.build(number, timestamp, parent_root, &txs);
        let sealed = built.and_then(|(block, records)| {
            self.seal(block.clone(), records.clone())?;
            Ok(Arc::new(Mined {
                block,
                transactions: records,
            }))
        });
        match sealed {
            Ok(mined) => {
                self.chain.set_block(number as i64 + 1, timestamp);
                let _ = self.mined.send(Arc::clone(&mined));
                Ok(mined)
            }
            Err(e) => {
                self.chain.set_state_root(parent_root);
                self.store.discard_pending();
                Err(e)
            }
        }
    }

    /// Applies `txs` on the chain and builds the block and its records.
    fn build(
        &mut self,
        number: u64,
        timestamp: u64,
        parent_root: Cid,
        txs: &[SignedTx],
    ) -> Result<(BlockRecord, Vec<TxRecord>)> {
        let mut receipts = Vec::with_capacity(txs.len());
        let mut cumulative = 0;
        let mut log_index = 0;
        for tx in txs {
            let outcome = self.chain.apply(tx.message())?;
            cumulative += outcome.gas_used;
            let logs: Vec<Log> = outcome
                .logs
                .iter()
                .map(|log| {
                    Log::new_unchecked(
                        Address::from(log.address.0),
                        log.topics.iter().map(|t| B256::from(*t)).collect(),
                        log.data.clone().into(),
                    )
                })
                .collect();
            let receipt = ReceiptRecord {
                success: outcome.is_success(),
                exit_code: outcome.exit_code.value(),
                gas_used: outcome.gas_used,
                cumulative_gas_used: cumulative,
                effective_gas_price: tx.effective_gas_price(BASE_FEE),
                contract_address: contract_address(tx, &outcome),
                first_log_index: log_index,
                logs,
            };
            log_index += receipt.logs.len() as u64;
            receipts.push(receipt);
        }
        let all_logs: Vec<Log> = receipts.iter().flat_map(|r| r.logs.clone()).collect();
        let consensus_receipts: Vec<ReceiptEnvelope> = receipts
            .iter()
            .zip(txs)
            .map(|(r, tx)| {
                let receipt = ReceiptWithBloom {
                    logs_bloom: bloom(&r.logs),
                    receipt: Receipt {
                        status: Eip658Value::Eip658(r.success),
                        cumulative_gas_used: r.cumulative_gas_used,
                        logs: r.logs.clone(),
                    },
                };
                match tx.envelope {
                    alloy_consensus::TxEnvelope::Legacy(_) => ReceiptEnvelope::Legacy(receipt),
                    _ => ReceiptEnvelope::Eip1559(receipt),
                }
            })
            .collect();
        let envelopes: Vec<_> = txs.iter().map(|tx| tx.envelope.clone()).collect();
        let state_root = self.chain.state_root();
        let header = Header {
            parent_hash: self.head.hash,
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            beneficiary: Address::ZERO,
            state_root: cid_digest(&state_root),
            transactions_root: proofs::calculate_transaction_root(&envelopes),
            receipts_root: proofs::calculate_receipt_root(&consensus_receipts),
            logs_bloom: bloom(&all_logs),
            number,
            gas_limit: BLOCK_GAS_LIMIT,
            gas_used: cumulative,
            timestamp,
            base_fee_per_gas: Some(BASE_FEE as u64),
            ..Default::default()
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
        Ok((block, records))
    }

    /// Writes `block` and everything it changed to the database, and makes it the head.
    fn seal(&mut self, block: BlockRecord, records: Vec<TxRecord>) -> Result<()> {
        let pending = self.store.take_pending();
        if let Err(e) = self.db.seal(self.chain_id, &pending, &block, &records) {
            self.store.restore_pending(pending);
            return Err(e);
        }
        self.store.sealed(&pending);
        self.hashes.write().expect("hashes lock").push(block.hash);
        self.head = block;
        self.head_transactions = records;
        Ok(())
    }

    // ---- time ----

    /// Now, as the chain sees it (`evm_increaseTime` moves it).
    fn clock(&self) -> u64 {
        now().saturating_add_signed(self.time_offset)
    }

    /// `evm_increaseTime`: returns the total offset.
    pub fn increase_time(&mut self, seconds: i64) -> i64 {
        self.time_offset = self.time_offset.saturating_add(seconds);
        self.time_offset
    }

    /// `evm_setNextBlockTimestamp`.
    pub fn set_next_timestamp(&mut self, timestamp: u64) -> Result<(), NodeError> {
        if timestamp <= self.head.header.timestamp {
            return Err(NodeError::Invalid(format!(
                "timestamp {timestamp} is not after the head's ({})",
                self.head.header.timestamp
            )));
        }
        self.next_timestamp = Some(timestamp);
        Ok(())
    }

    // ---- dev helpers ----

    /// `evm_snapshot`: an id to return to this state with [`Node::revert`].
    pub fn snapshot(&mut self) -> u64 {
        let id = self.next_snapshot;
        self.next_snapshot += 1;
        self.snapshots.insert(
            id,
            Snapshot {
                head: self.head.number,
                state_root: self.chain.state_root(),
            },
        );
        id
    }

    /// `evm_revert`: back to snapshot `id`, dropping the blocks since (and later snapshots).
    /// False if there is no such snapshot.
    pub fn revert(&mut self, id: u64) -> Result<bool> {
        let Some(snapshot) = self.snapshots.get(&id).cloned() else {
            return Ok(false);
        };
        self.snapshots.split_off(&id);
        self.queue.clear();
        self.db.truncate(snapshot.head, &snapshot.state_root)?;
        self.head = self
            .db
            .block(snapshot.head)?
            .context("snapshot's block missing")?;
        self.head_transactions.clear();
        self.hashes
            .write()
            .expect("hashes lock")
            .truncate(snapshot.head as usize + 1);
        self.chain.set_state_root(snapshot.state_root);
        self.chain
            .set_block(snapshot.head as i64 + 1, self.head.header.timestamp);
        Ok(true)
    }

    pub fn set_balance(&mut self, address: Address, balance: U256) -> Result<()> {
        self.chain
            .set_balance(eth(address), tx::to_token(balance))?;
        self.persist_state()
    }

    pub fn set_code(&mut self, address: Address, code: &[u8]) -> Result<()> {
        self.chain.set_code(eth(address), code)?;
        self.persist_state()
    }

    pub fn set_storage(&mut self, address: Address, slot: B256, value: B256) -> Result<()> {
        self.chain.set_storage(eth(address), slot.0, value.0)?;
        self.persist_state()
    }

    /// Persists the state after a direct edit (no block is mined for it, as in anvil).
    fn persist_state(&mut self) -> Result<()> {
        let pending = self.store.take_pending();
        self.db
            .set_state(&pending, &self.chain.state_root())
            .inspect_err(|_| self.store.restore_pending(pending))
    }

    pub fn impersonate(&mut self, address: Address, on: bool) {
        if on {
            self.impersonated.insert(address);
        } else {
            self.impersonated.remove(&address);
        }
    }

    pub fn set_automine(&mut self, on: bool) {
        self.automine = on;
    }
}

/// Priority fee per gas suggested to clients and used by `eth_sendTransaction`, in attoFIL.
pub const PRIORITY_FEE: u128 = 1_000;

/// The error a failed call reports, if it failed.
fn check(outcome: &Outcome) -> Result<(), NodeError> {
    if outcome.is_success() {
        return Ok(());
    }
    if outcome.exit_code == actor_types::evm::exit::REVERTED {
        let data = Bytes::from(outcome.output());
        return Err(NodeError::Reverted {
            reason: crate::revert::reason(&data),
            data,
        });
    }
    Err(NodeError::Failed {
        exit_code: outcome.exit_code.value(),
        detail: outcome.failure.clone(),
    })
}

/// The address a deploy creates: the EAM's answer, or where it would have been.
fn contract_address(tx: &SignedTx, outcome: &Outcome) -> Option<Address> {
    if tx.envelope.kind() != TxKind::Create {
        return None;
    }
    let created = fvm_ipld_encoding::from_slice::<CreateReturn>(outcome.return_data.bytes()).ok();
    Some(match created {
        Some(created) => Address::from(created.eth_address.0),
        None => tx.from.create(tx.envelope.nonce()),
    })
}

fn genesis_block(chain: &Chain, timestamp: u64) -> BlockRecord {
    let root = chain.state_root();
    let header = Header {
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        state_root: cid_digest(&root),
        transactions_root: alloy_consensus::EMPTY_ROOT_HASH,
        receipts_root: alloy_consensus::EMPTY_ROOT_HASH,
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

fn parse_cid(text: &str) -> Result<Cid> {
    Cid::from_str(text).with_context(|| format!("bad state root {text:?} in the database"))
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

pub fn eth(address: Address) -> EthAddress {
    EthAddress(address.0 .0)
}
