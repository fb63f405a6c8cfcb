//! Solidity and Filecoin's own accounts on the production bundles: FIL from an f1 account to a
//! contract, from the contract to f1 and f3 accounts and to the burnt-funds actor f099 (how
//! payment contracts burn fees), and an account's `AuthenticateMessage` checking a signature
//! by its key.

use crate::common::*;
use actor_types::builtin::BURNT_FUNDS_ACTOR_ID;
use alloy_primitives::I256;
use fvm_ipld_encoding::{strict_bytes, tuple::*, RawBytes};
use fvm_shared::{address::Address, econ::TokenAmount, METHOD_SEND};
use host::Chain;
use k256::ecdsa::SigningKey;

const AUTHENTICATE_MESSAGE: u64 = 2643134072;

#[derive(Serialize_tuple)]
struct AuthenticateMessageParams {
    #[serde(with = "strict_bytes")]
    signature: Vec<u8>,
    #[serde(with = "strict_bytes")]
    message: Vec<u8>,
}

/// A secp256k1 key and its f1 address.
fn secp_key(seed: u8) -> (SigningKey, Address) {
    let key = SigningKey::from_slice(&[seed; 32]).unwrap();
    let public = key.verifying_key().to_encoded_point(false);
    (key, Address::new_secp256k1(public.as_bytes()).unwrap())
}

/// Filecoin's secp256k1 signature of `message`: over its BLAKE2b-256, with the recovery id.
fn sign(key: &SigningKey, message: &[u8]) -> Vec<u8> {
    let digest = blake2b_simd::Params::new().hash_length(32).hash(message);
    let (signature, recovery) = key.sign_prehash_recoverable(digest.as_bytes()).unwrap();
    let mut bytes = signature.to_vec();
    bytes.push(recovery.to_byte());
    bytes
}

fn balance(chain: &Chain, address: &Address) -> TokenAmount {
    chain
        .actor(address)
        .unwrap()
        .map(|a| a.balance)
        .unwrap_or_default()
}

#[test]
fn contracts_pay_and_are_paid_by_filecoin_accounts() {
    for actors in [Actors::Hybrid, Actors::Fevm] {
        let mut chain = chain_of(actors);
        let contract = deploy_with(&mut chain, ALICE, "FilecoinCalls", &[], fil(0))
            .contract
            .unwrap();
        let (key, f1) = secp_key(0x11);
        let f3 = Address::new_bls(&[0x82; 48]).unwrap();

        // An f1 account, funded, pays the contract with a plain send.
        let created = chain
            .message(
                &ALICE.to_f410(),
                f1,
                METHOD_SEND,
                RawBytes::default(),
                fil(50),
            )
            .unwrap();
        assert!(chain.apply(created).unwrap().is_success());
        let to_contract = chain
            .message(
                &f1,
                Address::new_id(contract.actor_id),
                METHOD_SEND,
                RawBytes::default(),
                fil(20),
            )
            .unwrap();
        let paid = chain.apply(to_contract).unwrap();
        assert!(paid.is_success(), "{}: {:?}", actors.name(), paid.failure);
        let contract_id = Address::new_id(contract.actor_id);
        assert_eq!(balance(&chain, &contract_id), fil(20));

        // The contract pays the f1 account back, creates and pays an f3 account, and burns.
        let f1_id = chain.actor_id(&f1).unwrap().unwrap();
        let f1_before = balance(&chain, &f1);
        let pay = |chain: &mut Chain, to: u64, value: u64| {
            call_actor(
                chain,
                contract.eth_address,
                to,
                METHOD_SEND,
                fil(value),
                0,
                vec![],
            )
        };
        let (_, exit, _) = pay(&mut chain, f1_id, 3);
        assert_eq!(exit, I256::ZERO);
        assert_eq!(balance(&chain, &f1), f1_before + fil(3));
        let burnt = Address::new_id(BURNT_FUNDS_ACTOR_ID);
        let burnt_before = balance(&chain, &burnt);
        let (outcome, exit, _) = pay(&mut chain, BURNT_FUNDS_ACTOR_ID, 5);
        assert_eq!(exit, I256::ZERO);
        // f099 also takes what the message itself burnt for gas.
        let gas_burnt = &outcome.fee - &outcome.miner_tip;
        assert_eq!(balance(&chain, &burnt), burnt_before + fil(5) + gas_burnt);
        let to_f3 = chain
            .message(
                &ALICE.to_f410(),
                f3,
                METHOD_SEND,
                RawBytes::default(),
                fil(1),
            )
            .unwrap();
        assert!(chain.apply(to_f3).unwrap().is_success());
        let f3_id = chain.actor_id(&f3).unwrap().unwrap();
        let (_, exit, _) = pay(&mut chain, f3_id, 2);
        assert_eq!(exit, I256::ZERO);
        assert_eq!(balance(&chain, &f3), fil(3));
        assert_eq!(balance(&chain, &contract_id), fil(10));

        // The f1 account vouches for a message signed by its key, and not for another's.
        let message = b"a deal proposal, say".to_vec();
        let vouch = |signature: Vec<u8>| AuthenticateMessageParams {
            signature,
            message: message.clone(),
        };
        let authenticate = |chain: &mut Chain, signer: &SigningKey| {
            let params = cbor(&vouch(sign(signer, &message)));
            let to = f1_id;
            let (_, exit, _) = call_actor(
                chain,
                contract.eth_address,
                to,
                AUTHENTICATE_MESSAGE,
                fil(0),
                READ_ONLY,
                params,
            );
            exit
        };
        assert_eq!(
            authenticate(&mut chain, &key),
            I256::ZERO,
            "{}",
            actors.name()
        );
        let (other, _) = secp_key(0x22);
        assert_ne!(
            authenticate(&mut chain, &other),
            I256::ZERO,
            "a stranger's signature is refused"
        );
    }
}
