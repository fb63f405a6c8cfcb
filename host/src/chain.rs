//! A chain of states on the real FVM: every message runs the bundle's wasm actors in ref-fvm's
//! `DefaultExecutor`, and an explicit message's resulting state becomes the chain's state.

use actor_types::{
    builtin::{Type, EAM_ACTOR_ADDR, SYSTEM_ACTOR_ADDR},
    eam::{self, CreateExternalParams, CreateReturn},
    evm::{self, GetStorageAtParams},
    network::{BLOCK_GAS_LIMIT, DEVNET_CHAIN_ID},
    EthAddress, U256Bytes,
};
use anyhow::{anyhow, Context as _, Result};
use bundle::{Actors, Bundle, Network};
use cid::Cid;
use fvm::{
    call_manager::DefaultCallManager,
    engine::{EnginePool, MultiEngine},
    executor::{ApplyKind, ApplyRet, DefaultExecutor, Executor},
    machine::{Machine, MachineContext, NetworkConfig},
    state_tree::{ActorState, StateTree},
    trace::ExecutionTrace,
};
use fvm_ipld_encoding::{BytesDe, CborStore, RawBytes};
use fvm_shared::{
    address::Address, chainid::ChainID, clock::ChainEpoch, econ::TokenAmount, error::ExitCode,
    message::Message, version::NetworkVersion, ActorID, MethodNum,
};
use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::{Arc, OnceLock},
};

use crate::{
    externs::{DevExterns, TipsetDigests},
    genesis::Genesis,
    kernel::{WatchedCall, WatchingKernel},
    logs::EvmLog,
    machine::HostMachine,
    store::Store,
};

/// What an FVM executor is made of, gathered on the chain's thread to be made on an FVM thread.
pub(crate) struct ExecutorParts {
    pub engines: EnginePool,
    pub context: MachineContext,
    pub store: Store,
    pub externs: DevExterns,
    /// Whose incoming calls each outcome lists ([`ChainConfig::watch`]).
    pub watched: Option<Address>,
}

impl ExecutorParts {
    pub fn executor(self) -> Result<DefaultExecutor<Kernel>> {
        let machine = HostMachine::new(&self.context, self.store, self.externs, self.watched)?;
        DefaultExecutor::<Kernel>::new(self.engines, machine)
    }
}

pub(crate) type Kernel = WatchingKernel<DefaultCallManager<HostMachine>>;

/// Compiled actor code is cached in the engine pool: one per process, so each actor is compiled
/// once however many chains and messages there are.
static ENGINES: OnceLock<MultiEngine> = OnceLock::new();

fn engines() -> &'static MultiEngine {
    ENGINES.get_or_init(|| MultiEngine::new(1))
}

/// Lets up to `n` messages execute at once in this process (on different chains). Takes effect
/// only before the first message runs; returns whether it did.
pub fn set_concurrency(n: u32) -> bool {
    ENGINES.set(MultiEngine::new(n.max(1))).is_ok()
}

/// Writes the chosen actors' code and manifest into `store`, unless they are there already (a
/// chain reopened on its store, or on an overlay of it). Each network's production CAR is read
/// once per process.
fn install_actors(store: &Store, actors: Actors, network: Network) -> Result<Bundle> {
    type Cars = BTreeMap<Network, std::result::Result<Arc<Vec<u8>>, String>>;
    static PRODUCTION_CARS: std::sync::Mutex<Cars> = std::sync::Mutex::new(BTreeMap::new());
    static INSTALLED: std::sync::Mutex<BTreeMap<(&str, Network), Bundle>> =
        std::sync::Mutex::new(BTreeMap::new());
    let key = (actors.name(), network);
    let known = INSTALLED
        .lock()
        .map_err(|_| anyhow!("a thread panicked installing actors"))?
        .get(&key)
        .cloned();
    if let Some(bundle) = known {
        if fvm_ipld_blockstore::Blockstore::has(store, &bundle.manifest)? {
            return Ok(bundle);
        }
    }
    let bundle = if actors == Actors::Ours {
        bundle::install(store)?
    } else {
        let car = PRODUCTION_CARS
            .lock()
            .map_err(|_| anyhow!("a thread panicked reading a bundle"))?
            .entry(network)
            .or_insert_with(|| {
                bundle::production::car(network.name())
                    .map(Arc::new)
                    .map_err(|e| format!("{e:#}"))
            })
            .clone()
            .map_err(|e| anyhow!("{e}"))?;
        bundle::production::install(store, &car, actors)?
    };
    if let Ok(mut installed) = INSTALLED.lock() {
        installed.insert(key, bundle.clone());
    }
    Ok(bundle)
}

