//! Filecoin's singleton actors, on a chain that runs the production bundle (ours ships none of
//! them): built at genesis by their own constructors, and run at the end of every epoch the
//! way Lotus runs them (`chain/consensus/compute_state.go`).
//!
//! At genesis each singleton is put at its ID with the empty-array state (what the runtime's
//! `create` requires), the reward actor with the balance Lotus gives it, and then constructed
//! by an implicit message from the system actor, in dependency order. The system actor's state
//! (the manifest the FVM reads before anything can run), the init actor's (which the genesis
//! accounts are registered in) and the burnt-funds account's (an account constructor takes
//! only key addresses, and f099 is an ID) are written directly, as Lotus writes them.
//!
//! At the end of an epoch, the reward actor's `AwardBlockReward` for the block's producer, then
//! cron's `EpochTick` (the power actor's and the market's end-of-epoch work), both implicit
//! messages from the system actor, so no user pays for them.

use actor_types::{
    builtin::{
        Type, BURNT_FUNDS_ACTOR_ID, CRON_ACTOR_ID, DATACAP_ACTOR_ID, EAM_ACTOR_ID, MARKET_ACTOR_ID,
        METHOD_CONSTRUCTOR, METHOD_SEND, POWER_ACTOR_ID, REWARD_ACTOR_ID, SYSTEM_ACTOR_ADDR,
        VERIFREG_ACTOR_ID,
    },
    singletons::{cron, datacap, market, power, reward, verifreg},
};
use anyhow::{Context, Result};
use fvm::state_tree::{ActorState, StateTree};
use fvm_ipld_encoding::{CborStore, RawBytes};
use fvm_shared::{
    address::{Address, Protocol},
    econ::TokenAmount,
    message::Message,
    sector::RegisteredPoStProof,
    ActorID, MethodNum,
};
use multihash_codetable::Code;
use serde::Serialize;

use crate::{chain::Chain, Outcome};

/// What Lotus gives the reward actor at genesis (`InitialRewardBalance`), in FIL.
pub const INITIAL_REWARD_BALANCE_FIL: u64 = 1_100_000_000;

/// Gas for the system actor's implicit messages: more than any of them needs (Lotus lets
/// them run on the gas of ten thousand blocks).
const IMPLICIT_GAS_LIMIT: u64 = 10_000 * actor_types::network::BLOCK_GAS_LIMIT;

/// The singletons constructed at genesis: where, what, and their constructor's params.
fn singletons(verifreg_root: Address) -> Result<Vec<(ActorID, Type, Option<RawBytes>)>> {
    let id = Address::new_id;
    let cron_jobs = cron::ConstructorParams {
        entries: vec![
            cron::Entry {
                receiver: id(POWER_ACTOR_ID),
                method_num: power::ON_EPOCH_TICK_END,
            },
            cron::Entry {
                receiver: id(MARKET_ACTOR_ID),
                method_num: market::CRON_TICK,
            },
        ],
    };
    Ok(vec![
        (
            REWARD_ACTOR_ID,
            Type::Reward,
            params(&reward::ConstructorParams(Default::default()))?,
        ),
        (CRON_ACTOR_ID, Type::Cron, params(&cron_jobs)?),
        (POWER_ACTOR_ID, Type::Power, None),
        (MARKET_ACTOR_ID, Type::Market, None),
        (
            VERIFREG_ACTOR_ID,
            Type::VerifiedRegistry,
            params(&verifreg::ConstructorParams {
                root_key: verifreg_root,
            })?,
        ),
        (
            DATACAP_ACTOR_ID,
            Type::DataCap,
            params(&datacap::ConstructorParams {
                governor: id(VERIFREG_ACTOR_ID),
            })?,
        ),
        (EAM_ACTOR_ID, Type::Eam, None),
    ])
}

fn params(value: &impl Serialize) -> Result<Option<RawBytes>> {
    Ok(Some(RawBytes::serialize(value)?))
}

