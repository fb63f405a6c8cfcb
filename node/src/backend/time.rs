//! The chain's clock: wall time moved by `evm_increaseTime`, and the timestamp a client asked
//! the next block to have (`evm_setNextBlockTimestamp`).

use std::time::{SystemTime, UNIX_EPOCH};

use super::NodeError;

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

    /// `evm_increaseTime`: returns the total offset.
    pub fn increase(&mut self, seconds: i64) -> i64 {
        self.offset = self.offset.saturating_add(seconds);
        self.offset
    }

    /// `evm_setNextBlockTimestamp`: must be after the head's.
    pub fn set_next(&mut self, timestamp: u64, head_timestamp: u64) -> Result<(), NodeError> {
        if timestamp <= head_timestamp {
            return Err(NodeError::Invalid(format!(
                "timestamp {timestamp} is not after the head's ({head_timestamp})"
            )));
        }
        self.next_timestamp = Some(timestamp);
        Ok(())
    }

    /// The timestamp of the next block: the one asked for, else the one set, else now; always
    /// after the head's. Takes the one set.
    pub fn next_block(&mut self, requested: Option<u64>, head_timestamp: u64) -> u64 {
        requested
            .or(self.next_timestamp.take())
            .unwrap_or_else(|| self.now())
            .max(head_timestamp + 1)
    }
}

/// Seconds since the Unix epoch.
pub fn wall_clock() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}
