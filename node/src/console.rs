//! What the node prints while it runs, as anvil does, so that a developer sees what their tools
//! did: each mined transaction (its hash, the contract it created, the gas it used, why it
//! failed) with its block, and each call of a method the node does not have. `--silent` turns
//! it off.

use std::fmt::Write as _;

use crate::backend::Mined;

/// A mined block's transactions, one paragraph each, then the block (nothing for an empty
/// block: `anvil_mine` of thousands prints nothing).
pub fn mined(mined: &Mined) -> Option<String> {
    if mined.transactions.is_empty() {
        return None;
    }
    let mut out = String::new();
    let transactions = mined.transactions.iter().zip(&mined.failures);
    for (i, (tx, failure)) in transactions.enumerate() {
        if let Some(printed) = mined.console_logs.get(i).filter(|lines| !lines.is_empty()) {
            let _ = writeln!(out, "\n    console.log:");
            for line in printed {
                let _ = writeln!(out, "      {line}");
            }
        }
        let _ = writeln!(out, "\n    Transaction: {}", tx.hash);
        if let Some(created) = tx.receipt.contract_address.filter(|_| failure.is_none()) {
            let _ = writeln!(out, "    Contract created: {created}");
        }
        let _ = writeln!(out, "    Gas used: {}", tx.receipt.gas_used);
        if let Some(failure) = failure {
            let _ = writeln!(out, "    Error: {failure}");
        }
    }
    let block = &mined.block;
    let _ = writeln!(out, "\n    Block Number: {}", block.number);
    let _ = writeln!(out, "    Block Hash: {}", block.hash);
    let _ = writeln!(out, "    Block Time: {}", block.header.timestamp);
    Some(out)
}
