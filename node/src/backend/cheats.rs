//! What only a dev chain allows: snapshots to return to (`evm_snapshot`, `evm_revert`) and
//! direct edits of balances, code and storage (`anvil_set*`), persisted without a block.

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, U256};
use anyhow::Result;
use cid::Cid;

use super::state::ChainState;

/// A state to return to.
#[derive(Debug, Clone)]
struct Snapshot {
    head: u64,
    state_root: Cid,
}

#[derive(Debug)]
pub struct Snapshots {
    taken: BTreeMap<u64, Snapshot>,
    next_id: u64,
}

impl Default for Snapshots {
    fn default() -> Self {
        // Ids start at 1, as anvil's do.
        Self {
            taken: BTreeMap::new(),
            next_id: 1,
        }
    }
}

impl Snapshots {
    /// `evm_snapshot`: an id to return to the current state with [`Snapshots::revert`].
    pub fn take(&mut self, state: &ChainState) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let snapshot = Snapshot {
            head: state.head().number,
            state_root: state.chain_ref().state_root(),
        };
        self.taken.insert(id, snapshot);
        id
    }

    /// `evm_revert`: back to snapshot `id`, dropping the blocks since (and this and later
    /// snapshots). False if there is no such snapshot.
    pub fn revert(&mut self, id: u64, state: &mut ChainState) -> Result<bool> {
        let Some(snapshot) = self.taken.get(&id).cloned() else {
            return Ok(false);
        };
        self.taken.split_off(&id);
        state.rewind(snapshot.head, snapshot.state_root)?;
        Ok(true)
    }
}

pub fn set_balance(state: &mut ChainState, address: Address, balance: U256) -> Result<()> {
    let amount = actor_types::token::wei_to_atto(balance);
    state.chain().set_balance(address.into(), amount)?;
    state.persist_edit()
}

pub fn set_code(state: &mut ChainState, address: Address, code: &[u8]) -> Result<()> {
    state.chain().set_code(address.into(), code)?;
    state.persist_edit()
}

pub fn set_nonce(state: &mut ChainState, address: Address, nonce: u64) -> Result<()> {
    state.chain().set_nonce(address.into(), nonce)?;
    state.persist_edit()
}

pub fn set_storage(
    state: &mut ChainState,
    address: Address,
    slot: B256,
    value: B256,
) -> Result<()> {
    state.chain().set_storage(address.into(), slot.0, value.0)?;
    state.persist_edit()
}
