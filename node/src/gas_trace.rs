//! Where a transaction's FVM gas went (`debug_traceTransaction` with `{"tracer":
//! "fvmGasTracer"}`, ours): the FVM's execution trace charges gas by name, and each charge is
//! counted in the send it was made in. Every send shows, the actors' own bookkeeping included
//! (an EVM `CREATE` is a send to the EAM, which sends to the init actor, which runs the
//! constructor), with the charges made in it and the gas of everything under it. What the
//! message pays outside any send (its inclusion on chain, its return value) shows at the top.
//!
//! The FVM charges in milligas and rounds only the message's total up to whole gas; the
//! figures here are whole gas too, each rounded up from its milligas, so a sum of them may
//! exceed the total it adds up to by a gas or so per term.

use std::collections::BTreeMap;

use alloy_primitives::Address;
use fvm::trace::{ExecutionEvent, ExecutionTrace};
use fvm_shared::address::Address as FilAddress;
use serde::Serialize;

/// The whole message.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GasTrace {
    /// All the gas charged: what the receipt states as `gasUsed`.
    pub gas_used: u64,
    /// The gas of each kind of charge, over the whole message.
    pub by_category: BTreeMap<&'static str, u64>,
    /// What was charged outside any send: inclusion on chain, the return value.
    pub message: Charges,
    /// The message's send and every send under it.
    pub call: Option<GasFrame>,
}

/// Charges by name, and their total.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Charges {
    pub gas: u64,
    pub charges: BTreeMap<String, u64>,
}

impl Charges {
    fn add(&mut self, name: &str, gas: u64) {
        self.gas += gas;
        *self.charges.entry(name.to_string()).or_insert(0) += gas;
    }
}

/// One send.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GasFrame {
    pub from: Address,
    pub to: Address,
    pub method: u64,
    /// The send's exit code (0 for success), or the syscall error that stopped it.
    pub exit: String,
    /// The gas of this send and everything under it.
    pub gas_used: u64,
    /// What was charged in this send itself, not under it.
    #[serde(rename = "self")]
    pub own: Charges,
    pub calls: Vec<GasFrame>,
}

/// What kind of work a charge pays for, by its name in the FVM's price list.
pub fn category(name: &str) -> &'static str {
    match name {
        "OnChainMessage" | "OnChainReturnValue" => "inclusion",
        "wasm_exec" | "wasm_memory_grow" | "wasm_memory_init" => "wasm",
        "OnBlockOpenBase" | "OnBlockOpen" | "OnBlockRead" | "OnBlockCreate" | "OnBlockLink"
        | "OnBlockStat" | "OnScanIpldLinks" | "OnActorGetRoot" | "OnActorSetRoot" => "storage",
        "OnMethodInvocation"
        | "OnValueTransfer"
        | "OnReturnValue"
        | "OnCreateActor"
        | "OnActorCreate"
        | "OnDeleteActor"
        | "OnActorUpdate"
        | "OnActorLookup"
        | "OnResolveAddress"
        | "OnLookupAddress"
        | "OnGetActorCodeCid"
        | "OnBalanceOf"
        | "OnSelfBalance"
        | "OnInstallActor"
        | "OnGetCodeCidForType"
        | "OnGetBuiltinActorType" => "actors",
        "OnActorEvent" => "events",
        "OnHashing"
        | "OnRecoverSecpPublicKey"
        | "OnVerifySignature"
        | "OnVerifyBlsAggregateSignature" => "crypto",
        _ => "syscalls",
    }
}

/// The gas of `trace`, by send; `resolve` names an actor's Ethereum address.
pub fn gas_trace(trace: &ExecutionTrace, resolve: impl Fn(&FilAddress) -> Address) -> GasTrace {
    // Milligas until the end.
    let mut result = GasTrace::default();
    let mut stack: Vec<GasFrame> = Vec::new();
    for event in trace {
        match event {
            ExecutionEvent::GasCharge(charge) => {
                let gas = charge.total().as_milligas();
                result.gas_used += gas;
                *result
                    .by_category
                    .entry(category(&charge.name))
                    .or_insert(0) += gas;
                match stack.last_mut() {
                    Some(frame) => frame.own.add(&charge.name, gas),
                    None => result.message.add(&charge.name, gas),
                }
            }
            ExecutionEvent::Call {
                from, to, method, ..
            } => stack.push(GasFrame {
                from: resolve(&FilAddress::new_id(*from)),
                to: resolve(to),
                method: *method,
                exit: String::new(),
                gas_used: 0,
                own: Charges::default(),
                calls: Vec::new(),
            }),
            ExecutionEvent::CallReturn(exit, _) => {
                close(&mut stack, &mut result, exit.value().to_string())
            }
            ExecutionEvent::CallError(error) => close(&mut stack, &mut result, error.to_string()),
            _ => {}
        }
    }
    result.gas_used = whole_gas(result.gas_used);
    result
        .by_category
        .values_mut()
        .for_each(|gas| *gas = whole_gas(*gas));
    result.message.round_to_whole_gas();
    if let Some(call) = &mut result.call {
        call.round_to_whole_gas();
    }
    result
}

/// Milligas as the FVM rounds it: up.
fn whole_gas(milligas: u64) -> u64 {
    fvm::gas::Gas::from_milligas(milligas).round_up()
}

impl Charges {
    fn round_to_whole_gas(&mut self) {
        self.gas = whole_gas(self.gas);
        self.charges
            .values_mut()
            .for_each(|gas| *gas = whole_gas(*gas));
    }
}

impl GasFrame {
    fn round_to_whole_gas(&mut self) {
        self.gas_used = whole_gas(self.gas_used);
        self.own.round_to_whole_gas();
        self.calls.iter_mut().for_each(GasFrame::round_to_whole_gas);
    }
}

fn close(stack: &mut Vec<GasFrame>, result: &mut GasTrace, exit: String) {
    let Some(mut frame) = stack.pop() else {
        return;
    };
    frame.exit = exit;
    frame.gas_used = frame.own.gas + frame.calls.iter().map(|c| c.gas_used).sum::<u64>();
    match stack.last_mut() {
        Some(parent) => parent.calls.push(frame),
        None => result.call = Some(frame),
    }
}
