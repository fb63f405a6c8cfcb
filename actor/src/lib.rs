//! The EVM actor: one Solidity contract on the FVM.
//!
//! Its interface is FEVM's (FIP-0054, builtin-actors `actors/evm`): the same methods, params,
//! state layout and exit codes, so it could take that actor's place in a network's bundle. The
//! EVM itself is `interpreter` under platform metering; [`host::FvmHost`] connects it to this
//! actor's state and to the FVM.
//!
//! One invocation runs one EVM frame: calls to other contracts (and back into this one) are
//! FVM sends, each a fresh invocation of the callee ([`calls`]).

mod address;
mod calls;
mod exit;
mod filecoin_precompiles;
mod host;
mod methods;
mod state;
mod storage;

pub use methods::dispatch;

#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn invoke(params: u32) -> u32 {
    actor_runtime::entry_point(params, methods::dispatch)
}
