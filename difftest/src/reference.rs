//! The reference side: the case on revm, an independent Ethereum implementation, natively.

use crate::{
    observation::{Account, Log, Observation, Status},
    program::{accounts, Case},
};
use alloy_primitives::{Address, Bytes, U256};
use anyhow::{anyhow, Result};
use revm::{
    bytecode::Bytecode,
    context::{
        result::{ExecutionResult, Output},
        BlockEnv, CfgEnv, Context, TxEnv,
    },
    database::{AccountState, CacheDB, EmptyDB},
    primitives::{hardfork::SpecId, TxKind},
    state::AccountInfo,
    ExecuteCommitEvm, MainBuilder, MainContext,
};

/// Gas for the transaction. A failing call burns all the gas it was given, 63/64 of what its
/// caller had left (EIP-150), and FVM gas works differently; with 2^62 gas, ten failures in a
/// row still leave plenty, so only the rare program that fails more often runs out (and is
/// then set aside as gas-dependent).
const GAS_LIMIT: u64 = 1 << 62;

/// Runs `case` on revm (Cancun rules, the Ethereum fork whose opcodes FEVM implements).
pub fn run(case: &Case) -> Result<Observation> {
    let mut db = CacheDB::<EmptyDB>::default();
    db.insert_account_info(
        accounts::CALLER,
        AccountInfo::from_balance(U256::from(accounts::CALLER_BALANCE)),
    );
    for (index, code) in case.codes().into_iter().enumerate() {
        let info = AccountInfo::default()
            .with_balance(U256::from(accounts::CONTRACT_BALANCE))
            .with_nonce(1)
            .with_code(Bytecode::new_legacy(Bytes::from(code)));
        db.insert_account_info(accounts::contract(index), info);
    }

    let mut cfg = CfgEnv::new_with_spec(SpecId::CANCUN);
    cfg.chain_id = accounts::CHAIN_ID;
    let block = BlockEnv {
        number: U256::from(accounts::BLOCK_NUMBER),
        timestamp: U256::from(accounts::TIMESTAMP),
        gas_limit: GAS_LIMIT,
        basefee: 0,
        ..Default::default()
    };
    let tx = TxEnv::builder()
        .caller(accounts::CALLER)
        .kind(TxKind::Call(accounts::contract(0)))
        .value(case.value)
        .data(Bytes::copy_from_slice(&case.calldata))
        .gas_limit(GAS_LIMIT)
        .gas_price(0)
        .nonce(0)
        .chain_id(Some(accounts::CHAIN_ID))
        .build_fill();
    let result = Context::mainnet()
        .with_db(&mut db)
        .with_cfg(cfg)
        .with_block(block)
        .build_mainnet()
        .transact_commit(tx)
        .map_err(|e| anyhow!("revm refused the transaction: {e:?}"))?;

    let (status, output, logs, detail) = match result {
        ExecutionResult::Success { output, logs, .. } => {
            let output = match output {
                Output::Call(bytes) => bytes,
                Output::Create(bytes, _) => bytes,
            };
            (Status::Success, output.to_vec(), logs, String::new())
        }
        ExecutionResult::Revert { output, .. } => {
            (Status::Revert, output.to_vec(), Vec::new(), String::new())
        }
        ExecutionResult::Halt { reason, .. } => {
            (Status::Halt, Vec::new(), Vec::new(), format!("{reason:?}"))
        }
    };
    let logs = logs
        .into_iter()
        .map(|log| Log {
            address: log.address,
            topics: log.data.topics().to_vec(),
            data: log.data.data.to_vec(),
        })
        .collect();
    Ok(Observation {
        status,
        output,
        logs,
        accounts: accounts_of(&db),
        detail,
    })
}

/// Every non-empty account in the database after the transaction.
fn accounts_of(db: &CacheDB<EmptyDB>) -> std::collections::BTreeMap<Address, Account> {
    db.cache
        .accounts
        .iter()
        .filter(|(_, account)| !matches!(account.account_state, AccountState::NotExisting))
        .map(|(address, account)| {
            let info = &account.info;
            let code = info
                .code
                .clone()
                .or_else(|| db.cache.contracts.get(&info.code_hash).cloned())
                .map(|code| code.original_bytes().to_vec())
                .unwrap_or_default();
            let storage = account
                .storage
                .iter()
                .filter(|(_, value)| !value.is_zero())
                .map(|(k, v)| (*k, *v))
                .collect();
            let account = Account {
                balance: info.balance,
                code,
                storage,
            };
            (*address, account)
        })
        .filter(|(_, account)| !account.is_empty())
        .collect()
}
