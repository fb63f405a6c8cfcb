//! The EVM actor's interface (FIP-0054; builtin-actors `actors/evm`).

use cid::Cid;
use fvm_ipld_encoding::{strict_bytes, tuple::*, RawBytes};
use fvm_shared::{econ::TokenAmount, ActorID};
use serde::{Deserialize, Serialize};

use crate::{EthAddress, U256Bytes};

/// Method numbers.
pub mod method {
    /// `ConstructorParams`; only the init actor may call it.
    pub const CONSTRUCTOR: u64 = 1;
    /// Re-deploy a self-destructed contract (`ConstructorParams`); only the EAM may call it.
    pub const RESURRECT: u64 = 2;
    /// The CID of the raw code block (`Option<Cid>`, `None` once dead).
    pub const GET_BYTECODE: u64 = 3;
    /// Keccak-256 of the code (32 bytes).
    pub const GET_BYTECODE_HASH: u64 = 4;
    /// One storage slot (`GetStorageAtParams`); only the system actor may call it.
    pub const GET_STORAGE_AT: u64 = 5;
    /// Run another contract's code on this contract's state (`DelegateCallParams`); only the
    /// actor itself may call it.
    pub const INVOKE_CONTRACT_DELEGATE: u64 = 6;
    /// Run the contract: params and return are one CBOR byte string (or a raw block).
    /// FRC-42 of `InvokeEVM`.
    pub const INVOKE_CONTRACT: u64 = 3_844_450_837;
    /// Methods from here on that are not named above are routed to the contract's
    /// `handle_filecoin_method(uint64,uint64,bytes)`.
    pub const FIRST_FILECOIN_METHOD: u64 = 1024;
}

/// Exit codes of the EVM actor.
pub mod exit {
    use fvm_shared::error::ExitCode;
    /// `REVERT`: the return data is the revert data, as a CBOR byte string.
    pub const REVERTED: ExitCode = ExitCode::new(33);
    /// `INVALID` (0xfe).
    pub const INVALID_INSTRUCTION: ExitCode = ExitCode::new(34);
    /// An undefined opcode.
    pub const UNDEFINED_INSTRUCTION: ExitCode = ExitCode::new(35);
    /// Too few stack items.
    pub const STACK_UNDERFLOW: ExitCode = ExitCode::new(36);
    /// More than 1024 stack items.
    pub const STACK_OVERFLOW: ExitCode = ExitCode::new(37);
    /// A memory or return-data access out of range.
    pub const ILLEGAL_MEMORY_ACCESS: ExitCode = ExitCode::new(38);
    /// A jump to something other than a `JUMPDEST`.
    pub const BAD_JUMPDEST: ExitCode = ExitCode::new(39);
    /// `SELFDESTRUCT` could not pay the beneficiary.
    pub const SELFDESTRUCT_FAILED: ExitCode = ExitCode::new(40);
}

/// Params of `Constructor` and `Resurrect`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ConstructorParams {
    /// The Ethereum address of the creator (`CALLER` during initcode).
    pub creator: EthAddress,
    /// The initcode.
    pub initcode: RawBytes,
}

/// Params of `InvokeContractDelegate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct DelegateCallParams {
    /// CID of the code to run.
    pub code: Cid,
    /// Call data.
    #[serde(with = "strict_bytes")]
    pub input: Vec<u8>,
    /// `CALLER` inside the delegated frame.
    pub caller: EthAddress,
    /// `CALLVALUE` inside the delegated frame (nothing moves).
    pub value: TokenAmount,
}

/// Params of `GetStorageAt`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct GetStorageAtParams {
    pub storage_key: U256Bytes,
}

/// Who and which top-level message a tombstone or transient storage belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct MessageId {
    /// Actor ID of the message's origin.
    pub origin: ActorID,
    /// That message's nonce.
    pub nonce: u64,
}

/// Transient storage (EIP-1153), valid only during the message that wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct TransientData {
    /// Root of the transient storage map.
    pub transient_data_state: Cid,
    /// The message it belongs to.
    pub transient_data_lifespan: MessageId,
}

/// The EVM actor's state: the same six fields, in the same order, as builtin-actors'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct State {
    /// The runtime code, an IPLD_RAW block.
    pub bytecode: Cid,
    /// Keccak-256 of the runtime code.
    pub bytecode_hash: BytecodeHash,
    /// Root of the storage map (slot -> word).
    pub contract_state: Cid,
    /// Transient storage of the current message, if any was written.
    pub transient_data: Option<TransientData>,
    /// The next `CREATE` nonce; starts at 1.
    pub nonce: u64,
    /// Set by `SELFDESTRUCT`: the contract is dead once this message is over.
    pub tombstone: Option<MessageId>,
}

/// A 32-byte Keccak-256 digest, encoded as a byte string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BytecodeHash(#[serde(with = "strict_bytes")] pub [u8; 32]);

impl BytecodeHash {
    /// Keccak-256 of the empty string: the hash of an account without code.
    pub const EMPTY: BytecodeHash = BytecodeHash([
        0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03,
        0xc0, 0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85,
        0xa4, 0x70,
    ]);
    /// Keccak-256 of `[0xfe]`: what `EXTCODEHASH` reports for a native (non-EVM) actor.
    pub const NATIVE_ACTOR: BytecodeHash = BytecodeHash([
        0xbc, 0xc9, 0x0f, 0x2d, 0x6d, 0xad, 0xa5, 0xb1, 0x8e, 0x15, 0x5c, 0x17, 0xa1, 0xc0, 0xa5,
        0x59, 0x20, 0xaa, 0xe9, 0x4f, 0x39, 0x85, 0x7d, 0x39, 0xd0, 0xd8, 0xed, 0x07, 0xae, 0x8f,
        0x22, 0x8b,
    ]);
}

/// Bit width of the contract storage HAMT (`State::contract_state`).
pub const STORAGE_BIT_WIDTH: u32 = 5;

/// Selector of `handle_filecoin_method(uint64,uint64,bytes)`.
pub const HANDLE_FILECOIN_METHOD_SELECTOR: [u8; 4] = [0x86, 0x8e, 0x10, 0xc4];

/// The calldata of `handle_filecoin_method(uint64 method, uint64 codec, bytes params)`: what
/// the EVM actor runs for a Filecoin method it does not know, and how Lotus shows a native
/// message to Ethereum tools.
pub fn handle_filecoin_method_input(method: u64, codec: u64, params: &[u8]) -> Vec<u8> {
    let mut input = HANDLE_FILECOIN_METHOD_SELECTOR.to_vec();
    for word in [method, codec, 0x60, params.len() as u64] {
        input.extend(alloy_primitives::U256::from(word).to_be_bytes::<32>());
    }
    input.extend_from_slice(params);
    input.resize(4 + (input.len() - 4).next_multiple_of(32), 0);
    input
}
