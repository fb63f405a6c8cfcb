//! The FVM numbers builtin actor types by their position in the manifest, and builtin-actors'
//! order puts types this bundle does not ship (cron, power, miner, market...) before the EVM
//! ones. To keep every type number meaning the same as on a Filecoin network, the bundle fills
//! those positions with this actor, which refuses every method. (Each position gets its own
//! copy, tagged with a custom section, so code CIDs stay distinct.)

/// Every method fails with `USR_UNHANDLED_MESSAGE`.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn invoke(_params: u32) -> u32 {
    fvm_sdk::vm::abort(
        fvm_shared::error::ExitCode::USR_UNHANDLED_MESSAGE.value(),
        Some("this actor type is not part of the bundle"),
    )
}
