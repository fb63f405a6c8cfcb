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
