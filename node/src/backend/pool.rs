//! Transactions on their way into a block: the checks a transaction passes at the door, those
//! pending for the next block, those queued until a nonce gap fills, replacement by fee, and the
//! transactions the node signs itself (dev accounts) or takes unsigned (impersonated accounts).

use std::collections::{BTreeMap, HashSet};

use actor_types::network::BLOCK_GAS_LIMIT;
use alloy_consensus::{
    SignableTransaction, Transaction as _, TxEip1559, TxEnvelope, TxLegacy, TypedTransaction,
};
use alloy_primitives::{Address, Signature, TxKind, B256, U256};
use fvm_shared::econ::TokenAmount;

use super::{
    calls::CallParams,
    error::NodeError,
    fees::{RequestedFees, BASE_FEE, DEFAULT_FEE_CAP, GAS_PRICE, PRIORITY_FEE},
    state::ChainState,
};
use crate::{
    accounts::DevAccount,
    tx::{SignedTx, TxError},
};

/// Most transactions waiting for a nonce gap to fill, per sender and in all (geth's defaults):
/// a client cannot fill the node's memory with transactions that may never run.
const MAX_QUEUED_PER_SENDER: usize = 64;
const MAX_QUEUED: usize = 1024;
/// A replacement must raise both the fee cap and the tip by this many percent (geth's).
const PRICE_BUMP_PERCENT: u128 = 10;

pub struct Pool {
    /// The accounts whose keys the node holds.
    accounts: Vec<DevAccount>,
    /// Senders whose transactions the node takes without a signature.
    impersonated: HashSet<Address>,
    /// Whether every sender without a key is taken without a signature.
    pub auto_impersonate: bool,
    /// Transactions whose nonces follow on from their senders' (the next block takes them, in
    /// the order they came).
    pending: Vec<SignedTx>,
    /// Transactions with a nonce beyond their sender's next: they wait for the gap to fill.
    queued: BTreeMap<Address, BTreeMap<u64, SignedTx>>,
}

/// Where an admitted transaction went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admitted {
    /// Ready for the next block (and so were any queued ones it freed).
    Pending,
    /// Waiting for a lower nonce from its sender.
    Queued,
}

