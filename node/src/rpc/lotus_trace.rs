//! The FVM's execution trace as Lotus serves it (`ExecutionTrace` in `Filecoin.StateCall`'s
//! answer): the message's send at the root, each send it made nested in it, with the gas
//! charged in it, the actor it invoked and what it returned.
//!
//! Lotus gets this tree from filecoin-ffi, which folds ref-fvm's flat event list the same way:
//! a `Call` opens a frame, its `CallReturn` or `CallError` closes it, and every gas charge,
//! invoked actor, log and IPLD operation in between belongs to the innermost open frame.

use std::iter::Peekable;

use fvm::{
    gas::GasCharge,
    kernel::SyscallError,
    trace::{ExecutionEvent, IpldOperation},
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::{error::ErrorNumber, error::ExitCode, state::ActorState};
use serde_json::{json, Map, Value};

use super::lotus_json::{bytes_json, cid_json};

/// The trace as Lotus's JSON, or null when it holds no send (as Lotus's zero trace is empty,
/// a trace that does not close its sends is not served half-built either).
pub fn execution_trace(events: &[ExecutionEvent]) -> Value {
    let mut events = events.iter().peekable();
    let mut charges = Vec::new();
    while let Some(event) = events.next() {
        match event {
            ExecutionEvent::GasCharge(charge) => charges.push(gas_json(charge)),
            ExecutionEvent::Call { .. } => {
                return frame(event, charges, &mut events).unwrap_or(Value::Null)
            }
            _ => {}
        }
    }
    Value::Null
}

/// The frame `call` opens, with `charges` made before it, read until its return.
fn frame<'a>(
    call: &ExecutionEvent,
    mut charges: Vec<Value>,
    events: &mut Peekable<impl Iterator<Item = &'a ExecutionEvent>>,
) -> Option<Value> {
    let ExecutionEvent::Call {
        from,
        to,
        method,
        params,
        value,
        gas_limit,
        read_only,
    } = call
    else {
        return None;
    };
    let (params, params_codec) = block_parts(params.as_ref());
    let mut invoked = None;
    let mut subcalls = Vec::new();
    let mut logs = Vec::new();
    let mut ipld_ops = Vec::new();
    let receipt = loop {
        match events.next()? {
            event @ ExecutionEvent::Call { .. } => {
                subcalls.push(frame(event, Vec::new(), events)?);
            }
            ExecutionEvent::GasCharge(charge) => charges.push(gas_json(charge)),
            ExecutionEvent::InvokeActor { id, state } => invoked = Some(actor_json(*id, state)),
            ExecutionEvent::CallReturn(exit_code, data) => {
                let (data, codec) = block_parts(data.as_ref());
                break return_json(exit_code.value(), data, codec);
            }
            ExecutionEvent::CallError(error) => break return_json(error_exit_code(error), &[], 0),
            ExecutionEvent::Log(line) => logs.push(json!(line)),
            ExecutionEvent::Ipld { op, cid, size } => ipld_ops.push(json!({
                "Op": match op {
                    IpldOperation::Get => "Get",
                    IpldOperation::Put => "Put",
                },
                "Cid": cid_json(cid),
                "Size": size,
            })),
            _ => {}
        }
    };
    let mut trace = Map::new();
    trace.insert(
        "Msg".into(),
        json!({
            "From": fvm_shared::address::Address::new_id(*from).to_string(),
            "To": to.to_string(),
            "Value": value.atto().to_string(),
            "Method": method,
            "Params": bytes_json(params),
            "ParamsCodec": params_codec,
            "GasLimit": gas_limit,
            "ReadOnly": read_only,
        }),
    );
    trace.insert("MsgRct".into(), receipt);
    if let Some(invoked) = invoked {
        trace.insert("InvokedActor".into(), invoked);
    }
    trace.insert("GasCharges".into(), list_or_null(charges));
    trace.insert("Subcalls".into(), list_or_null(subcalls));
    // Lotus leaves these two out when empty.
    if !logs.is_empty() {
        trace.insert("Logs".into(), Value::Array(logs));
    }
    if !ipld_ops.is_empty() {
        trace.insert("IpldOps".into(), Value::Array(ipld_ops));
    }
    Some(Value::Object(trace))
}

/// A block's bytes and codec; none is empty with codec 0.
fn block_parts(block: Option<&IpldBlock>) -> (&[u8], u64) {
    block.map_or((&[], 0), |block| (&block.data, block.codec))
}

