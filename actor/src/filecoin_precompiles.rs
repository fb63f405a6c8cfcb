//! Filecoin's precompiles (FIP-0054), with FEVM's input and output encodings.
//!
//! Inputs are read by [`crate::abi::Reader`], as builtin-actors reads them; invalid input fails
//! the call (the caller sees 0).

use actor_runtime::ActorResult;
use actor_types::{evm::method::FIRST_FILECOIN_METHOD, token::wei_to_atto};
use fvm_ipld_encoding::{ipld_block::IpldBlock, CBOR};
use fvm_shared::{address::Address, error::ErrorNumber, sys::SendFlags, Response, METHOD_SEND};
use interpreter::{CallKind, CallOutcome, CallRequest, FrameStatus, U256};
use precompiles::FilecoinPrecompile;

use crate::{
    abi::{Bytes, Reader},
    frame::Frame,
};

/// Runs a Filecoin precompile.
pub fn run(
    frame: &mut Frame,
    precompile: FilecoinPrecompile,
    request: &CallRequest,
) -> ActorResult<CallOutcome> {
    let reader = Reader(&request.input);
    let output = match precompile {
        FilecoinPrecompile::ResolveAddress => resolve_address(&request.input),
        FilecoinPrecompile::LookupDelegatedAddress => lookup_delegated_address(&reader),
        FilecoinPrecompile::GetRandomness => get_randomness(&reader),
        FilecoinPrecompile::CallActor | FilecoinPrecompile::CallActorId => {
            if request.kind != CallKind::DelegateCall {
                None
            } else {
                call_actor(frame, precompile, &reader, request.gas_limit)?
            }
        }
    };
    Ok(match output {
        Some(output) => CallOutcome {
            status: FrameStatus::Success,
            output: output.into(),
            gas_used: 0,
        },
        None => CallOutcome::failure(0),
    })
}

/// Input: Filecoin address bytes. Output: the actor ID as a word, or nothing if unknown.
fn resolve_address(input: &[u8]) -> Option<Vec<u8>> {
    let address = Address::from_bytes(input).ok()?;
    Some(match fvm_sdk::actor::resolve_address(&address) {
        Some(id) => U256::from(id).to_be_bytes::<32>().to_vec(),
        None => Vec::new(),
    })
}

/// Input: an actor ID word. Output: its f4 address bytes, or nothing.
fn lookup_delegated_address(reader: &Reader) -> Option<Vec<u8>> {
    let id = reader.u64_at(0)?;
    Some(
        fvm_sdk::actor::lookup_delegated_address(id)
            .map(|a| a.to_bytes())
            .unwrap_or_default(),
    )
}

/// Input: an epoch word. Output: the drand beacon randomness of that epoch (32 bytes), as the
/// FVM's `get_beacon_randomness` answers it; the call fails when it fails (an epoch the chain
/// cannot look back to). The epoch is the word's low 8 bytes as a signed integer, the high 24
/// must be zero: so builtin-actors reads it, and a word in `[2^63, 2^64)` is a negative epoch.
fn get_randomness(reader: &Reader) -> Option<Vec<u8>> {
    let epoch = reader.u64_at(0)? as i64;
    fvm_sdk::rand::get_beacon_randomness(epoch)
        .ok()
        .map(|randomness| randomness.to_vec())
}

/// `call_actor(method, value, flags, codec, params, address)` and `call_actor_id(..., id)`.
fn call_actor(
    frame: &mut Frame,
    precompile: FilecoinPrecompile,
    reader: &Reader,
    gas_limit: u64,
) -> ActorResult<Option<Vec<u8>>> {
    let Some(call) = parse_call(precompile, reader)? else {
        return Ok(None);
    };
    let result = match call.params {
        Params::Oversized => oversized_send(&call.value),
        Params::Block(params) => {
            frame.flush_before_send()?;
            fvm_sdk::send::send(
                &call.to,
                call.method,
                params,
                wei_to_atto(call.value),
                Some(gas_limit),
                call.flags,
            )
        }
    };
    let (exit_code, block) = match result {
        Ok(response) => {
            if response.exit_code.is_success() {
                frame.reload_after_send()?;
            }
            (U256::from(response.exit_code.value()), response.return_data)
        }
        // A syscall error is reported as the negated error number.
        Err(e) => (U256::ZERO.wrapping_sub(U256::from(e as u32)), None),
    };
    let (codec, data) = block.map(|b| (b.codec, b.data)).unwrap_or((0, Vec::new()));
    let mut out = Vec::with_capacity(128 + data.len());
    out.extend(exit_code.to_be_bytes::<32>());
    out.extend(U256::from(codec).to_be_bytes::<32>());
    out.extend(U256::from(0x60).to_be_bytes::<32>());
    out.extend(U256::from(data.len()).to_be_bytes::<32>());
    out.extend(&data);
    out.resize(out.len().next_multiple_of(32), 0);
    Ok(Some(out))
}

/// How the SDK's send fails on params over the block limit, without building them: a value
/// that is not a token amount first, then the block the FVM refuses.
fn oversized_send(value: &U256) -> Result<Response, ErrorNumber> {
    if u128::try_from(*value).is_err() {
        Err(ErrorNumber::InsufficientFunds)
    } else {
        Err(ErrorNumber::LimitExceeded)
    }
}

struct ActorCall {
    to: Address,
    method: u64,
    value: U256,
    flags: SendFlags,
    params: Params,
}

enum Params {
    Block(Option<IpldBlock>),
    /// CBOR params over the block limit: the send fails before it starts.
    Oversized,
}

/// Reads call_actor's input in builtin-actors' order, which decides what a bad input does: the
/// params are read (and a length beyond wasm32 ends the caller) before the address, the method
/// and the codec are checked. `Ok(None)` is invalid input.
fn parse_call(precompile: FilecoinPrecompile, reader: &Reader) -> ActorResult<Option<ActorCall>> {
    let words = || {
        Some((
            reader.u64_at(0)?,
            reader.word(32),
            SendFlags::from_bits(reader.u64_at(64)?)?,
            reader.u64_at(96)?,
            reader.u32_at(128)?,
            reader.u64_at(160)?,
        ))
    };
    let Some((method, value, flags, codec, params_at, address_at)) = words() else {
        return Ok(None);
    };
    let Some(params) = reader.bytes_at(params_at as usize)? else {
        return Ok(None);
    };
    let to = match precompile {
        FilecoinPrecompile::CallActorId => Some(Address::new_id(address_at)),
        // An offset is a wasm32 `usize` there: more than 32 bits is invalid.
        _ => match u32::try_from(address_at) {
            Err(_) => None,
            Ok(at) => match reader.bytes_at(at as usize)? {
                Some(Bytes::Fits(bytes)) => Address::from_bytes(&bytes).ok(),
                _ => None,
            },
        },
    };
    let Some(to) = to else {
        return Ok(None);
    };
    // Methods below the Filecoin ones are built-in methods, which call_actor may not call
    // (method 0 is a plain send).
    if method != METHOD_SEND && method < FIRST_FILECOIN_METHOD {
        return Ok(None);
    }
    let params = match (codec, params) {
        (CBOR, Bytes::Fits(data)) => Params::Block(Some(IpldBlock { codec: CBOR, data })),
        (CBOR, Bytes::Oversized(_)) => Params::Oversized,
        (0, Bytes::Fits(data)) if data.is_empty() => Params::Block(None),
        _ => return Ok(None),
    };
    Ok(Some(ActorCall {
        to,
        method,
        value,
        flags,
        params,
    }))
}
