//! Why a read, call or transaction failed, in terms the JSON-RPC layer maps to the codes and
//! messages clients expect (`rpc/errors.rs`).

use alloy_primitives::Bytes;

use crate::tx::TxError;

#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// A transaction refused before it runs.
    #[error(transparent)]
    Tx(#[from] TxError),
    /// A Filecoin-native message refused before it runs.
    #[error(transparent)]
    Native(#[from] crate::native::NativeError),
    #[error("execution reverted{}", reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default())]
    Reverted { reason: Option<String>, data: Bytes },
    #[error("execution failed: exit code {exit_code}{}", detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Failed {
        exit_code: u32,
        detail: Option<String>,
    },
    /// A request the node cannot carry out as asked.
    #[error("{0}")]
    Invalid(String),
    /// A parameter out of range (JSON-RPC's invalid params).
    #[error("{0}")]
    InvalidParams(String),
    #[error("header not found")]
    UnknownBlock,
    /// geth's answer for a trace of a transaction it does not know.
    #[error("transaction not found")]
    UnknownTransaction,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}
