//! The Ethereum precompiles at `0x01..=0x09`, `0x0b..=0x11` (BLS12-381) and `0x0100`
//! (P256VERIFY): the set Filecoin's EVM actor provides.
//!
//! Semantics are Ethereum's byte for byte; gas is Ethereum's (Istanbul prices for bn254, Berlin
//! (EIP-2565) for modexp, Prague (EIP-2537) for BLS12-381, Osaka (EIP-7951) for P256VERIFY). An
//! embedder that does not meter Ethereum gas passes a generous limit, which still bounds the work
//! a single input can demand (modexp, pairing and multi-scalar-multiplication prices grow with the
//! size of the job).
//!
//! `0x0a` (KZG point evaluation) is not provided: there are no blobs on Filecoin, so that address
//! behaves as an empty account.

use crate::Crypto;
use alloc::{format, string::String};
use alloy_primitives::{Address, Bytes, B256, U256};
use revm_precompile::{blake2, bls12_381, bn254, modexp, secp256r1, PrecompileHalt};

/// One of the Ethereum precompiles. The discriminant is the address's last two bytes (every
/// other byte is zero): P256VERIFY's `0x0100` does not fit in one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
pub enum EthereumPrecompile {
    /// `0x01`: secp256k1 public-key recovery.
    EcRecover = 1,
    /// `0x02`: SHA-256.
    Sha256 = 2,
    /// `0x03`: RIPEMD-160, left-padded to 32 bytes.
    Ripemd160 = 3,
    /// `0x04`: returns its input.
    Identity = 4,
    /// `0x05`: modular exponentiation (EIP-198).
    ModExp = 5,
    /// `0x06`: alt_bn128 point addition (EIP-196).
    Bn254Add = 6,
    /// `0x07`: alt_bn128 scalar multiplication (EIP-196).
    Bn254Mul = 7,
    /// `0x08`: alt_bn128 pairing check (EIP-197).
    Bn254Pairing = 8,
    /// `0x09`: BLAKE2b compression function F (EIP-152).
    Blake2F = 9,
    /// `0x0b`: BLS12-381 G1 point addition (EIP-2537).
    Bls12G1Add = 0x0b,
    /// `0x0c`: BLS12-381 G1 multi-scalar multiplication (EIP-2537).
    Bls12G1Msm = 0x0c,
    /// `0x0d`: BLS12-381 G2 point addition (EIP-2537).
    Bls12G2Add = 0x0d,
    /// `0x0e`: BLS12-381 G2 multi-scalar multiplication (EIP-2537).
    Bls12G2Msm = 0x0e,
    /// `0x0f`: BLS12-381 pairing check (EIP-2537).
    Bls12PairingCheck = 0x0f,
    /// `0x10`: BLS12-381 map field element to G1 (EIP-2537).
    Bls12MapFpToG1 = 0x10,
    /// `0x11`: BLS12-381 map Fp2 element to G2 (EIP-2537).
    Bls12MapFp2ToG2 = 0x11,
    /// `0x0100`: secp256r1 (P-256) signature verification (EIP-7951).
    P256Verify = 0x0100,
}

/// What a successful precompile call returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrecompileOutput {
    /// Ethereum gas the call costs.
    pub gas_used: u64,
    /// The return data.
    pub output: Bytes,
}

/// Why a precompile call failed. A failed call consumes all the gas it was given and returns
/// no data, as on Ethereum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrecompileError {
    /// The gas limit does not cover the Ethereum price of the call.
    #[error("out of gas")]
    OutOfGas,
    /// The input is malformed (wrong length, point not on the curve, bad flag...).
    #[error("invalid input: {0}")]
    InvalidInput(String),
}

type PrecompileResult = Result<PrecompileOutput, PrecompileError>;

impl EthereumPrecompile {
    /// The precompile at `address`, if it is one.
    pub fn from_address(address: &Address) -> Option<Self> {
        let bytes = address.as_slice();
        if bytes[..18].iter().any(|&b| b != 0) {
            return None;
        }
        let index = u16::from_be_bytes([bytes[18], bytes[19]]);
        // Searching `ALL` keeps one list of what is a precompile; it is short, and only addresses
        // with 18 leading zero bytes get this far.
        ALL.into_iter().find(|p| *p as u16 == index)
    }

    /// The address of this precompile.
    pub fn address(self) -> Address {
        let mut bytes = [0u8; 20];
        bytes[18..].copy_from_slice(&(self as u16).to_be_bytes());
        Address::from(bytes)
    }

