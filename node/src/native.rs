//! Filecoin-native messages (`Filecoin.MpoolPush`): a signed message as Lotus sends and stores
//! it, its CID, the check of its signature, and the Ethereum transaction Ethereum tools see for
//! it, as Lotus shows a native message in `eth_getBlockByNumber` (`ethTxFromNativeMessage`).

use actor_types::{builtin::EAM_ACTOR_ADDR, eam, evm, token::atto_to_wei, EthAddress};
use alloy_consensus::{Signed, TxEip1559, TxEnvelope};
use alloy_primitives::{Address, Bytes, Signature as EthSignature, TxKind, B256, U256};
use cid::Cid;
use fvm_ipld_encoding::{tuple::*, RawBytes};
use fvm_shared::{
    address::{Address as FilAddress, Protocol},
    crypto::signature::{Signature, SignatureType},
    econ::TokenAmount,
    message::Message,
};
use host::Chain;
use multihash_codetable::{Code, MultihashDigest};

use crate::trace::eth_of;

/// DAG-CBOR: the codec of a message's CID (and a tipset key's).
pub const DAG_CBOR: u64 = 0x71;
/// The multicodec Lotus names when it shows a native message's CBOR parameters as ABI.
const CBOR_CODEC: u64 = 0x51;
/// Where Lotus points a native message whose recipient does not exist (yet):
/// `0xff0000000000000000000000ffffffffffffffff`.
const MISSING_RECIPIENT: Address = Address::new([
    0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
]);

/// A message and its sender's signature, as Lotus encodes it (a CBOR pair).
#[derive(Debug, Clone, PartialEq, Serialize_tuple, Deserialize_tuple)]
pub struct SignedMessage {
    pub message: Message,
    pub signature: Signature,
}

/// Why a native message is refused before it runs, in Lotus's words where it has them.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NativeError {
    #[error("signature verification failed: {0}")]
    Signature(String),
    #[error("{0} signatures are not taken here (secp256k1 and BLS are)")]
    SignatureType(&'static str),
    #[error("failed to resolve sender {0}: actor not found")]
    UnknownSender(FilAddress),
    #[error("the sender {0} has no key: only f1 and f3 accounts sign messages")]
    Keyless(FilAddress),
    #[error("message has no gas limit set")]
    NoGasLimit,
    #[error("message version {0} not supported (0 is)")]
    Version(u64),
}

impl SignedMessage {
    /// The CID Lotus names the message by: a BLS message's is its unsigned message's (the
    /// block carries one aggregate signature), any other's its signed message's.
    pub fn cid(&self) -> Cid {
        match self.signature.sig_type {
            SignatureType::BLS => message_cid(&self.message),
            SignatureType::Secp256k1 => cbor_cid(self),
        }
    }

    /// The hash Ethereum tools know the message by: its CID's digest (Lotus's mapping).
    pub fn eth_hash(&self) -> B256 {
        B256::from_slice(&self.cid().hash().digest()[..32])
    }

    /// Checks what Lotus's message pool checks before anything runs: a version it knows, a
    /// gas limit, and the signature over the message's CID by `signer`, the sender's key
    /// address (the sender itself, or the key behind its ID).
    pub fn check(&self, signer: &FilAddress) -> Result<(), NativeError> {
        if self.message.version != 0 {
            return Err(NativeError::Version(self.message.version));
        }
        if self.message.gas_limit == 0 {
            return Err(NativeError::NoGasLimit);
        }
        if self.message.from.protocol() == Protocol::Delegated {
            return Err(NativeError::SignatureType("delegated (f410)"));
        }
        if signer.protocol() == Protocol::ID {
            return Err(NativeError::Keyless(self.message.from));
        }
        self.signature
            .verify(&message_cid(&self.message).to_bytes(), signer)
            .map_err(NativeError::Signature)
    }

    pub fn to_bytes(&self) -> Bytes {
        fvm_ipld_encoding::to_vec(self)
            .expect("a message serialises")
            .into()
    }

    pub fn from_bytes(bytes: &[u8]) -> anyhow::Result<Self> {
        Ok(fvm_ipld_encoding::from_slice(bytes)?)
    }

    /// The Ethereum sender and transaction tools see for this message on `chain` (after the
    /// message ran, so that an actor it created has its address): Lotus's mapping, an
    /// EIP-1559 transaction with an empty signature and the message's CID digest as hash.
    pub fn eth_view(
        &self,
        chain: &Chain,
        chain_id: u64,
    ) -> anyhow::Result<Result<(Address, TxEnvelope), NativeError>> {
        let message = &self.message;
        let Some(from) = eth_address(chain, &message.from)? else {
            return Ok(Err(NativeError::UnknownSender(message.from)));
        };
        let to = eth_address(chain, &message.to)?.unwrap_or(MISSING_RECIPIENT);
        let (to, input) = eth_call_of(message, to);
        let tx = TxEip1559 {
            chain_id,
            nonce: message.sequence,
            gas_limit: message.gas_limit,
            max_fee_per_gas: as_u128(&message.gas_fee_cap),
            max_priority_fee_per_gas: as_u128(&message.gas_premium),
            to,
            value: atto_to_wei(&message.value),
            access_list: Default::default(),
            input,
        };
        let unsigned = EthSignature::new(U256::ZERO, U256::ZERO, false);
        let envelope = TxEnvelope::Eip1559(Signed::new_unchecked(tx, unsigned, self.eth_hash()));
        Ok(Ok((from, envelope)))
    }
}

/// The CID of an unsigned message: what its sender signs.
pub fn message_cid(message: &Message) -> Cid {
    cbor_cid(message)
}

