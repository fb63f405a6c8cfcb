//! The reads of Lotus's Filecoin JSON-RPC API (`Filecoin.*`), in its names and shapes, enough
//! for Filecoin tools to read the chain: the head tipset, actors, ID and key addresses,
//! balances, nonces, a miner's info, market escrow and DataCap, and the Ethereum/Filecoin
//! address mapping. Native messages are `filecoin_messages.rs`'s.
//!
//! A tipset key is the CID Lotus would give the tipset: its Ethereum block hash is that CID's
//! digest (BLAKE2b-256, DAG-CBOR), as Lotus maps them, so the two names of a block agree.
//! Big integers are decimal strings and CIDs `{"/": ...}` objects, as Lotus writes them.

use std::str::FromStr;

use actor_types::{
    builtin::{DATACAP_ACTOR_ID, MARKET_ACTOR_ID},
    singletons::miner,
    EthAddress,
};
use alloy_primitives::Address;
use anyhow::{anyhow, Context as _, Result};
use cid::Cid;
use fvm_ipld_encoding::{CborStore, RawBytes};
use fvm_shared::{address::Address as FilAddress, econ::TokenAmount};
use host::Chain;
use jsonrpsee::{types::Params, RpcModule};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{
    errors::{internal, invalid_params, RpcResult},
    eth::read_method,
    lotus_json::{bytes_json, cid_json, parse_address, tipset_cid, tipset_ref, CidJson},
    Context,
};
use crate::{
    backend::{BlockRef, Node, NodeError},
    records::BlockRecord,
    trace::eth_of,
};

/// Filecoin's block delay, which Lotus reports (a dev chain's blocks follow its own clock).
const BLOCK_DELAY_SECONDS: u64 = 30;
/// Lotus's full-node API version (2.3.0), as `Filecoin.Version` encodes it.
const API_VERSION: u64 = 0x02_03_00;

// The exported (FRC-42) methods read here.
const MARKET_GET_BALANCE: u64 = 726108461;
const DATACAP_BALANCE: u64 = 3261979605;
/// One DataCap token per byte: the registry mints 10^18 units per byte.
const DATACAP_UNITS_PER_BYTE: u64 = 1_000_000_000_000_000_000;

pub fn register(module: &mut RpcModule<Context>) -> Result<()> {
    read_method(module, "Filecoin.Version", |_, _| {
        Ok(json!({
            "Version": concat!("fvm-devnet/", env!("CARGO_PKG_VERSION")),
            "APIVersion": API_VERSION,
            "BlockDelay": BLOCK_DELAY_SECONDS,
        }))
    })?;
    read_method(module, "Filecoin.StateNetworkName", |_, node| {
        let chain = node.view(BlockRef::Latest)?;
        network_name(&chain).map_err(internal)
    })?;
    read_method(module, "Filecoin.ChainHead", |_, node| {
        Ok(tipset(node, node.head()))
    })?;
    read_method(module, "Filecoin.ChainGetTipSetByHeight", |params, node| {
        let mut seq = params.sequence();
        let height: u64 = seq.next()?;
        let block = node.block(BlockRef::Number(height)).map_err(internal)?;
        let block = block.ok_or_else(|| invalid_params(format!("no tipset at height {height}")))?;
        Ok(tipset(node, &block))
    })?;
    read_method(module, "Filecoin.ChainGetTipSet", |params, node| {
        let mut seq = params.sequence();
        let key: Option<Vec<CidJson>> = seq.next()?;
        let block = node.block(tipset_ref(key.as_deref())?).map_err(internal)?;
        let block = block.ok_or_else(|| invalid_params("no such tipset on this chain"))?;
        Ok(tipset(node, &block))
    })?;
    read_method(module, "Filecoin.StateGetActor", |params, node| {
        let (address, chain) = address_at(params, node)?;
        let Some(actor) = chain.actor(&address).map_err(internal)? else {
            return Ok(Value::Null);
        };
        let mut answer = json!({
            "Code": cid_json(&actor.code),
            "Head": cid_json(&actor.state),
            "Nonce": actor.sequence,
            "Balance": actor.balance.atto().to_string(),
        });
        if let Some(delegated) = actor.delegated_address {
            answer["DelegatedAddress"] = json!(delegated.to_string());
        }
        Ok(answer)
    })?;
    read_method(module, "Filecoin.StateLookupID", |params, node| {
        let (address, chain) = address_at(params, node)?;
        let id = chain.actor_id(&address).map_err(internal)?;
        let id = id.ok_or_else(|| invalid_params(format!("actor not found: {address}")))?;
        Ok(FilAddress::new_id(id).to_string())
    })?;
    read_method(module, "Filecoin.StateAccountKey", |params, node| {
        let (address, chain) = address_at(params, node)?;
        account_key(&chain, &address).map_err(internal)
    })?;
    read_method(module, "Filecoin.WalletBalance", |params, node| {
        let address = one_address(params)?;
        let chain = node.view(BlockRef::Latest)?;
        let balance = chain.actor(&address).map_err(internal)?.map(|a| a.balance);
        Ok(balance.unwrap_or_default().atto().to_string())
    })?;
    read_method(module, "Filecoin.MpoolGetNonce", |params, node| {
        let address = one_address(params)?;
        let chain = node.view(BlockRef::Latest)?;
        let nonce = chain.actor(&address).map_err(internal)?.map(|a| a.sequence);
        Ok(nonce.unwrap_or(0))
    })?;
    read_method(
        module,
        "Filecoin.EthAddressToFilecoinAddress",
        |params, _| {
            let mut seq = params.sequence();
            let address: Address = seq.next()?;
            Ok(EthAddress::from(address).to_filecoin().to_string())
        },
    )?;
    read_method(
        module,
        "Filecoin.FilecoinAddressToEthAddress",
        |params, node| {
            let address = one_address(params)?;
            let chain = node.view(BlockRef::Latest)?;
            eth_address(&chain, &address)
        },
    )?;
    read_method(module, "Filecoin.StateMarketBalance", |params, node| {
        let (address, chain) = address_at(params, node)?;
        let params = RawBytes::serialize(address).map_err(|e| internal(e.into()))?;
        let answer = read_actor(&chain, MARKET_ACTOR_ID, MARKET_GET_BALANCE, params)?;
        let (escrow, locked): (TokenAmount, TokenAmount) =
            answer.deserialize().map_err(|e| internal(e.into()))?;
        Ok(json!({
            "Escrow": escrow.atto().to_string(),
            "Locked": locked.atto().to_string(),
        }))
    })?;
    read_method(module, "Filecoin.StateMinerInfo", |params, node| {
        let (address, chain) = address_at(params, node)?;
        miner_info(&chain, &address)
    })?;
    read_method(
        module,
        "Filecoin.StateVerifiedClientStatus",
        |params, node| {
            let (address, chain) = address_at(params, node)?;
            if chain.actor_id(&address).map_err(internal)?.is_none() {
                return Ok(Value::Null);
            }
            let params = RawBytes::serialize(address).map_err(|e| internal(e.into()))?;
            let answer = read_actor(&chain, DATACAP_ACTOR_ID, DATACAP_BALANCE, params)?;
            let balance: TokenAmount = answer.deserialize().map_err(|e| internal(e.into()))?;
            let bytes = balance.atto() / DATACAP_UNITS_PER_BYTE;
            Ok(if balance.is_zero() {
                Value::Null
            } else {
                json!(bytes.to_string())
            })
        },
    )?;
    Ok(())
}

