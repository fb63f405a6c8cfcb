//! Fees on a dev chain: flat, so every block has the same base fee and suggested tip.
//!
//! The FVM charges a sender more than Ethereum's `gasUsed * effectiveGasPrice`: the tip on the
//! gas *limit*, and a burn for a limit more than 10% over the gas used. Receipts report what
//! Lotus reports, the fee paid divided by the gas used (rounded down); so that this is the
//! exact fee, and balance checks in test frameworks (`changeEtherBalance`) hold to the wei, the
//! suggested tip is zero and estimates stay within the 10% (`calls::estimate_gas`). A client
//! that tips or pads its gas limit pays slightly more than the receipt says, as on Lotus.

use actor_types::network::BLOCK_GAS_LIMIT;
use alloy_rpc_types_eth::FeeHistory;

use super::{
    error::NodeError,
    state::{BlockRef, ChainState},
};

/// Base fee per gas, in attoFIL: Lotus's minimum base fee, where an idle chain sits.
pub const BASE_FEE: u128 = 100;
/// Priority fee per gas suggested to clients and used by `eth_sendTransaction`, in attoFIL: none
/// (see above; one block producer has no one to compete with).
pub const PRIORITY_FEE: u128 = 0;
/// What `eth_gasPrice` suggests and a legacy `eth_sendTransaction` pays by default.
pub const GAS_PRICE: u128 = BASE_FEE + PRIORITY_FEE;
/// The fee cap `eth_sendTransaction` sets by default: room for the base fee to double.
pub const DEFAULT_FEE_CAP: u128 = 2 * BASE_FEE + PRIORITY_FEE;
/// Most blocks one `eth_feeHistory` reports.
const MAX_FEE_HISTORY_BLOCKS: u64 = 1024;
/// Most reward percentiles one `eth_feeHistory` may ask for (geth's limit): the answer holds
/// one reward per block and percentile.
const MAX_REWARD_PERCENTILES: usize = 100;

/// What an `eth_sendTransaction` asks to pay; what it leaves out, the node's defaults fill in.
///
/// The tip is always [`PRIORITY_FEE`], whatever the request asks: the FVM charges a tip on the
/// whole gas limit, so with one a receipt's `gasUsed * effectiveGasPrice` (the fee divided by
/// the gas used, rounded down) falls short of what was paid, and balance checks in test
/// frameworks fail (Hardhat's signer asks 1 gwei by default). A transaction signed by the
/// client itself tips what it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestedFees {
    /// A legacy (type 0) transaction at this gas price.
    Legacy { gas_price: Option<u128> },
    /// An EIP-1559 (type 2) transaction with this fee cap.
    Eip1559 { max_fee_per_gas: Option<u128> },
}

/// `eth_feeHistory`: `count` blocks up to `newest`, each block's reward at each percentile.
pub fn history(
    state: &ChainState,
    count: u64,
    newest: BlockRef,
    percentiles: Option<Vec<f64>>,
) -> Result<FeeHistory, NodeError> {
    check_percentiles(percentiles.as_deref())?;
    let head = state.head().number;
    let newest = match newest {
        BlockRef::Number(n) => n.min(head),
        BlockRef::Earliest => 0,
        _ => head,
    };
    if count == 0 {
        // Geth's answer to no blocks: an empty history.
        return Ok(FeeHistory::default());
    }
    let count = count.min(MAX_FEE_HISTORY_BLOCKS).min(newest + 1);
    let oldest = newest + 1 - count;
    let mut gas_used_ratio = Vec::new();
    for number in oldest..=newest {
        let used = state
            .block(BlockRef::Number(number))?
            .map(|b| b.header.gas_used)
            .unwrap_or_default();
        gas_used_ratio.push(used as f64 / BLOCK_GAS_LIMIT as f64);
    }
    Ok(FeeHistory {
        base_fee_per_gas: vec![BASE_FEE; count as usize + 1],
        gas_used_ratio,
        base_fee_per_blob_gas: Vec::new(),
        blob_gas_used_ratio: Vec::new(),
        oldest_block: oldest,
        reward: percentiles.map(|p| vec![vec![PRIORITY_FEE; p.len()]; count as usize]),
    })
}

/// Reward percentiles as geth takes them: at most 100, each within 0..=100, ascending.
fn check_percentiles(percentiles: Option<&[f64]>) -> Result<(), NodeError> {
    let Some(percentiles) = percentiles else {
        return Ok(());
    };
    if percentiles.len() > MAX_REWARD_PERCENTILES {
        return Err(NodeError::InvalidParams(format!(
            "too many reward percentiles: {}, at most {MAX_REWARD_PERCENTILES}",
            percentiles.len()
        )));
    }
    let mut previous = 0.0;
    for &p in percentiles {
        if !(0.0..=100.0).contains(&p) || p < previous {
            return Err(NodeError::InvalidParams(format!(
                "invalid reward percentile: {p} (each within 0..100, in ascending order)"
            )));
        }
        previous = p;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_checked_as_geth_checks_them() {
        assert!(check_percentiles(None).is_ok());
        assert!(check_percentiles(Some(&[0.0, 25.0, 25.0, 100.0])).is_ok());
        assert!(check_percentiles(Some(&[-5.0])).is_err());
        assert!(check_percentiles(Some(&[200.0])).is_err());
        assert!(check_percentiles(Some(&[50.0, 10.0])).is_err());
        assert!(check_percentiles(Some(&[f64::NAN])).is_err());
        assert!(check_percentiles(Some(&[1.0; 101])).is_err());
    }
}
