//! The EVM actor and its bundle on the real FVM: Solidity compiled by solc-js, deployed through
//! an EthAccount's `CreateExternal`, called with `InvokeContract`. One test binary, so the
//! actors and contracts are compiled once.

mod accounts;
mod bad_input;
mod bundles;
mod calls;
mod common;
mod counter;
mod datacap;
mod environment;
mod filecoin;
mod market;
mod network;
mod osaka;
mod storage_provider;
mod token;
mod value;
mod watched_calls;
