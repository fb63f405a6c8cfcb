//! The genesis state: the singleton actors a chain needs and the funded accounts.

use actor_types::{
    builtin::{
        Type, BURNT_FUNDS_ACTOR_ID, EAM_ACTOR_ID, FIRST_NON_SINGLETON_ID, INIT_ACTOR_ID,
        REWARD_ACTOR_ID, SYSTEM_ACTOR_ID,
    },
    init::ADDRESS_MAP_BIT_WIDTH,
    EthAddress,
};
use anyhow::Result;
use bundle::Bundle;
use cid::Cid;
use fvm::state_tree::{ActorState, StateTree};
use fvm_ipld_encoding::CborStore;
use fvm_ipld_hamt::{BytesKey, Hamt};
use fvm_shared::{address::Address, econ::TokenAmount, state::StateTreeVersion, ActorID};
use multihash_codetable::Code;

use crate::store::Store;

/// A funded Ethereum account at genesis (an f410 EthAccount).
#[derive(Debug, Clone)]
pub struct GenesisAccount {
    pub address: EthAddress,
    pub balance: TokenAmount,
    /// Its first message's nonce (0 for a fresh account).
    pub nonce: u64,
}

/// What the chain starts with.
#[derive(Debug, Clone)]
pub struct Genesis {
    pub network_name: String,
    pub accounts: Vec<GenesisAccount>,
    /// The verified registry's root key, on a chain with the network's actors: who may add
    /// verifiers. `None`: the system actor, so only implicit messages can.
    pub verifreg_root: Option<Address>,
}

/// Writes the genesis state into `store` and returns its root.
pub fn build(store: &Store, bundle: &Bundle, genesis: &Genesis) -> Result<Cid> {
    let empty = store.put_cbor(&Vec::<()>::new(), Code::Blake2b256)?;
    let mut tree = StateTree::new(store.clone(), StateTreeVersion::V5)?;
    let singleton = |code: Type, state: Cid| {
        ActorState::new(bundle.code_of(code), state, TokenAmount::default(), 0, None)
    };

    let system_state = store.put_cbor(
        &actor_types::system::State {
            builtin_actors: bundle.manifest_data,
        },
        Code::Blake2b256,
    )?;
    tree.set_actor(SYSTEM_ACTOR_ID, singleton(Type::System, system_state));

    let address_map =
        Hamt::<_, ActorID, BytesKey>::new_with_bit_width(store.clone(), ADDRESS_MAP_BIT_WIDTH)
            .flush()?;
    let init_state = actor_types::init::State {
        address_map,
        next_id: FIRST_NON_SINGLETON_ID,
        network_name: genesis.network_name.clone(),
    };
    tree.set_actor(
        INIT_ACTOR_ID,
        singleton(Type::Init, store.put_cbor(&init_state, Code::Blake2b256)?),
    );

    tree.set_actor(REWARD_ACTOR_ID, singleton(Type::Reward, empty));
    tree.set_actor(EAM_ACTOR_ID, singleton(Type::Eam, empty));
    let burnt = actor_types::account::State {
        address: Address::new_id(BURNT_FUNDS_ACTOR_ID),
    };
    tree.set_actor(
        BURNT_FUNDS_ACTOR_ID,
        singleton(Type::Account, store.put_cbor(&burnt, Code::Blake2b256)?),
    );

    for account in &genesis.accounts {
        let f410 = account.address.to_f410();
        let id = tree.register_new_address(&f410)?;
        let state = ActorState::new(
            bundle.code_of(Type::EthAccount),
            empty,
            account.balance.clone(),
            account.nonce,
            Some(f410),
        );
        tree.set_actor(id, state);
    }
    Ok(tree.flush()?)
}
