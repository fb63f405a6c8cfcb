//! The JSON-RPC server: HTTP and WebSocket on one port, batches, CORS, size limits.

mod anvil;
mod connections;
mod debug;
mod envelope;
mod errors;
mod eth;
mod filecoin;
mod filecoin_messages;
mod filters;
pub mod interval;
mod lotus_json;
mod lotus_trace;
mod notifications;
mod ots;
mod params;
mod sign;
mod subscriptions;
mod trace;
mod txpool;
mod unknown_methods;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use alloy_primitives::B256;

use anyhow::{Context as _, Result};
use jsonrpsee::{
    core::middleware::RpcServiceBuilder,
    server::{BatchRequestConfig, ServerBuilder, ServerConfig, ServerHandle},
    Methods, RpcModule,
};
use parking_lot::{Mutex, MutexGuard};
use tokio::sync::broadcast;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

use crate::backend::Node;
pub use filters::Filters;

/// Transaction hashes a `newPendingTransactions` subscriber may fall behind by before its
/// subscription ends.
const PENDING_TRANSACTIONS_BACKLOG: usize = 4096;

/// Limits on what one request may ask.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest request body, in bytes.
    pub max_request_bytes: u32,
    /// Most calls in one batch.
    pub max_batch: u32,
    /// Most blocks one `eth_getLogs` may scan, or one `eth_getFilterChanges` answer covers.
    pub max_log_blocks: u64,
    /// Most blocks one `anvil_mine` makes.
    pub max_mine_blocks: u64,
    /// How long a filter nobody polls lives.
    pub filter_timeout: Duration,
    /// How long a request body may take to arrive.
    pub body_timeout: Duration,
    /// Most connections, HTTP and WebSocket together.
    pub max_connections: u32,
    /// How long a connection without subscriptions may stay silent before it is closed.
    pub idle_timeout: Duration,
    /// Notifications that may wait unread on a connection before its subscribers wait.
    pub subscription_backlog: usize,
    /// How long a subscriber waits for a reader that left no room before ending the
    /// subscription.
    pub slow_reader_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_request_bytes: 16 << 20,
            max_batch: 1_000,
            max_log_blocks: 10_000,
            // A year of 30-second blocks.
            max_mine_blocks: 1_051_200,
            filter_timeout: Duration::from_secs(5 * 60),
            body_timeout: Duration::from_secs(10),
            max_connections: 1_000,
            idle_timeout: Duration::from_secs(300),
            subscription_backlog: 64,
            slow_reader_timeout: Duration::from_secs(10),
        }
    }
}

/// What every method handler shares.
pub struct Context {
    node: Mutex<Node>,
    filters: Mutex<Filters>,
    limits: Limits,
    /// The hash of each transaction the pool takes, for `newPendingTransactions`.
    pending_transactions: broadcast::Sender<B256>,
    /// How often the interval miner mines, if it does.
    interval: tokio::sync::watch::Sender<interval::Interval>,
}

impl Context {
    /// The node, for one method's work, with the end of the head's epoch run
    /// ([`Node::settle`]). The lock does not poison: a handler that panicked leaves nothing
    /// half-done for the next, since the chain's state only changes when a block is sealed.
    fn node(&self) -> MutexGuard<'_, Node> {
        self.lock(true)
    }

    /// The node, settled, if no other request holds it.
    fn try_node(&self) -> Option<MutexGuard<'_, Node>> {
        self.try_lock(true)
    }

    /// The node, settled if `settle`: a read of its records only need not wait for the end of
    /// the head's epoch (a transaction's sender reads its receipt while the epoch ends).
    fn lock(&self, settle: bool) -> MutexGuard<'_, Node> {
        let mut node = self.node.lock();
        if settle {
            node.settle();
        }
        node
    }

    /// [`Context::lock`], if no other request holds the node.
    fn try_lock(&self, settle: bool) -> Option<MutexGuard<'_, Node>> {
        let mut node = self.node.try_lock()?;
        if settle {
            node.settle();
        }
        Some(node)
    }

    fn filters(&self) -> MutexGuard<'_, Filters> {
        self.filters.lock()
    }

    /// Mines on a clock every `interval` from now on, or stops (`None`).
    fn set_interval(&self, interval: interval::Interval) {
        self.interval.send_replace(interval);
    }

    /// Tells the pending-transaction filters and subscriptions of a transaction the pool took.
    fn announce(&self, hash: B256) {
        self.filters().announce(hash);
        let _ = self.pending_transactions.send(hash);
    }
}

