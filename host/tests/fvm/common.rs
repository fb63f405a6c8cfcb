//! Shared set-up for the host's tests: a funded chain on the real FVM and compiled contracts.

pub use host::Actors;
use host::{
    Chain, ChainConfig, Deployment, EthAddress, Genesis, GenesisAccount, Store, TokenAmount,
};
use std::{
    collections::BTreeMap,
    sync::{Mutex, OnceLock},
};

/// Sender accounts funded at genesis.
pub const ALICE: EthAddress = EthAddress([0xa1; 20]);
pub const BOB: EthAddress = EthAddress([0xb0; 20]);

pub fn fil(n: u64) -> TokenAmount {
    TokenAmount::from_whole(n)
}

/// A new chain where ALICE and BOB hold 1000 FIL each.
pub fn chain() -> Chain {
    chain_on(Store::memory())
}

/// [`chain`] running `actors`: ours, the production bundle with our EVM actor, or the
/// production bundle as it is.
pub fn chain_of(actors: Actors) -> Chain {
    chain_with(ChainConfig {
        actors,
        ..ChainConfig::default()
    })
}

/// [`chain`] with `config`.
pub fn chain_with(config: ChainConfig) -> Chain {
    let actors = config.actors;
    Chain::genesis(Store::memory(), &genesis(), config)
        .unwrap_or_else(|e| panic!("genesis with {} actors: {e:#}", actors.name()))
}

/// Runs `test` on each bundle: ours, hybrid, FEVM.
pub fn on_each_bundle(test: impl Fn(Actors)) {
    for actors in Actors::ALL {
        test(actors);
    }
}

pub fn chain_on(store: Store) -> Chain {
    Chain::genesis(store, &genesis(), ChainConfig::default()).expect("genesis")
}

fn genesis() -> Genesis {
    Genesis {
        network_name: "test".into(),
        accounts: vec![
            GenesisAccount {
                address: ALICE,
                balance: fil(1000),
                nonce: 0,
            },
            GenesisAccount {
                address: BOB,
                balance: fil(1000),
                nonce: 0,
            },
        ],
        verifreg_root: None,
    }
}

/// Every contract in `tests/contracts/`, compiled once per test binary.
pub fn contract(name: &str) -> solc::Contract {
    static COMPILED: OnceLock<BTreeMap<String, solc::Contract>> = OnceLock::new();
    COMPILED
        .get_or_init(|| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/contracts");
            let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "sol"))
                .map(|p| {
                    (
                        p.file_name().unwrap().to_string_lossy().into_owned(),
                        std::fs::read_to_string(&p).unwrap(),
                    )
                })
                .collect();
            files.sort();
            let sources: Vec<(&str, &str)> = files
                .iter()
                .map(|(n, c)| (n.as_str(), c.as_str()))
                .collect();
            compiler()
                .lock()
                .unwrap()
                .compile(&sources, &solc::Settings::default())
                .expect("compiling test contracts")
        })
        .get(name)
        .unwrap_or_else(|| panic!("no contract {name}"))
        .clone()
}

/// The shared compiler process.
pub fn compiler() -> &'static Mutex<solc::Solc> {
    static SOLC: OnceLock<Mutex<solc::Solc>> = OnceLock::new();
    SOLC.get_or_init(|| Mutex::new(solc::Solc::start().expect("starting solc-js")))
}

/// Deploys creation code with ABI-encoded constructor `args`, asserting success.
pub fn deploy_code(chain: &mut Chain, from: EthAddress, code: &[u8], args: &[u8]) -> EthAddress {
    let initcode = [code, args].concat();
    let deployment = chain
        .deploy(from, &initcode, TokenAmount::default())
        .expect("deploy message");
    assert!(
        deployment.outcome.is_success(),
        "deploying: exit {} ({:?})",
        deployment.outcome.exit_code,
        deployment.outcome.failure
    );
    deployment.contract.unwrap().eth_address
}

