//! Transactions on their way into a block: the checks a transaction passes at the door, the
//! queue of those waiting for the next interval block, and the transactions the node signs
//! itself (dev accounts) or takes unsigned (impersonated accounts).

use std::collections::HashSet;

use actor_types::network::BLOCK_GAS_LIMIT;
use alloy_consensus::{SignableTransaction, Transaction as _, TxEip1559, TxEnvelope};
use alloy_primitives::{Address, Signature, TxKind, B256, U256};

use super::{
    calls::CallParams,
    error::NodeError,
    fees::{BASE_FEE, PRIORITY_FEE},
    state::ChainState,
};
use crate::{
    accounts::DevAccount,
    tx::{SignedTx, TxError},
};

pub struct Pool {
    /// The accounts whose keys the node holds.
    accounts: Vec<DevAccount>,
    /// Senders whose transactions the node takes without a signature.
    impersonated: HashSet<Address>,
    /// Transactions waiting for the next interval block.
    queue: Vec<SignedTx>,
}

impl Pool {
    pub fn new(accounts: Vec<DevAccount>) -> Self {
        Self {
            accounts,
            impersonated: HashSet::new(),
            queue: Vec::new(),
        }
    }

    pub fn accounts(&self) -> &[DevAccount] {
        &self.accounts
    }

    pub fn impersonate(&mut self, address: Address, on: bool) {
        if on {
            self.impersonated.insert(address);
        } else {
            self.impersonated.remove(&address);
        }
    }

    pub fn stop_impersonating_all(&mut self) {
        self.impersonated.clear();
    }

    pub fn is_queued(&self, hash: B256) -> bool {
        self.queue.iter().any(|tx| tx.hash == hash)
    }

    /// How many transactions from `address` wait for the next block.
    pub fn queued_from(&self, address: Address) -> u64 {
        self.queue.iter().filter(|tx| tx.from == address).count() as u64
    }

    pub fn push(&mut self, tx: SignedTx) {
        self.queue.push(tx);
    }

    /// The queued transactions, for the next block.
    pub fn take(&mut self) -> Vec<SignedTx> {
        std::mem::take(&mut self.queue)
    }

    pub fn clear(&mut self) {
        self.queue.clear();
    }

    /// Checks `tx` against the head state and the queue, in geth's order and words.
    pub fn validate(&self, state: &ChainState, tx: &SignedTx) -> Result<(), TxError> {
        let envelope = &tx.envelope;
        if let Some(have) = envelope.chain_id() {
            if have != state.chain_id() {
                return Err(TxError::ChainId {
                    have,
                    want: state.chain_id(),
                });
            }
        }
        if envelope
            .max_priority_fee_per_gas()
            .is_some_and(|tip| tip > envelope.max_fee_per_gas())
        {
            return Err(TxError::TipAboveFeeCap);
        }
        if self.is_queued(tx.hash) || matches!(state.db().transaction(&tx.hash.0), Ok(Some(_))) {
            return Err(TxError::AlreadyKnown);
        }
        let (nonce, balance) = state.account(tx.from);
        let next = nonce + self.queued_from(tx.from);
        match envelope.nonce() {
            n if n < next => return Err(TxError::NonceTooLow { next, tx: n }),
            n if n > next => return Err(TxError::NonceTooHigh { next, tx: n }),
            _ => {}
        }
        let gas = envelope.gas_limit();
        if gas > BLOCK_GAS_LIMIT {
            return Err(TxError::GasLimit {
                have: gas,
                limit: BLOCK_GAS_LIMIT,
            });
        }
        let want = state.chain_ref().inclusion_gas(&tx.message());
        if gas < want {
            return Err(TxError::IntrinsicGas { have: gas, want });
        }
        if envelope.max_fee_per_gas() < BASE_FEE {
            return Err(TxError::FeeCapTooLow {
                fee_cap: envelope.max_fee_per_gas(),
                base_fee: BASE_FEE,
            });
        }
        let have = actor_types::token::atto_to_wei(&balance);
        if have < tx.max_cost() {
            return Err(TxError::InsufficientFunds {
                have,
                want: tx.max_cost(),
            });
        }
        Ok(())
    }

    /// A transaction from a dev account, signed with its key, or from an impersonated one.
    pub fn dev_transaction(
        &self,
        chain_id: u64,
        call: CallParams,
        nonce: u64,
        gas: u64,
    ) -> Result<SignedTx, NodeError> {
        let from = call
            .from
            .ok_or_else(|| NodeError::Invalid("from is required".into()))?;
        let tx = TxEip1559 {
            chain_id,
            nonce,
            gas_limit: gas,
            max_fee_per_gas: 2 * BASE_FEE + PRIORITY_FEE,
            max_priority_fee_per_gas: PRIORITY_FEE,
            to: call.to.map(TxKind::Call).unwrap_or(TxKind::Create),
            value: call.value,
            access_list: Default::default(),
            input: call.input,
        };
        let signature = if let Some(account) = self.accounts.iter().find(|a| a.address() == from) {
            account.sign(&tx.signature_hash())?
        } else if self.impersonated.contains(&from) {
            // Anvil's convention: impersonated transactions carry a fixed placeholder signature.
            Signature::new(U256::from(1), U256::from(1), false)
        } else {
            return Err(NodeError::Invalid(format!(
                "no key for {from}: not a dev account and not impersonated"
            )));
        };
        let envelope = TxEnvelope::from(tx.into_signed(signature));
        Ok(SignedTx::new(envelope, from))
    }
}
