//! A chain to measure on: our bundle or the production one on the real FVM (in memory), one
//! funded f410 account, and the means to deploy, prepare state, and measure one message.

use std::time::Instant;

use actor_types::{
    builtin::EAM_ACTOR_ADDR,
    eam::{self, CreateExternalParams},
    evm, EthAddress,
};
use anyhow::{ensure, Result};
use fvm::trace::ExecutionEvent;
use fvm_ipld_encoding::{BytesSer, RawBytes};
use host::{Actors, Chain, ChainConfig, Genesis, GenesisAccount, Message, Store, TokenAmount};

/// Where a message's gas went, from the FVM's execution trace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GasSplit {
    /// Wasm instructions, memory and table set-up.
    pub wasm: u64,
    /// Blocks opened, read, created and linked.
    pub storage: u64,
    /// Message inclusion, invocations, actor state updates, value transfers.
    pub overhead: u64,
    /// Every other syscall: hashing, signature checks, events, context reads, syscall fees.
    pub other: u64,
}

/// One message, measured.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    pub gas: u64,
    pub split: GasSplit,
    /// Median wall time of running the message, in milliseconds.
    pub wall_ms: f64,
}

pub struct Lab {
    pub chain: Chain,
    pub sender: EthAddress,
}

impl Lab {
    /// A chain running `actors`: ours, or the production bundle as it is (FEVM).
    pub fn new(actors: Actors) -> Result<Self> {
        let sender = EthAddress([0x5e; 20]);
        let genesis = Genesis {
            network_name: "bench".into(),
            accounts: vec![GenesisAccount {
                address: sender,
                balance: TokenAmount::from_whole(1_000_000_000),
                nonce: 0,
            }],
            verifreg_root: None,
        };
        let config = ChainConfig {
            actors,
            ..ChainConfig::default()
        };
        let chain = Chain::genesis(Store::memory(), &genesis, config)?;
        Ok(Self { chain, sender })
    }

    /// Deploys `initcode` through the EAM's `CreateExternal`.
    pub fn deploy(&mut self, initcode: &[u8]) -> Result<EthAddress> {
        let deployment = self
            .chain
            .deploy(self.sender, initcode, TokenAmount::default())?;
        ensure!(
            deployment.outcome.is_success(),
            "deploy failed: exit {} {:?}",
            deployment.outcome.exit_code,
            deployment.outcome.failure
        );
        Ok(deployment
            .contract
            .expect("a successful deploy")
            .eth_address)
    }

    /// Sends `calldata` to `to` and keeps the result (preparing state).
    pub fn send(&mut self, to: EthAddress, calldata: &[u8]) -> Result<()> {
        let outcome = self
            .chain
            .call(self.sender, to, calldata, TokenAmount::default())?;
        ensure!(
            outcome.is_success(),
            "setup call failed: exit {} {:?}",
            outcome.exit_code,
            outcome.failure
        );
        Ok(())
    }

    /// The `InvokeContract` message that sends `calldata` to `to` now.
    pub fn message(&self, to: EthAddress, calldata: &[u8]) -> Result<Message> {
        self.chain.message(
            &self.sender.to_f410(),
            to.to_filecoin(),
            evm::method::INVOKE_CONTRACT,
            RawBytes::serialize(BytesSer(calldata))?,
            TokenAmount::default(),
        )
    }

    /// The `CreateExternal` message that deploys `initcode` now.
    pub fn deploy_message(&self, initcode: &[u8]) -> Result<Message> {
        self.chain.message(
            &self.sender.to_f410(),
            EAM_ACTOR_ADDR,
            eam::method::CREATE_EXTERNAL,
            RawBytes::serialize(CreateExternalParams(initcode.to_vec()))?,
            TokenAmount::default(),
        )
    }

    /// Measures the message: its gas and where it went (one traced run), and the median wall
    /// time of `runs` untraced runs. Nothing is kept.
    pub fn measure(&self, message: &Message, runs: usize) -> Result<Measured> {
        let mut traced = self.chain.at(self.chain.state_root());
        traced.set_tracing(true);
        let outcome = traced.dry_run(message.clone())?;
        ensure!(
            outcome.is_success(),
            "measured message failed: exit {} {:?}",
            outcome.exit_code,
            outcome.failure
        );
        let split = split(&outcome.trace, outcome.gas_used);
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            let run = self.chain.dry_run(message.clone())?;
            times.push(started.elapsed().as_secs_f64() * 1e3);
            ensure!(run.gas_used == outcome.gas_used, "gas changed between runs");
        }
        Ok(Measured {
            gas: outcome.gas_used,
            split,
            wall_ms: median(&mut times),
        })
    }
}

fn split_total(split: &GasSplit) -> u64 {
    split.wasm + split.storage + split.overhead + split.other
}

/// Sorts the charges of a trace into the four kinds. What the trace does not show (charged
/// outside it) counts as overhead, so the parts add up to `gas_used`.
fn split(trace: &[ExecutionEvent], gas_used: u64) -> GasSplit {
    let mut split = GasSplit::default();
    for event in trace {
        let ExecutionEvent::GasCharge(charge) = event else {
            continue;
        };
        let gas = charge.total().round_up();
        let name: &str = &charge.name;
        let bucket = match name {
            _ if name.starts_with("wasm_") => &mut split.wasm,
            _ if name.starts_with("OnBlock") || name == "OnScanIpldLinks" => &mut split.storage,
            "OnChainMessage" | "OnChainReturnValue" | "OnMethodInvocation" | "OnActorUpdate"
            | "OnActorGetRoot" | "OnActorSetRoot" | "OnValueTransfer" | "OnActorLookup"
            | "OnActorCreate" | "OnCreateActor" | "OnReturnValue" => &mut split.overhead,
            _ => &mut split.other,
        };
        *bucket += gas;
    }
    let traced = split_total(&split);
    split.overhead += gas_used.saturating_sub(traced);
    split
}

pub fn median(times: &mut [f64]) -> f64 {
    times.sort_by(|a, b| a.total_cmp(b));
    times.get(times.len() / 2).copied().unwrap_or_default()
}
