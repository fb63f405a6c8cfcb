//! Contracts calling contracts: CREATE/CREATE2 at Ethereum's addresses, a linked library by
//! DELEGATECALL, reverts caught and bubbled with their data intact.

use crate::common::*;
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolValue};
use std::collections::BTreeMap;

sol! {
    function create(uint256 v) external returns (address);
    function create2(bytes32 salt, uint256 v) external returns (address);
    function childInitcodeHash(uint256 v) external pure returns (bytes32);
    function value() external view returns (uint256);
    function parent() external view returns (address);
    function add(uint256 amount) external returns (uint256);
    function data() external view returns (uint256 total, uint256 count);
    function poke() external returns (uint256);
    function pokes() external view returns (uint256);
    function pokeThrough(address callee) external returns (uint256);
    function catchReason(address callee, string reason) external returns (bool);
    function catchError(address callee, uint256 code) external returns (bool);
    function lastReason() external view returns (string);
    function lastError() external view returns (bytes);
    function bubble(address callee, string reason) external view;
    function hatch() external returns (address);
    function generation() external view returns (uint256);
    function die() external;
    function lastMethod() external view returns (uint64);
    error Oops(uint256 code, address who);
}

#[test]
fn factory_children_get_ethereum_addresses() {
    on_each_bundle(factory_children_get_ethereum_addresses_on);
}

fn factory_children_get_ethereum_addresses_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let factory = deploy(&mut chain, ALICE, "Factory", &[]);
    let factory_address = Address::from(factory);

    let child = Address::abi_decode(&call_ok(
        &mut chain,
        ALICE,
        factory,
        &createCall { v: U256::from(5) }.abi_encode(),
    ))
    .unwrap();
    // A contract's CREATE nonce starts at 1 (EIP-161).
    assert_eq!(child, factory_address.create(1));
    let second = Address::abi_decode(&call_ok(
        &mut chain,
        ALICE,
        factory,
        &createCall { v: U256::from(6) }.abi_encode(),
    ))
    .unwrap();
    assert_eq!(second, factory_address.create(2));

    let salt = B256::repeat_byte(0x5a);
    let created2 = Address::abi_decode(&call_ok(
        &mut chain,
        ALICE,
        factory,
        &create2Call {
            salt,
            v: U256::from(9),
        }
        .abi_encode(),
    ))
    .unwrap();
    let initcode_hash = B256::abi_decode(&call_ok(
        &mut chain,
        ALICE,
        factory,
        &childInitcodeHashCall { v: U256::from(9) }.abi_encode(),
    ))
    .unwrap();
    assert_eq!(created2, factory_address.create2(salt, initcode_hash));

    // The children run: constructor arguments stored, CALLER in the constructor is the factory.
    for (address, expected) in [(child, 5u64), (created2, 9)] {
        let child = host::EthAddress::from(address);
        let read = call_ok(&mut chain, BOB, child, &valueCall {}.abi_encode());
        assert_eq!(U256::abi_decode(&read).unwrap(), U256::from(expected));
        let read = call_ok(&mut chain, BOB, child, &parentCall {}.abi_encode());
        assert_eq!(Address::abi_decode(&read).unwrap(), factory_address);
    }

    // CREATE2 with the same salt again collides: the factory's call reverts.
    let again = chain
        .call(
            ALICE,
            factory,
            &create2Call {
                salt,
                v: U256::from(9),
            }
            .abi_encode(),
            Default::default(),
        )
        .unwrap();
    assert!(!again.is_success());
}

#[test]
fn linked_library_runs_on_the_callers_storage_by_delegatecall() {
    on_each_bundle(linked_library_runs_on_the_callers_storage_by_delegatecall_on);
}

fn linked_library_runs_on_the_callers_storage_by_delegatecall_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let tally = deploy(&mut chain, ALICE, "Tally", &[]);
    let user = contract("UsesTally");
    assert!(user.needs_linking());
    let code = user
        .link(&BTreeMap::from([("Tally".to_string(), tally.0)]))
        .unwrap();
    let user = deploy_code(&mut chain, ALICE, &code, &[]);

    assert_eq!(
        U256::abi_decode(&call_ok(
            &mut chain,
            ALICE,
            user,
            &addCall {
                amount: U256::from(10)
            }
            .abi_encode()
        ))
        .unwrap(),
        U256::from(10)
    );
    assert_eq!(
        U256::abi_decode(&call_ok(
            &mut chain,
            BOB,
            user,
            &addCall {
                amount: U256::from(5)
            }
            .abi_encode()
        ))
        .unwrap(),
        U256::from(15)
    );
    let read = call_ok(&mut chain, BOB, user, &dataCall {}.abi_encode());
    let data = dataCall::abi_decode_returns(&read).unwrap();
    assert_eq!((data.total, data.count), (U256::from(15), U256::from(2)));
    // The state is the user's: the library's own storage is untouched.
    assert_eq!(chain.storage_at(user, [0; 32]).unwrap(), word(15));
    assert_eq!(chain.storage_at(tally, [0; 32]).unwrap(), [0; 32]);
}

