//! Log queries (`eth_getLogs` and log filters): which blocks a filter covers, and the logs
//! in them that match it.

use alloy_primitives::B256;
use alloy_rpc_types_eth::{BlockNumberOrTag, Filter, FilterBlockOption, Log};

use super::{
    error::NodeError,
    state::{BlockRef, ChainState},
};

/// The blocks a filter covers, at most `max_blocks` of them; `None` when it starts after the
/// head (a poller asking from the block after the last it saw: nothing yet, not the head's
/// logs again). A `toBlock` after the head is an error, as geth answers it.
pub fn range(
    state: &ChainState,
    filter: &Filter,
    max_blocks: u64,
) -> Result<Option<(u64, u64)>, NodeError> {
    let head = state.head().number;
    let resolve = |tag: Option<BlockNumberOrTag>| match tag {
        Some(BlockNumberOrTag::Number(n)) => n,
        Some(BlockNumberOrTag::Earliest) => 0,
        _ => head,
    };
    let (from, to) = match &filter.block_option {
        FilterBlockOption::AtBlockHash(hash) => {
            let number = state
                .block(BlockRef::Hash(*hash))?
                .ok_or_else(|| NodeError::InvalidParams(format!("unknown block {hash}")))?
                .number;
            (number, number)
        }
        FilterBlockOption::Range {
            from_block,
            to_block,
        } => (resolve(*from_block), resolve(*to_block)),
    };
    if to > head {
        return Err(NodeError::InvalidParams(format!(
            "block range extends beyond current head block: toBlock {to}, head {head}"
        )));
    }
    if from > head {
        return Ok(None);
    }
    if from > to {
        return Err(NodeError::InvalidParams(format!(
            "invalid block range: from {from} is after to {to}"
        )));
    }
    if to - from >= max_blocks {
        return Err(NodeError::InvalidParams(format!(
            "block range too large: {} blocks, at most {max_blocks} per query",
            to - from + 1
        )));
    }
    Ok(Some((from, to)))
}

/// The logs matching `filter` in the blocks `from..=to`.
pub fn matching(
    state: &ChainState,
    filter: &Filter,
    from: u64,
    to: u64,
) -> Result<Vec<Log>, NodeError> {
    let mut found = Vec::new();
    for number in from..=to {
        let Some(block) = state.block(BlockRef::Number(number))? else {
            continue;
        };
        if !filter.matches_bloom(block.header.logs_bloom) {
            continue;
        }
        for tx in state.transactions_of(&block)? {
            found.extend(
                tx.rpc_logs(block.header.timestamp)
                    .into_iter()
                    .filter(|log| filter.matches(&log.inner)),
            );
        }
    }
    Ok(found)
}

/// The hashes of the blocks `from..=to` (a block filter's changes).
pub fn block_hashes(state: &ChainState, from: u64, to: u64) -> Result<Vec<B256>, NodeError> {
    let mut hashes = Vec::new();
    for number in from..=to {
        if let Some(block) = state.block(BlockRef::Number(number))? {
            hashes.push(block.hash);
        }
    }
    Ok(hashes)
}
