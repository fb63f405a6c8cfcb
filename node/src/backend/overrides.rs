//! State overrides of `eth_call` and `eth_estimateGas` (their third parameter, as geth takes
//! it and viem's `stateOverride` sends it): balance, nonce, code and storage of any account,
//! edited into the call's own scratch chain before it runs, so nothing reaches the chain.

use actor_types::{token::wei_to_atto, EthAddress};
use alloy_primitives::Address;
use alloy_rpc_types_eth::state::{AccountOverride, StateOverride};
use host::Chain;

use super::error::NodeError;

/// Applies `overrides` to `chain`, account by account in address order.
pub fn apply(chain: &mut Chain, overrides: &StateOverride) -> Result<(), NodeError> {
    let mut accounts: Vec<(&Address, &AccountOverride)> = overrides.iter().collect();
    accounts.sort_by_key(|(address, _)| **address);
    for (&address, account) in accounts {
        apply_one(chain, address, account)?;
    }
    Ok(())
}

fn apply_one(
    chain: &mut Chain,
    address: Address,
    account: &AccountOverride,
) -> Result<(), NodeError> {
    let invalid = |why: &str| {
        Err(NodeError::InvalidParams(format!(
            "override of {address}: {why}"
        )))
    };
    if account.state.is_some() && account.state_diff.is_some() {
        return invalid("both state and stateDiff");
    }
    if account.move_precompile_to.is_some() {
        return invalid("movePrecompileToAddress is not supported");
    }
    let eth = EthAddress::from(address);
    if let Some(code) = &account.code {
        chain.set_code(eth, code)?;
    }
    if let Some(balance) = account.balance {
        chain.set_balance(eth, wei_to_atto(balance))?;
    }
    if let Some(nonce) = account.nonce {
        chain.set_nonce(eth, nonce)?;
    }
    let slots = match (&account.state, &account.state_diff) {
        (Some(state), _) => {
            // The whole storage replaced: what is there now goes first.
            if chain.code(eth)?.is_empty() {
                return invalid("state for an account without code");
            }
            for slot in chain.storage(eth)?.into_keys() {
                chain.set_storage(eth, slot, [0; 32])?;
            }
            state
        }
        (None, Some(diff)) => diff,
        (None, None) => return Ok(()),
    };
    if chain.code(eth)?.is_empty() {
        return invalid("stateDiff for an account without code");
    }
    for (slot, value) in slots {
        chain.set_storage(eth, slot.0, value.0)?;
    }
    Ok(())
}
