//! The node's JSON-RPC handlers, on an in-memory chain: any request body gets an answer (a
//! result or an error object), never a panic or a hang.
#![no_main]

use fvm_devnet::{
    accounts::dev_accounts,
    db::Db,
    backend::{Node, NodeSettings, WantedActors},
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
        actors: WantedActors {
            actors: None,
            new_chain_actors: host::Actors::Ours,
            network: None,
            car: None,
        },
        filecoin_keys: None,
        accounts: dev_accounts(2).unwrap(),
        balance: alloy_primitives::U256::from(10).pow(alloy_primitives::U256::from(22)),
        automine: true,
        console_logs: false,
        genesis_timestamp: None,
    };
    let node = Node::open(Db::memory().unwrap(), settings).unwrap();
    // Mining a year of blocks takes minutes in this instrumented build: a fuzzer's
    // `anvil_mine` makes at most a thousand.
    let limits = Limits {
        max_mine_blocks: 1_000,
        ..Limits::default()
    };
    let (module, _) = rpc::module(node, limits).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = Server { runtime, module };
    // The FVM compiles the actors when a first message runs (a minute or more in this
    // instrumented build): run one now.
    let (response, _) = server
        .runtime
        .block_on(server.module.raw_json_request(WARM_UP, 1))
        .unwrap();
    assert!(response.get().contains("\"result\""), "{}", response.get());
    server
});

/// A call to an empty address: it runs a message, and so compiles the actors.
const WARM_UP: &str = r#"{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[{"to":"0x1111111111111111111111111111111111111111","data":"0x"},"latest"]}"#;

fuzz_target!(
    // The node is made, and the actors compiled, before the first input, outside libFuzzer's
    // per-input timeout.
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
