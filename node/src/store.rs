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
/// then the database; writes stay pending until the next write to the database stores them.
#[derive(Clone)]
pub struct ChainStore {
    db: Db,
    pending: Arc<RwLock<Pending>>,
    recent: Arc<BlockCache>,
}

/// Writes not in the database yet.
#[derive(Default)]
struct Pending {
    writes: HashMap<Cid, Vec<u8>>,
    /// Writes being stored ([`ChainStore::store_pending`]): still read from here meanwhile, as
    /// the end of an epoch may be running.
    storing: Option<Arc<HashMap<Cid, Vec<u8>>>>,
}

impl Pending {
    fn get(&self, k: &Cid) -> Option<Vec<u8>> {
        self.writes
            .get(k)
            .or_else(|| self.storing.as_ref()?.get(k))
            .cloned()
    }
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

    /// Stores the pending writes with `store` (a database write). They stay readable while it
    /// runs; stored, they are kept at hand (the next message reads the newest state first);
    /// if `store` fails, they stay pending.
    pub fn store_pending(
        &self,
        store: impl FnOnce(&HashMap<Cid, Vec<u8>>) -> Result<()>,
    ) -> Result<()> {
        let storing = {
            let mut pending = self.pending();
            let writes = Arc::new(std::mem::take(&mut pending.writes));
            pending.storing = Some(Arc::clone(&writes));
            writes
        };
        let stored = store(&storing);
        match &stored {
            Ok(()) => {
                for (cid, block) in storing.iter() {
                    self.recent.insert(*cid, block);
                }
                self.pending().storing = None;
            }
            Err(_) => {
                let mut pending = self.pending();
                pending.storing = None;
                for (cid, block) in storing.iter() {
                    pending.writes.entry(*cid).or_insert_with(|| block.clone());
                }
            }
        }
        stored
    }

    fn pending(&self) -> std::sync::RwLockWriteGuard<'_, Pending> {
        self.pending.write().expect("pending lock")
    }
}

impl Blockstore for ChainStore {
    fn get(&self, k: &Cid) -> Result<Option<Vec<u8>>> {
        if let Some(block) = self.pending.read().expect("pending lock").get(k) {
            return Ok(Some(block));
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
        self.pending().writes.insert(*k, block.to_vec());
        Ok(())
    }

    fn has(&self, k: &Cid) -> Result<bool> {
        Ok(self.get(k)?.is_some())
    }
}
