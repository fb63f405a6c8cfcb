//! Value: payable functions, receive(), transfers to contracts and to fresh addresses,
//! SELFDESTRUCT as FEVM defines it.

use crate::common::*;
use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolCall, SolValue};
use host::{EthAddress, TokenAmount};

sol! {
    function deposit() external payable;
    function received() external view returns (uint256);
    function forward(address to, uint256 amount) external;
    function balance() external view returns (uint256);
    function notPayable() external;
    function destroy(address beneficiary) external;
    function value() external view returns (uint256);
}

fn atto(n: u64) -> TokenAmount {
    TokenAmount::from_atto(n)
}

#[test]
fn payable_receive_and_transfers() {
    on_each_bundle(payable_receive_and_transfers_on);
}

fn payable_receive_and_transfers_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let vault = deploy(&mut chain, ALICE, "Vault", &[]);

    // A payable function.
    let outcome = chain
        .call(ALICE, vault, &depositCall {}.abi_encode(), atto(1000))
        .unwrap();
    assert!(outcome.is_success(), "{:?}", outcome.failure);
    assert_eq!(outcome.logs.len(), 1);
    // receive(): a call with value and no data.
    let outcome = chain.call(BOB, vault, &[], atto(500)).unwrap();
    assert!(outcome.is_success(), "{:?}", outcome.failure);
    assert_eq!(chain.balance(vault).unwrap(), atto(1500));
    let read = chain
        .call_read_only(ALICE, vault, &receivedCall {}.abi_encode())
        .unwrap();
    assert_eq!(U256::abi_decode(&read.output()).unwrap(), U256::from(1500));
    let read = chain
        .call_read_only(ALICE, vault, &balanceCall {}.abi_encode())
        .unwrap();
    assert_eq!(U256::abi_decode(&read.output()).unwrap(), U256::from(1500));

    // A non-payable function refuses value, and the value stays with the sender.
    let before = chain.balance(vault).unwrap();
    let outcome = chain
        .call(ALICE, vault, &notPayableCall {}.abi_encode(), atto(1))
        .unwrap();
    assert_eq!(outcome.exit_code.value(), 33);
    assert_eq!(chain.balance(vault).unwrap(), before);

    // Forwarding to an address nothing lives at: the FVM creates a placeholder holding it.
    let fresh = EthAddress([0x77; 20]);
    assert!(chain.actor(&fresh.to_f410()).unwrap().is_none());
    call_ok(
        &mut chain,
        ALICE,
        vault,
        &forwardCall {
            to: Address::from(fresh),
            amount: U256::from(300),
        }
        .abi_encode(),
    );
    assert_eq!(chain.balance(fresh).unwrap(), atto(300));
    assert_eq!(chain.balance(vault).unwrap(), atto(1200));

    // Forwarding to an existing EthAccount (an EOA) just pays it.
    let bob_before = chain.balance(BOB).unwrap();
    call_ok(
        &mut chain,
        ALICE,
        vault,
        &forwardCall {
            to: Address::from(BOB),
            amount: U256::from(100),
        }
        .abi_encode(),
    );
    assert_eq!(chain.balance(BOB).unwrap(), bob_before + atto(100));
    assert_eq!(chain.balance(vault).unwrap(), atto(1100));

    // Forwarding to a contract runs its receive().
    let other = deploy(&mut chain, BOB, "Vault", &[]);
    call_ok(
        &mut chain,
        ALICE,
        vault,
        &forwardCall {
            to: Address::from(other),
            amount: U256::from(200),
        }
        .abi_encode(),
    );
    let read = chain
        .call_read_only(ALICE, other, &receivedCall {}.abi_encode())
        .unwrap();
    assert_eq!(U256::abi_decode(&read.output()).unwrap(), U256::from(200));

    // More than the vault holds: the inner call fails, `require` reverts, nothing moves.
    let outcome = chain
        .call(
            ALICE,
            vault,
            &forwardCall {
                to: Address::from(fresh),
                amount: U256::from(1_000_000),
            }
            .abi_encode(),
            atto(0),
        )
        .unwrap();
    assert_eq!(outcome.exit_code.value(), 33);
    assert_eq!(chain.balance(vault).unwrap(), atto(900));
}

#[test]
fn selfdestruct_pays_out_and_the_contract_is_gone_after_the_message() {
    on_each_bundle(selfdestruct_pays_out_and_the_contract_is_gone_after_the_message_on);
}

fn selfdestruct_pays_out_and_the_contract_is_gone_after_the_message_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let deployment = deploy_with(&mut chain, ALICE, "Mortal", &[], atto(5000));
    assert!(
        deployment.outcome.is_success(),
        "{:?}",
        deployment.outcome.failure
    );
    let mortal = deployment.contract.unwrap().eth_address;
    assert_eq!(chain.balance(mortal).unwrap(), atto(5000));

    let heir = EthAddress([0x42; 20]);
    call_ok(
        &mut chain,
        ALICE,
        mortal,
        &destroyCall {
            beneficiary: Address::from(heir),
        }
        .abi_encode(),
    );
    assert_eq!(chain.balance(heir).unwrap(), atto(5000));
    assert_eq!(chain.balance(mortal).unwrap(), atto(0));

    // In later messages the contract is dead: no code, storage reads as zero, calls do nothing.
    let read = chain
        .call_read_only(ALICE, mortal, &valueCall {}.abi_encode())
        .unwrap();
    assert!(read.is_success());
    assert!(read.output().is_empty());
    assert_eq!(chain.storage_at(mortal, [0; 32]).unwrap(), [0; 32]);
}
