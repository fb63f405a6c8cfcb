//! Lotus's `Filecoin.*` methods that send, estimate, run and find native messages:
//! `MpoolPush` (a message signed by its sender), `MpoolPushMessage` (one the node signs with
//! its own keys), `GasEstimateMessageGas`, `StateCall`, `StateWaitMsg`, `StateSearchMsg` and
//! `ChainGetMessage`. A message is pooled and mined as an Ethereum transaction is, under the
//! hash Lotus gives it on the Ethereum side (its CID's digest), so either API finds it.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use actor_types::network::BLOCK_GAS_LIMIT;
use alloy_primitives::B256;
use anyhow::Context as _;
use cid::Cid;
use jsonrpsee::{types::Params, RpcModule};
use serde_json::{json, Value};

use super::{
    errors::{internal, invalid_params, RpcResult},
    eth::{method, read_method},
    lotus_json::{
        cid_json, hash_of_message, message_json, receipt_json, signed_message_json, tipset_cid,
        tipset_ref, CidJson, MessageJson, SignedMessageJson,
    },
    lotus_trace, Context,
};
use crate::{
    backend::{calls, BlockRef, Node, NodeError},
    native::{message_cid, SignedMessage},
    records::TxRecord,
};

/// How often `StateWaitMsg` looks for its message, and how long it waits at most.
const WAIT_POLL: Duration = Duration::from_millis(50);
const MAX_WAIT: Duration = Duration::from_secs(600);

pub fn register(module: &mut RpcModule<Context>) -> anyhow::Result<()> {
    method(module, "Filecoin.MpoolPush", |params, ctx| {
        let mut seq = params.sequence();
        let signed: SignedMessageJson = seq.next()?;
        let signed = signed.into_signed()?;
        let cid = signed.cid();
        let hash = ctx.node().push_native(signed)?;
        ctx.announce(hash);
        Ok(cid_json(&cid))
    })?;
    method(module, "Filecoin.MpoolPushMessage", push_message)?;
    method(module, "Filecoin.GasEstimateMessageGas", |params, ctx| {
        let mut seq = params.sequence();
        let message: MessageJson = seq.next()?;
        let _spec: Option<Value> = seq.optional_next()?;
        let key: Option<Vec<CidJson>> = seq.optional_next()?;
        let view = ctx.node().view(tipset_ref(key.as_deref())?)?;
        let message = calls::estimate_message_gas(view, message.into_message()?)?;
        Ok(message_json(&message))
    })?;
    method(module, "Filecoin.StateCall", state_call)?;
    module.register_async_method("Filecoin.StateWaitMsg", |params, ctx, _| async move {
        let mut seq = params.sequence();
        let cid: CidJson = seq.next()?;
        wait_for(ctx, cid.0).await
    })?;
    read_method(module, "Filecoin.StateSearchMsg", |params, node| {
        // Lotus's order: where to search from (ignored: the whole chain is searched), then
        // the message.
        let mut seq = params.sequence();
        let _from: Option<Vec<CidJson>> = seq.next()?;
        let cid: CidJson = seq.next()?;
        let record = node
            .transaction(hash_of_message(&cid.0)?)
            .map_err(internal)?;
        Ok(record.map(|record| lookup(&cid.0, &record)))
    })?;
    read_method(module, "Filecoin.ChainGetMessage", |params, node| {
        let mut seq = params.sequence();
        let cid: CidJson = seq.next()?;
        let hash = hash_of_message(&cid.0)?;
        let pooled = node.pool().get(hash).and_then(|tx| tx.native.clone());
        let native = match pooled {
            Some(native) => Some((*native).clone()),
            None => native_of(node.transaction(hash).map_err(internal)?.as_ref())?,
        };
        let native =
            native.ok_or_else(|| invalid_params(format!("message {} not found", cid.0)))?;
        Ok(message_json(&native.message))
    })?;
    Ok(())
}

/// `MpoolPushMessage`: the message from one of the node's keys with its sender's next nonce,
/// its gas estimated where it has none, signed and pooled. Answers the signed message.
fn push_message(params: Params<'_>, ctx: &Context) -> RpcResult<Value> {
    let mut seq = params.sequence();
    let message: MessageJson = seq.next()?;
    let mut message = message.into_message()?;
    let view = {
        let node = ctx.node();
        // Refused before anything runs if the node has no key for the sender.
        node.key_for(&message.from)?;
        message.sequence = node.pending_nonce(node.native_sender(&message.from)?);
        node.view(BlockRef::Latest)?
    };
    let message = calls::estimate_message_gas(view, message)?;
    let (hash, signed) = ctx.node().push_own_native(message)?;
    ctx.announce(hash);
    Ok(signed_message_json(&signed))
}