/// The first parameter as a Filecoin address.
fn one_address(params: Params<'_>) -> RpcResult<FilAddress> {
    let mut seq = params.sequence();
    let text: String = seq.next()?;
    parse_address(&text)
}

/// An address and the tipset key after it (`null` or `[]`: the head), as most `State*`
/// methods take them.
fn address_at(params: Params<'_>, node: &Node) -> RpcResult<(FilAddress, Chain)> {
    let mut seq = params.sequence();
    let text: String = seq.next()?;
    let key: Option<Vec<CidJson>> = seq.optional_next()?;
    let address = parse_address(&text)?;
    Ok((address, node.view(tipset_ref(key.as_deref())?)?))
}

/// A block as Lotus shows a one-block tipset.
fn tipset(node: &Node, block: &BlockRecord) -> Value {
    let cid = tipset_cid(&block.hash);
    let parent = tipset_cid(&block.header.parent_hash);
    let miner = node
        .state()
        .producer()
        .map(|producer| producer.to_string())
        .unwrap_or_else(|| FilAddress::new_id(0).to_string());
    let state_root = Cid::from_str(&block.parent_state_root)
        .map(|root| cid_json(&root))
        .unwrap_or(Value::Null);
    json!({
        "Cids": [cid_json(&cid)],
        "Blocks": [{
            "Miner": miner,
            "Ticket": { "VRFProof": "" },
            "ElectionProof": { "WinCount": 1, "VRFProof": "" },
            "BeaconEntries": [],
            "WinPoStProof": [],
            "Parents": [cid_json(&parent)],
            "ParentWeight": block.number.to_string(),
            "Height": block.number,
            "ParentStateRoot": state_root,
            "ParentMessageReceipts": cid_json(&tipset_cid(&block.header.receipts_root)),
            "Messages": cid_json(&tipset_cid(&block.header.transactions_root)),
            "BLSAggregate": { "Type": 2, "Data": "" },
            "Timestamp": block.header.timestamp,
            "BlockSig": { "Type": 2, "Data": "" },
            "ForkSignaling": 0,
            "ParentBaseFee": block.header.base_fee_per_gas.unwrap_or_default().to_string(),
        }],
        "Height": block.number,
    })
}

