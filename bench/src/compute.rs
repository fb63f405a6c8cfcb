//! FVM against native: the same contract call as a message through our actor on the FVM, and
//! natively on `interpreter/` with the in-memory world, timed alternately.

use std::time::Instant;

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall};
use anyhow::{ensure, Context, Result};
use interpreter::{Config, ExitStatus, Message};
use vm_tests::world::{Account, Environment, World};

use crate::{
    lab::{median, Lab},
    workloads::Contracts,
};

sol! {
    function hashLoop(uint256 n) external returns (bytes32);
    function arithLoop(uint256 n) external returns (uint256);
    function render(uint256 size, uint256 maxIter) external returns (uint256, uint256);
}

/// One compute row.
pub struct ComputeRow {
    pub name: String,
    pub fvm_gas: u64,
    /// Median wall time of the FVM runs.
    pub fvm_ms: f64,
    /// Median wall time of the native runs.
    pub native_ms: f64,
    /// Median of each FVM run's time over the native run right after it. Pairing runs that are
    /// adjacent in time keeps the ratio steady when the machine's speed drifts during a run
    /// (it does on this shared 2-core VM); it is close to `fvm_ms / native_ms` when it does not.
    pub ratio: f64,
}

pub fn measure(contracts: &Contracts, runs: usize) -> Result<Vec<ComputeRow>> {
    let n = U256::from(100_000);
    [
        (
            "Compute.arithLoop(100000)",
            "Compute",
            arithLoopCall { n }.abi_encode(),
        ),
        (
            "Compute.hashLoop(100000)",
            "Compute",
            hashLoopCall { n }.abi_encode(),
        ),
        (
            "Mandelbrot.render(48, 64): fixed-point fractal",
            "Mandelbrot",
            renderCall {
                size: U256::from(48),
                maxIter: U256::from(64),
            }
            .abi_encode(),
        ),
    ]
    .into_iter()
    .map(|(name, contract, calldata)| {
        let contract = contracts
            .get(contract)
            .with_context(|| format!("no {contract}"))?;
        row(name, contract, &calldata, runs).with_context(|| format!("measuring {name}"))
    })
    .collect()
}

fn row(name: &str, contract: &solc::Contract, calldata: &[u8], runs: usize) -> Result<ComputeRow> {
    let mut lab = Lab::new(host::Actors::Ours)?;
    let address = lab.deploy(&contract.bytecode)?;
    let message = lab.message(address, calldata)?;
    let fvm_gas = lab.measure(&message, 1)?.gas;

    let mut native = Native::new(&contract.deployed_bytecode);
    let fvm_output = lab.chain.dry_run(message.clone())?.output();
    ensure!(
        native.call(calldata)? == fvm_output,
        "the FVM and native runs disagree on the result"
    );
    let (mut fvm_times, mut native_times) =
        time_alternately(&lab, &message, &mut native, calldata, runs)?;
    let mut ratios: Vec<f64> = fvm_times
        .iter()
        .zip(&native_times)
        .map(|(fvm, native)| fvm / native)
        .collect();
    Ok(ComputeRow {
        name: name.to_string(),
        fvm_gas,
        fvm_ms: median(&mut fvm_times),
        native_ms: median(&mut native_times),
        ratio: median(&mut ratios),
    })
}

/// Runs `message` on the FVM and `calldata` natively, `runs` times each, alternating: their
/// wall times in milliseconds, in run order.
pub fn time_alternately(
    lab: &Lab,
    message: &host::Message,
    native: &mut Native,
    calldata: &[u8],
    runs: usize,
) -> Result<(Vec<f64>, Vec<f64>)> {
    let (mut fvm_times, mut native_times) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let started = Instant::now();
        let run = lab.chain.dry_run(message.clone())?;
        fvm_times.push(started.elapsed().as_secs_f64() * 1e3);
        ensure!(run.is_success(), "the FVM run failed");
        let started = Instant::now();
        native.call(calldata)?;
        native_times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    Ok((fvm_times, native_times))
}

/// The interpreter on the in-memory world, metered as in the actor (platform gas).
pub struct Native {
    world: World,
    code: Bytes,
}

const CONTRACT: Address = Address::repeat_byte(0xc0);

impl Native {
    pub fn new(runtime: &[u8]) -> Self {
        let code = Bytes::from(runtime.to_vec());
        let mut world = World::new(Default::default(), Environment::default());
        world.accounts.insert(
            CONTRACT,
            Account {
                code: code.clone(),
                nonce: 1,
                ..Default::default()
            },
        );
        Self { world, code }
    }

    pub fn call(&mut self, calldata: &[u8]) -> Result<Vec<u8>> {
        let message = Message {
            address: CONTRACT,
            caller: Address::repeat_byte(0x5e),
            value: U256::ZERO,
            input: Bytes::from(calldata.to_vec()),
            is_static: false,
            depth: 0,
            gas_limit: u64::MAX / 2,
        };
        let result = self
            .world
            .run(&message, self.code.clone(), &Config::platform());
        ensure!(
            result.status == ExitStatus::Success,
            "native run failed: {:?}",
            result.status
        );
        Ok(result.output.to_vec())
    }
}
