//! The EVM actor: one Solidity contract on the FVM.
//!
//! Its interface is FEVM's (FIP-0054, builtin-actors `actors/evm`): the same methods, params,
//! state layout and exit codes, so it could take that actor's place in a network's bundle. The
//! EVM itself is `interpreter` under platform metering; its host ([`host`], implemented on the
//! running [`frame::Frame`]) connects it to this actor's state and to the FVM.
//!
//! One invocation runs one EVM frame: calls to other contracts (and back into this one) are
//! FVM sends, each a fresh invocation of the callee ([`calls`]).
//!
//! Modules import one way only, down to the state: `host` -> `calls` -> `filecoin_precompiles`
//! -> `frame` -> `state` -> `storage`, with `abi`, `address`, `crypto`, `peers` and `exit` leaves that
//! any of them may use. `methods` builds a [`frame::Frame`] and runs it; the interpreter finds
//! the `Host` impl through the trait, so nothing imports `host` but the crate root.

mod abi;
mod address;
mod calls;
mod crypto;
mod exit;
mod filecoin_precompiles;
mod frame;
mod host;
mod methods;
mod peers;
mod state;
mod step_trace;
mod storage;

pub use methods::dispatch;

#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn invoke(params: u32) -> u32 {
    actor_runtime::entry_point(params, methods::dispatch)
}
