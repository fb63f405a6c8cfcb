//! The interpreter's [`Host`] on the FVM, implemented on the running [`Frame`]: storage in
//! this actor's state, the world through syscalls and sends.
//!
//! A thin adapter: calls and creates are [`calls`]'s, other contracts' code is [`peers`]'s,
//! hashing is [`FvmCrypto`]'s. Only what the EVM asks of the block, the message and the event
//! log is answered here.

use actor_runtime::{ActorError, ActorResult};
use actor_types::{evm::BytecodeHash, network::BLOCK_GAS_LIMIT, token::atto_to_wei, EthAddress};
use fvm_ipld_encoding::IPLD_RAW;
use fvm_shared::{
    event::{ActorEvent, Entry, Flags},
    sys::SendFlags,
};
use interpreter::{
    Address, Bytes, CallOutcome, CallRequest, CreateOutcome, CreateRequest, Crypto, Host, Log,
    StorageWrite, B256, U256,
};

use crate::{
    address::{classify, eth_address_of, to_filecoin, Target},
    calls,
    crypto::FvmCrypto,
    frame::Frame,
    peers, step_trace,
};

/// The interpreter reaches crypto through its host; the syscalls are [`FvmCrypto`]'s.
impl Crypto for Frame {
    fn keccak256(&self, data: &[u8]) -> B256 {
        FvmCrypto.keccak256(data)
    }

    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        FvmCrypto.sha256(data)
    }

    fn ripemd160(&self, data: &[u8]) -> [u8; 20] {
        FvmCrypto.ripemd160(data)
    }

    fn ecrecover(&self, hash: &B256, signature: &[u8; 64], recovery_id: u8) -> Option<Address> {
        FvmCrypto.ecrecover(hash, signature, recovery_id)
    }
}

impl Host for Frame {
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

    fn tload(&mut self, key: U256) -> ActorResult<U256> {
        self.state.tload(key)
    }

    fn tstore(&mut self, key: U256, value: U256) -> ActorResult<()> {
        self.state.tstore(key, value)
    }

    fn balance(&mut self, address: Address) -> ActorResult<U256> {
        if EthAddress::from(address) == self.address {
            return Ok(atto_to_wei(&fvm_sdk::sself::current_balance()));
        }
        let balance = fvm_sdk::actor::resolve_address(&to_filecoin(address))
            .and_then(fvm_sdk::actor::balance_of);
        Ok(balance.map(|b| atto_to_wei(&b)).unwrap_or_default())
    }

    fn code_size(&mut self, address: Address) -> ActorResult<usize> {
        Ok(match self.target(address) {
            OwnOr::Own => self.state.code()?.len(),
            OwnOr::Other(Target::Contract(id)) => peers::code(id)?.len(),
            OwnOr::Other(Target::Native(..)) => 1,
            OwnOr::Other(_) => 0,
        })
    }

    fn code_hash(&mut self, address: Address) -> ActorResult<B256> {
        Ok(match self.target(address) {
            OwnOr::Own => B256::from(self.state.state.bytecode_hash.0),
            OwnOr::Other(Target::Contract(id)) => B256::from(peers::code_hash(id)?.0),
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
            OwnOr::Other(Target::Contract(id)) => peers::code(id)?,
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
        atto_to_wei(&fvm_sdk::network::base_fee())
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
    ///
    /// The one host method that still exits the actor from inside the interpreter: `Host`
    /// has it infallible, as block data is, and the FVM failing to give the current epoch's
    /// beacon means the machine itself is broken (no EVM-level answer would be right).
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
        eth_address_of(fvm_sdk::message::origin()).into()
    }

    fn gas_price(&self) -> U256 {
        atto_to_wei(&(fvm_sdk::network::base_fee() + fvm_sdk::message::gas_premium()))
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
    fn log(&mut self, log: Log) -> ActorResult<()> {
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
        fvm_sdk::event::emit_event(&ActorEvent { entries })
            .map_err(|e| ActorError::assertion_failed(format!("emitting event: {e:?}")))
    }

    /// Pays the whole balance to the beneficiary now and marks the contract dead from the end
    /// of this message (FEVM's semantics, not EIP-6780's). The payment is sent even when the
    /// balance is zero, as FEVM sends it: it creates a placeholder at an f410 address with no
    /// actor, and fails the contract at an ID address with none.
    fn selfdestruct(&mut self, beneficiary: Address) -> ActorResult<()> {
        let balance = fvm_sdk::sself::current_balance();
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
        self.reload_after_send()?;
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

    const TRACES_STEPS: bool = step_trace::ENABLED;

    fn step(&mut self, pc: usize, opcode: u8, stack: &[U256]) {
        self.steps.record(pc, opcode, stack);
    }
}

enum OwnOr {
    Own,
    Other(Target),
}

impl Frame {
    /// Queries about this contract itself, by its Ethereum address or its masked ID address,
    /// are answered from its own state: a send to itself would be wasted gas, and while its
    /// constructor runs its state is not written yet.
    fn target(&self, address: Address) -> OwnOr {
        if EthAddress::from(address) == self.address {
            return OwnOr::Own;
        }
        match classify(address) {
            Target::Contract(id) if id == fvm_sdk::message::receiver() => OwnOr::Own,
            other => OwnOr::Other(other),
        }
    }
}
