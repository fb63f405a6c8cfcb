//! Hashing and signature recovery as FVM syscalls: the [`Crypto`] behind `KECCAK256` and the
//! Ethereum precompiles.

use fvm_shared::crypto::hash::SupportedHashes;
use interpreter::{Address, Crypto, B256};

/// The FVM's crypto syscalls. A unit type, so that code without the host adapter (a precompile
/// run after a value transfer, in [`crate::calls`]) hashes the same way.
pub struct FvmCrypto;

fn hash(kind: SupportedHashes, data: &[u8], out: &mut [u8]) {
    fvm_sdk::crypto::hash_into(kind, data, out);
}

impl Crypto for FvmCrypto {
    fn keccak256(&self, data: &[u8]) -> B256 {
        let mut out = B256::ZERO;
        hash(SupportedHashes::Keccak256, data, out.as_mut_slice());
        out
    }

    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        hash(SupportedHashes::Sha2_256, data, &mut out);
        out
    }

    fn ripemd160(&self, data: &[u8]) -> [u8; 20] {
        let mut out = [0u8; 20];
        hash(SupportedHashes::Ripemd160, data, &mut out);
        out
    }

    fn ecrecover(&self, hash: &B256, signature: &[u8; 64], recovery_id: u8) -> Option<Address> {
        let mut sig = [0u8; 65];
        sig[..64].copy_from_slice(signature);
        sig[64] = recovery_id;
        let key = fvm_sdk::crypto::recover_secp_public_key(&hash.0, &sig).ok()?;
        let digest = self.keccak256(&key[1..]);
        Some(Address::from_slice(&digest[12..]))
    }
}
