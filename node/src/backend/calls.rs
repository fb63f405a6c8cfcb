//! Calls that change nothing: `eth_call` and `eth_estimateGas`. Each runs on a scratch chain
//! of its own ([`super::ChainState::view`]), so the node is not held while the FVM runs.

use actor_types::{eam::CreateReturn, evm::exit::REVERTED, network::BLOCK_GAS_LIMIT, EthAddress};
use alloy_primitives::{Address, Bytes, TxKind, U256};
use anyhow::Result;
use host::{Chain, ExitCode, Message, Outcome, TokenAmount};

use super::{
    error::NodeError,
    fees::{DEFAULT_FEE_CAP, PRIORITY_FEE},
};
use crate::tx::{self, TxError};

/// A call's parameters (`eth_call`, `eth_estimateGas`, `eth_sendTransaction`).
#[derive(Debug, Clone, Default)]
pub struct CallParams {
    pub from: Option<Address>,
    pub to: Option<Address>,
    pub gas: Option<u64>,
    pub value: U256,
    pub input: Bytes,
}

/// Runs a call on `chain` (`eth_call`). A call without `to` runs initcode, and answers the
/// code it deployed, as anvil and geth do (Lotus answers nothing; tools that simulate a
/// deployment look at the code).
pub fn call(chain: Chain, call: &CallParams) -> Result<Bytes, NodeError> {
    let (chain, message) = prepare(chain, call)?;
    if call.to.is_some() {
        let outcome = chain.simulate(message)?;
        check(&outcome)?;
        return Ok(outcome.output().into());
    }
    let (outcome, after) = chain.simulate_to_state(message)?;
    check(&outcome)?;
    let created: CreateReturn = fvm_ipld_encoding::from_slice(outcome.return_data.bytes())
        .map_err(|e| NodeError::Internal(anyhow::anyhow!("the EAM's answer: {e}")))?;
    Ok(after.code(created.eth_address)?.into())
}

/// The gas limit a transaction needs (`eth_estimateGas`): FVM gas, found by running it.
pub fn estimate_gas(chain: Chain, call: &CallParams) -> Result<u64, NodeError> {
    let (chain, message) = prepare_explicit(chain, call)?;
    fit_gas_limit(&chain, message, call.gas.is_none())
}

/// A native message with what it leaves out filled in (`Filecoin.GasEstimateMessageGas`): its
/// gas limit found as [`estimate_gas`] finds it (run with the sender's nonce on `chain`), and
/// the node's fee cap and tip, as `eth_sendTransaction` pays them.
pub fn estimate_message_gas(chain: Chain, mut message: Message) -> Result<Message, NodeError> {
    if message.gas_limit == 0 {
        let mut probe = message.clone();
        probe.sequence = chain.actor(&message.from)?.map_or(0, |a| a.sequence);
        probe.gas_fee_cap = TokenAmount::default();
        probe.gas_premium = TokenAmount::default();
        probe.gas_limit = BLOCK_GAS_LIMIT;
        message.gas_limit = fit_gas_limit(&chain, probe, true)?;
    }
    if message.gas_fee_cap.is_zero() {
        message.gas_fee_cap = TokenAmount::from_atto(DEFAULT_FEE_CAP);
    }
    if message.gas_premium.is_zero() {
        message.gas_premium = TokenAmount::from_atto(PRIORITY_FEE);
    }
    Ok(message)
}

