//! Contracts a new dev chain has at genesis, where tools expect them on any dev chain.
//!
//! The deterministic CREATE2 deployer at `0x4e59b44847b379578588920ca78fbf26c0b4956c`: Foundry
//! deploys through it whatever a script creates with a salt (`new C{salt: s}()`), and anvil
//! has it at genesis. On Ethereum networks it is placed by a pre-signed transaction with a
//! fixed gas limit of 100,000, which cannot pay for a deploy on the FVM; so the node places it.
//! Its code must be the very bytes Ethereum networks hold at that address (the input is a
//! 32-byte salt and the initcode; it `CREATE2`s that with the call's value and returns the
//! new address's 20 bytes): forge reads the code there and refuses any other ("invalid CREATE2
//! deployer bytecode").
//!
//! Multicall3 at `0xcA11bde05977b3631167028862bE2a173976CA11`, which viem, ethers and wagmi
//! batch reads through on every network: our own implementation of its interface
//! (`node/contracts/Multicall3.sol`), compiled once and kept beside it as hex
//! (`node/tests/predeploys.rs` checks the two agree).

use alloy_primitives::{address, hex, Address};
use anyhow::{Context, Result};
use host::Chain;

pub const CREATE2_DEPLOYER: Address = address!("4e59b44847b379578588920ca78fbf26c0b4956c");

/// The runtime code at [`CREATE2_DEPLOYER`] on Ethereum networks (`eth_getCode` there).
const CREATE2_DEPLOYER_CODE: &[u8] = &hex!(
    "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0"
    "3601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3"
);

pub const MULTICALL3: Address = address!("cA11bde05977b3631167028862bE2a173976CA11");

/// The runtime code at [`MULTICALL3`], as hex.
const MULTICALL3_CODE: &str = include_str!("../../contracts/Multicall3.runtime.hex");

/// Places the predeploys on a new chain.
pub fn install(chain: &mut Chain) -> Result<()> {
    chain.set_code(CREATE2_DEPLOYER.into(), CREATE2_DEPLOYER_CODE)?;
    let multicall3 = hex::decode(MULTICALL3_CODE.trim()).context("Multicall3's code")?;
    chain.set_code(MULTICALL3.into(), &multicall3)
}
