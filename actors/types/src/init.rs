//! The init actor's interface and state. The FVM reads this state itself to resolve addresses,
//! so its layout is fixed: exactly these three fields.

use cid::Cid;
use fvm_ipld_encoding::{tuple::*, RawBytes};
use fvm_shared::{address::Address, ActorID};

/// Method numbers.
pub mod method {
    pub const CONSTRUCTOR: u64 = 1;
    /// Create an actor of a permitted type (`ExecParams`).
    pub const EXEC: u64 = 2;
    /// Create an actor with a delegated (f4) address; the EAM's door (`Exec4Params`).
    pub const EXEC4: u64 = 3;
}

/// Bit width of the address map HAMT (SHA-256 keyed by address bytes), as the FVM expects.
pub const ADDRESS_MAP_BIT_WIDTH: u32 = 5;

/// The init actor's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct State {
    /// HAMT: address bytes -> actor ID.
    pub address_map: Cid,
    /// The next ID to hand out.
    pub next_id: ActorID,
    pub network_name: String,
}

/// Params of `Constructor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ConstructorParams {
    pub network_name: String,
}

/// Params of `Exec`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ExecParams {
    pub code_cid: Cid,
    pub constructor_params: RawBytes,
}

/// Params of `Exec4`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Exec4Params {
    pub code_cid: Cid,
    pub constructor_params: RawBytes,
    /// The f4 subaddress, in the caller's namespace.
    pub subaddress: RawBytes,
}

/// What `Exec` and `Exec4` return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ExecReturn {
    pub id_address: Address,
    pub robust_address: Address,
}
