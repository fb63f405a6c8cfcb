//! The calls of a semantic test: the `// ----` section, parsed into [`Call`]s.
//!
//! Arguments and expected results are not ABI-encoded: each literal becomes raw bytes (numbers
//! right-aligned in 32 bytes, strings left-aligned, `hex"..."` as is) and they are concatenated.

use crate::{
    error::ParseError,
    scanner::{tokenize, Token},
};
use alloy_primitives::U256;

/// What a line does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallKind {
    /// `f(types): args -> results`: a transaction to the contract.
    Regular,
    /// `(): data`: a transaction without a selector.
    LowLevel,
    /// `constructor(), value: args`: the deployment's arguments and value.
    Constructor,
    /// `library: L` or `library: "file":L`: deploy a library to link.
    Library { file: Option<String>, name: String },
    /// A runner built-in (no transaction).
    Builtin(Builtin),
}

/// The runner's built-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// `storageEmpty -> 1`: whether the contract's storage is all zero.
    StorageEmpty,
    /// `balance -> N`, `balance: 0x.. -> N`.
    Balance,
    /// `account: N -> address`: and send from account N from now on.
    Account,
    /// `isoltest_builtin_test -> 0x1234`.
    BuiltinTest,
    /// `isoltest_side_effects_test: args -> args`, with one side effect per argument.
    SideEffectsTest,
}

impl Builtin {
    fn named(name: &str) -> Option<Self> {
        Some(match name {
            "storageEmpty" => Builtin::StorageEmpty,
            "balance" => Builtin::Balance,
            "account" => Builtin::Account,
            "isoltest_builtin_test" => Builtin::BuiltinTest,
            "isoltest_side_effects_test" => Builtin::SideEffectsTest,
            _ => return None,
        })
    }
}

/// One line (or multi-line call) of expectations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub kind: CallKind,
    /// `f(uint256,bool)`, normalised without spaces.
    pub signature: String,
    /// Wei sent with the call.
    pub value: U256,
    /// Each argument's bytes.
    pub arguments: Vec<Vec<u8>>,
    /// Each argument's bytes before alignment to 32 (built-ins read these).
    pub raw_arguments: Vec<Vec<u8>>,
    /// The expected return (or revert) data.
    pub expected: Vec<u8>,
    /// `-> FAILURE...`: the call must fail.
    pub expect_failure: bool,
    /// Expected `~` lines, in order.
    pub side_effects: Vec<String>,
    /// The call as written, for reports.
    pub text: String,
}

impl Call {
    /// Calldata: selector (unless low-level) and the arguments.
    pub fn calldata(&self) -> Vec<u8> {
        let mut data = match self.kind {
            CallKind::LowLevel => Vec::new(),
            _ => alloy_primitives::keccak256(self.signature.as_bytes())[..4].to_vec(),
        };
        data.extend(self.arguments.concat());
        data
    }
}

