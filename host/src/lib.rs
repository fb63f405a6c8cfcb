//! The host: runs our actor bundle on the real FVM (ref-fvm 4.8's `DefaultExecutor`).
//!
//! [`Chain`] holds a state root in a [`Store`] and applies messages to it: deploy and call
//! Solidity contracts from f410 EthAccounts as Ethereum transactions would, simulate read-only
//! calls, read balances, nonces and storage, and reopen a committed state later. The dev node
//! and the Solidity test runner are built on it.

mod block;
mod chain;
mod edit;
pub mod externs;
mod fvm_thread;
pub mod genesis;
mod kernel;
mod logs;
mod machine;
pub mod network;
mod store;

pub use block::{Block, RunningEpochEnd, StartedAfter, StartedBlock};
pub use bundle::production::{archive as production_bundle, VERSION as PRODUCTION_VERSION};
pub use chain::{
    set_concurrency, signed_length, Chain, ChainConfig, Deployment, EthAccount, Outcome,
};
pub use fvm_thread::{declare_fvm_stack, on_pooled_thread_start, FVM_STACK_BYTES};
pub use genesis::{Genesis, GenesisAccount};
pub use kernel::WatchedCall;
pub use logs::EvmLog;
pub use store::{MemoryStore, Store};

pub use fvm_shared::message::Message;

pub use actor_types::{eam::CreateReturn, EthAddress};
pub use bundle::{Actors, Network};
pub use fvm_shared::{econ::TokenAmount, error::ExitCode};
