//! An in-memory Ethereum world that runs frames natively: the embedder for tests and for
//! measuring the interpreter outside the FVM.
//!
//! Nested calls and creates run recursively on the same interpreter. Each frame works on a copy
//! of the world taken when it starts and commits it only if it succeeds, which is the simplest
//! correct journal (fine for tests, not for large states).

use alloy_primitives::{Address, Bytes, Log, B256, U256};
use interpreter::{
    execute, CallKind, CallOutcome, CallRequest, Config, CreateOutcome, CreateRequest,
    CreateScheme, Crypto, FrameStatus, Host, Message, StorageWrite, MAX_CODE_SIZE,
};
use precompiles::{EthereumPrecompile, NativeCrypto};
use std::collections::BTreeMap;

/// One account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    pub balance: U256,
    pub nonce: u64,
    pub code: Bytes,
    pub storage: BTreeMap<U256, U256>,
}

impl Account {
    /// EIP-161: no code, no nonce, no balance.
    pub fn is_empty(&self) -> bool {
        self.code.is_empty() && self.nonce == 0 && self.balance.is_zero()
    }
}

/// The block and transaction a world executes in.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    pub block_number: u64,
    pub timestamp: u64,
    pub chain_id: u64,
    pub base_fee: U256,
    pub coinbase: Address,
    pub block_gas_limit: u64,
    pub prevrandao: B256,
    pub origin: Address,
    pub gas_price: U256,
}

/// All accounts, the logs emitted so far, and the environment.
#[derive(Debug, Clone, Default)]
pub struct World {
    pub accounts: BTreeMap<Address, Account>,
    pub logs: Vec<Log>,
    pub transient: BTreeMap<(Address, U256), U256>,
    pub env: Environment,
    /// Storage as it was when the transaction started (EIP-2200 pricing).
    original_storage: BTreeMap<(Address, U256), U256>,
}

/// What running a frame against a [`World`] produced.
pub type FrameResult = interpreter::ExecutionResult;

impl World {
    /// A world with these accounts and environment.
    pub fn new(accounts: BTreeMap<Address, Account>, env: Environment) -> Self {
        Self {
            accounts,
            env,
            ..Default::default()
        }
    }

    /// Runs `code` for `message` as the top frame of a new transaction; on failure the world is
    /// left as it was before.
    pub fn run(&mut self, message: &Message, code: Bytes, config: &Config) -> FrameResult {
        self.original_storage.clear();
        self.transient.clear();
        let snapshot = self.clone();
        let mut frame = FrameHost {
            world: self,
            address: message.address,
            caller: message.caller,
            depth: message.depth,
            config,
        };
        let result =
            execute(&mut frame, message, code, config).unwrap_or_else(|never| match never {});
        if !result.is_success() {
            *self = snapshot;
        }
        result
    }

    fn account_mut(&mut self, address: Address) -> &mut Account {
        self.accounts.entry(address).or_default()
    }

    fn transfer(&mut self, from: Address, to: Address, value: U256) -> bool {
        if value.is_zero() {
            return true;
        }
        let from_balance = self
            .accounts
            .get(&from)
            .map(|a| a.balance)
            .unwrap_or_default();
        if from_balance < value {
            return false;
        }
        self.account_mut(from).balance -= value;
        self.account_mut(to).balance += value;
        true
    }
}

/// The [`Host`] of one frame: the world, seen from the contract at `address`.
struct FrameHost<'w> {
    world: &'w mut World,
    /// The contract whose storage this frame uses.
    address: Address,
    /// The frame's `CALLER`, which a `DELEGATECALL` passes on.
    caller: Address,
    depth: usize,
    config: &'w Config,
}

impl FrameHost<'_> {
    /// Runs a child frame; the caller restores its snapshot if the child does not succeed.
    fn run_child(&mut self, message: Message, code: Bytes) -> FrameResult {
        let mut child = FrameHost {
            world: self.world,
            address: message.address,
            caller: message.caller,
            depth: message.depth,
            config: self.config,
        };
        execute(&mut child, &message, code, self.config).unwrap_or_else(|never| match never {})
    }
}

