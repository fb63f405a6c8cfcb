//! A contract's storage at run time: the HAMT of `actor_types::storage`, loaded on first access
//! and flushed with the contract's state.

use actor_runtime::{ActorBlockstore, ActorError, ActorResult};
use actor_types::storage::{StorageMap, Word, STORAGE_CONFIG};
use cid::Cid;
use interpreter::U256;

type Map = StorageMap<ActorBlockstore>;
/// A contract's storage, loaded on first access.
pub struct Storage {
    root: Cid,
    map: Option<Map>,
}

fn storage_error(e: impl std::fmt::Display) -> ActorError {
    ActorError::illegal_state(format!("contract storage: {e}"))
}

impl Storage {
    /// The storage whose root block is `root`; nothing is read until a slot is.
    pub fn at(root: Cid) -> Self {
        Self { root, map: None }
    }

    /// A new, empty storage. Its root is written at the first flush; until then the root is a
    /// placeholder nobody reads (the map is in memory).
    pub fn empty() -> Self {
        Self {
            root: Cid::default(),
            map: Some(Map::new_with_config(ActorBlockstore, STORAGE_CONFIG)),
        }
    }

    fn map(&mut self) -> ActorResult<&mut Map> {
        if self.map.is_none() {
            let map = Map::load_with_config(&self.root, ActorBlockstore, STORAGE_CONFIG)
                .map_err(storage_error)?;
            self.map = Some(map);
        }
        Ok(self.map.as_mut().expect("loaded above"))
    }

    /// The value in `key`, zero if unset.
    pub fn get(&mut self, key: U256) -> ActorResult<U256> {
        Ok(self
            .map()?
            .get(&Word(key))
            .map_err(storage_error)?
            .map(|w| w.0)
            .unwrap_or_default())
    }

    /// Sets `key` to `value` (zero deletes) and returns the previous value.
    pub fn set(&mut self, key: U256, value: U256) -> ActorResult<U256> {
        let map = self.map()?;
        let previous = if value.is_zero() {
            map.delete(&Word(key))
                .map_err(storage_error)?
                .map(|(_, v)| v)
        } else {
            map.set(Word(key), Word(value)).map_err(storage_error)?
        };
        Ok(previous.map(|w| w.0).unwrap_or_default())
    }

    /// Writes changed nodes and returns the root.
    pub fn flush(&mut self) -> ActorResult<Cid> {
        if let Some(map) = &mut self.map {
            self.root = map.flush().map_err(storage_error)?;
        }
        Ok(self.root)
    }
}
