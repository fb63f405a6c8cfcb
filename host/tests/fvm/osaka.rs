//! What builtin-actors v18 added to Filecoin's EVM, from Solidity compiled for osaka (solc
//! 0.8.31) on the real FVM: `CLZ`; the BLS12-381 precompiles `0x0b..=0x11` and P256VERIFY at
//! `0x0100`, on go-ethereum's vectors from the conformance data; and `get_randomness` at
//! `0xfe00..06`. Each runs on our bundle, on the production bundle with our EVM actor, and on
//! the production bundle as it is: Filecoin's own EVM must agree.

use crate::common::*;
use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall};
use host::{Actors, Chain, EthAddress};
use serde::Deserialize;
use std::sync::OnceLock;

sol! {
    function inc() external returns (uint256);
    function countLeadingZeros(uint256 x) external pure returns (uint256 zeros);
    function precompile(address target, bytes input) external view returns (bool ok, bytes output);
    function randomness(uint256 epoch) external view returns (bool ok, bytes output);
}

/// The creation code of `contract` in `tests/contracts/{file}`, compiled by solc 0.8.31 for
/// `evm_version`.
fn compile_0_8_31(file: &str, contract: &str, evm_version: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/contracts")
        .join(file);
    let source = std::fs::read_to_string(&path).unwrap();
    let settings = solc::Settings {
        evm_version: evm_version.into(),
        ..solc::Settings::default()
    };
    let mut solc = solc::Solc::start_package("solc-osaka").expect("starting solc-js 0.8.31");
    let contracts = solc
        .compile(&[(file, source.as_str())], &settings)
        .unwrap_or_else(|e| panic!("compiling {file} for {evm_version}: {e:#}"));
    contracts[contract].bytecode.clone()
}

/// `Osaka.sol`'s creation code, compiled for osaka.
fn osaka_code() -> &'static [u8] {
    static CODE: OnceLock<Vec<u8>> = OnceLock::new();
    CODE.get_or_init(|| compile_0_8_31("osaka/Osaka.sol", "Osaka", "osaka"))
}

/// Code compiled for prague (and osaka) by the newer compiler deploys and runs.
#[test]
fn counter_compiled_for_prague_and_osaka_runs() {
    for evm_version in ["prague", "osaka"] {
        let code = compile_0_8_31("Counter.sol", "Counter", evm_version);
        for actors in Actors::ALL {
            let mut chain = chain_of(actors);
            let start = U256::from(41).to_be_bytes::<32>();
            let counter = deploy_code(&mut chain, ALICE, &code, &start);
            let out = call_ok(&mut chain, BOB, counter, &incCall {}.abi_encode());
            let count = incCall::abi_decode_returns(&out).unwrap();
            assert_eq!(count, U256::from(42), "{evm_version} on {}", actors.name());
        }
    }
}

fn deploy_osaka(chain: &mut Chain) -> EthAddress {
    deploy_code(chain, ALICE, osaka_code(), &[])
}

#[test]
fn clz_counts_leading_zeros() {
    on_each_bundle(clz_counts_leading_zeros_on);
}