impl Crypto for FrameHost<'_> {
    fn keccak256(&self, data: &[u8]) -> B256 {
        NativeCrypto.keccak256(data)
    }
    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        NativeCrypto.sha256(data)
    }
    fn ripemd160(&self, data: &[u8]) -> [u8; 20] {
        NativeCrypto.ripemd160(data)
    }
    fn ecrecover(&self, hash: &B256, signature: &[u8; 64], recovery_id: u8) -> Option<Address> {
        NativeCrypto.ecrecover(hash, signature, recovery_id)
    }
}

fn outcome_of(result: FrameResult, gas_limit: u64) -> CallOutcome {
    let status = match result.status {
        interpreter::ExitStatus::Success => FrameStatus::Success,
        interpreter::ExitStatus::Revert => FrameStatus::Revert,
        interpreter::ExitStatus::Halt(_) => FrameStatus::Failure,
    };
    CallOutcome {
        status,
        output: result.output,
        gas_used: if status == FrameStatus::Failure {
            gas_limit
        } else {
            result.gas_used
        },
    }
}

impl Host for FrameHost<'_> {
    type Error = std::convert::Infallible;

    fn sload(&mut self, key: U256) -> Result<U256, Self::Error> {
        let account = self.world.accounts.get(&self.address);
        Ok(account
            .and_then(|a| a.storage.get(&key).copied())
            .unwrap_or_default())
    }

    fn sstore(&mut self, key: U256, value: U256) -> Result<StorageWrite, Self::Error> {
        let address = self.address;
        let storage = &mut self.world.account_mut(address).storage;
        let present = if value.is_zero() {
            storage.remove(&key)
        } else {
            storage.insert(key, value)
        }
        .unwrap_or_default();
        let original = *self
            .world
            .original_storage
            .entry((address, key))
            .or_insert(present);
        Ok(StorageWrite { original, present })
    }

    fn tload(&mut self, key: U256) -> Result<U256, Self::Error> {
        Ok(self
            .world
            .transient
            .get(&(self.address, key))
            .copied()
            .unwrap_or_default())
    }

    fn tstore(&mut self, key: U256, value: U256) -> Result<(), Self::Error> {
        self.world.transient.insert((self.address, key), value);
        Ok(())
    }

    fn balance(&mut self, address: Address) -> Result<U256, Self::Error> {
        Ok(self
            .world
            .accounts
            .get(&address)
            .map(|a| a.balance)
            .unwrap_or_default())
    }

    fn code_size(&mut self, address: Address) -> Result<usize, Self::Error> {
        Ok(self
            .world
            .accounts
            .get(&address)
            .map(|a| a.code.len())
            .unwrap_or_default())
    }

    fn code_hash(&mut self, address: Address) -> Result<B256, Self::Error> {
        Ok(match self.world.accounts.get(&address) {
            Some(account) if !account.is_empty() => self.keccak256(&account.code),
            _ => B256::ZERO,
        })
    }

    fn code(&mut self, address: Address) -> Result<Bytes, Self::Error> {
        Ok(self
            .world
            .accounts
            .get(&address)
            .map(|a| a.code.clone())
            .unwrap_or_default())
    }

    fn block_number(&self) -> u64 {
        self.world.env.block_number
    }
    fn timestamp(&self) -> u64 {
        self.world.env.timestamp
    }
    fn chain_id(&self) -> u64 {
        self.world.env.chain_id
    }
    fn base_fee(&self) -> U256 {
        self.world.env.base_fee
    }
    fn blob_base_fee(&self) -> U256 {
        U256::from(1)
    }
    fn coinbase(&self) -> Address {
        self.world.env.coinbase
    }
    fn block_gas_limit(&self) -> u64 {
        self.world.env.block_gas_limit
    }
    fn prevrandao(&self) -> B256 {
        self.world.env.prevrandao
    }
    fn origin(&self) -> Address {
        self.world.env.origin
    }
    fn gas_price(&self) -> U256 {
        self.world.env.gas_price
    }

    /// The convention of Ethereum's test fillers: the hash of block `n` is keccak256 of `n`
    /// written in decimal.
    fn block_hash(&mut self, number: u64) -> Result<B256, Self::Error> {
        Ok(self.keccak256(number.to_string().as_bytes()))
    }

    fn log(&mut self, log: Log) -> Result<(), Self::Error> {
        self.world.logs.push(log);
        Ok(())
    }

    fn selfdestruct(&mut self, beneficiary: Address) -> Result<(), Self::Error> {
        let balance = self.world.account_mut(self.address).balance;
        self.world.account_mut(self.address).balance = U256::ZERO;
        self.world.account_mut(beneficiary).balance += balance;
        Ok(())
    }

    fn gas_available(&self) -> u64 {
        u64::MAX
    }

    fn call(&mut self, request: CallRequest) -> Result<CallOutcome, Self::Error> {
        let (storage_owner, caller, value) = match request.kind {
            CallKind::Call | CallKind::StaticCall => (request.to, self.address, request.value),
            CallKind::CallCode => (self.address, self.address, request.value),
            CallKind::DelegateCall => (self.address, self.caller, request.value),
        };
        let snapshot = self.world.clone();
        if request.kind == CallKind::Call && !self.world.transfer(self.address, request.to, value) {
            return Ok(CallOutcome::failure(0));
        }
        if let Some(precompile) = EthereumPrecompile::from_address(&request.to) {
            let outcome = match precompile.run(&request.input, request.gas_limit, self) {
                Ok(out) => CallOutcome {
                    status: FrameStatus::Success,
                    output: out.output,
                    gas_used: out.gas_used,
                },
                Err(_) => CallOutcome::failure(request.gas_limit),
            };
            if outcome.status != FrameStatus::Success {
                *self.world = snapshot;
            }
            return Ok(outcome);
        }
        let code = self.code(request.to)?;
        let message = Message {
            address: storage_owner,
            caller,
            value,
            input: request.input,
            is_static: request.is_static,
            depth: self.depth + 1,
            gas_limit: request.gas_limit,
        };
        let result = self.run_child(message, code);
        if !result.is_success() {
            *self.world = snapshot;
        }
        Ok(outcome_of(result, request.gas_limit))
    }

    fn create(&mut self, request: CreateRequest) -> Result<CreateOutcome, Self::Error> {
        let creator = self.address;
        let nonce = self.world.account_mut(creator).nonce;
        let address = match request.scheme {
            CreateScheme::Create => creator.create(nonce),
            CreateScheme::Create2 { salt } => {
                creator.create2(B256::from(salt), self.keccak256(&request.initcode))
            }
        };
        self.world.account_mut(creator).nonce += 1;
        let failed = |gas_used| CreateOutcome {
            status: FrameStatus::Failure,
            address,
            output: Bytes::new(),
            gas_used,
        };
        let collides = self
            .world
            .accounts
            .get(&address)
            .is_some_and(|a| a.nonce != 0 || !a.code.is_empty());
        if collides {
            return Ok(failed(request.gas_limit));
        }
        let snapshot = self.world.clone();
        if !self.world.transfer(creator, address, request.value) {
            return Ok(failed(0));
        }
        self.world.account_mut(address).nonce = 1;
        let message = Message {
            address,
            caller: creator,
            value: request.value,
            input: Bytes::new(),
            is_static: false,
            depth: self.depth + 1,
            gas_limit: request.gas_limit,
        };
        let result = self.run_child(message, request.initcode);
        let outcome = outcome_of(result, request.gas_limit);
        let code = outcome.output.clone();
        // EIP-3541 and EIP-170: deployed code may not start with 0xEF nor exceed 24 KiB.
        if outcome.status == FrameStatus::Success
            && (code.first() == Some(&0xef) || code.len() > MAX_CODE_SIZE)
        {
            *self.world = snapshot;
            return Ok(failed(request.gas_limit));
        }
        if outcome.status != FrameStatus::Success {
            *self.world = snapshot;
            return Ok(CreateOutcome {
                status: outcome.status,
                address,
                output: outcome.output,
                gas_used: outcome.gas_used,
            });
        }
        self.world.account_mut(address).code = code;
        Ok(CreateOutcome {
            status: FrameStatus::Success,
            address,
            output: Bytes::new(),
            gas_used: outcome.gas_used,
        })
    }
}