/// `StateCall`: the message run on the tipset's state without a signature, nonce check or
/// fee (Lotus's implicit call), with a block's gas where it gives none.
fn state_call(params: Params<'_>, ctx: &Context) -> RpcResult<Value> {
    let mut seq = params.sequence();
    let message: MessageJson = seq.next()?;
    let key: Option<Vec<CidJson>> = seq.optional_next()?;
    let mut message = message.into_message()?;
    let mut view = ctx.node().view(tipset_ref(key.as_deref())?)?;
    view.set_tracing(true);
    if view.actor(&message.from).map_err(internal)?.is_none() {
        return Err(invalid_params(format!("actor not found: {}", message.from)));
    }
    if message.gas_limit == 0 {
        message.gas_limit = BLOCK_GAS_LIMIT;
    }
    let started = Instant::now();
    let outcome = view.simulate(message.clone()).map_err(internal)?;
    let duration = started.elapsed().as_nanos() as u64;
    let cid = message_cid(&message);
    let error = match outcome.is_success() {
        true => String::new(),
        false => outcome
            .failure
            .clone()
            .unwrap_or_else(|| format!("exit code {}", outcome.exit_code.value())),
    };
    Ok(json!({
        "MsgCid": cid_json(&cid),
        "Msg": message_json(&message),
        "MsgRct": receipt_json(outcome.exit_code.value(), outcome.return_data.bytes(), outcome.gas_used),
        // An implicit call pays nothing.
        "GasCost": {
            "Message": cid_json(&cid),
            "GasUsed": outcome.gas_used.to_string(),
            "BaseFeeBurn": "0",
            "OverEstimationBurn": "0",
            "MinerPenalty": "0",
            "MinerTip": "0",
            "Refund": "0",
            "TotalCost": "0",
        },
        "ExecutionTrace": lotus_trace::execution_trace(&outcome.trace),
        "Error": error,
        "Duration": duration,
    }))
}

/// `StateWaitMsg`: the message's receipt once it is mined; an error at once for a message
/// neither mined nor pooled, or after [`MAX_WAIT`]. It waits on a timer, holding no thread.
async fn wait_for(ctx: Arc<Context>, cid: Cid) -> RpcResult<Value> {
    let hash = hash_of_message(&cid)?;
    let deadline = Instant::now() + MAX_WAIT;
    loop {
        // The node is locked only inside the closure: no guard lives across an await.
        let at_once = ctx.try_node().map(|node| mined(&node, hash, &cid));
        let found = match at_once {
            Some(found) => found?,
            None => {
                let ctx = Arc::clone(&ctx);
                tokio::task::spawn_blocking(move || mined(&ctx.node(), hash, &cid))
                    .await
                    .map_err(|e| internal(anyhow::anyhow!("StateWaitMsg: {e}")))??
            }
        };
        if let Some(record) = found {
            return Ok(lookup(&cid, &record));
        }
        if Instant::now() >= deadline {
            return Err(NodeError::Invalid(format!(
                "message {cid} was not mined within {} s",
                MAX_WAIT.as_secs()
            ))
            .into());
        }
        tokio::time::sleep(WAIT_POLL).await;
    }
}

/// The record of message `hash` if it is mined; `None` while it waits in the pool; an error if
/// it is in neither.
fn mined(node: &Node, hash: B256, cid: &Cid) -> RpcResult<Option<TxRecord>> {
    if let Some(record) = node.transaction(hash).map_err(internal)? {
        return Ok(Some(record));
    }
    if node.pool().get(hash).is_none() {
        return Err(NodeError::Invalid(format!(
            "message {cid} is neither in the pool nor on the chain"
        ))
        .into());
    }
    Ok(None)
}

/// A mined message as `StateWaitMsg` and `StateSearchMsg` answer it: its receipt and the
/// tipset it ran in.
fn lookup(cid: &Cid, record: &TxRecord) -> Value {
    let receipt = &record.receipt;
    let returned = receipt
        .return_data
        .as_ref()
        .map_or(&[][..], |bytes| bytes.as_ref());
    json!({
        "Message": cid_json(cid),
        "Receipt": receipt_json(receipt.exit_code, returned, receipt.gas_used),
        "ReturnDec": null,
        "TipSet": [cid_json(&tipset_cid(&record.block_hash))],
        "Height": record.block_number,
    })
}

/// The native message a mined transaction came as, if it came as one.
fn native_of(record: Option<&TxRecord>) -> RpcResult<Option<SignedMessage>> {
    let Some(bytes) = record.and_then(|record| record.native.as_ref()) else {
        return Ok(None);
    };
    let signed = SignedMessage::from_bytes(bytes)
        .context("a stored message is damaged")
        .map_err(internal)?;
    Ok(Some(signed))
}
