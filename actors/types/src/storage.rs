//! The layout of contract storage: a HAMT from 32-byte slot to 32-byte word
//! (`fvm_ipld_hamt`). The EVM actor reads and writes it; the host edits it for dev chains.
//!
//! Layout choices, and why:
//! * **Keys and values are encoded without leading zero bytes.** Solidity puts its state
//!   variables in slots 0, 1, 2...: their keys take one byte instead of 33, and small values
//!   (counters, balances, flags) a few bytes. Every byte written costs FVM gas.
//! * **The key is its own hash, with its bits reversed.** The HAMT branches on the hash's
//!   leading bits; reversed, those are the key's lowest bits. Slot keys are either small
//!   integers (state variables, array bases + index) or Keccak-256 outputs (mappings, dynamic
//!   arrays), and the low bits spread both kinds evenly over the branches, so no hash function
//!   needs to run: SHA-256 in wasm or as a syscall costs thousands of gas per access. (Grinding
//!   keys that collide in their low bits is as easy as grinding SHA-256 prefixes, so nothing is
//!   lost against an adversary.)
//! * **Bit width 5, buckets of 1.** One node covers 32 branches with at most one slot each, so
//!   a node is at most about 1.3 KB. Every write rewrites the nodes on its path, at 3,340 gas a
//!   byte, so small nodes keep a write to a big mapping cheap. Measured by `./scripts/bench`
//!   against buckets of 3 (the HAMT's default): a transfer to a new holder of a 100-holder
//!   token drops from 14.9M to 12.5M gas. Writing 100 fresh slots into an empty mapping rises
//!   from 31.9M to 42.4M, and reading 100 slots of a 1,100-slot mapping from 35.0M to 40.4M,
//!   since more, smaller nodes are opened (docs/PERFORMANCE.md).
//! * Writing zero deletes the slot, so an emptied slot costs nothing to keep.

use alloy_primitives::U256;
use fvm_ipld_hamt::{Config, Hash, HashAlgorithm};
use serde::{de::Error as _, Deserialize, Deserializer, Serialize, Serializer};
use std::hash::Hasher;

type HashedKey = [u8; 32];

/// HAMT parameters of contract storage.
pub const STORAGE_CONFIG: Config = Config {
    bit_width: crate::evm::STORAGE_BIT_WIDTH,
    min_data_depth: 0,
    max_array_width: 1,
};

/// A 256-bit word as a HAMT key or value: big-endian, leading zero bytes dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Word(pub U256);

impl Serialize for Word {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bytes = self.0.to_be_bytes::<32>();
        let first = bytes.iter().position(|&b| b != 0).unwrap_or(32);
        serializer.serialize_bytes(&bytes[first..])
    }
}

impl<'de> Deserialize<'de> for Word {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bytes: Vec<u8> = fvm_ipld_encoding::strict_bytes::deserialize(deserializer)?;
        if bytes.len() > 32 {
            return Err(D::Error::custom("a storage word has at most 32 bytes"));
        }
        Ok(Word(U256::from_be_slice(&bytes)))
    }
}

impl Hash for Word {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(&self.0.reverse_bits().to_be_bytes::<32>());
    }
}

/// The "hash" of a storage key: the key with its bits reversed (see the module docs).
#[derive(Debug)]
pub enum LowBitsFirst {}

impl HashAlgorithm for LowBitsFirst {
    fn hash<X: Hash + ?Sized>(key: &X) -> HashedKey {
        let mut hasher = CopyHasher::default();
        key.hash(&mut hasher);
        hasher.0
    }
}

#[derive(Default)]
struct CopyHasher(HashedKey);

impl Hasher for CopyHasher {
    fn finish(&self) -> u64 {
        0
    }
    fn write(&mut self, bytes: &[u8]) {
        let len = bytes.len().min(32);
        self.0[..len].copy_from_slice(&bytes[..len]);
    }
}

/// A contract's storage map over any blockstore.
pub type StorageMap<BS> = fvm_ipld_hamt::Hamt<BS, Word, Word, LowBitsFirst>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_drop_leading_zeros() {
        assert_eq!(
            fvm_ipld_encoding::to_vec(&Word(U256::ZERO)).unwrap(),
            vec![0x40]
        );
        assert_eq!(
            fvm_ipld_encoding::to_vec(&Word(U256::from(5))).unwrap(),
            vec![0x41, 5]
        );
        let back: Word = fvm_ipld_encoding::from_slice(&[0x42, 1, 0]).unwrap();
        assert_eq!(back, Word(U256::from(256)));
    }

    #[test]
    fn consecutive_slots_take_different_first_level_branches() {
        // The first level branches on the hash's top five bits: the key's lowest five.
        let branch = |n: u64| LowBitsFirst::hash(&Word(U256::from(n)))[0] >> 3;
        let branches: std::collections::BTreeSet<u8> = (0..32).map(branch).collect();
        assert_eq!(branches.len(), 32);
    }
}
