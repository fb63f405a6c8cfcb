//! What a run leaves behind, in a form both machines produce and that compares field by field.

use alloy_primitives::{Address, B256, U256};
use serde::Serialize;
use std::collections::BTreeMap;

/// How the transaction ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    Success,
    Revert,
    /// An exceptional halt (invalid opcode, stack underflow, bad jump, static-call violation...).
    /// Which one is not compared: FEVM folds several of them into one exit code.
    Halt,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Log {
    pub address: Address,
    pub topics: Vec<B256>,
    pub data: Vec<u8>,
}

/// One account after the transaction. Accounts that are empty (no balance, no code, no
/// storage) are left out on both sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub balance: U256,
    pub code: Vec<u8>,
    pub storage: BTreeMap<U256, U256>,
}

impl Account {
    fn differences(&self, other: &Account) -> Vec<String> {
        let mut out = Vec::new();
        if self.balance != other.balance {
            out.push(format!("balance {} vs {}", self.balance, other.balance));
        }
        if self.code != other.code {
            out.push(format!(
                "code 0x{} vs 0x{}",
                hex::encode(&self.code),
                hex::encode(&other.code)
            ));
        }
        let slots: std::collections::BTreeSet<_> =
            self.storage.keys().chain(other.storage.keys()).collect();
        for slot in slots {
            let (a, b) = (self.storage.get(slot), other.storage.get(slot));
            if a != b {
                out.push(format!("slot {slot:#x}: {a:?} vs {b:?}"));
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.balance.is_zero() && self.code.is_empty() && self.storage.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Observation {
    pub status: Status,
    /// Return data on success, revert data on revert, nothing on a halt.
    pub output: Vec<u8>,
    pub logs: Vec<Log>,
    pub accounts: BTreeMap<Address, Account>,
    /// Why the run halted or reverted, in the machine's own words (not compared).
    pub detail: String,
}

impl Observation {
    /// The fields in which `self` and `other` differ, described for a report.
    pub fn differences(&self, other: &Observation) -> Vec<String> {
        let mut out = Vec::new();
        if self.status != other.status {
            out.push(format!(
                "status: {:?} ({}) vs {:?} ({})",
                self.status, self.detail, other.status, other.detail
            ));
        }
        if self.output != other.output {
            out.push(format!(
                "output: 0x{} vs 0x{}",
                hex::encode(&self.output),
                hex::encode(&other.output)
            ));
        }
        if self.logs != other.logs {
            out.push(format!("logs: {:?} vs {:?}", self.logs, other.logs));
        }
        let addresses: std::collections::BTreeSet<_> =
            self.accounts.keys().chain(other.accounts.keys()).collect();
        for address in addresses {
            let (a, b) = (self.accounts.get(address), other.accounts.get(address));
            match (a, b) {
                (Some(a), Some(b)) => out.extend(
                    a.differences(b)
                        .into_iter()
                        .map(|d| format!("account {address}: {d}")),
                ),
                (a, b) if a != b => out.push(format!(
                    "account {address}: {} vs {}",
                    if a.is_some() { "present" } else { "absent" },
                    if b.is_some() { "present" } else { "absent" }
                )),
                _ => {}
            }
        }
        out
    }
}
