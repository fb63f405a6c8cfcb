//! Filecoin's precompiles (FIP-0054), at `0xfe` followed by 18 zero bytes and an index.
//!
//! | address | name | what it does |
//! |---|---|---|
//! | `0xfe00..01` | `resolve_address` | Filecoin address bytes -> actor ID (empty output if unknown) |
//! | `0xfe00..02` | `lookup_delegated_address` | actor ID -> its f4 address bytes (empty if none) |
//! | `0xfe00..03` | `call_actor` | send a message to any actor (method, value, flags, codec, params) |
//! | `0xfe00..05` | `call_actor_id` | like `call_actor`, addressed by actor ID |
//! | `0xfe00..06` | `get_randomness` | an epoch -> the beacon randomness of that epoch (FIP-0095) |
//!
//! These need the actor runtime (address resolution, sends), so the EVM actor implements them.
//! The interpreter does not run them in-process: a call to one of these addresses is handed to the
//! embedder like any other call, and the actor recognises the address with
//! [`FilecoinPrecompile::from_address`].

use alloy_primitives::Address;

/// First byte of every Filecoin precompile address.
pub const PREFIX: u8 = 0xfe;

/// One of Filecoin's precompiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum FilecoinPrecompile {
    /// `0xfe00..01`: resolve a Filecoin address to an actor ID.
    ResolveAddress = 1,
    /// `0xfe00..02`: look up the delegated (f4) address of an actor ID.
    LookupDelegatedAddress = 2,
    /// `0xfe00..03`: call any actor by Filecoin address.
    CallActor = 3,
    /// `0xfe00..05`: call any actor by actor ID.
    CallActorId = 5,
    /// `0xfe00..06`: the beacon randomness of an epoch.
    GetRandomness = 6,
}

impl FilecoinPrecompile {
    /// The precompile at `address`, if it is one.
    pub fn from_address(address: &Address) -> Option<Self> {
        let bytes = address.as_slice();
        if bytes[0] != PREFIX || bytes[1..19].iter().any(|&b| b != 0) {
            return None;
        }
        match bytes[19] {
            1 => Some(Self::ResolveAddress),
            2 => Some(Self::LookupDelegatedAddress),
            3 => Some(Self::CallActor),
            5 => Some(Self::CallActorId),
            6 => Some(Self::GetRandomness),
            _ => None,
        }
    }

    /// The address of this precompile.
    pub fn address(self) -> Address {
        let mut bytes = [0u8; 20];
        bytes[0] = PREFIX;
        bytes[19] = self as u8;
        Address::from(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip() {
        for p in [
            FilecoinPrecompile::ResolveAddress,
            FilecoinPrecompile::LookupDelegatedAddress,
            FilecoinPrecompile::CallActor,
            FilecoinPrecompile::CallActorId,
            FilecoinPrecompile::GetRandomness,
        ] {
            assert_eq!(FilecoinPrecompile::from_address(&p.address()), Some(p));
        }
    }

    #[test]
    fn near_misses_are_not_precompiles() {
        let mut four = FilecoinPrecompile::CallActor.address().0;
        four[19] = 4;
        assert_eq!(FilecoinPrecompile::from_address(&four.into()), None);
        let mut seven = four;
        seven[19] = 7;
        assert_eq!(FilecoinPrecompile::from_address(&seven.into()), None);
        let mut masked_id = FilecoinPrecompile::CallActor.address().0;
        masked_id[0] = 0xff;
        assert_eq!(FilecoinPrecompile::from_address(&masked_id.into()), None);
    }
}