    /// Runs the precompile as builtin-actors' EVM does, where one reading differs from
    /// Ethereum's: modexp's three lengths must each fit in 32 bits, or the call fails (Ethereum
    /// answers an empty base and modulus with empty output whatever the exponent's length).
    pub fn run_on_filecoin(
        self,
        input: &[u8],
        gas_limit: u64,
        crypto: &impl Crypto,
    ) -> PrecompileResult {
        if self == Self::ModExp && !modexp_lengths_fit_u32(input) {
            return Err(PrecompileError::InvalidInput(
                "a modexp length over 32 bits".into(),
            ));
        }
        self.run(input, gas_limit, crypto)
    }

    /// Runs the precompile on `input` with at most `gas_limit` Ethereum gas.
    pub fn run(self, input: &[u8], gas_limit: u64, crypto: &impl Crypto) -> PrecompileResult {
        match self {
            Self::EcRecover => ec_recover(input, gas_limit, crypto),
            Self::Sha256 => priced(gas_limit, linear_price(60, 12, input.len()), || {
                Bytes::copy_from_slice(&crypto.sha256(input))
            }),
            Self::Ripemd160 => priced(gas_limit, linear_price(600, 120, input.len()), || {
                let mut word = [0u8; 32];
                word[12..].copy_from_slice(&crypto.ripemd160(input));
                Bytes::copy_from_slice(&word)
            }),
            Self::Identity => priced(gas_limit, linear_price(15, 3, input.len()), || {
                Bytes::copy_from_slice(input)
            }),
            Self::ModExp => from_revm(modexp::berlin_run(input, gas_limit)),
            Self::Bn254Add => from_revm(bn254::run_add(
                input,
                bn254::add::ISTANBUL_ADD_GAS_COST,
                gas_limit,
            )),
            Self::Bn254Mul => from_revm(bn254::run_mul(
                input,
                bn254::mul::ISTANBUL_MUL_GAS_COST,
                gas_limit,
            )),
            Self::Bn254Pairing => from_revm(bn254::run_pair(
                input,
                bn254::pair::ISTANBUL_PAIR_PER_POINT,
                bn254::pair::ISTANBUL_PAIR_BASE,
                gas_limit,
            )),
            Self::Blake2F => from_revm(blake2::run(input, gas_limit)),
            Self::Bls12G1Add => from_revm(bls12_381::g1_add::g1_add(input, gas_limit)),
            Self::Bls12G1Msm => from_revm(bls12_381::g1_msm::g1_msm(input, gas_limit)),
            Self::Bls12G2Add => from_revm(bls12_381::g2_add::g2_add(input, gas_limit)),
            Self::Bls12G2Msm => from_revm(bls12_381::g2_msm::g2_msm(input, gas_limit)),
            Self::Bls12PairingCheck => from_revm(bls12_381::pairing::pairing(input, gas_limit)),
            Self::Bls12MapFpToG1 => {
                from_revm(bls12_381::map_fp_to_g1::map_fp_to_g1(input, gas_limit))
            }
            Self::Bls12MapFp2ToG2 => {
                from_revm(bls12_381::map_fp2_to_g2::map_fp2_to_g2(input, gas_limit))
            }
            // A bad signature, key or input length is not an error: the call succeeds with
            // empty output (EIP-7951).
            Self::P256Verify => from_revm(secp256r1::p256_verify_osaka(input, gas_limit)),
        }
    }
}

/// Whether modexp's base, exponent and modulus lengths (its first three words, the input read
/// as if followed by zeros) are each below 2^32.
fn modexp_lengths_fit_u32(input: &[u8]) -> bool {
    (0..3).all(|i| {
        let word = input.get(i * 32..).unwrap_or_default();
        let high = &word[..word.len().min(28)];
        high.iter().all(|&b| b == 0)
    })
}

/// `base + per_word * ceil(len / 32)`, the price shape of the hashing precompiles.
fn linear_price(base: u64, per_word: u64, len: usize) -> u64 {
    let words = (len as u64).div_ceil(32);
    base.saturating_add(per_word.saturating_mul(words))
}

fn priced(gas_limit: u64, price: u64, compute: impl FnOnce() -> Bytes) -> PrecompileResult {
    if price > gas_limit {
        return Err(PrecompileError::OutOfGas);
    }
    Ok(PrecompileOutput {
        gas_used: price,
        output: compute(),
    })
}

