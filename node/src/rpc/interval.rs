//! Interval mining: a block of the pending transactions every so often (`--block-time`,
//! `anvil_setIntervalMining`, `evm_setIntervalMining`), the interval changeable while the node
//! runs.

use std::{sync::Arc, time::Duration};

use tokio::sync::watch;

use super::Context;

/// The interval, `None` when blocks are not mined on a clock.
pub type Interval = Option<Duration>;

/// Mines a block every interval `context` holds, starting with `initial`, for as long as the
/// node runs; waits while there is none.
pub fn spawn(context: Arc<Context>, initial: Interval) {
    context.interval.send_replace(initial);
    let mut changes = context.interval.subscribe();
    tokio::spawn(async move {
        loop {
            let interval = *changes.borrow_and_update();
            let Some(interval) = interval else {
                if changes.changed().await.is_err() {
                    return;
                }
                continue;
            };
            tokio::select! {
                _ = tokio::time::sleep(interval) => {
                    let context = Arc::clone(&context);
                    let mined = tokio::task::spawn_blocking(move || context.mine_pending()).await;
                    if let Ok(Err(e)) = mined {
                        tracing::error!("mining failed: {e:#}");
                    }
                }
                changed = changes.changed() => {
                    if changed.is_err() {
                        return;
                    }
                }
            }
        }
    });
}

/// A channel for the interval, starting at `initial`.
pub fn channel(initial: Interval) -> watch::Sender<Interval> {
    watch::Sender::new(initial)
}
