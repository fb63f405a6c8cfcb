//! Signing with the node's dev accounts, for tools that let the node hold the keys (Hardhat's
//! `accounts: "remote"`, viem's JSON-RPC accounts, wallets' `personal_sign` flows):
//! `personal_sign`, `eth_sign`, `eth_signTypedData_v4` and `eth_signTransaction`, shaped as
//! anvil and geth answer them. Signatures are 65 bytes, `r || s || v` with `v` 27 or 28.

use alloy_dyn_abi::TypedData;
use alloy_primitives::{eip191_hash_message, Address, Bytes, B256};
use anyhow::Result;
use jsonrpsee::{types::Params, RpcModule};
use serde_json::Value;

use super::{
    errors::{invalid_params, RpcResult},
    eth::{method, one, pair, read_method},
    params::{call_params, requested_fees},
    Context,
};
use crate::{
    accounts::DevAccount,
    backend::{calls, BlockRef, Node, NodeError},
};

pub fn register(module: &mut RpcModule<Context>) -> Result<()> {
    read_method(module, "personal_sign", |params, node| {
        let (message, address): (Value, Address) = pair(params)?;
        sign_message(node, address, &message)
    })?;
    read_method(module, "eth_sign", |params, node| {
        let (address, message): (Address, Value) = pair(params)?;
        sign_message(node, address, &message)
    })?;
    read_method(module, "eth_signTypedData_v4", |params, node| {
        let (address, typed): (Address, Value) = pair(params)?;
        let digest = typed_data(typed)?
            .eip712_signing_hash()
            .map_err(|e| invalid_params(format!("typed data: {e}")))?;
        signature(dev_account(node, address)?, &digest)
    })?;
    method(module, "eth_signTransaction", sign_transaction)?;
    Ok(())
}

/// EIP-191's personal message: its bytes are hex (`0x...`), or else the string's UTF-8.
fn sign_message(node: &Node, address: Address, message: &Value) -> RpcResult<Bytes> {
    let Value::String(text) = message else {
        return Err(invalid_params("the message must be a string"));
    };
    let bytes = match text.strip_prefix("0x").map(hex::decode) {
        Some(Ok(bytes)) => bytes,
        _ => text.as_bytes().to_vec(),
    };
    signature(dev_account(node, address)?, &eip191_hash_message(bytes))
}

/// EIP-712 typed data, as a JSON object or (as some wallets send it) a JSON string of one.
fn typed_data(value: Value) -> RpcResult<TypedData> {
    let value = match value {
        Value::String(text) => serde_json::from_str(&text)
            .map_err(|e| invalid_params(format!("typed data is not JSON: {e}")))?,
        other => other,
    };
    serde_json::from_value(value).map_err(|e| invalid_params(format!("typed data: {e}")))
}

fn dev_account(node: &Node, address: Address) -> RpcResult<&DevAccount> {
    node.accounts()
        .iter()
        .find(|account| account.address() == address)
        .ok_or_else(|| {
            NodeError::Invalid(format!("no key for {address}: not a dev account")).into()
        })
}

fn signature(account: &DevAccount, digest: &B256) -> RpcResult<Bytes> {
    let signature = account.sign(digest).map_err(NodeError::Internal)?;
    Ok(Bytes::from(signature.as_bytes().to_vec()))
}

/// `eth_signTransaction`: the transaction `eth_sendTransaction` would send, signed by its dev
/// account and returned as raw EIP-2718 bytes instead.
fn sign_transaction(params: Params<'_>, ctx: &Context) -> RpcResult<Bytes> {
    let request: alloy_rpc_types_eth::TransactionRequest = one(params)?;
    let nonce = request.nonce;
    let fees = requested_fees(&request)?;
    let call = call_params(request);
    let from = call
        .from
        .ok_or_else(|| NodeError::Invalid("from is required".into()))?;
    let gas = match call.gas {
        Some(gas) => gas,
        None => {
            let view = ctx.node().view(BlockRef::Latest)?;
            calls::estimate_gas(view, &call)?
        }
    };
    let node = ctx.node();
    dev_account(&node, from)?;
    Ok(node.sign_transaction(call, nonce, gas, fees)?)
}
