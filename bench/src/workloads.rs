//! The gas table: every row of `../shared/bench/README.md` and a deploy of each contract of
//! `Workloads.sol`, measured through our actor and through the production FEVM (builtin-actors
//! v18's bundle as it is) on the same FVM in the same run. Without the production bundle the
//! FEVM column falls back to the README's numbers (which have no deploys).

use std::collections::BTreeMap;

use actor_types::EthAddress;
use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolCall, SolValue};
use anyhow::{Context, Result};

use host::Actors;

use crate::{
    lab::{Lab, Measured},
    reference::Reference,
};

sol! {
    function inc() external;
    function transfer(address to, uint256 amount) external returns (bool);
    function hashLoop(uint256 n) external returns (bytes32);
    function arithLoop(uint256 n) external returns (uint256);
    function writeN(uint256 start, uint256 n) external;
    function incN(uint256 start, uint256 n) external;
    function readN(uint256 start, uint256 n) external returns (uint256);
    function callMany(address callee, uint256 n) external returns (uint256);
    function bumpMany(address callee, uint256 n) external returns (uint256);
}

/// Creation code of the workload contracts, by name.
pub type Contracts = BTreeMap<String, solc::Contract>;

/// One measured row.
pub struct Row {
    pub name: String,
    pub measured: Measured,
    pub fevm_gas: Option<u64>,
    /// Whether `fevm_gas` was measured in this run (else it is the README's).
    pub fevm_measured: bool,
}

/// Prepares a row's state; returns the contract to call and the calldata.
type Prepare = Box<dyn Fn(&mut Lab, &Contracts) -> Result<(EthAddress, Vec<u8>)>>;

