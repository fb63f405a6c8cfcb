//! Errors that end a method with an exit code.

use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::error::ExitCode;

/// An actor method's failure: the exit code, a message for humans, and optional return data
/// (revert data, a callee's error data).
#[derive(Debug)]
pub struct ActorError {
    pub exit_code: ExitCode,
    pub message: String,
    pub data: Option<IpldBlock>,
}

/// Result of an actor operation.
pub type ActorResult<T> = Result<T, ActorError>;

impl ActorError {
    /// An error with this exit code and message.
    pub fn new(exit_code: ExitCode, message: impl Into<String>) -> Self {
        Self {
            exit_code,
            message: message.into(),
            data: None,
        }
    }

    /// Attaches return data.
    pub fn with_data(mut self, data: Option<IpldBlock>) -> Self {
        self.data = data;
        self
    }

    pub fn illegal_argument(message: impl Into<String>) -> Self {
        Self::new(ExitCode::USR_ILLEGAL_ARGUMENT, message)
    }

    pub fn illegal_state(message: impl Into<String>) -> Self {
        Self::new(ExitCode::USR_ILLEGAL_STATE, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ExitCode::USR_FORBIDDEN, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ExitCode::USR_NOT_FOUND, message)
    }

    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new(ExitCode::USR_SERIALIZATION, message)
    }

    pub fn unhandled_message(method: u64) -> Self {
        Self::new(
            ExitCode::USR_UNHANDLED_MESSAGE,
            format!("unknown method {method}"),
        )
    }

    pub fn read_only(message: impl Into<String>) -> Self {
        Self::new(ExitCode::USR_READ_ONLY, message)
    }

    pub fn assertion_failed(message: impl Into<String>) -> Self {
        Self::new(ExitCode::USR_ASSERTION_FAILED, message)
    }

    /// Ends the invocation with this error. A system exit code (which an actor may not use) is
    /// reported as an assertion failure. Data the FVM will not take as a block (a revert of
    /// more than its block size limit) ends it as an assertion failure too: `vm::exit` would
    /// panic on it.
    pub fn exit(self) -> ! {
        let code = if self.exit_code.is_system_error() {
            ExitCode::USR_ASSERTION_FAILED
        } else {
            self.exit_code
        };
        let data = match &self.data {
            None => fvm_sdk::NO_DATA_BLOCK_ID,
            Some(data) => crate::put_exit_block(data, "exit", || {
                format!("{} (exit {code}), but ", self.message)
            }),
        };
        // SAFETY: the message pointer and length describe `self.message`, alive for the call,
        // and `data` is a block id the FVM just gave out (or the id of no block).
        unsafe {
            fvm_sdk::sys::vm::exit(
                code.value(),
                data,
                self.message.as_ptr(),
                self.message.len() as u32,
            )
        }
    }
}

impl std::fmt::Display for ActorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}: {}", self.exit_code, self.message)
    }
}
