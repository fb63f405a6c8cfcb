//! Ethereum transactions: decoding and checking a signed transaction, and the FVM message it
//! becomes, as Lotus maps them (FIP-0054/0055).

use std::sync::Arc;

use actor_types::{builtin::EAM_ACTOR_ADDR, eam, evm, token::wei_to_atto, EthAddress};
use alloy_consensus::{transaction::SignerRecoverable, Transaction as _, TxEnvelope};
use alloy_eips::eip2718::{Decodable2718, Encodable2718};
use alloy_primitives::{keccak256, Address, Bytes, TxKind, B256, U256};
use fvm_ipld_encoding::RawBytes;
use host::{Message, TokenAmount};

use crate::{native::SignedMessage, records::TxRecord};

/// A decoded transaction with its sender: an Ethereum transaction, or a Filecoin-native
/// message as Ethereum tools see it.
#[derive(Debug, Clone)]
pub struct SignedTx {
    pub hash: B256,
    /// The EIP-2718 encoding (of the Ethereum view, for a native message).
    pub raw: Bytes,
    pub from: Address,
    pub envelope: TxEnvelope,
    /// The Filecoin message itself, when it came as one (`Filecoin.MpoolPush`).
    pub native: Option<Arc<SignedMessage>>,
}

/// Why a transaction is refused before it runs. The messages are geth's, which tools match on.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TxError {
    #[error("failed to decode signed transaction: {0}")]
    Decode(String),
    #[error("transaction type not supported: {0}")]
    UnsupportedType(u8),
    #[error("invalid signature: {0}")]
    Signature(String),
    #[error("invalid chain id: have {have}, want {want}")]
    ChainId { have: u64, want: u64 },
    #[error("nonce too low: next nonce {next}, tx nonce {tx}")]
    NonceTooLow { next: u64, tx: u64 },
    #[error("insufficient funds for gas * price + value: have {have} want {want}")]
    InsufficientFunds { have: U256, want: U256 },
    #[error("intrinsic gas too low: have {have}, want {want}")]
    IntrinsicGas { have: u64, want: u64 },
    #[error("exceeds block gas limit: have {have}, limit {limit}")]
    GasLimit { have: u64, limit: u64 },
    #[error(
        "max fee per gas less than block base fee: maxFeePerGas: {fee_cap}, baseFee: {base_fee}"
    )]
    FeeCapTooLow { fee_cap: u128, base_fee: u128 },
    #[error("already known")]
    AlreadyKnown,
    #[error("max priority fee per gas higher than max fee per gas")]
    TipAboveFeeCap,
    #[error("replacement transaction underpriced")]
    ReplacementUnderpriced,
    #[error("txpool is full")]
    PoolFull,
}

impl SignedTx {
    /// Decodes an EIP-2718 transaction (legacy, with or without EIP-155, or EIP-1559) and
    /// recovers its sender.
    pub fn decode(raw: &[u8]) -> Result<Self, TxError> {
        let envelope = TxEnvelope::decode_2718_exact(raw).map_err(|e| {
            match raw.first() {
                // A typed envelope we do not take (EIP-2930, blobs, EIP-7702) decodes or not;
                // either way the answer is the same.
                Some(&ty) if ty <= 0x7f && ty != 2 => TxError::UnsupportedType(ty),
                _ => TxError::Decode(e.to_string()),
            }
        })?;
        if !matches!(envelope, TxEnvelope::Legacy(_) | TxEnvelope::Eip1559(_)) {
            return Err(TxError::UnsupportedType(envelope.tx_type() as u8));
        }
        let from = envelope
            .recover_signer()
            .map_err(|e| TxError::Signature(e.to_string()))?;
        Ok(Self::new(envelope, from))
    }

    /// A transaction from `from` (recovered, or impersonated with a placeholder signature).
    pub fn new(envelope: TxEnvelope, from: Address) -> Self {
        let raw = Bytes::from(envelope.encoded_2718());
        Self {
            hash: keccak256(&raw),
            raw,
            from,
            envelope,
            native: None,
        }
    }