/// Parses the expectation section.
pub fn parse_calls(text: &str) -> Result<Vec<Call>, ParseError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens, at: 0 };
    parser.calls()
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.at]
    }

    fn bump(&mut self) -> Token {
        let token = self.tokens[self.at].clone();
        if self.at + 1 < self.tokens.len() {
            self.at += 1;
        }
        token
    }

    fn accept(&mut self, token: &Token) -> bool {
        if self.peek() == token {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &Token) -> Result<(), ParseError> {
        if self.accept(token) {
            Ok(())
        } else {
            Err(ParseError::new(format!(
                "expected {token:?}, found {:?}",
                self.peek()
            )))
        }
    }

    fn identifier(&mut self) -> Result<String, ParseError> {
        match self.bump() {
            Token::Identifier(name) => Ok(name),
            other => Err(ParseError::new(format!(
                "expected an identifier, found {other:?}"
            ))),
        }
    }

    fn calls(&mut self) -> Result<Vec<Call>, ParseError> {
        let mut calls: Vec<Call> = Vec::new();
        while self.peek() != &Token::End {
            if calls.is_empty() {
                self.expect(&Token::Newline)?;
            } else {
                self.accept(&Token::Newline);
            }
            if self.peek() == &Token::End {
                break;
            }
            if self.accept(&Token::Gas) {
                self.gas_line()?;
                if calls.is_empty() {
                    return Err(ParseError::new("a gas line before any call"));
                }
                continue;
            }
            let start = self.at;
            let mut call = if self.accept(&Token::Library) {
                self.library()?
            } else {
                self.call()?
            };
            call.text = render(&self.tokens[start..self.at]);
            self.accept(&Token::Newline);
            while let Token::Tilde(effect) = self.peek().clone() {
                call.side_effects.push(effect.trim_end().to_string());
                self.bump();
                self.accept(&Token::Newline);
            }
            calls.push(call);
        }
        if calls.is_empty() {
            return Err(ParseError::new("no calls"));
        }
        Ok(calls)
    }

    /// `gas <runtype> [code]: N`: parsed and ignored (gas is not the FVM's cost model).
    fn gas_line(&mut self) -> Result<(), ParseError> {
        let run_type = self.identifier()?;
        if !["ir", "irOptimized", "legacy", "legacyOptimized"].contains(&run_type.as_str()) {
            return Err(ParseError::new(format!("unknown gas run type {run_type}")));
        }
        if matches!(self.peek(), Token::Identifier(code) if code == "code") {
            self.bump();
        }
        self.expect(&Token::Colon)?;
        match self.bump() {
            Token::Number(_) => Ok(()),
            other => Err(ParseError::new(format!(
                "expected a gas amount, found {other:?}"
            ))),
        }
    }

    fn library(&mut self) -> Result<Call, ParseError> {
        self.expect(&Token::Colon)?;
        let (file, name) = match self.peek().clone() {
            Token::Str(file) => {
                self.bump();
                self.expect(&Token::Colon)?;
                (
                    Some(String::from_utf8_lossy(&file).into_owned()),
                    self.identifier()?,
                )
            }
            Token::Colon => {
                self.bump();
                (None, self.identifier()?)
            }
            _ => (None, self.identifier()?),
        };
        Ok(blank_call(
            CallKind::Library {
                file,
                name: name.clone(),
            },
            name,
        ))
    }

    fn call(&mut self) -> Result<Call, ParseError> {
        let (signature, kind) = self.signature()?;
        let mut call = blank_call(kind, signature);
        if self.accept(&Token::Comma) {
            call.value = self.value()?;
        }
        if self.accept(&Token::Colon) {
            let first = self
                .parameter()?
                .ok_or_else(|| ParseError::new("no argument after ':'"))?;
            call.raw_arguments.push(first.raw);
            call.arguments.push(first.bytes);
            while self.accept(&Token::Comma) {
                let next = self
                    .parameter()?
                    .ok_or_else(|| ParseError::new("empty argument"))?;
                call.raw_arguments.push(next.raw);
                call.arguments.push(next.bytes);
            }
        }
        self.accept(&Token::Newline);
        self.comment();
        self.accept(&Token::Newline);
        if self.accept(&Token::Arrow) {
            if let Some(first) = self.parameter()? {
                call.expect_failure = first.is_failure;
                call.expected.extend(first.bytes);
                while self.accept(&Token::Comma) {
                    let next = self
                        .parameter()?
                        .ok_or_else(|| ParseError::new("empty result"))?;
                    call.expected.extend(next.bytes);
                }
            }
            self.accept(&Token::Newline);
        }
        self.comment();
        if call.signature == "constructor()" {
            call.kind = CallKind::Constructor;
        }
        Ok(call)
    }

    fn comment(&mut self) {
        if let Token::Comment(_) = self.peek() {
            self.bump();
        }
    }

    fn value(&mut self) -> Result<U256, ParseError> {
        let Token::Number(amount) = self.bump() else {
            return Err(ParseError::new("expected a value amount"));
        };
        let amount = U256::from_str_radix(&amount, 10)
            .map_err(|_| ParseError::new(format!("bad value {amount}")))?;
        match self.bump() {
            Token::Ether => Ok(amount * U256::from(10).pow(U256::from(18))),
            Token::Wei => Ok(amount),
            other => Err(ParseError::new(format!(
                "expected ether or wei, found {other:?}"
            ))),
        }
    }

    fn signature(&mut self) -> Result<(String, CallKind), ParseError> {
        let name = match self.peek().clone() {
            Token::Identifier(name) => {
                self.bump();
                Some(name)
            }
            _ => None,
        };
        if let Some(builtin) = name.as_deref().and_then(Builtin::named) {
            if self.peek() != &Token::LParen {
                return Ok((name.unwrap_or_default(), CallKind::Builtin(builtin)));
            }
        }
        self.expect(&Token::LParen)?;
        let mut types = Vec::new();
        if self.peek() != &Token::RParen {
            types.push(self.type_name()?);
            while self.accept(&Token::Comma) {
                types.push(self.type_name()?);
            }
        }
        self.expect(&Token::RParen)?;
        let kind = match &name {
            None if !types.is_empty() => {
                return Err(ParseError::new("a low-level call takes no types"))
            }
            None => CallKind::LowLevel,
            Some(_) => CallKind::Regular,
        };
        Ok((
            format!("{}({})", name.unwrap_or_default(), types.join(",")),
            kind,
        ))
    }

    fn type_name(&mut self) -> Result<String, ParseError> {
        let mut name = if self.accept(&Token::LParen) {
            let mut inner = vec![self.type_name()?];
            while self.accept(&Token::Comma) {
                inner.push(self.type_name()?);
            }
            self.expect(&Token::RParen)?;
            format!("({})", inner.join(","))
        } else {
            self.identifier()?
        };
        while self.accept(&Token::LBrack) {
            name.push('[');
            if let Token::Number(n) = self.peek().clone() {
                self.bump();
                name.push_str(&n);
            }
            self.expect(&Token::RBrack)?;
            name.push(']');
        }
        Ok(name)
    }

    /// One argument or result literal, or `None` where there is none.
    fn parameter(&mut self) -> Result<Option<Parameter>, ParseError> {
        self.accept(&Token::Newline);
        let alignment = if self.accept(&Token::Left) {
            self.expect(&Token::LParen)?;
            Some(Alignment::Left)
        } else if self.accept(&Token::Right) {
            self.expect(&Token::LParen)?;
            Some(Alignment::Right)
        } else {
            None
        };
        let negative = self.accept(&Token::Sub);
        let left = alignment == Some(Alignment::Left);
        let parameter = match self.peek().clone() {
            Token::Boolean(b) => {
                self.bump();
                Parameter::aligned(vec![b as u8], left)?
            }
            Token::HexNumber(digits) => {
                self.bump();
                Parameter::aligned(from_hex(&digits)?, left)?
            }
            Token::Hex => {
                self.bump();
                let Token::Str(digits) = self.bump() else {
                    return Err(ParseError::new("hex needs a string"));
                };
                if alignment.is_some() {
                    return Err(ParseError::new("hex strings cannot be aligned"));
                }
                let bytes = from_hex(&String::from_utf8_lossy(&digits))?;
                Parameter {
                    raw: bytes.clone(),
                    bytes,
                    is_failure: false,
                }
            }
            Token::Str(bytes) => {
                self.bump();
                if alignment.is_some() {
                    return Err(ParseError::new("strings cannot be aligned"));
                }
                Parameter::aligned(bytes, true)?
            }
            Token::Number(digits) => {
                self.bump();
                let bytes = number(&digits, negative, left)?;
                Parameter {
                    raw: bytes.clone(),
                    bytes,
                    is_failure: false,
                }
            }
            Token::Failure => {
                self.bump();
                Parameter {
                    bytes: Vec::new(),
                    raw: Vec::new(),
                    is_failure: true,
                }
            }
            _ => {
                if alignment.is_some() || negative {
                    return Err(ParseError::new("expected a literal"));
                }
                return Ok(None);
            }
        };
        if alignment.is_some() {
            self.expect(&Token::RParen)?;
        }
        Ok(Some(parameter))
    }
}

