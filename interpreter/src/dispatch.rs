//! The instruction loop.
//!
//! revm's `Interpreter::run_plain` calls every instruction through its table of function
//! pointers. Natively that indirect call is cheap. In the actor it is a wasm `call_indirect`, and
//! the FVM instruments the module so that every call also updates a stack-depth counter and every
//! basic block calls a gas-charging function: measured with `bench --opcodes`, a `JUMPDEST`
//! cost 64 wasm instructions and 17 ns on the FVM against 2.6 ns natively.
//!
//! This loop calls the opcodes that dominate computation (stack, arithmetic, comparison,
//! bitwise, jumps and memory words) directly, so that the compiler inlines them into the loop;
//! every other opcode goes through the table as before. Each direct arm calls the function that
//! [`crate::instructions::table`] holds for its opcode (revm's, or this crate's replacement), so
//! both paths run the same instruction with the same static gas.

use crate::{
    adapter::HostAdapter,
    instructions::{arithmetic as tuned, stack as checked_stack},
};
use revm_interpreter::{
    bytecode::opcode::*,
    instructions::{arithmetic, bitwise, control, memory, stack, system},
    interpreter::EthInterpreter,
    interpreter_types::{Jumps, LoopControl},
    GasTable, Host, InstructionContext, InstructionExecResult, InstructionTable, Interpreter,
    InterpreterAction,
};

/// Runs `interpreter` until its frame ends. `gas_table` is `None` when Ethereum gas is not
/// metered (no opcode has a static cost), which saves a subtraction and a branch per opcode.
pub(crate) fn run<'h, H: crate::Host>(
    interpreter: &mut Interpreter<EthInterpreter>,
    table: &InstructionTable<EthInterpreter, HostAdapter<'h, H>>,
    gas_table: Option<&GasTable>,
    host: &mut HostAdapter<'h, H>,
) -> InterpreterAction {
    let end = match gas_table {
        Some(gas_table) => run_loop::<H, true>(interpreter, table, gas_table, host),
        None => run_loop::<H, false>(interpreter, table, &[0; 256], host),
    };
    if interpreter.bytecode.action().is_none() {
        interpreter.halt(end);
    }
    interpreter.take_next_action()
}

/// Steps until an instruction ends the frame, returning why.
fn run_loop<'h, H: crate::Host, const METERED: bool>(
    interpreter: &mut Interpreter<EthInterpreter>,
    table: &InstructionTable<EthInterpreter, HostAdapter<'h, H>>,
    gas_table: &GasTable,
    host: &mut HostAdapter<'h, H>,
) -> revm_interpreter::InstructionResult {
    loop {
        let opcode = interpreter.bytecode.opcode();
        if H::TRACES_STEPS {
            let pc = interpreter.bytecode.pc();
            host.host.step(pc, opcode, interpreter.stack.data());
        }
        // The bytecode is padded with STOP, so stepping past the last opcode is safe.
        interpreter.bytecode.relative_jump(1);
        if METERED
            && interpreter
                .gas
                .record_cost_unsafe(u64::from(gas_table[opcode as usize]))
        {
            return revm_interpreter::InstructionResult::OutOfGas;
        }
        let context = InstructionContext {
            interpreter: &mut *interpreter,
            host: &mut *host,
        };
        if let Err(end) = step(opcode, context, table) {
            return end;
        }
    }
}

