//! Filecoin's precompiles (FIP-0054), with FEVM's input and output encodings.
//!
//! Words are read as if the input were followed by zeros; an integer word whose high bytes are
//! not zero is invalid input, and invalid input fails the call (the caller sees 0).

use actor_runtime::ActorResult;
use actor_types::token::wei_to_atto;
use fvm_ipld_encoding::{ipld_block::IpldBlock, CBOR};
use fvm_shared::{address::Address, sys::SendFlags};
use interpreter::{CallKind, CallOutcome, CallRequest, FrameStatus, U256};
use precompiles::FilecoinPrecompile;

use crate::frame::Frame;

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
    let Some(call) = parse_call(precompile, reader) else {
        return Ok(None);
    };
    frame.flush_before_send()?;
    let result = fvm_sdk::send::send(
        &call.to,
        call.method,
        call.params,
        wei_to_atto(call.value),
        Some(gas_limit),
        call.flags,
    );
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

struct ActorCall {
    to: Address,
    method: u64,
    value: U256,
    flags: SendFlags,
    params: Option<IpldBlock>,
}

fn parse_call(precompile: FilecoinPrecompile, reader: &Reader) -> Option<ActorCall> {
    let method = reader.u64_at(0)?;
    if method != 0 && method < 1024 {
        return None;
    }
    let value = reader.word(32);
    let flags = SendFlags::from_bits(reader.u64_at(64)?)?;
    let codec = reader.u64_at(96)?;
    let params = reader.bytes_at(reader.u32_at(128)? as usize)?;
    let params = match (codec, params.is_empty()) {
        (0, true) => None,
        (CBOR, _) => Some(IpldBlock {
            codec: CBOR,
            data: params,
        }),
        _ => return None,
    };
    let to = match precompile {
        FilecoinPrecompile::CallActorId => Address::new_id(reader.u64_at(160)?),
        _ => Address::from_bytes(&reader.bytes_at(reader.u32_at(160)? as usize)?).ok()?,
    };
    Some(ActorCall {
        to,
        method,
        value,
        flags,
        params,
    })
}

/// Reads ABI words from input that is implicitly followed by zeros.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn word(&self, offset: usize) -> U256 {
        let mut word = [0u8; 32];
        if offset < self.0.len() {
            let end = (offset + 32).min(self.0.len());
            word[..end - offset].copy_from_slice(&self.0[offset..end]);
        }
        U256::from_be_bytes(word)
    }

    fn u64_at(&self, offset: usize) -> Option<u64> {
        u64::try_from(self.word(offset)).ok()
    }

    fn u32_at(&self, offset: usize) -> Option<u32> {
        u32::try_from(self.word(offset)).ok()
    }

    /// A length word at `offset`, then that many bytes.
    fn bytes_at(&self, offset: usize) -> Option<Vec<u8>> {
        let len = self.u32_at(offset)? as usize;
        if len > self.0.len() {
            return None; // longer than the whole input: no allocation on a lying length
        }
        let start = offset.checked_add(32)?;
        let mut bytes = vec![0u8; len];
        if start < self.0.len() {
            let available = (self.0.len() - start).min(len);
            bytes[..available].copy_from_slice(&self.0[start..start + available]);
        }
        Some(bytes)
    }
}
