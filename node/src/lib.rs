//! The dev node's parts, as a library: the `fvm-devnet` binary serves them, and the fuzz
//! targets (`fuzz/`) drive the transaction decoder and the JSON-RPC handlers directly.

pub mod accounts;
pub mod backend;
mod block_cache;
pub mod console;
pub mod console_log;
pub mod cpus;
pub mod db;
pub mod filecoin_keys;
pub mod gas_trace;
pub mod native;
pub mod parity_trace;
pub mod records;
pub mod revert;
pub mod rpc;
mod store;
mod struct_log;
pub mod trace;
pub mod tracers;
pub mod tx;
