//! `TLOAD`, `TSTORE` and `LOG0`..`LOG4`: revm's instructions, then a halt if the embedder failed.
//!
//! revm's host methods for these three return no `Result`, so revm's instructions carry on
//! whatever the embedder answered. The adapter keeps the embedder's error; each instruction here
//! runs revm's and then, if an error was kept, ends the frame with a fatal external error, as a
//! failed `SLOAD` does. Nothing after the failed access runs, and [`crate::execute`] returns
//! the error.

use super::Context;
use crate::host::Host;
use revm_interpreter::{
    instructions::host, InstructionContext, InstructionExecResult, InstructionResult,
};

/// `TLOAD`.
pub(crate) fn tload<H: Host>(context: Context<'_, '_, H>) -> InstructionExecResult {
    halt_on_host_error(context, host::tload)
}

/// `TSTORE`.
pub(crate) fn tstore<H: Host>(context: Context<'_, '_, H>) -> InstructionExecResult {
    halt_on_host_error(context, host::tstore)
}

/// `LOG0`..`LOG4`.
pub(crate) fn log<const N: usize, H: Host>(context: Context<'_, '_, H>) -> InstructionExecResult {
    halt_on_host_error(context, host::log::<N, _>)
}

/// Runs `instruction`, then halts if the embedder failed during it.
#[inline(always)]
fn halt_on_host_error<'h, H: Host>(
    context: Context<'_, 'h, H>,
    instruction: impl FnOnce(Context<'_, 'h, H>) -> InstructionExecResult,
) -> InstructionExecResult {
    let InstructionContext {
        interpreter,
        host: adapter,
    } = context;
    instruction(InstructionContext {
        interpreter,
        host: &mut *adapter,
    })?;
    match adapter.error {
        Some(_) => Err(InstructionResult::FatalExternalError),
        None => Ok(()),
    }
}
