//! The JSON format of a classic VM test (ethereum/tests `VMTests`, v7.0.0).

use alloy_primitives::{Address, Bytes, B256, U256};
use anyhow::{Context, Result};
use serde::Deserialize;
use std::{collections::BTreeMap, path::Path};

/// One test case.
#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    pub env: Env,
    pub exec: Exec,
    pub pre: BTreeMap<Address, AccountState>,
    /// Absent when execution must fail.
    pub post: Option<BTreeMap<Address, AccountState>>,
    /// Expected output; absent with `post`.
    pub out: Option<Bytes>,
    /// Keccak-256 of the RLP list of logs.
    pub logs: Option<B256>,
    /// Ethereum gas left at the end (not compared: see the report).
    pub gas: Option<U256>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Env {
    pub current_coinbase: Address,
    pub current_difficulty: U256,
    pub current_gas_limit: U256,
    pub current_number: U256,
    pub current_timestamp: U256,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exec {
    pub address: Address,
    pub caller: Address,
    pub origin: Address,
    pub value: U256,
    pub data: Bytes,
    pub code: Bytes,
    pub gas: U256,
    pub gas_price: U256,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AccountState {
    pub balance: U256,
    pub code: Bytes,
    pub nonce: U256,
    pub storage: BTreeMap<U256, U256>,
}

/// A case with the name and folder it is reported under.
#[derive(Debug, Clone)]
pub struct NamedCase {
    /// The folder (`vmArithmeticTest`...).
    pub folder: String,
    /// The case's key in its file.
    pub name: String,
    pub case: Case,
}

/// Every case under `dir` (one folder level of `*.json` files), in a stable order.
pub fn load_all(dir: &Path) -> Result<Vec<NamedCase>> {
    let mut cases = Vec::new();
    let mut folders: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .collect::<Result<_, _>>()?;
    folders.sort_by_key(|e| e.file_name());
    for folder in folders.iter().filter(|e| e.path().is_dir()) {
        let folder_name = folder.file_name().to_string_lossy().into_owned();
        let mut files: Vec<_> = std::fs::read_dir(folder.path())?.collect::<Result<_, _>>()?;
        files.sort_by_key(|e| e.file_name());
        for file in files
            .iter()
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        {
            let path = file.path();
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let parsed: BTreeMap<String, Case> = serde_json::from_str(&text)
                .with_context(|| format!("parsing {}", path.display()))?;
            cases.extend(parsed.into_iter().map(|(name, case)| NamedCase {
                folder: folder_name.clone(),
                name,
                case,
            }));
        }
    }
    Ok(cases)
}
