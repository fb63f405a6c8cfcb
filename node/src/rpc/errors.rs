//! Errors in the shapes Ethereum clients parse: geth's codes and messages.

use jsonrpsee::types::ErrorObjectOwned;

use crate::{backend::NodeError, tracers::TracerError};

/// Geth's code for a transaction or call the node refuses or that fails.
const SERVER_ERROR: i32 = -32000;
/// Geth's code for a revert; the revert data is the error's `data`.
const EXECUTION_REVERTED: i32 = 3;
const INTERNAL_ERROR: i32 = -32603;
pub const INVALID_PARAMS: i32 = -32602;

pub type RpcResult<T> = Result<T, ErrorObjectOwned>;

impl From<NodeError> for ErrorObjectOwned {
    fn from(error: NodeError) -> Self {
        let message = error.to_string();
        match error {
            NodeError::Reverted { data, .. } => {
                ErrorObjectOwned::owned(EXECUTION_REVERTED, message, Some(data))
            }
            NodeError::InvalidParams(_) => {
                ErrorObjectOwned::owned(INVALID_PARAMS, message, None::<()>)
            }
            NodeError::Internal(e) => {
                tracing::error!("internal error: {e:#}");
                ErrorObjectOwned::owned(INTERNAL_ERROR, format!("{e:#}"), None::<()>)
            }
            _ => ErrorObjectOwned::owned(SERVER_ERROR, message, None::<()>),
        }
    }
}

/// An internal failure (storage, execution host) as a JSON-RPC error.
pub fn internal(error: anyhow::Error) -> ErrorObjectOwned {
    NodeError::Internal(error).into()
}

/// Bad parameters (-32602).
pub fn invalid_params(message: impl Into<String>) -> ErrorObjectOwned {
    NodeError::InvalidParams(message.into()).into()
}

impl From<TracerError> for ErrorObjectOwned {
    fn from(error: TracerError) -> Self {
        match error {
            TracerError::State(e) => internal(e),
            other => invalid_params(other.to_string()),
        }
    }
}
