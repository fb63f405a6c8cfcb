//! The system actor's state: where the FVM finds the builtin actors' manifest.

use cid::Cid;
use fvm_ipld_encoding::tuple::*;

/// The system actor's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct State {
    /// The manifest's data block: a CBOR list of `[name, code CID]` pairs.
    pub builtin_actors: Cid,
}
