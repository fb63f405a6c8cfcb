//! The three bundles a chain can run: ours, the production bundle (builtin-actors v18 mainnet)
//! with our EVM actor in place of its own ("hybrid"), and the production bundle as it is
//! ("FEVM"). The other test files run their Solidity on all three; this one checks that the
//! three are what they say, and compares them where EIP-3860 would have them differ.

use crate::common::*;
use actor_types::builtin::Type;
use alloy_primitives::U256;
use alloy_sol_types::SolValue;
use host::Chain;

fn evm_gas_to_deploy_counter(chain: &mut Chain) -> u64 {
    let start = U256::from(1).abi_encode();
    let deployment = deploy_with(chain, ALICE, "Counter", &start, fil(0));
    assert!(deployment.outcome.is_success(), "{:?}", deployment.outcome);
    deployment.outcome.gas_used
}

#[test]
fn hybrid_runs_our_evm_among_the_production_actors() {
    let [ours, hybrid, fevm] = Actors::ALL.map(chain_of);
    let code = |chain: &Chain, kind: Type| chain.bundle().code_of(kind);
    assert_eq!(code(&hybrid, Type::Evm), code(&ours, Type::Evm));
    assert_ne!(code(&fevm, Type::Evm), code(&ours, Type::Evm));
    for kind in [
        Type::System,
        Type::Init,
        Type::Eam,
        Type::EthAccount,
        Type::Miner,
    ] {
        assert_eq!(code(&hybrid, kind), code(&fevm, kind), "{}", kind.name());
        assert_ne!(code(&hybrid, kind), code(&ours, kind), "{}", kind.name());
    }
    // Different EVM code at work: the same deployment costs different gas.
    let [mut ours, mut hybrid, mut fevm] = [ours, hybrid, fevm];
    let gas = [&mut ours, &mut hybrid, &mut fevm].map(evm_gas_to_deploy_counter);
    assert_ne!(gas[1], gas[2], "hybrid and FEVM deploys cost the same");
    eprintln!(
        "gas to deploy Counter: ours {}, hybrid {}, FEVM {}",
        gas[0], gas[1], gas[2]
    );
}

#[test]
fn actors_by_name() {
    for actors in Actors::ALL {
        assert_eq!(actors.name().parse::<Actors>().unwrap(), actors);
    }
    assert!("lotus".parse::<Actors>().is_err());
}

/// Initcode of `len` bytes that deploys a one-byte contract (`STOP`): `PUSH1 1 PUSH1 0 RETURN`
/// reads memory byte 0, which is zero, and the rest of the initcode is never reached.
fn big_initcode(len: usize) -> Vec<u8> {
    let mut code = vec![0x60, 0x01, 0x60, 0x00, 0xf3];
    code.resize(len, 0x5b);
    code
}

/// EIP-3860 limits initcode to 49,152 bytes; builtin-actors v18 has no such limit, and a
/// drop-in must not refuse what it accepts.
#[test]
fn initcode_over_eip3860s_limit_deploys_as_on_the_production_actor() {
    let initcode = big_initcode(60_000);
    let results = Actors::ALL.map(|actors| {
        let mut chain = chain_of(actors);
        let deployment = chain
            .deploy(ALICE, &initcode, fil(0))
            .expect("deploy message");
        let contract = deployment.contract.map(|c| c.eth_address);
        let code = contract.map(|address| chain.code(address).unwrap());
        (deployment.outcome.exit_code, contract, code)
    });
    assert!(results[2].0.is_success(), "FEVM refused: {:?}", results[2]);
    assert_eq!(results[0], results[2], "ours and FEVM differ");
    assert_eq!(results[1], results[2], "hybrid and FEVM differ");
}

/// The same from a contract: a constructor that `CREATE`s with 60,000 zero bytes of initcode
/// and deploys, as its own code, the word `CREATE` returned (zero if it refused).
#[test]
fn create_with_initcode_over_eip3860s_limit_as_on_the_production_actor() {
    // PUSH3 60000 PUSH1 0 PUSH1 0 CREATE; PUSH1 0 MSTORE; PUSH1 32 PUSH1 0 RETURN
    let initcode =
        hex::decode("62 00ea60 6000 6000 f0 6000 52 6020 6000 f3".replace(' ', "")).unwrap();
    let created = Actors::ALL.map(|actors| {
        let mut chain = chain_of(actors);
        let outer = deploy_code(&mut chain, ALICE, &initcode, &[]);
        chain.code(outer).unwrap()
    });
    assert_ne!(created[2], vec![0u8; 32], "FEVM refused the create");
    assert_eq!(created[0], created[2], "ours and FEVM differ");
    assert_eq!(created[1], created[2], "hybrid and FEVM differ");
}

/// Creation code that deploys `runtime` as it is.
fn deploying(runtime: &[u8]) -> Vec<u8> {
    let n = u8::try_from(runtime.len()).expect("a short runtime");
    let mut code = vec![
        0x60, n, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, n, 0x60, 0x00, 0xf3,
    ];
    code.extend_from_slice(runtime);
    code
}

/// Opcodes builtin-actors v18 leaves undefined although Ethereum has them, each in a contract
/// that returns what it pushed: a drop-in must fail them the same way.
#[test]
fn opcodes_the_production_actor_leaves_out_fail_the_same() {
    for (name, runtime) in [
        ("BLOBBASEFEE", "4a 6000 52 6020 6000 f3"),
        ("BLOBHASH", "6000 49 6000 52 6020 6000 f3"),
        (
            "CALLCODE",
            "6000 6000 6000 6000 6000 6004 5a f2 6000 52 6020 6000 f3",
        ),
    ] {
        let runtime = hex::decode(runtime.replace(' ', "")).unwrap();
        let results = Actors::ALL.map(|actors| {
            let mut chain = chain_of(actors);
            let contract = deploy_code(&mut chain, ALICE, &deploying(&runtime), &[]);
            let outcome = chain.call(BOB, contract, &[], fil(0)).unwrap();
            (outcome.exit_code, outcome.output())
        });
        eprintln!("{name}: {results:?}");
        assert_eq!(results[0], results[2], "{name}: ours and FEVM differ");
        assert_eq!(results[1], results[2], "{name}: hybrid and FEVM differ");
    }
}
