//! The system actor (ID 0). Its state points at the builtin actors' manifest, which the FVM
//! reads when no manifest override is given. Genesis writes that state directly; the
//! constructor exists for interface compatibility and records an empty manifest.

use actor_runtime::{
    no_params, require_caller, restrict_internal_api, save_state, ActorBlockstore, ActorError,
    MethodResult,
};
use actor_types::{
    builtin::{METHOD_CONSTRUCTOR, SYSTEM_ACTOR_ID},
    system::State,
};
use fvm_ipld_encoding::{ipld_block::IpldBlock, CborStore};
use multihash_codetable::Code;

#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn invoke(params: u32) -> u32 {
    actor_runtime::entry_point(params, dispatch)
}

/// Routes a method to its implementation.
pub fn dispatch(method: u64, params: Option<IpldBlock>) -> MethodResult {
    restrict_internal_api(method)?;
    match method {
        METHOD_CONSTRUCTOR => constructor(params),
        _ => Err(ActorError::unhandled_message(method)),
    }
}

fn constructor(params: Option<IpldBlock>) -> MethodResult {
    require_caller(SYSTEM_ACTOR_ID)?;
    no_params(params)?;
    let empty: Vec<(String, cid::Cid)> = Vec::new();
    let builtin_actors = ActorBlockstore
        .put_cbor(&empty, Code::Blake2b256)
        .map_err(|e| ActorError::illegal_state(format!("writing manifest: {e}")))?;
    save_state(&State { builtin_actors })?;
    Ok(None)
}
