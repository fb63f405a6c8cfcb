//! Filecoin-native messages on their way in: a signed one (`Filecoin.MpoolPush`) is checked,
//! then pooled and mined as the Ethereum transactions are; one from a key the node holds
//! (`MpoolPushMessage`: the verified registry's root, the storage provider's owner and
//! worker) gets its nonce, gas and signature here first, as a Lotus node fills in messages
//! from its own wallet.

use alloy_primitives::{Address, B256};
use fvm_shared::{
    address::{Address as FilAddress, Protocol},
    crypto::signature::Signature,
    message::Message,
};
use multihash_codetable::{Code, MultihashDigest};

use super::{Node, NodeError};
use crate::{
    native::{message_cid, NativeError, SignedMessage},
    tx::SignedTx,
};

/// One of the node's Filecoin keys.
pub enum NodeKey<'a> {
    Secp256k1(&'a alloy_signer_local::PrivateKeySigner),
    Bls(&'a bls_signatures::PrivateKey),
}

impl Node {
    /// Takes a signed native message into the pool, with its signature checked, under the
    /// hash Ethereum tools know it by (its CID's digest).
    pub fn push_native(&mut self, signed: SignedMessage) -> Result<B256, NodeError> {
        self.settle();
        signed.check(&self.key_address(&signed.message.from)?)?;
        self.pool_native(signed)
    }

    /// Signs `message` with the node's key for its sender and takes it into the pool (its
    /// signature is the node's own: not checked again); its hash and the signed message.
    pub fn push_own_native(
        &mut self,
        message: Message,
    ) -> Result<(B256, SignedMessage), NodeError> {
        self.settle();
        let signed = self.sign_native(message)?;
        let hash = self.pool_native(signed.clone())?;
        Ok((hash, signed))
    }

    fn pool_native(&mut self, signed: SignedMessage) -> Result<B256, NodeError> {
        let (from, envelope) = signed.eth_view(self.state.chain_ref(), self.chain_id())??;
        self.submit(SignedTx::native(signed, from, envelope))
    }

    /// The Ethereum address the pool knows a native sender by (its masked ID, or its f410
    /// address's), for its next nonce.
    pub fn native_sender(&self, from: &FilAddress) -> Result<Address, NodeError> {
        let found = self.state.chain_ref().actor_with_id(from)?;
        let (id, actor) = found.ok_or(NativeError::UnknownSender(*from))?;
        Ok(crate::trace::eth_of(id, actor.delegated_address))
    }

    /// `message` signed by the node's key for its sender.
    pub fn sign_native(&self, message: Message) -> Result<SignedMessage, NodeError> {
        let data = message_cid(&message).to_bytes();
        let signature = match self.key_for(&message.from)? {
            NodeKey::Secp256k1(signer) => secp_signature(signer, &data)?,
            NodeKey::Bls(key) => {
                Signature::new_bls(bls_signatures::Serialize::as_bytes(&key.sign(&data)))
            }
        };
        Ok(SignedMessage { message, signature })
    }

    /// The node's key for `from` (named by its key address or its ID), or why there is none.
    pub fn key_for(&self, from: &FilAddress) -> Result<NodeKey<'_>, NodeError> {
        let keys = &self.filecoin_keys;
        let address = self.key_address(from)?;
        if address == keys.root_address() {
            Ok(NodeKey::Secp256k1(&keys.root))
        } else if address == keys.owner_address() {
            Ok(NodeKey::Secp256k1(&keys.owner))
        } else if address == keys.worker_address() {
            Ok(NodeKey::Bls(&keys.worker))
        } else {
            Err(NodeError::Invalid(format!(
                "no key for {from}: the node signs for its own keys only ({}, {}, {})",
                keys.root_address(),
                keys.owner_address(),
                keys.worker_address()
            )))
        }
    }

    /// The key address behind `address` (itself unless it is an ID address).
    fn key_address(&self, address: &FilAddress) -> Result<FilAddress, NodeError> {
        if address.protocol() != Protocol::ID {
            return Ok(*address);
        }
        let chain = self.state.chain_ref();
        let found = chain.actor(address)?;
        let actor = found.ok_or(NativeError::UnknownSender(*address))?;
        let account: Option<actor_types::account::State> =
            fvm_ipld_encoding::CborStore::get_cbor(chain.store(), &actor.state)
                .ok()
                .flatten();
        Ok(account.map_or(*address, |account| account.address))
    }
}

/// A secp256k1 signature as Filecoin takes it: over the BLAKE2b-256 of the data, 65 bytes
/// with the recovery id last.
fn secp_signature(
    signer: &alloy_signer_local::PrivateKeySigner,
    data: &[u8],
) -> Result<Signature, NodeError> {
    let hash = Code::Blake2b256.digest(data);
    let (signature, recovery) = signer
        .credential()
        .sign_prehash_recoverable(hash.digest())
        .map_err(|e| NodeError::Internal(anyhow::anyhow!("signing a message: {e}")))?;
    let mut bytes = signature.to_bytes().to_vec();
    bytes.push(recovery.to_byte());
    Ok(Signature::new_secp256k1(bytes))
}
