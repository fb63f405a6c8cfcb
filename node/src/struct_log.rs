//! geth's default tracer, the struct logger: each EVM instruction a run executed, with its
//! program counter, call depth and stack, and the contract's storage at `SLOAD` and `SSTORE`.
//!
//! The instructions come from a replay by the EVM actor's step-tracing build
//! ([`actor_types::step_log`]), which writes them into the FVM's execution trace as debug log
//! lines, a frame's lines always inside that frame's send. So a line's depth is the number of
//! EVM frames open around it: sends to other actors (the EAM and init actor a `CREATE` passes
//! through, built-in actors) are not EVM frames and do not count.
//!
//! The same walk gathers what the steps touched beyond the call frames (slots read, accounts
//! looked at), which `prestateTracer` lists too.
//!
//! What the FVM cannot say is left out rather than made up: `gas` and `gasCost` are zero (the
//! FVM meters wasm, not opcodes: `fvmGasTracer` says where the gas went), and memory and
//! return data are not recorded (asking for them is an error, not a silent omission).

use std::collections::{BTreeMap, BTreeSet};

use actor_types::step_log::{self, MalformedSteps, Step};
use alloy_primitives::{Address, B256, U256};
use alloy_rpc_types_trace::geth::{DefaultFrame, GethDefaultTracingOptions, StructLog};
use fvm::trace::{ExecutionEvent, ExecutionTrace};
use fvm_shared::address::Address as FilAddress;
use thiserror::Error;

const BALANCE: u8 = 0x31;
const EXTCODESIZE: u8 = 0x3b;
const EXTCODECOPY: u8 = 0x3c;
const EXTCODEHASH: u8 = 0x3f;
const SLOAD: u8 = 0x54;
const SSTORE: u8 = 0x55;

/// A run's steps and what they touched that the call frames do not show: what
/// `prestateTracer` needs to list the slots read and the accounts looked at, as geth does.
#[derive(Debug, Default)]
pub struct Steps {
    pub logs: Vec<StructLog>,
    /// Each contract's slots read or written, with the last value seen in each.
    pub storage: BTreeMap<Address, BTreeMap<B256, B256>>,
    /// The accounts `BALANCE` and `EXTCODE*` looked at.
    pub accounts: BTreeSet<Address>,
}

