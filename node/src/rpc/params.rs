//! Parameter types shared by the method groups.

use alloy_primitives::TxKind;
use alloy_rpc_types_eth::{BlockId, BlockNumberOrTag, TransactionRequest};

use crate::backend::{BlockRef, CallParams};

/// A block parameter as the node understands it; `pending` reads the latest state.
pub fn block_ref(block: Option<BlockId>) -> BlockRef {
    match block {
        None => BlockRef::Latest,
        Some(BlockId::Hash(hash)) => BlockRef::Hash(hash.block_hash),
        Some(BlockId::Number(number)) => number_ref(number),
    }
}

pub fn number_ref(number: BlockNumberOrTag) -> BlockRef {
    match number {
        BlockNumberOrTag::Number(n) => BlockRef::Number(n),
        BlockNumberOrTag::Earliest => BlockRef::Earliest,
        _ => BlockRef::Latest,
    }
}

/// A call or transaction request's fields.
pub fn call_params(request: TransactionRequest) -> CallParams {
    CallParams {
        from: request.from,
        to: match request.to {
            Some(TxKind::Call(to)) => Some(to),
            _ => None,
        },
        gas: request.gas,
        value: request.value.unwrap_or_default(),
        input: request.input.into_input().unwrap_or_default(),
    }
}
