//! Direct edits of the state, outside any message: what a dev chain's helpers
//! (`anvil_setBalance`, `anvil_setCode`, `anvil_setStorageAt`, `anvil_setNonce`) need. Nothing here is reachable on a real network.

use actor_types::{
    builtin::Type,
    evm::{self, BytecodeHash},
    storage::{StorageMap, Word, STORAGE_CONFIG},
    EthAddress,
};
use alloy_primitives::U256;
use anyhow::{Context, Result};
use fvm::state_tree::{ActorState, StateTree};
use fvm_ipld_blockstore::{Block, Blockstore};
use fvm_ipld_encoding::{CborStore, IPLD_RAW};
use fvm_shared::econ::TokenAmount;
use multihash_codetable::Code;

use crate::Chain;

impl Chain {
    /// Sets the balance of `address`. An address with no actor gets an EthAccount, as if it had
    /// been funded and then sent its first message.
    pub fn set_balance(&mut self, address: EthAddress, balance: TokenAmount) -> Result<()> {
        self.edit_actor(address, Type::EthAccount, |actor| actor.balance = balance)
    }

    /// Replaces the code at `address` with `code`, keeping its balance and storage; an address
    /// without a contract becomes one (with empty storage and CREATE nonce 1).
    pub fn set_code(&mut self, address: EthAddress, code: &[u8]) -> Result<()> {
        let store = self.store().clone();
        let bytecode = store.put(
            Code::Blake2b256,
            &Block {
                codec: IPLD_RAW,
                data: code,
            },
        )?;
        let bytecode_hash = BytecodeHash(alloy_primitives::keccak256(code).0);
        let evm_code = self.bundle().code_of(Type::Evm);
        let existing = self.actor(&address.to_filecoin())?;
        let state = match existing.filter(|actor| actor.code == evm_code) {
            Some(actor) => {
                let mut state: evm::State = store
                    .get_cbor(&actor.state)?
                    .context("contract state missing")?;
                state.bytecode = bytecode;
                state.bytecode_hash = bytecode_hash;
                state
            }
            None => evm::State {
                bytecode,
                bytecode_hash,
                contract_state: fvm_ipld_hamt::Hamt::<_, ()>::new_with_bit_width(
                    store.clone(),
                    evm::STORAGE_BIT_WIDTH,
                )
                .flush()?,
                transient_data: None,
                nonce: 1,
                tombstone: None,
            },
        };
        let state = store.put_cbor(&state, Code::Blake2b256)?;
        self.edit_actor(address, Type::Evm, |actor| {
            actor.code = evm_code;
            actor.state = state;
        })
    }

    /// Makes the contract at `address` an EthAccount, keeping its balance and sequence and
    /// dropping its code and storage: the FVM takes explicit messages only from accounts, so
    /// this is how a simulation sends one from a contract's address (as Ethereum tools
    /// estimate a call from a Safe). Nothing else changes; an address with no contract is left
    /// as it is.
    pub fn make_sender(&mut self, address: EthAddress) -> Result<()> {
        let evm_code = self.bundle().code_of(Type::Evm);
        let is_contract = self
            .actor(&address.to_filecoin())?
            .is_some_and(|actor| actor.code == evm_code);
        if !is_contract {
            return Ok(());
        }
        let store = self.store().clone();
        let empty = store.put_cbor(&Vec::<()>::new(), Code::Blake2b256)?;
        let account_code = self.bundle().code_of(Type::EthAccount);
        self.edit_actor(address, Type::EthAccount, |actor| {
            actor.code = account_code;
            actor.state = empty;
        })
    }

    /// Sets the nonce of `address`: a contract's CREATE nonce, or else the sequence of the
    /// account that sends from it (an address with no actor gets an EthAccount).
    pub fn set_nonce(&mut self, address: EthAddress, nonce: u64) -> Result<()> {
        let store = self.store().clone();
        let evm_code = self.bundle().code_of(Type::Evm);
        match self
            .actor(&address.to_filecoin())?
            .filter(|a| a.code == evm_code)
        {
            Some(contract) => {
                let mut state: evm::State = store
                    .get_cbor(&contract.state)?
                    .context("contract state missing")?;
                state.nonce = nonce;
                let state = store.put_cbor(&state, Code::Blake2b256)?;
                self.edit_actor(address, Type::Evm, |actor| actor.state = state)
            }
            None => self.edit_actor(address, Type::EthAccount, |actor| actor.sequence = nonce),
        }
    }

    /// Sets storage slot `key` of the contract at `address` to `value` (zero clears it).
    pub fn set_storage(
        &mut self,
        address: EthAddress,
        key: [u8; 32],
        value: [u8; 32],
    ) -> Result<()> {
        let store = self.store().clone();
        let actor = self
            .actor(&address.to_filecoin())?
            .filter(|actor| actor.code == self.bundle().code_of(Type::Evm))
            .with_context(|| format!("no contract at {address:?}: give it code first"))?;
        let mut state: evm::State = store
            .get_cbor(&actor.state)?
            .context("contract state missing")?;
        let mut map =
            StorageMap::load_with_config(&state.contract_state, store.clone(), STORAGE_CONFIG)?;
        let (key, value) = (U256::from_be_bytes(key), U256::from_be_bytes(value));
        if value.is_zero() {
            map.delete(&Word(key))?;
        } else {
            map.set(Word(key), Word(value))?;
        }
        state.contract_state = map.flush()?;
        let state = store.put_cbor(&state, Code::Blake2b256)?;
        self.edit_actor(address, Type::Evm, |actor| actor.state = state)
    }

    /// Applies `edit` to the actor at `address` (created as a `kind` first if there is none)
    /// and makes the result the chain's state.
    fn edit_actor(
        &mut self,
        address: EthAddress,
        kind: Type,
        edit: impl FnOnce(&mut ActorState),
    ) -> Result<()> {
        let store = self.store().clone();
        let mut tree = StateTree::new_from_root(store.clone(), &self.state_root())?;
        let f410 = address.to_f410();
        let (id, mut actor) = match tree.lookup_id(&address.to_filecoin())? {
            Some(id) => (id, tree.get_actor(id)?.context("actor vanished")?),
            None => {
                let id = tree.register_new_address(&f410)?;
                let empty = store.put_cbor(&Vec::<()>::new(), Code::Blake2b256)?;
                let actor = ActorState::new(
                    self.bundle().code_of(kind),
                    empty,
                    TokenAmount::default(),
                    0,
                    Some(f410),
                );
                (id, actor)
            }
        };
        edit(&mut actor);
        tree.set_actor(id, actor);
        let root = tree.flush()?;
        self.set_state_root(root);
        Ok(())
    }
}
