//! Method parameters in, return values out.

use fvm_ipld_encoding::{ipld_block::IpldBlock, CBOR};
use serde::{de::DeserializeOwned, Serialize};

use crate::{ActorError, ActorResult};

/// Decodes required params (CBOR, DAG-CBOR, or a raw block for byte-string types).
pub fn decode_params<T: DeserializeOwned>(params: Option<IpldBlock>) -> ActorResult<T> {
    let block = params.ok_or_else(|| ActorError::illegal_argument("method expects params"))?;
    block
        .deserialize()
        .map_err(|e| ActorError::serialization(format!("decoding params: {e}")))
}

/// Checks that a method that takes no params got none.
pub fn no_params(params: Option<IpldBlock>) -> ActorResult<()> {
    match params {
        None => Ok(()),
        Some(_) => Err(ActorError::illegal_argument("method expects no params")),
    }
}

/// Encodes a return value as a CBOR block.
pub fn return_cbor<T: Serialize + ?Sized>(value: &T) -> ActorResult<Option<IpldBlock>> {
    IpldBlock::serialize(CBOR, value)
        .map(Some)
        .map_err(|e| ActorError::serialization(format!("encoding return: {e}")))
}
