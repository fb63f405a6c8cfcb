//! geth's built-in tracers over one traced run ([`crate::backend::replay::Traced`]), as
//! `debug_traceTransaction`, `debug_traceCall` and `debug_traceBlockBy*` answer them: the
//! default struct logger ([`crate::struct_log`]), `callTracer` (with `onlyTopCall` and
//! `withLog`), `flatCallTracer`, `prestateTracer` (with `diffMode`, `disableCode`,
//! `disableStorage`), `4byteTracer` and `noopTracer`; and ours, `fvmGasTracer`, where the FVM
//! gas went ([`crate::gas_trace`]).
//!
//! `prestateTracer` compares the states before and after the run for what it changed. What it
//! only read (a slot, an account's balance or code) leaves no trace in the state, and the FVM
//! reads the EVM actor's storage HAMT by block, not by slot: so outside diff mode the replay
//! runs the step-tracing EVM actor, as the struct logger's does, and its steps say which.

use std::collections::{BTreeMap, BTreeSet};

use actor_types::token::atto_to_wei;
use alloy_primitives::{Address, B256, U256};
use alloy_rpc_types_trace::geth::{
    AccountState, CallConfig, CallFrame, DefaultFrame, DiffMode, FourByteFrame,
    GethDebugBuiltInTracerType, GethDebugTracerType, GethDebugTracingOptions,
    GethDefaultTracingOptions, GethTrace, NoopFrame, PreStateConfig, PreStateFrame, PreStateMode,
};
use anyhow::Result;
use host::Chain;
use thiserror::Error;

use crate::{
    backend::replay::Traced,
    parity_trace,
    struct_log::{self, StructLogError},
};

/// Our tracer: where the FVM gas went ([`crate::gas_trace`]).
pub const FVM_GAS_TRACER: &str = "fvmGasTracer";

