//! `CALL`, `CALLCODE`, `DELEGATECALL`, `STATICCALL`, `CREATE`, `CREATE2`.
//!
//! The interpreter never runs another frame itself. Each of these pops its operands, sizes
//! memory, works out the callee's gas, and then either
//! * fails at once (call depth exhausted: the gas is handed back, as on Ethereum),
//! * runs an Ethereum precompile in-process (when no value moves to it: a value transfer is a
//!   state change the embedder owns, so `CALL` with value to a precompile goes to the host), or
//! * hands a request to [`Host::call`] / [`Host::create`],
//!
//! and resumes the frame with the outcome: return data, output copied to memory, the success
//! flag (or new address) pushed, and, under Ethereum metering, unused gas returned.
//!
//! Gas for the callee: under Ethereum metering exactly as Ethereum (EIP-150's 63/64, the 2300
//! stipend with value, cold-account surcharges); under platform metering the operand capped at
//! 63/64 of the platform gas available, as FEVM does (FIP-0054).

use super::{account::query, Context};
use crate::{
    config::{precompile_at, GasMode},
    host::Host,
    message::{
        CallKind, CallOutcome, CallRequest, CreateOutcome, CreateRequest, CreateScheme, FrameStatus,
    },
};
use alloy_primitives::{Address, Bytes, U256};
use core::ops::Range;
use precompiles::{Crypto, EthereumPrecompile, PrecompileError, PrecompileOutput};
use revm_interpreter::{
    bytecode::opcode,
    instructions::contract::{get_memory_input_and_out_ranges, load_acc_and_calc_gas},
    interpreter::EthInterpreter,
    interpreter_types::{InputsTr, MemoryTr, ReturnData, RuntimeFlag},
    primitives::hardfork::SpecId,
    Host as _, InstructionExecResult, InstructionResult, Interpreter,
};

/// Precompile budget under platform metering, in Ethereum gas: what a 30M-gas Ethereum block
/// could pay for. The platform meters the actual work; this only bounds how large a job one
/// input may demand (modexp and pairing prices grow with input size).
const PLATFORM_PRECOMPILE_BUDGET: u64 = 30_000_000;

/// Runs an Ethereum precompile under platform metering: Filecoin's reading of its input, and
/// the budget above. The embedder runs those that receive value with this too.
pub fn run_platform_precompile(
    precompile: EthereumPrecompile,
    input: &[u8],
    crypto: &impl Crypto,
) -> Result<PrecompileOutput, PrecompileError> {
    precompile.run_on_filecoin(input, PLATFORM_PRECOMPILE_BUDGET, crypto)
}

fn call_kind(op: u8) -> CallKind {
    match op {
        opcode::CALL => CallKind::Call,
        opcode::CALLCODE => CallKind::CallCode,
        opcode::DELEGATECALL => CallKind::DelegateCall,
        _ => CallKind::StaticCall,
    }
}

/// The four call opcodes; `OP` is the opcode byte.
pub(crate) fn call<const OP: u8, H: Host>(
    mut context: Context<'_, '_, H>,
) -> InstructionExecResult {
    let kind = call_kind(OP);
    let takes_value = matches!(kind, CallKind::Call | CallKind::CallCode);
    let [gas_operand, to, value] = if takes_value {
        revm_interpreter::popn!([gas_operand, to, value], context.interpreter);
        [gas_operand, to, value]
    } else {
        revm_interpreter::popn!([gas_operand, to], context.interpreter);
        [gas_operand, to, U256::ZERO]
    };
    let to = Address::from_word(to.into());
    let interpreter_is_static = context.interpreter.runtime_flag.is_static();
    if kind == CallKind::Call && interpreter_is_static && !value.is_zero() {
        return Err(InstructionResult::CallNotAllowedInsideStatic);
    }

    let (input_range, output_range) =
        get_memory_input_and_out_ranges(context.interpreter, context.host.gas_params())?;
    let gas_operand = u64::try_from(gas_operand).unwrap_or(u64::MAX);
    let gas_limit = match context.host.config.gas {
        GasMode::Ethereum(_) => {
            let transfers = !value.is_zero();
            let (limit, ..) = load_acc_and_calc_gas(
                &mut context,
                to,
                transfers,
                kind == CallKind::Call,
                gas_operand,
            )?;
            limit
        }
        GasMode::Platform => platform_gas_limit(context.host.host.gas_available(), gas_operand),
    };

    let request = CallRequest {
        kind,
        to,
        // DELEGATECALL keeps the frame's apparent value; nothing moves.
        value: match kind {
            CallKind::DelegateCall => context.interpreter.input.call_value(),
            _ => value,
        },
        input: read_memory(context.interpreter, input_range),
        gas_limit,
        is_static: interpreter_is_static || kind == CallKind::StaticCall,
    };
    let outcome = perform_call(&mut context, request)?;
    resume_after_call(context, outcome, gas_limit, output_range)
}