/// Puts the network's singletons on `chain` (at genesis) and runs their constructors. A key
/// address `verifreg_root` gets its account first, created as any account is, by a send.
pub(crate) fn construct(chain: &mut Chain, verifreg_root: Address) -> Result<()> {
    let singletons = singletons(verifreg_root)?;
    place(chain, &singletons)?;
    if matches!(
        verifreg_root.protocol(),
        Protocol::Secp256k1 | Protocol::BLS
    ) {
        let created = chain.apply_implicit(system_message(verifreg_root, METHOD_SEND, None))?;
        succeeded(
            &created,
            "creating the verified registry's root key account",
        )?;
    }
    for (id, kind, params) in singletons {
        let outcome = chain.apply_implicit(system_message(
            Address::new_id(id),
            METHOD_CONSTRUCTOR,
            params,
        ))?;
        succeeded(&outcome, &format!("constructing the {} actor", kind.name()))?;
    }
    Ok(())
}

/// Each singleton at its ID, with the empty-array state its constructor replaces.
fn place(chain: &mut Chain, singletons: &[(ActorID, Type, Option<RawBytes>)]) -> Result<()> {
    let store = chain.store().clone();
    let empty = store.put_cbor(&Vec::<()>::new(), Code::Blake2b256)?;
    let mut tree = StateTree::new_from_root(store, &chain.state_root())?;
    for (id, kind, _) in singletons {
        let balance = if *id == REWARD_ACTOR_ID {
            TokenAmount::from_whole(INITIAL_REWARD_BALANCE_FIL)
        } else {
            TokenAmount::default()
        };
        let actor = ActorState::new(chain.bundle().code_of(*kind), empty, balance, 0, None);
        tree.set_actor(*id, actor);
    }
    let root = tree.flush()?;
    chain.set_state_root(root);
    Ok(())
}

/// A storage provider the chain starts with, as Lotus's genesis makes one: its owner sends
/// the power actor's `CreateMiner`.
#[derive(Debug, Clone)]
pub struct GenesisMiner {
    /// The owner's key address (f1 or f3): its account is created and given `owner_balance`.
    pub owner: Address,
    /// The worker's BLS key address (f3): the miner actor takes no other kind of worker.
    pub worker: Address,
    pub owner_balance: TokenAmount,
    /// What the owner sends with `CreateMiner`: the creation deposit (FIP-0077) the miner
    /// locks, the rest its available balance.
    pub value: TokenAmount,
    /// The proof type of its window PoSts; the bundle's network decides which it accepts.
    pub window_post_proof_type: RegisteredPoStProof,
}

/// Creates `miner` on `chain` (at genesis) and returns its ID address.
pub fn create_miner(chain: &mut Chain, miner: &GenesisMiner) -> Result<Address> {
    anyhow::ensure!(
        chain.has_network_actors(),
        "a storage provider needs the network's actors (--actors hybrid or fevm)"
    );
    for key in [miner.owner, miner.worker] {
        let created = chain.apply_implicit(system_message(key, METHOD_SEND, None))?;
        succeeded(&created, &format!("creating the account of {key}"))?;
    }
    fund(chain, &miner.owner, &miner.owner_balance)?;
    let create = power::CreateMinerParams {
        owner: miner.owner,
        worker: miner.worker,
        window_post_proof_type: miner.window_post_proof_type,
        peer: Vec::new(),
        multiaddrs: Vec::new(),
    };
    let message = Message {
        from: miner.owner,
        value: miner.value.clone(),
        ..system_message(
            Address::new_id(POWER_ACTOR_ID),
            power::CREATE_MINER,
            params(&create)?,
        )
    };
    let created = chain.apply_implicit(message)?;
    succeeded(&created, "creating the genesis storage provider")?;
    let created: power::CreateMinerReturn = created
        .return_data
        .deserialize()
        .context("CreateMiner's return")?;
    Ok(created.id_address)
}

