//! What the host sends Filecoin's own singleton actors (builtin-actors v18) when a chain runs
//! the production bundle: their constructors' params at genesis, and the end-of-epoch messages
//! Lotus applies (`chain/consensus/compute_state.go`), and what the node reads of a storage
//! provider's miner actor. Our bundle ships none of these actors.

use fvm_ipld_encoding::tuple::*;
use fvm_shared::{address::Address, bigint::bigint_ser, econ::TokenAmount, MethodNum};
use serde::{Deserialize, Serialize};

/// Cron (f03).
pub mod cron {
    use super::*;

    /// `EpochTick`: the system actor's call at the end of every epoch.
    pub const EPOCH_TICK: MethodNum = 2;

    /// One job cron runs every epoch.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct Entry {
        pub receiver: Address,
        pub method_num: MethodNum,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct ConstructorParams {
        pub entries: Vec<Entry>,
    }
}

/// Reward (f02).
pub mod reward {
    use super::*;

    /// `AwardBlockReward`: the system actor's call for each block.
    pub const AWARD_BLOCK_REWARD: MethodNum = 2;

    /// The constructor's one argument: the network's realized power (a bare big integer).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(transparent)]
    pub struct ConstructorParams(#[serde(with = "bigint_ser")] pub fvm_shared::bigint::BigInt);

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct AwardBlockRewardParams {
        pub miner: Address,
        pub penalty: TokenAmount,
        pub gas_reward: TokenAmount,
        pub win_count: i64,
    }
}

/// Power (f04).
pub mod power {
    use super::*;
    use fvm_shared::sector::RegisteredPoStProof;

    /// `CreateMiner`: a new storage provider's miner actor, made through the init actor.
    pub const CREATE_MINER: MethodNum = 2;
    /// `OnEpochTickEnd` (cron's first entry).
    pub const ON_EPOCH_TICK_END: MethodNum = 5;

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct CreateMinerParams {
        pub owner: Address,
        /// A BLS key's account: the miner actor takes no other kind of worker.
        pub worker: Address,
        pub window_post_proof_type: RegisteredPoStProof,
        #[serde(with = "fvm_ipld_encoding::strict_bytes")]
        pub peer: Vec<u8>,
        pub multiaddrs: Vec<fvm_ipld_encoding::BytesDe>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct CreateMinerReturn {
        pub id_address: Address,
        pub robust_address: Address,
    }
}

/// Market (f05).
pub mod market {
    use super::*;

    /// `CronTick` (cron's second entry).
    pub const CRON_TICK: MethodNum = 9;
}

/// Verified registry (f06): constructed with its root key (a bare address).
pub mod verifreg {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(transparent)]
    pub struct ConstructorParams {
        pub root_key: Address,
    }
}

/// DataCap (f07): constructed with its governor (a bare address; the verified registry).
pub mod datacap {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(transparent)]
    pub struct ConstructorParams {
        pub governor: Address,
    }
}

/// A storage provider's miner actor: what `Filecoin.StateMinerInfo` reads of its state.
pub mod miner {
    use super::*;
    use cid::Cid;
    use fvm_shared::{
        clock::ChainEpoch,
        sector::{RegisteredPoStProof, SectorSize},
    };

    /// The miner's state, of which only its first field is read: the CID of its [`MinerInfo`].
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct StateInfo {
        pub info: Cid,
    }

    impl<'de> Deserialize<'de> for StateInfo {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct FirstField;
            impl<'de> serde::de::Visitor<'de> for FirstField {
                type Value = StateInfo;

                fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
                    f.write_str("a miner actor's state (a CBOR list)")
                }

                fn visit_seq<A: serde::de::SeqAccess<'de>>(
                    self,
                    mut seq: A,
                ) -> Result<StateInfo, A::Error> {
                    let info = seq
                        .next_element()?
                        .ok_or_else(|| serde::de::Error::invalid_length(0, &self))?;
                    while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                    Ok(StateInfo { info })
                }
            }
            deserializer.deserialize_seq(FirstField)
        }
    }

    /// A miner's keys, proofs and beneficiary (builtin-actors' `MinerInfo`, field for field).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct MinerInfo {
        pub owner: Address,
        pub worker: Address,
        pub control_addresses: Vec<Address>,
        pub pending_worker_key: Option<WorkerKeyChange>,
        #[serde(with = "fvm_ipld_encoding::strict_bytes")]
        pub peer_id: Vec<u8>,
        pub multi_address: Vec<fvm_ipld_encoding::BytesDe>,
        pub window_post_proof_type: RegisteredPoStProof,
        pub sector_size: SectorSize,
        pub window_post_partition_sectors: u64,
        pub consensus_fault_elapsed: ChainEpoch,
        pub pending_owner_address: Option<Address>,
        pub beneficiary: Address,
        pub beneficiary_term: BeneficiaryTerm,
        pub pending_beneficiary_term: Option<PendingBeneficiaryChange>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct WorkerKeyChange {
        pub new_worker: Address,
        pub effective_at: ChainEpoch,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct BeneficiaryTerm {
        pub quota: TokenAmount,
        pub used_quota: TokenAmount,
        pub expiration: ChainEpoch,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
    pub struct PendingBeneficiaryChange {
        pub new_beneficiary: Address,
        pub new_quota: TokenAmount,
        pub new_expiration: ChainEpoch,
        pub approved_by_beneficiary: bool,
        pub approved_by_nominee: bool,
    }
}