fn network_name(chain: &Chain) -> Result<String> {
    #[derive(Deserialize)]
    struct InitState(
        fvm_ipld_encoding::de::IgnoredAny,
        fvm_ipld_encoding::de::IgnoredAny,
        String,
    );
    let init = chain
        .actor(&FilAddress::new_id(actor_types::builtin::INIT_ACTOR_ID))?
        .context("no init actor")?;
    let state: InitState = fvm_ipld_encoding::CborStore::get_cbor(chain.store(), &init.state)?
        .context("the init actor's state is missing")?;
    Ok(state.2)
}

/// The key address behind `address`: an account's public key address, an EthAccount's or
/// contract's f410 address.
fn account_key(chain: &Chain, address: &FilAddress) -> Result<String> {
    let (_, actor) = chain
        .actor_with_id(address)?
        .ok_or_else(|| anyhow!("actor not found: {address}"))?;
    if let Some(delegated) = actor.delegated_address {
        return Ok(delegated.to_string());
    }
    let account: actor_types::account::State =
        fvm_ipld_encoding::CborStore::get_cbor(chain.store(), &actor.state)?
            .ok_or_else(|| anyhow!("{address} is not an account"))?;
    Ok(account.address.to_string())
}

/// A storage provider's miner info, as Lotus shows it: read from the miner actor's state.
fn miner_info(chain: &Chain, address: &FilAddress) -> RpcResult<Value> {
    let actor = chain.actor(address).map_err(internal)?;
    let actor = actor.ok_or_else(|| invalid_params(format!("actor not found: {address}")))?;
    let not_a_miner = || invalid_params(format!("{address} is not a miner actor"));
    let store = chain.store();
    let head: Option<miner::StateInfo> = CborStore::get_cbor(store, &actor.state).ok().flatten();
    let head = head.ok_or_else(not_a_miner)?;
    let info: Option<miner::MinerInfo> = CborStore::get_cbor(store, &head.info).ok().flatten();
    let info = info.ok_or_else(not_a_miner)?;
    let term = |term: &miner::BeneficiaryTerm| {
        json!({
            "Quota": term.quota.atto().to_string(),
            "UsedQuota": term.used_quota.atto().to_string(),
            "Expiration": term.expiration,
        })
    };
    let pending_beneficiary = info.pending_beneficiary_term.as_ref().map(|pending| {
        json!({
            "NewBeneficiary": pending.new_beneficiary.to_string(),
            "NewQuota": pending.new_quota.atto().to_string(),
            "NewExpiration": pending.new_expiration,
            "ApprovedByBeneficiary": pending.approved_by_beneficiary,
            "ApprovedByNominee": pending.approved_by_nominee,
        })
    });
    let (new_worker, worker_change_epoch) = match &info.pending_worker_key {
        Some(change) => (change.new_worker.to_string(), change.effective_at),
        // Lotus writes an undefined address so.
        None => ("<empty>".to_string(), -1),
    };
    Ok(json!({
        "Owner": info.owner.to_string(),
        "Worker": info.worker.to_string(),
        "NewWorker": new_worker,
        "ControlAddresses": info.control_addresses.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "WorkerChangeEpoch": worker_change_epoch,
        "PeerId": (!info.peer_id.is_empty()).then(|| bs58::encode(&info.peer_id).into_string()),
        "Multiaddrs": info.multi_address.iter().map(|a| bytes_json(&a.0)).collect::<Vec<_>>(),
        "WindowPoStProofType": i64::from(info.window_post_proof_type),
        "SectorSize": info.sector_size as u64,
        "WindowPoStPartitionSectors": info.window_post_partition_sectors,
        "ConsensusFaultElapsed": info.consensus_fault_elapsed,
        "PendingOwnerAddress": info.pending_owner_address.map(|a| a.to_string()),
        "Beneficiary": info.beneficiary.to_string(),
        "BeneficiaryTerm": term(&info.beneficiary_term),
        "PendingBeneficiaryTerm": pending_beneficiary,
    }))
}

/// The Ethereum address of `address`: its f410 address's, or its masked ID (Lotus's mapping).
fn eth_address(chain: &Chain, address: &FilAddress) -> RpcResult<Address> {
    if let Some(eth) = EthAddress::from_f410(address) {
        return Ok(eth.into());
    }
    let found = chain.actor_with_id(address).map_err(internal)?;
    let (id, actor) = found.ok_or_else(|| invalid_params(format!("actor not found: {address}")))?;
    Ok(eth_of(id, actor.delegated_address))
}

/// What a read-only method of a singleton answers (run as the system actor would call it).
fn read_actor(chain: &Chain, actor: u64, method: u64, params: RawBytes) -> RpcResult<RawBytes> {
    let message = chain
        .message(
            &FilAddress::new_id(0),
            FilAddress::new_id(actor),
            method,
            params,
            TokenAmount::default(),
        )
        .map_err(internal)?;
    let outcome = chain.simulate(message).map_err(internal)?;
    if !outcome.is_success() {
        return Err(NodeError::Internal(anyhow!(
            "method {method} of f0{actor} exited {}",
            outcome.exit_code
        ))
        .into());
    }
    Ok(outcome.return_data)
}
