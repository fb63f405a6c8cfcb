//! The one door between the interpreter and the world.

use crate::message::{CallOutcome, CallRequest, CreateOutcome, CreateRequest};
use alloy_primitives::{Address, Bytes, Log, B256, U256};
use precompiles::Crypto;

/// The result of an `SSTORE`, needed to price it under Ethereum metering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StorageWrite {
    /// The slot's value at the start of the transaction (EIP-2200). An embedder that does not
    /// meter Ethereum gas may report `present` here.
    pub original: U256,
    /// The slot's value just before this write.
    pub present: U256,
}

/// Everything an EVM frame needs from outside its own bytecode, memory and stack.
///
/// Storage and balance methods without an address concern the executing contract
/// ([`crate::Message::address`]). Fallible methods return the embedder's own error, which aborts
/// the execution: [`crate::execute`] returns it unchanged. An EVM-level failure (a reverted
/// callee, an account that does not exist) is not an error but an outcome.
///
/// Hashing and signature recovery come from the [`Crypto`] supertrait, so `KECCAK256` and the
/// hashing precompiles can use whatever the platform does best.
pub trait Host: Crypto {
    /// Why the embedder could not go on (broken state, exhausted platform resources...).
    type Error;

    // --- The executing contract's storage.

    /// `SLOAD`: the value in `key`, zero if never written.
    fn sload(&mut self, key: U256) -> Result<U256, Self::Error>;

    /// `SSTORE`: write `value` to `key` (zero clears the slot).
    fn sstore(&mut self, key: U256, value: U256) -> Result<StorageWrite, Self::Error>;

    /// `TLOAD` (EIP-1153): transient storage, cleared at the end of the transaction.
    fn tload(&mut self, key: U256) -> Result<U256, Self::Error>;

    /// `TSTORE` (EIP-1153).
    fn tstore(&mut self, key: U256, value: U256) -> Result<(), Self::Error>;

    // --- Other accounts (including this one).

    /// `BALANCE` / `SELFBALANCE`: zero for an account that does not exist.
    fn balance(&mut self, address: Address) -> Result<U256, Self::Error>;

    /// `EXTCODESIZE`.
    fn code_size(&mut self, address: Address) -> Result<usize, Self::Error>;

    /// `EXTCODEHASH`: zero for an account that does not exist or is empty (EIP-161), the hash
    /// of the empty string for an existing account without code.
    fn code_hash(&mut self, address: Address) -> Result<B256, Self::Error>;

    /// `EXTCODECOPY`: the account's code, empty if it has none.
    fn code(&mut self, address: Address) -> Result<Bytes, Self::Error>;

    // --- Block and transaction.

    /// `NUMBER`.
    fn block_number(&self) -> u64;
    /// `TIMESTAMP`, in seconds.
    fn timestamp(&self) -> u64;
    /// `CHAINID`.
    fn chain_id(&self) -> u64;
    /// `BASEFEE`.
    fn base_fee(&self) -> U256;
    /// `BLOBBASEFEE`.
    fn blob_base_fee(&self) -> U256;
    /// `COINBASE`.
    fn coinbase(&self) -> Address;
    /// `GASLIMIT`.
    fn block_gas_limit(&self) -> u64;
    /// `PREVRANDAO` (and `DIFFICULTY` before the merge fork).
    fn prevrandao(&self) -> B256;
    /// `ORIGIN`.
    fn origin(&self) -> Address;
    /// `GASPRICE`.
    fn gas_price(&self) -> U256;
    /// `BLOCKHASH` for a block among the 256 before the current one (the interpreter checks
    /// the range and returns zero outside it without asking).
    fn block_hash(&mut self, number: u64) -> Result<B256, Self::Error>;

    // --- Effects.

    /// `LOG0`..`LOG4`, emitted by the executing contract. Logs of a frame that later reverts
    /// must be discarded by the embedder with the rest of that frame's effects.
    fn log(&mut self, log: Log) -> Result<(), Self::Error>;

    /// `SELFDESTRUCT`: move this contract's balance to `beneficiary` and schedule whatever
    /// deletion the platform's semantics say (the FVM actor follows FEVM: the contract is
    /// deleted at the end of the top-level message).
    fn selfdestruct(&mut self, beneficiary: Address) -> Result<(), Self::Error>;

    // --- Gas and other frames.

    /// Platform gas left to this execution; read by `GAS` and used to cap calls under
    /// [`crate::GasMode::Platform`].
    fn gas_available(&self) -> u64;

    /// Performs a call. The interpreter has already checked the static flag and the depth and
    /// handled Ethereum precompiles without value; the
    /// embedder transfers the value, runs the callee and reports how it ended.
    fn call(&mut self, request: CallRequest) -> Result<CallOutcome, Self::Error>;

    /// Performs a contract creation on behalf of the executing contract.
    fn create(&mut self, request: CreateRequest) -> Result<CreateOutcome, Self::Error>;

    // --- Tracing.

    /// Whether the interpreter calls [`Host::step`] before each instruction. A constant, so
    /// that an embedder which does not trace has the hook compiled away.
    const TRACES_STEPS: bool = false;

    /// Before each instruction, when [`Host::TRACES_STEPS`] is set: its program counter, its
    /// opcode and the stack it will run on, bottom first (what a struct logger records).
    fn step(&mut self, _pc: usize, _opcode: u8, _stack: &[U256]) {}
}
