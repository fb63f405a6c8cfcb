//! Filecoin's precompiles, called from Solidity.

use crate::common::*;
use alloy_primitives::{Bytes, I256, U256};
use alloy_sol_types::{sol, SolCall};
use host::TokenAmount;

sol! {
    function resolve(bytes filecoinAddress) external view returns (bool ok, bytes out);
    function lookup(uint64 id) external view returns (bool ok, bytes out);
    function pay(uint64 id, uint256 value) external returns (int256 exitCode, uint64 codec, bytes data);
    function payByCall(uint64 id, uint256 value) external returns (bool ok);
    function callActorIdRaw(bytes input) external returns (bool ok, bytes out);
}

#[test]
fn resolve_lookup_and_call_actor_id() {
    on_each_bundle(resolve_lookup_and_call_actor_id_on);
}

fn resolve_lookup_and_call_actor_id_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let deployment = deploy_with(
        &mut chain,
        ALICE,
        "UsesFilecoinPrecompiles",
        &[],
        TokenAmount::from_atto(1000),
    );
    assert!(
        deployment.outcome.is_success(),
        "{:?}",
        deployment.outcome.failure
    );
    let contract = deployment.contract.unwrap();
    let me = contract.eth_address;
    let my_id = contract.actor_id;

    // resolve_address: f410 address bytes -> actor ID.
    let out = call_ok(
        &mut chain,
        ALICE,
        me,
        &resolveCall {
            filecoinAddress: Bytes::from(me.to_f410().to_bytes()),
        }
        .abi_encode(),
    );
    let resolved = resolveCall::abi_decode_returns(&out).unwrap();
    assert!(resolved.ok);
    assert_eq!(U256::from_be_slice(&resolved.out), U256::from(my_id));
    // An address nobody has resolves to nothing; bytes that are no address fail the call.
    let nobody = host::EthAddress([0x66; 20]).to_f410().to_bytes();
    let out = call_ok(
        &mut chain,
        ALICE,
        me,
        &resolveCall {
            filecoinAddress: Bytes::from(nobody),
        }
        .abi_encode(),
    );
    let resolved = resolveCall::abi_decode_returns(&out).unwrap();
    assert!(resolved.ok && resolved.out.is_empty());
    let out = call_ok(
        &mut chain,
        ALICE,
        me,
        &resolveCall {
            filecoinAddress: Bytes::from(vec![0x09, 0x09]),
        }
        .abi_encode(),
    );
    assert!(!resolveCall::abi_decode_returns(&out).unwrap().ok);

    // lookup_delegated_address: actor ID -> f410 address bytes.
    let out = call_ok(
        &mut chain,
        ALICE,
        me,
        &lookupCall { id: my_id }.abi_encode(),
    );
    let looked_up = lookupCall::abi_decode_returns(&out).unwrap();
    assert!(looked_up.ok);
    assert_eq!(looked_up.out.to_vec(), me.to_f410().to_bytes());

    // call_actor_id: pay BOB 100 attoFIL from the contract's balance.
    let bob_id = chain.actor_id(&BOB.to_f410()).unwrap().unwrap();
    let before = chain.balance(BOB).unwrap();
    let out = call_ok(
        &mut chain,
        ALICE,
        me,
        &payCall {
            id: bob_id,
            value: U256::from(100),
        }
        .abi_encode(),
    );
    let paid = payCall::abi_decode_returns(&out).unwrap();
    assert_eq!(paid.exitCode, I256::ZERO);
    assert_eq!(
        chain.balance(BOB).unwrap(),
        before + TokenAmount::from_atto(100)
    );
    assert_eq!(chain.balance(me).unwrap(), TokenAmount::from_atto(900));

    // Not through DELEGATECALL: refused.
    let out = call_ok(
        &mut chain,
        ALICE,
        me,
        &payByCallCall {
            id: bob_id,
            value: U256::from(100),
        }
        .abi_encode(),
    );
    assert!(!payByCallCall::abi_decode_returns(&out).unwrap());
    assert_eq!(chain.balance(me).unwrap(), TokenAmount::from_atto(900));
}

/// call_actor_id's input claiming more params than it has: zero-padded up to a block's worth,
/// beyond that the send fails on the block limit (or, with a value no token amount holds, on
/// the value first), and beyond what wasm32 can hold the caller ends. The production actor
/// answers the same on every bundle.
#[test]
fn call_actor_params_longer_than_the_input() {
    on_each_bundle(call_actor_params_longer_than_the_input_on);
}

fn call_actor_params_longer_than_the_input_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let contract = deploy_with(
        &mut chain,
        ALICE,
        "UsesFilecoinPrecompiles",
        &[],
        TokenAmount::from_atto(1000),
    )
    .contract
    .unwrap();
    let bob_id = chain.actor_id(&BOB.to_f410()).unwrap().unwrap();
    // method 0, value, flags 0, codec CBOR, params at 192, BOB's ID; then the params' length.
    let input = |value: U256, params_len: u64| -> Vec<u8> {
        [
            U256::ZERO,
            value,
            U256::ZERO,
            U256::from(0x51),
            U256::from(192),
            U256::from(bob_id),
            U256::from(params_len),
        ]
        .iter()
        .flat_map(|w| w.to_be_bytes::<32>())
        .collect()
    };
    let call = |chain: &mut host::Chain, input: Vec<u8>| {
        let calldata = callActorIdRawCall {
            input: Bytes::from(input),
        }
        .abi_encode();
        chain
            .call(
                ALICE,
                contract.eth_address,
                &calldata,
                TokenAmount::default(),
            )
            .unwrap()
    };
    let exit_code_of = |outcome: host::Outcome| {
        assert!(outcome.is_success(), "{actors:?}: {:?}", outcome.failure);
        let raw = callActorIdRawCall::abi_decode_returns(&outcome.output()).unwrap();
        assert!(raw.ok, "{actors:?}");
        I256::from_raw(U256::from_be_slice(&raw.out[..32]))
    };
    // 100 zero bytes are not CBOR params the FVM takes apart, but they are sent: BOB's account
    // refuses them, or takes them as a plain send.
    let padded = exit_code_of(call(&mut chain, input(U256::ZERO, 100)));
    assert!(padded >= I256::ZERO, "{actors:?}: {padded}");
    // 2 MiB: LimitExceeded (3), or InsufficientFunds (5) for a value beyond u128.
    let over_a_block = exit_code_of(call(&mut chain, input(U256::ZERO, 2 << 20)));
    assert_eq!(over_a_block, I256::try_from(-3).unwrap(), "{actors:?}");
    let huge_value = exit_code_of(call(&mut chain, input(U256::from(1) << 200, 2 << 20)));
    assert_eq!(huge_value, I256::try_from(-5).unwrap(), "{actors:?}");
    // 2^32 - 1 bytes: beyond a wasm32 Vec, the contract ends.
    let outcome = call(&mut chain, input(U256::ZERO, u64::from(u32::MAX)));
    assert_eq!(
        outcome.exit_code,
        host::ExitCode::USR_ASSERTION_FAILED,
        "{actors:?}: {:?}",
        outcome.failure
    );
}
