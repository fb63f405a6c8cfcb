//! How the EVM sees Filecoin actors, and the reverse.

use actor_types::{builtin::Type, EthAddress};
use cid::Cid;
use fvm_shared::{address::Address, ActorID};
use interpreter::Address as EvmAddress;
use precompiles::{EthereumPrecompile, FilecoinPrecompile};

/// The Ethereum address of actor `id`: its f410 subaddress, or the masked ID form.
pub fn eth_address_of(id: ActorID) -> EthAddress {
    fvm_sdk::actor::lookup_delegated_address(id)
        .and_then(|address| EthAddress::from_f410(&address))
        .unwrap_or_else(|| EthAddress::from_id(id))
}

/// The Filecoin address the EVM means by `address`.
pub fn to_filecoin(address: EvmAddress) -> Address {
    EthAddress::from(address).to_filecoin()
}

/// What lives at an EVM address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An Ethereum or Filecoin precompile.
    Precompile,
    /// An EVM contract: its actor ID.
    Contract(ActorID),
    /// An account, EthAccount or placeholder: an Ethereum EOA.
    Account(ActorID),
    /// Any other actor (miner, multisig...).
    Native(ActorID, Cid),
    /// Nothing.
    Missing,
}

/// Classifies the actor behind `address`.
pub fn classify(address: EvmAddress) -> Target {
    // A reserved address with no precompile behind it is whatever actor lives there, as in
    // builtin-actors: usually none, a placeholder once value was sent to it.
    if EthereumPrecompile::from_address(&address).is_some()
        || FilecoinPrecompile::from_address(&address).is_some()
    {
        return Target::Precompile;
    }
    let Some((id, code)) = actor_code(address) else {
        return Target::Missing;
    };
    let kind =
        fvm_sdk::actor::get_builtin_actor_type(&code).and_then(|n| Type::from_number(n as u32));
    match kind {
        Some(Type::Evm) => Target::Contract(id),
        Some(Type::Account | Type::EthAccount | Type::Placeholder) => Target::Account(id),
        _ => Target::Native(id, code),
    }
}

/// The ID and code CID of the actor at `address`, if one lives there.
fn actor_code(address: EvmAddress) -> Option<(ActorID, Cid)> {
    let id = fvm_sdk::actor::resolve_address(&to_filecoin(address))?;
    let code = fvm_sdk::actor::get_actor_code_cid(&Address::new_id(id))?;
    Some((id, code))
}

/// Every address in the precompile ranges: `0x00` or `0xfe`, 18 zero bytes, then a non-zero
/// byte (implemented or not), plus P256VERIFY's `0x..0100`, the one precompile outside them.
pub fn is_reserved_precompile(address: EvmAddress) -> bool {
    let bytes = address.as_slice();
    let in_range = (bytes[0] == 0x00 || bytes[0] == 0xfe)
        && bytes[1..19].iter().all(|&b| b == 0)
        && bytes[19] != 0;
    in_range || EthereumPrecompile::from_address(&address).is_some()
}
