//! A genesis storage provider on the production bundles, and Solidity reading the power actor
//! and taking over the miner's owner and beneficiary, as a staking pool contract does.

use crate::common::*;
use actor_types::builtin::{BURNT_FUNDS_ACTOR_ID, POWER_ACTOR_ID};
use fvm_ipld_encoding::{tuple::*, RawBytes};
use fvm_shared::{
    address::Address, bigint::bigint_ser, econ::TokenAmount, message::Message,
    sector::RegisteredPoStProof,
};
use host::{
    network::{create_miner, GenesisMiner},
    Chain,
};

// Exported (FRC-42) methods, checked against builtin-actors v18.
const MINER_COUNT: u64 = 1987646258;
const NETWORK_RAW_POWER: u64 = 931722534;
const MINER_RAW_POWER: u64 = 3753401894;
const GET_OWNER: u64 = 3275365574;
const CHANGE_OWNER_ADDRESS: u64 = 1010589339;
const GET_BENEFICIARY: u64 = 4158972569;
const CHANGE_BENEFICIARY: u64 = 1570634796;

#[derive(Debug, Deserialize_tuple)]
struct MinerRawPower {
    #[serde(with = "bigint_ser")]
    raw_byte_power: fvm_shared::bigint::BigInt,
    meets_consensus_minimum: bool,
}

#[derive(Debug, Deserialize_tuple)]
struct Owner {
    owner: Address,
    proposed: Option<Address>,
}

#[derive(Debug, Deserialize_tuple)]
struct BeneficiaryTerm {
    quota: TokenAmount,
    used_quota: TokenAmount,
    expiration: i64,
}

#[derive(Debug, Deserialize_tuple)]
struct ActiveBeneficiary {
    beneficiary: Address,
    term: BeneficiaryTerm,
}

#[derive(Debug, Deserialize_tuple)]
struct Beneficiary {
    active: ActiveBeneficiary,
    proposed: Option<fvm_ipld_encoding::de::IgnoredAny>,
}

#[derive(Debug, Serialize_tuple, Deserialize_tuple)]
struct ChangeBeneficiaryParams {
    new_beneficiary: Address,
    new_quota: TokenAmount,
    new_expiration: i64,
}

fn genesis_miner() -> GenesisMiner {
    GenesisMiner {
        owner: Address::new_secp256k1(&[4; 65]).unwrap(),
        worker: Address::new_bls(&[0x81; 48]).unwrap(),
        owner_balance: fil(1_000),
        value: fil(100),
        window_post_proof_type: RegisteredPoStProof::StackedDRGWindow32GiBV1P1,
    }
}

#[test]
fn a_staking_pool_contract_takes_over_the_genesis_miner() {
    for actors in [Actors::Hybrid, Actors::Fevm] {
        let mut chain = chain_of(actors);
        let setup = genesis_miner();
        let miner = create_miner(&mut chain, &setup).unwrap();
        let miner_id = miner.id().unwrap();
        let deployment = deploy_with(&mut chain, ALICE, "FilecoinCalls", &[], fil(0));
        let pool = deployment.contract.unwrap();

        // The power actor counts it, with no power yet.
        let count: u64 = decode(&call_actor_ok(
            &mut chain,
            pool.eth_address,
            POWER_ACTOR_ID,
            MINER_COUNT,
            READ_ONLY,
            vec![],
        ));
        assert_eq!(count, 1, "{}", actors.name());
        let network: TokenAmount = decode(&call_actor_ok(
            &mut chain,
            pool.eth_address,
            POWER_ACTOR_ID,
            NETWORK_RAW_POWER,
            READ_ONLY,
            vec![],
        ));
        assert!(network.is_zero());
        let power: MinerRawPower = decode(&call_actor_ok(
            &mut chain,
            pool.eth_address,
            POWER_ACTOR_ID,
            MINER_RAW_POWER,
            READ_ONLY,
            cbor(&miner_id),
        ));
        assert_eq!(power.raw_byte_power, Default::default());
        assert!(!power.meets_consensus_minimum);

        // The owner proposes the pool contract; the contract accepts.
        let pool_id = Address::new_id(pool.actor_id);
        let message = Message {
            version: 0,
            from: setup.owner,
            to: miner,
            sequence: 0,
            value: TokenAmount::default(),
            method_num: CHANGE_OWNER_ADDRESS,
            params: RawBytes::new(cbor(&pool_id)),
            gas_limit: 10_000_000_000,
            gas_fee_cap: TokenAmount::default(),
            gas_premium: TokenAmount::default(),
        };
        assert!(chain.apply_implicit(message).unwrap().is_success());
        let owner_of = |chain: &mut Chain| -> Owner {
            let answer = call_actor_ok(
                chain,
                pool.eth_address,
                miner_id,
                GET_OWNER,
                READ_ONLY,
                vec![],
            );
            decode(&answer)
        };
        assert_eq!(owner_of(&mut chain).proposed, Some(pool_id));
        call_actor_ok(
            &mut chain,
            pool.eth_address,
            miner_id,
            CHANGE_OWNER_ADDRESS,
            0,
            cbor(&pool_id),
        );
        let owner = owner_of(&mut chain);
        assert_eq!((owner.owner, owner.proposed), (pool_id, None));

        // The beneficiary followed the owner; the pool names ALICE, with a quota, and she
        // accepts with the same terms.
        let beneficiary: Beneficiary = decode(&call_actor_ok(
            &mut chain,
            pool.eth_address,
            miner_id,
            GET_BENEFICIARY,
            READ_ONLY,
            vec![],
        ));
        assert_eq!(beneficiary.active.beneficiary, pool_id);
        let alice = chain.actor_id(&ALICE.to_f410()).unwrap().unwrap();
        let terms = ChangeBeneficiaryParams {
            new_beneficiary: Address::new_id(alice),
            new_quota: fil(10),
            new_expiration: 1_000_000,
        };
        call_actor_ok(
            &mut chain,
            pool.eth_address,
            miner_id,
            CHANGE_BENEFICIARY,
            0,
            cbor(&terms),
        );
        let accept = chain
            .message(
                &ALICE.to_f410(),
                miner,
                CHANGE_BENEFICIARY,
                RawBytes::new(cbor(&terms)),
                TokenAmount::default(),
            )
            .unwrap();
        let accepted = chain.apply(accept).unwrap();
        assert!(accepted.is_success(), "{:?}", accepted.failure);
        let beneficiary: Beneficiary = decode(&call_actor_ok(
            &mut chain,
            pool.eth_address,
            miner_id,
            GET_BENEFICIARY,
            READ_ONLY,
            vec![],
        ));
        assert_eq!(beneficiary.active.beneficiary, Address::new_id(alice));
        assert_eq!(beneficiary.active.term.quota, fil(10));
        assert!(beneficiary.active.term.used_quota.is_zero());
        assert_eq!(beneficiary.active.term.expiration, 1_000_000);
        assert!(beneficiary.proposed.is_none());

        // Its blocks' rewards go to it, none burnt.
        let balance =
            |chain: &Chain, id: u64| chain.actor(&Address::new_id(id)).unwrap().unwrap().balance;
        let (miner_before, burnt_before) = (
            balance(&chain, miner_id),
            balance(&chain, BURNT_FUNDS_ACTOR_ID),
        );
        chain.set_block(1, 30);
        chain.end_epoch(Some(miner)).unwrap();
        assert!(balance(&chain, miner_id) > miner_before);
        assert_eq!(balance(&chain, BURNT_FUNDS_ACTOR_ID), burnt_before);
    }
}
