//! `eth_subscribe` over WebSocket: `newHeads`, `logs` and `newPendingTransactions` (the hash
//! of each transaction the pool takes).
//!
//! Every subscriber hears of each sealed block through the miner's broadcast. The JSON it sends
//! is made once per block and shared ([`Mined::header_json`], [`Mined::log_json`]): a
//! subscriber copies one notification at a time into its connection's buffer, so a block with
//! thousands of logs costs its JSON once, not once per subscriber.
//!
//! A subscriber's reader must keep up, as geth requires. Notifications wait in the connection's
//! buffer (jsonrpsee's, shared by the connection's subscriptions and answers); once
//! `--subscription-backlog` are waiting, a subscriber waits for the reader to take some. If it
//! has not within `--slow-reader-timeout` (geth's write timeout by default), the subscription
//! ends with an error notification: a reader that stopped reading holds at most about a
//! backlog of notifications of the node's memory, not every block's logs. A subscriber that falls so far
//! behind that the broadcast dropped blocks it had not sent ends the same way: a client that
//! silently misses blocks or logs is worse off than one told its subscription ended.

use std::{sync::Arc, time::Duration};

use alloy_rpc_types_eth::Filter;
use anyhow::Result;
use jsonrpsee::{
    core::{server::TrySendError, SubscriptionError, SubscriptionResult},
    server::IdProvider,
    types::SubscriptionId,
    PendingSubscriptionSink, RpcModule, SubscriptionMessage, SubscriptionSink,
};
use serde_json::value::RawValue;
use tokio::{sync::broadcast::error::RecvError, time::Instant};

use super::{connections::Activity, errors::invalid_params, Context, Limits};
use crate::backend::Mined;

/// The longest pause between two looks at a full connection buffer.
const MAX_PAUSE: Duration = Duration::from_millis(50);

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
        |params, pending, ctx, extensions| async move {
            // Counted while it lives, so that its connection is not closed as idle.
            let _counted = extensions
                .get::<Arc<Activity>>()
                .map(Activity::subscription);
            subscribe(params, pending, ctx).await
        },
    )?;
    Ok(())
}

async fn subscribe(
    params: jsonrpsee::types::Params<'static>,
    pending: PendingSubscriptionSink,
    ctx: Arc<Context>,
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
        "newPendingTransactions" => return pending_transactions(pending, ctx).await,
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
    let mut sink = pending.accept().await?;
    loop {
        let mined = tokio::select! {
            _ = sink.closed() => return Ok(()),
            mined = blocks.recv() => match mined {
                Ok(mined) => mined,
                Err(RecvError::Lagged(missed)) => return Err(ended(format!(
                    "subscription ended: the client fell {missed} blocks behind"
                ))),
                Err(RecvError::Closed) => return Ok(()),
            },
        };
        if !notify(&mut sink, &mined, filter.as_ref(), &ctx.limits).await? {
            return Ok(());
        }
    }
}

/// The hash of each transaction the pool takes, as it takes it.
async fn pending_transactions(
    pending: PendingSubscriptionSink,
    ctx: Arc<Context>,
) -> SubscriptionResult {
    let mut hashes = ctx.pending_transactions.subscribe();
    let mut sink = pending.accept().await?;
    loop {
        let hash = tokio::select! {
            _ = sink.closed() => return Ok(()),
            hash = hashes.recv() => match hash {
                Ok(hash) => hash,
                Err(RecvError::Lagged(missed)) => return Err(ended(format!(
                    "subscription ended: the client fell {missed} transactions behind"
                ))),
                Err(RecvError::Closed) => return Ok(()),
            },
        };
        let json = serde_json::value::to_raw_value(&hash)
            .map_err(|e| ended(format!("subscription ended: {e}")))?;
        if !send(&mut sink, &json, &ctx.limits).await? {
            return Ok(());
        }
    }
}

/// Sends a block's notifications: its header, or the logs `filter` matches, in order. `false`
/// when the subscription or its connection closed.
async fn notify(
    sink: &mut SubscriptionSink,
    mined: &Mined,
    filter: Option<&Filter>,
    limits: &Limits,
) -> Result<bool, SubscriptionError> {
    let Some(filter) = filter else {
        return send(sink, mined.header_json(), limits).await;
    };
    for index in 0..mined.log_count() {
        if filter.matches(mined.log(index)) && !send(sink, mined.log_json(index), limits).await? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Sends one notification once fewer than the backlog limit wait in the connection's buffer.
/// `false` when the subscription or its connection closed; an error when the reader left no
/// room for the slow-reader timeout.
///
/// jsonrpsee tells when its buffer has room for one more message, not when it holds fewer
/// than some number, so a subscriber facing a full backlog looks again after a pause that
/// doubles up to [`MAX_PAUSE`]. Only readers that fall behind pay for it.
async fn send(
    sink: &mut SubscriptionSink,
    result: &RawValue,
    limits: &Limits,
) -> Result<bool, SubscriptionError> {
    let mut message = SubscriptionMessage::new(sink.method_name(), sink.subscription_id(), &result)
        .map_err(|e| ended(format!("subscription ended: {e}")))?;
    let limit = limits.subscription_backlog.clamp(1, sink.max_capacity());
    let deadline = Instant::now() + limits.slow_reader_timeout;
    let mut pause = Duration::from_millis(1);
    loop {
        let waiting = sink.max_capacity().saturating_sub(sink.capacity());
        if waiting < limit {
            match sink.try_send(message) {
                Ok(()) => return Ok(true),
                Err(TrySendError::Closed(_)) => return Ok(false),
                Err(TrySendError::Full(unsent)) => message = unsent,
            }
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(ended(format!(
                "subscription ended: the client is reading too slowly ({limit} notifications \
                 unread for {} s)",
                limits.slow_reader_timeout.as_secs()
            )));
        }
        tokio::select! {
            _ = sink.closed() => return Ok(false),
            _ = tokio::time::sleep(pause.min(deadline - now)) => {}
        }
        pause = (pause * 2).min(MAX_PAUSE);
    }
}

/// The error notification that ends a subscription, with geth's code for a server-side
/// failure.
fn ended(message: String) -> SubscriptionError {
    let error = serde_json::json!({ "code": -32000, "message": message });
    match serde_json::value::to_raw_value(&error) {
        Ok(json) => SubscriptionError::from_json(json),
        Err(_) => SubscriptionError::from(message),
    }
}
