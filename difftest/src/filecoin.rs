//! The side under test: the case as a message on the real FVM, through our EVM actor.

use crate::{
    observation::{Account, Log, Observation, Status},
    program::{accounts, Case},
};
use actor_types::evm;
use alloy_primitives::{Address, B256, U256};
use anyhow::Result;
use host::{Chain, ChainConfig, EthAddress, Genesis, GenesisAccount, Store, TokenAmount};
use std::collections::BTreeMap;

/// Runs `case` as one message from the caller to contract 0, on a fresh chain.
pub fn run(case: &Case) -> Result<Observation> {
    let mut chain = chain()?;
    for (index, code) in case.codes().into_iter().enumerate() {
        let address = eth(accounts::contract(index));
        chain.set_code(address, &code)?;
        chain.set_balance(address, TokenAmount::from_atto(accounts::CONTRACT_BALANCE))?;
    }
    chain.set_block(accounts::BLOCK_NUMBER as i64, accounts::TIMESTAMP);
    let outcome = chain.call(
        eth(accounts::CALLER),
        eth(accounts::contract(0)),
        &case.calldata,
        atto(case.value),
    )?;

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
    let logs = outcome
        .logs
        .iter()
        .map(|log| Log {
            address: Address::new(log.address.0),
            topics: log.topics.iter().map(|t| B256::new(*t)).collect(),
            data: log.data.clone(),
        })
        .collect();
    Ok(Observation {
        status,
        output,
        logs,
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

fn chain() -> Result<Chain> {
    let genesis = Genesis {
        network_name: "difftest".into(),
        accounts: vec![GenesisAccount {
            address: eth(accounts::CALLER),
            balance: TokenAmount::from_atto(accounts::CALLER_BALANCE),
            nonce: 0,
        }],
    };
    let config = ChainConfig {
        chain_id: accounts::CHAIN_ID,
        charge_fees: false,
        ..ChainConfig::default()
    };
    Chain::genesis(Store::memory(), &genesis, config)
}

/// Every actor with an Ethereum address that is not empty.
fn accounts_of(chain: &Chain) -> Result<BTreeMap<Address, Account>> {
    let mut out = BTreeMap::new();
    for address in chain.eth_addresses()? {
        let storage = chain
            .storage(address)?
            .into_iter()
            .map(|(k, v)| (U256::from_be_bytes(k), U256::from_be_bytes(v)))
            .collect();
        let account = Account {
            balance: U256::from_be_slice(&chain.balance(address)?.atto().to_bytes_be().1),
            code: chain.code(address)?,
            storage,
        };
        if !account.is_empty() {
            out.insert(Address::new(address.0), account);
        }
    }
    Ok(out)
}

fn eth(address: Address) -> EthAddress {
    EthAddress(address.into_array())
}

fn atto(value: U256) -> TokenAmount {
    TokenAmount::from_atto(num_bigint_from(value))
}

fn num_bigint_from(value: U256) -> fvm_shared::bigint::BigInt {
    fvm_shared::bigint::BigInt::from_bytes_be(
        fvm_shared::bigint::Sign::Plus,
        &value.to_be_bytes::<32>(),
    )
}
