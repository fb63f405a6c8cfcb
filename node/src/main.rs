//! `fvm-devnet`: a local chain that runs Solidity contracts in our EVM actor on the real FVM
//! and serves Ethereum JSON-RPC, like anvil. Options are anvil's where they overlap.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use alloy_primitives::U256;
use anyhow::{Context, Result};
use clap::Parser;

use fvm_devnet::{
    accounts,
    backend::{
        dump, fees::BASE_FEE, BlockRef, Mined, Node, NodeSettings, WantedActors, BLOCK_GAS_LIMIT,
    },
    cpus,
    db::Db,
    filecoin_keys::FilecoinKeys,
    rpc,
};

/// jemalloc rather than the system's malloc: each block makes and drops thousands of
/// allocations on its FVM thread (CBOR, IPLD blocks, call frames, wasm instances' bookkeeping),
/// and the FVM thread's time is the node's transaction rate (docs/PERFORMANCE.md).
#[cfg(unix)]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// A local Filecoin chain for Solidity development: our EVM actor on the real FVM, served as
/// Ethereum JSON-RPC on HTTP and WebSocket.
#[derive(Debug, Parser)]
#[command(name = "fvm-devnet", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(short, long, default_value_t = 8545)]
    port: u16,
    /// Chain id of a new chain (default 31415926, Lotus's devnet); an existing data directory
    /// keeps its own.
    #[arg(long)]
    chain_id: Option<u64>,
    /// Mine a block every N seconds (fractions allowed) instead of one per transaction.
    #[arg(short, long, value_name = "SECONDS", value_parser = positive_seconds)]
    block_time: Option<Duration>,
    /// Mine only when asked (`evm_mine`, `anvil_mine`): neither a block per transaction nor
    /// blocks at intervals.
    #[arg(long, visible_alias = "no-mine", conflicts_with = "block_time")]
    no_mining: bool,
    /// Where the chain is stored.
    #[arg(long, default_value = ".fvm-devnet")]
    data_dir: PathBuf,
    /// Keep the chain in memory only; nothing is written to disk.
    #[arg(long, conflicts_with = "data_dir")]
    in_memory: bool,
    /// The genesis block's timestamp (seconds since 1970) for a new chain; time goes on from
    /// it. An existing data directory keeps its own.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(..=i64::MAX as u64))]
    timestamp: Option<u64>,
    /// The BIP-39 mnemonic the dev accounts' keys derive from.
    #[arg(short, long, default_value = accounts::DEV_MNEMONIC)]
    mnemonic: String,
    /// The derivation path of the dev accounts' keys; account i's is this path followed by i.
    #[arg(long, default_value = accounts::DEV_DERIVATION_PATH)]
    derivation_path: String,
    /// Number of dev accounts to create and fund at genesis.
    #[arg(short, long, default_value_t = 10)]
    accounts: u32,
    /// Balance of each dev account at genesis, in FIL.
    #[arg(long, default_value_t = 10_000)]
    balance: u64,
    /// Largest request body in bytes.
    #[arg(long, default_value_t = 16 << 20)]
    max_request_bytes: u32,
    /// Most blocks one log query (`eth_getLogs`, `eth_getFilterLogs`) may span and one
    /// `eth_getFilterChanges` answer covers.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    max_log_blocks: u64,
    /// Seconds a filter lives without being polled (geth's five minutes).
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    filter_timeout: u64,
    /// Most connections at once, HTTP and WebSocket together.
    #[arg(long, default_value_t = 1_000)]
    max_connections: u32,
    /// Seconds a request body may take to arrive.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    body_timeout: u64,
    /// Seconds a connection without subscriptions may stay silent before it is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout: u64,
    /// Notifications that may wait unread on a WebSocket before its subscribers wait for the
    /// reader.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=4096))]
    subscription_backlog: u64,
    /// Seconds a subscriber waits for a reader that stopped reading before ending the
    /// subscription with an error (geth's write timeout).
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    slow_reader_timeout: u64,
    /// Print only the start-up banner: not each mined transaction, nor calls of unknown
    /// methods.
    #[arg(long)]
    silent: bool,
    /// Load the accounts of a state dumped to this file (by `--dump-state`, `anvil_dumpState`
    /// or anvil) at start-up, on top of the chain.
    #[arg(long, value_name = "PATH")]
    load_state: Option<PathBuf>,
    /// Dump the chain's accounts to this file (JSON, anvil's shape) when the node stops.
    #[arg(long, value_name = "PATH")]
    dump_state: Option<PathBuf>,
    /// The actors the chain runs: `hybrid` (Filecoin's builtin-actors v18 with our EVM actor:
    /// storage market, miners, power, DataCap, verified registry, cron and rewards; the default
    /// where the bundle is found), `fevm` (builtin-actors v18 as it is), `ours` (our own
    /// bundle: the EVM and what it needs; the default without the bundle), or the path of a
    /// bundle CAR of one's own (`….car`, run as it is). A stored chain keeps its own.
    #[arg(long, value_name = "ours|hybrid|fevm|PATH.car", value_parser = actors_arg)]
    actors: Option<ActorsArg>,
    /// Whose builtin-actors v18 bundle a new chain with Filecoin's actors runs: `mainnet` (the
    /// default: the policy contracts meet in production, 32 GiB sectors), `calibrationnet`,
    /// `butterflynet`, `caterpillarnet`, `devnet`, `testing` or `testing-fake-proofs` (small
    /// sectors and short periods). A stored chain keeps its own.
    #[arg(long, value_name = "NAME")]
    network: Option<host::Network>,
    /// The origin browsers may call the node from (CORS); any by default.
    #[arg(long, default_value = "*")]
    allow_origin: String,
    /// Where the thread that runs blocks goes (Linux): `auto` (a CPU of its own, the node's
    /// other threads on the rest, when the node may use two CPUs or more), `off` (wherever the
    /// scheduler puts it) or a CPU's number.
    #[arg(long, value_name = "auto|off|CPU", default_value = "auto")]
    block_cpu: cpus::BlockCpu,
}

