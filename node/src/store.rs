//! The FVM's blockstore over the node's database.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

use anyhow::Result;
use cid::Cid;
use fvm_ipld_blockstore::Blockstore;

use crate::{block_cache::BlockCache, db::Db};

/// The FVM's blockstore: reads see pending writes first, then blocks recently read or sealed,
/// then the database; writes stay pending until the block that made them is sealed (or thrown away).
#[derive(Clone)]
pub struct ChainStore {
    db: Db,
    pending: Arc<RwLock<HashMap<Cid, Vec<u8>>>>,
    recent: Arc<BlockCache>,
}

/// What the cache of blocks recently read or sealed may hold.
const RECENT_CACHE_BYTES: usize = 16 << 20;

impl ChainStore {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            pending: Arc::default(),
            recent: Arc::new(BlockCache::new(RECENT_CACHE_BYTES)),
        }
    }

    /// Takes the pending writes (to seal them with a block).
    pub fn take_pending(&self) -> HashMap<Cid, Vec<u8>> {
        std::mem::take(&mut *self.pending.write().expect("pending lock"))
    }

    /// Keeps the blocks just sealed at hand: the next message reads the newest state first.
    pub fn sealed(&self, writes: &HashMap<Cid, Vec<u8>>) {
        for (cid, block) in writes {
            self.recent.insert(*cid, block);
        }
    }

    /// Puts back writes taken by [`ChainStore::take_pending`] whose sealing failed.
    pub fn restore_pending(&self, writes: HashMap<Cid, Vec<u8>>) {
        self.pending.write().expect("pending lock").extend(writes);
    }

    /// Forgets the pending writes (their block was not sealed).
    pub fn discard_pending(&self) {
        self.pending.write().expect("pending lock").clear();
    }
}

impl Blockstore for ChainStore {
    fn get(&self, k: &Cid) -> Result<Option<Vec<u8>>> {
        if let Some(block) = self.pending.read().expect("pending lock").get(k) {
            return Ok(Some(block.clone()));
        }
        if let Some(block) = self.recent.get(k) {
            return Ok(Some(block));
        }
        let block = self.db.ipld(k)?;
        if let Some(block) = &block {
            self.recent.insert(*k, block);
        }
        Ok(block)
    }

    fn put_keyed(&self, k: &Cid, block: &[u8]) -> Result<()> {
        // A block in the cache is in the database already (it was read from there or sealed),
        // and a block's CID fixes its bytes: writing it again would change nothing. Every
        // message writes one such block at least: each FVM machine puts the empty array.
        if self.recent.contains(k) {
            return Ok(());
        }
        self.pending
            .write()
            .expect("pending lock")
            .insert(*k, block.to_vec());
        Ok(())
    }

    fn has(&self, k: &Cid) -> Result<bool> {
        Ok(self.get(k)?.is_some())
    }
}
