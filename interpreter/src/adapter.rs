//! Presents our [`Host`] to revm's instructions as revm's own `Host` trait.
//!
//! revm's host speaks of accounts, journals and access lists; ours speaks of one contract and its
//! neighbours. The adapter translates, keeps the first embedder error (revm's instructions can
//! only report "fatal external error", and its `TLOAD`, `TSTORE` and `LOG` not even that: see
//! [`crate::instructions`]), and, under Ethereum metering from Berlin on, tracks which slots and
//! accounts this frame has touched so that EIP-2929 prices cold accesses. The tracking is per
//! frame: an embedder running several frames natively sees each start cold, which overprices
//! repeated cross-frame access, a gas-only difference.

use crate::{
    config::{precompile_at, Config, GasMode, SpecId},
    host::Host,
    message::Message,
};
use alloc::{borrow::Cow, collections::BTreeSet};
use alloy_primitives::{Address, Bytes, Log, B256, U256};
use precompiles::ethereum;
use revm_interpreter::{
    bytecode::Bytecode,
    context_interface::{
        cfg::GasParams,
        context::{SStoreResult, SelfDestructResult, StateLoad},
        host::LoadError,
        journaled_state::AccountInfoLoad,
    },
    primitives::{StorageKey, StorageValue},
    state::AccountInfo,
};

/// revm's `Host`, implemented over ours.
pub(crate) struct HostAdapter<'h, H: Host> {
    pub(crate) host: &'h mut H,
    pub(crate) config: Config,
    /// The first error the embedder returned; once set, the frame is halting.
    pub(crate) error: Option<H::Error>,
    address: Address,
    gas_params: GasParams,
    access: AccessTracker,
}

impl<'h, H: Host> HostAdapter<'h, H> {
    pub(crate) fn new(host: &'h mut H, config: Config, message: &Message) -> Self {
        let spec = config.gas.spec();
        let tracks_access =
            matches!(config.gas, GasMode::Ethereum(s) if s.is_enabled_in(SpecId::BERLIN));
        let mut access = AccessTracker::new(tracks_access);
        // EIP-2929 starts the sender, the recipient and the precompiles warm.
        access.warm([message.address, message.caller]);
        access.warm(
            ethereum::ALL
                .iter()
                .filter(|p| precompile_at(spec, &p.address()).is_some())
                .map(|p| p.address()),
        );
        Self {
            host,
            config,
            error: None,
            address: message.address,
            gas_params: GasParams::new_spec(spec),
            access,
        }
    }

    /// Records the embedder's error (the first one wins) and tells revm to halt.
    pub(crate) fn fail(&mut self, error: H::Error) -> LoadError {
        self.error.get_or_insert(error);
        LoadError::DBError
    }

    fn account_info(&mut self, address: Address, load_code: bool) -> Result<AccountInfo, H::Error> {
        let balance = self.host.balance(address)?;
        let code_hash = self.host.code_hash(address)?;
        let code = if load_code {
            Bytecode::new_legacy(self.host.code(address)?)
        } else {
            Bytecode::new_legacy(Bytes::new())
        };
        Ok(AccountInfo::new(balance, 0, code_hash, code))
    }
}

/// Which accounts and slots a frame has touched (EIP-2929), when Ethereum gas is metered.
struct AccessTracker {
    enabled: bool,
    addresses: BTreeSet<Address>,
    slots: BTreeSet<U256>,
}

impl AccessTracker {
    fn new(enabled: bool) -> Self {
        Self {
            enabled,
            addresses: BTreeSet::new(),
            slots: BTreeSet::new(),
        }
    }

    fn warm(&mut self, addresses: impl IntoIterator<Item = Address>) {
        if self.enabled {
            self.addresses.extend(addresses);
        }
    }

    /// Whether `address` has not been touched yet ([`Self::touch_address`] warms it).
    fn is_cold_address(&self, address: &Address) -> bool {
        self.enabled && !self.addresses.contains(address)
    }

    fn is_cold_slot(&self, key: &U256) -> bool {
        self.enabled && !self.slots.contains(key)
    }

    fn touch_address(&mut self, address: Address) {
        if self.enabled {
            self.addresses.insert(address);
        }
    }

    fn touch_slot(&mut self, key: U256) {
        if self.enabled {
            self.slots.insert(key);
        }
    }
}

