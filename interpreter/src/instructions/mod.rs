//! The instruction table: revm's instructions, with the ones whose meaning belongs to the
//! embedder replaced.
//!
//! * [`arithmetic`]: `MUL`, `DIV` and `SDIV` without 128-bit steps on wasm, and branch-free
//!   `SLT` and `SGT`.
//! * [`calls`]: `CALL`, `CALLCODE`, `DELEGATECALL`, `STATICCALL`, `CREATE`, `CREATE2` are handed
//!   to [`crate::Host::call`] / [`crate::Host::create`] (Ethereum precompiles run in-process).
//! * [`account`]: under platform metering, `GAS` asks the host, and `BALANCE`, `SELFBALANCE`,
//!   `EXTCODESIZE`, `EXTCODEHASH` and `EXTCODECOPY` each make exactly the one host query they
//!   need (revm's versions load a whole account to price the access).
//! * [`hash`]: under platform metering, `KECCAK256` hashes with the host's crypto.
//! * [`checked`]: `TLOAD`, `TSTORE` and `LOG0`..`LOG4` halt the frame when the embedder fails.
//! * [`stack`]: `DUP1`..`DUP16` halt with an underflow when the stack is too short.
//! * Under platform metering `BLOBHASH`, `BLOBBASEFEE` and `CALLCODE` are undefined, as in
//!   builtin-actors.

mod account;
pub(crate) mod arithmetic;
mod calls;
mod checked;
mod hash;
pub(crate) mod stack;

pub use calls::run_platform_precompile;

use crate::{adapter::HostAdapter, config::GasMode, host::Host};
use revm_interpreter::{
    bytecode::opcode,
    instructions::{gas_table_spec, instruction_table},
    interpreter::EthInterpreter,
    GasTable, Instruction, InstructionContext, InstructionTable,
};

/// The mnemonic of `opcode` (`None` if no fork defines it), as tracers print it.
pub fn opcode_name(opcode: u8) -> Option<&'static str> {
    opcode::OpCode::new(opcode).map(opcode::OpCode::as_str)
}

/// What every instruction of this crate receives.
pub(crate) type Context<'a, 'h, H> = InstructionContext<'a, HostAdapter<'h, H>, EthInterpreter>;

/// The instruction table for an execution under `mode`.
pub(crate) fn table<'h, H: Host>(
    mode: GasMode,
) -> InstructionTable<EthInterpreter, HostAdapter<'h, H>> {
    let mut table = instruction_table::<EthInterpreter, HostAdapter<'h, H>>();
    let mut set = |op: u8, f: fn(Context<'_, 'h, H>) -> revm_interpreter::InstructionExecResult| {
        table[op as usize] = Instruction::new(f);
    };
    set(opcode::MUL, arithmetic::mul);
    set(opcode::DIV, arithmetic::div);
    set(opcode::SDIV, arithmetic::sdiv);
    set(opcode::SLT, arithmetic::slt);
    set(opcode::SGT, arithmetic::sgt);
    set(opcode::CALL, calls::call::<{ opcode::CALL }, H>);
    set(opcode::CALLCODE, calls::call::<{ opcode::CALLCODE }, H>);
    set(
        opcode::DELEGATECALL,
        calls::call::<{ opcode::DELEGATECALL }, H>,
    );
    set(opcode::STATICCALL, calls::call::<{ opcode::STATICCALL }, H>);
    set(opcode::CREATE, calls::create::<false, H>);
    set(opcode::CREATE2, calls::create::<true, H>);
    set(opcode::TLOAD, checked::tload::<H>);
    set(opcode::TSTORE, checked::tstore::<H>);
    set(opcode::LOG0, checked::log::<0, H>);
    set(opcode::LOG1, checked::log::<1, H>);
    set(opcode::LOG2, checked::log::<2, H>);
    set(opcode::LOG3, checked::log::<3, H>);
    set(opcode::LOG4, checked::log::<4, H>);
    set(opcode::DUP1, stack::dup::<1, _>);
    set(opcode::DUP2, stack::dup::<2, _>);
    set(opcode::DUP3, stack::dup::<3, _>);
    set(opcode::DUP4, stack::dup::<4, _>);
    set(opcode::DUP5, stack::dup::<5, _>);
    set(opcode::DUP6, stack::dup::<6, _>);
    set(opcode::DUP7, stack::dup::<7, _>);
    set(opcode::DUP8, stack::dup::<8, _>);
    set(opcode::DUP9, stack::dup::<9, _>);
    set(opcode::DUP10, stack::dup::<10, _>);
    set(opcode::DUP11, stack::dup::<11, _>);
    set(opcode::DUP12, stack::dup::<12, _>);
    set(opcode::DUP13, stack::dup::<13, _>);
    set(opcode::DUP14, stack::dup::<14, _>);
    set(opcode::DUP15, stack::dup::<15, _>);
    set(opcode::DUP16, stack::dup::<16, _>);
    if mode == GasMode::Platform {
        set(opcode::GAS, account::gas::<H>);
        set(opcode::BALANCE, account::balance::<H>);
        set(opcode::SELFBALANCE, account::selfbalance::<H>);
        set(opcode::EXTCODESIZE, account::extcodesize::<H>);
        set(opcode::EXTCODEHASH, account::extcodehash::<H>);
        set(opcode::EXTCODECOPY, account::extcodecopy::<H>);
        set(opcode::KECCAK256, hash::keccak256::<H>);
        // Filecoin's EVM never defined these (no blobs; CALLCODE was left out by FIP-0054), and
        // a contract that uses them must fail here as it fails there.
        for undefined in [opcode::BLOBHASH, opcode::BLOBBASEFEE, opcode::CALLCODE] {
            set(undefined, revm_interpreter::instructions::control::unknown);
        }
    }
    table
}

/// Static gas per opcode: the fork's under Ethereum metering, none under platform metering.
pub(crate) fn gas_table(mode: GasMode) -> Option<GasTable> {
    match mode {
        GasMode::Ethereum(spec) => Some(gas_table_spec(spec)),
        GasMode::Platform => None,
    }
}
