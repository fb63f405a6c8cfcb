//! What the node keeps of each block and transaction, and how JSON-RPC shows it.

use alloy_consensus::{
    Eip658Value, Header, Receipt, ReceiptEnvelope, ReceiptWithBloom, Transaction as _, TxEnvelope,
};
use alloy_eips::eip2718::{Decodable2718, Typed2718};
use alloy_primitives::{Address, Bloom, Bytes, Log, B256};
use alloy_rpc_types_eth as rpc;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// A sealed block.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BlockRecord {
    pub number: u64,
    pub hash: B256,
    pub header: Header,
    /// The FVM state root after the block and the end of its epoch (a CID); the state after
    /// its messages until the end of its epoch is recorded. The header's `stateRoot` is the
    /// state after its messages.
    pub state_root: String,
    /// The state root the block started from (a CID): its parent's, or a later direct edit.
    pub parent_state_root: String,
    pub transactions: Vec<B256>,
}

/// A mined transaction: the signed transaction, where it landed, and its receipt.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TxRecord {
    pub hash: B256,
    /// The EIP-2718 encoding (what `eth_sendRawTransaction` received).
    pub raw: Bytes,
    /// The sender, recovered from the signature (or impersonated).
    pub from: Address,
    pub block_number: u64,
    pub block_hash: B256,
    pub index: u64,
    pub receipt: ReceiptRecord,
    /// The signed Filecoin message (CBOR), when the transaction came as one; `raw` is then the
    /// Ethereum view of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native: Option<Bytes>,
}

/// The outcome of a mined transaction.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReceiptRecord {
    pub success: bool,
    /// FVM exit code (0 on success, 33 for a revert, ...).
    pub exit_code: u32,
    /// FVM gas used.
    pub gas_used: u64,
    pub cumulative_gas_used: u64,
    pub effective_gas_price: u128,
    pub contract_address: Option<Address>,
    pub logs: Vec<alloy_primitives::Log>,
    /// Index in the block of this transaction's first log.
    pub first_log_index: u64,
    /// What a native message returned (its CBOR), for `Filecoin.StateWaitMsg`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_data: Option<Bytes>,
}

impl TxRecord {
    pub fn envelope(&self) -> Result<TxEnvelope> {
        let envelope = TxEnvelope::decode_2718(&mut self.raw.as_ref())
            .context("a stored transaction is damaged")?;
        Ok(match envelope {
            // A native message's Ethereum view is named by the message's CID, not its hash.
            TxEnvelope::Eip1559(signed) if self.native.is_some() => {
                let (tx, signature, _) = signed.into_parts();
                TxEnvelope::Eip1559(alloy_consensus::Signed::new_unchecked(
                    tx, signature, self.hash,
                ))
            }
            envelope => envelope,
        })
    }

    pub fn rpc_transaction(&self, timestamp: Option<u64>) -> Result<rpc::Transaction> {
        Ok(rpc::Transaction {
            inner: alloy_consensus::transaction::Recovered::new_unchecked(
                self.envelope()?,
                self.from,
            ),
            block_hash: Some(self.block_hash),
            block_number: Some(self.block_number),
            transaction_index: Some(self.index),
            effective_gas_price: Some(self.receipt.effective_gas_price),
            block_timestamp: timestamp,
        })
    }

    pub fn rpc_logs(&self, timestamp: u64) -> Vec<rpc::Log> {
        (0..self.receipt.logs.len())
            .map(|i| self.rpc_log(i, timestamp))
            .collect()
    }

    /// This transaction's log `i` as JSON-RPC shows it.
    pub fn rpc_log(&self, i: usize, timestamp: u64) -> rpc::Log {
        rpc::Log {
            inner: self.receipt.logs[i].clone(),
            block_hash: Some(self.block_hash),
            block_number: Some(self.block_number),
            block_timestamp: Some(timestamp),
            transaction_hash: Some(self.hash),
            transaction_index: Some(self.index),
            log_index: Some(self.receipt.first_log_index + i as u64),
            removed: false,
        }
    }

    pub fn rpc_receipt(&self, timestamp: u64) -> Result<rpc::TransactionReceipt> {
        let envelope = self.envelope()?;
        let logs = self.rpc_logs(timestamp);
        let receipt = ReceiptWithBloom {
            logs_bloom: bloom(&self.receipt.logs),
            receipt: Receipt {
                status: Eip658Value::Eip658(self.receipt.success),
                cumulative_gas_used: self.receipt.cumulative_gas_used,
                logs,
            },
        };
        let inner = match envelope.ty() {
            0 => ReceiptEnvelope::Legacy(receipt),
            1 => ReceiptEnvelope::Eip2930(receipt),
            _ => ReceiptEnvelope::Eip1559(receipt),
        };
        Ok(rpc::TransactionReceipt {
            inner,
            transaction_hash: self.hash,
            transaction_index: Some(self.index),
            block_hash: Some(self.block_hash),
            block_number: Some(self.block_number),
            gas_used: self.receipt.gas_used,
            effective_gas_price: self.receipt.effective_gas_price,
            blob_gas_used: None,
            blob_gas_price: None,
            from: self.from,
            to: envelope.to(),
            contract_address: self.receipt.contract_address,
        })
    }
}

impl BlockRecord {
    /// The block as JSON-RPC shows it, with full transactions or their hashes.
    pub fn rpc_block(&self, transactions: Option<Vec<rpc::Transaction>>) -> rpc::Block {
        let transactions = match transactions {
            Some(full) => rpc::BlockTransactions::Full(full),
            None => rpc::BlockTransactions::Hashes(self.transactions.clone()),
        };
        let size = alloy_rlp::Encodable::length(&self.header);
        rpc::Block {
            header: rpc::Header {
                hash: self.hash,
                inner: self.header.clone(),
                total_difficulty: Some(Default::default()),
                size: Some(alloy_primitives::U256::from(size)),
            },
            uncles: Vec::new(),
            transactions,
            withdrawals: None,
        }
    }
}

/// An EVM log of the FVM's, as Ethereum's types hold it.
pub fn eth_log(log: &host::EvmLog) -> Log {
    Log::new_unchecked(
        log.address.into(),
        log.topics.iter().map(|&topic| B256::from(topic)).collect(),
        log.data.clone().into(),
    )
}

/// The logs bloom of `logs`.
pub fn bloom(logs: &[alloy_primitives::Log]) -> Bloom {
    let mut bloom = Bloom::default();
    for log in logs {
        bloom.accrue_log(log);
    }
    bloom
}
