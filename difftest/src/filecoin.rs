//! The side under test: the case as a message on the real FVM, through our EVM actor.

use crate::{
    observation::{Account, Log, Observation, Status},
    program::{accounts, Case},
};
use actor_types::{
    evm,
    token::{atto_to_wei, wei_to_atto},
};
use alloy_primitives::{Address, B256, U256};
use anyhow::{anyhow, Result};
use host::{Actors, Chain, ChainConfig, Genesis, GenesisAccount, Outcome, Store, TokenAmount};
use std::{collections::BTreeMap, sync::OnceLock};

/// Runs `case` as one message from the caller to contract 0, on a fresh chain.
pub fn run(case: &Case) -> Result<Observation> {
    let mut chain = prepared(case, Actors::Ours)?;
    let outcome = send(&mut chain, case)?;

    let status = if outcome.is_success() {
        Status::Success
    } else if outcome.exit_code == evm::exit::REVERTED {
        Status::Revert
    } else {
        Status::Halt
    };
    let output = match status {
        Status::Halt => Vec::new(),
        _ => outcome.output(),
    };
    Ok(Observation {
        status,
        output,
        logs: logs_of(&outcome),
        accounts: accounts_of(&chain)?,
        detail: format!(
            "exit code {}{}",
            outcome.exit_code,
            outcome
                .failure
                .map(|f| format!(": {f}"))
                .unwrap_or_default()
        ),
    })
}

/// A fresh chain running `actors`, with the case's contracts in place (the caller first, so
/// it has actor ID 100, then the contracts in order) and the block set.
pub fn prepared(case: &Case, actors: Actors) -> Result<Chain> {
    let mut chain = chain(actors)?;
    for (index, code) in case.codes().into_iter().enumerate() {
        let address = accounts::contract(index).into();
        chain.set_code(address, &code)?;
        chain.set_balance(address, TokenAmount::from_atto(accounts::CONTRACT_BALANCE))?;
    }
    chain.set_block(accounts::BLOCK_NUMBER as i64, accounts::TIMESTAMP);
    Ok(chain)
}

/// The case's transaction: the caller calls contract 0 with the calldata and value.
pub fn send(chain: &mut Chain, case: &Case) -> Result<Outcome> {
    chain.call(
        accounts::CALLER.into(),
        accounts::contract(0).into(),
        &case.calldata,
        wei_to_atto(case.value),
    )
}

/// A fresh chain of `actors` at genesis. Each bundle's genesis is built once per process
/// (installing a bundle writes megabytes of wasm); every case writes to a layer of its own.
fn chain(actors: Actors) -> Result<Chain> {
    static GENESES: [OnceLock<Result<Chain, String>>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let index = Actors::ALL
        .iter()
        .position(|a| *a == actors)
        .expect("one of all");
    let base = GENESES[index]
        .get_or_init(|| genesis(actors).map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| anyhow!("genesis with {} actors: {e}", actors.name()))?;
    Ok(base.scratch(base.state_root()))
}

fn genesis(actors: Actors) -> Result<Chain> {
    let genesis = Genesis {
        network_name: "difftest".into(),
        accounts: vec![GenesisAccount {
            address: accounts::CALLER.into(),
            balance: TokenAmount::from_atto(accounts::CALLER_BALANCE),
            nonce: 0,
        }],
        verifreg_root: None,
    };
    let config = ChainConfig {
        chain_id: accounts::CHAIN_ID,
        charge_fees: false,
        actors,
        ..ChainConfig::default()
    };
    Chain::genesis(Store::memory(), &genesis, config)
}

/// Every actor with an Ethereum address that is not empty.
fn accounts_of(chain: &Chain) -> Result<BTreeMap<Address, Account>> {
    let mut out = BTreeMap::new();
    for address in chain.eth_addresses()? {
        let found = chain.eth_account(address)?;
        let storage = found
            .storage
            .into_iter()
            .map(|(k, v)| (U256::from_be_bytes(k), U256::from_be_bytes(v)))
            .collect();
        let account = Account {
            balance: atto_to_wei(&found.balance),
            code: found.code,
            storage,
        };
        if !account.is_empty() {
            out.insert(address.into(), account);
        }
    }
    Ok(out)
}

/// The EVM logs of a message's outcome, as the comparisons hold them.
pub fn logs_of(outcome: &host::Outcome) -> Vec<Log> {
    outcome
        .logs
        .iter()
        .map(|log| Log {
            address: log.address.into(),
            topics: log.topics.iter().map(|t| B256::new(*t)).collect(),
            data: log.data.clone(),
        })
        .collect()
}
