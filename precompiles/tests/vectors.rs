//! go-ethereum's precompile vectors (as vendored by builtin-actors), read from the conformance
//! data (see `conformance_data::dir`): every success vector must produce its exact output and
//! Ethereum gas, every failure vector must fail.

use precompiles::{EthereumPrecompile, NativeCrypto, PrecompileError};
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Vector {
    input: String,
    expected: Option<String>,
    expected_error: Option<String>,
    gas: Option<u64>,
    name: String,
}

fn vectors_dir() -> PathBuf {
    conformance_data::dir().join("precompile-vectors")
}

fn load(file: &str) -> Vec<Vector> {
    let path = vectors_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// Runs every vector in `file`; `check_gas` is off for files priced under an older schedule.
fn check(file: &str, precompile: EthereumPrecompile, check_gas: bool) {
    let vectors = load(file);
    assert!(!vectors.is_empty(), "{file} has no vectors");
    for v in vectors {
        let input = hex::decode(&v.input).unwrap();
        let result = precompile.run(&input, u64::MAX, &NativeCrypto);
        match (&v.expected, &v.expected_error) {
            (Some(expected), _) => {
                let out = result.unwrap_or_else(|e| panic!("{file} {}: failed: {e}", v.name));
                assert_eq!(hex::encode(&out.output), *expected, "{file} {}", v.name);
                if check_gas {
                    assert_eq!(Some(out.gas_used), v.gas, "{file} {}: gas", v.name);
                }
            }
            (None, Some(error)) => {
                assert!(
                    matches!(result, Err(PrecompileError::InvalidInput(_))),
                    "{file} {}: expected failure ({error}), got {result:?}",
                    v.name
                );
            }
            (None, None) => panic!("{file} {}: vector has neither output nor error", v.name),
        }
    }
}

#[test]
fn ecrecover() {
    check("ecRecover.json", EthereumPrecompile::EcRecover, true);
}

#[test]
fn modexp_eip2565() {
    check("modexp_eip2565.json", EthereumPrecompile::ModExp, true);
}

#[test]
fn modexp_byzantium_outputs() {
    // Same inputs as above, priced under EIP-198; only outputs are compared.
    check("modexp.json", EthereumPrecompile::ModExp, false);
}

#[test]
fn bn254_add() {
    check("bn256Add.json", EthereumPrecompile::Bn254Add, true);
}

#[test]
fn bn254_scalar_mul() {
    check("bn256ScalarMul.json", EthereumPrecompile::Bn254Mul, true);
}

#[test]
fn bn254_pairing() {
    check("bn256Pairing.json", EthereumPrecompile::Bn254Pairing, true);
}

#[test]
fn blake2f() {
    check("blake2F.json", EthereumPrecompile::Blake2F, true);
}

#[test]
fn blake2f_failures() {
    check("fail-blake2f.json", EthereumPrecompile::Blake2F, true);
}

#[test]
fn out_of_gas_is_an_error() {
    let input = [0u8; 32];
    let result = EthereumPrecompile::Sha256.run(&input, 71, &NativeCrypto);
    assert_eq!(result, Err(PrecompileError::OutOfGas));
    let result = EthereumPrecompile::Sha256
        .run(&input, 72, &NativeCrypto)
        .unwrap();
    assert_eq!(result.gas_used, 72);
}

#[test]
fn hash_precompiles_match_known_digests() {
    let sha = EthereumPrecompile::Sha256
        .run(b"", u64::MAX, &NativeCrypto)
        .unwrap();
    assert_eq!(
        hex::encode(sha.output),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let ripemd = EthereumPrecompile::Ripemd160
        .run(b"", u64::MAX, &NativeCrypto)
        .unwrap();
    assert_eq!(
        hex::encode(ripemd.output),
        "0000000000000000000000009c1185a5c5e9fc54612808977ee8f548b2258d31"
    );
    let identity = EthereumPrecompile::Identity
        .run(b"abc", u64::MAX, &NativeCrypto)
        .unwrap();
    assert_eq!(&identity.output[..], b"abc");
}

#[test]
fn ecrecover_rejects_bad_v_with_empty_output() {
    let mut input = hex::decode(&load("ecRecover.json")[0].input).unwrap();
    input[63] = 29;
    let out = EthereumPrecompile::EcRecover
        .run(&input, u64::MAX, &NativeCrypto)
        .unwrap();
    assert!(out.output.is_empty());
    input[63] = 27;
    input[40] = 1; // v no longer fits in one byte
    let out = EthereumPrecompile::EcRecover
        .run(&input, u64::MAX, &NativeCrypto)
        .unwrap();
    assert!(out.output.is_empty());
}
