//! The steps the step-tracing build of the EVM actor reports, and how they travel.
//!
//! That build (feature `step-trace` of `evm-actor`) runs only in replays for the struct logger
//! (`debug_traceTransaction` without a tracer): the host swaps it in for the EVM actor's code
//! and turns on actor debugging. It records each instruction's program counter, opcode and
//! stack, and hands them to the FVM as debug log lines before every call or create it makes
//! and when its frame ends, so that the execution trace lists a frame's steps in the order
//! they ran, interleaved with its callees' own.
//!
//! A line is [`PREFIX`] followed by hex: for each step, the program counter (u32, little
//! endian), the opcode (u8), the stack's depth (u16, little endian) and its words, bottom
//! first, 32 bytes big endian each. (Debug log lines must be UTF-8, hence the hex.)

use alloy_primitives::{hex, U256};

/// What starts a line of steps, telling it from any other debug log line.
pub const PREFIX: &str = "evm-steps:";

/// One instruction, as it was about to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub pc: u32,
    pub opcode: u8,
    /// Bottom first, as geth's struct logger lists it.
    pub stack: Vec<U256>,
}

/// Appends one step to `buffer` (the actor's pending line, before hex).
pub fn encode(buffer: &mut Vec<u8>, pc: usize, opcode: u8, stack: &[U256]) {
    buffer.extend_from_slice(&(pc as u32).to_le_bytes());
    buffer.push(opcode);
    buffer.extend_from_slice(&(stack.len() as u16).to_le_bytes());
    for word in stack {
        buffer.extend_from_slice(&word.to_be_bytes::<32>());
    }
}

/// The log line carrying the steps in `buffer`.
pub fn line(buffer: &[u8]) -> String {
    let mut line = String::with_capacity(PREFIX.len() + 2 * buffer.len());
    line.push_str(PREFIX);
    line.push_str(&hex::encode(buffer));
    line
}

/// Why a line of steps could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a malformed line of EVM steps in the execution trace")]
pub struct MalformedSteps;

/// The steps in a debug log line, or `None` if the line is not one of steps.
pub fn decode(line: &str) -> Option<Result<Vec<Step>, MalformedSteps>> {
    let body = line.strip_prefix(PREFIX)?;
    Some(
        hex::decode(body)
            .map_err(|_| MalformedSteps)
            .and_then(|bytes| steps(&bytes)),
    )
}

fn steps(mut bytes: &[u8]) -> Result<Vec<Step>, MalformedSteps> {
    let mut steps = Vec::new();
    while !bytes.is_empty() {
        let header = take(&mut bytes, 7)?;
        let pc = u32::from_le_bytes(header[..4].try_into().expect("4 bytes"));
        let depth = u16::from_le_bytes([header[5], header[6]]) as usize;
        let words = take(&mut bytes, 32 * depth)?;
        let stack = words
            .chunks_exact(32)
            .map(|word| U256::from_be_slice(word))
            .collect();
        steps.push(Step {
            pc,
            opcode: header[4],
            stack,
        });
    }
    Ok(steps)
}

fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Result<&'a [u8], MalformedSteps> {
    if bytes.len() < n {
        return Err(MalformedSteps);
    }
    let (head, rest) = bytes.split_at(n);
    *bytes = rest;
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_round_trip_through_a_line() {
        let mut buffer = Vec::new();
        encode(&mut buffer, 0, 0x60, &[]);
        encode(&mut buffer, 70_000, 0x01, &[U256::from(1), U256::MAX]);
        let decoded = decode(&line(&buffer)).unwrap().unwrap();
        assert_eq!(
            decoded,
            vec![
                Step {
                    pc: 0,
                    opcode: 0x60,
                    stack: vec![]
                },
                Step {
                    pc: 70_000,
                    opcode: 0x01,
                    stack: vec![U256::from(1), U256::MAX]
                },
            ]
        );
    }

    #[test]
    fn other_lines_and_truncated_steps_are_told_apart() {
        assert_eq!(decode("hello"), None);
        let mut buffer = Vec::new();
        encode(&mut buffer, 1, 0x01, &[U256::from(7)]);
        let truncated = line(&buffer[..buffer.len() - 1]);
        assert_eq!(decode(&truncated), Some(Err(MalformedSteps)));
        assert_eq!(decode("evm-steps:zz"), Some(Err(MalformedSteps)));
    }
}
