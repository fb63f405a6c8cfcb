//! Which tests are not run, and why. Every skip carries its reason into the report.

use crate::{file::TestFile, settings::TARGET_EVM_VERSION};

/// Environment values upstream sets that the FVM cannot reproduce: a test reading one would
/// fail for reasons that say nothing about the EVM's correctness.
const ENVIRONMENT: &[(&str, &str)] = &[
    ("tx.origin", "tx.origin: upstream's origin (0x9292..92) differs from the sender; on the FVM the origin is the sending account"),
    ("coinbase", "block.coinbase: the FVM has no block beneficiary (0 here, 0x7878..78 upstream)"),
    ("gaslimit", "block.gaslimit: the FVM's block gas limit (10^10) is not Ethereum's 20M"),
    ("gasprice", "tx.gasprice: FVM gas prices (base fee + premium) are not upstream's 3 gwei"),
    ("prevrandao", "block.prevrandao: drawn from Filecoin's beacon, not upstream's constant"),
    ("difficulty", "block.difficulty: drawn from Filecoin's beacon, not upstream's constant"),
    ("blobhash", "blobhash: there are no blob transactions on Filecoin"),
    ("gas:", "an explicit call gas limit ({gas: N}) is an amount of EVM gas; an FVM call needs far more FVM gas to start"),
    ("pragma experimental solidity", "experimental Solidity: the released compiler (solc-js) does not implement it"),
];

/// Why `test` is not run, if it is not.
pub fn reason(test: &TestFile) -> Option<String> {
    if let Some(condition) = &test.settings.evm_version {
        if !test.settings.evm_version_applies() {
            return Some(format!("EVMVersion {condition} does not admit {TARGET_EVM_VERSION}, the version this runner targets"));
        }
    }
    let source: String = test.sources.iter().map(|(_, s)| s.as_str()).collect();
    ENVIRONMENT
        .iter()
        .find(|(needle, _)| source.contains(needle))
        .map(|(_, reason)| reason.to_string())
}

/// Tests that fail here for a known reason that is not a bug of the EVM actor: the report prints
/// the explanation next to the failure.
const KNOWN_FAILURES: &[(&str, &str)] = &[
    (
        "tryCatch/create.sol",
        "a CREATE whose initcode reverts still uses up the creator's nonce (as on Ethereum and in FEVM); upstream's test host restores it, so the next child's expected address is one nonce early",
    ),
    ("various/codebalance_assembly.sol", "upstream's test host gives each precompile address 1 wei; on the FVM nothing lives there"),
    (
        "operators/userDefined/all_possible_user_defined_value_types_with_operators.sol",
        "the contract's runtime code (36 KB via IR, unoptimised) exceeds EIP-170's 24 KiB, which the EVM actor enforces like Ethereum; upstream's test host does not",
    ),
    ("various/selfdestruct_post_cancun.sol", SELFDESTRUCT),
    ("various/selfdestruct_post_cancun_multiple_beneficiaries.sol", SELFDESTRUCT),
    ("various/selfdestruct_post_cancun_redeploy.sol", SELFDESTRUCT),
];

const SELFDESTRUCT: &str = "SELFDESTRUCT follows FEVM (the contract is deleted at the end of the message), not EIP-6780 (which keeps a contract not created in the same transaction)";

/// Why `path` is expected to fail, if it is a known difference.
pub fn known_failure(path: &str) -> Option<&'static str> {
    KNOWN_FAILURES
        .iter()
        .find(|(known, _)| *known == path)
        .map(|(_, why)| *why)
}
