//! A counter compiled by solc-js, deployed through an EthAccount's CreateExternal and called on
//! the real FVM.

use crate::common::*;
use alloy_sol_types::{sol, SolCall, SolValue};
use host::{ChainConfig, TokenAmount};

sol! {
    function inc() external returns (uint256);
    function count() external view returns (uint256);
}

#[test]
fn counter_deploys_increments_and_keeps_its_storage() {
    on_each_bundle(counter_deploys_increments_and_keeps_its_storage_on);
}

fn counter_deploys_increments_and_keeps_its_storage_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let counter = deploy(
        &mut chain,
        ALICE,
        "Counter",
        &alloy_primitives::U256::from(41).abi_encode(),
    );

    let outcome = chain
        .call(
            ALICE,
            counter,
            &incCall {}.abi_encode(),
            TokenAmount::default(),
        )
        .unwrap();
    assert!(
        outcome.is_success(),
        "inc: {} {:?}",
        outcome.exit_code,
        outcome.failure
    );
    assert_eq!(
        incCall::abi_decode_returns(&outcome.output()).unwrap(),
        alloy_primitives::U256::from(42)
    );
    println!(
        "FVM gas of Counter.inc() (slot 41 -> 42): {}",
        outcome.gas_used
    );

    // The event: topic 0 is the signature, topic 1 the indexed sender.
    assert_eq!(outcome.logs.len(), 1);
    let log = &outcome.logs[0];
    assert_eq!(log.address, counter);
    assert_eq!(
        log.topics[0],
        alloy_primitives::keccak256("Incremented(address,uint256)").0
    );
    assert_eq!(log.topics[1][12..], ALICE.0);
    assert_eq!(log.data, word(42));

    // A second message sees the first one's write.
    let outcome = chain
        .call(
            BOB,
            counter,
            &incCall {}.abi_encode(),
            TokenAmount::default(),
        )
        .unwrap();
    assert_eq!(
        incCall::abi_decode_returns(&outcome.output()).unwrap(),
        alloy_primitives::U256::from(43)
    );
    assert_eq!(chain.storage_at(counter, [0; 32]).unwrap(), word(43));
    let read = chain
        .call_read_only(BOB, counter, &countCall {}.abi_encode())
        .unwrap();
    assert_eq!(
        countCall::abi_decode_returns(&read.output()).unwrap(),
        alloy_primitives::U256::from(43)
    );
}

#[test]
fn storage_survives_reopening_the_committed_state() {
    let store = host::Store::memory();
    let mut chain = chain_on(store.clone());
    let counter = deploy(
        &mut chain,
        ALICE,
        "Counter",
        &alloy_primitives::U256::from(7).abi_encode(),
    );
    chain
        .call(
            ALICE,
            counter,
            &incCall {}.abi_encode(),
            TokenAmount::default(),
        )
        .unwrap();
    let root = chain.state_root();
    drop(chain);

    let mut reopened = host::Chain::open(store, root, ChainConfig::default()).unwrap();
    let outcome = reopened
        .call(
            ALICE,
            counter,
            &incCall {}.abi_encode(),
            TokenAmount::default(),
        )
        .unwrap();
    assert_eq!(
        incCall::abi_decode_returns(&outcome.output()).unwrap(),
        alloy_primitives::U256::from(9)
    );
}
