//! The cryptographic primitives the EVM needs from its embedder.

use alloy_primitives::{Address, B256};

/// Hash functions and secp256k1 public-key recovery.
///
/// The interpreter uses this for `KECCAK256` and the precompiles for `0x01..=0x03`. On the FVM
/// each call is a syscall, which costs far less FVM gas than hashing inside wasm; natively,
/// [`NativeCrypto`] does the work in pure Rust.
pub trait Crypto {
    /// Keccak-256 of `data`.
    fn keccak256(&self, data: &[u8]) -> B256;

    /// SHA-256 of `data`.
    fn sha256(&self, data: &[u8]) -> [u8; 32];

    /// RIPEMD-160 of `data`.
    fn ripemd160(&self, data: &[u8]) -> [u8; 20];

    /// The Ethereum address whose key produced `signature` (`r ++ s`) over `hash` with
    /// `recovery_id` (0 or 1), or `None` when the signature does not recover a key.
    ///
    /// Like Ethereum's precompile, this accepts high-`s` signatures.
    fn ecrecover(&self, hash: &B256, signature: &[u8; 64], recovery_id: u8) -> Option<Address>;
}

/// Pure-Rust implementation of [`Crypto`] (`sha2`, `ripemd`, `k256`).
#[cfg(feature = "native-crypto")]
#[derive(Debug, Default, Clone, Copy)]
pub struct NativeCrypto;

#[cfg(feature = "native-crypto")]
impl Crypto for NativeCrypto {
    fn keccak256(&self, data: &[u8]) -> B256 {
        alloy_primitives::keccak256(data)
    }

    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(data).into()
    }

    fn ripemd160(&self, data: &[u8]) -> [u8; 20] {
        use ripemd::Digest;
        ripemd::Ripemd160::digest(data).into()
    }

    fn ecrecover(&self, hash: &B256, signature: &[u8; 64], recovery_id: u8) -> Option<Address> {
        use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
        let mut signature = Signature::from_slice(signature).ok()?;
        let mut recovery_id = RecoveryId::from_byte(recovery_id)?;
        // k256 only recovers from low-s signatures; Ethereum's precompile accepts both, and
        // (r, n - s) with the flipped parity recovers the same key.
        if let Some(normalized) = signature.normalize_s() {
            signature = normalized;
            recovery_id = RecoveryId::new(!recovery_id.is_y_odd(), recovery_id.is_x_reduced());
        }
        let key =
            VerifyingKey::recover_from_prehash(hash.as_slice(), &signature, recovery_id).ok()?;
        let point = key.to_encoded_point(false);
        Some(Address::from_raw_public_key(&point.as_bytes()[1..]))
    }
}
