//! Replaying a mined transaction with the FVM's tracing on (`debug_traceTransaction`): its
//! block runs again from the state it started from, on a scratch chain. The replay is
//! prepared from the database while the node is held, then runs without it.

use actor_types::EthAddress;
use alloy_primitives::{Address, B256, U256};
use alloy_rpc_types_trace::geth::CallFrame;
use anyhow::{Context, Result};
use host::Chain;

use super::state::{parse_cid, ChainState};
use crate::{parity_trace, records::TxRecord, trace, tx::SignedTx};

/// A transaction to replay and what ran before it in its block.
pub struct Replay {
    chain: Chain,
    earlier: Vec<TxRecord>,
    target: TxRecord,
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
        }))
    }

    /// The transaction's call frames, as geth's `callTracer` shows them.
    pub fn call_frame(mut self) -> Result<Option<CallFrame>> {
        for earlier in &self.earlier {
            self.chain.apply(signed(earlier)?.message())?;
        }
        self.chain.set_tracing(true);
        let outcome = self.chain.apply(signed(&self.target)?.message())?;
        let chain = &self.chain;
        let resolve = |address: &fvm_shared::address::Address| -> Address {
            match chain.actor_with_id(address) {
                Ok(Some((id, actor))) => trace::eth_of(id, actor.delegated_address),
                _ => EthAddress::from_f410(address)
                    .map(Address::from)
                    .unwrap_or_default(),
            }
        };
        let Some(mut frame) = trace::call_frame(&outcome.trace, resolve) else {
            return Ok(None);
        };
        frame.gas_used = U256::from(self.target.receipt.gas_used);
        frame.from = self.target.from;
        deployed_code(&mut frame, chain)?;
        Ok(Some(frame))
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

fn signed(record: &TxRecord) -> Result<SignedTx> {
    Ok(SignedTx::new(record.envelope()?, record.from))
}
