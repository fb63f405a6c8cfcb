//! The actor's methods.

use actor_runtime::{
    decode_params, no_params, require_caller, return_cbor, ActorError, ActorResult, MethodResult,
    DAG_CBOR_CODEC,
};
use actor_types::{
    builtin::{EAM_ACTOR_ID, INIT_ACTOR_ID, SYSTEM_ACTOR_ID},
    evm::{
        handle_filecoin_method_input, method, BytecodeHash, ConstructorParams, DelegateCallParams,
        GetStorageAtParams,
    },
    token::atto_to_wei,
    EthAddress, U256Bytes,
};
use fvm_ipld_encoding::{ipld_block::IpldBlock, BytesDe, CBOR, DAG_CBOR, IPLD_RAW};
use interpreter::{execute, Bytes, Config, ExitStatus, Message, MAX_CODE_SIZE, U256};

use crate::{
    abi::{self, Reader},
    address::eth_address_of,
    exit::{bytes_block, to_method_result},
    frame::Frame,
    state::ContractState,
};

/// Routes a method to its implementation. Every method is callable by anyone the method itself
/// accepts (FEVM's dispatch is unrestricted).
pub fn dispatch(method: u64, params: Option<IpldBlock>) -> MethodResult {
    match method {
        method::CONSTRUCTOR => constructor(params),
        method::RESURRECT => resurrect(params),
        method::GET_BYTECODE => get_bytecode(params),
        method::GET_BYTECODE_HASH => get_bytecode_hash(params),
        method::GET_STORAGE_AT => get_storage_at(params),
        method::INVOKE_CONTRACT_DELEGATE => invoke_contract_delegate(params),
        method::INVOKE_CONTRACT => invoke_contract(params),
        m if m >= method::FIRST_FILECOIN_METHOD => handle_filecoin_method(m, params),
        _ => Err(ActorError::unhandled_message(method)),
    }
}

/// This contract's own Ethereum address; a contract must have an f410 address.
fn own_address() -> ActorResult<EthAddress> {
    let address = eth_address_of(fvm_sdk::message::receiver());
    if address.as_id().is_some() {
        return Err(ActorError::forbidden(
            "an EVM contract needs an f410 address",
        ));
    }
    Ok(address)
}

fn constructor(params: Option<IpldBlock>) -> MethodResult {
    require_caller(INIT_ACTOR_ID)?;
    let params: ConstructorParams = decode_params(params)?;
    deploy(params)
}

/// Deploys again over a contract that self-destructed in an earlier message.
fn resurrect(params: Option<IpldBlock>) -> MethodResult {
    require_caller(EAM_ACTOR_ID)?;
    let params: ConstructorParams = decode_params(params)?;
    if !ContractState::load()?.is_dead() {
        return Err(ActorError::forbidden(
            "only a dead contract can be resurrected",
        ));
    }
    deploy(params)
}

/// Runs the initcode and installs the code it returns.
fn deploy(params: ConstructorParams) -> MethodResult {
    let address = own_address()?;
    let mut state = ContractState::create()?;
    if params.initcode.is_empty() {
        state.flush()?;
        return Ok(None);
    }
    let value = atto_to_wei(&fvm_sdk::message::value_received());
    let mut frame = Frame::new(address, params.creator, value, state);
    let result = run(&mut frame, Bytes::new(), params.initcode.to_vec().into())?;
    if result.status != ExitStatus::Success {
        return to_method_result(result).map(|_| None);
    }
    let code = result.output;
    if code.len() > MAX_CODE_SIZE {
        return Err(ActorError::illegal_argument(format!(
            "runtime code of {} bytes exceeds {MAX_CODE_SIZE}",
            code.len()
        )));
    }
    if code.first() == Some(&0xef) {
        return Err(ActorError::illegal_argument(
            "runtime code may not start with 0xEF (EIP-3541)",
        ));
    }
    let hash = interpreter::Crypto::keccak256(&frame, &code);
    frame.state.set_code(&code, hash.0)?;
    frame.state.flush()?;
    Ok(None)
}

/// Runs `code` with `input` as `frame`, on this actor.
fn run(frame: &mut Frame, input: Bytes, code: Bytes) -> ActorResult<interpreter::ExecutionResult> {
    let message = Message {
        address: frame.address.into(),
        caller: frame.caller.into(),
        value: frame.value,
        input,
        is_static: fvm_sdk::vm::read_only(),
        depth: 0,
        gas_limit: 0,
    };
    let result = execute(frame, &message, code, &Config::platform());
    frame.steps.flush();
    result
}

/// `InvokeContract`: the contract's input is one CBOR byte string, or a raw block (what other
/// contracts send), or nothing.
fn invoke_contract(params: Option<IpldBlock>) -> MethodResult {
    let input = input_bytes(params)?;
    let caller = eth_address_of(fvm_sdk::message::caller());
    let value = atto_to_wei(&fvm_sdk::message::value_received());
    execute_contract(input, caller, value)
}

fn execute_contract(input: Bytes, caller: EthAddress, value: U256) -> MethodResult {
    let state = ContractState::load()?;
    if state.is_dead() {
        return Ok(bytes_block(&[]));
    }
    let code = state.code()?;
    if code.is_empty() {
        return Ok(bytes_block(&[]));
    }
    let mut frame = Frame::new(own_address()?, caller, value, state);
    let result = run(&mut frame, input, code)?;
    if result.status == ExitStatus::Success {
        frame.state.flush()?;
    }
    to_method_result(result)
}

