//! A bounded cache of IPLD blocks already read from the database and checked against their
//! CIDs.
//!
//! The FVM starts every message from the state root, so each one reads the state tree's top
//! nodes, the init actor's address map and the actors it touches again; from the database each
//! read costs a read transaction and a BLAKE2b check of the bytes. Blocks are content-addressed,
//! so a cached block can never go stale: the cache only saves that work.
//!
//! Two generations bound its memory: blocks go into the young one; when it holds half the
//! budget it becomes the old one and the previous old one is dropped. A block found in the old
//! generation moves back to the young one, so what keeps being read stays.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use cid::Cid;

pub struct BlockCache {
    /// Bytes of block data the two generations hold at most, together.
    budget: usize,
    generations: Mutex<Generations>,
}

#[derive(Default)]
struct Generations {
    young: HashMap<Cid, Arc<[u8]>>,
    young_bytes: usize,
    old: HashMap<Cid, Arc<[u8]>>,
}

impl BlockCache {
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            generations: Mutex::default(),
        }
    }

    pub fn get(&self, cid: &Cid) -> Option<Vec<u8>> {
        let mut generations = self.generations.lock().expect("block cache lock");
        if let Some(block) = generations.young.get(cid) {
            return Some(block.to_vec());
        }
        let block = generations.old.remove(cid)?;
        let bytes = block.to_vec();
        self.keep(&mut generations, *cid, block);
        Some(bytes)
    }

    /// Whether the cache holds `cid` (without bringing it back to the young generation).
    pub fn contains(&self, cid: &Cid) -> bool {
        let generations = self.generations.lock().expect("block cache lock");
        generations.young.contains_key(cid) || generations.old.contains_key(cid)
    }

    /// Remembers `block`, which the caller has checked against `cid`.
    pub fn insert(&self, cid: Cid, block: &[u8]) {
        if block.len() > self.budget / 2 {
            return;
        }
        let mut generations = self.generations.lock().expect("block cache lock");
        self.keep(&mut generations, cid, block.into());
    }

    fn keep(&self, generations: &mut Generations, cid: Cid, block: Arc<[u8]>) {
        if generations.young_bytes + block.len() > self.budget / 2 {
            generations.old = std::mem::take(&mut generations.young);
            generations.young_bytes = 0;
        }
        generations.young_bytes += block.len();
        if let Some(previous) = generations.young.insert(cid, block) {
            generations.young_bytes -= previous.len();
        }
    }

    #[cfg(test)]
    fn bytes(&self) -> usize {
        let generations = self.generations.lock().unwrap();
        let old: usize = generations.old.values().map(|b| b.len()).sum();
        generations.young_bytes + old
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use multihash_codetable::{Code, MultihashDigest};

    fn block(i: u32) -> (Cid, Vec<u8>) {
        let bytes = vec![i as u8; 100 + (i as usize % 7)];
        let cid = Cid::new_v1(0x55, Code::Blake2b256.digest(&i.to_be_bytes()));
        (cid, bytes)
    }

    #[test]
    fn a_block_read_back_is_the_block_inserted() {
        let cache = BlockCache::new(10_000);
        let (cid, bytes) = block(1);
        assert_eq!(cache.get(&cid), None);
        assert!(!cache.contains(&cid));
        cache.insert(cid, &bytes);
        assert!(cache.contains(&cid));
        assert_eq!(cache.get(&cid), Some(bytes));
    }

    #[test]
    fn memory_stays_within_the_budget() {
        let cache = BlockCache::new(10_000);
        for i in 0..1_000 {
            let (cid, bytes) = block(i);
            cache.insert(cid, &bytes);
            cache.insert(cid, &bytes);
            assert!(cache.bytes() <= 10_000, "{} bytes after {i}", cache.bytes());
        }
        // The oldest are gone, the newest are there.
        assert_eq!(cache.get(&block(0).0), None);
        assert_eq!(cache.get(&block(999).0), Some(block(999).1));
    }

    #[test]
    fn a_block_that_keeps_being_read_stays() {
        let cache = BlockCache::new(10_000);
        let (hot, hot_bytes) = block(1_000_000);
        cache.insert(hot, &hot_bytes);
        for i in 0..1_000 {
            let (cid, bytes) = block(i);
            cache.insert(cid, &bytes);
            assert_eq!(
                cache.get(&hot).as_deref(),
                Some(hot_bytes.as_slice()),
                "after {i}"
            );
        }
    }
}
