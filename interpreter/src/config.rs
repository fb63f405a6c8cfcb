//! How an execution is metered and bounded.

use alloy_primitives::Address;
use precompiles::EthereumPrecompile;
pub use revm_interpreter::primitives::hardfork::SpecId;
// Ethereum's size limits, re-exported as the one home for every embedder and test: EIP-170's
// 24 KiB for the runtime code a create installs (checked by the embedder, which installs it) and
// EIP-3860's twice that for initcode (checked here, see `Config::max_initcode_size`).
pub use revm_interpreter::primitives::{eip170::MAX_CODE_SIZE, eip3860::MAX_INITCODE_SIZE};

/// How EVM gas works in an execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GasMode {
    /// Ethereum's gas schedule of the given fork: every opcode is charged, the frame fails when
    /// `Message::gas_limit` runs out, `GAS` reports what is left, and the fork also selects the
    /// opcode set. Used natively (conformance tests, differential testing).
    Ethereum(SpecId),
    /// The platform meters execution, not the EVM (FIP-0054, as Filecoin's EVM does). No EVM gas
    /// is charged; `GAS` reports [`crate::Host::gas_available`]; a call's gas argument, capped
    /// at 63/64 of what is available, becomes the callee's gas limit. Opcodes and precompiles
    /// are Osaka's (with `CLZ`, BLS12-381 and P256VERIFY), as builtin-actors v18 has them.
    Platform,
}

impl GasMode {
    /// The fork whose opcode set is enabled.
    pub fn spec(self) -> SpecId {
        match self {
            GasMode::Ethereum(spec) => spec,
            GasMode::Platform => SpecId::OSAKA,
        }
    }
}

/// Limits and metering for one execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// How gas works.
    pub gas: GasMode,
    /// Largest EVM memory a frame may grow to, in bytes. Exceeding it fails the frame cleanly
    /// (under platform metering nothing else would stop `MSTORE` at a huge offset).
    pub memory_limit: u64,
    /// Deepest frame allowed to make a call or create; Ethereum's is 1024.
    pub max_call_depth: usize,
    /// Largest initcode `CREATE`/`CREATE2` accept (EIP-3860: [`MAX_INITCODE_SIZE`] under
    /// Ethereum gas; unlimited under platform metering, where only the memory limit bounds
    /// it, as in Filecoin's EVM, which never adopted EIP-3860).
    pub max_initcode_size: usize,
}

impl Config {
    /// Ethereum's limits under the given gas mode, with a 32 MiB memory cap (far more than any
    /// Ethereum block's gas could buy, about 4 MiB at 30M gas).
    pub const fn new(gas: GasMode) -> Self {
        Self {
            gas,
            memory_limit: 32 << 20,
            max_call_depth: 1024,
            max_initcode_size: match gas {
                GasMode::Ethereum(_) => MAX_INITCODE_SIZE,
                GasMode::Platform => usize::MAX,
            },
        }
    }

    /// Platform metering with the default limits: what the FVM actor uses.
    pub const fn platform() -> Self {
        Self::new(GasMode::Platform)
    }
}

/// The Ethereum precompile at `address` in fork `spec`: BLS12-381 came with Prague (EIP-2537),
/// P256VERIFY with Osaka (EIP-7951); before them those addresses are plain accounts.
pub(crate) fn precompile_at(spec: SpecId, address: &Address) -> Option<EthereumPrecompile> {
    use EthereumPrecompile as P;
    let precompile = EthereumPrecompile::from_address(address)?;
    let since = match precompile {
        P::Bls12G1Add
        | P::Bls12G1Msm
        | P::Bls12G2Add
        | P::Bls12G2Msm
        | P::Bls12PairingCheck
        | P::Bls12MapFpToG1
        | P::Bls12MapFp2ToG2 => SpecId::PRAGUE,
        P::P256Verify => SpecId::OSAKA,
        _ => SpecId::FRONTIER,
    };
    spec.is_enabled_in(since).then_some(precompile)
}
