//! The chain the node serves, in parts as anvil splits its backend, one file per job:
//!
//! - [`state`]: the FVM chain at the head, the sealed blocks in the database, and reads;
//! - [`calls`]: `eth_call` and `eth_estimateGas` on a scratch chain, without holding the node;
//! - [`replay`]: a mined transaction run again with tracing on;
//! - [`pool`]: the checks at the door, pending and queued transactions, replacement by fee,
//!   dev signing and impersonation;
//! - [`filecoin`]: Filecoin-native messages on their way into the pool, and signing with the
//!   node's own Filecoin keys;
//! - [`miner`]: running transactions into a block and sealing it;
//! - [`time`]: the chain's clock;
//! - [`cheats`]: snapshots and direct state edits;
//! - [`predeploys`]: the contracts a new chain has at genesis (the CREATE2 deployer and
//!   Multicall3);
//! - [`logs`] and [`fees`]: log queries and fee figures.
//!
//! [`Node`] holds the parts and is the JSON-RPC layer's one door: each of its methods is a
//! step or two through them. Work that runs the FVM for a read (calls, estimates, replays)
//! takes a [`state::ChainState::view`] under the node's lock and runs after releasing it.

pub mod calls;
mod cheats;
pub mod dump;
mod error;
pub mod fees;
mod filecoin;
pub mod logs;
mod miner;
pub mod overrides;
mod pool;
pub mod predeploys;
pub mod replay;
mod state;
pub mod time;

use std::sync::Arc;

use alloy_primitives::{Address, Bytes, B256, U256};
use anyhow::{Context, Result};
use fees::RequestedFees;
use fvm_shared::sector::RegisteredPoStProof;
use host::{network::GenesisMiner, Chain, Genesis, GenesisAccount, Network, TokenAmount};
use tokio::sync::broadcast;

pub use actor_types::network::BLOCK_GAS_LIMIT;
pub use calls::CallParams;
pub use error::NodeError;
pub use miner::Mined;
pub use state::{BlockRef, ChainState, WantedActors};

use crate::{
    accounts::DevAccount,
    db::Db,
    filecoin_keys::FilecoinKeys,
    records::{BlockRecord, TxRecord},
    tx::SignedTx,
};

/// What a node starts with.
#[derive(Clone)]
pub struct NodeSettings {
    /// `None`: keep the chain id stored in the database, or use the default for a new one.
    pub chain_id: Option<u64>,
    /// The actors the chain runs and whose bundle: a stored chain's own unless they say.
    pub actors: WantedActors,
    /// The node's Filecoin keys (the verified registry's root, the genesis storage provider's
    /// owner and worker) on a chain with the network's actors; `None`: those of the dev
    /// mnemonic.
    pub filecoin_keys: Option<FilecoinKeys>,
    pub accounts: Vec<DevAccount>,
    /// Balance of each dev account at genesis, in attoFIL.
    pub balance: U256,
    /// Mine a block per transaction (otherwise transactions wait for the next interval block).
    pub automine: bool,
    /// Read the `console.log` calls of mined transactions (noted as they run), to print them.
    pub console_logs: bool,
    /// The genesis block's timestamp, for a new chain (else now); time goes on from it.
    pub genesis_timestamp: Option<u64>,
}

pub struct Node {
    /// Tells this run of the node from others (`anvil_metadata`'s `instanceId`).
    instance_id: B256,
    state: ChainState,
    pool: pool::Pool,
    miner: miner::Miner,
    clock: time::Clock,
    snapshots: cheats::Snapshots,
    /// The verified registry's root key and the storage provider's owner and worker keys.
    filecoin_keys: FilecoinKeys,
}

/// The node's sealed blocks and transactions and its pool: what a request may read while the
/// end of the head's epoch still runs, without waiting for it ([`Node::records`]).
pub struct Records<'a>(&'a Node);

impl Records<'_> {
    pub fn chain_id(&self) -> u64 {
        self.0.chain_id()
    }

    pub fn head(&self) -> &BlockRecord {
        self.0.head()
    }

    pub fn block(&self, block: BlockRef) -> Result<Option<BlockRecord>> {
        self.0.block(block)
    }

    pub fn transaction(&self, hash: B256) -> Result<Option<TxRecord>> {
        self.0.transaction(hash)
    }

    /// A transaction waiting in the pool.
    pub fn pooled(&self, hash: B256) -> Option<&SignedTx> {
        self.0.pool.get(hash)
    }
}

