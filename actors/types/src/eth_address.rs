//! 20-byte Ethereum addresses and their Filecoin forms.

use fvm_ipld_encoding::strict_bytes;
use fvm_shared::{address::Address, ActorID};
use serde::{Deserialize, Serialize};

use crate::builtin::EAM_ACTOR_ID;

/// An Ethereum address, encoded as a 20-byte CBOR byte string.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct EthAddress(#[serde(with = "strict_bytes")] pub [u8; 20]);

impl EthAddress {
    /// The all-zero address.
    pub const NULL: EthAddress = EthAddress([0; 20]);

    /// How the EVM sees an actor without an f410 address: `0xff`, eleven zero bytes, then the
    /// actor ID as a big-endian u64.
    pub fn from_id(id: ActorID) -> Self {
        let mut bytes = [0u8; 20];
        bytes[0] = 0xff;
        bytes[12..].copy_from_slice(&id.to_be_bytes());
        EthAddress(bytes)
    }

    /// The actor ID, if this is a masked ID address.
    pub fn as_id(&self) -> Option<ActorID> {
        if self.0[0] == 0xff && self.0[1..12].iter().all(|&b| b == 0) {
            Some(u64::from_be_bytes(
                self.0[12..].try_into().expect("8 bytes"),
            ))
        } else {
            None
        }
    }

    /// Whether this address falls in a precompile range (`0x00` or `0xfe`, 18 zero bytes, any
    /// last byte; this includes the null address), where no contract may be created.
    pub fn is_precompile_range(&self) -> bool {
        (self.0[0] == 0x00 || self.0[0] == 0xfe) && self.0[1..19].iter().all(|&b| b == 0)
    }

    /// The Filecoin address the EVM means by this address: an ID address for a masked ID, the
    /// f410 address otherwise.
    pub fn to_filecoin(&self) -> Address {
        match self.as_id() {
            Some(id) => Address::new_id(id),
            None => self.to_f410(),
        }
    }

    /// The f410 (delegated, EAM namespace) address with this subaddress.
    pub fn to_f410(&self) -> Address {
        Address::new_delegated(EAM_ACTOR_ID, &self.0).expect("20 bytes is a valid subaddress")
    }

    /// The Ethereum address inside an f410 address.
    pub fn from_f410(address: &Address) -> Option<Self> {
        match address.payload() {
            fvm_shared::address::Payload::Delegated(d) if d.namespace() == EAM_ACTOR_ID => {
                d.subaddress().try_into().ok().map(EthAddress)
            }
            _ => None,
        }
    }
}

impl From<[u8; 20]> for EthAddress {
    fn from(bytes: [u8; 20]) -> Self {
        EthAddress(bytes)
    }
}

impl From<alloy_primitives::Address> for EthAddress {
    fn from(address: alloy_primitives::Address) -> Self {
        EthAddress(address.into_array())
    }
}

impl From<EthAddress> for alloy_primitives::Address {
    fn from(address: EthAddress) -> Self {
        alloy_primitives::Address::from(address.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_ids_round_trip() {
        let address = EthAddress::from_id(1234);
        assert_eq!(address.as_id(), Some(1234));
        assert_eq!(address.to_filecoin(), Address::new_id(1234));
        assert_eq!(EthAddress([0x11; 20]).as_id(), None);
    }

    #[test]
    fn f410_round_trips() {
        let eth = EthAddress([0xab; 20]);
        let f410 = eth.to_filecoin();
        assert_eq!(f410.to_bytes()[..2], [0x04, 0x0a]);
        assert_eq!(EthAddress::from_f410(&f410), Some(eth));
    }

    #[test]
    fn alloy_addresses_convert_both_ways() {
        let alloy = alloy_primitives::Address::repeat_byte(0x5a);
        let eth = EthAddress::from(alloy);
        assert_eq!(eth, EthAddress([0x5a; 20]));
        assert_eq!(alloy_primitives::Address::from(eth), alloy);
    }

    #[test]
    fn precompile_range() {
        assert!(EthAddress::NULL.is_precompile_range());
        let mut fe = [0u8; 20];
        fe[0] = 0xfe;
        fe[19] = 0x07;
        assert!(EthAddress(fe).is_precompile_range());
        assert!(!EthAddress([0x11; 20]).is_precompile_range());
    }
}
