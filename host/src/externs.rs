//! What the FVM asks the node about the chain: randomness and past tipsets. A dev chain has no
//! beacon and no consensus, so both are derived deterministically from the epoch.

use cid::Cid;
use fvm::externs::{Chain, Consensus, Externs, Rand};
use fvm_ipld_encoding::DAG_CBOR;
use fvm_shared::{clock::ChainEpoch, consensus::ConsensusFault};
use multihash_codetable::{Code, MultihashDigest};

/// Deterministic stand-ins for the drand beacon, chain randomness and tipset CIDs.
#[derive(Debug, Clone, Copy)]
pub struct DevExterns {
    /// The digest of the tipset CID at an epoch (what `BLOCKHASH` returns).
    pub tipset_digest: fn(ChainEpoch) -> [u8; 32],
}

impl Default for DevExterns {
    fn default() -> Self {
        Self {
            tipset_digest: block_hash,
        }
    }
}

fn digest(domain: &[u8], epoch: ChainEpoch) -> [u8; 32] {
    let mut input = domain.to_vec();
    input.extend(epoch.to_be_bytes());
    Code::Blake2b256
        .digest(&input)
        .digest()
        .try_into()
        .expect("32-byte digest")
}

impl Rand for DevExterns {
    fn get_chain_randomness(&self, round: ChainEpoch) -> anyhow::Result<[u8; 32]> {
        Ok(digest(b"fevm-rs chain randomness", round))
    }

    fn get_beacon_randomness(&self, round: ChainEpoch) -> anyhow::Result<[u8; 32]> {
        Ok(digest(b"fevm-rs beacon randomness", round))
    }
}

impl Consensus for DevExterns {
    fn verify_consensus_fault(
        &self,
        _h1: &[u8],
        _h2: &[u8],
        _extra: &[u8],
    ) -> anyhow::Result<(Option<ConsensusFault>, i64)> {
        Ok((None, 0))
    }
}

impl Chain for DevExterns {
    /// The CID of the tipset at `epoch`, with [`DevExterns::tipset_digest`] as its digest (what
    /// the EVM's `BLOCKHASH` returns).
    fn get_tipset_cid(&self, epoch: ChainEpoch) -> anyhow::Result<Cid> {
        let digest = (self.tipset_digest)(epoch);
        Ok(Cid::new_v1(DAG_CBOR, Code::Blake2b256.wrap(&digest)?))
    }
}

impl Externs for DevExterns {}

/// The default block hash at `epoch`: Blake2b-256 of the epoch.
pub fn block_hash(epoch: ChainEpoch) -> [u8; 32] {
    Code::Blake2b256
        .digest(&epoch.to_be_bytes())
        .digest()
        .try_into()
        .expect("32-byte digest")
}