impl<H: Host> revm_interpreter::Host for HostAdapter<'_, H> {
    fn basefee(&self) -> U256 {
        self.host.base_fee()
    }

    fn blob_gasprice(&self) -> U256 {
        self.host.blob_base_fee()
    }

    fn gas_limit(&self) -> U256 {
        U256::from(self.host.block_gas_limit())
    }

    fn difficulty(&self) -> U256 {
        self.host.prevrandao().into()
    }

    fn prevrandao(&self) -> Option<U256> {
        Some(self.host.prevrandao().into())
    }

    fn block_number(&self) -> U256 {
        U256::from(self.host.block_number())
    }

    fn timestamp(&self) -> U256 {
        U256::from(self.host.timestamp())
    }

    fn beneficiary(&self) -> Address {
        self.host.coinbase()
    }

    fn slot_num(&self) -> U256 {
        U256::ZERO
    }

    fn chain_id(&self) -> U256 {
        U256::from(self.host.chain_id())
    }

    fn effective_gas_price(&self) -> U256 {
        self.host.gas_price()
    }

    fn caller(&self) -> Address {
        self.host.origin()
    }

    /// No blob transactions reach the EVM here, so `BLOBHASH` is always zero.
    fn blob_hash(&self, _number: usize) -> Option<U256> {
        None
    }

    fn max_initcode_size(&self) -> usize {
        self.config.max_initcode_size
    }

    fn gas_params(&self) -> &GasParams {
        &self.gas_params
    }

    fn is_amsterdam_eip8037_enabled(&self) -> bool {
        false
    }

    fn block_hash(&mut self, number: u64) -> Option<B256> {
        match self.host.block_hash(number) {
            Ok(hash) => Some(hash),
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    fn selfdestruct(
        &mut self,
        _address: Address,
        target: Address,
        skip_cold_load: bool,
    ) -> Result<StateLoad<SelfDestructResult>, LoadError> {
        let is_cold = self.access.is_cold_address(&target);
        if is_cold && skip_cold_load {
            return Err(LoadError::ColdLoadSkipped);
        }
        self.access.touch_address(target);
        // Only Ethereum metering reads these (new-account surcharge); don't pay for them otherwise.
        let (had_value, target_exists) = match self.config.gas {
            GasMode::Platform => (false, true),
            GasMode::Ethereum(_) => {
                let own = self.host.balance(self.address).map_err(|e| self.fail(e))?;
                let target_hash = self.host.code_hash(target).map_err(|e| self.fail(e))?;
                (!own.is_zero(), target_hash != B256::ZERO)
            }
        };
        self.host.selfdestruct(target).map_err(|e| self.fail(e))?;
        let result = SelfDestructResult {
            had_value,
            target_exists,
            previously_destroyed: false,
        };
        Ok(StateLoad::new(result, is_cold))
    }

    /// revm's `LOG` cannot fail: an error is kept, and the instruction halts on it.
    fn log(&mut self, log: Log) {
        if let Err(e) = self.host.log(log) {
            self.fail(e);
        }
    }

    fn sstore_skip_cold_load(
        &mut self,
        _address: Address,
        key: StorageKey,
        value: StorageValue,
        skip_cold_load: bool,
    ) -> Result<StateLoad<SStoreResult>, LoadError> {
        let is_cold = self.access.is_cold_slot(&key);
        if is_cold && skip_cold_load {
            return Err(LoadError::ColdLoadSkipped);
        }
        self.access.touch_slot(key);
        let write = self.host.sstore(key, value).map_err(|e| self.fail(e))?;
        let result = SStoreResult {
            original_value: write.original,
            present_value: write.present,
            new_value: value,
        };
        Ok(StateLoad::new(result, is_cold))
    }

    fn sload_skip_cold_load(
        &mut self,
        _address: Address,
        key: StorageKey,
        skip_cold_load: bool,
    ) -> Result<StateLoad<StorageValue>, LoadError> {
        let is_cold = self.access.is_cold_slot(&key);
        if is_cold && skip_cold_load {
            return Err(LoadError::ColdLoadSkipped);
        }
        self.access.touch_slot(key);
        let value = self.host.sload(key).map_err(|e| self.fail(e))?;
        Ok(StateLoad::new(value, is_cold))
    }

    /// Like [`Self::log`], revm's `TSTORE` and `TLOAD` cannot fail: an error is kept, and the
    /// instruction halts on it (so the zero a failed `TLOAD` returns here is never seen).
    fn tstore(&mut self, _address: Address, key: StorageKey, value: StorageValue) {
        if let Err(e) = self.host.tstore(key, value) {
            self.fail(e);
        }
    }

    fn tload(&mut self, _address: Address, key: StorageKey) -> StorageValue {
        self.host.tload(key).unwrap_or_else(|e| {
            self.fail(e);
            StorageValue::ZERO
        })
    }

    fn load_account_info_skip_cold_load(
        &mut self,
        address: Address,
        load_code: bool,
        skip_cold_load: bool,
    ) -> Result<AccountInfoLoad<'_>, LoadError> {
        let is_cold = self.access.is_cold_address(&address);
        if is_cold && skip_cold_load {
            return Err(LoadError::ColdLoadSkipped);
        }
        self.access.touch_address(address);
        let info = self
            .account_info(address, load_code)
            .map_err(|e| self.fail(e))?;
        let is_empty = info.code_hash == B256::ZERO;
        Ok(AccountInfoLoad {
            account: Cow::Owned(info),
            is_cold,
            is_empty,
        })
    }
}