fn clz_counts_leading_zeros_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let osaka = deploy_osaka(&mut chain);
    for (x, zeros) in [
        (U256::ZERO, 256),
        (U256::from(1), 255),
        (U256::from(0xff), 248),
        (U256::MAX, 0),
        (U256::from(1) << 255, 0),
        (U256::from(1) << 200, 55),
    ] {
        let out = call_ok(
            &mut chain,
            BOB,
            osaka,
            &countLeadingZerosCall { x }.abi_encode(),
        );
        let got = countLeadingZerosCall::abi_decode_returns(&out).unwrap();
        assert_eq!(got, U256::from(zeros), "{}: clz({x:#x})", actors.name());
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Vector {
    input: String,
    #[serde(default)]
    expected: Option<String>,
    name: String,
}

/// The first `n` vectors of `file` in the conformance data's precompile vectors.
fn vectors(file: &str, n: usize) -> Vec<Vector> {
    let path = conformance_data::dir()
        .join("precompile-vectors")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut all: Vec<Vector> = serde_json::from_str(&text).unwrap();
    all.truncate(n);
    all
}

/// Calls precompile `address` from the contract with each vector of `file`: a success vector
/// must return its output, a failure vector must fail the call with no data.
fn check_precompile(chain: &mut Chain, osaka: EthAddress, address: u16, file: &str) {
    let mut target = [0u8; 20];
    target[18..].copy_from_slice(&address.to_be_bytes());
    for vector in vectors(file, 3) {
        let call = precompileCall {
            target: Address::from(target),
            input: Bytes::from(hex::decode(&vector.input).unwrap()),
        };
        let out = call_ok(chain, BOB, osaka, &call.abi_encode());
        let got = precompileCall::abi_decode_returns(&out).unwrap();
        match &vector.expected {
            Some(expected) => {
                assert!(got.ok, "{file} {}: the call failed", vector.name);
                assert_eq!(
                    hex::encode(&got.output),
                    *expected,
                    "{file} {}",
                    vector.name
                );
            }
            None => {
                assert!(!got.ok, "{file} {}: the call succeeded", vector.name);
                assert!(got.output.is_empty(), "{file} {}", vector.name);
            }
        }
    }
}

#[test]
fn bls12_381_precompiles_answer_the_vectors() {
    on_each_bundle(bls12_381_on);
}

fn bls12_381_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let osaka = deploy_osaka(&mut chain);
    for (address, name) in [
        (0x0b, "G1Add"),
        (0x0c, "G1MultiExp"),
        (0x0d, "G2Add"),
        (0x0e, "G2MultiExp"),
        (0x0f, "Pairing"),
        (0x10, "MapG1"),
        (0x11, "MapG2"),
    ] {
        check_precompile(&mut chain, osaka, address, &format!("bls{name}.json"));
        check_precompile(&mut chain, osaka, address, &format!("fail-bls{name}.json"));
    }
}

#[test]
fn p256verify_answers_one_or_nothing() {
    on_each_bundle(p256verify_on);
}

fn p256verify_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let osaka = deploy_osaka(&mut chain);
    let all = vectors("eip7951_p256verify.json", usize::MAX);
    let valid = all.iter().find(|v| v.expected.as_deref() != Some(""));
    let invalid = all.iter().find(|v| v.expected.as_deref() == Some(""));
    for vector in [valid.unwrap(), invalid.unwrap()] {
        let call = precompileCall {
            target: Address::from_word(U256::from(0x100).into()),
            input: Bytes::from(hex::decode(&vector.input).unwrap()),
        };
        let out = call_ok(&mut chain, BOB, osaka, &call.abi_encode());
        let got = precompileCall::abi_decode_returns(&out).unwrap();
        // An invalid signature is not a failed call (EIP-7951): success with no output.
        assert!(got.ok, "{}", vector.name);
        assert_eq!(
            hex::encode(&got.output),
            *vector.expected.as_ref().unwrap(),
            "{}",
            vector.name
        );
    }
}

#[test]
fn get_randomness_returns_the_beacon_of_past_epochs() {
    on_each_bundle(get_randomness_on);
}

fn get_randomness_on(actors: Actors) {
    let mut chain = chain_of(actors);
    let osaka = deploy_osaka(&mut chain);
    chain.set_block(1234, 1_700_000_000);
    let ask = |chain: &mut Chain, epoch: U256| {
        let out = call_ok(chain, BOB, osaka, &randomnessCall { epoch }.abi_encode());
        randomnessCall::abi_decode_returns(&out).unwrap()
    };
    for epoch in [0u64, 1000, 1233, 1234] {
        let got = ask(&mut chain, U256::from(epoch));
        assert!(got.ok, "epoch {epoch}");
        assert_eq!(
            got.output.as_ref(),
            host::externs::beacon_randomness(epoch as i64),
            "epoch {epoch}"
        );
    }
    // Not an epoch: more than 64 bits, or (as a signed 64-bit number) too far back to look.
    for epoch in [U256::from(1) << 64, U256::from(1) << 63] {
        let got = ask(&mut chain, epoch);
        assert!(!got.ok && got.output.is_empty(), "epoch {epoch:#x}");
    }
}
