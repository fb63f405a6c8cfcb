//! The Ethereum account actor: an f410 address controlled by a secp256k1 key that sends
//! Ethereum transactions. The FVM turns a placeholder into an EthAccount on its first message,
//! without running the constructor. It has no state. Like builtin-actors', it accepts every
//! exported method (so contracts can call it as they would an Ethereum EOA) and rejects
//! unknown internal ones.

use actor_runtime::{no_params, require_caller, restrict_internal_api, ActorError, MethodResult};
use actor_types::{
    builtin::{FIRST_EXPORTED_METHOD_NUMBER, METHOD_CONSTRUCTOR, SYSTEM_ACTOR_ID},
    EthAddress,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;

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
        m if m >= FIRST_EXPORTED_METHOD_NUMBER => Ok(None),
        _ => Err(ActorError::unhandled_message(method)),
    }
}

fn constructor(params: Option<IpldBlock>) -> MethodResult {
    require_caller(SYSTEM_ACTOR_ID)?;
    no_params(params)?;
    let receiver = fvm_sdk::message::receiver();
    let has_eth_address = fvm_sdk::actor::lookup_delegated_address(receiver)
        .and_then(|address| EthAddress::from_f410(&address))
        .is_some();
    if !has_eth_address {
        return Err(ActorError::illegal_argument(
            "an EthAccount needs an f410 address",
        ));
    }
    Ok(None)
}