/// What `--actors` names: one of the bundles the node knows, or a bundle CAR's path.
#[derive(Debug, Clone)]
struct ActorsArg {
    actors: host::Actors,
    car: Option<PathBuf>,
}

fn actors_arg(text: &str) -> Result<ActorsArg, String> {
    if text.ends_with(".car") {
        let car = PathBuf::from(text);
        if !car.is_file() {
            return Err(format!("{text}: no such bundle CAR"));
        }
        return Ok(ActorsArg {
            actors: host::Actors::Car,
            car: Some(car),
        });
    }
    let actors = text
        .parse()
        .map_err(|e: anyhow::Error| format!("{e}, or a bundle's PATH.car"))?;
    Ok(ActorsArg { actors, car: None })
}

/// Has the FVM compile the chain's actors on a thread of their own while the node serves: it
/// otherwise compiles them when a first message runs, so a restarted node's first transaction
/// would wait for it (seconds on the network bundle; a new chain's genesis already did it).
fn compile_actors_beside(chain: host::Chain) {
    let spawned = std::thread::Builder::new()
        .name("compile-actors".into())
        .spawn(move || {
            if let Err(e) = chain.compile_actors() {
                tracing::warn!("compiling the actors ahead of the first message: {e:#}");
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("no thread to compile the actors ahead: {e}");
    }
}

/// A number of seconds above zero, fractions allowed (`--block-time 0.5`).
fn positive_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text.parse().map_err(|e| format!("{e}"))?;
    if !(seconds > 0.0 && seconds.is_finite()) {
        return Err("must be more than 0 seconds".into());
    }
    Duration::try_from_secs_f64(seconds).map_err(|e| e.to_string())
}

/// What a new chain runs unless `--actors` says: Filecoin's actors with ours for the EVM, where
/// their bundle is found (`scripts/setup actors` fetches it), else our own, said in one line.
fn default_actors(network: host::Network) -> host::Actors {
    if host::production_bundle(network.name()).is_some_and(|path| path.is_file()) {
        return host::Actors::Hybrid;
    }
    println!(
        "No builtin-actors {} bundle found (run ./scripts/setup actors, or set BUILTIN_ACTORS_BUNDLE): a new chain runs our own actors, without the storage market, miners, power or DataCap.",
        host::PRODUCTION_VERSION
    );
    host::Actors::Ours
}

/// How many FVM messages may execute at once: a block being mined and calls beside it.
const FVM_CONCURRENCY: u32 = 4;

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let args = Args::parse();
    // Before any thread starts: they inherit where this one may run.
    if let Some(placed) = cpus::place(args.block_cpu)? {
        tracing::info!(
            "blocks run on CPU {}, the node's other threads on {:?}",
            placed.block,
            placed.others
        );
    }
    // Every runtime thread gets the FVM's stack, so that a request runs its message itself
    // instead of handing it to another thread.
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(host::FVM_STACK_BYTES)
        .on_thread_start(host::declare_fvm_stack)
        .build()
        .context("starting the runtime")?
        .block_on(serve(args))
}

