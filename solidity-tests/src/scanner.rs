//! Tokens of the expectation section (`// ----` onwards) of a semantic test.
//!
//! The upstream reader drops line breaks, so `//` (the start of every line) is itself a token.

use crate::error::ParseError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Newline,
    Arrow,
    Sub,
    Colon,
    Comma,
    LParen,
    RParen,
    LBrack,
    RBrack,
    /// `# ... #`.
    Comment(String),
    /// `~ ...`: a side effect, as written after `~ `.
    Tilde(String),
    /// A string literal's bytes, escapes resolved.
    Str(Vec<u8>),
    Identifier(String),
    Boolean(bool),
    /// `0x...`, digits as written.
    HexNumber(String),
    /// Decimal digits, possibly with a `.`.
    Number(String),
    Ether,
    Wei,
    Left,
    Right,
    Hex,
    Library,
    Failure,
    Gas,
    End,
}

/// Splits the expectation text into tokens.
pub fn tokenize(text: &str) -> Result<Vec<Token>, ParseError> {
    let src: Vec<char> = text.chars().filter(|&c| c != '\n').collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let at = |i: usize| src.get(i).copied().unwrap_or('\0');
    while i < src.len() {
        let c = src[i];
        match c {
            ' ' | '\t' | '\r' => i += 1,
            '/' if at(i + 1) == '/' => {
                tokens.push(Token::Newline);
                i += 2;
            }
            '/' => return Err(ParseError::new("a lone '/'")),
            '-' if at(i + 1) == '>' => {
                tokens.push(Token::Arrow);
                i += 2;
            }
            '-' => {
                tokens.push(Token::Sub);
                i += 1;
            }
            ':' | ',' | '(' | ')' | '[' | ']' => {
                tokens.push(match c {
                    ':' => Token::Colon,
                    ',' => Token::Comma,
                    '(' => Token::LParen,
                    ')' => Token::RParen,
                    '[' => Token::LBrack,
                    _ => Token::RBrack,
                });
                i += 1;
            }
            '~' => {
                // Everything after the character following '~', up to the next '/'.
                let start = (i + 2).min(src.len());
                let end = src[start..]
                    .iter()
                    .position(|&c| c == '/')
                    .map_or(src.len(), |p| start + p);
                tokens.push(Token::Tilde(src[start..end].iter().collect()));
                i = end;
            }
            '#' => {
                let end = src[i + 1..]
                    .iter()
                    .position(|&c| c == '#')
                    .map(|p| i + 1 + p)
                    .ok_or_else(|| ParseError::new("unterminated comment"))?;
                tokens.push(Token::Comment(src[i + 1..end].iter().collect()));
                i = end + 1;
            }
            '"' => {
                let (bytes, next) = string_literal(&src, i + 1)?;
                tokens.push(Token::Str(bytes));
                i = next;
            }
            c if c == '_' || c == '$' || c.is_ascii_alphabetic() => {
                let end = src[i..]
                    .iter()
                    .position(|&c| !(c == '_' || c == '$' || c.is_ascii_alphanumeric()))
                    .map_or(src.len(), |p| i + p);
                let word: String = src[i..end].iter().collect();
                tokens.push(keyword(&word).unwrap_or(Token::Identifier(word)));
                i = end;
            }
            '0' if at(i + 1) == 'x' => {
                let end = src[i + 2..]
                    .iter()
                    .position(|c| !c.is_ascii_hexdigit())
                    .map_or(src.len(), |p| i + 2 + p);
                tokens.push(Token::HexNumber(src[i + 2..end].iter().collect()));
                i = end;
            }
            c if c.is_ascii_digit() => {
                let end = src[i..]
                    .iter()
                    .position(|&c| !(c.is_ascii_digit() || c == '.'))
                    .map_or(src.len(), |p| i + p);
                tokens.push(Token::Number(src[i..end].iter().collect()));
                i = end;
            }
            other => return Err(ParseError::new(format!("unexpected character {other:?}"))),
        }
    }
    tokens.push(Token::End);
    Ok(tokens)
}

fn keyword(word: &str) -> Option<Token> {
    Some(match word {
        "true" => Token::Boolean(true),
        "false" => Token::Boolean(false),
        "ether" => Token::Ether,
        "wei" => Token::Wei,
        "left" => Token::Left,
        "right" => Token::Right,
        "hex" => Token::Hex,
        "library" => Token::Library,
        "FAILURE" => Token::Failure,
        "gas" => Token::Gas,
        _ => return None,
    })
}

/// A string literal starting after its opening quote; returns its bytes and the index after
/// the closing quote. Escapes: `\\ \n \r \t \0 \xH \xHH` (no `\"`).
fn string_literal(src: &[char], mut i: usize) -> Result<(Vec<u8>, usize), ParseError> {
    let mut bytes = Vec::new();
    loop {
        let c = *src
            .get(i)
            .ok_or_else(|| ParseError::new("unterminated string"))?;
        match c {
            '"' => return Ok((bytes, i + 1)),
            '\\' => {
                let escape = *src
                    .get(i + 1)
                    .ok_or_else(|| ParseError::new("unterminated escape"))?;
                i += 2;
                match escape {
                    '\\' => bytes.push(b'\\'),
                    'n' => bytes.push(b'\n'),
                    'r' => bytes.push(b'\r'),
                    't' => bytes.push(b'\t'),
                    '0' => bytes.push(0),
                    'x' => {
                        let digit = |c: Option<&char>| c.and_then(|c| c.to_digit(16));
                        let mut value =
                            digit(src.get(i)).ok_or_else(|| ParseError::new("bad \\x escape"))?;
                        i += 1;
                        if src.get(i) != Some(&'"') {
                            if let Some(low) = digit(src.get(i)) {
                                value = value * 16 + low;
                                i += 1;
                            }
                        }
                        bytes.push(value as u8);
                    }
                    other => return Err(ParseError::new(format!("unknown escape \\{other}"))),
                }
            }
            c => {
                let mut buf = [0u8; 4];
                bytes.extend(c.encode_utf8(&mut buf).as_bytes());
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_of_a_call_line() {
        let tokens = tokenize("// f(uint256): 0x20, -1, \"a\\x41\" -> FAILURE # note #").unwrap();
        assert_eq!(
            tokens,
            vec![
                Token::Newline,
                Token::Identifier("f".into()),
                Token::LParen,
                Token::Identifier("uint256".into()),
                Token::RParen,
                Token::Colon,
                Token::HexNumber("20".into()),
                Token::Comma,
                Token::Sub,
                Token::Number("1".into()),
                Token::Comma,
                Token::Str(b"aA".to_vec()),
                Token::Arrow,
                Token::Failure,
                Token::Comment(" note ".into()),
                Token::End
            ]
        );
    }

    #[test]
    fn side_effect_runs_to_the_next_line() {
        let tokens = tokenize("// ~ emit E(uint256): 0x01\n// f() ->").unwrap();
        assert_eq!(tokens[1], Token::Tilde("emit E(uint256): 0x01".into()));
        assert_eq!(tokens[2], Token::Newline);
    }
}
