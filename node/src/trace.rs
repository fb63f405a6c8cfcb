//! `debug_traceTransaction` with geth's `callTracer`: the FVM's execution trace (every send,
//! its gas charges and its return) folded into EVM call frames.
//!
//! An EVM `CALL` is an `InvokeContract` send, a `DELEGATECALL` an `InvokeContractDelegate` send
//! to the contract itself, a `CREATE`/`CREATE2` a send to the EAM (which goes on through the
//! init actor to the new contract's constructor; those inner sends are folded into the create).
//! Other sends the actors make for their own bookkeeping are not EVM calls and are hidden,
//! their gas counted in the frame that made them.
//!
//! Each frame also gets the logs it emitted (shown with `withLog`). The trace marks an event
//! by its gas charge (`OnActorEvent`), not by its content; the FVM drops the events of every
//! send that fails, so the events whose sends all succeeded are, in order, the message's
//! events, and each charge is matched with its event that way.

use actor_types::{builtin::EAM_ACTOR_ADDR, eam, evm, EthAddress};
use alloy_primitives::{Address, Bytes, Log, U256};
use alloy_rpc_types_trace::geth::{CallFrame, CallLogFrame};
use fvm::trace::{ExecutionEvent, ExecutionTrace};
use fvm_ipld_encoding::{ipld_block::IpldBlock, strict_bytes};
use fvm_shared::{address::Address as FilAddress, error::ExitCode, ActorID};
use serde::Deserialize;

use actor_types::token::atto_to_wei;

use crate::revert;

/// How a send shows in the trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Call,
    StaticCall,
    DelegateCall,
    Create,
    Create2,
    /// Not an EVM call: folded into its parent.
    Hidden,
}

impl Kind {
    fn of(to: &FilAddress, method: u64, read_only: bool) -> Kind {
        match method {
            0 => Kind::Call,
            evm::method::INVOKE_CONTRACT if read_only => Kind::StaticCall,
            evm::method::INVOKE_CONTRACT => Kind::Call,
            evm::method::INVOKE_CONTRACT_DELEGATE => Kind::DelegateCall,
            eam::method::CREATE | eam::method::CREATE_EXTERNAL if *to == EAM_ACTOR_ADDR => {
                Kind::Create
            }
            eam::method::CREATE2 if *to == EAM_ACTOR_ADDR => Kind::Create2,
            _ => Kind::Hidden,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Call | Kind::Hidden => "CALL",
            Kind::StaticCall => "STATICCALL",
            Kind::DelegateCall => "DELEGATECALL",
            Kind::Create => "CREATE",
            Kind::Create2 => "CREATE2",
        }
    }
}

/// How a frame that reverted names its error (geth's words).
pub const EXECUTION_REVERTED: &str = "execution reverted";

/// The name of the gas charge for emitting an actor event.
const EVENT_CHARGE: &str = "OnActorEvent";

struct Open {
    kind: Kind,
    frame: CallFrame,
    gas_used: u64,
}

/// The call frames of one message's `trace`; `resolve` names an actor's Ethereum address.
/// `events` are the actor events the message emitted, in order, each as an EVM log where it
/// is one. `None` if the trace holds no call (tracing was off).
pub fn call_frame(
    trace: &ExecutionTrace,
    resolve: impl Fn(&FilAddress) -> Address,
    events: &[Option<Log>],
) -> Option<CallFrame> {
    let kept = kept_events(trace);
    let mut emitted = 0;
    let mut events = events.iter();
    let mut stack: Vec<Open> = Vec::new();
    let mut root = None;
    for event in trace {
        match event {
            ExecutionEvent::GasCharge(charge) => {
                let gas = charge.total().round_up();
                for open in &mut stack {
                    open.gas_used += gas;
                }
                if charge.name == EVENT_CHARGE {
                    let index = emitted;
                    emitted += 1;
                    let kept = kept.get(index).copied().unwrap_or(false);
                    if let Some(Some(log)) = kept.then(|| events.next()).flatten() {
                        add_log(&mut stack, log, index as u64);
                    }
                }
            }
            ExecutionEvent::Call {
                from,
                to,
                method,
                params,
                value,
                gas_limit,
                read_only,
            } => {
                let kind = Kind::of(to, *method, *read_only);
                let frame = CallFrame {
                    typ: kind.name().to_string(),
                    from: resolve(&FilAddress::new_id(*from)),
                    to: (!matches!(kind, Kind::Create | Kind::Create2)).then(|| resolve(to)),
                    gas: U256::from(*gas_limit),
                    // geth shows a value only where one can move.
                    value: matches!(kind, Kind::Call | Kind::Create | Kind::Create2)
                        .then(|| atto_to_wei(value)),
                    input: input(kind, params.as_ref()),
                    ..CallFrame::default()
                };
                stack.push(Open {
                    kind,
                    frame,
                    gas_used: 0,
                });
            }
            ExecutionEvent::CallReturn(exit, ret) => {
                let Some(open) = stack.pop() else { continue };
                let frame = finish(open, *exit, ret.as_ref(), None);
                attach(&mut stack, &mut root, frame);
            }
            ExecutionEvent::CallError(error) => {
                let Some(open) = stack.pop() else { continue };
                let frame = finish(open, ExitCode::OK, None, Some(error.to_string()));
                attach(&mut stack, &mut root, frame);
            }
            _ => {}
        }
    }
    root.map(|(_, frame)| frame)
}