/// Writes the bundle CAR at `path` into `store`, as it is.
fn install_car(store: &Store, path: &Path) -> Result<Bundle> {
    let car = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    bundle::production::install(store, &car, Actors::Car)
        .with_context(|| format!("installing the bundle {}", path.display()))
}

/// The actors a chain made from a bundle CAR runs: those its system actor names; if `car` is
/// given, it must be that bundle.
fn bundle_in_state(store: &Store, state_root: Cid, car: Option<&Path>) -> Result<Bundle> {
    let tree = StateTree::new_from_root(store.clone(), &state_root)?;
    let system = tree
        .get_actor(actor_types::builtin::SYSTEM_ACTOR_ID)?
        .context("the chain has no system actor")?;
    let state: actor_types::system::State = store
        .get_cbor(&system.state)?
        .context("the system actor's state is missing")?;
    let Some(car) = car else {
        return bundle::production::installed(store, state.builtin_actors);
    };
    let bundle = install_car(store, car)?;
    anyhow::ensure!(
        bundle.manifest_data == state.builtin_actors,
        "{} is not the bundle this chain was made with",
        car.display()
    );
    Ok(bundle)
}

/// An account as the EVM sees it ([`Chain::eth_account`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EthAccount {
    pub nonce: u64,
    pub balance: TokenAmount,
    pub code: Vec<u8>,
    /// Its non-zero storage slots.
    pub storage: BTreeMap<[u8; 32], [u8; 32]>,
}

/// Settings of a chain.
#[derive(Debug, Clone)]
pub struct ChainConfig {
    pub chain_id: u64,
    /// Decides the FVM's price list; 28 is what Lotus runs builtin-actors v18 under.
    pub network_version: NetworkVersion,
    /// Base fee per unit of gas, in attoFIL, burnt by every message.
    pub base_fee: TokenAmount,
    /// Gas limit of the messages this host builds.
    pub gas_limit: u64,
    /// Record the FVM's execution trace (gas charges, calls) in every outcome.
    pub tracing: bool,
    /// With `tracing`, trace the end of each epoch too (the block reward and cron). The dev
    /// node reads only its transactions' traces, and tracing the epoch's end would only time
    /// its actors' every gas charge.
    pub trace_epoch_end: bool,
    /// The block hash (tipset CID digest) of each epoch, as `BLOCKHASH` reports it.
    pub tipset_digests: TipsetDigests,
    /// Whether senders pay for gas. Off, messages carry a fee cap of zero, so nothing is burnt
    /// although `BASEFEE` still reports the base fee (as Ethereum test hosts behave).
    pub charge_fees: bool,
    /// Our bundle, or builtin-actors v18's bundle with our EVM actor or its own.
    pub actors: Actors,
    /// Whose builtin-actors bundle, when `actors` is hybrid or FEVM.
    pub network: Network,
    /// The bundle CAR a chain of [`Actors::Car`] is made from; a stored one reopens without
    /// it (its actors are in its store), or checks that it is the same bundle.
    pub bundle_car: Option<PathBuf>,
    /// An address whose incoming calls every outcome lists ([`Outcome::watched_calls`]) without
    /// tracing the message: the dev node's `console.log`.
    pub watch: Option<Address>,
}

impl Default for ChainConfig {
    fn default() -> Self {
        Self {
            chain_id: DEVNET_CHAIN_ID,
            network_version: NetworkVersion::V28,
            base_fee: TokenAmount::from_atto(100),
            gas_limit: BLOCK_GAS_LIMIT,
            tracing: false,
            trace_epoch_end: false,
            tipset_digests: TipsetDigests::default(),
            charge_fees: true,
            actors: Actors::Ours,
            network: Network::default(),
            bundle_car: None,
            watch: None,
        }
    }
}

