//! EVM execution for an embedder that owns the world.
//!
//! This crate runs one EVM frame: the bytecode of one contract, called with one [`Message`]. Every
//! thing outside the bytecode (storage, other accounts, the block, logs, and above all other
//! frames) is reached through the [`Host`] trait. A `CALL` or `CREATE` is not executed here: the
//! interpreter hands a [`CallRequest`] or [`CreateRequest`] to [`Host::call`] / [`Host::create`],
//! the embedder runs it however it runs contracts (the FVM actor sends a message to another
//! actor), and the interpreter resumes the frame with the outcome. The Ethereum precompiles are
//! the exception: they are pure functions, so they run in-process (when no value moves to them).
//!
//! Opcode semantics come from `revm-interpreter` (Cancun level: PUSH0, MCOPY, TLOAD/TSTORE);
//! this crate replaces the instructions whose meaning depends on the embedder: calls, creates,
//! `GAS`, and, when EVM gas is not metered, the account queries. See [`GasMode`] for the two
//! ways gas can work.
#![no_std]

extern crate alloc;

mod adapter;
mod config;
mod dispatch;
mod execute;
mod host;
mod instructions;
mod message;

pub use alloy_primitives::{Address, Bytes, Log, LogData, B256, U256};
pub use config::{Config, GasMode, SpecId, MAX_CODE_SIZE, MAX_INITCODE_SIZE};
pub use execute::{execute, ExecutionResult, ExitStatus, Halt};
pub use host::{Host, StorageWrite};
pub use instructions::{opcode_name, run_platform_precompile};
pub use message::{
    CallKind, CallOutcome, CallRequest, CreateOutcome, CreateRequest, CreateScheme, FrameStatus,
    Message,
};
pub use precompiles::Crypto;
