//! `debug_traceTransaction` with geth's `callTracer` (see `crate::trace`).

use anyhow::Result;
use jsonrpsee::RpcModule;

use super::{
    errors::{internal, invalid_params},
    eth::method,
    Context,
};

pub fn register(module: &mut RpcModule<Context>) -> Result<()> {
    method(module, "debug_traceTransaction", |params, ctx| {
        let mut seq = params.sequence();
        let hash: alloy_primitives::B256 = seq.next()?;
        let options: Option<serde_json::Value> = seq.optional_next()?;
        let tracer = options
            .as_ref()
            .and_then(|o| o.get("tracer"))
            .and_then(|t| t.as_str());
        if tracer != Some("callTracer") {
            return Err(invalid_params(
                "only the callTracer is supported: pass {\"tracer\": \"callTracer\"}",
            ));
        }
        // Prepared while holding the node (a `let`, so the lock ends with it), replayed
        // without it.
        let replay = ctx.node().replay(hash).map_err(internal)?;
        let frame = match replay {
            Some(replay) => replay.call_frame().map_err(internal)?,
            None => None,
        };
        frame.ok_or_else(|| invalid_params(format!("transaction {hash} not found")))
    })?;
    Ok(())
}
