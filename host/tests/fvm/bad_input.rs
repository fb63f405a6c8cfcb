//! Bad input gets a defined exit code and changes nothing but the sender's nonce and fees.

use crate::common::*;
use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolCall, SolValue};
use fvm_ipld_encoding::RawBytes;
use host::{Chain, EthAddress, ExitCode, TokenAmount};
use interpreter::MAX_CODE_SIZE;

sol! {
    function inc() external returns (uint256);
    function deploy(bytes initcode) external returns (address created);
}

/// State of every actor but the sender's (whose nonce and balance pay for the message).
fn others(chain: &Chain, watched: &[EthAddress]) -> Vec<Option<(cid::Cid, TokenAmount)>> {
    watched
        .iter()
        .map(|a| {
            chain
                .actor(&a.to_filecoin())
                .unwrap()
                .map(|actor| (actor.state, actor.balance))
        })
        .collect()
}

/// Initcode that returns `len` bytes of runtime code, the first being `first`.
fn returning(first: u8, len: usize) -> Vec<u8> {
    // PUSH1 first, PUSH0, MSTORE8, PUSH2 len, PUSH0, RETURN
    let [hi, lo] = u16::try_from(len).expect("a PUSH2 length").to_be_bytes();
    vec![0x60, first, 0x5f, 0x53, 0x61, hi, lo, 0x5f, 0xf3]
}

#[test]
fn malformed_params_and_unknown_methods() {
    on_each_bundle(malformed_params_and_unknown_methods_on);
}

fn malformed_params_and_unknown_methods_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let counter = deploy(&mut chain, ALICE, "Counter", &U256::from(1).abi_encode());
    let watched = [counter, BOB];
    let before = others(&chain, &watched);

    let garbage = chain
        .message(
            &ALICE.to_f410(),
            counter.to_filecoin(),
            3_844_450_837,
            RawBytes::new(vec![0xff, 0x00, 0x13]),
            TokenAmount::default(),
        )
        .unwrap();
    let outcome = chain.apply(garbage).unwrap();
    assert_eq!(outcome.exit_code, ExitCode::USR_SERIALIZATION);

    let unknown = chain
        .message(
            &ALICE.to_f410(),
            counter.to_filecoin(),
            7,
            RawBytes::default(),
            TokenAmount::default(),
        )
        .unwrap();
    assert_eq!(
        chain.apply(unknown).unwrap().exit_code,
        ExitCode::USR_UNHANDLED_MESSAGE
    );

    // Reserved methods have their own callers: GetStorageAt is the system actor's.
    let params = RawBytes::serialize(actor_types::evm::GetStorageAtParams {
        storage_key: actor_types::U256Bytes([0; 32]),
    })
    .unwrap();
    let storage = chain
        .message(
            &ALICE.to_f410(),
            counter.to_filecoin(),
            5,
            params,
            TokenAmount::default(),
        )
        .unwrap();
    assert_eq!(
        chain.apply(storage).unwrap().exit_code,
        ExitCode::USR_FORBIDDEN
    );

    assert_eq!(others(&chain, &watched), before);
    // The contract still works.
    let out = call_ok(&mut chain, ALICE, counter, &incCall {}.abi_encode());
    assert_eq!(U256::abi_decode(&out).unwrap(), U256::from(2));
}

#[test]
fn bad_initcode_and_oversized_code_are_refused() {
    on_each_bundle(bad_initcode_and_oversized_code_are_refused_on);
}