fn input_bytes(params: Option<IpldBlock>) -> ActorResult<Bytes> {
    match params {
        None => Ok(Bytes::new()),
        Some(block) if block.codec == IPLD_RAW => Ok(block.data.into()),
        Some(block) if block.codec == CBOR || block.codec == DAG_CBOR => {
            let bytes: BytesDe = block.deserialize().map_err(|e| {
                ActorError::serialization(format!("InvokeContract expects one byte string: {e}"))
            })?;
            Ok(bytes.0.into())
        }
        Some(block) => Err(ActorError::illegal_argument(format!(
            "unsupported params codec {:#x}",
            block.codec
        ))),
    }
}

/// `InvokeContractDelegate`: another contract's code on this contract's state (the second
/// half of `DELEGATECALL`/`CALLCODE`); only this actor may ask.
fn invoke_contract_delegate(params: Option<IpldBlock>) -> MethodResult {
    require_caller(fvm_sdk::message::receiver())?;
    let Some(block) = params.filter(|b| b.codec == DAG_CBOR) else {
        return Err(ActorError::illegal_argument(
            "InvokeContractDelegate takes DAG-CBOR params",
        ));
    };
    let params: DelegateCallParams = decode_params(Some(block))?;
    let state = ContractState::load()?;
    let code: Bytes = fvm_sdk::ipld::get(&params.code)
        .map_err(|e| ActorError::illegal_argument(format!("reading delegated code: {e:?}")))?
        .into();
    let value = &params.value;
    let mut frame = Frame::new(own_address()?, params.caller, atto_to_wei(value), state);
    let result = run(&mut frame, params.input.into(), code)?;
    if result.status == ExitStatus::Success {
        frame.state.flush()?;
    }
    to_method_result(result)
}

fn get_bytecode(params: Option<IpldBlock>) -> MethodResult {
    no_params(params)?;
    let state = ContractState::load()?;
    let code = (!state.is_dead()).then_some(state.state.bytecode);
    IpldBlock::serialize(DAG_CBOR_CODEC, &code)
        .map(Some)
        .map_err(|e| ActorError::serialization(e.to_string()))
}

fn get_bytecode_hash(params: Option<IpldBlock>) -> MethodResult {
    no_params(params)?;
    let state = ContractState::load()?;
    let hash = if state.is_dead() {
        BytecodeHash::EMPTY
    } else {
        state.state.bytecode_hash
    };
    return_cbor(&hash)
}

/// One storage slot, for `eth_getStorageAt` (the system actor asks, in an implicit message).
fn get_storage_at(params: Option<IpldBlock>) -> MethodResult {
    require_caller(SYSTEM_ACTOR_ID)?;
    let params: GetStorageAtParams = decode_params(params)?;
    let mut state = ContractState::load()?;
    let value = if state.is_dead() {
        U256::ZERO
    } else {
        state.sload(U256::from_be_bytes(params.storage_key.0))?
    };
    return_cbor(&U256Bytes(value.to_be_bytes::<32>()))
}

/// A Filecoin method number (>= 1024) that is not one of ours: call the contract's
/// `handle_filecoin_method(uint64 method, uint64 codec, bytes params)` and decode its
/// `(uint32 exit_code, uint64 codec, bytes data)`.
fn handle_filecoin_method(method: u64, params: Option<IpldBlock>) -> MethodResult {
    let (codec, data) = params.map(|b| (b.codec, b.data)).unwrap_or((0, Vec::new()));
    let input = handle_filecoin_method_input(method, codec, &data);
    let caller = eth_address_of(fvm_sdk::message::caller());
    let value = atto_to_wei(&fvm_sdk::message::value_received());
    let output = match execute_contract(input.into(), caller, value)? {
        Some(block) => crate::calls::return_bytes(Some(block)),
        None => Bytes::new(),
    };
    decode_filecoin_return(&output)
}

/// Decodes `(uint32 exit_code, uint64 codec, bytes data)` as builtin-actors does: words past
/// the end are zeros, a word too large for its type is a serialization error, codec 0 only
/// with no data, CBOR otherwise.
fn decode_filecoin_return(output: &[u8]) -> MethodResult {
    if output.is_empty() {
        return Ok(None);
    }
    let reader = Reader(output);
    let bad = |what: &str| ActorError::serialization(format!("handle_filecoin_method: {what}"));
    let exit_code = reader.u32_at(0).ok_or_else(|| bad("exit code not a u32"))?;
    let codec = reader.u64_at(32).ok_or_else(|| bad("codec not a u64"))?;
    let data_at = reader
        .u32_at(64)
        .ok_or_else(|| bad("data offset not a u32"))?;
    let data = reader
        .bytes_at(data_at as usize)?
        .ok_or_else(|| bad("data length not a u32"))?;
    let block = match (codec, data) {
        (0, abi::Bytes::Fits(data)) if data.is_empty() => None,
        (CBOR, abi::Bytes::Fits(data)) => Some(IpldBlock { codec: CBOR, data }),
        // A block the FVM will not take, as return or exit data alike.
        (CBOR, abi::Bytes::Oversized(len)) => {
            return Err(ActorError::assertion_failed(format!(
                "handle_filecoin_method returned {len} bytes, more than a block"
            )))
        }
        (0, _) => return Err(bad("codec 0 with data")),
        _ => return Err(bad(&format!("unsupported codec {codec}"))),
    };
    if exit_code != 0 {
        return Err(ActorError::new(
            fvm_shared::error::ExitCode::new(exit_code),
            "handle_filecoin_method failed",
        )
        .with_data(block));
    }
    Ok(block)
}
