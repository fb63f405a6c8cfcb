//! The node's own Filecoin keys, for a chain with the network's actors: the verified
//! registry's root key and the genesis storage provider's owner (secp256k1, f1 addresses) and
//! worker (BLS, f3: the miner actor takes no other worker). They come from the dev mnemonic at
//! Filecoin's coin type (461), so every run of the node has the same ones, as it has the same
//! dev accounts.

use alloy_signer_local::{coins_bip39::English, MnemonicBuilder, PrivateKeySigner};
use anyhow::{Context, Result};
use bls_signatures::Serialize as _;
use fvm_shared::address::Address;

/// Where the Filecoin keys are, with the key's index appended (Filecoin's coin type, 461).
pub const FILECOIN_DERIVATION_PATH: &str = "m/44'/461'/0'/0/";

#[derive(Clone)]
pub struct FilecoinKeys {
    /// The verified registry's root key: who may add verifiers.
    pub root: PrivateKeySigner,
    /// The genesis storage provider's owner.
    pub owner: PrivateKeySigner,
    /// The genesis storage provider's worker.
    pub worker: bls_signatures::PrivateKey,
}

impl FilecoinKeys {
    /// The keys of `mnemonic`: the root key at index 0, the owner at 1, and the worker's BLS
    /// key made from the key at index 2 (as its seed).
    pub fn derive(mnemonic: &str) -> Result<Self> {
        let secp = |index: u32| -> Result<PrivateKeySigner> {
            let path = format!("{FILECOIN_DERIVATION_PATH}{index}");
            MnemonicBuilder::<English>::default()
                .phrase(mnemonic)
                .derivation_path(&path)
                .with_context(|| format!("derivation path {path}"))?
                .build()
                .context("deriving a Filecoin key from the mnemonic")
        };
        Ok(Self {
            root: secp(0)?,
            owner: secp(1)?,
            worker: bls_signatures::PrivateKey::new(secp(2)?.to_bytes()),
        })
    }

    pub fn root_address(&self) -> Address {
        secp_address(&self.root)
    }

    pub fn owner_address(&self) -> Address {
        secp_address(&self.owner)
    }

    pub fn worker_address(&self) -> Address {
        Address::new_bls(&self.worker.public_key().as_bytes())
            .expect("a BLS public key is 48 bytes")
    }

    /// The worker's private key, as Lotus exports a BLS key's bytes.
    pub fn worker_private_key(&self) -> Vec<u8> {
        self.worker.as_bytes()
    }
}

/// The f1 address of a secp256k1 key: its uncompressed public key, hashed.
fn secp_address(signer: &PrivateKeySigner) -> Address {
    let public = signer.credential().verifying_key().to_encoded_point(false);
    Address::new_secp256k1(public.as_bytes()).expect("an uncompressed key is 65 bytes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::DEV_MNEMONIC;
    use fvm_shared::address::Protocol;

    #[test]
    fn keys_are_stable_and_of_the_kinds_the_actors_take() {
        let keys = FilecoinKeys::derive(DEV_MNEMONIC).unwrap();
        let again = FilecoinKeys::derive(DEV_MNEMONIC).unwrap();
        assert_eq!(keys.owner_address(), again.owner_address());
        assert_eq!(keys.worker_address(), again.worker_address());
        assert_eq!(keys.root_address().protocol(), Protocol::Secp256k1);
        assert_eq!(keys.owner_address().protocol(), Protocol::Secp256k1);
        assert_eq!(keys.worker_address().protocol(), Protocol::BLS);
        assert_ne!(keys.root_address(), keys.owner_address());
    }
}
