//! The struct logger's view of a frame, in the step-tracing build only (feature `step-trace`;
//! [`actor_types::step_log`] says how the host uses it).
//!
//! The production build gets an empty [`StepLog`] that records nothing, and the interpreter
//! compiles its step hook away ([`interpreter::Host::TRACES_STEPS`] is [`ENABLED`]). The tracing
//! build never asks the FVM whether debugging is on: it only ever runs where the host turned it
//! on, and every syscall costs gas.

use interpreter::U256;

/// Whether this build records steps.
pub const ENABLED: bool = cfg!(feature = "step-trace");

/// The frame's steps not yet handed to the FVM.
#[derive(Default)]
pub struct StepLog {
    #[cfg(feature = "step-trace")]
    pending: Vec<u8>,
}

impl StepLog {
    /// Records the instruction about to run.
    #[inline(always)]
    pub fn record(&mut self, _pc: usize, _opcode: u8, _stack: &[U256]) {
        #[cfg(feature = "step-trace")]
        actor_types::step_log::encode(&mut self.pending, _pc, _opcode, _stack);
    }

    /// Hands the recorded steps to the FVM's execution trace: before the frame calls out (so
    /// the callee's steps follow them) and when it ends.
    #[inline(always)]
    pub fn flush(&mut self) {
        #[cfg(feature = "step-trace")]
        if !self.pending.is_empty() {
            fvm_sdk::debug::log(actor_types::step_log::line(&self.pending));
            self.pending.clear();
        }
    }
}
