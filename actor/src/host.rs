//! The interpreter's [`Host`] on the FVM: storage in this actor's state, the world through
//! syscalls and sends.

use actor_runtime::{ActorError, ActorResult};
use actor_types::evm::BytecodeHash;
use fvm_shared::{
    crypto::hash::SupportedHashes,
    econ::TokenAmount,
    event::{ActorEvent, Entry, Flags},
    sys::SendFlags,
};
use interpreter::{
    Address, Bytes, CallOutcome, CallRequest, CreateOutcome, CreateRequest, Crypto, Host, Log,
    StorageWrite, B256, U256,
};
use std::cell::OnceCell;

use crate::{
    address::{classify, eth_address_of, from_evm, to_evm, to_filecoin, Target},
    calls,
    state::ContractState,
};
use actor_types::EthAddress;
use fvm_ipld_encoding::IPLD_RAW;

/// Ethereum's `GASLIMIT` has no FVM counterpart; report FEVM's constant (the block gas limit).
const BLOCK_GAS_LIMIT: u64 = 10_000_000_000;

/// Who is running: the frame's own address, caller and value.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    pub address: EthAddress,
    pub caller: EthAddress,
    pub value: U256,
}

/// The FVM seen from one EVM frame.
pub struct FvmHost {
    pub state: ContractState,
    pub frame: Frame,
    prevrandao: OnceCell<B256>,
}

impl FvmHost {
    pub fn new(state: ContractState, frame: Frame) -> Self {
        Self {
            state,
            frame,
            prevrandao: OnceCell::new(),
        }
    }

    /// Writes pending state so a callee (perhaps this contract again) sees it.
    pub fn flush_before_send(&mut self) -> ActorResult<()> {
        self.state.flush()
    }
}

/// Converts attoFIL to an EVM word (values are at most 2^128 or so, always fit).
pub fn token_to_u256(amount: &TokenAmount) -> U256 {
    let (_, bytes) = amount.atto().to_bytes_be();
    U256::from_be_slice(&bytes)
}

/// Converts an EVM word to attoFIL.
pub fn u256_to_token(value: U256) -> TokenAmount {
    TokenAmount::from_atto(fvm_shared::bigint::BigInt::from_bytes_be(
        fvm_shared::bigint::Sign::Plus,
        &value.to_be_bytes::<32>(),
    ))
}

fn hash(kind: SupportedHashes, data: &[u8], out: &mut [u8]) {
    fvm_sdk::crypto::hash_into(kind, data, out);
}

impl Crypto for FvmHost {
    fn keccak256(&self, data: &[u8]) -> B256 {
        let mut out = B256::ZERO;
        hash(SupportedHashes::Keccak256, data, out.as_mut_slice());
        out
    }

    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        hash(SupportedHashes::Sha2_256, data, &mut out);
        out
    }

    fn ripemd160(&self, data: &[u8]) -> [u8; 20] {
        let mut out = [0u8; 20];
        hash(SupportedHashes::Ripemd160, data, &mut out);
        out
    }

    fn ecrecover(&self, hash: &B256, signature: &[u8; 64], recovery_id: u8) -> Option<Address> {
        let mut sig = [0u8; 65];
        sig[..64].copy_from_slice(signature);
        sig[64] = recovery_id;
        let key = fvm_sdk::crypto::recover_secp_public_key(&hash.0, &sig).ok()?;
        let digest = self.keccak256(&key[1..]);
        Some(Address::from_slice(&digest[12..]))
    }
}

impl Host for FvmHost {
    type Error = ActorError;

    fn sload(&mut self, key: U256) -> ActorResult<U256> {
        self.state.sload(key)
    }

    fn sstore(&mut self, key: U256, value: U256) -> ActorResult<StorageWrite> {
        let present = self.state.sstore(key, value)?;
        Ok(StorageWrite {
            original: present,
            present,
        })
    }

    fn tload(&mut self, key: U256) -> U256 {
        self.state.tload(key).unwrap_or_else(|e| e.exit())
    }

    fn tstore(&mut self, key: U256, value: U256) {
        self.state.tstore(key, value).unwrap_or_else(|e| e.exit())
    }

    fn balance(&mut self, address: Address) -> ActorResult<U256> {
        if from_evm(address) == self.frame.address {
            return Ok(token_to_u256(&fvm_sdk::sself::current_balance()));
        }
        let balance = fvm_sdk::actor::resolve_address(&to_filecoin(address))
            .and_then(fvm_sdk::actor::balance_of);
        Ok(balance.map(|b| token_to_u256(&b)).unwrap_or_default())
    }

    fn code_size(&mut self, address: Address) -> ActorResult<usize> {
        Ok(match self.target(address) {
            OwnOr::Own => self.state.code()?.len(),
            OwnOr::Other(Target::Contract(id)) => calls::contract_code(id)?.len(),
            OwnOr::Other(Target::Native(..)) => 1,
            OwnOr::Other(_) => 0,
        })
    }

    fn code_hash(&mut self, address: Address) -> ActorResult<B256> {
        Ok(match self.target(address) {
            OwnOr::Own => B256::from(self.state.state.bytecode_hash.0),
            OwnOr::Other(Target::Contract(id)) => B256::from(calls::contract_code_hash(id)?.0),
            OwnOr::Other(Target::Native(..)) => B256::from(BytecodeHash::NATIVE_ACTOR.0),
            OwnOr::Other(Target::Account(_) | Target::Precompile) => {
                B256::from(BytecodeHash::EMPTY.0)
            }
            OwnOr::Other(Target::Missing) => B256::ZERO,
        })
    }

