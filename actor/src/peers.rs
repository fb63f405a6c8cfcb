//! Other EVM contracts' code, asked for with read-only sends: what `EXTCODESIZE`,
//! `EXTCODEHASH` and `EXTCODECOPY` report, and the code a `DELEGATECALL` runs.

use actor_runtime::{ActorError, ActorResult};
use actor_types::evm::{self, BytecodeHash};
use cid::Cid;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::{address::Address, sys::SendFlags, ActorID};
use interpreter::Bytes;

/// The code CID of contract `id`, `None` if it is dead.
pub fn code_cid(id: ActorID) -> ActorResult<Option<Cid>> {
    let response = read_only_send(id, evm::method::GET_BYTECODE)?;
    actor_runtime::decode_params(response)
}

/// The runtime code of contract `id` (empty if dead).
pub fn code(id: ActorID) -> ActorResult<Bytes> {
    match code_cid(id)? {
        Some(cid) => fvm_sdk::ipld::get(&cid)
            .map(Bytes::from)
            .map_err(|e| ActorError::illegal_state(format!("reading f0{id}'s code: {e:?}"))),
        None => Ok(Bytes::new()),
    }
}

/// Keccak-256 of contract `id`'s code.
pub fn code_hash(id: ActorID) -> ActorResult<BytecodeHash> {
    actor_runtime::decode_params(read_only_send(id, evm::method::GET_BYTECODE_HASH)?)
}

fn read_only_send(id: ActorID, method: u64) -> ActorResult<Option<IpldBlock>> {
    let response = fvm_sdk::send::send(
        &Address::new_id(id),
        method,
        None,
        Default::default(),
        None,
        SendFlags::READ_ONLY,
    )
    .map_err(|e| ActorError::assertion_failed(format!("querying f0{id}: {e:?}")))?;
    if !response.exit_code.is_success() {
        return Err(ActorError::assertion_failed(format!(
            "f0{id} method {method} failed with {}",
            response.exit_code
        )));
    }
    Ok(response.return_data)
}
