//! The node's JSON-RPC handlers, on an in-memory chain: any request body gets an answer (a
//! result or an error object), never a panic or a hang.
#![no_main]

use fvm_devnet::{
    accounts::dev_accounts,
    db::Db,
    node::{Node, NodeSettings},
    rpc::{self, Context, Limits},
};
use jsonrpsee::RpcModule;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

struct Server {
    runtime: tokio::runtime::Runtime,
    module: RpcModule<Context>,
}

static SERVER: LazyLock<Server> = LazyLock::new(|| {
    let settings = NodeSettings {
        chain_id: None,
        accounts: dev_accounts(2).unwrap(),
        balance: alloy_primitives::U256::from(10).pow(alloy_primitives::U256::from(22)),
        automine: true,
    };
    let node = Node::open(Db::memory().unwrap(), settings).unwrap();
    let (module, _) = rpc::module(node, Limits::default()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    Server { runtime, module }
});

fuzz_target!(
    // The node (and the actors' compilation) is made before the first input, outside
    // libFuzzer's per-input timeout.
    init: LazyLock::force(&SERVER),
    |body: &[u8]| {
        let Ok(body) = std::str::from_utf8(body) else {
            return;
        };
        let server = &*SERVER;
        let _ = server
            .runtime
            .block_on(server.module.raw_json_request(body, 1));
    }
);
