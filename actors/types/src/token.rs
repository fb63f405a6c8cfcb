//! Wei and attoFIL: the same unit (18 decimals), one an EVM word, the other the FVM's
//! arbitrary-precision token amount.

use alloy_primitives::U256;
use fvm_shared::{
    bigint::{BigInt, Sign},
    econ::TokenAmount,
};

/// An amount of wei as attoFIL; every word fits.
#[inline]
pub fn wei_to_atto(wei: U256) -> TokenAmount {
    TokenAmount::from_atto(BigInt::from_bytes_be(Sign::Plus, &wei.to_be_bytes::<32>()))
}

/// An amount of attoFIL as wei. Balances and values are never negative (the sign is dropped)
/// and stay far below 2^256 (FIL's whole supply is about 2^91 attoFIL); a larger amount
/// reads as `U256::MAX`.
#[inline]
pub fn atto_to_wei(amount: &TokenAmount) -> U256 {
    let (_, bytes) = amount.atto().to_bytes_be();
    U256::try_from_be_slice(&bytes).unwrap_or(U256::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_trip_beyond_128_bits() {
        for wei in [
            U256::ZERO,
            U256::from(1),
            U256::from(u128::MAX),
            U256::from(u128::MAX) + U256::from(1),
            U256::MAX,
        ] {
            assert_eq!(atto_to_wei(&wei_to_atto(wei)), wei);
        }
    }

    #[test]
    fn one_fil_is_one_ether() {
        let ether = U256::from(10).pow(U256::from(18));
        assert_eq!(wei_to_atto(ether), TokenAmount::from_whole(1));
    }

    #[test]
    fn amounts_past_a_word_read_as_the_largest_word() {
        let huge = TokenAmount::from_atto(BigInt::from(1) << 300);
        assert_eq!(atto_to_wei(&huge), U256::MAX);
    }
}