fn cbor_cid(value: &impl serde::Serialize) -> Cid {
    let bytes = fvm_ipld_encoding::to_vec(value).expect("a message serialises");
    Cid::new_v1(DAG_CBOR, Code::Blake2b256.digest(&bytes))
}

/// The Ethereum address of an actor: its f410 address's, or its masked ID; `None` if there is
/// no such actor.
fn eth_address(chain: &Chain, address: &FilAddress) -> anyhow::Result<Option<Address>> {
    if let Some(eth) = EthAddress::from_f410(address) {
        return Ok(Some(eth.into()));
    }
    Ok(chain
        .actor_with_id(address)?
        .map(|(id, actor)| eth_of(id, actor.delegated_address)))
}

/// What an Ethereum transaction's recipient and input would be for `message`: a contract call's
/// calldata and an EAM deploy's initcode as they are (a deploy without recipient), any other
/// method as `handle_filecoin_method(method, codec, params)`, as Lotus shows them.
fn eth_call_of(message: &Message, to: Address) -> (TxKind, Bytes) {
    let payload = || -> Option<Bytes> {
        if message.params.is_empty() {
            return Some(Bytes::new());
        }
        let bytes: fvm_ipld_encoding::BytesDe = message.params.deserialize().ok()?;
        Some(bytes.0.into())
    };
    if message.method_num == evm::method::INVOKE_CONTRACT {
        if let Some(calldata) = payload() {
            return (TxKind::Call(to), calldata);
        }
    } else if message.to == EAM_ACTOR_ADDR && message.method_num == eam::method::CREATE_EXTERNAL {
        if let Some(initcode) = payload() {
            return (TxKind::Create, initcode);
        }
    }
    (
        TxKind::Call(to),
        native_method_input(message.method_num, &message.params),
    )
}

/// `handle_filecoin_method(method, codec, params)`'s calldata for a native message's params.
fn native_method_input(method: u64, params: &RawBytes) -> Bytes {
    let codec = if params.is_empty() { 0 } else { CBOR_CODEC };
    evm::handle_filecoin_method_input(method, codec, params.bytes()).into()
}

/// A token amount as an Ethereum fee field holds it (saturating: no fee cap reaches it).
fn as_u128(amount: &TokenAmount) -> u128 {
    atto_to_wei(amount).saturating_to()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transfer() -> Message {
        Message {
            version: 0,
            from: FilAddress::new_id(100),
            to: FilAddress::new_id(99),
            sequence: 7,
            value: TokenAmount::from_atto(5),
            method_num: 0,
            params: RawBytes::default(),
            gas_limit: 1_000_000,
            gas_fee_cap: TokenAmount::from_atto(200),
            gas_premium: TokenAmount::from_atto(100),
        }
    }

    #[test]
    fn a_bls_message_is_named_by_its_unsigned_cid_and_a_secp_one_by_its_signed_cid() {
        let signed = |sig_type| SignedMessage {
            message: transfer(),
            signature: Signature {
                sig_type,
                bytes: vec![1; 65],
            },
        };
        let bls = signed(SignatureType::BLS);
        assert_eq!(bls.cid(), message_cid(&transfer()));
        let secp = signed(SignatureType::Secp256k1);
        assert_ne!(secp.cid(), message_cid(&transfer()));
        assert_eq!(
            secp.eth_hash().as_slice(),
            &secp.cid().hash().digest()[..32]
        );
        let back = SignedMessage::from_bytes(&secp.to_bytes()).unwrap();
        assert_eq!(back, secp);
    }

    #[test]
    fn a_method_call_is_shown_as_handle_filecoin_method() {
        let params = RawBytes::new(vec![0x82, 0x01, 0x02]);
        let input = native_method_input(2, &params);
        assert_eq!(&input[..4], &evm::HANDLE_FILECOIN_METHOD_SELECTOR);
        assert_eq!(input[4 + 31], 2);
        assert_eq!(input[4 + 63], CBOR_CODEC as u8);
        assert_eq!(input[4 + 95], 96);
        assert_eq!(input[4 + 127], 3);
        assert_eq!(&input[4 + 128..4 + 131], params.bytes());
        assert_eq!(input.len(), 4 + 5 * 32);
        let empty = native_method_input(0, &RawBytes::default());
        assert_eq!(empty.len(), 4 + 4 * 32);
        assert_eq!(empty[4 + 63], 0, "no parameters, no codec");
    }

    #[test]
    fn a_contract_call_keeps_its_calldata() {
        let mut message = transfer();
        message.method_num = evm::method::INVOKE_CONTRACT;
        message.params = RawBytes::serialize(fvm_ipld_encoding::BytesSer(&[0xde, 0xad])).unwrap();
        let (to, input) = eth_call_of(&message, Address::ZERO);
        assert_eq!(to, TxKind::Call(Address::ZERO));
        assert_eq!(input.as_ref(), &[0xde, 0xad]);
    }

    #[test]
    fn a_forged_or_gas_less_message_is_refused() {
        let mut message = transfer();
        message.from = FilAddress::new_secp256k1(&[4; 65]).unwrap();
        let forged = SignedMessage {
            message: message.clone(),
            signature: Signature::new_secp256k1(vec![0; 65]),
        };
        let signer = forged.message.from;
        assert!(matches!(
            forged.check(&signer),
            Err(NativeError::Signature(_))
        ));
        message.gas_limit = 0;
        let no_gas = SignedMessage { message, ..forged };
        assert_eq!(no_gas.check(&signer), Err(NativeError::NoGasLimit));
    }
}
