//! The dev accounts: keys derived from the well-known test mnemonic, as anvil and Hardhat do,
//! so tools' default keys work unchanged.

use alloy_primitives::{Address, B256};
use alloy_signer::SignerSync;
use alloy_signer_local::{MnemonicBuilder, PrivateKeySigner};
use anyhow::{Context, Result};

/// The mnemonic anvil and Hardhat use; path m/44'/60'/0'/0/i.
pub const DEV_MNEMONIC: &str = "test test test test test test test test test test test junk";

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
    (0..count)
        .map(|index| {
            let signer = MnemonicBuilder::from_phrase_nth(DEV_MNEMONIC, index);
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
}
