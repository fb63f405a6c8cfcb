//! `eth_subscribe` over WebSocket: `newHeads` and `logs`.

use alloy_rpc_types_eth::{Filter, Header};
use anyhow::Result;
use jsonrpsee::{
    core::SubscriptionResult, server::IdProvider, types::SubscriptionId, PendingSubscriptionSink,
    RpcModule, SubscriptionMessage,
};
use tokio::sync::broadcast::error::RecvError;

use super::{errors::invalid_params, Context};

/// Subscription ids as Ethereum nodes write them: `0x` and 32 hex digits.
#[derive(Debug, Clone, Copy)]
pub struct HexIds;

impl IdProvider for HexIds {
    fn next_id(&self) -> SubscriptionId<'static> {
        let id: u128 = rand_id();
        SubscriptionId::Str(format!("0x{id:032x}").into())
    }
}

/// A process-unique, unguessable-enough id (subscriptions are per connection anyway).
fn rand_id() -> u128 {
    use std::{
        hash::{BuildHasher, Hasher},
        sync::atomic::{AtomicU64, Ordering},
    };
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (u128::from(hasher.finish()) << 64) | u128::from(COUNTER.load(Ordering::Relaxed))
}

pub fn register(module: &mut RpcModule<Context>) -> Result<()> {
    module.register_subscription(
        "eth_subscribe",
        "eth_subscription",
        "eth_unsubscribe",
        |params, pending, ctx, _| async move { subscribe(params, pending, ctx).await },
    )?;
    Ok(())
}

async fn subscribe(
    params: jsonrpsee::types::Params<'static>,
    pending: PendingSubscriptionSink,
    ctx: std::sync::Arc<Context>,
) -> SubscriptionResult {
    let mut seq = params.sequence();
    let kind: String = match seq.next() {
        Ok(kind) => kind,
        Err(e) => {
            pending.reject(e).await;
            return Ok(());
        }
    };
    let filter: Option<Filter> = match kind.as_str() {
        "newHeads" => None,
        "logs" => match seq.optional_next::<Filter>() {
            Ok(filter) => Some(filter.unwrap_or_default()),
            Err(e) => {
                pending.reject(e).await;
                return Ok(());
            }
        },
        other => {
            pending
                .reject(invalid_params(format!(
                    "unsupported subscription {other:?}"
                )))
                .await;
            return Ok(());
        }
    };
    let mut blocks = ctx.node().subscribe();
    let sink = pending.accept().await?;
    loop {
        let mined = tokio::select! {
            _ = sink.closed() => return Ok(()),
            mined = blocks.recv() => match mined {
                Ok(mined) => mined,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return Ok(()),
            },
        };
        let messages: Vec<serde_json::Value> = match &filter {
            None => {
                let header = Header {
                    hash: mined.block.hash,
                    inner: mined.block.header.clone(),
                    total_difficulty: Some(Default::default()),
                    size: None,
                };
                vec![serde_json::to_value(header)?]
            }
            Some(filter) => mined
                .transactions
                .iter()
                .flat_map(|tx| tx.rpc_logs(mined.block.header.timestamp))
                .filter(|log| filter.matches(&log.inner))
                .map(serde_json::to_value)
                .collect::<Result<_, _>>()?,
        };
        for message in messages {
            let message = SubscriptionMessage::from(serde_json::value::to_raw_value(&message)?);
            if sink.send(message).await.is_err() {
                return Ok(());
            }
        }
    }
}
