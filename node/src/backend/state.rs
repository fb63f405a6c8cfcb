//! The chain's state: the FVM chain at the head, the sealed blocks and transactions in the
//! database, and the reads clients make of them. Everything that changes the head goes
//! through [`ChainState::seal`], [`ChainState::persist_edit`] or [`ChainState::rewind`].
//!
//! A block is sealed with the state after its messages, while the end of its epoch (the block
//! reward, cron) may still run on an FVM thread: the block's transactions are answered for
//! meanwhile. [`ChainState::settle`] waits for it; everything that reads or changes the head's
//! state settles first (the node's lock does), except reads of the sealed records. The next
//! write to the database records the end of the epoch (the block's record again, with the
//! state after it); until then the database says the head owes it, and a node reopened before
//! then runs it again.

use std::{
    path::PathBuf,
    str::FromStr,
    sync::{Arc, RwLock},
};

use actor_types::{network::DEVNET_CHAIN_ID, EthAddress};
use alloy_consensus::Transaction as _;
use alloy_primitives::{Address, Bytes, B256, U256};
use anyhow::{anyhow, Context, Result};
use cid::Cid;
use fvm_shared::{address::Address as FilAddress, message::Message};
use host::{
    externs::TipsetDigests, Actors, Chain, ChainConfig, Genesis, Network, RunningEpochEnd,
    StartedBlock, Store, TokenAmount,
};

use super::error::NodeError;
use crate::{
    db::{Db, OwedEpochEnd},
    records::{BlockRecord, TxRecord},
    store::ChainStore,
};

/// Which block a read refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockRef {
    Latest,
    Earliest,
    Number(u64),
    Hash(B256),
}

pub struct ChainState {
    chain: Chain,
    /// The storage provider whose blocks these are, rewarded at each epoch's end (`None`: no
    /// storage provider, or no network actors).
    producer: Option<FilAddress>,
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
    /// The end of the head block's epoch, while it runs.
    running_epoch_end: Option<RunningEpochEnd>,
    /// Whether the head's epoch ended since its record was written: its record in the database
    /// still has the state after its messages.
    head_ended_unrecorded: bool,
}

impl ChainState {
    /// Opens the chain in `db`, or starts a new one from `genesis` whose first block
    /// `genesis_block` makes (and may add state to first). Messages run with `base_fee`
    /// (attoFIL per gas).
    pub fn open(
        db: Db,
        wanted_chain_id: Option<u64>,
        wanted: WantedActors,
        base_fee: u128,
        genesis: &Genesis,
        genesis_block: impl FnOnce(&mut Chain) -> Result<BlockRecord>,
    ) -> Result<Self> {
        let store = ChainStore::new(db.clone());
        let hashes: Arc<RwLock<Vec<B256>>> = Arc::default();
        let stored = db.head()?;
        let chain_id = match (stored, wanted_chain_id) {
            (Some((_, stored)), Some(wanted)) if stored != wanted => {
                return Err(anyhow!(
                    "the database holds a chain with chain id {stored}, not {wanted}: start without --chain-id, or with another --data-dir"
                ))
            }
            (Some((_, stored)), _) => stored,
            (None, wanted) => wanted.unwrap_or(DEVNET_CHAIN_ID),
        };
        let car = wanted.car.clone();
        let (actors, network) = chain_actors(&db, stored.is_some(), wanted)?;
        let mut config = chain_config(chain_id, actors, base_fee, Arc::clone(&hashes));
        config.network = network;
        config.bundle_car = car;
        let mut state = match stored {
            Some((head_number, _)) => {
                let head = db
                    .block(head_number)?
                    .context("the database's head block is missing")?;
                let root = db.state_root()?.unwrap_or(parse_cid(&head.state_root)?);
                *hashes.write().expect("hashes lock") = db.block_hashes(head_number)?;
                let chain = Chain::open(Store::new(store.clone()), root, config)?;
                Self::new(chain, store, db, chain_id, head, hashes)
            }
            None => {
                // A new chain starts from a genesis block that still has to be sealed.
                db.set_actors(position(&RECORDED_ACTORS, actors))?;
                db.set_network(position(&Network::ALL, network))?;
                let mut chain = Chain::genesis(Store::new(store.clone()), genesis, config)?;
                let head = genesis_block(&mut chain)?;
                let mut state = Self::new(chain, store, db, chain_id, head.clone(), hashes);
                state.seal(head, Vec::new(), None)?;
                state
            }
        };
        state.producer = state.db.producer()?.map(FilAddress::new_id);
        state.end_owed_epoch()?;
        let (next, timestamp) = (state.head.number + 1, state.head.header.timestamp);
        state.chain.set_block(next as i64, timestamp);
        Ok(state)
    }