    /// A Filecoin-native message, with the sender and transaction Ethereum tools see for it
    /// ([`SignedMessage::eth_view`]); its hash is the message's CID digest.
    pub fn native(message: SignedMessage, from: Address, envelope: TxEnvelope) -> Self {
        Self {
            hash: message.eth_hash(),
            raw: Bytes::from(envelope.encoded_2718()),
            from,
            envelope,
            native: Some(Arc::new(message)),
        }
    }

    /// A mined transaction again, as it was sent.
    pub fn from_record(record: &TxRecord) -> anyhow::Result<Self> {
        let envelope = record.envelope()?;
        Ok(match &record.native {
            None => Self::new(envelope, record.from),
            Some(bytes) => Self::native(SignedMessage::from_bytes(bytes)?, record.from, envelope),
        })
    }

    /// The FVM message this transaction becomes (a native message is one already).
    pub fn message(&self) -> Message {
        if let Some(native) = &self.native {
            return native.message.clone();
        }
        let tx = &self.envelope;
        let mut message = call_message(self.from, tx.kind(), tx.input(), tx.value());
        message.sequence = tx.nonce();
        message.gas_limit = tx.gas_limit();
        message.gas_fee_cap = TokenAmount::from_atto(tx.max_fee_per_gas());
        message.gas_premium = TokenAmount::from_atto(
            tx.max_priority_fee_per_gas()
                .unwrap_or_else(|| tx.max_fee_per_gas()),
        );
        message
    }

    /// The most the sender can pay: value plus gas limit times fee cap (the product always
    /// fits a word; the sum saturates, which no balance reaches).
    pub fn max_cost(&self) -> U256 {
        let tx = &self.envelope;
        let gas = U256::from(tx.gas_limit()) * U256::from(tx.max_fee_per_gas());
        tx.value().saturating_add(gas)
    }

    /// As JSON-RPC shows a transaction not yet in a block.
    pub fn rpc_transaction(&self) -> alloy_rpc_types_eth::Transaction {
        alloy_rpc_types_eth::Transaction {
            inner: alloy_consensus::transaction::Recovered::new_unchecked(
                self.envelope.clone(),
                self.from,
            ),
            block_hash: None,
            block_number: None,
            transaction_index: None,
            effective_gas_price: None,
            block_timestamp: None,
        }
    }

    /// What each unit of gas costs in a block with `base_fee`.
    pub fn effective_gas_price(&self, base_fee: u128) -> u128 {
        self.envelope.effective_gas_price(Some(base_fee as u64))
    }
}

/// The message for a call or deploy from `from`, as Lotus builds it: a deploy (no recipient)
/// is the EAM's `CreateExternal` with the initcode; anything else, a plain transfer included,
/// is `InvokeContract` on the recipient's f410 (or masked ID) address, so that a contract's
/// `receive()` runs. Nonce, gas and fees are left for the caller.
pub fn call_message(from: Address, kind: TxKind, input: &[u8], value: U256) -> Message {
    let (to, method) = match kind {
        TxKind::Create => (EAM_ACTOR_ADDR, eam::method::CREATE_EXTERNAL),
        TxKind::Call(to) => (
            EthAddress::from(to).to_filecoin(),
            evm::method::INVOKE_CONTRACT,
        ),
    };
    let params = if input.is_empty() {
        RawBytes::default()
    } else {
        RawBytes::serialize(fvm_ipld_encoding::BytesSer(input)).expect("bytes serialize")
    };
    Message {
        version: 0,
        from: EthAddress::from(from).to_f410(),
        to,
        sequence: 0,
        value: wei_to_atto(value),
        method_num: method,
        params,
        gas_limit: 0,
        gas_fee_cap: TokenAmount::default(),
        gas_premium: TokenAmount::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_decode_error() {
        assert!(matches!(
            SignedTx::decode(&[0xf8, 0x01]),
            Err(TxError::Decode(_))
        ));
        assert!(matches!(SignedTx::decode(&[]), Err(TxError::Decode(_))));
    }

    #[test]
    fn typed_envelopes_other_than_1559_are_refused() {
        assert_eq!(
            SignedTx::decode(&[0x01, 0xc0]).unwrap_err(),
            TxError::UnsupportedType(1)
        );
        assert_eq!(
            SignedTx::decode(&[0x03, 0xc0]).unwrap_err(),
            TxError::UnsupportedType(3)
        );
    }
}