#[derive(Debug, Error)]
pub enum TracerError {
    #[error(transparent)]
    StructLog(#[from] StructLogError),
    #[error("tracer {0} is not available: the struct logger (no tracer), callTracer, flatCallTracer, prestateTracer, 4byteTracer, noopTracer and fvmGasTracer are")]
    Unsupported(String),
    #[error("bad tracerConfig: {0}")]
    Config(#[from] serde_json::Error),
    #[error(transparent)]
    State(#[from] anyhow::Error),
}

/// What `options` asks of `traced`, at `position` (a mined transaction's place, for the flat
/// tracer; `None` for a call).
pub fn trace(
    traced: Traced,
    options: &GethDebugTracingOptions,
    position: Option<parity_trace::Position>,
) -> Result<GethTrace, TracerError> {
    use GethDebugBuiltInTracerType as Tracer;
    let tracer = match &options.tracer {
        None => return Ok(struct_logger(traced, &options.config)?.into()),
        Some(GethDebugTracerType::JsTracer(name)) if name == FVM_GAS_TRACER => {
            let gas = serde_json::to_value(traced.gas()).map_err(anyhow::Error::from)?;
            return Ok(GethTrace::JS(gas));
        }
        Some(GethDebugTracerType::JsTracer(code)) => {
            return Err(TracerError::Unsupported(format!("{code:?}")))
        }
        Some(GethDebugTracerType::BuiltInTracer(tracer)) => *tracer,
    };
    let config = options.tracer_config.clone();
    Ok(match tracer {
        Tracer::CallTracer => call_tracer(traced.frame, &config.into_call_config()?).into(),
        Tracer::FlatCallTracer => {
            let position = position.unwrap_or_default();
            GethTrace::FlatCallTracer(parity_trace::localized(&traced.frame, position))
        }
        Tracer::PreStateTracer => prestate(&traced, &config.into_pre_state_config()?)?.into(),
        Tracer::FourByteTracer => four_bytes(&traced.frame).into(),
        Tracer::NoopTracer => NoopFrame::default().into(),
        other => {
            let name = serde_json::to_value(other).unwrap_or_default();
            return Err(TracerError::Unsupported(name.to_string()));
        }
    })
}

/// Whether the replay for `options` records each instruction, on a chain whose EVM actor can
/// (`recordable`): the struct logger needs it (and fails without it); `prestateTracer`, outside
/// its diff mode (which shows only changes), uses it where it can for the slots read and
/// accounts looked at, and lists changes alone where it cannot.
pub fn records_steps(
    options: &GethDebugTracingOptions,
    recordable: bool,
) -> Result<bool, TracerError> {
    Ok(match &options.tracer {
        None if !recordable => return Err(StructLogError::NeedsOurEvm.into()),
        None => true,
        Some(GethDebugTracerType::BuiltInTracer(GethDebugBuiltInTracerType::PreStateTracer)) => {
            let config = options.tracer_config.clone().into_pre_state_config();
            recordable && config.is_ok_and(|config| !config.is_diff_mode())
        }
        Some(_) => false,
    })
}

/// geth's default tracer over `traced`'s steps ([`crate::struct_log`]).
fn struct_logger(
    traced: Traced,
    options: &GethDefaultTracingOptions,
) -> Result<DefaultFrame, StructLogError> {
    let logs = traced.steps()?.logs;
    let frame = traced.frame;
    struct_log::frame(
        frame.error.is_some(),
        frame.gas_used.saturating_to(),
        frame.output.unwrap_or_default(),
        logs,
        options,
    )
}

/// The call frames, without sub-calls (`onlyTopCall`) and without logs unless `withLog`.
fn call_tracer(mut frame: CallFrame, config: &CallConfig) -> CallFrame {
    if config.only_top_call.unwrap_or(false) {
        frame.calls.clear();
    }
    if !config.with_log.unwrap_or(false) {
        drop_logs(&mut frame);
    }
    frame
}

fn drop_logs(frame: &mut CallFrame) {
    frame.logs.clear();
    frame.calls.iter_mut().for_each(drop_logs);
}

/// geth's `4byteTracer`: how often each selector was called with each length of arguments.
fn four_bytes(top: &CallFrame) -> FourByteFrame {
    let mut counts = BTreeMap::new();
    let mut frames = vec![top];
    while let Some(frame) = frames.pop() {
        let creates = matches!(frame.typ.as_str(), "CREATE" | "CREATE2");
        if let (false, Some(selector)) = (creates, frame.input.get(..4)) {
            let key = format!(
                "0x{}-{}",
                alloy_primitives::hex::encode(selector),
                frame.input.len() - 4
            );
            *counts.entry(key).or_insert(0) += 1;
        }
        frames.extend(&frame.calls);
    }
    FourByteFrame(counts)
}

/// geth's `prestateTracer`: the accounts the run touched before it, with the slots it read or
/// wrote, or (`diffMode`) what changed in them, before and after.
fn prestate(traced: &Traced, config: &PreStateConfig) -> Result<PreStateFrame> {
    let steps = traced.steps()?;
    let mut accounts = BTreeSet::new();
    collect_accounts(&traced.frame, &mut accounts);
    accounts.extend(&steps.accounts);
    accounts.extend(steps.storage.keys());
    let no_slots = BTreeMap::new();
    let mut pre = BTreeMap::new();
    let mut post = BTreeMap::new();
    for address in accounts {
        let before = account(&traced.before, address)?;
        let after = account(&traced.after, address)?;
        let changed_slots = changed_slots(before.as_ref(), after.as_ref());
        let only_changed = |account: &AccountState| -> AccountState {
            let mut state = account.clone();
            state.storage.retain(|slot, _| changed_slots.contains(slot));
            state
        };
        if !config.is_diff_mode() {
            // Every account touched, as it was (one that did not exist yet has nothing), with
            // the slots the run read or changed, zero ones too.
            let mut state = before.clone().unwrap_or_else(|| AccountState {
                balance: Some(U256::ZERO),
                ..AccountState::default()
            });
            let accessed = steps.storage.get(&address).unwrap_or(&no_slots);
            state.storage = changed_slots
                .iter()
                .chain(accessed.keys())
                .map(|&slot| (slot, state.storage.get(&slot).copied().unwrap_or_default()))
                .collect();
            pre.insert(address, strip(state, config));
            continue;
        }
        if before == after {
            continue;
        }
        if let Some(before) = &before {
            pre.insert(address, strip(only_changed(before), config));
        }
        if let Some(after) = &after {
            let mut state = only_changed(after);
            if let Some(before) = &before {
                // After the run, only what changed.
                state.balance = state.balance.filter(|b| Some(*b) != before.balance);
                state.nonce = state.nonce.filter(|n| Some(*n) != before.nonce);
                state.code = state.code.filter(|c| Some(c) != before.code.as_ref());
            }
            post.insert(address, strip(state, config));
        }
    }
    Ok(if config.is_diff_mode() {
        PreStateFrame::Diff(DiffMode { pre, post })
    } else {
        PreStateFrame::Default(PreStateMode(pre))
    })
}

/// An account as the prestate tracer shows it (`None` if there is none): a zero nonce and empty
/// code left out; `Chain::storage` holds only non-zero slots, as the EVM sees storage.
fn account(chain: &Chain, address: Address) -> Result<Option<AccountState>> {
    let eth = address.into();
    if chain
        .actor(&actor_types::EthAddress::to_filecoin(&eth))?
        .is_none()
    {
        return Ok(None);
    }
    let account = chain.eth_account(eth)?;
    let storage = account
        .storage
        .into_iter()
        .map(|(slot, value)| (B256::from(slot), B256::from(value)))
        .collect();
    Ok(Some(AccountState {
        balance: Some(atto_to_wei(&account.balance)),
        nonce: (account.nonce != 0).then_some(account.nonce),
        code: (!account.code.is_empty()).then(|| account.code.into()),
        storage,
    }))
}

/// The slots whose value differs between `before` and `after`.
fn changed_slots(before: Option<&AccountState>, after: Option<&AccountState>) -> BTreeSet<B256> {
    let empty = BTreeMap::new();
    let before = before.map_or(&empty, |account| &account.storage);
    let after = after.map_or(&empty, |account| &account.storage);
    before
        .keys()
        .chain(after.keys())
        .filter(|&&slot| before.get(&slot) != after.get(&slot))
        .copied()
        .collect()
}

/// `state` without what `disableCode` and `disableStorage` leave out.
fn strip(mut state: AccountState, config: &PreStateConfig) -> AccountState {
    if config.disable_code.unwrap_or(false) {
        state.code = None;
    }
    if config.disable_storage.unwrap_or(false) {
        state.storage.clear();
    }
    state
}

fn collect_accounts(frame: &CallFrame, accounts: &mut BTreeSet<Address>) {
    accounts.insert(frame.from);
    accounts.extend(frame.to);
    for call in &frame.calls {
        collect_accounts(call, accounts);
    }
}