fn blank_call(kind: CallKind, signature: String) -> Call {
    Call {
        kind,
        signature,
        value: U256::ZERO,
        arguments: Vec::new(),
        raw_arguments: Vec::new(),
        expected: Vec::new(),
        expect_failure: false,
        side_effects: Vec::new(),
        text: String::new(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alignment {
    Left,
    Right,
}

struct Parameter {
    bytes: Vec<u8>,
    raw: Vec<u8>,
    is_failure: bool,
}

impl Parameter {
    fn aligned(raw: Vec<u8>, left: bool) -> Result<Self, ParseError> {
        Ok(Self {
            bytes: align(&raw, left)?,
            raw,
            is_failure: false,
        })
    }
}

/// Hex digits to bytes; an odd count makes the first nibble a byte of its own.
fn from_hex(digits: &str) -> Result<Vec<u8>, ParseError> {
    let padded = if digits.len() % 2 == 1 {
        format!("0{digits}")
    } else {
        digits.to_string()
    };
    hex::decode(&padded).map_err(|e| ParseError::new(format!("bad hex {digits}: {e}")))
}

/// Puts at most 32 bytes at the start (left) or end (right) of a word.
fn align(bytes: &[u8], left: bool) -> Result<Vec<u8>, ParseError> {
    if bytes.len() > 32 {
        return Err(ParseError::new("a literal longer than 32 bytes"));
    }
    let mut word = vec![0u8; 32];
    if left {
        word[..bytes.len()].copy_from_slice(bytes);
    } else {
        word[32 - bytes.len()..].copy_from_slice(bytes);
    }
    Ok(word)
}

/// A decimal literal (two's complement when negative; a fixed-point literal loses its dot).
fn number(digits: &str, negative: bool, left: bool) -> Result<Vec<u8>, ParseError> {
    let fixed_point = digits.contains('.');
    let plain: String = digits.chars().filter(|&c| c != '.').collect();
    let mut value = U256::from_str_radix(&plain, 10)
        .map_err(|_| ParseError::new(format!("bad number {digits}")))?;
    if negative {
        value = U256::ZERO.wrapping_sub(value);
    }
    if fixed_point || negative {
        return Ok(value.to_be_bytes::<32>().to_vec());
    }
    let bytes = value.to_be_bytes_trimmed_vec();
    align(&bytes, left)
}

/// Tokens back to text, for reports.
fn render(tokens: &[Token]) -> String {
    let mut out = String::new();
    for token in tokens {
        let piece = match token {
            Token::Newline | Token::End | Token::Comment(_) | Token::Tilde(_) => continue,
            Token::Arrow => " -> ".to_string(),
            Token::Sub => "-".into(),
            Token::Colon => ": ".into(),
            Token::Comma => ", ".into(),
            Token::LParen => "(".into(),
            Token::RParen => ")".into(),
            Token::LBrack => "[".into(),
            Token::RBrack => "]".into(),
            Token::Str(bytes) => format!("{:?}", String::from_utf8_lossy(bytes)),
            Token::Identifier(name) => name.clone(),
            Token::Boolean(b) => b.to_string(),
            Token::HexNumber(digits) => format!("0x{digits}"),
            Token::Number(digits) => digits.clone(),
            Token::Ether => " ether".into(),
            Token::Wei => " wei".into(),
            Token::Left => "left".into(),
            Token::Right => "right".into(),
            Token::Hex => "hex".into(),
            Token::Library => "library".into(),
            Token::Failure => "FAILURE".into(),
            Token::Gas => "gas".into(),
        };
        out.push_str(&piece);
    }
    out.replace(",  ", ", ").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(n: u8) -> Vec<u8> {
        let mut w = vec![0u8; 32];
        w[31] = n;
        w
    }

    #[test]
    fn a_call_with_arguments_value_and_result() {
        let calls = parse_calls("// f(uint256,bool), 2 wei: 3, true -> 7\n// ~ emit E()").unwrap();
        let call = &calls[0];
        assert_eq!(call.signature, "f(uint256,bool)");
        assert_eq!(call.value, U256::from(2));
        assert_eq!(call.arguments, vec![word(3), word(1)]);
        assert_eq!(call.expected, word(7));
        assert!(!call.expect_failure);
        assert_eq!(call.side_effects, vec!["emit E()".to_string()]);
    }

    #[test]
    fn literal_forms() {
        let calls = parse_calls("// f(): left(0x42ef), -1, \"ab\", hex\"0102\", 0x102 -> FAILURE, hex\"4e487b71\", 0x11").unwrap();
        let args = &calls[0].arguments;
        assert_eq!(&args[0][..3], &[0x42, 0xef, 0]);
        assert_eq!(args[1], vec![0xff; 32]);
        assert_eq!(&args[2][..3], b"ab\0");
        assert_eq!(args[3], vec![1, 2]);
        assert_eq!(args[4], [vec![0; 30], vec![1, 2]].concat());
        assert!(calls[0].expect_failure);
        assert_eq!(
            calls[0].expected,
            [vec![0x4e, 0x48, 0x7b, 0x71], word(0x11)].concat()
        );
    }

    #[test]
    fn builtins_libraries_constructors_and_gas_lines() {
        let text = "// library: \"a.sol\":L\n// constructor(), 1 ether: 3 ->\n// gas legacy: 123\n// gas legacy code: 45\n// balance -> 1\n// balance(): 1\n// (): hex\"42\"";
        let calls = parse_calls(text).unwrap();
        assert_eq!(
            calls[0].kind,
            CallKind::Library {
                file: Some("a.sol".into()),
                name: "L".into()
            }
        );
        assert_eq!(calls[1].kind, CallKind::Constructor);
        assert_eq!(calls[1].value, U256::from(10).pow(U256::from(18)));
        assert_eq!(calls[2].kind, CallKind::Builtin(Builtin::Balance));
        assert_eq!(calls[3].kind, CallKind::Regular);
        assert_eq!(calls[4].kind, CallKind::LowLevel);
        assert_eq!(calls[4].calldata(), vec![0x42]);
    }

    #[test]
    fn no_arrow_means_success_with_no_output() {
        let calls = parse_calls("// set(uint256): 4\n// get() ->").unwrap();
        assert!(calls
            .iter()
            .all(|c| !c.expect_failure && c.expected.is_empty()));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for text in [
            "// f(",
            "// f() -> \"unterminated",
            "// library:",
            "// f(): left(",
            "x",
            "// f(): 0x",
            "// ~",
        ] {
            let _ = parse_calls(text);
        }
        assert!(parse_calls("// f() -> {").is_err());
    }
}
