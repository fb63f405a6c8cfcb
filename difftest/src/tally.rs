//! Counts of what compared programs did, so that a run shows it exercised more than halts.

use crate::observation::{Observation, Status};

/// What the compared programs did, so that a run shows it exercised more than halts.
#[derive(Debug, Default)]
pub struct Tally {
    pub success: u64,
    pub revert: u64,
    pub halt: u64,
    pub logs: u64,
    pub slots: u64,
    pub accounts: u64,
    pub gas_dependent: u64,
    /// Self-destructed contracts and placeholders left behind (fevm mode).
    pub tombstones: u64,
    pub placeholders: u64,
}

impl Tally {
    pub fn add(&mut self, observation: &Observation) {
        match observation.status {
            Status::Success => self.success += 1,
            Status::Revert => self.revert += 1,
            Status::Halt => self.halt += 1,
        }
        self.logs += observation.logs.len() as u64;
        self.accounts += observation.accounts.len() as u64;
        self.slots += observation
            .accounts
            .values()
            .map(|a| a.storage.len() as u64)
            .sum::<u64>();
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "outcomes: {} succeeded, {} reverted, {} halted; {} logs, {} storage slots, {} accounts compared; {} set aside as gas-dependent",
            self.success, self.revert, self.halt, self.logs, self.slots, self.accounts, self.gas_dependent
        )?;
        if self.tombstones + self.placeholders > 0 {
            write!(
                f,
                "; {} self-destructed contracts and {} placeholders left",
                self.tombstones, self.placeholders
            )?;
        }
        Ok(())
    }
}
