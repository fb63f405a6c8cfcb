//! Figures of the chain every part agrees on: the actor reports them to contracts, the host
//! configures the FVM with them and the node reports them to clients.

/// The FVM's block gas limit; `GASLIMIT` reports it, as FEVM and Lotus do.
pub const BLOCK_GAS_LIMIT: u64 = 10_000_000_000;

/// The chain id of a new dev chain: Lotus's devnet's.
pub const DEVNET_CHAIN_ID: u64 = 31_415_926;