fn return_json(exit_code: u32, data: &[u8], codec: u64) -> Value {
    json!({"ExitCode": exit_code, "Return": bytes_json(data), "ReturnCodec": codec})
}

/// The exit code filecoin-ffi gives a send that failed as a syscall: the sender lacked the
/// funds, the receiver did not exist, or (anything else) an assertion failed.
fn error_exit_code(error: &SyscallError) -> u32 {
    match error.1 {
        ErrorNumber::InsufficientFunds => ExitCode::SYS_INSUFFICIENT_FUNDS.value(),
        ErrorNumber::NotFound => ExitCode::SYS_INVALID_RECEIVER.value(),
        _ => ExitCode::SYS_ASSERTION_FAILED.value(),
    }
}

fn actor_json(id: u64, state: &ActorState) -> Value {
    json!({
        "Id": id,
        "State": {
            "Code": cid_json(&state.code),
            "Head": cid_json(&state.state),
            "Nonce": state.sequence,
            "Balance": state.balance.atto().to_string(),
            "DelegatedAddress": state.delegated_address.map(|address| address.to_string()),
        },
    })
}

/// A gas charge in whole gas, each part rounded up on its own (so `tg` may exceed `cg + sg`
/// by one), with its time in nanoseconds where it was measured.
fn gas_json(charge: &GasCharge) -> Value {
    json!({
        "Name": charge.name,
        "tg": charge.total().round_up(),
        "cg": charge.compute_gas.round_up(),
        "sg": charge.other_gas.round_up(),
        "tt": charge.elapsed.get().map_or(0, |elapsed| elapsed.as_nanos() as u64),
    })
}

/// Lotus writes an empty list of charges or subcalls as null.
fn list_or_null(items: Vec<Value>) -> Value {
    if items.is_empty() {
        Value::Null
    } else {
        Value::Array(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm::gas::Gas;
    use fvm_shared::{address::Address, econ::TokenAmount};

    fn call(from: u64, to: u64) -> ExecutionEvent {
        ExecutionEvent::Call {
            from,
            to: Address::new_id(to),
            method: 2,
            params: Some(IpldBlock {
                codec: 0x51,
                data: vec![0x80],
            }),
            value: TokenAmount::from_atto(5),
            gas_limit: 1000,
            read_only: false,
        }
    }

    fn charge(name: &'static str, milligas: u64) -> ExecutionEvent {
        ExecutionEvent::GasCharge(GasCharge::new(
            name,
            Gas::from_milligas(milligas),
            Gas::new(0),
        ))
    }

    #[test]
    fn sends_nest_and_charges_go_to_the_frame_open_when_made() {
        let events = [
            charge("none", 0),
            call(100, 1000),
            charge("OnMethodInvocation", 75_000),
            call(1000, 1001),
            ExecutionEvent::CallError(SyscallError("no such actor".into(), ErrorNumber::NotFound)),
            charge("wasm_exec", 1_500),
            ExecutionEvent::CallReturn(ExitCode::OK, None),
            charge("after the message", 1_000),
        ];
        let trace = execution_trace(&events);
        assert_eq!(trace["Msg"]["From"], Address::new_id(100).to_string());
        assert_eq!(trace["Msg"]["Value"], "5");
        assert_eq!(trace["Msg"]["Params"], "gA==");
        assert_eq!(trace["Msg"]["ParamsCodec"], 0x51);
        assert_eq!(
            trace["MsgRct"],
            json!({"ExitCode": 0, "Return": null, "ReturnCodec": 0})
        );
        let names: Vec<_> = trace["GasCharges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|charge| charge["Name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["none", "OnMethodInvocation", "wasm_exec"]);
        assert_eq!(trace["GasCharges"][2]["tg"], 2, "1.5 gas rounds up");
        let subcall = &trace["Subcalls"][0];
        assert_eq!(subcall["MsgRct"]["ExitCode"], 5, "a missing receiver");
        assert_eq!(subcall["GasCharges"], Value::Null);
        assert_eq!(subcall["Subcalls"], Value::Null);
        assert!(subcall.get("InvokedActor").is_none());
        assert!(trace.get("Logs").is_none() && trace.get("IpldOps").is_none());
    }

    #[test]
    fn a_trace_without_a_send_or_with_one_left_open_is_null() {
        assert_eq!(execution_trace(&[charge("none", 0)]), Value::Null);
        assert_eq!(execution_trace(&[call(100, 1000)]), Value::Null);
    }
}