/// The result of one message.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub exit_code: ExitCode,
    /// The receipt's return data, as the actor returned it.
    pub return_data: RawBytes,
    /// FVM gas used.
    pub gas_used: u64,
    /// What the sender paid for gas: the base fee on the gas used, the burn for gas
    /// over-estimated, and the tip on the gas limit (the FVM's `GasOutputs`).
    pub fee: TokenAmount,
    /// The part of `fee` that went to the block's producer (through the reward actor).
    pub miner_tip: TokenAmount,
    /// EVM logs, from the actor events the message emitted.
    pub logs: Vec<EvmLog>,
    /// For each actor event the message emitted, in order, whether it is an EVM log (and so
    /// in `logs`): what matches the events to the trace's charges for them.
    pub event_is_log: Vec<bool>,
    /// Why the message failed, as the FVM explains it (backtrace or pre-validation error).
    pub failure: Option<String>,
    /// The FVM's execution trace when [`ChainConfig::tracing`] is on.
    pub trace: ExecutionTrace,
    /// The calls the message's actors sent to [`ChainConfig::watch`], in order, traced or not.
    pub watched_calls: Vec<WatchedCall>,
}

impl Outcome {
    pub fn is_success(&self) -> bool {
        self.exit_code.is_success()
    }

    /// The bytes inside the return data's CBOR byte string: a contract's output or revert data.
    pub fn output(&self) -> Vec<u8> {
        match fvm_ipld_encoding::from_slice::<BytesDe>(self.return_data.bytes()) {
            Ok(bytes) => bytes.into_vec(),
            Err(_) => self.return_data.bytes().to_vec(),
        }
    }
}

/// A deployment's outcome and, on success, the new contract.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub outcome: Outcome,
    pub contract: Option<CreateReturn>,
}

/// The chain: its store, its current state, and the block context of the next message.
pub struct Chain {
    store: Store,
    bundle: Bundle,
    state_root: Cid,
    config: ChainConfig,
    epoch: ChainEpoch,
    timestamp: u64,
    /// Runs the EVM actor's step-tracing build in place of the EVM actor
    /// ([`Chain::set_step_tracing`]).
    step_tracing: bool,
}

impl Chain {
    /// A new chain from `genesis`.
    pub fn genesis(store: Store, genesis: &Genesis, config: ChainConfig) -> Result<Self> {
        let bundle = match (config.actors, &config.bundle_car) {
            (Actors::Car, Some(car)) => install_car(&store, car)?,
            (Actors::Car, None) => anyhow::bail!("a new chain of a bundle CAR needs the CAR"),
            (actors, _) => install_actors(&store, actors, config.network)?,
        };
        let state_root = crate::genesis::build(&store, &bundle, genesis)?;
        let mut chain = Self::open(store, state_root, config)?;
        if chain.has_network_actors() {
            let root_key = genesis.verifreg_root.unwrap_or(SYSTEM_ACTOR_ADDR);
            crate::network::construct(&mut chain, root_key)?;
        }
        Ok(chain)
    }

    /// A chain continuing from a committed state root in `store`.
    pub fn open(store: Store, state_root: Cid, config: ChainConfig) -> Result<Self> {
        anyhow::ensure!(
            fvm_ipld_blockstore::Blockstore::has(&store, &state_root)?,
            "state root {state_root} is not in the store"
        );
        let bundle = match config.actors {
            Actors::Car => bundle_in_state(&store, state_root, config.bundle_car.as_deref())?,
            actors => install_actors(&store, actors, config.network)?,
        };
        Ok(Self {
            store,
            bundle,
            state_root,
            config,
            epoch: 0,
            timestamp: 0,
            step_tracing: false,
        })
    }

    pub fn state_root(&self) -> Cid {
        self.state_root
    }

    /// Makes `root` (a state in this chain's store) the current state.
    pub fn set_state_root(&mut self, root: Cid) {
        self.state_root = root;
    }

    /// This chain at state `root` with writes kept in memory on top of the store: for
    /// simulations and replays whose state is thrown away, so none of it reaches the store.
    pub fn scratch(&self, root: Cid) -> Chain {
        Chain {
            store: Store::overlay(self.store.clone()),
            ..self.at(root)
        }
    }

    /// Records the FVM's execution trace of every message from now on (or stops); the end of
    /// an epoch only if [`Chain::set_epoch_end_tracing`] says so too.
    pub fn set_tracing(&mut self, on: bool) {
        self.config.tracing = on;
    }

