//! Who is calling.

use actor_types::builtin::{Type, FIRST_EXPORTED_METHOD_NUMBER};
use fvm_shared::{address::Address, ActorID};

use crate::{ActorError, ActorResult};

/// The builtin type of the calling actor, if it is a builtin actor.
pub fn caller_type() -> Option<Type> {
    let caller = Address::new_id(fvm_sdk::message::caller());
    let code = fvm_sdk::actor::get_actor_code_cid(&caller)?;
    let number = fvm_sdk::actor::get_builtin_actor_type(&code)?;
    Type::from_number(u32::try_from(number).ok()?)
}

/// Fails unless the immediate caller is `id`.
pub fn require_caller(id: ActorID) -> ActorResult<()> {
    let caller = fvm_sdk::message::caller();
    if caller == id {
        Ok(())
    } else {
        Err(ActorError::forbidden(format!(
            "caller f0{caller} is not f0{id}"
        )))
    }
}

/// Builtin actors' rule for internal methods: a method below 2^24 may only be called by a
/// builtin actor other than an EVM contract.
pub fn restrict_internal_api(method: u64) -> ActorResult<()> {
    if method >= FIRST_EXPORTED_METHOD_NUMBER {
        return Ok(());
    }
    match caller_type() {
        Some(Type::Evm) | None => Err(ActorError::forbidden(format!(
            "method {method} is internal: only builtin actors may call it"
        ))),
        Some(_) => Ok(()),
    }
}
