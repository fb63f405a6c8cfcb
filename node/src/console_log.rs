//! Hardhat's `console.log` (`hardhat/console.sol`, also in forge-std as `console2`): a
//! contract's call to the console address, noted by the host's kernel as a mined transaction
//! runs (`host::WatchedCall`, no trace needed), decoded and formatted as anvil and Hardhat print
//! it. The call itself runs as
//! any call to an empty address does, so printing changes nothing in the contract.

use std::{collections::HashMap, sync::LazyLock};

use actor_types::{evm, EthAddress};
use alloy_dyn_abi::{DynSolType, DynSolValue};
use alloy_primitives::{address, keccak256, Address};
use fvm_shared::address::Address as FilAddress;
use host::WatchedCall;

/// Where `console.log` sends: "console.log" in ASCII.
pub const CONSOLE_ADDRESS: Address = address!("000000000000000000636F6e736F6c652e6c6f67");

/// The arguments of each `console.log` overload, by selector.
static OVERLOADS: LazyLock<HashMap<[u8; 4], Vec<DynSolType>>> = LazyLock::new(overloads);

/// Where `console.log` sends, as the EVM actor addresses it: the f410 address of
/// [`CONSOLE_ADDRESS`].
pub fn console_filecoin_address() -> FilAddress {
    EthAddress::from(CONSOLE_ADDRESS).to_filecoin()
}

/// What a transaction printed, in order, from the calls its actors sent to
/// [`console_filecoin_address`] (the chain notes them: `ChainConfig::watch`).
pub fn printed(calls: &[WatchedCall]) -> Vec<String> {
    calls
        .iter()
        .filter(|call| call.method == evm::method::INVOKE_CONTRACT)
        .filter_map(|call| crate::trace::evm_bytes(call.params.as_ref()))
        .filter_map(|input| format_call(&input))
        .collect()
}

/// One `console.log` call's text, or `None` if `input` is no overload's.
pub fn format_call(input: &[u8]) -> Option<String> {
    let selector: [u8; 4] = input.get(..4)?.try_into().ok()?;
    let types = OVERLOADS.get(&selector)?;
    let values = match DynSolType::Tuple(types.clone()).abi_decode_params(&input[4..]) {
        Ok(DynSolValue::Tuple(values)) => values,
        _ => return None,
    };
    Some(format_values(&values))
}

/// The arguments as Hardhat prints them: a first string may hold `%s`, `%d`, `%i`, `%o`, `%x`
/// and `%%`, each taking the next argument; the rest follow, separated by spaces.
fn format_values(values: &[DynSolValue]) -> String {
    let mut rest = values.iter();
    let mut out = String::new();
    if let Some(DynSolValue::String(template)) = values.first() {
        rest.next();
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            match chars.peek().copied() {
                Some('%') => {
                    chars.next();
                    out.push('%');
                }
                Some(spec @ ('s' | 'd' | 'i' | 'o' | 'x')) => match rest.next() {
                    Some(value) => {
                        chars.next();
                        out += &format_value(value, spec);
                    }
                    None => out.push('%'),
                },
                _ => out.push('%'),
            }
        }
    }
    for value in rest {
        if !out.is_empty() {
            out.push(' ');
        }
        out += &format_value(value, 's');
    }
    out
}

fn format_value(value: &DynSolValue, spec: char) -> String {
    match (value, spec) {
        (DynSolValue::Uint(n, _), 'x') => format!("{n:#x}"),
        (DynSolValue::Int(n, _), 'x') => format!("{:#x}", n.into_raw()),
        (DynSolValue::Uint(n, _), _) => n.to_string(),
        (DynSolValue::Int(n, _), _) => n.to_string(),
        (DynSolValue::Bool(b), _) => b.to_string(),
        (DynSolValue::Address(a), _) => a.to_checksum(None),
        (DynSolValue::String(s), _) => s.clone(),
        (DynSolValue::Bytes(b), _) => alloy_primitives::hex::encode_prefixed(b),
        (DynSolValue::FixedBytes(word, size), _) => {
            alloy_primitives::hex::encode_prefixed(&word[..*size])
        }
        (other, _) => format!("{other:?}"),
    }
}