/// What each of the node's Filecoin keys holds at genesis, in FIL: enough to send messages
/// and lock collateral, as a Lotus devnet funds its keys.
const KEY_BALANCE_FIL: i64 = 10_000;

/// Creates the genesis storage provider, whose blocks the chain's are: the node's owner and
/// worker keys, the owner funded as Lotus's genesis funds its miners' owners; the worker and
/// the verified registry's root key are funded too, so that they can send messages. Its ID.
fn genesis_storage_provider(chain: &mut Chain, keys: &FilecoinKeys) -> Result<u64> {
    let miner = GenesisMiner {
        owner: keys.owner_address(),
        worker: keys.worker_address(),
        owner_balance: TokenAmount::from_whole(KEY_BALANCE_FIL),
        value: TokenAmount::from_whole(100),
        window_post_proof_type: window_post_proof(chain.config().network),
    };
    let id = host::network::create_miner(chain, &miner)?;
    for key in [keys.worker_address(), keys.root_address()] {
        host::network::fund(chain, &key, &TokenAmount::from_whole(KEY_BALANCE_FIL))?;
    }
    id.id().context("CreateMiner answered a non-ID address")
}

/// The proof type of the genesis storage provider's window PoSts: a sector size its network's
/// policy takes (production's 32 GiB, the test networks' smallest).
fn window_post_proof(network: Network) -> RegisteredPoStProof {
    match network {
        Network::Mainnet | Network::Calibrationnet => {
            RegisteredPoStProof::StackedDRGWindow32GiBV1P1
        }
        Network::Butterflynet | Network::Caterpillarnet => {
            RegisteredPoStProof::StackedDRGWindow512MiBV1P1
        }
        Network::Devnet | Network::Testing | Network::TestingFakeProofs => {
            RegisteredPoStProof::StackedDRGWindow2KiBV1P1
        }
    }
}

/// A value no other run of the node has: the start time and process id, hashed.
fn instance_id() -> B256 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    alloy_primitives::keccak256(
        [
            nanos.to_be_bytes(),
            u128::from(std::process::id()).to_be_bytes(),
        ]
        .concat(),
    )
}

impl Node {
    /// Opens the chain in `db`, or starts a new one there from the dev accounts.
    pub fn open(db: Db, settings: NodeSettings) -> Result<Self> {
        let keys = match settings.filecoin_keys {
            Some(keys) => keys,
            None => FilecoinKeys::derive(crate::accounts::DEV_MNEMONIC)?,
        };
        let genesis = Genesis {
            network_name: "fvm-devnet".into(),
            accounts: settings
                .accounts
                .iter()
                .map(|account| GenesisAccount {
                    address: account.address().into(),
                    balance: actor_types::token::wei_to_atto(settings.balance),
                    nonce: 0,
                })
                .collect(),
            verifreg_root: Some(keys.root_address()),
        };
        let mut clock = time::Clock::default();
        let genesis_time = settings.genesis_timestamp.unwrap_or_else(|| clock.now());
        let mut created = false;
        let mut producer = None;
        let mut state = ChainState::open(
            db,
            settings.chain_id,
            settings.actors,
            fees::BASE_FEE,
            &genesis,
            |chain| {
                predeploys::install(chain)?;
                if chain.has_network_actors() {
                    producer = Some(genesis_storage_provider(chain, &keys)?);
                }
                created = true;
                Ok(miner::genesis_block(chain, genesis_time))
            },
        )?;
        if let Some(id) = producer {
            state.set_producer(id)?;
        }
        if created && settings.genesis_timestamp.is_some() {
            // Time goes on from the genesis asked for, as in anvil.
            clock.increase(genesis_time as i64 - clock.now() as i64)?;
        }
        Ok(Node {
            instance_id: instance_id(),
            state,
            pool: pool::Pool::new(settings.accounts),
            miner: miner::Miner::new(settings.automine, settings.console_logs),
            clock,
            snapshots: cheats::Snapshots::default(),
            filecoin_keys: keys,
        })
    }

    /// The chain's state and its reads.
    pub fn state(&self) -> &ChainState {
        &self.state
    }

