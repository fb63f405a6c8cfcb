//! `GAS` and the account queries under platform metering.
//!
//! Without EVM gas there is nothing to price, so each instruction makes the single host query it
//! needs: on the FVM every query is a syscall or a send, and `EXTCODESIZE` (which Solidity runs
//! before many external calls) must not fetch a whole account.

use super::Context;
use crate::host::Host;
use alloy_primitives::{Address, U256};
use revm_interpreter::{
    interpreter_types::InputsTr, Host as _, InstructionExecResult, InstructionResult,
};

/// `GAS`: the platform's gas available (FIP-0054).
pub(crate) fn gas<H: Host>(context: Context<'_, '_, H>) -> InstructionExecResult {
    let available = context.host.host.gas_available();
    revm_interpreter::push!(context.interpreter, U256::from(available));
    Ok(())
}

/// `BALANCE`.
pub(crate) fn balance<H: Host>(context: Context<'_, '_, H>) -> InstructionExecResult {
    revm_interpreter::popn_top!([], top, context.interpreter);
    let address = Address::from_word((*top).into());
    *top = query(context.host, |host| host.balance(address))?;
    Ok(())
}

/// `SELFBALANCE`.
pub(crate) fn selfbalance<H: Host>(context: Context<'_, '_, H>) -> InstructionExecResult {
    let address = context.interpreter.input.target_address();
    let balance = query(context.host, |host| host.balance(address))?;
    revm_interpreter::push!(context.interpreter, balance);
    Ok(())
}

/// `EXTCODESIZE`.
pub(crate) fn extcodesize<H: Host>(context: Context<'_, '_, H>) -> InstructionExecResult {
    revm_interpreter::popn_top!([], top, context.interpreter);
    let address = Address::from_word((*top).into());
    *top = U256::from(query(context.host, |host| host.code_size(address))?);
    Ok(())
}

/// `EXTCODEHASH`.
pub(crate) fn extcodehash<H: Host>(context: Context<'_, '_, H>) -> InstructionExecResult {
    revm_interpreter::popn_top!([], top, context.interpreter);
    let address = Address::from_word((*top).into());
    *top = query(context.host, |host| host.code_hash(address))?.into();
    Ok(())
}

/// `EXTCODECOPY`: memory is sized before the code is fetched, so an impossible range fails
/// without a host query.
pub(crate) fn extcodecopy<H: Host>(context: Context<'_, '_, H>) -> InstructionExecResult {
    revm_interpreter::popn!(
        [address, memory_offset, code_offset, len],
        context.interpreter
    );
    let address = Address::from_word(address.into());
    let len = revm_interpreter::as_usize_or_fail!(context.interpreter, len);
    if len == 0 {
        return Ok(());
    }
    let memory_offset = revm_interpreter::as_usize_or_fail!(context.interpreter, memory_offset);
    context
        .interpreter
        .resize_memory(context.host.gas_params(), memory_offset, len)?;
    let code = query(context.host, |host| host.code(address))?;
    let code_offset = revm_interpreter::as_usize_saturated!(code_offset).min(code.len());
    context
        .interpreter
        .memory
        .set_data(memory_offset, code_offset, len, &code);
    Ok(())
}

/// Runs a host query, turning an embedder error into a halt that [`crate::execute`] reports.
pub(crate) fn query<H: Host, T>(
    adapter: &mut crate::adapter::HostAdapter<'_, H>,
    f: impl FnOnce(&mut H) -> Result<T, H::Error>,
) -> Result<T, InstructionResult> {
    f(adapter.host).map_err(|e| {
        adapter.fail(e);
        InstructionResult::FatalExternalError
    })
}