/// Every method the node serves, over `node`.
pub fn module(node: Node, limits: Limits) -> Result<(RpcModule<Context>, Arc<Context>)> {
    let context = Arc::new(Context {
        node: Mutex::new(node),
        filters: Mutex::new(Filters::default()),
        pending_transactions: broadcast::channel(PENDING_TRANSACTIONS_BACKLOG).0,
        interval: interval::channel(None),
        limits,
    });
    let mut module = RpcModule::from_arc(Arc::clone(&context));
    eth::register(&mut module)?;
    filters::register(&mut module)?;
    subscriptions::register(&mut module)?;
    anvil::register(&mut module)?;
    debug::register(&mut module)?;
    sign::register(&mut module)?;
    txpool::register(&mut module)?;
    trace::register(&mut module)?;
    ots::register(&mut module)?;
    filecoin::register(&mut module)?;
    filecoin_messages::register(&mut module)?;
    Ok((module, context))
}

/// How the server serves, besides its limits.
#[derive(Debug, Clone)]
pub struct Serving {
    pub limits: Limits,
    /// Print each call of a method the node does not have.
    pub console: bool,
    /// The origin browsers may call from (CORS): `None` for any, as anvil's default `*`.
    pub allow_origin: Option<http::HeaderValue>,
}

/// Starts serving `node` on `address`; returns the bound address and the server's handle.
pub async fn serve(
    node: Node,
    address: SocketAddr,
    serving: Serving,
) -> Result<(SocketAddr, ServerHandle, Arc<Context>)> {
    let Serving {
        limits,
        console,
        allow_origin,
    } = serving;
    let (module, context) = module(node, limits)?;

    let origin = match allow_origin {
        Some(origin) => AllowOrigin::exact(origin),
        None => AllowOrigin::from(Any),
    };
    let cors = CorsLayer::new()
        .allow_origin(origin)
        .allow_headers(Any)
        .allow_methods([http::Method::POST, http::Method::GET, http::Method::OPTIONS]);
    let config = ServerConfig::builder()
        .max_request_body_size(limits.max_request_bytes)
        .max_response_body_size(u32::MAX)
        .set_batch_request_config(BatchRequestConfig::Limit(limits.max_batch))
        .set_id_provider(subscriptions::HexIds)
        .max_connections(limits.max_connections)
        .build();
    let envelope = envelope::EnvelopeLayer {
        max_body_bytes: limits.max_request_bytes,
        body_timeout: limits.body_timeout,
    };
    let builder = ServerBuilder::default()
        .set_config(config)
        .set_http_middleware(tower::ServiceBuilder::new().layer(cors).layer(envelope))
        .set_rpc_middleware(
            RpcServiceBuilder::new()
                .layer(notifications::RunNotifications)
                .option_layer(console.then_some(unknown_methods::ReportUnknownMethods)),
        )
        .to_service_builder();
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("listening on {address}"))?;
    let bound = listener.local_addr()?;
    let methods = Methods::from(module);
    let handle = connections::spawn(listener, limits.idle_timeout, move |stop| {
        builder.clone().build(methods.clone(), stop)
    });
    Ok((bound, handle, context))
}

impl Context {
    /// The chain's accounts as anvil dumps them (`--dump-state` at exit).
    pub fn dump_state(&self) -> Result<crate::backend::dump::StateDump> {
        self.node().dump_state()
    }

    /// Records what the database lacks of the head (the end of its epoch) before the node stops.
    pub fn shut_down(&self) -> Result<()> {
        self.node().shut_down()
    }

    /// Mines a block with the pending transactions (the interval miner's tick).
    pub fn mine_pending(&self) -> Result<()> {
        self.node().mine_pending(None)?;
        Ok(())
    }
}
