//! The kernel the host's actors run on: ref-fvm's `DefaultFilecoinKernel`, which also notes
//! each call an actor sends to the address its machine watches ([`HostMachine::watch`]).
//!
//! Why not read those calls from ref-fvm's execution trace: tracing a message records and times
//! every gas charge (a string and two clock reads each), for the whole message, to find a few
//! calls to one address (the dev node's `console.log`). Noting them here costs one address
//! comparison per call, charges no gas and changes nothing the actors see.
//!
//! Everything but `send` is ref-fvm's, delegated as its kernel prelude intends.

use fvm::{
    call_manager::{CallManager, NO_DATA_BLOCK_ID},
    kernel::{
        filecoin::{DefaultFilecoinKernel, FilecoinKernel},
        prelude::*,
        Result,
    },
    syscalls::Linker,
};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::{
    consensus::ConsensusFault,
    piece::PieceInfo,
    sector::{
        AggregateSealVerifyProofAndInfos, RegisteredSealProof, ReplicaUpdateInfo, SealVerifyInfo,
        WindowPoStVerifyInfo,
    },
    sys::SendFlags,
};

use crate::machine::HostMachine;

/// A call an actor sent to the watched address: its method and parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedCall {
    pub method: MethodNum,
    pub params: Option<IpldBlock>,
}

/// ref-fvm's Filecoin kernel, noting calls to the watched address.
#[allow(clippy::duplicated_attributes)]
#[derive(Delegate)]
#[delegate(IpldBlockOps, where = "C: CallManager")]
#[delegate(ActorOps, where = "C: CallManager")]
#[delegate(CryptoOps, where = "C: CallManager")]
#[delegate(DebugOps, where = "C: CallManager")]
#[delegate(EventOps, where = "C: CallManager")]
#[delegate(MessageOps, where = "C: CallManager")]
#[delegate(NetworkOps, where = "C: CallManager")]
#[delegate(RandomnessOps, where = "C: CallManager")]
#[delegate(SelfOps, where = "C: CallManager")]
#[delegate(UpgradeOps<K>, generics = "K", where = "K: FilecoinKernel")]
pub struct WatchingKernel<C>(DefaultFilecoinKernel<C>);

impl<K, C> SendOps<K> for WatchingKernel<C>
where
    C: CallManager<Machine = HostMachine>,
    K: FilecoinKernel<CallManager = C>,
{
    fn send(
        &mut self,
        recipient: &Address,
        method: MethodNum,
        params: BlockId,
        value: &TokenAmount,
        gas_limit: Option<Gas>,
        flags: SendFlags,
    ) -> Result<CallResult> {
        let kernel = &mut self.0 .0;
        if kernel.call_manager.machine().watches(recipient) {
            // A bad block id fails the send below as it would unwatched.
            let params = (params != NO_DATA_BLOCK_ID)
                .then(|| kernel.blocks.get(params).ok())
                .flatten()
                .map(|block| IpldBlock {
                    codec: block.codec(),
                    data: block.data().to_vec(),
                });
            kernel
                .call_manager
                .machine_mut()
                .note_watched_call(WatchedCall { method, params });
        }
        SendOps::<K>::send(
            &mut self.0,
            recipient,
            method,
            params,
            value,
            gas_limit,
            flags,
        )
    }
}

impl<C> Kernel for WatchingKernel<C>
where
    C: CallManager<Machine = HostMachine>,
{
    type CallManager = C;
    type Limiter = <DefaultFilecoinKernel<C> as Kernel>::Limiter;

    fn into_inner(self) -> (C, BlockRegistry) {
        self.0.into_inner()
    }

    fn new(
        manager: C,
        blocks: BlockRegistry,
        caller: ActorID,
        actor_id: ActorID,
        method: MethodNum,
        value_received: TokenAmount,
        read_only: bool,
    ) -> Self {
        Self(DefaultFilecoinKernel::new(
            manager,
            blocks,
            caller,
            actor_id,
            method,
            value_received,
            read_only,
        ))
    }

    fn machine(&self) -> &HostMachine {
        self.0.machine()
    }

    fn limiter_mut(&mut self) -> &mut Self::Limiter {
        self.0.limiter_mut()
    }

    fn gas_available(&self) -> Gas {
        self.0.gas_available()
    }

    fn charge_gas(&self, name: &str, compute: Gas) -> Result<GasTimer> {
        self.0.charge_gas(name, compute)
    }
}

impl<C> FilecoinKernel for WatchingKernel<C>
where
    C: CallManager<Machine = HostMachine>,
{
    fn compute_unsealed_sector_cid(
        &self,
        proof_type: RegisteredSealProof,
        pieces: &[PieceInfo],
    ) -> Result<Cid> {
        self.0.compute_unsealed_sector_cid(proof_type, pieces)
    }

    fn verify_post(&self, verify_info: &WindowPoStVerifyInfo) -> Result<bool> {
        self.0.verify_post(verify_info)
    }

    fn verify_consensus_fault(
        &self,
        h1: &[u8],
        h2: &[u8],
        extra: &[u8],
    ) -> Result<Option<ConsensusFault>> {
        self.0.verify_consensus_fault(h1, h2, extra)
    }

    fn batch_verify_seals(&self, vis: &[SealVerifyInfo]) -> Result<Vec<bool>> {
        self.0.batch_verify_seals(vis)
    }

    fn verify_aggregate_seals(&self, aggregate: &AggregateSealVerifyProofAndInfos) -> Result<bool> {
        self.0.verify_aggregate_seals(aggregate)
    }

    fn verify_replica_update(&self, replica: &ReplicaUpdateInfo) -> Result<bool> {
        self.0.verify_replica_update(replica)
    }

    fn total_fil_circ_supply(&self) -> Result<TokenAmount> {
        self.0.total_fil_circ_supply()
    }
}

impl<K> SyscallHandler<K> for WatchingKernel<K::CallManager>
where
    K: FilecoinKernel
        + ActorOps
        + SendOps
        + UpgradeOps
        + IpldBlockOps
        + CryptoOps
        + DebugOps
        + EventOps
        + MessageOps
        + NetworkOps
        + RandomnessOps
        + SelfOps,
{
    fn link_syscalls(linker: &mut Linker<K>) -> anyhow::Result<()> {
        DefaultFilecoinKernel::<K::CallManager>::link_syscalls(linker)
    }
}