    fn code(&mut self, address: Address) -> ActorResult<Bytes> {
        Ok(match self.target(address) {
            OwnOr::Own => self.state.code()?,
            OwnOr::Other(Target::Contract(id)) => calls::contract_code(id)?,
            OwnOr::Other(Target::Native(..)) => Bytes::from_static(&[0xfe]),
            OwnOr::Other(_) => Bytes::new(),
        })
    }

    fn block_number(&self) -> u64 {
        fvm_sdk::network::curr_epoch() as u64
    }

    fn timestamp(&self) -> u64 {
        fvm_sdk::network::tipset_timestamp()
    }

    fn chain_id(&self) -> u64 {
        fvm_sdk::network::chain_id().into()
    }

    fn base_fee(&self) -> U256 {
        token_to_u256(&fvm_sdk::network::base_fee())
    }

    /// Filecoin has no blobs; report Ethereum's minimum blob base fee.
    fn blob_base_fee(&self) -> U256 {
        U256::from(1)
    }

    /// Filecoin blocks have no single beneficiary the EVM could name.
    fn coinbase(&self) -> Address {
        Address::ZERO
    }

    fn block_gas_limit(&self) -> u64 {
        BLOCK_GAS_LIMIT
    }

    /// Drawn from the drand beacon, domain-separated as FEVM does (tag 10, "prevrandao").
    fn prevrandao(&self) -> B256 {
        *self.prevrandao.get_or_init(|| {
            let epoch = fvm_sdk::network::curr_epoch();
            let beacon = fvm_sdk::rand::get_beacon_randomness(epoch).unwrap_or_else(|e| {
                ActorError::assertion_failed(format!("beacon randomness: {e:?}")).exit()
            });
            let mut input = Vec::with_capacity(8 + 32 + 8 + 10);
            input.extend_from_slice(&10i64.to_be_bytes());
            input.extend_from_slice(&beacon);
            input.extend_from_slice(&epoch.to_be_bytes());
            input.extend_from_slice(b"prevrandao");
            B256::from(fvm_sdk::crypto::hash_blake2b(&input))
        })
    }

    fn origin(&self) -> Address {
        to_evm(eth_address_of(fvm_sdk::message::origin()))
    }

    fn gas_price(&self) -> U256 {
        token_to_u256(&(fvm_sdk::network::base_fee() + fvm_sdk::message::gas_premium()))
    }

    /// The digest of the tipset CID at that epoch (FEVM's choice), zero if unavailable.
    fn block_hash(&mut self, number: u64) -> ActorResult<B256> {
        let Ok(epoch) = i64::try_from(number) else {
            return Ok(B256::ZERO);
        };
        Ok(match fvm_sdk::network::tipset_cid(epoch) {
            Ok(cid) => {
                let digest = cid.hash().digest();
                let mut word = [0u8; 32];
                let len = digest.len().min(32);
                word[32 - len..].copy_from_slice(&digest[..len]);
                B256::from(word)
            }
            Err(_) => B256::ZERO,
        })
    }

    /// An FVM actor event: one entry per topic (`t1`..`t4`) and the data (`d`, when non-empty),
    /// all raw bytes and indexed, as FEVM emits them so that Lotus-style indexers read them.
    fn log(&mut self, log: Log) {
        const TOPIC_KEYS: [&str; 4] = ["t1", "t2", "t3", "t4"];
        let mut entries: Vec<Entry> = log
            .data
            .topics()
            .iter()
            .zip(TOPIC_KEYS)
            .map(|(topic, key)| Entry {
                flags: Flags::FLAG_INDEXED_ALL,
                key: key.into(),
                codec: IPLD_RAW,
                value: topic.to_vec(),
            })
            .collect();
        if !log.data.data.is_empty() {
            entries.push(Entry {
                flags: Flags::FLAG_INDEXED_ALL,
                key: "d".into(),
                codec: IPLD_RAW,
                value: log.data.data.to_vec(),
            });
        }
        fvm_sdk::event::emit_event(&ActorEvent { entries }).unwrap_or_else(|e| {
            ActorError::assertion_failed(format!("emitting event: {e:?}")).exit()
        });
    }

    /// Pays the whole balance to the beneficiary now and marks the contract dead from the end
    /// of this message (FEVM's semantics, not EIP-6780's).
    fn selfdestruct(&mut self, beneficiary: Address) -> ActorResult<()> {
        let balance = fvm_sdk::sself::current_balance();
        if !balance.is_zero() {
            self.flush_before_send()?;
            let sent = fvm_sdk::send::send(
                &to_filecoin(beneficiary),
                fvm_shared::METHOD_SEND,
                None,
                balance,
                None,
                SendFlags::empty(),
            );
            match sent {
                Ok(response) if response.exit_code.is_success() => {}
                _ => {
                    return Err(ActorError::new(
                        actor_types::evm::exit::SELFDESTRUCT_FAILED,
                        "paying the beneficiary failed",
                    ))
                }
            }
            self.state.reload_if_changed()?;
        }
        self.state.bury();
        Ok(())
    }

    fn gas_available(&self) -> u64 {
        fvm_sdk::gas::available()
    }

    fn call(&mut self, request: CallRequest) -> ActorResult<CallOutcome> {
        calls::call(self, request)
    }

    fn create(&mut self, request: CreateRequest) -> ActorResult<CreateOutcome> {
        calls::create(self, request)
    }
}

enum OwnOr {
    Own,
    Other(Target),
}

impl FvmHost {
    /// Queries about this contract itself are answered from its own state (a send to itself
    /// would be wasted gas).
    fn target(&self, address: Address) -> OwnOr {
        if from_evm(address) == self.frame.address {
            OwnOr::Own
        } else {
            OwnOr::Other(classify(address))
        }
    }
}
