//! Fees on a dev chain: flat, so every block has the same base fee and suggested tip.

use actor_types::network::BLOCK_GAS_LIMIT;
use alloy_rpc_types_eth::FeeHistory;

use super::{
    state::{BlockRef, ChainState},
    NodeError,
};

/// Base fee per gas, in attoFIL: Lotus's minimum base fee, where an idle chain sits.
pub const BASE_FEE: u128 = 100;
/// Priority fee per gas suggested to clients and used by `eth_sendTransaction`, in attoFIL.
pub const PRIORITY_FEE: u128 = 1_000;
/// Most blocks one `eth_feeHistory` reports.
const MAX_FEE_HISTORY_BLOCKS: u64 = 1024;

/// `eth_feeHistory`: `count` blocks up to `newest`, each block's reward at each percentile.
pub fn history(
    state: &ChainState,
    count: u64,
    newest: BlockRef,
    percentiles: Option<Vec<f64>>,
) -> Result<FeeHistory, NodeError> {
    let head = state.head().number;
    let newest = match newest {
        BlockRef::Number(n) => n.min(head),
        BlockRef::Earliest => 0,
        _ => head,
    };
    let count = count.clamp(1, MAX_FEE_HISTORY_BLOCKS).min(newest + 1);
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
