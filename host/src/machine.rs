//! The FVM machine the host runs messages in: ref-fvm's `DefaultMachine`, whose execution
//! tracing can be switched off between messages.
//!
//! ref-fvm fixes tracing when a machine is made (`MachineContext::tracing`) and reads it anew
//! for each message. A block's transactions are traced (the node prints their `console.log`s
//! and answers `trace_*` from the trace), but the end of its epoch, two implicit messages that
//! run the reward, miner, power, cron and market actors, has nobody to read its trace: tracing
//! it would only record every gas charge and time it. So one machine runs the whole block, and
//! its epoch's end runs untraced unless asked (`ChainConfig::trace_epoch_end`).
//!
//! It also keeps the calls actors sent to one watched address (`ChainConfig::watch`), which
//! [`crate::kernel::WatchingKernel`] notes whether or not the message is traced.

use anyhow::Result;
use cid::Cid;
use fvm::{
    machine::{DefaultMachine, Machine, MachineContext, Manifest},
    state_tree::StateTree,
};
use fvm_shared::address::Address;

use crate::{externs::DevExterns, kernel::WatchedCall, store::Store};

type Inner = DefaultMachine<Store, DevExterns>;
type InnerStore = <Inner as Machine>::Blockstore;

/// A `DefaultMachine` over the chain's store, with tracing that [`HostMachine::trace`] turns
/// off (it never turns on tracing the context did not ask for).
pub struct HostMachine {
    inner: Inner,
    /// The context with tracing off, made only when the machine's context traces.
    untraced: Option<MachineContext>,
    traced: bool,
    /// Whose incoming calls are noted, and those noted since [`HostMachine::take_watched_calls`].
    watched: Option<Address>,
    watched_calls: Vec<WatchedCall>,
}

impl HostMachine {
    pub fn new(
        context: &MachineContext,
        store: Store,
        externs: DevExterns,
        watched: Option<Address>,
    ) -> Result<Self> {
        let inner = DefaultMachine::new(context, store, externs)?;
        let untraced = context.tracing.then(|| {
            let mut untraced = inner.context().clone();
            untraced.tracing = false;
            untraced
        });
        Ok(Self {
            inner,
            untraced,
            traced: true,
            watched,
            watched_calls: Vec::new(),
        })
    }

    /// Whether calls to `address` are noted.
    pub fn watches(&self, address: &Address) -> bool {
        self.watched.as_ref() == Some(address)
    }

    pub fn note_watched_call(&mut self, call: WatchedCall) {
        self.watched_calls.push(call);
    }

    /// The calls to the watched address since the last time they were taken.
    pub fn take_watched_calls(&mut self) -> Vec<WatchedCall> {
        std::mem::take(&mut self.watched_calls)
    }

    /// Traces the next messages if `on` and the machine's context asked for tracing.
    pub fn trace(&mut self, on: bool) {
        self.traced = on;
    }
}

impl Machine for HostMachine {
    type Blockstore = InnerStore;
    type Externs = DevExterns;
    type Limiter = <Inner as Machine>::Limiter;

    fn blockstore(&self) -> &InnerStore {
        self.inner.blockstore()
    }

    fn context(&self) -> &MachineContext {
        match &self.untraced {
            Some(untraced) if !self.traced => untraced,
            _ => self.inner.context(),
        }
    }

    fn externs(&self) -> &DevExterns {
        self.inner.externs()
    }

    fn builtin_actors(&self) -> &Manifest {
        self.inner.builtin_actors()
    }

    fn state_tree(&self) -> &StateTree<InnerStore> {
        self.inner.state_tree()
    }

    fn state_tree_mut(&mut self) -> &mut StateTree<InnerStore> {
        self.inner.state_tree_mut()
    }

    fn flush(&mut self) -> fvm::kernel::Result<Cid> {
        self.inner.flush()
    }

    fn into_store(self) -> InnerStore {
        self.inner.into_store()
    }

    fn machine_id(&self) -> &str {
        self.inner.machine_id()
    }

    fn new_limiter(&self) -> Self::Limiter {
        self.inner.new_limiter()
    }
}
