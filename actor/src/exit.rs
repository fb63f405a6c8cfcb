//! How a frame's end becomes the actor's exit.

use actor_runtime::{ActorError, MethodResult};
use actor_types::evm::exit;
use fvm_ipld_encoding::{ipld_block::IpldBlock, BytesSer, CBOR};
use fvm_shared::error::ExitCode;
use interpreter::{ExecutionResult, ExitStatus, Halt};

/// The CBOR block of a byte string: how InvokeContract returns output and revert data.
pub fn bytes_block(bytes: &[u8]) -> Option<IpldBlock> {
    Some(IpldBlock::serialize(CBOR, &BytesSer(bytes)).expect("a byte string always encodes"))
}

/// Success returns the output; a revert exits 33 with the revert data; a halt exits with
/// FEVM's code for it.
pub fn to_method_result(result: ExecutionResult) -> MethodResult {
    match result.status {
        ExitStatus::Success => Ok(bytes_block(&result.output)),
        ExitStatus::Revert => Err(ActorError::new(exit::REVERTED, "contract reverted")
            .with_data(bytes_block(&result.output))),
        ExitStatus::Halt(halt) => Err(halt_error(halt)),
    }
}

fn halt_error(halt: Halt) -> ActorError {
    let code = match halt {
        Halt::StackUnderflow => exit::STACK_UNDERFLOW,
        Halt::StackOverflow => exit::STACK_OVERFLOW,
        Halt::InvalidJump => exit::BAD_JUMPDEST,
        Halt::InvalidOpcode => exit::INVALID_INSTRUCTION,
        Halt::UndefinedOpcode => exit::UNDEFINED_INSTRUCTION,
        Halt::MemoryLimit | Halt::ReturnDataOutOfBounds => exit::ILLEGAL_MEMORY_ACCESS,
        Halt::StaticStateChange => ExitCode::USR_READ_ONLY,
        Halt::InitcodeTooLarge => ExitCode::USR_ILLEGAL_ARGUMENT,
        // EVM gas is not metered on the FVM, so this cannot happen; FVM gas exhaustion is the
        // FVM's own exit.
        Halt::OutOfGas => ExitCode::USR_ASSERTION_FAILED,
    };
    ActorError::new(code, format!("EVM halted: {halt:?}"))
}