#[test]
fn reverts_are_caught_and_bubbled_with_their_data() {
    on_each_bundle(reverts_are_caught_and_bubbled_with_their_data_on);
}

fn reverts_are_caught_and_bubbled_with_their_data_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let callee = deploy(&mut chain, ALICE, "Callee", &[]);
    let caller = deploy(&mut chain, ALICE, "Caller", &[]);
    let callee_address = Address::from(callee);

    let poked = call_ok(
        &mut chain,
        ALICE,
        caller,
        &pokeThroughCall {
            callee: callee_address,
        }
        .abi_encode(),
    );
    assert_eq!(U256::abi_decode(&poked).unwrap(), U256::from(1));

    let caught = call_ok(
        &mut chain,
        ALICE,
        caller,
        &catchReasonCall {
            callee: callee_address,
            reason: "nope".into(),
        }
        .abi_encode(),
    );
    assert!(bool::abi_decode(&caught).unwrap());
    let reason = call_ok(&mut chain, ALICE, caller, &lastReasonCall {}.abi_encode());
    assert_eq!(String::abi_decode(&reason).unwrap(), "nope");

    let caught = call_ok(
        &mut chain,
        ALICE,
        caller,
        &catchErrorCall {
            callee: callee_address,
            code: U256::from(77),
        }
        .abi_encode(),
    );
    assert!(bool::abi_decode(&caught).unwrap());
    let data = alloy_primitives::Bytes::abi_decode(&call_ok(
        &mut chain,
        ALICE,
        caller,
        &lastErrorCall {}.abi_encode(),
    ))
    .unwrap();
    let error = Oops::abi_decode(&data).unwrap();
    assert_eq!(error.code, U256::from(77));
    assert_eq!(
        error.who,
        Address::from(caller),
        "msg.sender of the callee is the calling contract"
    );

    let bubbled = chain
        .call(
            ALICE,
            caller,
            &bubbleCall {
                callee: callee_address,
                reason: "deep".into(),
            }
            .abi_encode(),
            Default::default(),
        )
        .unwrap();
    assert_eq!(bubbled.exit_code.value(), 33);
    assert_eq!(
        alloy_sol_types::Revert::abi_decode(&bubbled.output())
            .unwrap()
            .reason,
        "deep"
    );
}

#[test]
fn a_dead_contract_is_resurrected_at_its_create2_address() {
    on_each_bundle(a_dead_contract_is_resurrected_at_its_create2_address_on);
}

fn a_dead_contract_is_resurrected_at_its_create2_address_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let nest = deploy(&mut chain, ALICE, "Nest", &[]);
    let first = Address::abi_decode(&call_ok(
        &mut chain,
        ALICE,
        nest,
        &hatchCall {}.abi_encode(),
    ))
    .unwrap();
    let phoenix = host::EthAddress::from(first);
    let generation = call_ok(&mut chain, ALICE, phoenix, &generationCall {}.abi_encode());
    assert_eq!(U256::abi_decode(&generation).unwrap(), U256::from(1));
    call_ok(&mut chain, ALICE, phoenix, &dieCall {}.abi_encode());
    assert!(
        call_ok(&mut chain, ALICE, phoenix, &generationCall {}.abi_encode()).is_empty(),
        "dead after the message"
    );

    let second = Address::abi_decode(&call_ok(
        &mut chain,
        ALICE,
        nest,
        &hatchCall {}.abi_encode(),
    ))
    .unwrap();
    assert_eq!(second, first, "same CREATE2 address");
    let generation = call_ok(&mut chain, ALICE, phoenix, &generationCall {}.abi_encode());
    assert_eq!(U256::abi_decode(&generation).unwrap(), U256::from(2));
}

#[test]
fn filecoin_methods_reach_handle_filecoin_method() {
    use fvm_ipld_encoding::RawBytes;
    let mut chain = chain();
    let contract = deploy(&mut chain, ALICE, "FilecoinMethods", &[]);
    let params = RawBytes::serialize("hello").unwrap();
    let message = chain
        .message(
            &ALICE.to_f410(),
            contract.to_filecoin(),
            3000,
            params.clone(),
            Default::default(),
        )
        .unwrap();
    let outcome = chain.apply(message).unwrap();
    assert!(
        outcome.is_success(),
        "{} {:?}",
        outcome.exit_code,
        outcome.failure
    );
    assert_eq!(
        outcome.return_data, params,
        "params echoed back as the return block"
    );
    let last = call_ok(&mut chain, ALICE, contract, &lastMethodCall {}.abi_encode());
    assert_eq!(U256::abi_decode(&last).unwrap(), U256::from(3000));

    // The contract's exit code becomes the message's.
    let message = chain
        .message(
            &ALICE.to_f410(),
            contract.to_filecoin(),
            4444,
            RawBytes::default(),
            Default::default(),
        )
        .unwrap();
    assert_eq!(chain.apply(message).unwrap().exit_code.value(), 17);
}
