//! Lotus's JSON shapes for the `Filecoin.*` methods: CIDs as `{"/": ...}`, big integers as
//! decimal strings, bytes as base64, addresses as strings (`t` or `f`), messages and receipts
//! with Lotus's field names.

use std::str::FromStr;

use alloy_primitives::B256;
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use cid::{multihash::Multihash, Cid};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::{
    address::Address,
    crypto::signature::{Signature, SignatureType},
    econ::TokenAmount,
    message::Message,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::{invalid_params, RpcResult};
use crate::{
    backend::BlockRef,
    native::{message_cid, SignedMessage, DAG_CBOR},
};

/// BLAKE2b-256: the hash of a Filecoin tipset key's CID.
const BLAKE2B_256: u64 = 0xb220;

pub fn parse_address(text: &str) -> RpcResult<Address> {
    // Lotus's test networks write `t`; this chain's addresses are the same either way.
    let text = text
        .strip_prefix('t')
        .map(|rest| format!("f{rest}"))
        .unwrap_or_else(|| text.to_string());
    Address::from_str(&text).map_err(|e| invalid_params(format!("bad address {text:?}: {e}")))
}

/// A CID as Lotus's JSON writes it: `{"/": "bafy..."}`.
#[derive(Deserialize)]
pub struct CidJson(#[serde(with = "cid_serde")] pub Cid);

mod cid_serde {
    use super::*;

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Cid, D::Error> {
        #[derive(Deserialize)]
        struct Link {
            #[serde(rename = "/")]
            link: String,
        }
        let link = Link::deserialize(deserializer)?;
        Cid::from_str(&link.link).map_err(serde::de::Error::custom)
    }
}

pub fn cid_json(cid: &Cid) -> Value {
    json!({ "/": cid.to_string() })
}

/// The tipset key CID of a block: its hash as a BLAKE2b-256 digest of DAG-CBOR.
pub fn tipset_cid(hash: &B256) -> Cid {
    let digest = Multihash::wrap(BLAKE2B_256, hash.as_slice()).expect("32 bytes fit");
    Cid::new_v1(DAG_CBOR, digest)
}

/// The block a tipset key CID names.
pub fn block_hash_of(cid: &Cid) -> RpcResult<B256> {
    let digest = cid.hash().digest();
    if cid.hash().code() != BLAKE2B_256 || digest.len() != 32 {
        return Err(invalid_params(format!(
            "{cid} is no tipset key of this chain"
        )));
    }
    Ok(B256::from_slice(digest))
}

/// The block a tipset key names (`null` or `[]`: the head).
pub fn tipset_ref(key: Option<&[CidJson]>) -> RpcResult<BlockRef> {
    Ok(match key {
        None | Some([]) => BlockRef::Latest,
        Some([cid, ..]) => BlockRef::Hash(block_hash_of(&cid.0)?),
    })
}

/// The transaction hash a message CID names (Lotus's mapping: the CID's digest).
pub fn hash_of_message(cid: &Cid) -> RpcResult<B256> {
    let digest = cid.hash().digest();
    if digest.len() != 32 {
        return Err(invalid_params(format!("{cid} is no message CID")));
    }
    Ok(B256::from_slice(digest))
}

/// A message as Lotus's JSON has it. `Params` is base64 (or null); the numbers that may
/// exceed 2^53 are strings.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MessageJson {
    #[serde(default)]
    version: u64,
    to: String,
    from: String,
    #[serde(default)]
    nonce: u64,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    gas_limit: i64,
    #[serde(default)]
    gas_fee_cap: Option<String>,
    #[serde(default)]
    gas_premium: Option<String>,
    #[serde(default)]
    method: u64,
    #[serde(default)]
    params: Option<String>,
}

impl MessageJson {
    pub fn into_message(self) -> RpcResult<Message> {
        if self.gas_limit < 0 {
            return Err(invalid_params(format!(
                "negative gas limit {}",
                self.gas_limit
            )));
        }
        Ok(Message {
            version: self.version,
            from: parse_address(&self.from)?,
            to: parse_address(&self.to)?,
            sequence: self.nonce,
            value: tokens(self.value.as_deref(), "Value")?,
            method_num: self.method,
            params: RawBytes::new(base64_bytes(self.params.as_deref(), "Params")?),
            gas_limit: self.gas_limit as u64,
            gas_fee_cap: tokens(self.gas_fee_cap.as_deref(), "GasFeeCap")?,
            gas_premium: tokens(self.gas_premium.as_deref(), "GasPremium")?,
        })
    }
}

/// A signed message as Lotus's JSON has it.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignedMessageJson {
    message: MessageJson,
    signature: SignatureJson,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SignatureJson {
    #[serde(rename = "Type")]
    kind: u8,
    data: Option<String>,
}

impl SignedMessageJson {
    pub fn into_signed(self) -> RpcResult<SignedMessage> {
        let sig_type = match self.signature.kind {
            1 => SignatureType::Secp256k1,
            2 => SignatureType::BLS,
            other => {
                return Err(invalid_params(format!(
                    "signature type {other} is not taken here (1: secp256k1, 2: BLS)"
                )))
            }
        };
        Ok(SignedMessage {
            message: self.message.into_message()?,
            signature: Signature {
                sig_type,
                bytes: base64_bytes(self.signature.data.as_deref(), "Signature.Data")?,
            },
        })
    }
}

fn tokens(text: Option<&str>, field: &str) -> RpcResult<TokenAmount> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(TokenAmount::default());
    };
    let atto = fvm_shared::bigint::BigInt::from_str(text)
        .map_err(|e| invalid_params(format!("{field}: {text:?} is not a number: {e}")))?;
    if atto.sign() == fvm_shared::bigint::Sign::Minus {
        return Err(invalid_params(format!("{field}: {text} is negative")));
    }
    Ok(TokenAmount::from_atto(atto))
}

