//! The verified registry and DataCap on the production bundles: the root key adds a verifier,
//! the verifier makes a Solidity contract a verified client, and the contract uses its DataCap
//! as the FRC-46 token it is (reads, allowances, and a transfer to the registry that allocates
//! space with the genesis storage provider).

use crate::common::*;
use actor_types::builtin::{DATACAP_ACTOR_ID, SYSTEM_ACTOR_ADDR, VERIFREG_ACTOR_ID};
use cid::{multihash::Multihash, Cid};
use fvm_ipld_encoding::{de::IgnoredAny, tuple::*, RawBytes};
use fvm_shared::{
    address::Address, bigint::bigint_ser, econ::TokenAmount, message::Message,
    sector::RegisteredPoStProof,
};
use host::{
    network::{create_miner, GenesisMiner},
    Chain,
};

// Methods, checked against builtin-actors v18.
const ADD_VERIFIER: u64 = 2;
const ADD_VERIFIED_CLIENT: u64 = 3916220144;
const NAME: u64 = 48890204;
const SYMBOL: u64 = 2061153854;
const TOTAL_SUPPLY: u64 = 114981429;
const BALANCE: u64 = 3261979605;
const TRANSFER: u64 = 80475954;
const INCREASE_ALLOWANCE: u64 = 1777121560;
const ALLOWANCE: u64 = 4205072950;

/// One DataCap token per byte: the registry mints 10^18 units per byte of allowance.
const UNITS_PER_BYTE: u64 = 1_000_000_000_000_000_000;
const MIB: u64 = 1 << 20;
const DAY: i64 = 2880;

#[derive(Serialize_tuple)]
struct VerifierParams {
    address: Address,
    #[serde(with = "bigint_ser")]
    allowance: fvm_shared::bigint::BigInt,
}

#[derive(Serialize_tuple)]
struct TransferParams {
    to: Address,
    amount: TokenAmount,
    operator_data: RawBytes,
}

#[derive(Debug, Deserialize_tuple)]
struct TransferReturn {
    from_balance: TokenAmount,
    to_balance: TokenAmount,
    recipient_data: RawBytes,
}

#[derive(Serialize_tuple)]
struct AllocationRequest {
    provider: u64,
    data: Cid,
    size: u64,
    term_min: i64,
    term_max: i64,
    expiration: i64,
}

#[derive(Serialize_tuple)]
struct AllocationRequests {
    allocations: Vec<AllocationRequest>,
    extensions: Vec<()>,
}

#[derive(Serialize_tuple)]
struct IncreaseAllowanceParams {
    operator: Address,
    increase: TokenAmount,
}

#[derive(Serialize_tuple)]
struct GetAllowanceParams {
    owner: Address,
    operator: Address,
}

fn tokens(bytes: u64) -> TokenAmount {
    TokenAmount::from_atto(u128::from(bytes) * u128::from(UNITS_PER_BYTE))
}

