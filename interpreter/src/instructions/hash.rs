//! `KECCAK256` under platform metering: the hash goes to the host's [`crate::Crypto`], so an
//! embedder with a cheaper native hash (the FVM's hashing syscall) uses it instead of running
//! Keccak in the interpreter.

use super::Context;
use crate::host::Host;
use alloy_primitives::KECCAK256_EMPTY;
use revm_interpreter::{interpreter::resize_memory, Host as _, InstructionExecResult};

/// `KECCAK256(offset, len)`: memory grows as for any read, then the host hashes the bytes.
pub(crate) fn keccak256<H: Host>(context: Context<'_, '_, H>) -> InstructionExecResult {
    revm_interpreter::popn_top!([offset], top, context.interpreter);
    let len = revm_interpreter::as_usize_or_fail!(context.interpreter, top);
    let hash = if len == 0 {
        KECCAK256_EMPTY
    } else {
        let from = revm_interpreter::as_usize_or_fail!(context.interpreter, offset);
        // The stack's top is borrowed, so memory grows through the interpreter's parts.
        resize_memory(
            &mut context.interpreter.gas,
            &mut context.interpreter.memory,
            context.host.gas_params(),
            from,
            len,
        )?;
        let data = context.interpreter.memory.slice_len(from, len);
        context.host.host.keccak256(data.as_ref())
    };
    *top = hash.into();
    Ok(())
}
