//! The dev node's parts, as a library: the `fvm-devnet` binary serves them, and the fuzz
//! targets (`fuzz/`) drive the transaction decoder and the JSON-RPC handlers directly.

pub mod accounts;
mod block_cache;
pub mod db;
pub mod node;
pub mod records;
pub mod revert;
pub mod rpc;
pub mod trace;
pub mod tx;
