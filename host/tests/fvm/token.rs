//! An ERC-20: transfers, approvals, events topic by topic, custom errors.

use crate::common::*;
use alloy_primitives::{keccak256, Address, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolValue};
use host::TokenAmount;

sol! {
    function transfer(address to, uint256 value) external returns (bool);
    function approve(address spender, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
    function balanceOf(address who) external view returns (uint256);
    function allowance(address owner, address spender) external view returns (uint256);
    error InsufficientBalance(uint256 available, uint256 required);
}

fn balance(chain: &host::Chain, token: host::EthAddress, who: host::EthAddress) -> U256 {
    let read = chain
        .call_read_only(
            ALICE,
            token,
            &balanceOfCall {
                who: Address::from(who),
            }
            .abi_encode(),
        )
        .unwrap();
    balanceOfCall::abi_decode_returns(&read.output()).unwrap()
}

#[test]
fn erc20_transfer_approve_transfer_from_and_events() {
    on_each_bundle(erc20_transfer_approve_transfer_from_and_events_on);
}

fn erc20_transfer_approve_transfer_from_and_events_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let token = deploy(
        &mut chain,
        ALICE,
        "Token",
        &U256::from(1_000_000).abi_encode(),
    );
    let carol = host::EthAddress([0xca; 20]);

    let outcome = chain
        .call(
            ALICE,
            token,
            &transferCall {
                to: Address::from(BOB),
                value: U256::from(250),
            }
            .abi_encode(),
            TokenAmount::default(),
        )
        .unwrap();
    assert!(outcome.is_success(), "{:?}", outcome.failure);
    println!(
        "FVM gas of Token.transfer to a new holder (token has 1 holder): {}",
        outcome.gas_used
    );
    assert!(transferCall::abi_decode_returns(&outcome.output()).unwrap());
    let [log] = outcome.logs.as_slice() else {
        panic!("one Transfer event, got {:?}", outcome.logs)
    };
    assert_eq!(log.address, token);
    assert_eq!(
        log.topics,
        vec![
            keccak256("Transfer(address,address,uint256)").0,
            address_word(ALICE),
            address_word(BOB)
        ]
    );
    assert_eq!(log.data, word(250));

    let outcome = chain
        .call(
            BOB,
            token,
            &approveCall {
                spender: Address::from(carol),
                value: U256::from(100),
            }
            .abi_encode(),
            TokenAmount::default(),
        )
        .unwrap();
    assert!(outcome.is_success());
    assert_eq!(
        outcome.logs[0].topics,
        vec![
            keccak256("Approval(address,address,uint256)").0,
            address_word(BOB),
            address_word(carol)
        ]
    );
    assert_eq!(outcome.logs[0].data, word(100));

    // Carol has no account yet; give her one (a value transfer creates it), then spend.
    let fund = chain
        .message(
            &ALICE.to_f410(),
            carol.to_f410(),
            0,
            Default::default(),
            fil(1),
        )
        .unwrap();
    assert!(chain.apply(fund).unwrap().is_success());
    let spend = transferFromCall {
        from: Address::from(BOB),
        to: Address::from(carol),
        value: U256::from(60),
    }
    .abi_encode();
    let outcome = chain
        .call(carol, token, &spend, TokenAmount::default())
        .unwrap();
    assert!(outcome.is_success(), "{:?}", outcome.failure);
    assert_eq!(
        outcome.logs[0].topics[1..],
        [address_word(BOB), address_word(carol)]
    );

    assert_eq!(balance(&chain, token, ALICE), U256::from(999_750));
    assert_eq!(balance(&chain, token, BOB), U256::from(190));
    assert_eq!(balance(&chain, token, carol), U256::from(60));
    let read = chain
        .call_read_only(
            BOB,
            token,
            &allowanceCall {
                owner: Address::from(BOB),
                spender: Address::from(carol),
            }
            .abi_encode(),
        )
        .unwrap();
    assert_eq!(
        allowanceCall::abi_decode_returns(&read.output()).unwrap(),
        U256::from(40)
    );

    // Spending past the allowance reverts with the reason string, and changes nothing.
    let outcome = chain
        .call(carol, token, &spend, TokenAmount::default())
        .unwrap();
    assert_eq!(outcome.exit_code.value(), 33, "EVM_CONTRACT_REVERTED");
    assert_eq!(
        alloy_sol_types::Revert::abi_decode(&outcome.output())
            .unwrap()
            .reason,
        "allowance too low"
    );
    assert_eq!(balance(&chain, token, carol), U256::from(60));

    // A custom error keeps its selector and arguments.
    let too_much = transferCall {
        to: Address::from(ALICE),
        value: U256::from(1000),
    }
    .abi_encode();
    let outcome = chain
        .call(BOB, token, &too_much, TokenAmount::default())
        .unwrap();
    assert_eq!(outcome.exit_code.value(), 33);
    let error = InsufficientBalance::abi_decode(&outcome.output()).unwrap();
    assert_eq!(
        (error.available, error.required),
        (U256::from(190), U256::from(1000))
    );
}
