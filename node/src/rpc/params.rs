//! Parameter types shared by the method groups.

use alloy_primitives::TxKind;
use alloy_rpc_types_eth::{BlockId, BlockNumberOrTag, TransactionRequest};

use crate::{
    backend::{fees::RequestedFees, BlockRef, CallParams, NodeError},
    tx::TxError,
};

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
/// The fees an `eth_sendTransaction` asks for: type 0 (or a `gasPrice` without EIP-1559
/// fields) is a legacy transaction, type 2 (or none) an EIP-1559 one; the chain takes no other.
pub fn requested_fees(request: &TransactionRequest) -> Result<RequestedFees, NodeError> {
    let eip1559_fields =
        request.max_fee_per_gas.is_some() || request.max_priority_fee_per_gas.is_some();
    match request.transaction_type {
        Some(0) => Ok(RequestedFees::Legacy {
            gas_price: request.gas_price,
        }),
        None if request.gas_price.is_some() && !eip1559_fields => Ok(RequestedFees::Legacy {
            gas_price: request.gas_price,
        }),
        Some(2) | None => Ok(RequestedFees::Eip1559 {
            max_fee_per_gas: request.max_fee_per_gas,
        }),
        Some(other) => Err(TxError::UnsupportedType(other).into()),
    }
}

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
