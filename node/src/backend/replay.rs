//! Running a transaction again with the FVM's tracing on (`debug_trace*`, `trace_*`): a mined
//! one in its block, from the state that block started from, or a call at a block's state
//! (`debug_traceCall`), each on a scratch chain. A replay is prepared from the database while
//! the node is held, then runs without it.

use actor_types::step_log::MalformedSteps;
use actor_types::EthAddress;
use alloy_primitives::{Address, Log, B256, U256};
use alloy_rpc_types_trace::geth::CallFrame;
use anyhow::{Context, Result};
use fvm::trace::ExecutionTrace;
use fvm_shared::{address::Address as FilAddress, message::Message};
use host::{Chain, Outcome, TokenAmount};

use super::{
    calls::{self, CallParams},
    error::NodeError,
    state::{parse_cid, ChainState},
};
use crate::{
    gas_trace::{gas_trace, GasTrace},
    parity_trace, records,
    records::TxRecord,
    struct_log::{self, Steps},
    trace,
    tx::SignedTx,
};

/// A mined transaction to replay and what ran before it in its block.
pub struct Replay {
    chain: Chain,
    earlier: Vec<TxRecord>,
    target: TxRecord,
    steps: bool,
}

/// A run with the FVM's tracing on: its call frames, its execution trace (what the other
/// tracers read, each only when asked), and the state before and after it.
pub struct Traced {
    pub frame: CallFrame,
    trace: ExecutionTrace,
    pub before: Chain,
    pub after: Chain,
}

impl Traced {
    /// Where the run's FVM gas went (`fvmGasTracer`).
    pub fn gas(&self) -> GasTrace {
        gas_trace(&self.trace, |address| eth_name(&self.after, address))
    }

    /// The run's EVM instructions: none unless it was replayed with them recorded
    /// ([`Replay::with_steps`], [`trace_call`]'s `steps`).
    pub fn steps(&self) -> Result<Steps, MalformedSteps> {
        struct_log::steps(&self.trace, |address| eth_name(&self.after, address))
    }
}

impl Replay {
    /// The replay of transaction `hash`, if it was mined.
    pub fn prepare(state: &ChainState, hash: B256) -> Result<Option<Replay>> {
        let Some(target) = state.db().transaction(&hash.0)? else {
            return Ok(None);
        };
        let block = state
            .db()
            .block(target.block_number)?
            .context("the transaction's block is missing")?;
        let mut chain = state
            .chain_ref()
            .scratch(parse_cid(&block.parent_state_root)?);
        chain.set_block(block.number as i64, block.header.timestamp);
        let earlier = block.transactions[..target.index as usize]
            .iter()
            .map(|earlier| {
                state
                    .db()
                    .transaction(&earlier.0)?
                    .context("a transaction of the block is missing")
            })
            .collect::<Result<_>>()?;
        Ok(Some(Replay {
            chain,
            earlier,
            target,
            steps: false,
        }))
    }

    /// Whether the replay can record the EVM's instructions ([`Chain::records_steps`]).
    pub fn records_steps(&self) -> bool {
        self.chain.records_steps()
    }

    /// Records the transaction's EVM instructions too (for the struct logger): the replay of
    /// the transaction itself runs the EVM actor's step-tracing build.
    pub fn with_steps(mut self, steps: bool) -> Self {
        self.steps = steps;
        self
    }

    /// Runs the block up to the transaction, then the transaction traced.
    pub fn run(mut self) -> Result<Option<Traced>> {
        for earlier in &self.earlier {
            self.chain
                .apply(SignedTx::from_record(earlier)?.message())?;
        }
        let before = self.chain.at(self.chain.state_root());
        self.chain.set_tracing(true);
        let mut message = SignedTx::from_record(&self.target)?.message();
        if self.steps {
            self.chain.set_step_tracing(true)?;
            message = with_room_for_steps(&self.chain, message)?;
        }
        let outcome = self.chain.apply(message)?;
        let Some(mut traced) = traced(outcome, before, self.chain)? else {
            return Ok(None);
        };
        traced.frame.gas_used = U256::from(self.target.receipt.gas_used);
        traced.frame.from = self.target.from;
        Ok(Some(traced))
    }

