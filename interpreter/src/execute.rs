//! Running one frame to its end.

use crate::{
    adapter::HostAdapter,
    config::{Config, GasMode},
    dispatch,
    host::Host,
    instructions,
    message::Message,
};
use alloy_primitives::Bytes;
use revm_interpreter::{
    bytecode::Bytecode,
    interpreter::{EthInterpreter, ExtBytecode},
    CallInput, InputsImpl, InstructionResult, Interpreter, SharedMemory,
};

/// How a frame ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// `STOP`, `RETURN`, `SELFDESTRUCT`, or running off the end of the code.
    Success,
    /// `REVERT`: state changes are undone, the output is the revert data.
    Revert,
    /// An exceptional halt: every state change is undone and no data is returned.
    Halt(Halt),
}

/// Why a frame halted exceptionally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Halt {
    /// Ethereum gas ran out (only under [`GasMode::Ethereum`]).
    OutOfGas,
    /// Memory would grow past [`Config::memory_limit`], or an offset does not fit in memory.
    MemoryLimit,
    /// An opcode found too few items on the stack.
    StackUnderflow,
    /// The stack would exceed 1024 items.
    StackOverflow,
    /// A jump to something other than a `JUMPDEST`.
    InvalidJump,
    /// An undefined opcode, or one not enabled in this fork.
    UndefinedOpcode,
    /// The designated `INVALID` opcode (0xfe).
    InvalidOpcode,
    /// A state change inside a static call.
    StaticStateChange,
    /// `CREATE`/`CREATE2` with initcode over [`Config::max_initcode_size`].
    InitcodeTooLarge,
    /// A `RETURNDATACOPY` past the end of the return data.
    ReturnDataOutOfBounds,
}

impl Halt {
    fn from_revm(result: InstructionResult) -> Self {
        use InstructionResult as R;
        match result {
            R::OutOfGas | R::PrecompileOOG | R::ReentrancySentryOOG => Halt::OutOfGas,
            R::MemoryOOG | R::MemoryLimitOOG | R::InvalidOperandOOG => Halt::MemoryLimit,
            R::StackUnderflow => Halt::StackUnderflow,
            R::StackOverflow => Halt::StackOverflow,
            R::InvalidJump => Halt::InvalidJump,
            R::CallNotAllowedInsideStatic | R::StateChangeDuringStaticCall => {
                Halt::StaticStateChange
            }
            R::CreateInitCodeSizeLimit => Halt::InitcodeTooLarge,
            R::OutOfOffset => Halt::ReturnDataOutOfBounds,
            R::InvalidFEOpcode => Halt::InvalidOpcode,
            _ => Halt::UndefinedOpcode,
        }
    }
}

/// The end of a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionResult {
    /// How it ended.
    pub status: ExitStatus,
    /// Return data (`RETURN`) or revert data (`REVERT`); empty otherwise.
    pub output: Bytes,
    /// Ethereum gas spent, before refunds; zero under platform metering.
    pub gas_used: u64,
    /// Ethereum gas refund accrued (EIP-3529 rules of the fork); zero under platform metering.
    pub gas_refunded: i64,
}

impl ExecutionResult {
    /// Whether the frame succeeded.
    pub fn is_success(&self) -> bool {
        self.status == ExitStatus::Success
    }
}

/// Runs `code` for `message` until it returns, reverts or halts.
///
/// An EVM-level failure is a result (`ExitStatus::Halt`), not an error: `Err` carries only the
/// embedder's own error, returned by a [`Host`] method, after which nothing else ran.
pub fn execute<H: Host>(
    host: &mut H,
    message: &Message,
    code: Bytes,
    config: &Config,
) -> Result<ExecutionResult, H::Error> {
    let gas_limit = match config.gas {
        GasMode::Ethereum(_) => message.gas_limit,
        GasMode::Platform => u64::MAX,
    };
    let inputs = InputsImpl {
        target_address: message.address,
        bytecode_address: None,
        caller_address: message.caller,
        input: CallInput::Bytes(message.input.clone()),
        call_value: message.value,
        depth: message.depth,
    };
    let mut interpreter = Interpreter::<EthInterpreter>::new(
        SharedMemory::new_with_memory_limit(config.memory_limit),
        ExtBytecode::new(Bytecode::new_legacy(code)),
        inputs,
        message.is_static,
        config.gas.spec(),
        gas_limit,
    );
    let mut adapter = HostAdapter::new(host, *config, message);
    let table = instructions::table(config.gas);
    let gas_table = instructions::gas_table(config.gas);
    let action = dispatch::run(&mut interpreter, &table, gas_table.as_ref(), &mut adapter);
    if let Some(error) = adapter.error.take() {
        return Err(error);
    }
    let result = action
        .into_result_return()
        .expect("calls and creates run synchronously, so a frame only ever returns");

    let status = if result.result.is_ok() {
        ExitStatus::Success
    } else if result.result.is_revert() {
        ExitStatus::Revert
    } else {
        ExitStatus::Halt(Halt::from_revm(result.result))
    };
    let metered = matches!(config.gas, GasMode::Ethereum(_));
    Ok(ExecutionResult {
        status,
        output: match status {
            ExitStatus::Halt(_) => Bytes::new(),
            _ => result.output,
        },
        gas_used: if metered {
            result.gas.total_gas_spent()
        } else {
            0
        },
        gas_refunded: if metered { result.gas.refunded() } else { 0 },
    })
}
