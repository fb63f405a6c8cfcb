//! The account actor's interface and state.

use fvm_ipld_encoding::{strict_bytes, tuple::*};
use fvm_shared::address::Address;

/// Method numbers.
pub mod method {
    pub const CONSTRUCTOR: u64 = 1;
    /// The account's key address.
    pub const PUBKEY_ADDRESS: u64 = 2;
    /// FRC-42 of `AuthenticateMessage`.
    pub const AUTHENTICATE_MESSAGE: u64 = 2_643_134_072;
}

/// The account actor's state: its key address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct State {
    pub address: Address,
}

/// Params of `AuthenticateMessage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct AuthenticateMessageParams {
    #[serde(with = "strict_bytes")]
    pub signature: Vec<u8>,
    #[serde(with = "strict_bytes")]
    pub message: Vec<u8>,
}