/// The gas limit `message` needs on `chain`, found by running it with its limit, or, to
/// `probe`, with as much as a block has.
fn fit_gas_limit(chain: &Chain, mut message: Message, probe: bool) -> Result<u64, NodeError> {
    // The limit is part of the message, whose length the FVM charges for. A limit below 2^32
    // takes five CBOR bytes and a block's (10 billion) nine, so a probe at a block's limit
    // would use a few hundred gas more than the message sent with the estimate: probe below
    // 2^32 first, as the estimate will be.
    let mut outcome = None;
    if probe {
        message.gas_limit = BLOCK_GAS_LIMIT.min(u32::MAX.into());
        outcome = Some(chain.dry_run(message.clone())?)
            .filter(|o| o.exit_code != ExitCode::SYS_OUT_OF_GAS);
        message.gas_limit = BLOCK_GAS_LIMIT;
    }
    let outcome = match outcome {
        Some(outcome) => outcome,
        None => chain.dry_run(message.clone())?,
    };
    check(&outcome)?;
    // A call forwards only part of its gas to the calls it makes, so what a run with plenty
    // of gas used can fall short. The first limit tried is the most the FVM takes without
    // burning for over-estimation (10% over the gas used), so that the fee is exactly the
    // base fee on the gas used (`fees`); then a quarter more, as Lotus adds; then doubling.
    let used = outcome.gas_used;
    let tries = [used.saturating_mul(11) / 10, used.saturating_mul(5) / 4];
    let mut estimate = tries[0];
    for attempt in 0.. {
        message.gas_limit = estimate.min(BLOCK_GAS_LIMIT);
        if chain.dry_run(message.clone())?.is_success() || estimate >= BLOCK_GAS_LIMIT {
            break;
        }
        estimate = match tries.get(attempt + 1) {
            Some(&next) => next,
            None => estimate.saturating_mul(2),
        };
    }
    Ok(message.gas_limit)
}

/// `chain` ready to run `call` as an implicit message (its sender exists), and the message.
pub fn prepare(chain: Chain, call: &CallParams) -> Result<(Chain, Message), NodeError> {
    let chain = sender_ready(chain, call.from)?;
    let message = message(&chain, call)?;
    Ok((chain, message))
}

/// `chain` ready to run `call` as an explicit message, and the message: a contract sending
/// becomes an account for the run (`Chain::make_sender`), so estimates from a contract's
/// address work as on Ethereum (Safe checks estimate so; Lotus fixed the same in v1.36.2).
pub fn prepare_explicit(chain: Chain, call: &CallParams) -> Result<(Chain, Message), NodeError> {
    let mut chain = sender_ready(chain, call.from)?;
    chain.make_sender(call.from.unwrap_or(Address::ZERO).into())?;
    let message = message(&chain, call)?;
    Ok((chain, message))
}

/// The gas a call uses run as a transaction with a block's gas (`eth_createAccessList`).
pub fn gas_used(chain: Chain, call: &CallParams) -> Result<u64, NodeError> {
    let (chain, message) = prepare_explicit(chain, call)?;
    let outcome = chain.dry_run(message)?;
    check(&outcome)?;
    Ok(outcome.gas_used)
}

/// The message of a call, from its sender's next nonce, with the gas it asks for (at most a
/// block's, and at least what a transaction pays to be included).
fn message(chain: &Chain, call: &CallParams) -> Result<Message, NodeError> {
    let from = call.from.unwrap_or(Address::ZERO);
    let kind = call.to.map(TxKind::Call).unwrap_or(TxKind::Create);
    let mut message = tx::call_message(from, kind, &call.input, call.value);
    message.sequence = chain.nonce(from.into())?;
    message.gas_limit = call.gas.unwrap_or(BLOCK_GAS_LIMIT).min(BLOCK_GAS_LIMIT);
    let want = chain.inclusion_gas(&message);
    if message.gas_limit < want {
        let have = message.gas_limit;
        return Err(TxError::IntrinsicGas { have, want }.into());
    }
    Ok(message)
}

/// `chain`, with an account for `from` if nothing lives there (calls may come from any
/// address; on the FVM a sender must be an actor).
fn sender_ready(mut chain: Chain, from: Option<Address>) -> Result<Chain> {
    let from = EthAddress::from(from.unwrap_or(Address::ZERO));
    if chain.actor(&from.to_filecoin())?.is_none() {
        chain.set_balance(from, TokenAmount::default())?;
    }
    Ok(chain)
}

/// The error a failed call reports, if it failed.
fn check(outcome: &Outcome) -> Result<(), NodeError> {
    if outcome.is_success() {
        return Ok(());
    }
    if outcome.exit_code == REVERTED {
        let data = Bytes::from(outcome.output());
        return Err(NodeError::Reverted {
            reason: crate::revert::reason(&data),
            data,
        });
    }
    Err(NodeError::Failed {
        exit_code: outcome.exit_code.value(),
        detail: outcome.failure.clone(),
    })
}