impl Pool {
    pub fn new(accounts: Vec<DevAccount>) -> Self {
        Self {
            accounts,
            impersonated: HashSet::new(),
            auto_impersonate: false,
            pending: Vec::new(),
            queued: BTreeMap::new(),
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
        self.auto_impersonate = false;
    }

    /// How many transactions from `address` are pending (the queued ones wait for a gap).
    pub fn pending_from(&self, address: Address) -> u64 {
        self.pending.iter().filter(|tx| tx.from == address).count() as u64
    }

    /// The pending transactions, for the next block.
    pub fn take(&mut self) -> Vec<SignedTx> {
        std::mem::take(&mut self.pending)
    }

    /// Forgets every transaction (the chain went back, and their nonces may mean nothing).
    pub fn clear(&mut self) {
        self.pending.clear();
        self.queued.clear();
    }

    pub fn pending(&self) -> &[SignedTx] {
        &self.pending
    }

    pub fn queued(&self) -> impl Iterator<Item = &SignedTx> {
        self.queued.values().flat_map(|by_nonce| by_nonce.values())
    }

    pub fn get(&self, hash: B256) -> Option<&SignedTx> {
        self.pending
            .iter()
            .chain(self.queued())
            .find(|tx| tx.hash == hash)
    }

    /// `anvil_dropTransaction`: removes `hash`, and with a pending one the sender's later
    /// pending transactions (their nonces no longer follow on), which wait queued instead.
    pub fn drop_transaction(&mut self, hash: B256) -> Option<SignedTx> {
        if let Some(at) = self.pending.iter().position(|tx| tx.hash == hash) {
            let dropped = self.pending.remove(at);
            let nonce = dropped.envelope.nonce();
            let (later, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
                .into_iter()
                .partition(|tx| tx.from == dropped.from && tx.envelope.nonce() > nonce);
            self.pending = kept;
            let waiting = self.queued.entry(dropped.from).or_default();
            waiting.extend(later.into_iter().map(|tx| (tx.envelope.nonce(), tx)));
            return Some(dropped);
        }
        let (&from, nonce) = self.queued.iter().find_map(|(from, by_nonce)| {
            let nonce = by_nonce.iter().find(|(_, tx)| tx.hash == hash)?.0;
            Some((from, *nonce))
        })?;
        let waiting = self.queued.get_mut(&from)?;
        let dropped = waiting.remove(&nonce);
        if waiting.is_empty() {
            self.queued.remove(&from);
        }
        dropped
    }

    /// Checks `tx` against the head state and the pool, in geth's order and words, and takes
    /// it: pending when its nonce is its sender's next (then the queued ones it frees follow),
    /// queued when beyond, or in place of a transaction with its nonce that it outbids by
    /// [`PRICE_BUMP_PERCENT`].
    pub fn admit(&mut self, state: &ChainState, tx: SignedTx) -> Result<Admitted, TxError> {
        let (first, balance) = state.account(tx.from);
        self.check(state, &tx, &balance)?;
        let nonce = tx.envelope.nonce();
        let next = first + self.pending_from(tx.from);
        if nonce < first {
            return Err(TxError::NonceTooLow {
                next: first,
                tx: nonce,
            });
        }
        if nonce < next {
            let at = self
                .pending
                .iter()
                .position(|p| p.from == tx.from && p.envelope.nonce() == nonce)
                .expect("a pending transaction for each nonce below the next");
            outbids(&tx, &self.pending[at])?;
            self.pending[at] = tx;
            return Ok(Admitted::Pending);
        }
        if nonce > next {
            return self.enqueue(tx);
        }
        let from = tx.from;
        self.pending.push(tx);
        self.promote(from, next + 1);
        Ok(Admitted::Pending)
    }

    fn enqueue(&mut self, tx: SignedTx) -> Result<Admitted, TxError> {
        let total: usize = self.queued.values().map(BTreeMap::len).sum();
        let waiting = self.queued.entry(tx.from).or_default();
        let nonce = tx.envelope.nonce();
        match waiting.get(&nonce) {
            Some(old) => outbids(&tx, old)?,
            None if waiting.len() >= MAX_QUEUED_PER_SENDER || total >= MAX_QUEUED => {
                return Err(TxError::PoolFull)
            }
            None => {}
        }
        waiting.insert(nonce, tx);
        Ok(Admitted::Queued)
    }

    /// Moves `from`'s queued transactions whose nonces follow on from `next` to pending.
    fn promote(&mut self, from: Address, mut next: u64) {
        let Some(waiting) = self.queued.get_mut(&from) else {
            return;
        };
        while let Some(tx) = waiting.remove(&next) {
            self.pending.push(tx);
            next += 1;
        }
        if waiting.is_empty() {
            self.queued.remove(&from);
        }
    }

    /// What any transaction must pass, whatever its nonce; `balance` is its sender's.
    fn check(
        &self,
        state: &ChainState,
        tx: &SignedTx,
        balance: &TokenAmount,
    ) -> Result<(), TxError> {
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
        if self.get(tx.hash).is_some() || matches!(state.db().transaction(&tx.hash.0), Ok(Some(_)))
        {
            return Err(TxError::AlreadyKnown);
        }
        let gas = envelope.gas_limit();
        if gas > BLOCK_GAS_LIMIT {
            return Err(TxError::GasLimit {
                have: gas,
                limit: BLOCK_GAS_LIMIT,
            });
        }
        let want = state.inclusion_gas(&tx.message());
        if gas < want {
            return Err(TxError::IntrinsicGas { have: gas, want });
        }
        if envelope.max_fee_per_gas() < BASE_FEE {
            return Err(TxError::FeeCapTooLow {
                fee_cap: envelope.max_fee_per_gas(),
                base_fee: BASE_FEE,
            });
        }
        let have = actor_types::token::atto_to_wei(balance);
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
        fees: RequestedFees,
    ) -> Result<SignedTx, NodeError> {
        let from = call
            .from
            .ok_or_else(|| NodeError::Invalid("from is required".into()))?;
        let to = call.to.map(TxKind::Call).unwrap_or(TxKind::Create);
        let tx: TypedTransaction = match fees {
            RequestedFees::Legacy { gas_price } => TxLegacy {
                chain_id: Some(chain_id),
                nonce,
                gas_price: gas_price.unwrap_or(GAS_PRICE),
                gas_limit: gas,
                to,
                value: call.value,
                input: call.input,
            }
            .into(),
            RequestedFees::Eip1559 { max_fee_per_gas } => TxEip1559 {
                chain_id,
                nonce,
                gas_limit: gas,
                max_fee_per_gas: max_fee_per_gas.unwrap_or(DEFAULT_FEE_CAP),
                max_priority_fee_per_gas: PRIORITY_FEE,
                to,
                value: call.value,
                access_list: Default::default(),
                input: call.input,
            }
            .into(),
        };
        let signature = if let Some(account) = self.accounts.iter().find(|a| a.address() == from) {
            account.sign(&tx.signature_hash())?
        } else if self.auto_impersonate || self.impersonated.contains(&from) {
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

/// Whether `new` may replace `old` (same sender and nonce): both its fee cap and its tip at
/// least [`PRICE_BUMP_PERCENT`] higher, as geth asks.
fn outbids(new: &SignedTx, old: &SignedTx) -> Result<(), TxError> {
    let bumped = |old: u128| old.saturating_mul(100 + PRICE_BUMP_PERCENT).div_ceil(100);
    let tip = |tx: &SignedTx| {
        let envelope = &tx.envelope;
        envelope
            .max_priority_fee_per_gas()
            .unwrap_or_else(|| envelope.max_fee_per_gas())
    };
    let fee_cap = |tx: &SignedTx| tx.envelope.max_fee_per_gas();
    if fee_cap(new) < bumped(fee_cap(old)) || tip(new) < bumped(tip(old)) {
        return Err(TxError::ReplacementUnderpriced);
    }
    Ok(())
}