/// Which of the events the trace charges for the FVM kept: those whose sends, and all the
/// sends around them, succeeded.
fn kept_events(trace: &ExecutionTrace) -> Vec<bool> {
    let mut kept = Vec::new();
    let mut first_of_open_sends = Vec::new();
    for event in trace {
        let failed = match event {
            ExecutionEvent::GasCharge(charge) if charge.name == EVENT_CHARGE => {
                kept.push(true);
                continue;
            }
            ExecutionEvent::Call { .. } => {
                first_of_open_sends.push(kept.len());
                continue;
            }
            ExecutionEvent::CallReturn(exit, _) => !exit.is_success(),
            ExecutionEvent::CallError(_) => true,
            _ => continue,
        };
        let first = first_of_open_sends.pop().unwrap_or(0);
        if failed {
            kept[first..].fill(false);
        }
    }
    kept
}

/// Gives `log` to the innermost shown frame, placed after the calls it has made so far;
/// `index` counts the logs emitted before it, kept or not (geth's).
fn add_log(stack: &mut [Open], log: &Log, index: u64) {
    let Some(shown) = stack.iter().rposition(|open| open.kind != Kind::Hidden) else {
        return;
    };
    // A hidden frame's calls move up to the shown frame when it closes.
    let position = stack[shown..]
        .iter()
        .map(|open| open.frame.calls.len() as u64)
        .sum();
    stack[shown].frame.logs.push(CallLogFrame {
        address: Some(log.address),
        topics: Some(log.topics().to_vec()),
        data: Some(log.data.data.clone()),
        position: Some(position),
        index: Some(index),
    });
}

/// Closes a frame: its output, the created address, the error.
fn finish(
    mut open: Open,
    exit: ExitCode,
    ret: Option<&IpldBlock>,
    error: Option<String>,
) -> (Kind, CallFrame) {
    let frame = &mut open.frame;
    frame.gas_used = U256::from(open.gas_used);
    let data = ret.map(|block| block.data.as_slice()).unwrap_or_default();
    match open.kind {
        Kind::Create | Kind::Create2 if exit.is_success() => {
            if let Ok(created) = fvm_ipld_encoding::from_slice::<eam::CreateReturn>(data) {
                frame.to = Some(created.eth_address.into());
            }
        }
        _ => frame.output = Some(evm_bytes(ret).unwrap_or_default()),
    }
    if let Some(error) = error {
        frame.error = Some(error);
    } else if exit == evm::exit::REVERTED {
        frame.error = Some(EXECUTION_REVERTED.into());
        frame.revert_reason = frame.output.as_ref().and_then(|data| revert::reason(data));
    } else if !exit.is_success() {
        frame.error = Some(format!("exit code {}", exit.value()));
    }
    (open.kind, open.frame)
}

/// Puts a closed frame under its nearest shown parent (a hidden frame's children move up).
fn attach(
    stack: &mut [Open],
    root: &mut Option<(Kind, CallFrame)>,
    (kind, frame): (Kind, CallFrame),
) {
    let parent = stack
        .iter_mut()
        .rev()
        .find(|open| open.kind != Kind::Hidden);
    match (kind, parent) {
        (Kind::Hidden, Some(parent)) => parent.frame.calls.extend(frame.calls),
        (_, Some(parent)) => parent.frame.calls.push(frame),
        (_, None) if root.is_none() => *root = Some((kind, frame)),
        _ => {}
    }
}

/// The EVM input a send carries.
fn input(kind: Kind, params: Option<&IpldBlock>) -> Bytes {
    let data = params
        .map(|block| block.data.as_slice())
        .unwrap_or_default();
    let bytes = match kind {
        Kind::Call | Kind::StaticCall => evm_bytes(params),
        Kind::DelegateCall => fvm_ipld_encoding::from_slice::<evm::DelegateCallParams>(data)
            .ok()
            .map(|p| p.input.into()),
        Kind::Create | Kind::Create2 => decode_bytes(data).or_else(|| {
            // `Create`/`Create2` params are a tuple that starts with the initcode.
            #[derive(Deserialize)]
            struct First(
                #[serde(with = "strict_bytes")] Vec<u8>,
                serde::de::IgnoredAny,
            );
            fvm_ipld_encoding::from_slice::<First>(data)
                .ok()
                .map(|p| p.0.into())
        }),
        Kind::Hidden => None,
    };
    bytes.unwrap_or_default()
}

/// EVM call data or return data: between contracts a raw block, from outside one CBOR byte
/// string.
pub fn evm_bytes(block: Option<&IpldBlock>) -> Option<Bytes> {
    let block = block?;
    if block.codec == fvm_ipld_encoding::IPLD_RAW {
        return Some(block.data.clone().into());
    }
    decode_bytes(&block.data)
}

fn decode_bytes(data: &[u8]) -> Option<Bytes> {
    fvm_ipld_encoding::from_slice::<fvm_ipld_encoding::BytesDe>(data)
        .ok()
        .map(|b| b.0.into())
}

/// The Ethereum address of an actor: its f410 address, or the masked ID (`0xff00..id`).
pub fn eth_of(id: ActorID, delegated: Option<FilAddress>) -> Address {
    let eth = delegated
        .and_then(|address| EthAddress::from_f410(&address))
        .unwrap_or_else(|| EthAddress::from_id(id));
    eth.into()
}
