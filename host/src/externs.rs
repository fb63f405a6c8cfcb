//! What the FVM asks the node about the chain: randomness and past tipsets. A dev chain has no
//! beacon and no consensus, so both are derived deterministically from the epoch.

use cid::Cid;
use fvm::externs::{Chain, Consensus, Externs, Rand};
use fvm_ipld_encoding::DAG_CBOR;
use fvm_shared::{clock::ChainEpoch, consensus::ConsensusFault};
use multihash_codetable::{Code, MultihashDigest};
use std::sync::Arc;

/// Deterministic stand-ins for the drand beacon, chain randomness and tipset CIDs.
#[derive(Debug, Clone, Default)]
pub struct DevExterns {
    /// The digest of the tipset CID at an epoch (what `BLOCKHASH` returns).
    pub tipset_digests: TipsetDigests,
}

/// The digest of the tipset CID at each epoch: a function, so that a node can answer from the
/// blocks it has sealed while a test host answers from a formula.
#[derive(Clone)]
pub struct TipsetDigests(Arc<dyn Fn(ChainEpoch) -> [u8; 32] + Send + Sync>);

impl TipsetDigests {
    pub fn new(digest: impl Fn(ChainEpoch) -> [u8; 32] + Send + Sync + 'static) -> Self {
        Self(Arc::new(digest))
    }

    pub fn at(&self, epoch: ChainEpoch) -> [u8; 32] {
        (self.0)(epoch)
    }
}

impl Default for TipsetDigests {
    fn default() -> Self {
        Self::new(block_hash)
    }
}

impl std::fmt::Debug for TipsetDigests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TipsetDigests")
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

/// The dev chain's drand beacon randomness at `round`.
pub fn beacon_randomness(round: ChainEpoch) -> [u8; 32] {
    digest(b"fevm-rs beacon randomness", round)
}

impl Rand for DevExterns {
    fn get_chain_randomness(&self, round: ChainEpoch) -> anyhow::Result<[u8; 32]> {
        Ok(digest(b"fevm-rs chain randomness", round))
    }

    fn get_beacon_randomness(&self, round: ChainEpoch) -> anyhow::Result<[u8; 32]> {
        Ok(beacon_randomness(round))
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
    /// The CID of the tipset at `epoch`, with [`DevExterns::tipset_digests`] as its digest (what
    /// the EVM's `BLOCKHASH` returns).
    fn get_tipset_cid(&self, epoch: ChainEpoch) -> anyhow::Result<Cid> {
        let digest = self.tipset_digests.at(epoch);
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
