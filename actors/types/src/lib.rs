//! The interface of our actors: what goes over the wire between them and what they store.
//!
//! Everything here keeps the encoding of Filecoin's builtin actors (FIP-0054/0055, builtin-actors
//! v16+), so that our bundle's actors are interchangeable with a network's: the same method
//! numbers, the same CBOR tuples, the same exit codes, the same singleton IDs.

pub mod account;
pub mod builtin;
pub mod eam;
pub mod eth_address;
pub mod evm;
pub mod init;
pub mod network;
pub mod singletons;
pub mod step_log;
pub mod storage;
pub mod system;
pub mod token;
mod u256;

pub use eth_address::EthAddress;
pub use u256::U256Bytes;
