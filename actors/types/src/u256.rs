//! 256-bit words as builtin-actors encode them: big-endian bytes with leading zeros stripped.

use serde::{de::Error as _, Deserialize, Deserializer, Serialize, Serializer};

/// A 256-bit big-endian word, encoded as a CBOR byte string without leading zero bytes (zero is
/// the empty string).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct U256Bytes(pub [u8; 32]);

impl Serialize for U256Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let first = self.0.iter().position(|&b| b != 0).unwrap_or(32);
        serializer.serialize_bytes(&self.0[first..])
    }
}

impl<'de> Deserialize<'de> for U256Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bytes: serde_bytes_helper::Bytes = Deserialize::deserialize(deserializer)?;
        let bytes = bytes.0;
        if bytes.len() > 32 {
            return Err(D::Error::custom(format!(
                "a 256-bit word has at most 32 bytes, got {}",
                bytes.len()
            )));
        }
        let mut word = [0u8; 32];
        word[32 - bytes.len()..].copy_from_slice(&bytes);
        Ok(U256Bytes(word))
    }
}

mod serde_bytes_helper {
    use serde::{Deserialize, Deserializer};

    /// A byte string of any length.
    pub struct Bytes(pub Vec<u8>);

    impl<'de> Deserialize<'de> for Bytes {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            fvm_ipld_encoding::strict_bytes::deserialize(deserializer).map(Bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_the_empty_string_and_leading_zeros_are_stripped() {
        assert_eq!(
            fvm_ipld_encoding::to_vec(&U256Bytes([0; 32])).unwrap(),
            vec![0x40]
        );
        let mut one = [0u8; 32];
        one[31] = 1;
        assert_eq!(
            fvm_ipld_encoding::to_vec(&U256Bytes(one)).unwrap(),
            vec![0x41, 0x01]
        );
        let back: U256Bytes = fvm_ipld_encoding::from_slice(&[0x41, 0x01]).unwrap();
        assert_eq!(back, U256Bytes(one));
    }

    #[test]
    fn more_than_32_bytes_is_rejected() {
        let mut encoded = vec![0x58, 33];
        encoded.extend([1u8; 33]);
        assert!(fvm_ipld_encoding::from_slice::<U256Bytes>(&encoded).is_err());
    }
}
