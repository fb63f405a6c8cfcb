//! Compiling a test's sources with solc-js, with an on-disk cache keyed by the exact compiler
//! input, so a second run of the suite compiles nothing.

use crate::{file::TestFile, settings::Pipeline};
use alloy_primitives::keccak256;
use anyhow::{Context, Result};
use serde_json::{json, Value};
use std::{collections::BTreeMap, path::PathBuf};

/// One compiled contract.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CompiledContract {
    pub file: String,
    pub name: String,
    pub abi: Value,
    /// Creation code, hex.
    pub bytecode: String,
}

/// What a test's compilation produced: every contract, and which one to deploy; or the
/// compiler's errors.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Compiled {
    pub contracts: Vec<CompiledContract>,
    /// The last contract defined in the main source.
    pub main: Option<String>,
    pub errors: Option<String>,
}

impl Compiled {
    pub fn contract(&self, file: Option<&str>, name: &str) -> Option<&CompiledContract> {
        self.contracts
            .iter()
            .find(|c| c.name == name && file.is_none_or(|f| c.file == f))
    }

    pub fn main_contract(&self, main_source: &str) -> Option<&CompiledContract> {
        let name = self.main.as_deref()?;
        self.contract(Some(main_source), name)
    }
}

/// A solc-js process and the cache in front of it.
pub struct Compiler {
    solc: Option<solc::Solc>,
    cache_dir: PathBuf,
    pub compiled: usize,
    pub cached: usize,
}

impl Compiler {
    /// A compiler caching into `cache_dir`; node starts on the first cache miss.
    pub fn new(cache_dir: PathBuf) -> Result<Self> {
        std::fs::create_dir_all(&cache_dir)
            .with_context(|| format!("creating {}", cache_dir.display()))?;
        Ok(Self {
            solc: None,
            cache_dir,
            compiled: 0,
            cached: 0,
        })
    }

    /// Compiles `test` for `pipeline`, linking `libraries` (`(file, name) -> address`).
    pub fn compile(
        &mut self,
        test: &TestFile,
        pipeline: Pipeline,
        libraries: &BTreeMap<(String, String), [u8; 20]>,
    ) -> Result<Compiled> {
        let input = standard_json(test, pipeline, libraries);
        let text = input.to_string();
        let key = hex::encode(keccak256(
            format!("{}\n{text}", solc_version_pin()).as_bytes(),
        ));
        let path = self.cache_dir.join(format!("{key}.json"));
        if let Ok(cached) = std::fs::read(&path) {
            if let Ok(compiled) = serde_json::from_slice(&cached) {
                self.cached += 1;
                return Ok(compiled);
            }
        }
        if self.solc.is_none() {
            self.solc = Some(solc::Solc::start()?);
        }
        let output = self.solc.as_mut().expect("started").compile_json(&input)?;
        let compiled = reduce(&output, &test.main_source);
        self.compiled += 1;
        // Write to a temporary name first so a killed run never leaves a torn cache entry.
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, serde_json::to_vec(&compiled)?)?;
        std::fs::rename(&tmp, &path)?;
        Ok(compiled)
    }
}

/// The compiler version pinned in package.json, part of every cache key.
fn solc_version_pin() -> &'static str {
    const PACKAGE: &str = include_str!("../../package.json");
    PACKAGE
        .lines()
        .find(|l| l.contains("\"solc\""))
        .unwrap_or(PACKAGE)
}

fn standard_json(
    test: &TestFile,
    pipeline: Pipeline,
    libraries: &BTreeMap<(String, String), [u8; 20]>,
) -> Value {
    let sources: serde_json::Map<String, Value> = test
        .sources
        .iter()
        .map(|(name, content)| (name.clone(), json!({ "content": content })))
        .collect();
    let mut linked: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for ((file, name), address) in libraries {
        linked
            .entry(file.clone())
            .or_default()
            .insert(name.clone(), format!("0x{}", hex::encode(address)));
    }
    let mut settings = json!({
        "evmVersion": test.settings.compile_evm_version(),
        "optimizer": { "enabled": false },
        "viaIR": pipeline == Pipeline::Ir,
        "libraries": linked,
        "outputSelection": { "*": { "": ["ast"], "*": ["abi", "evm.bytecode.object"] } }
    });
    if let Some(revert_strings) = &test.settings.revert_strings {
        settings["debug"] = json!({ "revertStrings": revert_strings });
    }
    json!({ "language": "Solidity", "sources": sources, "settings": settings })
}

/// Keeps what the runner needs from solc's output.
fn reduce(output: &Value, main_source: &str) -> Compiled {
    let errors = solc::error_messages(output);
    let mut contracts = Vec::new();
    for (file, in_file) in output["contracts"].as_object().into_iter().flatten() {
        for (name, contract) in in_file.as_object().into_iter().flatten() {
            contracts.push(CompiledContract {
                file: file.clone(),
                name: name.clone(),
                abi: contract["abi"].clone(),
                bytecode: contract["evm"]["bytecode"]["object"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            });
        }
    }
    let main = output["sources"][main_source]["ast"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .rev()
        .filter(|node| node["nodeType"] == "ContractDefinition")
        .find_map(|node| node["name"].as_str())
        .map(str::to_string);
    Compiled {
        contracts,
        main,
        errors: (!errors.is_empty()).then(|| errors.join("\n")),
    }
}
