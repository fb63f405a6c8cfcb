//! Every method of our actors, on the real FVM, with arbitrary parameters: the actor answers
//! with an exit code, and never panics or traps.
//!
//! Input: byte 0 picks the receiving actor, byte 1 the method, byte 2 the sender (an account
//! or the system actor, which constructors require); the rest is the params block.
#![no_main]

use actor_types::{
    account,
    builtin::{EAM_ACTOR_ADDR, INIT_ACTOR_ADDR, SYSTEM_ACTOR_ADDR},
    eam, evm, init,
};
use fvm_ipld_encoding::RawBytes;
use host::{Chain, ChainConfig, EthAddress, ExitCode, Genesis, GenesisAccount, Store, TokenAmount};
use libfuzzer_sys::fuzz_target;
use std::sync::{LazyLock, Mutex};

const ALICE: EthAddress = EthAddress([0xa1; 20]);
const CONTRACT: EthAddress = EthAddress([0xc0; 20]);

/// A chain with an account and a contract (code that echoes its storage slot 0).
static CHAIN: LazyLock<Mutex<Chain>> = LazyLock::new(|| {
    let genesis = Genesis {
        network_name: "fuzz".into(),
        accounts: vec![GenesisAccount {
            address: ALICE,
            balance: TokenAmount::from_whole(1000),
            nonce: 0,
        }],
        verifreg_root: None,
    };
    let mut chain = Chain::genesis(Store::memory(), &genesis, ChainConfig::default()).unwrap();
    // SLOAD(0), MSTORE(0), RETURN(0, 32)
    chain
        .set_code(CONTRACT, &[0x5f, 0x54, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3])
        .unwrap();
    chain.set_storage(CONTRACT, [0; 32], [7; 32]).unwrap();
    chain.compile_actors().unwrap();
    Mutex::new(chain)
});

const EVM_METHODS: &[u64] = &[
    0,
    evm::method::CONSTRUCTOR,
    evm::method::RESURRECT,
    evm::method::GET_BYTECODE,
    evm::method::GET_BYTECODE_HASH,
    evm::method::GET_STORAGE_AT,
    evm::method::INVOKE_CONTRACT_DELEGATE,
    evm::method::INVOKE_CONTRACT,
    evm::method::FIRST_FILECOIN_METHOD,
    1 << 24,
];
const EAM_METHODS: &[u64] = &[
    eam::method::CONSTRUCTOR,
    eam::method::CREATE,
    eam::method::CREATE2,
    eam::method::CREATE_EXTERNAL,
    99,
];
const INIT_METHODS: &[u64] = &[
    init::method::CONSTRUCTOR,
    init::method::EXEC,
    init::method::EXEC4,
    7,
];
const ACCOUNT_METHODS: &[u64] = &[
    0,
    account::method::CONSTRUCTOR,
    account::method::PUBKEY_ADDRESS,
    account::method::AUTHENTICATE_MESSAGE,
    evm::method::INVOKE_CONTRACT,
];

fuzz_target!(
    // The chain is made, and the actors compiled (a minute or more in this instrumented build),
    // before the first input, outside libFuzzer's per-input timeout.
    init: LazyLock::force(&CHAIN),
    |data: &[u8]| {
        let [to, method, from, params @ ..] = data else {
            return;
        };
        let (to, methods) = match to % 4 {
            0 => (CONTRACT.to_filecoin(), EVM_METHODS),
            1 => (EAM_ACTOR_ADDR, EAM_METHODS),
            2 => (INIT_ACTOR_ADDR, INIT_METHODS),
            _ => (ALICE.to_filecoin(), ACCOUNT_METHODS),
        };
        let method = methods[*method as usize % methods.len()];
        let from = if from % 2 == 0 {
            ALICE.to_filecoin()
        } else {
            SYSTEM_ACTOR_ADDR
        };
        let chain = CHAIN.lock().unwrap_or_else(|p| p.into_inner());
        let message = chain
            .message(
                &from,
                to,
                method,
                RawBytes::new(params.to_vec()),
                TokenAmount::default(),
            )
            .unwrap();
        let outcome = chain
            .simulate(message)
            .expect("the FVM executes every message");
        let failure = outcome.failure.unwrap_or_default();
        assert_ne!(
            outcome.exit_code,
            ExitCode::SYS_ILLEGAL_INSTRUCTION,
            "trap: {failure}"
        );
        assert!(!failure.contains("panicked"), "panic: {failure}");
    }
);