/// How to reach one row's state and message.
struct Workload {
    name: String,
    /// The README's label and which of its sizes (none for deploys).
    reference: Option<(&'static str, usize)>,
    prepare: Prepare,
    /// The message is a deploy of the initcode `prepare` returns (with the zero address).
    deploys: bool,
}

fn workload(
    name: impl Into<String>,
    reference: (&'static str, usize),
    prepare: impl Fn(&mut Lab, &Contracts) -> Result<(EthAddress, Vec<u8>)> + 'static,
) -> Workload {
    Workload {
        name: name.into(),
        reference: Some(reference),
        prepare: Box::new(prepare),
        deploys: false,
    }
}

/// Deploying `contract` with constructor `args`, on a chain where it was never deployed.
fn deploy_workload(contract: &'static str, args: Vec<u8>) -> Workload {
    Workload {
        name: format!("deploy {contract}"),
        reference: None,
        prepare: Box::new(move |_, c: &Contracts| {
            let code = &c
                .get(contract)
                .with_context(|| format!("no {contract}"))?
                .bytecode;
            Ok((EthAddress([0; 20]), [code.as_slice(), &args].concat()))
        }),
        deploys: true,
    }
}

/// A deploy row for each contract of `Workloads.sol`.
fn deploys() -> Vec<Workload> {
    let supply = U256::from(1u64 << 60).abi_encode();
    vec![
        deploy_workload("Counter", Vec::new()),
        deploy_workload("MiniERC20", supply),
        deploy_workload("Compute", Vec::new()),
        deploy_workload("Store", Vec::new()),
        deploy_workload("Callee", Vec::new()),
        deploy_workload("Caller", Vec::new()),
    ]
}

fn deploy(lab: &mut Lab, contracts: &Contracts, name: &str, args: &[u8]) -> Result<EthAddress> {
    let contract = contracts.get(name).with_context(|| format!("no {name}"))?;
    lab.deploy(&[contract.bytecode.as_slice(), args].concat())
}

fn holder(i: u64) -> Address {
    Address::from_word(U256::from(0x10_0000 + i).into())
}

/// A Caller and a Callee; the calldata for the Caller names the Callee.
fn caller_and_callee(
    lab: &mut Lab,
    contracts: &Contracts,
    calldata: impl Fn(Address) -> Vec<u8>,
) -> Result<(EthAddress, Vec<u8>)> {
    let callee = Address::from(deploy(lab, contracts, "Callee", &[])?);
    let caller = deploy(lab, contracts, "Caller", &[])?;
    Ok((caller, calldata(callee)))
}

/// A MiniERC20 with `holders` holders (the deployer and `holders - 1` others).
fn token(lab: &mut Lab, contracts: &Contracts, holders: u64) -> Result<EthAddress> {
    let token = deploy(
        lab,
        contracts,
        "MiniERC20",
        &U256::from(1u64 << 60).abi_encode(),
    )?;
    for i in 1..holders {
        let call = transferCall {
            to: holder(i),
            amount: U256::from(1000),
        };
        lab.send(token, &call.abi_encode())?;
    }
    Ok(token)
}

/// A token with `holders` holders and a transfer of 5 to holder number `to` (new if
/// `to >= holders`).
fn transfer_in_token(
    lab: &mut Lab,
    contracts: &Contracts,
    holders: u64,
    to: u64,
) -> Result<(EthAddress, Vec<u8>)> {
    let token = token(lab, contracts, holders)?;
    let call = transferCall {
        to: holder(to),
        amount: U256::from(5),
    };
    Ok((token, call.abi_encode()))
}

/// A Store whose mapping holds `slots` slots (0..slots).
fn store(lab: &mut Lab, contracts: &Contracts, slots: u64) -> Result<EthAddress> {
    let store = deploy(lab, contracts, "Store", &[])?;
    for start in (0..slots).step_by(100) {
        let n = (slots - start).min(100);
        let call = writeNCall {
            start: U256::from(start),
            n: U256::from(n),
        };
        lab.send(store, &call.abi_encode())?;
    }
    Ok(store)
}

const NEAR_EMPTY: &str = "near-empty call: `Compute.hashLoop(0)`";
const INC_1: &str = "`Counter.inc()`, slot 1 -> 2";
const INC_0: &str = "`Counter.inc()`, slot 0 -> 1";
const NEW_HOLDER: &str = "`MiniERC20.transfer` to a new holder, token has 1 holder";
const OLD_HOLDER: &str = "`MiniERC20.transfer` to an existing holder, token has 2 holders";
const MANY_HOLDERS: &str = "`MiniERC20.transfer` to a new holder, token has 100 / 1000 holders";
const HASH_LOOP: &str = "`Compute.hashLoop(1000)`: 1000 chained keccak256 of 32 bytes";
const ARITH_LOOP: &str = "`Compute.arithLoop(1000)`: no syscalls";
const WRITE_EMPTY: &str = "`Store.writeN(k, 100)`: 100 fresh slots, mapping empty";
const WRITE_FULL: &str = "same, mapping holds 100 / 1000 / 10,000";
const READ: &str = "`Store.readN(k, 100)`: 100 existing slots, mapping holds 100";
const READ_FULL: &str = "same, mapping holds 200 / 1100 / 10,100";
const INC_N: &str = "`Store.incN(k, 100)`: read-modify-write, mapping holds 100";
const CALL_MANY: &str = "`Caller.callMany(callee, 50)`: 50 calls, callee touches no storage";
const BUMP_MANY: &str = "`Caller.bumpMany(callee, 50)`: 50 calls, callee writes a slot";

fn workloads() -> Vec<Workload> {
    let mut all = deploys();
    all.extend([
        workload(
            "near-empty call: Compute.hashLoop(0)",
            (NEAR_EMPTY, 0),
            |lab, c| {
                let compute = deploy(lab, c, "Compute", &[])?;
                Ok((compute, hashLoopCall { n: U256::ZERO }.abi_encode()))
            },
        ),
        workload("Counter.inc(), slot 1 -> 2", (INC_1, 0), |lab, c| {
            let counter = deploy(lab, c, "Counter", &[])?;
            lab.send(counter, &incCall {}.abi_encode())?;
            Ok((counter, incCall {}.abi_encode()))
        }),
        workload("Counter.inc(), slot 0 -> 1", (INC_0, 0), |lab, c| {
            Ok((deploy(lab, c, "Counter", &[])?, incCall {}.abi_encode()))
        }),
        workload(
            "MiniERC20.transfer, new holder, 1 holder",
            (NEW_HOLDER, 0),
            |lab, c| transfer_in_token(lab, c, 1, 1),
        ),
        workload(
            "MiniERC20.transfer, existing holder, 2 holders",
            (OLD_HOLDER, 0),
            |lab, c| transfer_in_token(lab, c, 2, 1),
        ),
    ]);
    for (index, holders) in [100u64, 1000].into_iter().enumerate() {
        all.push(workload(
            format!("MiniERC20.transfer, new holder, {holders} holders"),
            (MANY_HOLDERS, index),
            move |lab, c| transfer_in_token(lab, c, holders, holders),
        ));
    }
    all.push(workload(
        "Compute.hashLoop(1000)",
        (HASH_LOOP, 0),
        |lab, c| {
            let compute = deploy(lab, c, "Compute", &[])?;
            Ok((
                compute,
                hashLoopCall {
                    n: U256::from(1000),
                }
                .abi_encode(),
            ))
        },
    ));
    all.push(workload(
        "Compute.arithLoop(1000)",
        (ARITH_LOOP, 0),
        |lab, c| {
            let compute = deploy(lab, c, "Compute", &[])?;
            Ok((
                compute,
                arithLoopCall {
                    n: U256::from(1000),
                }
                .abi_encode(),
            ))
        },
    ));
    let write = |slots: u64| writeNCall {
        start: U256::from(slots),
        n: U256::from(100),
    };
    all.push(workload(
        "Store.writeN(k, 100), mapping empty",
        (WRITE_EMPTY, 0),
        move |lab, c| Ok((store(lab, c, 0)?, write(0).abi_encode())),
    ));
    for (index, slots) in [100u64, 1000, 10_000].into_iter().enumerate() {
        all.push(workload(
            format!("Store.writeN(k, 100), mapping holds {slots}"),
            (WRITE_FULL, index),
            move |lab, c| Ok((store(lab, c, slots)?, write(slots).abi_encode())),
        ));
    }
    let read = readNCall {
        start: U256::ZERO,
        n: U256::from(100),
    };
    all.push(workload(
        "Store.readN(k, 100), mapping holds 100",
        (READ, 0),
        {
            let read = read.clone();
            move |lab, c| Ok((store(lab, c, 100)?, read.abi_encode()))
        },
    ));
    for (index, slots) in [200u64, 1100, 10_100].into_iter().enumerate() {
        let read = read.clone();
        all.push(workload(
            format!("Store.readN(k, 100), mapping holds {slots}"),
            (READ_FULL, index),
            move |lab, c| Ok((store(lab, c, slots)?, read.abi_encode())),
        ));
    }
    all.push(workload(
        "Store.incN(k, 100), mapping holds 100",
        (INC_N, 0),
        |lab, c| {
            let call = incNCall {
                start: U256::ZERO,
                n: U256::from(100),
            };
            Ok((store(lab, c, 100)?, call.abi_encode()))
        },
    ));
    all.push(workload(
        "Caller.callMany(callee, 50)",
        (CALL_MANY, 0),
        |lab, c| {
            caller_and_callee(lab, c, |callee| {
                callManyCall {
                    callee,
                    n: U256::from(50),
                }
                .abi_encode()
            })
        },
    ));
    all.push(workload(
        "Caller.bumpMany(callee, 50)",
        (BUMP_MANY, 0),
        |lab, c| {
            caller_and_callee(lab, c, |callee| {
                bumpManyCall {
                    callee,
                    n: U256::from(50),
                }
                .abi_encode()
            })
        },
    ));
    all
}

/// Measures every row, each on a fresh chain, `runs` timed runs each: through our actor, and
/// through the production actor when its bundle is there.
pub fn measure(contracts: &Contracts, reference: &Reference, runs: usize) -> Result<Vec<Row>> {
    let with_fevm = bundle::production::archive("mainnet").is_some();
    if !with_fevm {
        eprintln!("  no builtin-actors v18 bundle: the FEVM column is the README's");
    }
    workloads()
        .into_iter()
        .map(|workload| {
            let measured = measure_on(Actors::Ours, &workload, contracts, runs)?;
            let fevm = if with_fevm {
                Some(measure_on(Actors::Fevm, &workload, contracts, runs)?.gas)
            } else {
                None
            };
            let readme = workload
                .reference
                .and_then(|(label, index)| reference.gas(label, index));
            eprintln!(
                "  {}: {} gas (FEVM {})",
                workload.name,
                measured.gas,
                fevm.or(readme).map_or("-".into(), |g| g.to_string())
            );
            Ok(Row {
                name: workload.name,
                measured,
                fevm_gas: fevm.or(readme),
                fevm_measured: fevm.is_some(),
            })
        })
        .collect()
}

fn measure_on(
    actors: Actors,
    workload: &Workload,
    contracts: &Contracts,
    runs: usize,
) -> Result<Measured> {
    let mut lab = Lab::new(actors)?;
    let (to, data) = (workload.prepare)(&mut lab, contracts)
        .with_context(|| format!("preparing {} ({})", workload.name, actors.name()))?;
    let message = if workload.deploys {
        lab.deploy_message(&data)?
    } else {
        lab.message(to, &data)?
    };
    lab.measure(&message, runs)
        .with_context(|| format!("measuring {} ({})", workload.name, actors.name()))
}