/// Gives the existing account at `address` `amount` more (a genesis allocation).
pub fn fund(chain: &mut Chain, address: &Address, amount: &TokenAmount) -> Result<()> {
    let mut tree = StateTree::new_from_root(chain.store().clone(), &chain.state_root())?;
    let id = tree
        .lookup_id(address)?
        .with_context(|| format!("no actor at {address}"))?;
    let mut actor = tree.get_actor(id)?.context("the actor vanished")?;
    actor.balance += amount;
    tree.set_actor(id, actor);
    let root = tree.flush()?;
    chain.set_state_root(root);
    Ok(())
}

fn system_message(to: Address, method: MethodNum, params: Option<RawBytes>) -> Message {
    Message {
        version: 0,
        from: SYSTEM_ACTOR_ADDR,
        to,
        sequence: 0,
        value: TokenAmount::default(),
        method_num: method,
        params: params.unwrap_or_default(),
        gas_limit: IMPLICIT_GAS_LIMIT,
        gas_fee_cap: TokenAmount::default(),
        gas_premium: TokenAmount::default(),
    }
}

pub(crate) fn succeeded(outcome: &Outcome, what: &str) -> Result<()> {
    anyhow::ensure!(
        outcome.is_success(),
        "{what} failed: exit code {}{}",
        outcome.exit_code,
        outcome
            .failure
            .as_deref()
            .map(|f| format!(" ({f})"))
            .unwrap_or_default()
    );
    Ok(())
}

impl Chain {
    /// Whether this chain runs the network's singletons (the production bundle does; ours
    /// ships none of them).
    pub fn has_network_actors(&self) -> bool {
        self.config().actors != bundle::Actors::Ours
    }

    /// Ends the current epoch of a block without messages as Lotus does: the block reward for
    /// `producer`, then cron; their outcomes. Nothing on a chain without the network's actors.
    /// (A block with messages ends its epoch in [`Chain::apply_block`] or
    /// [`Chain::start_block`].)
    pub fn end_epoch(&mut self, producer: Option<Address>) -> Result<Option<EpochEnd>> {
        Ok(self.apply_block(Vec::new(), producer)?.epoch_end)
    }
}

/// The end of an epoch's two messages, both from the system actor: the block reward for
/// `producer`, with the tips its block's messages paid (`gas_reward`, which the FVM has
/// already moved to the reward actor), then cron.
///
/// Without a producer (a chain with no storage provider), the reward is addressed to the
/// burnt-funds account, which is not a miner: the reward actor burns it, as it burns any
/// reward a miner cannot take.
pub(crate) fn end_of_epoch(
    producer: Option<Address>,
    gas_reward: TokenAmount,
) -> Result<[Message; 2]> {
    let award = reward::AwardBlockRewardParams {
        miner: producer.unwrap_or(Address::new_id(BURNT_FUNDS_ACTOR_ID)),
        penalty: TokenAmount::default(),
        gas_reward,
        win_count: 1,
    };
    let to = Address::new_id(REWARD_ACTOR_ID);
    Ok([
        system_message(to, reward::AWARD_BLOCK_REWARD, params(&award)?),
        system_message(Address::new_id(CRON_ACTOR_ID), cron::EPOCH_TICK, None),
    ])
}

/// The epoch the reward actor will reward next (its state's eighth field, builtin-actors v18):
/// cron's power job moves it on, so after epoch `n` has ended it is `n + 1`.
pub fn reward_epoch(chain: &Chain) -> Result<i64> {
    use fvm_ipld_encoding::de::IgnoredAny as Other;
    type RewardState = (
        Other,
        Other,
        Other,
        Other,
        Other,
        Other,
        Other,
        i64,
        Other,
        Other,
        Other,
    );
    let actor = chain
        .actor(&Address::new_id(REWARD_ACTOR_ID))?
        .context("no reward actor")?;
    let state: RewardState = chain
        .store()
        .get_cbor(&actor.state)?
        .context("the reward actor's state is missing")?;
    Ok(state.7)
}

/// What ran at the end of an epoch.
#[derive(Debug, Clone)]
pub struct EpochEnd {
    pub reward: Outcome,
    pub cron: Outcome,
}