fn base64_bytes(text: Option<&str>, field: &str) -> RpcResult<Vec<u8>> {
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    BASE64
        .decode(text)
        .map_err(|e| invalid_params(format!("{field}: not base64: {e}")))
}

/// Bytes as Lotus writes them: base64, or null when there are none.
pub fn bytes_json(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        Value::Null
    } else {
        json!(BASE64.encode(bytes))
    }
}

pub fn message_json(message: &Message) -> Value {
    json!({
        "Version": message.version,
        "To": message.to.to_string(),
        "From": message.from.to_string(),
        "Nonce": message.sequence,
        "Value": message.value.atto().to_string(),
        "GasLimit": message.gas_limit,
        "GasFeeCap": message.gas_fee_cap.atto().to_string(),
        "GasPremium": message.gas_premium.atto().to_string(),
        "Method": message.method_num,
        "Params": bytes_json(message.params.bytes()),
        "CID": cid_json(&message_cid(message)),
    })
}

pub fn signed_message_json(signed: &SignedMessage) -> Value {
    json!({
        "Message": message_json(&signed.message),
        "Signature": {
            "Type": signed.signature.sig_type as u8,
            "Data": BASE64.encode(&signed.signature.bytes),
        },
        "CID": cid_json(&signed.cid()),
    })
}

/// A message receipt as Lotus's JSON has it (no events root: the node keeps events as
/// Ethereum logs).
pub fn receipt_json(exit_code: u32, return_data: &[u8], gas_used: u64) -> Value {
    json!({
        "ExitCode": exit_code,
        "Return": bytes_json(return_data),
        "GasUsed": gas_used,
        "EventsRoot": null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_reads_back_as_lotus_writes_it() {
        let json = json!({
            "Version": 0, "To": "t099", "From": "f0100", "Nonce": 3, "Value": "1000",
            "GasLimit": 1_000_000, "GasFeeCap": "200", "GasPremium": "100", "Method": 2,
            "Params": "gQE=",
        });
        let message = serde_json::from_value::<MessageJson>(json)
            .unwrap()
            .into_message()
            .unwrap();
        assert_eq!(message.to, Address::new_id(99));
        assert_eq!(message.params.bytes(), &[0x81, 0x01]);
        assert_eq!(message.value, TokenAmount::from_atto(1000));
        let again = message_json(&message);
        assert_eq!(again["Params"], "gQE=");
        assert_eq!(again["To"], "f099");
    }

    #[test]
    fn negative_amounts_and_bad_base64_are_invalid_params() {
        let bad = |json: Value| {
            serde_json::from_value::<MessageJson>(json)
                .unwrap()
                .into_message()
                .is_err()
        };
        assert!(bad(json!({"To": "f099", "From": "f0100", "Value": "-1"})));
        assert!(bad(json!({"To": "f099", "From": "f0100", "Params": "!!"})));
        assert!(bad(json!({"To": "f099", "From": "f0100", "GasLimit": -5})));
    }
}
