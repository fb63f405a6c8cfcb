//! The blockstore the chain lives in: any thread-safe blockstore behind an `Arc`, so the dev
//! node can put it on disk and tests can keep it in memory.

use anyhow::Result;
use cid::Cid;
use fvm_ipld_blockstore::Blockstore;
use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

/// A shared, thread-safe blockstore.
#[derive(Clone)]
pub struct Store(pub Arc<dyn Blockstore + Send + Sync>);

impl Store {
    pub fn new(store: impl Blockstore + Send + Sync + 'static) -> Self {
        Store(Arc::new(store))
    }

    /// A fresh in-memory store.
    pub fn memory() -> Self {
        Store::new(MemoryStore::default())
    }

    /// An in-memory store on top of `base`: reads fall through to `base`, writes stay here.
    /// Many throwaway chains can share one genesis this way.
    pub fn overlay(base: Store) -> Self {
        Store::new(Overlay {
            top: MemoryStore::default(),
            base,
        })
    }
}

struct Overlay {
    top: MemoryStore,
    base: Store,
}

impl Blockstore for Overlay {
    fn get(&self, k: &Cid) -> Result<Option<Vec<u8>>> {
        match self.top.get(k)? {
            Some(block) => Ok(Some(block)),
            None => self.base.get(k),
        }
    }

    fn put_keyed(&self, k: &Cid, block: &[u8]) -> Result<()> {
        self.top.put_keyed(k, block)
    }

    fn has(&self, k: &Cid) -> Result<bool> {
        Ok(self.top.has(k)? || self.base.has(k)?)
    }
}

impl Blockstore for Store {
    fn get(&self, k: &Cid) -> Result<Option<Vec<u8>>> {
        self.0.get(k)
    }

    fn put_keyed(&self, k: &Cid, block: &[u8]) -> Result<()> {
        self.0.put_keyed(k, block)
    }

    fn has(&self, k: &Cid) -> Result<bool> {
        self.0.has(k)
    }
}

/// An in-memory blockstore usable from several threads (the FVM runs on its own thread).
#[derive(Default)]
pub struct MemoryStore(RwLock<HashMap<Cid, Vec<u8>>>);

impl Blockstore for MemoryStore {
    fn get(&self, k: &Cid) -> Result<Option<Vec<u8>>> {
        Ok(self.0.read().expect("store lock").get(k).cloned())
    }

    fn put_keyed(&self, k: &Cid, block: &[u8]) -> Result<()> {
        self.0
            .write()
            .expect("store lock")
            .insert(*k, block.to_vec());
        Ok(())
    }

    fn has(&self, k: &Cid) -> Result<bool> {
        Ok(self.0.read().expect("store lock").contains_key(k))
    }
}
