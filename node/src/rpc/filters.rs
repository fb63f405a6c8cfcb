//! Polled filters: `eth_newFilter`, `eth_newBlockFilter`, `eth_getFilterChanges`, ...

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use alloy_primitives::{B256, U128};
use alloy_rpc_types_eth::Filter;
use anyhow::Result;
use jsonrpsee::RpcModule;
use serde::Serialize;

use super::{
    errors::invalid_params,
    eth::{method, one},
    Context,
};
use crate::backend::logs;

/// Most transaction hashes a pending-transaction filter keeps between two polls.
const MAX_UNPOLLED_TRANSACTIONS: usize = 4096;

/// The installed filters, by id.
#[derive(Default)]
pub struct Filters {
    next_id: u128,
    installed: HashMap<U128, Installed>,
}

struct Installed {
    kind: Kind,
    /// The last block whose changes the client has seen.
    seen: u64,
    /// When the client last asked for the filter: one it stops polling expires.
    polled: Instant,
}

enum Kind {
    Logs(Box<Filter>),
    Blocks,
    /// The hashes of the transactions the pool took since the last poll (the latest
    /// [`MAX_UNPOLLED_TRANSACTIONS`] of them).
    PendingTransactions(Vec<B256>),
}

/// What `eth_getFilterChanges` returns: logs or hashes.
#[derive(Serialize, Clone)]
#[serde(untagged)]
enum Changes {
    Logs(Vec<alloy_rpc_types_eth::Log>),
    Hashes(Vec<B256>),
}

impl Filters {
    /// Installs a filter whose changes start after block `seen`.
    fn install(&mut self, kind: Kind, seen: u64, timeout: Duration) -> U128 {
        self.expire(timeout);
        self.next_id += 1;
        let id = U128::from(self.next_id);
        let polled = Instant::now();
        self.installed.insert(id, Installed { kind, seen, polled });
        id
    }

    /// The filter `id`, if it has not expired; asking for it keeps it alive.
    fn get(&mut self, id: U128, timeout: Duration) -> Option<&mut Installed> {
        self.expire(timeout);
        let installed = self.installed.get_mut(&id)?;
        installed.polled = Instant::now();
        Some(installed)
    }

    /// A transaction the pool took, for every pending-transaction filter.
    pub fn announce(&mut self, hash: B256) {
        for installed in self.installed.values_mut() {
            if let Kind::PendingTransactions(hashes) = &mut installed.kind {
                if hashes.len() == MAX_UNPOLLED_TRANSACTIONS {
                    hashes.remove(0);
                }
                hashes.push(hash);
            }
        }
    }

    /// The chain went back to block `head` (`evm_revert`, `anvil_reset`): a filter that saw
    /// blocks after it will see the new blocks at those heights as changes.
    pub fn rewind(&mut self, head: u64) {
        for installed in self.installed.values_mut() {
            installed.seen = installed.seen.min(head);
        }
    }

    /// Forgets the filters not asked for within `timeout` (geth's five minutes by default).
    fn expire(&mut self, timeout: Duration) {
        self.installed
            .retain(|_, installed| installed.polled.elapsed() < timeout);
    }
}

pub fn register(module: &mut RpcModule<Context>) -> Result<()> {
    method(module, "eth_newFilter", |params, ctx| {
        let filter: Filter = one(params)?;
        let head = ctx.node().head().number;
        // Changes start at the filter's first block (if given), else after the head.
        let seen = filter
            .get_from_block()
            .map(|from| from.saturating_sub(1))
            .unwrap_or(head);
        let timeout = ctx.limits.filter_timeout;
        Ok(ctx
            .filters()
            .install(Kind::Logs(Box::new(filter)), seen, timeout))
    })?;
    method(module, "eth_newBlockFilter", |_, ctx| {
        let head = ctx.node().head().number;
        Ok(ctx
            .filters()
            .install(Kind::Blocks, head, ctx.limits.filter_timeout))
    })?;
    method(module, "eth_newPendingTransactionFilter", |_, ctx| {
        let head = ctx.node().head().number;
        let timeout = ctx.limits.filter_timeout;
        Ok(ctx
            .filters()
            .install(Kind::PendingTransactions(Vec::new()), head, timeout))
    })?;
    method(module, "eth_uninstallFilter", |params, ctx| {
        let id: U128 = one(params)?;
        Ok(ctx.filters().installed.remove(&id).is_some())
    })?;
    method(module, "eth_getFilterChanges", |params, ctx| {
        let id: U128 = one(params)?;
        let node = ctx.node();
        let mut filters = ctx.filters();
        let installed = filters
            .get(id, ctx.limits.filter_timeout)
            .ok_or_else(|| invalid_params("filter not found"))?;
        // At most as many blocks as a log query may span: a client that fell far behind
        // catches up over several polls, each answer bounded.
        let from = installed.seen + 1;
        let to = node
            .head()
            .number
            .min(from.saturating_add(ctx.limits.max_log_blocks - 1));
        let changes = match &mut installed.kind {
            Kind::Logs(filter) if from <= to => {
                Changes::Logs(logs::matching(node.state(), filter, from, to)?)
            }
            Kind::Logs(_) => Changes::Logs(Vec::new()),
            Kind::Blocks => Changes::Hashes(logs::block_hashes(node.state(), from, to)?),
            Kind::PendingTransactions(hashes) => Changes::Hashes(std::mem::take(hashes)),
        };
        installed.seen = to.max(installed.seen);
        Ok(changes)
    })?;
    method(module, "eth_getFilterLogs", |params, ctx| {
        let id: U128 = one(params)?;
        let timeout = ctx.limits.filter_timeout;
        let filter = match ctx.filters().get(id, timeout).map(|f| &f.kind) {
            Some(Kind::Logs(filter)) => filter.clone(),
            _ => return Err(invalid_params("filter not found")),
        };
        let node = ctx.node();
        match logs::range(node.state(), &filter, ctx.limits.max_log_blocks)? {
            Some((from, to)) => Ok(logs::matching(node.state(), &filter, from, to)?),
            None => Ok(Vec::new()),
        }
    })?;
    Ok(())
}
