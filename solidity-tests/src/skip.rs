//! Which tests are not run, and why. Every skip carries its reason into the report.

use crate::{
    file::TestFile,
    settings::{evm_version_matches, TARGET_EVM_VERSION},
};

/// Environment values upstream sets that the FVM cannot reproduce: a test reading one would
/// fail for reasons that say nothing about the EVM's correctness. Each is a needle in the
/// source, the EVM version from which the needle names the builtin (before it, it is an
/// ordinary identifier), and the reason.
const ENVIRONMENT: &[(&str, &str, &str)] = &[
    ("tx.origin", "homestead", "tx.origin: upstream's origin (0x9292..92) differs from the sender; on the FVM the origin is the sending account"),
    ("coinbase", "homestead", "block.coinbase: the FVM has no block beneficiary (0 here, 0x7878..78 upstream)"),
    ("gaslimit", "homestead", "block.gaslimit: the FVM's block gas limit (10^10) is not Ethereum's 20M"),
    ("gasprice", "homestead", "tx.gasprice: reported as base fee + premium, and upstream's 3 gwei would be charged to the sender, whose balance the tests check"),
    ("prevrandao", "homestead", "block.prevrandao: drawn from Filecoin's beacon, not upstream's constant"),
    ("difficulty", "homestead", "block.difficulty: drawn from Filecoin's beacon, not upstream's constant"),
    ("blobhash", "cancun", "blobhash: there are no blob transactions on Filecoin"),
    ("pragma experimental solidity", "homestead", "experimental Solidity: the released compiler (solc-js) does not implement it"),
];

/// Tests whose calls carry an explicit gas limit (`{gas: N}`) too small for the call to start
/// on the FVM. Tests whose limits are large enough run (and pass).
const EVM_GAS_LIMITS: &[&str] = &[
    "functionCall/call_options_overload.sol",
    "tryCatch/assert.sol",
    "tryCatch/trivial.sol",
    "various/value_complex.sol",
    "various/value_insane.sol",
];

const EVM_GAS_LIMIT: &str = "an explicit call gas limit ({gas: N}) is an amount of EVM gas; an FVM call needs far more FVM gas to start";

/// Why `test` is not run, if it is not.
pub fn reason(test: &TestFile) -> Option<String> {
    let Some(version) = test.settings.compile_evm_version() else {
        let condition = test.settings.evm_version.as_deref().unwrap_or_default();
        return Some(format!(
            "EVMVersion {condition}: the runner targets {TARGET_EVM_VERSION} and no older version"
        ));
    };
    if EVM_GAS_LIMITS.contains(&test.name.as_str()) {
        return Some(EVM_GAS_LIMIT.to_string());
    }
    let source: String = test.sources.iter().map(|(_, s)| s.as_str()).collect();
    ENVIRONMENT
        .iter()
        .filter(|(_, since, _)| evm_version_matches(&format!(">={since}"), version).unwrap_or(true))
        .find(|(needle, _, _)| source.contains(needle))
        .map(|(_, _, reason)| reason.to_string())
}

/// Tests that fail here for a known reason that is not a bug of the EVM actor: the report prints
/// the explanation next to the failure.
/// Calls that upstream expects to run out of its 100M EVM gas (`# out-of-gas #`).
const OUT_OF_EVM_GAS: &str = "the call is expected to run out of upstream's 100M EVM gas; FVM gas prices this storage loop differently (KECCAK256 is a syscall, zero-valued slots are not stored) and it finishes within the FVM's 10-billion block gas limit";

const KNOWN_FAILURES: &[(&str, &str)] = &[
    ("array/array_storage_push_empty.sol", OUT_OF_EVM_GAS),
    ("array/array_storage_push_pop.sol", OUT_OF_EVM_GAS),
    (
        "tryCatch/create.sol",
        "a CREATE whose initcode reverts still uses up the creator's nonce (as on Ethereum and in FEVM); upstream's test host restores it, so the next child's expected address is one nonce early",
    ),
    ("various/codebalance_assembly.sol", "upstream's test host gives each precompile address 1 wei; on the FVM nothing lives there"),
    (
        "operators/userDefined/all_possible_user_defined_value_types_with_operators.sol",
        "the contract's runtime code (36 KB via IR, unoptimised) exceeds EIP-170's 24 KiB, which the EVM actor enforces like Ethereum; upstream's test host does not",
    ),
    (
        "enums/enum_explicit_overflow_homestead.sol",
        "written for EVMs before Byzantium, where REVERT does not exist and a revert fails without data; the actor implements REVERT (Cancun), so the panic's data comes back",
    ),
    (
        "state/block_blobbasefee.sol",
        "BLOBBASEFEE is undefined in Filecoin's EVM (builtin-actors v18 fails it with exit 35: there are no blobs), and the actor matches it",
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