    /// Traces the end of each epoch too while tracing is on ([`ChainConfig::trace_epoch_end`]).
    pub fn set_epoch_end_tracing(&mut self, on: bool) {
        self.config.trace_epoch_end = on;
    }

    /// Whether this chain's EVM actor has a step-tracing build ([`Chain::set_step_tracing`]):
    /// ours does, FEVM's does not.
    pub fn records_steps(&self) -> bool {
        self.config.actors.runs_our_evm()
    }

    /// Runs every message from now on (or stops) with the EVM actor's step-tracing build in
    /// place of the EVM actor, so that the execution trace lists each EVM instruction with its
    /// stack ([`actor_types::step_log`]), and with the FVM's tracing on. The FVM compiles that
    /// build apart (its engines are keyed by the redirect), and actor debugging, which it
    /// needs, is on only there. FEVM's own EVM actor has no such build.
    pub fn set_step_tracing(&mut self, on: bool) -> Result<()> {
        anyhow::ensure!(
            !on || self.records_steps(),
            "the struct logger needs our EVM actor; FEVM's records no steps"
        );
        self.step_tracing = on;
        Ok(())
    }

    /// This chain as it was (or would be) at state `root`, to read or simulate there.
    pub fn at(&self, root: Cid) -> Chain {
        Chain {
            store: self.store.clone(),
            bundle: self.bundle.clone(),
            state_root: root,
            config: self.config.clone(),
            epoch: self.epoch,
            timestamp: self.timestamp,
            step_tracing: self.step_tracing,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    pub fn config(&self) -> &ChainConfig {
        &self.config
    }

    pub fn epoch(&self) -> ChainEpoch {
        self.epoch
    }

    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// Sets the block (epoch and timestamp) the next messages run in.
    pub fn set_block(&mut self, epoch: ChainEpoch, timestamp: u64) {
        self.epoch = epoch;
        self.timestamp = timestamp;
    }

    /// Runs an explicit message (nonce checked, gas paid) and makes its state the chain's.
    pub fn apply(&mut self, message: Message) -> Result<Outcome> {
        let raw_length = signed_length(&message);
        let (outcome, root) = self.execute(message, ApplyKind::Explicit, raw_length, true)?;
        self.state_root = root.expect("committed");
        Ok(outcome)
    }

    /// Runs an implicit message (no nonce, no gas payment: what the system actor sends at
    /// genesis and at the end of each epoch) and makes its state the chain's.
    pub fn apply_implicit(&mut self, message: Message) -> Result<Outcome> {
        let (outcome, root) = self.execute(message, ApplyKind::Implicit, 0, true)?;
        self.state_root = root.expect("committed");
        Ok(outcome)
    }

    /// Runs an explicit message (nonce checked, gas paid) and throws its state away: what it
    /// would cost and return if applied now.
    pub fn dry_run(&self, message: Message) -> Result<Outcome> {
        let raw_length = signed_length(&message);
        Ok(self
            .execute(message, ApplyKind::Explicit, raw_length, false)?
            .0)
    }

    /// The gas a message pays before anything runs: its inclusion on chain, by its size.
    pub fn inclusion_gas(&self, message: &Message) -> u64 {
        fvm::gas::price_list_by_network_version(self.config.network_version)
            .on_chain_message(signed_length(message))
            .total()
            .round_up()
    }

    /// Runs a message implicitly (no nonce, no gas payment) and throws its state away.
    pub fn simulate(&self, message: Message) -> Result<Outcome> {
        Ok(self.execute(message, ApplyKind::Implicit, 0, false)?.0)
    }

    /// Runs a message implicitly as [`Chain::simulate`] does, and answers the chain as it left
    /// it too: a scratch chain, so nothing reaches this one's store.
    pub fn simulate_to_state(&self, message: Message) -> Result<(Outcome, Chain)> {
        let scratch = self.scratch(self.state_root);
        let (outcome, root) = scratch.execute(message, ApplyKind::Implicit, 0, true)?;
        let after = scratch.at(root.expect("committed"));
        Ok((outcome, after))
    }

    /// Builds a message from `from` with its next nonce.
    pub fn message(
        &self,
        from: &Address,
        to: Address,
        method: MethodNum,
        params: RawBytes,
        value: TokenAmount,
    ) -> Result<Message> {
        let sequence = self.actor(from)?.map(|a| a.sequence).unwrap_or(0);
        Ok(Message {
            version: 0,
            from: *from,
            to,
            sequence,
            value,
            method_num: method,
            params,
            gas_limit: self.config.gas_limit,
            gas_fee_cap: if self.config.charge_fees {
                self.config.base_fee.clone()
            } else {
                TokenAmount::default()
            },
            gas_premium: TokenAmount::default(),
        })
    }

    /// Deploys `initcode` from `from` through the EAM's `CreateExternal`, as an Ethereum
    /// transaction without a recipient does.
    pub fn deploy(
        &mut self,
        from: EthAddress,
        initcode: &[u8],
        value: TokenAmount,
    ) -> Result<Deployment> {
        let params = RawBytes::serialize(CreateExternalParams(initcode.to_vec()))?;
        let message = self.message(
            &from.to_f410(),
            EAM_ACTOR_ADDR,
            eam::method::CREATE_EXTERNAL,
            params,
            value,
        )?;
        let outcome = self.apply(message)?;
        let contract = if outcome.is_success() {
            Some(fvm_ipld_encoding::from_slice(outcome.return_data.bytes())?)
        } else {
            None
        };
        Ok(Deployment { outcome, contract })
    }

    /// Calls contract `to` with `calldata` (`InvokeContract`).
    pub fn call(
        &mut self,
        from: EthAddress,
        to: EthAddress,
        calldata: &[u8],
        value: TokenAmount,
    ) -> Result<Outcome> {
        let message = self.invoke_message(from, to, calldata, value)?;
        self.apply(message)
    }

    /// Calls `to` without changing the chain (`eth_call`).
    pub fn call_read_only(
        &self,
        from: EthAddress,
        to: EthAddress,
        calldata: &[u8],
    ) -> Result<Outcome> {
        let message = self.invoke_message(from, to, calldata, TokenAmount::default())?;
        self.simulate(message)
    }

    fn invoke_message(
        &self,
        from: EthAddress,
        to: EthAddress,
        calldata: &[u8],
        value: TokenAmount,
    ) -> Result<Message> {
        let params = if calldata.is_empty() {
            RawBytes::default()
        } else {
            RawBytes::serialize(fvm_ipld_encoding::BytesSer(calldata))?
        };
        self.message(
            &from.to_f410(),
            to.to_filecoin(),
            evm::method::INVOKE_CONTRACT,
            params,
            value,
        )
    }

    /// A contract's storage slot (zero if unset).
    pub fn storage_at(&self, contract: EthAddress, key: [u8; 32]) -> Result<[u8; 32]> {
        let params = RawBytes::serialize(GetStorageAtParams {
            storage_key: U256Bytes(key),
        })?;
        // Only the system actor may ask, in an implicit message (no gas is paid).
        let message = self.message(
            &SYSTEM_ACTOR_ADDR,
            contract.to_filecoin(),
            evm::method::GET_STORAGE_AT,
            params,
            TokenAmount::default(),
        )?;
        let outcome = self.simulate(message)?;
        anyhow::ensure!(
            outcome.is_success(),
            "GetStorageAt failed: {}",
            outcome.exit_code
        );
        let value: U256Bytes = fvm_ipld_encoding::from_slice(outcome.return_data.bytes())?;
        Ok(value.0)
    }

    /// The Ethereum address of every actor that has one (an f410 delegated address), in
    /// actor-ID order.
    pub fn eth_addresses(&self) -> Result<Vec<EthAddress>> {
        let tree = StateTree::new_from_root(self.store.clone(), &self.state_root)?;
        let mut addresses = Vec::new();
        tree.for_each(|_, actor| {
            if let Some(address) = actor
                .delegated_address
                .as_ref()
                .and_then(EthAddress::from_f410)
            {
                addresses.push(address);
            }
            Ok(())
        })?;
        Ok(addresses)
    }

    /// The account at `address` as the EVM sees it: nonce, balance, code and non-zero storage
    /// slots (all empty where nothing lives), for dumps, tracers and comparisons.
    pub fn eth_account(&self, address: EthAddress) -> Result<EthAccount> {
        Ok(EthAccount {
            nonce: self.transaction_count(address)?,
            balance: self.balance(address)?,
            code: self.code(address)?,
            storage: self.storage(address)?,
        })
    }

    /// Every non-zero storage slot of the EVM contract at `contract`, in key order (empty for
    /// anything that is not a contract).
    pub fn storage(&self, contract: EthAddress) -> Result<BTreeMap<[u8; 32], [u8; 32]>> {
        use actor_types::storage::{StorageMap, STORAGE_CONFIG};
        use fvm_ipld_encoding::CborStore;
        let mut slots = BTreeMap::new();
        let Some(actor) = self.actor(&contract.to_filecoin())? else {
            return Ok(slots);
        };
        if actor.code != self.bundle.code_of(actor_types::builtin::Type::Evm) {
            return Ok(slots);
        }
        anyhow::ensure!(
            self.config.actors.runs_our_evm(),
            "listing a contract's storage needs our EVM actor's layout; FEVM's keeps its storage in a KAMT this host does not read (single slots it answers through GetStorageAt)"
        );
        let state: evm::State = self
            .store
            .get_cbor(&actor.state)?
            .ok_or_else(|| anyhow!("contract state missing"))?;
        let map = StorageMap::load_with_config(&state.contract_state, &self.store, STORAGE_CONFIG)?;
        map.for_each(|key, value| {
            slots.insert(key.0.to_be_bytes(), value.0.to_be_bytes());
            Ok(())
        })?;
        Ok(slots)
    }

    /// Whether every storage slot of the EVM contract at `contract` is zero.
    pub fn storage_is_empty(&self, contract: EthAddress) -> Result<bool> {
        use fvm_ipld_encoding::CborStore;
        let actor = self
            .actor(&contract.to_filecoin())?
            .ok_or_else(|| anyhow!("no actor at {contract:?}"))?;
        let state: evm::State = self
            .store
            .get_cbor(&actor.state)?
            .ok_or_else(|| anyhow!("contract state missing"))?;
        let empty = fvm_ipld_hamt::Hamt::<_, ()>::new_with_bit_width(
            crate::store::MemoryStore::default(),
            evm::STORAGE_BIT_WIDTH,
        )
        .flush()?;
        Ok(state.contract_state == empty)
    }

    /// The runtime code of the EVM contract at `address` (empty for anything else).
    pub fn code(&self, address: EthAddress) -> Result<Vec<u8>> {
        use fvm_ipld_encoding::CborStore;
        let Some(actor) = self.actor(&address.to_filecoin())? else {
            return Ok(Vec::new());
        };
        if actor.code != self.bundle.code_of(actor_types::builtin::Type::Evm) {
            return Ok(Vec::new());
        }
        let state: evm::State = self
            .store
            .get_cbor(&actor.state)?
            .ok_or_else(|| anyhow!("contract state of {address:?} missing"))?;
        fvm_ipld_blockstore::Blockstore::get(&self.store, &state.bytecode)?
            .ok_or_else(|| anyhow!("code of {address:?} missing"))
    }

    /// The actor at `address` in the current state.
    pub fn actor(&self, address: &Address) -> Result<Option<ActorState>> {
        let tree = StateTree::new_from_root(self.store.clone(), &self.state_root)?;
        let Some(id) = tree.lookup_id(address)? else {
            return Ok(None);
        };
        Ok(tree.get_actor(id)?)
    }

    /// The actor behind `address` with its ID.
    pub fn actor_with_id(&self, address: &Address) -> Result<Option<(ActorID, ActorState)>> {
        let tree = StateTree::new_from_root(self.store.clone(), &self.state_root)?;
        let Some(id) = tree.lookup_id(address)? else {
            return Ok(None);
        };
        Ok(tree.get_actor(id)?.map(|actor| (id, actor)))
    }

    /// The actor ID behind `address`.
    pub fn actor_id(&self, address: &Address) -> Result<Option<ActorID>> {
        let tree = StateTree::new_from_root(self.store.clone(), &self.state_root)?;
        Ok(tree.lookup_id(address)?)
    }

    /// The balance of the Ethereum address (zero if nothing lives there).
    pub fn balance(&self, address: EthAddress) -> Result<TokenAmount> {
        Ok(self
            .actor(&address.to_filecoin())?
            .map(|a| a.balance)
            .unwrap_or_default())
    }

    /// The next nonce of an Ethereum account.
    pub fn nonce(&self, address: EthAddress) -> Result<u64> {
        Ok(self
            .actor(&address.to_filecoin())?
            .map(|a| a.sequence)
            .unwrap_or(0))
    }

    /// What `eth_getTransactionCount` answers, as Lotus answers it: a contract's CREATE nonce,
    /// else the sequence of the account at `address`.
    pub fn transaction_count(&self, address: EthAddress) -> Result<u64> {
        let Some(actor) = self.actor(&address.to_filecoin())? else {
            return Ok(0);
        };
        if actor.code != self.bundle().code_of(actor_types::builtin::Type::Evm) {
            return Ok(actor.sequence);
        }
        let state: actor_types::evm::State = self
            .store()
            .get_cbor(&actor.state)?
            .context("contract state missing")?;
        Ok(state.nonce)
    }

    /// Compiles every actor of the bundle now. The FVM otherwise compiles them when the first
    /// message runs, which can take a minute in an unoptimised or instrumented build (the
    /// fuzz targets call this before their per-input timeout starts).
    pub fn compile_actors(&self) -> Result<()> {
        self.executor_parts()?.executor()?;
        Ok(())
    }

    /// What an executor at the chain's current state is made of.
    pub(crate) fn executor_parts(&self) -> Result<ExecutorParts> {
        let mut network = NetworkConfig::new(self.config.network_version);
        network.chain_id(ChainID::from(self.config.chain_id));
        if self.step_tracing {
            let step_tracing = bundle::install_step_tracing(&self.store)?;
            network.redirect_actors(vec![(self.bundle.code_of(Type::Evm), step_tracing)]);
            network.enable_actor_debugging();
        }
        let engines: EnginePool = engines().get(&network)?;
        let mut context = network.for_epoch(self.epoch, self.timestamp, self.state_root);
        context.set_base_fee(self.config.base_fee.clone());
        if self.config.tracing || self.step_tracing {
            context.enable_tracing();
        }
        let externs = DevExterns {
            tipset_digests: self.config.tipset_digests.clone(),
        };
        Ok(ExecutorParts {
            engines,
            context,
            store: self.store.clone(),
            externs,
            watched: self.config.watch,
        })
    }

    fn execute(
        &self,
        message: Message,
        kind: ApplyKind,
        raw_length: usize,
        commit: bool,
    ) -> Result<(Outcome, Option<Cid>)> {
        let parts = self.executor_parts()?;
        let run = move || -> Result<(Outcome, Option<Cid>)> {
            let mut executor = parts.executor()?;
            let ret = executor.execute_message(message, kind, raw_length)?;
            let logs = crate::logs::from_events(&ret.events, executor.state_tree())?;
            let watched_calls = executor.take_watched_calls();
            let root = if commit {
                Some(executor.flush()?)
            } else {
                None
            };
            Ok((outcome_of(ret, logs, watched_calls), root))
        };
        crate::fvm_thread::run(run)?
    }
}

pub(crate) fn outcome_of(
    ret: ApplyRet,
    events: Vec<Option<EvmLog>>,
    watched_calls: Vec<WatchedCall>,
) -> Outcome {
    let event_is_log = events.iter().map(Option::is_some).collect();
    Outcome {
        exit_code: ret.msg_receipt.exit_code,
        return_data: ret.msg_receipt.return_data,
        gas_used: ret.msg_receipt.gas_used,
        fee: &ret.base_fee_burn + &ret.over_estimation_burn + &ret.miner_tip,
        miner_tip: ret.miner_tip,
        logs: events.into_iter().flatten().collect(),
        event_is_log,
        failure: ret.failure_info.map(|f| f.to_string()),
        trace: ret.exec_trace,
        watched_calls,
    }
}

/// The length Lotus charges for a signed Ethereum message: the CBOR message plus a delegated
/// (secp256k1, 65-byte) signature and its framing.
pub fn signed_length(message: &Message) -> usize {
    const SIGNATURE_OVERHEAD: usize = 1 + 2 + 1 + 65;
    fvm_ipld_encoding::to_vec(message)
        .map(|m| m.len())
        .unwrap_or(0)
        + SIGNATURE_OVERHEAD
}