#[test]
fn a_verified_client_contract_uses_its_datacap() {
    for actors in [Actors::Hybrid, Actors::Fevm] {
        let mut chain = chain_of(actors);
        let miner = GenesisMiner {
            owner: Address::new_secp256k1(&[4; 65]).unwrap(),
            worker: Address::new_bls(&[0x81; 48]).unwrap(),
            owner_balance: fil(1_000),
            value: fil(100),
            window_post_proof_type: RegisteredPoStProof::StackedDRGWindow32GiBV1P1,
        };
        let provider = create_miner(&mut chain, &miner).unwrap().id().unwrap();
        let client = deploy_with(&mut chain, ALICE, "FilecoinCalls", &[], fil(0))
            .contract
            .unwrap();
        let client_id = Address::new_id(client.actor_id);

        // The root key (here the system actor) makes ALICE a verifier of 64 MiB.
        let alice = Address::new_id(chain.actor_id(&ALICE.to_f410()).unwrap().unwrap());
        let add_verifier = Message {
            version: 0,
            from: SYSTEM_ACTOR_ADDR,
            to: Address::new_id(VERIFREG_ACTOR_ID),
            sequence: 0,
            value: TokenAmount::default(),
            method_num: ADD_VERIFIER,
            params: RawBytes::new(cbor(&VerifierParams {
                address: alice,
                allowance: (64 * MIB).into(),
            })),
            gas_limit: 10_000_000_000,
            gas_fee_cap: TokenAmount::default(),
            gas_premium: TokenAmount::default(),
        };
        let added = chain.apply_implicit(add_verifier).unwrap();
        assert!(added.is_success(), "{}: {:?}", actors.name(), added.failure);

        // ALICE gives the contract 16 MiB: minted to it as DataCap.
        let grant = VerifierParams {
            address: client_id,
            allowance: (16 * MIB).into(),
        };
        let message = chain
            .message(
                &ALICE.to_f410(),
                Address::new_id(VERIFREG_ACTOR_ID),
                ADD_VERIFIED_CLIENT,
                RawBytes::new(cbor(&grant)),
                TokenAmount::default(),
            )
            .unwrap();
        let granted = chain.apply(message).unwrap();
        assert!(
            granted.is_success(),
            "{}: {:?}",
            actors.name(),
            granted.failure
        );

        // The token, as the contract reads it.
        let contract = client.eth_address;
        let name: String = decode(&call_actor_ok(
            &mut chain,
            contract,
            DATACAP_ACTOR_ID,
            NAME,
            READ_ONLY,
            vec![],
        ));
        let symbol: String = decode(&call_actor_ok(
            &mut chain,
            contract,
            DATACAP_ACTOR_ID,
            SYMBOL,
            READ_ONLY,
            vec![],
        ));
        assert_eq!((name.as_str(), symbol.as_str()), ("DataCap", "DCAP"));
        let supply: TokenAmount = decode(&call_actor_ok(
            &mut chain,
            contract,
            DATACAP_ACTOR_ID,
            TOTAL_SUPPLY,
            READ_ONLY,
            vec![],
        ));
        assert_eq!(supply, tokens(16 * MIB));
        let balance_of = |chain: &mut Chain| -> TokenAmount {
            let params = cbor(&client_id);
            decode(&call_actor_ok(
                chain,
                contract,
                DATACAP_ACTOR_ID,
                BALANCE,
                READ_ONLY,
                params,
            ))
        };
        let balance = balance_of(&mut chain);
        assert_eq!(balance, tokens(16 * MIB));

        // An allowance for ALICE, read back.
        let increase = IncreaseAllowanceParams {
            operator: alice,
            increase: tokens(MIB),
        };
        let allowance: TokenAmount = decode(&call_actor_ok(
            &mut chain,
            contract,
            DATACAP_ACTOR_ID,
            INCREASE_ALLOWANCE,
            0,
            cbor(&increase),
        ));
        assert_eq!(allowance, tokens(MIB));
        let query = GetAllowanceParams {
            owner: client_id,
            operator: alice,
        };
        let allowance: TokenAmount = decode(&call_actor_ok(
            &mut chain,
            contract,
            DATACAP_ACTOR_ID,
            ALLOWANCE,
            READ_ONLY,
            cbor(&query),
        ));
        assert_eq!(allowance, tokens(MIB));

        // 4 MiB of it to the registry: an allocation with the storage provider.
        let piece = Cid::new_v1(0xf101, Multihash::wrap(0x1012, &[7; 32]).unwrap());
        let requests = AllocationRequests {
            allocations: vec![AllocationRequest {
                provider,
                data: piece,
                size: 4 * MIB,
                term_min: 180 * DAY,
                term_max: 540 * DAY,
                expiration: 30 * DAY,
            }],
            extensions: vec![],
        };
        let transfer = TransferParams {
            to: Address::new_id(VERIFREG_ACTOR_ID),
            amount: tokens(4 * MIB),
            operator_data: RawBytes::new(cbor(&requests)),
        };
        let sent: TransferReturn = decode(&call_actor_ok(
            &mut chain,
            contract,
            DATACAP_ACTOR_ID,
            TRANSFER,
            0,
            cbor(&transfer),
        ));
        assert_eq!(sent.from_balance, tokens(12 * MIB), "{}", actors.name());
        // The registry holds it until the provider claims the allocation, whose ID it answers.
        assert_eq!(sent.to_balance, tokens(4 * MIB));
        // AllocationsResponse: (allocation results, extension results, new allocations).
        let (_, _, new_allocations): (IgnoredAny, IgnoredAny, Vec<u64>) =
            decode(sent.recipient_data.bytes());
        assert_eq!(new_allocations.len(), 1);
        let balance = balance_of(&mut chain);
        assert_eq!(balance, tokens(12 * MIB));
    }
}
