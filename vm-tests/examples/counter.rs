//! A first look at the interpreter: deploy a tiny counter in the in-memory world and call it
//! (`cargo run -p vm-tests --example counter`).

use alloy_primitives::{Address, Bytes, U256};
use interpreter::{Config, GasMode, Message, SpecId};
use vm_tests::world::{Account, Environment, World};

/// Runtime code: `slot0 += 1; return slot0`.
const RUNTIME: &str = "5f54600101805f555f5260205ff3";
/// Initcode (10 bytes): copy the 14 runtime bytes that follow it into memory and return them.
const INITCODE: &str = "600e600a5f39600e5ff3";

fn main() {
    let contract = Address::repeat_byte(0xc0);
    let sender = Address::repeat_byte(0x5e);
    let mut world = World::new(
        Default::default(),
        Environment {
            chain_id: 1,
            ..Default::default()
        },
    );
    let config = Config::new(GasMode::Ethereum(SpecId::CANCUN));
    let message = |input: Bytes| Message {
        address: contract,
        caller: sender,
        value: U256::ZERO,
        input,
        is_static: false,
        depth: 0,
        gas_limit: 1_000_000,
    };

    let initcode: Bytes = hex(&format!("{INITCODE}{RUNTIME}"));
    let deployed = world.run(&message(Bytes::new()), initcode, &config);
    println!(
        "deployed {} bytes of runtime code at {contract} ({} gas)",
        deployed.output.len(),
        deployed.gas_used
    );
    world.accounts.insert(
        contract,
        Account {
            code: deployed.output,
            nonce: 1,
            ..Default::default()
        },
    );

    for _ in 0..3 {
        let code = world.accounts[&contract].code.clone();
        let result = world.run(&message(Bytes::new()), code, &config);
        let count = U256::from_be_slice(&result.output);
        println!(
            "inc() -> {count} ({:?}, {} gas)",
            result.status, result.gas_used
        );
    }
}

fn hex(s: &str) -> Bytes {
    s.parse().expect("valid hex")
}
