//! Runs one test under one pipeline on the real FVM, reproducing the upstream environment where
//! the FVM allows it.
//!
//! Upstream's environment (test/ExecutionFramework.cpp) and ours:
//! * sender `0x1212..0012` (account i adds `i * 0x1000`), ten accounts with 2^100 wei: the same,
//!   as f410 EthAccounts; their first nonce is 1, so the first deployment lands at
//!   `0xc06afe..`, as upstream;
//! * every transaction in a new block, number +1 and timestamp +15: the same;
//! * chain id 1, base fee 7, `blockhash(n) = 0x3737..37 + n`: the same;
//! * no fees: messages carry a fee cap of zero, so balances change only by value sent;
//! * `tx.origin` (upstream `0x9292..92`, here the sender), coinbase, gas price, block gas limit,
//!   prevrandao, blob hashes, and EVM gas values differ: tests reading them are skipped (see
//!   [`crate::skip`]).

use crate::{
    compile::{Compiled, Compiler},
    events,
    file::TestFile,
    parser::{Builtin, Call, CallKind},
    settings::Pipeline,
};
use actor_types::token::{atto_to_wei, wei_to_atto};
use alloy_primitives::U256;
use anyhow::{anyhow, Result};
use host::{Chain, ChainConfig, EthAddress, Genesis, GenesisAccount, Store, TokenAmount};
use std::collections::{BTreeMap, HashMap};

/// How a test ended under one pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// The first call that did not match.
    Failed {
        call: String,
        expected: String,
        got: String,
    },
    /// The runner could not run it (compile error, deployment impossible...).
    Error(String),
}

/// Account `i` of the upstream runner.
pub fn account(i: u64) -> EthAddress {
    let base =
        U256::from_be_slice(&hex::decode("1212121212121212121212121212120000000012").expect("hex"));
    let address = base + U256::from(i) * U256::from(0x1000);
    EthAddress(
        address.to_be_bytes::<32>()[12..]
            .try_into()
            .expect("20 bytes"),
    )
}

/// `blockhash(n)` as upstream reports it: `0x3737..37 + n`.
fn tipset_digest(epoch: i64) -> [u8; 32] {
    let base = U256::from_be_bytes([0x37; 32]);
    (base + U256::from(epoch.max(0) as u64)).to_be_bytes()
}

/// The bundle every chain of this process runs ([`use_actors`]).
static ACTORS: std::sync::OnceLock<host::Actors> = std::sync::OnceLock::new();

/// Makes every chain of this process run `actors`; once, before the first test runs.
pub fn use_actors(actors: host::Actors) -> Result<()> {
    let chosen = *ACTORS.get_or_init(|| actors);
    anyhow::ensure!(
        chosen == actors,
        "this process runs the {} actors already",
        chosen.name()
    );
    Ok(())
}

fn config() -> ChainConfig {
    ChainConfig {
        actors: ACTORS.get().copied().unwrap_or_default(),
        chain_id: 1,
        base_fee: TokenAmount::from_atto(7),
        tipset_digests: host::externs::TipsetDigests::new(tipset_digest),
        charge_fees: false,
        ..ChainConfig::default()
    }
}

/// A fresh chain per test: an overlay on one genesis shared by the whole process.
fn new_chain() -> Result<Chain> {
    static GENESIS: std::sync::OnceLock<(Store, cid::Cid)> = std::sync::OnceLock::new();
    let (base, root) = match GENESIS.get() {
        Some(genesis) => genesis,
        None => {
            // Accounts 0..9 hold 2^100 wei, as upstream; later ones exist but hold nothing
            // (upstream lets any account send; on the FVM a sender must be an actor).
            let accounts = (0..20)
                .map(|i| {
                    let balance = TokenAmount::from_atto(if i < 10 { 1u128 << 100 } else { 0 });
                    GenesisAccount {
                        address: account(i),
                        balance,
                        nonce: 1,
                    }
                })
                .collect();
            let store = Store::memory();
            let chain = Chain::genesis(
                store.clone(),
                &Genesis {
                    network_name: "soltest".into(),
                    accounts,
                    verifreg_root: None,
                },
                config(),
            )?;
            GENESIS.get_or_init(|| (store, chain.state_root()))
        }
    };
    Chain::open(Store::overlay(base.clone()), *root, config())
}

/// One test's execution state.
struct Run<'a> {
    test: &'a TestFile,
    pipeline: Pipeline,
    chain: Chain,
    sender: EthAddress,
    block: i64,
    libraries: BTreeMap<(String, String), [u8; 20]>,
    /// Events of the compiled contracts, by topic 0 (known once the main contract is compiled).
    events: HashMap<[u8; 32], events::EventSignature>,
    contract: Option<EthAddress>,
    /// Logs of the last transaction (built-ins report them again, as upstream does).
    last_logs: Vec<host::EvmLog>,
}

