//! Runs one VM test case on the interpreter and judges it.

use crate::{
    case::{AccountState, Case},
    world::{Account, Environment, World},
};
use alloy_primitives::{keccak256, Address, B256, U256};
use interpreter::{Config, GasMode, Message, SpecId};
use std::collections::BTreeMap;

/// The VM tests were filled under the Frontier schedule (an `SSTORE` to a fresh slot costs
/// 20,000 with no EIP-2929 surcharge, `SELFDESTRUCT` costs 0), so they run under Frontier gas:
/// out-of-gas cases then fail exactly where the fillers' did.
pub const SPEC: SpecId = SpecId::FRONTIER;

/// How a case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed {
        /// For a case with post-state, whether the Ethereum gas left also matched
        /// (informational, not a pass criterion); `None` for a case that must fail.
        gas_matches: Option<bool>,
    },
    Failed(String),
}

/// Runs `case` and compares output, post storage and the logs hash, or, for a case without
/// `post`, that execution failed.
pub fn run_case(case: &Case) -> Verdict {
    let mut world = World::new(accounts(&case.pre), environment(case));
    let exec = &case.exec;
    let message = Message {
        address: exec.address,
        caller: exec.caller,
        value: exec.value,
        input: exec.data.clone(),
        is_static: false,
        depth: 0,
        gas_limit: exec.gas.saturating_to(),
    };
    let config = Config::new(GasMode::Ethereum(SPEC));
    let result = world.run(&message, exec.code.clone(), &config);

    let Some(post) = &case.post else {
        return if result.is_success() {
            Verdict::Failed("expected execution to fail, but it succeeded".into())
        } else {
            Verdict::Passed { gas_matches: None }
        };
    };
    if !result.is_success() {
        return Verdict::Failed(format!("expected success, got {:?}", result.status));
    }
    if let Some(out) = &case.out {
        if result.output != *out {
            return Verdict::Failed(format!("output: expected {out}, got {}", result.output));
        }
    }
    if let Err(mismatch) = compare_storage(post, &world) {
        return Verdict::Failed(mismatch);
    }
    if let Some(expected) = case.logs {
        let got = logs_hash(&world);
        if got != expected {
            return Verdict::Failed(format!("logs hash: expected {expected}, got {got}"));
        }
    }
    let gas_left = U256::from(message.gas_limit - result.gas_used);
    Verdict::Passed {
        gas_matches: Some(case.gas == Some(gas_left)),
    }
}

fn accounts(pre: &BTreeMap<Address, AccountState>) -> BTreeMap<Address, Account> {
    pre.iter()
        .map(|(address, state)| {
            let account = Account {
                balance: state.balance,
                nonce: state.nonce.saturating_to(),
                code: state.code.clone(),
                storage: state
                    .storage
                    .iter()
                    .filter(|(_, v)| !v.is_zero())
                    .map(|(k, v)| (*k, *v))
                    .collect(),
            };
            (*address, account)
        })
        .collect()
}

fn environment(case: &Case) -> Environment {
    Environment {
        block_number: case.env.current_number.saturating_to(),
        timestamp: case.env.current_timestamp.saturating_to(),
        chain_id: 1,
        base_fee: U256::ZERO,
        coinbase: case.env.current_coinbase,
        block_gas_limit: case.env.current_gas_limit.saturating_to(),
        prevrandao: B256::from(case.env.current_difficulty),
        origin: case.exec.origin,
        gas_price: case.exec.gas_price,
    }
}

fn compare_storage(post: &BTreeMap<Address, AccountState>, world: &World) -> Result<(), String> {
    let empty = BTreeMap::new();
    for (address, expected) in post {
        let expected: BTreeMap<_, _> = expected
            .storage
            .iter()
            .filter(|(_, v)| !v.is_zero())
            .collect();
        let got = world
            .accounts
            .get(address)
            .map(|a| &a.storage)
            .unwrap_or(&empty);
        let got: BTreeMap<_, _> = got.iter().collect();
        if expected != got {
            return Err(format!(
                "storage of {address}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    Ok(())
}

/// Keccak-256 of the RLP list `[[address, [topics...], data], ...]`.
pub fn logs_hash(world: &World) -> B256 {
    keccak256(alloy_rlp::encode(&world.logs))
}