    fn new(
        chain: Chain,
        store: ChainStore,
        db: Db,
        chain_id: u64,
        head: BlockRecord,
        hashes: Arc<RwLock<Vec<B256>>>,
    ) -> Self {
        Self {
            chain,
            producer: None,
            store,
            db,
            chain_id,
            head,
            head_transactions: Vec::new(),
            hashes,
            running_epoch_end: None,
            head_ended_unrecorded: false,
        }
    }

    /// Runs the end of the head's epoch, if the database says it still owes it (the node
    /// stopped before it was recorded).
    fn end_owed_epoch(&mut self) -> Result<()> {
        let Some(owed) = self.db.owed_epoch_end()? else {
            return Ok(());
        };
        if owed.block != self.head.number {
            // Left by an older head: the state is already past it.
            return Ok(());
        }
        self.chain
            .set_block(self.head.number as i64, self.head.header.timestamp);
        self.running_epoch_end = self.chain.start_epoch_end(self.producer, owed.tips)?;
        self.settle();
        Ok(())
    }

    /// Waits for the end of the head's epoch if it still runs, and makes the state after it
    /// the head's. If it failed, the head keeps the state after its messages, and the error
    /// is logged: the chain goes on, as the block and its receipts were already answered for.
    pub fn settle(&mut self) {
        let Some(running) = self.running_epoch_end.take() else {
            return;
        };
        let ended = self
            .chain
            .finish_epoch_end(running)
            .map(|_| self.chain.state_root());
        self.epoch_ended(ended);
    }

    /// Makes `ended`, the state after the head's end of epoch, the head's.
    fn epoch_ended(&mut self, ended: Result<Cid>) {
        match ended {
            Ok(root) => {
                self.head.state_root = root.to_string();
                self.head_ended_unrecorded = true;
            }
            Err(e) => tracing::error!(
                "the end of epoch {} failed; the chain goes on without it: {e:#}",
                self.head.number
            ),
        }
    }

    /// Makes the next block `number`, at `timestamp`. The end of the head's epoch need not have
    /// run: it reads neither.
    pub fn next_block(&mut self, number: u64, timestamp: u64) {
        self.chain.set_block(number as i64, timestamp);
    }

    /// Runs `messages` as the next block's ([`ChainState::next_block`]) on the head's state. If
    /// the end of the head's epoch still runs, they are queued behind it on its FVM thread and
    /// start the moment it has run; the head then takes the state it left, as
    /// [`ChainState::settle`] does. Returns the state the messages ran on and the block
    /// started, the chain at the state after its messages; if they could not run, the chain is
    /// at the head's state.
    pub fn start_block(&mut self, messages: Vec<Message>) -> Result<(Cid, StartedBlock)> {
        let after_parent_messages = self.chain.state_root();
        let Some(parent) = self.running_epoch_end.take() else {
            let block = self.chain.start_block(messages, self.producer)?;
            return Ok((after_parent_messages, block));
        };
        let started = self
            .chain
            .start_block_after(parent, messages, self.producer);
        let parent = started.parent.map(|(_, root)| root);
        let base = *parent.as_ref().unwrap_or(&after_parent_messages);
        self.epoch_ended(parent);
        Ok((base, started.block?))
    }

    /// The head's record, to write again with the next write, if its epoch ended since.
    fn ended(&self) -> Option<&BlockRecord> {
        self.head_ended_unrecorded.then_some(&self.head)
    }

    /// The storage provider whose blocks these are, if any.
    pub fn producer(&self) -> Option<FilAddress> {
        self.producer
    }

    /// Makes the storage provider `id` (a new chain's genesis one) the producer of its blocks.
    pub fn set_producer(&mut self, id: u64) -> Result<()> {
        self.db.set_producer(id)?;
        self.producer = Some(FilAddress::new_id(id));
        Ok(())
    }

    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    pub fn head(&self) -> &BlockRecord {
        &self.head
    }