async fn serve(args: Args) -> Result<()> {
    // Calls, estimates and replays run without holding the node (`backend/calls.rs`), beside
    // the miner and each other: the FVM must let that many messages execute at once.
    host::set_concurrency(FVM_CONCURRENCY);
    let accounts = accounts::accounts_of(&args.mnemonic, &args.derivation_path, args.accounts)?;
    let allow_origin = match args.allow_origin.as_str() {
        "*" => None,
        origin => Some(
            http::HeaderValue::from_str(origin)
                .with_context(|| format!("--allow-origin {origin:?}"))?,
        ),
    };
    let db = if args.in_memory {
        Db::memory()?
    } else {
        std::fs::create_dir_all(&args.data_dir)
            .with_context(|| format!("creating {}", args.data_dir.display()))?;
        Db::open(&args.data_dir.join("chain.redb"))?
    };
    let filecoin_keys = FilecoinKeys::derive(&args.mnemonic)?;
    let settings = NodeSettings {
        chain_id: args.chain_id,
        actors: WantedActors {
            actors: args.actors.as_ref().map(|arg| arg.actors),
            // Looked for only when `--actors` does not say (it prints when the bundle is
            // missing).
            new_chain_actors: args
                .actors
                .as_ref()
                .map(|arg| arg.actors)
                .unwrap_or_else(|| default_actors(args.network.unwrap_or_default())),
            network: args.network,
            car: args.actors.as_ref().and_then(|arg| arg.car.clone()),
        },
        filecoin_keys: Some(filecoin_keys.clone()),
        accounts: accounts.clone(),
        balance: U256::from(args.balance) * U256::from(10).pow(U256::from(18)),
        automine: args.block_time.is_none() && !args.no_mining,
        console_logs: !args.silent,
        genesis_timestamp: args.timestamp,
    };
    let load_state = args.load_state.clone();
    let node = tokio::task::spawn_blocking(move || -> Result<Node> {
        let mut node = Node::open(db, settings)?;
        if let Some(path) = load_state {
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let state = dump::from_bytes(&bytes)
                .with_context(|| format!("loading the state in {}", path.display()))?;
            node.load_state(&state)?;
        }
        Ok(node)
    })
    .await??;
    let (chain_id, head) = (node.chain_id(), node.head().number);
    let producer = node.state().producer();
    compile_actors_beside(node.view(BlockRef::Latest)?);
    let mined = (!args.silent).then(|| node.subscribe());

    let limits = rpc::Limits {
        max_request_bytes: args.max_request_bytes,
        max_log_blocks: args.max_log_blocks,
        filter_timeout: Duration::from_secs(args.filter_timeout),
        body_timeout: Duration::from_secs(args.body_timeout),
        max_connections: args.max_connections,
        idle_timeout: Duration::from_secs(args.idle_timeout),
        subscription_backlog: args.subscription_backlog as usize,
        slow_reader_timeout: Duration::from_secs(args.slow_reader_timeout),
        ..rpc::Limits::default()
    };
    let serving = rpc::Serving {
        limits,
        console: !args.silent,
        allow_origin,
    };
    let (address, handle, context) =
        rpc::serve(node, SocketAddr::new(args.host, args.port), serving).await?;

    let storage_provider = producer.map(|producer| (producer, &filecoin_keys));
    print_banner(&accounts, &args, chain_id, head, address, storage_provider);
    if let Some(mined) = mined {
        tokio::spawn(print_mined(mined));
    }
    rpc::interval::spawn(context.clone(), args.block_time);
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = handle.clone().stopped() => {},
    }
    handle.stop().ok();
    context.shut_down()?;
    if let Some(path) = &args.dump_state {
        let dump = context.dump_state()?;
        std::fs::write(path, serde_json::to_vec_pretty(&dump)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Prints each mined block's transactions. A printer that fell behind skips blocks rather than
/// holding the miner up.
async fn print_mined(mut mined: tokio::sync::broadcast::Receiver<std::sync::Arc<Mined>>) {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        match mined.recv().await {
            Ok(block) => {
                if let Some(text) = fvm_devnet::console::mined(&block) {
                    println!("{text}");
                }
            }
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => break,
        }
    }
}

fn print_banner(
    accounts: &[accounts::DevAccount],
    args: &Args,
    chain_id: u64,
    head: u64,
    address: SocketAddr,
    storage_provider: Option<(fvm_shared::address::Address, &FilecoinKeys)>,
) {
    println!(
        "fvm-devnet {}: our EVM actor on the FVM (ref-fvm 4.8)\n",
        env!("CARGO_PKG_VERSION")
    );
    println!("Available Accounts\n==================");
    for (i, account) in accounts.iter().enumerate() {
        println!("({i}) {} ({} FIL)", account.address(), args.balance);
    }
    println!("\nPrivate Keys\n==================");
    for (i, account) in accounts.iter().enumerate() {
        println!("({i}) {}", account.private_key());
    }
    println!("\nWallet\n==================");
    println!("Mnemonic:          {}", args.mnemonic);
    println!("Derivation path:   {}\n", args.derivation_path);
    if let Some((miner, keys)) = storage_provider {
        println!("Storage Provider\n==================");
        println!("Miner:             {miner}");
        println!(
            "Owner:             {} (key {})",
            keys.owner_address(),
            keys.owner.to_bytes()
        );
        println!(
            "Worker:            {} (BLS key 0x{})",
            keys.worker_address(),
            alloy_primitives::hex::encode(keys.worker_private_key())
        );
        println!(
            "Verifier root key: {} (key {})\n",
            keys.root_address(),
            keys.root.to_bytes()
        );
    }
    println!("Chain ID\n==================\n{chain_id}\n");
    println!("Base Fee\n==================\n{} attoFIL\n", BASE_FEE);
    println!("Gas Limit\n==================\n{}\n", BLOCK_GAS_LIMIT);
    let store = if args.in_memory {
        "in memory".to_string()
    } else {
        args.data_dir.join("chain.redb").display().to_string()
    };
    println!("Chain: {store}, head block {head}");
    println!("Listening on {address}");
}
