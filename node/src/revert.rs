//! What a revert says: `Error(string)` and `Panic(uint256)` decoded as Solidity encodes them.

use alloy_primitives::U256;
use alloy_sol_types::{Panic, Revert, SolError};

/// The human-readable reason in revert `data`, if it has one.
pub fn reason(data: &[u8]) -> Option<String> {
    if let Ok(revert) = Revert::abi_decode(data) {
        return Some(revert.reason);
    }
    if let Ok(panic) = Panic::abi_decode(data) {
        return Some(format!("panic: {}", describe(panic.code)));
    }
    None
}

fn describe(code: U256) -> String {
    let Ok(small) = u64::try_from(code) else {
        return format!("unknown panic code {code:#x}");
    };
    let what = match small {
        0x01 => "assertion failed",
        0x11 => "arithmetic underflow or overflow",
        0x12 => "division or modulo by zero",
        0x21 => "enum overflow",
        0x22 => "invalid encoded storage byte array accessed",
        0x31 => "out-of-bounds array access; popping on an empty array",
        0x32 => "out-of-bounds access of an array or bytesN",
        0x41 => "out of memory",
        0x51 => "uninitialized function",
        _ => return format!("unknown panic code {code:#x}"),
    };
    format!("{what} (0x{small:02x})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_error_strings_and_panics() {
        let error = Revert::from("empty greeting").abi_encode();
        assert_eq!(reason(&error).as_deref(), Some("empty greeting"));
        let panic = Panic::from(0x11).abi_encode();
        assert_eq!(
            reason(&panic).as_deref(),
            Some("panic: arithmetic underflow or overflow (0x11)")
        );
        assert_eq!(reason(&[1, 2, 3]), None);
    }
}
