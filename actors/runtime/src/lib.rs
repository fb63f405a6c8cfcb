//! The runtime our actors share: the `invoke` entry point, typed errors that become exit codes,
//! parameter decoding, a blockstore over the IPLD syscalls, caller checks and state helpers.
//!
//! Every actor's `invoke` is one line: [`entry_point`] with a function from method number and
//! params to an optional return block.

mod blockstore;
mod caller;
mod error;
mod params;

pub use blockstore::ActorBlockstore;
pub use caller::{caller_type, require_caller, restrict_internal_api};
pub use error::{ActorError, ActorResult};
pub use params::{decode_params, no_params, return_cbor};

use cid::Cid;
use fvm_ipld_encoding::{ipld_block::IpldBlock, CborStore, DAG_CBOR};
use fvm_shared::sys::BlockId;
use multihash_codetable::Code;
use serde::{de::DeserializeOwned, Serialize};

/// What an actor's method dispatcher returns.
pub type MethodResult = ActorResult<Option<IpldBlock>>;

/// Runs `dispatch` for the current message and hands its result to the FVM: a return block on
/// success, or an exit with the error's code, data and message.
pub fn entry_point(
    params_id: u32,
    dispatch: impl FnOnce(u64, Option<IpldBlock>) -> MethodResult,
) -> u32 {
    fvm_sdk::initialize();
    let method = fvm_sdk::message::method_number();
    let params = match fvm_sdk::message::params_raw(params_id) {
        Ok(params) => params,
        Err(e) => fvm_sdk::vm::abort(
            fvm_shared::error::ExitCode::USR_SERIALIZATION.value(),
            Some(&format!("reading params: {e:?}")),
        ),
    };
    match dispatch(method, params) {
        Ok(None) => fvm_sdk::NO_DATA_BLOCK_ID,
        Ok(Some(block)) => put_exit_block(&block, "return", String::new),
        Err(error) => error.exit(),
    }
}

/// Writes `block` for the FVM to take with this invocation's exit. A block the FVM refuses (one
/// over its size limit) ends the invocation as an assertion failure, the exit builtin-actors'
/// actors end with there (their SDK panics), with a message that starts with `lead()` and says
/// what was refused (`kind`: "return" or "exit" data).
pub(crate) fn put_exit_block(
    block: &IpldBlock,
    kind: &str,
    lead: impl FnOnce() -> String,
) -> BlockId {
    fvm_sdk::ipld::put_block(block.codec, &block.data).unwrap_or_else(|e| {
        fvm_sdk::vm::abort(
            fvm_shared::error::ExitCode::USR_ASSERTION_FAILED.value(),
            Some(&format!(
                "{}its {} bytes of {kind} data could not be written: {e:?}",
                lead(),
                block.data.len()
            )),
        )
    })
}

/// Loads this actor's state.
pub fn load_state<T: DeserializeOwned>() -> ActorResult<T> {
    let root = fvm_sdk::sself::root()
        .map_err(|e| ActorError::illegal_state(format!("no state root: {e:?}")))?;
    ActorBlockstore
        .get_cbor(&root)
        .map_err(|e| ActorError::illegal_state(format!("loading state: {e}")))?
        .ok_or_else(|| ActorError::illegal_state("state block missing"))
}

/// Writes `state` and makes it this actor's state.
pub fn save_state<T: Serialize>(state: &T) -> ActorResult<Cid> {
    let cid = ActorBlockstore
        .put_cbor(state, Code::Blake2b256)
        .map_err(|e| ActorError::illegal_state(format!("writing state: {e}")))?;
    fvm_sdk::sself::set_root(&cid).map_err(|e| match e {
        fvm_sdk::error::StateUpdateError::ReadOnly => {
            ActorError::read_only("cannot change state in a read-only call")
        }
        other => ActorError::illegal_state(format!("setting state root: {other:?}")),
    })?;
    Ok(cid)
}

/// `DAG_CBOR`, re-exported for actors that return linked data.
pub const DAG_CBOR_CODEC: u64 = DAG_CBOR;