/// Executes one opcode: the hot ones by direct (inlinable) call, the rest through `table`.
#[inline(always)]
fn step<H: Host>(
    opcode: u8,
    context: InstructionContext<'_, H, EthInterpreter>,
    table: &InstructionTable<EthInterpreter, H>,
) -> InstructionExecResult {
    match opcode {
        STOP => control::stop(context),
        ADD => arithmetic::add(context),
        MUL => tuned::mul(context),
        SUB => arithmetic::sub(context),
        DIV => tuned::div(context),
        SDIV => tuned::sdiv(context),
        LT => bitwise::lt(context),
        GT => bitwise::gt(context),
        SLT => tuned::slt(context),
        SGT => tuned::sgt(context),
        EQ => bitwise::eq(context),
        ISZERO => bitwise::iszero(context),
        AND => bitwise::bitand(context),
        OR => bitwise::bitor(context),
        XOR => bitwise::bitxor(context),
        NOT => bitwise::not(context),
        BYTE => bitwise::byte(context),
        SHL => bitwise::shl(context),
        SHR => bitwise::shr(context),
        SAR => bitwise::sar(context),
        ADDRESS => system::address(context),
        CALLER => system::caller(context),
        CALLVALUE => system::callvalue(context),
        CALLDATALOAD => system::calldataload(context),
        CALLDATASIZE => system::calldatasize(context),
        RETURNDATASIZE => system::returndatasize(context),
        POP => stack::pop(context),
        MLOAD => memory::mload(context),
        MSTORE => memory::mstore(context),
        MSTORE8 => memory::mstore8(context),
        MSIZE => memory::msize(context),
        JUMP => control::jump(context),
        JUMPI => control::jumpi(context),
        PC => control::pc(context),
        JUMPDEST => control::jumpdest(context),
        PUSH0 => stack::push0(context),
        PUSH1 => stack::push::<1, _, _>(context),
        PUSH2 => stack::push::<2, _, _>(context),
        PUSH3 => stack::push::<3, _, _>(context),
        PUSH4 => stack::push::<4, _, _>(context),
        PUSH5 => stack::push::<5, _, _>(context),
        PUSH6 => stack::push::<6, _, _>(context),
        PUSH7 => stack::push::<7, _, _>(context),
        PUSH8 => stack::push::<8, _, _>(context),
        PUSH9 => stack::push::<9, _, _>(context),
        PUSH10 => stack::push::<10, _, _>(context),
        PUSH11 => stack::push::<11, _, _>(context),
        PUSH12 => stack::push::<12, _, _>(context),
        PUSH13 => stack::push::<13, _, _>(context),
        PUSH14 => stack::push::<14, _, _>(context),
        PUSH15 => stack::push::<15, _, _>(context),
        PUSH16 => stack::push::<16, _, _>(context),
        PUSH17 => stack::push::<17, _, _>(context),
        PUSH18 => stack::push::<18, _, _>(context),
        PUSH19 => stack::push::<19, _, _>(context),
        PUSH20 => stack::push::<20, _, _>(context),
        PUSH21 => stack::push::<21, _, _>(context),
        PUSH22 => stack::push::<22, _, _>(context),
        PUSH23 => stack::push::<23, _, _>(context),
        PUSH24 => stack::push::<24, _, _>(context),
        PUSH25 => stack::push::<25, _, _>(context),
        PUSH26 => stack::push::<26, _, _>(context),
        PUSH27 => stack::push::<27, _, _>(context),
        PUSH28 => stack::push::<28, _, _>(context),
        PUSH29 => stack::push::<29, _, _>(context),
        PUSH30 => stack::push::<30, _, _>(context),
        PUSH31 => stack::push::<31, _, _>(context),
        PUSH32 => stack::push::<32, _, _>(context),
        DUP1 => checked_stack::dup::<1, _>(context),
        DUP2 => checked_stack::dup::<2, _>(context),
        DUP3 => checked_stack::dup::<3, _>(context),
        DUP4 => checked_stack::dup::<4, _>(context),
        DUP5 => checked_stack::dup::<5, _>(context),
        DUP6 => checked_stack::dup::<6, _>(context),
        DUP7 => checked_stack::dup::<7, _>(context),
        DUP8 => checked_stack::dup::<8, _>(context),
        DUP9 => checked_stack::dup::<9, _>(context),
        DUP10 => checked_stack::dup::<10, _>(context),
        DUP11 => checked_stack::dup::<11, _>(context),
        DUP12 => checked_stack::dup::<12, _>(context),
        DUP13 => checked_stack::dup::<13, _>(context),
        DUP14 => checked_stack::dup::<14, _>(context),
        DUP15 => checked_stack::dup::<15, _>(context),
        DUP16 => checked_stack::dup::<16, _>(context),
        SWAP1 => stack::swap::<1, _, _>(context),
        SWAP2 => stack::swap::<2, _, _>(context),
        SWAP3 => stack::swap::<3, _, _>(context),
        SWAP4 => stack::swap::<4, _, _>(context),
        SWAP5 => stack::swap::<5, _, _>(context),
        SWAP6 => stack::swap::<6, _, _>(context),
        SWAP7 => stack::swap::<7, _, _>(context),
        SWAP8 => stack::swap::<8, _, _>(context),
        SWAP9 => stack::swap::<9, _, _>(context),
        SWAP10 => stack::swap::<10, _, _>(context),
        SWAP11 => stack::swap::<11, _, _>(context),
        SWAP12 => stack::swap::<12, _, _>(context),
        SWAP13 => stack::swap::<13, _, _>(context),
        SWAP14 => stack::swap::<14, _, _>(context),
        SWAP15 => stack::swap::<15, _, _>(context),
        SWAP16 => stack::swap::<16, _, _>(context),
        _ => table[opcode as usize].execute(context),
    }
}
