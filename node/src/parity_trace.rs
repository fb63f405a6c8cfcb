//! Parity's (OpenEthereum's) trace format, which Lotus serves as `trace_*` and explorers index:
//! a transaction's call frames ([`crate::trace`]) flattened depth first, each with its path
//! from the top call (`traceAddress`) and the number of calls it made (`subtraces`).

use crate::trace::EXECUTION_REVERTED;
use alloy_primitives::{Address, B256, U256};
use alloy_rpc_types_trace::{
    geth::CallFrame,
    parity::{
        Action, CallAction, CallOutput, CallType, CreateAction, CreateOutput, CreationMethod,
        LocalizedTransactionTrace, TraceOutput, TransactionTrace,
    },
};

/// Where a transaction is: what each of its traces is localized by.
#[derive(Debug, Clone, Copy, Default)]
pub struct Position {
    pub block_hash: B256,
    pub block_number: u64,
    pub transaction_hash: B256,
    pub transaction_position: u64,
}

/// The traces of the transaction whose top call frame is `top`, in Parity's order.
pub fn flatten(top: &CallFrame) -> Vec<TransactionTrace> {
    let mut out = Vec::new();
    push(top, Vec::new(), &mut out);
    out
}

/// The traces of `top`, each localized at `position`.
pub fn localized(top: &CallFrame, position: Position) -> Vec<LocalizedTransactionTrace> {
    flatten(top)
        .into_iter()
        .map(|trace| LocalizedTransactionTrace {
            trace,
            block_hash: Some(position.block_hash),
            block_number: Some(position.block_number),
            transaction_hash: Some(position.transaction_hash),
            transaction_position: Some(position.transaction_position),
        })
        .collect()
}

fn push(frame: &CallFrame, address: Vec<usize>, out: &mut Vec<TransactionTrace>) {
    out.push(TransactionTrace {
        action: action(frame),
        error: frame.error.as_deref().map(error),
        result: result(frame),
        subtraces: frame.calls.len(),
        trace_address: address.clone(),
    });
    for (index, call) in frame.calls.iter().enumerate() {
        let mut path = address.clone();
        path.push(index);
        push(call, path, out);
    }
}

fn action(frame: &CallFrame) -> Action {
    let gas = frame.gas.saturating_to();
    let value = frame.value.unwrap_or(U256::ZERO);
    let creation = match frame.typ.as_str() {
        "CREATE" => Some(CreationMethod::Create),
        "CREATE2" => Some(CreationMethod::Create2),
        _ => None,
    };
    if let Some(creation_method) = creation {
        return Action::Create(CreateAction {
            from: frame.from,
            gas,
            init: frame.input.clone(),
            value,
            creation_method,
        });
    }
    let call_type = match frame.typ.as_str() {
        "STATICCALL" => CallType::StaticCall,
        "DELEGATECALL" => CallType::DelegateCall,
        _ => CallType::Call,
    };
    Action::Call(CallAction {
        from: frame.from,
        call_type,
        gas,
        input: frame.input.clone(),
        to: frame.to.unwrap_or(Address::ZERO),
        value,
    })
}

/// What a call returned, its revert data included (as anvil and reth show it); nothing for
/// another failure.
fn result(frame: &CallFrame) -> Option<TraceOutput> {
    let gas_used = frame.gas_used.saturating_to();
    let output = frame.output.clone().unwrap_or_default();
    let create = matches!(frame.typ.as_str(), "CREATE" | "CREATE2");
    match frame.error.as_deref() {
        None if create => Some(TraceOutput::Create(CreateOutput {
            address: frame.to.unwrap_or(Address::ZERO),
            code: output,
            gas_used,
        })),
        Some(EXECUTION_REVERTED) | None if !create => {
            Some(TraceOutput::Call(CallOutput { gas_used, output }))
        }
        _ => None,
    }
}

/// Parity's word for a revert; other failures as the call frame states them.
fn error(message: &str) -> String {
    if message == EXECUTION_REVERTED {
        "Reverted".into()
    } else {
        message.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::Bytes;

    fn frame(typ: &str, calls: Vec<CallFrame>) -> CallFrame {
        CallFrame {
            typ: typ.into(),
            from: Address::repeat_byte(1),
            to: Some(Address::repeat_byte(2)),
            input: Bytes::from_static(&[0xab]),
            output: Some(Bytes::from_static(&[0xcd])),
            calls,
            ..CallFrame::default()
        }
    }

    #[test]
    fn frames_flatten_depth_first_with_their_paths() {
        let mut failed = frame("CALL", vec![]);
        failed.error = Some("execution reverted".into());
        let top = frame(
            "CALL",
            vec![frame("CREATE", vec![frame("CALL", vec![])]), failed],
        );
        let traces = flatten(&top);
        let paths: Vec<_> = traces.iter().map(|t| t.trace_address.clone()).collect();
        assert_eq!(paths, vec![vec![], vec![0], vec![0, 0], vec![1]]);
        let subtraces: Vec<_> = traces.iter().map(|t| t.subtraces).collect();
        assert_eq!(subtraces, vec![2, 1, 0, 0]);
        assert!(matches!(traces[1].action, Action::Create(_)));
        assert!(matches!(
            traces[1].result,
            Some(TraceOutput::Create(CreateOutput { ref code, .. })) if code == &Bytes::from_static(&[0xcd])
        ));
        assert_eq!(traces[3].error.as_deref(), Some("Reverted"));
        assert!(matches!(traces[3].result, Some(TraceOutput::Call(_))));
    }
}