/// Every overload of `console.sol`: `log` with one to four arguments of `uint256`, `string`,
/// `bool` and `address` (and `int256` alone), the typed `logUint`, `logBytes1` to
/// `logBytes32` and the like. Old versions of `console.sol` hashed `uint` and `int` rather
/// than `uint256` and `int256`; those selectors decode the same.
fn overloads() -> HashMap<[u8; 4], Vec<DynSolType>> {
    const ARGUMENTS: [&str; 4] = ["uint256", "string", "bool", "address"];
    let mut signatures: Vec<(String, Vec<&str>)> = vec![("log".into(), Vec::new())];
    let mut lists: Vec<Vec<&str>> = vec![Vec::new()];
    for _ in 0..4 {
        lists = lists
            .iter()
            .flat_map(|list| {
                ARGUMENTS.iter().map(move |argument| {
                    let mut longer = list.clone();
                    longer.push(*argument);
                    longer
                })
            })
            .collect();
        signatures.extend(lists.iter().map(|list| ("log".into(), list.clone())));
    }
    signatures.push(("log".into(), vec!["int256"]));
    for (name, argument) in [
        ("logInt", "int256"),
        ("logUint", "uint256"),
        ("logString", "string"),
        ("logBool", "bool"),
        ("logAddress", "address"),
        ("logBytes", "bytes"),
    ] {
        signatures.push((name.into(), vec![argument]));
    }
    let fixed: Vec<String> = (1..=32).map(|n| format!("bytes{n}")).collect();
    for argument in &fixed {
        signatures.push((format!("logB{}", &argument[1..]), vec![argument.as_str()]));
    }

    let mut table = HashMap::new();
    for (name, arguments) in signatures {
        let types: Vec<DynSolType> = arguments
            .iter()
            .map(|argument| argument.parse().expect("a console.sol type"))
            .collect();
        let signature = format!("{name}({})", arguments.join(","));
        let old = signature
            .replace("uint256", "uint")
            .replace("int256", "int");
        for text in [signature, old] {
            let selector: [u8; 4] = keccak256(text.as_bytes())[..4].try_into().expect("4 bytes");
            table.insert(selector, types.clone());
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::U256;
    use alloy_sol_types::{sol, SolCall};

    sol! {
        function log(string a, uint256 b);
        function log(string a, address b, bool c);
        function logBytes4(bytes4 a);
        function log(uint256 a, uint256 b);
    }

    #[test]
    fn calls_print_as_hardhat_prints_them() {
        let call = log_0Call {
            a: "balance is".into(),
            b: U256::from(42),
        };
        assert_eq!(
            format_call(&call.abi_encode()).as_deref(),
            Some("balance is 42")
        );
        let owner = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        let call = log_1Call {
            a: "%s owns it: %s, 100%%".into(),
            b: owner,
            c: true,
        };
        assert_eq!(
            format_call(&call.abi_encode()).as_deref(),
            Some("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 owns it: true, 100%")
        );
        let call = logBytes4Call {
            a: [0xde, 0xad, 0xbe, 0xef].into(),
        };
        assert_eq!(
            format_call(&call.abi_encode()).as_deref(),
            Some("0xdeadbeef")
        );
        let call = log_2Call {
            a: U256::from(1),
            b: U256::from(2),
        };
        assert_eq!(format_call(&call.abi_encode()).as_deref(), Some("1 2"));
    }

    #[test]
    fn old_uint_selectors_and_strangers() {
        let mut input = keccak256("log(uint)".as_bytes())[..4].to_vec();
        input.extend(U256::from(7).to_be_bytes::<32>());
        assert_eq!(format_call(&input).as_deref(), Some("7"));
        assert_eq!(format_call(&[1, 2, 3, 4]), None);
        assert_eq!(format_call(&input[..10]), None);
        // 4 + 16 + 64 + 256 `log`s, `log(int256)`, 6 typed ones and 32 `logBytesN`.
        assert_eq!(
            OVERLOADS.len(),
            2 * (1 + 4 + 16 + 64 + 256 + 1 + 6 + 32) - same_when_old()
        );
    }

    /// Signatures without `uint256` or `int256`, whose old form is the same.
    fn same_when_old() -> usize {
        // `log()`, and the `log`s over string, bool and address only: 3 + 9 + 27 + 81.
        1 + 3 + 9 + 27 + 81 + 4 + 32
    }
}