    /// Waits for the end of the head's epoch if it still runs (see [`ChainState::settle`]).
    /// The node's methods that change the state settle first; reads through `&Node` need a
    /// settled node (the JSON-RPC layer settles it when it takes the node).
    pub fn settle(&mut self) {
        self.state.settle();
    }

    /// What may be read while the end of the head's epoch still runs.
    pub fn records(&self) -> Records<'_> {
        Records(self)
    }

    /// Records the end of the head's epoch in the database, if it has not been yet, for a node
    /// about to stop: reopened, it need not run it again.
    pub fn shut_down(&mut self) -> Result<()> {
        self.state.record_epoch_end()
    }

    pub fn chain_id(&self) -> u64 {
        self.state.chain_id()
    }

    pub fn head(&self) -> &BlockRecord {
        self.state.head()
    }

    pub fn accounts(&self) -> &[DevAccount] {
        self.pool.accounts()
    }

    /// Blocks as they are sealed.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Mined>> {
        self.miner.subscribe()
    }

    // ---- reads ----

    pub fn block(&self, block: BlockRef) -> Result<Option<BlockRecord>> {
        self.state.block(block)
    }

    pub fn transaction(&self, hash: B256) -> Result<Option<TxRecord>> {
        self.state.transaction(hash)
    }

    /// The next nonce counting transactions pending for the next block.
    pub fn pending_nonce(&self, address: Address) -> u64 {
        self.state.account(address).0 + self.pool.pending_from(address)
    }

    /// The transactions not yet mined: pending and queued.
    pub fn pool(&self) -> &pool::Pool {
        &self.pool
    }

    /// `anvil_dropTransaction`: whether the pool had it.
    pub fn drop_transaction(&mut self, hash: B256) -> bool {
        self.pool.drop_transaction(hash).is_some()
    }

    /// `anvil_dropAllTransactions`.
    pub fn drop_all_transactions(&mut self) {
        self.pool.clear();
    }

    /// The state after `block` on a chain of its own, for a call to run on once the node is
    /// released.
    pub fn view(&self, block: BlockRef) -> Result<Chain, NodeError> {
        self.state.view(block)
    }

    /// The replay of a mined transaction, to run once the node is released.
    pub fn replay(&self, hash: B256) -> Result<Option<replay::Replay>> {
        replay::Replay::prepare(&self.state, hash)
    }

    // ---- transactions ----

    /// Takes a signed transaction into the pool (`Pool::admit`); with automine, a pending one
    /// is mined at once, with any queued ones it freed. The pool checks it while the end of
    /// the head's epoch may still run ([`ChainState::account`]); mining waits for that.
    pub fn submit(&mut self, tx: SignedTx) -> Result<B256, NodeError> {
        let hash = tx.hash;
        let admitted = self.pool.admit(&self.state, tx)?;
        if self.miner.automine && admitted == pool::Admitted::Pending {
            self.mine_pending(None)?;
        }
        Ok(hash)
    }

    /// A transaction from a dev account or an impersonated one, with `gas` (estimated by the
    /// caller when the request had none) and the sender's next nonce unless given.
    pub fn send(
        &mut self,
        call: CallParams,
        nonce: Option<u64>,
        gas: u64,
        fees: RequestedFees,
    ) -> Result<B256, NodeError> {
        self.settle();
        let tx = self.dev_transaction(call, nonce, gas, fees)?;
        self.submit(tx)
    }

    /// The transaction [`Node::send`] would submit, signed by its dev account but not sent
    /// (`eth_signTransaction`): its EIP-2718 bytes.
    pub fn sign_transaction(
        &self,
        call: CallParams,
        nonce: Option<u64>,
        gas: u64,
        fees: RequestedFees,
    ) -> Result<Bytes, NodeError> {
        Ok(self.dev_transaction(call, nonce, gas, fees)?.raw)
    }

    /// A transaction signed by its dev account (or impersonated), at the sender's next nonce
    /// unless given.
    fn dev_transaction(
        &self,
        call: CallParams,
        nonce: Option<u64>,
        gas: u64,
        fees: RequestedFees,
    ) -> Result<SignedTx, NodeError> {
        let from = call.from.unwrap_or_default();
        let nonce = nonce.unwrap_or_else(|| self.pending_nonce(from));
        self.pool
            .dev_transaction(self.state.chain_id(), call, nonce, gas, fees)
    }

    /// Mines a block with the pending transactions (interval mining, `evm_mine`).
    pub fn mine_pending(&mut self, timestamp: Option<u64>) -> Result<Arc<Mined>, NodeError> {
        let pending = self.pool.take();
        self.mine(pending, timestamp)
    }

    /// Mines `count` empty blocks in one database write, `interval` seconds apart or else by
    /// the clock (`anvil_mine` after its first block).
    pub fn mine_empty(&mut self, count: u64, interval: Option<u64>) -> Result<(), NodeError> {
        let mut previous = self.state.head().header.timestamp;
        let mut timestamps = Vec::with_capacity(count as usize);
        for _ in 0..count {
            previous = match interval {
                Some(interval) => previous.saturating_add(interval),
                None => self.clock.next_block(None, previous)?,
            };
            timestamps.push(previous);
        }
        Ok(self.miner.mine_empty(&mut self.state, &timestamps)?)
    }

    fn mine(
        &mut self,
        txs: Vec<SignedTx>,
        timestamp: Option<u64>,
    ) -> Result<Arc<Mined>, NodeError> {
        let timestamp = self
            .clock
            .next_block(timestamp, self.state.head().header.timestamp)?;
        Ok(self.miner.mine(&mut self.state, txs, timestamp)?)
    }

    pub fn set_automine(&mut self, on: bool) {
        self.miner.automine = on;
    }

    pub fn automine(&self) -> bool {
        self.miner.automine
    }

    pub fn impersonate(&mut self, address: Address, on: bool) {
        self.pool.impersonate(address, on);
    }

    /// `anvil_autoImpersonateAccount`: every sender without a key is impersonated.
    pub fn auto_impersonate(&mut self, on: bool) {
        self.pool.auto_impersonate = on;
    }

    pub fn instance_id(&self) -> B256 {
        self.instance_id
    }

    // ---- time ----

    /// `evm_increaseTime`: returns the total offset.
    pub fn increase_time(&mut self, seconds: i64) -> Result<i64, NodeError> {
        self.clock.increase(seconds)
    }

    /// `evm_setNextBlockTimestamp`.
    pub fn set_next_timestamp(&mut self, timestamp: u64) -> Result<(), NodeError> {
        let head = self.state.head().header.timestamp;
        self.clock.set_next(timestamp, head)
    }

    // ---- cheats ----

    /// `evm_snapshot`: an id to return to this state with [`Node::revert`].
    pub fn snapshot(&mut self) -> u64 {
        self.settle();
        self.snapshots.take(&self.state)
    }

    /// `evm_revert`: back to snapshot `id`, dropping the blocks and transactions in the pool.
    /// False if there is no such snapshot.
    pub fn revert(&mut self, id: u64) -> Result<bool> {
        let reverted = self.snapshots.revert(id, &mut self.state)?;
        if reverted {
            self.pool.clear();
        }
        Ok(reverted)
    }

    pub fn set_balance(&mut self, address: Address, balance: U256) -> Result<()> {
        cheats::set_balance(&mut self.state, address, balance)
    }

    pub fn set_code(&mut self, address: Address, code: &[u8]) -> Result<()> {
        cheats::set_code(&mut self.state, address, code)
    }

    pub fn set_storage(&mut self, address: Address, slot: B256, value: B256) -> Result<()> {
        cheats::set_storage(&mut self.state, address, slot, value)
    }

    pub fn set_nonce(&mut self, address: Address, nonce: u64) -> Result<()> {
        cheats::set_nonce(&mut self.state, address, nonce)
    }

    /// Every account with an Ethereum address, as anvil dumps them (`anvil_dumpState`).
    pub fn dump_state(&self) -> Result<dump::StateDump> {
        dump::dump(&self.state)
    }

    /// Edits a dumped state's accounts in (`anvil_loadState`).
    pub fn load_state(&mut self, state: &dump::StateDump) -> Result<()> {
        self.settle();
        dump::load(&mut self.state, state)
    }

    /// `anvil_reset`: back to genesis: the blocks, the state, the pool, snapshots,
    /// the clock and impersonations.
    pub fn reset(&mut self) -> Result<()> {
        self.state.rewind_to_genesis()?;
        self.pool.clear();
        self.pool.stop_impersonating_all();
        self.snapshots = cheats::Snapshots::default();
        self.clock.reset();
        Ok(())
    }
}