#[derive(Debug, Error)]
pub enum StructLogError {
    #[error("{0} is not supported: the struct logger records the stack and storage, not memory or return data")]
    Unsupported(&'static str),
    #[error("the struct logger needs our EVM actor, which records its steps; this chain runs FEVM's (--actors fevm): pass a tracer")]
    NeedsOurEvm,
    #[error(transparent)]
    Malformed(#[from] MalformedSteps),
}

/// The steps of a replay by the step-tracing build, in the order they ran; `resolve` names a
/// send's recipient (whose storage the steps of that frame touch).
pub fn steps(
    trace: &ExecutionTrace,
    resolve: impl Fn(&FilAddress) -> Address,
) -> Result<Steps, MalformedSteps> {
    let mut open: Vec<OpenSend> = Vec::new();
    let mut all = Steps::default();
    for event in trace {
        match event {
            ExecutionEvent::Call { to, .. } => open.push(OpenSend {
                to: *to,
                depth: None,
            }),
            ExecutionEvent::CallReturn(..) | ExecutionEvent::CallError(_) => {
                open.pop();
            }
            ExecutionEvent::Log(line) => {
                let Some(steps) = step_log::decode(line) else {
                    continue;
                };
                let steps = steps?;
                let frames_around = open.iter().filter(|send| send.depth.is_some()).count();
                let Some(send) = open.last_mut() else {
                    continue;
                };
                let depth = *send.depth.get_or_insert(frames_around as u64 + 1);
                let contract = all.storage.entry(resolve(&send.to)).or_default();
                for (index, step) in steps.iter().enumerate() {
                    let next = steps.get(index + 1);
                    all.logs.push(struct_log(step, depth, next, contract));
                    if let Some(account) = account_looked_at(step) {
                        all.accounts.insert(account);
                    }
                }
            }
            _ => {}
        }
    }
    all.storage.retain(|_, slots| !slots.is_empty());
    Ok(all)
}

/// The account a `BALANCE` or `EXTCODE*` step asks about.
fn account_looked_at(step: &Step) -> Option<Address> {
    match step.opcode {
        BALANCE | EXTCODESIZE | EXTCODECOPY | EXTCODEHASH => step
            .stack
            .last()
            .map(|word| Address::from_word(word.to_be_bytes::<32>().into())),
        _ => None,
    }
}

/// A send in progress: the EVM frame it runs, if its steps have shown it is one.
struct OpenSend {
    to: FilAddress,
    /// The frame's call depth, geth's (the transaction's frame is 1).
    depth: Option<u64>,
}

/// One step as geth logs it. `SLOAD`'s value is on top of the stack at the next step;
/// `SSTORE`'s key and value are on top of its own.
fn struct_log(
    step: &Step,
    depth: u64,
    next: Option<&Step>,
    storage: &mut BTreeMap<B256, B256>,
) -> StructLog {
    let top = |step: &Step, n: usize| step.stack.iter().rev().nth(n).copied();
    let access = match step.opcode {
        SLOAD => top(step, 0).zip(next.and_then(|next| top(next, 0))),
        SSTORE => top(step, 0).zip(top(step, 1)),
        _ => None,
    };
    let storage = access.map(|(key, value)| {
        storage.insert(word(key), word(value));
        storage.clone()
    });
    StructLog {
        pc: u64::from(step.pc),
        op: match interpreter::opcode_name(step.opcode) {
            Some(name) => name.into(),
            None => format!("opcode {:#04x} not defined", step.opcode).into(),
        },
        depth,
        stack: Some(step.stack.clone()),
        storage,
        ..StructLog::default()
    }
}

fn word(value: U256) -> B256 {
    B256::from(value.to_be_bytes::<32>())
}

/// geth's answer: how the run ended and its steps, trimmed to what `options` asks.
pub fn frame(
    failed: bool,
    gas: u64,
    return_value: alloy_primitives::Bytes,
    mut logs: Vec<StructLog>,
    options: &GethDefaultTracingOptions,
) -> Result<DefaultFrame, StructLogError> {
    if options.enable_memory == Some(true) {
        return Err(StructLogError::Unsupported("enableMemory"));
    }
    if options.enable_return_data == Some(true) {
        return Err(StructLogError::Unsupported("enableReturnData"));
    }
    if let Some(limit) = options.limit.filter(|&limit| limit > 0) {
        logs.truncate(limit as usize);
    }
    for log in &mut logs {
        if options.disable_stack == Some(true) {
            log.stack = None;
        }
        if options.disable_storage == Some(true) {
            log.storage = None;
        }
    }
    Ok(DefaultFrame {
        failed,
        gas,
        return_value,
        struct_logs: logs,
        ..DefaultFrame::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_shared::econ::TokenAmount;

    fn send(to: u64) -> ExecutionEvent {
        ExecutionEvent::Call {
            from: 100,
            to: FilAddress::new_id(to),
            method: 2,
            params: None,
            value: TokenAmount::default(),
            gas_limit: 0,
            read_only: false,
        }
    }

    fn line(steps: &[(u8, &[u64])]) -> ExecutionEvent {
        let mut buffer = Vec::new();
        for (pc, (opcode, stack)) in steps.iter().enumerate() {
            let stack: Vec<U256> = stack.iter().map(|&word| U256::from(word)).collect();
            step_log::encode(&mut buffer, pc, *opcode, &stack);
        }
        ExecutionEvent::Log(step_log::line(&buffer))
    }

    fn returned() -> ExecutionEvent {
        ExecutionEvent::CallReturn(fvm_shared::error::ExitCode::OK, None)
    }

    #[test]
    fn depth_counts_evm_frames_only_and_storage_follows_the_contract() {
        const PUSH1: u8 = 0x60;
        const CREATE: u8 = 0xf0;
        let trace = vec![
            send(1001),
            line(&[(PUSH1, &[]), (SLOAD, &[5]), (CREATE, &[9])]),
            // A CREATE passes through two actors that are not EVM frames.
            send(10),
            send(1),
            send(1002),
            line(&[(SSTORE, &[7, 5])]),
            returned(),
            returned(),
            returned(),
            ExecutionEvent::Log("some other actor's debug line".into()),
            line(&[(0x00, &[1])]),
            returned(),
        ];
        let resolve = |address: &FilAddress| Address::with_last_byte(address.id().unwrap() as u8);
        let steps = steps(&trace, resolve).unwrap();
        let depths: Vec<u64> = steps.logs.iter().map(|log| log.depth).collect();
        assert_eq!(depths, [1, 1, 1, 2, 1]);
        let ops: Vec<&str> = steps.logs.iter().map(|log| log.op.as_ref()).collect();
        assert_eq!(ops, ["PUSH1", "SLOAD", "CREATE", "SSTORE", "STOP"]);
        // SLOAD's value is what the next step finds on top; SSTORE's comes from its own stack.
        let slot = |n: u64| word(U256::from(n));
        let loaded = steps.logs[1].storage.as_ref().unwrap();
        assert_eq!(loaded[&slot(5)], slot(9));
        let stored = steps.logs[3].storage.as_ref().unwrap();
        assert_eq!(stored[&slot(5)], slot(7));
        assert_eq!(steps.storage.len(), 2, "each contract's own slots");
        assert!(steps.logs[0].storage.is_none());
    }

    #[test]
    fn accounts_looked_at_are_gathered_and_options_trim() {
        let trace = vec![
            send(1001),
            line(&[(BALANCE, &[0xdead]), (0x00, &[0])]),
            returned(),
        ];
        let steps = steps(&trace, |_| Address::ZERO).unwrap();
        assert_eq!(
            steps.accounts.into_iter().collect::<Vec<_>>(),
            [Address::left_padding_from(&[0xde, 0xad])]
        );
        let options = GethDefaultTracingOptions {
            disable_stack: Some(true),
            limit: Some(1),
            ..Default::default()
        };
        let trimmed = frame(false, 1, Default::default(), steps.logs.clone(), &options).unwrap();
        assert_eq!(trimmed.struct_logs.len(), 1);
        assert!(trimmed.struct_logs[0].stack.is_none());
        let memory = GethDefaultTracingOptions {
            enable_memory: Some(true),
            ..Default::default()
        };
        assert!(matches!(
            frame(false, 1, Default::default(), steps.logs, &memory),
            Err(StructLogError::Unsupported("enableMemory"))
        ));
    }
}