fn perform_call<H: Host>(
    context: &mut Context<'_, '_, H>,
    request: CallRequest,
) -> Result<CallOutcome, InstructionResult> {
    if context.interpreter.input.depth() >= context.host.config.max_call_depth {
        return Ok(CallOutcome {
            status: FrameStatus::Failure,
            output: Bytes::new(),
            gas_used: 0,
        });
    }
    let moves_value = request.kind == CallKind::Call && !request.value.is_zero();
    match precompile_at(context.host.config.gas.spec(), &request.to) {
        Some(precompile) if !moves_value => Ok(run_precompile(
            context.host.config.gas,
            precompile,
            &request,
            context.host.host,
        )),
        _ => query(context.host, |host| host.call(request)),
    }
}

/// Runs an Ethereum precompile in-process.
pub(crate) fn run_precompile<H: Host>(
    mode: GasMode,
    precompile: EthereumPrecompile,
    request: &CallRequest,
    host: &H,
) -> CallOutcome {
    let result = match mode {
        GasMode::Ethereum(_) => precompile.run(&request.input, request.gas_limit, host),
        GasMode::Platform => run_platform_precompile(precompile, &request.input, host),
    };
    match result {
        Ok(out) => CallOutcome {
            status: FrameStatus::Success,
            output: out.output,
            gas_used: match mode {
                GasMode::Ethereum(_) => out.gas_used,
                GasMode::Platform => 0,
            },
        },
        Err(PrecompileError::OutOfGas | PrecompileError::InvalidInput(_)) => {
            CallOutcome::failure(request.gas_limit)
        }
    }
}

/// Puts a callee's outcome into the calling frame.
fn resume_after_call<H: Host>(
    context: Context<'_, '_, H>,
    outcome: CallOutcome,
    gas_limit: u64,
    output_range: Range<usize>,
) -> InstructionExecResult {
    let interpreter = context.interpreter;
    return_unused_gas(
        interpreter,
        context.host.config.gas,
        gas_limit,
        outcome.gas_used,
    );
    let copy_len = output_range.len().min(outcome.output.len());
    if copy_len > 0 {
        interpreter
            .memory
            .set(output_range.start, &outcome.output[..copy_len]);
    }
    let succeeded = outcome.status == FrameStatus::Success;
    interpreter.return_data.set_buffer(outcome.output);
    revm_interpreter::push!(interpreter, U256::from(succeeded as u8));
    Ok(())
}

