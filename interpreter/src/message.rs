//! What goes into a frame, and the requests and outcomes of the frames it starts.

use alloy_primitives::{Address, Bytes, U256};

/// The call that starts a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The contract whose storage and balance the frame uses (`ADDRESS`).
    pub address: Address,
    /// `CALLER`.
    pub caller: Address,
    /// `CALLVALUE`.
    pub value: U256,
    /// Call data.
    pub input: Bytes,
    /// No state changes allowed (inside `STATICCALL`).
    pub is_static: bool,
    /// Number of frames above this one (0 for the transaction's first).
    pub depth: usize,
    /// EVM gas the frame may spend; only used under [`crate::GasMode::Ethereum`].
    pub gas_limit: u64,
}

/// The four call opcodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `CALL`: run the target's code on the target's state, optionally with value.
    Call,
    /// `CALLCODE`: run the target's code on this contract's state, with value.
    CallCode,
    /// `DELEGATECALL`: run the target's code on this contract's state, as this frame's caller.
    DelegateCall,
    /// `STATICCALL`: like `CALL` without value, and no state changes in the callee.
    StaticCall,
}

/// A call this frame asks the embedder to perform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRequest {
    /// Which opcode made the call.
    pub kind: CallKind,
    /// The address whose code runs (the opcode's address argument).
    pub to: Address,
    /// Value transferred (`CALL`, `CALLCODE`); for `DELEGATECALL` the apparent value, which is
    /// this frame's `CALLVALUE` and moves nothing.
    pub value: U256,
    /// Call data.
    pub input: Bytes,
    /// Gas the callee may use: Ethereum gas, or under platform metering the platform's gas (the
    /// opcode's argument capped at 63/64 of [`crate::Host::gas_available`]).
    pub gas_limit: u64,
    /// The callee must not change state (a `STATICCALL`, or any call inside one).
    pub is_static: bool,
}

/// `CREATE` or `CREATE2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateScheme {
    /// Address from the creator and its nonce.
    Create,
    /// Address from the creator, the salt and the initcode hash.
    Create2 {
        /// The salt operand.
        salt: U256,
    },
}

/// A contract creation this frame asks the embedder to perform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateRequest {
    /// How the new address is derived.
    pub scheme: CreateScheme,
    /// Value endowed to the new contract.
    pub value: U256,
    /// Code run to produce the contract's code.
    pub initcode: Bytes,
    /// Gas the initcode may use (as [`CallRequest::gas_limit`]).
    pub gas_limit: u64,
}

/// How a frame ended, as seen by its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameStatus {
    /// Returned or stopped normally.
    Success,
    /// Executed `REVERT`; the output is the revert data.
    Revert,
    /// Failed exceptionally (invalid opcode, out of gas, stack error...) or could not start.
    Failure,
}

/// What the embedder reports for a [`CallRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallOutcome {
    /// How the callee ended.
    pub status: FrameStatus,
    /// Return or revert data.
    pub output: Bytes,
    /// Gas the callee used, out of the request's limit (matters under Ethereum metering).
    pub gas_used: u64,
}

/// What the embedder reports for a [`CreateRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateOutcome {
    /// How the initcode ended; `Success` means the contract now exists at `address`.
    pub status: FrameStatus,
    /// The new contract's address (only read on success).
    pub address: Address,
    /// Revert data when the initcode reverted; ignored otherwise.
    pub output: Bytes,
    /// Gas the initcode used, out of the request's limit.
    pub gas_used: u64,
}

impl CallOutcome {
    /// A call that failed without running: all its gas is gone, no data.
    pub fn failure(gas_limit: u64) -> Self {
        Self {
            status: FrameStatus::Failure,
            output: Bytes::new(),
            gas_used: gas_limit,
        }
    }
}
