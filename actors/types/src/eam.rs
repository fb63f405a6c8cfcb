//! The Ethereum Address Manager's interface (FIP-0055; builtin-actors `actors/eam`).

use fvm_ipld_encoding::{strict_bytes, tuple::*};
use fvm_shared::{address::Address, ActorID};
use serde::{Deserialize, Serialize};

use crate::EthAddress;

/// Method numbers.
pub mod method {
    pub const CONSTRUCTOR: u64 = 1;
    /// `CREATE` from an EVM contract (`CreateParams`).
    pub const CREATE: u64 = 2;
    /// `CREATE2` from an EVM contract (`Create2Params`).
    pub const CREATE2: u64 = 3;
    /// A deployment sent by an account (`CreateExternalParams`): an Ethereum transaction
    /// without a recipient.
    pub const CREATE_EXTERNAL: u64 = 4;
}

/// Params of `Create`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct CreateParams {
    #[serde(with = "strict_bytes")]
    pub initcode: Vec<u8>,
    /// The creating contract's nonce.
    pub nonce: u64,
}

/// Params of `Create2`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Create2Params {
    #[serde(with = "strict_bytes")]
    pub initcode: Vec<u8>,
    #[serde(with = "strict_bytes")]
    pub salt: [u8; 32],
}

/// Params of `CreateExternal`: the initcode, as one CBOR byte string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CreateExternalParams(#[serde(with = "strict_bytes")] pub Vec<u8>);

/// What every create method returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct CreateReturn {
    pub actor_id: ActorID,
    /// The new actor's robust (f2) address; `None` when a dead contract was resurrected.
    pub robust_address: Option<Address>,
    pub eth_address: EthAddress,
}
