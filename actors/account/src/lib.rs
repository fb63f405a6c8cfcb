//! The account actor: a secp256k1 or BLS key address. The FVM creates one (and calls the
//! constructor as the system actor) when value is first sent to an f1/f3 address.

use actor_runtime::{
    decode_params, load_state, no_params, require_caller, restrict_internal_api, return_cbor,
    save_state, ActorError, MethodResult,
};
use actor_types::{
    account::{method, AuthenticateMessageParams, State},
    builtin::{FIRST_EXPORTED_METHOD_NUMBER, SYSTEM_ACTOR_ID},
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::{
    address::{Address, Protocol},
    crypto::signature::{Signature, SignatureType},
};

#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn invoke(params: u32) -> u32 {
    actor_runtime::entry_point(params, dispatch)
}

/// Routes a method to its implementation.
pub fn dispatch(method: u64, params: Option<IpldBlock>) -> MethodResult {
    restrict_internal_api(method)?;
    match method {
        method::CONSTRUCTOR => constructor(params),
        method::PUBKEY_ADDRESS => {
            no_params(params)?;
            return_cbor(&load_state::<State>()?.address)
        }
        method::AUTHENTICATE_MESSAGE => authenticate_message(params),
        m if m >= FIRST_EXPORTED_METHOD_NUMBER => Ok(None),
        _ => Err(ActorError::unhandled_message(method)),
    }
}

fn constructor(params: Option<IpldBlock>) -> MethodResult {
    require_caller(SYSTEM_ACTOR_ID)?;
    let address: Address = decode_params(params)?;
    match address.protocol() {
        Protocol::Secp256k1 | Protocol::BLS => {}
        other => {
            return Err(ActorError::illegal_argument(format!(
                "an account needs a key address, got protocol {other:?}"
            )))
        }
    }
    save_state(&State { address })?;
    Ok(None)
}

fn authenticate_message(params: Option<IpldBlock>) -> MethodResult {
    let params: AuthenticateMessageParams = decode_params(params)?;
    let address = load_state::<State>()?.address;
    let signature_type = match address.protocol() {
        Protocol::Secp256k1 => SignatureType::Secp256k1,
        _ => SignatureType::BLS,
    };
    let signature = Signature {
        sig_type: signature_type,
        bytes: params.signature,
    };
    let valid = fvm_sdk::crypto::verify_signature(&signature, &address, &params.message)
        .map_err(|e| ActorError::illegal_argument(format!("verifying signature: {e:?}")))?;
    if !valid {
        return Err(ActorError::illegal_argument("invalid signature"));
    }
    return_cbor(&true)
}
