//! The dev accounts: keys derived from the well-known test mnemonic, as anvil and Hardhat do,
//! so tools' default keys work unchanged.

use alloy_primitives::{Address, B256};
use alloy_signer::SignerSync;
use alloy_signer_local::{coins_bip39::English, MnemonicBuilder, PrivateKeySigner};
use anyhow::{Context, Result};

/// The mnemonic anvil and Hardhat use.
pub const DEV_MNEMONIC: &str = "test test test test test test test test test test test junk";
/// Where account `i`'s key is, with `i` appended (anvil's and Hardhat's path).
pub const DEV_DERIVATION_PATH: &str = "m/44'/60'/0'/0/";

/// A dev account: its key signs `eth_sendTransaction`s from it.
#[derive(Clone)]
pub struct DevAccount {
    pub signer: PrivateKeySigner,
}

impl DevAccount {
    pub fn address(&self) -> Address {
        self.signer.address()
    }

    pub fn private_key(&self) -> B256 {
        self.signer.to_bytes()
    }

    /// Signs the digest of a transaction.
    pub fn sign(&self, digest: &B256) -> Result<alloy_primitives::Signature> {
        self.signer.sign_hash_sync(digest).context("signing")
    }
}

/// The first `count` accounts of [`DEV_MNEMONIC`].
pub fn dev_accounts(count: u32) -> Result<Vec<DevAccount>> {
    accounts_of(DEV_MNEMONIC, DEV_DERIVATION_PATH, count)
}

/// The first `count` accounts of `mnemonic`, account `i` at `derivation_path` followed by `i`
/// (anvil's `--mnemonic` and `--derivation-path`).
pub fn accounts_of(mnemonic: &str, derivation_path: &str, count: u32) -> Result<Vec<DevAccount>> {
    (0..count)
        .map(|index| {
            let path = format!("{derivation_path}{index}");
            let signer = MnemonicBuilder::<English>::default()
                .phrase(mnemonic)
                .derivation_path(&path)
                .with_context(|| format!("derivation path {path}"))?
                .build()
                .context("deriving a key from the mnemonic")?;
            Ok(DevAccount { signer })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_account_is_the_well_known_one() {
        let accounts = dev_accounts(2).unwrap();
        assert_eq!(
            accounts[0].address().to_string(),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        );
        assert_eq!(
            accounts[0].private_key().to_string(),
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
        );
        assert_eq!(
            accounts[1].address().to_string(),
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
        );
    }

    #[test]
    fn another_mnemonic_and_path_give_other_keys() {
        let other = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
        let on_default_path = accounts_of(other, DEV_DERIVATION_PATH, 1).unwrap();
        // The well-known first address of this BIP-39 test mnemonic on Ethereum's path.
        assert_eq!(
            on_default_path[0].address().to_string(),
            "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
        );
        let elsewhere = accounts_of(other, "m/44'/60'/1'/0/", 1).unwrap();
        assert_ne!(elsewhere[0].address(), on_default_path[0].address());
        assert!(accounts_of("not a mnemonic", DEV_DERIVATION_PATH, 1).is_err());
        assert!(accounts_of(other, "not a path", 1).is_err());
    }
}
