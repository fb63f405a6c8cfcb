//! Logs written the way the upstream runner writes `~ emit` lines, so expectations compare as
//! strings.

use crate::compile::Compiled;
use alloy_primitives::keccak256;
use host::{EthAddress, EvmLog};
use serde_json::Value;
use std::collections::HashMap;

/// A non-anonymous event known from the compiled ABIs.
#[derive(Debug, Clone)]
pub struct EventSignature {
    pub signature: String,
    /// `"bool"` for parameters printed as booleans, empty otherwise; indexed ones...
    pub indexed: Vec<String>,
    /// ...and data ones.
    pub data: Vec<String>,
}

/// Events of every compiled contract, by topic 0.
pub fn event_table(compiled: &Compiled) -> HashMap<[u8; 32], EventSignature> {
    let mut table = HashMap::new();
    for contract in &compiled.contracts {
        for item in contract.abi.as_array().into_iter().flatten() {
            if item["type"] != "event" || item["anonymous"] == true {
                continue;
            }
            let inputs = item["inputs"].as_array().cloned().unwrap_or_default();
            let types: Vec<String> = inputs.iter().map(canonical_type).collect();
            // Upstream prints a word as a boolean only for a parameter declared `bool`
            // (a user-defined value type over bool prints as hex).
            let formats: Vec<String> = inputs
                .iter()
                .map(|input| {
                    if input["internalType"] == "bool" {
                        "bool".into()
                    } else {
                        String::new()
                    }
                })
                .collect();
            let signature = format!(
                "{}({})",
                item["name"].as_str().unwrap_or_default(),
                types.join(",")
            );
            let (indexed, data): (Vec<_>, Vec<_>) = inputs
                .iter()
                .zip(formats)
                .partition(|(input, _)| input["indexed"] == true);
            let topic = keccak256(signature.as_bytes()).0;
            table.entry(topic).or_insert(EventSignature {
                signature,
                indexed: indexed.into_iter().map(|(_, t)| t).collect(),
                data: data.into_iter().map(|(_, t)| t).collect(),
            });
        }
    }
    table
}

/// The canonical ABI type of an ABI parameter (tuples spelled out).
fn canonical_type(parameter: &Value) -> String {
    let kind = parameter["type"].as_str().unwrap_or_default();
    match kind.strip_prefix("tuple") {
        Some(suffix) => {
            let components: Vec<String> = parameter["components"]
                .as_array()
                .into_iter()
                .flatten()
                .map(canonical_type)
                .collect();
            format!("({}){suffix}", components.join(","))
        }
        None => kind.to_string(),
    }
}

/// `emit Sig[ from 0x..]: #topic, ..., word, ...`.
pub fn format(
    log: &EvmLog,
    events: &HashMap<[u8; 32], EventSignature>,
    main: EthAddress,
) -> String {
    let known = log.topics.first().and_then(|t| events.get(t));
    let mut out = format!(
        "emit {}",
        known.map_or("<anonymous>", |e| e.signature.as_str())
    );
    if log.address != main {
        out.push_str(&format!(" from 0x{}", hex::encode(log.address.0)));
    }
    let skip = usize::from(known.is_some());
    let mut parts: Vec<String> = log.topics[skip..]
        .iter()
        .enumerate()
        .map(|(i, topic)| format!("#{}", word(topic, known.and_then(|e| e.indexed.get(i)))))
        .collect();
    for (i, chunk) in log.data.chunks(32).enumerate() {
        let mut padded = [0u8; 32];
        padded[..chunk.len()].copy_from_slice(chunk);
        parts.push(word(&padded, known.and_then(|e| e.data.get(i))));
    }
    if !parts.is_empty() {
        out.push_str(": ");
        out.push_str(&parts.join(", "));
    }
    out
}

/// One 32-byte word: as a boolean for `bool`, as a string if it reads as text, else as hex.
fn word(bytes: &[u8; 32], kind: Option<&String>) -> String {
    if kind.is_some_and(|k| k == "bool") {
        let value = alloy_primitives::U256::from_be_bytes(*bytes);
        return match value.to::<u128>() {
            0 if value.is_zero() => "false".into(),
            1 if value == alloy_primitives::U256::from(1) => "true".into(),
            _ => value.to_string(),
        };
    }
    let text_end = bytes.iter().position(|&b| b == 0).unwrap_or(32);
    let printable = bytes[0] != 0 && bytes[..text_end].iter().all(|b| (0x20..=0x7e).contains(b));
    if printable {
        let last = bytes.iter().rposition(|&b| b != 0).unwrap_or(0);
        let mut text = String::from("\"");
        for &b in &bytes[..=last] {
            match b {
                0 => text.push_str("\\0"),
                b'\n' => text.push_str("\\n"),
                0x20..=0x7e => text.push(b as char),
                other => text.push_str(&format!("\\x{other:02x}")),
            }
        }
        text.push('"');
        return text;
    }
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(31);
    format!("0x{}", hex::encode(&bytes[first..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn padded(bytes: &[u8], left: bool) -> [u8; 32] {
        let mut w = [0u8; 32];
        if left {
            w[..bytes.len()].copy_from_slice(bytes);
        } else {
            w[32 - bytes.len()..].copy_from_slice(bytes);
        }
        w
    }

    #[test]
    fn words_format_as_upstream() {
        assert_eq!(word(&[0; 32], None), "0x00");
        assert_eq!(word(&padded(&[0x12, 0x34], false), None), "0x1234");
        assert_eq!(word(&padded(b"abc", true), None), "\"abc\"");
        assert_eq!(
            word(&padded(&[1], false), Some(&"bool".to_string())),
            "true"
        );
        let mut abc_z = padded(b"ABC", true);
        abc_z[31] = b'Z';
        assert_eq!(word(&abc_z, None), format!("\"ABC{}Z\"", "\\0".repeat(28)));
    }
}