/// Runs `test` under `pipeline`.
pub fn run(test: &TestFile, pipeline: Pipeline, compiler: &mut Compiler) -> Verdict {
    match run_inner(test, pipeline, compiler) {
        Ok(verdict) => verdict,
        Err(e) => Verdict::Error(format!("{e:#}")),
    }
}

fn run_inner(test: &TestFile, pipeline: Pipeline, compiler: &mut Compiler) -> Result<Verdict> {
    let mut run = Run {
        test,
        pipeline,
        chain: new_chain()?,
        sender: account(0),
        block: 0,
        libraries: BTreeMap::new(),
        events: HashMap::new(),
        contract: None,
        last_logs: Vec::new(),
    };
    for call in &test.calls {
        if let Some(mismatch) = run.step(call, compiler)? {
            return Ok(mismatch);
        }
    }
    Ok(Verdict::Passed)
}

impl Run<'_> {
    /// Starts the next block, as every upstream transaction does.
    fn next_block(&mut self) {
        self.block += 1;
        self.chain.set_block(self.block, 15 * self.block as u64);
    }

    fn step(&mut self, call: &Call, compiler: &mut Compiler) -> Result<Option<Verdict>> {
        match &call.kind {
            CallKind::Library { file, name } => {
                self.deploy_library(file.as_deref(), name, compiler)?;
                Ok(None)
            }
            CallKind::Constructor => self.deploy_main(Some(call), compiler),
            CallKind::Builtin(builtin) => {
                self.ensure_deployed(compiler)?;
                Ok(self.builtin(*builtin, call))
            }
            CallKind::Regular | CallKind::LowLevel => {
                if let Some(failed) = self.ensure_deployed(compiler)? {
                    return Ok(Some(failed));
                }
                self.transact(call)
            }
        }
    }

    fn compile(&self, compiler: &mut Compiler) -> Result<Compiled> {
        let compiled = compiler.compile(self.test, self.pipeline, &self.libraries)?;
        if let Some(errors) = &compiled.errors {
            return Err(anyhow!(
                "compilation failed: {}",
                errors.lines().next().unwrap_or_default()
            ));
        }
        Ok(compiled)
    }

    fn deploy_library(
        &mut self,
        file: Option<&str>,
        name: &str,
        compiler: &mut Compiler,
    ) -> Result<()> {
        let compiled = self.compile(compiler)?;
        let library = compiled
            .contract(file, name)
            .ok_or_else(|| anyhow!("no library {name}"))?;
        let code = hex::decode(&library.bytecode)
            .map_err(|_| anyhow!("library {name} has unlinked references"))?;
        self.next_block();
        let deployment = self
            .chain
            .deploy(self.sender, &code, TokenAmount::default())?;
        let created = deployment.contract.ok_or_else(|| {
            anyhow!(
                "deploying library {name} failed: {}",
                deployment.outcome.exit_code
            )
        })?;
        self.libraries.insert(
            (file.unwrap_or_default().to_string(), name.to_string()),
            created.eth_address.0,
        );
        Ok(())
    }

    /// Deploys the main contract if no call did yet (with no arguments and no value).
    fn ensure_deployed(&mut self, compiler: &mut Compiler) -> Result<Option<Verdict>> {
        if self.contract.is_some() {
            return Ok(None);
        }
        self.deploy_main(None, compiler)
    }

    fn deploy_main(
        &mut self,
        constructor: Option<&Call>,
        compiler: &mut Compiler,
    ) -> Result<Option<Verdict>> {
        if self.contract.is_some() {
            return Err(anyhow!("constructor() after the contract was deployed"));
        }
        let compiled = self.compile(compiler)?;
        let main = compiled
            .main_contract(&self.test.main_source)
            .ok_or_else(|| anyhow!("no contract in the main source"))?;
        let mut initcode = hex::decode(&main.bytecode)
            .map_err(|_| anyhow!("the contract has unlinked library references"))?;
        let (value, expect_failure) = match constructor {
            Some(call) => {
                initcode.extend(call.arguments.concat());
                (call.value, call.expect_failure)
            }
            None => (U256::ZERO, false),
        };
        self.next_block();
        let deployment = self
            .chain
            .deploy(self.sender, &initcode, wei_to_atto(value))?;
        let created = deployment.contract.clone();
        self.contract = Some(created.as_ref().map(|c| c.eth_address).unwrap_or_default());
        self.events = events::event_table(&compiled);
        self.last_logs = deployment.outcome.logs.clone();
        let succeeded = deployment.outcome.is_success();
        let Some(call) = constructor else {
            return Ok((!succeeded).then(|| {
                Verdict::Error(format!(
                    "deployment failed: exit {} {}",
                    deployment.outcome.exit_code,
                    deployment.outcome.failure.unwrap_or_default()
                ))
            }));
        };
        let effects = self.log_lines(&deployment.outcome.logs);
        if succeeded == expect_failure || effects != call.side_effects {
            return Ok(Some(mismatch(
                call,
                describe(expect_failure, &[], &call.side_effects),
                describe(!succeeded, &[], &effects),
            )));
        }
        Ok(None)
    }

    fn transact(&mut self, call: &Call) -> Result<Option<Verdict>> {
        let contract = self.contract.expect("deployed");
        self.next_block();
        let outcome = self.chain.call(
            self.sender,
            contract,
            &call.calldata(),
            wei_to_atto(call.value),
        )?;
        let failed = !outcome.is_success();
        let output = outcome.output();
        let output = if failed && outcome.exit_code.value() != 33 {
            Vec::new()
        } else {
            output
        };
        let effects = self.log_lines(&outcome.logs);
        self.last_logs = outcome.logs;
        if failed != call.expect_failure || output != call.expected || effects != call.side_effects
        {
            return Ok(Some(mismatch(
                call,
                describe(call.expect_failure, &call.expected, &call.side_effects),
                describe(failed, &output, &effects),
            )));
        }
        Ok(None)
    }

    fn builtin(&mut self, builtin: Builtin, call: &Call) -> Option<Verdict> {
        let contract = self.contract.unwrap_or_default();
        let word = |n: U256| n.to_be_bytes::<32>().to_vec();
        let (output, extra_effects) = match builtin {
            Builtin::StorageEmpty => (
                word(U256::from(
                    self.chain.storage_is_empty(contract).unwrap_or(false) as u8,
                )),
                vec![],
            ),
            Builtin::Balance => {
                let address = match call.raw_arguments.first() {
                    Some(raw) if raw.len() == 20 => {
                        EthAddress(raw.as_slice().try_into().expect("20 bytes"))
                    }
                    Some(_) => EthAddress::NULL,
                    None => contract,
                };
                let balance = self.chain.balance(address).unwrap_or_default();
                (word(atto_to_wei(&balance)), vec![])
            }
            Builtin::Account => {
                let index = call
                    .arguments
                    .first()
                    .map(|a| U256::from_be_slice(a))
                    .unwrap_or_default();
                self.sender = account(index.to::<u64>());
                let mut out = vec![0u8; 12];
                out.extend(self.sender.0);
                (out, vec![])
            }
            Builtin::BuiltinTest => (word(U256::from(0x1234)), vec![]),
            Builtin::SideEffectsTest => {
                let output = if call.arguments.is_empty() {
                    vec![0; 32]
                } else {
                    call.arguments.concat()
                };
                (output, call.arguments.iter().map(hex::encode).collect())
            }
        };
        let mut effects = extra_effects;
        effects.extend(self.log_lines(&self.last_logs));
        if call.expect_failure || output != call.expected || effects != call.side_effects {
            return Some(mismatch(
                call,
                describe(call.expect_failure, &call.expected, &call.side_effects),
                describe(false, &output, &effects),
            ));
        }
        None
    }

    fn log_lines(&self, logs: &[host::EvmLog]) -> Vec<String> {
        let main = self.contract.unwrap_or_default();
        logs.iter()
            .map(|log| events::format(log, &self.events, main))
            .collect()
    }
}

fn mismatch(call: &Call, expected: String, got: String) -> Verdict {
    Verdict::Failed {
        call: call.text.clone(),
        expected,
        got,
    }
}

/// How a result reads in a report: `FAILURE`, data as hex, and side effects.
fn describe(failure: bool, data: &[u8], effects: &[String]) -> String {
    let mut out = if failure {
        "FAILURE".to_string()
    } else {
        String::new()
    };
    if !data.is_empty() {
        if failure {
            out.push_str(", ");
        }
        out.push_str(&format!("0x{}", hex::encode(data)));
    }
    for effect in effects {
        out.push_str(&format!(" ~ {effect}"));
    }
    if out.is_empty() {
        "(empty)".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_match_upstream_and_start_at_nonce_one() {
        assert_eq!(
            hex::encode(account(0).0),
            "1212121212121212121212121212120000000012"
        );
        assert_eq!(
            hex::encode(account(1).0),
            "1212121212121212121212121212120000001012"
        );
        let chain = new_chain().unwrap();
        assert_eq!(chain.nonce(account(0)).unwrap(), 1);
        assert_eq!(
            chain.balance(account(9)).unwrap(),
            TokenAmount::from_atto(1u128 << 100)
        );
    }
}
