//! What single EVM instructions cost inside our actor: for each probe, a loop whose body repeats
//! one short stack-neutral sequence, run as a message on the FVM and natively; the empty loop's
//! cost is subtracted, leaving the sequence's own wasm gas and wall time. This is where the
//! FVM/native ratio of the compute rows comes from.

use anyhow::Result;

use crate::{
    compute::{time_alternately, Native},
    lab::{median, Lab},
};

/// Loop iterations per probe.
const ITERATIONS: u32 = 20_000;
/// Copies of the sequence in one iteration.
const COPIES: usize = 16;

/// One probe's result, per copy of its sequence.
pub struct OpcodeRow {
    pub name: &'static str,
    /// FVM wasm gas (4 per wasm instruction executed).
    pub wasm_gas: f64,
    pub fvm_ns: f64,
    pub native_ns: f64,
}

/// The probes: a name and a stack-neutral byte sequence.
fn probes() -> Vec<(&'static str, Vec<u8>)> {
    const PUSH1: u8 = 0x60;
    const PUSH8: u8 = 0x67;
    const POP: u8 = 0x50;
    let push8 = |value: u64| {
        let mut bytes = vec![PUSH8];
        bytes.extend_from_slice(&value.to_be_bytes());
        bytes
    };
    let binary = |op: u8| {
        [
            push8(0x5851_f42d_4c95_7f2d),
            push8(0x1405_7b7e_f767_814f),
            vec![op, POP],
        ]
        .concat()
    };
    vec![
        ("PUSH1 POP", vec![PUSH1, 7, POP]),
        ("PUSH1 DUP1 POP POP", vec![PUSH1, 7, 0x80, POP, POP]),
        (
            "PUSH1 PUSH1 SWAP1 POP POP",
            vec![PUSH1, 7, PUSH1, 9, 0x90, POP, POP],
        ),
        ("PUSH8 PUSH8 ADD POP", binary(0x01)),
        ("PUSH8 PUSH8 MUL POP", binary(0x02)),
        ("PUSH8 PUSH8 LT POP", binary(0x10)),
        ("PUSH8 PUSH8 AND POP", binary(0x16)),
        ("PUSH1 ISZERO POP", vec![PUSH1, 7, 0x15, POP]),
        ("PUSH1 MLOAD POP", vec![PUSH1, 0x40, 0x51, POP]),
        ("PUSH1 PUSH1 MSTORE", vec![PUSH1, 7, PUSH1, 0x40, 0x52]),
        ("JUMPDEST", vec![0x5b]),
    ]
}

/// `counter = ITERATIONS; loop { body; counter -= 1; if counter != 0 { jump loop } }`.
fn looped(body: &[u8]) -> Vec<u8> {
    let mut code = vec![0x63]; // PUSH4
    code.extend_from_slice(&ITERATIONS.to_be_bytes());
    let head = code.len() as u16;
    code.push(0x5b); // JUMPDEST
    for _ in 0..COPIES {
        code.extend_from_slice(body);
    }
    // PUSH1 1, SWAP1, SUB, DUP1, PUSH2 head, JUMPI, STOP
    code.extend_from_slice(&[0x60, 1, 0x90, 0x03, 0x80, 0x61]);
    code.extend_from_slice(&head.to_be_bytes());
    code.extend_from_slice(&[0x57, 0x00]);
    code
}

/// Initcode that deploys `runtime` as it is.
fn deployer(runtime: &[u8]) -> Vec<u8> {
    let length = u16::try_from(runtime.len()).expect("a probe fits in 64 KiB");
    let mut code = vec![0x61];
    code.extend_from_slice(&length.to_be_bytes());
    // DUP1, PUSH1 offset, PUSH0, CODECOPY, PUSH0, RETURN
    const PREFIX: u8 = 10;
    code.extend_from_slice(&[0x80, 0x60, PREFIX, 0x5f, 0x39, 0x5f, 0xf3]);
    assert_eq!(code.len(), usize::from(PREFIX));
    code.extend_from_slice(runtime);
    code
}

struct LoopCost {
    wasm_gas: u64,
    fvm_ms: f64,
    native_ms: f64,
}

fn measure_loop(lab: &mut Lab, body: &[u8], runs: usize) -> Result<LoopCost> {
    let runtime = looped(body);
    let address = lab.deploy(&deployer(&runtime))?;
    let message = lab.message(address, &[])?;
    let fvm = lab.measure(&message, 1)?;
    let mut native = Native::new(&runtime);
    let (mut fvm_times, mut native_times) =
        time_alternately(lab, &message, &mut native, &[], runs)?;
    Ok(LoopCost {
        wasm_gas: fvm.split.wasm,
        fvm_ms: median(&mut fvm_times),
        native_ms: median(&mut native_times),
    })
}

pub fn measure(runs: usize) -> Result<Vec<OpcodeRow>> {
    let mut lab = Lab::new(host::Actors::Ours)?;
    let empty = measure_loop(&mut lab, &[], runs)?;
    let per_copy = f64::from(ITERATIONS) * COPIES as f64;
    probes()
        .into_iter()
        .map(|(name, body)| {
            let cost = measure_loop(&mut lab, &body, runs)?;
            Ok(OpcodeRow {
                name,
                wasm_gas: (cost.wasm_gas as f64 - empty.wasm_gas as f64) / per_copy,
                fvm_ns: (cost.fvm_ms - empty.fvm_ms) * 1e6 / per_copy,
                native_ns: (cost.native_ms - empty.native_ms) * 1e6 / per_copy,
            })
        })
        .collect()
}

pub fn report(rows: &[OpcodeRow]) -> String {
    let mut out = String::from(
        "| sequence | wasm gas | wasm instructions | FVM ns | native ns | FVM/native |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    for row in rows {
        out += &format!(
            "| {} | {:.0} | {:.0} | {:.1} | {:.1} | {:.2} |\n",
            row.name,
            row.wasm_gas,
            row.wasm_gas / 4.0,
            row.fvm_ns,
            row.native_ns,
            row.fvm_ns / row.native_ns
        );
    }
    out
}
