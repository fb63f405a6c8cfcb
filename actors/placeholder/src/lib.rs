//! The placeholder actor. The FVM creates one when value is sent to an f410 address that no
//! actor has yet; it accepts every method and does nothing, keeping the funds until the address
//! is claimed (by an EthAccount's first message, or by the EAM deploying a contract there).

/// Every method succeeds with no return data.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn invoke(_params: u32) -> u32 {
    fvm_sdk::NO_DATA_BLOCK_ID
}
