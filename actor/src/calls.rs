//! Calls and creates as FVM sends.
//!
//! * `CALL`/`STATICCALL` send `InvokeContract` to the target, whatever it is (EVM contract,
//!   account, placeholder, native actor), with the input as a raw block; `STATICCALL` sets the
//!   read-only flag. Value travels with the send; a send to an unknown f410 address makes the
//!   FVM create a placeholder there, which keeps the value. That happens without value too, as
//!   on FEVM (unlike Ethereum, where a call without value creates no account): the placeholder
//!   takes the next actor ID, so skipping it would shift every later ID.
//! * `DELEGATECALL` asks the target for its code CID, then sends `InvokeContractDelegate` to
//!   this very actor, which runs that code on its own state.
//! * `CALLCODE` is undefined, as in FEVM (the interpreter's platform table).
//! * `CREATE`/`CREATE2` go to the EAM, which derives Ethereum's address.
//!
//! State is written before every send and re-read after a successful one, so re-entrant calls
//! see and keep consistent storage. Everything here works on the running [`Frame`]; the host
//! adapter calls in, nothing here calls back out to it.

use actor_runtime::{ActorError, ActorResult};
use actor_types::{
    builtin::EAM_ACTOR_ADDR,
    eam::{self, Create2Params, CreateParams, CreateReturn},
    evm::{self, DelegateCallParams},
    token::{atto_to_wei, wei_to_atto},
    EthAddress,
};
use fvm_ipld_encoding::{ipld_block::IpldBlock, BytesDe, CBOR, DAG_CBOR, IPLD_RAW};
use fvm_shared::{address::Address, error::ErrorNumber, sys::SendFlags, Response};
use interpreter::{
    Bytes, CallKind, CallOutcome, CallRequest, CreateOutcome, CreateRequest, CreateScheme,
    FrameStatus, U256,
};
use precompiles::{EthereumPrecompile, FilecoinPrecompile};

use crate::{
    address::{classify, to_filecoin, Target},
    crypto::FvmCrypto,
    filecoin_precompiles,
    frame::Frame,
    peers,
};

/// FEVM gives a plain transfer (`transfer`/`send`: gas 0 with value, or the 2300 stipend
/// without) this much FVM gas, since 2300 could not even start an actor.
const TRANSFER_GAS_LIMIT: u64 = 10_000_000;

/// `CALL`, `CALLCODE`, `DELEGATECALL`, `STATICCALL`.
pub fn call(frame: &mut Frame, request: CallRequest) -> ActorResult<CallOutcome> {
    if crate::address::is_reserved_precompile(request.to) {
        return precompile_call(frame, &request);
    }
    match request.kind {
        CallKind::Call | CallKind::StaticCall => invoke(frame, &request),
        CallKind::DelegateCall => delegate(frame, &request),
        // Undefined under platform metering, as in FEVM: the interpreter halts before asking.
        CallKind::CallCode => Ok(CallOutcome::failure(0)),
    }
}

/// A call to a precompile address, as builtin-actors makes it: the precompile runs (an address
/// reserved for one that is not implemented answers nothing), and only once it succeeded does a
/// `CALL`'s value move to the address, where a placeholder keeps it. A failed transfer fails
/// the call. Ethereum precompiles reach the host only with value; without, the interpreter runs
/// them in-process.
fn precompile_call(frame: &mut Frame, request: &CallRequest) -> ActorResult<CallOutcome> {
    let outcome = if let Some(precompile) = FilecoinPrecompile::from_address(&request.to) {
        filecoin_precompiles::run(frame, precompile, request)?
    } else if let Some(precompile) = EthereumPrecompile::from_address(&request.to) {
        match interpreter::run_platform_precompile(precompile, &request.input, &FvmCrypto) {
            Ok(out) => success(out.output),
            Err(_) => CallOutcome::failure(0),
        }
    } else {
        success(Bytes::new())
    };
    let moves_value = request.kind == CallKind::Call && !request.value.is_zero();
    if outcome.status != FrameStatus::Success || !moves_value {
        return Ok(outcome);
    }
    frame.flush_before_send()?;
    let sent = fvm_sdk::send::send(
        &to_filecoin(request.to),
        fvm_shared::METHOD_SEND,
        None,
        wei_to_atto(request.value),
        None,
        SendFlags::empty(),
    );
    if !matches!(sent, Ok(Response { exit_code, .. }) if exit_code.is_success()) {
        return Ok(CallOutcome::failure(0));
    }
    frame.reload_after_send()?;
    Ok(outcome)
}

fn gas_for(request: &CallRequest) -> u64 {
    let transfer = (request.gas_limit == 0 && !request.value.is_zero())
        || (request.gas_limit == 2300 && request.value.is_zero());
    if transfer {
        let available = fvm_sdk::gas::available();
        TRANSFER_GAS_LIMIT.min(available - available / 64)
    } else {
        request.gas_limit
    }
}

/// `CALL`/`STATICCALL`: `InvokeContract` on the target.
fn invoke(frame: &mut Frame, request: &CallRequest) -> ActorResult<CallOutcome> {
    let params = (!request.input.is_empty()).then(|| IpldBlock {
        codec: IPLD_RAW,
        data: request.input.to_vec(),
    });
    let flags = if request.is_static {
        SendFlags::READ_ONLY
    } else {
        SendFlags::empty()
    };
    send(
        frame,
        &to_filecoin(request.to),
        evm::method::INVOKE_CONTRACT,
        params,
        request.value,
        gas_for(request),
        flags,
    )
}

