//! Compiles Solidity with solc-js (the npm package `solc`, version pinned in the repository's
//! `package.json`, installed by `scripts/setup`) running in one long-lived node process.

use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};
use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader, Write},
    path::PathBuf,
    process::{Child, ChildStdin, ChildStdout, Command, Stdio},
};

/// A running compiler.
pub struct Solc {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    version: String,
}

/// One compiled contract.
#[derive(Debug, Clone)]
pub struct Contract {
    pub abi: Value,
    /// Creation code (initcode without constructor arguments), with zeros where library
    /// addresses go until [`Contract::link`] fills them.
    pub bytecode: Vec<u8>,
    /// Runtime code (library placeholders zeroed likewise).
    pub deployed_bytecode: Vec<u8>,
    /// Where each library's address goes in `bytecode`: `(file, library) -> byte offsets`.
    pub link_references: BTreeMap<(String, String), Vec<usize>>,
}

impl Contract {
    /// Whether the creation code still needs library addresses.
    pub fn needs_linking(&self) -> bool {
        !self.link_references.is_empty()
    }

    /// The creation code with each library's address filled in; `libraries` maps a library's
    /// name (or `file:name`) to its address.
    pub fn link(&self, libraries: &BTreeMap<String, [u8; 20]>) -> Result<Vec<u8>> {
        let mut code = self.bytecode.clone();
        for ((file, library), offsets) in &self.link_references {
            let address = libraries
                .get(&format!("{file}:{library}"))
                .or_else(|| libraries.get(library))
                .ok_or_else(|| anyhow!("no address for library {file}:{library}"))?;
            for &offset in offsets {
                code[offset..offset + 20].copy_from_slice(address);
            }
        }
        Ok(code)
    }
}

/// Decodes hex code in which `__$<34 hex>$__` marks a library address (zeroed here).
fn decode_code(hex_code: &str) -> Result<Vec<u8>> {
    let mut cleaned = String::with_capacity(hex_code.len());
    let mut rest = hex_code;
    while let Some(start) = rest.find("__") {
        cleaned.push_str(&rest[..start]);
        cleaned.push_str(&"0".repeat(40));
        rest = rest
            .get(start + 40..)
            .ok_or_else(|| anyhow!("truncated library placeholder"))?;
    }
    cleaned.push_str(rest);
    Ok(hex::decode(cleaned)?)
}

fn link_references(value: &Value) -> BTreeMap<(String, String), Vec<usize>> {
    let mut references = BTreeMap::new();
    for (file, libraries) in value.as_object().into_iter().flatten() {
        for (library, places) in libraries.as_object().into_iter().flatten() {
            let offsets = places
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p["start"].as_u64())
                .map(|s| s as usize)
                .collect();
            references.insert((file.clone(), library.clone()), offsets);
        }
    }
    references
}

/// Compiler settings that matter to us.
#[derive(Debug, Clone)]
pub struct Settings {
    pub evm_version: String,
    pub optimize: bool,
    pub via_ir: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            evm_version: "cancun".into(),
            optimize: true,
            via_ir: false,
        }
    }
}

fn server_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("solc-server.js")
}

impl Solc {
    /// Starts node with solc-js (the npm package `solc`).
    pub fn start() -> Result<Self> {
        Self::start_package("solc")
    }

    /// Starts node with the solc-js of the npm package `package`: `solc`, or `solc-osaka`
    /// (0.8.31, for `osaka` and `prague` code: `CLZ`), both pinned in package.json.
    pub fn start_package(package: &str) -> Result<Self> {
        let mut child = Command::new("node")
            .arg(server_script())
            .arg(package)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting node (is Node.js installed? scripts/setup installs solc)")?;
        let stdin = child.stdin.take().expect("piped");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        let hello: Value = serde_json::from_str(&line)
            .with_context(|| format!("solc-js did not start: {line:?}"))?;
        let version = hello["ready"]
            .as_str()
            .ok_or_else(|| anyhow!("solc-js did not report a version"))?
            .to_string();
        Ok(Self {
            child,
            stdin,
            stdout,
            version,
        })
    }

    /// The compiler's version string.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Compiles a standard-JSON input and returns the standard-JSON output.
    pub fn compile_json(&mut self, input: &Value) -> Result<Value> {
        writeln!(self.stdin, "{input}")?;
        self.stdin.flush()?;
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            bail!("solc-js exited");
        }
        Ok(serde_json::from_str(&line)?)
    }

    /// Compiles `sources` (name -> content) and returns every contract by name, or the
    /// compiler's errors.
    pub fn compile(
        &mut self,
        sources: &[(&str, &str)],
        settings: &Settings,
    ) -> Result<BTreeMap<String, Contract>> {
        let sources: serde_json::Map<String, Value> = sources
            .iter()
            .map(|(name, content)| (name.to_string(), json!({ "content": content })))
            .collect();
        let input = json!({
            "language": "Solidity",
            "sources": sources,
            "settings": {
                "evmVersion": settings.evm_version,
                "optimizer": { "enabled": settings.optimize, "runs": 200 },
                "viaIR": settings.via_ir,
                "outputSelection": { "*": { "*": ["abi", "evm.bytecode.object", "evm.bytecode.linkReferences", "evm.deployedBytecode.object"] } }
            }
        });
        let output = self.compile_json(&input)?;
        let errors = error_messages(&output);
        if !errors.is_empty() {
            bail!("solc: {}", errors.join("\n"));
        }
        let mut contracts = BTreeMap::new();
        for file in output["contracts"]
            .as_object()
            .into_iter()
            .flat_map(|o| o.values())
        {
            for (name, contract) in file.as_object().into_iter().flatten() {
                let code = |key: &str| -> Result<Vec<u8>> {
                    let hex_code = contract["evm"][key]["object"].as_str().unwrap_or_default();
                    decode_code(hex_code).with_context(|| format!("{name}: malformed {key}"))
                };
                contracts.insert(
                    name.clone(),
                    Contract {
                        abi: contract["abi"].clone(),
                        bytecode: code("bytecode")?,
                        deployed_bytecode: code("deployedBytecode")?,
                        link_references: link_references(
                            &contract["evm"]["bytecode"]["linkReferences"],
                        ),
                    },
                );
            }
        }
        Ok(contracts)
    }
}

/// The messages of the errors (not warnings) in a standard-JSON output.
pub fn error_messages(output: &Value) -> Vec<&str> {
    output["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["severity"] == "error")
        .filter_map(|e| e["formattedMessage"].as_str())
        .collect()
}

impl Drop for Solc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_placeholders_decode_as_zeros() {
        let code = format!("6080__${}$__6000", "a".repeat(34));
        assert_eq!(
            decode_code(&code).unwrap(),
            [&[0x60, 0x80][..], &[0u8; 20], &[0x60, 0x00]].concat()
        );
    }
}
