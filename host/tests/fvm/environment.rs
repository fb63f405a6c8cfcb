//! What contracts see of the chain: block number and time, chain id, sender and origin,
//! BLOCKHASH; and the hashing and recovery precompiles, from Solidity.

use crate::common::*;
use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolValue};

sol! {
    function context() external view returns (uint256 number, uint256 timestamp, uint256 chainid, address sender, address origin);
    function hashes(uint256 n) external view returns (bytes32);
    function recover(bytes32 hash, uint8 v, bytes32 r, bytes32 s) external pure returns (address);
    function sha(bytes data) external pure returns (bytes32);
}

#[test]
fn block_chain_and_sender_context() {
    on_each_bundle(block_chain_and_sender_context_on);
}

fn block_chain_and_sender_context_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let env = deploy(&mut chain, ALICE, "Environment", &[]);
    chain.set_block(1234, 1_700_000_123);
    let out = call_ok(&mut chain, BOB, env, &contextCall {}.abi_encode());
    let context = contextCall::abi_decode_returns(&out).unwrap();
    assert_eq!(context.number, U256::from(1234));
    assert_eq!(context.timestamp, U256::from(1_700_000_123));
    assert_eq!(context.chainid, U256::from(chain.config().chain_id));
    assert_eq!(context.sender, Address::from(BOB));
    assert_eq!(context.origin, Address::from(BOB));

    let out = call_ok(
        &mut chain,
        BOB,
        env,
        &hashesCall {
            n: U256::from(1200),
        }
        .abi_encode(),
    );
    assert_eq!(
        B256::abi_decode(&out).unwrap().0,
        host::externs::block_hash(1200)
    );
    // The current block and blocks more than 256 back have no hash.
    for n in [1234u64, 900] {
        let out = call_ok(
            &mut chain,
            BOB,
            env,
            &hashesCall { n: U256::from(n) }.abi_encode(),
        );
        assert_eq!(B256::abi_decode(&out).unwrap(), B256::ZERO);
    }
}

#[test]
fn ecrecover_and_sha256_from_solidity() {
    on_each_bundle(ecrecover_and_sha256_from_solidity_on);
}

fn ecrecover_and_sha256_from_solidity_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let env = deploy(&mut chain, ALICE, "Environment", &[]);

    let out = call_ok(
        &mut chain,
        ALICE,
        env,
        &shaCall {
            data: b"abc".to_vec().into(),
        }
        .abi_encode(),
    );
    assert_eq!(
        hex::encode(B256::abi_decode(&out).unwrap()),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );

    // A signature by the well-known key 0x...01 (address 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf).
    let hash = keccak256(b"hello");
    let (r, s, v) = sign_with_key_one(hash);
    let out = call_ok(
        &mut chain,
        ALICE,
        env,
        &recoverCall { hash, v, r, s }.abi_encode(),
    );
    assert_eq!(
        Address::abi_decode(&out).unwrap(),
        "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"
            .parse::<Address>()
            .unwrap()
    );
    // A corrupted signature recovers nothing.
    let out = call_ok(
        &mut chain,
        ALICE,
        env,
        &recoverCall { hash, v: 30, r, s }.abi_encode(),
    );
    assert_eq!(Address::abi_decode(&out).unwrap(), Address::ZERO);
}

/// Signs with private key 1 (the test key every Ethereum tool knows).
fn sign_with_key_one(hash: B256) -> (B256, B256, u8) {
    use k256::ecdsa::SigningKey;
    let key = SigningKey::from_slice(&U256::from(1).to_be_bytes::<32>()).unwrap();
    let (signature, recovery) = key.sign_prehash_recoverable(hash.as_slice()).unwrap();
    let bytes = signature.to_bytes();
    (
        B256::from_slice(&bytes[..32]),
        B256::from_slice(&bytes[32..]),
        27 + recovery.to_byte(),
    )
}