/// `0x01`: input is `hash ++ v ++ r ++ s` (right-padded to 128 bytes). A bad `v` or signature is
/// not an error: the call succeeds with empty output.
fn ec_recover(input: &[u8], gas_limit: u64, crypto: &impl Crypto) -> PrecompileResult {
    const PRICE: u64 = 3_000;
    priced(gas_limit, PRICE, || {
        let mut padded = [0u8; 128];
        let len = input.len().min(128);
        padded[..len].copy_from_slice(&input[..len]);

        let v = U256::from_be_slice(&padded[32..64]);
        let recovery_id = if v == U256::from(27) {
            0
        } else if v == U256::from(28) {
            1
        } else {
            return Bytes::new();
        };
        let hash = B256::from_slice(&padded[..32]);
        let signature: &[u8; 64] = padded[64..128].try_into().expect("64-byte slice");
        match crypto.ecrecover(&hash, signature, recovery_id) {
            Some(address) => Bytes::copy_from_slice(address.into_word().as_slice()),
            None => Bytes::new(),
        }
    })
}

fn from_revm(
    result: Result<revm_precompile::EthPrecompileOutput, PrecompileHalt>,
) -> PrecompileResult {
    match result {
        Ok(out) => Ok(PrecompileOutput {
            gas_used: out.gas_used,
            output: out.bytes,
        }),
        Err(PrecompileHalt::OutOfGas) => Err(PrecompileError::OutOfGas),
        Err(other) => Err(PrecompileError::InvalidInput(format!("{other:?}"))),
    }
}

/// All the precompiles, in address order.
pub const ALL: [EthereumPrecompile; 17] = [
    EthereumPrecompile::EcRecover,
    EthereumPrecompile::Sha256,
    EthereumPrecompile::Ripemd160,
    EthereumPrecompile::Identity,
    EthereumPrecompile::ModExp,
    EthereumPrecompile::Bn254Add,
    EthereumPrecompile::Bn254Mul,
    EthereumPrecompile::Bn254Pairing,
    EthereumPrecompile::Blake2F,
    EthereumPrecompile::Bls12G1Add,
    EthereumPrecompile::Bls12G1Msm,
    EthereumPrecompile::Bls12G2Add,
    EthereumPrecompile::Bls12G2Msm,
    EthereumPrecompile::Bls12PairingCheck,
    EthereumPrecompile::Bls12MapFpToG1,
    EthereumPrecompile::Bls12MapFp2ToG2,
    EthereumPrecompile::P256Verify,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip_in_order() {
        for p in ALL {
            assert_eq!(EthereumPrecompile::from_address(&p.address()), Some(p));
        }
        assert!(ALL.windows(2).all(|w| (w[0] as u16) < w[1] as u16));
        assert_eq!(
            EthereumPrecompile::P256Verify.address(),
            alloy_primitives::address!("0000000000000000000000000000000000000100")
        );
    }

    #[test]
    fn modexp_lengths_over_32_bits_fail_on_filecoin_only() {
        let crypto = crate::NativeCrypto;
        // Base and modulus empty, exponent 2^32 bytes long: nothing to compute on Ethereum.
        let mut input = [0u8; 96];
        input[59] = 1;
        let modexp = EthereumPrecompile::ModExp;
        let on_ethereum = modexp.run(&input, 1_000_000, &crypto).unwrap();
        assert!(on_ethereum.output.is_empty());
        assert!(matches!(
            modexp.run_on_filecoin(&input, 1_000_000, &crypto),
            Err(PrecompileError::InvalidInput(_))
        ));
        // 2^32 - 1 still fits, and a cut input reads zeros.
        input[59] = 0;
        input[60..64].fill(0xff);
        assert!(modexp.run_on_filecoin(&input, 1_000_000, &crypto).is_ok());
        assert!(modexp
            .run_on_filecoin(&input[..40], 1_000_000, &crypto)
            .is_ok());
    }

    #[test]
    fn near_misses_are_not_precompiles() {
        for index in [0x0a_u16, 0x12, 0x0101, 0x0000] {
            let mut bytes = [0u8; 20];
            bytes[18..].copy_from_slice(&index.to_be_bytes());
            assert_eq!(
                EthereumPrecompile::from_address(&bytes.into()),
                None,
                "{index:#x}"
            );
        }
        // Only the last two bytes may be non-zero.
        let mut high = EthereumPrecompile::P256Verify.address().0;
        high[17] = 1;
        assert_eq!(EthereumPrecompile::from_address(&high.into()), None);
    }
}
