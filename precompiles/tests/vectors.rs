//! go-ethereum's precompile vectors (as vendored by builtin-actors), read from the conformance
//! data (see `conformance_data::dir`): every success vector must produce its exact output and
//! Ethereum gas, every failure vector must fail. An empty expected output is a success with no
//! data (how ecrecover and P256VERIFY reject a signature), not a failure.

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

/// What a vector file's `Gas` means for us.
#[derive(Clone, Copy)]
enum Gas {
    /// It is our price.
    Listed,
    /// The file prices under an older schedule: only outputs are compared.
    Unchecked,
    /// The file prices under an older schedule; every call costs this instead.
    Repriced(u64),
}

/// Runs every vector in `file`.
fn check(file: &str, precompile: EthereumPrecompile, gas: Gas) {
    let vectors = load(file);
    assert!(!vectors.is_empty(), "{file} has no vectors");
    for v in &vectors {
        let input = hex::decode(&v.input).unwrap();
        let result = precompile.run(&input, u64::MAX, &NativeCrypto);
        match (&v.expected, &v.expected_error) {
            (Some(expected), _) => {
                let out = result.unwrap_or_else(|e| panic!("{file} {}: failed: {e}", v.name));
                assert_eq!(hex::encode(&out.output), *expected, "{file} {}", v.name);
                let expected_gas = match gas {
                    Gas::Listed => v.gas,
                    Gas::Unchecked => continue,
                    Gas::Repriced(price) => Some(price),
                };
                assert_eq!(Some(out.gas_used), expected_gas, "{file} {}: gas", v.name);
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
    check("ecRecover.json", EthereumPrecompile::EcRecover, Gas::Listed);
}

#[test]
fn modexp_eip2565() {
    check(
        "modexp_eip2565.json",
        EthereumPrecompile::ModExp,
        Gas::Listed,
    );
}

#[test]
fn modexp_byzantium_outputs() {
    // Same inputs as above, priced under EIP-198; only outputs are compared.
    check("modexp.json", EthereumPrecompile::ModExp, Gas::Unchecked);
}

#[test]
fn bn254_add() {
    check("bn256Add.json", EthereumPrecompile::Bn254Add, Gas::Listed);
}

#[test]
fn bn254_scalar_mul() {
    check(
        "bn256ScalarMul.json",
        EthereumPrecompile::Bn254Mul,
        Gas::Listed,
    );
}

#[test]
fn bn254_pairing() {
    check(
        "bn256Pairing.json",
        EthereumPrecompile::Bn254Pairing,
        Gas::Listed,
    );
}

#[test]
fn blake2f() {
    check("blake2F.json", EthereumPrecompile::Blake2F, Gas::Listed);
}

#[test]
fn blake2f_failures() {
    check(
        "fail-blake2f.json",
        EthereumPrecompile::Blake2F,
        Gas::Listed,
    );
}

#[test]
fn bls12_g1_add() {
    check("blsG1Add.json", EthereumPrecompile::Bls12G1Add, Gas::Listed);
}

#[test]
fn bls12_g1_add_failures() {
    check(
        "fail-blsG1Add.json",
        EthereumPrecompile::Bls12G1Add,
        Gas::Listed,
    );
}

#[test]
fn bls12_g1_msm() {
    check(
        "blsG1MultiExp.json",
        EthereumPrecompile::Bls12G1Msm,
        Gas::Listed,
    );
}

#[test]
fn bls12_g1_msm_failures() {
    check(
        "fail-blsG1MultiExp.json",
        EthereumPrecompile::Bls12G1Msm,
        Gas::Listed,
    );
}

#[test]
fn bls12_g2_add() {
    check("blsG2Add.json", EthereumPrecompile::Bls12G2Add, Gas::Listed);
}

#[test]
fn bls12_g2_add_failures() {
    check(
        "fail-blsG2Add.json",
        EthereumPrecompile::Bls12G2Add,
        Gas::Listed,
    );
}

#[test]
fn bls12_g2_msm() {
    check(
        "blsG2MultiExp.json",
        EthereumPrecompile::Bls12G2Msm,
        Gas::Listed,
    );
}

#[test]
fn bls12_g2_msm_failures() {
    check(
        "fail-blsG2MultiExp.json",
        EthereumPrecompile::Bls12G2Msm,
        Gas::Listed,
    );
}

#[test]
fn bls12_pairing_check() {
    check(
        "blsPairing.json",
        EthereumPrecompile::Bls12PairingCheck,
        Gas::Listed,
    );
}

#[test]
fn bls12_pairing_check_failures() {
    check(
        "fail-blsPairing.json",
        EthereumPrecompile::Bls12PairingCheck,
        Gas::Listed,
    );
}

#[test]
fn bls12_map_fp_to_g1() {
    check(
        "blsMapG1.json",
        EthereumPrecompile::Bls12MapFpToG1,
        Gas::Listed,
    );
}

#[test]
fn bls12_map_fp_to_g1_failures() {
    check(
        "fail-blsMapG1.json",
        EthereumPrecompile::Bls12MapFpToG1,
        Gas::Listed,
    );
}

#[test]
fn bls12_map_fp2_to_g2() {
    check(
        "blsMapG2.json",
        EthereumPrecompile::Bls12MapFp2ToG2,
        Gas::Listed,
    );
}

#[test]
fn bls12_map_fp2_to_g2_failures() {
    check(
        "fail-blsMapG2.json",
        EthereumPrecompile::Bls12MapFp2ToG2,
        Gas::Listed,
    );
}

#[test]
fn p256_verify() {
    // The file lists RIP-7212's 3450 gas; EIP-7951 (Osaka) doubled the price to 6900. Its
    // rejected signatures expect empty output, which `check` reads as success with no data.
    let file = "eip7951_p256verify.json";
    assert!(load(file).iter().all(|v| v.gas == Some(3_450)));
    check(file, EthereumPrecompile::P256Verify, Gas::Repriced(6_900));
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
fn bls12_and_p256_charge_before_working() {
    let g1_add = hex::decode(&load("blsG1Add.json")[0].input).unwrap();
    let result = EthereumPrecompile::Bls12G1Add.run(&g1_add, 374, &NativeCrypto);
    assert_eq!(result, Err(PrecompileError::OutOfGas));
    let p256 = hex::decode(&load("eip7951_p256verify.json")[0].input).unwrap();
    let result = EthereumPrecompile::P256Verify.run(&p256, 6_899, &NativeCrypto);
    assert_eq!(result, Err(PrecompileError::OutOfGas));
    let out = EthereumPrecompile::P256Verify
        .run(&p256, 6_900, &NativeCrypto)
        .unwrap();
    assert_eq!(out.output[31], 1);
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
