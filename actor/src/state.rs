//! The contract's persistent state, as one invocation sees and changes it.
//!
//! Loaded once when the invocation starts, written back once at its end, and also before every
//! outgoing send (a callee may call back into this contract and must see the latest storage),
//! then reloaded after a successful send (that callee may have changed it).

use actor_runtime::{load_state, save_state, ActorBlockstore, ActorError, ActorResult};
use actor_types::evm::{BytecodeHash, MessageId, State, TransientData};
use cid::Cid;
use fvm_ipld_encoding::{CborStore, IPLD_RAW};
use interpreter::{Bytes, U256};
use multihash_codetable::Code;
use std::collections::BTreeMap;

use crate::storage::Storage;
use actor_types::storage::Word;

/// The state of this contract during one invocation.
pub struct ContractState {
    pub state: State,
    pub storage: Storage,
    /// Transient storage (EIP-1153), loaded on first use.
    transient: Option<BTreeMap<U256, U256>>,
    /// Something changed since the state was last written.
    dirty: bool,
    /// The state names the empty code, whose block is not written yet (see [`Self::create`]).
    empty_code_unwritten: bool,
    /// The root this actor's state had when last loaded or written.
    root: Cid,
}

/// The current top-level message: transient storage and tombstones are scoped to it.
pub fn current_message() -> MessageId {
    MessageId {
        origin: fvm_sdk::message::origin(),
        nonce: fvm_sdk::message::nonce(),
    }
}

impl ContractState {
    /// Loads the actor's state.
    pub fn load() -> ActorResult<Self> {
        let state: State = load_state()?;
        let root =
            fvm_sdk::sself::root().map_err(|e| ActorError::illegal_state(format!("{e:?}")))?;
        Ok(Self::from_state(state, root))
    }

    fn from_state(state: State, root: Cid) -> Self {
        Self {
            storage: Storage::at(state.contract_state),
            state,
            transient: None,
            dirty: false,
            empty_code_unwritten: false,
            root,
        }
    }

    /// A fresh contract: no code yet, empty storage, nonce 1. Nothing is written yet: every
    /// block costs storage gas, and the constructor's final flush writes the state with its
    /// code and storage. If the initcode calls out first, the flush before that send writes
    /// this state (the empty code's block too), so a call back finds a valid contract.
    pub fn create() -> ActorResult<Self> {
        let root =
            fvm_sdk::sself::root().map_err(|e| ActorError::illegal_state(format!("{e:?}")))?;
        let state = State {
            bytecode: code_cid(&[]),
            bytecode_hash: BytecodeHash::EMPTY,
            contract_state: Cid::default(),
            transient_data: None,
            nonce: 1,
            tombstone: None,
        };
        Ok(Self {
            storage: Storage::empty(),
            state,
            transient: None,
            dirty: true,
            empty_code_unwritten: true,
            root,
        })
    }

    /// Whether the contract self-destructed in an earlier message.
    pub fn is_dead(&self) -> bool {
        self.state.tombstone.is_some_and(|t| t != current_message())
    }

    /// The runtime code.
    pub fn code(&self) -> ActorResult<Bytes> {
        if self.empty_code_unwritten {
            return Ok(Bytes::new());
        }
        let code = fvm_sdk::ipld::get(&self.state.bytecode).map_err(|e| {
            ActorError::illegal_state(format!("reading the contract's code: {e:?}"))
        })?;
        Ok(code.into())
    }

    /// Installs the runtime code that initcode returned.
    pub fn set_code(&mut self, code: &[u8], hash: [u8; 32]) -> ActorResult<()> {
        self.state.bytecode = put_code(code)?;
        self.state.bytecode_hash = BytecodeHash(hash);
        self.empty_code_unwritten = false;
        self.dirty = true;
        Ok(())
    }

    pub fn sload(&mut self, key: U256) -> ActorResult<U256> {
        self.storage.get(key)
    }

    pub fn sstore(&mut self, key: U256, value: U256) -> ActorResult<U256> {
        let previous = self.storage.set(key, value)?;
        if previous != value {
            self.dirty = true;
        }
        Ok(previous)
    }

    fn transient(&mut self) -> ActorResult<&mut BTreeMap<U256, U256>> {
        if self.transient.is_none() {
            let loaded = match &self.state.transient_data {
                Some(data) if data.transient_data_lifespan == current_message() => {
                    let pairs: Vec<(Word, Word)> = ActorBlockstore
                        .get_cbor(&data.transient_data_state)
                        .map_err(|e| ActorError::illegal_state(format!("transient storage: {e}")))?
                        .unwrap_or_default();
                    pairs.into_iter().map(|(k, v)| (k.0, v.0)).collect()
                }
                _ => BTreeMap::new(),
            };
            self.transient = Some(loaded);
        }
        Ok(self.transient.as_mut().expect("loaded above"))
    }

    pub fn tload(&mut self, key: U256) -> ActorResult<U256> {
        Ok(self.transient()?.get(&key).copied().unwrap_or_default())
    }

    pub fn tstore(&mut self, key: U256, value: U256) -> ActorResult<()> {
        let map = self.transient()?;
        let changed = if value.is_zero() {
            map.remove(&key).is_some()
        } else {
            map.insert(key, value) != Some(value)
        };
        self.dirty |= changed;
        Ok(())
    }

    /// Takes the next `CREATE` nonce.
    pub fn next_nonce(&mut self) -> u64 {
        let nonce = self.state.nonce;
        self.state.nonce += 1;
        self.dirty = true;
        nonce
    }

    /// Marks the contract for deletion at the end of this message.
    pub fn bury(&mut self) {
        self.state.tombstone = Some(current_message());
        self.dirty = true;
    }

    /// Writes everything that changed and sets the actor's state root.
    pub fn flush(&mut self) -> ActorResult<()> {
        if !self.dirty {
            return Ok(());
        }
        if self.empty_code_unwritten {
            self.state.bytecode = put_code(&[])?;
            self.empty_code_unwritten = false;
        }
        self.state.contract_state = self.storage.flush()?;
        if let Some(map) = &self.transient {
            self.state.transient_data = if map.is_empty() {
                None
            } else {
                let pairs: Vec<(Word, Word)> =
                    map.iter().map(|(k, v)| (Word(*k), Word(*v))).collect();
                let root = ActorBlockstore
                    .put_cbor(&pairs, Code::Blake2b256)
                    .map_err(|e| ActorError::illegal_state(format!("transient storage: {e}")))?;
                Some(TransientData {
                    transient_data_state: root,
                    transient_data_lifespan: current_message(),
                })
            };
        }
        self.root = save_state(&self.state)?;
        self.dirty = false;
        Ok(())
    }

    /// Re-reads the state if someone (a re-entrant call) changed it since we last saw it.
    pub fn reload_if_changed(&mut self) -> ActorResult<()> {
        let root =
            fvm_sdk::sself::root().map_err(|e| ActorError::illegal_state(format!("{e:?}")))?;
        if root != self.root {
            let state: State = load_state()?;
            *self = Self::from_state(state, root);
        }
        Ok(())
    }
}

/// The CID `code` has as a raw IPLD block, without writing it.
fn code_cid(code: &[u8]) -> Cid {
    use multihash_codetable::MultihashDigest;
    Cid::new_v1(IPLD_RAW, Code::Blake2b256.digest(code))
}

/// Stores code as a raw IPLD block.
fn put_code(code: &[u8]) -> ActorResult<Cid> {
    fvm_sdk::ipld::put(Code::Blake2b256.into(), 32, IPLD_RAW, code)
        .map_err(|e| ActorError::illegal_state(format!("writing code: {e:?}")))
}
