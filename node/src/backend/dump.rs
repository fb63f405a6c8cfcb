//! The chain's accounts as anvil dumps them (`anvil_dumpState`, `anvil_loadState`,
//! `--dump-state`, `--load-state`): each Ethereum address's nonce, balance, code and storage,
//! in anvil's JSON shape, so a state dumped by anvil loads here too. Loading edits the accounts
//! in as `anvil_set*` would, on top of the current chain; blocks and transactions are not
//! dumped.

use std::{collections::BTreeMap, io::Read as _};

use actor_types::token::{atto_to_wei, wei_to_atto};
use alloy_primitives::{Address, Bytes, U256};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::state::ChainState;

/// A dumped state: anvil's fields that the node fills (anvil adds blocks and transactions,
/// which loading ignores).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateDump {
    pub accounts: BTreeMap<Address, AccountDump>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_block_number: Option<U256>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDump {
    pub nonce: u64,
    pub balance: U256,
    #[serde(default)]
    pub code: Bytes,
    #[serde(default)]
    pub storage: BTreeMap<U256, U256>,
}

/// Every account with an Ethereum address in the head state.
pub fn dump(state: &ChainState) -> Result<StateDump> {
    let chain = state.chain_ref();
    let mut accounts = BTreeMap::new();
    for address in chain.eth_addresses()? {
        let account = chain.eth_account(address)?;
        let storage = account
            .storage
            .into_iter()
            .map(|(slot, value)| (U256::from_be_bytes(slot), U256::from_be_bytes(value)))
            .collect();
        let account = AccountDump {
            nonce: account.nonce,
            balance: atto_to_wei(&account.balance),
            code: account.code.into(),
            storage,
        };
        accounts.insert(address.into(), account);
    }
    Ok(StateDump {
        accounts,
        best_block_number: Some(U256::from(state.head().number)),
    })
}

/// Edits `dump`'s accounts into the head state and persists it.
pub fn load(state: &mut ChainState, dump: &StateDump) -> Result<()> {
    let chain = state.chain();
    for (&address, account) in &dump.accounts {
        let eth = address.into();
        if !account.code.is_empty() {
            chain.set_code(eth, &account.code)?;
        }
        chain.set_balance(eth, wei_to_atto(account.balance))?;
        chain.set_nonce(eth, account.nonce)?;
        for (slot, value) in &account.storage {
            chain.set_storage(eth, slot.to_be_bytes(), value.to_be_bytes())?;
        }
    }
    state.persist_edit()
}

/// `anvil_dumpState`'s encoding: the JSON, gzipped.
pub fn to_gzip(dump: &StateDump) -> Result<Vec<u8>> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&serde_json::to_vec(dump)?)?;
    Ok(encoder.finish()?)
}

/// What `anvil_loadState` takes: the JSON, gzipped or not.
pub fn from_bytes(bytes: &[u8]) -> Result<StateDump> {
    let json = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut json)
            .context("the state is not valid gzip")?;
        json
    } else {
        bytes.to_vec()
    };
    serde_json::from_slice(&json).context("the state is not a dumped state's JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dump_reads_back_gzipped_or_not_and_anvils_shape_reads() {
        let mut dump = StateDump::default();
        dump.accounts.insert(
            Address::repeat_byte(1),
            AccountDump {
                nonce: 3,
                balance: U256::from(1000),
                code: Bytes::from_static(&[0x60, 0x00]),
                storage: [(U256::from(1), U256::from(42))].into(),
            },
        );
        assert_eq!(from_bytes(&to_gzip(&dump).unwrap()).unwrap(), dump);
        assert_eq!(
            from_bytes(&serde_json::to_vec(&dump).unwrap()).unwrap(),
            dump
        );
        // anvil's own dump carries more (the block, blocks, transactions): ignored.
        let anvil = r#"{"block":{"number":"0x1"},"accounts":{"0x0101010101010101010101010101010101010101":
            {"nonce":3,"balance":"0x3e8","code":"0x6000","storage":{"0x1":"0x2a"}}},
            "best_block_number":"0x1","blocks":[],"transactions":[]}"#;
        let read = from_bytes(anvil.as_bytes()).unwrap();
        assert_eq!(read.accounts, dump.accounts);
        assert!(from_bytes(b"not json").is_err());
        assert!(from_bytes(&[0x1f, 0x8b, 0, 0]).is_err());
    }
}
