//! The EVM frame one invocation runs: who is running, and the contract state it works on.
//!
//! The interpreter's host ([`crate::host`] implements it on [`Frame`]) and the sends
//! ([`crate::calls`], [`crate::filecoin_precompiles`]) all work on a frame; it knows none of
//! them.

use actor_runtime::ActorResult;
use actor_types::EthAddress;
use interpreter::{B256, U256};
use std::cell::OnceCell;

use crate::{state::ContractState, step_trace::StepLog};

/// One EVM frame in this actor.
pub struct Frame {
    /// This contract's Ethereum address.
    pub address: EthAddress,
    pub caller: EthAddress,
    /// The value the frame was called with; under `DELEGATECALL`, the delegating frame's.
    pub value: U256,
    pub state: ContractState,
    /// `PREVRANDAO`, drawn from the beacon on first use ([`crate::host`]).
    pub prevrandao: OnceCell<B256>,
    /// The struct logger's record (empty outside the step-tracing build).
    pub steps: StepLog,
}

impl Frame {
    /// The frame is built once, in place, and only borrowed after: the contract state is most
    /// of its 800-odd bytes, and every byte a wasm actor copies costs FVM gas. (That is also
    /// why `Host` is implemented on the frame itself: a host struct wrapping it cost one more
    /// copy, about 290 gas per invocation.)
    pub fn new(address: EthAddress, caller: EthAddress, value: U256, state: ContractState) -> Self {
        Self {
            address,
            caller,
            value,
            state,
            prevrandao: OnceCell::new(),
            steps: StepLog::default(),
        }
    }

    /// Writes pending state so that a callee (perhaps this contract again) sees it.
    pub fn flush_before_send(&mut self) -> ActorResult<()> {
        self.steps.flush();
        self.state.flush()
    }

    /// Re-reads the state after a successful send: the callee may have been this contract,
    /// re-entered, and changed it.
    pub fn reload_after_send(&mut self) -> ActorResult<()> {
        self.state.reload_if_changed()
    }
}
