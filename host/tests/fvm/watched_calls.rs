//! The calls actors send to a watched address (`ChainConfig::watch`), noted by the host's kernel
//! without tracing: the same calls the execution trace records, at the same gas as an unwatched
//! chain.

use crate::common::*;
use actor_types::evm::method::INVOKE_CONTRACT;
use alloy_primitives::Address;
use alloy_sol_types::{sol, SolCall};
use fvm::trace::ExecutionEvent;
use fvm_ipld_encoding::{ipld_block::IpldBlock, BytesDe, IPLD_RAW};
use host::{Chain, ChainConfig, EthAddress, Outcome, TokenAmount, WatchedCall};

sol! {
    function poke() external returns (uint256);
    function pokeThrough(address callee) external returns (uint256);
}

#[test]
fn calls_to_the_watched_address_are_noted_untraced_as_the_trace_has_them() {
    on_each_bundle(calls_to_the_watched_address_are_noted_on);
}

fn calls_to_the_watched_address_are_noted_on(actors: Actors) {
    // ALICE's first deployment, on every chain below.
    let callee = EthAddress::from(Address::from(ALICE).create(0));
    let watching = ChainConfig {
        actors,
        watch: Some(callee.to_filecoin()),
        ..ChainConfig::default()
    };
    let watched = poke_twice(chain_with(watching));
    let mut traced = chain_of(actors);
    traced.set_tracing(true);
    let traced = poke_twice(traced);

    for (watched, traced) in watched.iter().zip(&traced) {
        assert!(watched.is_success() && traced.is_success());
        // Watching charges nothing and changes nothing the actors see.
        assert_eq!(watched.gas_used, traced.gas_used, "{}", actors.name());
        assert_eq!(watched.return_data, traced.return_data);
        // (ref-fvm lists IPLD reads and writes traced or not; calls and charges only traced.)
        assert!(
            !watched.trace.iter().any(|event| matches!(
                event,
                ExecutionEvent::Call { .. } | ExecutionEvent::GasCharge(_)
            )),
            "the watched chain does not trace"
        );
        assert!(traced.watched_calls.is_empty(), "nothing watched there");
        assert_eq!(watched.watched_calls, calls_traced_to(traced, callee));
    }
    // The message to the callee itself is no actor's call; the call through the caller is.
    let [direct, through] = &watched[..] else {
        panic!("two outcomes")
    };
    assert!(direct.watched_calls.is_empty());
    let [WatchedCall { method, params }] = &through.watched_calls[..] else {
        panic!("one call through the caller: {:?}", through.watched_calls)
    };
    assert_eq!(*method, INVOKE_CONTRACT);
    assert_eq!(input_of(params.as_ref()), pokeCall {}.abi_encode());
}

/// The EVM input an `InvokeContract` call carries: raw, or a CBOR byte string.
fn input_of(params: Option<&IpldBlock>) -> Vec<u8> {
    let params = params.expect("InvokeContract has parameters");
    if params.codec == IPLD_RAW {
        return params.data.clone();
    }
    fvm_ipld_encoding::from_slice::<BytesDe>(&params.data)
        .expect("a CBOR byte string")
        .0
}

/// Deploys a Callee and a Caller, pokes the callee directly, then through the caller; the two
/// pokes' outcomes.
fn poke_twice(mut chain: Chain) -> Vec<Outcome> {
    let callee = deploy(&mut chain, ALICE, "Callee", &[]);
    let caller = deploy(&mut chain, ALICE, "Caller", &[]);
    let direct = pokeCall {}.abi_encode();
    let through = pokeThroughCall {
        callee: Address::from(callee),
    }
    .abi_encode();
    [direct, through]
        .iter()
        .map(|input| {
            let to = if input.len() == 4 { callee } else { caller };
            chain
                .call(ALICE, to, input, TokenAmount::default())
                .expect("call message")
        })
        .collect()
}

/// The calls an actor sent to `to` in the outcome's trace (its first call is the message).
fn calls_traced_to(outcome: &Outcome, to: EthAddress) -> Vec<WatchedCall> {
    let to = to.to_filecoin();
    let mut calls = outcome
        .trace
        .iter()
        .filter(|event| matches!(event, ExecutionEvent::Call { .. }));
    calls.next();
    calls
        .filter_map(|event| match event {
            ExecutionEvent::Call {
                to: callee,
                method,
                params,
                ..
            } if *callee == to => Some(WatchedCall {
                method: *method,
                params: params.clone(),
            }),
            _ => None,
        })
        .collect()
}