    /// Where the transaction sits: what Parity-style traces are localized by.
    pub fn position(&self) -> parity_trace::Position {
        parity_trace::Position {
            block_hash: self.target.block_hash,
            block_number: self.target.block_number,
            transaction_hash: self.target.hash,
            transaction_position: self.target.index,
        }
    }
}

/// Runs `call` on `chain` (a block's state) traced, as a transaction: its sender's nonce moves
/// on, as geth's and anvil's `debug_traceCall` show it (`eth_estimateGas` runs it the same way;
/// it pays no fee). With `steps`, its EVM instructions are recorded too.
pub fn trace_call(chain: Chain, call: &CallParams, steps: bool) -> Result<Traced, NodeError> {
    let (before, message) = calls::prepare_explicit(chain, call)?;
    let mut after = before.scratch(before.state_root());
    after.set_tracing(true);
    // The recording's own gas is not the call's: that comes from a run without it.
    let (outcome, gas_used) = if steps {
        let gas_used = before.dry_run(message.clone())?.gas_used;
        after.set_step_tracing(true)?;
        let message = with_room_for_steps(&after, message)?;
        (after.apply(message)?, gas_used)
    } else {
        let outcome = after.apply(message)?;
        let gas_used = outcome.gas_used;
        (outcome, gas_used)
    };
    let mut traced = traced(outcome, before, after)?.context("the traced call left no trace")?;
    traced.frame.gas_used = U256::from(gas_used);
    Ok(traced)
}

/// `message` with gas to spare for recording its steps, which costs the step-tracing actor gas
/// the real run did not spend: up to the block's gas limit, as far as the sender can pay for
/// it (the fee cap and premium stay, so `GASPRICE` does not move). What this changes is what
/// depends on gas: `GAS`, the gas a call forwards, and the sender's balance while it runs
/// (the FVM takes the gas limit's worth up front).
fn with_room_for_steps(chain: &Chain, mut message: Message) -> Result<Message> {
    let balance = chain
        .actor(&message.from)?
        .map(|actor| actor.balance)
        .unwrap_or_default();
    let spare = (balance - &message.value).max(TokenAmount::default());
    let affordable = if message.gas_fee_cap.is_zero() {
        u64::MAX
    } else {
        (spare.atto() / message.gas_fee_cap.atto())
            .try_into()
            .unwrap_or(u64::MAX)
    };
    let room = affordable.min(chain.config().gas_limit);
    message.gas_limit = message.gas_limit.max(room);
    Ok(message)
}

/// What a traced `outcome` shows, named in `after` (the state it left).
fn traced(outcome: Outcome, before: Chain, after: Chain) -> Result<Option<Traced>> {
    let resolve = |address: &FilAddress| eth_name(&after, address);
    let Some(mut frame) = trace::call_frame(&outcome.trace, resolve, &event_logs(&outcome)) else {
        return Ok(None);
    };
    deployed_code(&mut frame, &after)?;
    Ok(Some(Traced {
        frame,
        trace: outcome.trace,
        before,
        after,
    }))
}

/// The Ethereum address of the actor at `address` in `chain` (zero if it has none).
fn eth_name(chain: &Chain, address: &FilAddress) -> Address {
    match chain.actor_with_id(address) {
        Ok(Some((id, actor))) => trace::eth_of(id, actor.delegated_address),
        _ => EthAddress::from_f410(address)
            .map(Address::from)
            .unwrap_or_default(),
    }
}

/// Each actor event of `outcome`, as the EVM log it is (or `None`).
fn event_logs(outcome: &Outcome) -> Vec<Option<Log>> {
    let mut logs = outcome.logs.iter().map(records::eth_log);
    outcome
        .event_is_log
        .iter()
        .map(|&is_log| if is_log { logs.next() } else { None })
        .collect()
}

/// A successful create's output is the code it deployed, as geth's tracers show it: read from
/// the state the transaction left.
fn deployed_code(frame: &mut CallFrame, chain: &Chain) -> Result<()> {
    if matches!(frame.typ.as_str(), "CREATE" | "CREATE2") && frame.error.is_none() {
        if let Some(created) = frame.to {
            frame.output = Some(chain.code(created.into())?.into());
        }
    }
    for call in &mut frame.calls {
        deployed_code(call, chain)?;
    }
    Ok(())
}