/// Calls, asserting success, and returns the output.
pub fn call_ok(chain: &mut Chain, from: EthAddress, to: EthAddress, calldata: &[u8]) -> Vec<u8> {
    let outcome = chain
        .call(from, to, calldata, TokenAmount::default())
        .expect("call message");
    assert!(
        outcome.is_success(),
        "call failed: exit {} ({:?})",
        outcome.exit_code,
        outcome.failure
    );
    outcome.output()
}

/// The 20-byte address in an ABI word.
pub fn address_word(address: EthAddress) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[12..].copy_from_slice(&address.0);
    w
}

/// Deploys `name` with ABI-encoded constructor `args`, asserting success.
pub fn deploy(chain: &mut Chain, from: EthAddress, name: &str, args: &[u8]) -> EthAddress {
    let deployment = deploy_with(chain, from, name, args, TokenAmount::default());
    let outcome = &deployment.outcome;
    assert!(
        outcome.is_success(),
        "deploying {name}: exit {} ({:?})",
        outcome.exit_code,
        outcome.failure
    );
    deployment.contract.unwrap().eth_address
}

pub fn deploy_with(
    chain: &mut Chain,
    from: EthAddress,
    name: &str,
    args: &[u8],
    value: TokenAmount,
) -> Deployment {
    let mut initcode = contract(name).bytecode;
    initcode.extend_from_slice(args);
    chain
        .deploy(from, &initcode, value)
        .expect("deploy message")
}

pub fn word(n: u64) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[24..].copy_from_slice(&n.to_be_bytes());
    w
}

alloy_sol_types::sol! {
    /// `FilecoinCalls` (tests/contracts/FilecoinCalls.sol): any actor's method through
    /// `call_actor_id`.
    function callActor(uint64 actor, uint64 method, uint256 value, uint64 flags, bytes params)
        external payable returns (int256 exitCode, bytes ret);
}

/// `call_actor_id`'s read-only flag.
pub const READ_ONLY: u64 = 1;

/// `value` as DAG-CBOR, as an actor's params.
pub fn cbor(value: &impl serde::Serialize) -> Vec<u8> {
    fvm_ipld_encoding::to_vec(value).unwrap()
}

/// An actor's DAG-CBOR return.
pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> T {
    fvm_ipld_encoding::from_slice(bytes).unwrap()
}

/// `FilecoinCalls.callActor` on `contract` from ALICE, the contract sending `value` of its
/// own: ALICE's message's outcome, and the actor's exit code and return.
pub fn call_actor(
    chain: &mut Chain,
    contract: EthAddress,
    actor: u64,
    method: u64,
    value: TokenAmount,
    flags: u64,
    params: Vec<u8>,
) -> (host::Outcome, alloy_primitives::I256, Vec<u8>) {
    use alloy_sol_types::SolCall;
    let call = callActorCall {
        actor,
        method,
        value: actor_types::token::atto_to_wei(&value),
        flags,
        params: params.into(),
    };
    let outcome = chain
        .call(ALICE, contract, &call.abi_encode(), TokenAmount::default())
        .expect("call message");
    assert!(outcome.is_success(), "{:?}", outcome.failure);
    let answer = callActorCall::abi_decode_returns(&outcome.output()).unwrap();
    (outcome, answer.exitCode, answer.ret.to_vec())
}

/// [`call_actor`] without value, asserting the actor succeeded: its return.
pub fn call_actor_ok(
    chain: &mut Chain,
    contract: EthAddress,
    actor: u64,
    method: u64,
    flags: u64,
    params: Vec<u8>,
) -> Vec<u8> {
    let (_, exit, ret) = call_actor(chain, contract, actor, method, fil(0), flags, params);
    assert_eq!(
        exit,
        alloy_primitives::I256::ZERO,
        "method {method} of f0{actor}"
    );
    ret
}
