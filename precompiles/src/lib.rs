//! Precompiled contracts for the EVM runtime.
//!
//! * [`ethereum`]: the Ethereum precompiles at `0x01..=0x09`, `0x0b..=0x11` (BLS12-381) and
//!   `0x0100` (P256VERIFY) with Ethereum's exact input/output semantics and Ethereum gas prices
//!   (Istanbul/Berlin, Prague for BLS12-381, Osaka for P256VERIFY). Hashing and secp256k1
//!   recovery go through the [`Crypto`] trait so that an embedder can use cheaper platform
//!   primitives (the FVM actor uses syscalls); the curve and big-number math comes from
//!   `revm-precompile`.
//! * [`filecoin`]: the addresses of Filecoin's own precompiles (`0xfe00..`). Their behaviour
//!   needs the actor runtime (sends, address resolution), so the actor implements them; this
//!   crate only names them, so that every layer agrees on what is a precompile.
#![no_std]

extern crate alloc;

mod crypto;
pub mod ethereum;
pub mod filecoin;

pub use crypto::Crypto;
#[cfg(feature = "native-crypto")]
pub use crypto::NativeCrypto;
pub use ethereum::{EthereumPrecompile, PrecompileError, PrecompileOutput};
pub use filecoin::FilecoinPrecompile;
