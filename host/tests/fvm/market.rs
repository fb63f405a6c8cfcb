//! Solidity reaching the storage market actor (builtin-actors v18's, on the production
//! bundles): escrow added, read and withdrawn through `call_actor_id`, to the atto.

use crate::common::*;
use alloy_primitives::Bytes;
use alloy_sol_types::{sol, SolCall};
use fvm_shared::{address::Address, econ::TokenAmount};
use host::Chain;

sol! {
    function addBalance(bytes account) external payable returns (int256 exitCode);
    function withdrawBalance(bytes account, bytes amount) external returns (int256 exitCode, bytes ret);
    function getBalance(bytes account) external returns (int256 exitCode, bytes ret);
}

/// The market's answer to `GetBalance`: escrow and locked.
fn escrow(
    chain: &mut Chain,
    contract: host::EthAddress,
    account: &[u8],
) -> (TokenAmount, TokenAmount) {
    let call = getBalanceCall {
        account: Bytes::copy_from_slice(account),
    };
    let out = call_ok(chain, ALICE, contract, &call.abi_encode());
    let answer = getBalanceCall::abi_decode_returns(&out).unwrap();
    assert_eq!(answer.exitCode, alloy_primitives::I256::ZERO);
    fvm_ipld_encoding::from_slice(&answer.ret).unwrap()
}

/// A token amount as a Filecoin big integer's bytes (what its CBOR byte string holds).
fn big_integer_bytes(amount: &TokenAmount) -> Vec<u8> {
    let cbor = fvm_ipld_encoding::to_vec(amount).unwrap();
    let bytes: fvm_ipld_encoding::BytesDe = fvm_ipld_encoding::from_slice(&cbor).unwrap();
    bytes.into_vec()
}

#[test]
fn escrow_is_added_read_and_withdrawn() {
    for actors in [Actors::Hybrid, Actors::Fevm] {
        let mut chain = chain_of(actors);
        let deployment = deploy_with(&mut chain, ALICE, "MarketEscrow", &[], fil(0));
        assert!(
            deployment.outcome.is_success(),
            "{:?}",
            deployment.outcome.failure
        );
        let contract = deployment.contract.unwrap();
        let me = Address::new_id(contract.actor_id).to_bytes();

        let add = addBalanceCall {
            account: Bytes::copy_from_slice(&me),
        };
        let outcome = chain
            .call(ALICE, contract.eth_address, &add.abi_encode(), fil(5))
            .unwrap();
        assert!(
            outcome.is_success(),
            "{}: {:?}",
            actors.name(),
            outcome.failure
        );
        let added = addBalanceCall::abi_decode_returns(&outcome.output()).unwrap();
        assert_eq!(added, alloy_primitives::I256::ZERO);
        assert_eq!(outcome.logs.len(), 1, "MarketCalled");
        assert_eq!(
            escrow(&mut chain, contract.eth_address, &me),
            (fil(5), fil(0))
        );

        let before = chain.balance(contract.eth_address).unwrap();
        let amount = TokenAmount::from_atto(2_000_000_000_000_000_123u128);
        let withdraw = withdrawBalanceCall {
            account: Bytes::copy_from_slice(&me),
            amount: Bytes::from(big_integer_bytes(&amount)),
        };
        let out = call_ok(
            &mut chain,
            ALICE,
            contract.eth_address,
            &withdraw.abi_encode(),
        );
        let withdrawn = withdrawBalanceCall::abi_decode_returns(&out).unwrap();
        assert_eq!(
            withdrawn.exitCode,
            alloy_primitives::I256::ZERO,
            "{}",
            actors.name()
        );
        // The market answers the amount it sent back, which the contract received.
        let sent: TokenAmount = fvm_ipld_encoding::from_slice(&withdrawn.ret).unwrap();
        assert_eq!(sent, amount);
        assert_eq!(
            chain.balance(contract.eth_address).unwrap(),
            before + &amount
        );
        assert_eq!(
            escrow(&mut chain, contract.eth_address, &me),
            (fil(5) - &amount, fil(0))
        );
    }
}