/// `DELEGATECALL`: runs the target's code on this contract's state, with this frame's caller
/// and value.
fn delegate(frame: &mut Frame, request: &CallRequest) -> ActorResult<CallOutcome> {
    let code = if EthAddress::from(request.to) == frame.address {
        Some(frame.state.state.bytecode)
    } else {
        match classify(request.to) {
            Target::Contract(id) => peers::code_cid(id)?,
            Target::Account(_) | Target::Missing | Target::Precompile => {
                return Ok(success(Bytes::new()))
            }
            Target::Native(..) => return Ok(CallOutcome::failure(0)),
        }
    };
    let Some(code) = code else {
        return Ok(success(Bytes::new()));
    };
    let params = DelegateCallParams {
        code,
        input: request.input.to_vec(),
        caller: frame.caller,
        value: wei_to_atto(frame.value),
    };
    let params = IpldBlock::serialize_dag_cbor(&params)
        .map_err(|e| ActorError::serialization(e.to_string()))?;
    let own = Address::new_id(fvm_sdk::message::receiver());
    send(
        frame,
        &own,
        evm::method::INVOKE_CONTRACT_DELEGATE,
        params,
        U256::ZERO,
        request.gas_limit,
        SendFlags::empty(),
    )
}

/// Sends, with the state written before and re-read after, and maps the result as FEVM does.
fn send(
    frame: &mut Frame,
    to: &Address,
    method: u64,
    params: Option<IpldBlock>,
    value: U256,
    gas_limit: u64,
    flags: SendFlags,
) -> ActorResult<CallOutcome> {
    frame.flush_before_send()?;
    let result = fvm_sdk::send::send(
        to,
        method,
        params,
        wei_to_atto(value),
        Some(gas_limit),
        flags,
    );
    let outcome = match result {
        Ok(response) if response.exit_code.is_success() => {
            frame.reload_after_send()?;
            success(return_bytes(response.return_data))
        }
        Ok(response) => CallOutcome {
            status: if response.exit_code == evm::exit::REVERTED {
                FrameStatus::Revert
            } else {
                FrameStatus::Failure
            },
            output: return_bytes(response.return_data),
            gas_used: 0,
        },
        // No actor can exist there (an ID that was never assigned), or creating one is not
        // allowed in a read-only call: to the EVM, a call to an empty account.
        Err(ErrorNumber::NotFound | ErrorNumber::ReadOnly) => success(Bytes::new()),
        Err(_) => CallOutcome::failure(0),
    };
    Ok(outcome)
}

fn success(output: Bytes) -> CallOutcome {
    CallOutcome {
        status: FrameStatus::Success,
        output,
        gas_used: 0,
    }
}

/// Return data of a callee: the byte string inside a CBOR block, or a raw block as is.
pub fn return_bytes(block: Option<IpldBlock>) -> Bytes {
    match block {
        None => Bytes::new(),
        Some(block) if block.codec == CBOR || block.codec == DAG_CBOR => {
            match fvm_ipld_encoding::from_slice::<BytesDe>(&block.data) {
                Ok(bytes) => bytes.0.into(),
                Err(_) => block.data.into(),
            }
        }
        Some(block) => block.data.into(),
    }
}

/// `CREATE`/`CREATE2` through the EAM.
pub fn create(frame: &mut Frame, request: CreateRequest) -> ActorResult<CreateOutcome> {
    let balance = atto_to_wei(&fvm_sdk::sself::current_balance());
    if balance < request.value {
        return Ok(CreateOutcome {
            status: FrameStatus::Failure,
            address: Default::default(),
            output: Bytes::new(),
            gas_used: 0,
        });
    }
    let initcode = request.initcode.to_vec();
    let (method, params) = match request.scheme {
        CreateScheme::Create => {
            let nonce = frame.state.next_nonce();
            (
                eam::method::CREATE,
                IpldBlock::serialize_cbor(&CreateParams { initcode, nonce }),
            )
        }
        CreateScheme::Create2 { salt } => {
            frame.state.next_nonce();
            (
                eam::method::CREATE2,
                IpldBlock::serialize_cbor(&Create2Params {
                    initcode,
                    salt: salt.to_be_bytes(),
                }),
            )
        }
    };
    let params = params.map_err(|e| ActorError::serialization(e.to_string()))?;
    frame.flush_before_send()?;
    let result = fvm_sdk::send::send(
        &EAM_ACTOR_ADDR,
        method,
        params,
        wei_to_atto(request.value),
        Some(request.gas_limit),
        SendFlags::empty(),
    );
    let failed = |status, output| CreateOutcome {
        status,
        address: Default::default(),
        output,
        gas_used: 0,
    };
    Ok(match result {
        Ok(response) if response.exit_code.is_success() => {
            frame.reload_after_send()?;
            let created: CreateReturn = actor_runtime::decode_params(response.return_data)?;
            CreateOutcome {
                status: FrameStatus::Success,
                address: created.eth_address.into(),
                output: Bytes::new(),
                gas_used: 0,
            }
        }
        Ok(response) => {
            let status = if response.exit_code == evm::exit::REVERTED {
                FrameStatus::Revert
            } else {
                FrameStatus::Failure
            };
            failed(status, return_bytes(response.return_data))
        }
        Err(_) => failed(FrameStatus::Failure, Bytes::new()),
    })
}
