//! The chain's clock: wall time moved by `evm_increaseTime`, and the timestamp a client asked
//! the next block to have (`evm_setNextBlockTimestamp`). As in anvil, a block mined at a
//! timestamp asked for moves the clock there, so time goes on from it (and a later
//! `evm_increaseTime` adds to it).

use std::time::{SystemTime, UNIX_EPOCH};

use super::error::NodeError;

/// The latest timestamp a block may have. Far beyond any real date, it leaves the chain
/// 2^63 seconds of room, so no later block's timestamp (each after its parent's) can overflow.
pub const MAX_TIMESTAMP: u64 = i64::MAX as u64;

#[derive(Debug, Default)]
pub struct Clock {
    /// Seconds added to the wall clock.
    offset: i64,
    /// The next block's timestamp, if a client set it.
    next_timestamp: Option<u64>,
}

impl Clock {
    /// Now, as the chain sees it.
    pub fn now(&self) -> u64 {
        wall_clock().saturating_add_signed(self.offset)
    }

    /// `evm_increaseTime`: returns the total offset. Refused if it would take the clock past
    /// [`MAX_TIMESTAMP`] (or before the epoch).
    pub fn increase(&mut self, seconds: i64) -> Result<i64, NodeError> {
        let offset = self.offset.checked_add(seconds);
        let now = offset.and_then(|offset| wall_clock().checked_add_signed(offset));
        match (offset, now) {
            (Some(offset), Some(now)) if now <= MAX_TIMESTAMP => {
                self.offset = offset;
                Ok(offset)
            }
            _ => Err(NodeError::InvalidParams(format!(
                "increasing the time by {seconds} seconds takes the clock out of range"
            ))),
        }
    }

    /// `evm_setNextBlockTimestamp`: must be after the head's.
    pub fn set_next(&mut self, timestamp: u64, head_timestamp: u64) -> Result<(), NodeError> {
        check_after(timestamp, head_timestamp)?;
        self.next_timestamp = Some(timestamp);
        Ok(())
    }

    /// The timestamp of the next block: the one asked for (which must be after the head's),
    /// else the one set, else now; always after the head's. Takes the one set, and moves the
    /// clock to the one asked for or set.
    pub fn next_block(
        &mut self,
        requested: Option<u64>,
        head_timestamp: u64,
    ) -> Result<u64, NodeError> {
        if let Some(timestamp) = requested {
            check_after(timestamp, head_timestamp)?;
        }
        let chosen = requested.or(self.next_timestamp.take());
        let timestamp = chosen
            .unwrap_or_else(|| self.now())
            .max(head_timestamp.saturating_add(1));
        check_after(timestamp, head_timestamp)?;
        if chosen.is_some() {
            // In range: the timestamp is at most MAX_TIMESTAMP (i64::MAX).
            self.offset = timestamp as i64 - wall_clock() as i64;
        }
        Ok(timestamp)
    }

    /// Back to the wall clock, nothing set (`anvil_reset`).
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

/// Whether `count` blocks `interval` seconds apart fit after `head_timestamp`.
pub fn check_span(head_timestamp: u64, count: u64, interval: u64) -> Result<(), NodeError> {
    let last = count
        .checked_mul(interval)
        .and_then(|span| head_timestamp.checked_add(span));
    match last {
        Some(last) if last <= MAX_TIMESTAMP => Ok(()),
        _ => Err(NodeError::InvalidParams(format!(
            "{count} blocks {interval} seconds apart would end after the latest timestamp, {MAX_TIMESTAMP}"
        ))),
    }
}

/// A block's timestamp must be after its parent's and at most [`MAX_TIMESTAMP`].
fn check_after(timestamp: u64, head_timestamp: u64) -> Result<(), NodeError> {
    if timestamp <= head_timestamp {
        return Err(NodeError::InvalidParams(format!(
            "timestamp {timestamp} is not after the head's ({head_timestamp})"
        )));
    }
    if timestamp > MAX_TIMESTAMP {
        return Err(NodeError::InvalidParams(format!(
            "timestamp {timestamp} is after the latest a block may have ({MAX_TIMESTAMP})"
        )));
    }
    Ok(())
}

/// Seconds since the Unix epoch.
pub fn wall_clock() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_out_of_range_are_refused() {
        let mut clock = Clock::default();
        assert!(clock.set_next(u64::MAX, 10).is_err());
        assert!(clock.set_next(10, 10).is_err());
        assert!(clock.next_block(Some(5), 10).is_err());
        assert!(clock.increase(i64::MAX).is_err());
        assert!(check_span(10, 2, u64::MAX).is_err());
        assert!(check_span(MAX_TIMESTAMP - 10, 10, 1).is_ok());
        assert_eq!(clock.next_block(Some(11), 10).unwrap(), 11);
    }

    #[test]
    fn a_timestamp_set_moves_the_clock_there() {
        let mut clock = Clock::default();
        let ahead = wall_clock() + 1_000_000;
        clock.set_next(ahead, 10).unwrap();
        assert_eq!(clock.next_block(None, 10).unwrap(), ahead);
        // Time goes on from there, and evm_increaseTime adds to it.
        assert!(clock.now() >= ahead);
        clock.increase(3_600).unwrap();
        assert!(clock.next_block(None, ahead).unwrap() >= ahead + 3_600);
    }
}