/// `CREATE` and `CREATE2`.
pub(crate) fn create<const IS_CREATE2: bool, H: Host>(
    context: Context<'_, '_, H>,
) -> InstructionExecResult {
    revm_interpreter::require_non_staticcall!(context.interpreter);
    revm_interpreter::popn!([value, code_offset, len], context.interpreter);
    let mode = context.host.config.gas;
    let len = revm_interpreter::as_usize_or_fail!(context.interpreter, len);
    let spec = context.interpreter.runtime_flag.spec_id();

    let mut initcode = Bytes::new();
    if len != 0 {
        // EIP-3860: initcode is limited and metered from Shanghai on.
        if spec.is_enabled_in(SpecId::SHANGHAI) {
            if len > context.host.config.max_initcode_size {
                return Err(InstructionResult::CreateInitCodeSizeLimit);
            }
            charge(
                context.interpreter,
                context.host.gas_params().initcode_cost(len),
            )?;
        }
        let code_offset = revm_interpreter::as_usize_or_fail!(context.interpreter, code_offset);
        context
            .interpreter
            .resize_memory(context.host.gas_params(), code_offset, len)?;
        initcode = Bytes::copy_from_slice(&context.interpreter.memory.slice_len(code_offset, len));
    }

    let scheme = if IS_CREATE2 {
        revm_interpreter::popn!([salt], context.interpreter);
        charge(
            context.interpreter,
            context.host.gas_params().create2_cost(len),
        )?;
        CreateScheme::Create2 { salt }
    } else {
        charge(context.interpreter, context.host.gas_params().create_cost())?;
        CreateScheme::Create
    };

    let gas_limit = match mode {
        GasMode::Ethereum(_) => {
            let mut limit = context.interpreter.gas.remaining();
            if spec.is_enabled_in(SpecId::TANGERINE) {
                limit = context.host.gas_params().call_stipend_reduction(limit);
            }
            charge(context.interpreter, limit)?;
            limit
        }
        GasMode::Platform => platform_gas_limit(context.host.host.gas_available(), u64::MAX),
    };

    let outcome = if context.interpreter.input.depth() >= context.host.config.max_call_depth {
        CreateOutcome {
            status: FrameStatus::Failure,
            address: Address::ZERO,
            output: Bytes::new(),
            gas_used: 0,
        }
    } else {
        let request = CreateRequest {
            scheme,
            value,
            initcode,
            gas_limit,
        };
        query(context.host, |host| host.create(request))?
    };

    let interpreter = context.interpreter;
    return_unused_gas(interpreter, mode, gas_limit, outcome.gas_used);
    // Return data holds revert data only; a successful or failed create leaves it empty.
    let (pushed, return_data) = match outcome.status {
        FrameStatus::Success => (outcome.address.into_word().into(), Bytes::new()),
        FrameStatus::Revert => (U256::ZERO, outcome.output),
        FrameStatus::Failure => (U256::ZERO, Bytes::new()),
    };
    interpreter.return_data.set_buffer(return_data);
    revm_interpreter::push!(interpreter, pushed);
    Ok(())
}

/// The callee's gas under platform metering: the operand, capped at all but one 64th of what
/// the platform has left (EIP-150's rule, applied to platform gas as FEVM does).
fn platform_gas_limit(available: u64, operand: u64) -> u64 {
    operand.min(available - available / 64)
}

fn charge(interpreter: &mut Interpreter<EthInterpreter>, cost: u64) -> InstructionExecResult {
    if interpreter.gas.record_regular_cost(cost) {
        Ok(())
    } else {
        Err(InstructionResult::OutOfGas)
    }
}

/// Under Ethereum metering the callee's limit was charged up front; give back what it left.
fn return_unused_gas(
    interpreter: &mut Interpreter<EthInterpreter>,
    mode: GasMode,
    gas_limit: u64,
    gas_used: u64,
) {
    if let GasMode::Ethereum(_) = mode {
        interpreter
            .gas
            .erase_cost(gas_limit.saturating_sub(gas_used));
    }
}

fn read_memory(interpreter: &Interpreter<EthInterpreter>, range: Range<usize>) -> Bytes {
    if range.is_empty() {
        return Bytes::new();
    }
    Bytes::copy_from_slice(&interpreter.memory.global_slice(range))
}

#[cfg(test)]
mod tests {
    use super::platform_gas_limit;

    #[test]
    fn platform_gas_keeps_one_64th() {
        assert_eq!(platform_gas_limit(6400, u64::MAX), 6300);
        assert_eq!(platform_gas_limit(6400, 100), 100);
        assert_eq!(platform_gas_limit(0, 100), 0);
    }
}