fn bad_initcode_and_oversized_code_are_refused_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let watched = [BOB];
    let before = others(&chain, &watched);
    let cases: [(&str, Vec<u8>, u32); 3] = [
        ("initcode starting with 0xEF", vec![0xef, 0x00, 0x01], 35),
        (
            "runtime code starting with 0xEF (EIP-3541)",
            returning(0xef, 1),
            16,
        ),
        (
            "runtime code over 24 KiB (EIP-170)",
            returning(0x00, MAX_CODE_SIZE + 1),
            16,
        ),
    ];
    for (what, initcode, exit_code) in cases {
        let nonce = chain.nonce(ALICE).unwrap();
        let would_be = EthAddress::from(Address::from(ALICE).create(nonce));
        let deployment = chain
            .deploy(ALICE, &initcode, TokenAmount::default())
            .unwrap();
        assert_eq!(
            deployment.outcome.exit_code.value(),
            exit_code,
            "{what}: {:?}",
            deployment.outcome.failure
        );
        assert!(
            chain.actor(&would_be.to_f410()).unwrap().is_none(),
            "{what}: no contract was created"
        );
    }
    assert_eq!(others(&chain, &watched), before);

    // Exactly 24 KiB is fine.
    let deployment = chain
        .deploy(
            ALICE,
            &returning(0x00, MAX_CODE_SIZE),
            TokenAmount::default(),
        )
        .unwrap();
    assert!(deployment.outcome.is_success());

    // CREATE from a contract with bad initcode fails inside the EVM: address zero, no revert.
    let raw = deploy(&mut chain, ALICE, "Raw", &[]);
    let out = call_ok(
        &mut chain,
        ALICE,
        raw,
        &deployCall {
            initcode: vec![0xef].into(),
        }
        .abi_encode(),
    );
    assert_eq!(Address::abi_decode(&out).unwrap(), Address::ZERO);
}

#[test]
fn messages_to_missing_actors_fail_cleanly() {
    on_each_bundle(messages_to_missing_actors_fail_cleanly_on);
}

fn messages_to_missing_actors_fail_cleanly_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let missing = EthAddress::from_id(99_999);
    let message = chain
        .message(
            &ALICE.to_f410(),
            missing.to_filecoin(),
            3_844_450_837,
            RawBytes::default(),
            TokenAmount::default(),
        )
        .unwrap();
    let outcome = chain.apply(message).unwrap();
    assert_eq!(outcome.exit_code, ExitCode::SYS_INVALID_RECEIVER);
    assert!(chain.actor(&missing.to_filecoin()).unwrap().is_none());
}

/// Initcode that installs `runtime` (at most 32 bytes) as the contract's code.
fn installing(runtime: &[u8]) -> Vec<u8> {
    let len = runtime.len() as u8;
    // PUSHn runtime, PUSH0, MSTORE (right-aligned in the first word), PUSH1 len,
    // PUSH1 32 - len, RETURN
    let mut code = vec![0x5f + len];
    code.extend_from_slice(runtime);
    code.extend_from_slice(&[0x5f, 0x52, 0x60, len, 0x60, 32 - len, 0xf3]);
    code
}

/// More than the FVM's 1 MiB block limit as revert or return data ends the contract with
/// USR_ASSERTION_FAILED on every bundle (builtin-actors' SDK panics there); ours ends so
/// without panicking, and says which data did not fit.
#[test]
fn output_larger_than_a_block_is_an_assertion_failure() {
    on_each_bundle(output_larger_than_a_block_on);
}

fn output_larger_than_a_block_on(actors: Actors) {
    // PUSH3 2 MiB, PUSH0, REVERT (or RETURN).
    let revert_2_mib = [0x62, 0x20, 0x00, 0x00, 0x5f, 0xfd];
    let return_2_mib = [0x62, 0x20, 0x00, 0x00, 0x5f, 0xf3];
    let mut chain = chain_of(actors);

    let deployment = chain
        .deploy(ALICE, &revert_2_mib, TokenAmount::default())
        .unwrap();
    let reverting = deploy_code(&mut chain, ALICE, &installing(&revert_2_mib), &[]);
    let returning = deploy_code(&mut chain, ALICE, &installing(&return_2_mib), &[]);
    let outcomes = [
        ("a constructor's revert", deployment.outcome),
        (
            "a call's revert",
            chain
                .call(ALICE, reverting, &[], TokenAmount::default())
                .unwrap(),
        ),
        (
            "a call's return",
            chain
                .call(ALICE, returning, &[], TokenAmount::default())
                .unwrap(),
        ),
    ];
    for (what, outcome) in outcomes {
        let failure = outcome.failure.clone().unwrap_or_default();
        assert_eq!(
            outcome.exit_code,
            ExitCode::USR_ASSERTION_FAILED,
            "{actors:?}, {what}: {failure}"
        );
        if actors != Actors::Fevm {
            assert!(!failure.contains("panicked"), "{what}: {failure}");
            assert!(
                failure.contains("bytes of exit data could not be written")
                    || failure.contains("bytes of return data could not be written"),
                "{what}: {failure}"
            );
        }
    }
}
