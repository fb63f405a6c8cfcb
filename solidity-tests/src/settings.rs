//! The `// ====` settings of a semantic test.

use crate::error::ParseError;

/// Which compiler pipelines a test runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pipelines {
    /// `compileViaYul: also` (the default): legacy and via IR.
    Both,
    /// `compileViaYul: false`: legacy only.
    Legacy,
    /// `compileViaYul: true`: via IR only.
    Ir,
}

/// A compiler pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Pipeline {
    Legacy,
    Ir,
}

impl Pipeline {
    pub fn name(self) -> &'static str {
        match self {
            Pipeline::Legacy => "legacy",
            Pipeline::Ir => "ir",
        }
    }
}

/// EVM versions in order, as the settings name them.
pub const EVM_VERSIONS: [&str; 13] = [
    "homestead",
    "tangerineWhistle",
    "spuriousDragon",
    "byzantium",
    "constantinople",
    "petersburg",
    "istanbul",
    "berlin",
    "london",
    "paris",
    "shanghai",
    "cancun",
    "prague",
];

/// The EVM version the runner targets.
pub const TARGET_EVM_VERSION: &str = "cancun";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub pipelines: Pipelines,
    /// `EVMVersion`, e.g. `>=cancun`; `None` for any.
    pub evm_version: Option<String>,
    /// `revertStrings`: passed to the compiler.
    pub revert_strings: Option<String>,
    /// `ABIEncoderV1Only: true`: upstream runs these only with `--abiencoderv1`; they declare
    /// `pragma abicoder v1` and the legacy pipeline themselves, so this runner runs them.
    pub abi_encoder_v1_only: bool,
    /// `allowNonExistingFunctions: true`: calls to functions the contract lacks are allowed.
    pub allow_non_existing_functions: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            pipelines: Pipelines::Both,
            evm_version: None,
            revert_strings: None,
            abi_encoder_v1_only: false,
            allow_non_existing_functions: false,
        }
    }
}

impl Settings {
    /// Applies one `key: value` setting.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ParseError> {
        let boolean = || match value {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(ParseError::new(format!(
                "{key} must be true or false, not {value:?}"
            ))),
        };
        match key {
            "compileViaYul" => {
                self.pipelines = match value {
                    "also" => Pipelines::Both,
                    "true" => Pipelines::Ir,
                    "false" => Pipelines::Legacy,
                    _ => return Err(ParseError::new(format!("compileViaYul: {value:?}"))),
                }
            }
            "EVMVersion" => {
                evm_version_matches(value, TARGET_EVM_VERSION)?;
                self.evm_version = Some(value.to_string());
            }
            "revertStrings" => self.revert_strings = Some(value.to_string()),
            "ABIEncoderV1Only" => self.abi_encoder_v1_only = boolean()?,
            "allowNonExistingFunctions" => self.allow_non_existing_functions = boolean()?,
            "requiresYulOptimizer" | "bytecodeFormat" => {}
            _ => return Err(ParseError::new(format!("unknown setting {key}"))),
        }
        Ok(())
    }

    /// The pipelines to run.
    pub fn pipelines(&self) -> Vec<Pipeline> {
        match self.pipelines {
            Pipelines::Both => vec![Pipeline::Legacy, Pipeline::Ir],
            Pipelines::Legacy => vec![Pipeline::Legacy],
            Pipelines::Ir => vec![Pipeline::Ir],
        }
    }

    /// The EVM version to compile for: the target, or, for a test written for older EVMs
    /// (`EVMVersion: <cancun`), the newest version it admits. The actor runs older bytecode
    /// unchanged, as Ethereum does after a fork. `None` if the test admits nothing up to the
    /// target.
    pub fn compile_evm_version(&self) -> Option<&'static str> {
        let Some(condition) = self.evm_version.as_deref() else {
            return Some(TARGET_EVM_VERSION);
        };
        let target = EVM_VERSIONS.iter().position(|v| *v == TARGET_EVM_VERSION)?;
        EVM_VERSIONS[..=target]
            .iter()
            .rev()
            .find(|version| evm_version_matches(condition, version).unwrap_or(false))
            .copied()
    }
}

/// Evaluates a condition such as `>=cancun` for `version`.
pub fn evm_version_matches(condition: &str, version: &str) -> Result<bool, ParseError> {
    if condition == "any" {
        return Ok(true);
    }
    let split = condition
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(|| ParseError::new(format!("EVMVersion {condition:?}")))?;
    let (comparator, name) = condition.split_at(split);
    let rank = |name: &str| {
        EVM_VERSIONS
            .iter()
            .position(|v| *v == name)
            .ok_or_else(|| ParseError::new(format!("unknown EVM version {name}")))
    };
    let (wanted, actual) = (rank(name)?, rank(version)?);
    Ok(match comparator {
        ">" => actual > wanted,
        ">=" => actual >= wanted,
        "<" => actual < wanted,
        "<=" => actual <= wanted,
        "=" => actual == wanted,
        "!" => actual != wanted,
        _ => {
            return Err(ParseError::new(format!(
                "EVMVersion comparator {comparator:?}"
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evm_version_conditions() {
        assert!(evm_version_matches(">=cancun", "cancun").unwrap());
        assert!(!evm_version_matches("<cancun", "cancun").unwrap());
        assert!(evm_version_matches(">homestead", "cancun").unwrap());
        assert!(!evm_version_matches("=shanghai", "cancun").unwrap());
        assert!(evm_version_matches("!shanghai", "cancun").unwrap());
        assert!(evm_version_matches("~cancun", "cancun").is_err());
    }

    #[test]
    fn compiles_for_the_newest_admitted_version() {
        let with = |condition: &str| Settings {
            evm_version: Some(condition.to_string()),
            ..Settings::default()
        };
        assert_eq!(Settings::default().compile_evm_version(), Some("cancun"));
        assert_eq!(with(">=paris").compile_evm_version(), Some("cancun"));
        assert_eq!(with("<cancun").compile_evm_version(), Some("shanghai"));
        assert_eq!(
            with("<byzantium").compile_evm_version(),
            Some("spuriousDragon")
        );
        assert_eq!(with("=homestead").compile_evm_version(), Some("homestead"));
        assert_eq!(with(">cancun").compile_evm_version(), None);
    }
}
