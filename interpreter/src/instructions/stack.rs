//! `DUP1`..`DUP16` that tell an empty stack from a full one.
//!
//! revm's `DUP` halts with a stack overflow whichever limit it hit. A contract's exit code
//! says which one it was (FEVM's 36 for underflow, 37 for overflow), so a `DUP` reaching below
//! the bottom of the stack must halt as an underflow.

use revm_interpreter::{
    interpreter::EthInterpreter, InstructionContext, InstructionExecResult, InstructionResult,
};

/// `DUP<N>`: copies the `N`th item from the top onto the top.
#[inline(always)]
pub(crate) fn dup<const N: usize, H: ?Sized>(
    context: InstructionContext<'_, H, EthInterpreter>,
) -> InstructionExecResult {
    let stack = &mut context.interpreter.stack;
    if stack.dup(N) {
        return Ok(());
    }
    // The failure path alone tells which limit it hit, so a successful DUP costs no more.
    Err(if stack.len() < N {
        InstructionResult::StackUnderflow
    } else {
        InstructionResult::StackOverflow
    })
}