    /// The chain at the head, to apply messages to (the miner) or edit (the cheats), once
    /// the end of its epoch has run.
    pub fn chain(&mut self) -> &mut Chain {
        self.settle();
        &mut self.chain
    }

    /// The chain at the head, to read.
    pub fn chain_ref(&self) -> &Chain {
        self.assert_settled();
        &self.chain
    }

    /// The head's state is read only once the end of its epoch has run ([`ChainState::settle`]).
    fn assert_settled(&self) {
        debug_assert!(
            self.running_epoch_end.is_none(),
            "the head's state read while its epoch still ends"
        );
    }

    /// The gas `message` pays for its inclusion (by its size: no state is read).
    pub fn inclusion_gas(&self, message: &Message) -> u64 {
        self.chain.inclusion_gas(message)
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

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

    pub fn transaction(&self, hash: B256) -> Result<Option<TxRecord>> {
        if let Some(record) = self.head_transactions.iter().find(|r| r.hash == hash) {
            return Ok(Some(record.clone()));
        }
        self.db.transaction(&hash.0)
    }

    /// The transactions of a sealed block, in order.
    pub fn transactions_of(&self, block: &BlockRecord) -> Result<Vec<TxRecord>> {
        block
            .transactions
            .iter()
            .map(|hash| {
                self.transaction(*hash)?
                    .ok_or_else(|| anyhow!("transaction {hash} of block {} missing", block.number))
            })
            .collect()
    }

    /// The state after `block` (the latest includes edits made since it was sealed), on a
    /// scratch chain of its own: calls run there may write, and nothing of that reaches the
    /// database. It shares no lock with this state, so it can run while the node goes on.
    pub fn view(&self, block: BlockRef) -> Result<Chain, NodeError> {
        let record = self.block(block)?.ok_or(NodeError::UnknownBlock)?;
        let chain = self.chain_ref();
        if record.number == self.head.number {
            return Ok(chain.scratch(chain.state_root()));
        }
        let mut chain = chain.scratch(parse_cid(&record.state_root)?);
        chain.set_block(record.number as i64 + 1, record.header.timestamp + 1);
        Ok(chain)
    }

    pub fn balance(&self, address: Address, block: BlockRef) -> Result<U256, NodeError> {
        let balance = self.view(block)?.balance(address.into())?;
        Ok(actor_types::token::atto_to_wei(&balance))
    }

    pub fn nonce(&self, address: Address, block: BlockRef) -> Result<u64, NodeError> {
        Ok(self.view(block)?.transaction_count(address.into())?)
    }

    pub fn code(&self, address: Address, block: BlockRef) -> Result<Bytes, NodeError> {
        Ok(self.view(block)?.code(address.into())?.into())
    }

    /// The first block after which `holds` is true of the state, if it is at the head; `holds`
    /// must stay true once it is (as a nonce past a value, or code once deployed), so the
    /// blocks are bisected.
    pub fn first_block_where(
        &self,
        holds: impl Fn(u64) -> Result<bool, NodeError>,
    ) -> Result<Option<u64>, NodeError> {
        let head = self.head().number;
        if !holds(head)? {
            return Ok(None);
        }
        let (mut low, mut high) = (0, head);
        while low < high {
            let middle = low + (high - low) / 2;
            if holds(middle)? {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        Ok(Some(low))
    }

    /// `sender`'s mined transaction with `nonce`.
    pub fn transaction_by_sender_and_nonce(
        &self,
        sender: Address,
        nonce: u64,
    ) -> Result<Option<TxRecord>, NodeError> {
        let passed = |number| Ok(self.nonce(sender, BlockRef::Number(number))? > nonce);
        let Some(number) = self.first_block_where(passed)? else {
            return Ok(None);
        };
        let Some(block) = self.block(BlockRef::Number(number))? else {
            return Ok(None);
        };
        for tx in self.transactions_of(&block)? {
            if tx.from == sender && tx.envelope()?.nonce() == nonce {
                return Ok(Some(tx));
            }
        }
        Ok(None)
    }

    pub fn storage(
        &self,
        address: Address,
        slot: B256,
        block: BlockRef,
    ) -> Result<B256, NodeError> {
        let chain = self.view(block)?;
        let contract = EthAddress::from(address);
        if chain.code(contract)?.is_empty() {
            return Ok(B256::ZERO);
        }
        Ok(B256::from(chain.storage_at(contract, slot.0)?))
    }

    /// The sender's nonce and balance at the head, in one state read. They need not wait for
    /// the end of the head's epoch: it moves no Ethereum account's nonce or balance (its
    /// messages go between the system, reward, cron, power, market and miner actors and the
    /// burnt-funds account), so a transaction is checked while the epoch ends.
    pub fn account(&self, address: Address) -> (u64, TokenAmount) {
        let actor = self
            .chain
            .actor(&EthAddress::from(address).to_filecoin())
            .ok()
            .flatten();
        actor.map_or((0, TokenAmount::default()), |a| (a.sequence, a.balance))
    }

    /// Writes `block` (built on the settled head, with the state after its messages) and
    /// everything it changed to the database, with `records`, its transactions, and makes it
    /// the head; `epoch_end` is the end of its epoch while it runs, and the tips it pays. If the
    /// database refuses the block, the end of its epoch is waited for (and dropped).
    pub fn seal(
        &mut self,
        block: BlockRecord,
        records: Vec<TxRecord>,
        epoch_end: Option<(RunningEpochEnd, TokenAmount)>,
    ) -> Result<()> {
        self.assert_settled();
        let (running, owed) = match epoch_end {
            Some((running, tips)) => (
                Some(running),
                Some(OwedEpochEnd {
                    block: block.number,
                    tips,
                }),
            ),
            None => (None, None),
        };
        let (chain_id, ended) = (self.chain_id, self.ended());
        let sealed = self.store.store_pending(|writes| {
            self.db
                .seal(chain_id, writes, (&block, &records), owed.as_ref(), ended)
        });
        sealed?;
        self.hashes.write().expect("hashes lock").push(block.hash);
        let (next, timestamp) = (block.number + 1, block.header.timestamp);
        self.head = block;
        self.head_transactions = records;
        self.head_ended_unrecorded = false;
        self.running_epoch_end = running;
        self.chain.set_block(next as i64, timestamp);
        Ok(())
    }

    /// Seals `blocks`, empty blocks on the head in order, in one database write.
    pub fn seal_empty(&mut self, blocks: &[BlockRecord]) -> Result<()> {
        let Some(last) = blocks.last() else {
            return Ok(());
        };
        self.assert_settled();
        let (chain_id, ended) = (self.chain_id, self.ended());
        self.store
            .store_pending(|writes| self.db.seal_empty(chain_id, writes, blocks, ended))?;
        self.head_ended_unrecorded = false;
        self.hashes
            .write()
            .expect("hashes lock")
            .extend(blocks.iter().map(|block| block.hash));
        let (next, timestamp) = (last.number + 1, last.header.timestamp);
        self.head = last.clone();
        self.head_transactions.clear();
        self.chain.set_block(next as i64, timestamp);
        Ok(())
    }

    /// Back to `root`, the state before a block that could not be built or sealed. What it
    /// wrote stays pending, unreferenced, and is stored with the next write (as a reverted
    /// block's state stays): the pending writes may hold the end of the last epoch too.
    pub fn discard(&mut self, root: Cid) {
        self.chain.set_state_root(root);
    }

    /// Persists the state after a direct edit (no block is mined for it, as in anvil), or
    /// the end of the head's epoch.
    pub fn persist_edit(&mut self) -> Result<()> {
        self.assert_settled();
        let (root, ended) = (self.chain.state_root(), self.ended());
        self.store
            .store_pending(|writes| self.db.set_state(writes, &root, ended))?;
        self.head_ended_unrecorded = false;
        Ok(())
    }

    /// Records the end of the head's epoch in the database if it ran since the head was sealed.
    pub fn record_epoch_end(&mut self) -> Result<()> {
        self.settle();
        if self.head_ended_unrecorded {
            self.persist_edit()?;
        }
        Ok(())
    }

    /// Back to block 0 and its state.
    pub fn rewind_to_genesis(&mut self) -> Result<()> {
        let genesis = self.db.block(0)?.context("genesis block missing")?;
        self.rewind(0, parse_cid(&genesis.state_root)?)
    }

    /// Back to block `number` with state `root`, dropping the blocks after it.
    pub fn rewind(&mut self, number: u64, root: Cid) -> Result<()> {
        self.settle();
        let ended = self.ended().filter(|head| head.number == number);
        self.db.truncate(number, &root, ended)?;
        self.head_ended_unrecorded = false;
        self.head = self.db.block(number)?.context("snapshot's block missing")?;
        self.head_transactions.clear();
        self.hashes
            .write()
            .expect("hashes lock")
            .truncate(number as usize + 1);
        self.chain.set_state_root(root);
        self.chain
            .set_block(number as i64 + 1, self.head.header.timestamp);
        Ok(())
    }
}

/// Which actors a chain runs, as the node's options ask: `None` leaves a stored chain's own.
#[derive(Debug, Clone, Default)]
pub struct WantedActors {
    pub actors: Option<Actors>,
    /// What a new chain runs when `actors` does not say.
    pub new_chain_actors: Actors,
    /// Whose builtin-actors bundle (a new chain's default: mainnet's); for a bundle CAR, whose
    /// policy it carries (the genesis storage provider's sector size follows it).
    pub network: Option<Network>,
    /// The bundle CAR of [`Actors::Car`].
    pub car: Option<PathBuf>,
}

/// The actors a database may record, by position (`Actors::ALL`, then a bundle CAR's).
const RECORDED_ACTORS: [Actors; 4] = [Actors::Ours, Actors::Hybrid, Actors::Fevm, Actors::Car];

/// The actors and bundle network the chain in `db` runs: those of a stored chain (which
/// `wanted` must not contradict), or those `wanted` for a new one.
fn chain_actors(db: &Db, stored: bool, wanted: WantedActors) -> Result<(Actors, Network)> {
    if !stored {
        let actors = wanted.actors.unwrap_or(wanted.new_chain_actors);
        return Ok((actors, wanted.network.unwrap_or_default()));
    }
    // A chain stored before there was a choice ran ours, and mainnet's bundle.
    let actors = known(&RECORDED_ACTORS, db.actors()?.unwrap_or(0), "actors")?;
    let network = known(&Network::ALL, db.network()?.unwrap_or(0), "network")?;
    let refuse = |option: &str, stored: &str, asked: &str| {
        anyhow!(
            "the database holds a chain running the {stored} {option}, not {asked}: start without --{option}, or with another --data-dir"
        )
    };
    match (wanted.actors, wanted.network) {
        (Some(asked), _) if asked != actors => Err(refuse("actors", actors.name(), asked.name())),
        (_, Some(asked)) if asked != network => {
            Err(refuse("network", network.name(), asked.name()))
        }
        _ => Ok((actors, network)),
    }
}

/// The entry at `code` of `all`, as the database records it.
fn known<T: Copy>(all: &[T], code: u64, what: &str) -> Result<T> {
    usize::try_from(code)
        .ok()
        .and_then(|i| all.get(i))
        .copied()
        .with_context(|| format!("the database names an unknown {what} ({code})"))
}

/// How the database records `value`: its position in `all`.
fn position<T: PartialEq>(all: &[T], value: T) -> u64 {
    all.iter()
        .position(|known| *known == value)
        .expect("every value is in its list") as u64
}

/// The FVM's settings for this chain; `BLOCKHASH` reads the sealed blocks' hashes.
fn chain_config(
    chain_id: u64,
    actors: Actors,
    base_fee: u128,
    hashes: Arc<RwLock<Vec<B256>>>,
) -> ChainConfig {
    ChainConfig {
        chain_id,
        actors,
        base_fee: TokenAmount::from_atto(base_fee),
        gas_limit: actor_types::network::BLOCK_GAS_LIMIT,
        tipset_digests: TipsetDigests::new(move |epoch| {
            let hashes = hashes.read().expect("hashes lock");
            usize::try_from(epoch)
                .ok()
                .and_then(|n| hashes.get(n))
                .map(|h| h.0)
                .unwrap_or_default()
        }),
        // Mined transactions' `console.log`s, found without tracing them.
        watch: Some(crate::console_log::console_filecoin_address()),
        ..ChainConfig::default()
    }
}

pub fn parse_cid(text: &str) -> Result<Cid> {
    Cid::from_str(text).with_context(|| format!("bad state root {text:?} in the database"))
}
